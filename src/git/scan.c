/*
 * `threatgate scan` over a repository: the inventory of every design
 * document at a revision, and the drift of the code each one covers,
 * computed in one walk of history (see threatgate/scan.h for the exact
 * definition).
 *
 * The walk is ours rather than git_revwalk's, so that a shallow clone (a
 * CI checkout) ends its history quietly at the shallow boundary instead
 * of failing on the parents it lacks. Each commit's tree is compared with
 * its parent's by hand, descending only into subtrees whose ids differ:
 * cheaper than building a git_diff per commit. Changed paths are matched
 * against the `covers` globs through an index keyed by each glob's literal
 * folder, so a path is matched against the globs that could match it, not
 * against every document's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "git.h"
#include "util/containers.h"
#include "doc/document.h"
#include "model/model.h"
#include "threatgate/rules.h"
#include "threatgate/scan.h"
#include "util/banned.h"

/* ---- a max-heap of commits by committer time -------------------------- */

struct heap_item {
	git_commit *commit;
	int64_t time;
	uint64_t seq;		/* first queued first among equal times */
};

struct heap {
	tg_heap heap;		/* struct heap_item */
	uint64_t seq;
};

static bool heap_before(const struct heap_item *a, const struct heap_item *b)
{
	return a->time > b->time || (a->time == b->time && a->seq < b->seq);
}

static bool item_before(const void *a, const void *b)
{
	return heap_before(a, b);
}

static int heap_push(struct heap *h, git_commit *commit)
{
	struct heap_item item;

	item.commit = commit;
	item.time = (int64_t)git_commit_time(commit);
	item.seq = h->seq++;
	return tg_heap_push(&h->heap, &item);
}

static git_commit *heap_pop(struct heap *h)
{
	struct heap_item item;

	return tg_heap_pop(&h->heap, &item) ? item.commit : NULL;
}

static void heap_release(struct heap *h)
{
	struct heap_item item;

	while (tg_heap_pop(&h->heap, &item))
		git_commit_free(item.commit);
	tg_heap_release(&h->heap);
}

/* ---- the scan state ---------------------------------------------------- */

/* A commit that touched a covered path. */
struct hit_commit {
	git_oid id;
	int64_t time;
	uint32_t author;	/* index into authors */
};

/* One document that covers code. */
struct tracked {
	const tg_doc_summary *doc;
	char *path;		/* at the scanned revision */
	bool has_review;	/* a review point is known */
	bool pending;		/* looking for its last threat model change */
	int64_t review_time;	/* commits later than this count */
	char *since;		/* the review point as reported */
	uint32_t *hits;		/* indices into scan->commits, walk order */
	size_t hits_count;
	size_t hits_alloc;
	uint64_t stamp;		/* the walk serial that last matched it */
};

/* Trees kept between one commit and the next (see struct scanner). */
#define TREE_CACHE 64

/* One covers glob, filed in the index under its literal folder. */
struct cover {
	size_t doc;		/* index into tracked */
	const char *glob;	/* borrowed from the summary */
};

struct scanner {
	git_repository *repo;
	const tg_policy *policy;
	struct tracked *docs;
	size_t docs_count;
	size_t pending;		/* docs still looking for a review point */
	tg_map covers;	/* folder -> list of struct cover * */
	tg_vec anywhere;	/* struct cover * matched against every path */
	tg_map doc_paths;	/* path -> index into docs, pending ones */
	tg_map author_ids;	/* "Name <email>" -> index into authors */
	tg_vec authors;		/* char *, borrowed from author_ids keys */
	struct hit_commit *commits;
	size_t commits_count;
	size_t commits_alloc;
	/*
	 * The trees read last: in a linear stretch of history the parent's
	 * trees of one commit are the next commit's own, so each is read
	 * once instead of twice. A ring; it holds one reference of each.
	 */
	git_tree *recent[TREE_CACHE];
	size_t recent_next;
	/* the commit being compared */
	git_commit *commit;
	uint64_t serial;
	int64_t commit_hit;	/* its index in commits, -1 until it hits */
	char path[4096];	/* the path being compared */
	size_t path_len;
};

static void tracked_release(struct tracked *t)
{
	free(t->path);
	free(t->since);
	free(t->hits);
}

