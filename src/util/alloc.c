/*
 * The library's allocator. Every malloc, calloc, realloc and vasprintf of
 * src/ comes here (banned.h turns the calls into these), so that a unit
 * test can swap in an allocator that fails the Nth allocation and make
 * the out-of-memory paths run [libgit2 failalloc, cmark cmark_mem].
 * Memory is always the C library's: free() releases it.
 */
#ifdef TG_ALLOC_BACKTRACE
#include <execinfo.h>
#endif
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include "util.h"
#include "banned.h"

/* 0: never fail; n: the nth allocation from tg_alloc__fail_nth() fails. */
static atomic_ulong fail_at;
static atomic_ulong count;
static atomic_bool failed;

static bool fail_now(void)
{
	unsigned long at = atomic_load(&fail_at);

	if (at == 0)
		return false;
	if (atomic_fetch_add(&count, 1) + 1 != at)
		return false;
	atomic_store(&failed, true);
#ifdef TG_ALLOC_BACKTRACE
	/* make CFLAGS=-DTG_ALLOC_BACKTRACE: where the failed one was made */
	{
		void *frames[24];

		backtrace_symbols_fd(frames, backtrace(frames, 24), 2);
	}
#endif
	return true;
}

void tg_alloc__fail_nth(unsigned long n)
{
	atomic_store(&count, 0);
	atomic_store(&failed, false);
	atomic_store(&fail_at, n);
}

bool tg_alloc__failed(void)
{
	return atomic_load(&failed);
}

unsigned long tg_alloc__count(void)
{
	return atomic_load(&count);
}

void *tg_malloc(size_t size)
{
	return fail_now() ? NULL : (malloc)(size);
}

void *tg_calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : (calloc)(n, size);
}

void *tg_realloc(void *p, size_t size)
{
	return fail_now() ? NULL : (realloc)(p, size);
}

int tg_vasprintf(char **out, const char *fmt, va_list ap)
{
	if (fail_now()) {
		*out = NULL;
		return -1;
	}
	return (vasprintf)(out, fmt, ap);
}
