/*
 * The git stage's insides, shared by its files.
 */
#ifndef TG_GIT_PRIVATE_H
#define TG_GIT_PRIVATE_H

#include <git2.h>
#include "threatgate/changes.h"
#include "policy/policy.h"
#include "util/containers.h"
#include "util/util.h"

/* Where the checked content comes from. */
enum tg_source {
	TG_SOURCE_INDEX,	/* the index: pre-commit, --staged */
	TG_SOURCE_COMMIT,	/* a commit's tree */
	TG_SOURCE_FILE		/* a file (files.c): check FILE|DIR, work tree */
};

/* One design document to check. */
struct tg_change {
	/*
	 * Repository-relative, at the checked side; a file: the path shown
	 * in findings (cwd-relative, or as typed)
	 */
	char *path;
	char *file;		/* TG_SOURCE_FILE: the path to read */
	char *policy_path;	/* TG_SOURCE_FILE: root-relative, or NULL */
	git_oid blob;		/* its content */
	bool has_base;		/* it existed before the change */
	git_oid base_blob;	/* its content before the change */
	enum tg_source source;
	git_oid commit;		/* the tip it is checked at (TG_SOURCE_COMMIT) */
};

/* A path that dodges the globs (hidden-document), reported at check. */
struct tg_hidden {
	char *path;
	char *message;
	bool has_commit;
	git_oid commit;
};
void tg_git__hidden_free(void *hidden);

/* One place docs are checked at, for covered-code-changed. */
struct tg_target {
	enum tg_source source;
	git_oid commit;
	tg_vec changed;		/* char *: every path the change touched */
	char *ref;		/* the updated ref (pre-receive), or NULL */
	const struct tg_index *index;	/* TG_SOURCE_INDEX: see tg_changes */
};

/*
 * The Markdown a change or walk saw that matched no document glob
 * (templates/ aside), each path once: no-documents names the first and
 * suggests a glob for the folder of `example`.
 */
struct tg_markdown {
	size_t count;
	char *first;		/* as shown in findings */
	char *example;		/* root-relative: the first in a folder */
	tg_map seen;		/* the paths counted */
};

/*
 * check.c: count a Markdown file that matched no glob, shown as `display`,
 * root-relative `rel`. 0 or TG_ENOMEM.
 */
int tg_git__note_markdown(struct tg_changes *changes, const char *display,
	const char *rel);
/* Whether a path names Markdown (.md, .markdown, .mdown, .mkd; any case). */
bool tg_git__is_markdown(const char *path);

/* One entry of the index, as index.c reads it. */
struct tg_index_entry {
	const char *path;	/* NUL-terminated */
	size_t path_len;
	uint32_t mode;
	git_oid id;
};

struct tg_index {
	struct tg_index_entry *entries;	/* sorted by path, stage 0 only */
	size_t count;
	struct tg_index_tree *tree;	/* the cache-tree; NULL: none */
	char *paths;		/* version 4: the rebuilt paths */
	bool nameless;		/* an entry without a path: not for us */
	void *map;		/* the file (versions 2 and 3 point into it) */
	size_t size;
};

struct tg_changes {
	tg_vec docs;		/* struct tg_change * */
	tg_vec targets;		/* struct tg_target * */
	struct tg_markdown markdown;	/* for no-documents */
	struct tg_index *index;	/* --staged, when index.c could read it */
	double deadline;	/* 0: none */
	bool lazy_triggers;
	char *pusher;		/* the authenticated pusher, or NULL */
	/*
	 * *skipped: what the budget left unchecked that could not have
	 * blocked (NULL: nothing). A box, so that the check, which takes the
	 * changes const, can fill it; NULL on a changes not made by
	 * tg_changes_new.
	 */
	char **skipped;
	/* check --approvals: the pull request's approvals (owned strings) */
	tg_approval *approvals;
	size_t approvals_count;
	char *change_author;	/* the pull request's author, or NULL */
	tg_vec refusals;	/* char *: policy changes refused (pre-receive) */
	tg_vec hidden;		/* struct tg_hidden *: hidden-document */
	size_t *doc_set;	/* open addressing over docs: index + 1 */
	size_t doc_set_cap;	/* 0 or a power of two */
};