static void scanner_release(struct scanner *s)
{
	size_t i;

	for (i = 0; i < s->docs_count; i++)
		tracked_release(&s->docs[i]);
	free(s->docs);
	tg_map_release(&s->covers, free);
	tg_vec_release(&s->anywhere, free);
	tg_map_release(&s->doc_paths, free);
	tg_map_release(&s->author_ids, free);
	tg_vec_release(&s->authors, NULL);
	free(s->commits);
	for (i = 0; i < TREE_CACHE; i++)
		git_tree_free(s->recent[i]);
}

/*
 * The folder a glob's matches must lie under, as an index key: the
 * literal part before its first wildcard, cut at the last '/'. Returns
 * false when the glob may match anywhere (no '/', or a wildcard in its
 * first segment).
 */
static bool glob_folder(const char *glob, const char **key, size_t *len)
{
	const char *wild, *slash;

	while (glob[0] == '.' && glob[1] == '/')
		glob += 2;
	if (glob[0] == '/')
		glob++;
	if (!strchr(glob, '/'))
		return false;
	wild = glob + strcspn(glob, "*?[");
	for (slash = wild; slash > glob && slash[-1] != '/'; slash--)
		;
	if (slash == glob)
		return false;
	*key = glob;
	*len = (size_t)(slash - 1 - glob);
	return *len > 0;
}

static int index_cover(struct scanner *s, size_t doc, const char *glob)
{
	tg_map_entry *e;
	struct cover *c = NULL;
	tg_vec *list = &s->anywhere;
	const char *key;
	size_t len;
	int error;

	c = calloc(1, sizeof(*c));
	if (!c)
		return tg_error_oom();
	c->doc = doc;
	c->glob = glob;
	if (glob_folder(glob, &key, &len)) {
		error = tg_map_get(&e, &s->covers, key, len, NULL);
		if (error < 0) {
			free(c);
			return error;
		}
		list = &e->list;
	}
	error = tg_vec_push(list, c);
	if (error < 0)
		free(c);
	return error;
}

/* Record that the current commit touched a path `doc` covers. */
static int hit(struct scanner *s, size_t doc)
{
	struct tracked *t = &s->docs[doc];
	const git_signature *author;
	tg_map_entry *e;
	struct hit_commit *c;
	char *who = NULL;
	bool added;
	int error;

	if (t->stamp == s->serial)
		return 0;	/* this commit counted already */
	t->stamp = s->serial;
	if (s->commit_hit < 0) {
		error = tg_array__grow((void **)&s->commits, &s->commits_alloc,
		                       sizeof(*s->commits), s->commits_count + 1);
		if (error < 0)
			return error;
		c = &s->commits[s->commits_count];
		git_oid_cpy(&c->id, git_commit_id(s->commit));
		c->time = (int64_t)git_commit_time(s->commit);
		author = git_commit_author(s->commit);
		who = tg_printf("%s <%s>", author && author->name ? author->name : "",
		                author && author->email ? author->email : "");
		if (!who)
			return tg_error_oom();
		error = tg_map_get(&e, &s->author_ids, who, strlen(who), &added);
		free(who);
		if (error < 0)
			return error;
		if (added) {
			e->value = s->authors.length;
			error = tg_vec_push(&s->authors, e->key);
			if (error < 0)
				return error;
		}
		c->author = (uint32_t)e->value;
		s->commit_hit = (int64_t)s->commits_count++;
	}
	error = tg_array__grow((void **)&t->hits, &t->hits_alloc,
	                       sizeof(*t->hits), t->hits_count + 1);
	if (error < 0)
		return error;
	t->hits[t->hits_count++] = (uint32_t)s->commit_hit;
	return 0;
}

static int match_list(struct scanner *s, const tg_vec *list, const char *path)
{
	size_t i;
	int error;

	for (i = 0; i < list->length; i++) {
		const struct cover *c = list->items[i];

		if (s->docs[c->doc].stamp == s->serial ||
		    !tg_glob_match(c->glob, path))
			continue;
		error = hit(s, c->doc);
		if (error < 0)
			return error;
	}
	return 0;
}

