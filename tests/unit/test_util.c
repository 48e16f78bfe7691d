/*
 * Unit tests for src/util: globs, dates, people, UTF-8, buffers, vectors,
 * strings and errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/util.h"

/* ---- globs ---- */

static void test_glob_double_star_sdd(void **state)
{
	(void)state;
	assert_true(tg_glob_match("**/*.sdd.md", "a.sdd.md"));
	assert_true(tg_glob_match("**/*.sdd.md", "x/a.sdd.md"));
	assert_true(tg_glob_match("**/*.sdd.md", "x/y/a.sdd.md"));
	assert_false(tg_glob_match("**/*.sdd.md", "x/y/a.md"));
	assert_false(tg_glob_match("**/*.sdd.md", "x/y/a.sdd.md.bak"));
	assert_false(tg_glob_match("**/*.sdd.md", "x/a.sdd.md/b"));
}

static void test_glob_docs_design(void **state)
{
	(void)state;
	assert_true(tg_glob_match("docs/design/**/*.md", "docs/design/a.md"));
	assert_true(tg_glob_match("docs/design/**/*.md", "docs/design/x/a.md"));
	assert_true(tg_glob_match("docs/design/**/*.md",
	                          "docs/design/x/y/z/a.md"));
	assert_true(tg_glob_match("docs/design/**/*.md", "./docs/design/a.md"));
	assert_false(tg_glob_match("docs/design/**/*.md", "docs/a.md"));
	assert_false(tg_glob_match("docs/design/**/*.md", "docs/designs/a.md"));
	assert_false(tg_glob_match("docs/design/**/*.md", "docs/design.md"));
	assert_false(tg_glob_match("docs/design/**/*.md", "x/docs/design/a.md"));
	assert_false(tg_glob_match("docs/design/**/*.md", "docs/design/a.txt"));
	assert_true(tg_glob_match("design/**/*.md", "design/a.md"));
	assert_false(tg_glob_match("design/**/*.md", "docs/design/a.md"));
}

static void test_glob_rfcs(void **state)
{
	(void)state;
	assert_true(tg_glob_match("rfcs/**/*.md", "rfcs/0001-x.md"));
	assert_true(tg_glob_match("rfcs/**/*.md", "rfcs/2026/0001-x.md"));
	assert_false(tg_glob_match("rfcs/**/*.md", "rfcs/README"));
	assert_false(tg_glob_match("rfcs/**/*.md", "rfcsx/a.md"));
}

static void test_glob_star_stays_in_segment(void **state)
{
	(void)state;
	assert_true(tg_glob_match("docs/*.md", "docs/a.md"));
	assert_false(tg_glob_match("docs/*.md", "docs/x/a.md"));
	assert_true(tg_glob_match("docs/*/a.md", "docs/x/a.md"));
	assert_false(tg_glob_match("docs/*/a.md", "docs/x/y/a.md"));
	assert_true(tg_glob_match("docs/a*b*c.md", "docs/aXbYbZc.md"));
	assert_false(tg_glob_match("docs/a*c.md", "docs/a/c.md"));
}

static void test_glob_question_and_classes(void **state)
{
	(void)state;
	assert_true(tg_glob_match("docs/?.md", "docs/a.md"));
	assert_false(tg_glob_match("docs/?.md", "docs/ab.md"));
	assert_false(tg_glob_match("docs?a.md", "docs/a.md"));
	assert_true(tg_glob_match("docs/[abc].md", "docs/b.md"));
	assert_false(tg_glob_match("docs/[abc].md", "docs/d.md"));
	assert_true(tg_glob_match("docs/[a-c]x.md", "docs/cx.md"));
	assert_false(tg_glob_match("docs/[a-c]x.md", "docs/dx.md"));
	assert_true(tg_glob_match("docs/[!a-c]x.md", "docs/dx.md"));
	assert_false(tg_glob_match("docs/[!a-c]x.md", "docs/ax.md"));
	assert_true(tg_glob_match("docs/[^a]x.md", "docs/bx.md"));
	assert_false(tg_glob_match("docs[/]a.md", "docs/a.md"));
}

