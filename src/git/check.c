/*
 * The check driver of every mode (tg_changes_check): the documents of a
 * tg_changes, each read from a file (files.c) or from a blob with what
 * git knows (the document before the change, blame for sign-off
 * authors), on one thread or many; a document that cannot be read stops
 * none of the others. Then the findings no document produces alone
 * (covered-code-changed, hidden-document, and no-documents from the
 * Markdown every mode counts with tg_git__note_markdown).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	const tg_policy *policy;	/* who the reviewers are */
	const char *pusher;	/* on the server with threatgate.pusher, or NULL */
	bool on_server;		/* pre-receive with threatgate.pusher */
};

/*
 * Whether `path` is in the commit's tree. Asked before blaming because
 * libgit2 1.5's git_blame_file leaks the commit's tree on a path the
 * commit lacks (valgrind shows it on every new staged document).
 */
static bool in_commit(git_repository *repo, const git_oid *id,
                      const char *path)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	bool found;

	found = git_commit_lookup(&commit, repo, id) == 0 &&
		git_commit_tree(&tree, commit) == 0 &&
		git_tree_entry_bypath(&entry, tree, path) == 0;
	git_error_clear();
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(commit);
	return found;
}

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
	if (!in_commit(b->repo, &head_id, b->change->path))
		return 0;	/* a new file: every line is the committer's */
	git_oid_cpy(&opts.newest_commit, &head_id);
	error = git_blame_file(&head, b->repo, b->change->path, &opts);
	if (error == 0) {
		/* the staged bytes as git has them, not as normalised */
		git_blob *raw = NULL;

		error = git_blob_lookup(&raw, b->repo, &b->change->blob);
		if (error == 0)
			error = git_blame_buffer(&b->blame, head,
				git_blob_rawcontent(raw), (size_t)git_blob_rawsize(raw));
		git_blob_free(raw);
	}
	git_blame_free(head);
	if (error < 0)
		return tg_error_from_git(error, "cannot blame '%s'",
		                         b->change->path);
	return 0;
}

/* The committed hunk a line is in (NULL: not committed), blaming once. */
static int line_hunk(const git_blame_hunk **out, struct blame_ctx *b,
                     int line)
{
	const git_blame_hunk *hunk = NULL;
	int error;

	*out = NULL;
	if (!b->tried) {
		error = compute_blame(b);
		if (error < 0)
			return error;
	}
	if (b->blame)
		hunk = git_blame_get_hunk_byline(b->blame, (size_t)line);
	if (hunk && !git_oid_is_zero(&hunk->final_commit_id))
		*out = hunk;
	return 0;
}

