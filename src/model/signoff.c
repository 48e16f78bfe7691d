/*
 * Sign-offs in their forms: task items, review tables and trailer lines,
 * who signed and when, and why one does not count.
 */
#include <stdlib.h>
#include <string.h>
#include <cmark-gfm-core-extensions.h>
#include "model.h"
#include "util/banned.h"

void tg_model__free_signoff(void *p)
{
	struct tg_signoff *s = p;

	if (!s)
		return;
	free(s->text);
	tg_vec_release(&s->people, free);
	free(s->date);
	free(s->why_invalid);
	free(s);
}

static struct tg_signoff *new_signoff(enum tg_signoff_form form,
                                      const char *text, int line, int column)
{
	struct tg_signoff *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->form = form;
	s->line = line;
	s->column = column > 0 ? column : 1;
	s->text = tg_strdup(text);
	if (!s->text) {
		free(s);
		return NULL;
	}
	tg_squeeze(tg_trim(s->text));
	return s;
}

static int keep(struct tg_model *model, struct tg_signoff *s)
{
	if (tg_vec_push(&model->signoffs, s) < 0) {
		tg_model__free_signoff(s);
		return tg_error_oom();
	}
	return 0;
}

static int invalid(struct tg_signoff *s, const char *why)
{
	s->valid = false;
	free(s->why_invalid);
	s->why_invalid = tg_strdup(why);
	return s->why_invalid ? 0 : tg_error_oom();
}

/* The first YYYY-MM-DD of `text` into *out, or NULL: 0 or TG_ENOMEM. */
static int first_date(char **out, const char *text)
{
	const char *p;
	char date[11];

	*out = NULL;
	for (p = text; *p; p++) {
		if (p > text && p[-1] >= '0' && p[-1] <= '9')
			continue;
		if (strnlen(p, 10) < 10 || (p[10] >= '0' && p[10] <= '9'))
			continue;
		memcpy(date, p, 10);
		date[10] = '\0';
		if (tg_date_parse(date) >= 0) {
			*out = tg_strdup(date);
			return *out ? 0 : tg_error_oom();
		}
	}
	return 0;
}

/*
 * "Security review: not needed" and "Security-Approved-by: n/a" name
 * nobody: a name without a handle or an email must not open with a word
 * that says no one signed.
 */
static bool names_nobody(const char *name)
{
	static const char *const words[] = { "not", "no", "none", "n/a",
		"nobody", "tbd", "todo", "pending", "waived", "skipped", "-",
		"?" };
	size_t i, n;

	if (strchr(name, '@'))
		return false;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		n = strlen(words[i]);
		if (tg_starts_with_ci(name, words[i]) &&
		    !((name[n] | 0x20) >= 'a' && (name[n] | 0x20) <= 'z'))
			return true;
	}
	return false;
}

/* The people a text names, without the "not needed" kind. */
static int extract_people(struct tg_signoff *s, const char *text)
{
	size_t i, kept = 0;
	int error = tg_person_extract(&s->people, text);

	for (i = 0; i < s->people.length; i++) {
		if (names_nobody(s->people.items[i]))
			free(s->people.items[i]);
		else
			s->people.items[kept++] = s->people.items[i];
	}
	s->people.length = kept;
	return error;
}

/*
 * Who a sign-off names. A text without a handle or email names someone
 * only after a colon ("Security review: Alice Smith"); otherwise
 * "Threat model reviewed by the team" would count as a person.
 */
static int find_people(struct tg_signoff *s, const char *text)
{
	if (!strchr(text, '@') && !strchr(text, ':'))
		return 0;
	return extract_people(s, text);
}

static int task_item(struct tg_model *model, cmark_node *item)
{
	const struct tg_document *doc = model->doc;
	cmark_node *para = cmark_node_first_child(item);
	struct tg_signoff *s;
	char *text;
	int error;

	text = para ? tg_model__node_text(para) : tg_strdup("");
	if (!text)
		return tg_error_oom();
	s = new_signoff(TG_SIGNOFF_TASK, text, tg_document__line(doc, item),
	                cmark_node_get_start_column(item));
	free(text);
	if (!s)
		return tg_error_oom();
	if (strstr(s->text, "{{")) {
		tg_model__free_signoff(s);	/* the template's own box */
		return 0;
	}
	error = find_people(s, s->text);
	if (error == 0)
		error = first_date(&s->date, s->text);
	if (error == 0) {
		s->valid = cmark_gfm_extensions_get_tasklist_item_checked(item) &&
		           s->people.length > 0;
		if (!cmark_gfm_extensions_get_tasklist_item_checked(item))
			error = invalid(s, "the box is not checked");
		else if (s->people.length == 0)
			error = invalid(s, "it names nobody");
		else if (strstr(s->text, "YYYY-MM-DD"))
			/* the template's example, ticked but never filled in */
			error = invalid(s, "it still has the template's "
			                   "'YYYY-MM-DD' instead of the review date");
	}
	if (error < 0) {
		tg_model__free_signoff(s);
		return error;
	}
	return keep(model, s);
}

