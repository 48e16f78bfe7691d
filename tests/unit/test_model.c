/*
 * The model of a document: sections, threats, sign-offs, triggers and
 * suppressions, with their true source lines.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "threatgate.h"
#include "model/model.h"

static tg_policy *policy;
static tg_document *doc;
static tg_model *model;

static int setup_group(void **state)
{
	(void)state;
	tg_init();
	if (tg_policy_new(&policy) < 0 || tg_policy_finalize(policy, NULL) < 0)
		return -1;
	return 0;
}

static int teardown_group(void **state)
{
	(void)state;
	tg_policy_free(policy);
	tg_shutdown();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tg_model_free(model);
	tg_document_free(doc);
	model = NULL;
	doc = NULL;
	return 0;
}

static struct tg_model *build(const char *text)
{
	assert_int_equal(tg_document_load_buffer(&doc, "t.md", NULL, text,
	                                         strlen(text), policy), 0);
	assert_int_equal(tg_model_build(&model, doc, policy), 0);
	return model;
}

static const struct tg_threat *threat(size_t i)
{
	assert_true(i < model->threats.length);
	return model->threats.items[i];
}

static void test_sections_tree_and_lines(void **state)
{
	const struct tg_section *s;

	(void)state;
	build("---\ntitle: x\n---\n# Title\n\n## 3. Security:\n\ntext\n\n"
	      "### 3.1 Threat Model\n\n| ID | Threat |\n|---|---|\n| T1 | a |\n\n"
	      "## Appendix\n");
	assert_int_equal(model->sections.length, 4);
	assert_non_null(model->security);
	assert_int_equal(model->security->line, 6);
	assert_int_equal(model->security->end_line, 15);
	assert_string_equal(model->security->norm, "security");
	assert_non_null(model->threat_model);
	assert_int_equal(model->threat_model->line, 10);
	assert_false(model->threat_model->misplaced);
	s = model->threat_model->parent;
	assert_ptr_equal(s, model->security);
	assert_int_equal(threat(0)->line, 14);
}

static void test_setext_and_non_sections(void **state)
{
	(void)state;
	build("Security\n========\n\n```\n## Threat Model\n```\n\n"
	      "> ## Threat Model\n\n<div>\n## Threat Model\n</div>\n\n"
	      "Threat Model\n------------\ntext\n");
	assert_int_equal(model->sections.length, 2);
	assert_int_equal(model->security->line, 1);
	assert_int_equal(model->threat_model->line, 14);
}

static void test_misplaced_threat_model(void **state)
{
	(void)state;
	build("## Security\ntext\n## Threat Model\n| ID | Threat |\n|-|-|\n| 1 | a |\n");
	assert_non_null(model->threat_model);
	assert_true(model->threat_model->misplaced);
}

static void test_crlf_and_bom(void **state)
{
	(void)state;
	build("\xEF\xBB\xBF---\r\ndri: a\r\n---\r\n## Security\r\n### Threat Model\r\n"
	      "- T1: x; Priority: P2; Category: S; Mitigation: m\r\n");
	assert_string_equal(doc->fm.dri, "a");
	assert_int_equal(model->security->line, 4);
	assert_int_equal(model->security->column, 1);
	assert_int_equal(threat(0)->line, 6);
	assert_int_equal(threat(0)->priority, 2);
}

static void test_empty_placeholder_filler(void **state)
{
	(void)state;
	build("## Security\n\nTBD\n\n### Threat Model\n\n<!-- guidance -->\n\n"
	      "| ID | Threat | STRIDE |\n|---|---|---|\n| T1 | {{threat}} | {{S}} |\n");
	assert_false(model->security->has_content);
	assert_true(model->security->only_filler);
	assert_false(model->threat_model->has_content);
	assert_true(model->threat_model->has_placeholder);
	assert_int_equal(model->threat_model->placeholder_line, 9);
	assert_int_equal(model->threats.length, 0);
	assert_int_equal(model->placeholder_threats, 1);
}

static void test_table_synonym_headers(void **state)
{
	(void)state;
	build("## Security\n### Threats\n"
	      "| # | Description | Category | Severity | Countermeasure | State | Approver |\n"
	      "|---|---|---|---|---|---|---|\n"
	      "| R1 | Token theft | S/T | critical | rotate | open | |\n"
	      "| R2 | Flood | Denial of service | low | - | accepted | @cto |\n"
	      "| R3 | Leak | Info disclosure, E | P9 | none | n/a | |\n");
	assert_int_equal(model->threats.length, 3);
	assert_string_equal(threat(0)->id, "R1");
	assert_int_equal(threat(0)->priority, 1);
	assert_int_equal(threat(0)->categories, 0x3);
	assert_string_equal(threat(0)->mitigation, "rotate");
	assert_int_equal(threat(1)->status, TG_STATUS_ACCEPTED);
	assert_string_equal(threat(1)->approver, "@cto");
	assert_null(threat(1)->mitigation);
	assert_int_equal(threat(2)->priority, 0);
	assert_string_equal(threat(2)->priority_text, "P9");
	assert_int_equal(threat(2)->categories, (1u << 3) | (1u << 5));
	assert_int_equal(threat(2)->status, TG_STATUS_NOT_APPLICABLE);
}

/* No strikethrough extension (see markdown.c): tildes stay in the text. */
static void test_strikethrough_is_text(void **state)
{
	(void)state;
	build("## Security\n### Threat Model\n| ID | Threat | Priority | Mitigation |\n"
	      "|-|-|-|-|\n| T1 | Token theft | P2 | ~~none~~ rotate keys |\n");
	assert_int_equal(model->threats.length, 1);
	assert_string_equal(threat(0)->mitigation, "~~none~~ rotate keys");
}

static void test_non_threat_tables_ignored(void **state)
{
	(void)state;
	build("## Security\n### Threat Model\n| Asset | Classification |\n|-|-|\n"
	      "| token | secret |\n\n| ID | Threat | Priority |\n|-|-|-|\n| T1 | a | P1 |\n");
	assert_int_equal(model->threats.length, 1);
	assert_int_equal(threat(0)->line, 9);
}

