/*
 * The scan result and its reports: totals, the attention order, the JSON
 * written and read back by --merge (nothing a report shows is lost), the
 * escaping of CSV, HTML and Markdown, and the refusal of what is not a
 * scan report.
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
#include "inventory/inventory.h"
#include "util/util.h"

static char **strs(const char *a, const char *b)
{
	char **out = calloc(3, sizeof(char *));

	assert_non_null(out);
	out[0] = a ? tg_strdup(a) : NULL;
	out[1] = b ? tg_strdup(b) : NULL;
	return out;
}

/* A summary with one threat per priority given ("P1", "P3", NULL...). */
static tg_doc_summary *summary(const char *path, const char *title,
                               const char *reviewed, int age, bool stale,
                               const char *p1, const char *status1)
{
	tg_doc_summary *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->path = tg_strdup(path);
	s->revision = tg_strdup("0123456789abcdef0123456789abcdef01234567");
	s->readable = true;
	s->title = title ? tg_strdup(title) : NULL;
	s->dri = tg_strdup("Jane Doe <jane@example.com>");
	s->participants = strs("jane", "omar");
	s->participants_count = 2;
	s->reviewed = reviewed ? tg_strdup(reviewed) : NULL;
	s->age_days = age;
	s->stale = stale;
	s->covers = strs("services/x/**", NULL);
	s->covers_count = 1;
	s->threats = calloc(2, sizeof(*s->threats));
	assert_non_null(s->threats);
	s->threats[0].id = tg_strdup("T1");
	s->threats[0].title = tg_strdup("Forged call");
	s->threats[0].category = tg_strdup("linkability,identifiability");
	if (!p1 || tg_priority_lookup(&s->threats[0].priority, p1) < 0)
		s->threats[0].priority = TG_PRIORITY_NONE;
	s->threats[0].mitigation = tg_strdup("HMAC");
	assert_int_equal(tg_status_lookup(&s->threats[0].status, status1), 0);
	s->threats[0].line = 24;
	s->threats_count = 1;
	s->triggers = calloc(2, sizeof(*s->triggers));
	assert_non_null(s->triggers);
	s->triggers[0].id = tg_strdup("payments");
	s->triggers[0].match = tg_strdup("card");
	s->triggers[0].line = 9;
	s->triggers_count = 1;
	s->signoff_required = true;
	s->signoff_present = false;
	s->signoff_by = strs(NULL, NULL);
	s->errors = 1;
	s->warnings = 2;
	return s;
}

static tg_drift drift_of(size_t commits, const char *since)
{
	static char *authors[] = { (char *)"Bob <bob@example.com>",
	                           (char *)"Ann <ann@example.com>" };
	tg_drift d;

	memset(&d, 0, sizeof(d));
	d.commits = commits;
	d.newest = commits ? (char *)"fedcba9876543210fedcba9876543210fedcba98"
	                   : NULL;
	d.newest_date = commits ? (char *)"2026-11-20" : NULL;
	d.authors = authors;
	d.authors_count = commits ? 2 : 0;
	d.since = (char *)since;
	return d;
}

/* Two repositories, five documents of every kind. */
static int setup(void **state)
{
	tg_scan *scan = NULL;
	tg_scan_repo repo;
	tg_doc_summary *s;
	tg_drift d;

	if (tg_scan_new(&scan) < 0)
		return -1;
	memset(&repo, 0, sizeof(repo));
	repo.name = (char *)"api";
	repo.revision = (char *)"0123456789abcdef0123456789abcdef01234567";
	repo.commits_walked = 42;
	repo.history_complete = true;
	repo.max_age = 270;
	assert_int_equal(tg_scan_add_repository(scan, &repo), 0);
	d = drift_of(3, "2026-10-01");
	assert_int_equal(tg_scan_add_document(scan, summary("docs/z-drift.md",
		"Drifting", "2026-10-01", 57, false, "P3", "open"), &d), 0);
	assert_int_equal(tg_scan_add_document(scan, summary("docs/a-fresh.md",
		"Fresh, \"quoted\"", "2026-11-01", 26, false, "P1", "mitigated"),
		NULL), 0);
	s = summary("docs/m-stale.md", "=cmd|' /C calc'!A0", "2025-01-01", 695,
	            true, "P2", "open");
	s->signoff_present = true;
	assert_int_equal(tg_scan_add_document(scan, s, NULL), 0);

	repo.name = (char *)"web";
	repo.history_complete = false;
	assert_int_equal(tg_scan_add_repository(scan, &repo), 0);
	s = summary("docs/b-unsigned.md", "<b>bold</b> & | pipe", "2026-09-01",
	            87, false, "P1", "open");
	d = drift_of(0, NULL);
	assert_int_equal(tg_scan_add_document(scan, s, &d), 0);
	s = calloc(1, sizeof(*s));
	assert_non_null(s);
	s->path = tg_strdup("docs/bin.md");
	s->age_days = -1;
	s->errors = 1;
	assert_int_equal(tg_scan_add_document(scan, s, NULL), 0);
	tg_scan_sort(scan);
	*state = scan;
	return 0;
}

