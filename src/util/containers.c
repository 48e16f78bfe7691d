/*
 * The object-id set, the string map and the heap of containers.h. Each
 * was written by hand in two places before (git/scan.c, git/changes.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "util/containers.h"
#include "util/banned.h"

/* ---- tg_oidset ---- */

static size_t oid_slot(const git_oid *id, size_t cap)
{
	size_t h;

	/* Object ids are hashes already: their first bytes will do. */
	memcpy(&h, id->id, sizeof(h));
	return h & (cap - 1);
}

bool tg_oidset_has(const tg_oidset *set, const git_oid *id)
{
	size_t i;

	if (set->cap == 0)
		return false;
	for (i = oid_slot(id, set->cap); !git_oid_is_zero(&set->slots[i]);
	     i = (i + 1) & (set->cap - 1))
		if (git_oid_equal(&set->slots[i], id))
			return true;
	return false;
}

static void oidset_place(git_oid *slots, size_t cap, const git_oid *id)
{
	size_t i;

	for (i = oid_slot(id, cap); !git_oid_is_zero(&slots[i]);
	     i = (i + 1) & (cap - 1))
		;
	git_oid_cpy(&slots[i], id);
}

int tg_oidset_add(tg_oidset *set, const git_oid *id)
{
	git_oid *slots;
	size_t cap, j;

	/* The zero id marks a free slot: it is never stored. */
	if (git_oid_is_zero(id))
		return 0;
	if (tg_oidset_has(set, id))
		return 0;
	/* At most half full, so that probes stay short. */
	if ((set->count + 1) * 2 > set->cap) {
		if (set->cap > SIZE_MAX / 2 / sizeof(*slots))
			return tg_error_oom();
		cap = set->cap ? set->cap * 2 : 256;
		slots = calloc(cap, sizeof(*slots));
		if (!slots)
			return tg_error_oom();
		for (j = 0; j < set->cap; j++)
			if (!git_oid_is_zero(&set->slots[j]))
				oidset_place(slots, cap, &set->slots[j]);
		free(set->slots);
		set->slots = slots;
		set->cap = cap;
	}
	oidset_place(set->slots, set->cap, id);
	set->count++;
	return 1;
}

void tg_oidset_release(tg_oidset *set)
{
	free(set->slots);
	memset(set, 0, sizeof(*set));
}

/* ---- tg_map ---- */

tg_map_entry *tg_map_find(const tg_map *map, const char *key, size_t len)
{
	tg_map_entry *e;
	uint64_t h;

	if (map->cap == 0)
		return NULL;
	h = tg_hash_bytes(TG_HASH_INIT, key, len);
	for (e = map->buckets[h & (map->cap - 1)]; e; e = e->next)
		if (e->hash == h && e->len == len && memcmp(e->key, key, len) == 0)
			return e;
	return NULL;
}

static int map_grow(tg_map *map)
{
	size_t cap, i;
	tg_map_entry **buckets, *e, *next;

	if (map->cap > SIZE_MAX / 2 / sizeof(*buckets))
		return tg_error_oom();
	cap = map->cap ? map->cap * 2 : 64;
	buckets = calloc(cap, sizeof(*buckets));
	if (!buckets)
		return tg_error_oom();
	for (i = 0; i < map->cap; i++) {
		for (e = map->buckets[i]; e; e = next) {
			next = e->next;
			e->next = buckets[e->hash & (cap - 1)];
			buckets[e->hash & (cap - 1)] = e;
		}
	}
	free(map->buckets);
	map->buckets = buckets;
	map->cap = cap;
	return 0;
}

int tg_map_get(tg_map_entry **out, tg_map *map, const char *key, size_t len,
               bool *added)
{
	tg_map_entry *e;
	int error;

	*out = tg_map_find(map, key, len);
	if (added)
		*added = false;
	if (*out)
		return 0;
	/* At most three quarters full. */
	if (!map->buckets || (map->count + 1) * 4 > map->cap * 3) {
		error = map_grow(map);
		if (error < 0)
			return error;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return tg_error_oom();
	e->key = tg_strndup(key, len);
	if (!e->key) {
		free(e);
		return tg_error_oom();
	}
	e->len = len;
	e->hash = tg_hash_bytes(TG_HASH_INIT, key, len);
	e->next = map->buckets[e->hash & (map->cap - 1)];
	map->buckets[e->hash & (map->cap - 1)] = e;
	map->count++;
	if (added)
		*added = true;
	*out = e;
	return 0;
}

void tg_map_release(tg_map *map, void (*free_item)(void *))
{
	tg_map_entry *e, *next;
	size_t i;

	for (i = 0; i < map->cap; i++) {
		for (e = map->buckets[i]; e; e = next) {
			next = e->next;
			tg_vec_release(&e->list, free_item);
			free(e->key);
			free(e);
		}
	}
	free(map->buckets);
	memset(map, 0, sizeof(*map));
}

/* ---- tg_heap ---- */

#define ITEM(h, i) ((h)->items + (i) * (h)->size)

static void swap_items(tg_heap *h, size_t a, size_t b, size_t scratch)
{
	memcpy(ITEM(h, scratch), ITEM(h, a), h->size);
	memcpy(ITEM(h, a), ITEM(h, b), h->size);
	memcpy(ITEM(h, b), ITEM(h, scratch), h->size);
}

int tg_heap_push(tg_heap *heap, const void *item)
{
	size_t i, parent;
	int error;

	/* Room for the new item and the scratch item after it. */
	if (heap->length > SIZE_MAX - 2)
		return tg_error_oom();
	error = tg_array__grow((void **)&heap->items, &heap->alloc, heap->size,
	                       heap->length + 2);
	if (error < 0)
		return error;
	memcpy(ITEM(heap, heap->length), item, heap->size);
	for (i = heap->length++; i > 0; i = parent) {
		parent = (i - 1) / 2;
		if (!heap->before(ITEM(heap, i), ITEM(heap, parent)))
			break;
		swap_items(heap, i, parent, heap->length);
	}
	return 0;
}

bool tg_heap_pop(tg_heap *heap, void *out)
{
	size_t i = 0, child, n;

	if (heap->length == 0)
		return false;
	memcpy(out, ITEM(heap, 0), heap->size);
	n = --heap->length;
	if (n == 0)
		return true;
	memcpy(ITEM(heap, 0), ITEM(heap, n), heap->size);
	for (;;) {
		child = 2 * i + 1;
		if (child >= n)
			break;
		if (child + 1 < n &&
		    heap->before(ITEM(heap, child + 1), ITEM(heap, child)))
			child++;
		if (!heap->before(ITEM(heap, child), ITEM(heap, i)))
			break;
		/* the old last item's slot is free: the scratch */
		swap_items(heap, i, child, n);
		i = child;
	}
	return true;
}

const void *tg_heap_peek(const tg_heap *heap)
{
	return heap->length ? heap->items : NULL;
}

void tg_heap_release(tg_heap *heap)
{
	free(heap->items);
	heap->items = NULL;
	heap->length = heap->alloc = 0;
}
