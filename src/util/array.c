/*
 * TG_ARRAY's growth, written once: doubling with an overflow check
 * [libgit2 array.h, curl dynbuf].
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "banned.h"

int tg_array__grow(void **items, size_t *alloc, size_t size, size_t want)
{
	size_t n = *alloc ? *alloc : 16;
	void *p;

	if (want <= *alloc)
		return 0;
	while (n < want) {
		if (n > SIZE_MAX / 2)
			return tg_error_oom();
		n *= 2;
	}
	if (size == 0 || n > SIZE_MAX / size)
		return tg_error_oom();
	p = realloc(*items, n * size);
	if (!p)
		return tg_error_oom();
	*items = p;
	*alloc = n;
	return 0;
}

void *tg_array__zero(void *item, size_t size)
{
	return memset(item, 0, size);
}
