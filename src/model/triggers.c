/*
 * Sign-off triggers (SPEC section 3; the model is in docs/triggers.md).
 *
 * A declaration decides first: front matter `handles` (and the
 * `exposure` / `data-classification` conditions of trigger fields).
 * Where nothing is declared, the prose is weighed: every match of a
 * trigger's strong pattern weighs 2 and of its weak pattern 1, times a
 * factor for where it sits (the title and the summary count more;
 * Non-Goals, Alternatives, History, References, tables of contents, link
 * targets and paths count nothing; drawbacks and appendices count less).
 * A match inside one of the trigger's `ignore` phrases is a homonym and
 * does not count. The trigger fires when the sum reaches its threshold.
 */
#include <stdlib.h>
#include <string.h>
#include "model.h"
#include "util/banned.h"

/* Where a piece of text sits, and what a match there is worth. */
struct place {
	double factor;
	const char *where;
};

static const struct place PLACE_TITLE = { 2.0, "title" };
static const struct place PLACE_SUMMARY = { 1.5, "summary" };
static const struct place PLACE_BODY = { 1.0, "body" };
static const struct place PLACE_LESS = { 0.5, "aside" };
static const struct place PLACE_THREATS = { 0.5, "threat model" };
static const struct place PLACE_NONE = { 0.0, "skipped" };

/* Each text node of a block: where it starts and what it weighs. */
struct segment {
	size_t offset;
	int line;
	int column;
	const struct place *place;
};

struct range {
	size_t start, end;
};

struct scan {
	struct tg_model *model;
	pcre2_match_data *md;
	tg_buf text;
	struct segment *segs;
	size_t nsegs, asegs;
	struct range *strong;	/* per trigger, reused: counted strong matches */
	size_t nstrong, astrong;
};

enum kind {
	KIND_NONE,	/* says nothing: inherit from the parent section */
	KIND_SUMMARY,
	KIND_BODY,	/* explicitly prose: "Risks and Mitigations" */
	KIND_LESS,
	KIND_SKIP,
	KIND_THREATS,
	KIND_SIGNOFF
};

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool has(const char *s, const char *word)
{
	return strstr(s, word) != NULL;
}

/* What a section title (normalized: lower case, no numbering) says. */
static enum kind title_kind(const char *t)
{
	if (starts(t, "non-goal") || starts(t, "non goal") ||
	    starts(t, "nongoal") || has(t, "alternative") ||
	    has(t, "rejected") || has(t, "history") || has(t, "changelog") ||
	    has(t, "change log") || starts(t, "references") ||
	    starts(t, "see also") || starts(t, "further reading") ||
	    has(t, "prior art") || has(t, "table of contents") ||
	    strcmp(t, "contents") == 0 || strcmp(t, "toc") == 0 ||
	    starts(t, "acknowledg") || starts(t, "related work") ||
	    starts(t, "out of scope"))
		return KIND_SKIP;
	if (has(t, "risks and mitigations") || has(t, "security consideration") ||
	    has(t, "privacy consideration"))
		return KIND_BODY;
	if (starts(t, "summary") || starts(t, "abstract") ||
	    starts(t, "tl;dr") || starts(t, "tldr") || strcmp(t, "goals") == 0 ||
	    starts(t, "goals and") || strcmp(t, "overview") == 0)
		return KIND_SUMMARY;
	if (has(t, "drawback") || has(t, "future") || has(t, "unresolved") ||
	    has(t, "open question") || starts(t, "appendix") ||
	    starts(t, "glossary") || starts(t, "terminology") ||
	    starts(t, "faq") || starts(t, "frequently asked"))
		return KIND_LESS;
	return KIND_NONE;
}

static enum kind section_kind(const struct tg_section *s, bool title)
{
	enum kind k;

	if (s->rule && strcmp(s->rule->name, "signoff") == 0)
		return KIND_SIGNOFF;
	k = title_kind(s->norm ? s->norm : "");
	if (k != KIND_NONE)
		return k;
	/* A threat model spanning the whole document is the document. */
	if (s->rule && strcmp(s->rule->name, "threat-model") == 0 && !title)
		return KIND_THREATS;
	return KIND_NONE;
}

/*
 * The first heading names the document when it is a level-1 heading, or
 * when it opens the document and no heading of its level or higher
 * follows ("### Threat model" on line 1 of a short file).
 */
static bool doc_title(const struct tg_model *model, const struct tg_section *s)
{
	const struct tg_document *doc = model->doc;

	if (s->level == 1)
		return true;
	return s->line <= doc->body_line + 2 && s->end_line >= doc->line_count;
}