static void test_list_form_nested_and_inline(void **state)
{
	(void)state;
	build("## Security\n### Threat Model\n"
	      "- **T1: Replay of events**\n  - Category: Tampering\n  - Priority: medium\n"
	      "  - Mitigation: nonce cache\n  - Status: mitigated\n"
	      "- T2: Forged call; STRIDE: S; Priority: P1; Mitigation: HMAC\n"
	      "- just prose, not a threat\n");
	assert_int_equal(model->threats.length, 2);
	assert_string_equal(threat(0)->id, "T1");
	assert_string_equal(threat(0)->title, "Replay of events");
	assert_int_equal(threat(0)->priority, 3);
	assert_int_equal(threat(0)->status, TG_STATUS_MITIGATED);
	assert_int_equal(threat(0)->line, 3);
	assert_string_equal(threat(1)->mitigation, "HMAC");
	assert_int_equal(threat(1)->line, 8);
}

static void test_grouped_by_category_heading(void **state)
{
	(void)state;
	build("## Security\n### Threat Model\n#### Spoofing\n"
	      "- Stolen session cookie (P2). Mitigation: SameSite cookies\n"
	      "#### Repudiation\nNot applicable: no user actions.\n"
	      "#### Denial of Service (D)\n- Flood of requests [high]\n"
	      "#### Top risks\n1. T1 - the cookie\n");
	assert_int_equal(model->threats.length, 2);
	assert_int_equal(threat(0)->categories, 1u << 0);
	assert_int_equal(threat(0)->priority, 2);
	assert_string_equal(threat(0)->title, "Stolen session cookie");
	assert_string_equal(threat(0)->mitigation, "SameSite cookies");
	assert_int_equal(threat(0)->form, TG_THREAT_HEADING);
	assert_int_equal(threat(1)->categories, 1u << 4);
	assert_int_equal(threat(1)->priority, 2);
	assert_int_equal(model->not_applicable.length, 1);
}

static void test_not_applicable_lines(void **state)
{
	(void)state;
	build("## Security\n### Threat Model\n- T1: a; Priority: P4; Category: S\n\n"
	      "Repudiation: not applicable \xE2\x80\x94 nothing to deny.\n"
	      "Tampering - N/A, read only\n");
	assert_int_equal(model->not_applicable.length, 2);
}

static void test_priority_scale(void **state)
{
	(void)state;
	assert_int_equal(tg_model__priority("P1"), 1);
	assert_int_equal(tg_model__priority("p5"), 5);
	assert_int_equal(tg_model__priority("P6"), 0);
	assert_int_equal(tg_model__priority("P10"), 0);
	assert_int_equal(tg_model__priority("Critical"), 1);
	assert_int_equal(tg_model__priority("high (P2)"), 2);
	assert_int_equal(tg_model__priority("info"), 5);
	assert_int_equal(tg_model__priority("informational"), 5);
	assert_int_equal(tg_model__priority("urgent"), 0);
	assert_int_equal(tg_model__priority("highest"), 0);
}

static void test_categories(void **state)
{
	char *bad = NULL;

	(void)state;
	assert_int_equal(tg_model__categories(policy, "S", &bad), 1);
	assert_int_equal(tg_model__categories(policy, "S/T, r", &bad), 7);
	assert_int_equal(tg_model__categories(policy, "Spoofing and Tampering", &bad), 3);
	assert_int_equal(tg_model__categories(policy, "elevation-of-privilege", &bad), 32);
	assert_null(bad);
	assert_int_equal(tg_model__categories(policy, "Phishing", &bad), 0);
	assert_string_equal(bad, "Phishing");
	free(bad);
}

static void test_status(void **state)
{
	(void)state;
	assert_int_equal(tg_model__status("In Progress"), TG_STATUS_IN_PROGRESS);
	assert_int_equal(tg_model__status("risk accepted"), TG_STATUS_ACCEPTED);
	assert_int_equal(tg_model__status("N/A"), TG_STATUS_NOT_APPLICABLE);
	assert_int_equal(tg_model__status("done"), TG_STATUS_MITIGATED);
	assert_int_equal(tg_model__status("frobbed"), TG_STATUS_UNKNOWN);
	assert_int_equal(tg_model__status(NULL), TG_STATUS_NONE);
}

/* The design's status (front matter), with the words teams use. */
static void test_design_status(void **state)
{
	(void)state;
	assert_int_equal(tg_design_status_parse("draft"), TG_DESIGN_DRAFT);
	assert_int_equal(tg_design_status_parse(" WIP "), TG_DESIGN_DRAFT);
	assert_int_equal(tg_design_status_parse("Work_In  Progress"),
	                 TG_DESIGN_DRAFT);
	assert_int_equal(tg_design_status_parse("In Review"), TG_DESIGN_IN_REVIEW);
	assert_int_equal(tg_design_status_parse("in-review"), TG_DESIGN_IN_REVIEW);
	assert_int_equal(tg_design_status_parse("RFC"), TG_DESIGN_IN_REVIEW);
	assert_int_equal(tg_design_status_parse("Signed-off"), TG_DESIGN_APPROVED);
	assert_int_equal(tg_design_status_parse("shipped"), TG_DESIGN_IMPLEMENTED);
	assert_int_equal(tg_design_status_parse("Deprecated"), TG_DESIGN_SUPERSEDED);
	assert_int_equal(tg_design_status_parse("rejected"), TG_DESIGN_WITHDRAWN);
	assert_int_equal(tg_design_status_parse("drafty"), TG_DESIGN_UNKNOWN);
	assert_int_equal(tg_design_status_parse(""), TG_DESIGN_UNKNOWN);
	assert_int_equal(tg_design_status_parse(NULL), TG_DESIGN_UNKNOWN);
	assert_int_equal(tg_design_status_parse(
		"a status far longer than any word in the table of statuses"),
		TG_DESIGN_UNKNOWN);
	assert_string_equal(tg_design_status_name(TG_DESIGN_IN_REVIEW),
	                    "in-review");
	assert_null(tg_design_status_name(TG_DESIGN_UNKNOWN));
	assert_true(tg_design_retired(TG_DESIGN_WITHDRAWN));
	assert_false(tg_design_retired(TG_DESIGN_IMPLEMENTED));
}

