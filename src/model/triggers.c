/*
 * Sign-off triggers: the policy's patterns run over the document's
 * prose (not code), with the line and column of each match.
 */
#include <stdlib.h>
#include <string.h>
#include "model.h"
#include "util/banned.h"

/* Where each text node of a block starts, to map a match to its line. */
struct segment {
	size_t offset;
	int line;
	int column;
};

struct scan {
	struct tg_model *model;
	pcre2_match_data *md;
	tg_buf text;
	struct segment *segs;
	size_t nsegs, asegs;
	bool *hit;		/* per trigger: already found */
	size_t remaining;	/* triggers not yet found */
};

static bool excluded(const struct tg_model *model, int line)
{
	size_t i;

	for (i = 0; i < model->sections.length; i++) {
		const struct tg_section *s = model->sections.items[i];

		if (s->rule && (strcmp(s->rule->name, "threat-model") == 0 ||
		                strcmp(s->rule->name, "signoff") == 0) &&
		    line >= s->line && line <= s->end_line)
			return true;
	}
	return false;
}

static int add_hit(struct scan *sc, size_t index, const char *match,
                   size_t len, int line, int column)
{
	struct tg_trigger_hit *h = calloc(1, sizeof(*h));

	if (!h)
		return tg_error_oom();
	h->trigger = sc->model->policy->triggers.items[index];
	h->match = tg_strndup(match, len);
	h->line = line;
	h->column = column;
	if (!h->match || tg_vec_push(&sc->model->hits, h) < 0) {
		free(h->match);
		free(h);
		return tg_error_oom();
	}
	sc->hit[index] = true;
	sc->remaining--;
	return 0;
}

static int add_segment(struct scan *sc, int line, int column)
{
	int error = tg_array__grow((void **)&sc->segs, &sc->asegs,
	                           sizeof(*sc->segs), sc->nsegs + 1);

	if (error < 0)
		return error;
	sc->segs[sc->nsegs].offset = sc->text.size;
	sc->segs[sc->nsegs].line = line;
	sc->segs[sc->nsegs].column = column;
	sc->nsegs++;
	return 0;
}

/* The text node holding `offset`: the last segment starting at or before. */
static void locate(const struct scan *sc, size_t offset, int *line,
                   int *column)
{
	size_t lo = 0, hi = sc->nsegs, mid;

	*line = 1;
	*column = 1;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (sc->segs[mid].offset <= offset)
			lo = mid;
		else
			hi = mid;
	}
	if (sc->nsegs == 0)
		return;
	*line = sc->segs[lo].line;
	*column = sc->segs[lo].column + (int)(offset - sc->segs[lo].offset);
}

static int match_failed(struct scan *sc, const char *name, int rc)
{
	PCRE2_UCHAR msg[120];

	pcre2_get_error_message(rc, msg, sizeof(msg));
	return tg_error_set(TG_ELIMIT,
		"trigger '%s': pattern failed on '%s': %s; simplify "
		"trigger.%s.pattern", name, sc->model->doc->path,
		(const char *)msg, name);
}

/* Trigger i's first match at or after `start`, if not found yet. */
static int match_one(struct scan *sc, size_t i, size_t start, uint32_t options)
{
	const tg_policy *policy = sc->model->policy;
	const struct tg_trigger *t = policy->triggers.items[i];
	const char *subject = tg_buf_cstr(&sc->text);
	PCRE2_SIZE *ov;
	int rc, line, column;

	if (sc->hit[i] || !t->enabled || !t->code)
		return 0;
	rc = pcre2_match(t->code, (PCRE2_SPTR)subject, sc->text.size, start,
	                 options | PCRE2_NO_UTF_CHECK, sc->md,
	                 policy->match_context);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		return match_failed(sc, t->name, rc);
	ov = pcre2_get_ovector_pointer(sc->md);
	locate(sc, ov[0], &line, &column);
	return add_hit(sc, i, subject + ov[0], ov[1] - ov[0], line, column);
}

