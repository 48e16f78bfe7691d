/*
 * ASCII string helpers: case folding, trimming, squeezing spaces.
 */
#include <ctype.h>
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
