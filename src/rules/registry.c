#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rules.h"
#include "util/banned.h"

struct rule_row {
	tg_rule_info info;
	tg_rule_check_fn check;	/* NULL: reported outside a document check */
};

#define ROW(id, summary, severity, check, explain) \
	{ { id, NULL, summary, severity, explain }, check }

static const struct rule_row rule_table[TG_RULE__COUNT] = {
	ROW(TG_RULE_MISSING_SECTION, "a required section is absent",
	    TG_SEVERITY_ERROR, tg_check_missing_section,
	    "Checks that the design document has the sections the policy requires:\n"
	    "by default Security, a Threat Model inside it, and a Security Sign-off\n"
	    "when a sign-off is required. Reviewers and auditors look for the threat\n"
	    "model in the same place in every design; a missing section is a design\n"
	    "that was never threat-modeled.\n\n"
	    "Fixed:\n\n"
	    "    ## Security\n"
	    "    ### Threat Model\n"
	    "    | ID | Threat | STRIDE | Priority | Mitigation | Status |\n"
	    "    |---|---|---|---|---|---|\n"
	    "    | T1 | Forged webhook call | Spoofing | P1 | HMAC signature check | mitigated |\n"),
	ROW(TG_RULE_EMPTY_SECTION, "a required section has no content",
	    TG_SEVERITY_ERROR, tg_check_empty_section,
	    "Checks that each required section says something: not only a heading,\n"
	    "\"TBD\", \"N/A\" or \"TODO\", and not the template's {{placeholder}} text\n"
	    "left unchanged. An empty Security section passes a heading check while\n"
	    "telling the reviewer nothing.\n\n"
	    "Fixed:\n\n"
	    "    ## Security\n"
	    "    The receiver is internet-facing and handles card tokens; see the\n"
	    "    threat model below.\n"),
	ROW(TG_RULE_NO_THREATS, "the threat model lists no threat",
	    TG_SEVERITY_ERROR, tg_check_no_threats,
	    "Checks that the Threat Model section lists at least one threat, as a\n"
	    "table row, a bullet with Key: value fields, or a bullet under a STRIDE\n"
	    "category heading. Prose about security is not a threat model: a\n"
	    "reviewer needs the threats named one by one to judge them.\n\n"
	    "Fixed (list form):\n\n"
	    "    ### Threat Model\n"
	    "    - T1: Replay of old events\n"
	    "      - Category: Tampering\n"
	    "      - Priority: P3\n"
	    "      - Mitigation: reject events older than five minutes\n"),
	ROW(TG_RULE_THREAT_MISSING_PRIORITY, "a threat has no priority on the scale",
	    TG_SEVERITY_ERROR, tg_check_threat_missing_priority,
	    "Checks that every threat carries a priority on the P1 (most severe) to P5\n"
	    "scale, or a synonym: critical=P1, high=P2, medium=P3, low=P4,\n"
	    "informational/info=P5. Priorities decide which threats need a mitigation,\n"
	    "a sign-off and an executive's acceptance; without one the threat cannot\n"
	    "be triaged.\n\n"
	    "Fixed:\n\n"
	    "    | T2 | Replay of old events | Tampering | P3 | Timestamp window | open |\n"),
	ROW(TG_RULE_THREAT_MISSING_CATEGORY, "a threat has no valid category",
	    TG_SEVERITY_WARNING, tg_check_threat_missing_category,
	    "Checks that every threat names a category of the policy's framework\n"
	    "(STRIDE by default: Spoofing, Tampering, Repudiation, Information\n"
	    "disclosure, Denial of service, Elevation of privilege, or the letters\n"
	    "S T R I D E; several joined by '/' or ','). Categories show which kinds of\n"
	    "attack the team considered and which it missed.\n\n"
	    "Fixed:\n\n"
	    "    | T3 | Card token in logs | Information disclosure | P2 | Redact tokens | mitigated |\n"),
	ROW(TG_RULE_THREAT_MISSING_MITIGATION, "an open threat has no mitigation",
	    TG_SEVERITY_ERROR, tg_check_threat_missing_mitigation,
	    "Checks that every threat that is not accepted, transferred or not\n"
	    "applicable says how it is mitigated. An error for P1-P2 threats, a\n"
	    "warning for P3; P4-P5 threats may wait. A severe threat with no plan is\n"
	    "exactly what the security team must hear about before the design merges.\n\n"
	    "Fixed:\n\n"
	    "    | T1 | Forged webhook call | Spoofing | P1 | Verify the HMAC signature | open |\n"
	    "\nor accept the risk, naming its approver in an Approver column:\n\n"
	    "    | ID | Threat | STRIDE | Priority | Mitigation | Status | Approver |\n"
	    "    |---|---|---|---|---|---|---|\n"
	    "    | T1 | Forged webhook call | Spoofing | P1 | | accepted | @cto |\n"),
	ROW(TG_RULE_RISK_ACCEPTANCE_APPROVAL, "an accepted threat lacks a sufficient approver",
	    TG_SEVERITY_ERROR, tg_check_risk_acceptance_approval,
	    "Checks that every accepted threat names who accepted the risk, and that\n"
	    "this person holds the role its priority needs (policy accept.P1 ...\n"
	    "accept.P5: by default P1-P2 need an executive, P3-P5 an engineering\n"
	    "manager; roles are listed with role.<name>.member). Accepting a critical\n"
	    "risk is a business decision, not the author's.\n\n"
	    "Fixed:\n\n"
	    "    | ID | Threat | STRIDE | Priority | Mitigation | Status | Approver |\n"
	    "    |---|---|---|---|---|---|---|\n"
	    "    | T4 | Vendor outage | Denial of service | P2 | | accepted | @cto |\n"),
	ROW(TG_RULE_STRIDE_COVERAGE, "a STRIDE category is neither covered nor declared not applicable",
	    TG_SEVERITY_WARNING, tg_check_stride_coverage,
	    "Checks that each category of the framework has at least one threat or is\n"
	    "declared not applicable. A model with five spoofing threats and no\n"
	    "thought about denial of service is a gap a reviewer wants to see.\n\n"
	    "Fixed:\n\n"
	    "    Repudiation: not applicable - the service keeps no user actions.\n"
	    "\nor a threat row with status not-applicable, or under '#### Repudiation'\n"
	    "a paragraph 'Not applicable: ...'.\n"),
	ROW(TG_RULE_SIGNOFF_REQUIRED, "a security sign-off is required and missing",
	    TG_SEVERITY_ERROR, tg_check_signoff_required,
	    "Checks that a design needing security's eyes carries a valid sign-off.\n"
	    "A sign-off is needed when the policy's mode is 'always', or in mode\n"
	    "'triggered' (the default) when the prose outside the threat model\n"
	    "mentions authentication, authorization, personal or health data,\n"
	    "internet exposure, cryptography or payments, when the front matter says\n"
	    "'exposure: internet' or classifies pii/phi data, or when a P1-P2 threat\n"
	    "exists. A sign-off is a checked task item naming a reviewer, a\n"
	    "'Security-Approved-by:' line, or a review table row with a date and an\n"
	    "approving outcome. This is how self-serve threat modeling pulls the\n"
	    "security team in only where it matters.\n\n"
	    "Fixed:\n\n"
	    "    ### Security Sign-off\n"
	    "    - [x] Security review: @alice (2026-11-01)\n"),
	ROW(TG_RULE_SIGNOFF_UNAUTHORIZED, "a sign-off names someone who is not a security reviewer",
	    TG_SEVERITY_ERROR, tg_check_signoff_unauthorized,
	    "Checks that every sign-off names one of the policy's security reviewers\n"
	    "(threatgate.reviewer). With threatgate.verifySignoffAuthor in git modes,\n"
	    "it also checks that the commit which added the sign-off line was\n"
	    "authored by the reviewer it names, so nobody can tick the box for them.\n\n"
	    "Fixed (policy):\n\n"
	    "    [threatgate]\n"
	    "        reviewer = @alice\n"
	    "        reviewer = bob@example.com\n"),
	ROW(TG_RULE_STALE_THREAT_MODEL, "the threat model was last reviewed too long ago",
	    TG_SEVERITY_WARNING, tg_check_stale_threat_model,
	    "Checks the front matter's threat-model-reviewed date (alias last-reviewed)\n"
	    "against the policy's maximum age (threatgate.maxAge, 270 days by\n"
	    "default), and, with threatgate.requireReviewedDate, that the date is\n"
	    "there at all. Systems drift; a threat model nobody revisited describes a\n"
	    "system that no longer exists.\n\n"
	    "Fixed:\n\n"
	    "    ---\n"
	    "    threat-model-reviewed: 2026-11-20\n"
	    "    ---\n"),
	ROW(TG_RULE_COVERED_CODE_CHANGED, "code a design covers changed while its threat model is stale",
	    TG_SEVERITY_WARNING, NULL,
	    "In git modes: the change touches paths that a design document lists under\n"
	    "'covers', does not touch that document, and the document's threat model\n"
	    "is stale. The code moved on; the threat model should follow.\n\n"
	    "Fixed: review the threat model and update it in the same change:\n\n"
	    "    ---\n"
	    "    covers: [services/payments/**]\n"
	    "    threat-model-reviewed: 2026-11-20\n"
	    "    ---\n"),
	ROW(TG_RULE_MISSING_DRI, "no directly responsible individual is named",
	    TG_SEVERITY_WARNING, tg_check_missing_dri,
	    "Checks that the front matter names the design's directly responsible\n"
	    "individual (dri, alias owner). Someone must own the threats that stay\n"
	    "open.\n\n"
	    "Fixed:\n\n"
	    "    ---\n"
	    "    dri: Jane Doe <jane@example.com>\n"
	    "    ---\n"),
	ROW(TG_RULE_TOO_FEW_PARTICIPANTS, "fewer participants than the policy's minimum",
	    TG_SEVERITY_WARNING, tg_check_too_few_participants,
	    "Checks that the front matter lists at least threatgate.minParticipants\n"
	    "people (2 by default) under 'participants'. Threat modeling is a team\n"
	    "sport: one person finds the threats one person thinks of.\n\n"
	    "Fixed:\n\n"
	    "    ---\n"
	    "    participants: [jane, omar, li]\n"
	    "    ---\n"),
	ROW(TG_RULE_INVALID_METADATA, "front matter does not parse or has a field of the wrong type",
	    TG_SEVERITY_ERROR, tg_check_invalid_metadata,
	    "Checks that the YAML front matter parses, is a mapping, is closed by a\n"
	    "'---' line, and that known fields have the right type: dates as\n"
	    "YYYY-MM-DD, participants, covers and data-classification as lists or\n"
	    "comma-separated strings, the others as single values. Tools that read\n"
	    "the metadata (scan, dashboards) must be able to trust it.\n\n"
	    "Fixed:\n\n"
	    "    ---\n"
	    "    threat-model-reviewed: 2026-10-02\n"
	    "    participants: [jane, omar]\n"
	    "    ---\n"),
	ROW(TG_RULE_UNREADABLE_DOCUMENT, "the document is binary, not UTF-8 or too large",
	    TG_SEVERITY_ERROR, NULL,
	    "A design document must be UTF-8 text under the size limit\n"
	    "(threatgate.maxDocSize, 1 MiB by default). A document that cannot be read\n"
	    "cannot be checked, and is never passed silently.\n\n"
	    "Fixed: save the file as UTF-8 text; split a document over the limit, or\n"
	    "move large data out of it.\n"),
	ROW(TG_RULE_REVIEWED_DATE_NOT_UPDATED, "the threat model changed but its reviewed date did not",
	    TG_SEVERITY_WARNING, tg_check_reviewed_date_not_updated,
	    "In git modes: the change edits the Threat Model section but leaves\n"
	    "threat-model-reviewed as it was. The date is the paper trail that says\n"
	    "when the team last looked at the model as a whole.\n\n"
	    "Fixed: once the team has reviewed the change,\n\n"
	    "    threat-model-reviewed: 2026-11-27\n"),
	ROW(TG_RULE_NO_DOCUMENTS, "Markdown changed but no path matched the document globs",
	    TG_SEVERITY_NOTE, NULL,
	    "The change or tree holds Markdown, but none of it matched the policy's\n"
	    "document globs (threatgate.docs; by default docs/design/**/*.md,\n"
	    "design/**/*.md, **/*.sdd.md and rfcs/**/*.md). Said rather than passing\n"
	    "silently, so a design kept in an unexpected folder is not missed.\n\n"
	    "Fixed (.threatgate):\n\n"
	    "    [threatgate]\n"
	    "        docs = architecture/**/*.md\n"),
};

