/*
 * covered-code-changed: the change touches paths a design document
 * `covers`, not that document, and its threat model is stale.
 *
 * Every document at the checked tree is asked what it covers, so a
 * one-file commit in a repository of 1,000 design docs would inflate
 * 1,000 blobs. What a blob covers depends on its bytes alone, so it is
 * kept in a content-addressed cache, $GIT_COMMON_DIR/threatgate/covers:
 * it can never go stale, only be missing an entry. Set THREATGATE_CACHE=0
 * to neither read nor write it. A cache that does not parse is ignored;
 * one that cannot be written only costs time.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "git.h"
#include "doc/document.h"
#include "rules/rules.h"
#include "util/banned.h"

/* 2: a superseded or withdrawn design covers nothing */
#define CACHE_MAGIC "threatgate covers cache 2\n"

/* What one blob covers, and when its threat model was reviewed. */
struct covers_info {
	git_oid id;
	size_t size;
	bool parsed;		/* false: over maxDocSize, never read */
	long reviewed_days;	/* -1: none */
	char *reviewed;		/* as written; NULL: none */
	tg_vec covers;		/* char *; empty: covers nothing */
	bool used;		/* looked up in this run: kept on write */
	bool transient;		/* good for this run only: not written */
};

struct tg_covers_cache {
	char *path;		/* NULL: disabled */
	struct covers_info **slots;	/* open addressing, by blob id */
	size_t mask;		/* slots - 1 */
	size_t count, used;
	bool dirty;
};

static void free_info(struct covers_info *info)
{
	if (!info)
		return;
	free(info->reviewed);
	tg_vec_release(&info->covers, free);
	free(info);
}

static size_t slot_of(const struct tg_covers_cache *cache, const git_oid *id)
{
	size_t h;

	memcpy(&h, id->id, sizeof(h));
	return h & cache->mask;
}

static struct covers_info *cache_find(struct tg_covers_cache *cache,
                                      const git_oid *id)
{
	size_t i;

	if (!cache->slots)
		return NULL;
	for (i = slot_of(cache, id); cache->slots[i]; i = (i + 1) & cache->mask)
		if (git_oid_equal(&cache->slots[i]->id, id))
			return cache->slots[i];
	return NULL;
}

static int cache_grow(struct tg_covers_cache *cache)
{
	struct covers_info **old = cache->slots;
	size_t i, n = old ? cache->mask + 1 : 0, size = n ? 2 * n : 1024;

	cache->slots = calloc(size, sizeof(*cache->slots));
	if (!cache->slots) {
		cache->slots = old;
		return tg_error_oom();
	}
	cache->mask = size - 1;
	for (i = 0; i < n; i++) {
		size_t j;

		if (!old[i])
			continue;
		for (j = slot_of(cache, &old[i]->id); cache->slots[j];
		     j = (j + 1) & cache->mask)
			;
		cache->slots[j] = old[i];
	}
	free(old);
	return 0;
}

/* Takes `info` (freed on failure). */
static int cache_add(struct tg_covers_cache *cache, struct covers_info *info)
{
	size_t i;

	if ((cache->count + 1) * 2 > (cache->slots ? cache->mask + 1 : 0) &&
	    cache_grow(cache) < 0) {
		free_info(info);
		return TG_ENOMEM;
	}
	for (i = slot_of(cache, &info->id); cache->slots[i];
	     i = (i + 1) & cache->mask)
		;
	cache->slots[i] = info;
	cache->count++;
	return 0;
}

/* A text field of the cache: no tab, no line break. */
static bool storable(const char *s)
{
	return !s || !strpbrk(s, "\t\n\r");
}

/* One line: id, size, parsed, reviewed days, reviewed, covers... */
static struct covers_info *parse_line(char *line)
{
	struct covers_info *info = calloc(1, sizeof(*info));
	char *field, *end, *save = NULL;
	unsigned long long size;
	int n = 0;

	if (!info)
		return NULL;
	for (field = strtok_r(line, "\t", &save); field;
	     field = strtok_r(NULL, "\t", &save), n++) {
		errno = 0;
		switch (n) {
		case 0:
			if (strlen(field) != GIT_OID_HEXSZ ||
			    git_oid_fromstr(&info->id, field) < 0)
				goto bad;
			break;
		case 1:
			size = strtoull(field, &end, 10);
			if (*end || errno || size > SIZE_MAX)
				goto bad;
			info->size = (size_t)size;
			break;
		case 2:
			if (strcmp(field, "0") && strcmp(field, "1"))
				goto bad;
			info->parsed = *field == '1';
			break;
		case 3:
			info->reviewed_days = strtol(field, &end, 10);
			if (*end || errno || info->reviewed_days < -1)
				goto bad;
			break;
		case 4:
			if (strcmp(field, "-") &&
			    !(info->reviewed = tg_strdup(field + (*field == '=')))) 
				goto bad;
			break;
		default:
			if (tg_vec_push_str(&info->covers, field + 1) < 0 ||
			    *field != '=')
				goto bad;
		}
	}
	if (n < 5)
		goto bad;
	return info;
bad:
	free_info(info);
	return NULL;
}

