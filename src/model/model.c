/*
 * The model of a document: built from its tree (sections, threats,
 * sign-offs, suppressions, triggers), and the vocabulary every part
 * shares: priorities, categories, statuses, a node's text.
 */
#include <stdlib.h>
#include <string.h>
#include "model.h"
#include "util/banned.h"

char *tg_model__node_text(cmark_node *node)
{
	tg_buf buf = TG_BUF_INIT;
	cmark_iter *iter = cmark_iter_new(node);
	cmark_event_type ev;
	cmark_node *cur;
	const char *lit;

	if (!iter)
		return NULL;
	while ((ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		cur = cmark_iter_get_node(iter);
		switch (cmark_node_get_type(cur)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			lit = cmark_node_get_literal(cur);
			if (lit)
				tg_buf_puts(&buf, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			tg_buf_putc(&buf, '\n');
			break;
		case CMARK_NODE_PARAGRAPH:
		case CMARK_NODE_ITEM:
			if (buf.size && buf.ptr[buf.size - 1] != '\n')
				tg_buf_putc(&buf, '\n');
			break;
		default:
			if (tg_markdown__is(cur, TG_NODE_TABLE_CELL) && buf.size)
				tg_buf_putc(&buf, ' ');
			break;
		}
	}
	cmark_iter_free(iter);
	return tg_buf_detach(&buf);
}

static bool alpha(char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The level of a rating word at p (its length in *n): 1..5, or 0. */
static int rating_word(const char *p, size_t *n)
{
	static const struct {
		const char *word;
		int priority;
	} words[] = {
		{ "critical", 1 }, { "crit", 1 }, { "very high", 1 },
		{ "high", 2 }, { "medium", 3 }, { "med", 3 }, { "moderate", 3 },
		{ "low", 4 }, { "very low", 5 }, { "informational", 5 },
		{ "info", 5 }, { "none", 5 }, { "negligible", 5 },
	};
	size_t i, len;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		len = strlen(words[i].word);
		if (tg_starts_with_ci(p, words[i].word) && !alpha(p[len])) {
			*n = len;
			return words[i].priority;
		}
	}
	return 0;
}

/* A decimal number at p ("7", "9.8"), as tenths; -1 when none. */
static long tenths(const char *p, const char **end)
{
	long v = 0;
	bool any = false;

	while (digit(*p)) {
		v = v * 10 + (*p++ - '0');
		any = true;
		if (v > 100000)
			return -1;
	}
	v *= 10;
	if (*p == '.' && digit(p[1])) {
		v += p[1] - '0';
		p += 2;
		while (digit(*p))
			p++;
	}
	if (end)
		*end = p;
	return any ? v : -1;
}

/*
 * A rating as documents write it (docs/ratings.md): P1-P5; the words
 * critical=P1, high=P2, medium/med/moderate=P3, low=P4,
 * informational/info/none=P5, "medium-high" the more severe; Sev 1-4 as
 * P1-P4; "DREAD 7.2" (0-10, or a total of 50) and "CVSS 9.8" by score.
 */
int tg_model__rating(const char *text)
{
	const char *p = text, *q;
	size_t n = 0, m = 0;
	long v;
	int a, b;

	if (!p)
		return 0;
	while (*p == ' ' || *p == '\t' || *p == '*' || *p == '(' ||
	       *p == '[' || *p == '_' || *p == '`')
		p++;
	if ((p[0] == 'P' || p[0] == 'p') && p[1] >= '1' && p[1] <= '5' &&
	    !digit(p[2]))
		return p[1] - '0';
	if (tg_starts_with_ci(p, "sev")) {
		q = p + 3;
		if (tg_starts_with_ci(p, "severity"))
			q = p + 8;
		while (*q == ' ' || *q == '-' || *q == ':')
			q++;
		if (*q >= '1' && *q <= '4' && !digit(q[1]))
			return *q - '0';
	}
	if (tg_starts_with_ci(p, "dread") || tg_starts_with_ci(p, "cvss")) {
		bool dread = (p[0] | 0x20) == 'd';

		q = p + (dread ? 5 : 4);
		/* "CVSS:3.1/AV:N/..." names a version, not a score */
		while (*q && !digit(*q) && *q != '/' && q - p < 24)
			q++;
		if (!dread && *q == '3' && q[1] == '.' && q[3] == '/')
			return 0;
		v = tenths(q, &q);
		if (v < 0)
			return 0;
		if (dread && v > 100) {
			while (*q == ' ')
				q++;
			v = v / 5;	/* a total of five 0-10 scores */
		}
		if (v > 100)
			return 0;
		if (dread)
			return v >= 80 ? 1 : v >= 60 ? 2 : v >= 40 ? 3 : v >= 20 ? 4 : 5;
		return v >= 90 ? 1 : v >= 70 ? 2 : v >= 40 ? 3 : v > 0 ? 4 : 5;
	}
	a = rating_word(p, &n);
	if (!a)
		return 0;
	/* "Medium-High", "low/medium": the more severe */
	q = p + n;
	if ((*q == '-' || *q == '/' || *q == ' ') && alpha(q[1])) {
		b = rating_word(q + 1, &m);
		if (b && b < a)
			a = b;
	}
	return a;
}

int tg_model__priority(const char *text)
{
	return tg_model__rating(text);
}

/*
 * Impact x Likelihood (docs/ratings.md): each on critical=4, high=3,
 * medium=2, low=1; their sum 8-7 is P1, 6 P2, 5 P3, 4-3 P4, 2 P5.
 * Impact alone is its own rating; likelihood alone is none.
 */
int tg_model__impact_likelihood(const char *impact, const char *likelihood)
{
	int i = tg_model__rating(impact), l = tg_model__rating(likelihood), sum;

	if (!i)
		return 0;
	if (!l)
		return i;
	i = i >= 5 ? 0 : 5 - i;
	l = l >= 5 ? 0 : 5 - l;
	sum = i + l;
	if (i == 0)
		return 5;
	return sum >= 7 ? 1 : sum == 6 ? 2 : sum == 5 ? 3 : sum >= 3 ? 4 : 5;
}

/* Compare a token with a category name, ignoring case, '-' and spaces. */
static bool same_name(const char *token, const char *name)
{
	while (*token && *name) {
		char a = *token, b = *name;

		if (a == '-')
			a = ' ';
		if (b == '-')
			b = ' ';
		if ((a | 0x20) != (b | 0x20) && !(a == ' ' && b == ' '))
			return false;
		token++;
		name++;
	}
	return *token == '\0' && *name == '\0';
}

static int category_index(const tg_policy *policy, const char *token)
{
	static const struct {
		const char *alias;
		char letter;
	} stride_aliases[] = {
		{ "dos", 'D' }, { "eop", 'E' }, { "denial of service", 'D' },
		{ "elevation of privileges", 'E' }, { "info disclosure", 'I' },
		{ "information leak", 'I' }, { "privilege escalation", 'E' },
		{ "escalation of privilege", 'E' },
		{ "escalation of privileges", 'E' },
		{ "spoofing identity", 'S' }, { "identity spoofing", 'S' },
		{ "data tampering", 'T' }, { "tampering with data", 'T' },
	};
	size_t i;
	char letter = 0;

	for (i = 0; i < policy->categories_count; i++)
		if (same_name(token, policy->categories[i].name))
			return (int)i;
	if (token[0] && !token[1])
		letter = (char)(token[0] & ~0x20);
	if (!letter && policy->framework && strcmp(policy->framework, "stride") == 0)
		for (i = 0; i < sizeof(stride_aliases) / sizeof(stride_aliases[0]); i++)
			if (same_name(token, stride_aliases[i].alias))
				letter = stride_aliases[i].letter;
	if (!letter)
		return -1;
	for (i = 0; i < policy->categories_count; i++)
		if (policy->categories[i].letter == letter)
			return (int)i;
	return -1;
}

int tg_model__parse_categories(unsigned *out, const tg_policy *policy,
                               const char *text, char **bad_token)
{
	char *copy, *p, *start;
	unsigned bits = 0;
	int idx;

	*out = 0;
	if (bad_token)
		*bad_token = NULL;
	if (!text)
		return 0;
	copy = tg_strdup(text);
	if (!copy)
		return tg_error_oom();
	/* " and " joins like a comma does */
	for (p = copy; (p = strstr(p, " and ")) != NULL; p += 5)
		memcpy(p, " ,   ", 5);
	for (start = p = copy;; p++) {
		if (*p && !strchr("/,+&;|", *p))
			continue;
		{
			char saved = *p;

			*p = '\0';
			tg_trim(start);
			tg_squeeze(start);
			if (*start) {
				idx = category_index(policy, start);
				if (idx >= 0)
					bits |= 1u << idx;
				else if (bad_token && !*bad_token) {
					*bad_token = tg_strdup(start);
					if (!*bad_token) {
						free(copy);
						return tg_error_oom();
					}
				}
			}
			if (!saved)
				break;
		}
		start = p + 1;
	}
	free(copy);
	*out = bits;
	return 0;
}

unsigned tg_model__categories(const tg_policy *policy, const char *text,
                              char **bad_token)
{
	unsigned bits;

	return tg_model__parse_categories(&bits, policy, text, bad_token) < 0 ?
	       0 : bits;
}

tg_status tg_model__status(const char *text)
{
	static const struct {
		const char *word;
		tg_status status;
	} words[] = {
		{ "open", TG_STATUS_OPEN }, { "new", TG_STATUS_OPEN },
		{ "todo", TG_STATUS_OPEN }, { "identified", TG_STATUS_OPEN },
		{ "unmitigated", TG_STATUS_OPEN },
		{ "in-progress", TG_STATUS_IN_PROGRESS },
		{ "in progress", TG_STATUS_IN_PROGRESS },
		{ "wip", TG_STATUS_IN_PROGRESS }, { "ongoing", TG_STATUS_IN_PROGRESS },
		{ "planned", TG_STATUS_IN_PROGRESS },
		{ "mitigated", TG_STATUS_MITIGATED }, { "done", TG_STATUS_MITIGATED },
		{ "fixed", TG_STATUS_MITIGATED }, { "resolved", TG_STATUS_MITIGATED },
		{ "closed", TG_STATUS_MITIGATED },
		{ "implemented", TG_STATUS_MITIGATED },
		{ "accepted", TG_STATUS_ACCEPTED },
		{ "risk accepted", TG_STATUS_ACCEPTED },
		{ "risk-accepted", TG_STATUS_ACCEPTED },
		{ "accept", TG_STATUS_ACCEPTED },
		{ "transferred", TG_STATUS_TRANSFERRED },
		{ "transfer", TG_STATUS_TRANSFERRED },
		{ "not-applicable", TG_STATUS_NOT_APPLICABLE },
		{ "not applicable", TG_STATUS_NOT_APPLICABLE },
		{ "n/a", TG_STATUS_NOT_APPLICABLE }, { "na", TG_STATUS_NOT_APPLICABLE },
	};
	/* The first words decide: a prefix will do, and it needs no heap. */
	char copy[64];
	size_t i;
	tg_status status = TG_STATUS_UNKNOWN;

	if (!text)
		return TG_STATUS_NONE;
	while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
		text++;
	snprintf(copy, sizeof(copy), "%s", text);
	tg_squeeze(tg_lower(tg_trim(copy)));
	if (!*copy)
		status = TG_STATUS_NONE;
	for (i = 0; *copy && i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i].word);

		/* "mitigated (v2)", "accepted by @cto": first words decide */
		if (strncmp(copy, words[i].word, n) == 0 &&
		    !(copy[n] >= 'a' && copy[n] <= 'z')) {
			status = words[i].status;
			break;
		}
	}
	return status;
}