/* Match a changed path against the globs filed under its folders. */
static int match_covers(struct scanner *s, const char *path, size_t len)
{
	const tg_map_entry *e;
	size_t i;
	int error;

	error = match_list(s, &s->anywhere, path);
	for (i = 1; i <= len && error == 0; i++) {
		if (i < len && path[i] != '/')
			continue;
		e = tg_map_find(&s->covers, path, i);
		if (e)
			error = match_list(s, &e->list, path);
	}
	return error;
}

/* ---- the threat model section of a document version -------------------- */

/*
 * The text of the Threat Model section of a blob, or NULL (in *out) when
 * the version has none, is unreadable or over the size limit.
 */
static int threat_model_text(char **out, struct scanner *s,
                             const git_oid *blob_id, const char *path)
{
	git_odb *odb = NULL;
	git_blob *blob = NULL;
	git_object_t type = GIT_OBJECT_INVALID;
	tg_document *doc = NULL;
	tg_model *model = NULL;
	const struct tg_section *tm;
	const char *p, *start = NULL, *end = NULL;
	size_t size = 0;
	int line = 1, error;

	*out = NULL;
	error = git_repository_odb(&odb, s->repo);
	if (error == 0)
		error = git_odb_read_header(&size, &type, odb, blob_id);
	git_odb_free(odb);
	if (error < 0)
		return tg_error_from_git(error, "cannot read '%s'", path);
	if (type != GIT_OBJECT_BLOB || size > s->policy->max_doc_size)
		return 0;
	error = git_blob_lookup(&blob, s->repo, blob_id);
	if (error < 0)
		return tg_error_from_git(error, "cannot read '%s'", path);
	error = tg_document_load_buffer(&doc, path, NULL,
		git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
		s->policy);
	if (error < 0 || !doc->readable)
		goto done;
	error = tg_model_build(&model, doc, s->policy);
	if (error < 0)
		goto done;
	tm = model->threat_model;
	if (!tm)
		goto done;
	for (p = doc->data; p < doc->data + doc->len; p++) {
		if (line == tm->line && !start)
			start = p;
		if (*p == '\n' && ++line > tm->end_line) {
			end = p;
			break;
		}
	}
	if (!start)
		goto done;
	if (!end)
		end = doc->data + doc->len;
	*out = tg_strndup(start, (size_t)(end - start));
	if (!*out)
		error = tg_error_oom();
done:
	tg_model_free(model);
	tg_document_free(doc);
	git_blob_free(blob);
	return error;
}

/*
 * A pending document changed in the current commit: when the new version
 * has a Threat Model section whose text differs from the old one's (or
 * the old had none), this commit is its review point.
 */
static int check_review(struct scanner *s, size_t doc, const git_oid *old_id,
                        const git_oid *new_id)
{
	struct tracked *t = &s->docs[doc];
	char hex[GIT_OID_HEXSZ + 1];
	char *before = NULL, *after = NULL;
	int error;

	if (!new_id)
		return 0;
	error = threat_model_text(&after, s, new_id, t->path);
	if (error < 0 || !after)
		goto done;
	if (old_id) {
		error = threat_model_text(&before, s, old_id, t->path);
		if (error < 0)
			goto done;
	}
	if (before && strcmp(before, after) == 0)
		goto done;
	git_oid_tostr(hex, sizeof(hex), git_commit_id(s->commit));
	t->since = tg_strdup(hex);
	if (!t->since) {
		error = tg_error_oom();
		goto done;
	}
	t->has_review = true;
	t->pending = false;
	t->review_time = (int64_t)git_commit_time(s->commit);
	s->pending--;
done:
	free(after);
	free(before);
	return error;
}

/* ---- comparing trees ---------------------------------------------------- */

static bool is_tree(const git_tree_entry *e)
{
	return e && git_tree_entry_filemode(e) == GIT_FILEMODE_TREE;
}

static bool is_blob(const git_tree_entry *e)
{
	return e && (git_tree_entry_filemode(e) == GIT_FILEMODE_BLOB ||
	             git_tree_entry_filemode(e) == GIT_FILEMODE_BLOB_EXECUTABLE);
}

