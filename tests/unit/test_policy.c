/*
 * Unit tests for the policy: defaults, every key, errors with their line,
 * triggers, sections, roles, exceptions and the git config levels.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <git2.h>
#include "policy/policy.h"

/* ---- helpers ---- */

static int rm_entry(const char *path, const struct stat *st, int flag,
	struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_rf(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static char *make_tmpdir(void)
{
	char *dir = strdup("/tmp/tg-policy-test-XXXXXX");

	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	return dir;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[1024];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static tg_policy *new_policy(void)
{
	tg_policy *p = NULL;

	assert_int_equal(tg_policy_new(&p), 0);
	assert_non_null(p);
	return p;
}

static int load(tg_policy *p, const char *text)
{
	return tg_policy_load_buffer(p, ".threatgate", text, strlen(text));
}

/* A policy from text, loaded and finalized. */
static tg_policy *policy_from(const char *text)
{
	tg_policy *p = new_policy();
	int rc = load(p, text);

	if (rc < 0)
		fail_msg("load: %s", tg_error_last()->message);
	rc = tg_policy_finalize(p, NULL);
	if (rc < 0)
		fail_msg("finalize: %s", tg_error_last()->message);
	return p;
}

/* Loading (and, when `at_finalize`, finalizing) fails with this message. */
static void expect_error_at(const char *text, bool at_finalize, int code,
	const char *message)
{
	tg_policy *p = new_policy();
	int rc = load(p, text);

	if (at_finalize) {
		if (rc < 0)
			fail_msg("load failed early: %s", tg_error_last()->message);
		rc = tg_policy_finalize(p, NULL);
	}
	if (rc != code)
		fail_msg("expected %d, got %d (%s) for:\n%s", code, rc,
		         tg_error_last()->message, text);
	if (!strstr(tg_error_last()->message, message))
		fail_msg("message '%s' lacks '%s'", tg_error_last()->message,
		         message);
	tg_policy_free(p);
}

static void expect_error(const char *text, const char *message)
{
	expect_error_at(text, false, TG_EINVALID, message);
}

static const struct tg_trigger *trigger(const tg_policy *p, const char *name)
{
	const struct tg_trigger *t;
	size_t i;

	for (i = 0; i < p->triggers.length; i++) {
		t = p->triggers.items[i];
		if (strcmp(t->name, name) == 0)
			return t;
	}
	return NULL;
}

static bool matches(const pcre2_code *code, const tg_policy *p,
	const char *subject)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
	int rc;

	assert_non_null(md);
	rc = pcre2_match(code, (PCRE2_SPTR)subject, strlen(subject), 0, 0, md,
	                 p->match_context);
	pcre2_match_data_free(md);
	assert_true(rc > 0 || rc == PCRE2_ERROR_NOMATCH);
	return rc > 0;
}

static bool has_str(const tg_vec *v, const char *s)
{
	size_t i;

	for (i = 0; i < v->length; i++)
		if (strcmp(v->items[i], s) == 0)
			return true;
	return false;
}

/* The day the library takes for today (NULL: the clock). */
static void set_today(const char *date)
{
	tg_options options = TG_OPTIONS_INIT;

	if (date)
		options.today = tg_date_parse(date);
	assert_int_equal(tg_options_set(&options), 0);
}

static int setup_group(void **state)
{
	(void)state;
	git_libgit2_init();
	set_today(NULL);
	return 0;
}

static int teardown_group(void **state)
{
	(void)state;
	git_libgit2_shutdown();
	return 0;
}

/* ---- defaults ---- */

static void test_defaults(void **state)
{
	tg_policy *p = new_policy();
	const struct tg_section_rule *s;
	const struct tg_trigger *t;
	tg_rule_id r;

	(void)state;
	assert_int_equal(p->docs.length, 4);
	assert_string_equal(p->docs.items[0], "docs/design/**/*.md");
	assert_string_equal(p->docs.items[1], "design/**/*.md");
	assert_string_equal(p->docs.items[2], "**/*.sdd.md");
	assert_string_equal(p->docs.items[3], "rfcs/**/*.md");
	assert_false(p->docs_given);
	assert_int_equal(p->signoff, TG_SIGNOFF_TRIGGERED);
	assert_int_equal(p->reviewers.length, 0);
	assert_int_equal(p->max_age, 270);
	assert_false(p->require_reviewed_date);
	assert_int_equal(p->min_participants, 2);
	assert_int_equal(p->max_doc_size, 1048576);
	assert_int_equal(tg_policy_timeout(p), 5);
	assert_false(tg_policy_fail_open(p));
	assert_int_equal(tg_policy_fail_on(p), TG_SEVERITY_ERROR);
	assert_false(tg_policy_check_tags(p));
	assert_false(tg_policy_verify_signoff_author(p));
	assert_true(p->allow_inline_disable);
	assert_null(p->exceptions_path);
	assert_string_equal(p->accept[0], "executive");
	assert_string_equal(p->accept[1], "executive");
	assert_string_equal(p->accept[2], "manager");
	assert_string_equal(p->accept[3], "manager");
	assert_string_equal(p->accept[4], "manager");
	assert_string_equal(p->framework, "stride");
	assert_int_equal(p->categories_count, 6);
	assert_string_equal(p->categories[3].name, "Information disclosure");
	assert_int_equal(p->categories[3].letter, 'I');
	assert_int_equal(p->categories[5].letter, 'E');

	for (r = 0; r < TG_RULE__COUNT; r++)
		assert_false(p->severity_set[r]);
	/* the default severities are the rule table's: test_rules.c */

	assert_int_equal(p->sections.length, 3);
	s = tg_policy__section(p, "security");
	assert_non_null(s);
	assert_null(s->parent);
	assert_int_equal(s->need, TG_NEED_ALWAYS);
	assert_string_equal(s->display, "Security");
	s = tg_policy__section(p, "threat-model");
	assert_non_null(s);
	assert_string_equal(s->parent, "security");
	assert_int_equal(s->need, TG_NEED_ALWAYS);
	assert_string_equal(s->display, "Threat Model");
	s = tg_policy__section(p, "signoff");
	assert_non_null(s);
	assert_null(s->parent);
	assert_int_equal(s->need, TG_NEED_SIGNOFF);
	assert_string_equal(s->display, "Security Sign-off");
	assert_null(tg_policy__section(p, "nope"));

	assert_int_equal(p->triggers.length, 7);
	assert_non_null(trigger(p, "authentication"));
	assert_non_null(trigger(p, "authorization"));
	assert_non_null(trigger(p, "cryptography"));
	assert_non_null(trigger(p, "payments"));
	t = trigger(p, "personal-data");
	assert_non_null(t);
	assert_true(has_str(&t->fields, "data-classification=pii"));
	t = trigger(p, "health-data");
	assert_true(has_str(&t->fields, "data-classification=phi"));
	t = trigger(p, "internet-exposed");
	assert_int_equal(t->fields.length, 2);
	assert_true(has_str(&t->fields, "exposure=internet"));
	assert_true(has_str(&t->fields, "exposure=public"));
	assert_non_null(t->message);
	assert_true(t->enabled);

	assert_int_equal(tg_policy__role_rank(p, "manager"), 0);
	assert_int_equal(tg_policy__role_rank(p, "director"), 1);
	assert_int_equal(tg_policy__role_rank(p, "executive"), 2);
	tg_policy_free(p);
}

static void test_defaults_finalized(void **state)
{
	tg_policy *p = new_policy();
	const struct tg_section_rule *s;
	size_t i;

	(void)state;
	assert_int_equal(tg_policy_finalize(p, NULL), 0);
	assert_true(p->finalized);
	assert_non_null(p->match_context);
	for (i = 0; i < p->triggers.length; i++)
		assert_non_null(((struct tg_trigger *)p->triggers.items[i])->code);

	assert_true(tg_policy_is_document(p, "docs/design/payments.md"));
	assert_true(tg_policy_is_document(p, "docs/design/x/y.md"));
	assert_true(tg_policy_is_document(p, "design/a.md"));
	assert_true(tg_policy_is_document(p, "a.sdd.md"));
	assert_true(tg_policy_is_document(p, "services/x/a.sdd.md"));
	assert_true(tg_policy_is_document(p, "rfcs/0001.md"));
	assert_false(tg_policy_is_document(p, "README.md"));
	assert_false(tg_policy_is_document(p, "docs/a.md"));
	assert_false(tg_policy_is_document(p, NULL));
	assert_int_equal(tg_policy_signoff_mode(p, "docs/design/a.md"),
	                 TG_SIGNOFF_TRIGGERED);

	/* titles: caseless, anchored on both ends */
	s = tg_policy__section(p, "security");
	assert_true(matches(s->code, p, "security"));
	assert_true(matches(s->code, p, "Security Considerations"));
	assert_true(matches(s->code, p, "security and privacy"));
	assert_false(matches(s->code, p, "security notes"));
	assert_false(matches(s->code, p, "application security"));
	s = tg_policy__section(p, "threat-model");
	assert_true(matches(s->code, p, "threat modelling"));
	assert_true(matches(s->code, p, "threats"));
	assert_true(matches(s->code, p, "risks and mitigations"));
	assert_false(matches(s->code, p, "threat"));
	s = tg_policy__section(p, "signoff");
	assert_true(matches(s->code, p, "security signoff"));
	assert_true(matches(s->code, p, "security sign-off"));
	assert_true(matches(s->code, p, "sign-offs"));
	assert_true(matches(s->code, p, "approval"));
	assert_true(matches(s->code, p, "review history"));

	assert_true(matches(trigger(p, "authentication")->code, p,
	                    "Users sign in with OAuth2 and MFA."));
	assert_true(matches(trigger(p, "authentication")->weak_code, p,
	                    "Login flow"));
	assert_false(matches(trigger(p, "authentication")->code, p, "Login flow"));
	assert_false(matches(trigger(p, "authentication")->code, p,
	                     "a blog about cooking"));
	assert_true(matches(trigger(p, "authorization")->weak_code, p,
	                    "RBAC decides"));
	assert_true(matches(trigger(p, "authorization")->code, p,
	                    "a ClusterRole grants it"));
	assert_true(matches(trigger(p, "personal-data")->weak_code, p,
	                    "we keep e-mail addresses"));
	assert_true(matches(trigger(p, "personal-data")->code, p,
	                    "we keep personal data"));
	/* homonyms the ignore patterns know */
	assert_true(matches(trigger(p, "health-data")->ignore_code, p,
	                    "please be patient"));
	assert_true(matches(trigger(p, "cryptography")->ignore_code, p,
	                    "kept in thread-local storage (TLS)"));
	assert_true(matches(trigger(p, "internet-exposed")->ignore_code, p,
	                    "a validating admission webhook"));
	assert_true(matches(trigger(p, "payments")->ignore_code, p,
	                    "gas refunds"));
	assert_true(matches(trigger(p, "health-data")->code, p,
	                    "Patient records (HIPAA)"));
	assert_true(matches(trigger(p, "internet-exposed")->code, p,
	                    "a public API behind a reverse proxy"));
	assert_true(matches(trigger(p, "cryptography")->code, p,
	                    "keys live in KMS"));
	assert_true(matches(trigger(p, "payments")->code, p,
	                    "the checkout page"));
	assert_false(matches(trigger(p, "payments")->code, p, "paymentsystem"));

	/* roles without members */
	assert_false(tg_policy__roles_configured(p));
	assert_int_equal(tg_policy__person_rank(p, "@alice"), -1);
	assert_int_equal(tg_policy__role_rank(p, "executive"), 2);
	assert_int_equal(tg_policy__role_rank(p, "ciso"), -1);
	assert_false(tg_policy__is_reviewer(p, "@alice"));
	assert_false(tg_policy__excepted(p, TG_RULE_MISSING_DRI,
	                                 "docs/design/a.md"));
	tg_policy_free(p);
}

/* ---- keys ---- */

static void test_threatgate_keys(void **state)
{
	tg_policy *p;

	(void)state;
	p = policy_from(
		"# every threatgate.* key\n"
		"[threatgate]\n"
		"\tsignoff = always\n"
		"\treviewer = @alice\n"
		"\treviewer = bob@example.com\n"
		"\tmaxAge = 180\n"
		"\trequireReviewedDate = yes\n"
		"\tminParticipants = 3\n"
		"\tmaxDocSize = 2m\n"
		"\ttimeout = 30\n"
		"\tfailOpen\n"
		"\tfailOn = warning\n"
		"\tverifySignoffAuthor = on\n"
		"\tcheckTags = 1\n"
		"\tallowInlineDisable = false\n"
		"\tframework = LINDDUN\n");
	assert_int_equal(p->signoff, TG_SIGNOFF_ALWAYS);
	assert_int_equal(p->reviewers.length, 2);
	assert_true(tg_policy__is_reviewer(p, "- [x] Security review: @alice"));
	assert_true(tg_policy__is_reviewer(p, "Bob <BOB@example.com>"));
	assert_false(tg_policy__is_reviewer(p, "@mallory"));
	assert_int_equal(p->max_age, 180);
	assert_true(p->require_reviewed_date);
	assert_int_equal(p->min_participants, 3);
	assert_int_equal(p->max_doc_size, 2 * 1024 * 1024);
	assert_int_equal(tg_policy_timeout(p), 30);
	assert_true(tg_policy_fail_open(p));
	assert_int_equal(tg_policy_fail_on(p), TG_SEVERITY_WARNING);
	assert_true(tg_policy_verify_signoff_author(p));
	assert_true(tg_policy_check_tags(p));
	assert_false(p->allow_inline_disable);
	assert_string_equal(p->framework, "linddun");
	assert_int_equal(p->categories_count, 7);
	assert_string_equal(p->categories[0].name, "Linking");
	assert_int_equal(p->categories[0].letter, 0);
	/* untouched */
	assert_int_equal(p->docs.length, 4);
	tg_policy_free(p);

	p = policy_from("[threatgate]\n\tfailOn = never\n\tsignoff = never\n"
	                "\tmaxAge = 0\n\tminParticipants = 0\n"
	                "\tallowInlineDisable = no\n\tallowInlineDisable\n"
	                "\tfailOpen = true\n\tfailOpen =\n"
	                "[section \"signoff\"]\n\trequired\n");
	assert_true(p->allow_inline_disable);
	assert_false(tg_policy_fail_open(p));
	assert_int_equal(tg_policy__section(p, "signoff")->need, TG_NEED_ALWAYS);
	assert_int_equal(tg_policy_fail_on(p), TG_SEVERITY_OFF);
	assert_int_equal(p->signoff, TG_SIGNOFF_NEVER);
	assert_int_equal(p->max_age, 0);
	assert_int_equal(p->min_participants, 0);
	tg_policy_free(p);
}

static void test_later_wins(void **state)
{
	tg_policy *p;

	(void)state;
	p = policy_from("[threatgate]\n\tmaxAge = 10\n\tmaxAge = 20\n"
	                "[threatgate]\n\tmaxAge = 30\n\treviewer = @a\n"
	                "\treviewer = @b\n\treviewer =\n\treviewer = @c\n");
	assert_int_equal(p->max_age, 30);
	/* an empty value empties a list */
	assert_int_equal(p->reviewers.length, 1);
	assert_string_equal(p->reviewers.items[0], "@c");
	tg_policy_free(p);
}

static void test_rule_severity(void **state)
{
	tg_policy *p;
	tg_rule_id r;

	(void)state;
	p = policy_from("[rule \"missing-dri\"]\n\tseverity = error\n"
	                "[rule \"stride-coverage\"]\n\tseverity = off\n"
	                "[rule \"no-threats\"]\n\tseverity = Warning\n"
	                "[rule \"no-documents\"]\n\tseverity = note\n"
	                "[rule \"threat-missing-mitigation\"]\n"
	                "\tseverity = warning\n");
	assert_int_equal(p->severity[TG_RULE_MISSING_DRI], TG_SEVERITY_ERROR);
	assert_true(p->severity_set[TG_RULE_MISSING_DRI]);
	assert_int_equal(p->severity[TG_RULE_STRIDE_COVERAGE], TG_SEVERITY_OFF);
	assert_int_equal(p->severity[TG_RULE_NO_THREATS], TG_SEVERITY_WARNING);
	assert_int_equal(p->severity[TG_RULE_NO_DOCUMENTS], TG_SEVERITY_NOTE);
	assert_true(p->severity_set[TG_RULE_NO_DOCUMENTS]);
	assert_int_equal(p->severity[TG_RULE_THREAT_MISSING_MITIGATION],
	                 TG_SEVERITY_WARNING);
	assert_true(p->severity_set[TG_RULE_THREAT_MISSING_MITIGATION]);
	for (r = 0; r < TG_RULE__COUNT; r++) {
		if (r == TG_RULE_MISSING_DRI || r == TG_RULE_STRIDE_COVERAGE ||
		    r == TG_RULE_NO_THREATS || r == TG_RULE_NO_DOCUMENTS ||
		    r == TG_RULE_THREAT_MISSING_MITIGATION)
			continue;
		assert_false(p->severity_set[r]);
	}
	tg_policy_free(p);
}

/* Where the check runs: the defaults per place, and the keys that change them. */
static void test_stage_severity(void **state)
{
	tg_policy *p;

	(void)state;
	p = policy_from("[rule \"stride-coverage\"]\n\tseverity = error\n");
	/* the rule table, and the old key, everywhere but the local hooks */
	assert_int_equal(tg_policy__severity(p, TG_RULE_SIGNOFF_REQUIRED,
	                 TG_SEVERITY_ERROR), TG_SEVERITY_ERROR);
	tg_policy_set_stage(p, TG_STAGE_CI);
	assert_int_equal(tg_policy__severity(p, TG_RULE_SIGNOFF_REQUIRED,
	                 TG_SEVERITY_ERROR), TG_SEVERITY_ERROR);
	assert_false(tg_policy__drafts_soft(p));
	tg_policy_set_stage(p, TG_STAGE_PRE_PUSH);
	assert_int_equal(tg_policy__severity(p, TG_RULE_SIGNOFF_REQUIRED,
	                 TG_SEVERITY_ERROR), TG_SEVERITY_WARNING);
	assert_int_equal(tg_policy__severity(p, TG_RULE_SIGNOFF_UNAUTHORIZED,
	                 TG_SEVERITY_ERROR), TG_SEVERITY_WARNING);
	assert_int_equal(tg_policy__severity(p, TG_RULE_STRIDE_COVERAGE,
	                 TG_SEVERITY_WARNING), TG_SEVERITY_ERROR);
	assert_true(tg_policy__drafts_soft(p));
	assert_int_equal(tg_policy_fail_on(p), TG_SEVERITY_ERROR);
	tg_policy_free(p);

	p = policy_from("[hook \"pre-push\"]\n\tfailOn = never\n"
	                "\tdrafts = enforce\n"
	                "[hook \"ci\"]\n\tfailOn = warning\n"
	                "[rule \"signoff-required\"]\n"
	                "\tprePushSeverity = error\n\tciSeverity = off\n");
	tg_policy_set_stage(p, TG_STAGE_PRE_PUSH);
	assert_int_equal(tg_policy__severity(p, TG_RULE_SIGNOFF_REQUIRED,
	                 TG_SEVERITY_ERROR), TG_SEVERITY_ERROR);
	assert_int_equal(tg_policy_fail_on(p), TG_SEVERITY_OFF);
	assert_false(tg_policy__drafts_soft(p));
	tg_policy_set_stage(p, TG_STAGE_CI);
	assert_true(tg_policy__rule_off(p, TG_RULE_SIGNOFF_REQUIRED));
	assert_int_equal(tg_policy_fail_on(p), TG_SEVERITY_WARNING);
	/* --fail-on wins over the place's failOn */
	assert_int_equal(tg_policy_set_fail_on(p, "error"), 0);
	assert_int_equal(tg_policy_fail_on(p), TG_SEVERITY_ERROR);
	tg_policy_set_stage(p, TG_STAGE_CHECK);
	assert_false(tg_policy__rule_off(p, TG_RULE_SIGNOFF_REQUIRED));
	tg_policy_free(p);

	p = new_policy();
	assert_int_equal(load(p, "[hook \"pre-comit\"]\n\tfailOn = never\n"),
	                 TG_EINVALID);
	assert_non_null(strstr(tg_error_last()->message, "unknown hook"));
	assert_int_equal(load(p, "[hook \"ci\"]\n\tdrafts = maybe\n"),
	                 TG_EINVALID);
	assert_int_equal(load(p, "[rule \"nope\"]\n\tciSeverity = off\n"),
	                 TG_EINVALID);
	tg_policy_free(p);
}

static void test_docs_replace_defaults(void **state)
{
	tg_policy *p;

	(void)state;
	p = policy_from("[threatgate]\n\tdocs = arch/**/*.md\n"
	                "\tdocs = **/DESIGN.md\n");
	assert_true(p->docs_given);
	assert_int_equal(p->docs.length, 2);
	assert_true(tg_policy_is_document(p, "arch/x/a.md"));
	assert_true(tg_policy_is_document(p, "svc/DESIGN.md"));
	assert_false(tg_policy_is_document(p, "docs/design/a.md"));
	assert_false(tg_policy_is_document(p, "a.sdd.md"));
	tg_policy_free(p);

	/* a later section keeps adding; an empty value empties */
	p = policy_from("[threatgate]\n\tdocs = a/*.md\n[threatgate]\n"
	                "\tdocs = b/*.md\n");
	assert_int_equal(p->docs.length, 2);
	tg_policy_free(p);
	p = policy_from("[threatgate]\n\tdocs = a/*.md\n\tdocs =\n"
	                "\tdocs = c/*.md\n");
	assert_int_equal(p->docs.length, 1);
	assert_string_equal(p->docs.items[0], "c/*.md");
	tg_policy_free(p);
}

static void test_path_signoff(void **state)
{
	tg_policy *p;

	(void)state;
	p = policy_from("[threatgate]\n\tsignoff = always\n"
	                "[path \"docs/design/legacy/**\"]\n\tsignoff = never\n"
	                "[path \"docs/design/legacy/keep/**\"]\n"
	                "\tsignoff = triggered\n"
	                "[path \"Docs/Upper/*.md\"]\n\tsignoff = never\n");
	assert_int_equal(tg_policy_signoff_mode(p, "docs/design/a.md"),
	                 TG_SIGNOFF_ALWAYS);
	assert_int_equal(tg_policy_signoff_mode(p, "docs/design/legacy/a.md"),
	                 TG_SIGNOFF_NEVER);
	assert_int_equal(tg_policy_signoff_mode(p,
	                 "docs/design/legacy/keep/a.md"), TG_SIGNOFF_TRIGGERED);
	/* subsections keep their case */
	assert_int_equal(tg_policy_signoff_mode(p, "Docs/Upper/a.md"),
	                 TG_SIGNOFF_NEVER);
	assert_int_equal(tg_policy_signoff_mode(p, "docs/upper/a.md"),
	                 TG_SIGNOFF_ALWAYS);
	tg_policy_free(p);
}

static void test_roles_and_accept(void **state)
{
	tg_policy *p;
	size_t i;

	(void)state;
	p = policy_from("[threatgate]\n\troles = lead, manager\n"
	                "\troles = ciso\n"
	                "[role \"lead\"]\n\tmember = @lee\n"
	                "[role \"manager\"]\n\tmember = @mona\n"
	                "\tmember = Max Power\n"
	                "[role \"ciso\"]\n\tmember = carol@example.com\n"
	                "[accept]\n\tP1 = ciso\n\tP2 = ciso\n\tp3 = manager\n"
	                "\tP4 = lead\n\tP5 = lead\n");
	assert_true(tg_policy__roles_configured(p));
	assert_int_equal(tg_policy__role_rank(p, "lead"), 0);
	assert_int_equal(tg_policy__role_rank(p, "manager"), 1);
	assert_int_equal(tg_policy__role_rank(p, "CISO"), 2);
	assert_int_equal(tg_policy__role_rank(p, "executive"), -1);
	assert_int_equal(tg_policy__person_rank(p, "@lee"), 0);
	assert_int_equal(tg_policy__person_rank(p, "approved by @mona"), 1);
	assert_int_equal(tg_policy__person_rank(p, "Max Power (VP)"), 1);
	assert_int_equal(tg_policy__person_rank(p, "Carol <carol@example.com>"), 2);
	assert_int_equal(tg_policy__person_rank(p, "@nobody"), -1);
	/* several roles: the highest counts */
	assert_int_equal(tg_policy__person_rank(p, "@lee and @mona"), 1);
	assert_string_equal(p->accept[0], "ciso");
	assert_string_equal(p->accept[2], "manager");
	assert_string_equal(p->accept[4], "lead");
	/* the vector is in rank order */
	assert_int_equal(p->roles.length, 3);
	for (i = 0; i < p->roles.length; i++)
		assert_int_equal(((struct tg_role *)p->roles.items[i])->rank, (int)i);
	tg_policy_free(p);

	/* default ranking with members */
	p = policy_from("[role \"executive\"]\n\tmember = @eve\n"
	                "[role \"director\"]\n\tmember = @dan\n");
	assert_int_equal(tg_policy__person_rank(p, "@eve"), 2);
	assert_int_equal(tg_policy__person_rank(p, "@dan"), 1);
	assert_int_equal(tg_policy__role_rank(p, "manager"), 0);
	tg_policy_free(p);
}

static void test_trigger_disable_and_change(void **state)
{
	tg_policy *p;
	const struct tg_trigger *t;

	(void)state;
	p = policy_from("[trigger \"payments\"]\n\tenabled = false\n"
	                "[trigger \"cryptography\"]\n"
	                "\tpattern = \\\\b(aes|rsa)\\\\b\n"
	                "\tmessage = crypto needs review\n"
	                "[trigger \"internet-exposed\"]\n"
	                "\tfield = exposure = partner\n");
	assert_null(trigger(p, "payments"));
	assert_int_equal(p->triggers.length, 6);
	t = trigger(p, "cryptography");
	assert_string_equal(t->pattern, "\\b(aes|rsa)\\b");
	assert_string_equal(t->message, "crypto needs review");
	assert_true(matches(t->code, p, "we use AES"));
	assert_false(matches(t->code, p, "we use TLS"));
	t = trigger(p, "internet-exposed");
	assert_int_equal(t->fields.length, 3);
	assert_true(has_str(&t->fields, "exposure=partner"));
	tg_policy_free(p);

	/* disabled, then enabled again by a later line */
	p = policy_from("[trigger \"payments\"]\n\tenabled = false\n"
	                "\tenabled = true\n");
	assert_non_null(trigger(p, "payments"));
	tg_policy_free(p);

	/* an empty field value empties the conditions */
	p = policy_from("[trigger \"internet-exposed\"]\n\tfield =\n");
	assert_int_equal(trigger(p, "internet-exposed")->fields.length, 0);
	tg_policy_free(p);
}

static void test_trigger_new(void **state)
{
	tg_policy *p;
	const struct tg_trigger *t;

	(void)state;
	p = policy_from("[trigger \"ml-model\"]\n"
	                "\tpattern = \\\\b(llm|prompt injection)\\\\b\n"
	                "\tmessage = machine learning needs review\n"
	                "[trigger \"partner\"]\n\tfield = exposure=partner\n"
	                "\tfield = data-classification = confidential\n");
	assert_int_equal(p->triggers.length, 9);
	t = trigger(p, "ml-model");
	assert_non_null(t);
	assert_true(t->enabled);
	assert_non_null(t->code);
	assert_true(matches(t->code, p, "An LLM summarises"));
	assert_string_equal(t->message, "machine learning needs review");
	assert_string_equal(t->origin, ".threatgate:3");
	t = trigger(p, "partner");
	assert_null(t->pattern);
	assert_null(t->code);
	assert_int_equal(t->fields.length, 2);
	assert_string_equal(t->fields.items[1], "data-classification=confidential");
	tg_policy_free(p);

	/* neither a pattern nor a field */
	expect_error_at("[trigger \"empty\"]\n\tmessage = hi\n", true,
	                TG_EINVALID,
	                "cannot read policy '.threatgate': line 2: trigger "
	                "'empty' has neither a pattern nor a field");
}

static void test_sections_custom(void **state)
{
	tg_policy *p;
	const struct tg_section_rule *s;

	(void)state;
	p = policy_from("[section \"threat-model\"]\n"
	                "\ttitle = ^(threat model|attack surface)$\n"
	                "\tdisplay = Threat Model and Attack Surface\n"
	                "[section \"signoff\"]\n\trequired = true\n"
	                "[section \"privacy\"]\n\ttitle = privacy( review)?\n"
	                "\tparent = security\n\trequired = when-signoff\n"
	                "[section \"data-flow\"]\n\ttitle = data flows?\n"
	                "\trequired = false\n\tparent = threat-model\n");
	s = tg_policy__section(p, "threat-model");
	assert_true(matches(s->code, p, "attack surface"));
	assert_false(matches(s->code, p, "threats"));
	assert_string_equal(s->display, "Threat Model and Attack Surface");
	assert_string_equal(s->parent, "security");
	assert_int_equal(tg_policy__section(p, "signoff")->need, TG_NEED_ALWAYS);
	s = tg_policy__section(p, "privacy");
	assert_non_null(s);
	assert_int_equal(s->need, TG_NEED_SIGNOFF);
	assert_string_equal(s->parent, "security");
	assert_string_equal(s->display, "privacy");
	/* a title without ^ and $ is still anchored */
	assert_true(matches(s->code, p, "Privacy Review"));
	assert_false(matches(s->code, p, "privacy reviewers"));
	assert_false(matches(s->code, p, "data privacy"));
	s = tg_policy__section(p, "data-flow");
	assert_int_equal(s->need, TG_NEED_NEVER);
	assert_int_equal(p->sections.length, 5);
	tg_policy_free(p);

	/* the parent may be defined after the child */
	p = policy_from("[section \"child\"]\n\ttitle = c\n\tparent = later\n"
	                "[section \"later\"]\n\ttitle = l\n");
	assert_string_equal(tg_policy__section(p, "child")->parent, "later");
	tg_policy_free(p);

	/* removing the parent */
	p = policy_from("[section \"threat-model\"]\n\tparent =\n");
	assert_null(tg_policy__section(p, "threat-model")->parent);
	tg_policy_free(p);
}

static void test_section_errors(void **state)
{
	(void)state;
	expect_error_at("[section \"privacy\"]\n\ttitle = privacy\n"
	                "\tparent = nowhere\n", true, TG_EINVALID,
	                "line 3: section 'privacy' names an unknown parent "
	                "'nowhere'");
	expect_error_at("[section \"a\"]\n\ttitle = a\n\tparent = b\n"
	                "[section \"b\"]\n\ttitle = b\n\tparent = a\n",
	                true, TG_EINVALID, "parents form a cycle");
	expect_error_at("[section \"security\"]\n\tparent = threat-model\n",
	                true, TG_EINVALID, "parents form a cycle");
	expect_error("[section \"x\"]\n\ttitle = x\n\tparent = x\n",
	             "line 3: section 'x' cannot be its own parent");
	expect_error_at("[section \"x\"]\n\tdisplay = X\n", true, TG_EINVALID,
	                "line 2: section 'x' has no title pattern");
	expect_error("[section \"security\"]\n\trequired = sometimes\n",
	             "line 2: bad value 'sometimes' for 'section.security.required': "
	             "expected true, false or when-signoff");
	expect_error("[section \"security\"]\n\ttitle = (security\n",
	             "line 2: bad pattern '(security' for 'section.security.title': "
	             "missing closing parenthesis at offset 9");
	expect_error("[section \"security\"]\n\ttitle =\n",
	             "line 2: 'section.security.title' needs a value");
}

/* ---- errors with their lines ---- */

static void test_bad_keys(void **state)
{
	(void)state;
	expect_error("[threatgate]\n\tdocs = a/*.md\n\n\tseverty = x\n",
	             "cannot read policy '.threatgate': line 4: unknown key "
	             "'threatgate.severty'");
	expect_error("# comment\n[foo]\n\tbar = 1\n",
	             "line 3: unknown key 'foo.bar'");
	expect_error("[threatgate \"x\"]\n\tdocs = a\n",
	             "line 2: unknown key 'threatgate.x.docs'");
	expect_error("[rule]\n\tseverity = off\n",
	             "line 2: unknown key 'rule.severity'");
	expect_error("[rule \"missing-dri\"]\n\tlevel = off\n",
	             "line 2: unknown key 'rule.missing-dri.level'");
	expect_error("[trigger \"x\"]\n\tregex = a\n",
	             "line 2: unknown key 'trigger.x.regex'");
	expect_error("[accept]\n\tP6 = manager\n",
	             "line 2: unknown key 'accept.P6'");
	expect_error("[role \"x\"]\n\tmembers = @a\n",
	             "line 2: unknown key 'role.x.members'");
	expect_error("[path \"docs/**\"]\n\tmode = never\n",
	             "line 2: unknown key 'path.docs/**.mode'");
	/* the written spelling in messages, and a key on the header line */
	expect_error("[ThreatGate] MaxAgeDays = 3\n",
	             "line 1: unknown key 'ThreatGate.MaxAgeDays'");
	expect_error("[rule \"no-such-rule\"]\n\tseverity = off\n",
	             "line 2: unknown rule 'no-such-rule' in "
	             "'rule.no-such-rule.severity'");
	expect_error("[include]\n\tpath = /etc/gitconfig\n",
	             "line 2: 'include.path': includes are not supported");
}

static void test_bad_values(void **state)
{
	(void)state;
	expect_error("[threatgate]\n\tfailOpen = maybe\n",
	             "line 2: bad value 'maybe' for 'threatgate.failOpen': "
	             "expected true or false");
	expect_error("[threatgate]\n\tmaxAge = -1\n",
	             "line 2: bad value '-1' for 'threatgate.maxAge': expected "
	             "a number of days, 0 or more");
	expect_error("[threatgate]\n\tmaxAge = 12x\n",
	             "bad value '12x' for 'threatgate.maxAge'");
	expect_error("[threatgate]\n\tmaxAge\n",
	             "line 2: 'threatgate.maxAge' needs a value");
	expect_error("[threatgate]\n\tminParticipants = two\n",
	             "bad value 'two' for 'threatgate.minParticipants'");
	expect_error("[threatgate]\n\tmaxDocSize = 0\n",
	             "bad value '0' for 'threatgate.maxDocSize': expected a "
	             "positive number of bytes");
	expect_error("[threatgate]\n\ttimeout = 0\n",
	             "bad value '0' for 'threatgate.timeout': expected a "
	             "positive number of seconds");
	expect_error("[threatgate]\n\ttimeout = 99999999999\n",
	             "bad value '99999999999' for 'threatgate.timeout'");
	expect_error("[threatgate]\n\tfailOn = sometimes\n",
	             "line 2: bad value 'sometimes' for 'threatgate.failOn': "
	             "expected error, warning or never");
	expect_error("[threatgate]\n\tsignoff = sometimes\n",
	             "expected always, triggered or never");
	expect_error("[path \"legacy/**\"]\n\tsignoff = maybe\n",
	             "line 2: bad value 'maybe' for 'path.legacy/**.signoff': "
	             "expected always, triggered or never");
	expect_error("[rule \"missing-dri\"]\n\tseverity = fatal\n",
	             "line 2: bad value 'fatal' for 'rule.missing-dri.severity': "
	             "expected error, warning, note or off");
	expect_error("[threatgate]\n\tframework = owasp\n",
	             "bad value 'owasp' for 'threatgate.framework': expected "
	             "stride or linddun");
	expect_error("[trigger \"x\"]\n\tfield = nothing\n",
	             "line 2: bad value 'nothing' for 'trigger.x.field': "
	             "expected a front-matter condition key=value");
	expect_error("[trigger \"x\"]\n\tfield = =pii\n",
	             "bad value '=pii' for 'trigger.x.field'");
	expect_error("[trigger \"payments\"]\n\tenabled = perhaps\n",
	             "bad value 'perhaps' for 'trigger.payments.enabled'");
	expect_error("[threatgate]\n\troles = a,,b\n",
	             "bad value 'a,,b' for 'threatgate.roles'");
	expect_error("[threatgate]\n\troles = a, b, a\n",
	             "role 'a' is listed twice");
	expect_error("[accept]\n\tP1 =\n", "line 2: 'accept.P1' needs a value");
}

static void test_bad_regex(void **state)
{
	(void)state;
	expect_error("[trigger \"x\"]\n\tmessage = m\n\tpattern = (foo\n",
	             "cannot read policy '.threatgate': line 3: bad pattern "
	             "'(foo' for 'trigger.x.pattern': missing closing "
	             "parenthesis at offset 4");
	expect_error("[trigger \"authentication\"]\n\tpattern = a{2,1}\n",
	             "line 2: bad pattern 'a{2,1}' for "
	             "'trigger.authentication.pattern'");
	expect_error("[trigger \"x\"]\n\tpattern = [z-a]\n",
	             "range out of order");
}

static void test_error_lines(void **state)
{
	(void)state;
	/* the same key twice: the second occurrence's line */
	expect_error("[threatgate]\n\tfailOpen = true\n\tfailOpen = nope\n",
	             "line 3: bad value 'nope'");
	/* a continued value counts its lines */
	expect_error("[threatgate]\n\treviewer = @a\\\n@b\n\tbad = 1\n",
	             "line 4: unknown key 'threatgate.bad'");
	/* a quoted value with comment characters and an escaped quote */
	expect_error("[threatgate]\n\treviewer = \"a # \\\" ; b\" ; c\n"
	             "\n\tnope\n", "line 4: unknown key 'threatgate.nope'");
	/* CRLF line ends and a BOM */
	expect_error("\xEF\xBB\xBF[threatgate]\r\n\tdocs = a\r\n\tnope = 1\r\n",
	             "line 3: unknown key 'threatgate.nope'");
	/* the same section opened twice */
	expect_error("[threatgate]\n\tmaxAge = 1\n[rule \"missing-dri\"]\n"
	             "\tseverity = off\n[threatgate]\n\tmaxAge = x\n",
	             "line 6: bad value 'x' for 'threatgate.maxAge'");
	/* an old-style [section.sub] header */
	expect_error("[rule.missing-dri]\n\tseverity = bad\n",
	             "line 2: bad value 'bad' for 'rule.missing-dri.severity'");
	/* a syntax error keeps libgit2's line, and our name */
	expect_error("[threatgate]\n\tdocs = a\n[broken\n",
	             "cannot read policy '.threatgate': line 3: missing ']' in "
	             "section header");
}

static void test_finalize_errors(void **state)
{
	(void)state;
	expect_error_at("[threatgate]\n\tmaxAge = 3\n[accept]\n\tP1 = nobody\n",
	                true, TG_EINVALID,
	                "cannot read policy '.threatgate': line 4: 'accept.P1' "
	                "names an unknown role 'nobody': expected one of "
	                "manager, director, executive");
	expect_error_at("[threatgate]\n\troles = a, b\n", true, TG_EINVALID,
	                "'accept.P1' names an unknown role 'executive'");
	expect_error_at("[threatgate]\n\troles = manager, executive\n"
	                "[role \"ciso\"]\n\tmember = @c\n", true, TG_EINVALID,
	                "line 2: role 'ciso' has members but is not ranked in "
	                "'threatgate.roles' (manager, executive)");
	expect_error_at("[role \"ciso\"]\n\tmember = @c\n", true, TG_EINVALID,
	                "invalid policy: role 'ciso' has members but is not "
	                "ranked");
}

/* A catastrophic pattern compiles, and matching it stops at the limit. */
static void test_catastrophic_regex(void **state)
{
	tg_policy *p;
	const struct tg_trigger *t;
	pcre2_match_data *md;
	char subject[128];
	int rc;

	(void)state;
	p = policy_from("[trigger \"evil\"]\n\tpattern = (a+)+$\n");
	t = trigger(p, "evil");
	assert_non_null(t);
	assert_non_null(t->code);
	memset(subject, 'a', sizeof(subject) - 2);
	subject[sizeof(subject) - 2] = 'b';
	subject[sizeof(subject) - 1] = '\0';
	md = pcre2_match_data_create_from_pattern(t->code, NULL);
	assert_non_null(md);
	rc = pcre2_match(t->code, (PCRE2_SPTR)subject, strlen(subject), 0, 0, md,
	                 p->match_context);
	assert_int_equal(rc, PCRE2_ERROR_MATCHLIMIT);
	/* the interpreter too, when JIT is unavailable */
	rc = pcre2_match(t->code, (PCRE2_SPTR)subject, strlen(subject), 0,
	                 PCRE2_NO_JIT, md, p->match_context);
	assert_true(rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT);
	pcre2_match_data_free(md);
	tg_policy_free(p);
}

/* ---- exceptions ---- */

static void test_exceptions(void **state)
{
	char *dir = make_tmpdir();
	char text[512];
	tg_policy *p;

	(void)state;
	write_file(dir, "exceptions",
	           "# owned by security\n"
	           "[exception \"SEC-1\"]\n"
	           "\trule = stale-threat-model\n"
	           "\tpath = docs/design/legacy/**\n"
	           "\tjustification = being rewritten\n"
	           "\tticket = SEC-1\n"
	           "\texpires = 2026-12-31\n"
	           "[exception \"SEC-2\"]\n"
	           "\trule = *\n"
	           "\tpath = docs/design/old.md\n"
	           "\tjustification = retired next month\n"
	           "\texpires = 2025-01-31\n");
	p = new_policy();
	assert_int_equal(load(p, "[threatgate]\n\texceptions = exceptions\n"), 0);
	if (tg_policy_finalize(p, dir) < 0)
		fail_msg("%s", tg_error_last()->message);
	assert_int_equal(p->exceptions.length, 2);

	set_today("2026-12-31");
	assert_true(tg_policy__excepted(p, TG_RULE_STALE_THREAT_MODEL,
	                                "docs/design/legacy/a.md"));
	assert_false(tg_policy__excepted(p, TG_RULE_MISSING_DRI,
	                                 "docs/design/legacy/a.md"));
	assert_false(tg_policy__excepted(p, TG_RULE_STALE_THREAT_MODEL,
	                                 "docs/design/new.md"));
	/* SEC-2 expired: kept, but ignored */
	assert_false(tg_policy__excepted(p, TG_RULE_MISSING_DRI,
	                                 "docs/design/old.md"));
	set_today("2027-01-01");
	assert_false(tg_policy__excepted(p, TG_RULE_STALE_THREAT_MODEL,
	                                 "docs/design/legacy/a.md"));
	set_today("2025-01-31");
	assert_true(tg_policy__excepted(p, TG_RULE_MISSING_DRI,
	                                "docs/design/old.md"));
	assert_true(tg_policy__excepted(p, TG_RULE_NO_THREATS,
	                                "docs/design/old.md"));
	set_today(NULL);
	tg_policy_free(p);

	/* an absolute path ignores the root */
	snprintf(text, sizeof(text), "[threatgate]\n\texceptions = %s/exceptions\n",
	         dir);
	p = new_policy();
	assert_int_equal(load(p, text), 0);
	assert_int_equal(tg_policy_finalize(p, "/nonexistent"), 0);
	assert_int_equal(p->exceptions.length, 2);
	tg_policy_free(p);
	rm_rf(dir);
	free(dir);
}

static void expect_exceptions_error(const char *text, int code,
	const char *message)
{
	char *dir = make_tmpdir();
	tg_policy *p = new_policy();
	int rc;

	write_file(dir, "exc", text);
	assert_int_equal(load(p, "[threatgate]\n\texceptions = exc\n"), 0);
	rc = tg_policy_finalize(p, dir);
	if (rc != code)
		fail_msg("expected %d, got %d: %s", code, rc,
		         tg_error_last()->message);
	if (!strstr(tg_error_last()->message, message))
		fail_msg("message '%s' lacks '%s'", tg_error_last()->message,
		         message);
	tg_policy_free(p);
	rm_rf(dir);
	free(dir);
}

static void test_exceptions_errors(void **state)
{
	(void)state;
	expect_exceptions_error("[exception \"A\"]\n\trule = missing-dri\n"
	                        "\tpath = x\n\tjustification = j\n",
	                        TG_EINVALID,
	                        "cannot read exceptions file 'exc': line 2: "
	                        "exception 'A' has no 'expires'");
	expect_exceptions_error("[exception \"A\"]\n\tpath = x\n"
	                        "\tjustification = j\n\texpires = 2026-01-01\n",
	                        TG_EINVALID, "exception 'A' has no 'rule'");
	expect_exceptions_error("[exception \"A\"]\n\trule = missing-dri\n"
	                        "\tpath = x\n\texpires = 2026-01-01\n",
	                        TG_EINVALID, "exception 'A' has no 'justification'");
	expect_exceptions_error("[exception \"A\"]\n\trule = missing-dri\n"
	                        "\tjustification = j\n\texpires = 2026-01-01\n",
	                        TG_EINVALID, "exception 'A' has no 'path'");
	expect_exceptions_error("[exception \"A\"]\n\trule = missing-dri\n"
	                        "\tpath = x\n\tjustification = j\n"
	                        "\texpires = 2026-02-30\n", TG_EINVALID,
	                        "line 5: bad value '2026-02-30' for "
	                        "'exception.A.expires': expected a date YYYY-MM-DD");
	expect_exceptions_error("[exception \"A\"]\n\trule = no-such\n",
	                        TG_EINVALID, "line 2: unknown rule 'no-such'");
	expect_exceptions_error("[exception \"A\"]\n\towner = me\n", TG_EINVALID,
	                        "line 2: unknown key 'exception.A.owner'");
	expect_exceptions_error("[waiver \"A\"]\n\trule = x\n", TG_EINVALID,
	                        "line 2: unknown key 'waiver.A.rule'");
	expect_exceptions_error("[exception]\n\trule = x\n", TG_EINVALID,
	                        "unknown key 'exception.rule'");
	expect_exceptions_error("[exception \"A\"\n", TG_EINVALID,
	                        "cannot read exceptions file 'exc': line 1:");
}

static void test_exceptions_missing_file(void **state)
{
	tg_policy *p = new_policy();
	char *dir = make_tmpdir();

	(void)state;
	assert_int_equal(load(p, "[threatgate]\n\texceptions = nope.cfg\n"), 0);
	assert_int_equal(tg_policy_finalize(p, dir), TG_ENOTFOUND);
	assert_non_null(strstr(tg_error_last()->message,
	                       "cannot read exceptions file"));
	assert_non_null(strstr(tg_error_last()->message, "nope.cfg"));
	tg_policy_free(p);
	rm_rf(dir);
	free(dir);
}

/* ---- sources ---- */

static void test_load_file(void **state)
{
	char *dir = make_tmpdir();
	char path[1024];
	tg_policy *p = new_policy();

	(void)state;
	write_file(dir, ".threatgate", "[threatgate]\n\tmaxAge = 99\n");
	snprintf(path, sizeof(path), "%s/.threatgate", dir);
	assert_int_equal(tg_policy_load_file(p, path), 0);
	assert_int_equal(p->max_age, 99);
	tg_policy_free(p);

	write_file(dir, "bad", "[threatgate]\n\n\tmaxAge = old\n");
	snprintf(path, sizeof(path), "%s/bad", dir);
	p = new_policy();
	assert_int_equal(tg_policy_load_file(p, path), TG_EINVALID);
	assert_non_null(strstr(tg_error_last()->message, "cannot read policy '"));
	assert_non_null(strstr(tg_error_last()->message, "/bad': line 3: bad value"));
	tg_policy_free(p);

	snprintf(path, sizeof(path), "%s/missing", dir);
	p = new_policy();
	assert_int_equal(tg_policy_load_file(p, path), TG_ENOTFOUND);
	assert_non_null(strstr(tg_error_last()->message, "no such file"));
	assert_int_equal(tg_policy_load_file(p, dir), TG_EINVALID);
	assert_non_null(strstr(tg_error_last()->message, "is a directory"));
	tg_policy_free(p);
	rm_rf(dir);
	free(dir);
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void test_load_buffer(void **state)
{
	static const char text[] = "[threatgate]\n\tcheckTags = true\n";
	static const char bad[] = "[threatgate]\n\tdocs = x\n[oops\n";
	char *dir = make_tmpdir();
	char *old = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
	tg_policy *p = new_policy();

	(void)state;
	setenv("TMPDIR", dir, 1);
	/* not NUL-terminated: only `len` bytes count */
	assert_int_equal(tg_policy_load_buffer(p, "origin/main:.threatgate", text,
	                                       sizeof(text) - 1), 0);
	assert_true(tg_policy_check_tags(p));
	assert_int_equal(count_entries(dir), 0);

	assert_int_equal(tg_policy_load_buffer(p, "origin/main:.threatgate", bad,
	                                       sizeof(bad) - 1), TG_EINVALID);
	assert_string_equal(tg_error_last()->message,
	                    "cannot read policy 'origin/main:.threatgate': line 3: "
	                    "missing ']' in section header");
	assert_null(strstr(tg_error_last()->message, dir));
	assert_int_equal(count_entries(dir), 0);

	/* an empty buffer is an empty policy */
	assert_int_equal(tg_policy_load_buffer(p, "empty", "", 0), 0);
	tg_policy_free(p);

	if (old) {
		setenv("TMPDIR", old, 1);
		free(old);
	} else {
		unsetenv("TMPDIR");
	}
	rm_rf(dir);
	free(dir);
}

/* Levels of a git config, lowest first; local wins over global. */
static void test_git_config_levels(void **state)
{
	char *dir = make_tmpdir();
	char path[1024];
	git_repository *repo = NULL;
	git_config *cfg = NULL, *local = NULL;
	tg_policy *p;

	(void)state;
	/* a private global config, not the user's */
	assert_int_equal(git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH,
	                                  GIT_CONFIG_LEVEL_GLOBAL, dir), 0);
	assert_int_equal(git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH,
	                                  GIT_CONFIG_LEVEL_XDG, dir), 0);
	assert_int_equal(git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH,
	                                  GIT_CONFIG_LEVEL_SYSTEM, dir), 0);
	assert_int_equal(git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH,
	                                  GIT_CONFIG_LEVEL_PROGRAMDATA, dir), 0);
	write_file(dir, ".gitconfig",
	           "[threatgate]\n\tmaxAge = 100\n\tfailOn = warning\n"
	           "\tdocs = global/**/*.md\n[user]\n\tname = x\n");
	snprintf(path, sizeof(path), "%s/repo", dir);
	assert_int_equal(git_repository_init(&repo, path, 0), 0);
	assert_int_equal(git_repository_config(&cfg, repo), 0);
	assert_int_equal(git_config_open_level(&local, cfg,
	                                       GIT_CONFIG_LEVEL_LOCAL), 0);
	assert_int_equal(git_config_set_int64(local, "threatgate.maxAge", 50), 0);
	assert_int_equal(git_config_set_bool(local, "threatgate.failOpen", 1), 0);
	assert_int_equal(git_config_set_multivar(local, "threatgate.docs", "^$",
	                                         "local/**/*.md"), 0);
	assert_int_equal(git_config_set_string(local, "threatgate.reviewer",
	                                       "@sec"), 0);
	git_config_free(local);
	local = NULL;
	git_config_free(cfg);
	cfg = NULL;
	assert_int_equal(git_repository_config(&cfg, repo), 0);

	p = new_policy();
	assert_int_equal(load(p, "[threatgate]\n\tmaxAge = 10\n"
	                         "\tdocs = file/*.md\n"), 0);
	if (tg_policy_load_git_config(p, cfg) < 0)
		fail_msg("%s", tg_error_last()->message);
	assert_int_equal(tg_policy_finalize(p, NULL), 0);
	assert_int_equal(p->max_age, 50);
	assert_int_equal(tg_policy_fail_on(p), TG_SEVERITY_WARNING);
	assert_true(tg_policy_fail_open(p));
	/* git config wins over the file, multi-valued keys too: its values
	 * replace the file's, and its levels add up */
	assert_int_equal(p->docs.length, 2);
	assert_string_equal(p->docs.items[0], "global/**/*.md");
	assert_string_equal(p->docs.items[1], "local/**/*.md");
	assert_true(tg_policy__is_reviewer(p, "@sec"));
	tg_policy_free(p);

	/* an unknown threatgate.* key names the key and git config */
	assert_int_equal(git_config_open_level(&local, cfg,
	                                       GIT_CONFIG_LEVEL_LOCAL), 0);
	assert_int_equal(git_config_set_string(local, "threatgate.severty",
	                                       "x"), 0);
	git_config_free(local);
	git_config_free(cfg);
	assert_int_equal(git_repository_config(&cfg, repo), 0);
	p = new_policy();
	assert_int_equal(tg_policy_load_git_config(p, cfg), TG_EINVALID);
	assert_string_equal(tg_error_last()->message,
	                    "cannot read git config (local): unknown key "
	                    "'threatgate.severty'");
	tg_policy_free(p);
	git_config_free(cfg);
	git_repository_free(repo);

	/* NULL search paths restore libgit2's defaults */
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, NULL);
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG, NULL);
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_SYSTEM, NULL);
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_PROGRAMDATA,
	                 NULL);
	rm_rf(dir);
	free(dir);
}

