/*
 * The model's insides: what rules read.
 */
#ifndef TG_MODEL_PRIVATE_H
#define TG_MODEL_PRIVATE_H

#include "threatgate/model.h"
#include "doc/document.h"
#include "policy/policy.h"

struct tg_section {
	char *title;		/* heading text as written */
	char *norm;		/* numbering and trailing punctuation gone */
	int level;		/* 1..6; 0 for the document root */
	int line;
	int column;
	int end_line;		/* last line the section spans */
	cmark_node *heading;
	struct tg_section *parent;
	const struct tg_section_rule *rule;	/* matched policy section */
	bool misplaced;		/* title matches, but not inside its parent */
	bool has_content;	/* any block other than headings, comments,
				 * placeholders and "TBD"-like filler */
	bool only_filler;	/* content is just TBD/N/A/TODO */
	bool has_placeholder;	/* holds template placeholder {{...}} */
	int placeholder_line;
	int score;		/* how surely the title names s->rule: 100
				 * for the policy's regex, less by meaning */
};

enum tg_threat_form {
	TG_THREAT_TABLE,
	TG_THREAT_LIST,
	TG_THREAT_HEADING,	/* bullet under a category sub-heading */
	TG_THREAT_SECTION	/* a heading of its own, fields below it */
};

struct tg_threat {
	char *id;
	char *title;
	char *category_text;	/* as written, or NULL */
	unsigned categories;	/* bit i: framework category i */
	char *bad_category;	/* first token that is not a category */
	char *priority_text;	/* the rating as written, or NULL */
	int priority;		/* 1..5, 0 when missing or off the scale */
	char *impact;		/* Impact x Likelihood, as written */
	char *likelihood;
	char *mitigation;	/* NULL when missing or filler ("none", "TBD") */
	char *status_text;
	tg_status status;
	char *approver;
	char *owner;
	char *ticket;
	int line;
	int column;
	enum tg_threat_form form;
};

enum tg_signoff_form {
	TG_SIGNOFF_TASK,	/* - [x] Security review: @alice */
	TG_SIGNOFF_TRAILER,	/* Security-Approved-by: Name <email> */
	TG_SIGNOFF_TABLE	/* review table row */
};

struct tg_signoff {
	enum tg_signoff_form form;
	char *text;		/* the item, line or row as written */
	tg_vec people;		/* char *: handles, emails or names */
	char *date;		/* ISO date, or NULL */
	bool valid;		/* checked / approving with a date */
	char *why_invalid;	/* "unchecked", "no date", "outcome 'rejected'" */
	int line;
	int column;
};

/* Threat-like content that could not be read field by field. */
struct tg_unreadable {
	int line;
	char *message;		/* "could not read threats in this table: ..." */
};

/* One counted match of a trigger's prose pattern: evidence. */
struct tg_trigger_match {
	char *words;		/* as written */
	int line;
	int column;
	double weight;		/* what it adds to the score (see triggers.c) */
	const char *where;	/* "title", "summary", "body", ... (static) */
	char *term;		/* the words folded: lower case, no plural 's' */
	bool strong;		/* a match of the strong pattern */
};

/*
 * A trigger weighed on a document. It fires when declared (front matter)
 * or when its prose evidence reaches the trigger's threshold.
 */
struct tg_trigger_hit {
	const struct tg_trigger *trigger;
	char *match;		/* the strongest words matched, or the field */
	int line;
	int column;
	bool declared;		/* from front matter: handles or a field */
	double score;		/* summed weight of `matches` */
	tg_vec matches;		/* struct tg_trigger_match *, document order */
};

/* A category declared not applicable, for stride-coverage. */
struct tg_not_applicable {
	unsigned categories;
	int line;
};

/* An inline suppression range; rule NULL means every rule. */
struct tg_suppression {
	char *rule;
	int first_line;
	int last_line;
};

struct tg_model {
	const struct tg_document *doc;
	const tg_policy *policy;
	tg_vec sections;	/* struct tg_section *, document order */
	tg_vec threats;		/* struct tg_threat * */
	tg_vec signoffs;	/* struct tg_signoff * */
	tg_vec hits;		/* struct tg_trigger_hit *: the triggers that fired */
	/* Concerns the prose shows strongly but `handles` leaves out. */
	tg_vec undeclared;	/* struct tg_trigger_hit * */
	tg_vec not_applicable;	/* struct tg_not_applicable * */
	tg_vec suppressions;	/* struct tg_suppression * */
	/* Rules a suppression comment names that do not exist: rule, line. */
	tg_vec unknown_rules;	/* struct tg_suppression * (first_line) */
	/* First section matched by each policy section rule, or NULL. */
	const struct tg_section *security;
	const struct tg_section *threat_model;
	const struct tg_section *signoff;
	/*
	 * A document that is itself a threat model (its title, first heading
	 * or file name says so) is its own Security and Threat Model
	 * section: `root` spans it all and is not in `sections`.
	 */
	struct tg_section *root;
	bool standalone;
	tg_vec regions;		/* const struct tg_section *: where threats
				 * were looked for */
	tg_vec unreadable;	/* struct tg_unreadable * */
	int placeholder_threats;	/* template rows left unchanged */
	bool triggers_done;	/* hits computed (they may be left lazy) */
};

/* tg_model_build, with the trigger scan left for later when `lazy`. */
int tg_model__build(struct tg_model **out, const struct tg_document *doc,
	const tg_policy *policy, bool lazy);

/* Find the first section matched by the policy rule named `name`. */
const struct tg_section *tg_model__section(const struct tg_model *model,
	const char *name);

/* Stages of tg_model_build, each in its own file. */
int tg_model__sections(struct tg_model *model);
int tg_model__threats(struct tg_model *model);
int tg_model__signoffs(struct tg_model *model);
/* Whether `model` (NULL: none) has a valid sign-off line with this text. */
bool tg_model__has_signoff(const struct tg_model *model, const char *text);
/* Idempotent: the second call does nothing. */
int tg_model__triggers(struct tg_model *model);
int tg_model__suppressions(struct tg_model *model);

/* The `handles` concern a trigger stands for ("pii" for personal-data). */
const char *tg_model__concern(const char *trigger_name);
void tg_model__free_hit(void *hit);

/* "P1".."P5" and synonyms: 1..5, or 0. */
int tg_model__priority(const char *text);
/*
 * A rating as real documents write it (P1-P5, critical..informational,
 * High/Med/Low, Sev 1-4, None, DREAD and CVSS scores) as 1..5, or 0;
 * docs/ratings.md has the table. tg_model__impact_likelihood combines
 * the two halves of a risk matrix.
 */
int tg_model__rating(const char *text);
int tg_model__impact_likelihood(const char *impact, const char *likelihood);
/* How surely a normalised heading title names a section rule, 0..99. */
int tg_model__title_score(const char *rule, const char *norm);
/* Whether a file name or title says the document is a threat model. */
bool tg_model__names_threat_model(const char *text);
/* Category letters/names joined by '/', ',', '+' or "and": a bit set. */
unsigned tg_model__categories(const tg_policy *policy, const char *text,
	char **bad_token);
/* The same, telling out of memory (TG_ENOMEM) from "no category". */
int tg_model__parse_categories(unsigned *out, const tg_policy *policy,
	const char *text, char **bad_token);
tg_status tg_model__status(const char *text);

/* Free one threat or sign-off with everything it owns (NULL is fine). */
void tg_model__free_threat(void *threat);
void tg_model__free_signoff(void *signoff);

/* Plain text of a node's inlines, soft breaks as spaces. Caller frees. */
char *tg_model__node_text(cmark_node *node);

#endif
