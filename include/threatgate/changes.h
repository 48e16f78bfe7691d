/*
 * threatgate: the check driver for every mode. A tg_changes collects the
 * design documents to check: files and folders of the file system (a
 * work tree or any folder), or what a commit, the index, a range or a
 * push touches, read from git objects; tg_changes_check() checks them
 * all alike (one rule for a document that cannot be read, one
 * no-documents finding).
 */
#ifndef TG_CHANGES_H
#define TG_CHANGES_H

#include "common.h"
#include "policy.h"
#include "findings.h"
#include "rules.h"

typedef struct git_repository git_repository;
typedef struct git_oid git_oid;

typedef struct tg_changes tg_changes;

TG_EXTERN(int) tg_changes_new(tg_changes **out);
TG_EXTERN(void) tg_changes_free(tg_changes *changes);

/* What tg_changes_add_files() walks, and how. */
typedef struct {
	/*
	 * The folder policy globs are relative to: absolute, symbolic links
	 * resolved, no trailing slash. NULL: the repository's work tree, or
	 * the current directory without a repository.
	 */
	const char *root;
	/*
	 * FILE and DIR operands, as typed (relative to the current
	 * directory). None: the whole of `root`.
	 */
	const char *const *paths;
	size_t paths_count;
	/*
	 * Told of each path taken as a design document or seen as Markdown
	 * that matches no glob, before any is checked (check --verbose):
	 * `path` is root-relative where known, `display` as findings show
	 * it; `named`: an operand, checked whatever the globs say. May be
	 * NULL.
	 */
	void (*on_path)(const char *path, const char *display, bool named,
		void *payload);
	void *payload;
} tg_files_options;

#define TG_FILES_OPTIONS_INIT { .root = NULL }

/*
 * Files of the file system to check, as `threatgate check [FILE|DIR...]`
 * takes them: every file under `root` (or under each DIR) whose
 * root-relative path matches the document globs, and every FILE named,
 * whatever the globs say. `.git`, symbolic links, submodules (a folder
 * with a .git) and, inside the work tree, files .gitignore ignores and
 * the index does not track are skipped. A file named twice is checked
 * once. Markdown that matches no glob is counted for no-documents.
 * Findings show paths relative to the current directory (walked from
 * the root) or as typed (under an operand). `repo` may be NULL (no
 * ignore rules). TG_ENOTFOUND for an operand that does not exist,
 * TG_ERROR for one that cannot be read, TG_EREPO when `root` is NULL
 * and the repository is bare.
 */
TG_EXTERN(int) tg_changes_add_files(tg_changes *changes,
	git_repository *repo, const tg_files_options *options,
	const tg_policy *policy);

/* Documents the next commit would hold: the index against HEAD (or an
 * unborn HEAD's empty tree). Content is read from the index. */
TG_EXTERN(int) tg_changes_add_staged(tg_changes *changes,
	git_repository *repo, const tg_policy *policy);

/* Documents changed by "A..B" or "A...B" (from their merge base), as they
 * are at B. TG_EINVALID for another shape, TG_ENOTFOUND for a bad rev. */
TG_EXTERN(int) tg_changes_add_range(tg_changes *changes,
	git_repository *repo, const char *range, const tg_policy *policy);

/* Every document at a revision (NULL: HEAD). */
TG_EXTERN(int) tg_changes_add_all(tg_changes *changes,
	git_repository *repo, const char *rev, const tg_policy *policy);

/*
 * Documents a ref update brings that the repository did not have: the
 * commits reachable from `tip` and from no ref matching `known` (a glob
 * such as "refs/remotes/origin/..."; NULL for every ref; "" for none) nor
 * from `old` (may be NULL or zero), compared with where they fork from
 * known history, and checked as they are at `tip`. Tags count as known
 * only when the policy checks them (threatgate.checkTags): an unchecked
 * tag must not make its commits pass for checked. Works in a shallow
 * clone (history stops at its shallow commits).
 */
TG_EXTERN(int) tg_changes_add_push(tg_changes *changes,
	git_repository *repo, const git_oid *old, const git_oid *tip,
	const char *known, const tg_policy *policy);

/*
 * The approvals of the pull request whose range is checked (check
 * --approvals), copied, and its author's forge login (may be NULL). Each
 * document gets those given at a commit where it is as it is checked
 * (tg_approval.current); the others are shown as not counting.
 */
TG_EXTERN(int) tg_changes_set_approvals(tg_changes *changes,
	const tg_approval *approvals, size_t count, const char *author);

/*
 * See tg_check_context.lazy_triggers: for report formats that do not need
 * triggers (tg_report_needs()).
 */