static int line_author_locked(char **email, int line, void *payload)
{
	struct blame_ctx *b = payload;
	const git_blame_hunk *hunk = NULL;
	git_signature *self = NULL;
	const char *env = tg_options__get()->author_email;
	int error;

	*email = NULL;
	error = line_hunk(&hunk, b, line);
	if (error < 0)
		return error;
	if (hunk) {
		if (hunk->final_signature && hunk->final_signature->email)
			*email = tg_strdup(hunk->final_signature->email);
		return 0;
	}
	/*
	 * A committed document's line blame cannot attribute: nobody is
	 * known to have written it (NULL), never whoever runs the check.
	 */
	if (b->change->source == TG_SOURCE_COMMIT)
		return 0;
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

/* Whether an author's email is one a reviewer is given with. */
static bool is_reviewer_email(const tg_policy *policy, const char *email)
{
	size_t i;

	for (i = 0; i < policy->reviewers.length; i++)
		if (tg_person_matches(policy->reviewers.items[i], email) ||
		    tg_person_matches(email, policy->reviewers.items[i]))
			return true;
	return false;
}

static int pusher_lookup(char **out, git_repository *repo,
                         const git_oid *commit);

/*
 * Whether a commit whose author is a reviewer's address is that
 * reviewer's work. Anywhere but on a server that knows its pushers the
 * address is all there is. There, an address is typed by whoever
 * commits: the commit must already be on the policy branch (accepted
 * before this push), or be pushed by that reviewer, now or in the push
 * that brought it (the sign-off record).
 */
static int reviewer_vouched(bool *out, struct blame_ctx *b,
                            const git_oid *id, const char *email)
{
	const char *hex = tg_policy_source_commit(b->policy);
	tg_vec names = TG_VEC_INIT;
	char *recorded = NULL;
	git_oid trusted;
	size_t i, k;
	int error = 0;

	*out = true;
	if (!b->on_server)
		return 0;
	if (hex && git_oid_fromstr(&trusted, hex) == 0 &&
	    (git_oid_equal(&trusted, id) ||
	     git_graph_descendant_of(b->repo, &trusted, id) == 1))
		return 0;
	git_error_clear();
	*out = false;
	error = pusher_lookup(&recorded, b->repo, id);
	for (i = 0; error == 0 && i < b->policy->reviewers.length && !*out; i++) {
		const char *r = b->policy->reviewers.items[i];

		if (!tg_person_matches(r, email) && !tg_person_matches(email, r))
			continue;
		/* "@bob <bob@example.com>": the pusher is "bob" or maps to one */
		tg_vec_release(&names, free);
		error = tg_vec_push_str(&names, r);
		if (error == 0)
			error = tg_person_extract(&names, r);
		for (k = 0; error == 0 && k < names.length && !*out; k++)
			*out = tg_policy_pusher_is(b->policy, b->pusher,
			                           names.items[k]) ||
			       tg_policy_pusher_is(b->policy, recorded,
			                           names.items[k]);
	}
	tg_vec_release(&names, free);
	free(recorded);
	return error;
}

static int changed_after_locked(char **commit, char **author,
                                int signoff_line, int first, int last,
                                struct blame_ctx *b)
{
	const git_blame_hunk *s = NULL, *h;
	git_time_t best_time = 0;
	const git_blame_hunk *best = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	const char *email;
	bool vouched = false, forged = false, best_forged = false;
	int line, error;

	*commit = NULL;
	*author = NULL;
	if (!b->tried) {
		error = compute_blame(b);
		if (error < 0)
			return error;
	}
	if (!b->blame)
		return 0;
	s = git_blame_get_hunk_byline(b->blame, (size_t)signoff_line);
	if (!s || git_oid_is_zero(&s->final_commit_id))
		return 0;	/* not committed: signoff-unauthorized's to judge */
	for (line = first; line <= last && line > 0; line++) {
		h = git_blame_get_hunk_byline(b->blame, (size_t)line);
		if (!h || git_oid_is_zero(&h->final_commit_id) ||
		    git_oid_equal(&h->final_commit_id, &s->final_commit_id))
			continue;
		/* skip to the hunk's end: its lines share its commit */
		line = (int)(h->final_start_line_number + h->lines_in_hunk) - 1;
		/* the sign-off's commit had this change: it approved it */
		if (git_graph_descendant_of(b->repo, &s->final_commit_id,
		                            &h->final_commit_id) == 1)
			continue;
		git_error_clear();
		if (h->final_signature && h->final_signature->email &&
		    is_reviewer_email(b->policy, h->final_signature->email)) {
			error = reviewer_vouched(&vouched, b, &h->final_commit_id,
			                         h->final_signature->email);
			if (error < 0)
				return error;
			if (vouched)
				continue;
			forged = true;
		} else {
			forged = false;
		}
		if (!best || (h->final_signature &&
		              h->final_signature->when.time > best_time)) {
			best = h;
			best_forged = forged;
			best_time = h->final_signature ?
				h->final_signature->when.time : 0;
		}
	}
	if (!best)
		return 0;
	git_oid_tostr(hex, sizeof(hex), &best->final_commit_id);
	*commit = tg_strdup(hex);
	email = best->final_signature && best->final_signature->email
	        ? best->final_signature->email : "unknown";
	*author = best_forged
		? tg_printf("<%s>, a reviewer's address on a commit that '%s' "
		            "pushed and that reviewer did not (threatgate.pusher),",
		            email, b->pusher ? b->pusher : "nobody")
		: tg_printf("<%s>, who is not a security reviewer,", email);
	if (!*commit || !*author) {
		free(*commit);
		free(*author);
		*commit = *author = NULL;
		return tg_error_oom();
	}
	return 0;
}

static int changed_after(char **commit, char **author, int signoff_line,
                         int first, int last, void *payload)
{
	int error;

	pthread_mutex_lock(&git_lock);
	error = changed_after_locked(commit, author, signoff_line, first, last,
	                             payload);
	pthread_mutex_unlock(&git_lock);
	return error;
}

/* The commit that last changed a line; *found false when uncommitted. */
static int line_commit_locked(git_oid *out, bool *found, int line,
                              struct blame_ctx *b)
{
	const git_blame_hunk *hunk = NULL;
	int error;

	*found = false;
	error = line_hunk(&hunk, b, line);
	if (error < 0)
		return error;
	if (hunk) {
		git_oid_cpy(out, &hunk->final_commit_id);
		*found = true;
	}
	return 0;
}

/*
 * Who pushed which sign-off: on the server, a push whose authenticated
 * pusher is the reviewer a new sign-off line names records the commit
 * that added the line, in $GIT_COMMON_DIR/threatgate/signoffs ("<commit>
 * TAB <pusher>" lines). A later update of a protected ref (the merge of
 * that branch) then knows the reviewer pushed it, whoever pushes the
 * merge. Nothing a push contains can write this file.
 */
static char *pushers_path(git_repository *repo)
{
	const char *dir = git_repository_commondir(repo);

	return dir ? tg_printf("%s%sthreatgate/signoffs", dir,
	                       dir[strlen(dir) - 1] == '/' ? "" : "/") : NULL;
}

static int pusher_record(git_repository *repo, const git_oid *commit,
                         const char *pusher)
{
	char hex[GIT_OID_HEXSZ + 1], *path = pushers_path(repo), *slash;
	FILE *f;
	int error = 0;

	if (!path)
		return tg_error_oom();
	if (strpbrk(pusher, "\t\r\n"))
		goto done;	/* not a name we can store */
	slash = strrchr(path, '/');
	*slash = '\0';
	(void)mkdir(path, 0777);
	*slash = '/';
	f = fopen(path, "ae");
	if (!f) {
		error = tg_error_set(TG_ERROR, "cannot record the sign-off's pusher "
			"in '%s': %s", path, strerror(errno));
		goto done;
	}
	git_oid_tostr(hex, sizeof(hex), commit);
	if (fprintf(f, "%s\t%s\n", hex, pusher) < 0)
		error = tg_error_set(TG_ERROR, "cannot write '%s'", path);
	if (fclose(f) != 0 && error == 0)
		error = tg_error_set(TG_ERROR, "cannot write '%s'", path);
done:
	free(path);
	return error;
}

/* The last pusher recorded for a commit, or NULL. */
static int pusher_lookup(char **out, git_repository *repo,
                         const git_oid *commit)
{
	char hex[GIT_OID_HEXSZ + 1], *path = pushers_path(repo), *line = NULL;
	size_t alloc = 0;
	ssize_t len;
	FILE *f;

	*out = NULL;
	if (!path)
		return tg_error_oom();
	f = fopen(path, "re");
	free(path);
	if (!f)
		return 0;
	git_oid_tostr(hex, sizeof(hex), commit);
	while ((len = getline(&line, &alloc, f)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > GIT_OID_HEXSZ + 1 && line[GIT_OID_HEXSZ] == '\t' &&
		    strncmp(line, hex, GIT_OID_HEXSZ) == 0) {
			free(*out);
			*out = tg_strdup(line + GIT_OID_HEXSZ + 1);
			if (!*out)
				break;
		}
	}
	free(line);
	fclose(f);
	return 0;
}

static int line_pusher(char **pusher, int line, void *payload)
{
	struct blame_ctx *b = payload;
	git_oid commit;
	bool found = false;
	int error;

	*pusher = NULL;
	pthread_mutex_lock(&git_lock);
	error = line_commit_locked(&commit, &found, line, b);
	if (error == 0 && found)
		error = pusher_lookup(pusher, b->repo, &commit);
	pthread_mutex_unlock(&git_lock);
	return error;
}

/*
 * On the server: the new sign-off lines that name the authenticated
 * pusher are recorded as theirs (see pusher_record).
 */
static int record_pushed_signoffs(const struct tg_model *model,
                                  const struct tg_model *base,
                                  const tg_policy *policy, const char *pusher,
                                  struct blame_ctx *b)
{
	git_oid commit;
	size_t i, j;
	bool found;
	int error = 0;

	for (i = 0; i < model->signoffs.length && error == 0; i++) {
		const struct tg_signoff *s = model->signoffs.items[i];
		bool theirs = false;

		if (!s->valid || tg_model__has_signoff(base, s->text))
			continue;
		for (j = 0; j < s->people.length && !theirs; j++)
			theirs = tg_policy_pusher_is(policy, pusher,
			                             s->people.items[j]);
		if (!theirs)
			continue;
		pthread_mutex_lock(&git_lock);
		error = line_commit_locked(&commit, &found, s->line, b);
		if (error == 0 && found)
			error = pusher_record(b->repo, &commit, pusher);
		pthread_mutex_unlock(&git_lock);
	}
	return error;
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

/*
 * Whether the document is at `commit` as it is checked: an approval given
 * there saw it. An id that does not resolve (a commit this clone lacks)
 * saw nothing we know of.
 */
static bool approval_current(git_repository *repo, const struct tg_change *c,
                             const char *commit)
{
	git_oid id;
	git_commit *obj = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	bool same = false;

	if (!commit || c->source != TG_SOURCE_COMMIT ||
	    strlen(commit) != GIT_OID_HEXSZ || git_oid_fromstr(&id, commit) < 0)
		goto done;
	if (git_commit_lookup(&obj, repo, &id) < 0 ||
	    git_commit_tree(&tree, obj) < 0 ||
	    git_tree_entry_bypath(&entry, tree, c->path) < 0)
		goto done;
	same = git_oid_equal(git_tree_entry_id(entry), &c->blob);
done:
	git_error_clear();
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(obj);
	return same;
}

/* The approvals as they apply to one document (caller frees the array). */
static int doc_approvals(tg_approval **out, git_repository *repo,
                         const struct tg_change *c,
                         const struct tg_changes *changes)
{
	size_t i;

	*out = NULL;
	if (!changes || changes->approvals_count == 0)
		return 0;
	*out = calloc(changes->approvals_count, sizeof(**out));
	if (!*out)
		return tg_error_oom();
	pthread_mutex_lock(&git_lock);
	for (i = 0; i < changes->approvals_count; i++) {
		(*out)[i] = changes->approvals[i];
		(*out)[i].current = approval_current(repo, c,
			changes->approvals[i].commit);
	}
	pthread_mutex_unlock(&git_lock);
	return 0;
}

/*
 * A file (check FILE|DIR, the work tree): read from the file system,
 * with no history, so only the rules of the document itself.
 */
static int check_file(tg_findings *findings, const struct tg_change *c,
                      const tg_policy *policy, bool lazy)
{
	tg_document *doc = NULL;
	tg_check_context ctx;
	int error;

	memset(&ctx, 0, sizeof(ctx));
	ctx.lazy_triggers = lazy;
	error = tg_document_load_file(&doc, c->file, c->path, policy);
	if (error == 0 && c->policy_path)
		error = tg_document_set_policy_path(doc, c->policy_path);
	if (error == 0)
		error = tg_check_document(findings, doc, policy, &ctx);
	tg_document_free(doc);
	return error;
}

static int check_one(tg_findings *findings, git_repository *repo,
                     const struct tg_change *c, const tg_policy *policy,
                     bool lazy, const char *pusher,
                     const struct tg_changes *changes)
{
	tg_approval *approvals = NULL;
	/* pre-receive with threatgate.pusher: who pushed a sign-off counts */
	bool on_server = tg_policy_stage(policy) == TG_STAGE_PRE_RECEIVE &&
	                 tg_policy_pusher_env(policy) != NULL;
	char hex[GIT_OID_HEXSZ + 1];
	const char *revision = NULL;
	tg_document *doc = NULL, *base_doc = NULL;
	tg_model *model = NULL, *base = NULL;
	tg_check_context ctx;
	struct blame_ctx blame;
	int error;

	if (c->source == TG_SOURCE_FILE)
		return check_file(findings, c, policy, lazy);
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
	error = doc_approvals(&approvals, repo, c, changes);
	if (error < 0)
		goto done;
	ctx.approvals = approvals;
	ctx.approvals_count = approvals ? changes->approvals_count : 0;
	ctx.change_author = changes ? changes->change_author : NULL;
	/* (the pusher rule asks whether a sign-off line was there before) */
	if (c->has_base && (!tg_policy__rule_off(policy,
	                    TG_RULE_REVIEWED_DATE_NOT_UPDATED) || on_server)) {
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
	if (policy->verify_signoff_author || (model->signoffs.length > 0 &&
	    (policy->reviewers.length > 0 || on_server))) {
		blame.repo = repo;
		blame.change = c;
		blame.policy = policy;
		blame.pusher = pusher;
		blame.on_server = on_server;
		if (c->source == TG_SOURCE_COMMIT && policy->reviewers.length > 0)
			ctx.changed_after = changed_after;
		blame.data = doc->data;
		blame.len = doc->len;
		ctx.line_author = line_author;
		ctx.lines_authors = lines_authors;
		ctx.line_pusher = on_server ? line_pusher : NULL;
		ctx.payload = &blame;
	}
	if (on_server && pusher && ctx.payload)
		error = record_pushed_signoffs(model, base, policy, pusher, &blame);
	if (error == 0)
		error = tg_rules_check(findings, model, policy, &ctx);
	if (blame.blame) {
		pthread_mutex_lock(&git_lock);
		git_blame_free(blame.blame);
		pthread_mutex_unlock(&git_lock);
	}
	tg_vec_release(&blame.authors, free);
done:
	free(approvals);
	tg_model_free(base);
	tg_document_free(base_doc);
	tg_model_free(model);
	tg_document_free(doc);
	return error;
}

int tg_git__note_markdown(struct tg_changes *changes, const char *display,
                          const char *rel)
{
	struct tg_markdown *md = &changes->markdown;
	bool added = false;
	tg_map_entry *entry;
	int error;

	/*
	 * Templates (templates/sdd.md, which init writes) are not design
	 * documents kept in the wrong place: no glob is suggested for them.
	 */
	if (strncmp(rel, "templates/", 10) == 0)
		return 0;
	error = tg_map_get(&entry, &md->seen, display, strlen(display), &added);
	if (error < 0 || !added)
		return error;
	md->count++;
	if (!md->first && !(md->first = tg_strdup(display)))
		return tg_error_oom();
	/* A README at the top makes a poor example of where docs live. */
	if (md->example && (strchr(md->example, '/') || !strchr(rel, '/')))
		return 0;
	free(md->example);
	md->example = tg_strdup(rel);
	return md->example ? 0 : tg_error_oom();
}

/* The glob to suggest for a Markdown file: its folder at any depth. */
static char *suggest_glob(const char *rel)
{
	const char *slash = strrchr(rel, '/');
	const char *ext = strrchr(rel, '.');

	if (!slash)
		return tg_strdup(rel);
	return tg_printf("%.*s/**/*%s", (int)(slash - rel), rel,
	                 ext && ext > slash ? ext : ".md");
}

/*
 * Markdown was there but no path matched: say so rather than pass, in
 * every mode alike, on the first Markdown file. The message stands alone
 * (SARIF, GitHub and GitLab show no notes): which globs were looked for,
 * and the command that adds one for that file's folder.
 */
static int report_no_documents(tg_findings *findings,
                               const struct tg_markdown *md,
                               const tg_policy *policy)
{
	tg_buf msg = TG_BUF_INIT;
	char *glob = NULL, *message = NULL;
	size_t i;
	int error;

	glob = suggest_glob(md->example ? md->example : "");
	if (md->count == 1)
		tg_buf_puts(&msg, "no design document found: this Markdown file "
		            "matches none of the document globs (");
	else
		tg_buf_printf(&msg, "no design document found: %zu Markdown "
		              "files, this one first, match none of the document "
		              "globs (", md->count);
	for (i = 0; i < policy->docs.length; i++)
		tg_buf_printf(&msg, "%s%s", i ? ", " : "",
		              (const char *)policy->docs.items[i]);
	tg_buf_printf(&msg, "); if design documents live elsewhere, add a glob "
	              "for them (globs given replace the defaults): git config "
	              "-f .threatgate --add threatgate.docs '%s'",
	              glob ? glob : "");
	message = tg_buf_detach(&msg);
	if (!glob || !message) {
		error = tg_error_oom();
		goto done;
	}
	error = tg_rules_add_finding(findings, policy, TG_RULE_NO_DOCUMENTS,
	                             md->first, NULL, 1, 0, message);
done:
	free(message);
	free(glob);
	return error;
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
	if (from == changes->docs.length) {
		/* every document was checked: the clock ran out in the rule */
		(void)tg_error_set(TG_ELIMIT, "time budget of %lds "
			"(threatgate.timeout) exhausted in covered-code-changed, "
			"which can block here (%s, threatgate.failOn %s): not "
			"checked whether the change touches code a design covers",
			policy->timeout, tg_severity_name(tg_rules_severity(policy,
			TG_RULE_COVERED_CODE_CHANGED)),
			tg_severity_name(tg_policy_fail_on(policy)));
		tg_buf_release(&buf);
		return TG_ELIMIT;
	}
	(void)tg_error_set(TG_ELIMIT,
		"time budget of %lds exhausted after %zu of %zu documents "
		"(threatgate.timeout); not checked: %s", policy->timeout, from,
		changes->docs.length, tg_buf_cstr(&buf));
	tg_buf_release(&buf);
	return TG_ELIMIT;
}

/* Whether a finding of `rule` would block where the check runs. */
static bool can_block(const tg_policy *policy, tg_rule_id rule)
{
	tg_severity fail_on = tg_policy_fail_on(policy);
	tg_severity severity = tg_rules_severity(policy, rule);

	return fail_on != TG_SEVERITY_OFF && severity != TG_SEVERITY_OFF &&
	       severity >= fail_on;
}

/*
 * Say that the budget ran out in `rule` after `done` of the targets,
 * for tg_changes_skipped(): two lines, the headline and why the change
 * is judged without it.
 */
static int skip_rule(const struct tg_changes *changes,
                     const tg_policy *policy, tg_rule_id rule, size_t done)
{
	tg_buf msg = TG_BUF_INIT;

	if (!changes->skipped)
		return 0;
	tg_buf_printf(&msg, "%s was not evaluated: the time budget of %lds "
	              "(threatgate.timeout) ran out", tg_rule_name(rule),
	              policy->timeout);
	if (done > 0)
		tg_buf_printf(&msg, " after %zu of %zu updates", done,
		              changes->targets.length);
	tg_buf_printf(&msg, "\nits findings are %ss here, which cannot block, "
	              "so the rest decides; with rule.%s.severity = error, "
	              "running out of time refuses",
	              tg_severity_name(tg_rules_severity(policy, rule)),
	              tg_rule_name(rule));
	if (msg.failed) {
		tg_buf_release(&msg);
		return tg_error_oom();
	}
	free(*changes->skipped);
	*changes->skipped = tg_buf_detach(&msg);
	return *changes->skipped ? 0 : tg_error_oom();
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
		                  d->changes->lazy_triggers, d->changes->pusher,
		                  d->changes);
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
		error = tg_git__deadline_passed(changes) ? TG_ELIMIT :
			tg_git__covered_code_changed(findings, repo,
				changes->targets.items[i], policy, cache, changes);
		/*
		 * Out of time in a rule that cannot block: skipped, said so,
		 * and the push judged on the rest. One that can still fails
		 * closed, as the documents do.
		 */
		if (error == TG_ELIMIT && !can_block(policy,
		                                     TG_RULE_COVERED_CODE_CHANGED)) {
			error = skip_rule(changes, policy, TG_RULE_COVERED_CODE_CHANGED,
			                  i);
			if (error < 0)
				goto done;
			break;
		}
		if (error == TG_ELIMIT) {
			error = budget_exhausted(changes, changes->docs.length, policy);
			goto done;
		}
		if (error == TG_ENOMEM)
			goto done;
		if (error < 0)
			note_failure(&first, &failures, failed, sizeof(failed), error);
		error = 0;
	}
	for (i = 0; i < changes->hidden.length && error == 0; i++) {
		const struct tg_hidden *h = changes->hidden.items[i];
		char hex[GIT_OID_HEXSZ + 1];

		if (h->has_commit)
			git_oid_tostr(hex, sizeof(hex), &h->commit);
		error = tg_rules_add_finding(findings, policy,
			TG_RULE_HIDDEN_DOCUMENT, h->path, h->has_commit ? hex : NULL,
			1, 0, h->message);
	}
	if (error < 0)
		goto done;
	if (failures == 0 && changes->docs.length == 0 &&
	    changes->markdown.count > 0)
		error = report_no_documents(findings, &changes->markdown, policy);
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
	return error;
}
