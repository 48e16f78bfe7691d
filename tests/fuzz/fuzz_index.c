/*
 * libFuzzer target: the index reader of `check --staged` (src/git/index.c).
 *
 * The index is a binary file anyone with write access to .git can shape,
 * and the reader walks it by offsets it finds inside: every input must
 * come back as entries, TG_GIT_INDEX_FALLBACK (libgit2 decides) or an
 * error, never as a read out of bounds, a leak or a hang. What it returns
 * must hold together: paths as long as they say, sorted as git sorts them
 * (the cache-tree skip depends on it) or handed back. Build and run with
 * `make fuzz FUZZ_TARGET=index FUZZ_SECONDS=600`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "git/git.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tg_index *idx = NULL;
	tg_vec deltas = TG_VEC_INIT;
	char path[64];
	size_t i;
	int fd = memfd_create("index", MFD_CLOEXEC);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (tg_git__index_read(&idx, path) == 0) {
		for (i = 0; i < idx->count; i++)
			if (strlen(idx->entries[i].path) != idx->entries[i].path_len ||
			    (i > 0 && strcmp(idx->entries[i - 1].path,
			                     idx->entries[i].path) >= 0))
				abort();
		/* Against an unborn HEAD: every entry is added, no git needed. */
		if (tg_git__index_diff(&deltas, idx, NULL, NULL) == 0 &&
		    deltas.length != idx->count)
			abort();
		tg_vec_release(&deltas, tg_git__free_delta);
		tg_git__index_free(idx);
	}
	close(fd);
	return 0;
}
