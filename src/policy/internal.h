/*
 * Shared by the files of the policy module only: the policy's private
 * extension, the configuration reader with its line locator, and the
 * built-in defaults.
 */
#ifndef TG_POLICY_INTERNAL_H
#define TG_POLICY_INTERNAL_H

#include <git2.h>
#include "policy/policy.h"

/*
 * tg_policy_new allocates this; `base` comes first, so a tg_policy * is
 * also a struct tg_policy_ext *. It holds what the other stages need not
 * see: where things were set, for messages at finalize time.
 */
struct tg_policy_ext {
	struct tg_policy base;
	tg_vec role_order;		/* char *: threatgate.roles, lowest first */
	bool roles_given;		/* the default order was replaced */
	char *roles_origin;
	char *accept_origin[5];
	/*
	 * Multi-valued keys a git config level has set: its first value
	 * replaces what the file gave (server config wins over the file).
	 */
	unsigned git_replaced;
};

/* Bits of git_replaced. */
enum {
	TG_MULTI_DOCS = 1u << 0,
	TG_MULTI_REVIEWER = 1u << 1,
	TG_MULTI_PROTECT = 1u << 2,
	TG_MULTI_ADMIN = 1u << 3,
	TG_MULTI_PUSHER = 1u << 4	/* pusher.<name>.identity, all names */
};

#define TG_POLICY_EXT(p) ((struct tg_policy_ext *)(p))

/* One configuration source being read: a file, a buffer or a git level. */
struct tg_policy_source {
	const char *what;	/* "policy", "exceptions file" */
	const char *name;	/* ".threatgate", or the git level ("global") */
	bool git;		/* a level of a git config: no line numbers */
	tg_vec keys;		/* struct tg_key_line *, found by the locator */
	size_t next;		/* locator cursor: entries come in file order */
	int line;		/* line of the entry being applied, 0 unknown */
	const char *key;	/* its name as written, or libgit2's name */
};

/* Called for each entry in file order; return 0 or a negative code. */
typedef int (*tg_policy__entry_fn)(struct tg_policy_source *src,
	const git_config_entry *entry, void *payload);

/*
 * Read a git-config syntax file. `data`/`len` is its text for the line
 * locator, `disk` the file libgit2 reads, `name` what messages call it.
 * Syntax errors and include directives fail with TG_EINVALID.
 */
int tg_policy__read(const char *what, const char *name, const char *disk,
	const char *data, size_t len, tg_policy__entry_fn fn, void *payload);

/* Read a file into memory; TG_ENOTFOUND when missing. Caller frees. */
int tg_policy__slurp(char **out, size_t *len, const char *what,
	const char *path);

/*
 * Record "cannot read policy 'NAME': line N: <message>" (or the git
 * config form) and return TG_EINVALID.
 */
int tg_policy__error(const struct tg_policy_source *src, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "unknown rule 'NAME' in 'KEY'", with a "did you mean"; TG_EINVALID. */
int tg_policy__unknown_rule(struct tg_policy_source *src, const char *name);

/* "NAME:LINE", "NAME" or "git config (LEVEL)"; NULL when out of memory. */
char *tg_policy__origin(const struct tg_policy_source *src);

/* Like tg_policy__error for something set at `origin` (may be NULL). */
int tg_policy__origin_error(const char *origin, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- defaults.c ---- */

/* Fill a zeroed policy with the built-in defaults. */
int tg_policy__defaults(struct tg_policy_ext *ext);
/* The category table of a framework ("stride", "linddun"), or NULL. */
const struct tg_category *tg_policy__framework(const char *name,
	size_t *count);

/* Item constructors and destructors (NULL-safe frees). */
struct tg_trigger *tg_policy__trigger_new(const char *name);
void tg_policy__trigger_free(void *trigger);
struct tg_section_rule *tg_policy__section_new(const char *name);
void tg_policy__section_free(void *section);
struct tg_role *tg_policy__role_new(const char *name, int rank);
void tg_policy__role_free(void *role);
void tg_policy__path_signoff_free(void *ps);
void tg_policy__pusher_free(void *pusher);

/* ---- exceptions.c ---- */

/*
 * Read the baseline file at `path` (already resolved; JSON, see
 * docs/baseline.md) into the policy (baseline.c).
 */
int tg_policy__read_baseline(tg_policy *policy, const char *path,
	const char *name);
/* The same from bytes in memory; `name` is what messages call it. */
int tg_policy__read_baseline_data(tg_policy *policy, const char *name,
	const char *data, size_t len);

/* Read the exceptions file at `path` (already resolved) into the policy. */
int tg_policy__read_exceptions(tg_policy *policy, const char *path,
	const char *name);
/* The same from bytes in memory that libgit2 reads at `disk`. */
int tg_policy__read_exceptions_data(tg_policy *policy, const char *name,
	const char *disk, const char *data, size_t len);
void tg_policy__exception_free(void *exception);

#endif
