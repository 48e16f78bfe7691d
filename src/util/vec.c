/*
 * tg_vec: a growable array of pointers, and copies of string lists.
 */
#include <stdlib.h>
#include "util.h"
#include "banned.h"

int tg_vec_push(tg_vec *vec, void *item)
{
	int error = tg_array__grow((void **)&vec->items, &vec->alloc,
	                           sizeof(*vec->items), vec->length + 1);

	if (error < 0)
		return error;
	vec->items[vec->length++] = item;
	return 0;
}

int tg_vec_push_str(tg_vec *vec, const char *s)
{
	char *copy = tg_strdup(s);
	int error;

	if (!copy)
		return tg_error_oom();
	error = tg_vec_push(vec, copy);
	if (error < 0)
		free(copy);
	return error;
}

void tg_vec_release(tg_vec *vec, void (*free_item)(void *))
{
	size_t i;

	if (free_item)
		for (i = 0; i < vec->length; i++)
			free_item(vec->items[i]);
	free(vec->items);
	vec->items = NULL;
	vec->length = vec->alloc = 0;
}

char **tg_vec_copy_strs(const tg_vec *vec)
{
	char **out = calloc(vec->length + 1, sizeof(*out));
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i < vec->length; i++) {
		out[i] = tg_strdup(vec->items[i]);
		if (!out[i]) {
			while (i > 0)
				free(out[--i]);
			free(out);
			return NULL;
		}
	}
	return out;
}