/*
 * The place of the text of each section, from it and its parents: a
 * sign-off section or inside one is never read; otherwise the nearest
 * section, itself first, whose title says something decides.
 */
static int section_places(const struct tg_model *model,
                          const struct place ***out, bool **threats)
{
	size_t n = model->sections.length, i, j;
	const struct place **places = calloc(n + 1, sizeof(*places));
	bool *in_threats = calloc(n + 1, sizeof(*in_threats));
	enum kind *own = calloc(n + 1, sizeof(*own));
	enum kind *eff = calloc(n + 1, sizeof(*eff));
	const struct tg_section *first = n ? model->sections.items[0] : NULL;
	int error = 0;

	*out = places;
	*threats = in_threats;
	if (!places || !in_threats || !own || !eff) {
		error = tg_error_oom();
		goto done;
	}
	for (i = 0; i < n; i++) {
		const struct tg_section *s = model->sections.items[i], *a;
		enum kind k = KIND_NONE, ak;

		own[i] = section_kind(s, s == first && doc_title(model, s));
		/* a parent comes before its children: its kind is known */
		for (j = i; s->parent && j-- > 0;)
			if (model->sections.items[j] == s->parent)
				break;
		if (!s->parent) {
			k = own[i];
		} else if (s->parent && j < i &&
		           model->sections.items[j] == s->parent) {
			if (own[i] == KIND_SIGNOFF || eff[j] == KIND_SIGNOFF)
				k = KIND_SIGNOFF;
			else
				k = own[i] != KIND_NONE ? own[i] : eff[j];
		} else {
			for (a = s; a; a = a->parent) {	/* not found: walk up */
				ak = section_kind(a, a == first && doc_title(model, a));
				if (ak == KIND_SIGNOFF) {
					k = ak;
					break;
				}
				if (k == KIND_NONE)
					k = ak;
			}
		}
		eff[i] = k;
		switch (k) {
		case KIND_SIGNOFF:
		case KIND_SKIP:
			places[i] = &PLACE_NONE;
			break;
		case KIND_SUMMARY:
			places[i] = &PLACE_SUMMARY;
			break;
		case KIND_LESS:
			places[i] = &PLACE_LESS;
			break;
		case KIND_THREATS:
			places[i] = &PLACE_THREATS;
			in_threats[i] = true;
			break;
		default:
			places[i] = &PLACE_BODY;
		}
	}
done:
	free(own);
	free(eff);
	return error;
}

static int add_segment(struct scan *sc, int line, int column,
                       const struct place *place)
{
	int error = tg_array__grow((void **)&sc->segs, &sc->asegs,
	                           sizeof(*sc->segs), sc->nsegs + 1);

	if (error < 0)
		return error;
	sc->segs[sc->nsegs].offset = sc->text.size;
	sc->segs[sc->nsegs].line = line;
	sc->segs[sc->nsegs].column = column;
	sc->segs[sc->nsegs].place = place;
	sc->nsegs++;
	return 0;
}

/* The text node holding `offset`: the last segment starting at or before. */
static const struct segment *locate(const struct scan *sc, size_t offset)
{
	size_t lo = 0, hi = sc->nsegs, mid;

	if (sc->nsegs == 0)
		return NULL;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (sc->segs[mid].offset <= offset)
			lo = mid;
		else
			hi = mid;
	}
	return &sc->segs[lo];
}

static int match_failed(struct scan *sc, const char *name, const char *key,
                        int rc)
{
	PCRE2_UCHAR msg[120];

	pcre2_get_error_message(rc, msg, sizeof(msg));
	return tg_error_set(TG_ELIMIT,
		"trigger '%s': pattern failed on '%s': %s; simplify "
		"trigger.%s.%s", name, sc->model->doc->path,
		(const char *)msg, name, key);
}

/* A term's key: lower case, letters and digits, plural and -ed/-ing dropped. */
static char *fold_term(const char *words)
{
	char *key = tg_strdup(words), *w = key;
	const char *r;
	size_t len;

	if (!key)
		return NULL;
	for (r = words; *r; r++) {
		char c = *r;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (unsigned char)c >= 0x80)
			*w++ = c;
	}
	*w = '\0';
	/* "sandboxes", "sandboxed", "sandboxing": one term */
	len = strlen(key);
	if (len > 6 && strcmp(key + len - 3, "ing") == 0)
		len -= 3;
	else if (len > 5 && (strcmp(key + len - 2, "ed") == 0 ||
	                     strcmp(key + len - 2, "es") == 0))
		len -= 2;
	else if (len > 3 && key[len - 1] == 's')
		len--;
	if (len > 4 && key[len - 1] == 'e')
		len--;
	key[len] = '\0';
	/*
	 * One word is one concept by its stem: "authenticator" and
	 * "authentication", "encrypted" and "decryption".
	 */
	if (!strchr(words, ' ')) {
		if (strncmp(key, "decrypt", 7) == 0)
			memcpy(key, "en", 2);
		if (strlen(key) > 7)
			key[7] = '\0';
	}
	return key;
}

