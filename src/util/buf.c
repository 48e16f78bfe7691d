/*
 * tg_buf: a growable byte buffer with a cap and a sticky failure state,
 * checked once at the end [curl dynbuf, libgit2 git_str].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "banned.h"

void tg_buf_init(tg_buf *buf, size_t cap)
{
	buf->ptr = NULL;
	buf->size = buf->asize = 0;
	buf->cap = cap;
	buf->failed = false;
}

static bool grow(tg_buf *buf, size_t extra)
{
	size_t want, n;
	char *p;

	if (buf->failed)
		return false;
	if (extra > SIZE_MAX - buf->size - 1)
		goto fail;
	want = buf->size + extra + 1;
	if (buf->cap && want - 1 > buf->cap)
		goto fail;
	if (want <= buf->asize)
		return true;
	n = buf->asize ? buf->asize : 64;
	while (n < want)
		n = n > SIZE_MAX / 2 ? want : n * 2;
	p = realloc(buf->ptr, n);
	if (!p)
		goto fail;
	buf->ptr = p;
	buf->asize = n;
	return true;
fail:
	buf->failed = true;
	return false;
}

void tg_buf_put(tg_buf *buf, const char *data, size_t len)
{
	/* room already (with the NUL) and under the cap: no grow(); len 0
	 * may come with data NULL (a failed buffer's), so it takes the slow
	 * path as before */
	if (len > 0 && len < buf->asize - buf->size && !buf->failed &&
	    (!buf->cap || buf->size + len <= buf->cap)) {
		memcpy(buf->ptr + buf->size, data, len);
		buf->size += len;
		buf->ptr[buf->size] = '\0';
		return;
	}
	if (!grow(buf, len))
		return;
	if (len)
		memcpy(buf->ptr + buf->size, data, len);
	buf->size += len;
	buf->ptr[buf->size] = '\0';
}

void tg_buf_puts(tg_buf *buf, const char *s)
{
	tg_buf_put(buf, s, strlen(s));
}

void tg_buf_putc(tg_buf *buf, char c)
{
	if (buf->size + 1 < buf->asize && !buf->failed &&
	    (!buf->cap || buf->size + 1 <= buf->cap)) {
		buf->ptr[buf->size++] = c;
		buf->ptr[buf->size] = '\0';
		return;
	}
	tg_buf_put(buf, &c, 1);
}

void tg_buf_printf(tg_buf *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	/*
	 * The analyser's va_list model loses track of ap here when it runs
	 * over the whole tree (not over this file alone): a false report.
	 */
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);	/* NOLINT(clang-analyzer-valist.Uninitialized) */
	va_end(ap);
	if (n < 0 || !grow(buf, (size_t)n)) {
		buf->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(buf->ptr + buf->size, (size_t)n + 1, fmt, ap);	/* NOLINT(clang-analyzer-valist.Uninitialized) */
	va_end(ap);
	buf->size += (size_t)n;
}

void tg_buf_clear(tg_buf *buf)
{
	buf->size = 0;
	if (buf->ptr)
		buf->ptr[0] = '\0';
}

char *tg_buf_detach(tg_buf *buf)
{
	char *p = buf->failed ? NULL : buf->ptr;

	if (!p && !buf->failed)
		p = tg_strdup("");
	if (buf->failed)
		free(buf->ptr);
	buf->ptr = NULL;
	buf->size = buf->asize = 0;
	buf->failed = false;
	return p;
}

void tg_buf_release(tg_buf *buf)
{
	free(buf->ptr);
	buf->ptr = NULL;
	buf->size = buf->asize = 0;
	buf->failed = false;
}

const char *tg_buf_cstr(const tg_buf *buf)
{
	return buf->ptr ? buf->ptr : "";
}