static int match_text(struct scan *sc)
{
	const tg_policy *policy = sc->model->policy;
	size_t i;
	int error = 0;

	if (sc->text.failed)
		return tg_error_oom();
	for (i = 0; i < policy->triggers.length && error == 0; i++)
		error = match_one(sc, i, 0, 0);
	return error;
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
	if (klen == 6 && strncmp(field, "status", 6) == 0) {
		*line = fm->first_line;
		return fm->status && tg_strcasecmp(fm->status, eq + 1) == 0;
	}
	return false;
}

/* Front-matter conditions: `exposure: internet`, pii/phi data. */
static int front_matter(struct scan *sc)
{
	const tg_policy *policy = sc->model->policy;
	const struct tg_frontmatter *fm = &sc->model->doc->fm;
	const char *value;
	char *text;
	size_t i, j;
	int line, error = 0;

	if (!fm->present)
		return 0;
	for (i = 0; i < policy->triggers.length && error == 0; i++) {
		const struct tg_trigger *t = policy->triggers.items[i];

		if (!t->enabled || sc->hit[i])
			continue;
		for (j = 0; j < t->fields.length; j++) {
			if (!field_matches(fm, t->fields.items[j], &line, &value))
				continue;
			text = tg_printf("%.*s: %s",
				(int)(strchr(t->fields.items[j], '=') -
				      (const char *)t->fields.items[j]),
				(const char *)t->fields.items[j], value);
			if (!text)
				return tg_error_oom();
			error = add_hit(sc, i, text, strlen(text),
			                line > 0 ? line : 1, 1);
			free(text);
			break;
		}
	}
	return error;
}

static bool collects_text(cmark_node *node)
{
	cmark_node_type type = cmark_node_get_type(node);

	return type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_HEADING ||
	       tg_markdown__is(node, TG_NODE_TABLE_CELL);
}

/*
 * Run the trigger patterns over the prose: paragraphs, headings and table
 * cells outside code blocks, the Threat Model and Sign-off sections. The
 * prose is gathered into one text first, so each pattern runs once.
 */
int tg_model__triggers(struct tg_model *model)
{
	const tg_policy *policy = model->policy;
	const struct tg_document *doc = model->doc;
	struct scan sc;
	cmark_iter *iter = NULL;
	cmark_event_type ev;
	cmark_node *node, *block = NULL;
	const char *lit;
	int error = 0;

	if (model->triggers_done)
		return 0;
	model->triggers_done = true;
	memset(&sc, 0, sizeof(sc));
	sc.model = model;
	tg_buf_init(&sc.text, 0);
	sc.remaining = policy->triggers.length;
	sc.hit = calloc(policy->triggers.length + 1, sizeof(*sc.hit));
	sc.md = pcre2_match_data_create(1, NULL);
	iter = cmark_iter_new(doc->root);
	if (!sc.hit || !sc.md || !iter) {
		error = tg_error_oom();
		goto done;
	}
	error = front_matter(&sc);

	while (error == 0 && sc.remaining > 0 &&
	       (ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
		node = cmark_iter_get_node(iter);
		if (!block) {
			if (ev == CMARK_EVENT_ENTER && collects_text(node) &&
			    !excluded(model, tg_document__line(doc, node)))
				block = node;
			continue;
		}
		if (node == block && ev == CMARK_EVENT_EXIT) {
			/* blocks apart: no match spans two of them */
			tg_buf_putc(&sc.text, '\x1f');
			block = NULL;
			continue;
		}
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			lit = cmark_node_get_literal(node);
			error = add_segment(&sc, tg_document__line(doc, node),
			                    cmark_node_get_start_column(node));
			if (lit)
				tg_buf_puts(&sc.text, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			tg_buf_putc(&sc.text, ' ');
			break;
		default:
			break;
		}
	}
	if (error == 0 && sc.remaining > 0)
		error = match_text(&sc);
done:
	cmark_iter_free(iter);
	pcre2_match_data_free(sc.md);
	free(sc.hit);
	free(sc.segs);
	tg_buf_release(&sc.text);
	return error;
}