static int teardown(void **state)
{
	tg_scan_free(*state);
	return 0;
}

static char *render(const tg_scan *scan, tg_format format)
{
	tg_report_options options = TG_REPORT_OPTIONS_INIT;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	options.format = format;
	assert_int_equal(tg_report_write_scan(out, scan, &options), 0);
	assert_int_equal(fclose(out), 0);
	return text;
}

static void test_sort_and_tags(void **state)
{
	const tg_scan *scan = *state;
	const char *want[] = { "api:docs/a-fresh.md", "api:docs/m-stale.md",
	                       "api:docs/z-drift.md", "web:docs/b-unsigned.md",
	                       "web:docs/bin.md" };
	char got[128];
	size_t i;

	assert_int_equal(tg_scan_count(scan), 5);
	assert_int_equal(tg_scan_repository_count(scan), 2);
	for (i = 0; i < 5; i++) {
		const tg_scan_doc *sd = tg_scan_get(scan, i);

		snprintf(got, sizeof(got), "%s:%s", sd->repository, sd->doc->path);
		assert_string_equal(got, want[i]);
	}
	assert_null(tg_scan_get(scan, 5));
	assert_null(tg_scan_repository(scan, 2));
}

static void test_totals(void **state)
{
	tg_scan_totals t;

	tg_scan_totals_compute(&t, *state);
	assert_int_equal(t.documents, 5);
	assert_int_equal(t.unreadable, 1);
	assert_int_equal(t.stale, 1);
	assert_int_equal(t.signoff_missing, 3);
	assert_int_equal(t.threats, 4);
	assert_int_equal(t.open_by_priority[1], 1);
	assert_int_equal(t.open_by_priority[2], 1);
	assert_int_equal(t.open_by_priority[3], 1);
	assert_int_equal(t.drifting, 1);
}

static void test_attention_order(void **state)
{
	const tg_scan *scan = *state;
	const char *want[] = { "docs/bin.md", "docs/m-stale.md",
	                       "docs/b-unsigned.md", "docs/z-drift.md",
	                       "docs/a-fresh.md" };
	size_t *order = NULL, i;

	/* unreadable; stale and unsigned, oldest first; drift; the rest */
	assert_int_equal(tg_inventory__attention(&order, scan), 0);
	for (i = 0; i < 5; i++)
		assert_string_equal(tg_scan_get(scan, order[i])->doc->path,
		                    want[i]);
	free(order);
}

static void test_status_and_priority(void **state)
{
	(void)state;
	tg_status s = TG_STATUS_NONE, all;
	tg_priority p = TG_PRIORITY_NONE;

	assert_true(tg_threat_status_open(TG_STATUS_OPEN));
	assert_true(tg_threat_status_open(TG_STATUS_IN_PROGRESS));
	assert_true(tg_threat_status_open(TG_STATUS_NONE));
	assert_true(tg_threat_status_open(TG_STATUS_UNKNOWN));
	assert_false(tg_threat_status_open(TG_STATUS_MITIGATED));
	assert_false(tg_threat_status_open(TG_STATUS_ACCEPTED));
	assert_false(tg_threat_status_open(TG_STATUS_TRANSFERRED));
	assert_false(tg_threat_status_open(TG_STATUS_NOT_APPLICABLE));
	/* every name a report writes reads back as the status it names */
	for (all = TG_STATUS_OPEN; all < TG_STATUS_UNKNOWN; all++) {
		assert_int_equal(tg_status_lookup(&s, tg_status_name(all)), 0);
		assert_int_equal(s, all);
	}
	assert_string_equal(tg_status_name(TG_STATUS_NONE), "open");
	assert_string_equal(tg_status_name(TG_STATUS_UNKNOWN), "open");
	s = TG_STATUS_MITIGATED;
	assert_int_equal(tg_status_lookup(&s, "frobbed"), TG_ENOTFOUND);
	assert_int_equal(tg_status_lookup(&s, NULL), TG_ENOTFOUND);
	assert_int_equal(s, TG_STATUS_MITIGATED);
	assert_string_equal(tg_priority_name(TG_PRIORITY_P1), "P1");
	assert_string_equal(tg_priority_name(TG_PRIORITY_P5), "P5");
	assert_null(tg_priority_name(TG_PRIORITY_NONE));
	assert_int_equal(tg_priority_lookup(&p, "P3"), 0);
	assert_int_equal(p, TG_PRIORITY_P3);
	assert_int_equal(tg_priority_lookup(&p, "P6"), TG_ENOTFOUND);
	assert_int_equal(tg_priority_lookup(&p, "P10"), TG_ENOTFOUND);
	assert_int_equal(tg_priority_lookup(&p, NULL), TG_ENOTFOUND);
	assert_int_equal(p, TG_PRIORITY_P3);
}

