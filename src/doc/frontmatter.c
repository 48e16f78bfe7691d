/*
 * The YAML front matter of a document (libyaml): title, dri,
 * participants, threat-model-reviewed, covers; a field of the wrong type
 * is an invalid-metadata problem, not an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "document.h"
#include "util/banned.h"

static void free_problem(void *p)
{
	struct tg_doc_problem *problem = p;

	if (problem) {
		free(problem->message);
		free(problem);
	}
}

void tg_frontmatter__release(struct tg_frontmatter *fm)
{
	free(fm->title);
	free(fm->dri);
	free(fm->status);
	free(fm->reviewed);
	free(fm->exposure);
	tg_vec_release(&fm->participants, free);
	tg_vec_release(&fm->covers, free);
	tg_vec_release(&fm->classification, free);
	tg_vec_release(&fm->handles, free);
	tg_vec_release(&fm->problems, free_problem);
}

static int problem(struct tg_frontmatter *fm, int line, int column,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int problem(struct tg_frontmatter *fm, int line, int column,
                   const char *fmt, ...)
{
	struct tg_doc_problem *p = calloc(1, sizeof(*p));
	va_list ap;
	int n;

	if (!p)
		return tg_error_oom();
	p->line = line;
	p->column = column;
	va_start(ap, fmt);
	n = vasprintf(&p->message, fmt, ap);
	va_end(ap);
	if (n < 0) {
		free(p);
		return tg_error_oom();
	}
	if (tg_vec_push(&fm->problems, p) < 0) {
		free_problem(p);
		return tg_error_oom();
	}
	return 0;
}

/* A line that is exactly `---` (or `...` to close), CR allowed. */
static bool is_fence(const char *line, size_t len, bool closing)
{
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' ' ||
	                   line[len - 1] == '\t'))
		len--;
	if (len != 3)
		return false;
	return memcmp(line, "---", 3) == 0 ||
	       (closing && memcmp(line, "...", 3) == 0);
}

/*
 * Design statuses and the words teams use for them. Compared without case,
 * with '-', '_' and ' ' alike. A status not listed is unknown: the design
 * is then checked as a finished one (nothing is softened).
 */
static const struct {
	const char *word;
	enum tg_design_status status;
} status_words[] = {
	{ "draft", TG_DESIGN_DRAFT }, { "wip", TG_DESIGN_DRAFT },
	{ "work in progress", TG_DESIGN_DRAFT }, { "drafting", TG_DESIGN_DRAFT },
	{ "idea", TG_DESIGN_DRAFT }, { "sketch", TG_DESIGN_DRAFT },
	{ "early draft", TG_DESIGN_DRAFT }, { "not started", TG_DESIGN_DRAFT },
	{ "in review", TG_DESIGN_IN_REVIEW }, { "review", TG_DESIGN_IN_REVIEW },
	{ "under review", TG_DESIGN_IN_REVIEW },
	{ "ready for review", TG_DESIGN_IN_REVIEW },
	{ "pending review", TG_DESIGN_IN_REVIEW },
	{ "proposed", TG_DESIGN_IN_REVIEW }, { "proposal", TG_DESIGN_IN_REVIEW },
	{ "rfc", TG_DESIGN_IN_REVIEW }, { "submitted", TG_DESIGN_IN_REVIEW },
	{ "approved", TG_DESIGN_APPROVED }, { "accepted", TG_DESIGN_APPROVED },
	{ "signed off", TG_DESIGN_APPROVED }, { "final", TG_DESIGN_APPROVED },
	{ "ratified", TG_DESIGN_APPROVED }, { "agreed", TG_DESIGN_APPROVED },
	{ "implemented", TG_DESIGN_IMPLEMENTED }, { "done", TG_DESIGN_IMPLEMENTED },
	{ "complete", TG_DESIGN_IMPLEMENTED },
	{ "completed", TG_DESIGN_IMPLEMENTED },
	{ "shipped", TG_DESIGN_IMPLEMENTED }, { "released", TG_DESIGN_IMPLEMENTED },
	{ "live", TG_DESIGN_IMPLEMENTED }, { "in production", TG_DESIGN_IMPLEMENTED },
	{ "superseded", TG_DESIGN_SUPERSEDED },
	{ "replaced", TG_DESIGN_SUPERSEDED }, { "obsolete", TG_DESIGN_SUPERSEDED },
	{ "deprecated", TG_DESIGN_SUPERSEDED },
	{ "withdrawn", TG_DESIGN_WITHDRAWN }, { "rejected", TG_DESIGN_WITHDRAWN },
	{ "abandoned", TG_DESIGN_WITHDRAWN }, { "cancelled", TG_DESIGN_WITHDRAWN },
	{ "canceled", TG_DESIGN_WITHDRAWN }, { "declined", TG_DESIGN_WITHDRAWN },
	{ "dropped", TG_DESIGN_WITHDRAWN },
};