static bool is_trailer(const char *line)
{
	static const char *const trailers[] = {
		"security-approved-by:", "security-reviewed-by:",
		"security-signed-off-by:", "security-sign-off:",
	};
	size_t i;

	for (i = 0; i < sizeof(trailers) / sizeof(trailers[0]); i++)
		if (tg_starts_with_ci(line, trailers[i]))
			return true;
	return false;
}

/* Trailer lines inside a paragraph: one sign-off per line. */
static int trailers(struct tg_model *model, cmark_node *para)
{
	const struct tg_document *doc = model->doc;
	struct tg_signoff *s;
	char *text, *p, *end;
	int line = tg_document__line(doc, para), error = 0;

	text = tg_model__node_text(para);
	if (!text)
		return tg_error_oom();
	for (p = text; *p && error == 0; p = end, line++) {
		end = p + strcspn(p, "\n");
		if (*end)
			*end++ = '\0';
		while (*p == ' ')
			p++;
		if (!is_trailer(p))
			continue;
		s = new_signoff(TG_SIGNOFF_TRAILER, p, line, 1);
		if (!s) {
			error = tg_error_oom();
			break;
		}
		error = extract_people(s, strchr(p, ':') + 1);
		if (error == 0)
			error = first_date(&s->date, p);
		s->valid = s->people.length > 0;
		if (error == 0 && !s->valid)
			error = invalid(s, "it names nobody");
		if (error < 0)
			tg_model__free_signoff(s);
		else
			error = keep(model, s);
	}
	free(text);
	return error;
}

enum column { C_NONE, C_REVIEWER, C_DATE, C_OUTCOME };

static enum column column_of(const char *header)
{
	static const struct {
		const char *name;
		enum column column;
	} names[] = {
		{ "reviewer", C_REVIEWER }, { "reviewed by", C_REVIEWER },
		{ "reviewers", C_REVIEWER }, { "approver", C_REVIEWER },
		{ "required reviewers", C_REVIEWER },
		{ "required reviewer", C_REVIEWER },
		{ "security reviewer", C_REVIEWER }, { "approvers", C_REVIEWER },
		{ "signed by", C_REVIEWER }, { "signer", C_REVIEWER },
		{ "review date", C_DATE }, { "date reviewed", C_DATE },
		{ "approved at", C_DATE }, { "approved on", C_DATE },
		{ "signed off at", C_DATE }, { "signed off on", C_DATE },
		{ "review outcome", C_OUTCOME }, { "approval", C_OUTCOME },
		{ "review result", C_OUTCOME }, { "review status", C_OUTCOME },
		{ "approved by", C_REVIEWER }, { "signed off by", C_REVIEWER },
		{ "who", C_REVIEWER }, { "name", C_REVIEWER },
		{ "reviewed at", C_DATE }, { "reviewed on", C_DATE },
		{ "date", C_DATE }, { "when", C_DATE }, { "reviewed", C_DATE },
		{ "outcome", C_OUTCOME }, { "result", C_OUTCOME },
		{ "decision", C_OUTCOME }, { "status", C_OUTCOME },
		{ "verdict", C_OUTCOME },
	};
	char buf[48];
	size_t i, len = strlen(header);

	if (len >= sizeof(buf))
		return C_NONE;
	memcpy(buf, header, len + 1);
	tg_squeeze(tg_lower(tg_trim(buf)));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(buf, names[i].name) == 0)
			return names[i].column;
	return C_NONE;
}

static bool approves(const char *outcome)
{
	static const char *const yes[] = { "approved", "approve", "lgtm",
		"signed off", "signed-off", "sign-off", "accepted", "pass",
		"passed", "ok", "granted", "looks good", "looks great",
		"ship it", "no concerns", "no objections", "no changes needed",
		"don't change a thing", "do not change a thing", "all good",
		"good to go", "go ahead", "+1" };
	size_t i, n;

	while (*outcome == ' ' || *outcome == '*' || *outcome == '_' ||
	       *outcome == '"')
		outcome++;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		n = strlen(yes[i]);
		if (tg_starts_with_ci(outcome, yes[i]) &&
		    !((outcome[n] | 0x20) >= 'a' && (outcome[n] | 0x20) <= 'z'))
			return true;
	}
	return false;
}

