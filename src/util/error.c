/*
 * Errors: a per-thread record of the last one (tg_error_set,
 * tg_error_from_git), and the string copies tg_strdup, tg_strndup and
 * tg_printf (NULL when memory runs out).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>
#include "util.h"
#include "banned.h"

static _Thread_local char error_message[1024];
static _Thread_local tg_error last_error = { "no error", 0 };

static void set_message(int code, const char *fmt, va_list ap,
                        const char *suffix) __attribute__((format(printf, 2, 0)));

static void set_message(int code, const char *fmt, va_list ap, const char *suffix)
{
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): ap is started by the caller */
	int n = vsnprintf(error_message, sizeof(error_message), fmt, ap);

	if (suffix && *suffix && n >= 0 && (size_t)n < sizeof(error_message))
		snprintf(error_message + n, sizeof(error_message) - (size_t)n,
		         ": %s", suffix);
	last_error.message = error_message;
	last_error.code = code;
}

int tg_error__set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_message(code, fmt, ap, NULL);
	va_end(ap);
	return code;
}

int tg_error__from_git(int git_code, const char *fmt, ...)
{
	/* libgit2 1.5 may return NULL, or a record left by an earlier call. */
	const git_error *gerr = git_error_last();
	char detail[512] = "";
	int code = git_code == GIT_ENOTFOUND ? TG_ENOTFOUND : TG_EREPO;
	va_list ap;

	if (gerr && gerr->message)
		snprintf(detail, sizeof(detail), "%s", gerr->message);
	va_start(ap, fmt);
	set_message(code, fmt, ap, detail);
	va_end(ap);
	git_error_clear();
	return code;
}

void tg_error__oom(void)
{
	last_error.message = "out of memory";
	last_error.code = TG_ENOMEM;
}

const tg_error *tg_error_last(void)
{
	return &last_error;
}

void tg_error_clear(void)
{
	last_error.message = "no error";
	last_error.code = 0;
}

char *tg_strdup(const char *s)
{
	return s ? tg_strndup(s, strlen(s)) : NULL;
}

char *tg_strndup(const char *s, size_t n)
{
	char *out = malloc(n + 1);

	if (!out)
		return NULL;
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

char *tg_printf(const char *fmt, ...)
{
	va_list ap;
	char *out = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&out, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : out;
}
