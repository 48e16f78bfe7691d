/*
 * The trigger gate: one pattern that matches wherever any trigger's strong
 * or weak pattern matches, so that the prose is read once for all of them
 * (docs/triggers.md). A pass of PCRE2 over a text costs about the number
 * of places where a match could start times the alternatives tried there;
 * seven triggers of a hundred alternatives each, read seven times, cost
 * several times the parse of the document. The gate factors the
 * alternatives of patterns written `\b(a|b|...)\b` by their first letter
 * (a one-level trie), so a place is rejected after one or two tests, and
 * each trigger's own pattern runs only, anchored, where the gate matched.
 *
 * Correctness needs only that the gate match at a place if and only if a
 * gated trigger's pattern does; which alternative or how long does not
 * matter. A pattern that does not have the simple shape joins the gate
 * whole. A pattern with back-references or named groups stays out (its
 * group numbers would shift) and is read on its own.
 */
#include <stdlib.h>
#include <string.h>
#include "policy/internal.h"
#include "util/banned.h"

#define PATTERN_OPTIONS (PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP)
#define MAX_ALTERNATIVES 4096

struct piece {
	const char *s;
	size_t len;
};

/* Past the character class that starts at s[i] == '[': index after ']'. */
static size_t skip_class(const char *s, size_t n, size_t i)
{
	i++;
	if (i < n && s[i] == '^')
		i++;
	if (i < n && s[i] == ']')
		i++;
	while (i < n && s[i] != ']') {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		else if (s[i] == '[' && i + 1 < n && s[i + 1] == ':') {
			const char *end = strstr(s + i + 2, ":]");

			if (!end || (size_t)(end - s) >= n)
				return n + 1;
			i = (size_t)(end - s) + 1;
		}
		i++;
	}
	return i < n ? i + 1 : n + 1;
}

/*
 * The alternatives of s[0..n) at parenthesis depth 0, or -1 when the text
 * is not plain enough to split (\Q quoting, unbalanced parentheses).
 */
static int split_top(const char *s, size_t n, struct piece *out, size_t max,
                     size_t *count)
{
	size_t i = 0, start = 0;
	int depth = 0;

	*count = 0;
	while (i < n) {
		char c = s[i];

		if (c == '\\') {
			if (i + 1 < n && (s[i + 1] == 'Q' || s[i + 1] == 'E'))
				return -1;
			i += 2;
			continue;
		}
		if (c == '[') {
			i = skip_class(s, n, i);
			if (i > n)
				return -1;
			continue;
		}
		if (c == '(')
			depth++;
		else if (c == ')' && --depth < 0)
			return -1;
		else if (c == '|' && depth == 0) {
			if (*count == max)
				return -1;
			out[(*count)++] = (struct piece){ s + start, i - start };
			start = i + 1;
		}
		i++;
	}
	if (depth != 0 || i != n || *count == max)
		return -1;
	out[(*count)++] = (struct piece){ s + start, n - start };
	return 0;
}

/* Where the group opened at s[0] == '(' closes, or n when it does not. */
static size_t group_end(const char *s, size_t n)
{
	size_t i = 0;
	int depth = 0;

	while (i < n) {
		if (s[i] == '\\') {
			i += 2;
			continue;
		}
		if (s[i] == '[') {
			i = skip_class(s, n, i);
			continue;
		}
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && --depth == 0)
			return i;
		i++;
	}
	return n;
}

static bool quantifier(char c)
{
	return c == '?' || c == '*' || c == '+' || c == '{';
}

/*
 * Add alternative a to *alts, spreading a leading plain group:
 * "(session|bearer) tokens?" becomes "session tokens?", "bearer tokens?".
 */
static int add_alternative(tg_vec *alts, const char *a, size_t len, int depth)
{
	struct piece inner[64];
	size_t end, count, i;
	char *one;
	int error = 0;

	if (alts->length >= MAX_ALTERNATIVES)
		return -1;
	if (depth < 3 && len > 2 && a[0] == '(' && a[1] != '?' &&
	    (end = group_end(a, len)) < len &&
	    (end + 1 == len || !quantifier(a[end + 1])) &&
	    split_top(a + 1, end - 1, inner, 64, &count) == 0) {
		for (i = 0; i < count && error == 0; i++) {
			one = tg_printf("%.*s%.*s", (int)inner[i].len, inner[i].s,
			                (int)(len - end - 1), a + end + 1);
			if (!one)
				return TG_ENOMEM;
			error = add_alternative(alts, one, strlen(one), depth + 1);
			free(one);
		}
		return error;
	}
	one = tg_strndup(a, len);
	if (!one)
		return TG_ENOMEM;
	if (tg_vec_push(alts, one) < 0) {
		free(one);
		return TG_ENOMEM;
	}
	return 0;
}

/*
 * The alternatives of a pattern `\b(...)\b` into *alts; -1 when it has
 * another shape (it then joins the gate whole).
 */
