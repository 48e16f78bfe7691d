/*
 * A design document: its bytes (size, binary and UTF-8 checks that make
 * it unreadable, never an error), line ends normalised, front matter and
 * the cmark-gfm tree. One free releases it all.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "document.h"
#include "policy/policy.h"
#include "util/banned.h"

#define DEFAULT_MAX_SIZE 1048576

static size_t max_size(const tg_policy *policy)
{
	return policy && policy->max_doc_size ? policy->max_doc_size
	                                      : DEFAULT_MAX_SIZE;
}

static int new_document(struct tg_document **out, const char *path,
                        const char *revision)
{
	struct tg_document *doc = calloc(1, sizeof(*doc));

	*out = NULL;
	if (!doc)
		return tg_error_oom();
	doc->path = tg_strdup(path);
	doc->revision = revision ? tg_strdup(revision) : NULL;
	doc->fm.reviewed_days = -1;
	doc->body_line = 1;
	if (!doc->path || (revision && !doc->revision)) {
		tg_document_free(doc);
		return tg_error_oom();
	}
	*out = doc;
	return 0;
}

static int set_unreadable(struct tg_document *doc, int line, const char *fmt,
                          ...) __attribute__((format(printf, 3, 4)));

static int set_unreadable(struct tg_document *doc, int line, const char *fmt,
                          ...)
{
	va_list ap;
	int n;

	doc->readable = false;
	doc->unreadable_line = line;
	va_start(ap, fmt);
	n = vasprintf(&doc->unreadable_reason, fmt, ap);
	va_end(ap);
	if (n < 0) {
		doc->unreadable_reason = NULL;
		return tg_error_oom();
	}
	return 0;
}

/* 1-based line and column of a byte offset. */
static void locate(const char *data, size_t offset, int *line, int *column)
{
	size_t i, start = 0;

	*line = 1;
	for (i = 0; i < offset; i++) {
		if (data[i] == '\n') {
			(*line)++;
			start = i + 1;
		}
	}
	*column = (int)(offset - start) + 1;
}

static int count_lines(const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	int n = 0;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	if (len > 0 && data[len - 1] != '\n')
		n++;
	return n;
}

/* Judge and parse bytes the document already owns. */
static int parse(struct tg_document *doc)
{
	size_t bad = 0;
	bool nul = false;
	int line, column, error;

	if (!tg_utf8_valid(doc->data, doc->len, &bad, &nul)) {
		locate(doc->data, bad, &line, &column);
		if (nul)
			return set_unreadable(doc, line,
				"'%s' is binary (NUL byte at line %d, column %d); "
				"a design document must be UTF-8 text",
				doc->path, line, column);
		return set_unreadable(doc, line,
			"'%s' is not valid UTF-8 (bad byte 0x%02x at line %d, "
			"column %d); save it as UTF-8",
			doc->path, (unsigned char)doc->data[bad], line, column);
	}
	doc->readable = true;
	doc->line_count = count_lines(doc->data, doc->len);

	error = tg_frontmatter__parse(doc);
	if (error < 0)
		return error;

	doc->root = tg_markdown__parse(doc->data + doc->body_offset,
	                               doc->len - doc->body_offset, &doc->arena);
	if (!doc->root)
		return tg_error_oom();
	return 0;
}

/* Own `data` (len + 1 bytes, NUL-terminated); a UTF-8 BOM is not content. */
static void adopt_bytes(struct tg_document *doc, char *data, size_t len)
{
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		memmove(data, data + 3, len - 3 + 1);
		len -= 3;
	}
	doc->data = data;
	doc->len = len;
}

/*
 * Line ends as git counts them: CRLF becomes LF and a bare CR a space,
 * so that every line the parser reports is the line git blame knows
 * (a bare CR ends a line for Markdown, never for git).
 */
static size_t normalise_line_ends(char *p, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (p[i] == '\r' && i + 1 < len && p[i + 1] == '\n')
			continue;
		p[o++] = p[i] == '\r' ? ' ' : p[i];
	}
	p[o] = '\0';
	return o;
}

static int take_bytes(struct tg_document *doc, const char *data, size_t len)
{
	char *copy = malloc(len + 1);

	if (!copy)
		return tg_error_oom();
	if (len)
		memcpy(copy, data, len);
	copy[len] = '\0';
	len = memchr(copy, '\r', len) ? normalise_line_ends(copy, len) : len;
	adopt_bytes(doc, copy, len);
	return 0;
}