enum tg_design_status tg_design_status_parse(const char *text)
{
	char word[32];
	size_t i, n = 0;

	if (!text)
		return TG_DESIGN_UNKNOWN;
	for (; *text && n + 1 < sizeof(word); text++) {
		char c = *text;

		if (c == '-' || c == '_' || c == ' ' || c == '\t')
			c = ' ';
		else if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c == ' ' && (n == 0 || word[n - 1] == ' '))
			continue;
		word[n++] = c;
	}
	if (*text)
		return TG_DESIGN_UNKNOWN;	/* longer than any status */
	while (n > 0 && word[n - 1] == ' ')
		n--;
	word[n] = '\0';
	for (i = 0; i < sizeof(status_words) / sizeof(status_words[0]); i++)
		if (strcmp(word, status_words[i].word) == 0)
			return status_words[i].status;
	return TG_DESIGN_UNKNOWN;
}

const char *tg_design_status_name(enum tg_design_status status)
{
	switch (status) {
	case TG_DESIGN_DRAFT: return "draft";
	case TG_DESIGN_IN_REVIEW: return "in-review";
	case TG_DESIGN_APPROVED: return "approved";
	case TG_DESIGN_IMPLEMENTED: return "implemented";
	case TG_DESIGN_SUPERSEDED: return "superseded";
	case TG_DESIGN_WITHDRAWN: return "withdrawn";
	default: return NULL;
	}
}

bool tg_design_retired(enum tg_design_status status)
{
	return status == TG_DESIGN_SUPERSEDED || status == TG_DESIGN_WITHDRAWN;
}

struct walk {
	struct tg_document *doc;
	yaml_document_t *yaml;
	int line0;		/* document line of the YAML's first line */
};

static int node_line(const struct walk *w, const yaml_node_t *node)
{
	return w->line0 + (int)node->start_mark.line;
}

static const char *scalar(const yaml_node_t *node)
{
	if (!node || node->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)node->data.scalar.value;
}