/* No default: -Wswitch names a status added without a name. */
const char *tg_status_name(tg_status status)
{
	switch (status) {
	case TG_STATUS_NONE:
	case TG_STATUS_OPEN:
	case TG_STATUS_UNKNOWN:
		return "open";
	case TG_STATUS_IN_PROGRESS:
		return "in-progress";
	case TG_STATUS_MITIGATED:
		return "mitigated";
	case TG_STATUS_ACCEPTED:
		return "accepted";
	case TG_STATUS_TRANSFERRED:
		return "transferred";
	case TG_STATUS_NOT_APPLICABLE:
		return "not-applicable";
	}
	return "open";	/* not a tg_status: as one off the scale */
}

int tg_status_lookup(tg_status *out, const char *name)
{
	/* Every status with a name of its own (NONE and UNKNOWN print "open"). */
	static const tg_status named[] = {
		TG_STATUS_OPEN, TG_STATUS_IN_PROGRESS, TG_STATUS_MITIGATED,
		TG_STATUS_ACCEPTED, TG_STATUS_TRANSFERRED,
		TG_STATUS_NOT_APPLICABLE,
	};
	size_t i;

	for (i = 0; name && i < sizeof(named) / sizeof(named[0]); i++) {
		if (strcmp(name, tg_status_name(named[i])) == 0) {
			*out = named[i];
			return 0;
		}
	}
	return TG_ENOTFOUND;
}

