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

static int add_section(tg_doc_summary *s, const char *kind,
                       const struct tg_section *section)
{
	tg_section_summary *ss = &s->sections[s->sections_count];

	ss->kind = tg_strdup(kind);
	ss->title = tg_strdup(section->title);
	ss->line = section->line;
	s->sections_count++;
	return ss->kind && ss->title ? 0 : TG_ENOMEM;
}

/*
 * The sections the model recognised, in document order: a standalone
 * document's root as both Security and Threat Model, then every heading
 * that answers to a section rule.
 */
static int add_sections(tg_doc_summary *s, const struct tg_model *model)
{
	size_t i;
	int error = 0;

	s->sections = calloc(model->sections.length + 3, sizeof(*s->sections));
	if (!s->sections)
		return TG_ENOMEM;
	if (model->root) {
		error = add_section(s, "security", model->root);
		if (error == 0)
			error = add_section(s, "threat-model", model->root);
	}
	for (i = 0; i < model->sections.length && error == 0; i++) {
		const struct tg_section *sec = model->sections.items[i];

		if (sec->rule && !(model->root && sec->line == model->root->line &&
		                   strcmp(sec->rule->name, "signoff") != 0))
			error = add_section(s, sec->rule->name, sec);
	}
	/* Threats straight under Security: it serves as the threat model */
	if (error == 0 && model->threat_model && model->threat_model->rule &&
	    strcmp(model->threat_model->rule->name, "threat-model") != 0 &&
	    !model->root)
		error = add_section(s, "threat-model", model->threat_model);
	return error;
}

/* A copy of `s` (may be NULL) into *out: false when memory ran out. */
static bool dup(char **out, const char *s)
{
	*out = tg_strdup(s);
	return *out || !s;
}

int tg_findings__summarize(tg_doc_summary **out, const struct tg_model *model,
                           const tg_policy *policy, const size_t counts[4],
                           bool signoff_required, const char *signoff_who,
                           const char *signoff_via)
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
	    !dup(&s->dri, fm->dri) ||
	    !dup(&s->status, tg_design_status_name(fm->design_status) ?
	         tg_design_status_name(fm->design_status) : fm->status) ||
	    !dup(&s->reviewed, fm->reviewed))
		goto done;
	s->age_days = fm->reviewed_days >= 0 ?
		(int)(tg_date_today() - fm->reviewed_days) : -1;
	/* A superseded or withdrawn design is not judged for freshness. */
	s->stale = !tg_design_retired(fm->design_status) &&
	           ((fm->reviewed_days >= 0 && s->age_days > policy->max_age) ||
	            (fm->reviewed_days < 0 && policy->require_reviewed_date));
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
		    !dup(&ts->rating, t->priority_text) ||
		    !dup(&ts->mitigation, t->mitigation) ||
		    !dup(&ts->status, tg_status_name(t->status)) || !ts->status)
			goto done;
	}

	s->triggers = calloc(model->hits.length + 1, sizeof(*s->triggers));
	if (!s->triggers)
		goto done;
	for (i = 0; i < model->hits.length; i++) {
		const struct tg_trigger_hit *h = model->hits.items[i];
		tg_trigger_summary *ts = &s->triggers[i];

		s->triggers_count++;
		ts->id = tg_strdup(h->trigger->name);
		ts->match = tg_strdup(h->match);
		ts->line = h->line;
		ts->declared = h->declared;
		ts->score = h->score;
		ts->threshold = h->trigger->threshold;
		if (!ts->id || !ts->match)
			goto done;
		ts->matches = calloc(h->matches.length + 1, sizeof(*ts->matches));
		if (!ts->matches)
			goto done;
		for (j = 0; j < h->matches.length; j++) {
			const struct tg_trigger_match *m = h->matches.items[j];
			tg_trigger_evidence *e = &ts->matches[j];

			ts->matches_count++;
			e->words = tg_strdup(m->words);
			e->where = tg_strdup(m->where);
			e->line = m->line;
			e->column = m->column;
			e->weight = m->weight;
			if (!e->words || !e->where)
				goto done;
		}
	}
	s->handles_given = fm->handles_given;
	if (fm->handles_given) {
		s->handles = copy_strs(&fm->handles, &s->handles_count);
		if (!s->handles)
			goto done;
	}

	if (add_sections(s, model) < 0)
		goto done;

	s->signoff_required = signoff_required;
	s->signoff_present = signoff_who != NULL;
	if (signoff_via && !(s->signoff_via = tg_strdup(signoff_via)))
		goto done;
	/* An approval on the forge names its giver nowhere in the document. */
	if (signoff_via && strcmp(signoff_via, "approval") == 0 &&
	    tg_vec_push_str(&by, signoff_who) < 0)
		goto done;
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
