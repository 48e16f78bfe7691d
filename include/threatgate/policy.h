/*
 * threatgate: the policy (SPEC section 6).
 *
 * A policy starts from the built-in defaults, then takes `.threatgate`
 * (git-config syntax), then the `threatgate.*` keys of the system, global
 * and repository git config, later sources winning. Patterns are compiled
 * once, by tg_policy_finalize().
 */
#ifndef TG_POLICY_H
#define TG_POLICY_H

#include "common.h"

typedef struct tg_policy tg_policy;
typedef struct git_repository git_repository;
typedef struct git_config git_config;

typedef enum {
	TG_SIGNOFF_TRIGGERED = 0,
	TG_SIGNOFF_ALWAYS,
	TG_SIGNOFF_NEVER
} tg_signoff_mode;

/*
 * Where a check runs (SPEC section 5): the policy applies each rule with
 * the severity, fail-on level and draft handling of that place.
 */
typedef enum {
	TG_STAGE_CHECK = 0,	/* check FILE, --staged, --all: as the rule table */
	TG_STAGE_PRE_COMMIT,	/* hook pre-commit */
	TG_STAGE_PRE_PUSH,	/* hook pre-push */
	TG_STAGE_PRE_RECEIVE,	/* hook pre-receive (the server) */
	TG_STAGE_CI,		/* check --range: the pull request's merge gate */
	TG_STAGE__COUNT
} tg_stage;

/* "pre-commit", "pre-push", "pre-receive", "ci"; "check" for the first. */
TG_EXTERN(const char *) tg_stage_name(tg_stage stage);

/* The built-in defaults, not yet finalized. Caller frees. */
TG_EXTERN(int) tg_policy_new(tg_policy **out);
TG_EXTERN(void) tg_policy_free(tg_policy *policy);

/*
 * Apply a policy file in git-config syntax. Unknown keys, bad values and
 * bad regexes fail with TG_EINVALID and a message naming file and line.
 * A missing file is TG_ENOTFOUND.
 */
TG_EXTERN(int) tg_policy_load_file(tg_policy *policy, const char *path);

/*
 * Apply policy text held in memory (a `.threatgate` blob read from a
 * revision); `name` is used in messages ("origin/main:.threatgate").
 */
TG_EXTERN(int) tg_policy_load_buffer(tg_policy *policy, const char *name,
	const char *data, size_t len);

/* Apply the `threatgate.*` keys of a git config (all levels, lowest first). */
TG_EXTERN(int) tg_policy_load_git_config(tg_policy *policy, git_config *config);

/*
 * Compile trigger and section patterns with PCRE2 JIT and match limits,
 * resolve roles and read the exceptions file (relative to `root` when not
 * absolute; root may be NULL). Must be called once before use.
 */
TG_EXTERN(int) tg_policy_finalize(tg_policy *policy, const char *root);

/* Whether a repository-relative path matches the document globs. */
TG_EXTERN(bool) tg_policy_is_document(const tg_policy *policy, const char *path);

/* The sign-off mode for a repository-relative path (path.<glob>.signoff). */
TG_EXTERN(tg_signoff_mode) tg_policy_signoff_mode(const tg_policy *policy,
	const char *path);

TG_EXTERN(tg_severity) tg_policy_fail_on(const tg_policy *policy);
TG_EXTERN(bool) tg_policy_fail_open(const tg_policy *policy);
TG_EXTERN(int) tg_policy_timeout(const tg_policy *policy);
TG_EXTERN(bool) tg_policy_check_tags(const tg_policy *policy);
TG_EXTERN(bool) tg_policy_verify_signoff_author(const tg_policy *policy);

/*
 * The security reviewers (threatgate.reviewer), as written: "@alice",
 * "bob@example.com". Borrowed from the policy; *count gets how many (0
 * when none is set, and then any named, checked sign-off counts).
 */
TG_EXTERN(const char *const *) tg_policy_reviewers(const tg_policy *policy,
	size_t *count);

