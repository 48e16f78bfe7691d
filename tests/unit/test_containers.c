/*
 * Unit tests for util's containers: the typed array (growth and its
 * overflow check), the hash, the object-id set, the string map and the
 * heap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/util.h"
#include "util/containers.h"

static void test_array_grows(void **state)
{
	TG_ARRAY(int) a = TG_ARRAY_INIT;
	int *slot;
	int i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		slot = tg_array_append(&a);
		assert_non_null(slot);
		assert_int_equal(*slot, 0);	/* zeroed */
		*slot = i;
	}
	assert_int_equal(a.length, 1000);
	assert_true(a.alloc >= 1000);
	for (i = 0; i < 1000; i++)
		assert_int_equal(a.items[i], i);
	assert_int_equal(tg_array_reserve(&a, 10), 0);	/* room already */
	assert_int_equal(a.length, 1000);
	tg_array_release(&a);
	assert_null(a.items);
	assert_int_equal(a.length + a.alloc, 0);
}

static void test_array_overflow(void **state)
{
	TG_ARRAY(uint64_t) a = TG_ARRAY_INIT;
	uint64_t *before;
	size_t alloc;

	(void)state;
	assert_non_null(tg_array_append(&a));
	before = a.items;
	alloc = a.alloc;
	/* want * size overflows: refused, the array as it was */
	assert_int_equal(tg_array_reserve(&a, SIZE_MAX / 4), TG_ENOMEM);
	assert_int_equal(tg_array_reserve(&a, SIZE_MAX), TG_ENOMEM);
	assert_ptr_equal(a.items, before);
	assert_int_equal(a.alloc, alloc);
	assert_int_equal(a.length, 1);
	tg_array_release(&a);
}

static void test_hash_fnv1a(void **state)
{
	(void)state;
	/* The published FNV-1a 64-bit test vectors. */
	assert_true(tg_hash_bytes(TG_HASH_INIT, "", 0) ==
	            UINT64_C(0xcbf29ce484222325));
	assert_true(tg_hash_bytes(TG_HASH_INIT, "a", 1) ==
	            UINT64_C(0xaf63dc4c8601ec8c));
	assert_true(tg_hash_bytes(TG_HASH_INIT, "foobar", 6) ==
	            UINT64_C(0x85944171f73967e8));
	/* in pieces, the same */
	assert_true(tg_hash_bytes(tg_hash_bytes(TG_HASH_INIT, "foo", 3),
	                          "bar", 3) == UINT64_C(0x85944171f73967e8));
}

static void make_oid(git_oid *id, unsigned n)
{
	unsigned char raw[GIT_OID_RAWSZ];
	size_t i;

	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (unsigned char)((n * 2654435761u) >> (i % 4 * 8)) ^
		         (unsigned char)i;
	raw[0] = (unsigned char)(n & 0xff);
	raw[1] = (unsigned char)(n >> 8);
	raw[2] = (unsigned char)(n >> 16);
	raw[3] = 1;	/* never the zero id */
	git_oid_fromraw(id, raw);
}

static void test_oidset(void **state)
{
	tg_oidset set = TG_OIDSET_INIT;
	git_oid id, zero;
	unsigned i;

	(void)state;
	make_oid(&id, 1);
	assert_false(tg_oidset_has(&set, &id));
	for (i = 0; i < 5000; i++) {
		make_oid(&id, i);
		assert_int_equal(tg_oidset_add(&set, &id), 1);
	}
	assert_int_equal(set.count, 5000);
	assert_true(set.cap >= 10000);	/* at most half full */
	for (i = 0; i < 5000; i++) {
		make_oid(&id, i);
		assert_true(tg_oidset_has(&set, &id));
		assert_int_equal(tg_oidset_add(&set, &id), 0);
	}
	make_oid(&id, 5000);
	assert_false(tg_oidset_has(&set, &id));
	memset(&zero, 0, sizeof(zero));
	assert_int_equal(tg_oidset_add(&set, &zero), 0);
	assert_false(tg_oidset_has(&set, &zero));
	assert_int_equal(set.count, 5000);
	tg_oidset_release(&set);
	assert_null(set.slots);
}

static void test_map(void **state)
{
	tg_map map = TG_MAP_INIT;
	tg_map_entry *e;
	char key[32];
	bool added;
	size_t i;

	(void)state;
	assert_null(tg_map_find(&map, "a", 1));
	for (i = 0; i < 2000; i++) {
		snprintf(key, sizeof(key), "key-%zu", i);
		assert_int_equal(tg_map_get(&e, &map, key, strlen(key), &added), 0);
		assert_true(added);
		assert_string_equal(e->key, key);
		e->value = i;
		if (i % 2 == 0)
			assert_int_equal(tg_vec_push_str(&e->list, key), 0);
	}
	assert_int_equal(map.count, 2000);
	for (i = 0; i < 2000; i++) {
		snprintf(key, sizeof(key), "key-%zu", i);
		assert_int_equal(tg_map_get(&e, &map, key, strlen(key), &added), 0);
		assert_false(added);
		assert_int_equal(e->value, i);
		assert_int_equal(e->list.length, i % 2 == 0 ? 1 : 0);
	}
	/* a key is its bytes: a prefix is another key */
	assert_null(tg_map_find(&map, "key-1", 4));
	assert_non_null(tg_map_find(&map, "key-10", 5));
	assert_int_equal(tg_map_get(&e, &map, "key-1", 4, NULL), 0);
	assert_string_equal(e->key, "key-");
	tg_map_release(&map, free);
	assert_null(map.buckets);
}

struct item {
	int key;
	int seq;
};

static bool smaller_first(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;

	return a->key < b->key || (a->key == b->key && a->seq < b->seq);
}

static void test_heap(void **state)
{
	tg_heap heap = TG_HEAP_INIT(struct item, smaller_first);
	struct item it, prev = { -1, -1 };
	const struct item *top;
	int i, n = 0;

	(void)state;
	assert_false(tg_heap_pop(&heap, &it));
	assert_null(tg_heap_peek(&heap));
	for (i = 0; i < 3000; i++) {
		it.key = (i * 7919) % 1000;
		it.seq = i;
		assert_int_equal(tg_heap_push(&heap, &it), 0);
	}
	top = tg_heap_peek(&heap);
	assert_non_null(top);
	assert_int_equal(top->key, 0);
	while (tg_heap_pop(&heap, &it)) {
		assert_true(it.key > prev.key ||
		            (it.key == prev.key && it.seq > prev.seq));
		prev = it;
		n++;
	}
	assert_int_equal(n, 3000);
	/* release frees what is left */
	for (i = 0; i < 10; i++) {
		it.key = i;
		assert_int_equal(tg_heap_push(&heap, &it), 0);
	}
	tg_heap_release(&heap);
	assert_null(heap.items);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_array_grows),
		cmocka_unit_test(test_array_overflow),
		cmocka_unit_test(test_hash_fnv1a),
		cmocka_unit_test(test_oidset),
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_heap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
