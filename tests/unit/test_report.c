/*
 * Report writers: the JSON shape of SPEC section 7 (parsed back with
 * jansson), compiler-style text lines, escaping, and format names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "threatgate.h"
#include "util/util.h"
#include "report/report.h"

static int setup(void **state)
{
	tg_findings *findings = NULL;

	if (tg_findings_new(&findings) < 0)
		return -1;
	*state = findings;
	return 0;
}

static int teardown(void **state)
{
	tg_findings_free(*state);
	return 0;
}

static void add(tg_findings *findings, const char *path, const char *revision,
                int line, int column, tg_rule_id rule, tg_severity severity,
                const char *message)
{
	tg_finding f;

	memset(&f, 0, sizeof(f));
	f.path = (char *)path;
	f.revision = (char *)revision;
	f.line = line;
	f.column = column;
	f.rule = rule;
	f.severity = severity;
	f.message = (char *)message;
	assert_int_equal(tg_findings_add(findings, &f), 0);
}

static char **strs(const char *a, const char *b)
{
	char **out = calloc(2, sizeof(char *));

	assert_non_null(out);
	out[0] = tg_strdup(a);
	out[1] = b ? tg_strdup(b) : NULL;
	return out;
}

static void add_payments_doc(tg_findings *findings)
{
	tg_doc_summary *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->path = tg_strdup("docs/design/payments.md");
	s->readable = true;
	s->title = tg_strdup("Payments webhook receiver");
	s->dri = tg_strdup("Jane Doe <jane@example.com>");
	s->participants = strs("jane", "omar");
	s->participants_count = 2;
	s->reviewed = tg_strdup("2026-10-02");
	s->age_days = 56;
	s->threats = calloc(2, sizeof(*s->threats));
	assert_non_null(s->threats);
	s->threats[0].id = tg_strdup("T1");
	s->threats[0].title = tg_strdup("Forged webhook call");
	s->threats[0].category = tg_strdup("ST");
	s->threats[0].priority = TG_PRIORITY_P1;
	s->threats[0].mitigation = tg_strdup("HMAC signature check");
	s->threats[0].status = TG_STATUS_MITIGATED;
	s->threats[0].line = 24;
	s->threats[1].id = tg_strdup("T2");
	s->threats[1].title = tg_strdup("Replay");
	s->threats[1].category = tg_strdup("");
	s->threats[1].status = TG_STATUS_OPEN;
	s->threats[1].line = 25;
	s->threats_count = 2;
	s->triggers = calloc(1, sizeof(*s->triggers));
	assert_non_null(s->triggers);
	s->triggers[0].id = tg_strdup("internet-exposed");
	s->triggers[0].match = tg_strdup("webhook");
	s->triggers[0].line = 7;
	s->triggers_count = 1;
	s->signoff_required = true;
	s->signoff_present = true;
	s->signoff_by = strs("@alice", NULL);
	s->signoff_by_count = 1;
	s->signoff_line = 29;
	assert_int_equal(tg_findings_add_document(findings, s), 0);
}

/* Run a writer into memory; the caller frees the text. */
static char *render(const tg_findings *findings, tg_format format, bool color)
{
	tg_report_options options = TG_REPORT_OPTIONS_INIT;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	options.format = format;
	options.color = color;
	assert_int_equal(tg_report_write(out, findings, &options), 0);
	assert_int_equal(fclose(out), 0);
	return text;
}

static json_t *render_json(const tg_findings *findings)
{
	json_error_t jerr;
	char *text = render(findings, TG_FORMAT_JSON, false);
	json_t *root = json_loads(text, 0, &jerr);

	if (!root)
		fail_msg("report is not JSON: %s (line %d): %s", jerr.text,
		         jerr.line, text);
	assert_true(text[strlen(text) - 1] == '\n');
	free(text);
	return root;
}

/* The keys of an object, in order, joined with spaces. */
static void assert_keys(json_t *obj, const char *want)
{
	char got[512] = "";
	void *it;

	assert_true(json_is_object(obj));
	for (it = json_object_iter(obj); it;
	     it = json_object_iter_next(obj, it)) {
		if (*got)
			strncat(got, " ", sizeof(got) - strlen(got) - 1);
		strncat(got, json_object_iter_key(it),
		        sizeof(got) - strlen(got) - 1);
	}
	assert_string_equal(got, want);
}

