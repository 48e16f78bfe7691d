/*
 * Which documents a change touches: the index against HEAD (--staged),
 * A..B and A...B, every document at a revision, and what a push brings;
 * each becomes a target that check.c reads and checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "git.h"
#include "util/containers.h"
#include "util/banned.h"

double tg_clock_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int tg_git__deadline_passed(const struct tg_changes *changes)
{
	return changes->deadline > 0 && tg_clock_now() > changes->deadline;
}

static void free_change(void *p)
{
	struct tg_change *c = p;

	if (c) {
		free(c->path);
		free(c->file);
		free(c->policy_path);
		free(c);
	}
}

static void free_target(void *p)
{
	struct tg_target *t = p;

	if (t) {
		tg_vec_release(&t->changed, free);
		free(t->ref);
		free(t);
	}
}

int tg_changes_new(tg_changes **out)
{
	*out = calloc(1, sizeof(**out));
	if (*out && !((*out)->skipped = calloc(1, sizeof(char *)))) {
		free(*out);
		*out = NULL;
	}
	return *out ? 0 : tg_error_oom();
}

static void free_approvals(struct tg_changes *changes)
{
	size_t i;

	for (i = 0; i < changes->approvals_count; i++) {
		free((char *)changes->approvals[i].login);
		free((char *)changes->approvals[i].email);
		free((char *)changes->approvals[i].commit);
	}
	free(changes->approvals);
	free(changes->change_author);
	changes->approvals = NULL;
	changes->approvals_count = 0;
	changes->change_author = NULL;
}

void tg_changes_free(tg_changes *changes)
{
	if (!changes)
		return;
	tg_vec_release(&changes->docs, free_change);
	tg_vec_release(&changes->targets, free_target);
	tg_git__index_free(changes->index);
	free(changes->markdown.first);
	free(changes->markdown.example);
	tg_map_release(&changes->markdown.seen, NULL);
	free(changes->pusher);
	if (changes->skipped)
		free(*changes->skipped);
	free(changes->skipped);
	free_approvals(changes);
	tg_vec_release(&changes->refusals, free);
	tg_vec_release(&changes->hidden, tg_git__hidden_free);
	free(changes->doc_set);
	free(changes);
}

int tg_changes_set_approvals(tg_changes *changes, const tg_approval *approvals,
                             size_t count, const char *author)
{
	size_t i;

	free_approvals(changes);
	changes->approvals = calloc(count ? count : 1, sizeof(*approvals));
	if (!changes->approvals)
		return tg_error_oom();
	for (i = 0; i < count; i++) {
		tg_approval *to = &changes->approvals[i];
		const tg_approval *from = &approvals[i];

		changes->approvals_count++;
		to->login = tg_strdup(from->login);
		to->email = tg_strdup(from->email);
		to->commit = tg_strdup(from->commit);
		if ((from->login && !to->login) || (from->email && !to->email) ||
		    (from->commit && !to->commit))
			return tg_error_oom();
	}
	if (author && !(changes->change_author = tg_strdup(author)))
		return tg_error_oom();
	return 0;
}

void tg_changes_set_lazy_triggers(tg_changes *changes, bool lazy)
{
	changes->lazy_triggers = lazy;
}

void tg_changes_set_deadline(tg_changes *changes, double deadline)
{
	changes->deadline = deadline;
}

int tg_changes_set_pusher(tg_changes *changes, const char *pusher)
{
	char *copy = NULL;

	if (pusher && *pusher && !(copy = tg_strdup(pusher)))
		return tg_error_oom();
	free(changes->pusher);
	changes->pusher = copy;
	return 0;
}

size_t tg_changes_ref_count(const tg_changes *changes)
{
	return changes->targets.length;
}

const char *tg_changes_ref(const tg_changes *changes, size_t i)
{
	const struct tg_target *t = changes->targets.items[i];

	return t->ref;
}

size_t tg_changes_refusal_count(const tg_changes *changes)
{
	return changes->refusals.length;
}

const char *tg_changes_refusal(const tg_changes *changes, size_t i)
{
	return changes->refusals.items[i];
}

const char *tg_changes_skipped(const tg_changes *changes)
{
	return changes->skipped ? *changes->skipped : NULL;
}

size_t tg_changes_count(const tg_changes *changes)
{
	return changes->docs.length;
}

const char *tg_changes_path(const tg_changes *changes, size_t i)
{
	const struct tg_change *c = changes->docs.items[i];

	return c->path;
}

static bool ends_with(const char *path, size_t n, const char *ext)
{
	size_t e = strlen(ext);

	return n > e && tg_strcasecmp(path + n - e, ext) == 0;
}

bool tg_git__is_markdown(const char *path)
{
	size_t n = strlen(path);

	return ends_with(path, n, ".md") || ends_with(path, n, ".markdown") ||
	       ends_with(path, n, ".mdown") || ends_with(path, n, ".mkd");
}

static bool is_markdown(const char *path)
{
	return tg_git__is_markdown(path);
}

/* A hidden-document finding to add at check time. */
static int add_hidden(struct tg_changes *changes,
                      const struct tg_target *target, const char *path,
                      char *message)
{
	struct tg_hidden *h;

	if (!message)
		return tg_error_oom();
	h = calloc(1, sizeof(*h));
	if (!h || !(h->path = tg_strdup(path))) {
		free(h);
		free(message);
		return tg_error_oom();
	}
	h->message = message;
	h->has_commit = target->source == TG_SOURCE_COMMIT;
	git_oid_cpy(&h->commit, &target->commit);
	if (tg_vec_push(&changes->hidden, h) < 0) {
		tg_git__hidden_free(h);
		return tg_error_oom();
	}
	return 0;
}