static int review_table(struct tg_model *model, cmark_node *table)
{
	const struct tg_document *doc = model->doc;
	enum column cols[32];
	cmark_node *row, *cell;
	struct tg_signoff *s;
	char *cells[3] = { NULL, NULL, NULL }, *text;
	size_t ncols = 0, i;
	bool has_reviewer = false, has_outcome = false;
	int error = 0;

	row = cmark_node_first_child(table);
	for (cell = row ? cmark_node_first_child(row) : NULL;
	     cell && ncols < 32; cell = cmark_node_next(cell)) {
		text = tg_model__node_text(cell);
		if (!text)
			return tg_error_oom();
		cols[ncols] = column_of(text);
		has_reviewer |= cols[ncols] == C_REVIEWER;
		has_outcome |= cols[ncols] == C_OUTCOME;
		ncols++;
		free(text);
	}
	if (!has_reviewer || !has_outcome)
		return 0;

	for (row = row ? cmark_node_next(row) : NULL; row && error == 0;
	     row = cmark_node_next(row)) {
		for (cell = cmark_node_first_child(row), i = 0; cell && i < ncols;
		     cell = cmark_node_next(cell), i++) {
			if (cols[i] == C_NONE || cells[cols[i] - 1])
				continue;
			cells[cols[i] - 1] = tg_model__node_text(cell);
			if (!cells[cols[i] - 1])
				error = tg_error_oom();
		}
		text = tg_model__node_text(row);
		if (error < 0 || !text) {
			error = error ? error : tg_error_oom();
			free(text);
			break;
		}
		s = NULL;
		if (!cells[0] || !*tg_trim(cells[0]) || strstr(text, "{{"))
			goto next;	/* an empty or template row */
		s = new_signoff(TG_SIGNOFF_TABLE, text,
		                tg_document__line(doc, row), 1);
		if (!s) {
			error = tg_error_oom();
			goto next;
		}
		error = extract_people(s, cells[0]);
		if (error == 0 && cells[1])
			error = first_date(&s->date, cells[1]);
		s->valid = s->people.length > 0 && s->date &&
		           cells[2] && approves(cells[2]);
		if (error == 0 && !s->valid) {
			char *why = !s->date ? tg_strdup("the row has no date") :
				tg_printf("the outcome '%s' does not approve",
				          cells[2] ? tg_trim(cells[2]) : "");

			error = why ? invalid(s, why) : tg_error_oom();
			free(why);
		}
		if (error == 0) {
			error = keep(model, s);
			s = NULL;
		}
next:
		tg_model__free_signoff(s);
		free(text);
		for (i = 0; i < 3; i++) {
			free(cells[i]);
			cells[i] = NULL;
		}
	}
	return error;
}

static bool in_signoff_section(const struct tg_model *model, int line)
{
	size_t i;

	for (i = 0; i < model->sections.length; i++) {
		const struct tg_section *s = model->sections.items[i];

		if (s->rule && strcmp(s->rule->name, "signoff") == 0 &&
		    line > s->line && line <= s->end_line)
			return true;
	}
	return false;
}

/*
 * Sign-offs: checked task items and review tables in Sign-off sections
 * (task items mentioning "security" anywhere when there is no such
 * section), and Security-Approved-by: trailers anywhere.
 */
int tg_model__signoffs(struct tg_model *model)
{
	const struct tg_document *doc = model->doc;
	cmark_iter *iter = cmark_iter_new(doc->root);
	cmark_event_type ev;
	cmark_node *node;
	bool has_trailers;
	int line, error = 0;

	if (!iter)
		return tg_error_oom();
	/* Most documents have no trailer: skip reading every paragraph. */
	has_trailers = memmem(doc->data, doc->len, "ecurity-", 8) ||
	               memmem(doc->data, doc->len, "ECURITY-", 8);
	while (error == 0 && (ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		node = cmark_iter_get_node(iter);
		line = tg_document__line(doc, node);
		if (tg_markdown__is(node, TG_NODE_TASK_ITEM)) {
			bool in_section = in_signoff_section(model, line);

			if (!in_section && model->signoff)
				continue;
			if (!in_section) {
				char *text = tg_model__node_text(node);
				bool security = text && strstr(tg_lower(text), "security");

				free(text);
				if (!security)
					continue;
			}
			error = task_item(model, node);
		} else if (tg_markdown__is(node, TG_NODE_TABLE)) {
			if (in_signoff_section(model, line))
				error = review_table(model, node);
		} else if (cmark_node_get_type(node) == CMARK_NODE_PARAGRAPH &&
		           has_trailers) {
			error = trailers(model, node);
		}
	}
	cmark_iter_free(iter);
	return error;
}

bool tg_model__has_signoff(const struct tg_model *model, const char *text)
{
	size_t i;

	for (i = 0; model && i < model->signoffs.length; i++) {
		const struct tg_signoff *s = model->signoffs.items[i];

		if (s->valid && strcmp(s->text, text) == 0)
			return true;
	}
	return false;
}