/* Two scans write the same JSON: what --merge reads loses nothing. */
static void test_json_round_trip(void **state)
{
	const tg_scan *scan = *state;
	tg_scan *merged = NULL;
	char *first = render(scan, TG_FORMAT_JSON), *second;
	json_t *root;
	json_error_t jerr;

	assert_int_equal(tg_scan_new(&merged), 0);
	assert_int_equal(tg_scan_merge_json(merged, "first.json", first,
	                                    strlen(first), "fallback"), 0);
	tg_scan_sort(merged);
	second = render(merged, TG_FORMAT_JSON);
	assert_string_equal(first, second);

	root = json_loads(first, 0, &jerr);
	assert_non_null(root);
	/* Category names of a framework without letters stay whole. */
	assert_string_equal(json_string_value(json_array_get(json_object_get(
		json_array_get(json_object_get(json_array_get(json_object_get(
		root, "documents"), 0), "threats"), 0), "category"), 1)),
		"identifiability");
	json_decref(root);
	free(second);
	free(first);
	tg_scan_free(merged);
}

static void test_merge_refuses_other_reports(void **state)
{
	tg_scan *scan = NULL;
	static const char check[] = "{\"version\": 1, \"documents\": []}";
	static const char future[] = "{\"version\": 9, \"kind\": \"scan\", "
	                             "\"documents\": []}";
	static const char broken[] = "{\"version\": 1,";
	static const char no_docs[] = "{\"version\": 1, \"kind\": \"scan\"}";

	(void)state;
	assert_int_equal(tg_scan_new(&scan), 0);
	assert_int_equal(tg_scan_merge_json(scan, "c.json", check,
	                 strlen(check), NULL), TG_EINVALID);
	assert_non_null(strstr(tg_error_last()->message,
	                       "'c.json' is not a scan report"));
	assert_int_equal(tg_scan_merge_json(scan, "f.json", future,
	                 strlen(future), NULL), TG_EINVALID);
	assert_non_null(strstr(tg_error_last()->message, "version 9"));
	assert_int_equal(tg_scan_merge_json(scan, "b.json", broken,
	                 strlen(broken), NULL), TG_EINVALID);
	assert_int_equal(tg_scan_merge_json(scan, "n.json", no_docs,
	                 strlen(no_docs), NULL), TG_EINVALID);
	assert_int_equal(tg_scan_count(scan), 0);
	tg_scan_free(scan);
}

/*
 * A threat's priority and status are typed: a name no writer writes is
 * refused (never read as open), a null one is none.
 */
static void test_merge_refuses_unknown_threat_values(void **state)
{
	tg_scan *scan = NULL;
	const tg_doc_summary *d;
	static const char head[] = "{\"version\": 1, \"kind\": \"scan\", "
		"\"documents\": [{\"path\": \"docs/design/a.md\", \"threats\": [";
	char *status = NULL, *priority = NULL, *none = NULL;

	(void)state;
	status = tg_printf("%s{\"title\": \"x\", \"priority\": \"P1\", "
	                   "\"status\": \"frobbed\"}]}]}", head);
	priority = tg_printf("%s{\"title\": \"x\", \"priority\": \"P7\", "
	                     "\"status\": \"open\"}]}]}", head);
	none = tg_printf("%s{\"title\": \"x\", \"priority\": null, "
	                 "\"status\": \"mitigated\"}, {\"title\": \"y\"}]}]}",
	                 head);
	assert_non_null(status);
	assert_non_null(priority);
	assert_non_null(none);
	assert_int_equal(tg_scan_new(&scan), 0);
	assert_int_equal(tg_scan_merge_json(scan, "s.json", status,
	                 strlen(status), NULL), TG_EINVALID);
	assert_non_null(strstr(tg_error_last()->message, "'s.json': document "
		"'docs/design/a.md': threat 1: unknown status 'frobbed'"));
	assert_int_equal(tg_scan_merge_json(scan, "p.json", priority,
	                 strlen(priority), NULL), TG_EINVALID);
	assert_non_null(strstr(tg_error_last()->message, "unknown priority"));
	assert_int_equal(tg_scan_count(scan), 0);
	assert_int_equal(tg_scan_merge_json(scan, "n.json", none,
	                 strlen(none), NULL), 0);
	assert_int_equal(tg_scan_count(scan), 1);
	d = tg_scan_get(scan, 0)->doc;
	assert_int_equal(d->threats_count, 2);
	assert_int_equal(d->threats[0].priority, TG_PRIORITY_NONE);
	assert_int_equal(d->threats[0].status, TG_STATUS_MITIGATED);
	assert_int_equal(d->threats[1].status, TG_STATUS_NONE);
	assert_true(tg_threat_status_open(d->threats[1].status));
	free(none);
	free(priority);
	free(status);
	tg_scan_free(scan);
}