static void test_glob_basename_and_folder(void **state)
{
	(void)state;
	/* no slash: the basename anywhere, as in .gitignore */
	assert_true(tg_glob_match("*.md", "a.md"));
	assert_true(tg_glob_match("*.md", "x/y/a.md"));
	assert_false(tg_glob_match("*.md", "x/y/a.txt"));
	/* a leading slash anchors at the root */
	assert_true(tg_glob_match("/docs/*.md", "docs/a.md"));
	/* a trailing double star matches the folder and below */
	assert_true(tg_glob_match("services/payments/**", "services/payments"));
	assert_true(tg_glob_match("services/payments/**",
	                          "services/payments/a/b.c"));
	assert_false(tg_glob_match("services/payments/**",
	                           "services/paymentsx/a"));
	assert_false(tg_glob_match(NULL, "a"));
	assert_false(tg_glob_match("a", NULL));
}

static void test_glob_hostile_is_fast(void **state)
{
	char path[4096];

	(void)state;
	memset(path, 'a', sizeof(path) - 2);
	path[sizeof(path) - 2] = 'b';
	path[sizeof(path) - 1] = '\0';
	assert_false(tg_glob_match("x/*a*a*a*a*a*a*a*a*a*a*c", path));
	assert_false(tg_glob_match("*a*a*a*a*a*a*a*a*a*a*a*c", path));
}

/* ---- dates ---- */

static void test_date_parse(void **state)
{
	char out[11];

	(void)state;
	assert_int_equal(tg_date_parse("1970-01-01"), 0);
	assert_int_equal(tg_date_parse("1970-01-02"), 1);
	assert_int_equal(tg_date_parse("2000-03-01"), 11017);
	assert_int_equal(tg_date_parse("2026-10-02T10:00:00Z"),
	                 tg_date_parse("2026-10-02"));
	assert_int_equal(tg_date_parse("2026-10-02 10:00"),
	                 tg_date_parse("2026-10-02"));
	tg_date_format(out, tg_date_parse("2026-11-01"));
	assert_string_equal(out, "2026-11-01");
	tg_date_format(out, 0);
	assert_string_equal(out, "1970-01-01");
	assert_int_equal(tg_date_parse("2027-01-01") - tg_date_parse("2026-01-01"),
	                 365);
}

static void test_date_leap_years(void **state)
{
	(void)state;
	assert_true(tg_date_parse("2024-02-29") > 0);
	assert_true(tg_date_parse("2000-02-29") > 0);	/* divisible by 400 */
	assert_int_equal(tg_date_parse("2023-02-29"), -1);
	assert_int_equal(tg_date_parse("2100-02-29"), -1);	/* by 100 only */
	assert_int_equal(tg_date_parse("2024-03-01") - tg_date_parse("2024-02-28"),
	                 2);
	assert_int_equal(tg_date_parse("2023-03-01") - tg_date_parse("2023-02-28"),
	                 1);
}

static void test_date_bad(void **state)
{
	(void)state;
	assert_int_equal(tg_date_parse(NULL), -1);
	assert_int_equal(tg_date_parse(""), -1);
	assert_int_equal(tg_date_parse("2026"), -1);
	assert_int_equal(tg_date_parse("2026-4-1"), -1);
	assert_int_equal(tg_date_parse("2026-13-01"), -1);
	assert_int_equal(tg_date_parse("2026-00-10"), -1);
	assert_int_equal(tg_date_parse("2026-04-31"), -1);
	assert_int_equal(tg_date_parse("2026-04-00"), -1);
	assert_int_equal(tg_date_parse("2026/04/01"), -1);
	assert_int_equal(tg_date_parse("2026-04-01x"), -1);
	assert_int_equal(tg_date_parse("1969-12-31"), -1);
	assert_int_equal(tg_date_parse("yesterday"), -1);
}

