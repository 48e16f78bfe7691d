/*
 * tg_findings: copies, sorting, totals and document summaries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "threatgate.h"
#include "util/util.h"

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

static void add(tg_findings *findings, const char *path, int line, int column,
                tg_rule_id rule, tg_severity severity, const char *message)
{
	tg_finding f;

	memset(&f, 0, sizeof(f));
	f.path = (char *)path;
	f.line = line;
	f.column = column;
	f.rule = rule;
	f.severity = severity;
	f.message = (char *)message;
	assert_int_equal(tg_findings_add(findings, &f), 0);
}

static tg_doc_summary *new_summary(const char *path)
{
	tg_doc_summary *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->path = tg_strdup(path);
	s->title = tg_strdup("A title");
	s->participants = calloc(2, sizeof(char *));
	s->participants[0] = tg_strdup("@jane");
	s->participants[1] = tg_strdup("@omar");
	s->participants_count = 2;
	s->threats = calloc(1, sizeof(*s->threats));
	s->threats[0].id = tg_strdup("T1");
	s->threats[0].category = tg_strdup("ST");
	s->threats_count = 1;
	s->triggers = calloc(1, sizeof(*s->triggers));
	s->triggers[0].id = tg_strdup("payments");
	s->triggers[0].match = tg_strdup("card");
	s->triggers_count = 1;
	s->signoff_by = calloc(1, sizeof(char *));
	s->signoff_by[0] = tg_strdup("@alice");
	s->signoff_by_count = 1;
	s->age_days = -1;
	return s;
}

static void test_empty(void **state)
{
	tg_findings *findings = *state;

	assert_int_equal(tg_findings_count(findings), 0);
	assert_int_equal(tg_findings_document_count(findings), 0);
	assert_null(tg_findings_get(findings, 0));
	assert_null(tg_findings_document(findings, 0));
	assert_int_equal(tg_findings_max_severity(findings), TG_SEVERITY_OFF);
	assert_int_equal(tg_findings_total(findings, TG_SEVERITY_ERROR), 0);
	tg_findings_sort(findings);
}

static void test_add_copies_strings(void **state)
{
	tg_findings *findings = *state;
	char path[] = "docs/design/a.md";
	char message[] = "threat T1 has no priority";
	char revision[] = "0123456789abcdef";
	char section[] = "Security/Threat Model";
	char threat[] = "T1";
	const tg_finding *got;
	tg_finding f;

	memset(&f, 0, sizeof(f));
	f.rule = TG_RULE_THREAT_MISSING_PRIORITY;
	f.severity = TG_SEVERITY_ERROR;
	f.path = path;
	f.revision = revision;
	f.line = 24;
	f.column = 3;
	f.message = message;
	f.section = section;
	f.threat = threat;
	assert_int_equal(tg_findings_add(findings, &f), 0);

	/* The caller's buffers may change or go away. */
	memset(path, 'x', sizeof(path) - 1);
	memset(message, 'x', sizeof(message) - 1);
	memset(revision, 'x', sizeof(revision) - 1);
	section[0] = threat[0] = 'x';

	got = tg_findings_get(findings, 0);
	assert_non_null(got);
	assert_ptr_not_equal(got->path, path);
	assert_string_equal(got->path, "docs/design/a.md");
	assert_string_equal(got->message, "threat T1 has no priority");
	assert_string_equal(got->revision, "0123456789abcdef");
	assert_string_equal(got->section, "Security/Threat Model");
	assert_string_equal(got->threat, "T1");
	assert_int_equal(got->line, 24);
	assert_int_equal(got->column, 3);
	assert_int_equal(got->rule, TG_RULE_THREAT_MISSING_PRIORITY);
	assert_int_equal(got->severity, TG_SEVERITY_ERROR);
}

static void test_null_strings(void **state)
{
	tg_findings *findings = *state;
	const tg_finding *got;
	tg_finding f;

	memset(&f, 0, sizeof(f));
	f.rule = TG_RULE_NO_DOCUMENTS;
	f.severity = TG_SEVERITY_NOTE;
	assert_int_equal(tg_findings_add(findings, &f), 0);
	got = tg_findings_get(findings, 0);
	/* Path and message are never NULL; the optional fields stay NULL. */
	assert_string_equal(got->path, "");
	assert_string_equal(got->message, "");
	assert_null(got->revision);
	assert_null(got->section);
	assert_null(got->threat);
}

static void test_off_is_not_kept(void **state)
{
	tg_findings *findings = *state;

	add(findings, "a.md", 1, 1, TG_RULE_MISSING_DRI, TG_SEVERITY_OFF, "x");
	assert_int_equal(tg_findings_count(findings), 0);
}

