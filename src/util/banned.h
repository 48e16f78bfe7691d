/*
 * Functions that are easy to misuse: a call becomes a compile error.
 */
#ifndef TG_BANNED_H
#define TG_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)

/*
 * Not banned, but taken through the library's allocator (alloc.c), which
 * a unit test can make fail: every out-of-memory path can then run.
 * free() is the C library's.
 */
#include <stdarg.h>
#include <stddef.h>
void *tg_malloc(size_t size);
void *tg_calloc(size_t n, size_t size);
void *tg_realloc(void *p, size_t size);
int tg_vasprintf(char **out, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
#undef malloc
#define malloc(n) tg_malloc(n)
#undef calloc
#define calloc(n, size) tg_calloc(n, size)
#undef realloc
#define realloc(p, n) tg_realloc(p, n)
#undef vasprintf
#define vasprintf(out, fmt, ap) tg_vasprintf(out, fmt, ap)
#undef strdup
#define strdup(s) BANNED(strdup)	/* tg_strdup */
#undef asprintf
#define asprintf(...) BANNED(asprintf)	/* tg_printf */

#endif