static const struct tg_signoff *signoff(size_t i)
{
	assert_true(i < model->signoffs.length);
	return model->signoffs.items[i];
}

static void test_signoff_forms(void **state)
{
	(void)state;
	build("## Security\n### Security Sign-off\n"
	      "- [x] Security review: @alice (2026-11-01)\n"
	      "- [ ] Security review: @bob\n"
	      "- [x] Threat model reviewed by the team\n\n"
	      "Security-Approved-by: Carol <carol@example.com>\n\n"
	      "### Review history\n| Reviewer | Reviewed at | Outcome |\n|-|-|-|\n"
	      "| @dave | 2026-10-01 | Approved |\n| @erin | | Approved |\n"
	      "| @frank | 2026-10-02 | Changes requested |\n");
	assert_int_equal(model->signoffs.length, 7);
	assert_true(signoff(0)->valid);
	assert_string_equal(signoff(0)->people.items[0], "@alice");
	assert_string_equal(signoff(0)->date, "2026-11-01");
	assert_int_equal(signoff(0)->line, 3);
	assert_false(signoff(1)->valid);
	assert_false(signoff(2)->valid);	/* names nobody */
	assert_true(signoff(3)->valid);
	assert_int_equal(signoff(3)->form, TG_SIGNOFF_TRAILER);
	assert_string_equal(signoff(3)->people.items[0], "carol@example.com");
	assert_true(signoff(4)->valid);
	assert_int_equal(signoff(4)->line, 12);
	assert_false(signoff(5)->valid);	/* no date */
	assert_false(signoff(6)->valid);	/* does not approve */
}

static const char *hit_for(const char *name)
{
	size_t i;

	for (i = 0; i < model->hits.length; i++) {
		const struct tg_trigger_hit *h = model->hits.items[i];

		if (strcmp(h->trigger->name, name) == 0)
			return h->match;
	}
	return NULL;
}

static void test_triggers_outside_threat_model(void **state)
{
	const struct tg_trigger_hit *h;

	(void)state;
	build("---\nexposure: internet\n---\n# X\n\nUsers sign in with\nOAuth and "
	      "we keep their phone numbers\nand home address.\n\n```\n"
	      "payment card\n```\n\n"
	      "## Security\n### Threat Model\n| ID | Threat | STRIDE |\n|-|-|-|\n"
	      "| T1 | Elevation of privilege through admin permissions | E |\n");
	assert_non_null(hit_for("internet-exposed"));
	assert_non_null(hit_for("authentication"));
	assert_non_null(hit_for("personal-data"));
	assert_null(hit_for("payments"));	/* inside a code block */
	assert_null(hit_for("authorization"));	/* a threat table row */
	/* in the policy's trigger order; the strongest match names each */
	h = model->hits.items[0];
	assert_string_equal(h->trigger->name, "authentication");
	assert_string_equal(h->match, "OAuth");
	assert_int_equal(h->line, 7);
	assert_false(h->declared);
	assert_int_equal(h->matches.length, 2);	/* sign in, OAuth */
	assert_true(h->score >= 3);
	h = model->hits.items[1];
	assert_string_equal(h->trigger->name, "personal-data");
	assert_int_equal(h->line, 8);	/* home address, the strongest */
	h = model->hits.items[2];
	assert_string_equal(h->match, "exposure: internet");
	assert_int_equal(h->line, 2);
	assert_true(h->declared);
}

/* Every hit as one line: trigger, score, and each match. */
static char *hits_text(const struct tg_model *m)
{
	tg_buf buf = TG_BUF_INIT;
	size_t i, j;

	for (i = 0; i < m->hits.length; i++) {
		const struct tg_trigger_hit *h = m->hits.items[i];

		tg_buf_printf(&buf, "%s %g:", h->trigger->name, h->score);
		for (j = 0; j < h->matches.length; j++) {
			const struct tg_trigger_match *x = h->matches.items[j];

			tg_buf_printf(&buf, " %d:%d:%s:%g", x->line, x->column,
			              x->words, x->weight);
		}
		tg_buf_putc(&buf, '\n');
	}
	return tg_buf_detach(&buf);
}

/* The gate reads the prose once for all triggers and finds the same. */
static void test_trigger_gate_same_as_alone(void **state)
{
	static const char text[] =
		"# Token exchange for partners\n\n## Summary\n\n"
		"Partners trade a signed assertion for access tokens over mutual "
		"TLS; the RBAC permissions to write orders are checked by the "
		"authorization layer. Credit card numbers never reach us.\n\n"
		"A validating admission webhook is internet-facing? No: the "
		"thread-local storage (TLS) cache is per worker, be patient.\n\n"
		"## Design\n\nThe service account token is projected; seccomp "
		"and AppArmor profiles confine the importer of untrusted input. "
		"Personal data and e-mail addresses stay in the EU (GDPR).\n";
	char *gated, *alone;

	(void)state;
	assert_non_null(policy->trigger_gate);
	build(text);
	gated = hits_text(model);
	tg_model_free(model);
	model = NULL;
	tg_document_free(doc);
	doc = NULL;
	tg_policy__gate_free(policy);
	assert_null(policy->trigger_gate);
	build(text);
	alone = hits_text(model);
	assert_non_null(gated);
	assert_non_null(alone);
	assert_string_equal(gated, alone);
	assert_non_null(strstr(gated, "authentication"));
	assert_non_null(strstr(gated, "payments"));
	assert_null(strstr(gated, "health-data"));	/* be patient */
	free(gated);
	free(alone);
	assert_int_equal(tg_policy__build_gate(policy), 0);
	assert_non_null(policy->trigger_gate);
}

