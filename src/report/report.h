/*
 * The report writers' insides: one function per format, chosen by
 * tg_report_write() in report.c. A new format is one file plus one case.
 */
#ifndef TG_REPORT_PRIVATE_H
#define TG_REPORT_PRIVATE_H

#include <stdio.h>
#include <jansson.h>
#include "threatgate/report.h"
#include "util/util.h"

/* Each writer returns 0, TG_ENOMEM, or TG_ERROR when writing fails. */
int tg_report__text(FILE *out, const tg_findings *findings,
	const tg_report_options *options);
int tg_report__json(FILE *out, const tg_findings *findings,
	const tg_report_options *options);

int tg_report__sarif(FILE *out, const tg_findings *findings,
	const tg_report_options *options);
int tg_report__github(FILE *out, const tg_findings *findings,
	const tg_report_options *options);
int tg_report__gitlab(FILE *out, const tg_findings *findings,
	const tg_report_options *options);
int tg_report__markdown(FILE *out, const tg_findings *findings,
	const tg_report_options *options);

/*
 * Stable fingerprints (support.c). The key is the rule, path, section path
 * and threat id of a finding, never its line, so that it survives edits.
 * `key_hash` gets 16 hex digits of that key; `occurrence` (1-based) tells
 * apart findings that share a key, in report order. Both are computed for
 * every finding of the list at once: out_hashes[i] is 17 bytes.
 */
int tg_report__fingerprints(char (**out_hashes)[17], size_t **out_occurrences,
	const tg_findings *findings);

/*
 * "3 waived (1 inline, 1 exception, 1 baseline)", only the reasons that
 * occur; nothing when no finding was waived (support.c).
 */
void tg_report__waived(tg_buf *buf, const tg_findings *findings);
/*
 * A finding's headline, then each note's text (a note elsewhere named by
 * its path) after `sep`: for formats with no place of their own for
 * notes. Caller frees; NULL when out of memory.
 */
char *tg_report__message_notes(const tg_finding *f, const char *sep);

/* Percent-encode a repository path for a URI or a link (support.c). */
void tg_report__uri_path(tg_buf *buf, const char *path);

/*
 * The web link to `path` at `line` (0: the file) for the forge, or false
 * when no link can be made (no forge URL or no revision) (support.c).
 */
bool tg_report__link(tg_buf *buf, const tg_report_options *options,
	const char *revision, const char *path, int line);

/*
 * JSON trees for the SARIF and GitLab writers (support.c), in the manner
 * of json.c: any failed allocation is remembered in the builder, set and
 * append steal their value (also on failure), and a string with invalid
 * UTF-8 gets U+FFFD for the bad bytes; a NULL string is JSON null.
 */
struct tg_report__json {
	bool failed;
};

json_t *tg_report__jstr(struct tg_report__json *b, const char *s);
json_t *tg_report__jint(struct tg_report__json *b, json_int_t n);
/* A number: an integer when it is whole ("2"), else a real ("1.5"). */
json_t *tg_report__jreal(struct tg_report__json *b, double d);
json_t *tg_report__jobj(struct tg_report__json *b);
json_t *tg_report__jarr(struct tg_report__json *b);
void tg_report__jset(struct tg_report__json *b, json_t *obj, const char *key,
	json_t *value);
void tg_report__jappend(struct tg_report__json *b, json_t *array,
	json_t *value);
/* Dump `root` indented, then a newline: TG_ENOMEM if building failed. */
int tg_report__jwrite(FILE *out, struct tg_report__json *b, json_t *root);
/* v appended to buf as json_dumps(v, JSON_INDENT(2)) writes it at depth. */
void tg_report__jdump(tg_buf *buf, const json_t *v, int depth);

/* Scan report writers (scan_*.c), by tg_report_write_scan(). */
int tg_report__scan_text(FILE *out, const tg_scan *scan,
	const tg_report_options *options);
int tg_report__scan_json(FILE *out, const tg_scan *scan,
	const tg_report_options *options);
int tg_report__scan_csv(FILE *out, const tg_scan *scan,
	const tg_report_options *options);
int tg_report__scan_markdown(FILE *out, const tg_scan *scan,
	const tg_report_options *options);
int tg_report__scan_html(FILE *out, const tg_scan *scan,
	const tg_report_options *options);

/* The format's name as given on the command line: "text", "json", ... */
const char *tg_report__format_name(tg_format format);

#endif