/* A path changed: `before` and `after` are its entries (either may be NULL). */
static int changed(struct scanner *s, const git_tree_entry *before,
                   const git_tree_entry *after)
{
	const tg_map_entry *e;
	int error;

	error = match_covers(s, s->path, s->path_len);
	if (error < 0 || s->pending == 0)
		return error;
	e = tg_map_find(&s->doc_paths, s->path, s->path_len);
	if (!e || !s->docs[e->value].pending || !is_blob(after))
		return 0;
	return check_review(s, e->value,
		is_blob(before) ? git_tree_entry_id(before) : NULL,
		git_tree_entry_id(after));
}

/* A tree by id, from the ring of recent ones or read; the caller frees. */
static int tree_lookup(git_tree **out, struct scanner *s, const git_oid *id)
{
	git_tree **slot;
	size_t i;
	int error;

	*out = NULL;
	for (i = 0; i < TREE_CACHE; i++)
		if (s->recent[i] && git_oid_equal(git_tree_id(s->recent[i]), id))
			return git_tree_dup(out, s->recent[i]);
	error = git_tree_lookup(out, s->repo, id);
	if (error < 0)
		return tg_error_from_git(error, "cannot read the tree of '%s'",
		                         s->path_len ? s->path : "/");
	slot = &s->recent[s->recent_next++ % TREE_CACHE];
	git_tree_free(*slot);
	*slot = NULL;
	/* The ring keeps a reference of its own. */
	return git_tree_dup(slot, *out) < 0 ? tg_error_oom() : 0;
}

static int compare_trees(struct scanner *s, const git_tree *a,
                         const git_tree *b);

/* Descend into a changed entry's subtrees, or report its path. */
static int compare_entry(struct scanner *s, const git_tree_entry *before,
                         const git_tree_entry *after)
{
	const git_tree_entry *named = after ? after : before;
	const char *name = git_tree_entry_name(named);
	size_t saved = s->path_len, len = strlen(name);
	git_tree *ta = NULL, *tb = NULL;
	int error = 0;

	if (saved + len + 2 > sizeof(s->path))
		return 0;	/* longer than PATH_MAX: no checkout has it */
	if (saved)
		s->path[s->path_len++] = '/';
	memcpy(s->path + s->path_len, name, len);
	s->path_len += len;
	s->path[s->path_len] = '\0';

	if (is_tree(before))
		error = tree_lookup(&ta, s, git_tree_entry_id(before));
	if (error == 0 && is_tree(after))
		error = tree_lookup(&tb, s, git_tree_entry_id(after));
	if (error == 0 && (ta || tb))
		error = compare_trees(s, ta, tb);
	/* The path itself, unless it is a folder on both sides. */
	if (error == 0 && !(ta || tb) )
		error = changed(s, before, after);
	else if (error == 0 && before && !ta)
		error = changed(s, before, NULL);
	else if (error == 0 && after && !tb)
		error = changed(s, NULL, after);
	git_tree_free(ta);
	git_tree_free(tb);
	s->path_len = saved;
	s->path[saved] = '\0';
	return error;
}

/*
 * Git's order of tree entries: by name, a folder compared as if its name
 * ended with '/'. A file and a folder of the same name are two entries
 * here: the file removed, the folder added (or the reverse).
 */
static int entry_cmp(const git_tree_entry *a, const git_tree_entry *b)
{
	const char *na = git_tree_entry_name(a), *nb = git_tree_entry_name(b);
	size_t la = strlen(na), lb = strlen(nb);
	int c = memcmp(na, nb, la < lb ? la : lb);
	unsigned char ca, cb;

	if (c != 0)
		return c;
	ca = (unsigned char)(la > lb ? na[lb] : is_tree(a) ? '/' : '\0');
	cb = (unsigned char)(lb > la ? nb[la] : is_tree(b) ? '/' : '\0');
	if (la == lb && is_tree(a) == is_tree(b))
		return 0;
	return (int)ca - (int)cb;
}

/*
 * Report every path that differs between trees `a` and `b` (either may
 * be NULL: the empty tree), walking both sorted entry lists together.
 * Entries with equal ids are skipped whole.
 */
