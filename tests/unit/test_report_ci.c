/*
 * The CI report writers: SARIF (shape, rules, fingerprints that survive
 * edits), GitHub workflow commands (escaping, step summary), GitLab Code
 * Quality (severity mapping, stable fingerprints) and the markdown
 * pull-request comment (marker, verdict, sections, links, escaping),
 * rendered to HTML with cmark-gfm.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include "threatgate.h"
#include "util/util.h"

static int setup(void **state)
{
	tg_findings *findings = NULL;

	if (tg_init() < 0 || tg_findings_new(&findings) < 0)
		return -1;
	*state = findings;
	return 0;
}

static int teardown(void **state)
{
	tg_findings_free(*state);
	tg_shutdown();
	return 0;
}

static void add_full(tg_findings *findings, const char *path, int line,
                     tg_rule_id rule, tg_severity severity,
                     const char *message, const char *section,
                     const char *threat, const char *revision)
{
	tg_finding f;

	memset(&f, 0, sizeof(f));
	f.path = (char *)path;
	f.revision = (char *)revision;
	f.line = line;
	f.column = line > 0 ? 1 : 0;
	f.rule = rule;
	f.severity = severity;
	f.message = (char *)message;
	f.section = (char *)section;
	f.threat = (char *)threat;
	assert_int_equal(tg_findings_add(findings, &f), 0);
}

static void add(tg_findings *findings, const char *path, int line,
                tg_rule_id rule, tg_severity severity, const char *message)
{
	add_full(findings, path, line, rule, severity, message, NULL, NULL,
	         NULL);
}

static char **strs(const char *a)
{
	char **out = calloc(2, sizeof(char *));

	assert_non_null(out);
	out[0] = tg_strdup(a);
	return out;
}

/* A document needing a sign-off it lacks, with one trigger and a P1. */
static void add_doc(tg_findings *findings, const char *path, const char *title,
                    bool signed_off)
{
	tg_doc_summary *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->path = tg_strdup(path);
	s->revision = tg_strdup("1111111111111111111111111111111111111111");
	s->readable = true;
	s->title = tg_strdup(title);
	s->age_days = -1;
	s->threats = calloc(1, sizeof(*s->threats));
	assert_non_null(s->threats);
	s->threats[0].id = tg_strdup("T1");
	s->threats[0].title = tg_strdup("Forged webhook call");
	s->threats[0].category = tg_strdup("S");
	s->threats[0].priority = TG_PRIORITY_P1;
	s->threats[0].status = TG_STATUS_OPEN;
	s->threats[0].line = 24;
	s->threats_count = 1;
	s->triggers = calloc(1, sizeof(*s->triggers));
	assert_non_null(s->triggers);
	s->triggers[0].id = tg_strdup("internet-exposed");
	s->triggers[0].match = tg_strdup("exposure: internet");
	s->triggers[0].line = 7;
	s->triggers_count = 1;
	s->signoff_required = true;
	s->signoff_present = signed_off;
	if (signed_off) {
		s->signoff_by = strs("@alice");
		s->signoff_by_count = 1;
		s->signoff_line = 30;
	}
	assert_int_equal(tg_findings_add_document(findings, s), 0);
}

static char *render_with(const tg_findings *findings,
                         const tg_report_options *options)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	assert_int_equal(tg_report_write(out, findings, options), 0);
	assert_int_equal(fclose(out), 0);
	return text;
}

static char *render(const tg_findings *findings, tg_format format)
{
	tg_report_options options = TG_REPORT_OPTIONS_INIT;

	options.format = format;
	return render_with(findings, &options);
}

static json_t *parse(const char *text)
{
	json_error_t jerr;
	json_t *root = json_loads(text, 0, &jerr);

	if (!root)
		fail_msg("not JSON: %s: %s", jerr.text, text);
	return root;
}

static size_t count_of(const char *haystack, const char *needle)
{
	size_t n = 0;
	const char *p = haystack;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return n;
}

/* ---- SARIF ---- */

static const char *fingerprint_of(json_t *result)
{
	return json_string_value(json_object_get(json_object_get(result,
		"partialFingerprints"), "threatgate/v1"));
}