void tg_git__hidden_free(void *p)
{
	struct tg_hidden *h = p;

	if (h) {
		free(h->path);
		free(h->message);
		free(h);
	}
}

/*
 * A path that would dodge the document globs: not a regular file at a
 * design path, a name that reads as a design path once look-alike
 * letters and trailing dots or spaces are dropped, or Markdown in a
 * design folder that no glob matches. Returns 1 when it was reported.
 */
static int hidden_path(struct tg_changes *changes, struct tg_target *target,
                       const char *path, unsigned int mode,
                       const tg_policy *policy)
{
	char *skeleton = NULL;
	int error = 0;

	if (!tg_git__mode_is_file(mode)) {
		if (!tg_policy__is_design_path(policy, path))
			return 0;
		error = add_hidden(changes, target, path, tg_printf(
			"'%s' is %s (mode %06o), not a regular file: threatgate "
			"checks design documents as regular files and follows no "
			"link or submodule, so what it stands for would go "
			"unchecked; commit the document itself", path,
			tg_git__mode_kind(mode), mode));
		return error < 0 ? error : 1;
	}
	if (tg_policy_is_document(policy, path))
		return 0;
	skeleton = tg_path_skeleton(path);
	if (!skeleton)
		return tg_error_oom();
	if (strcmp(skeleton, path) != 0 &&
	    (tg_policy_is_document(policy, skeleton) ||
	     (is_markdown(skeleton) &&
	      tg_policy__is_design_path(policy, skeleton))))
		error = add_hidden(changes, target, path, tg_printf(
			"'%s' reads as the design path '%s' but the document globs "
			"do not match it (look-alike letters, or a name ending in a "
			"dot or a space): rename it to '%s'", path, skeleton,
			skeleton));
	else if (is_markdown(path) && tg_policy__is_design_path(policy, path))
		error = add_hidden(changes, target, path, tg_printf(
			"'%s' is Markdown in a design folder but matches none of the "
			"document globs (threatgate.docs): move it, or add a glob "
			"that matches it", path));
	else
		error = -1;	/* nothing hidden */
	free(skeleton);
	if (error == -1)
		return 0;
	return error < 0 ? error : 1;
}

static struct tg_target *new_target(struct tg_changes *changes,
                                    enum tg_source source, const git_oid *commit)
{
	struct tg_target *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->source = source;
	if (commit)
		git_oid_cpy(&t->commit, commit);
	if (tg_vec_push(&changes->targets, t) < 0) {
		free(t);
		return NULL;
	}
	return t;
}

static size_t doc_hash(const char *path, const git_oid *blob)
{
	size_t h = 5381;

	while (*path)
		h = h * 33 + (unsigned char)*path++;
	return h ^ ((size_t)blob->id[0] << 8 | blob->id[1]);
}

/*
 * The same document at the same content is checked once: a hash set of
 * indices into changes->docs (plus one; 0 is free), so that a push of
 * 40,000 documents is not 40,000 squared comparisons.
 */
static bool have_doc(const struct tg_changes *changes, const char *path,
                     const git_oid *blob)
{
	size_t i, mask = changes->doc_set_cap - 1;

	if (changes->doc_set_cap == 0)
		return false;
	for (i = doc_hash(path, blob) & mask; changes->doc_set[i];
	     i = (i + 1) & mask) {
		const struct tg_change *c = changes->docs.items[changes->doc_set[i] - 1];

		if (git_oid_equal(&c->blob, blob) && strcmp(c->path, path) == 0)
			return true;
	}
	return false;
}