static void cache_load(struct tg_covers_cache *cache)
{
	FILE *f = fopen(cache->path, "re");
	char *line = NULL;
	size_t alloc = 0;
	ssize_t len;
	bool ok;

	if (!f)
		return;
	len = getline(&line, &alloc, f);
	ok = len >= 0 && strcmp(line, CACHE_MAGIC) == 0;
	while (ok && (len = getline(&line, &alloc, f)) > 0) {
		struct covers_info *info;

		if (line[len - 1] != '\n') {
			ok = false;	/* torn: the rest is ignored */
			break;
		}
		line[len - 1] = '\0';
		info = parse_line(line);
		if (info && cache_find(cache, &info->id)) {
			free_info(info);
			info = NULL;
		}
		ok = info && cache_add(cache, info) == 0;
	}
	free(line);
	fclose(f);
	cache->dirty = !ok;	/* a damaged cache is rewritten */
}

void tg_git__covers_cache_free(struct tg_covers_cache *cache)
{
	size_t i;

	if (!cache)
		return;
	for (i = 0; cache->slots && i <= cache->mask; i++)
		free_info(cache->slots[i]);
	free(cache->slots);
	free(cache->path);
	free(cache);
}

int tg_git__covers_cache_open(struct tg_covers_cache **out,
                              git_repository *repo)
{
	struct tg_covers_cache *cache = calloc(1, sizeof(*cache));

	*out = NULL;
	if (!cache)
		return tg_error_oom();
	if (!tg_options__get()->no_covers_cache) {
		cache->path = tg_printf("%sthreatgate/covers",
		                        git_repository_commondir(repo));
		if (!cache->path) {
			free(cache);
			return tg_error_oom();
		}
		cache_load(cache);
	}
	*out = cache;
	return 0;
}

static void write_info(FILE *f, const struct covers_info *info)
{
	char hex[GIT_OID_HEXSZ + 1];
	size_t i;

	git_oid_tostr(hex, sizeof(hex), &info->id);
	fprintf(f, "%s\t%zu\t%d\t%ld\t%s%s", hex, info->size, info->parsed,
	        info->reviewed_days, info->reviewed ? "=" : "-",
	        info->reviewed ? info->reviewed : "");
	for (i = 0; i < info->covers.length; i++)
		fprintf(f, "\t=%s", (const char *)info->covers.items[i]);
	fputc('\n', f);
}

/*
 * Write what this run looked up, when it learnt something or most of
 * the file is for blobs no longer checked. Written aside and renamed,
 * so that two hooks at once each leave a whole file.
 */
void tg_git__covers_cache_save(struct tg_covers_cache *cache)
{
	char *dir, *tmp;
	FILE *f;
	size_t i;
	bool ok;

	if (!cache || !cache->path || cache->used == 0 ||
	    !(cache->dirty || cache->count > 2 * cache->used))
		return;
	dir = tg_strndup(cache->path, strlen(cache->path) - strlen("/covers"));
	tmp = tg_printf("%s.%ld.tmp", cache->path, (long)getpid());
	if (!dir || !tmp || (mkdir(dir, 0777) < 0 && errno != EEXIST) ||
	    !(f = fopen(tmp, "we"))) {
		free(dir);
		free(tmp);
		return;
	}
	ok = fputs(CACHE_MAGIC, f) >= 0;
	for (i = 0; i <= cache->mask; i++)
		if (cache->slots[i] && cache->slots[i]->used &&
		    !cache->slots[i]->transient)
			write_info(f, cache->slots[i]);
	ok = !ferror(f) && ok;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, cache->path) < 0)
		unlink(tmp);
	free(dir);
	free(tmp);
}

/*
 * What the blob `id` covers: from the cache, else read (only its front
 * matter is parsed) and remembered. *out belongs to the cache.
 */