static int compare_trees(struct scanner *s, const git_tree *a,
                         const git_tree *b)
{
	const git_tree_entry *ea, *eb;
	size_t i = 0, j = 0, na = a ? git_tree_entrycount(a) : 0;
	size_t nb = b ? git_tree_entrycount(b) : 0;
	int c, error = 0;

	while (error == 0 && (i < na || j < nb)) {
		ea = i < na ? git_tree_entry_byindex(a, i) : NULL;
		eb = j < nb ? git_tree_entry_byindex(b, j) : NULL;
		c = !ea ? 1 : !eb ? -1 : entry_cmp(ea, eb);
		if (c < 0) {
			error = compare_entry(s, ea, NULL);
			i++;
		} else if (c > 0) {
			error = compare_entry(s, NULL, eb);
			j++;
		} else {
			if (!git_oid_equal(git_tree_entry_id(ea),
			                   git_tree_entry_id(eb)) ||
			    git_tree_entry_filemode(ea) != git_tree_entry_filemode(eb))
				error = compare_entry(s, ea, eb);
			i++;
			j++;
		}
	}
	return error;
}

/* ---- the walk ------------------------------------------------------------ */

/* Compare the current commit with its parent (none: the empty tree). */
static int compare_commit(struct scanner *s, const git_oid *parent_tree)
{
	git_tree *a = NULL, *b = NULL;
	int error;

	s->path_len = 0;
	s->path[0] = '\0';
	error = tree_lookup(&b, s, git_commit_tree_id(s->commit));
	if (error == 0 && parent_tree)
		error = tree_lookup(&a, s, parent_tree);
	if (error == 0)
		error = compare_trees(s, a, b);
	git_tree_free(b);
	git_tree_free(a);
	return error;
}

/* The oldest review point still to be reached; INT64_MIN: the root. */
static int64_t oldest_review(const struct scanner *s)
{
	int64_t oldest = INT64_MAX;
	size_t i;

	if (s->pending > 0)
		return INT64_MIN;
	for (i = 0; i < s->docs_count; i++) {
		if (!s->docs[i].has_review)
			return INT64_MIN;
		if (s->docs[i].review_time < oldest)
			oldest = s->docs[i].review_time;
	}
	return oldest;
}

/*
 * Commits older than what the walk needs are still walked through, up to
 * this many in a row, before it stops: committer dates are not always in
 * order along history (clock skew), and an older commit may have a newer
 * parent. git log --since tolerates 5; a run of 100 costs little.
 */
#define SLOP 100

struct walk_result {
	size_t walked;
	bool bounded;		/* some history was left out */
	int64_t horizon;	/* history is complete back to this time */
};

