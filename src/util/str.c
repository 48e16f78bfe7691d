#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include "util.h"
#include "banned.h"

static int fold(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

int tg_strcasecmp(const char *a, const char *b)
{
	while (*a && fold((unsigned char)*a) == fold((unsigned char)*b)) {
		a++;
		b++;
	}
	return fold((unsigned char)*a) - fold((unsigned char)*b);
}

bool tg_starts_with_ci(const char *s, const char *prefix)
{
	while (*prefix) {
		if (fold((unsigned char)*s) != fold((unsigned char)*prefix))
			return false;
		s++;
		prefix++;
	}
	return true;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\f' || c == '\v';
}

char *tg_trim(char *s)
{
	size_t len, start = 0;

	if (!s)
		return s;
	len = strlen(s);
	while (len > 0 && is_space(s[len - 1]))
		len--;
	while (start < len && is_space(s[start]))
		start++;
	memmove(s, s + start, len - start);
	s[len - start] = '\0';
	return s;
}

char *tg_lower(char *s)
{
	char *p;

	for (p = s; p && *p; p++)
		*p = (char)fold((unsigned char)*p);
	return s;
}

char *tg_squeeze(char *s)
{
	char *r, *w;
	bool space = false;

	if (!s)
		return s;
	for (r = w = s; *r; r++) {
		if (is_space(*r)) {
			space = true;
			continue;
		}
		if (space && w != s)
			*w++ = ' ';
		space = false;
		*w++ = *r;
	}
	*w = '\0';
	return s;
}

/*
 * Edit distance with adjacent transpositions (optimal string alignment),
 * for "did you mean". Words are short: the lengths are bounded so the
 * arrays are fixed.
 */
#define SUGGEST_MAX 64

static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, cost, best;
	size_t d[SUGGEST_MAX + 1][SUGGEST_MAX + 1];

	if (la > SUGGEST_MAX || lb > SUGGEST_MAX)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			cost = a[i - 1] == b[j - 1] ? 0 : 1;
			best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < best)
				best = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

size_t tg_suggest_distances(size_t *dist, const char *word,
                            const char *const *candidates, size_t n)
{
	size_t i, best = SIZE_MAX, limit, len;

	if (!word || !*word || n == 0)
		return SIZE_MAX;
	len = strlen(word);
	/* Allow a typo per three letters, at least two. */
	limit = len / 3 > 2 ? len / 3 : 2;
	for (i = 0; i < n; i++) {
		dist[i] = distance(word, candidates[i]);
		/* A prefix or a part of a long name counts as close. */
		if (len >= 3 && strstr(candidates[i], word))
			dist[i] = 1;
		if (dist[i] < best)
			best = dist[i];
	}
	return best > limit ? SIZE_MAX : best;
}

const char *tg_suggest(const char *word, const char *const *candidates,
                       size_t n)
{
	size_t dist[64], i, best, found = SIZE_MAX, d, closest = SIZE_MAX;
	bool tie = false;

	if (n > 64)
		n = 64;
	best = tg_suggest_distances(dist, word, candidates, n);
	if (best == SIZE_MAX)
		return NULL;
	/* Among the close ones, the fewest edits wins; a tie is no guess. */
	for (i = 0; i < n; i++) {
		if (dist[i] != best)
			continue;
		d = distance(word, candidates[i]);
		if (d < closest) {
			closest = d;
			found = i;
			tie = false;
		} else if (d == closest) {
			tie = true;
		}
	}
	return tie || found == SIZE_MAX ? NULL : candidates[found];
}
