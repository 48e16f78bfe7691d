#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "git.h"
#include "doc/document.h"
#include "model/model.h"
#include "threatgate/rules.h"
#include "util/banned.h"

/*
 * Documents are checked on several threads (parsing is most of a big
 * push's hook), but libgit2's objects are not to be shared between
 * threads: every libgit2 call of a check holds this lock.
 */
static pthread_mutex_t git_lock = PTHREAD_MUTEX_INITIALIZER;

/* Blame, computed only when a rule asks who wrote a line. */
struct blame_ctx {
	git_repository *repo;
	const struct tg_change *change;
	const char *data;
	size_t len;
	git_blame *blame;
	bool tried;
	tg_vec authors;		/* char *: lines_authors' answer, once */
	bool authors_done;
};

static int compute_blame(struct blame_ctx *b)
{
	git_blame_options opts;
	git_blame *head = NULL;
	git_oid head_id;
	int error;

	b->tried = true;
	git_blame_options_init(&opts, GIT_BLAME_OPTIONS_VERSION);
	if (b->change->source == TG_SOURCE_COMMIT) {
		git_oid_cpy(&opts.newest_commit, &b->change->commit);
		error = git_blame_file(&b->blame, b->repo, b->change->path, &opts);
		if (error < 0)
			return tg_error_from_git(error, "cannot blame '%s'",
			                         b->change->path);
		return 0;
	}
	/* The index: blame HEAD's file, then the staged bytes against it. */
	if (git_reference_name_to_id(&head_id, b->repo, "HEAD") < 0) {
		git_error_clear();
		return 0;	/* unborn: every line is the committer's */
	}
	git_oid_cpy(&opts.newest_commit, &head_id);
	error = git_blame_file(&head, b->repo, b->change->path, &opts);
	if (error == GIT_ENOTFOUND) {
		git_error_clear();
		return 0;	/* a new file: every line is the committer's */
	}
	if (error == 0)
		error = git_blame_buffer(&b->blame, head, b->data, b->len);
	git_blame_free(head);
	if (error < 0)
		return tg_error_from_git(error, "cannot blame '%s'",
		                         b->change->path);
	return 0;
}

static int line_author_locked(char **email, int line, void *payload)
{
	struct blame_ctx *b = payload;
	const git_blame_hunk *hunk = NULL;
	git_signature *self = NULL;
	const char *env = getenv("GIT_AUTHOR_EMAIL");
	int error;

	*email = NULL;
	if (!b->tried) {
		error = compute_blame(b);
		if (error < 0)
			return error;
	}
	if (b->blame)
		hunk = git_blame_get_hunk_byline(b->blame, (size_t)line);
	if (hunk && !git_oid_is_zero(&hunk->final_commit_id)) {
		if (hunk->final_signature && hunk->final_signature->email)
			*email = tg_strdup(hunk->final_signature->email);
		return 0;
	}
	/* Not committed yet: the line is its author's to be, as git says. */
	if (env && *env) {
		*email = tg_strdup(env);
		return *email ? 0 : tg_error_oom();
	}
	if (git_signature_default(&self, b->repo) < 0) {
		git_error_clear();
		return 0;
	}
	*email = tg_strdup(self->email);
	git_signature_free(self);
	return *email ? 0 : tg_error_oom();
}

/* The emails of who wrote lines first..last, each once. */
static int lines_authors_locked(struct blame_ctx *b, int first, int last)
{
	char *email = NULL;
	size_t i;
	int line, error = 0;
	bool seen;

	for (line = first; line <= last && error == 0; line++) {
		error = line_author_locked(&email, line, b);
		if (error < 0 || !email)
			continue;
		for (i = 0, seen = false; i < b->authors.length && !seen; i++)
			seen = tg_strcasecmp(b->authors.items[i], email) == 0;
		if (!seen && tg_vec_push(&b->authors, email) == 0)
			email = NULL;
		else if (!seen)
			error = tg_error_oom();
		free(email);
		email = NULL;
	}
	return error;
}

static int lines_authors(const char *const **emails, size_t *count,
                         int first, int last, void *payload)
{
	struct blame_ctx *b = payload;
	int error = 0;

	pthread_mutex_lock(&git_lock);
	if (!b->authors_done) {
		error = lines_authors_locked(b, first, last);
		b->authors_done = error == 0;
	}
	pthread_mutex_unlock(&git_lock);
	*emails = (const char *const *)b->authors.items;
	*count = error == 0 ? b->authors.length : 0;
	return error;
}

static int line_author(char **email, int line, void *payload)
{
	int error;

	pthread_mutex_lock(&git_lock);
	error = line_author_locked(email, line, payload);
	pthread_mutex_unlock(&git_lock);
	return error;
}

