/*
 * threatgate: common types shared by every stage of the pipeline.
 */
#ifndef TG_COMMON_H
#define TG_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#define TG_EXTERN(type) extern type

/*
 * Functions that can fail return int: zero on success, a negative
 * tg_error_code on failure. The details are in tg_error_last().
 */
typedef enum {
	TG_OK = 0,
	TG_ERROR = -1,		/* generic failure */
	TG_ENOMEM = -2,		/* out of memory */
	TG_ENOTFOUND = -3,	/* file, revision or object not found */
	TG_EINVALID = -4,	/* bad flag, policy or argument */
	TG_EREPO = -5,		/* repository could not be read */
	TG_ELIMIT = -6,		/* size or time budget exhausted */
	TG_ITEROVER = -31	/* an iteration ended normally */
} tg_error_code;

/* Ordered: a higher value is more severe. OFF disables a rule. */
typedef enum {
	TG_SEVERITY_OFF = 0,
	TG_SEVERITY_NOTE = 1,
	TG_SEVERITY_WARNING = 2,
	TG_SEVERITY_ERROR = 3
} tg_severity;

/* Stable rule identities, in SPEC section 2 order. */
typedef enum {
	TG_RULE_MISSING_SECTION,
	TG_RULE_EMPTY_SECTION,
	TG_RULE_NO_THREATS,
	TG_RULE_THREAT_MISSING_PRIORITY,
	TG_RULE_THREAT_MISSING_CATEGORY,
	TG_RULE_THREAT_MISSING_MITIGATION,
	TG_RULE_RISK_ACCEPTANCE_APPROVAL,
	TG_RULE_STRIDE_COVERAGE,
	TG_RULE_SIGNOFF_REQUIRED,
	TG_RULE_SIGNOFF_UNAUTHORIZED,
	TG_RULE_STALE_THREAT_MODEL,
	TG_RULE_COVERED_CODE_CHANGED,
	TG_RULE_MISSING_DRI,
	TG_RULE_TOO_FEW_PARTICIPANTS,
	TG_RULE_INVALID_METADATA,
	TG_RULE_UNREADABLE_DOCUMENT,
	TG_RULE_REVIEWED_DATE_NOT_UPDATED,
	TG_RULE_NO_DOCUMENTS,
	TG_RULE_UNDECLARED_CONCERN,
	TG_RULE_UNKNOWN_RULE,
	TG_RULE_HIDDEN_DOCUMENT,
	TG_RULE_SIGNOFF_STALE,
	TG_RULE_UNREADABLE_THREATS,
	TG_RULE__COUNT
} tg_rule_id;

typedef struct {
	const char *message;	/* never NULL */
	int code;		/* a tg_error_code */
} tg_error;

/*
 * Library set-up: libgit2 and the cmark-gfm extension registry. It
 * changes no process-wide libgit2 setting: the CLI turns off libgit2's
 * strict hash verification itself, as git does not verify either.
 */
TG_EXTERN(int) tg_init(void);
TG_EXTERN(void) tg_shutdown(void);

/*
 * What the library would otherwise have to read from the environment.
 * It reads none: the CLI reads THREATGATE_TODAY, THREATGATE_THREADS,
 * THREATGATE_CACHE, THREATGATE_INDEX, GIT_INDEX_FILE and GIT_AUTHOR_EMAIL
 * once and sets these; a library user sets what it wants, before any
 * check starts (the settings are read, never locked, by every thread).
 */
typedef struct {
	long today;		/* days since 1970-01-01; -1: the clock */
	long threads;		/* threads for a check; 0: one per processor
				 * (at most 16) */
	bool no_covers_cache;	/* neither read nor write the covers cache
				 * in the git directory */
	bool index_libgit2;	/* read the index with libgit2, not our reader */
	const char *index_file;	/* the index (GIT_INDEX_FILE); NULL: the
				 * repository's own */
	const char *author_email; /* whose an uncommitted line is
				   * (GIT_AUTHOR_EMAIL); NULL: user.email */
} tg_options;

#define TG_OPTIONS_INIT { .today = -1 }

/* Copy `options` (NULL: the defaults) into the library: 0 or TG_ENOMEM. */
TG_EXTERN(int) tg_options_set(const tg_options *options);

/* The last error recorded on this thread; never NULL. */
TG_EXTERN(const tg_error *) tg_error_last(void);
TG_EXTERN(void) tg_error_clear(void);

/* "error", "warning", "note", "off". */
TG_EXTERN(const char *) tg_severity_name(tg_severity severity);
/* Returns 0 and sets *out, or TG_EINVALID for an unknown name. */
TG_EXTERN(int) tg_severity_parse(tg_severity *out, const char *name);

/* "missing-section", ...; NULL for an id out of range. */
TG_EXTERN(const char *) tg_rule_name(tg_rule_id id);
/* Returns 0 and sets *out, or TG_ENOTFOUND for an unknown rule name. */
TG_EXTERN(int) tg_rule_lookup(tg_rule_id *out, const char *name);

TG_EXTERN(const char *) tg_version(void);

#endif