/* Index docs.items[n] (just pushed) in the set. */
static int index_doc(struct tg_changes *changes, size_t n)
{
	const struct tg_change *c;
	size_t i, k, mask;

	if ((n + 1) * 2 > changes->doc_set_cap) {
		size_t cap = changes->doc_set_cap ? changes->doc_set_cap * 2 : 256;
		size_t *slots = calloc(cap, sizeof(*slots));

		if (!slots)
			return tg_error_oom();
		free(changes->doc_set);
		changes->doc_set = slots;
		changes->doc_set_cap = cap;
		for (k = 0; k < n; k++) {
			c = changes->docs.items[k];
			for (i = doc_hash(c->path, &c->blob) & (cap - 1); slots[i];
			     i = (i + 1) & (cap - 1))
				;
			slots[i] = k + 1;
		}
	}
	mask = changes->doc_set_cap - 1;
	c = changes->docs.items[n];
	for (i = doc_hash(c->path, &c->blob) & mask; changes->doc_set[i];
	     i = (i + 1) & mask)
		;
	changes->doc_set[i] = n + 1;
	return 0;
}

/*
 * Record one path of a diff: every path for covered-code-changed, and
 * the design documents (regular files only: no symlink, no submodule)
 * to check. Deleted documents are not checked.
 */
static int take_delta(struct tg_changes *changes, struct tg_target *target,
                      const git_diff_delta *d, const tg_policy *policy)
{
	const git_diff_file *nf = &d->new_file;
	struct tg_change *c;
	const char *path = d->status == GIT_DELTA_DELETED ? d->old_file.path
	                                                   : nf->path;
	int error;

	error = tg_vec_push_str(&target->changed, path);
	if (error < 0 || d->status == GIT_DELTA_DELETED)
		return error;
	/* Every mode git reads as a file is a file (100664, 100600...). */
	error = hidden_path(changes, target, nf->path, (unsigned int)nf->mode,
	                    policy);
	if (error != 0)
		return error < 0 ? error : 0;
	if (!tg_git__mode_is_file((unsigned int)nf->mode))
		return 0;
	if (!tg_policy_is_document(policy, nf->path)) {
		if (is_markdown(nf->path))
			return tg_git__note_markdown(changes, nf->path, nf->path);
		return 0;
	}
	if (have_doc(changes, nf->path, &nf->id))
		return 0;
	c = calloc(1, sizeof(*c));
	if (!c)
		return tg_error_oom();
	c->path = tg_strdup(nf->path);
	git_oid_cpy(&c->blob, &nf->id);
	c->has_base = d->status != GIT_DELTA_ADDED &&
	              d->status != GIT_DELTA_UNTRACKED &&
	              !git_oid_is_zero(&d->old_file.id) &&
	              d->old_file.mode != GIT_FILEMODE_COMMIT &&
	              d->old_file.mode != GIT_FILEMODE_LINK;
	if (c->has_base)
		git_oid_cpy(&c->base_blob, &d->old_file.id);
	c->source = target->source;
	git_oid_cpy(&c->commit, &target->commit);
	if (!c->path || tg_vec_push(&changes->docs, c) < 0) {
		free_change(c);
		return tg_error_oom();
	}
	return index_doc(changes, changes->docs.length - 1);
}

static int take_diff(struct tg_changes *changes, struct tg_target *target,
                     git_diff *diff, const tg_policy *policy)
{
	git_diff_find_options find;
	size_t i, n;
	int error;

	git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
	/* Renames count as changes to the new path. */
	find.flags = GIT_DIFF_FIND_RENAMES;
	error = git_diff_find_similar(diff, &find);
	if (error < 0)
		return tg_error_from_git(error, "cannot detect renames");
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n; i++) {
		if ((i & 1023) == 1023 && tg_git__deadline_passed(changes))
			return tg_error_set(TG_ELIMIT, "time budget exhausted after "
				"%zu of the %zu paths a push changes "
				"(threatgate.timeout)", i, n);
		error = take_delta(changes, target, git_diff_get_delta(diff, i),
		                   policy);
		if (error < 0)
			return error;
	}
	return 0;
}

static void diff_options(git_diff_options *opts)
{
	git_diff_options_init(opts, GIT_DIFF_OPTIONS_VERSION);
	/* Submodules are not followed; their commits are not documents. */
	opts->flags |= GIT_DIFF_IGNORE_SUBMODULES;
}

/* The index libgit2 reads, honouring GIT_INDEX_FILE as git does. */
static int open_index(git_index **out, git_repository *repo)
{
	const char *file = tg_options__get()->index_file;
	int error;

	error = file ? git_index_open(out, file)
		: git_repository_index(out, repo);
	return error < 0 ? tg_error_from_git(error, "cannot read the index") : 0;
}

/*
 * The staged deltas by index.c: the cache-tree lets it skip what the
 * change did not touch. TG_GIT_INDEX_FALLBACK hands over to libgit2.
 */