/* Load a blob as a document; an oversized blob is never read whole. */
static int load_blob(tg_document **out, git_repository *repo,
                     const git_oid *id, const char *path,
                     const char *revision, const tg_policy *policy)
{
	git_odb *odb = NULL;
	git_blob *blob = NULL;
	git_object_t type;
	size_t size = 0;
	int error;

	*out = NULL;
	pthread_mutex_lock(&git_lock);
	error = git_repository_odb(&odb, repo);
	if (error == 0)
		error = git_odb_read_header(&size, &type, odb, id);
	git_odb_free(odb);
	if (error == 0 && size <= policy->max_doc_size)
		error = git_blob_lookup(&blob, repo, id);
	if (error < 0)
		error = tg_error_from_git(error, "cannot read '%s'", path);
	pthread_mutex_unlock(&git_lock);
	if (error < 0)
		return error;
	/*
	 * The blob's bytes are immutable and stay while we hold the blob:
	 * they are read (and parsed) without the lock. NULL data: oversized.
	 */
	error = tg_document_load_buffer(out, path, revision,
		blob ? git_blob_rawcontent(blob) : NULL,
		blob ? (size_t)git_blob_rawsize(blob) : size, policy);
	pthread_mutex_lock(&git_lock);
	git_blob_free(blob);
	pthread_mutex_unlock(&git_lock);
	return error;
}

static int check_one(tg_findings *findings, git_repository *repo,
                     const struct tg_change *c, const tg_policy *policy,
                     bool lazy, const char *pusher)
{
	char hex[GIT_OID_HEXSZ + 1];
	const char *revision = NULL;
	tg_document *doc = NULL, *base_doc = NULL;
	tg_model *model = NULL, *base = NULL;
	tg_check_context ctx;
	struct blame_ctx blame;
	int error;

	if (c->source == TG_SOURCE_COMMIT) {
		git_oid_tostr(hex, sizeof(hex), &c->commit);
		revision = hex;
	}
	error = load_blob(&doc, repo, &c->blob, c->path, revision, policy);
	if (error < 0)
		goto done;
	error = tg_model__build(&model, doc, policy, lazy);
	if (error < 0)
		goto done;

	memset(&ctx, 0, sizeof(ctx));
	memset(&blame, 0, sizeof(blame));
	ctx.lazy_triggers = lazy;
	ctx.pusher = pusher;
	if (c->has_base && !tg_policy__rule_off(policy,
	                   TG_RULE_REVIEWED_DATE_NOT_UPDATED)) {
		error = load_blob(&base_doc, repo, &c->base_blob, c->path, revision,
		                  policy);
		if (error == 0)
			error = tg_model__build(&base, base_doc, policy, true);
		if (error < 0)
			goto done;
		ctx.base = base;
	}
	/*
	 * Blame is costly: it is asked for only where a sign-off may be
	 * judged by who wrote what (reviewers configured: the authors of a
	 * threat model cannot sign it).
	 */
	if (policy->verify_signoff_author || (policy->reviewers.length > 0 &&
	                                      model->signoffs.length > 0)) {
		blame.repo = repo;
		blame.change = c;
		blame.data = doc->data;
		blame.len = doc->len;
		ctx.line_author = line_author;
		ctx.lines_authors = lines_authors;
		ctx.payload = &blame;
	}
	error = tg_rules_check(findings, model, policy, &ctx);
	if (blame.blame) {
		pthread_mutex_lock(&git_lock);
		git_blame_free(blame.blame);
		pthread_mutex_unlock(&git_lock);
	}
	tg_vec_release(&blame.authors, free);
done:
	tg_model_free(base);
	tg_document_free(base_doc);
	tg_model_free(model);
	tg_document_free(doc);
	return error;
}

static char *glob_list(const tg_policy *policy)
{
	tg_buf buf = TG_BUF_INIT;
	size_t i;

	for (i = 0; i < policy->docs.length; i++)
		tg_buf_printf(&buf, "%s%s", i ? ", " : "",
		              (const char *)policy->docs.items[i]);
	return tg_buf_detach(&buf);
}

static int budget_exhausted(const struct tg_changes *changes, size_t from,
                            const tg_policy *policy)
{
	tg_buf buf = TG_BUF_INIT;
	size_t i;

	for (i = from; i < changes->docs.length && i < from + 20; i++)
		tg_buf_printf(&buf, "%s%s", i > from ? ", " : "",
		              tg_changes_path(changes, i));
	if (changes->docs.length > from + 20)
		tg_buf_printf(&buf, " and %zu more", changes->docs.length - from - 20);
	if (from == changes->docs.length)
		tg_buf_puts(&buf, "whether the change touches code a document "
		            "covers (covered-code-changed)");
	(void)tg_error_set(TG_ELIMIT,
		"time budget of %lds exhausted after %zu of %zu documents "
		"(threatgate.timeout); not checked: %s", policy->timeout, from,
		changes->docs.length, tg_buf_cstr(&buf));
	tg_buf_release(&buf);
	return TG_ELIMIT;
}

/* Remember the first failure, so that the other documents still count. */
static void note_failure(int *first, size_t *failures, char *message,
                         size_t size, int error)
{
	if ((*failures)++ == 0) {
		*first = error;
		snprintf(message, size, "%s", tg_error_last()->message);
	}
}

