/*
 * The index read straight from its file, and compared with HEAD through
 * its cache-tree, for `check --staged` and the pre-commit hook.
 *
 * libgit2 reads an index of 100,000 entries into a hash map, verifies its
 * checksum and diffs it against every tree of HEAD: 150 ms where
 * `git diff --cached` takes 15. git's trick is the cache-tree (the TREE
 * extension): after `git add`, every directory the change did not touch
 * still carries the id of the tree it would write, and a directory whose
 * id equals HEAD's is skipped unread. This reader does the same, and
 * hands anything unusual (conflicts, intent-to-add entries, an unknown
 * required extension, a damaged file) back to libgit2 by returning
 * TG_GIT_INDEX_FALLBACK. A split or a sparse index neither can read:
 * that is an error saying how to make it whole.
 *
 * Format: Documentation/gitformat-index.txt in git's sources. Like git,
 * the trailing checksum is not verified: the file is written under a lock
 * and renamed into place, so a torn read is not possible.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "git.h"
#include "util/banned.h"

#define ENTRY_FIXED 62		/* stat data, mode, id, flags */
#define FLAG_EXTENDED 0x4000
#define FLAG_STAGE 0x3000
#define FLAG_NAME_MASK 0x0fff
#define XFLAG_INTENT_TO_ADD 0x2000
#define MAX_TREE_DEPTH 4096

/* A node of the cache-tree: a directory and what its tree would be. */
struct tg_index_tree {
	const char *name;	/* not NUL-terminated */
	size_t name_len;
	long count;		/* entries below it; -1: invalidated */
	git_oid id;		/* valid when count >= 0 */
	size_t nsub;
	struct tg_index_tree **sub;
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint16_t be16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void free_tree(struct tg_index_tree *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; t->sub && i < t->nsub; i++)
		free_tree(t->sub[i]);
	free(t->sub);
	free(t);
}

void tg_git__index_free(struct tg_index *idx)
{
	if (!idx)
		return;
	free_tree(idx->tree);
	free(idx->entries);
	free(idx->paths);
	if (idx->map)
		munmap(idx->map, idx->size);
	free(idx);
}

/* A decimal number ending at `stop`; false when there is none. */
static bool parse_long(long *out, const unsigned char **p,
                       const unsigned char *end, char stop)
{
	const unsigned char *s = *p;
	bool neg = false;
	long v = 0;

	if (s < end && *s == '-') {
		neg = true;
		s++;
	}
	if (s >= end || *s < '0' || *s > '9')
		return false;
	while (s < end && *s >= '0' && *s <= '9') {
		if (v > 100000000)
			return false;
		v = v * 10 + (*s++ - '0');
	}
	if (s >= end || *s != stop)
		return false;
	*out = neg ? -v : v;
	*p = s + 1;
	return true;
}

/* One cache-tree node and, depth first, its subtrees. NULL: malformed. */
static struct tg_index_tree *parse_tree(const unsigned char **p,
                                        const unsigned char *end, int depth)
{
	const unsigned char *s = *p, *nul;
	struct tg_index_tree *t;
	long nsub;
	size_t i;

	if (depth > MAX_TREE_DEPTH)
		return NULL;
	nul = memchr(s, '\0', (size_t)(end - s));
	if (!nul)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->name = (const char *)s;
	t->name_len = (size_t)(nul - s);
	s = nul + 1;
	if (!parse_long(&t->count, &s, end, ' ') ||
	    !parse_long(&nsub, &s, end, '\n') || nsub < 0 ||
	    (size_t)nsub > (size_t)(end - s))
		goto bad;
	if (t->count >= 0) {
		if ((size_t)(end - s) < GIT_OID_RAWSZ)
			goto bad;
		git_oid_fromraw(&t->id, s);
		s += GIT_OID_RAWSZ;
	}
	if (nsub > 0) {
		t->sub = calloc((size_t)nsub, sizeof(*t->sub));
		if (!t->sub)
			goto bad;
	}
	for (i = 0; i < (size_t)nsub; i++) {
		t->sub[i] = parse_tree(&s, end, depth + 1);
		if (!t->sub[i])
			goto bad;
		t->nsub++;
	}
	*p = s;
	return t;
bad:
	free_tree(t);
	return NULL;
}

/* libgit2 cannot read a sparse index either. */
static int sparse_index(void)
{
	return tg_error_set(TG_EREPO, "the index is sparse (index.sparse), "
		"which threatgate cannot read: 'git sparse-checkout init "
		"--no-sparse-index' expands it");
}