/* Today is the library's setting, never THREATGATE_TODAY itself. */
static void test_date_today_option(void **state)
{
	tg_options options = TG_OPTIONS_INIT;

	(void)state;
	options.today = tg_date_parse("2026-11-01");
	assert_int_equal(tg_options_set(&options), 0);
	assert_int_equal(tg_date_today(), tg_date_parse("2026-11-01"));
	setenv("THREATGATE_TODAY", "2020-01-01", 1);
	assert_int_equal(tg_date_today(), tg_date_parse("2026-11-01"));
	unsetenv("THREATGATE_TODAY");
	assert_int_equal(tg_options_set(NULL), 0);
	assert_true(tg_date_today() > tg_date_parse("2024-01-01"));
}

/* Strings are copied; the defaults come back with NULL. */
static void test_options_copied(void **state)
{
	tg_options options = TG_OPTIONS_INIT;
	char file[] = "/tmp/index";

	(void)state;
	options.index_file = file;
	options.threads = 3;
	assert_int_equal(tg_options_set(&options), 0);
	file[1] = 'x';
	assert_string_equal(tg_options__get()->index_file, "/tmp/index");
	assert_int_equal(tg_parallel_threads(100), 3);
	assert_int_equal(tg_options_set(NULL), 0);
	assert_null(tg_options__get()->index_file);
	assert_int_equal(tg_options__get()->today, -1);
	tg_options__release();
}

/* ---- people ---- */

static void test_person_handle(void **state)
{
	(void)state;
	assert_true(tg_person_matches("Security review: @alice (2026-11-01)",
	                              "@alice"));
	assert_true(tg_person_matches("@ALICE", "@alice"));
	assert_true(tg_person_matches("alice", "@alice"));
	assert_true(tg_person_matches("reviewed by @alice.", "@alice"));
	assert_false(tg_person_matches("@alicex", "@alice"));
	assert_false(tg_person_matches("@alice-bob", "@alice"));
	assert_false(tg_person_matches("bob@alice", "@alice"));
	assert_false(tg_person_matches("@bob", "@alice"));
	/* a bare member is a handle or a one-word name */
	assert_true(tg_person_matches("- [x] Security review: @alice", "alice"));
	assert_true(tg_person_matches("Approved by Alice", "alice"));
	assert_false(tg_person_matches("Approved by Alicia", "alice"));
	assert_false(tg_person_matches("malice", "alice"));
	assert_false(tg_person_matches("@alice", "@"));
	assert_false(tg_person_matches(NULL, "@alice"));
	assert_false(tg_person_matches("@alice", NULL));
	assert_false(tg_person_matches("@alice", ""));
}

static void test_person_email(void **state)
{
	(void)state;
	assert_true(tg_person_matches("Jane Doe <jane@example.com>",
	                              "jane@example.com"));
	assert_true(tg_person_matches("Jane Doe <JANE@Example.COM>",
	                              "jane@example.com"));
	assert_true(tg_person_matches("signed by jane@example.com.",
	                              "jane@example.com"));
	assert_false(tg_person_matches("<mjane@example.com>", "jane@example.com"));
	assert_false(tg_person_matches("<jane@example.com.evil>",
	                               "jane@example.com"));
	/* a handle or name is not matched inside somebody's email */
	assert_false(tg_person_matches("alice@elsewhere.example", "alice"));
	assert_false(tg_person_matches("alice.smith@example.com", "alice"));
}

static void test_person_name(void **state)
{
	(void)state;
	assert_true(tg_person_matches("Security review: Alice Smith (2026-11-01)",
	                              "Alice Smith"));
	assert_true(tg_person_matches("alice smith", "Alice Smith"));
	assert_false(tg_person_matches("Alice Smithers", "Alice Smith"));
	assert_false(tg_person_matches("Bob Smith", "Alice Smith"));
}

static void assert_extract(const char *text, const char *first,
	const char *second)
{
	tg_vec v = TG_VEC_INIT;

	assert_int_equal(tg_person_extract(&v, text), 0);
	if (!first) {
		assert_int_equal(v.length, 0);
	} else {
		assert_true(v.length >= 1);
		assert_string_equal(v.items[0], first);
		if (second) {
			assert_int_equal(v.length, 2);
			assert_string_equal(v.items[1], second);
		} else {
			assert_int_equal(v.length, 1);
		}
	}
	tg_vec_release(&v, free);
}