/*
 * Read an exceptions file held in memory (from the trusted revision),
 * before tg_policy_finalize(), which then reads none from disk.
 */
TG_EXTERN(int) tg_policy_load_exceptions_buffer(tg_policy *policy,
	const char *name, const char *data, size_t len);

/*
 * The server (pre-receive). Whether a ref is protected: it matches a
 * threatgate.protect glob (`*` crosses '/', as in git's ref patterns; a
 * glob not starting with "refs/" is a branch name), or without any, it
 * is the policy branch (in an empty repository: every branch).
 */
TG_EXTERN(bool) tg_policy_ref_protected(const tg_policy *policy,
	const char *ref);
/* threatgate.pusher: the environment variable naming the pusher, or NULL. */
TG_EXTERN(const char *) tg_policy_pusher_env(const tg_policy *policy);
/*
 * Whether an authenticated pusher is `person` ("@alice", an email): by
 * pusher.<name>.identity when that pusher is mapped, else by the pusher
 * name read as a handle.
 */
TG_EXTERN(bool) tg_policy_pusher_is(const tg_policy *policy,
	const char *pusher, const char *person);
/* Whether the pusher is a threatgate.policyAdmin (by name or identity). */
TG_EXTERN(bool) tg_policy_is_policy_admin(const tg_policy *policy,
	const char *pusher);
/*
 * threatgate.maxDocsPerPush (default 10,000): a push bringing more design
 * documents to protected refs is refused for what it contains, before the
 * clock could decide.
 */
TG_EXTERN(size_t) tg_policy_max_docs_per_push(const tg_policy *policy);
/* threatgate.lockPolicy: the in-repository policy file is not read. */
TG_EXTERN(bool) tg_policy_lock(const tg_policy *policy);
/*
 * Where the repository's policy was read, on a bare repository: the ref
 * ("refs/heads/main") and its commit (hex); NULL when none.
 */
TG_EXTERN(const char *) tg_policy_source_ref(const tg_policy *policy);
TG_EXTERN(const char *) tg_policy_source_commit(const tg_policy *policy);

/*
 * Say where the check runs (TG_STAGE_CHECK by default): [hook "NAME"]
 * failOn and drafts, and rule.<id>.<stage>Severity, apply from then on.
 * May be called after tg_policy_finalize().
 */
TG_EXTERN(void) tg_policy_set_stage(tg_policy *policy, tg_stage stage);
TG_EXTERN(tg_stage) tg_policy_stage(const tg_policy *policy);

/*
 * Override from the command line (--fail-on); it wins over the stage's
 * failOn. Returns TG_EINVALID for a
 * value other than error, warning or never.
 */
TG_EXTERN(int) tg_policy_set_fail_on(tg_policy *policy, const char *value);

/*
 * The baseline file the policy names (threatgate.baseline), as written, or
 * NULL. tg_policy_ignore_baseline() stops it applying, for `threatgate
 * baseline` regenerating it from every current finding.
 */
TG_EXTERN(const char *) tg_policy_baseline_path(const tg_policy *policy);
TG_EXTERN(void) tg_policy_ignore_baseline(tg_policy *policy);

/*
 * Call `fn` for each exception of the exceptions file that is still in
 * force and ends within threatgate.exceptionWarnDays (default 14) of
 * today, with its id, expiry date and the days left (0: its last day).
 * Returns how many there were.
 */
TG_EXTERN(size_t) tg_policy_expiring_exceptions(const tg_policy *policy,
	void (*fn)(const char *id, const char *expires, long days_left,
	           void *payload),
	void *payload);
/*
 * Read the baseline file from memory (from the trusted revision, as the
 * policy), before tg_policy_finalize(), which then reads none from disk.
 * `name` is what messages call it ("main:.threatgate-baseline.json").
 */
TG_EXTERN(int) tg_policy_load_baseline_buffer(tg_policy *policy,
	const char *name, const char *data, size_t len);

#endif