static void test_json_shape(void **state)
{
	tg_findings *findings = *state;
	json_t *root, *doc, *threat, *finding, *v;

	add_payments_doc(findings);
	add(findings, "docs/design/payments.md", NULL, 25, 3,
	    TG_RULE_THREAT_MISSING_MITIGATION, TG_SEVERITY_WARNING,
	    "threat T2 has no mitigation");
	add(findings, "docs/design/x.md", "abc123", 1, 1,
	    TG_RULE_MISSING_SECTION, TG_SEVERITY_ERROR, "missing Security");
	tg_findings_sort(findings);
	root = render_json(findings);

	assert_keys(root, "version tool documents findings suppressed summary");
	assert_int_equal(json_integer_value(json_object_get(root, "version")), 1);
	v = json_object_get(root, "tool");
	assert_keys(v, "name version");
	assert_string_equal(json_string_value(json_object_get(v, "name")),
	                    "threatgate");
	assert_string_equal(json_string_value(json_object_get(v, "version")),
	                    tg_version());

	assert_int_equal(json_array_size(json_object_get(root, "documents")), 1);
	doc = json_array_get(json_object_get(root, "documents"), 0);
	assert_keys(doc, "path revision title dri status participants "
	            "threat_model_reviewed stale sections threats triggers handles signoff");
	assert_string_equal(json_string_value(json_object_get(doc, "path")),
	                    "docs/design/payments.md");
	assert_true(json_is_null(json_object_get(doc, "revision")));
	assert_string_equal(json_string_value(json_object_get(doc, "title")),
	                    "Payments webhook receiver");
	assert_int_equal(json_array_size(json_object_get(doc, "participants")),
	                 2);
	assert_string_equal(json_string_value(json_object_get(doc,
	                    "threat_model_reviewed")), "2026-10-02");
	assert_true(json_is_false(json_object_get(doc, "stale")));

	threat = json_array_get(json_object_get(doc, "threats"), 0);
	assert_keys(threat, "id title category priority rating mitigation status line");
	v = json_object_get(threat, "category");
	assert_int_equal(json_array_size(v), 2);
	assert_string_equal(json_string_value(json_array_get(v, 0)), "S");
	assert_string_equal(json_string_value(json_array_get(v, 1)), "T");
	assert_string_equal(json_string_value(json_object_get(threat,
	                    "priority")), "P1");
	assert_int_equal(json_integer_value(json_object_get(threat, "line")),
	                 24);
	threat = json_array_get(json_object_get(doc, "threats"), 1);
	assert_int_equal(json_array_size(json_object_get(threat, "category")),
	                 0);
	assert_true(json_is_null(json_object_get(threat, "priority")));
	assert_true(json_is_null(json_object_get(threat, "mitigation")));

	v = json_array_get(json_object_get(doc, "triggers"), 0);
	assert_keys(v, "id line match declared score threshold matches");
	assert_string_equal(json_string_value(json_object_get(v, "match")),
	                    "webhook");

	v = json_object_get(doc, "signoff");
	assert_keys(v, "required present by line via");
	assert_true(json_is_true(json_object_get(v, "required")));
	assert_string_equal(json_string_value(json_array_get(
	                    json_object_get(v, "by"), 0)), "@alice");
	assert_int_equal(json_integer_value(json_object_get(v, "line")), 29);

	assert_int_equal(json_array_size(json_object_get(root, "findings")), 2);
	finding = json_array_get(json_object_get(root, "findings"), 0);
	assert_keys(finding, "rule severity path line column message revision");
	assert_string_equal(json_string_value(json_object_get(finding, "rule")),
	                    "threat-missing-mitigation");
	assert_string_equal(json_string_value(json_object_get(finding,
	                    "severity")), "warning");
	assert_int_equal(json_integer_value(json_object_get(finding, "line")),
	                 25);
	assert_int_equal(json_integer_value(json_object_get(finding, "column")),
	                 3);
	assert_true(json_is_null(json_object_get(finding, "revision")));
	finding = json_array_get(json_object_get(root, "findings"), 1);
	assert_string_equal(json_string_value(json_object_get(finding,
	                    "revision")), "abc123");

	v = json_object_get(root, "summary");
	assert_keys(v, "documents errors warnings notes suppressed suppressed_by_reason");
	assert_int_equal(json_integer_value(json_object_get(v, "documents")), 1);
	assert_int_equal(json_integer_value(json_object_get(v, "errors")), 1);
	assert_int_equal(json_integer_value(json_object_get(v, "warnings")), 1);
	assert_int_equal(json_integer_value(json_object_get(v, "notes")), 0);
	json_decref(root);
}