static int covers_of(const struct covers_info **out,
                     struct tg_covers_cache *cache, git_repository *repo,
                     const char *path, const git_oid *id,
                     const tg_policy *policy)
{
	struct covers_info *info = cache_find(cache, id);
	struct tg_document head;
	git_odb *odb = NULL;
	git_blob *blob = NULL;
	git_object_t type;
	const char *data;
	size_t len, bad, i;
	bool nul, keep = true;
	int error;

	if (info && (info->parsed || info->size > policy->max_doc_size)) {
		cache->used += !info->used;
		info->used = true;
		*out = info;
		return 0;
	}
	if (!info) {
		info = calloc(1, sizeof(*info));
		if (!info)
			return tg_error_oom();
		git_oid_cpy(&info->id, id);
		if (cache_add(cache, info) < 0)
			return tg_error_oom();
	}
	/* New, or skipped as oversized under another policy. */
	free(info->reviewed);
	info->reviewed = NULL;
	tg_vec_release(&info->covers, free);
	info->reviewed_days = -1;
	cache->used += !info->used;
	info->used = true;
	cache->dirty = true;
	*out = info;
	memset(&head, 0, sizeof(head));
	/* An oversized document is never read whole: it covers nothing. */
	error = git_repository_odb(&odb, repo);
	if (error == 0)
		error = git_odb_read_header(&info->size, &type, odb, id);
	git_odb_free(odb);
	if (error < 0)
		return tg_error_from_git(error, "cannot read '%s'", path);
	if (info->size > policy->max_doc_size)
		return 0;
	error = git_blob_lookup(&blob, repo, id);
	if (error < 0)
		return tg_error_from_git(error, "cannot read '%s'", path);
	info->parsed = true;
	data = git_blob_rawcontent(blob);
	len = (size_t)git_blob_rawsize(blob);
	/* Most documents cover nothing: skip the parse. */
	if (!memmem(data, len, "covers", 6))
		goto done;
	/*
	 * Only the front matter is wanted: parsing every covering document's
	 * Markdown too made a one-file commit in a repository of 1,000 docs
	 * cost half a second. A document that is not UTF-8 covers nothing
	 * (it is unreadable-document when it is checked itself).
	 */
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		len -= 3;
	}
	if (!tg_utf8_valid(data, len, &bad, &nul))
		goto done;
	head.data = (char *)data;	/* only read */
	head.len = len;
	error = tg_frontmatter__parse(&head);
	if (error < 0)
		goto done;
	/* A problem may depend on the day (a date in the future): not kept. */
	keep = !head.fm.broken && head.fm.problems.length == 0;
	info->reviewed_days = head.fm.reviewed_days;
	if (head.fm.reviewed && !(info->reviewed = tg_strdup(head.fm.reviewed)))
		error = tg_error_oom();
	keep = keep && storable(info->reviewed);
	/* A superseded or withdrawn design is not judged for freshness. */
	for (i = 0; i < head.fm.covers.length && error == 0 &&
	     !tg_design_retired(head.fm.design_status); i++) {
		error = tg_vec_push_str(&info->covers, head.fm.covers.items[i]);
		keep = keep && storable(head.fm.covers.items[i]);
	}
done:
	info->transient = !keep;
	if (error < 0)	/* half read: forget it */
		info->parsed = false, info->transient = true;
	tg_frontmatter__release(&head.fm);
	git_blob_free(blob);
	return error;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Documents with `covers` at a target, checked against its changes. */
struct covered {
	git_repository *repo;
	const tg_policy *policy;
	const struct tg_target *target;
	const char *revision;
	const char **sorted;	/* target->changed, sorted for bsearch */
	bool by_suffix;		/* every document glob ends in literal text */
	const char **suffix;	/* each glob's literal ending */
	size_t *suffix_len;
	struct tg_covers_cache *cache;
	const struct tg_changes *changes;	/* its deadline */
	size_t seen;		/* entries looked at, for the deadline */
	int error;
	/*
	 * What the findings are made of once every document was seen: the
	 * stale covering documents, and for each changed path (by its index
	 * in target->changed) the stale ones that cover it.
	 */
	tg_vec stale;		/* struct tg_stale_cover * */
	tg_vec *hits;		/* [changed.length] of indexes into stale */
	size_t covering;	/* documents covering a changed path */
};

static void stale_doc_free(void *item)
{
	struct tg_stale_cover *d = item;

	if (!d)
		return;
	free(d->path);
	free(d->reviewed);
	free(d->glob);
	free(d);
}

