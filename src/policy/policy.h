/*
 * The policy's insides, shared by the library's stages. Everything here
 * is read-only once tg_policy_finalize() has run.
 */
#ifndef TG_POLICY_PRIVATE_H
#define TG_POLICY_PRIVATE_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include "threatgate/policy.h"
#include "util/util.h"

/* Match limits for every policy pattern: a hostile regex stops, not hangs. */
#define TG_PCRE2_MATCH_LIMIT 100000
#define TG_PCRE2_DEPTH_LIMIT 10000

struct tg_trigger {
	char *name;
	char *pattern;		/* PCRE2, matched caseless; NULL: fields only */
	char *message;		/* why it needs security, or NULL */
	bool enabled;
	tg_vec fields;		/* "exposure=internet", "data-classification=pii" */
	pcre2_code *code;
	char *origin;		/* "file:line" where it was set, for messages */
};

/* Requirement of a section. */
enum tg_section_need {
	TG_NEED_ALWAYS,		/* required = true */
	TG_NEED_NEVER,		/* required = false */
	TG_NEED_SIGNOFF		/* required when a sign-off is required */
};

struct tg_section_rule {
	char *name;		/* "security", "threat-model", "signoff" */
	char *title;		/* regex over the normalized heading title */
	char *parent;		/* name of the enclosing section rule, or NULL */
	char *display;		/* "Threat Model": what the author should write */
	enum tg_section_need need;
	pcre2_code *code;
	char *origin;
};

struct tg_role {
	char *name;
	tg_vec members;		/* "@handle", email or name */
	int rank;		/* position in threatgate.roles, lowest first */
};

struct tg_path_signoff {
	char *glob;
	tg_signoff_mode mode;
};

struct tg_exception {
	char *id;
	char *rule;		/* rule name, or "*" */
	char *path;		/* document glob */
	char *justification;
	char *ticket;
	char *expires;		/* ISO date */
	long expires_days;
};

/* pusher.<name>.identity: who an authenticated pusher is. */
struct tg_pusher {
	char *name;
	tg_vec identities;	/* "@handle", email */
};

/* A category framework: STRIDE by default, LINDDUN as a second. */
struct tg_category {
	const char *name;	/* "Information disclosure" */
	char letter;		/* 'I', or 0 where letters are ambiguous */
};

struct tg_policy {
	tg_vec docs;			/* globs */
	bool docs_given;		/* the defaults were replaced */
	tg_signoff_mode signoff;
	tg_vec reviewers;
	long max_age;
	bool require_reviewed_date;
	long min_participants;
	size_t max_doc_size;
	long timeout;
	bool fail_open;
	tg_severity fail_on;		/* TG_SEVERITY_OFF for "never" */
	/* rule.<id>.severity where severity_set; the defaults are the rule table's */
	tg_severity severity[TG_RULE__COUNT];
	bool severity_set[TG_RULE__COUNT];
	tg_vec triggers;		/* struct tg_trigger * */
	tg_vec sections;		/* struct tg_section_rule * */
	tg_vec roles;			/* struct tg_role *, by rank */
	tg_vec path_signoff;		/* struct tg_path_signoff * */
	tg_vec exceptions;		/* struct tg_exception * */
	char *accept[5];		/* role name needed for P1..P5 */
	bool verify_signoff_author;
	bool check_tags;
	bool allow_inline_disable;
	char *exceptions_path;
	const struct tg_category *categories;	/* framework table */
	size_t categories_count;
	char *framework;		/* "stride" or "linddun" */
	/* The server (pre-receive): see threatgate-policy(5). */
	tg_vec protect;			/* ref globs; empty: the policy branch */
	char *pusher_env;		/* threatgate.pusher: a variable name */
	tg_vec pushers;			/* struct tg_pusher * (pusher.<name>) */
	tg_vec policy_admins;		/* pusher names or identities */
	bool lock_policy;		/* git config only */
	char *policy_branch;		/* git config only; NULL: HEAD's */
	bool docs_case_sensitive;	/* globs match with case */
	/* Where the in-repository policy was read: a ref and its commit. */
	char *source_ref;		/* "refs/heads/main", or NULL */
	char source_commit[41];		/* hex, or "" (no commit yet) */
	bool repository_empty;		/* a server with no branch yet */
	bool exceptions_loaded;		/* read from a revision already */
	bool finalized;
	pcre2_match_context *match_context;
};

/*
 * Whether a path is where a design document would be: a document glob
 * matches it, or it is a design folder (the literal folders of a glob,
 * "docs/design" and "docs"), or inside one.
 */
bool tg_policy__is_design_path(const tg_policy *policy, const char *path);

/* Whether the policy turned a rule off. */
bool tg_policy__rule_off(const tg_policy *policy, tg_rule_id rule);

/* The section rule with that name, or NULL. */
const struct tg_section_rule *tg_policy__section(const tg_policy *policy,
	const char *name);

/*
 * Whether a rule is excepted for a document path today by the exceptions
 * file (expired exceptions do not apply).
 */
bool tg_policy__excepted(const tg_policy *policy, tg_rule_id rule,
	const char *path);

/*
 * The rank of the highest role `person` holds, -1 when none; and the rank
 * a role name stands for, -1 when unknown.
 */
int tg_policy__person_rank(const tg_policy *policy, const char *person);
int tg_policy__role_rank(const tg_policy *policy, const char *role);
/* Whether any role has members: without them any named approver counts. */
bool tg_policy__roles_configured(const tg_policy *policy);

/* Whether `person` text names a configured security reviewer. */
bool tg_policy__is_reviewer(const tg_policy *policy, const char *person);

#endif
