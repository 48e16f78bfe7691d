/*
 * The rule table: ids match SPEC section 2, every row explains itself, and
 * every rule has a fixture that fires it and one that must not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "threatgate.h"
#include "findings/findings.h"

static const struct {
	const char *id;
	tg_severity severity;
} spec[] = {
	{ "missing-section", TG_SEVERITY_ERROR },
	{ "empty-section", TG_SEVERITY_ERROR },
	{ "no-threats", TG_SEVERITY_ERROR },
	{ "threat-missing-priority", TG_SEVERITY_ERROR },
	{ "threat-missing-category", TG_SEVERITY_WARNING },
	{ "threat-missing-mitigation", TG_SEVERITY_ERROR },
	{ "risk-acceptance-approval", TG_SEVERITY_ERROR },
	{ "stride-coverage", TG_SEVERITY_WARNING },
	{ "signoff-required", TG_SEVERITY_ERROR },
	{ "signoff-unauthorized", TG_SEVERITY_ERROR },
	{ "stale-threat-model", TG_SEVERITY_WARNING },
	{ "covered-code-changed", TG_SEVERITY_WARNING },
	{ "missing-dri", TG_SEVERITY_WARNING },
	{ "too-few-participants", TG_SEVERITY_WARNING },
	{ "invalid-metadata", TG_SEVERITY_ERROR },
	{ "unreadable-document", TG_SEVERITY_ERROR },
	{ "reviewed-date-not-updated", TG_SEVERITY_WARNING },
	{ "no-documents", TG_SEVERITY_NOTE },
	{ "undeclared-concern", TG_SEVERITY_ERROR },
	{ "unknown-rule", TG_SEVERITY_WARNING },
	{ "hidden-document", TG_SEVERITY_ERROR },
	{ "signoff-stale", TG_SEVERITY_ERROR },
	{ "unreadable-threats", TG_SEVERITY_WARNING },
};

/* Rules that need git history or a whole tree: tested by tests/integration. */
static bool git_only(const char *id)
{
	return strcmp(id, "covered-code-changed") == 0 ||
	       strcmp(id, "reviewed-date-not-updated") == 0 ||
	       strcmp(id, "no-documents") == 0 ||
	       strcmp(id, "hidden-document") == 0 ||
	       strcmp(id, "signoff-stale") == 0;
}

static void test_table_matches_spec(void **state)
{
	size_t count, i, j;
	const tg_rule_info *table = tg_rules_table(&count);

	(void)state;
	assert_int_equal(count, sizeof(spec) / sizeof(spec[0]));
	for (i = 0; i < count; i++) {
		assert_string_equal(table[i].name, spec[i].id);
		assert_int_equal(table[i].default_severity, spec[i].severity);
		assert_int_equal(table[i].id, (tg_rule_id)i);
		assert_non_null(table[i].summary);
		assert_true(strlen(table[i].summary) > 10);
		assert_non_null(table[i].explain);
		/* why, plus a fixed example */
		assert_true(strlen(table[i].explain) > 120);
		assert_non_null(strstr(table[i].explain, "Fixed"));
		for (j = 0; j < i; j++)
			assert_string_not_equal(table[i].name, table[j].name);
		assert_ptr_equal(tg_rules_find(spec[i].id), &table[i]);
	}
	assert_null(tg_rules_find("missing-sections"));
}

/* docs/rules/<rule>.md: one file per rule, no file without a rule. */
static void test_explanations_are_the_rule_docs(void **state)
{
	size_t count, i;
	const tg_rule_info *table = tg_rules_table(&count);
	tg_rule_id id;

	(void)state;
	assert_int_equal(tg_rule_docs_count, count);
	for (i = 0; i < tg_rule_docs_count; i++) {
		assert_int_equal(tg_rule_lookup(&id, tg_rule_docs[i].name), 0);
		assert_ptr_equal(table[id].explain,
		                 (const char *)tg_rule_docs[i].text);
		assert_int_equal(strlen(table[id].explain), tg_rule_docs[i].len);
	}
	assert_null(tg_rule_docs[count].name);
}

static bool has_fixture(const char *rule, const char *prefix)
{
	char path[512];
	DIR *dir;
	struct dirent *e;
	bool found = false;

	snprintf(path, sizeof(path), "%s/%s", FIXTURES, rule);
	dir = opendir(path);
	if (!dir)
		return false;
	while ((e = readdir(dir)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 &&
		    strstr(e->d_name, ".md"))
			found = true;
	closedir(dir);
	return found;
}

static void test_every_rule_has_fixtures(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(spec) / sizeof(spec[0]); i++) {
		if (git_only(spec[i].id))
			continue;
		if (!has_fixture(spec[i].id, "fires"))
			fail_msg("no tests/fixtures/%s/fires*.md", spec[i].id);
		if (!has_fixture(spec[i].id, "passes"))
			fail_msg("no tests/fixtures/%s/passes*.md", spec[i].id);
	}
}

static void test_severity_names(void **state)
{
	tg_severity s;

	(void)state;
	assert_int_equal(tg_severity_parse(&s, "warning"), 0);
	assert_int_equal(s, TG_SEVERITY_WARNING);
	assert_int_equal(tg_severity_parse(&s, "off"), 0);
	assert_int_equal(s, TG_SEVERITY_OFF);
	assert_int_equal(tg_severity_parse(&s, "fatal"), TG_EINVALID);
	assert_string_equal(tg_severity_name(TG_SEVERITY_NOTE), "note");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_matches_spec),
		cmocka_unit_test(test_explanations_are_the_rule_docs),
		cmocka_unit_test(test_every_rule_has_fixtures),
		cmocka_unit_test(test_severity_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
