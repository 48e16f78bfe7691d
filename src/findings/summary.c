/*
 * The summary of a checked document: what a report or `scan` keeps of
 * it once the document and its model are freed, and its whole
 * lifecycle: the rule driver (rules/registry.c) builds one per document
 * after its checks (tg_findings__summarize), `scan` copies it
 * (tg_doc_summary_dup), tg_doc_summary_free frees it. Priority and
 * status stay typed here; only the report writers name them, and only
 * the scan report reader parses the names back.
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
		ts->line = t->line;
		ts->priority = t->priority >= TG_PRIORITY_P1 &&
		               t->priority <= TG_PRIORITY_P5 ?
		               (tg_priority)t->priority : TG_PRIORITY_NONE;
		ts->status = t->status;
		ts->category = category_letters(policy, t->categories);
		if (!dup(&ts->id, t->id) || !dup(&ts->title, t->title) ||
		    !ts->category ||
		    !dup(&ts->rating, t->priority_text) ||
		    !dup(&ts->mitigation, t->mitigation))
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

static char **dup_strs(char *const *strs, size_t count)
{
	char **out = calloc(count + 1, sizeof(*out));
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i < count; i++) {
		out[i] = tg_strdup(strs[i] ? strs[i] : "");
		if (!out[i]) {
			tg_strs_free(out, i);
			return NULL;
		}
	}
	return out;
}

int tg_doc_summary_dup(tg_doc_summary **out, const tg_doc_summary *summary)
{
	tg_doc_summary *s = calloc(1, sizeof(*s));
	size_t i;
	bool ok;

	*out = NULL;
	if (!s)
		return tg_error_oom();
	*s = *summary;
	/* Nothing is shared: every pointer is replaced or cleared first. */
	s->path = s->revision = s->title = s->dri = s->reviewed = NULL;
	s->status = s->signoff_via = NULL;
	s->participants = s->covers = s->signoff_by = NULL;
	s->participants_count = s->covers_count = s->signoff_by_count = 0;
	s->threats = NULL;
	s->threats_count = 0;
	s->triggers = NULL;
	s->triggers_count = 0;
	s->handles = NULL;
	s->handles_count = 0;
	s->sections = NULL;
	s->sections_count = 0;
	s->findings = NULL;
	s->findings_count = 0;

	ok = dup(&s->path, summary->path) &&
	     dup(&s->revision, summary->revision) &&
	     dup(&s->title, summary->title) &&
	     dup(&s->dri, summary->dri) &&
	     dup(&s->status, summary->status) &&
	     dup(&s->signoff_via, summary->signoff_via) &&
	     dup(&s->reviewed, summary->reviewed);
	s->participants = dup_strs(summary->participants,
	                           summary->participants_count);
	if (s->participants)
		s->participants_count = summary->participants_count;
	s->covers = dup_strs(summary->covers, summary->covers_count);
	if (s->covers)
		s->covers_count = summary->covers_count;
	s->signoff_by = dup_strs(summary->signoff_by, summary->signoff_by_count);
	if (s->signoff_by)
		s->signoff_by_count = summary->signoff_by_count;
	if (summary->handles_count) {
		s->handles = dup_strs(summary->handles, summary->handles_count);
		if (s->handles)
			s->handles_count = summary->handles_count;
		ok = ok && s->handles;
	}
	ok = ok && s->participants && s->covers && s->signoff_by;
	if (ok)
		s->threats = calloc(summary->threats_count + 1,
		                    sizeof(*s->threats));
	ok = ok && s->threats;
	for (i = 0; ok && i < summary->threats_count; i++) {
		const tg_threat_summary *from = &summary->threats[i];
		tg_threat_summary *to = &s->threats[i];

		s->threats_count++;
		to->line = from->line;
		ok = dup(&to->id, from->id) &&
		     dup(&to->title, from->title) &&
		     dup(&to->category, from->category) &&
		     dup(&to->rating, from->rating) &&
		     dup(&to->mitigation, from->mitigation);
		to->priority = from->priority;
		to->status = from->status;
	}
	if (ok)
		s->triggers = calloc(summary->triggers_count + 1,
		                     sizeof(*s->triggers));
	ok = ok && s->triggers;
	for (i = 0; ok && i < summary->triggers_count; i++) {
		s->triggers_count++;
		s->triggers[i].line = summary->triggers[i].line;
		s->triggers[i].declared = summary->triggers[i].declared;
		s->triggers[i].score = summary->triggers[i].score;
		s->triggers[i].threshold = summary->triggers[i].threshold;
		ok = dup(&s->triggers[i].id, summary->triggers[i].id) &&
		     dup(&s->triggers[i].match, summary->triggers[i].match);
	}
	if (ok)
		s->sections = calloc(summary->sections_count + 1,
		                     sizeof(*s->sections));
	ok = ok && s->sections;
	for (i = 0; ok && i < summary->sections_count; i++) {
		s->sections_count++;
		s->sections[i].line = summary->sections[i].line;
		ok = dup(&s->sections[i].kind, summary->sections[i].kind) &&
		     dup(&s->sections[i].title, summary->sections[i].title);
	}
	if (ok)
		s->findings = calloc(summary->findings_count + 1,
		                     sizeof(*s->findings));
	ok = ok && s->findings;
	for (i = 0; ok && i < summary->findings_count; i++) {
		s->findings_count++;
		s->findings[i].severity = summary->findings[i].severity;
		s->findings[i].line = summary->findings[i].line;
		ok = dup(&s->findings[i].rule, summary->findings[i].rule) &&
		     dup(&s->findings[i].message,
		             summary->findings[i].message);
	}
	if (!ok) {
		tg_doc_summary_free(s);
		return tg_error_oom();
	}
	*out = s;
	return 0;
}

void tg_doc_summary_free(tg_doc_summary *summary)
{
	size_t i;

	if (!summary)
		return;
	free(summary->path);
	free(summary->revision);
	free(summary->title);
	free(summary->dri);
	free(summary->status);
	free(summary->signoff_via);
	tg_strs_free(summary->participants, summary->participants_count);
	free(summary->reviewed);
	tg_strs_free(summary->covers, summary->covers_count);
	if (summary->threats) {
		for (i = 0; i < summary->threats_count; i++) {
			free(summary->threats[i].id);
			free(summary->threats[i].title);
			free(summary->threats[i].category);
			free(summary->threats[i].rating);
			free(summary->threats[i].mitigation);
		}
		free(summary->threats);
	}
	if (summary->triggers) {
		for (i = 0; i < summary->triggers_count; i++) {
			tg_trigger_summary *t = &summary->triggers[i];
			size_t j;

			free(t->id);
			free(t->match);
			for (j = 0; t->matches && j < t->matches_count; j++) {
				free(t->matches[j].words);
				free(t->matches[j].where);
			}
			free(t->matches);
		}
		free(summary->triggers);
	}
	if (summary->sections) {
		for (i = 0; i < summary->sections_count; i++) {
			free(summary->sections[i].kind);
			free(summary->sections[i].title);
		}
		free(summary->sections);
	}
	tg_strs_free(summary->handles, summary->handles_count);
	tg_strs_free(summary->signoff_by, summary->signoff_by_count);
	if (summary->findings) {
		for (i = 0; i < summary->findings_count; i++) {
			free(summary->findings[i].rule);
			free(summary->findings[i].message);
		}
		free(summary->findings);
	}
	free(summary);
}