/* One document's check on a worker thread, kept for the merge. */
struct doc_job {
	tg_findings *findings;
	int error;
	char message[1024];
};

struct doc_jobs {
	git_repository *repo;
	const struct tg_changes *changes;
	const tg_policy *policy;
	struct doc_job *jobs;
};

static int check_job(size_t i, void *payload)
{
	struct doc_jobs *d = payload;
	struct doc_job *job = &d->jobs[i];
	int error;

	error = tg_findings_new(&job->findings);
	if (error == 0)
		error = check_one(job->findings, d->repo,
		                  d->changes->docs.items[i], d->policy,
		                  d->changes->lazy_triggers, d->changes->pusher);
	if (error < 0) {
		job->error = error;
		snprintf(job->message, sizeof(job->message), "%s",
		         tg_error_last()->message);
	}
	return error;
}

static bool out_of_time(void *payload)
{
	const struct doc_jobs *d = payload;

	return tg_git__deadline_passed(d->changes);
}

/*
 * Check every document on `threads` threads, then add their findings in
 * document order, as one thread would. Returns the number of documents
 * checked (the others ran out of time); *error is TG_ENOMEM or 0.
 */
static size_t check_docs(tg_findings *findings, git_repository *repo,
                         const struct tg_changes *changes,
                         const tg_policy *policy, size_t threads,
                         int *first, size_t *failures, char *failed,
                         size_t size, int *error)
{
	struct doc_jobs d = { repo, changes, policy, NULL };
	size_t i, started = 0, n = changes->docs.length;

	*error = 0;
	d.jobs = calloc(n ? n : 1, sizeof(*d.jobs));
	if (!d.jobs) {
		*error = tg_error_oom();
		return 0;
	}
	started = tg_parallel_run(n, threads, check_job, out_of_time, &d,
	                          false);
	for (i = 0; i < started && *error == 0; i++) {
		struct doc_job *job = &d.jobs[i];

		if (job->error == TG_ENOMEM)
			*error = tg_error_oom();
		else if (job->findings &&
		         tg_findings_move(findings, job->findings) < 0)
			*error = TG_ENOMEM;
		else if (job->error < 0 && (*failures)++ == 0) {
			*first = job->error;
			snprintf(failed, size, "%s", job->message);
		}
	}
	for (i = 0; i < n; i++)
		tg_findings_free(d.jobs[i].findings);
	free(d.jobs);
	return started;
}

int tg_changes_check(tg_findings *findings, git_repository *repo,
                     const tg_changes *changes, const tg_policy *policy)
{
	struct tg_covers_cache *cache = NULL;
	char *globs = NULL, *message = NULL;
	char failed[1024] = "";
	size_t i, failures = 0;
	int error = 0, first = 0;

	/*
	 * A document that cannot be checked (a corrupt object, say) does not
	 * stop the others: what they show still counts, and still blocks
	 * when the hook fails open. The first failure is returned at the end.
	 */
	i = check_docs(findings, repo, changes, policy,
	               tg_parallel_threads(changes->docs.length), &first,
	               &failures, failed, sizeof(failed), &error);
	if (error < 0)
		goto done;
	if (i < changes->docs.length) {
		error = budget_exhausted(changes, i, policy);
		goto done;
	}
	if (changes->targets.length > 0 &&
	    !tg_policy__rule_off(policy, TG_RULE_COVERED_CODE_CHANGED)) {
		error = tg_git__covers_cache_open(&cache, repo);
		if (error < 0)
			goto done;
	}
	for (i = 0; i < changes->targets.length && cache; i++) {
		if (tg_git__deadline_passed(changes)) {
			error = budget_exhausted(changes, changes->docs.length, policy);
			goto done;
		}
		error = tg_git__covered_code_changed(findings, repo,
			changes->targets.items[i], policy, cache);
		if (error == TG_ENOMEM)
			goto done;
		if (error < 0)
			note_failure(&first, &failures, failed, sizeof(failed), error);
		error = 0;
	}
	if (failures > 0 || changes->docs.length > 0 || !changes->markdown_path)
		goto done;
	globs = glob_list(policy);
	message = globs ? tg_printf("'%s' is Markdown but matches none of the "
		"document globs (%s): if it is a design document, add a glob for it "
		"to threatgate.docs", changes->markdown_path, globs) : NULL;
	error = message ? tg_rules_add_finding(findings, policy,
		TG_RULE_NO_DOCUMENTS, changes->markdown_path, NULL, 1, 0, message)
		: tg_error_oom();
done:
	tg_git__covers_cache_save(cache);
	tg_git__covers_cache_free(cache);
	/* What was checked is reported even after a failure: baseline it too. */
	if (error != TG_ENOMEM && tg_rules_apply_baseline(findings, policy) < 0)
		error = TG_ENOMEM;
	if (error == 0 && failures == 1)
		error = tg_error_set(first, "%s", failed);
	else if (error == 0 && failures > 1)
		error = tg_error_set(first, "%s (and %zu more failures)", failed,
		                     failures - 1);
	free(message);
	free(globs);
	return error;
}
