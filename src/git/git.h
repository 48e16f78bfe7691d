/*
 * The git stage's insides, shared by its files.
 */
#ifndef TG_GIT_PRIVATE_H
#define TG_GIT_PRIVATE_H

#include <git2.h>
#include "threatgate/changes.h"
#include "policy/policy.h"
#include "util/util.h"

/* Where the checked content comes from. */
enum tg_source {
	TG_SOURCE_INDEX,	/* the index: pre-commit, --staged */
	TG_SOURCE_COMMIT	/* a commit's tree */
};

/* One design document to check. */
struct tg_change {
	char *path;		/* repository-relative, at the checked side */
	git_oid blob;		/* its content */
	bool has_base;		/* it existed before the change */
	git_oid base_blob;	/* its content before the change */
	enum tg_source source;
	git_oid commit;		/* the tip it is checked at (TG_SOURCE_COMMIT) */
};

/* One place docs are checked at, for covered-code-changed. */
struct tg_target {
	enum tg_source source;
	git_oid commit;
	tg_vec changed;		/* char *: every path the change touched */
};

struct tg_changes {
	tg_vec docs;		/* struct tg_change * */
	tg_vec targets;		/* struct tg_target * */
	char *markdown_path;	/* a Markdown path that matched no glob */
	double deadline;	/* 0: none */
	bool lazy_triggers;
};


int tg_git__deadline_passed(const struct tg_changes *changes);

/*
 * Resolve a revision to a commit, tags peeled. An unborn HEAD and a
 * shallow clone lacking the history get messages that say so.
 */
int tg_git__resolve_commit(git_oid *out, git_repository *repo,
	const char *rev);

#endif
