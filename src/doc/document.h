/*
 * A document's insides: its bytes, front matter and cmark-gfm tree.
 */
#ifndef TG_DOCUMENT_PRIVATE_H
#define TG_DOCUMENT_PRIVATE_H

#include <cmark-gfm.h>
#include "threatgate/document.h"
#include "util/util.h"

/* A problem found while reading: becomes invalid-metadata later. */
struct tg_doc_problem {
	int line;
	int column;
	char *message;
};

/* The design's life cycle (front matter `status`). */
enum tg_design_status {
	TG_DESIGN_UNKNOWN = 0,	/* not given, or not a status we know */
	TG_DESIGN_DRAFT,
	TG_DESIGN_IN_REVIEW,
	TG_DESIGN_APPROVED,
	TG_DESIGN_IMPLEMENTED,
	TG_DESIGN_SUPERSEDED,
	TG_DESIGN_WITHDRAWN
};

/* "draft", "wip", "In Review", "rejected"...: the status, or UNKNOWN. */
enum tg_design_status tg_design_status_parse(const char *text);
/* "draft", "in-review", ...; NULL for TG_DESIGN_UNKNOWN. */
const char *tg_design_status_name(enum tg_design_status status);
/* Superseded and withdrawn designs describe no running system. */
bool tg_design_retired(enum tg_design_status status);

struct tg_frontmatter {
	bool present;
	bool broken;		/* not closed, not YAML or not a mapping:
				 * its fields are unknown, not absent */
	int first_line;		/* the opening '---' */
	int last_line;		/* the closing '---' */
	char *title;
	char *dri;
	int dri_line;
	char *status;		/* as written */
	enum tg_design_status design_status;
	char *reviewed;		/* threat-model-reviewed / last-reviewed */
	long reviewed_days;	/* -1 when absent or invalid */
	int reviewed_line;
	char *exposure;
	int exposure_line;
	tg_vec participants;	/* char * */
	int participants_line;
	tg_vec covers;		/* char * */
	tg_vec classification;	/* data-classification: char * */
	int classification_line;
	bool handles_given;	/* `handles` present: it decides the triggers */
	tg_vec handles;		/* char *, lower case; empty for `[]` */
	int handles_line;
	tg_vec problems;	/* struct tg_doc_problem * */
};

struct tg_document {
	char *path;		/* as shown in findings */
	char *policy_path;	/* repository-relative, or NULL: path */
	char *revision;
	char *data;		/* owned bytes, NUL-terminated, BOM removed */
	size_t len;
	size_t body_offset;	/* where the Markdown starts after front matter */
	int body_line;		/* 1-based line of data[body_offset] */
	int line_count;
	bool readable;
	char *unreadable_reason;	/* set when !readable */
	int unreadable_line;
	struct tg_frontmatter fm;
	cmark_node *root;	/* NULL when unreadable */
	struct tg_arena *arena;	/* where root's tree lives */
};

/*
 * Parse front matter from the start of `doc->data`: sets doc->fm,
 * doc->body_offset and doc->body_line. Bad YAML becomes problems, not
 * errors. Returns 0 or TG_ENOMEM.
 */
int tg_frontmatter__parse(struct tg_document *doc);
void tg_frontmatter__release(struct tg_frontmatter *fm);

/* The node types the table and tasklist extensions add. */
enum tg_node_kind {
	TG_NODE_TABLE,
	TG_NODE_TABLE_ROW,
	TG_NODE_TABLE_CELL,
	TG_NODE_TASK_ITEM
};

/*
 * Whether a node is of an extension's kind. Compares type numbers learned
 * once, not type names: a hot path walks every node.
 */
bool tg_markdown__is(cmark_node *node, enum tg_node_kind kind);

/*
 * A parser with the table and tasklist extensions attached. The tree is
 * carved from *arena: free it with tg_markdown__arena_free() after
 * cmark_node_free(root).
 */
struct tg_arena;
cmark_node *tg_markdown__parse(const char *data, size_t len,
	struct tg_arena **arena);
void tg_markdown__arena_free(struct tg_arena *arena);
/* Learn the extension node types now: before parsing on several threads. */
void tg_markdown__prepare(void);

/* The 1-based source line of a node (front matter accounted for). */
int tg_document__line(const struct tg_document *doc, cmark_node *node);
int tg_document__end_line(const struct tg_document *doc, cmark_node *node);

#endif