static void test_json_empty(void **state)
{
	json_t *root = render_json(*state);
	json_t *summary = json_object_get(root, "summary");

	assert_true(json_is_array(json_object_get(root, "documents")));
	assert_int_equal(json_array_size(json_object_get(root, "documents")), 0);
	assert_int_equal(json_array_size(json_object_get(root, "findings")), 0);
	assert_int_equal(json_integer_value(json_object_get(summary,
	                 "documents")), 0);
	assert_int_equal(json_integer_value(json_object_get(summary, "errors")),
	                 0);
	json_decref(root);
}

static void test_json_escaping(void **state)
{
	tg_findings *findings = *state;
	const char *message = "say \"Threat Model\"\nthen a tab\t, a \\ and "
	                      "\x01 and caf\xc3\xa9";
	json_t *root, *finding;

	add(findings, "docs/\"odd\".md", NULL, 3, 0, TG_RULE_EMPTY_SECTION,
	    TG_SEVERITY_ERROR, message);
	root = render_json(findings);
	finding = json_array_get(json_object_get(root, "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(finding,
	                    "message")), message);
	assert_string_equal(json_string_value(json_object_get(finding, "path")),
	                    "docs/\"odd\".md");
	/* An unknown column is null, not 0. */
	assert_true(json_is_null(json_object_get(finding, "column")));
	json_decref(root);
}