/* Only threatgate.* keys are read from git config: sections stay in files. */
static void test_git_config_only_threatgate(void **state)
{
	char *dir = make_tmpdir();
	char path[1024];
	git_config *cfg = NULL;
	tg_policy *p = new_policy();

	(void)state;
	write_file(dir, "config", "[rule \"missing-dri\"]\n\tseverity = off\n"
	           "[core]\n\tbare = false\n[threatgate]\n\tbogus = 1\n");
	snprintf(path, sizeof(path), "%s/config", dir);
	assert_int_equal(git_config_new(&cfg), 0);
	assert_int_equal(git_config_add_file_ondisk(cfg, path,
	                 GIT_CONFIG_LEVEL_GLOBAL, NULL, 0), 0);
	assert_int_equal(tg_policy_load_git_config(p, cfg), TG_EINVALID);
	assert_string_equal(tg_error_last()->message,
	                    "cannot read git config (global): unknown key "
	                    "'threatgate.bogus'");
	assert_false(p->severity_set[TG_RULE_MISSING_DRI]);
	tg_policy_free(p);
	git_config_free(cfg);
	rm_rf(dir);
	free(dir);
}

static void test_set_fail_on(void **state)
{
	tg_policy *p = new_policy();

	(void)state;
	assert_int_equal(tg_policy_set_fail_on(p, "warning"), 0);
	assert_int_equal(tg_policy_fail_on(p), TG_SEVERITY_WARNING);
	assert_int_equal(tg_policy_set_fail_on(p, "never"), 0);
	assert_int_equal(tg_policy_fail_on(p), TG_SEVERITY_OFF);
	assert_int_equal(tg_policy_set_fail_on(p, "error"), 0);
	assert_int_equal(tg_policy_fail_on(p), TG_SEVERITY_ERROR);
	assert_int_equal(tg_policy_set_fail_on(p, "note"), TG_EINVALID);
	assert_string_equal(tg_error_last()->message,
	                    "bad value 'note' for '--fail-on': expected error, "
	                    "warning or never");
	assert_int_equal(tg_policy_fail_on(p), TG_SEVERITY_ERROR);
	tg_policy_free(p);
}