static int walk(struct walk_result *out, struct scanner *s,
                const git_oid *tip, const tg_scan_options *options)
{
	struct heap queue = { TG_HEAP_INIT(struct heap_item, item_before), 0 };
	tg_oidset seen = TG_OIDSET_INIT, shallow = TG_OIDSET_INIT;
	git_commit *commit = NULL, *parent = NULL;
	int64_t since = options->since >= 0 ? (int64_t)options->since * 86400
	                                    : INT64_MIN;
	int64_t stop_at = oldest_review(s);
	git_oid parent_tree;
	bool have_parent_tree;
	size_t i, old_run = 0;
	int error;

	memset(out, 0, sizeof(*out));
	out->horizon = INT64_MIN;
	error = tg_git__read_shallow(&shallow, s->repo);
	if (error == 0)
		error = tg_oidset_add(&seen, tip);
	if (error < 0)
		goto done;
	error = git_commit_lookup(&commit, s->repo, tip);
	if (error < 0) {
		error = tg_error_from_git(error, "cannot read the scanned commit");
		goto done;
	}
	error = heap_push(&queue, commit);
	if (error < 0)
		goto done;
	commit = NULL;

	while ((commit = heap_pop(&queue)) != NULL) {
		int64_t time = (int64_t)git_commit_time(commit);
		bool old = time < since || time <= stop_at;

		if (options->max_commits && out->walked >= options->max_commits) {
			/* What this and older commits changed is unknown. */
			out->bounded = true;
			if (time > out->horizon)
				out->horizon = time;
			break;
		}
		/* Older than --since, or than every review point: skipped. */
		if (old && ++old_run > SLOP)
			break;
		if (!old)
			old_run = 0;
		if (time < since) {
			out->bounded = true;
			if (since > out->horizon)
				out->horizon = since;
		}
		out->walked++;
		if (tg_oidset_has(&shallow, git_commit_id(commit))) {
			/* Its parent is not here: what it changed is unknown. */
			out->bounded = true;
			if (time > out->horizon)
				out->horizon = time;
		} else {
			have_parent_tree = false;
			for (i = 0; i < git_commit_parentcount(commit); i++) {
				const git_oid *pid = git_commit_parent_id(commit, i);
				int added = tg_oidset_add(&seen, pid);

				if (added < 0) {
					error = added;
					goto done;
				}
				if (added == 0 && i > 0)
					continue;	/* queued already */
				error = git_commit_lookup(&parent, s->repo, pid);
				if (error < 0) {
					char hex[GIT_OID_HEXSZ + 1];

					git_oid_tostr(hex, sizeof(hex), pid);
					error = tg_error_from_git(error,
						"cannot read commit %s", hex);
					goto done;
				}
				if (i == 0) {
					/* What the commit is compared with. */
					git_oid_cpy(&parent_tree,
					            git_commit_tree_id(parent));
					have_parent_tree = true;
				}
				if (added) {
					error = heap_push(&queue, parent);
					if (error < 0)
						goto done;
					parent = NULL;	/* the queue's now */
				}
				git_commit_free(parent);
				parent = NULL;
			}
			/* Merges are skipped, as git log --name-only does. */
			if (!old && git_commit_parentcount(commit) <= 1) {
				s->commit = commit;
				s->serial++;
				s->commit_hit = -1;
				error = compare_commit(s, have_parent_tree ?
				                       &parent_tree : NULL);
				s->commit = NULL;
				if (error < 0)
					goto done;
				if (s->pending == 0)
					stop_at = oldest_review(s);
			}
		}
		git_commit_free(commit);
		commit = NULL;
	}
	error = 0;
done:
	git_commit_free(parent);
	git_commit_free(commit);
	heap_release(&queue);
	tg_oidset_release(&seen);
	tg_oidset_release(&shallow);
	return error;
}

/* ---- assembling the result ------------------------------------------------ */

static int drift_of(tg_drift *out, const struct scanner *s,
                    const struct tracked *t, const struct walk_result *w)
{
	const struct hit_commit *c, *newest = NULL;
	char hex[GIT_OID_HEXSZ + 1], day[11];
	bool *seen = NULL;
	size_t i;
	int error = 0;

	memset(out, 0, sizeof(*out));
	out->since = t->since;
	out->bounded = w->bounded &&
		(!t->has_review || t->review_time < w->horizon);
	if (t->hits_count == 0 || !s->commits)
		return 0;
	seen = calloc(s->authors.length + 1, sizeof(*seen));
	out->authors = calloc(t->hits_count + 1, sizeof(*out->authors));
	if (!seen || !out->authors) {
		error = tg_error_oom();
		goto done;
	}
	for (i = 0; i < t->hits_count; i++) {
		c = &s->commits[t->hits[i]];
		if (t->has_review && c->time <= t->review_time)
			continue;
		out->commits++;
		if (!newest || c->time > newest->time)
			newest = c;
		if (!seen[c->author]) {
			seen[c->author] = true;
			out->authors[out->authors_count++] =
				s->authors.items[c->author];
		}
	}
	if (newest) {
		git_oid_tostr(hex, sizeof(hex), &newest->id);
		out->newest = tg_strdup(hex);
		tg_date_format(day, (long)(newest->time >= 0 ? newest->time / 86400
		                                             : -1));
		out->newest_date = tg_strdup(day);
		if (!out->newest || !out->newest_date)
			error = tg_error_oom();
	}
done:
	free(seen);
	return error;
}

/* The borrowed parts of drift_of()'s result are not freed here. */
static void drift_release_own(tg_drift *d)
{
	free(d->newest);
	free(d->newest_date);
	free(d->authors);
}