static int alternatives(tg_vec *alts, const char *pattern)
{
	struct piece *pieces;
	size_t n = strlen(pattern), count, i;
	int error;

	if (n < 7 || strncmp(pattern, "\\b(", 3) != 0 || pattern[3] == '?' ||
	    strcmp(pattern + n - 3, ")\\b") != 0 ||
	    group_end(pattern + 2, n - 2) != n - 5)
		return -1;
	pieces = calloc(MAX_ALTERNATIVES, sizeof(*pieces));
	if (!pieces)
		return TG_ENOMEM;
	error = split_top(pattern + 3, n - 6, pieces, MAX_ALTERNATIVES, &count);
	for (i = 0; error == 0 && i < count; i++)
		error = add_alternative(alts, pieces[i].s, pieces[i].len, 0);
	free(pieces);
	return error;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* An alternative a one-level trie can key: a plain letter or digit first. */
static char key_of(const char *a)
{
	char c = lower(a[0]);

	if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
		return 0;
	if (quantifier(a[1]))
		return 0;
	return c;
}

/* `\b(?:a(?:...)|b(?:...)|rest...)\b` of the alternatives. */
static void put_trie(tg_buf *buf, const tg_vec *alts)
{
	char key;
	size_t i;
	bool first = true, any;

	tg_buf_puts(buf, "\\b(?:");
	for (key = '0'; key <= 'z'; key++) {
		if (key == ':' )
			key = 'a';
		any = false;
		for (i = 0; i < alts->length; i++) {
			const char *a = alts->items[i];

			if (key_of(a) != key)
				continue;
			if (!any) {
				tg_buf_printf(buf, "%s%c(?:", first ? "" : "|", key);
				first = false;
			} else {
				tg_buf_putc(buf, '|');
			}
			any = true;
			tg_buf_puts(buf, a + 1);
		}
		if (any)
			tg_buf_putc(buf, ')');
	}
	for (i = 0; i < alts->length; i++) {
		const char *a = alts->items[i];

		if (key_of(a))
			continue;
		tg_buf_printf(buf, "%s%s", first ? "" : "|", a);
		first = false;
	}
	tg_buf_puts(buf, ")\\b");
}

static bool gateable(const pcre2_code *code)
{
	uint32_t backrefs = 1, names = 1;

	return pcre2_pattern_info(code, PCRE2_INFO_BACKREFMAX, &backrefs) == 0 &&
	       pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &names) == 0 &&
	       backrefs == 0 && names == 0;
}

/*
 * Trigger t's strong and weak patterns, anchored: run where the gate says.
 * 0 with *out NULL when they do not compile together; TG_ENOMEM.
 */
static int anchored(pcre2_code **out, const struct tg_trigger *t)
{
	char *text;
	int errcode = 0;
	PCRE2_SIZE offset = 0;

	*out = NULL;
	if (t->code && t->weak_code)
		text = tg_printf("(?:%s)(*MARK:s)|(?:%s)", t->pattern, t->weak);
	else if (t->code)
		text = tg_printf("(?:%s)(*MARK:s)", t->pattern);
	else
		text = tg_printf("(?:%s)", t->weak);
	if (!text)
		return TG_ENOMEM;
	*out = pcre2_compile((PCRE2_SPTR)text, PCRE2_ZERO_TERMINATED,
	                     PATTERN_OPTIONS | PCRE2_ANCHORED, &errcode, &offset,
	                     NULL);
	free(text);
	if (!*out)
		return errcode == PCRE2_ERROR_NOMEMORY ? TG_ENOMEM : 0;
	(void)pcre2_jit_compile(*out, PCRE2_JIT_COMPLETE);
	return 0;
}

void tg_policy__gate_free(tg_policy *policy)
{
	size_t i;

	pcre2_code_free(policy->trigger_gate);
	policy->trigger_gate = NULL;
	for (i = 0; i < policy->triggers.length; i++) {
		struct tg_trigger *t = policy->triggers.items[i];

		pcre2_code_free(t->anchored_code);
		t->anchored_code = NULL;
	}
}

int tg_policy__build_gate(tg_policy *policy)
{
	tg_vec alts = TG_VEC_INIT, whole = TG_VEC_INIT;
	tg_buf buf = TG_BUF_INIT;
	size_t i, j, gated = 0;
	int errcode = 0, error = 0;
	PCRE2_SIZE offset = 0;

	tg_policy__gate_free(policy);
	for (i = 0; i < policy->triggers.length && error >= 0; i++) {
		struct tg_trigger *t = policy->triggers.items[i];
		const char *texts[2] = { t->pattern, t->weak };
		const pcre2_code *codes[2] = { t->code, t->weak_code };

		if (!t->enabled || (!t->code && !t->weak_code) ||
		    (t->code && !gateable(t->code)) ||
		    (t->weak_code && !gateable(t->weak_code)))
			continue;
		error = anchored(&t->anchored_code, t);
		if (error < 0)
			break;
		if (!t->anchored_code)
			continue;	/* read on its own */
		for (j = 0; j < 2 && error >= 0; j++) {
			if (!codes[j])
				continue;
			error = alternatives(&alts, texts[j]);
			if (error == -1)
				error = tg_vec_push_str(&whole, texts[j]);
		}
		gated++;
	}
	if (error < -1 || gated == 0)
		goto done;
	error = 0;
	put_trie(&buf, &alts);
	for (i = 0; i < whole.length; i++)
		tg_buf_printf(&buf, "|(?:%s)", (const char *)whole.items[i]);
	if (buf.failed) {
		error = TG_ENOMEM;
		goto done;
	}
	policy->trigger_gate = pcre2_compile((PCRE2_SPTR)tg_buf_cstr(&buf),
		buf.size, PATTERN_OPTIONS, &errcode, &offset, NULL);
	if (policy->trigger_gate)
		(void)pcre2_jit_compile(policy->trigger_gate, PCRE2_JIT_COMPLETE);
	else if (errcode == PCRE2_ERROR_NOMEMORY)
		error = TG_ENOMEM;
done:
	if (!policy->trigger_gate)
		tg_policy__gate_free(policy);	/* every trigger on its own */
	tg_vec_release(&alts, free);
	tg_vec_release(&whole, free);
	tg_buf_release(&buf);
	return error == TG_ENOMEM ? tg_error_oom() : 0;
}