static int staged_fast(struct tg_changes *changes, struct tg_target *target,
                       git_repository *repo, const git_tree *head,
                       const tg_policy *policy)
{
	tg_vec deltas = TG_VEC_INIT;
	char *path = tg_git__index_path(repo);
	size_t i;
	int error;

	if (!path)
		return tg_error_oom();
	/* THREATGATE_INDEX=libgit2: the slow reader, to compare or work around. */
	if (tg_options__get()->index_libgit2) {
		free(path);
		return TG_GIT_INDEX_FALLBACK;
	}
	error = tg_git__index_read(&changes->index, path);
	free(path);
	if (error == TG_ENOTFOUND)
		return TG_GIT_INDEX_FALLBACK;	/* as libgit2 reads no index */
	if (error != 0)
		return error;
	target->index = changes->index;
	error = tg_git__index_diff(&deltas, changes->index, repo, head);
	for (i = 0; i < deltas.length && error == 0; i++)
		error = take_delta(changes, target, deltas.items[i], policy);
	tg_vec_release(&deltas, tg_git__free_delta);
	return error;
}

int tg_changes_add_staged(tg_changes *changes, git_repository *repo,
                          const tg_policy *policy)
{
	git_object *head = NULL;
	git_tree *tree = NULL;
	git_index *index = NULL;
	git_diff *diff = NULL;
	git_diff_options opts;
	struct tg_target *target;
	int error;

	/* An unborn HEAD: everything in the index is new. */
	error = git_revparse_single(&head, repo, "HEAD^{tree}");
	if (error == GIT_ENOTFOUND || error == GIT_EUNBORNBRANCH) {
		git_error_clear();
	} else if (error < 0) {
		error = tg_error_from_git(error, "cannot read HEAD");
		goto done;
	} else {
		tree = (git_tree *)head;
		head = NULL;
	}
	target = new_target(changes, TG_SOURCE_INDEX, NULL);
	if (!target) {
		error = tg_error_oom();
		goto done;
	}
	error = staged_fast(changes, target, repo, tree, policy);
	if (error != TG_GIT_INDEX_FALLBACK)
		goto done;
	error = open_index(&index, repo);
	if (error < 0)
		goto done;
	diff_options(&opts);
	error = git_diff_tree_to_index(&diff, repo, tree, index, &opts);
	if (error < 0) {
		error = tg_error_from_git(error, "cannot compare the index with HEAD");
		goto done;
	}
	error = take_diff(changes, target, diff, policy);
done:
	git_diff_free(diff);
	git_index_free(index);
	git_tree_free(tree);
	git_object_free(head);
	return error;
}

static int commit_tree(git_tree **out, git_repository *repo,
                       const git_oid *commit_id)
{
	git_commit *commit = NULL;
	int error;

	error = git_commit_lookup(&commit, repo, commit_id);
	if (error == 0)
		error = git_commit_tree(out, commit);
	git_commit_free(commit);
	if (error < 0) {
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), commit_id);
		return tg_error_from_git(error, "cannot read commit %s", hex);
	}
	return 0;
}

/* Diff two commits' trees (from may be NULL: the empty tree). */
static int add_diff(struct tg_changes *changes, git_repository *repo,
                    const git_oid *from, const git_oid *to,
                    const tg_policy *policy, struct tg_target *target)
{
	git_tree *a = NULL, *b = NULL;
	git_diff *diff = NULL;
	git_diff_options opts;
	int error = 0;

	if (from)
		error = commit_tree(&a, repo, from);
	if (error == 0)
		error = commit_tree(&b, repo, to);
	if (error < 0)
		goto done;
	diff_options(&opts);
	error = git_diff_tree_to_tree(&diff, repo, a, b, &opts);
	if (error < 0) {
		error = tg_error_from_git(error, "cannot compare trees");
		goto done;
	}
	error = take_diff(changes, target, diff, policy);
done:
	git_diff_free(diff);
	git_tree_free(b);
	git_tree_free(a);
	return error;
}

int tg_git__resolve_commit(git_oid *out, git_repository *repo, const char *rev)
{
	git_object *obj = NULL, *peeled = NULL;
	int error;

	error = git_revparse_single(&obj, repo, rev);
	if (error < 0 && strcmp(rev, "HEAD") == 0 &&
	    git_repository_head_unborn(repo) == 1) {
		git_error_clear();
		return tg_error_set(TG_ENOTFOUND, "unknown revision 'HEAD': "
			"the current branch has no commits yet");
	}
	if (error < 0 && git_repository_is_shallow(repo) == 1 &&
	    git_error_last() && git_error_last()->klass == GIT_ERROR_ODB)
		return tg_error_from_git(error, "unknown revision '%s' (this is "
			"a shallow clone: it may lack that history, fetch more with "
			"'git fetch --deepen' or '--unshallow')", rev);
	if (error < 0)
		return tg_error_from_git(error, "unknown revision '%s'", rev);
	error = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	if (error < 0) {
		error = tg_error_from_git(error, "'%s' is not a commit", rev);
	} else {
		git_oid_cpy(out, git_object_id(peeled));
	}
	git_object_free(peeled);
	git_object_free(obj);
	return error;
}