const char *tg_priority_name(tg_priority priority)
{
	switch (priority) {
	case TG_PRIORITY_NONE:
		return NULL;
	case TG_PRIORITY_P1:
		return "P1";
	case TG_PRIORITY_P2:
		return "P2";
	case TG_PRIORITY_P3:
		return "P3";
	case TG_PRIORITY_P4:
		return "P4";
	case TG_PRIORITY_P5:
		return "P5";
	}
	return NULL;
}

int tg_priority_lookup(tg_priority *out, const char *name)
{
	tg_priority p;

	for (p = TG_PRIORITY_P1; name && p <= TG_PRIORITY_P5; p++) {
		if (strcmp(name, tg_priority_name(p)) == 0) {
			*out = p;
			return 0;
		}
	}
	return TG_ENOTFOUND;
}

static void free_section(void *p)
{
	struct tg_section *s = p;

	if (s) {
		free(s->title);
		free(s->norm);
		free(s);
	}
}

static void free_suppression(void *p)
{
	struct tg_suppression *s = p;

	if (s) {
		free(s->rule);
		free(s);
	}
}

static void free_unreadable(void *p)
{
	struct tg_unreadable *u = p;

	if (u) {
		free(u->message);
		free(u);
	}
}

void tg_model_free(tg_model *model)
{
	if (!model)
		return;
	free_section(model->root);
	tg_vec_release(&model->regions, NULL);
	tg_vec_release(&model->unreadable, free_unreadable);
	tg_vec_release(&model->sections, free_section);
	tg_vec_release(&model->threats, tg_model__free_threat);
	tg_vec_release(&model->signoffs, tg_model__free_signoff);
	tg_vec_release(&model->hits, tg_model__free_hit);
	tg_vec_release(&model->undeclared, tg_model__free_hit);
	tg_vec_release(&model->not_applicable, free);
	tg_vec_release(&model->suppressions, free_suppression);
	tg_vec_release(&model->unknown_rules, free_suppression);
	free(model);
}

