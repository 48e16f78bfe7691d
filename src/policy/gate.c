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

/*
 * The prefix trie. Every string an alternative can match starts with one
 * of a few literal prefixes ("session tok", "bearer tok", ...); the trie
 * holds them, folded to lower case, up to TG_GATE_DEPTH bytes, so that the
 * prose is walked in C and a trigger's pattern runs only where its
 * prefixes are. The walk must never miss a place where a pattern may
 * match: a construct the reader below does not know ends the prefix
 * there (shorter is only slower), and an alternative that yields no
 * literal first byte, or one that is not a letter or digit (the walk
 * skips places inside words, the leading \b would fail there), leaves the
 * policy without a trie: the gate pattern then does the work.
 */
#define MAX_PREFIXES 20000

struct prefixes {
	struct tg_gate_trie *trie;
	uint64_t bit;
	uint64_t first_keys;	/* tg_gate_key() bits of the prefixes' first bytes */
	size_t emitted;
	bool failed;		/* the shape does not tell: no trie */
	bool nomem;
};

static bool alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static int trie_node(struct tg_gate_trie *trie)
{
	if (trie->length >= UINT16_MAX)
		return -1;
	if (tg_array__grow((void **)&trie->nodes, &trie->alloc,
	                   sizeof(*trie->nodes), trie->length + 1) < 0)
		return TG_ENOMEM;
	memset(&trie->nodes[trie->length], 0, sizeof(*trie->nodes));
	return (int)trie->length++;
}

/* Whoever's match may start with prefix[0..len): bit, at its node. */
static void emit(struct prefixes *px, const char *prefix, size_t len)
{
	struct tg_gate_trie *trie = px->trie;
	size_t d, at = 0;
	int n;

	if (px->failed || px->nomem)
		return;
	if (len == 0 || !alnum((unsigned char)prefix[0]) ||
	    ++px->emitted > MAX_PREFIXES) {
		px->failed = true;
		return;
	}
	px->first_keys |= (uint64_t)1 << tg_gate_key((unsigned char)prefix[0]);
	trie->nodes[0].below |= px->bit;
	for (d = 0; d < len; d++) {
		unsigned char c = (unsigned char)prefix[d];

		if (!trie->nodes[at].next[c]) {
			n = trie_node(trie);
			if (n < 0) {
				px->nomem = n == TG_ENOMEM;
				px->failed = true;
				return;
			}
			trie->nodes[at].next[c] = (uint16_t)n;
			if (c >= 'a' && c <= 'z')
				trie->nodes[at].next[c - 'a' + 'A'] = (uint16_t)n;
		}
		at = trie->nodes[at].next[c];
		trie->nodes[at].below |= px->bit;
	}
	trie->nodes[at].mask |= px->bit;
}