static int shallow_merge_base(git_oid *out, git_repository *repo,
                              const git_oid *a, const git_oid *b,
                              const struct tg_changes *changes);

int tg_changes_add_range(tg_changes *changes, git_repository *repo,
                         const char *range, const tg_policy *policy)
{
	const char *dots = strstr(range, "..");
	struct tg_target *target;
	git_oid from, to, base;
	char *left = NULL;
	bool merge_base;
	int error;

	if (!dots || dots == range || !dots[2] || (dots[2] == '.' && !dots[3]))
		return tg_error_set(TG_EINVALID,
			"invalid range '%s': expected A..B or A...B", range);
	merge_base = dots[2] == '.';
	left = tg_strndup(range, (size_t)(dots - range));
	if (!left)
		return tg_error_oom();
	error = tg_git__resolve_commit(&from, repo, left);
	if (error == 0)
		error = tg_git__resolve_commit(&to, repo, dots + (merge_base ? 3 : 2));
	free(left);
	if (error < 0)
		return error;
	if (merge_base && git_repository_is_shallow(repo) == 1) {
		error = shallow_merge_base(&base, repo, &from, &to, changes);
		if (error == TG_ENOTFOUND)
			return tg_error_set(error, "cannot find the merge base of "
				"'%s': this shallow clone lacks their common history "
				"(fetch more with 'git fetch --deepen' or '--unshallow')",
				range);
		if (error < 0)
			return error;
		git_oid_cpy(&from, &base);
	} else if (merge_base) {
		error = git_merge_base(&base, repo, &from, &to);
		if (error < 0)
			return tg_error_from_git(error,
				"cannot find the merge base of '%s'", range);
		git_oid_cpy(&from, &base);
	}
	target = new_target(changes, TG_SOURCE_COMMIT, &to);
	if (!target)
		return tg_error_oom();
	return add_diff(changes, repo, &from, &to, policy, target);
}

int tg_changes_add_all(tg_changes *changes, git_repository *repo,
                       const char *rev, const tg_policy *policy)
{
	struct tg_target *target;
	git_oid commit;
	int error;

	error = tg_git__resolve_commit(&commit, repo, rev ? rev : "HEAD");
	if (error < 0)
		return error;
	target = new_target(changes, TG_SOURCE_COMMIT, &commit);
	if (!target)
		return tg_error_oom();
	/* Every document: the whole tree against the empty tree. */
	error = add_diff(changes, repo, NULL, &commit, policy, target);
	if (error == 0) {
		/* nothing "changed" for covered-code-changed */
		tg_vec_release(&target->changed, free);
	}
	return error;
}

static int oid_cmp(const void *a, const void *b)
{
	return git_oid_cmp(a, b);
}

/* A growable array of object ids. */
struct oids {
	git_oid *ids;
	size_t length;
	size_t alloc;
};

static int oids_push(struct oids *a, const git_oid *id)
{
	int error = tg_array__grow((void **)&a->ids, &a->alloc,
	                           sizeof(*a->ids), a->length + 1);

	if (error < 0)
		return error;
	git_oid_cpy(&a->ids[a->length++], id);
	return 0;
}

static int walk_budget_exhausted(size_t n)
{
	return tg_error_set(TG_ELIMIT,
		"time budget exhausted while walking %zu pushed commits "
		"(threatgate.timeout)", n);
}

/*
 * Depth first from the ids on `stack`: every commit not in `stop` goes
 * into `set` (and `list` when given), never past a shallow root. A
 * commit we lack ends known history quietly when `lenient`; a pushed
 * commit we lack is an error.
 */
static int mark_reachable(tg_oidset *set, struct oids *list,
                          struct oids *stack, git_repository *repo,
                          const tg_oidset *roots,
                          const tg_oidset *stop, bool lenient,
                          const struct tg_changes *changes)
{
	git_commit *commit = NULL;
	git_oid id;
	size_t i;
	int error = 0;

	while (stack->length > 0 && error == 0) {
		git_oid_cpy(&id, &stack->ids[--stack->length]);
		if (stop && tg_oidset_has(stop, &id))
			continue;
		error = tg_oidset_add(set, &id);
		if (error <= 0)
			continue;	/* seen already, or out of memory */
		error = list ? oids_push(list, &id) : 0;
		if (error < 0)
			break;
		if ((set->count & 1023) == 0 && tg_git__deadline_passed(changes)) {
			error = walk_budget_exhausted(set->count);
			break;
		}
		if (tg_oidset_has(roots, &id))
			continue;	/* the history below is not here */
		error = git_commit_lookup(&commit, repo, &id);
		if (error < 0 && lenient) {
			git_error_clear();
			error = 0;
			continue;
		}
		if (error < 0) {
			char hex[GIT_OID_HEXSZ + 1];

			git_oid_tostr(hex, sizeof(hex), &id);
			error = tg_error_from_git(error,
				"cannot read pushed commit %s", hex);
			break;
		}
		for (i = 0; i < git_commit_parentcount(commit) && error == 0; i++)
			error = oids_push(stack, git_commit_parent_id(commit, i));
		git_commit_free(commit);
		commit = NULL;
	}
	return error < 0 ? error : 0;
}