const tg_document *tg_model_document(const tg_model *model)
{
	return model->doc;
}

/*
 * The section a rule names: a standalone document's root for Security
 * and Threat Model; else, of the headings answering to the rule, one
 * in its place before one misplaced, then the surest title, then the
 * first.
 */
const struct tg_section *tg_model__section(const struct tg_model *model,
                                           const char *name)
{
	const struct tg_section *best = NULL;
	size_t i;

	if (model->root && (strcmp(name, "security") == 0 ||
	                    strcmp(name, "threat-model") == 0))
		return model->root;
	for (i = 0; i < model->sections.length; i++) {
		const struct tg_section *s = model->sections.items[i];

		if (!s->rule || strcmp(s->rule->name, name) != 0)
			continue;
		if (!best || (best->misplaced && !s->misplaced) ||
		    (best->misplaced == s->misplaced && s->score > best->score))
			best = s;
	}
	return best;
}

static const char *base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	return slash ? slash + 1 : path;
}

/*
 * A document that is a threat model: its title or first heading says
 * so, or its file name (THREAT_MODEL.md, threat-model.md,
 * SECURITY-DESIGN.md). Then a root section spans all of it.
 */
static int find_standalone(struct tg_model *model)
{
	const struct tg_document *doc = model->doc;
	const struct tg_section *first = model->sections.length ?
		model->sections.items[0] : NULL;
	const struct tg_section_rule *rule =
		tg_policy__section(model->policy, "security");
	struct tg_section *root;
	const char *title;
	size_t i;
	bool yes = false;

	if (!rule)
		return 0;
	if (first && (tg_model__title_score("threat-model", first->norm) >= 70 ||
	              tg_model__names_threat_model(first->norm)))
		yes = true;
	if (doc->fm.title && tg_model__names_threat_model(doc->fm.title))
		yes = true;
	/* By its name only when it has no Security section of its own */
	if (!yes && tg_model__names_threat_model(
	        base_name(tg_document_policy_path(doc)))) {
		yes = true;
		for (i = 0; i < model->sections.length; i++) {
			const struct tg_section *s = model->sections.items[i];

			if (s && s->rule && strcmp(s->rule->name, "security") == 0)
				yes = false;
		}
	}
	if (!yes)
		return 0;
	root = calloc(1, sizeof(*root));
	if (!root)
		return tg_error_oom();
	title = first ? first->title : doc->fm.title ? doc->fm.title :
		base_name(doc->path);
	root->title = tg_strdup(title ? title : "");
	root->norm = tg_strdup(first ? first->norm : root->title ? root->title : "");
	if (!root->title || !root->norm) {
		free(root->title);
		free(root->norm);
		free(root);
		return tg_error_oom();
	}
	root->line = first ? first->line : doc->body_line;
	root->column = first ? first->column : 1;
	root->end_line = doc->line_count > 0 ? doc->line_count : root->line;
	root->rule = rule;
	root->score = 100;
	for (i = 0; i < model->sections.length; i++) {
		struct tg_section *s = model->sections.items[i];

		if (!s)
			continue;
		s->misplaced = false;
		root->has_content |= s->has_content;
		root->has_placeholder |= s->has_placeholder;
		root->only_filler |= s->only_filler;
	}
	if (!model->sections.length)
		root->has_content = true;
	model->root = root;
	model->standalone = true;
	return 0;
}