static void test_person_extract(void **state)
{
	(void)state;
	assert_extract("- [x] Security review: @alice (2026-11-01)", "@alice", NULL);
	assert_extract("Security-Approved-by: Jane Doe <jane@example.com>",
	               "jane@example.com", NULL);
	assert_extract("@alice and @bob.", "@alice", "@bob");
	assert_extract("@org/security-team", "@org/security-team", NULL);
	assert_extract("Security review: Alice Smith (2026-11-01)",
	               "Alice Smith", NULL);
	assert_extract("Alice Smith 2026-11-01", "Alice Smith", NULL);
	assert_extract("Approved: Bob Jones -", "Bob Jones", NULL);
	assert_extract("Approved: Bob Jones \xE2\x80\x93", "Bob Jones", NULL);
	/* a name ending in a multi-byte letter keeps it whole */
	assert_extract("Approved: Jan \xC4\x80", "Jan \xC4\x80", NULL);
	assert_extract("Security review: (2026-11-01)", NULL, NULL);
	assert_extract("", NULL, NULL);
}

/* ---- UTF-8 ---- */

static bool utf8(const char *s, size_t len, size_t *off, bool *nul)
{
	*off = (size_t)-1;
	return tg_utf8_valid(s, len, off, nul);
}

static void test_utf8_valid(void **state)
{
	static const char ok[] = "plain, caf\xC3\xA9, \xE2\x82\xAC, \xF0\x9F\x98\x80, "
	                         "\xF4\x8F\xBF\xBF";
	size_t off;
	bool nul;

	(void)state;
	assert_true(utf8(ok, sizeof(ok) - 1, &off, &nul));
	assert_false(nul);
	assert_true(utf8("", 0, &off, &nul));
}

static void test_utf8_invalid(void **state)
{
	size_t off;
	bool nul;

	(void)state;
	assert_false(utf8("ab\xFFz", 4, &off, &nul));
	assert_int_equal(off, 2);
	assert_false(nul);
	/* a continuation byte alone */
	assert_false(utf8("a\x80", 2, &off, &nul));
	assert_int_equal(off, 1);
	/* truncated sequence at the end */
	assert_false(utf8("ab\xE2\x82", 4, &off, &nul));
	assert_int_equal(off, 2);
	/* a lead byte followed by ASCII */
	assert_false(utf8("\xC3(", 2, &off, &nul));
	assert_int_equal(off, 0);
	/* above U+10FFFF */
	assert_false(utf8("\xF4\x90\x80\x80", 4, &off, &nul));
	assert_false(utf8("\xF5\x80\x80\x80", 4, &off, &nul));
}

static void test_utf8_overlong(void **state)
{
	size_t off;
	bool nul;

	(void)state;
	assert_false(utf8("\xC0\xAF", 2, &off, &nul));	/* '/' in two bytes */
	assert_false(utf8("\xC1\xBF", 2, &off, &nul));
	assert_false(utf8("\xE0\x80\xAF", 3, &off, &nul));
	assert_false(utf8("\xF0\x80\x80\xAF", 4, &off, &nul));
	assert_false(utf8("x\xC0\x80", 3, &off, &nul));	/* overlong NUL */
	assert_int_equal(off, 1);
	assert_false(nul);
}

static void test_utf8_surrogate(void **state)
{
	size_t off;
	bool nul;

	(void)state;
	assert_false(utf8("\xED\xA0\x80", 3, &off, &nul));	/* U+D800 */
	assert_false(utf8("\xED\xBF\xBF", 3, &off, &nul));	/* U+DFFF */
	assert_true(utf8("\xED\x9F\xBF", 3, &off, &nul));	/* U+D7FF */
	assert_true(utf8("\xEE\x80\x80", 3, &off, &nul));	/* U+E000 */
}

static void test_utf8_nul(void **state)
{
	size_t off;
	bool nul;

	(void)state;
	assert_false(utf8("abc\0def", 7, &off, &nul));
	assert_true(nul);
	assert_int_equal(off, 3);
}

/* ---- buffers ---- */

