/*
 * Containers written once for every module [libgit2 oidmap, strmap,
 * pqueue]: a set of object ids, a string-keyed map and a binary heap.
 * Each grows with an overflow check and reports TG_ENOMEM; on failure it
 * is left as it was.
 */
#ifndef TG_CONTAINERS_H
#define TG_CONTAINERS_H

#include <git2.h>
#include "util/util.h"

/* ---- tg_oidset: a set of object ids (open addressing) ---- */

typedef struct {
	git_oid *slots;		/* the zero id marks a free slot */
	size_t cap;		/* 0 or a power of two */
	size_t count;
} tg_oidset;

#define TG_OIDSET_INIT { .slots = NULL }

bool tg_oidset_has(const tg_oidset *set, const git_oid *id);
/*
 * 1 when added, 0 when it was there already (or is the zero id, which is
 * never stored), or TG_ENOMEM.
 */
int tg_oidset_add(tg_oidset *set, const git_oid *id);
void tg_oidset_release(tg_oidset *set);

/* ---- tg_map: string keys to an index or a list (chained) ---- */

typedef struct tg_map_entry {
	char *key;
	size_t len;
	uint64_t hash;
	size_t value;		/* an index, for maps of single values */
	tg_vec list;		/* or a list of pointers */
	struct tg_map_entry *next;
} tg_map_entry;

typedef struct {
	tg_map_entry **buckets;
	size_t cap;		/* 0 or a power of two */
	size_t count;
} tg_map;

#define TG_MAP_INIT { .buckets = NULL }

/* The entry for the `len` bytes of `key`, or NULL. */
tg_map_entry *tg_map_find(const tg_map *map, const char *key, size_t len);
/*
 * The entry for `key`, added (value 0, empty list) when new; *added (may
 * be NULL) says which. 0 or TG_ENOMEM.
 */
int tg_map_get(tg_map_entry **out, tg_map *map, const char *key, size_t len,
	bool *added);
/* Free every entry, its list's items with `free_item` (may be NULL). */
void tg_map_release(tg_map *map, void (*free_item)(void *));

/* ---- tg_heap: a binary heap of fixed-size items ---- */

typedef struct {
	unsigned char *items;	/* `length` items, then a scratch item */
	size_t length;
	size_t alloc;
	size_t size;		/* bytes per item */
	/* Whether `a` comes out before `b`. */
	bool (*before)(const void *a, const void *b);
} tg_heap;

#define TG_HEAP_INIT(type, fn) { .size = sizeof(type), .before = (fn) }

/* Copy `item` in: 0 or TG_ENOMEM. */
int tg_heap_push(tg_heap *heap, const void *item);
/* Copy the first item out and remove it; false when the heap is empty. */
bool tg_heap_pop(tg_heap *heap, void *out);
/* The first item, borrowed, or NULL. */
const void *tg_heap_peek(const tg_heap *heap);
void tg_heap_release(tg_heap *heap);

#endif
