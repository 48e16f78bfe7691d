/*
 * threatgate: what a design document says (pipeline stage 3): its
 * sections, threats, sign-offs and the sign-off triggers its prose fires.
 */
#ifndef TG_MODEL_H
#define TG_MODEL_H

#include "common.h"
#include "document.h"
#include "policy.h"

typedef struct tg_model tg_model;

/*
 * A threat's status, normalised from what the document says ("done",
 * "risk accepted", "N/A" ...). Reports print it with tg_status_name().
 */
typedef enum {
	TG_STATUS_NONE = 0,	/* not given: treated as open */
	TG_STATUS_OPEN,
	TG_STATUS_IN_PROGRESS,
	TG_STATUS_MITIGATED,
	TG_STATUS_ACCEPTED,
	TG_STATUS_TRANSFERRED,
	TG_STATUS_NOT_APPLICABLE,
	TG_STATUS_UNKNOWN	/* given, but not on the scale */
} tg_status;

/* A threat's priority: P1 (most urgent) to P5, NONE when missing. */
typedef enum {
	TG_PRIORITY_NONE = 0,	/* missing, or off the scale */
	TG_PRIORITY_P1 = 1,
	TG_PRIORITY_P2,
	TG_PRIORITY_P3,
	TG_PRIORITY_P4,
	TG_PRIORITY_P5
} tg_priority;

/*
 * The name reports print: "open" (for NONE and UNKNOWN too: a status off
 * the scale counts as open), "in-progress", "mitigated", "accepted",
 * "transferred", "not-applicable". Never NULL.
 */
TG_EXTERN(const char *) tg_status_name(tg_status status);
/*
 * The status a name of tg_status_name() stands for (an exact match; the
 * reader of JSON scan reports uses it): 0, or TG_ENOTFOUND for any other
 * name, *out untouched.
 */
TG_EXTERN(int) tg_status_lookup(tg_status *out, const char *name);

/* "P1".."P5"; NULL for TG_PRIORITY_NONE. */
TG_EXTERN(const char *) tg_priority_name(tg_priority priority);
/* "P1".."P5" -> the priority: 0, or TG_ENOTFOUND (*out untouched). */
TG_EXTERN(int) tg_priority_lookup(tg_priority *out, const char *name);

/*
 * Build the model of a loaded document under a finalized policy. The model
 * borrows the document and the policy: free it before either. An
 * unreadable document yields an empty model.
 */
TG_EXTERN(int) tg_model_build(tg_model **out, const tg_document *doc,
	const tg_policy *policy);
TG_EXTERN(void) tg_model_free(tg_model *model);

TG_EXTERN(const tg_document *) tg_model_document(const tg_model *model);

#endif