/* The hits of text under policy p, as hits_text() writes them. */
static char *hits_under(tg_policy *p, const char *text)
{
	tg_document *d = NULL;
	tg_model *m = NULL;
	char *out;

	assert_int_equal(tg_document_load_buffer(&d, "t.md", NULL, text,
	                                         strlen(text), p), 0);
	assert_int_equal(tg_model_build(&m, d, p), 0);
	out = hits_text(m);
	assert_non_null(out);
	tg_model_free(m);
	tg_document_free(d);
	return out;
}

/*
 * The prefix trie finds what the gate pattern finds, and what each
 * trigger finds alone: at word starts, after non-ASCII punctuation, and
 * where caseless UTF-8 matching lets a non-ASCII letter match an ASCII
 * one (KELVIN SIGN is k, LONG S is s).
 */
static void trie_same_as_gate(tg_policy *p, const char *text, bool trie)
{
	char *with_trie, *with_gate, *alone;

	assert_int_equal(p->trigger_prefixes != NULL, trie);
	with_trie = hits_under(p, text);
	tg_policy__drop_prefixes(p);
	assert_null(p->trigger_prefixes);
	assert_non_null(p->trigger_gate);
	with_gate = hits_under(p, text);
	tg_policy__gate_free(p);
	alone = hits_under(p, text);
	assert_string_equal(with_trie, with_gate);
	assert_string_equal(with_trie, alone);
	assert_int_equal(tg_policy__build_gate(p), 0);
	assert_int_equal(p->trigger_prefixes != NULL, trie);
	free(with_trie);
	free(with_gate);
	free(alone);
}

static void test_trigger_trie_same_as_gate(void **state)
{
	static const char defaults_text[] =
		"# \xe2\x80\x9cOAuth\xe2\x80\x9d for the \xe2\x84\xaa" "erberos "
		"realm\n\n## Summary\n\n\xc5\xbf" "ession tokens and _oauth and "
		"oauth\xc3\xa9 and 2FA\xe2\x80\x94SAML\xe2\x80\x94mTLS, X.509 and "
		"x509 certificates; tls handshake, TLS handshake over TLS.\n\n"
		"## Design\n\nStripe and stripe; the tenant isolation of "
		"untrusted\xc2\xa0input; with TLS; calls to our webhook; "
		"signing the images; cap_net_admin; refunds.\n";
	/* git-config values: a backslash is written twice */
	static const char shapes_policy[] =
		"[trigger \"shapes\"]\n"
		"\tpattern = \\\\b(colou?r codes?|gr[ae]y boxes|(?-i:ACME)[- ]"
		"widgets|fo+bar|x\\\\.?y\\\\.?z|(?:alpha|beta)(?: release)?s?|"
		"\\\\w+ons|caf\xc3\xa9s?)\\\\b\n"
		"\tweak = \\\\b(widgets?|hats?)\\\\b\n"
		"\tthreshold = 1\n";
	static const char shapes_text[] =
		"# Colour codes\n\nA color code, grey boxes and gray boxes, "
		"ACME-widgets and acme widgets, foooobar, x.yz and xyz, beta "
		"releases and alphas, balloons, caf\xc3\xa9 and CAF\xc3\x89S; "
		"hats and widgets.\n";
	static const char other_policy[] =
		"[trigger \"other\"]\n\tpattern = (?<![a-z])hats\n"
		"\tthreshold = 1\n";
	tg_policy *p = NULL;

	(void)state;
	trie_same_as_gate(policy, defaults_text, true);
	trie_same_as_gate(policy, "# Nothing\n\nPlain words only.\n", true);
	/* \w+ons has no literal prefix: no trie, the gate does the work */
	assert_int_equal(tg_policy_new(&p), 0);
	assert_int_equal(tg_policy_load_buffer(p, ".threatgate", shapes_policy,
	                                       strlen(shapes_policy)), 0);
	assert_int_equal(tg_policy_finalize(p, NULL), 0);
	trie_same_as_gate(p, shapes_text, false);
	tg_policy_free(p);
	/* without \w+ons, every shape has a prefix */
	p = NULL;
	assert_int_equal(tg_policy_new(&p), 0);
	{
		char *text = tg_strdup(shapes_policy), *cut;

		assert_non_null(text);
		cut = strstr(text, "|\\\\w+ons");
		assert_non_null(cut);
		memmove(cut, cut + strlen("|\\\\w+ons"),
		        strlen(cut + strlen("|\\\\w+ons")) + 1);
		assert_int_equal(tg_policy_load_buffer(p, ".threatgate", text,
		                                       strlen(text)), 0);
		free(text);
	}
	assert_int_equal(tg_policy_finalize(p, NULL), 0);
	trie_same_as_gate(p, shapes_text, true);
	tg_policy_free(p);
	/* a pattern of another shape joins the gate whole: no trie */
	p = NULL;
	assert_int_equal(tg_policy_new(&p), 0);
	assert_int_equal(tg_policy_load_buffer(p, ".threatgate", other_policy,
	                                       strlen(other_policy)), 0);
	assert_int_equal(tg_policy_finalize(p, NULL), 0);
	trie_same_as_gate(p, shapes_text, false);
	tg_policy_free(p);
}

static void test_suppressions(void **state)
{
	const struct tg_suppression *s;

	(void)state;
	build("# X\n<!-- threatgate-disable missing-dri, stride-coverage -->\n"
	      "text\n<!-- threatgate-enable missing-dri -->\n"
	      "<!-- threatgate-disable-next-line -->\n"
	      "```\n<!-- threatgate-disable-file no-threats -->\n```\n");
	assert_int_equal(model->suppressions.length, 3);
	s = model->suppressions.items[0];
	assert_string_equal(s->rule, "missing-dri");
	assert_int_equal(s->first_line, 2);
	assert_int_equal(s->last_line, 4);
	s = model->suppressions.items[1];
	assert_string_equal(s->rule, "stride-coverage");
	assert_true(s->last_line > 1000);
	s = model->suppressions.items[2];
	assert_null(s->rule);
	assert_int_equal(s->first_line, 6);
}