/* How much literal text a glob ends with: what a match must end with. */
static size_t literal_suffix(const char *glob)
{
	size_t n = strlen(glob), i = n;

	while (i > 0 && !strchr("*?[]", glob[i - 1]))
		i--;
	return n - i;
}

/*
 * A path that ends in none of the globs' literal endings (".md" for the
 * default globs) cannot be a document: the globs need not be matched.
 * In a repository of 100,000 files that was a tenth of `check --staged`.
 */
static bool may_be_document(const struct covered *cv, const char *path)
{
	size_t i, n, plen;

	if (!cv->by_suffix)
		return true;
	plen = strlen(path);
	for (i = 0; i < cv->policy->docs.length; i++) {
		n = cv->suffix_len[i];
		if (n <= plen && memcmp(path + plen - n, cv->suffix[i], n) == 0)
			return true;
	}
	return false;
}

/* The globs' literal endings, for may_be_document(). */
static int find_suffixes(struct covered *cv)
{
	const tg_vec *globs = &cv->policy->docs;
	size_t i;

	cv->by_suffix = globs->length > 0;
	cv->suffix = calloc(globs->length + 1, sizeof(*cv->suffix));
	cv->suffix_len = calloc(globs->length + 1, sizeof(*cv->suffix_len));
	if (!cv->suffix || !cv->suffix_len)
		return tg_error_oom();
	for (i = 0; i < globs->length; i++) {
		const char *glob = globs->items[i];

		cv->suffix_len[i] = literal_suffix(glob);
		cv->suffix[i] = glob + strlen(glob) - cv->suffix_len[i];
		if (cv->suffix_len[i] == 0)
			cv->by_suffix = false;
	}
	return 0;
}

static bool was_changed(const struct covered *cv, const char *path)
{
	return bsearch(&path, cv->sorted, cv->target->changed.length,
	               sizeof(*cv->sorted), str_cmp) != NULL;
}

static int out_of_time(const struct covered *cv)
{
	return tg_error_set(TG_ELIMIT, "time budget exhausted in "
	                    "covered-code-changed after %zu entries of the tree",
	                    cv->seen);
}

static int check_covers(struct covered *cv, const char *path, const git_oid *id)
{
	const tg_policy *policy = cv->policy;
	const struct covers_info *info = NULL;
	struct tg_stale_cover *doc = NULL;
	const char *glob = NULL;
	size_t i, j, index = cv->stale.length;
	bool any = false, stale;
	long age;
	int error;

	/*
	 * The clock, at every design document (each may cover many globs
	 * for many changed paths) and every 1,024 other entries.
	 */
	if ((++cv->seen & 1023) == 0 && tg_git__deadline_passed(cv->changes))
		return out_of_time(cv);
	if (!may_be_document(cv, path) || !tg_policy_is_document(policy, path) ||
	    was_changed(cv, path))
		return 0;
	if (tg_git__deadline_passed(cv->changes))
		return out_of_time(cv);
	error = covers_of(&info, cv->cache, cv->repo, path, id, policy);
	if (error < 0 || info->covers.length == 0 ||
	    info->size > policy->max_doc_size)
		return error;
	age = info->reviewed_days >= 0 ? tg_date_today() - info->reviewed_days
	                               : -1;
	stale = age > policy->max_age ||
	        (info->reviewed_days < 0 && policy->require_reviewed_date);
	for (i = 0; i < cv->target->changed.length; i++) {
		const char *changed = cv->target->changed.items[i];

		for (j = 0; j < info->covers.length; j++) {
			if (!tg_glob_match(info->covers.items[j], changed))
				continue;
			if (!any)
				glob = info->covers.items[j];
			any = true;
			if (!stale)
				break;	/* fresh: the code may move */
			error = tg_vec_push(&cv->hits[i], (void *)(uintptr_t)index);
			if (error < 0)
				return error;
			break;
		}
		if (any && !stale)
			break;
	}
	if (!any)
		return 0;
	cv->covering++;
	if (!stale)
		return 0;
	doc = calloc(1, sizeof(*doc));
	if (!doc)
		return tg_error_oom();
	doc->path = tg_strdup(path);
	doc->reviewed = info->reviewed ? tg_strdup(info->reviewed) : NULL;
	doc->glob = tg_strdup(glob);
	doc->age = age;
	if (!doc->path || !doc->glob || (info->reviewed && !doc->reviewed) ||
	    tg_vec_push(&cv->stale, doc) < 0) {
		stale_doc_free(doc);
		return tg_error_oom();
	}
	return 0;
}