static int compare_terms(const void *a, const void *b)
{
	const struct tg_trigger_match *x = *(const struct tg_trigger_match *const *)a;
	const struct tg_trigger_match *y = *(const struct tg_trigger_match *const *)b;
	int c = strcmp(x->term, y->term);

	if (c)
		return c;
	if (x->weight != y->weight)
		return x->weight < y->weight ? 1 : -1;
	if (x->line != y->line)
		return (x->line > y->line) - (x->line < y->line);
	return (x->column > y->column) - (x->column < y->column);
}

/*
 * Corroboration is other evidence, not the same word again: each term
 * counts its best mention in full and up to REPEATS more mentions at
 * REPEAT of that; further mentions count nothing and leave the list.
 */
#define REPEAT 0.25
#define REPEATS 2

/*
 * A weak term inside a strong one already counted is the same concept
 * ("permission" after "permission to access"): it joins that term's run.
 */
static void join_concepts(struct tg_trigger_hit *h)
{
	size_t i, j;

	for (i = 0; i < h->matches.length; i++) {
		struct tg_trigger_match *weak = h->matches.items[i];
		char *term;

		if (weak->strong)
			continue;
		for (j = 0; j < h->matches.length; j++) {
			const struct tg_trigger_match *s = h->matches.items[j];

			if (!s->strong || !strstr(s->term, weak->term) ||
			    !(term = tg_strdup(s->term)))
				continue;
			free(weak->term);
			weak->term = term;
			break;
		}
	}
}

/*
 * Evidence that all sits on one line (outside the title) is one passing
 * mention, a list of features or an aside, however many terms it names:
 * it weighs its strongest match and ONE_LINE more, not their sum.
 */
#define ONE_LINE 0.5

static void one_line(struct tg_trigger_hit *h)
{
	const struct tg_trigger_match *first, *m;
	double best = 0;
	size_t i;

	if (h->matches.length < 2)
		return;
	first = h->matches.items[0];
	for (i = 0; i < h->matches.length; i++) {
		m = h->matches.items[i];
		if (m->line != first->line || strcmp(m->where, "title") == 0)
			return;
		if (m->weight > best)
			best = m->weight;
	}
	if (h->score > best + ONE_LINE)
		h->score = best + ONE_LINE;
}

static void score_terms(struct tg_trigger_hit *h)
{
	const char *group = NULL;	/* the term of the run: its best, kept */
	size_t i, kept = 0, run = 0;
	double best = 0;

	join_concepts(h);
	qsort(h->matches.items, h->matches.length,
	      sizeof(h->matches.items[0]), compare_terms);
	h->score = 0;
	for (i = 0; i < h->matches.length; i++) {
		struct tg_trigger_match *m = h->matches.items[i];

		if (!group || strcmp(m->term, group) != 0) {
			group = m->term;
			run = 0;
			best = m->weight;
		} else if (++run > REPEATS || !m->strong) {
			free(m->words);
			free(m->term);
			free(m);
			continue;
		} else {
			m->weight = best * REPEAT;
		}
		h->score += m->weight;
		h->matches.items[kept++] = m;
	}
	h->matches.length = kept;
	one_line(h);
}

static bool token_char(char c)
{
	return c && c != ' ' && c != '\x1f' && c != '(' && c != ')' &&
	       c != '[' && c != ']' && c != '<' && c != '>' && c != '"' &&
	       c != '\'' && c != ',' && c != ';';
}

/*
 * Whether the match sits in a URL or a file path ("server/login.go",
 * "https://example.com/auth"): a link target or an identifier, not prose.
 */
static bool in_path(const char *text, size_t size, size_t start, size_t end)
{
	size_t a = start, b = end, i, slashes = 0;
	bool dot = false;

	while (a > 0 && token_char(text[a - 1]))
		a--;
	while (b < size && token_char(text[b]))
		b++;
	for (i = a; i < b; i++) {
		if (text[i] == ':' && i + 2 < b && text[i + 1] == '/' &&
		    text[i + 2] == '/')
			return true;
		if (text[i] == '/')
			slashes++;
		if (text[i] == '.' && i + 1 < b && text[i + 1] != '.')
			dot = true;
	}
	return slashes >= 2 || (slashes == 1 && dot);
}