TG_EXTERN(void) tg_changes_set_lazy_triggers(tg_changes *changes, bool lazy);

/* Stop walking history and checking past this CLOCK_MONOTONIC time. */
TG_EXTERN(void) tg_changes_set_deadline(tg_changes *changes, double deadline);

/*
 * The authenticated pusher (the server reads threatgate.pusher's
 * variable once and hands it here), for the sign-off rules. NULL: none.
 */
TG_EXTERN(int) tg_changes_set_pusher(tg_changes *changes, const char *pusher);

typedef enum {
	TG_HOOK_PRE_PUSH,	/* local-ref local-oid remote-ref remote-oid */
	TG_HOOK_PRE_RECEIVE	/* old-oid new-oid ref */
} tg_hook_kind;

/*
 * Read a hook's standard input (one ref update a line) and add what each
 * update brings, as tg_changes_add_push() does. Deleted refs are skipped;
 * tags too unless threatgate.checkTags. For pre-push, `remote` names the
 * remote whose tracking refs tell what it already has; a URL stands for
 * the configured remote with that URL, if any (else only the remote's old
 * ids are known). A malformed line is TG_EINVALID naming the line.
 */
TG_EXTERN(int) tg_changes_add_hook_input(tg_changes *changes,
	git_repository *repo, tg_hook_kind kind, const char *input, size_t len,
	const char *remote, const tg_policy *policy);

/*
 * pre-receive: every ref update judged on what it changes relative to the
 * ref's old value (a new ref: its merge base with the policy branch, or
 * the whole tree), whatever other refs hold. Updates of protected refs
 * (tg_policy_ref_protected) go to `protected`, the others to `other`
 * (the two may be the same). The deadline is checked between updates.
 */
TG_EXTERN(int) tg_changes_add_receive(tg_changes *protected_refs,
	tg_changes *other, git_repository *repo, const char *input, size_t len,
	const tg_policy *policy);

/*
 * pre-receive: the policy changes refused (a policy file that does not
 * parse or is not a regular file, a loosening not pushed by a policy
 * admin), each a message naming the branch and commit. Any refuses the
 * push.
 */
TG_EXTERN(size_t) tg_changes_refusal_count(const tg_changes *changes);
TG_EXTERN(const char *) tg_changes_refusal(const tg_changes *changes,
	size_t i);

/* The refs whose updates were added (pre-receive), in input order. */
TG_EXTERN(size_t) tg_changes_ref_count(const tg_changes *changes);
TG_EXTERN(const char *) tg_changes_ref(const tg_changes *changes, size_t i);

/*
 * After tg_changes_check: a warning rule the time budget left unchecked
 * (not a failure: it could not have blocked), or NULL.
 */
TG_EXTERN(const char *) tg_changes_skipped(const tg_changes *changes);

TG_EXTERN(size_t) tg_changes_count(const tg_changes *changes);
/* Repository-relative path of the i-th document (a file: as shown). */
TG_EXTERN(const char *) tg_changes_path(const tg_changes *changes, size_t i);

/*
 * Check every document of `changes`, on several threads, findings in the
 * order the documents were added. Files are read from the file system;
 * blobs from the repository (`repo` may be NULL when there are only
 * files), with the git-history rules (reviewed-date-not-updated against
 * the document before the change, blame for signoff-unauthorized,
 * covered-code-changed, hidden-document). Then, when no document was
 * checked but Markdown matching no glob was seen, one no-documents
 * finding on the first such file names the globs and a glob to add; and
 * the policy's baseline. Past the deadline the check stops with
 * TG_ELIMIT and a message naming the documents it could not check. A
 * document that cannot be read (a file that vanished or may not be read,
 * a corrupt object) does not stop the others: their findings are added,
 * then the first failure is returned ("... (and N more failures)").
 * Oversized, binary or non-UTF-8 documents are findings
 * (unreadable-document), not failures.
 */
TG_EXTERN(int) tg_changes_check(tg_findings *findings, git_repository *repo,
	const tg_changes *changes, const tg_policy *policy);

/* Seconds on CLOCK_MONOTONIC, for deadlines. */
TG_EXTERN(double) tg_clock_now(void);

/*
 * The policy for a repository: built-in defaults, then `.threatgate`
 * (from `policy_rev`'s tree when given, else the work tree root; a bare
 * repository reads it from its default branch), or `config_path` instead
 * when given, then the `threatgate.*` keys of git config. Finalized.
 */
TG_EXTERN(int) tg_policy_load_repository(tg_policy **out,
	git_repository *repo, const char *policy_rev, const char *config_path);

#endif