/* YAML null: empty, "~" or "null" in plain style. */
static bool is_null(const yaml_node_t *node)
{
	const char *s = scalar(node);

	if (!s || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return *s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	       strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

/*
 * A value that is only template placeholders, "{{Name <email>}}": the
 * template's, so no value at all.
 */
static bool is_placeholder(const char *s)
{
	const char *close;

	while (*s == ' ' || *s == '\t')
		s++;
	if (strncmp(s, "{{", 2) != 0)
		return false;
	while (strncmp(s, "{{", 2) == 0) {
		close = strstr(s + 2, "}}");
		if (!close)
			return false;
		s = close + 2;
		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
	}
	return *s == '\0';
}

static int take_string(struct walk *w, const char *key, yaml_node_t *node,
                       char **out)
{
	const char *s = scalar(node);

	if (is_null(node) || (s && is_placeholder(s)))
		return 0;
	if (!s)
		return problem(&w->doc->fm, node_line(w, node), 1,
			"front matter field '%s' must be a single value, not a %s",
			key, node->type == YAML_SEQUENCE_NODE ? "list" : "mapping");
	free(*out);
	*out = tg_strdup(s);
	if (!*out)
		return tg_error_oom();
	tg_trim(*out);
	return 0;
}

/* A list of strings, or one string with commas: "a, b". */
static int take_list(struct walk *w, const char *key, yaml_node_t *node,
                     tg_vec *out)
{
	yaml_node_item_t *item;
	const char *s;
	char *copy, *p, *next;
	int error = 0;

	if (is_null(node) || (scalar(node) && is_placeholder(scalar(node))))
		return 0;
	if (node->type == YAML_SCALAR_NODE) {
		copy = tg_strdup(scalar(node));
		if (!copy)
			return tg_error_oom();
		for (p = copy; p && error == 0; p = next) {
			next = strchr(p, ',');
			if (next)
				*next++ = '\0';
			tg_trim(p);
			if (*p)
				error = tg_vec_push_str(out, p);
		}
		free(copy);
		return error;
	}
	if (node->type != YAML_SEQUENCE_NODE)
		return problem(&w->doc->fm, node_line(w, node), 1,
			"front matter field '%s' must be a list of strings",
			key);
	for (item = node->data.sequence.items.start;
	     item < node->data.sequence.items.top && error == 0; item++) {
		yaml_node_t *child = yaml_document_get_node(w->yaml, *item);

		s = scalar(child);
		if (!s) {
			return problem(&w->doc->fm, child ? node_line(w, child) :
			               node_line(w, node), 1,
				"front matter field '%s' must be a list of strings, "
				"not a list of %s", key,
				child && child->type == YAML_SEQUENCE_NODE ?
				"lists" : "mappings");
		}
		if (*s && !is_placeholder(s))
			error = tg_vec_push_str(out, s);
	}
	return error;
}

static int take_date(struct walk *w, const char *key, yaml_node_t *node)
{
	struct tg_frontmatter *fm = &w->doc->fm;
	int error;

	error = take_string(w, key, node, &fm->reviewed);
	if (error < 0 || !fm->reviewed)
		return error;
	fm->reviewed_line = node_line(w, node);
	fm->reviewed_days = tg_date_parse(fm->reviewed);
	if (fm->reviewed_days < 0)
		return problem(fm, fm->reviewed_line, 1,
			"front matter field '%s' is '%s', not a date\nwrite it as "
			"YYYY-MM-DD, e.g. '%s: 2026-10-02'", key, fm->reviewed, key);
	/* A date ahead of today would keep the model from ever going stale. */
	if (fm->reviewed_days > tg_date_today()) {
		fm->reviewed_days = -1;
		return problem(fm, fm->reviewed_line, 1,
			"front matter field '%s' is %s, a date in the future\nwrite "
			"the date the team last reviewed the threat model", key,
			fm->reviewed);
	}
	return 0;
}

/*
 * `handles: [authentication, pii]`: the concerns a design declares;
 * `handles: []` (or `none`) declares none. A bare `handles:` declares
 * nothing either way.
 */
static int take_handles(struct walk *w, const char *key, yaml_node_t *value)
{
	struct tg_frontmatter *fm = &w->doc->fm;
	size_t i, before = fm->problems.length;
	char *p;
	int error;

	if (is_null(value))
		return 0;
	fm->handles_line = node_line(w, value);
	tg_vec_release(&fm->handles, free);
	error = take_list(w, key, value, &fm->handles);
	if (error < 0 || fm->problems.length > before)
		return error;
	fm->handles_given = true;
	for (i = 0; i < fm->handles.length; i++)
		for (p = fm->handles.items[i]; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	if (fm->handles.length == 1 &&
	    strcmp(fm->handles.items[0], "none") == 0)
		tg_vec_release(&fm->handles, free);
	return 0;
}

static int take_field(struct walk *w, const char *key, yaml_node_t *value)
{
	struct tg_frontmatter *fm = &w->doc->fm;
	int error = 0;

	if (strcmp(key, "title") == 0) {
		error = take_string(w, key, value, &fm->title);
	} else if (strcmp(key, "dri") == 0 || strcmp(key, "owner") == 0) {
		error = take_string(w, key, value, &fm->dri);
		fm->dri_line = node_line(w, value);
	} else if (strcmp(key, "status") == 0) {
		error = take_string(w, key, value, &fm->status);
		fm->design_status = tg_design_status_parse(fm->status);
	} else if (strcmp(key, "threat-model-reviewed") == 0 ||
	           strcmp(key, "last-reviewed") == 0) {
		error = take_date(w, key, value);
	} else if (strcmp(key, "exposure") == 0) {
		error = take_string(w, key, value, &fm->exposure);
		fm->exposure_line = node_line(w, value);
	} else if (strcmp(key, "participants") == 0) {
		error = take_list(w, key, value, &fm->participants);
		fm->participants_line = node_line(w, value);
	} else if (strcmp(key, "covers") == 0) {
		error = take_list(w, key, value, &fm->covers);
	} else if (strcmp(key, "handles") == 0) {
		error = take_handles(w, key, value);
	} else if (strcmp(key, "data-classification") == 0) {
		error = take_list(w, key, value, &fm->classification);
		fm->classification_line = node_line(w, value);
	}
	/* Unknown fields are kept in the source and ignored. */
	return error;
}

static int walk_yaml(struct walk *w)
{
	yaml_node_t *root = yaml_document_get_root_node(w->yaml);
	yaml_node_pair_t *pair;
	int error = 0;

	if (!root || is_null(root))
		return 0;
	if (root->type != YAML_MAPPING_NODE) {
		w->doc->fm.broken = true;
		return problem(&w->doc->fm, node_line(w, root), 1,
			"front matter must be a mapping of 'field: value' lines");
	}
	for (pair = root->data.mapping.pairs.start;
	     pair < root->data.mapping.pairs.top && error == 0; pair++) {
		yaml_node_t *key = yaml_document_get_node(w->yaml, pair->key);
		yaml_node_t *value = yaml_document_get_node(w->yaml, pair->value);
		const char *name = scalar(key);

		if (!name || !value)
			continue;
		error = take_field(w, name, value);
	}
	return error;
}

int tg_frontmatter__parse(struct tg_document *doc)
{
	struct tg_frontmatter *fm = &doc->fm;
	const char *data = doc->data, *p, *eol, *yaml_start, *yaml_end = NULL;
	size_t len = doc->len;
	yaml_parser_t parser;
	yaml_document_t yaml;
	struct walk w;
	int line = 1, error = 0;

	eol = memchr(data, '\n', len);
	if (!eol || !is_fence(data, (size_t)(eol - data), false))
		return 0;

	/* Find the closing fence. */
	yaml_start = eol + 1;
	for (p = yaml_start; p < data + len; p = eol + 1) {
		line++;
		eol = memchr(p, '\n', (size_t)(data + len - p));
		if (!eol)
			eol = data + len;
		if (is_fence(p, (size_t)(eol - p), true)) {
			yaml_end = p;
			break;
		}
		if (eol == data + len)
			break;
	}
	if (!yaml_end) {
		fm->broken = true;
		return problem(fm, 1, 1,
			"front matter opened with '---' at line 1 is never closed: "
			"add a '---' line after the last field");
	}

	fm->present = true;
	fm->first_line = 1;
	fm->last_line = line;
	doc->body_offset = eol < data + len ? (size_t)(eol + 1 - data) : len;
	doc->body_line = line + 1;

	if (!yaml_parser_initialize(&parser))
		return tg_error_oom();
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml_start,
	                             (size_t)(yaml_end - yaml_start));
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	if (!yaml_parser_load(&parser, &yaml)) {
		fm->broken = true;
		if (parser.error == YAML_MEMORY_ERROR)
			error = tg_error_oom();
		else if (parser.context)
			error = problem(fm, 2 + (int)parser.problem_mark.line,
				(int)parser.problem_mark.column + 1,
				"front matter is not valid YAML: %s %s that starts "
				"at line %d",
				parser.problem ? parser.problem : "syntax error",
				parser.context, 2 + (int)parser.context_mark.line);
		else
			error = problem(fm, 2 + (int)parser.problem_mark.line,
				(int)parser.problem_mark.column + 1,
				"front matter is not valid YAML: %s",
				parser.problem ? parser.problem : "syntax error");
		yaml_parser_delete(&parser);
		return error;
	}
	w.doc = doc;
	w.yaml = &yaml;
	w.line0 = 2;
	error = walk_yaml(&w);
	yaml_document_delete(&yaml);
	yaml_parser_delete(&parser);
	return error;
}