static void test_sarif_shape(void **state)
{
	tg_findings *findings = *state;
	json_t *root, *run, *rules, *rule, *result, *region;
	const tg_rule_info *table;
	size_t count, i;
	char *text;

	add_full(findings, "docs/design/pay ment.md", 24,
	         TG_RULE_THREAT_MISSING_MITIGATION, TG_SEVERITY_ERROR,
	         "threat T1 (P1) has no mitigation", "Security/Threat Model",
	         "T1", "0123456789abcdef0123456789abcdef01234567");
	text = render(findings, TG_FORMAT_SARIF);
	root = parse(text);
	assert_string_equal(json_string_value(json_object_get(root,
		"version")), "2.1.0");
	assert_non_null(strstr(json_string_value(json_object_get(root,
		"$schema")), "sarif-schema-2.1.0.json"));
	run = json_array_get(json_object_get(root, "runs"), 0);
	assert_non_null(run);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		json_object_get(run, "tool"), "driver"), "name")), "threatgate");

	/* Every rule, with its summary, explain text and default level. */
	rules = json_object_get(json_object_get(json_object_get(run, "tool"),
		"driver"), "rules");
	table = tg_rules_table(&count);
	assert_int_equal(json_array_size(rules), count);
	for (i = 0; i < count; i++) {
		rule = json_array_get(rules, i);
		assert_string_equal(json_string_value(json_object_get(rule,
			"id")), table[i].name);
		assert_string_equal(json_string_value(json_object_get(
			json_object_get(rule, "shortDescription"), "text")),
			table[i].summary);
		assert_string_equal(json_string_value(json_object_get(
			json_object_get(rule, "help"), "text")),
			table[i].explain);
		assert_non_null(json_string_value(json_object_get(
			json_object_get(rule, "fullDescription"), "text")));
		assert_string_equal(json_string_value(json_object_get(
			json_object_get(rule, "defaultConfiguration"), "level")),
			tg_severity_name(table[i].default_severity));
	}

	result = json_array_get(json_object_get(run, "results"), 0);
	assert_string_equal(json_string_value(json_object_get(result,
		"ruleId")), "threat-missing-mitigation");
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		rules, (size_t)json_integer_value(json_object_get(result,
		"ruleIndex"))), "id")), "threat-missing-mitigation");
	assert_string_equal(json_string_value(json_object_get(result,
		"level")), "error");
	/* A relative URI, percent-encoded. */
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		json_object_get(json_array_get(json_object_get(result,
		"locations"), 0), "physicalLocation"), "artifactLocation"),
		"uri")), "docs/design/pay%20ment.md");
	region = json_object_get(json_object_get(json_array_get(
		json_object_get(result, "locations"), 0), "physicalLocation"),
		"region");
	assert_int_equal(json_integer_value(json_object_get(region,
		"startLine")), 24);
	assert_int_equal(json_integer_value(json_object_get(region,
		"startColumn")), 1);
	assert_non_null(fingerprint_of(result));
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		result, "properties"), "threat")), "T1");
	json_decref(root);
	free(text);
}

/* The fingerprint of the first result, for a finding at `line`. */
static char *sarif_fingerprint(const char *path, int line, const char *threat,
                               const char *message)
{
	tg_findings *findings = NULL;
	json_t *root;
	char *text, *print;

	assert_int_equal(tg_findings_new(&findings), 0);
	add_full(findings, path, line, TG_RULE_THREAT_MISSING_PRIORITY,
	         TG_SEVERITY_ERROR, message, "Security/Threat Model", threat,
	         NULL);
	text = render(findings, TG_FORMAT_SARIF);
	root = parse(text);
	print = tg_strdup(fingerprint_of(json_array_get(json_object_get(
		json_array_get(json_object_get(root, "runs"), 0), "results"),
		0)));
	json_decref(root);
	free(text);
	tg_findings_free(findings);
	return print;
}

static void test_sarif_fingerprints_survive_edits(void **state)
{
	char *a, *b, *c, *d;

	(void)state;
	a = sarif_fingerprint("docs/design/a.md", 24, "T2", "at line 24");
	/* Lines added above, message reworded: the same alert. */
	b = sarif_fingerprint("docs/design/a.md", 61, "T2", "at line 61");
	/* Another threat, another path: another alert. */
	c = sarif_fingerprint("docs/design/a.md", 24, "T3", "at line 24");
	d = sarif_fingerprint("docs/design/b.md", 24, "T2", "at line 24");
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_string_not_equal(a, d);
	assert_non_null(strstr(a, ":1"));
	free(a);
	free(b);
	free(c);
	free(d);
}