/* git's varint (index v4 path compression); false on overflow. */
static bool parse_varint(size_t *out, const unsigned char **p,
                         const unsigned char *end)
{
	const unsigned char *s = *p;
	size_t v;
	unsigned char c;

	if (s >= end)
		return false;
	c = *s++;
	v = c & 127;
	while (c & 128) {
		v += 1;
		if (v > (SIZE_MAX >> 8) || s >= end)
			return false;
		c = *s++;
		v = (v << 7) + (c & 127);
	}
	*out = v;
	*p = s;
	return true;
}

/* The entries; TG_GIT_INDEX_FALLBACK for what libgit2 should handle. */
static int parse_entries(struct tg_index *idx, const unsigned char **p,
                         const unsigned char *end, uint32_t version)
{
	const unsigned char *s = *p;
	tg_buf paths = TG_BUF_INIT;	/* v4: the rebuilt paths */
	tg_buf last = TG_BUF_INIT;	/* v4: the previous path */
	size_t i, step, prev = 0, *offsets = NULL;
	int error = TG_GIT_INDEX_FALLBACK;

	if (version == 4) {
		offsets = malloc((idx->count ? idx->count : 1) * sizeof(*offsets));
		if (!offsets)
			return tg_error_oom();
	}
	for (i = 0; i < idx->count; i++) {
		struct tg_index_entry *e = &idx->entries[i];
		const unsigned char *name, *nul;
		size_t fixed = ENTRY_FIXED;
		uint16_t flags;

		if ((size_t)(end - s) < fixed + 1)
			goto done;
		e->mode = be32(s + 24);
		git_oid_fromraw(&e->id, s + 40);
		flags = be16(s + 60);
		if (flags & FLAG_EXTENDED) {
			fixed += 2;
			if (version < 3 || (size_t)(end - s) < fixed + 1 ||
			    (be16(s + ENTRY_FIXED) & XFLAG_INTENT_TO_ADD))
				goto done;
		}
		/* A folder as one entry: only a sparse index has them. */
		if ((e->mode & 0170000) == 0040000) {
			error = sparse_index();
			goto done;
		}
		/* Conflicts: libgit2's business. */
		if (flags & FLAG_STAGE)
			goto done;
		name = s + fixed;
		if (version == 4) {
			size_t strip, len;

			if (!parse_varint(&strip, &name, end) || strip > prev)
				goto done;
			nul = memchr(name, '\0', (size_t)(end - name));
			if (!nul)
				goto done;
			len = (size_t)(nul - name);
			/* The previous path, less `strip` bytes, plus the name. */
			last.size = prev - strip;
			tg_buf_put(&last, (const char *)name, len);
			offsets[i] = paths.size;
			tg_buf_put(&paths, last.ptr, last.size);
			tg_buf_putc(&paths, '\0');
			if (paths.failed || last.failed) {
				error = tg_error_oom();
				goto done;
			}
			e->path_len = prev - strip + len;
			prev = e->path_len;
			s = nul + 1;
		} else {
			nul = memchr(name, '\0', (size_t)(end - name));
			if (!nul)
				goto done;
			e->path = (const char *)name;
			e->path_len = (size_t)(nul - name);
			/* NUL-padded to a multiple of eight bytes. */
			step = (fixed + e->path_len + 8) & ~(size_t)7;
			if (step > (size_t)(end - s))
				goto done;
			s += step;
		}
		/* Nameless: replaces an entry of a split index's shared part. */
		if (e->path_len == 0)
			idx->nameless = true;
		else if ((flags & FLAG_NAME_MASK) != FLAG_NAME_MASK &&
		         (flags & FLAG_NAME_MASK) != e->path_len)
			goto done;
	}
	if (version == 4) {
		idx->paths = tg_buf_detach(&paths);
		if (!idx->paths && idx->count > 0) {
			error = tg_error_oom();
			goto done;
		}
		for (i = 0; i < idx->count; i++)
			idx->entries[i].path = idx->paths + offsets[i];
	}
	/* Skipping by the cache-tree and merging with HEAD need git's order. */
	for (i = 1; i < idx->count && !idx->nameless; i++)
		if (strcmp(idx->entries[i - 1].path, idx->entries[i].path) >= 0)
			goto done;
	*p = s;
	error = 0;
done:
	tg_buf_release(&paths);
	tg_buf_release(&last);
	free(offsets);
	return error;
}

