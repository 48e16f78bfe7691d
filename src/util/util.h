/*
 * Private helpers shared by every module: errors, growable buffers,
 * string vectors, UTF-8, globs, dates and people.
 */
#ifndef TG_UTIL_H
#define TG_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "threatgate/common.h"

/* ---- errors (error.c) ---- */

/* Record a formatted message for this thread and return `code`. */
int tg_error__set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * The macro shows the returned code to static analysers, which cannot see
 * into error.c: `return tg_error_set(TG_EINVALID, ...)` is then known to
 * fail. `code` is evaluated once, before the message.
 */
#define tg_error_set(code, ...) __extension__ ({ \
	int tg_code_ = (code); \
	tg_error__set(tg_code_, __VA_ARGS__); \
	tg_code_; \
})
/*
 * Record libgit2's last error, prefixed by our message, and map the
 * libgit2 code to ours (GIT_ENOTFOUND -> TG_ENOTFOUND, else TG_EREPO).
 */
int tg_error__from_git(int git_code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define tg_error_from_git(git_code, ...) __extension__ ({ \
	int tg_code_ = tg_error__from_git((git_code), __VA_ARGS__); \
	tg_code_ < 0 ? tg_code_ : TG_EREPO; \
})
/* Out of memory: records a fixed message, returns TG_ENOMEM. */
void tg_error__oom(void);
static inline int tg_error_oom(void)
{
	tg_error__oom();
	return TG_ENOMEM;
}

/* ---- memory ---- */

/* Allocation that may fail: callers check for NULL. */
char *tg_strdup(const char *s);
char *tg_strndup(const char *s, size_t n);
/* printf into a new string; NULL when memory runs out. */
char *tg_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * "Did you mean": the distance of `word` to each of the n (at most 64)
 * candidates into dist[], returning the smallest when it is close enough
 * to suggest, else SIZE_MAX. tg_suggest() gives the one closest
 * candidate, or NULL when none is close or two are as close.
 */
size_t tg_suggest_distances(size_t *dist, const char *word,
	const char *const *candidates, size_t n);
const char *tg_suggest(const char *word, const char *const *candidates,
	size_t n);

/* ---- tg_buf: growable bytes with a hard cap and a sticky failure ---- */

typedef struct {
	char *ptr;	/* always NUL-terminated once anything was added */
	size_t size;
	size_t asize;
	size_t cap;	/* 0: no cap */
	bool failed;	/* out of memory or over the cap: sticky */
} tg_buf;

#define TG_BUF_INIT { NULL, 0, 0, 0, false }

void tg_buf_init(tg_buf *buf, size_t cap);
void tg_buf_put(tg_buf *buf, const char *data, size_t len);
void tg_buf_puts(tg_buf *buf, const char *s);
void tg_buf_putc(tg_buf *buf, char c);
void tg_buf_printf(tg_buf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tg_buf_clear(tg_buf *buf);		/* size 0, memory kept */
/* Hand the bytes to the caller (NULL if failed); the buffer is reset. */
char *tg_buf_detach(tg_buf *buf);
void tg_buf_release(tg_buf *buf);
/* "" when nothing was added. */
const char *tg_buf_cstr(const tg_buf *buf);

/* ---- tg_vec: a growable array of pointers ---- */

typedef struct {
	void **items;
	size_t length;
	size_t alloc;
} tg_vec;

#define TG_VEC_INIT { NULL, 0, 0 }

int tg_vec_push(tg_vec *vec, void *item);	/* 0 or TG_ENOMEM */
/* Free every item with `free_item` (may be NULL), then the array. */
void tg_vec_release(tg_vec *vec, void (*free_item)(void *));
/* Push a copy of a string. */
int tg_vec_push_str(tg_vec *vec, const char *s);
/* Copy the strings into a new NULL-free char ** of `length` items. */
char **tg_vec_copy_strs(const tg_vec *vec);

/* ---- strings (str.c) ---- */

/* ASCII-only case folding: documents are UTF-8, keywords are ASCII. */
int tg_strcasecmp(const char *a, const char *b);
bool tg_starts_with_ci(const char *s, const char *prefix);
/* Trim ASCII white space in place; returns s. */
char *tg_trim(char *s);
/* Lowercase ASCII in place; returns s. */
char *tg_lower(char *s);
/* Collapse runs of white space into one space, in place. */
char *tg_squeeze(char *s);

/* ---- UTF-8 (utf8.c) ---- */

/*
 * Whether `data` is valid UTF-8 without NUL bytes. On failure *bad_offset
 * is the offset of the first bad byte and *is_nul tells a NUL (binary).
 */
bool tg_utf8_valid(const char *data, size_t len, size_t *bad_offset,
	bool *is_nul);

/* ---- globs (glob.c) ---- */

/*
 * Match a path against a glob: `*` and `?` stop at '/', `**` crosses
 * directories (a trailing slash-star-star also matches the folder itself), `[...]` classes. A pattern
 * without a '/' matches the basename anywhere, as in .gitignore.
 */
bool tg_glob_match(const char *pattern, const char *path);
/* The same, ASCII letters compared without case. */
bool tg_glob_match_nocase(const char *pattern, const char *path);

/*
 * A path as a person reads it, to catch names made to dodge the globs:
 * each component stripped of trailing dots and spaces, look-alike
 * letters (Cyrillic, Greek, fullwidth) folded to ASCII, invisible
 * characters and combining marks dropped, ASCII lowered. Caller frees;
 * NULL when out of memory.
 */
char *tg_path_skeleton(const char *path);

/* ---- dates (date.c) ---- */

/* Days since 1970-01-01 of an ISO date "YYYY-MM-DD"; -1 when invalid. */
long tg_date_parse(const char *s);
/* Today, from THREATGATE_TODAY=YYYY-MM-DD when set (tests), else UTC. */
long tg_date_today(void);
/* Format days since epoch as YYYY-MM-DD into out (11 bytes). */
void tg_date_format(char out[11], long days);

/* ---- threads (parallel.c) ---- */

/*
 * How many threads for `jobs` jobs: THREATGATE_THREADS, else one a core;
 * at most 16, and at least two jobs a thread.
 */
size_t tg_parallel_threads(size_t jobs);
/*
 * Run job(i) for every i < n on `threads` threads (this one among them),
 * started in increasing order of i. No job starts once stop() (may be
 * NULL) returns true, or a job returned TG_ENOMEM, or with
 * `stop_on_failure` any error. Returns how many jobs started: all of
 * them have finished, and they are jobs 0 to that number - 1.
 */
size_t tg_parallel_run(size_t n, size_t threads,
	int (*job)(size_t i, void *payload), bool (*stop)(void *payload),
	void *payload, bool stop_on_failure);

/* ---- people (person.c) ---- */

/*
 * Whether `text` names `member`: a handle ("@alice" or "alice"), an email
 * or a full name, compared without case. `text` may be a whole line
 * ("Security review: @alice (2026-11-01)").
 */
bool tg_person_matches(const char *text, const char *member);
/*
 * Pull the people named in a sign-off or approver text: handles and
 * emails first; else the text itself trimmed of dates and parentheses.
 * Pushes new strings on `out`. Returns 0 or TG_ENOMEM.
 */
int tg_person_extract(tg_vec *out, const char *text);

#endif
