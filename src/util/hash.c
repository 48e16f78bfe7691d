/*
 * The one hash of the project: FNV-1a, 64 bits, for hash tables and
 * report fingerprints. Nothing here needs a cryptographic hash.
 */
#include "util.h"
#include "banned.h"

#define FNV_PRIME UINT64_C(0x100000001b3)

uint64_t tg_hash_bytes(uint64_t hash, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		hash ^= p[i];
		hash *= FNV_PRIME;
	}
	return hash;
}