static void test_buf_basic(void **state)
{
	tg_buf buf = TG_BUF_INIT;
	char *s;

	(void)state;
	assert_string_equal(tg_buf_cstr(&buf), "");
	tg_buf_puts(&buf, "hello");
	tg_buf_putc(&buf, ' ');
	tg_buf_printf(&buf, "%s %d", "world", 42);
	assert_string_equal(tg_buf_cstr(&buf), "hello world 42");
	assert_int_equal(buf.size, 14);
	tg_buf_clear(&buf);
	assert_string_equal(tg_buf_cstr(&buf), "");
	tg_buf_put(&buf, "abc", 3);
	s = tg_buf_detach(&buf);
	assert_string_equal(s, "abc");
	assert_null(buf.ptr);
	free(s);
	s = tg_buf_detach(&buf);	/* nothing added: "" not NULL */
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	tg_buf_release(&buf);
}

static void test_buf_grows(void **state)
{
	tg_buf buf = TG_BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < 10000; i++)
		tg_buf_putc(&buf, (char)('a' + i % 26));
	assert_false(buf.failed);
	assert_int_equal(buf.size, 10000);
	assert_int_equal(strlen(tg_buf_cstr(&buf)), 10000);
	assert_int_equal(buf.ptr[9999], 'a' + 9999 % 26);
	tg_buf_release(&buf);
}

static void test_buf_cap(void **state)
{
	tg_buf buf;

	(void)state;
	tg_buf_init(&buf, 8);
	tg_buf_puts(&buf, "12345678");	/* exactly the cap */
	assert_false(buf.failed);
	assert_string_equal(tg_buf_cstr(&buf), "12345678");
	tg_buf_putc(&buf, '9');		/* one over */
	assert_true(buf.failed);
	assert_int_equal(buf.size, 8);
	/* sticky: later small writes fail too */
	tg_buf_clear(&buf);
	tg_buf_putc(&buf, 'x');
	assert_true(buf.failed);
	assert_null(tg_buf_detach(&buf));
	assert_false(buf.failed);	/* detach resets */
	tg_buf_release(&buf);

	tg_buf_init(&buf, 4);
	tg_buf_printf(&buf, "%s", "too long");
	assert_true(buf.failed);
	tg_buf_release(&buf);
}

static void test_buf_overflow_fails(void **state)
{
	tg_buf buf = TG_BUF_INIT;

	(void)state;
	tg_buf_puts(&buf, "ab");
	/* a length that cannot be allocated fails instead of wrapping */
	tg_buf_put(&buf, "x", SIZE_MAX - 1);
	assert_true(buf.failed);
	assert_int_equal(buf.size, 2);
	tg_buf_put(&buf, "x", SIZE_MAX / 2);
	assert_true(buf.failed);
	assert_null(tg_buf_detach(&buf));
	tg_buf_release(&buf);
}

/* ---- vectors and strings ---- */

static void test_vec(void **state)
{
	tg_vec v = TG_VEC_INIT;
	char **copy;
	size_t i;
	char name[16];

	(void)state;
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "s%zu", i);
		assert_int_equal(tg_vec_push_str(&v, name), 0);
	}
	assert_int_equal(v.length, 100);
	assert_string_equal(v.items[42], "s42");
	copy = tg_vec_copy_strs(&v);
	assert_non_null(copy);
	assert_string_equal(copy[99], "s99");
	assert_null(copy[100]);
	for (i = 0; i < 100; i++)
		free(copy[i]);
	free(copy);
	tg_vec_release(&v, free);
	assert_int_equal(v.length, 0);
	assert_null(v.items);
	tg_vec_release(&v, free);	/* twice is fine */
}

static void test_strings(void **state)
{
	char a[] = "  \t Hello  World \n";
	char b[] = "MiXeD 123";
	char c[] = " a \t b\n\nc  ";

	(void)state;
	assert_string_equal(tg_trim(a), "Hello  World");
	assert_string_equal(tg_lower(b), "mixed 123");
	assert_string_equal(tg_squeeze(c), "a b c");
	assert_int_equal(tg_strcasecmp("Security", "SECURITY"), 0);
	assert_true(tg_strcasecmp("a", "b") < 0);
	assert_true(tg_starts_with_ci("Threat Model", "threat"));
	assert_false(tg_starts_with_ci("Thr", "threat"));
	assert_null(tg_trim(NULL));
}