static void test_sarif_same_key_counts_occurrences(void **state)
{
	tg_findings *findings = *state;
	json_t *root, *results;
	const char *first, *second;
	char *text;

	/* Two stride-coverage findings share rule, path and section. */
	add_full(findings, "d.md", 10, TG_RULE_STRIDE_COVERAGE,
	         TG_SEVERITY_WARNING, "no Repudiation", "Security/Threat Model",
	         NULL, NULL);
	add_full(findings, "d.md", 10, TG_RULE_STRIDE_COVERAGE,
	         TG_SEVERITY_WARNING, "no Tampering", "Security/Threat Model",
	         NULL, NULL);
	text = render(findings, TG_FORMAT_SARIF);
	root = parse(text);
	results = json_object_get(json_array_get(json_object_get(root, "runs"),
		0), "results");
	first = fingerprint_of(json_array_get(results, 0));
	second = fingerprint_of(json_array_get(results, 1));
	assert_string_not_equal(first, second);
	assert_int_equal(strncmp(first, second, 16), 0);
	assert_non_null(strstr(second, ":2"));
	json_decref(root);
	free(text);
}

static void test_sarif_empty(void **state)
{
	json_t *root;
	char *text = render(*state, TG_FORMAT_SARIF);

	root = parse(text);
	assert_int_equal(json_array_size(json_object_get(json_array_get(
		json_object_get(root, "runs"), 0), "results")), 0);
	json_decref(root);
	free(text);
}

/* ---- GitHub workflow commands ---- */

static void test_github_escaping(void **state)
{
	tg_findings *findings = *state;
	char *text;

	add(findings, "docs/a%b,c:d\r\n.md", 12, TG_RULE_NO_THREATS,
	    TG_SEVERITY_ERROR, "50% done: first,\r\n::error::injected");
	text = render(findings, TG_FORMAT_GITHUB);
	/* Properties: % CR LF : , escaped; data: % CR LF escaped. */
	assert_non_null(strstr(text,
		"::error file=docs/a%25b%2Cc%3Ad%0D%0A.md,line=12,col=1,"
		"title=threatgate%3A no-threats::50%25 done: first,%0D%0A"
		"::error::injected%0A%0AFixed, for example:%0A"));
	/* One annotation line, then the summary line: nothing injected. */
	assert_int_equal(count_of(text, "\n"), 2);
	assert_non_null(strstr(text, "%0AMore: threatgate explain no-threats\n"
		"threatgate: 1 error, 0 warnings, 0 notes in 0 documents\n"));
	free(text);
}

static void test_github_levels(void **state)
{
	tg_findings *findings = *state;
	char *text;

	add(findings, "a.md", 1, TG_RULE_MISSING_DRI, TG_SEVERITY_WARNING, "w");
	add(findings, "a.md", 2, TG_RULE_NO_DOCUMENTS, TG_SEVERITY_NOTE, "n");
	text = render(findings, TG_FORMAT_GITHUB);
	assert_non_null(strstr(text, "::warning file=a.md,line=1,col=1,"));
	assert_non_null(strstr(text, "::notice file=a.md,line=2,col=1,"));
	free(text);
}

static void test_github_step_summary(void **state)
{
	tg_findings *findings = *state;
	tg_report_options options = TG_REPORT_OPTIONS_INIT;
	char path[] = "/tmp/tg-summary-XXXXXX";
	char buf[8192];
	size_t n;
	FILE *f;
	char *text;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "earlier step\n", 13), 13);
	close(fd);
	add(findings, "a.md", 3, TG_RULE_NO_THREATS, TG_SEVERITY_ERROR, "none");
	options.format = TG_FORMAT_GITHUB;
	options.step_summary = path;
	text = render_with(findings, &options);
	assert_non_null(strstr(text, "::error file=a.md"));
	free(text);

	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	unlink(path);
	/* Appended after what was there: the whole markdown report. */
	assert_int_equal(strncmp(buf, "earlier step\n" TG_REPORT_MARKDOWN_MARKER,
	                         13 + strlen(TG_REPORT_MARKDOWN_MARKER)), 0);
	assert_non_null(strstr(buf, "this change is blocked"));
	assert_non_null(strstr(buf, "(`no-threats`)"));
}

