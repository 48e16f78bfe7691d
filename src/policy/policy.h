/*
 * The policy's insides, shared by the library's stages. Everything here
 * is read-only once tg_policy_finalize() has run.
 */
#ifndef TG_POLICY_PRIVATE_H
#define TG_POLICY_PRIVATE_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <stdint.h>
#include <pcre2.h>
#include "threatgate/policy.h"
#include "util/util.h"

/* Match limits for every policy pattern: a hostile regex stops, not hangs. */
#define TG_PCRE2_MATCH_LIMIT 100000
#define TG_PCRE2_DEPTH_LIMIT 10000

/*
 * Evidence a trigger needs unless the policy says otherwise: a policy's
 * own trigger fires on one strong match (2), a built-in one needs a strong
 * match and some corroboration (docs/triggers.md).
 */
#define TG_TRIGGER_THRESHOLD 2.0
#define TG_TRIGGER_BUILTIN_THRESHOLD 3.0

#define TG_GATE_KEYS 36	/* a-z, 0-9 */

/* The by_first index of an ASCII byte, or -1. */
static inline int tg_gate_key(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= '0' && c <= '9')
		return 26 + (c - '0');
	return -1;
}

struct tg_trigger {
	char *name;
	char *pattern;		/* PCRE2, matched caseless; NULL: fields only.
				 * Strong terms: each match weighs 2 */
	char *weak;		/* terms that need corroboration: 1 each */
	char *ignore;		/* homonyms: a match inside one does not count */
	char *message;		/* why it needs security, or NULL */
	bool enabled;
	double threshold;	/* summed weight that fires it */
	tg_vec fields;		/* "exposure=internet", "data-classification=pii" */
	pcre2_code *code;
	pcre2_code *weak_code;
	pcre2_code *ignore_code;
	pcre2_code *scan_code;	/* pattern and weak in one pass, or NULL */
	pcre2_code *anchored_code;	/* the same, anchored: where the gate
					 * matched; NULL when not gated */
	/*
	 * With the policy's prefix trie: anchored_code cut to the
	 * alternatives that may start with an ASCII letter or digit
	 * (tg_gate_key), in their order; NULL where none may.
	 */
	pcre2_code *by_first[TG_GATE_KEYS];
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
	tg_vec rules;		/* char *: rule names, or "*" (multi-valued) */
	tg_vec paths;		/* char *: document globs (multi-valued) */
	char *justification;
	char *ticket;
	char *expires;		/* ISO date */
	long expires_days;
	int line;		/* where the exceptions file starts it */
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
	char *baseline_path;		/* threatgate.baseline, as given */
	char **baseline;		/* sorted fingerprints */
	size_t baseline_count;
	bool baseline_ignored;		/* `threatgate baseline` regenerating */
	bool baseline_loaded;		/* read from a revision already */
	long exception_warn_days;	/* threatgate.exceptionWarnDays */
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
	long max_docs_per_push;		/* pre-receive: more is refused */
	/* Where the in-repository policy was read: a ref and its commit. */
	char *source_ref;		/* "refs/heads/main", or NULL */
	char source_commit[41];		/* hex, or "" (no commit yet) */
	bool repository_empty;		/* a server with no branch yet */
	bool exceptions_loaded;		/* read from a revision already */
	bool finalized;
	pcre2_match_context *match_context;
	/* Matches wherever a gated trigger's pattern may (policy/gate.c). */
	pcre2_code *trigger_gate;
	/*
	 * The first bytes every gated trigger's match may start with, or
	 * NULL when some pattern's shape does not tell (policy/gate.c).
	 */
	struct tg_gate_trie *trigger_prefixes;

	/* Where the check runs, and what the policy says for each place. */
	tg_stage stage;
	bool fail_on_forced;		/* --fail-on beats [hook] failOn */
	tg_severity stage_fail_on[TG_STAGE__COUNT];
	bool stage_fail_on_set[TG_STAGE__COUNT];
	/* [hook "NAME"] drafts: 0 the stage's default, else TG_DRAFTS_* */
	int stage_drafts[TG_STAGE__COUNT];
	/* rule.<id>.<stage>Severity, where stage_severity_set */
	tg_severity stage_severity[TG_STAGE__COUNT][TG_RULE__COUNT];
	bool stage_severity_set[TG_STAGE__COUNT][TG_RULE__COUNT];
};