static bool overlaps(const struct range *r, size_t n, size_t start, size_t end)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (r[i].start < end && start < r[i].end)
			return true;
	return false;
}

static int push_range(struct range **r, size_t *n, size_t *alloc,
                      size_t start, size_t end)
{
	if (tg_array__grow((void **)r, alloc, sizeof(**r), *n + 1) < 0)
		return tg_error_oom();
	(*r)[*n].start = start;
	(*r)[*n].end = end;
	(*n)++;
	return 0;
}

/* How far around a match its trigger's ignore phrases are looked for. */
#define HOMONYM_WINDOW 100

/*
 * Whether the match [start, end) sits inside one of t's ignore phrases:
 * the phrase is looked for in the match's block, within HOMONYM_WINDOW
 * bytes either side (a pass over the whole prose would cost as much as
 * the trigger's own).
 */
static int homonym(struct scan *sc, const struct tg_trigger *t, size_t start,
                   size_t end, bool *found)
{
	const char *subject = tg_buf_cstr(&sc->text);
	size_t from, to, at;
	PCRE2_SIZE *ov;
	int rc;

	*found = false;
	if (!t->ignore_code)
		return 0;
	from = start > HOMONYM_WINDOW ? start - HOMONYM_WINDOW : 0;
	to = end + HOMONYM_WINDOW < sc->text.size ? end + HOMONYM_WINDOW :
	     sc->text.size;
	/* not across a block; end the window between words */
	for (at = start; at > from; at--)
		if (subject[at - 1] == '\x1f')
			break;
	from = at;
	for (at = end; at < to; at++)
		if (subject[at] == '\x1f')
			break;
	to = at;
	while (to < sc->text.size && to > end && subject[to] != ' ' &&
	       subject[to] != '\x1f')
		to--;
	for (at = from; at <= start;) {
		rc = pcre2_match(t->ignore_code, (PCRE2_SPTR)subject, to, at,
		                 PCRE2_NO_UTF_CHECK, sc->md,
		                 sc->model->policy->match_context);
		if (rc == PCRE2_ERROR_NOMATCH)
			return 0;
		if (rc < 0)
			return match_failed(sc, t->name, "ignore", rc);
		ov = pcre2_get_ovector_pointer(sc->md);
		if (ov[0] < end && start < ov[1]) {
			*found = true;
			return 0;
		}
		if (ov[0] >= end)
			return 0;
		at = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
	return 0;
}

/*
 * Count the match [mstart, mend) of trigger t as evidence of `hit`: it
 * weighs `kind` (2 strong, 1 weak) times the factor of where it sits,
 * unless that is nothing, it is a path or URL, or one of t's homonyms.
 */
static int count_match(struct scan *sc, const struct tg_trigger *t,
                       struct tg_trigger_hit *hit, size_t mstart,
                       size_t mend, double kind, bool two_passes)
{
	const char *subject = tg_buf_cstr(&sc->text);
	const struct segment *seg = locate(sc, mstart);
	struct tg_trigger_match *m;
	double weight;
	bool ignored;
	int error;

	if (!seg)
		return 0;
	weight = kind * seg->place->factor;
	if (weight <= 0 || in_path(subject, sc->text.size, mstart, mend))
		return 0;
	if (two_passes && kind < 2 &&
	    overlaps(sc->strong, sc->nstrong, mstart, mend))
		return 0;	/* the strong match already counted */
	error = homonym(sc, t, mstart, mend, &ignored);
	if (error < 0 || ignored)
		return error;
	if (two_passes && kind >= 2) {
		/* the weak pass must not count this again */
		error = push_range(&sc->strong, &sc->nstrong, &sc->astrong,
		                   mstart, mend);
		if (error < 0)
			return error;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return tg_error_oom();
	m->words = tg_strndup(subject + mstart, mend - mstart);
	m->term = m->words ? fold_term(m->words) : NULL;
	m->line = seg->line;
	m->column = seg->column + (int)(mstart - seg->offset);
	m->weight = weight;
	m->strong = kind >= 2;
	m->where = seg->place->where;
	if (!m->term || tg_vec_push(&hit->matches, m) < 0) {
		free(m->words);
		free(m->term);
		free(m);
		return tg_error_oom();
	}
	return 0;
}

/*
 * Every match of `code` over the text, for a trigger outside the gate:
 * each weighs `base`, or 2 or 1 by the combined pattern's mark (base 0).
 */
static int each_match(struct scan *sc, const struct tg_trigger *t,
                      const pcre2_code *code, double base,
                      struct tg_trigger_hit *hit)
{
	const tg_policy *policy = sc->model->policy;
	const char *subject = tg_buf_cstr(&sc->text);
	size_t start = 0, size = sc->text.size;
	PCRE2_SIZE *ov;
	int rc, error = 0;

	while (start <= size && error == 0) {
		double kind = base;

		rc = pcre2_match(code, (PCRE2_SPTR)subject, size, start,
		                 PCRE2_NO_UTF_CHECK, sc->md, policy->match_context);
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0)
			return match_failed(sc, t->name, "pattern", rc);
		ov = pcre2_get_ovector_pointer(sc->md);
		if (kind == 0)
			kind = pcre2_get_mark(sc->md) ? 2.0 : 1.0;
		if (ov[1] <= ov[0]) {
			/* an empty match: step over one character (UTF-8) */
			start = ov[0] + 1;
			while (start < size && (subject[start] & 0xc0) == 0x80)
				start++;
			continue;
		}
		start = ov[1];
		error = count_match(sc, t, hit, ov[0], ov[1], kind, base != 0);
	}
	return error;
}

/*
 * At `at`, where a gated trigger may match: each gated trigger in `mask`
 * (bits of policy->triggers indexes; all when ~0) is tried, anchored,
 * unless its previous match still covers the place; what it matches
 * there is what reading the prose on its own would have found.
 */
static int try_at(struct scan *sc, struct tg_trigger_hit **found,
                  size_t *last_end, size_t at, uint64_t mask)
{
	const tg_policy *policy = sc->model->policy;
	const char *subject = tg_buf_cstr(&sc->text);
	size_t size = sc->text.size, n = policy->triggers.length, i;
	int key = policy->trigger_prefixes ?
	          tg_gate_key((unsigned char)subject[at]) : -1;
	PCRE2_SIZE *ov;
	int rc, error = 0;

	for (i = 0; i < n && error == 0; i++) {
		const struct tg_trigger *t = policy->triggers.items[i];
		const pcre2_code *code;

		if ((i < 64 && !(mask & ((uint64_t)1 << i))) ||
		    !t->anchored_code || !found[i] || at < last_end[i])
			continue;
		code = key >= 0 ? t->by_first[key] : t->anchored_code;
		if (!code)
			continue;
		rc = pcre2_match(code, (PCRE2_SPTR)subject, size, at,
		                 PCRE2_NO_UTF_CHECK, sc->md,
		                 policy->match_context);
		if (rc == PCRE2_ERROR_NOMATCH)
			continue;
		if (rc < 0)
			return match_failed(sc, t->name, "pattern", rc);
		ov = pcre2_get_ovector_pointer(sc->md);
		if (ov[1] <= ov[0]) {
			last_end[i] = at + 1;
			continue;
		}
		last_end[i] = ov[1];
		error = count_match(sc, t, found[i], ov[0], ov[1],
		                    pcre2_get_mark(sc->md) ? 2.0 : 1.0, false);
	}
	return error;
}

/* The bytes of a word: after one, no \b-led alternative can start. */
static const bool word_bytes[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['_'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
};

/*
 * Every place of the prose where a gated trigger may match, by the
 * policy's prefix trie: the first byte of each ASCII word (the rest of a
 * word follows a word byte, where a leading \b fails), and each byte of
 * 0x80 or more that starts a character (the patterns decide there).
 */
static int trie_pass(struct scan *sc, struct tg_trigger_hit **found,
                     size_t *last_end)
{
	const struct tg_gate_trie *trie = sc->model->policy->trigger_prefixes;
	const struct tg_gate_node *root = trie->nodes;
	const unsigned char *s = (const unsigned char *)tg_buf_cstr(&sc->text);
	size_t at = 0, size = sc->text.size;
	uint64_t mask;
	int error = 0;

	while (at < size && error == 0) {
		unsigned char c = s[at];

		if (c >= 0xc0) {
			error = try_at(sc, found, last_end, at, root->below);
			at++;
			continue;
		}
		if (!word_bytes[c]) {
			at++;
			continue;
		}
		/* a word starts here (s[at - 1] is not a word byte) */
		if (c < 0x80 && root->next[c]) {
			mask = tg_gate_trie_at(trie, (const char *)s, size, at);
			if (mask)
				error = try_at(sc, found, last_end, at, mask);
		}
		for (at++; at < size && word_bytes[s[at]]; at++)
			;
	}
	return error;
}

/*
 * The gate's pass: one read of the prose for every gated trigger. With
 * the policy's prefix trie the prose is walked in C, and a trigger runs
 * only where one of its prefixes starts a word (or where a byte of 0x80
 * or more leaves it open); else the gate pattern finds the places.
 */
static int gate_pass(struct scan *sc, struct tg_trigger_hit **found)
{
	const tg_policy *policy = sc->model->policy;
	const char *subject = tg_buf_cstr(&sc->text);
	size_t start = 0, size = sc->text.size, n = policy->triggers.length;
	size_t *last_end = calloc(n + 1, sizeof(*last_end));
	int rc, error = 0;

	if (!last_end)
		return tg_error_oom();
	if (policy->trigger_prefixes) {
		error = trie_pass(sc, found, last_end);
		free(last_end);
		return error;
	}
	while (start < size && error == 0) {
		size_t at;

		rc = pcre2_match(policy->trigger_gate, (PCRE2_SPTR)subject, size,
		                 start, PCRE2_NO_UTF_CHECK, sc->md,
		                 policy->match_context);
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0) {
			error = match_failed(sc, "gate", "pattern", rc);
			break;
		}
		at = pcre2_get_ovector_pointer(sc->md)[0];
		error = try_at(sc, found, last_end, at, ~(uint64_t)0);
		/* on to the next character (UTF-8) */
		start = at + 1;
		while (start < size && (subject[start] & 0xc0) == 0x80)
			start++;
	}
	free(last_end);
	return error;
}

static int compare_matches(const void *a, const void *b)
{
	const struct tg_trigger_match *x = *(const struct tg_trigger_match *const *)a;
	const struct tg_trigger_match *y = *(const struct tg_trigger_match *const *)b;

	if (x->line != y->line)
		return (x->line > y->line) - (x->line < y->line);
	return (x->column > y->column) - (x->column < y->column);
}

void tg_model__free_hit(void *item)
{
	struct tg_trigger_hit *h = item;
	size_t i;

	if (!h)
		return;
	for (i = 0; i < h->matches.length; i++) {
		struct tg_trigger_match *m = h->matches.items[i];

		free(m->words);
		free(m->term);
		free(m);
	}
	tg_vec_release(&h->matches, NULL);
	free(h->match);
	free(h);
}

/*
 * Score the evidence gathered in h and name its strongest match; a hit
 * without evidence is freed and *out is NULL.
 */
static int finish(struct tg_trigger_hit *h, struct tg_trigger_hit **out)
{
	const struct tg_trigger_match *best = NULL;
	size_t i;

	*out = NULL;
	if (!h || h->matches.length == 0) {
		tg_model__free_hit(h);
		return 0;
	}
	score_terms(h);
	if (h->matches.length > 1)
		qsort(h->matches.items, h->matches.length,
		      sizeof(h->matches.items[0]), compare_matches);
	for (i = 0; i < h->matches.length; i++) {
		const struct tg_trigger_match *m = h->matches.items[i];

		if (!best || m->weight > best->weight)
			best = m;
	}
	if (!best) {	/* score_terms keeps each term's first match */
		tg_model__free_hit(h);
		return 0;
	}
	h->match = tg_strdup(best->words);
	h->line = best->line;
	h->column = best->column;
	if (!h->match) {
		tg_model__free_hit(h);
		return tg_error_oom();
	}
	*out = h;
	return 0;
}

/*
 * Gather every trigger's prose evidence into found[i] (NULL for a
 * trigger without patterns): the gate's one pass for the triggers in it,
 * a pass (or two) of its own for each other.
 */
static int read_prose(struct scan *sc, struct tg_trigger_hit **found)
{
	const tg_policy *policy = sc->model->policy;
	size_t i;
	int error = 0;

	for (i = 0; i < policy->triggers.length; i++) {
		const struct tg_trigger *t = policy->triggers.items[i];

		if (!t->enabled || (!t->code && !t->weak_code))
			continue;
		found[i] = calloc(1, sizeof(*found[i]));
		if (!found[i])
			return tg_error_oom();
		found[i]->trigger = t;
	}
	if (policy->trigger_gate)
		error = gate_pass(sc, found);
	for (i = 0; i < policy->triggers.length && error == 0; i++) {
		const struct tg_trigger *t = policy->triggers.items[i];

		if (!found[i] || (policy->trigger_gate && t->anchored_code))
			continue;
		sc->nstrong = 0;
		if (t->scan_code) {
			error = each_match(sc, t, t->scan_code, 0, found[i]);
		} else {
			if (t->code)
				error = each_match(sc, t, t->code, 2.0, found[i]);
			if (error == 0 && t->weak_code)
				error = each_match(sc, t, t->weak_code, 1.0,
				                   found[i]);
		}
	}
	return error;
}

const char *tg_model__concern(const char *name)
{
	static const char *const map[][2] = {
		{ "personal-data", "pii" },
		{ "health-data", "phi" },
		{ "internet-exposed", "internet" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(name, map[i][0]) == 0)
			return map[i][1];
	return name;
}

static bool declared_in_handles(const struct tg_frontmatter *fm,
                                const struct tg_trigger *t)
{
	const char *concern = tg_model__concern(t->name);
	size_t i;

	for (i = 0; i < fm->handles.length; i++)
		if (strcmp(fm->handles.items[i], concern) == 0 ||
		    strcmp(fm->handles.items[i], t->name) == 0)
			return true;
	return false;
}

static bool field_matches(const struct tg_frontmatter *fm, const char *field,
                          int *line, const char **value)
{
	const char *eq = strchr(field, '=');
	size_t klen, i;

	if (!eq)
		return false;
	klen = (size_t)(eq - field);
	*value = eq + 1;
	if (klen == 8 && strncmp(field, "exposure", 8) == 0) {
		*line = fm->exposure_line;
		return fm->exposure && tg_strcasecmp(fm->exposure, eq + 1) == 0;
	}
	if (klen == 19 && strncmp(field, "data-classification", 19) == 0) {
		*line = fm->classification_line;
		for (i = 0; i < fm->classification.length; i++)
			if (tg_strcasecmp(fm->classification.items[i], eq + 1) == 0)
				return true;
		return false;
	}
	if (klen == 7 && strncmp(field, "handles", 7) == 0) {
		*line = fm->handles_line;
		for (i = 0; i < fm->handles.length; i++)
			if (tg_strcasecmp(fm->handles.items[i], eq + 1) == 0)
				return true;
		return false;
	}
	if (klen == 6 && strncmp(field, "status", 6) == 0) {
		*line = fm->first_line;
		return fm->status && tg_strcasecmp(fm->status, eq + 1) == 0;
	}
	return false;
}

/* What the front matter declares for t: "handles: pii", or NULL. */
static char *declaration(const struct tg_frontmatter *fm,
                         const struct tg_trigger *t, int *line, bool *failed)
{
	const char *value;
	char *text;
	size_t j;

	*failed = false;
	if (!fm->present)
		return NULL;
	if (fm->handles_given && declared_in_handles(fm, t)) {
		*line = fm->handles_line;
		text = tg_printf("handles: %s", tg_model__concern(t->name));
		*failed = !text;
		return text;
	}
	for (j = 0; j < t->fields.length; j++) {
		const char *field = t->fields.items[j];

		if (!field_matches(fm, field, line, &value))
			continue;
		text = tg_printf("%.*s: %s", (int)(strchr(field, '=') - field),
		                 field, value);
		*failed = !text;
		return text;
	}
	return NULL;
}

/* Only one link to an anchor of the document: a table-of-contents line. */
static bool toc_line(cmark_node *block)
{
	cmark_node *child = cmark_node_first_child(block), *link = NULL;
	const char *url;

	for (; child; child = cmark_node_next(child)) {
		cmark_node_type type = cmark_node_get_type(child);

		if (type == CMARK_NODE_LINK && !link) {
			link = child;
			continue;
		}
		if (type == CMARK_NODE_TEXT) {
			const char *lit = cmark_node_get_literal(child);

			while (lit && (*lit == ' ' || *lit == '\t'))
				lit++;
			if (!lit || !*lit)
				continue;
		}
		if (type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK)
			continue;
		return false;
	}
	url = link ? cmark_node_get_url(link) : NULL;
	return url && url[0] == '#';
}

static bool collects_text(cmark_node *node)
{
	cmark_node_type type = cmark_node_get_type(node);

	return type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_HEADING ||
	       tg_markdown__is(node, TG_NODE_TABLE_CELL);
}

/* Gather the prose, each text node with its place, into sc->text. */
static int gather(struct scan *sc)
{
	const struct tg_model *model = sc->model;
	const struct tg_document *doc = model->doc;
	const struct place **places = NULL, *place = &PLACE_BODY;
	const struct place *block_place = NULL;
	const struct tg_section *title = NULL;
	bool *threats = NULL, in_threats = false;
	size_t next = 0;
	cmark_iter *iter = NULL;
	cmark_event_type ev;
	cmark_node *node, *block = NULL;
	const char *lit;
	int error;

	error = section_places(model, &places, &threats);
	if (error < 0)
		goto done;
	if (model->sections.length &&
	    ((const struct tg_section *)model->sections.items[0])->level == 1)
		title = model->sections.items[0];
	iter = cmark_iter_new(doc->root);
	if (!iter) {
		error = tg_error_oom();
		goto done;
	}
	while (error == 0 && (ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
		node = cmark_iter_get_node(iter);
		if (ev == CMARK_EVENT_ENTER && next < model->sections.length &&
		    node == ((const struct tg_section *)
		             model->sections.items[next])->heading) {
			place = places[next];
			in_threats = threats[next];
			next++;
		}
		if (!block) {
			if (ev != CMARK_EVENT_ENTER || !collects_text(node))
				continue;
			block_place = place;
			if (title && node == title->heading)
				block_place = &PLACE_TITLE;
			else if (in_threats &&
			         tg_markdown__is(node, TG_NODE_TABLE_CELL))
				block_place = &PLACE_NONE;	/* threat rows */
			else if (cmark_node_get_type(node) == CMARK_NODE_PARAGRAPH &&
			         toc_line(node))
				block_place = &PLACE_NONE;
			if (block_place->factor > 0)
				block = node;
			continue;
		}
		if (node == block && ev == CMARK_EVENT_EXIT) {
			/* blocks apart: no match spans two of them */
			tg_buf_putc(&sc->text, '\x1f');
			block = NULL;
			continue;
		}
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			lit = cmark_node_get_literal(node);
			error = add_segment(sc, tg_document__line(doc, node),
			                    cmark_node_get_start_column(node),
			                    block_place);
			if (lit)
				tg_buf_puts(&sc->text, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			tg_buf_putc(&sc->text, ' ');
			break;
		default:
			break;
		}
	}
	if (error == 0 && sc->text.failed)
		error = tg_error_oom();
	/*
	 * PCRE2's JIT may read a few bytes past the subject's end (its SIMD
	 * searches stay within the allocation): they are defined, so that
	 * valgrind has nothing to say.
	 */
	if (error == 0 && sc->text.asize > sc->text.size)
		memset(sc->text.ptr + sc->text.size, 0,
		       sc->text.asize - sc->text.size);
done:
	if (iter)	/* cmark_iter_free() takes no NULL */
		cmark_iter_free(iter);
	free(places);
	free(threats);
	return error;
}

/*
 * Weigh every trigger on the document: model->hits gets the triggers that
 * fire, model->undeclared the concerns `handles` leaves out although the
 * prose shows them strongly (twice the threshold).
 */
int tg_model__triggers(struct tg_model *model)
{
	const tg_policy *policy = model->policy;
	const struct tg_frontmatter *fm = &model->doc->fm;
	struct tg_trigger_hit *hit = NULL, **found = NULL;
	struct scan sc;
	char *declared = NULL;
	size_t i;
	int line = 1, error = 0;
	bool failed;

	if (model->triggers_done)
		return 0;
	model->triggers_done = true;
	memset(&sc, 0, sizeof(sc));
	sc.model = model;
	tg_buf_init(&sc.text, 0);
	sc.md = pcre2_match_data_create(1, NULL);
	if (!sc.md) {
		error = tg_error_oom();
		goto done;
	}
	found = calloc(policy->triggers.length + 1, sizeof(*found));
	if (!found) {
		error = tg_error_oom();
		goto done;
	}
	error = gather(&sc);
	if (error == 0)
		error = read_prose(&sc, found);
	for (i = 0; i < policy->triggers.length && error == 0; i++) {
		const struct tg_trigger *t = policy->triggers.items[i];

		if (!t->enabled)
			continue;
		declared = declaration(fm, t, &line, &failed);
		if (failed) {
			error = tg_error_oom();
			break;
		}
		error = finish(found[i], &hit);
		found[i] = NULL;
		if (error < 0)
			break;
		if (declared) {
			if (!hit && !(hit = calloc(1, sizeof(*hit)))) {
				error = tg_error_oom();
				break;
			}
			hit->trigger = t;
			free(hit->match);
			hit->match = declared;
			declared = NULL;
			hit->line = line > 0 ? line : 1;
			hit->column = 1;
			hit->declared = true;
			error = tg_vec_push(&model->hits, hit);
		} else if (hit && fm->handles_given) {
			if (hit->score + 1e-9 >= 2 * t->threshold)
				error = tg_vec_push(&model->undeclared, hit);
			else
				tg_model__free_hit(hit);
		} else if (hit && hit->score + 1e-9 >= t->threshold) {
			error = tg_vec_push(&model->hits, hit);
		} else {
			tg_model__free_hit(hit);
			hit = NULL;
		}
		if (error < 0) {
			tg_model__free_hit(hit);
			break;
		}
		hit = NULL;
	}
done:
	for (i = 0; found && i < policy->triggers.length; i++)
		tg_model__free_hit(found[i]);
	free(found);
	free(declared);
	pcre2_match_data_free(sc.md);
	free(sc.segs);
	free(sc.strong);
	tg_buf_release(&sc.text);
	return error;
}
