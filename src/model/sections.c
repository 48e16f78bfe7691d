/*
 * Sections of a document: headings matched against the policy's section
 * names and aliases, nesting, content, placeholders and filler text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"
#include "util/banned.h"

/*
 * Strip what is not the title: leading numbering ("3.2", "A.", "IV.",
 * "3)"), trailing punctuation, emphasis-free case. "&" reads as "and".
 */
static char *normalize_title(const char *title)
{
	tg_buf buf = TG_BUF_INIT;
	const char *p = title, *q;
	char *out;
	size_t len;

	while (*p == ' ' || *p == '\t')
		p++;
	/* "3.2 ", "3.2. ", "3) " */
	q = p;
	while ((*q >= '0' && *q <= '9') || (*q == '.' && q > p))
		q++;
	if (q > p && (*q == ')' || *q == ':'))
		q++;
	if (q > p && (*q == ' ' || *q == '\t'))
		p = q;
	/* "A. " or "IV. " */
	q = p;
	while (*q && strchr("IVXivx", *q))
		q++;
	if (q == p && ((*q >= 'A' && *q <= 'Z')))
		q++;
	if (q > p && q - p <= 4 && (*q == '.' || *q == ')') &&
	    (q[1] == ' ' || q[1] == '\t'))
		p = q + 1;

	for (; *p; p++) {
		if (*p == '&')
			tg_buf_puts(&buf, " and ");
		else
			tg_buf_putc(&buf, *p);
	}
	out = tg_buf_detach(&buf);
	if (!out)
		return NULL;
	tg_squeeze(tg_lower(tg_trim(out)));
	len = strlen(out);
	while (len > 0 && strchr(":.;!?-", out[len - 1]))
		out[--len] = '\0';
	tg_trim(out);
	return out;
}

/* Content that says nothing: TBD, N/A, TODO. */
static bool is_filler(const char *text)
{
	static const char *const fillers[] = {
		"tbd", "tba", "todo", "n/a", "na", "none", "none yet",
		"to be determined", "to do", "coming soon", "-", "...", "wip",
		"to be written", "fill in", "tbc",
	};
	char *copy;
	size_t i, len;
	bool filler = false;

	if (strlen(text) > 24)
		return false;	/* every filler is short */
	copy = tg_strdup(text);
	if (!copy)
		return false;
	tg_squeeze(tg_lower(tg_trim(copy)));
	len = strlen(copy);
	while (len > 0 && strchr(".!:*_", copy[len - 1]))
		copy[--len] = '\0';
	for (i = 0; i < sizeof(fillers) / sizeof(fillers[0]); i++)
		if (strcmp(copy, fillers[i]) == 0)
			filler = true;
	free(copy);
	return filler;
}

/*
 * Remove template placeholders "{{...}}" in place; returns whether any
 * were found.
 */
static bool strip_placeholders(char *text)
{
	char *open, *close;
	bool found = false;

	while ((open = strstr(text, "{{")) != NULL) {
		close = strstr(open + 2, "}}");
		if (!close)
			break;
		memmove(open, close + 2, strlen(close + 2) + 1);
		found = true;
	}
	return found;
}

/* An HTML block made only of comments is guidance, not content. */
static bool only_comments(const char *html)
{
	const char *p = html;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			return true;
		if (strncmp(p, "<!--", 4) != 0)
			return false;
		p = strstr(p + 4, "-->");
		if (!p)
			return true;
		p += 3;
	}
}

/*
 * Text of a table's body rows only: a bare header says nothing, and a row
 * with a {{placeholder}} cell is the template's, however its ID reads.
 */
static char *table_body_text(cmark_node *table, bool *placeholder)
{
	tg_buf buf = TG_BUF_INIT;
	cmark_node *row;
	char *text;

	for (row = cmark_node_first_child(table); row;
	     row = cmark_node_next(row)) {
		if (row == cmark_node_first_child(table))
			continue;	/* the header row */
		text = tg_model__node_text(row);
		if (!text) {
			tg_buf_release(&buf);
			return NULL;
		}
		if (strstr(text, "{{"))
			*placeholder = true;
		else
			tg_buf_puts(&buf, text);
		tg_buf_putc(&buf, '\n');
		free(text);
	}
	return tg_buf_detach(&buf);
}

enum content { CONTENT_NONE, CONTENT_FILLER, CONTENT_PLACEHOLDER, CONTENT_REAL };