int tg_git__deadline_passed(const struct tg_changes *changes);

/* One pre-receive ref update (changes.c); see hookproto.c. */
int tg_changes__add_update(struct tg_changes *changes, git_repository *repo,
	const char *ref, const git_oid *old, const git_oid *tip,
	const git_oid *base_tip, const tg_policy *policy);

/*
 * repo.c: the policy a commit would make: its `.threatgate` and
 * exceptions file, with the repository's git config. Finalized.
 */
int tg_git__policy_at(tg_policy **out, git_repository *repo,
	const git_oid *commit, const char *where);

/*
 * policygate.c: what makes `proposed` looser than `trusted`, one reason
 * a string (pushed on `reasons`).
 */
int tg_git__policy_loosened(tg_vec *reasons, const tg_policy *trusted,
	const tg_policy *proposed);
/*
 * An update of the policy branch (`old` NULL: a new one): its policy
 * files must parse and be regular files, and may loosen the policy only
 * when a policy admin pushed it. Refusals are pushed on `refusals`.
 */
int tg_git__gate_policy(tg_vec *refusals, git_repository *repo,
	const char *ref, const git_oid *old, const git_oid *tip,
	const tg_policy *policy, const char *pusher);

/* Whether git reads a tree entry's mode as a regular file; what it is. */
bool tg_git__mode_is_file(unsigned int mode);
const char *tg_git__mode_kind(unsigned int mode);

/*
 * The bytes (NUL-terminated) of `path` in a commit's tree, at most 1 MiB;
 * *found false when it has none. Anything but a regular file there is
 * TG_EINVALID saying what it is. `what` and `where` name it in messages.
 */
int tg_git__read_tree_file(char **out, size_t *len, bool *found,
	git_repository *repo, const git_oid *commit, const char *path,
	const char *what, const char *where);

/*
 * The commits a shallow clone has no parents for, added to `roots`
 * (none when the repository is not shallow).
 */
int tg_git__read_shallow(tg_oidset *roots, git_repository *repo);

/*
 * Resolve a revision to a commit, tags peeled. An unborn HEAD and a
 * shallow clone lacking the history get messages that say so.
 */
int tg_git__resolve_commit(git_oid *out, git_repository *repo,
	const char *rev);

/* covers.c: what each design document covers, by blob id. */
struct tg_covers_cache;
int tg_git__covers_cache_open(struct tg_covers_cache **out,
	git_repository *repo);
/* Write it back if worth it; failures only cost time next run. */
void tg_git__covers_cache_save(struct tg_covers_cache *cache);
void tg_git__covers_cache_free(struct tg_covers_cache *cache);
/*
 * The covered-code-changed rule for one target. Past the deadline of
 * `changes` it stops with TG_ELIMIT and adds nothing for the target.
 */
int tg_git__covered_code_changed(tg_findings *findings,
	git_repository *repo, const struct tg_target *target,
	const tg_policy *policy, struct tg_covers_cache *cache,
	const struct tg_changes *changes);

/* What index.c leaves to libgit2 (split, sparse or conflicted...). */
#define TG_GIT_INDEX_FALLBACK 1

/*
 * Read the index file at `path`: 0, TG_ENOTFOUND when there is none,
 * TG_GIT_INDEX_FALLBACK when libgit2 must read it, or an error.
 */
int tg_git__index_read(struct tg_index **out, const char *path);
void tg_git__index_free(struct tg_index *idx);
/* $GIT_INDEX_FILE (as git sets it for hooks), else the repository's. */
char *tg_git__index_path(git_repository *repo);
/*
 * The index against HEAD's tree (NULL: unborn) as git_diff_delta * on
 * `deltas` (free them with tg_git__free_delta), in path order. Returns
 * TG_GIT_INDEX_FALLBACK when paths were both added and deleted: renames
 * are for libgit2 to find.
 */
int tg_git__index_diff(tg_vec *deltas, const struct tg_index *idx,
	git_repository *repo, const git_tree *head);
void tg_git__free_delta(void *delta);

#endif