const tg_rule_info *tg_rules_table(size_t *count)
{
	static tg_rule_info infos[TG_RULE__COUNT];
	static bool ready;
	size_t i;

	if (!ready) {
		for (i = 0; i < TG_RULE__COUNT; i++) {
			infos[i] = rule_table[i].info;
			infos[i].name = tg_rule_name(rule_table[i].info.id);
		}
		ready = true;
	}
	*count = TG_RULE__COUNT;
	return infos;
}

const tg_rule_info *tg_rules_find(const char *name)
{
	size_t count, i;
	const tg_rule_info *table = tg_rules_table(&count);

	for (i = 0; i < count; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

static tg_severity effective_severity(const tg_policy *policy, tg_rule_id rule,
                                      tg_severity chosen)
{
	return tg_policy__severity(policy, rule, chosen);
}

static bool suppressed(const struct tg_model *model, tg_rule_id rule, int line)
{
	const char *name = tg_rule_name(rule);
	size_t i;

	if (!model)
		return false;
	for (i = 0; i < model->suppressions.length; i++) {
		const struct tg_suppression *s = model->suppressions.items[i];

		if ((!s->rule || strcmp(s->rule, name) == 0) &&
		    line >= s->first_line && line <= s->last_line)
			return true;
	}
	return false;
}

static int report(struct tg_rule_ctx *ctx, tg_severity severity, int line,
                  int column, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

static int report(struct tg_rule_ctx *ctx, tg_severity severity, int line,
                  int column, const char *fmt, va_list ap)
{
	const struct tg_document *doc = ctx->model->doc;
	tg_finding f;
	char *message = NULL;
	int error;

	severity = effective_severity(ctx->policy, ctx->rule, severity);
	/* A draft never blocks a commit or a push of its author. */
	if (severity == TG_SEVERITY_ERROR &&
	    doc->fm.design_status == TG_DESIGN_DRAFT &&
	    tg_policy__drafts_soft(ctx->policy))
		severity = TG_SEVERITY_WARNING;
	if (severity == TG_SEVERITY_OFF || suppressed(ctx->model, ctx->rule, line) ||
	    tg_policy__excepted(ctx->policy, ctx->rule,
	                        tg_document_policy_path(doc)))
		return 0;
	if (vasprintf(&message, fmt, ap) < 0)
		return tg_error_oom();
	memset(&f, 0, sizeof(f));
	f.rule = ctx->rule;
	f.severity = severity;
	f.path = doc->path;
	f.revision = doc->revision;
	f.line = line > 0 ? line : 1;
	f.column = column;
	f.message = message;
	f.section = (char *)ctx->section;
	f.threat = (char *)ctx->threat;
	error = tg_findings_add(ctx->findings, &f);
	free(message);
	if (error == 0)
		ctx->counts[severity]++;
	return error;
}

int tg_rule_report(struct tg_rule_ctx *ctx, int line, int column,
                   const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = report(ctx, rule_table[ctx->rule].info.default_severity, line,
	               column, fmt, ap);
	va_end(ap);
	return error;
}

int tg_rule_report_severity(struct tg_rule_ctx *ctx, tg_severity severity,
                            int line, int column, const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = report(ctx, severity, line, column, fmt, ap);
	va_end(ap);
	return error;
}

int tg_rules_add_finding(tg_findings *findings, const tg_policy *policy,
                         tg_rule_id rule, const char *path,
                         const char *revision, int line, int column,
                         const char *message)
{
	tg_finding f;
	tg_severity severity = effective_severity(policy, rule,
		rule_table[rule].info.default_severity);

	if (severity == TG_SEVERITY_OFF ||
	    (path && tg_policy__excepted(policy, rule, path)))
		return 0;
	memset(&f, 0, sizeof(f));
	f.rule = rule;
	f.severity = severity;
	f.path = (char *)(path ? path : ".");
	f.revision = (char *)revision;
	f.line = line > 0 ? line : 1;
	f.column = column;
	f.message = (char *)message;
	return tg_findings_add(findings, &f);
}

const char *tg_rules__threat_label(const struct tg_threat *t, char *buf,
                                   size_t size)
{
	if (t->id) {
		snprintf(buf, size, "%s", t->id);
	} else if (t->title) {
		size_t len = strlen(t->title);

		if (len > 40)
			snprintf(buf, size, "'%.37s...'", t->title);
		else
			snprintf(buf, size, "'%s'", t->title);
	} else {
		snprintf(buf, size, "at line %d", t->line);
	}
	return buf;
}

char *tg_rules__section_path(const struct tg_section *section)
{
	tg_buf buf = TG_BUF_INIT;
	const struct tg_section *chain[16];
	int n = 0;

	for (; section && n < 16; section = section->parent)
		chain[n++] = section;
	while (n-- > 0) {
		tg_buf_puts(&buf, chain[n]->title);
		if (n)
			tg_buf_putc(&buf, '/');
	}
	return tg_buf_detach(&buf);
}

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

/* What a report or `scan` keeps of a checked document. */
static int summarize(tg_doc_summary **out, const struct tg_rule_ctx *ctx)
{
	const struct tg_model *model = ctx->model;
	const struct tg_document *doc = model->doc;
	const struct tg_frontmatter *fm = &doc->fm;
	const tg_policy *policy = ctx->policy;
	tg_doc_summary *s = calloc(1, sizeof(*s));
	tg_vec by = TG_VEC_INIT;
	const char *who = NULL, *via = NULL;
	size_t i, j;
	char prio[3];
	int error = TG_ENOMEM;

	*out = NULL;
	if (!s)
		return tg_error_oom();
	s->path = tg_strdup(doc->path);
	s->revision = tg_strdup(doc->revision);
	s->readable = doc->readable;
	s->title = tg_strdup(fm->title);
	s->dri = tg_strdup(fm->dri);
	s->status = tg_strdup(tg_design_status_name(fm->design_status) ?
		tg_design_status_name(fm->design_status) : fm->status);
	s->reviewed = tg_strdup(fm->reviewed);
	s->age_days = fm->reviewed_days >= 0 ?
		(int)(tg_date_today() - fm->reviewed_days) : -1;
	s->stale = !tg_design_retired(fm->design_status) &&
	           ((fm->reviewed_days >= 0 && s->age_days > policy->max_age) ||
	            (fm->reviewed_days < 0 && policy->require_reviewed_date));
	s->participants = copy_strs(&fm->participants, &s->participants_count);
	s->covers = copy_strs(&fm->covers, &s->covers_count);
	if (!s->path || !s->participants || !s->covers)
		goto done;
	if (!s->title && model->sections.length) {
		const struct tg_section *first = model->sections.items[0];

		if (first->level == 1)
			s->title = tg_strdup(first->title);
	}

	s->threats = calloc(model->threats.length + 1, sizeof(*s->threats));
	if (!s->threats)
		goto done;
	for (i = 0; i < model->threats.length; i++) {
		const struct tg_threat *t = model->threats.items[i];
		tg_threat_summary *ts = &s->threats[i];

		s->threats_count++;
		snprintf(prio, sizeof(prio), "P%d", t->priority);
		ts->id = tg_strdup(t->id);
		ts->title = tg_strdup(t->title);
		ts->category = category_letters(policy, t->categories);
		ts->priority = t->priority ? tg_strdup(prio) : NULL;
		ts->mitigation = tg_strdup(t->mitigation);
		ts->status = tg_strdup(tg_status_name(t->status));
		ts->line = t->line;
		if (!ts->category || !ts->status)
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

	s->signoff_required = tg_rules__signoff_required(model, NULL);
	if (tg_rules__signoff_by(ctx, model, &who, &via) < 0)
		goto done;
	s->signoff_present = who != NULL;
	if (via && !(s->signoff_via = tg_strdup(via)))
		goto done;
	if (via && strcmp(via, "approval") == 0 &&
	    tg_vec_push_str(&by, who) < 0)
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
	s->errors = ctx->counts[TG_SEVERITY_ERROR];
	s->warnings = ctx->counts[TG_SEVERITY_WARNING];
	s->notes = ctx->counts[TG_SEVERITY_NOTE];
	*out = s;
	s = NULL;
	error = 0;
done:
	tg_vec_release(&by, free);
	tg_doc_summary_free(s);
	return error < 0 ? tg_error_oom() : 0;
}

int tg_rules_check(tg_findings *findings, const tg_model *model,
                   const tg_policy *policy, const tg_check_context *context)
{
	static const tg_check_context none;
	struct tg_rule_ctx ctx;
	tg_doc_summary *summary = NULL;
	size_t i;
	int error = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.model = model;
	ctx.policy = policy;
	ctx.git = context ? context : &none;
	ctx.findings = findings;

	/*
	 * Triggers matter only while they can change a finding: with a valid
	 * sign-off inside a Sign-off section, whether one was required no
	 * longer does.
	 */
	if (model->doc->readable && !model->triggers_done &&
	    tg_policy_signoff_mode(policy,
	                           tg_document_policy_path(model->doc)) ==
	    TG_SIGNOFF_TRIGGERED &&
	    (!model->signoff || !tg_rules__signoff_present(&ctx, model))) {
		error = tg_model__triggers((struct tg_model *)model);
		if (error < 0)
			return error;
	}
	if (!model->doc->readable) {
		ctx.rule = TG_RULE_UNREADABLE_DOCUMENT;
		error = tg_rule_report(&ctx, model->doc->unreadable_line, 0, "%s",
		                       model->doc->unreadable_reason);
	}
	for (i = 0; model->doc->readable && i < TG_RULE__COUNT && error == 0; i++) {
		if (!rule_table[i].check)
			continue;
		ctx.rule = rule_table[i].info.id;
		ctx.section = NULL;
		ctx.threat = NULL;
		error = rule_table[i].check(&ctx, model);
	}
	if (error == 0)
		error = summarize(&summary, &ctx);
	if (error == 0)
		error = tg_findings_add_document(findings, summary);
	return error;
}

int tg_check_document(tg_findings *findings, const tg_document *doc,
                      const tg_policy *policy, const tg_check_context *context)
{
	tg_model *model = NULL;
	int error;

	error = tg_model__build(&model, doc, policy,
	                        context && context->lazy_triggers);
	if (error == 0)
		error = tg_rules_check(findings, model, policy, context);
	tg_model_free(model);
	return error;
}