/*
 * The commits the other side is known to have: the tips of the refs
 * matching `known` (NULL: every ref; "": none, a push to a URL). Tags
 * are left out when they are not checked (threatgate.checkTags): a tag
 * is let through unchecked, so the commits it brought are not "known",
 * and a branch that later points at them has them checked.
 */
static int known_tips(struct oids *out, git_repository *repo,
                      const char *known, bool skip_tags)
{
	git_reference_iterator *iter = NULL;
	git_reference *ref = NULL;
	git_object *obj = NULL;
	int error;

	if (known && !*known)
		return 0;
	error = git_reference_iterator_glob_new(&iter, repo,
	                                        known ? known : "refs/*");
	if (error < 0)
		return tg_error_from_git(error, "cannot read the existing refs");
	while ((error = git_reference_next(&ref, iter)) == 0) {
		if (skip_tags && strncmp(git_reference_name(ref), "refs/tags/",
		                         10) == 0) {
			/* not checked, so not known */
		} else if (git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) == 0) {
			error = oids_push(out, git_object_id(obj));
		} else {
			git_error_clear();	/* a tag of a blob, say */
		}
		git_object_free(obj);
		obj = NULL;
		git_reference_free(ref);
		ref = NULL;
		if (error < 0)
			goto done;	/* out of memory */
	}
	if (error == GIT_ITEROVER)
		error = 0;
	else
		error = tg_error_from_git(error, "cannot read the existing refs");
done:
	git_reference_iterator_free(iter);
	return error;
}

/*
 * The pushed commits of a shallow repository, walked by hand: first what
 * the other side has (the `known` refs and old), then from the tip down
 * to that, never past the shallow boundary.
 */
static int walk_shallow(struct oids *fresh, git_repository *repo,
                        const tg_oidset *roots, const git_oid *old,
                        const git_oid *tip, const char *known,
                        bool skip_tags, const struct tg_changes *changes)
{
	tg_oidset have = TG_OIDSET_INIT, pushed = TG_OIDSET_INIT;
	struct oids stack = { NULL, 0, 0 };
	int error;

	error = known_tips(&stack, repo, known, skip_tags);
	if (error == 0 && old && !git_oid_is_zero(old))
		error = oids_push(&stack, old);
	if (error == 0)
		error = mark_reachable(&have, NULL, &stack, repo, roots, NULL, true,
		                       changes);
	if (error == 0)
		error = oids_push(&stack, tip);
	if (error == 0)
		error = mark_reachable(&pushed, fresh, &stack, repo, roots, &have,
		                       false, changes);
	free(stack.ids);
	tg_oidset_release(&pushed);
	tg_oidset_release(&have);
	return error;
}

/* The pushed commits, with libgit2's walk: tip, hiding known refs and old. */
static int walk_full(struct oids *fresh, bool *everything,
                     git_repository *repo, const git_oid *old,
                     const git_oid *tip, const char *known, bool skip_tags,
                     const struct tg_changes *changes)
{
	git_revwalk *walk = NULL;
	struct oids hide = { NULL, 0, 0 };
	git_oid id;
	size_t i;
	int error;

	*everything = false;
	error = known_tips(&hide, repo, known, skip_tags);
	if (error == 0 && old && !git_oid_is_zero(old))
		error = oids_push(&hide, old);
	if (error < 0)
		goto done;
	if (hide.length == 0) {
		/*
		 * Nothing is known (a first push): every commit is new and
		 * none has a parent outside the push, so there is no fork
		 * point to find. Walking 10,000 commits to learn that took a
		 * tenth of such a push's hook.
		 */
		*everything = true;
		goto done;
	}
	error = git_revwalk_new(&walk, repo);
	if (error < 0) {
		error = tg_error_from_git(error, "cannot walk history");
		goto done;
	}
	error = git_revwalk_push(walk, tip);
	if (error < 0) {
		error = tg_error_from_git(error, "cannot walk from the pushed tip");
		goto done;
	}
	for (i = 0; i < hide.length; i++)
		if (git_revwalk_hide(walk, &hide.ids[i]) < 0)
			git_error_clear();	/* an old tip we lack hides nothing */
	while ((error = git_revwalk_next(&id, walk)) == 0) {
		error = oids_push(fresh, &id);
		if (error < 0)
			goto done;
		if ((fresh->length & 1023) == 0 && tg_git__deadline_passed(changes)) {
			error = walk_budget_exhausted(fresh->length);
			goto done;
		}
	}
	if (error != GIT_ITEROVER) {
		error = tg_error_from_git(error, "cannot walk the pushed commits");
		goto done;
	}
	error = 0;
done:
	git_revwalk_free(walk);
	free(hide.ids);
	return error;
}