static void test_lifecycle(void **state)
{
	tg_policy *p = new_policy();

	(void)state;
	tg_policy_free(NULL);
	assert_int_equal(tg_policy_finalize(p, NULL), 0);
	assert_int_equal(tg_policy_finalize(p, NULL), TG_EINVALID);
	assert_int_equal(load(p, "[threatgate]\n\tmaxAge = 1\n"), TG_EINVALID);
	assert_non_null(strstr(tg_error_last()->message, "finalized"));
	tg_policy_free(p);
	/* a policy that failed to load is still freed cleanly */
	p = new_policy();
	assert_int_equal(load(p, "[trigger \"x\"]\n\tmessage = m\n"
	                         "\tpattern = (\n"), TG_EINVALID);
	tg_policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_defaults_finalized),
		cmocka_unit_test(test_threatgate_keys),
		cmocka_unit_test(test_later_wins),
		cmocka_unit_test(test_rule_severity),
		cmocka_unit_test(test_stage_severity),
		cmocka_unit_test(test_docs_replace_defaults),
		cmocka_unit_test(test_path_signoff),
		cmocka_unit_test(test_roles_and_accept),
		cmocka_unit_test(test_trigger_disable_and_change),
		cmocka_unit_test(test_trigger_new),
		cmocka_unit_test(test_sections_custom),
		cmocka_unit_test(test_section_errors),
		cmocka_unit_test(test_bad_keys),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_bad_regex),
		cmocka_unit_test(test_error_lines),
		cmocka_unit_test(test_finalize_errors),
		cmocka_unit_test(test_catastrophic_regex),
		cmocka_unit_test(test_exceptions),
		cmocka_unit_test(test_exceptions_errors),
		cmocka_unit_test(test_exceptions_missing_file),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_load_buffer),
		cmocka_unit_test(test_git_config_levels),
		cmocka_unit_test(test_git_config_only_threatgate),
		cmocka_unit_test(test_set_fail_on),
		cmocka_unit_test(test_lifecycle),
	};

	return cmocka_run_group_tests(tests, setup_group, teardown_group);
}
