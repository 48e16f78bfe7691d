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
 * Build the model of a loaded document under a finalized policy. The model
 * borrows the document and the policy: free it before either. An
 * unreadable document yields an empty model.
 */
TG_EXTERN(int) tg_model_build(tg_model **out, const tg_document *doc,
	const tg_policy *policy);
TG_EXTERN(void) tg_model_free(tg_model *model);

TG_EXTERN(const tg_document *) tg_model_document(const tg_model *model);

#endif