/*
 * Whether a path is where a design document would be: a document glob
 * matches it, or it is a design folder (the literal folders of a glob,
 * "docs/design" and "docs"), or inside one.
 */
bool tg_policy__is_design_path(const tg_policy *policy, const char *path);

#define TG_DRAFTS_WARN 1	/* a draft's errors are warnings */
#define TG_DRAFTS_ENFORCE 2	/* a draft is checked as any design */

/*
 * The severity a finding of `rule` gets where the check runs: the rule
 * table's (or the check's own `chosen` one), then rule.<id>.severity,
 * then the place's default (the sign-off rules are warnings on the local
 * hooks), then rule.<id>.<stage>Severity.
 */
tg_severity tg_policy__severity(const tg_policy *policy, tg_rule_id rule,
	tg_severity chosen);

/* Whether a draft design's errors are warnings where the check runs. */
bool tg_policy__drafts_soft(const tg_policy *policy);

/* Whether the check runs on a developer's machine (pre-commit, pre-push). */
bool tg_policy__stage_local(const tg_policy *policy);

/*
 * Build (again) the gate that reads the prose once for every trigger
 * whose patterns allow it (policy/gate.c); 0 or TG_ENOMEM. Without a gate
 * each trigger reads the prose on its own: slower, not different.
 */
int tg_policy__build_gate(tg_policy *policy);
void tg_policy__gate_free(tg_policy *policy);
/* Without the prefix trie: the gate pattern finds the places (tests). */
void tg_policy__drop_prefixes(tg_policy *policy);

/*
 * The prefix trie of the gated triggers (policy/gate.c): where in the
 * prose a gated trigger's match may start, without running a pattern.
 * Each node's next[] is indexed by a byte below 0x80 (both cases of a
 * letter lead to the same node; 0 is no edge); `mask` has bit i when
 * trigger i (policy->triggers) may match wherever the bytes down to
 * this node are; `below` is the union of the masks under the node.
 */
#define TG_GATE_DEPTH 8
struct tg_gate_node {
	uint16_t next[128];
	uint64_t mask, below;
};
struct tg_gate_trie {
	struct tg_gate_node *nodes;	/* [0] is the root */
	size_t length, alloc;
};

/*
 * The triggers (bits of policy->triggers indexes) whose match may start
 * at text[at]; 0 for none. Exact for ASCII; at a byte of 0x80 or more it
 * says every trigger that could, and the patterns decide.
 */
static inline uint64_t tg_gate_trie_at(const struct tg_gate_trie *trie,
                                       const char *text, size_t size,
                                       size_t at)
{
	const struct tg_gate_node *node = trie->nodes;
	uint64_t mask = 0;
	size_t d;

	for (d = 0; d < TG_GATE_DEPTH && at + d < size; d++) {
		unsigned char c = (unsigned char)text[at + d];

		if (c >= 0x80)
			return mask | node->below;
		if (!node->next[c])
			break;
		node = &trie->nodes[node->next[c]];
		mask |= node->mask;
	}
	return mask;
}

/* Whether the policy turned a rule off. */
bool tg_policy__rule_off(const tg_policy *policy, tg_rule_id rule);

/* The section rule with that name, or NULL. */
const struct tg_section_rule *tg_policy__section(const tg_policy *policy,
	const char *name);

/*
 * The exception of the exceptions file that waives `rule` for a document
 * path today, or NULL. Expired exceptions do not apply: when one would
 * have, and no live one does, *expired (when not NULL) gets it.
 */
const struct tg_exception *tg_policy__exception_for(const tg_policy *policy,
	tg_rule_id rule, const char *path, const struct tg_exception **expired);

/* Whether a live exception waives `rule` for `path`. */
bool tg_policy__excepted(const tg_policy *policy, tg_rule_id rule,
	const char *path);

/* Whether an exception ends within threatgate.exceptionWarnDays of today. */
bool tg_policy__exception_expiring(const tg_policy *policy,
	const struct tg_exception *exc);

/*
 * Whether the baseline (threatgate.baseline) holds `fingerprint`; the
 * payload is the policy. Never true once tg_policy_ignore_baseline().
 */
bool tg_policy__baselined(const char *fingerprint, void *payload);

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