static int covers_tree_cb(const char *root, const git_tree_entry *entry,
                          void *payload)
{
	struct covered *cv = payload;
	char *path;

	if (git_tree_entry_filemode(entry) != GIT_FILEMODE_BLOB &&
	    git_tree_entry_filemode(entry) != GIT_FILEMODE_BLOB_EXECUTABLE)
		return 0;
	path = tg_printf("%s%s", root, git_tree_entry_name(entry));
	if (!path) {
		cv->error = tg_error_oom();
		return -1;
	}
	cv->error = check_covers(cv, path, git_tree_entry_id(entry));
	free(path);
	return cv->error < 0 ? -1 : 0;
}

int tg_git__covered_code_changed(tg_findings *findings,
                                 git_repository *repo,
                                 const struct tg_target *target,
                                 const tg_policy *policy,
                                 struct tg_covers_cache *cache,
                                 const struct tg_changes *changes)
{
	struct covered cv;
	char hex[GIT_OID_HEXSZ + 1];
	git_tree *tree = NULL;
	git_commit *commit = NULL;
	git_index *index = NULL;
	size_t i, n;
	int error = 0;

	if (target->changed.length == 0 ||
	    tg_policy__rule_off(policy, TG_RULE_COVERED_CODE_CHANGED))
		return 0;
	memset(&cv, 0, sizeof(cv));
	cv.repo = repo;
	cv.policy = policy;
	cv.target = target;
	cv.cache = cache;
	cv.changes = changes;
	cv.hits = calloc(target->changed.length, sizeof(*cv.hits));
	/* A push may change every path: look them up, do not scan them. */
	cv.sorted = malloc(target->changed.length * sizeof(*cv.sorted));
	if (!cv.sorted || !cv.hits) {
		free(cv.sorted);
		free(cv.hits);
		return tg_error_oom();
	}
	memcpy(cv.sorted, target->changed.items,
	       target->changed.length * sizeof(*cv.sorted));
	qsort(cv.sorted, target->changed.length, sizeof(*cv.sorted), str_cmp);
	error = find_suffixes(&cv);
	if (error < 0)
		goto done;
	if (target->source == TG_SOURCE_INDEX && target->index) {
		const struct tg_index *idx = target->index;

		for (i = 0; i < idx->count && error == 0; i++)
			if (idx->entries[i].mode == GIT_FILEMODE_BLOB ||
			    idx->entries[i].mode == GIT_FILEMODE_BLOB_EXECUTABLE)
				error = check_covers(&cv, idx->entries[i].path,
				                     &idx->entries[i].id);
		goto done;
	}
	if (target->source == TG_SOURCE_INDEX) {
		const char *file = tg_options__get()->index_file;

		error = file ? git_index_open(&index, file)
			: git_repository_index(&index, repo);
		if (error < 0) {
			error = tg_error_from_git(error, "cannot read the index");
			goto done;
		}
		n = git_index_entrycount(index);
		for (i = 0; i < n && error == 0; i++) {
			const git_index_entry *e = git_index_get_byindex(index, i);

			if (e->mode == GIT_FILEMODE_BLOB ||
			    e->mode == GIT_FILEMODE_BLOB_EXECUTABLE)
				error = check_covers(&cv, e->path, &e->id);
		}
		goto done;
	}
	git_oid_tostr(hex, sizeof(hex), &target->commit);
	cv.revision = hex;
	error = git_commit_lookup(&commit, repo, &target->commit);
	if (error == 0)
		error = git_commit_tree(&tree, commit);
	if (error < 0) {
		error = tg_error_from_git(error, "cannot read commit %s", hex);
		goto done;
	}
	error = git_tree_walk(tree, GIT_TREEWALK_PRE, covers_tree_cb, &cv);
	if (cv.error < 0)
		error = cv.error;
	else if (error < 0)
		error = tg_error_from_git(error, "cannot walk the tree of %s", hex);
done:
	if (error == 0)
		error = tg_rules__covered_code_changed(findings, policy,
			&(struct tg_covered_code){ .changed = &target->changed,
			                           .hits = cv.hits,
			                           .stale = &cv.stale,
			                           .revision = cv.revision });
	if (error == 0)
		tg_findings_add_covering(findings, cv.covering);
	for (i = 0; i < target->changed.length; i++)
		tg_vec_release(&cv.hits[i], NULL);
	free(cv.hits);
	tg_vec_release(&cv.stale, stale_doc_free);
	git_index_free(index);
	git_tree_free(tree);
	git_commit_free(commit);
	free(cv.sorted);
	free(cv.suffix);
	free(cv.suffix_len);
	return error;
}