/* The characters of a plain class `[- ]`, `[sz]`: 0 when not plain. */
static size_t class_chars(const char *s, size_t n, char *out, size_t max,
                          size_t *len)
{
	size_t i = 1, k = 0;

	while (i < n && s[i] != ']') {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\' || c == '[' || c == '^' || c >= 0x80 || k == max ||
		    (c == '-' && i > 1 && i + 1 < n && s[i + 1] != ']'))
			return 0;
		out[k++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		i++;
	}
	if (i >= n || k == 0)
		return 0;
	*len = i + 1;
	return k;
}

static void expand(struct prefixes *px, const char *s, size_t n,
                   char *prefix, size_t plen);

/* Go on with a + b: a group's alternative, then what follows the group. */
static void expand_two(struct prefixes *px, const char *a, size_t an,
                       const char *b, size_t bn, char *prefix, size_t plen)
{
	char *both;

	if (bn == 0) {
		expand(px, a, an, prefix, plen);
		return;
	}
	both = tg_printf("%.*s%.*s", (int)an, a, (int)bn, b);
	if (!both) {
		px->nomem = px->failed = true;
		return;
	}
	expand(px, both, strlen(both), prefix, plen);
	free(both);
}

/*
 * The literal prefixes of the pattern text s[0..n) after prefix[0..plen),
 * each emitted; see the comment above MAX_PREFIXES.
 */
static void expand(struct prefixes *px, const char *s, size_t n,
                   char *prefix, size_t plen)
{
	char chars[8];
	size_t count = 0, len = 0, i, end, inner, nalts;
	struct piece alts[64];
	unsigned char c;
	char q;

	if (px->failed)
		return;
	if (plen == TG_GATE_DEPTH || n == 0) {
		emit(px, prefix, plen);
		return;
	}
	c = (unsigned char)s[0];
	if (c == '(') {
		if (n > 2 && s[1] == '?' && s[2] == ':')
			inner = 3;
		else if (n > 3 && s[1] == '?' && s[2] == 'i' && s[3] == ':')
			inner = 4;
		else if (n > 4 && s[1] == '?' && s[2] == '-' && s[3] == 'i' &&
		         s[4] == ':')
			inner = 5;
		else if (n > 1 && s[1] != '?' && s[1] != '*')
			inner = 1;
		else {
			emit(px, prefix, plen);	/* lookaround and the like */
			return;
		}
		end = group_end(s, n);
		if (end >= n || split_top(s + inner, end - inner, alts, 64,
		                          &nalts) != 0) {
			emit(px, prefix, plen);
			return;
		}
		q = end + 1 < n ? s[end + 1] : 0;
		if (q == '*' || q == '{' || q == '+') {
			emit(px, prefix, plen);
			return;
		}
		len = end + 1;
		if (q == '?') {
			len++;
			if (len < n && (s[len] == '?' || s[len] == '+'))
				len++;
			expand(px, s + len, n - len, prefix, plen);
		}
		for (i = 0; i < nalts && !px->failed; i++)
			expand_two(px, alts[i].s, alts[i].len, s + len, n - len,
			           prefix, plen);
		return;
	}
	if (c == '\\') {
		if (n < 2 || alnum((unsigned char)s[1]) ||
		    (unsigned char)s[1] >= 0x80) {
			emit(px, prefix, plen);	/* \b, \w, \s, \x1f ... */
			return;
		}
		chars[count++] = s[1];
		len = 2;
	} else if (c == '[') {
		count = class_chars(s, n, chars, sizeof(chars), &len);
	} else if (c == '.' || c == '^' || c == '$' || c == '|' || c == ')' ||
	           c == '*' || c == '+' || c == '?' || c == '{' || c >= 0x80) {
		count = 0;
	} else {
		chars[count++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		len = 1;
	}
	if (count == 0) {
		emit(px, prefix, plen);
		return;
	}
	q = len < n ? s[len] : 0;
	if (q == '*' || q == '{') {
		emit(px, prefix, plen);
		return;
	}
	if (q == '?' || q == '+') {
		end = len + 1;
		if (end < n && (s[end] == '?' || s[end] == '+'))
			end++;
		if (q == '?')
			expand(px, s + end, n - end, prefix, plen);
		for (i = 0; i < count && !px->failed; i++) {
			prefix[plen] = chars[i];
			/* one or more: the first is certain, the rest are not */
			expand(px, q == '+' ? "" : s + end, q == '+' ? 0 : n - end,
			       prefix, plen + 1);
		}
		return;
	}
	for (i = 0; i < count && !px->failed; i++) {
		prefix[plen] = chars[i];
		expand(px, s + len, n - len, prefix, plen + 1);
	}
}

/* Inline options that change how the text reads ((?x), (?i) alone ...). */
static bool plain_options(const char *s)
{
	const char *p;

	for (p = s; (p = strchr(p, '(')) != NULL; p++) {
		if (p > s && p[-1] == '\\')
			continue;
		if (p[1] == '*')
			return false;
		if (p[1] != '?')
			continue;
		if (p[2] == ':' || p[2] == '=' || p[2] == '!' ||
		    strncmp(p + 2, "<=", 2) == 0 || strncmp(p + 2, "<!", 2) == 0 ||
		    strncmp(p + 2, "i:", 2) == 0 || strncmp(p + 2, "-i:", 3) == 0)
			continue;
		return false;
	}
	return true;
}

static void trie_free(struct tg_gate_trie *trie)
{
	if (!trie)
		return;
	free(trie->nodes);
	free(trie);
}

void tg_policy__drop_prefixes(tg_policy *policy)
{
	size_t i, k;

	for (i = 0; i < policy->triggers.length; i++) {
		struct tg_trigger *t = policy->triggers.items[i];

		for (k = 0; k < TG_GATE_KEYS; k++) {
			pcre2_code_free(t->by_first[k]);
			t->by_first[k] = NULL;
		}
	}
	trie_free(policy->trigger_prefixes);
	policy->trigger_prefixes = NULL;
}

/* alts[i] into buf, "|"-separated: those that may start with key k. */
static bool put_keyed(tg_buf *buf, const tg_vec *alts, const uint64_t *firsts,
                      size_t k)
{
	size_t i;
	bool any = false;

	for (i = 0; i < alts->length; i++) {
		if (!(firsts[i] & ((uint64_t)1 << k)))
			continue;
		tg_buf_printf(buf, "%s%s", any ? "|" : "", (const char *)alts->items[i]);
		any = true;
	}
	return any;
}

/*
 * t's anchored pattern cut to the alternatives that may start with key k
 * (or that have no key), strong before weak, each in its order: at a
 * place whose first byte is k, nothing else could match, and the first
 * alternative that matches is the one the whole pattern would take.
 */
static int compile_keyed(pcre2_code **out, const tg_vec *strong,
                         const tg_vec *weak, uint64_t *const firsts[2],
                         size_t k)
{
	tg_buf s = TG_BUF_INIT, w = TG_BUF_INIT, buf = TG_BUF_INIT;
	int errcode = 0, error = 0;
	PCRE2_SIZE offset = 0;
	bool any_strong, any_weak;

	*out = NULL;
	any_strong = put_keyed(&s, strong, firsts[0], k);
	any_weak = put_keyed(&w, weak, firsts[1], k);
	if (any_strong)
		tg_buf_printf(&buf, "(?:\\b(?:%s)\\b)(*MARK:s)", tg_buf_cstr(&s));
	if (any_weak)
		tg_buf_printf(&buf, "%s(?:\\b(?:%s)\\b)", any_strong ? "|" : "",
		              tg_buf_cstr(&w));
	if (s.failed || w.failed || buf.failed) {
		error = TG_ENOMEM;
		goto done;
	}
	if (!any_strong && !any_weak)
		goto done;
	*out = pcre2_compile((PCRE2_SPTR)tg_buf_cstr(&buf), buf.size,
	                     PATTERN_OPTIONS | PCRE2_ANCHORED, &errcode, &offset,
	                     NULL);
	if (!*out) {
		error = errcode == PCRE2_ERROR_NOMEMORY ? TG_ENOMEM : -1;
		goto done;
	}
done:
	tg_buf_release(&s);
	tg_buf_release(&w);
	tg_buf_release(&buf);
	return error;
}

/*
 * The trie of every gated trigger's alternatives, and each trigger's
 * patterns by first byte; 0 with neither when a shape does not tell,
 * TG_ENOMEM.
 */
static int build_trie(tg_policy *policy)
{
	struct prefixes px;
	tg_vec alts[2] = { TG_VEC_INIT, TG_VEC_INIT };
	char prefix[TG_GATE_DEPTH + 1];
	uint64_t *firsts[2] = { NULL, NULL };
	size_t i, j, k;
	int error = 0;

	memset(&px, 0, sizeof(px));
	if (policy->triggers.length > 64)
		return 0;
	px.trie = calloc(1, sizeof(*px.trie));
	if (!px.trie || trie_node(px.trie) < 0) {
		trie_free(px.trie);
		return TG_ENOMEM;
	}
	for (i = 0; i < policy->triggers.length && !px.failed; i++) {
		struct tg_trigger *t = policy->triggers.items[i];
		const char *texts[2] = { t->pattern, t->weak };

		if (!t->anchored_code)
			continue;
		px.bit = (uint64_t)1 << i;
		for (j = 0; j < 2 && !px.failed; j++) {
			if (!texts[j])
				continue;
			if (!plain_options(texts[j])) {
				px.failed = true;
				break;
			}
			error = alternatives(&alts[j], texts[j]);
			if (error == TG_ENOMEM)
				px.nomem = px.failed = true;
			else if (error < 0)
				px.failed = true;	/* another shape */
			free(firsts[j]);
			firsts[j] = calloc(alts[j].length + 1, sizeof(*firsts[j]));
			if (!firsts[j])
				px.nomem = px.failed = true;
			for (k = 0; k < alts[j].length && !px.failed; k++) {
				px.first_keys = 0;
				expand(&px, alts[j].items[k],
				       strlen(alts[j].items[k]), prefix, 0);
				firsts[j][k] = px.first_keys;
			}
		}
		/* only the first letters some alternative may start with */
		for (k = 0; k < TG_GATE_KEYS && !px.failed; k++) {
			error = compile_keyed(&t->by_first[k], &alts[0], &alts[1],
			                      firsts, k);
			if (error < 0)
				px.failed = true;
			px.nomem = px.nomem || error == TG_ENOMEM;
		}
		tg_vec_release(&alts[0], free);
		tg_vec_release(&alts[1], free);
		free(firsts[0]);
		free(firsts[1]);
		firsts[0] = firsts[1] = NULL;
	}
	tg_vec_release(&alts[0], free);
	tg_vec_release(&alts[1], free);
	free(firsts[0]);
	free(firsts[1]);
	if (px.failed) {
		policy->trigger_prefixes = px.trie;
		tg_policy__drop_prefixes(policy);
		return px.nomem ? TG_ENOMEM : 0;
	}
	policy->trigger_prefixes = px.trie;
	return 0;
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
	return 0;	/* JIT compiled by jit_used() if it is matched often */
}

/*
 * JIT compile only what the scan will match: a check of one document
 * (a hook) pays for every compile, and each JIT compile costs more than
 * the whole read of a typical design doc. With the trie, a gated
 * trigger's by-first patterns and anchored pattern run only at a few
 * word starts (the interpreter does those well) and its own patterns
 * never; without the gate every trigger's patterns run over the prose.
 */
static void jit_used(tg_policy *policy)
{
	size_t i;

	if (policy->trigger_gate && !policy->trigger_prefixes)
		(void)pcre2_jit_compile(policy->trigger_gate, PCRE2_JIT_COMPLETE);
	for (i = 0; i < policy->triggers.length; i++) {
		struct tg_trigger *t = policy->triggers.items[i];

		if (policy->trigger_gate && t->anchored_code) {
			if (!policy->trigger_prefixes)
				(void)pcre2_jit_compile(t->anchored_code,
				                        PCRE2_JIT_COMPLETE);
			continue;
		}
		if (t->scan_code) {
			(void)pcre2_jit_compile(t->scan_code, PCRE2_JIT_COMPLETE);
			continue;
		}
		if (t->code)
			(void)pcre2_jit_compile(t->code, PCRE2_JIT_COMPLETE);
		if (t->weak_code)
			(void)pcre2_jit_compile(t->weak_code, PCRE2_JIT_COMPLETE);
	}
}

void tg_policy__gate_free(tg_policy *policy)
{
	size_t i;

	tg_policy__drop_prefixes(policy);
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
	if (!policy->trigger_gate && errcode == PCRE2_ERROR_NOMEMORY)
		error = TG_ENOMEM;
	if (policy->trigger_gate && whole.length == 0)
		error = build_trie(policy);
done:
	if (!policy->trigger_gate)
		tg_policy__gate_free(policy);	/* every trigger on its own */
	jit_used(policy);
	tg_vec_release(&alts, free);
	tg_vec_release(&whole, free);
	tg_buf_release(&buf);
	return error == TG_ENOMEM ? tg_error_oom() : 0;
}