static int judge_block(cmark_node *node, enum content *out)
{
	cmark_node_type type = cmark_node_get_type(node);
	char *text = NULL;
	bool placeholder = false;

	*out = CONTENT_REAL;
	if (type == CMARK_NODE_THEMATIC_BREAK) {
		*out = CONTENT_NONE;
		return 0;
	}
	if (type == CMARK_NODE_HTML_BLOCK) {
		if (only_comments(cmark_node_get_literal(node)))
			*out = CONTENT_NONE;
		return 0;
	}
	if (type == CMARK_NODE_CODE_BLOCK)
		return 0;
	if (tg_markdown__is(node, TG_NODE_TABLE))
		text = table_body_text(node, &placeholder);
	else
		text = tg_model__node_text(node);
	if (!text)
		return tg_error_oom();
	placeholder |= strip_placeholders(text);
	tg_trim(text);
	if (*text == '\0')
		*out = placeholder ? CONTENT_PLACEHOLDER : CONTENT_NONE;
	else if (is_filler(text))
		*out = CONTENT_FILLER;
	free(text);
	return 0;
}

static void credit(struct tg_section *s, enum content content, int line)
{
	for (; s; s = s->parent) {
		switch (content) {
		case CONTENT_REAL:
			s->has_content = true;
			break;
		case CONTENT_FILLER:
			s->only_filler = true;
			break;
		case CONTENT_PLACEHOLDER:
			if (!s->has_placeholder)
				s->placeholder_line = line;
			s->has_placeholder = true;
			break;
		default:
			break;
		}
	}
}

static bool rule_matches(const tg_policy *policy,
                         const struct tg_section_rule *rule, const char *norm)
{
	pcre2_match_data *md;
	int rc;

	if (!rule->code)
		return false;
	md = pcre2_match_data_create(1, NULL);
	if (!md)
		return false;
	rc = pcre2_match(rule->code, (PCRE2_SPTR)norm, strlen(norm), 0, 0, md,
	                 policy->match_context);
	pcre2_match_data_free(md);
	return rc >= 0;
}

/* Whether `word` occurs in `text` on word boundaries. */
static bool has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = strstr(text, word); p; p = strstr(p + 1, word)) {
		bool before = p == text || !((p[-1] >= 'a' && p[-1] <= 'z') ||
		                             (p[-1] >= '0' && p[-1] <= '9'));
		bool after = !((p[n] >= 'a' && p[n] <= 'z') ||
		               (p[n] >= '0' && p[n] <= '9'));

		if (before && after)
			return true;
	}
	return false;
}

static bool has_any(const char *text, const char *const *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (has_word(text, words[i]))
			return true;
	return false;
}

#define HAS_ANY(text, list) has_any(text, list, sizeof(list) / sizeof(list[0]))

/*
 * How surely a title (lower case, numbering gone) names a section of
 * the kind `rule`, by its words rather than whole: "STRIDE Threat
 * Model", "Threat Modeling with STRIDE", "Threats and mitigations",
 * "Security Analysis", "What can go wrong". 0 when it does not.
 */
int tg_model__title_score(const char *rule, const char *norm)
{
	static const char *const not_threats[] = {
		"out of scope", "out-of-scope", "non-goals", "threat actors",
		"threat actor", "notes", "non threats", "not threats",
		"assumptions", "intelligence",
	};
	static const char *const signoff[] = {
		"sign-off", "signoff", "sign-offs", "signoffs", "sign off",
		"approvals", "approval", "review history", "reviewers",
		"security review", "security reviews",
	};
	static const char *const not_security[] = {
		"contact", "contacts", "issue", "issues", "incident", "response",
		"audit", "audits", "advisories", "advisory", "tests", "testing",
		"champion", "champions", "reporting", "disclosure process",
		"policy", "updates", "patches", "fixes",
	};
	int score = 0;

	if (!norm || !*norm)
		return 0;
	if (strcmp(rule, "signoff") == 0)
		return HAS_ANY(norm, signoff) ? 60 : 0;
	if (strcmp(rule, "threat-model") == 0) {
		if (HAS_ANY(norm, not_threats) || HAS_ANY(norm, signoff))
			return 0;
		/* "Threat ID 3 - ...", "Threat-01-S ...": one threat, not a model */
		if (strncmp(norm, "threat", 6) == 0) {
			const char *p = norm + 6;

			if (*p == '-' || *p == ' ')
				p++;
			if (strncmp(p, "id ", 3) == 0)
				p += 3;
			if (*p >= '0' && *p <= '9')
				return 0;
		}
		if (strstr(norm, "threat model") || strstr(norm, "threatmodel"))
			score = 90;
		else if (has_word(norm, "threat analysis") ||
		         has_word(norm, "threat assessment") ||
		         strstr(norm, "what can go wrong"))
			score = 80;
		else if (has_word(norm, "threats") || has_word(norm, "threat"))
			score = 70;
		else if (strstr(norm, "risks and mitigations") ||
		         has_word(norm, "security risks") ||
		         has_word(norm, "risk analysis") ||
		         has_word(norm, "risk assessment") ||
		         has_word(norm, "attack scenarios") ||
		         has_word(norm, "abuse cases") ||
		         has_word(norm, "failure cases"))
			score = 60;
		else if (has_word(norm, "stride") || has_word(norm, "mitre") ||
		         strstr(norm, "att and ck"))
			score = 50;
		return score;
	}
	if (strcmp(rule, "security") == 0) {
		/* "Security issues" alone: what the design's issues are */
		if (strcmp(norm, "security issues") == 0 ||
		    strcmp(norm, "known security issues") == 0)
			return 50;
		if (!has_word(norm, "security") || HAS_ANY(norm, signoff) ||
		    HAS_ANY(norm, not_security))
			return 0;
		if (strstr(norm, "consideration") || strstr(norm, "analysis") ||
		    strstr(norm, "design") || strstr(norm, "privacy") ||
		    strstr(norm, "model") || strstr(norm, "features") ||
		    strstr(norm, "functions"))
			return 70;
		return 50;
	}
	return 0;
}