static int parse_extensions(struct tg_index *idx, const unsigned char *s,
                            const unsigned char *end)
{
	while ((size_t)(end - s) >= 8) {
		const unsigned char *data = s + 8;
		uint32_t len = be32(s + 4);

		if (len > (size_t)(end - data))
			return TG_GIT_INDEX_FALLBACK;
		if (memcmp(s, "TREE", 4) == 0) {
			const unsigned char *t = data;

			/* A damaged (or a second) cache-tree only costs speed. */
			free_tree(idx->tree);
			idx->tree = len ? parse_tree(&t, data + len, 0) : NULL;
			if (idx->tree && t != data + len) {
				free_tree(idx->tree);
				idx->tree = NULL;
			}
		} else if (memcmp(s, "link", 4) == 0) {
			/* libgit2 cannot read a split index either. */
			return tg_error_set(TG_EREPO, "the index is split "
				"(core.splitIndex), which threatgate cannot read: "
				"'git update-index --no-split-index' joins it");
		} else if (memcmp(s, "sdir", 4) == 0) {
			return sparse_index();
		} else if (s[0] < 'A' || s[0] > 'Z') {
			/* Unknown and required: libgit2 says what it is. */
			return TG_GIT_INDEX_FALLBACK;
		}
		s = data + len;
	}
	return 0;
}

int tg_git__index_read(struct tg_index **out, const char *path)
{
	struct tg_index *idx;
	const unsigned char *s, *end;
	struct stat st;
	uint32_t version;
	int fd, error;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? TG_ENOTFOUND : TG_GIT_INDEX_FALLBACK;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < 12 + GIT_OID_RAWSZ) {
		close(fd);
		return TG_GIT_INDEX_FALLBACK;
	}
	idx = calloc(1, sizeof(*idx));
	if (!idx) {
		close(fd);
		return tg_error_oom();
	}
	idx->size = (size_t)st.st_size;
	idx->map = mmap(NULL, idx->size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
	                fd, 0);
	close(fd);
	if (idx->map == MAP_FAILED) {
		idx->map = NULL;
		error = TG_GIT_INDEX_FALLBACK;
		goto fail;
	}
	s = idx->map;
	end = s + idx->size - GIT_OID_RAWSZ;	/* the checksum */
	version = be32(s + 4);
	idx->count = be32(s + 8);
	error = TG_GIT_INDEX_FALLBACK;
	if (memcmp(s, "DIRC", 4) != 0 || version < 2 || version > 4 ||
	    idx->count > idx->size / ENTRY_FIXED)
		goto fail;
	idx->entries = calloc(idx->count ? idx->count : 1,
	                      sizeof(*idx->entries));
	if (!idx->entries) {
		error = tg_error_oom();
		goto fail;
	}
	s += 12;
	error = parse_entries(idx, &s, end, version);
	if (error == 0)
		error = parse_extensions(idx, s, end);
	if (error == 0 && idx->nameless)
		error = TG_GIT_INDEX_FALLBACK;
	if (error != 0)
		goto fail;
	*out = idx;
	return 0;
fail:
	tg_git__index_free(idx);
	return error;
}

char *tg_git__index_path(git_repository *repo)
{
	const char *file = tg_options__get()->index_file;

	/* git honours it in hooks: `git commit -a` stages into a lock file. */
	if (file)
		return tg_strdup(file);
	return tg_printf("%sindex", git_repository_path(repo));
}

/* ---- the index against a tree ---- */

struct index_diff {
	const struct tg_index *idx;
	git_repository *repo;
	tg_buf prefix;		/* the directory being compared, with '/' */
	tg_vec *deltas;		/* git_diff_delta * */
	int walk_error;		/* of deleted_cb */
	bool added, deleted;
};

/* git's order of tree entries: a directory sorts as if it ended in '/'. */
static int name_cmp(const char *a, size_t alen, bool adir, const char *b,
                    size_t blen, bool bdir)
{
	size_t len = alen < blen ? alen : blen;
	int cmp = memcmp(a, b, len);
	unsigned char ca, cb;

	if (cmp)
		return cmp;
	ca = alen > len ? (unsigned char)a[len] : adir ? '/' : '\0';
	cb = blen > len ? (unsigned char)b[len] : bdir ? '/' : '\0';
	return ca - cb;
}

