/*
 * threatgate: one design document, as bytes, front matter and a
 * cmark-gfm tree (pipeline stage 2).
 *
 * Loading never fails on bad content: a binary, oversized or non-UTF-8
 * document loads as "unreadable" and becomes a finding later. Loading fails
 * only when the bytes cannot be had (missing file: TG_ENOTFOUND) or memory
 * runs out (TG_ENOMEM).
 */
#ifndef TG_DOCUMENT_H
#define TG_DOCUMENT_H

#include "common.h"
#include "policy.h"

typedef struct tg_document tg_document;

/*
 * Load from memory. `path` is the path reported in findings, `revision`
 * the commit it was read from (NULL for the work tree). The bytes are
 * copied. Caller frees with tg_document_free().
 */
TG_EXTERN(int) tg_document_load_buffer(tg_document **out, const char *path,
	const char *revision, const char *data, size_t len,
	const tg_policy *policy);

/* Load a file of the work tree; `display_path` is reported in findings. */
TG_EXTERN(int) tg_document_load_file(tg_document **out, const char *fs_path,
	const char *display_path, const tg_policy *policy);

TG_EXTERN(void) tg_document_free(tg_document *doc);

/*
 * The repository-relative path that policy globs (path.<glob>.signoff,
 * exceptions) are matched against, when it differs from the path shown
 * in findings (a check run from a subdirectory). Copied.
 */
TG_EXTERN(int) tg_document_set_policy_path(tg_document *doc, const char *path);
/* That path, or the display path when none was set. */
TG_EXTERN(const char *) tg_document_policy_path(const tg_document *doc);

TG_EXTERN(const char *) tg_document_path(const tg_document *doc);
TG_EXTERN(const char *) tg_document_revision(const tg_document *doc);
/* False for a binary, non-UTF-8 or oversized document. */
TG_EXTERN(bool) tg_document_readable(const tg_document *doc);

#endif