static void test_unreadable_documents(void **state)
{
	(void)state;
	assert_int_equal(tg_document_load_buffer(&doc, "b.md", NULL, "a\0b", 3,
	                                         policy), 0);
	assert_false(tg_document_readable(doc));
	assert_int_equal(tg_model_build(&model, doc, policy), 0);
	assert_int_equal(model->sections.length, 0);
}

/* ---- Real-world forms (issue 12): one test per form ---------------- */

static const struct tg_threat *find_title(const char *title)
{
	size_t i;

	for (i = 0; i < model->threats.length; i++) {
		const struct tg_threat *t = model->threats.items[i];

		if (t->title && strcmp(t->title, title) == 0)
			return t;
	}
	fail_msg("no threat titled '%s'", title);
	return NULL;
}

static void test_sections_by_meaning(void **state)
{
	(void)state;
	assert_int_equal(tg_model__title_score("threat-model", "stride threat model"), 90);
	assert_true(tg_model__title_score("threat-model", "threat modeling with stride") > 0);
	assert_true(tg_model__title_score("threat-model", "threats and mitigations") > 0);
	assert_true(tg_model__title_score("threat-model", "what can go wrong") > 0);
	assert_true(tg_model__title_score("threat-model", "threat analysis") > 0);
	assert_int_equal(tg_model__title_score("threat-model", "out-of-scope threats"), 0);
	assert_int_equal(tg_model__title_score("threat-model", "threat id 3 - replay"), 0);
	assert_true(tg_model__title_score("security", "security analysis") > 0);
	assert_true(tg_model__title_score("security", "security and privacy considerations") > 0);
	assert_true(tg_model__title_score("security", "security functions and features") > 0);
	assert_int_equal(tg_model__title_score("security", "security contacts"), 0);
	assert_true(tg_model__names_threat_model("THREAT_MODEL.md"));
	assert_true(tg_model__names_threat_model("docs/threat-model.md"));
	assert_true(tg_model__names_threat_model("SECURITY-DESIGN.md"));
	assert_false(tg_model__names_threat_model("README.md"));
	build("# Cache\n## Security Analysis\ntext\n### STRIDE Threat Model\n"
	      "| Threat | Mitigation |\n|---|---|\n| Poisoned entry | Signed entries |\n");
	assert_non_null(model->security);
	assert_string_equal(model->security->title, "Security Analysis");
	assert_non_null(model->threat_model);
	assert_false(model->threat_model->misplaced);
	assert_int_equal(model->threats.length, 1);
}

static void test_standalone_document(void **state)
{
	(void)state;
	build("# Threat model\n\nThe worker converts files.\n\n## Threats covered\n\n"
	      "- Path traversal in member names\n- Decompression bombs\n");
	assert_true(model->standalone);
	assert_ptr_equal(model->security, model->root);
	assert_ptr_equal(model->threat_model, model->root);
	assert_int_equal(model->threats.length, 2);
}

static void test_heading_per_threat(void **state)
{
	const struct tg_threat *t;

	(void)state;
	build("# X\n## Security\n### Threat Model\n#### Spoofing\n"
	      "##### Threat-01-S - Runner poses as another runner\nIt reads the cache.\n"
	      "##### Threat-01-S Recommended Mitigations\n* Scoped tokens\n"
	      "#### Tampering\n##### Threat-02-T - Poisoned artefact\n"
	      "**Mitigation:** signed artefacts\n");
	assert_int_equal(model->threats.length, 2);
	t = threat(0);
	assert_string_equal(t->id, "Threat-01-S");
	assert_string_equal(t->title, "Runner poses as another runner");
	assert_int_equal(t->categories, 1u << 0);
	assert_string_equal(t->mitigation, "Scoped tokens");
	assert_int_equal(t->form, TG_THREAT_SECTION);
	assert_string_equal(threat(1)->mitigation, "signed artefacts");
	assert_int_equal(threat(1)->categories, 1u << 1);
}

static void test_numbered_threat_headings(void **state)
{
	(void)state;
	build("# X threat model\n## Threats\n### Threat ID 1 - Forged partner calls\n"
	      "**Scenario**\n\nAnyone posts a fake notice.\n\n**Mitigation**\n\n"
	      "- [Signed payloads](#m1)\n\n### Threat ID 2 - Replay floods the queue\n"
	      "**Mitigation**\n\n- nonce cache\n");
	assert_int_equal(model->threats.length, 2);
	assert_string_equal(threat(0)->id, "Threat ID 1");
	assert_string_equal(threat(0)->title, "Forged partner calls");
	assert_string_equal(threat(0)->mitigation, "Signed payloads");
	assert_string_equal(threat(1)->mitigation, "nonce cache");
}

static void test_threats_and_mitigations_lists(void **state)
{
	(void)state;
	build("# X\n## Security\n### Threat Model\n#### 3.1 Spoofing\n**Threats**:\n"
	      "- An outsider calls the API as the operator.\n- A fake endpoint gets copies.\n\n"
	      "**Mitigations**:\n- Mutual TLS.\n");
	assert_int_equal(model->threats.length, 2);
	assert_int_equal(threat(0)->categories, 1u << 0);
	assert_string_equal(threat(0)->mitigation, "Mutual TLS.");
	assert_string_equal(threat(1)->mitigation, "Mutual TLS.");
}