/* Last component of a URL or path, without ".git" and trailing slashes. */
static char *base_name(const char *s)
{
	size_t len = strlen(s);
	const char *start;

	while (len > 1 && (s[len - 1] == '/' || s[len - 1] == '\\'))
		len--;
	if (len > 4 && strncmp(s + len - 4, ".git", 4) == 0)
		len -= 4;
	for (start = s + len; start > s && start[-1] != '/' &&
	     start[-1] != ':' && start[-1] != '\\'; start--)
		;
	if (start == s + len)
		return tg_strdup("repository");
	return tg_strndup(start, (size_t)(s + len - start));
}

/*
 * The name documents are tagged with: origin's, else the folder's. The
 * URL is read from config rather than with git_remote_lookup(), which in
 * Debian's libgit2 1.5 leaks PCRE2 match data on every call.
 */
static char *repository_name(git_repository *repo)
{
	git_config *config = NULL;
	const char *dir, *url = NULL;
	char *name = NULL;

	if (git_repository_config_snapshot(&config, repo) == 0 &&
	    git_config_get_string(&url, config, "remote.origin.url") == 0 &&
	    url && *url)
		name = base_name(url);
	git_config_free(config);
	git_error_clear();
	if (name)
		return name;
	dir = git_repository_workdir(repo);
	return base_name(dir ? dir : git_repository_path(repo));
}

/*
 * Check one document of the inventory on its own and keep a copy of its
 * summary: its findings are dropped at once, so a large inventory holds
 * only summaries.
 */
/* A copy of the document's findings on its summary, for the HTML page. */
static int keep_findings(tg_doc_summary *doc, const tg_findings *findings)
{
	size_t i, n = tg_findings_count(findings);

	/* The copied summary may hold findings already: these replace them. */
	for (i = 0; doc->findings && i < doc->findings_count; i++) {
		free(doc->findings[i].rule);
		free(doc->findings[i].message);
	}
	free(doc->findings);
	doc->findings = NULL;
	doc->findings_count = 0;
	if (n > TG_DOC_FINDINGS_KEPT)
		n = TG_DOC_FINDINGS_KEPT;
	if (n == 0)
		return 0;
	doc->findings = calloc(n, sizeof(*doc->findings));
	if (!doc->findings)
		return tg_error_oom();
	for (i = 0; i < n; i++) {
		const tg_finding *f = tg_findings_get(findings, i);
		tg_doc_finding *to = &doc->findings[doc->findings_count++];
		const char *rule = tg_rule_name(f->rule);

		to->severity = f->severity;
		to->line = f->line;
		to->rule = tg_strdup(rule ? rule : "finding");
		to->message = tg_strdup(f->message ? f->message : "");
		if (!to->rule || !to->message)
			return tg_error_oom();
	}
	return 0;
}

static int check_alone(tg_doc_summary **out, git_repository *repo,
                       struct tg_change *change, const tg_policy *policy)
{
	struct tg_changes one;
	tg_findings *findings = NULL;
	const tg_doc_summary *doc;
	void *item = change;
	int error;

	*out = NULL;
	memset(&one, 0, sizeof(one));
	one.docs.items = &item;
	one.docs.length = 1;
	error = tg_findings_new(&findings);
	if (error == 0)
		error = tg_changes_check(findings, repo, &one, policy);
	if (error < 0)
		goto done;
	doc = tg_findings_document(findings, 0);
	if (doc)
		error = tg_doc_summary_dup(out, doc);
	if (error == 0 && *out) {
		tg_findings_sort(findings);
		error = keep_findings(*out, findings);
		if (error < 0) {
			tg_doc_summary_free(*out);
			*out = NULL;
		}
	}
done:
	tg_findings_free(findings);
	return error;
}

/* Set up the tracking of one document that covers code. */
static int track(struct scanner *s, const tg_doc_summary *doc)
{
	struct tracked *t = &s->docs[s->docs_count];
	tg_map_entry *e;
	long day;
	size_t i;
	int error;

	memset(t, 0, sizeof(*t));
	t->doc = doc;
	t->path = tg_strdup(doc->path);
	if (!t->path)
		return tg_error_oom();
	s->docs_count++;
	day = doc->reviewed ? tg_date_parse(doc->reviewed) : -1;
	if (day >= 0) {
		/* The end of the reviewed day, UTC. */
		t->has_review = true;
		t->review_time = ((int64_t)day + 1) * 86400 - 1;
		t->since = tg_strndup(doc->reviewed, 10);
		if (!t->since)
			return tg_error_oom();
	} else {
		t->pending = true;
		s->pending++;
		error = tg_map_get(&e, &s->doc_paths, doc->path,
		                strlen(doc->path), NULL);
		if (error < 0)
			return error;
		e->value = s->docs_count - 1;
	}
	for (i = 0; i < doc->covers_count; i++) {
		error = index_cover(s, s->docs_count - 1, doc->covers[i]);
		if (error < 0)
			return error;
	}
	return 0;
}