/*
 * The merge base in a shallow clone, which libgit2 1.5 cannot find: it
 * parses the parents of a shallow commit, which are not there, even when
 * the base itself is. Here: a's history down to the shallow boundary;
 * the commits b has that a lacks; their parents in a's history are the
 * candidates, and the base is one that no other candidate descends from.
 * TG_ENOTFOUND when the clone holds no common history.
 */
static int shallow_merge_base(git_oid *out, git_repository *repo,
                              const git_oid *a, const git_oid *b,
                              const struct tg_changes *changes)
{
	tg_oidset roots = TG_OIDSET_INIT, of_a = TG_OIDSET_INIT;
	tg_oidset of_b = TG_OIDSET_INIT, seen = TG_OIDSET_INIT;
	tg_oidset below = TG_OIDSET_INIT;
	struct oids stack = { NULL, 0, 0 }, only_b = { NULL, 0, 0 };
	struct oids cands = { NULL, 0, 0 };
	git_commit *commit = NULL;
	size_t i, j;
	int error;

	error = tg_git__read_shallow(&roots, repo);
	if (error == 0)
		error = oids_push(&stack, a);
	if (error == 0)
		error = mark_reachable(&of_a, NULL, &stack, repo, &roots, NULL,
		                       true, changes);
	if (error < 0)
		goto done;
	if (tg_oidset_has(&of_a, b)) {
		git_oid_cpy(out, b);	/* b is in a's history */
		goto done;
	}
	error = oids_push(&stack, b);
	if (error == 0)
		error = mark_reachable(&of_b, &only_b, &stack, repo, &roots, &of_a,
		                       true, changes);
	for (i = 0; i < only_b.length && error == 0; i++) {
		if (tg_oidset_has(&roots, &only_b.ids[i]) ||
		    git_commit_lookup(&commit, repo, &only_b.ids[i]) < 0) {
			git_error_clear();
			continue;
		}
		for (j = 0; j < git_commit_parentcount(commit) && error == 0; j++) {
			const git_oid *parent = git_commit_parent_id(commit, j);

			if (!tg_oidset_has(&of_a, parent))
				continue;
			error = tg_oidset_add(&seen, parent);
			if (error == 1)
				error = oids_push(&cands, parent);
		}
		git_commit_free(commit);
		commit = NULL;
	}
	if (error < 0)
		goto done;
	if (cands.length == 0) {
		error = TG_ENOTFOUND;
		goto done;
	}
	/* Everything below a candidate is not the best one. */
	for (i = 0; i < cands.length && error == 0; i++) {
		if (tg_oidset_has(&roots, &cands.ids[i]) ||
		    git_commit_lookup(&commit, repo, &cands.ids[i]) < 0) {
			git_error_clear();
			continue;
		}
		for (j = 0; j < git_commit_parentcount(commit) && error == 0; j++)
			error = oids_push(&stack, git_commit_parent_id(commit, j));
		git_commit_free(commit);
		commit = NULL;
	}
	if (error == 0)
		error = mark_reachable(&below, NULL, &stack, repo, &roots, NULL,
		                       true, changes);
	if (error < 0)
		goto done;
	git_oid_cpy(out, &cands.ids[0]);
	for (i = 0; i < cands.length; i++) {
		if (!tg_oidset_has(&below, &cands.ids[i])) {
			git_oid_cpy(out, &cands.ids[i]);
			break;
		}
	}
done:
	free(cands.ids);
	free(only_b.ids);
	free(stack.ids);
	tg_oidset_release(&below);
	tg_oidset_release(&seen);
	tg_oidset_release(&of_b);
	tg_oidset_release(&of_a);
	tg_oidset_release(&roots);
	return error;
}

/*
 * The commits a push brings: reachable from tip, hidden behind known
 * refs and old. Their parents outside the set are where the push forks
 * from history the repository had; the documents are compared against
 * each such fork point (the empty tree for a new root).
 */
