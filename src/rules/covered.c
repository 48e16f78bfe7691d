/*
 * covered-code-changed, from what the history walk found (git/covers.c):
 * the changed paths, the stale designs that cover them, and which cover
 * which. One finding per changed path, or per set of paths the same
 * stale designs cover.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "rules.h"
#include "util/banned.h"

/* Order of changed paths for grouping: by their stale designs, then path. */
static _Thread_local const struct tg_covered_code *group_cc;

static int cmp_hits(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb, k;
	const tg_vec *ha = &group_cc->hits[a], *hb = &group_cc->hits[b];

	for (k = 0; k < ha->length && k < hb->length; k++)
		if (ha->items[k] != hb->items[k])
			return (uintptr_t)ha->items[k] < (uintptr_t)hb->items[k] ?
			       -1 : 1;
	if (ha->length != hb->length)
		return ha->length < hb->length ? -1 : 1;
	return strcmp(group_cc->changed->items[a], group_cc->changed->items[b]);
}

static bool same_hits(const tg_vec *a, const tg_vec *b)
{
	return a->length == b->length &&
	       memcmp(a->items, b->items, a->length * sizeof(*a->items)) == 0;
}

/* At most this many designs are named in one finding. */
#define NAMED_DESIGNS 5

/*
 * One finding per changed path, or per set of changed paths that the same
 * stale designs cover: named by its first path, naming the designs (the
 * first few, and how many more), so that a shared path that 100 designs
 * cover is one warning, not 100.
 */
int tg_rules__covered_code_changed(tg_findings *findings,
                                   const tg_policy *policy,
                                   const struct tg_covered_code *cv)
{
	const tg_vec *changed = cv->changed;
	const struct tg_stale_cover *d;
	tg_buf msg = TG_BUF_INIT;
	tg_finding_note notes[NAMED_DESIGNS + 2];
	char *texts[NAMED_DESIGNS + 2] = { NULL };
	size_t *order = NULL, n = 0, i, j, k, paths, count;
	int error = 0;

	order = calloc(changed->length + 1, sizeof(*order));
	if (!order)
		return tg_error_oom();
	for (i = 0; i < changed->length; i++)
		if (cv->hits[i].length > 0)
			order[n++] = i;
	group_cc = cv;
	if (n > 1)
		qsort(order, n, sizeof(*order), cmp_hits);
	for (i = 0; i < n && error == 0; i = j) {
		const tg_vec *h = &cv->hits[order[i]];

		for (j = i + 1; j < n && same_hits(h, &cv->hits[order[j]]); j++)
			;
		paths = j - i;
		count = 0;
		tg_buf_clear(&msg);
		tg_buf_printf(&msg, "'%s'", (const char *)changed->items[order[i]]);
		if (paths > 1)
			tg_buf_printf(&msg, " and %zu more path%s", paths - 1,
			              paths == 2 ? "" : "s");
		if (h->length == 1) {
			d = cv->stale->items[(uintptr_t)h->items[0]];
			tg_buf_printf(&msg, " changed, which '%s' covers ('%s')\n"
			              "its threat model ", d->path, d->glob);
			if (d->reviewed)
				tg_buf_printf(&msg, "was last reviewed %s, %ld days "
				              "ago: review the threat model and update "
				              "it in this change", d->reviewed, d->age);
			else
				tg_buf_puts(&msg, "has no review date: review it and "
				            "set threat-model-reviewed in this change");
		} else {
			/* the headline counts them; each named design is a note */
			tg_buf_printf(&msg, " changed, which %zu designs cover while "
			              "their threat models are stale", h->length);
			for (k = 0; k < h->length && k < NAMED_DESIGNS; k++) {
				d = cv->stale->items[(uintptr_t)h->items[k]];
				texts[k] = d->reviewed ?
					tg_printf("covers it ('%s'); threat model last "
					          "reviewed %s, %ld days ago", d->glob,
					          d->reviewed, d->age) :
					tg_printf("covers it ('%s'); threat model has no "
					          "review date", d->glob);
				memset(&notes[k], 0, sizeof(notes[k]));
				notes[k].path = d->path;
				notes[k].line = 1;
				notes[k].message = texts[k];
				count++;
				if (!texts[k])
					msg.failed = true;
			}
			if (h->length > NAMED_DESIGNS)
				texts[count++] = tg_printf("and %zu more designs",
				                           h->length - NAMED_DESIGNS);
			texts[count++] = tg_strdup("review their threat models and "
			                           "update them in this change");
			for (k = NAMED_DESIGNS < h->length ? NAMED_DESIGNS : h->length;
			     k < count; k++) {
				memset(&notes[k], 0, sizeof(notes[k]));
				notes[k].line = 1;
				notes[k].message = texts[k];
				if (!texts[k])
					msg.failed = true;
			}
		}
		if (!msg.failed)
			error = tg_rules_add_finding_notes(findings, policy,
				TG_RULE_COVERED_CODE_CHANGED, changed->items[order[i]],
				cv->revision, 1, 0, tg_buf_cstr(&msg), notes, count);
		else
			error = tg_error_oom();
		for (k = 0; k < count; k++) {
			free(texts[k]);
			texts[k] = NULL;
		}
	}
	tg_buf_release(&msg);
	free(order);
	return error;
}