/* ---- GitLab Code Quality ---- */

static void test_gitlab_shape(void **state)
{
	tg_findings *findings = *state;
	json_t *root, *issue;
	char *text;
	size_t i, j;

	add(findings, "a.md", 3, TG_RULE_NO_THREATS, TG_SEVERITY_ERROR, "e");
	add(findings, "a.md", 4, TG_RULE_MISSING_DRI, TG_SEVERITY_WARNING, "w");
	add(findings, "a.md", 5, TG_RULE_NO_DOCUMENTS, TG_SEVERITY_NOTE, "n");
	add(findings, "./b.md", 6, TG_RULE_NO_DOCUMENTS, TG_SEVERITY_NOTE, "n");
	text = render(findings, TG_FORMAT_GITLAB);
	root = parse(text);
	assert_true(json_is_array(root));
	assert_int_equal(json_array_size(root), 4);
	issue = json_array_get(root, 0);
	assert_string_equal(json_string_value(json_object_get(issue,
		"check_name")), "no-threats");
	assert_string_equal(json_string_value(json_object_get(issue,
		"description")), "e");
	assert_string_equal(json_string_value(json_object_get(issue,
		"severity")), "major");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		issue, "location"), "path")), "a.md");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
		json_object_get(issue, "location"), "lines"), "begin")), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		root, 1), "severity")), "minor");
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		root, 2), "severity")), "info");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		json_array_get(root, 3), "location"), "path")), "b.md");
	for (i = 0; i < 4; i++)
		for (j = i + 1; j < 4; j++)
			assert_string_not_equal(
				json_string_value(json_object_get(
					json_array_get(root, i), "fingerprint")),
				json_string_value(json_object_get(
					json_array_get(root, j), "fingerprint")));
	json_decref(root);
	free(text);
}

static void test_gitlab_fingerprint_stable(void **state)
{
	tg_findings *other = NULL;
	json_t *a, *b;
	char *ta, *tb;

	add_full(*state, "a.md", 10, TG_RULE_THREAT_MISSING_PRIORITY,
	         TG_SEVERITY_ERROR, "x", "Security/Threat Model", "T5", NULL);
	assert_int_equal(tg_findings_new(&other), 0);
	add_full(other, "a.md", 99, TG_RULE_THREAT_MISSING_PRIORITY,
	         TG_SEVERITY_ERROR, "y", "Security/Threat Model", "T5", NULL);
	ta = render(*state, TG_FORMAT_GITLAB);
	tb = render(other, TG_FORMAT_GITLAB);
	a = parse(ta);
	b = parse(tb);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		a, 0), "fingerprint")), json_string_value(json_object_get(
		json_array_get(b, 0), "fingerprint")));
	json_decref(a);
	json_decref(b);
	free(ta);
	free(tb);
	tg_findings_free(other);
}

/* ---- markdown ---- */

static char *to_html(const char *markdown)
{
	cmark_parser *parser = cmark_parser_new(CMARK_OPT_UNSAFE);
	cmark_node *doc;
	const char *names[] = { "table", "autolink", "tasklist" };
	char *html;
	size_t i;

	assert_non_null(parser);
	for (i = 0; i < 3; i++)
		assert_int_equal(cmark_parser_attach_syntax_extension(parser,
			cmark_find_syntax_extension(names[i])), 1);
	cmark_parser_feed(parser, markdown, strlen(markdown));
	doc = cmark_parser_finish(parser);
	assert_non_null(doc);
	html = cmark_render_html(doc, CMARK_OPT_UNSAFE,
	                         cmark_parser_get_syntax_extensions(parser));
	cmark_node_free(doc);
	cmark_parser_free(parser);
	return html;
}

static void two_failing_docs(tg_findings *findings)
{
	add_doc(findings, "docs/design/a.md", "Alpha | service", false);
	add_doc(findings, "docs/design/b.md", "Beta", true);
	add_doc(findings, "docs/design/c.md", "Gamma", true);
	add_full(findings, "docs/design/a.md", 24,
	         TG_RULE_THREAT_MISSING_MITIGATION, TG_SEVERITY_ERROR,
	         "threat T1 (P1) has no mitigation", "Security/Threat Model",
	         "T1", "1111111111111111111111111111111111111111");
	add_full(findings, "docs/design/a.md", 31, TG_RULE_SIGNOFF_REQUIRED,
	         TG_SEVERITY_ERROR, "add '- [x] Security review: @reviewer'",
	         NULL, NULL, "1111111111111111111111111111111111111111");
	add_full(findings, "docs/design/b.md", 1, TG_RULE_MISSING_DRI,
	         TG_SEVERITY_WARNING, "no dri <email> | *bold* _x_", NULL,
	         NULL, "1111111111111111111111111111111111111111");
}