/* A file name or title that says the document is a threat model. */
bool tg_model__names_threat_model(const char *text)
{
	static const char *const names[] = {
		"threat model", "threatmodel", "threat modeling",
		"threat modelling", "threatmodeling", "threat analysis",
		"threat assessment", "security design", "stride",
		"threat models", "security model",
	};
	/* A title's first 511 bytes will do, and they need no heap. */
	char copy[512], *p;

	if (!text)
		return false;
	snprintf(copy, sizeof(copy), "%s", text);
	for (p = copy; *p; p++)
		if (*p == '-' || *p == '_' || *p == '.' || *p == '/')
			*p = ' ';
	tg_squeeze(tg_lower(copy));
	return HAS_ANY(copy, names);
}

/* Which section rule a heading answers to, and whether it sits right. */
static void classify(struct tg_model *model, struct tg_section *s)
{
	const tg_policy *policy = model->policy;
	const struct tg_section *a;
	size_t i;
	int score;

	for (i = 0; i < policy->sections.length; i++) {
		const struct tg_section_rule *rule = policy->sections.items[i];

		if (!rule_matches(policy, rule, s->norm))
			continue;
		s->rule = rule;
		s->score = 100;
		break;
	}
	/* Not pinned by a regex: by meaning, the surest rule */
	for (i = 0; s->score < 100 && i < policy->sections.length; i++) {
		const struct tg_section_rule *rule = policy->sections.items[i];

		score = tg_model__title_score(rule->name, s->norm);
		if (score > s->score) {
			s->score = score;
			s->rule = rule;
		}
	}
	if (s->rule && s->rule->parent) {
		s->misplaced = true;
		for (a = s->parent; a; a = a->parent)
			if (a->rule && strcmp(a->rule->name, s->rule->parent) == 0)
				s->misplaced = false;
	}
}

int tg_model__sections(struct tg_model *model)
{
	const struct tg_document *doc = model->doc;
	struct tg_section *open = NULL, *s;
	cmark_node *node;
	enum content content;
	size_t i, j;
	int error;

	for (node = cmark_node_first_child(doc->root); node;
	     node = cmark_node_next(node)) {
		int line = tg_document__line(doc, node);

		if (cmark_node_get_type(node) != CMARK_NODE_HEADING) {
			/* Filler matters only while a section has no content. */
			if (open && open->has_content)
				continue;
			error = judge_block(node, &content);
			if (error < 0)
				return error;
			credit(open, content, line);
			continue;
		}
		s = calloc(1, sizeof(*s));
		if (!s)
			return tg_error_oom();
		s->heading = node;
		s->level = cmark_node_get_heading_level(node);
		s->line = line;
		s->column = cmark_node_get_start_column(node);
		s->title = tg_model__node_text(node);
		if (s->title)
			tg_squeeze(tg_trim(s->title));
		s->norm = s->title ? normalize_title(s->title) : NULL;
		if (!s->title || !s->norm || tg_vec_push(&model->sections, s) < 0) {
			free(s->title);
			free(s->norm);
			free(s);
			return tg_error_oom();
		}
		while (open && open->level >= s->level)
			open = open->parent;
		s->parent = open;
		open = s;
		classify(model, s);
	}

	/* A section spans until the next heading of its level or higher. */
	for (i = 0; i < model->sections.length; i++) {
		s = model->sections.items[i];
		s->end_line = doc->line_count > 0 ? doc->line_count : s->line;
		for (j = i + 1; j < model->sections.length; j++) {
			const struct tg_section *next = model->sections.items[j];

			if (next->level <= s->level) {
				s->end_line = next->line - 1;
				break;
			}
		}
	}
	return 0;
}
