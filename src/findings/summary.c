/*
 * The summary of a checked document: what a report or `scan` keeps of
 * it once the document and its model are freed. The rule driver
 * (rules/registry.c) builds one per document, after its checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "findings/findings.h"
#include "util/banned.h"

static char *category_letters(const tg_policy *policy, unsigned bits)
{
	tg_buf buf = TG_BUF_INIT;
	size_t i;

	for (i = 0; i < policy->categories_count; i++) {
		if (!(bits & (1u << i)))
			continue;
		if (policy->categories[i].letter)
			tg_buf_putc(&buf, policy->categories[i].letter);
		else
			tg_buf_printf(&buf, "%s%s", buf.size ? "," : "",
			              policy->categories[i].name);
	}
	return tg_buf_detach(&buf);
}

static char **copy_strs(const tg_vec *vec, size_t *count)
{
	*count = vec->length;
	return tg_vec_copy_strs(vec);
}

/* A copy of `s` (may be NULL) into *out: false when memory ran out. */
static bool dup(char **out, const char *s)
{
	*out = tg_strdup(s);
	return *out || !s;
}

int tg_findings__summarize(tg_doc_summary **out, const struct tg_model *model,
                           const tg_policy *policy, const size_t counts[4],
                           bool signoff_required, bool signoff_present)
{
	const struct tg_document *doc = model->doc;
	const struct tg_frontmatter *fm = &doc->fm;
	tg_doc_summary *s = calloc(1, sizeof(*s));
	tg_vec by = TG_VEC_INIT;
	size_t i, j;
	char prio[3];
	int error = TG_ENOMEM;

	*out = NULL;
	if (!s)
		return tg_error_oom();
	s->readable = doc->readable;
	/* A summary is whole or not at all: no string lost to OOM. */
	if (!dup(&s->path, doc->path) || !s->path ||
	    !dup(&s->revision, doc->revision) || !dup(&s->title, fm->title) ||
	    !dup(&s->dri, fm->dri) || !dup(&s->reviewed, fm->reviewed))
		goto done;
	s->age_days = fm->reviewed_days >= 0 ?
		(int)(tg_date_today() - fm->reviewed_days) : -1;
	s->stale = (fm->reviewed_days >= 0 && s->age_days > policy->max_age) ||
	           (fm->reviewed_days < 0 && policy->require_reviewed_date);
	s->participants = copy_strs(&fm->participants, &s->participants_count);
	s->covers = copy_strs(&fm->covers, &s->covers_count);
	if (!s->participants || !s->covers)
		goto done;
	if (!s->title && model->sections.length) {
		const struct tg_section *first = model->sections.items[0];

		if (first->level == 1 && !dup(&s->title, first->title))
			goto done;
	}

	s->threats = calloc(model->threats.length + 1, sizeof(*s->threats));
	if (!s->threats)
		goto done;
	for (i = 0; i < model->threats.length; i++) {
		const struct tg_threat *t = model->threats.items[i];
		tg_threat_summary *ts = &s->threats[i];

		s->threats_count++;
		snprintf(prio, sizeof(prio), "P%d", t->priority);
		ts->line = t->line;
		ts->category = category_letters(policy, t->categories);
		if (!dup(&ts->id, t->id) || !dup(&ts->title, t->title) ||
		    !ts->category ||
		    !dup(&ts->priority, t->priority ? prio : NULL) ||
		    !dup(&ts->mitigation, t->mitigation) ||
		    !dup(&ts->status, tg_status_name(t->status)) || !ts->status)
			goto done;
	}

	s->triggers = calloc(model->hits.length + 1, sizeof(*s->triggers));
	if (!s->triggers)
		goto done;
	for (i = 0; i < model->hits.length; i++) {
		const struct tg_trigger_hit *h = model->hits.items[i];

		s->triggers_count++;
		s->triggers[i].id = tg_strdup(h->trigger->name);
		s->triggers[i].match = tg_strdup(h->match);
		s->triggers[i].line = h->line;
		if (!s->triggers[i].id || !s->triggers[i].match)
			goto done;
	}

	s->signoff_required = signoff_required;
	s->signoff_present = signoff_present;
	for (i = 0; i < model->signoffs.length; i++) {
		const struct tg_signoff *so = model->signoffs.items[i];

		if (!so->valid)
			continue;
		if (!s->signoff_line)
			s->signoff_line = so->line;
		for (j = 0; j < so->people.length; j++)
			if (tg_vec_push_str(&by, so->people.items[j]) < 0)
				goto done;
	}
	s->signoff_by = copy_strs(&by, &s->signoff_by_count);
	if (!s->signoff_by)
		goto done;
	s->errors = counts[TG_SEVERITY_ERROR];
	s->warnings = counts[TG_SEVERITY_WARNING];
	s->notes = counts[TG_SEVERITY_NOTE];
	*out = s;
	s = NULL;
	error = 0;
done:
	tg_vec_release(&by, free);
	tg_doc_summary_free(s);
	return error < 0 ? tg_error_oom() : 0;
}