static void test_field_bullets(void **state)
{
	(void)state;
	build("# STRIDE Threat Model\n### Spoofing:\n"
	      "- **Threat:** A tenant pushes metrics as another.\n"
	      "- **Application to us:** tenants are a header.\n"
	      "- **Mitigation:** tenant from the certificate.\n");
	assert_int_equal(model->threats.length, 1);
	assert_string_equal(threat(0)->title, "A tenant pushes metrics as another");
	assert_string_equal(threat(0)->mitigation, "tenant from the certificate.");
	assert_int_equal(threat(0)->categories, 1u << 0);
}

static void test_details_blocks(void **state)
{
	(void)state;
	build("# X\n## Release threats\n#### (R1) Publish unsigned\n\n"
	      "<details><summary>Unsigned upload</summary>\n\n"
	      "*Threat:* A maintainer uploads from a laptop.\n\n"
	      "*Mitigation:* The registry wants a CI signature.\n\n</details>\n");
	assert_int_equal(model->threats.length, 1);
	assert_string_equal(threat(0)->title, "Unsigned upload");
	assert_string_equal(threat(0)->mitigation, "The registry wants a CI signature.");
}

static void test_html_tables(void **state)
{
	(void)state;
	build("# Daemon threat model\n## Failure cases\n\n<table>\n<tr><th></th>"
	      "<th colspan=2>Escalation of Privilege</th></tr>\n"
	      "<tr><th rowspan=2>Clock</th><td>Update - Critical</td><td>Delete - N/A</td></tr>\n"
	      "<tr><td>Read - Low</td><td>Create - NA</td></tr>\n</table>\n");
	assert_int_equal(model->threats.length, 2);
	assert_string_equal(find_title("Clock: Update - Critical")->priority_text, "Critical");
	assert_int_equal(find_title("Clock: Update - Critical")->priority, 1);
	assert_int_equal(find_title("Clock: Read - Low")->priority, 4);
	assert_int_equal(threat(0)->categories, 1u << 5);
}

static void test_html_ids_and_keyed_mitigations(void **state)
{
	(void)state;
	build("# Wallet threat model\n## What can go wrong?\n\n<table><tr><th>Thread</th>"
	      "<th>Issues</th></tr><tr><td>Spoofing</td><td><strong>Spoof.1</strong> - "
	      "A key is stolen.<br><strong>Spoof.2</strong> - An approval is replayed."
	      "</td></tr></table>\n\n## What are we going to do about it?\n\n<table><tr>"
	      "<th>Threat</th><th>Remediation</th></tr><tr><td>Spoofing</td><td>"
	      "<strong>Spoof.2</strong><br>Nonces.</td></tr></table>\n");
	assert_int_equal(model->threats.length, 2);
	assert_string_equal(threat(0)->id, "Spoof.1");
	assert_int_equal(threat(0)->categories, 1u << 0);
	assert_null(threat(0)->mitigation);
	assert_string_equal(threat(1)->id, "Spoof.2");
	assert_string_equal(threat(1)->mitigation, "Nonces.");
}

static void test_threat_column_names(void **state)
{
	(void)state;
	build("# X\n## Security\n### Threat Model\n"
	      "| Risk | Severity | Mitigation |\n|---|---|---|\n| Leaky errors | None | Generic errors |\n\n"
	      "| Compromise | Attacker capabilities |\n|---|---|\n| Agent | Forges logs |\n\n"
	      "| Attack | Countermeasure |\n|---|---|\n| Log injection | Escaping |\n\n"
	      "| Scenario | Control |\n|---|---|\n| Token reuse | Bound tokens |\n\n"
	      "| Job | Priority |\n|---|---|\n| Compaction | P2 |\n");
	assert_int_equal(model->threats.length, 4);
	assert_int_equal(find_title("Leaky errors")->priority, 5);
	assert_non_null(find_title("Agent: Forges logs"));
	assert_string_equal(find_title("Log injection")->mitigation, "Escaping");
	assert_string_equal(find_title("Token reuse")->mitigation, "Bound tokens");
}

static void test_stride_matrix(void **state)
{
	(void)state;
	build("# Store threat model\n| STRIDE Element | Replication | Client API |\n"
	      "|---|---|---|\n| Spoofing Identity | Rogue node joins | Forged token |\n"
	      "| Denial of Service | Slow follower | |\n");
	assert_int_equal(model->threats.length, 3);
	assert_int_equal(find_title("Forged token")->categories, 1u << 0);
	assert_int_equal(find_title("Slow follower")->categories, 1u << 4);
}

static void test_finding_cards(void **state)
{
	(void)state;
	build("# X\n## Security\n### Threat Model\n"
	      "|Summary|Keys are passed in environment variables.|\n|--|--|\n"
	      "|Suggested Mitigation|Mount them as files.|\n"
	      "|Impact (High/ Med/ Low)|High|\n|Likelihood (High/ Med/ Low)|Low|\n");
	assert_int_equal(model->threats.length, 1);
	assert_string_equal(threat(0)->title, "Keys are passed in environment variables.");
	assert_string_equal(threat(0)->mitigation, "Mount them as files.");
	assert_int_equal(threat(0)->priority, 4);
	assert_string_equal(threat(0)->priority_text, "Impact: High / Likelihood: Low");
}

static void test_title_holding_security_sections(void **state)
{
	(void)state;
	/* the title's chapters are not threats; the analysis inside holds them */
	build("# Lantern Security Self-assessment\n\n## Overview\n\nMirrors.\n\n"
	      "## Roadmap\n\nMore.\n\n## Security Analysis\n\n"
	      "### Attacker Motivations\n\nServe bad images.\n\n"
	      "### Replayed pull tokens\n\nAn attacker reuses a captured token.\n\n"
	      "### Forged manifests\n\nA compromised registry sends a bad manifest.\n");
	assert_int_equal(model->threats.length, 2);
	assert_string_equal(threat(0)->title, "Replayed pull tokens");
	assert_string_equal(threat(1)->title, "Forged manifests");
	/* a title without Security sections inside stays where threats are */
	teardown(state);
	build("# Widget security considerations\n\n"
	      "- An attacker replays a captured token to download files.\n");
	assert_int_equal(model->threats.length, 1);
}