/* The first entry of [lo, hi) past the directory `dir` (its path + '/'). */
static size_t dir_end(const struct tg_index *idx, size_t lo, size_t hi,
                      const char *dir, size_t len)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strncmp(idx->entries[mid].path, dir, len) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* git keeps subtrees sorted by name length, then name. */
static const struct tg_index_tree *subtree_node(const struct tg_index_tree *t,
                                                const char *name, size_t len)
{
	size_t lo = 0, hi = t ? t->nsub : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct tg_index_tree *s = t->sub[mid];
		int cmp = s->name_len != len ? (s->name_len < len ? -1 : 1)
			: memcmp(s->name, name, len);

		if (cmp == 0)
			return s;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Whether the cache-tree says the directory is HEAD's, unchanged. */
static bool unchanged(const struct tg_index_tree *node, size_t entries,
                      const git_oid *head)
{
	return node && head && node->count >= 0 &&
	       (size_t)node->count == entries && git_oid_equal(&node->id, head);
}

static void truncate_prefix(struct index_diff *d, size_t len)
{
	d->prefix.size = len;
	if (d->prefix.ptr)
		d->prefix.ptr[len] = '\0';
}

static int add_delta(struct index_diff *d, git_delta_t status,
                     const char *old_path, const git_oid *old_id,
                     uint32_t old_mode, const struct tg_index_entry *e)
{
	git_diff_delta *delta = calloc(1, sizeof(*delta));
	char *path = NULL;

	if (!delta)
		return tg_error_oom();
	delta->status = status;
	delta->nfiles = 2;
	if (old_path) {
		path = tg_strdup(old_path);
		delta->old_file.path = path;
		git_oid_cpy(&delta->old_file.id, old_id);
		delta->old_file.mode = (uint16_t)old_mode;
	}
	if (e) {
		delta->new_file.path = e->path;
		git_oid_cpy(&delta->new_file.id, &e->id);
		delta->new_file.mode = (uint16_t)e->mode;
	} else {
		delta->new_file = delta->old_file;
	}
	if (!old_path)
		delta->old_file.path = e->path;
	if ((old_path && !path) || tg_vec_push(d->deltas, delta) < 0) {
		free(path);
		free(delta);
		return tg_error_oom();
	}
	d->added |= status == GIT_DELTA_ADDED;
	d->deleted |= status == GIT_DELTA_DELETED;
	return 0;
}

static int deleted_cb(const char *root, const git_tree_entry *te, void *payload)
{
	struct index_diff *d = payload;
	char *path;
	int error;

	if (git_tree_entry_type(te) == GIT_OBJECT_TREE)
		return 0;
	path = tg_printf("%s%s%s", tg_buf_cstr(&d->prefix), root,
	                 git_tree_entry_name(te));
	if (!path)
		return tg_error_oom();
	error = add_delta(d, GIT_DELTA_DELETED, path, git_tree_entry_id(te),
	                  git_tree_entry_filemode(te), NULL);
	free(path);
	d->walk_error = error;
	return error < 0 ? -1 : 0;
}

/* Everything under a directory HEAD has and the index does not. */
static int add_deleted_tree(struct index_diff *d, const git_tree_entry *te)
{
	git_tree *tree = NULL;
	size_t mark = d->prefix.size;
	int error;

	error = git_tree_lookup(&tree, d->repo, git_tree_entry_id(te));
	if (error < 0)
		return tg_error_from_git(error, "cannot read tree '%s%s'",
		                         tg_buf_cstr(&d->prefix),
		                         git_tree_entry_name(te));
	tg_buf_printf(&d->prefix, "%s/", git_tree_entry_name(te));
	if (d->prefix.failed) {
		error = tg_error_oom();
	} else {
		d->walk_error = 0;
		error = git_tree_walk(tree, GIT_TREEWALK_PRE, deleted_cb, d);
		if (d->walk_error < 0)
			error = d->walk_error;
		else if (error < 0)
			error = tg_error_from_git(error, "cannot walk tree '%s'",
			                          tg_buf_cstr(&d->prefix));
	}
	truncate_prefix(d, mark);
	git_tree_free(tree);
	return error;
}

/*
 * Compare the entries [lo, hi), all under d->prefix, with `tree` (NULL:
 * the directory is new), skipping a directory whose cache-tree id is
 * the tree's own.
 */
static int diff_dir(struct index_diff *d, size_t lo, size_t hi,
                    const git_tree *tree, const struct tg_index_tree *node)
{
	const struct tg_index_entry *entries = d->idx->entries;
	size_t plen = d->prefix.size, i = lo, j = 0;
	size_t n = tree ? git_tree_entrycount(tree) : 0;
	int error = 0;

	if (unchanged(node, hi - lo, tree ? git_tree_id(tree) : NULL))
		return 0;
	while ((i < hi || j < n) && error == 0) {
		const struct tg_index_entry *e = i < hi ? &entries[i] : NULL;
		const git_tree_entry *te = j < n ? git_tree_entry_byindex(tree, j)
		                                 : NULL;
		const char *name = e ? e->path + plen : NULL, *slash = NULL;
		size_t nlen = 0, end = i + 1;
		bool tdir = te && git_tree_entry_type(te) == GIT_OBJECT_TREE;
		int cmp;

		if (e) {
			slash = memchr(name, '/', e->path_len - plen);
			nlen = slash ? (size_t)(slash - name) : e->path_len - plen;
			if (slash)
				end = dir_end(d->idx, i, hi, e->path,
				              plen + nlen + 1);
		}
		cmp = !e ? 1 : !te ? -1
			: name_cmp(name, nlen, slash != NULL, git_tree_entry_name(te),
			           strlen(git_tree_entry_name(te)), tdir);
		if (cmp == 0 && slash) {
			const struct tg_index_tree *child = subtree_node(node, name,
			                                                 nlen);
			git_tree *sub = NULL;

			/* Decided before the tree is read: most are skipped. */
			if (!unchanged(child, end - i, git_tree_entry_id(te))) {
				error = git_tree_lookup(&sub, d->repo,
				                        git_tree_entry_id(te));
				if (error < 0)
					return tg_error_from_git(error,
						"cannot read tree '%.*s'",
						(int)(plen + nlen), e->path);
				tg_buf_put(&d->prefix, name, nlen + 1);
				error = d->prefix.failed ? tg_error_oom()
					: diff_dir(d, i, end, sub, child);
				truncate_prefix(d, plen);
				git_tree_free(sub);
			}
			i = end;
			j++;
		} else if (cmp == 0) {
			uint32_t mode = git_tree_entry_filemode(te);

			/* Like `git diff --cached`, a submodule's commit is not a change. */
			if (mode == GIT_FILEMODE_COMMIT && e->mode == GIT_FILEMODE_COMMIT)
				;
			else if ((mode & 0170000) != (e->mode & 0170000)) {
				/* A type change reads as a deletion and an addition. */
				error = add_delta(d, GIT_DELTA_DELETED, e->path,
				                  git_tree_entry_id(te), mode, NULL);
				if (error == 0)
					error = add_delta(d, GIT_DELTA_ADDED, NULL, NULL, 0, e);
			} else if (mode != e->mode ||
			           !git_oid_equal(git_tree_entry_id(te), &e->id)) {
				error = add_delta(d, GIT_DELTA_MODIFIED, e->path,
				                  git_tree_entry_id(te), mode, e);
			}
			i++;
			j++;
		} else if (cmp < 0) {
			for (; i < end && error == 0; i++)
				error = add_delta(d, GIT_DELTA_ADDED, NULL, NULL, 0,
				                  &entries[i]);
		} else {
			if (tdir) {
				error = add_deleted_tree(d, te);
			} else {
				char *path = tg_printf("%s%s", tg_buf_cstr(&d->prefix),
				                       git_tree_entry_name(te));

				error = path ? add_delta(d, GIT_DELTA_DELETED, path,
					git_tree_entry_id(te), git_tree_entry_filemode(te),
					NULL) : tg_error_oom();
				free(path);
			}
			j++;
		}
	}
	return error;
}

int tg_git__index_diff(tg_vec *deltas, const struct tg_index *idx,
                       git_repository *repo, const git_tree *head)
{
	struct index_diff d;
	int error;

	memset(&d, 0, sizeof(d));
	d.idx = idx;
	d.repo = repo;
	d.deltas = deltas;
	tg_buf_puts(&d.prefix, "");
	error = d.prefix.failed ? tg_error_oom()
		: diff_dir(&d, 0, idx->count, head, idx->tree);
	tg_buf_release(&d.prefix);
	if (error == 0 && d.added && d.deleted)
		error = TG_GIT_INDEX_FALLBACK;	/* maybe renames: libgit2 finds them */
	return error;
}

void tg_git__free_delta(void *p)
{
	git_diff_delta *delta = p;

	if (delta && delta->status != GIT_DELTA_ADDED)
		free((char *)delta->old_file.path);
	free(delta);
}