static void free_summary(void *summary)
{
	tg_doc_summary_free(summary);
}

int tg_scan_run(tg_scan *scan, git_repository *repo,
                const tg_scan_options *options, const tg_policy *policy)
{
	tg_scan_options defaults = TG_SCAN_OPTIONS_INIT;
	struct scanner s;
	struct walk_result w;
	tg_scan_repo info;
	tg_changes *changes = NULL;
	tg_vec docs = TG_VEC_INIT;	/* tg_doc_summary *, owned */
	tg_doc_summary *doc = NULL;
	tg_drift drift;
	char hex[GIT_OID_HEXSZ + 1];
	char *name = NULL;
	git_oid tip;
	size_t i, n, covering = 0;
	int error;

	memset(&s, 0, sizeof(s));
	memset(&drift, 0, sizeof(drift));
	memset(&w, 0, sizeof(w));
	if (!options)
		options = &defaults;
	s.repo = repo;
	s.policy = policy;

	error = tg_git__resolve_commit(&tip, repo, options->rev ? options->rev : "HEAD");
	if (error < 0)
		goto done;
	git_oid_tostr(hex, sizeof(hex), &tip);
	error = tg_changes_new(&changes);
	if (error == 0)
		error = tg_changes_add_all(changes, repo, hex, policy);
	if (error < 0)
		goto done;

	/* The inventory: each document checked on its own. */
	n = changes->docs.length;
	s.docs = calloc(n + 1, sizeof(*s.docs));
	if (!s.docs) {
		error = tg_error_oom();
		goto done;
	}
	for (i = 0; i < n; i++) {
		error = check_alone(&doc, repo, changes->docs.items[i], policy);
		if (error < 0)
			goto done;
		if (!doc)
			continue;
		error = tg_vec_push(&docs, doc);
		if (error < 0)
			goto done;
		if (doc->readable && doc->covers_count > 0) {
			error = track(&s, doc);
			if (error < 0)
				goto done;
		}
		doc = NULL;	/* in `docs` now */
	}
	tg_changes_free(changes);
	changes = NULL;

	/* The drift: one walk for every document. */
	if (s.docs_count > 0) {
		error = walk(&w, &s, &tip, options);
		if (error < 0)
			goto done;
	}

	memset(&info, 0, sizeof(info));
	name = options->repository ? tg_strdup(options->repository)
	                           : repository_name(repo);
	if (!name) {
		error = tg_error_oom();
		goto done;
	}
	info.name = name;
	info.revision = hex;
	info.commits_walked = w.walked;
	info.history_complete = !w.bounded;
	info.max_age = (int)policy->max_age;
	error = tg_scan_add_repository(scan, &info);
	if (error < 0)
		goto done;
	for (i = 0; i < docs.length; i++) {
		const tg_drift *d = NULL;

		doc = docs.items[i];
		docs.items[i] = NULL;
		if (covering < s.docs_count && s.docs[covering].doc == doc) {
			error = drift_of(&drift, &s, &s.docs[covering++], &w);
			d = &drift;
		}
		/* Copies the drift; takes the summary, also on failure. */
		if (error == 0)
			error = tg_scan_add_document(scan, doc, d);
		else
			tg_doc_summary_free(doc);
		doc = NULL;
		drift_release_own(&drift);
		memset(&drift, 0, sizeof(drift));
		if (error < 0)
			goto done;
	}
done:
	drift_release_own(&drift);
	free(name);
	tg_doc_summary_free(doc);
	tg_vec_release(&docs, free_summary);
	scanner_release(&s);
	tg_changes_free(changes);
	return error;
}