static bool inside(const struct tg_section *s, const struct tg_section *in)
{
	const struct tg_section *a;

	for (a = s->parent; a; a = a->parent)
		if (a == in)
			return true;
	return false;
}

/* The document's title heading, with Security sections of its own inside. */
static bool holds_security(const struct tg_model *model,
                           const struct tg_section *s)
{
	size_t i;

	if (!model->sections.length || s != model->sections.items[0] ||
	    s->level != 1)
		return false;
	for (i = 1; i < model->sections.length; i++) {
		const struct tg_section *in = model->sections.items[i];

		if (in->rule && strcmp(in->rule->name, "security") == 0 &&
		    inside(in, s))
			return true;
	}
	return false;
}

/*
 * Where threats are looked for: the root of a standalone document; else
 * every Threat Model section not inside another; else, when there is
 * none, the Security sections (threats written straight under Security
 * Considerations count).
 */
static int find_regions(struct tg_model *model)
{
	size_t i, j, n;
	int error = 0;

	if (model->root)
		return tg_vec_push(&model->regions, model->root) < 0 ?
			tg_error_oom() : 0;
	for (i = 0; i < model->sections.length && error == 0; i++) {
		const struct tg_section *s = model->sections.items[i];
		bool nested = false;

		if (!s->rule || strcmp(s->rule->name, "threat-model") != 0)
			continue;
		for (j = 0; j < model->regions.length; j++)
			if (inside(s, model->regions.items[j]))
				nested = true;
		if (!nested && tg_vec_push(&model->regions, (void *)s) < 0)
			error = tg_error_oom();
	}
	/* Security sections that hold no threat model hold threats themselves */
	n = model->regions.length;
	for (i = 0; i < model->sections.length && error == 0; i++) {
		const struct tg_section *s = model->sections.items[i];
		bool holds = false;

		if (!s->rule || strcmp(s->rule->name, "security") != 0 ||
		    (n > 0 && !(strstr(s->norm, "consideration") ||
		                strstr(s->norm, "risk"))))
			continue;
		/*
		 * "# Foo Security Self-assessment": the document's title holds
		 * its chapters (Overview, Roadmap), not threats; the Security
		 * sections inside it do.
		 */
		if (holds_security(model, s))
			continue;
		for (j = 0; j < model->regions.length; j++) {
			const struct tg_section *r = model->regions.items[j];

			if (inside(r, s) || inside(s, r) || r == s)
				holds = true;
		}
		if (!holds && tg_vec_push(&model->regions, (void *)s) < 0)
			error = tg_error_oom();
	}
	return error;
}

int tg_model_build(tg_model **out, const tg_document *doc,
                   const tg_policy *policy)
{
	return tg_model__build(out, doc, policy, false);
}

int tg_model__build(struct tg_model **out, const struct tg_document *doc,
                    const tg_policy *policy, bool lazy)
{
	struct tg_model *model = calloc(1, sizeof(*model));
	int error = 0;

	*out = NULL;
	if (!model)
		return tg_error_oom();
	model->doc = doc;
	model->policy = policy;
	if (!doc->readable)
		goto ready;

	error = tg_model__sections(model);
	if (error < 0)
		goto done;
	error = find_standalone(model);
	if (error < 0)
		goto done;
	model->security = tg_model__section(model, "security");
	model->threat_model = tg_model__section(model, "threat-model");
	model->signoff = tg_model__section(model, "signoff");
	error = find_regions(model);
	if (error < 0)
		goto done;

	error = tg_model__threats(model);
	if (error < 0)
		goto done;
	error = tg_model__signoffs(model);
	if (error < 0)
		goto done;
	if (!lazy) {
		error = tg_model__triggers(model);
		if (error < 0)
			goto done;
	}
	error = tg_model__suppressions(model);
	if (error < 0)
		goto done;
ready:
	*out = model;
	model = NULL;
done:
	tg_model_free(model);
	return error;
}