static void test_json_invalid_utf8(void **state)
{
	tg_findings *findings = *state;
	json_t *root, *finding;

	add(findings, "docs/caf\xe9.md", NULL, 1, 1, TG_RULE_UNREADABLE_DOCUMENT,
	    TG_SEVERITY_ERROR, "bad \xff byte");
	root = render_json(findings);
	finding = json_array_get(json_object_get(root, "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(finding, "path")),
	                    "docs/caf\xef\xbf\xbd.md");
	assert_string_equal(json_string_value(json_object_get(finding,
	                    "message")), "bad \xef\xbf\xbd byte");
	json_decref(root);
}

/* The report's own dump writes what jansson's would, byte for byte. */
static void test_jdump_same_as_jansson(void **state)
{
	static const double reals[] = {
		0, -0.0, 0.1, 0.75, 1.5, 3, -2.25, 1e300, 1e-300, 123456789012345678.0,
		4.0 / 3, 1e21, 5e-7
	};
	json_t *root = json_object(), *arr = json_array(), *nested;
	tg_buf buf = TG_BUF_INIT;
	char *expected;
	size_t i;

	(void)state;
	assert_non_null(root);
	assert_non_null(arr);
	for (i = 0; i < sizeof(reals) / sizeof(reals[0]); i++)
		json_array_append_new(arr, json_real(reals[i]));
	json_array_append_new(arr, json_integer(-42));
	json_array_append_new(arr, json_integer(9007199254740993LL));
	json_array_append_new(arr, json_true());
	json_array_append_new(arr, json_false());
	json_array_append_new(arr, json_null());
	json_array_append_new(arr, json_object());
	json_array_append_new(arr, json_array());
	json_object_set_new(root, "z last first", arr);
	json_object_set_new(root, "a \"quoted\" \\ key\t",
		json_string("ctl \x01\x1f\b\f\n\r\t / caf\xc3\xa9 \xe2\x80\xa8 \x7f end"));
	json_object_set_new(root, "empty", json_string(""));
	nested = json_pack("{s:{s:[i,{s:s}]}}", "deep", "er", 1, "k", "v");
	assert_non_null(nested);
	json_object_set_new(root, "nested", nested);
	expected = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	assert_non_null(expected);
	tg_report__jdump(&buf, root, 0);
	assert_false(buf.failed);
	assert_string_equal(tg_buf_cstr(&buf), expected);
	free(expected);
	tg_buf_release(&buf);
	json_decref(root);
}

static void test_text_lines(void **state)
{
	tg_findings *findings = *state;
	char *text;

	add_payments_doc(findings);
	add(findings, "docs/design/payments.md", NULL, 25, 3,
	    TG_RULE_THREAT_MISSING_MITIGATION, TG_SEVERITY_WARNING,
	    "threat T2 has no mitigation");
	add(findings, "docs/design/payments.md", NULL, 1, 0,
	    TG_RULE_MISSING_SECTION, TG_SEVERITY_ERROR, "missing Security");
	add(findings, "docs/design/payments.md", NULL, 30, 1,
	    TG_RULE_STALE_THREAT_MODEL, TG_SEVERITY_NOTE, "old");
	tg_findings_sort(findings);
	text = render(findings, TG_FORMAT_TEXT, false);
	assert_string_equal(text,
		"docs/design/payments.md:1: error: missing Security "
		"[missing-section]\n"
		"docs/design/payments.md:25:3: warning: threat T2 has no "
		"mitigation [threat-missing-mitigation]\n"
		"docs/design/payments.md:30:1: note: old [stale-threat-model]\n"
		"threatgate: 1 error, 1 warning, 1 note in 1 document\n");
	free(text);
}

static void test_text_plural_summary(void **state)
{
	tg_findings *findings = *state;
	char *text;

	add_payments_doc(findings);
	add_payments_doc(findings);
	add(findings, "a.md", NULL, 1, 1, TG_RULE_NO_THREATS, TG_SEVERITY_ERROR,
	    "x");
	add(findings, "a.md", NULL, 2, 1, TG_RULE_NO_THREATS, TG_SEVERITY_ERROR,
	    "y");
	text = render(findings, TG_FORMAT_TEXT, false);
	assert_non_null(strstr(text,
		"\nthreatgate: 2 errors, 0 warnings, 0 notes in 2 documents\n"));
	free(text);
}

static void test_text_nothing_checked(void **state)
{
	tg_findings *findings = *state;
	char *text;

	text = render(findings, TG_FORMAT_TEXT, false);
	assert_string_equal(text, "threatgate: no design documents checked\n");
	free(text);

	add(findings, "README.md", NULL, 1, 0, TG_RULE_NO_DOCUMENTS,
	    TG_SEVERITY_NOTE, "no glob matched");
	text = render(findings, TG_FORMAT_TEXT, false);
	assert_string_equal(text,
		"README.md:1: note: no glob matched [no-documents]\n"
		"threatgate: 0 errors, 0 warnings, 1 note; "
		"no design documents checked\n");
	free(text);
}

static void test_text_color(void **state)
{
	tg_findings *findings = *state;
	char *text;

	add(findings, "a.md", NULL, 1, 2, TG_RULE_NO_THREATS, TG_SEVERITY_ERROR,
	    "e");
	add(findings, "a.md", NULL, 2, 2, TG_RULE_MISSING_DRI,
	    TG_SEVERITY_WARNING, "w");
	add(findings, "a.md", NULL, 3, 2, TG_RULE_NO_DOCUMENTS,
	    TG_SEVERITY_NOTE, "n");
	text = render(findings, TG_FORMAT_TEXT, true);
	assert_non_null(strstr(text,
		"a.md:1:2: \033[1;31merror:\033[0m e [no-threats]\n"));
	assert_non_null(strstr(text,
		"a.md:2:2: \033[33mwarning:\033[0m w [missing-dri]\n"));
	assert_non_null(strstr(text,
		"a.md:3:2: \033[36mnote:\033[0m n [no-documents]\n"));
	free(text);

	text = render(findings, TG_FORMAT_TEXT, false);
	assert_null(strchr(text, '\033'));
	free(text);
}

static void test_text_control_characters(void **state)
{
	tg_findings *findings = *state;
	char *text;

	add(findings, "a\nb.md", NULL, 1, 1, TG_RULE_NO_THREATS,
	    TG_SEVERITY_ERROR, "two\nlines and \033[2J a \xc2\x9b CSI");
	text = render(findings, TG_FORMAT_TEXT, false);
	assert_string_equal(text,
		"\"a\\nb.md\":1:1: error: two lines and ?[2J a ? CSI [no-threats]\n"
		"threatgate: 1 error, 0 warnings, 0 notes; "
		"no design documents checked\n");
	free(text);
}

static void test_format_parse(void **state)
{
	static const struct {
		const char *name;
		tg_format format;
	} names[] = {
		{ "text", TG_FORMAT_TEXT }, { "json", TG_FORMAT_JSON },
		{ "sarif", TG_FORMAT_SARIF }, { "markdown", TG_FORMAT_MARKDOWN },
		{ "github", TG_FORMAT_GITHUB }, { "gitlab", TG_FORMAT_GITLAB },
		{ "csv", TG_FORMAT_CSV }, { "html", TG_FORMAT_HTML },
	};
	tg_format format;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(tg_format_parse(&format, names[i].name), 0);
		assert_int_equal(format, names[i].format);
	}
	assert_int_equal(tg_format_parse(&format, "yaml"), TG_EINVALID);
	assert_non_null(strstr(tg_error_last()->message, "'yaml'"));
	assert_int_equal(tg_format_parse(&format, "JSON"), TG_EINVALID);
}