static void test_first_heading_spanning_document(void **state)
{
	(void)state;
	/* "### Threat model" opening a short file is the document: body weight */
	build("### Threat model\n\n- Links never expire, so a leaked link works.\n"
	      "- Thumbnails sit in plain form.\n    * encrypt them at rest\n"
	      "    * keep the keys in the KMS\n");
	assert_non_null(hit_for("cryptography"));
	teardown(state);
	/* a later heading of its level: the section is a part, weighed less */
	build("### Threat model\n\n- Thumbnails sit in plain form.\n"
	      "    * encrypt them at rest\n    * keep the keys in the KMS\n\n"
	      "### Rollout\n\nNext week.\n");
	assert_null(hit_for("cryptography"));
}

static void test_category_paragraphs(void **state)
{
	(void)state;
	build("# X\n## Security\n### Threat Model\n\nSpoofing Identity\n"
	      "* Threat: A caller replays a token.\n* Mitigation: bind it.\n\n"
	      "Denial of Service:\n\nBursts starve the database.\n\n"
	      "* Threat: A loop of requests exhausts the replicas.\n\n"
	      "#### Rollout\n\n* Threat: Old clients break.\n");
	assert_int_equal(model->threats.length, 3);
	assert_int_equal(threat(0)->categories, 1u << 0);	/* S */
	assert_int_equal(threat(1)->categories, 1u << 4);	/* D */
	assert_int_equal(threat(2)->categories, 0);	/* a heading ends it */
}

static void test_security_issues_title(void **state)
{
	(void)state;
	build("# X\n## Proposal\n\nBatches.\n\n# Security issues\n\n"
	      "- An exit that withholds a batch can stall every stream.\n");
	assert_non_null(model->security);
	assert_int_equal(model->security->line, 6);
	assert_int_equal(model->threats.length, 1);
	assert_int_equal(tg_model__title_score("security", "security issue resolution"), 0);
	assert_int_equal(tg_model__title_score("security", "reporting security issues"), 0);
}

static void test_pin_and_key_authentication(void **state)
{
	(void)state;
	build("# Kiosk\n\nThe kiosk asks for a PIN code at boot.\n\n"
	      "A reset needs a FIDO key.\n");
	assert_non_null(hit_for("authentication"));
	teardown(state);
	/* "pin" the verb, lower case: a version, not a secret */
	build("# Build\n\nWe pin versions in the lock file.\n\n"
	      "Pin numbers of the board are listed below.\n");
	assert_null(hit_for("authentication"));
}

static void test_security_in_document_title(void **state)
{
	(void)state;
	build("# Security Improvements for Uploads\n\n## Summary\n\nTokens.\n\n"
	      "## Reference-level explanation\n\n- A token could leak from a log.\n\n"
	      "## Drawbacks\n\nA dependency.\n\n## Prior art\n\nOthers.\n");
	assert_non_null(model->security);
	assert_int_equal(model->threats.length, 0);
}

static void test_prose_risks_unreadable(void **state)
{
	(void)state;
	build("# X\n## Proposal\n\nRelabel.\n\n### Risks and Mitigations\n\n"
	      "An operator who relabels the wrong namespace changes the routing of "
	      "every service in it at once.\n");
	assert_int_equal(model->threats.length, 0);
	assert_int_equal(model->unreadable.length, 1);
	teardown(state);
	/* short text says nothing either way */
	build("# X\n## Proposal\n\nRelabel.\n\n### Risks and Mitigations\n\n"
	      "See the review.\n");
	assert_int_equal(model->unreadable.length, 0);
}

static void test_label_ending_in_field_name(void **state)
{
	(void)state;
	build("# X\n## Security\n### Threat Model\n\n"
	      "* Full Pipeline Control: a stolen layout key rewrites the steps. (P1)\n");
	assert_int_equal(model->threats.length, 1);
	assert_non_null(strstr(threat(0)->title, "Full Pipeline Control"));
	assert_null(threat(0)->mitigation);	/* "Control:" names no field here */
}

static void test_security_considerations_threats(void **state)
{
	(void)state;
	build("# Invites\n## Security considerations\n\n"
	      "* An attacker who sees a link can join. Expiry mitigates this.\n"
	      "* Links are shown in the admin page.\n");
	assert_int_equal(model->threats.length, 1);
	assert_ptr_equal(model->threat_model, model->security);
	assert_non_null(threat(0)->mitigation);
}

static void test_not_threats(void **state)
{
	(void)state;
	build("# X\n## Security\n### Threat Model\n#### Spoofing\n"
	      "- _The service validates the token_\n- Example bad thing that might happen\n"
	      "- Use signed requests.\n- A customer edits the amount (P2)\n"
	      "### Top 3 Risks\n1. The amount edit\n");
	assert_int_equal(model->threats.length, 1);
	assert_string_equal(threat(0)->title, "A customer edits the amount");
	assert_true(model->placeholder_threats >= 1);
}

static void test_ratings(void **state)
{
	(void)state;
	assert_int_equal(tg_model__rating("High"), 2);
	assert_int_equal(tg_model__rating("Med"), 3);
	assert_int_equal(tg_model__rating("Medium-High"), 2);
	assert_int_equal(tg_model__rating("None"), 5);
	assert_int_equal(tg_model__rating("Sev 1"), 1);
	assert_int_equal(tg_model__rating("sev4"), 4);
	assert_int_equal(tg_model__rating("DREAD 8.2"), 1);
	assert_int_equal(tg_model__rating("DREAD: 21/50"), 3);
	assert_int_equal(tg_model__rating("CVSS 9.8"), 1);
	assert_int_equal(tg_model__rating("CVSS 5.0"), 3);
	assert_int_equal(tg_model__rating("CVSS:3.1/AV:N"), 0);
	assert_int_equal(tg_model__rating("urgent"), 0);
	assert_int_equal(tg_model__impact_likelihood("Critical", "High"), 1);
	assert_int_equal(tg_model__impact_likelihood("High", "High"), 2);
	assert_int_equal(tg_model__impact_likelihood("High", "Low"), 4);
	assert_int_equal(tg_model__impact_likelihood("Low", "Low"), 5);
	assert_int_equal(tg_model__impact_likelihood("Medium", NULL), 3);
	assert_int_equal(tg_model__impact_likelihood(NULL, "High"), 0);
	build("# X\n## Security\n### Threat Model\n"
	      "#### Control Recommendation (SEVERITY: Medium)\n"
	      "- Requests without a tenant are served. Category: Tampering\n");
	assert_int_equal(model->threats.length, 1);
	assert_int_equal(threat(0)->priority, 3);
	assert_string_equal(threat(0)->priority_text, "Medium");
}