static void test_sort_order(void **state)
{
	tg_findings *findings = *state;
	const tg_finding *f;

	add(findings, "b.md", 1, 1, TG_RULE_MISSING_SECTION, TG_SEVERITY_ERROR, "b1");
	add(findings, "a.md", 10, 1, TG_RULE_NO_THREATS, TG_SEVERITY_ERROR, "a10");
	add(findings, "a.md", 2, 5, TG_RULE_MISSING_DRI, TG_SEVERITY_WARNING, "a2c5");
	add(findings, "a.md", 2, 0, TG_RULE_MISSING_DRI, TG_SEVERITY_WARNING, "a2c0");
	add(findings, "a.md", 2, 5, TG_RULE_MISSING_SECTION, TG_SEVERITY_ERROR, "a2c5r0");
	add(findings, "a.md", 2, 5, TG_RULE_MISSING_SECTION, TG_SEVERITY_ERROR, "a2c5r0b");

	tg_findings_sort(findings);
	assert_int_equal(tg_findings_count(findings), 6);
	f = tg_findings_get(findings, 0);
	assert_string_equal(f->message, "a2c0");
	f = tg_findings_get(findings, 1);
	assert_string_equal(f->message, "a2c5r0");
	/* Equal keys keep the order they were added in. */
	f = tg_findings_get(findings, 2);
	assert_string_equal(f->message, "a2c5r0b");
	f = tg_findings_get(findings, 3);
	assert_string_equal(f->message, "a2c5");
	f = tg_findings_get(findings, 4);
	assert_string_equal(f->message, "a10");
	f = tg_findings_get(findings, 5);
	assert_string_equal(f->message, "b1");

	/* Sorting twice changes nothing. */
	tg_findings_sort(findings);
	assert_string_equal(tg_findings_get(findings, 2)->message, "a2c5r0b");
}

static void test_totals_and_max(void **state)
{
	tg_findings *findings = *state;

	add(findings, "a.md", 1, 1, TG_RULE_NO_DOCUMENTS, TG_SEVERITY_NOTE, "n");
	assert_int_equal(tg_findings_max_severity(findings), TG_SEVERITY_NOTE);
	add(findings, "a.md", 2, 1, TG_RULE_MISSING_DRI, TG_SEVERITY_WARNING, "w");
	add(findings, "a.md", 3, 1, TG_RULE_STRIDE_COVERAGE, TG_SEVERITY_WARNING, "w");
	assert_int_equal(tg_findings_max_severity(findings), TG_SEVERITY_WARNING);
	add(findings, "b.md", 1, 1, TG_RULE_NO_THREATS, TG_SEVERITY_ERROR, "e");

	assert_int_equal(tg_findings_total(findings, TG_SEVERITY_ERROR), 1);
	assert_int_equal(tg_findings_total(findings, TG_SEVERITY_WARNING), 2);
	assert_int_equal(tg_findings_total(findings, TG_SEVERITY_NOTE), 1);
	assert_int_equal(tg_findings_total(findings, TG_SEVERITY_OFF), 0);
	assert_int_equal(tg_findings_max_severity(findings), TG_SEVERITY_ERROR);
}

static void test_documents(void **state)
{
	tg_findings *findings = *state;
	const tg_doc_summary *d;

	assert_int_equal(tg_findings_add_document(findings,
	                 new_summary("z.md")), 0);
	assert_int_equal(tg_findings_add_document(findings,
	                 new_summary("a.md")), 0);
	add(findings, "a.md", 1, 1, TG_RULE_NO_THREATS, TG_SEVERITY_ERROR, "e");
	add(findings, "a.md", 2, 1, TG_RULE_MISSING_DRI, TG_SEVERITY_WARNING, "w");
	add(findings, "z.md", 2, 1, TG_RULE_NO_DOCUMENTS, TG_SEVERITY_NOTE, "n");
	add(findings, "other.md", 2, 1, TG_RULE_NO_THREATS, TG_SEVERITY_ERROR, "e");

	assert_int_equal(tg_findings_document_count(findings), 2);
	tg_findings_sort(findings);
	d = tg_findings_document(findings, 0);
	assert_string_equal(d->path, "a.md");
	assert_string_equal(d->threats[0].category, "ST");
	assert_int_equal(d->errors, 1);
	assert_int_equal(d->warnings, 1);
	assert_int_equal(d->notes, 0);
	d = tg_findings_document(findings, 1);
	assert_string_equal(d->path, "z.md");
	assert_int_equal(d->errors, 0);
	assert_int_equal(d->notes, 1);
}

static void test_add_document_null(void **state)
{
	tg_findings *findings = *state;

	assert_int_equal(tg_findings_add_document(findings, NULL), TG_EINVALID);
	/* Ownership passes even on failure: this must not leak. */
	assert_int_equal(tg_findings_add_document(NULL, new_summary("a.md")),
	                 TG_EINVALID);
	assert_int_equal(tg_findings_document_count(findings), 0);
}

static void test_frees_accept_null(void **state)
{
	tg_doc_summary *empty = calloc(1, sizeof(*empty));

	(void)state;
	tg_findings_free(NULL);
	tg_doc_summary_free(NULL);
	/* A summary with no arrays at all. */
	assert_non_null(empty);
	tg_doc_summary_free(empty);
	assert_int_equal(tg_findings_count(NULL), 0);
	assert_int_equal(tg_findings_max_severity(NULL), TG_SEVERITY_OFF);
}