static void test_unknown_format_value(void **state)
{
	tg_report_options options = TG_REPORT_OPTIONS_INIT;
	FILE *out = tmpfile();

	assert_non_null(out);
	options.format = (tg_format)99;
	assert_int_equal(tg_report_write(out, *state, &options), TG_EINVALID);
	fclose(out);
}

/*
 * The writers' table (tg_report_needs) says what each format shows. A
 * signed document that a trigger matches: a format that may leave
 * triggers lazy must write the same bytes as with every trigger computed,
 * and JSON must show the triggers and that a sign-off was required.
 */
static char *render_checked(tg_format format, bool lazy)
{
	tg_check_context context;
	tg_policy *policy = NULL;
	tg_document *doc = NULL;
	tg_findings *findings = NULL;
	char *text;

	memset(&context, 0, sizeof(context));
	context.lazy_triggers = lazy;
	assert_int_equal(tg_policy_new(&policy), 0);
	assert_int_equal(tg_policy_finalize(policy, NULL), 0);
	assert_int_equal(tg_document_load_file(&doc,
		FIXTURES "/signoff-required/passes-signed.md",
		"docs/design/signed.md", policy), 0);
	assert_int_equal(tg_findings_new(&findings), 0);
	assert_int_equal(tg_check_document(findings, doc, policy, &context), 0);
	text = render(findings, format, false);
	tg_findings_free(findings);
	tg_document_free(doc);
	tg_policy_free(policy);
	return text;
}

static void test_writers_say_what_they_need(void **state)
{
	static const tg_format formats[] = {
		TG_FORMAT_TEXT, TG_FORMAT_JSON, TG_FORMAT_SARIF,
		TG_FORMAT_MARKDOWN, TG_FORMAT_GITHUB, TG_FORMAT_GITLAB,
	};
	size_t i;
	char *eager, *chosen, *lazy;
	json_t *root, *doc;
	json_error_t jerr;

	(void)state;
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		eager = render_checked(formats[i], false);
		chosen = render_checked(formats[i], !(tg_report_needs(formats[i]) &
		                                      TG_REPORT_NEEDS_TRIGGERS));
		assert_string_equal(chosen, eager);
		free(chosen);
		free(eager);
	}

	/* The document exercises laziness: lazy JSON would lose them. */
	assert_true(tg_report_needs(TG_FORMAT_JSON) & TG_REPORT_NEEDS_TRIGGERS);
	eager = render_checked(TG_FORMAT_JSON, false);
	lazy = render_checked(TG_FORMAT_JSON, true);
	assert_string_not_equal(eager, lazy);
	root = json_loads(eager, 0, &jerr);
	assert_non_null(root);
	doc = json_array_get(json_object_get(root, "documents"), 0);
	assert_true(json_is_true(json_object_get(
		json_object_get(doc, "signoff"), "present")));
	assert_true(json_is_true(json_object_get(
		json_object_get(doc, "signoff"), "required")));
	assert_true(json_array_size(json_object_get(doc, "triggers")) > 0);
	json_decref(root);
	free(lazy);
	free(eager);

	/* Unknown formats compute everything; scan-only ones need nothing. */
	assert_int_equal(tg_report_needs((tg_format)99), TG_REPORT_NEEDS_TRIGGERS);
	assert_int_equal(tg_report_needs(TG_FORMAT_CSV), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_json_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_escaping, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_json_invalid_utf8, setup,
		                                teardown),
		cmocka_unit_test(test_jdump_same_as_jansson),
		cmocka_unit_test_setup_teardown(test_text_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_plural_summary, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_text_nothing_checked, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_text_color, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_control_characters,
		                                setup, teardown),
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_writers_say_what_they_need),
		cmocka_unit_test_setup_teardown(test_unknown_format_value, setup,
		                                teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