static void test_markdown_blocked(void **state)
{
	tg_findings *findings = *state;
	tg_report_options options = TG_REPORT_OPTIONS_INIT;
	const char *reviewers[] = { "@alice", "sec@example.com" };
	char *text, *html;

	two_failing_docs(findings);
	options.format = TG_FORMAT_MARKDOWN;
	options.forge_url = "https://github.com/acme/designs/";
	options.reviewers = reviewers;
	options.reviewers_count = 2;
	text = render_with(findings, &options);

	/* The marker first, then the verdict. */
	assert_int_equal(strncmp(text, TG_REPORT_MARKDOWN_MARKER "\n### ",
	                         strlen(TG_REPORT_MARKDOWN_MARKER) + 5), 0);
	assert_non_null(strstr(text, "this change is blocked"));
	assert_non_null(strstr(text, "**2 errors** in 1 of 3 design documents"));
	/* Links at the finding's revision. */
	assert_non_null(strstr(text, "[line 24](https://github.com/acme/designs"
		"/blob/1111111111111111111111111111111111111111/docs/design/a.md"
		"#L24)"));
	/* The sign-off: why, and who. */
	assert_non_null(strstr(text, "- `internet-exposed`: `exposure: "
		"internet` at [line 7]("));
	assert_non_null(strstr(text, "- P1 threat T1 at [line 24]("));
	assert_non_null(strstr(text, "Who can give it: `@alice` or "
		"`sec@example.com`."));
	assert_non_null(strstr(text, "- [x] Security review: @alice ("));
	/* How to fix, from explain, folded. */
	assert_non_null(strstr(text, "<details><summary>How to fix "
		"<code>threat-missing-mitigation</code>"));
	/* Escaping: no ping, no stray Markdown, no broken table. */
	assert_non_null(strstr(text, "`@reviewer`"));
	assert_non_null(strstr(text, "no dri \\<email\\> \\| \\*bold\\* \\_x\\_"));
	assert_non_null(strstr(text, "Alpha \\| service"));

	html = to_html(text);
	assert_non_null(strstr(html, TG_REPORT_MARKDOWN_MARKER));
	/* One section per document with findings: a and b, not c. */
	assert_int_equal(count_of(html, "<h4>"), 2);
	assert_non_null(strstr(html, "<h3>"));
	assert_int_equal(count_of(html, "<table>"), 1);
	/* The table has a row per document, each with six cells. */
	assert_int_equal(count_of(html, "<tr>"), 4);
	assert_int_equal(count_of(html, "<td"), 18);
	assert_non_null(strstr(html, "<a href=\"https://github.com/acme/designs"
		"/blob/1111111111111111111111111111111111111111/docs/design/a.md"
		"#L24\">line 24</a>"));
	assert_null(strstr(html, "<email>"));
	assert_null(strstr(html, "<em>bold</em>"));
	assert_null(strstr(html, "<em>x</em>"));
	assert_non_null(strstr(html, "*bold* _x_"));
	free(html);
	free(text);
}

static void test_markdown_gitlab_links(void **state)
{
	tg_findings *findings = *state;
	tg_report_options options = TG_REPORT_OPTIONS_INIT;
	char *text;

	add(findings, "docs/x y.md", 5, TG_RULE_NO_THREATS, TG_SEVERITY_ERROR,
	    "none");
	options.format = TG_FORMAT_MARKDOWN;
	options.forge_url = "https://gitlab.example.com/group/designs";
	options.head = "abc123";
	text = render_with(findings, &options);
	assert_non_null(strstr(text, "(https://gitlab.example.com/group/"
		"designs/-/blob/abc123/docs/x%20y.md#L5)"));
	free(text);

	options.forge_url = "https://code.example.com/group/designs/-";
	text = render_with(findings, &options);
	assert_non_null(strstr(text, "(https://code.example.com/group/"
		"designs/-/blob/abc123/docs/x%20y.md#L5)"));
	free(text);
}

