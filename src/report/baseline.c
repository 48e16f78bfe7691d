/*
 * The baseline file `threatgate baseline` writes (docs/baseline.md): the
 * fingerprints of the current findings, sorted by path and fingerprint,
 * one object per finding, with the rule, path, section, threat and
 * message beside it for the reviewer. No line numbers and no dates, so
 * that regenerating it after unrelated edits changes nothing.
 */
#include <stdlib.h>
#include <string.h>
#include "report/report.h"
#include "util/banned.h"

struct row {
	const tg_finding *f;
	const char *print;
};

static const char *repo_path(const tg_finding *f)
{
	const char *p = f->repo_path ? f->repo_path : f->path;

	while (p && p[0] == '.' && p[1] == '/')
		p += 2;
	return p;
}

static int cmp_row(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	int c = strcmp(repo_path(a->f), repo_path(b->f));

	return c ? c : strcmp(a->print, b->print);
}

int tg_report_write_baseline(FILE *out, const tg_findings *findings,
                             bool pruned, size_t *written)
{
	struct tg_report__json b = { false };
	tg_fingerprint *active = NULL, *waived = NULL;
	struct row *rows = NULL;
	json_t *root = NULL, *list, *obj;
	size_t na = tg_findings_count(findings), ns, i, n = 0;
	const tg_suppressed *s;
	int error;

	*written = 0;
	ns = tg_findings_suppressed_count(findings);
	error = tg_findings_fingerprints(&active, &waived, findings);
	if (error < 0)
		goto done;
	rows = calloc(na + ns + 1, sizeof(*rows));
	if (!rows) {
		error = tg_error_oom();
		goto done;
	}
	/*
	 * Pruning keeps what the baseline already waives and still occurs;
	 * else every finding that is reported now goes in.
	 */
	for (i = 0; !pruned && i < na; i++) {
		rows[n].f = tg_findings_get(findings, i);
		rows[n++].print = active[i];
	}
	for (i = 0; i < ns; i++) {
		s = tg_findings_suppressed(findings, i);
		if (s->reason != TG_SUPPRESS_BASELINE)
			continue;
		rows[n].f = &s->finding;
		rows[n++].print = waived[i];
	}
	if (n > 1)
		qsort(rows, n, sizeof(*rows), cmp_row);

	root = tg_report__jobj(&b);
	list = tg_report__jarr(&b);
	tg_report__jset(&b, root, "version", tg_report__jint(&b, 1));
	tg_report__jset(&b, root, "tool", tg_report__jstr(&b, "threatgate"));
	for (i = 0; i < n; i++) {
		obj = tg_report__jobj(&b);
		tg_report__jset(&b, obj, "fingerprint",
		                tg_report__jstr(&b, rows[i].print));
		tg_report__jset(&b, obj, "rule",
		                tg_report__jstr(&b, tg_rule_name(rows[i].f->rule)));
		tg_report__jset(&b, obj, "path",
		                tg_report__jstr(&b, repo_path(rows[i].f)));
		tg_report__jset(&b, obj, "section",
		                tg_report__jstr(&b, rows[i].f->section));
		tg_report__jset(&b, obj, "threat",
		                tg_report__jstr(&b, rows[i].f->threat));
		tg_report__jset(&b, obj, "message",
		                tg_report__jstr(&b, rows[i].f->message));
		tg_report__jappend(&b, list, obj);
	}
	tg_report__jset(&b, root, "findings", list);
	error = tg_report__jwrite(out, &b, root);
	if (error == 0)
		*written = n;
done:
	json_decref(root);
	free(rows);
	free(waived);
	free(active);
	return error;
}