static void test_csv(void **state)
{
	char *text = render(*state, TG_FORMAT_CSV);

	assert_true(strncmp(text, "repository,path,revision,readable,title,",
	                    40) == 0);
	/* Quotes doubled, commas quoted, formulas defused, CRLF. */
	assert_non_null(strstr(text, ",\"Fresh, \"\"quoted\"\"\","));
	assert_non_null(strstr(text, ",'=cmd|' /C calc'!A0,"));
	assert_non_null(strstr(text, "\r\nweb,docs/bin.md,,false,,,,,,false,"));
	assert_non_null(strstr(text, ",3,fedcba9876543210fedcba9876543210fedcba98,"
	                       "2026-11-20,Bob <bob@example.com>; Ann "
	                       "<ann@example.com>,2026-10-01,false\r\n"));
	free(text);
}

static void test_html_escapes(void **state)
{
	char *text = render(*state, TG_FORMAT_HTML);

	assert_null(strstr(text, "<b>bold</b>"));
	assert_non_null(strstr(text, "&lt;b&gt;bold&lt;/b&gt; &amp; | pipe"));
	assert_non_null(strstr(text, "=cmd|&#39; /C calc&#39;!A0"));
	assert_non_null(strstr(text, "default-src 'none'"));
	assert_null(strstr(text, "http:"));
	assert_null(strstr(text, "https:"));
	free(text);
}

static void test_markdown_escapes(void **state)
{
	char *text = render(*state, TG_FORMAT_MARKDOWN);

	assert_non_null(strstr(text, "&lt;b&gt;bold&lt;/b&gt; &amp; \\| pipe"));
	assert_non_null(strstr(text, "**5** design documents in **2** "
	                       "repositories"));
	assert_non_null(strstr(text, "> History of web was cut short"));
	free(text);
}

static void test_text(void **state)
{
	char *text = render(*state, TG_FORMAT_TEXT);

	assert_non_null(strstr(text, "# api at 0123456789ab, "));
	assert_non_null(strstr(text, "# web at 0123456789ab, "));
	assert_non_null(strstr(text, "(history cut short)"));
	assert_non_null(strstr(text, "\nunreadable      web:docs/bin.md "));
	assert_non_null(strstr(text, "\nstale           api:docs/m-stale.md "));
	assert_non_null(strstr(text, "  api:docs/z-drift.md: 3 commits to "
	                       "covered code since the review of 2026-10-01; "
	                       "newest fedcba987654 (2026-11-20) by Bob "
	                       "<bob@example.com>, Ann <ann@example.com>\n"));
	assert_non_null(strstr(text, "threatgate: 5 design documents in 2 "
	                       "repositories: 1 stale, 3 without a required "
	                       "sign-off, 2 open P1-P2 threats, 1 drifting, "
	                       "1 unreadable\n"));
	free(text);
}

static void test_other_formats_refused(void **state)
{
	tg_report_options options = TG_REPORT_OPTIONS_INIT;

	options.format = TG_FORMAT_SARIF;
	assert_int_equal(tg_report_write_scan(stdout, *state, &options),
	                 TG_EINVALID);
}

static void test_summary_dup(void **state)
{
	const tg_doc_summary *s = tg_scan_get(*state, 0)->doc;
	tg_doc_summary *copy = NULL;

	assert_int_equal(tg_doc_summary_dup(&copy, s), 0);
	assert_ptr_not_equal(copy->path, s->path);
	assert_string_equal(copy->path, s->path);
	assert_string_equal(copy->threats[0].category, s->threats[0].category);
	assert_int_equal(copy->participants_count, 2);
	assert_string_equal(copy->participants[1], "omar");
	assert_string_equal(copy->triggers[0].match, "card");
	tg_doc_summary_free(copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sort_and_tags, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_totals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attention_order, setup,
		                                teardown),
		cmocka_unit_test(test_status_and_priority),
		cmocka_unit_test_setup_teardown(test_json_round_trip, setup,
		                                teardown),
		cmocka_unit_test(test_merge_refuses_other_reports),
		cmocka_unit_test(test_merge_refuses_unknown_threat_values),
		cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_html_escapes, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_markdown_escapes, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_formats_refused,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_summary_dup, setup,
		                                teardown),
	};
	tg_options options = TG_OPTIONS_INIT;
	int failed;

	options.today = tg_date_parse("2026-11-27");
	tg_init();
	tg_options_set(&options);
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	tg_shutdown();
	return failed;
}