static void test_many(void **state)
{
	tg_findings *findings = *state;
	char path[32];
	int i;

	for (i = 999; i >= 0; i--) {
		snprintf(path, sizeof(path), "doc%04d.md", i);
		add(findings, path, i + 1, 1, TG_RULE_MISSING_DRI,
		    TG_SEVERITY_WARNING, "w");
	}
	tg_findings_sort(findings);
	assert_int_equal(tg_findings_count(findings), 1000);
	assert_string_equal(tg_findings_get(findings, 0)->path, "doc0000.md");
	assert_string_equal(tg_findings_get(findings, 999)->path, "doc0999.md");
}

/* The fingerprint of a finding: no line in it, one per occurrence. */
static void test_fingerprints(void **state)
{
	tg_findings *findings = *state;
	tg_fingerprint *active = NULL, *waived = NULL, *again = NULL,
		*none = NULL;
	tg_findings *moved = NULL;
	tg_finding f;

	add(findings, "a.md", 3, 1, TG_RULE_MISSING_DRI, TG_SEVERITY_WARNING, "m");
	add(findings, "a.md", 9, 1, TG_RULE_MISSING_DRI, TG_SEVERITY_WARNING, "m");
	add(findings, "b.md", 3, 1, TG_RULE_MISSING_DRI, TG_SEVERITY_WARNING, "m");
	tg_findings_sort(findings);
	assert_int_equal(tg_findings_fingerprints(&active, &waived, findings), 0);
	/* same key: the hash agrees, the occurrence tells them apart */
	assert_memory_equal(active[0], active[1], 16);
	assert_string_equal(active[0] + 16, ":1");
	assert_string_equal(active[1] + 16, ":2");
	assert_memory_not_equal(active[0], active[2], 16);
	assert_string_equal(active[2] + 16, ":1");

	/* A line moved: the same fingerprints. */
	assert_int_equal(tg_findings_new(&moved), 0);
	add(moved, "a.md", 30, 1, TG_RULE_MISSING_DRI, TG_SEVERITY_WARNING, "x");
	add(moved, "a.md", 90, 1, TG_RULE_MISSING_DRI, TG_SEVERITY_WARNING, "y");
	tg_findings_sort(moved);
	assert_int_equal(tg_findings_fingerprints(&again, &none, moved), 0);
	assert_string_equal(again[0], active[0]);
	assert_string_equal(again[1], active[1]);
	free(again);
	free(none);
	again = none = NULL;

	/* A waived finding keeps its place in the numbering. */
	memset(&f, 0, sizeof(f));
	f.path = (char *)"a.md";
	f.line = 1;
	f.rule = TG_RULE_MISSING_DRI;
	f.severity = TG_SEVERITY_WARNING;
	f.message = (char *)"w";
	assert_int_equal(tg_findings_add_suppressed(moved, &f,
	                 TG_SUPPRESS_INLINE, NULL), 0);
	tg_findings_sort(moved);
	assert_int_equal(tg_findings_fingerprints(&again, &none, moved), 0);
	assert_string_equal(none[0] + 16, ":1");
	assert_string_equal(again[0] + 16, ":2");
	assert_int_equal(tg_findings_suppressed_total(moved, TG_SUPPRESS_INLINE),
	                 1);
	free(again);
	free(none);
	free(active);
	free(waived);
	tg_findings_free(moved);
}

static bool second_only(const char *fingerprint, void *payload)
{
	(void)payload;
	return strcmp(fingerprint + 16, ":2") == 0;
}

static void test_apply_baseline(void **state)
{
	tg_findings *findings = *state;
	const tg_suppressed *s;

	add(findings, "a.md", 3, 1, TG_RULE_MISSING_DRI, TG_SEVERITY_ERROR, "m");
	add(findings, "a.md", 9, 1, TG_RULE_MISSING_DRI, TG_SEVERITY_ERROR, "m");
	assert_int_equal(tg_findings_apply_baseline(findings, second_only, NULL),
	                 0);
	assert_int_equal(tg_findings_count(findings), 1);
	assert_int_equal(tg_findings_get(findings, 0)->line, 3);
	assert_int_equal(tg_findings_suppressed_count(findings), 1);
	s = tg_findings_suppressed(findings, 0);
	assert_int_equal(s->reason, TG_SUPPRESS_BASELINE);
	assert_int_equal(s->finding.line, 9);
	assert_string_equal(tg_suppress_reason_name(s->reason), "baseline");
	/* Applied again: the waived one keeps its number, nothing moves. */
	assert_int_equal(tg_findings_apply_baseline(findings, second_only, NULL),
	                 0);
	assert_int_equal(tg_findings_count(findings), 1);
	assert_int_equal(tg_findings_suppressed_count(findings), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_copies_strings, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_null_strings, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_off_is_not_kept, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_sort_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_totals_and_max, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_documents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_document_null, setup,
		                                teardown),
		cmocka_unit_test(test_frees_accept_null),
		cmocka_unit_test_setup_teardown(test_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fingerprints, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_apply_baseline, setup,
		                                teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