static void test_markdown_no_links_without_forge(void **state)
{
	tg_findings *findings = *state;
	char *text;

	add_full(findings, "a.md", 5, TG_RULE_NO_THREATS, TG_SEVERITY_ERROR,
	         "none", NULL, NULL, "abc");
	text = render(findings, TG_FORMAT_MARKDOWN);
	assert_non_null(strstr(text, "at line 5: none"));
	assert_null(strstr(text, "]("));
	free(text);
}

static void test_markdown_pass(void **state)
{
	tg_findings *findings = *state;
	tg_report_options options = TG_REPORT_OPTIONS_INIT;
	char *text;

	add_doc(findings, "docs/design/b.md", "Beta", true);
	options.format = TG_FORMAT_MARKDOWN;
	text = render_with(findings, &options);
	assert_int_equal(strncmp(text, TG_REPORT_MARKDOWN_MARKER "\n",
	                         strlen(TG_REPORT_MARKDOWN_MARKER) + 1), 0);
	assert_non_null(strstr(text, "the design documents pass"));
	assert_non_null(strstr(text, "Checked 1 design document: nothing "
		"to fix."));
	assert_null(strstr(text, "<details>"));
	/* Short: a verdict, the documents, a footer. */
	assert_true(strlen(text) < 600);
	free(text);

	/* --no-pass-comment: nothing at all. */
	options.comment_on_pass = false;
	text = render_with(findings, &options);
	assert_string_equal(text, "");
	free(text);
}

static void test_markdown_warnings_do_not_block(void **state)
{
	tg_findings *findings = *state;
	tg_report_options options = TG_REPORT_OPTIONS_INIT;
	char *text;

	add_doc(findings, "docs/design/b.md", "Beta", true);
	add(findings, "docs/design/b.md", 1, TG_RULE_MISSING_DRI,
	    TG_SEVERITY_WARNING, "no dri");
	options.format = TG_FORMAT_MARKDOWN;
	text = render_with(findings, &options);
	assert_non_null(strstr(text, "nothing blocks this change"));
	assert_non_null(strstr(text, "(`missing-dri`)"));
	free(text);

	/* With --fail-on warning the same warning blocks. */
	options.fail_on = TG_SEVERITY_WARNING;
	text = render_with(findings, &options);
	assert_non_null(strstr(text, "this change is blocked"));
	assert_non_null(strstr(text, "**1 finding**"));
	free(text);
}

static void test_markdown_stays_under_the_forge_limit(void **state)
{
	tg_findings *findings = *state;
	char path[64], *text;
	int i;

	for (i = 0; i < 400; i++) {
		snprintf(path, sizeof(path), "docs/design/doc-%03d.md", i);
		add_doc(findings, path, "A design with a long enough title", false);
		add_full(findings, path, 24, TG_RULE_THREAT_MISSING_MITIGATION,
		         TG_SEVERITY_ERROR, "threat T1 (P1) has no mitigation",
		         "Security/Threat Model", "T1",
		         "1111111111111111111111111111111111111111");
	}
	text = render(findings, TG_FORMAT_MARKDOWN);
	/* GitHub refuses a comment over 65,536 characters. */
	assert_true(strlen(text) < 65536);
	assert_non_null(strstr(text, "**400 errors** in 400 design documents"));
	assert_non_null(strstr(text, "... and 350 more documents."));
	assert_non_null(strstr(text, "more findings not shown"));
	assert_non_null(strstr(text, "</sub>\n"));
	free(text);
}

static void test_markdown_nothing_checked(void **state)
{
	char *text = render(*state, TG_FORMAT_MARKDOWN);

	assert_non_null(strstr(text, "no design document changed"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sarif_shape, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(
			test_sarif_fingerprints_survive_edits, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_sarif_same_key_counts_occurrences, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sarif_empty, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_github_escaping, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_github_levels, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_github_step_summary, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_gitlab_shape, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_gitlab_fingerprint_stable,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_markdown_blocked, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_markdown_gitlab_links,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_markdown_no_links_without_forge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_markdown_pass, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(
			test_markdown_warnings_do_not_block, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_markdown_stays_under_the_forge_limit, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_markdown_nothing_checked,
		                                setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