int tg_document_load_buffer(tg_document **out, const char *path,
                            const char *revision, const char *data,
                            size_t len, const tg_policy *policy)
{
	struct tg_document *doc = NULL;
	int error;

	*out = NULL;
	error = new_document(&doc, path, revision);
	if (error < 0)
		goto done;

	if (len > max_size(policy)) {
		error = set_unreadable(doc, 1,
			"'%s' is %zu bytes, over the %zu-byte limit "
			"(threatgate.maxDocSize); split the document",
			path, len, max_size(policy));
		goto ready;
	}
	error = take_bytes(doc, data, len);
	if (error < 0)
		goto done;
	error = parse(doc);
ready:
	if (error < 0)
		goto done;
	*out = doc;
	doc = NULL;
done:
	tg_document_free(doc);
	return error;
}

int tg_document_load_file(tg_document **out, const char *fs_path,
                          const char *display_path, const tg_policy *policy)
{
	struct tg_document *doc = NULL;
	struct stat st;
	FILE *fp = NULL;
	char *data = NULL;
	size_t got = 0;
	int fd, error;

	*out = NULL;
	/* O_NONBLOCK: a FIFO named as a document must not hang the check. */
	fd = open(fs_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	fp = fd >= 0 ? fdopen(fd, "rb") : NULL;
	if (!fp) {
		error = tg_error_set(errno == ENOENT ? TG_ENOTFOUND : TG_ERROR,
			"cannot read '%s': %s", display_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto done;
	}
	if (fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode)) {
		error = tg_error_set(TG_EINVALID,
			"cannot read '%s': not a regular file", display_path);
		goto done;
	}
	if ((size_t)st.st_size > max_size(policy)) {
		/* Do not read what we will not check. */
		error = new_document(&doc, display_path, NULL);
		if (error < 0)
			goto done;
		error = set_unreadable(doc, 1,
			"'%s' is %lld bytes, over the %zu-byte limit "
			"(threatgate.maxDocSize); split the document",
			display_path, (long long)st.st_size, max_size(policy));
		if (error < 0)
			goto done;
		*out = doc;
		doc = NULL;
		goto done;
	}
	data = malloc((size_t)st.st_size + 1);
	if (!data) {
		error = tg_error_oom();
		goto done;
	}
	got = fread(data, 1, (size_t)st.st_size, fp);
	if (ferror(fp)) {
		error = tg_error_set(TG_ERROR, "cannot read '%s': %s",
		                     display_path, strerror(errno));
		goto done;
	}
	data[got] = '\0';
	error = new_document(&doc, display_path, NULL);
	if (error < 0)
		goto done;
	/* Read once, parsed in place: no second copy. */
	got = memchr(data, '\r', got) ? normalise_line_ends(data, got) : got;
	adopt_bytes(doc, data, got);
	data = NULL;
	error = parse(doc);
	if (error < 0)
		goto done;
	*out = doc;
	doc = NULL;
done:
	free(data);
	if (fp)
		fclose(fp);
	tg_document_free(doc);
	return error;
}

void tg_document_free(tg_document *doc)
{
	if (!doc)
		return;
	if (doc->root)
		cmark_node_free(doc->root);
	tg_markdown__arena_free(doc->arena);
	tg_frontmatter__release(&doc->fm);
	free(doc->unreadable_reason);
	free(doc->data);
	free(doc->revision);
	free(doc->policy_path);
	free(doc->path);
	free(doc);
}

int tg_document_set_policy_path(tg_document *doc, const char *path)
{
	char *copy = tg_strdup(path);

	if (!copy)
		return tg_error_oom();
	free(doc->policy_path);
	doc->policy_path = copy;
	return 0;
}

const char *tg_document_policy_path(const tg_document *doc)
{
	return doc->policy_path ? doc->policy_path : doc->path;
}

const char *tg_document_path(const tg_document *doc)
{
	return doc->path;
}

const char *tg_document_revision(const tg_document *doc)
{
	return doc->revision;
}

bool tg_document_readable(const tg_document *doc)
{
	return doc->readable;
}