int tg_changes_add_push(tg_changes *changes, git_repository *repo,
                        const git_oid *old, const git_oid *tip,
                        const char *known, const tg_policy *policy)
{
	git_commit *commit = NULL;
	struct oids fresh = { NULL, 0, 0 }, forks = { NULL, 0, 0 };
	tg_oidset roots = TG_OIDSET_INIT;
	struct tg_target *target;
	bool everything = false;
	size_t i, j;
	int error;

	if (git_repository_is_shallow(repo) == 1) {
		error = tg_git__read_shallow(&roots, repo);
		if (error == 0)
			error = walk_shallow(&fresh, repo, &roots, old, tip, known,
			                     !policy->check_tags, changes);
	} else {
		error = walk_full(&fresh, &everything, repo, old, tip, known,
		                  !policy->check_tags, changes);
	}
	if (error == 0 && everything) {
		target = new_target(changes, TG_SOURCE_COMMIT, tip);
		error = target ? add_diff(changes, repo, NULL, tip, policy, target)
		               : tg_error_oom();
		goto done;
	}
	if (error < 0 || fresh.length == 0)
		goto done;	/* nothing the repository did not have */

	/* Fork points: parents of new commits that are not new themselves. */
	qsort(fresh.ids, fresh.length, sizeof(*fresh.ids), oid_cmp);
	for (i = 0; i < fresh.length && error == 0; i++) {
		if (tg_oidset_has(&roots, &fresh.ids[i]))
			continue;	/* a shallow root: a root here */
		error = git_commit_lookup(&commit, repo, &fresh.ids[i]);
		if (error < 0) {
			error = tg_error_from_git(error, "cannot read a pushed commit");
			break;
		}
		for (j = 0; j < git_commit_parentcount(commit) && error == 0; j++) {
			const git_oid *parent = git_commit_parent_id(commit, j);

			if (!bsearch(parent, fresh.ids, fresh.length,
			             sizeof(*fresh.ids), oid_cmp))
				error = oids_push(&forks, parent);
		}
		git_commit_free(commit);
		commit = NULL;
	}
	if (error < 0)
		goto done;
	target = new_target(changes, TG_SOURCE_COMMIT, tip);
	if (!target) {
		error = tg_error_oom();
		goto done;
	}
	if (forks.length == 0)
		error = add_diff(changes, repo, NULL, tip, policy, target);
	if (forks.length > 0)
		qsort(forks.ids, forks.length, sizeof(*forks.ids), oid_cmp);
	for (i = 0; i < forks.length && error == 0; i++)
		if (i == 0 || !git_oid_equal(&forks.ids[i], &forks.ids[i - 1]))
			error = add_diff(changes, repo, &forks.ids[i], tip, policy,
			                 target);
done:
	tg_oidset_release(&roots);
	free(forks.ids);
	free(fresh.ids);
	git_commit_free(commit);
	return error;
}

/*
 * One ref update on the server, judged on what it changes: the tip's
 * tree against `old` (a rewind and a rewrite too), or for a new ref
 * against its merge base with the policy branch (`base_tip`, may be
 * NULL), or the whole tree when they share nothing. What other refs
 * already hold does not matter: a commit checked nowhere does not
 * become a tip unchecked because it was pushed to another ref first.
 */
int tg_changes__add_update(struct tg_changes *changes, git_repository *repo,
                           const char *ref, const git_oid *old,
                           const git_oid *tip, const git_oid *base_tip,
                           const tg_policy *policy)
{
	struct tg_target *target;
	git_object *obj = NULL, *peeled = NULL;
	git_oid from, base;
	bool have_from = false;
	int error = 0;

	if (old && !git_oid_is_zero(old)) {
		/* the old value peeled: a tag of a commit, or nothing */
		if (git_object_lookup(&obj, repo, old, GIT_OBJECT_ANY) == 0 &&
		    git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) == 0) {
			git_oid_cpy(&from, git_object_id(peeled));
			have_from = true;
		}
		git_error_clear();
		git_object_free(peeled);
		git_object_free(obj);
	} else if (base_tip) {
		if (git_repository_is_shallow(repo) == 1)
			error = shallow_merge_base(&base, repo, base_tip, tip, changes);
		else
			error = git_merge_base(&base, repo, base_tip, tip);
		if (error == 0) {
			git_oid_cpy(&from, &base);
			have_from = true;
		} else if (error == GIT_ENOTFOUND || error == TG_ENOTFOUND) {
			git_error_clear();
			tg_error_clear();	/* unrelated history: the whole tree */
		} else {
			return tg_error_from_git(error, "cannot find where '%s' "
				"forks from the policy branch", ref);
		}
	}
	target = new_target(changes, TG_SOURCE_COMMIT, tip);
	if (!target || !(target->ref = tg_strdup(ref)))
		return tg_error_oom();
	if (have_from && git_oid_equal(&from, tip))
		return 0;	/* a rewind to the same commit: nothing changes */
	return add_diff(changes, repo, have_from ? &from : NULL, tip, policy,
	                target);
}