static void test_ids_in_real_forms(void **state)
{
	(void)state;
	build("# X\n## Security\n### Threat Model\n"
	      "- T-R1: Actions are denied later. Mitigation: audit log\n"
	      "- [B1] Review skipped. Mitigation: branch protection\n");
	assert_int_equal(model->threats.length, 2);
	assert_string_equal(threat(0)->id, "T-R1");
	assert_int_equal(threat(0)->categories, 1u << 2);
	assert_string_equal(threat(1)->id, "B1");
	assert_string_equal(threat(1)->title, "Review skipped");
}

static void test_unreadable_threats(void **state)
{
	(void)state;
	build("# X\n## Security\n### Threat Model\n\n| Who | Could do what |\n"
	      "|---|---|\n| A tout | resell a refunded code |\n");
	assert_int_equal(model->threats.length, 0);
	assert_int_equal(model->unreadable.length, 1);
	assert_int_equal(((struct tg_unreadable *)model->unreadable.items[0])->line, 5);
}

static void test_review_table_synonyms(void **state)
{
	const struct tg_signoff *s;

	(void)state;
	build("# X\n## Sign-off\n| Required reviewers | Reviewed at | Review outcome |\n"
	      "|---|---|---|\n| @alice | 2026-11-20 | Looks good, ship it |\n"
	      "| @bob | 2026-11-21 | Please split it first |\n");
	assert_int_equal(model->signoffs.length, 2);
	s = model->signoffs.items[0];
	assert_true(s->valid);
	s = model->signoffs.items[1];
	assert_false(s->valid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_sections_tree_and_lines, teardown),
		cmocka_unit_test_teardown(test_setext_and_non_sections, teardown),
		cmocka_unit_test_teardown(test_misplaced_threat_model, teardown),
		cmocka_unit_test_teardown(test_crlf_and_bom, teardown),
		cmocka_unit_test_teardown(test_empty_placeholder_filler, teardown),
		cmocka_unit_test_teardown(test_table_synonym_headers, teardown),
		cmocka_unit_test_teardown(test_non_threat_tables_ignored, teardown),
		cmocka_unit_test_teardown(test_strikethrough_is_text, teardown),
		cmocka_unit_test_teardown(test_list_form_nested_and_inline, teardown),
		cmocka_unit_test_teardown(test_grouped_by_category_heading, teardown),
		cmocka_unit_test_teardown(test_not_applicable_lines, teardown),
		cmocka_unit_test(test_priority_scale),
		cmocka_unit_test(test_categories),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_design_status),
		cmocka_unit_test_teardown(test_signoff_forms, teardown),
		cmocka_unit_test_teardown(test_triggers_outside_threat_model, teardown),
		cmocka_unit_test_teardown(test_trigger_gate_same_as_alone, teardown),
		cmocka_unit_test(test_trigger_trie_same_as_gate),
		cmocka_unit_test_teardown(test_suppressions, teardown),
		cmocka_unit_test_teardown(test_unreadable_documents, teardown),
		cmocka_unit_test_teardown(test_sections_by_meaning, teardown),
		cmocka_unit_test_teardown(test_standalone_document, teardown),
		cmocka_unit_test_teardown(test_heading_per_threat, teardown),
		cmocka_unit_test_teardown(test_numbered_threat_headings, teardown),
		cmocka_unit_test_teardown(test_threats_and_mitigations_lists, teardown),
		cmocka_unit_test_teardown(test_field_bullets, teardown),
		cmocka_unit_test_teardown(test_details_blocks, teardown),
		cmocka_unit_test_teardown(test_html_tables, teardown),
		cmocka_unit_test_teardown(test_html_ids_and_keyed_mitigations, teardown),
		cmocka_unit_test_teardown(test_threat_column_names, teardown),
		cmocka_unit_test_teardown(test_stride_matrix, teardown),
		cmocka_unit_test_teardown(test_finding_cards, teardown),
		cmocka_unit_test_teardown(test_security_considerations_threats, teardown),
		cmocka_unit_test_teardown(test_not_threats, teardown),
		cmocka_unit_test_teardown(test_ratings, teardown),
		cmocka_unit_test_teardown(test_ids_in_real_forms, teardown),
		cmocka_unit_test_teardown(test_unreadable_threats, teardown),
		cmocka_unit_test_teardown(test_review_table_synonyms, teardown),
		cmocka_unit_test_teardown(test_title_holding_security_sections, teardown),
		cmocka_unit_test_teardown(test_first_heading_spanning_document, teardown),
		cmocka_unit_test_teardown(test_category_paragraphs, teardown),
		cmocka_unit_test_teardown(test_security_issues_title, teardown),
		cmocka_unit_test_teardown(test_pin_and_key_authentication, teardown),
		cmocka_unit_test_teardown(test_security_in_document_title, teardown),
		cmocka_unit_test_teardown(test_prose_risks_unreadable, teardown),
		cmocka_unit_test_teardown(test_label_ending_in_field_name, teardown),
	};

	return cmocka_run_group_tests(tests, setup_group, teardown_group);
}