static void test_errors(void **state)
{
	char *s;

	(void)state;
	tg_error_clear();
	assert_non_null(tg_error_last());
	assert_int_equal(tg_error_last()->code, 0);
	assert_int_equal(tg_error_set(TG_EINVALID, "bad '%s'", "x"), TG_EINVALID);
	assert_string_equal(tg_error_last()->message, "bad 'x'");
	assert_int_equal(tg_error_last()->code, TG_EINVALID);
	assert_int_equal(tg_error_oom(), TG_ENOMEM);
	assert_string_equal(tg_error_last()->message, "out of memory");
	tg_error_clear();
	assert_non_null(tg_error_last()->message);
	s = tg_printf("%d-%s", 7, "x");
	assert_string_equal(s, "7-x");
	free(s);
	s = tg_strndup("abcdef", 3);
	assert_string_equal(s, "abc");
	free(s);
	assert_null(tg_strdup(NULL));
}

static void test_severity_and_rules(void **state)
{
	tg_severity sev;
	tg_rule_id id;

	(void)state;
	assert_int_equal(tg_severity_parse(&sev, "warning"), 0);
	assert_int_equal(sev, TG_SEVERITY_WARNING);
	assert_int_equal(tg_severity_parse(&sev, "fatal"), TG_EINVALID);
	assert_string_equal(tg_severity_name(TG_SEVERITY_OFF), "off");
	assert_int_equal(tg_rule_lookup(&id, "stride-coverage"), 0);
	assert_int_equal(id, TG_RULE_STRIDE_COVERAGE);
	assert_string_equal(tg_rule_name(TG_RULE_NO_DOCUMENTS), "no-documents");
	assert_int_equal(tg_rule_lookup(&id, "no-such-rule"), TG_ENOTFOUND);
	assert_null(tg_rule_name(TG_RULE__COUNT));
}

static void test_suggest(void **state)
{
	static const char *const keys[] = { "docs", "maxDocSize", "signoff",
	                                    "stride-coverage", "missing-dri" };

	(void)state;
	/* A prefix of two: the fewer edits wins. */
	assert_string_equal(tg_suggest("doc", keys, 5), "docs");
	assert_string_equal(tg_suggest("stride-coverag", keys, 5),
	                    "stride-coverage");
	assert_string_equal(tg_suggest("missing-dir", keys, 5), "missing-dri");
	assert_null(tg_suggest("frobnicate", keys, 5));
	assert_null(tg_suggest("", keys, 5));
	assert_null(tg_suggest("docs", keys, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glob_double_star_sdd),
		cmocka_unit_test(test_glob_docs_design),
		cmocka_unit_test(test_glob_rfcs),
		cmocka_unit_test(test_glob_star_stays_in_segment),
		cmocka_unit_test(test_glob_question_and_classes),
		cmocka_unit_test(test_glob_basename_and_folder),
		cmocka_unit_test(test_glob_hostile_is_fast),
		cmocka_unit_test(test_date_parse),
		cmocka_unit_test(test_date_leap_years),
		cmocka_unit_test(test_date_bad),
		cmocka_unit_test(test_date_today_option),
		cmocka_unit_test(test_options_copied),
		cmocka_unit_test(test_person_handle),
		cmocka_unit_test(test_person_email),
		cmocka_unit_test(test_person_name),
		cmocka_unit_test(test_person_extract),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_invalid),
		cmocka_unit_test(test_utf8_overlong),
		cmocka_unit_test(test_utf8_surrogate),
		cmocka_unit_test(test_utf8_nul),
		cmocka_unit_test(test_buf_basic),
		cmocka_unit_test(test_buf_grows),
		cmocka_unit_test(test_buf_cap),
		cmocka_unit_test(test_buf_overflow_fails),
		cmocka_unit_test(test_vec),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_severity_and_rules),
		cmocka_unit_test(test_suggest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
