/*
 * What the CI writers (sarif.c, gitlab.c, markdown.c, github.c) share:
 * stable fingerprints, percent-encoded paths and links to the forge.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "report/report.h"
#include "util/banned.h"

int tg_report__fingerprints(char (**out_hashes)[17], size_t **out_occurrences,
                            const tg_findings *findings)
{
	size_t count = tg_findings_count(findings), i;
	char (*hashes)[17] = NULL;
	size_t *occurrences = NULL;
	tg_fingerprint *active = NULL, *supp = NULL;
	int error;

	*out_hashes = NULL;
	*out_occurrences = NULL;
	/* One fingerprint for every report and the baseline: findings.c's. */
	error = tg_findings_fingerprints(&active, &supp, findings);
	if (error < 0)
		goto done;
	hashes = calloc(count ? count : 1, sizeof(*hashes));
	occurrences = calloc(count ? count : 1, sizeof(*occurrences));
	if (!hashes || !occurrences) {
		error = tg_error_oom();
		goto done;
	}
	for (i = 0; i < count; i++) {
		memcpy(hashes[i], active[i], 16);
		hashes[i][16] = '\0';
		occurrences[i] = (size_t)strtoul(active[i] + 17, NULL, 10);
	}
	*out_hashes = hashes;
	*out_occurrences = occurrences;
	hashes = NULL;
	occurrences = NULL;
done:
	free(supp);
	free(active);
	free(occurrences);
	free(hashes);
	return error;
}

void tg_report__waived(tg_buf *buf, const tg_findings *findings)
{
	size_t total = tg_findings_suppressed_count(findings), n;
	int reason;
	bool first = true;

	if (total == 0)
		return;
	tg_buf_printf(buf, "%zu waived (", total);
	for (reason = 0; reason < TG_SUPPRESS__COUNT; reason++) {
		n = tg_findings_suppressed_total(findings,
		                                 (tg_suppress_reason)reason);
		if (n == 0)
			continue;
		tg_buf_printf(buf, "%s%zu %s", first ? "" : ", ", n,
		              tg_suppress_reason_name((tg_suppress_reason)reason));
		first = false;
	}
	tg_buf_putc(buf, ')');
}

void tg_report__uri_path(tg_buf *buf, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)(path ? path : "");

	/* Unreserved characters and '/' stay; everything else is encoded. */
	for (; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~' || *p == '/') {
			tg_buf_putc(buf, (char)*p);
		} else {
			tg_buf_putc(buf, '%');
			tg_buf_putc(buf, hex[*p >> 4]);
			tg_buf_putc(buf, hex[*p & 0x0f]);
		}
	}
}

/* Whether the host of `url` names GitLab ("gitlab.com", "gitlab.corp"). */
static bool is_gitlab(const char *url, size_t len)
{
	const char *host = strstr(url, "://");
	size_t i, hlen;

	host = host ? host + 3 : url;
	hlen = strcspn(host, "/");
	if ((size_t)(host - url) + hlen > len)
		hlen = len - (size_t)(host - url);
	for (i = 0; i + 6 <= hlen; i++)
		if (tg_starts_with_ci(host + i, "gitlab"))
			return true;
	return false;
}

bool tg_report__link(tg_buf *buf, const tg_report_options *options,
                     const char *revision, const char *path, int line)
{
	const char *url = options->forge_url;
	const char *rev = options->head && *options->head ? options->head :
	                  revision;
	size_t len;

	if (!url || !*url || !rev || !*rev || !path || !*path)
		return false;
	len = strlen(url);
	while (len > 0 && url[len - 1] == '/')
		len--;
	if (len == 0)
		return false;
	tg_buf_put(buf, url, len);
	/* GitLab's file pages live under /-/blob/; given "…/-" already, keep it. */
	if (!(len >= 2 && url[len - 2] == '/' && url[len - 1] == '-') &&
	    is_gitlab(url, len))
		tg_buf_puts(buf, "/-");
	tg_buf_puts(buf, "/blob/");
	tg_report__uri_path(buf, rev);
	tg_buf_putc(buf, '/');
	/* A work-tree path given as "./docs/x.md" links as "docs/x.md". */
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	tg_report__uri_path(buf, path);
	if (line > 0)
		tg_buf_printf(buf, "#L%d", line);
	return true;
}

/* ---- JSON trees for sarif.c and gitlab.c ---- */

json_t *tg_report__jstr(struct tg_report__json *b, const char *s)
{
	tg_buf clean = TG_BUF_INIT;
	size_t len, off = 0, bad;
	bool is_nul;
	json_t *value;

	if (!s)
		return json_null();
	len = strlen(s);
	if (tg_utf8_valid(s, len, &bad, &is_nul)) {
		value = json_stringn(s, len);
		goto done;
	}
	/* jansson refuses invalid UTF-8: bad bytes become U+FFFD. */
	while (off < len) {
		if (tg_utf8_valid(s + off, len - off, &bad, &is_nul)) {
			tg_buf_put(&clean, s + off, len - off);
			break;
		}
		tg_buf_put(&clean, s + off, bad);
		tg_buf_puts(&clean, "\xef\xbf\xbd");
		off += bad + 1;
	}
	value = clean.failed ? NULL : json_stringn(tg_buf_cstr(&clean),
	                                           clean.size);
done:
	tg_buf_release(&clean);
	if (!value)
		b->failed = true;
	return value;
}

json_t *tg_report__jint(struct tg_report__json *b, json_int_t n)
{
	json_t *value = json_integer(n);

	if (!value)
		b->failed = true;
	return value;
}

json_t *tg_report__jreal(struct tg_report__json *b, double d)
{
	json_t *value;

	if (d == (double)(json_int_t)d)
		value = json_integer((json_int_t)d);
	else
		value = json_real(d);
	if (!value)
		b->failed = true;
	return value;
}

json_t *tg_report__jobj(struct tg_report__json *b)
{
	json_t *value = json_object();

	if (!value)
		b->failed = true;
	return value;
}

json_t *tg_report__jarr(struct tg_report__json *b)
{
	json_t *value = json_array();

	if (!value)
		b->failed = true;
	return value;
}

void tg_report__jset(struct tg_report__json *b, json_t *obj, const char *key,
                     json_t *value)
{
	if (!value) {
		b->failed = true;
		return;
	}
	if (!obj) {
		json_decref(value);
		b->failed = true;
		return;
	}
	if (json_object_set_new(obj, key, value) < 0)
		b->failed = true;
}

void tg_report__jappend(struct tg_report__json *b, json_t *array,
                        json_t *value)
{
	if (!value) {
		b->failed = true;
		return;
	}
	if (!array) {
		json_decref(value);
		b->failed = true;
		return;
	}
	if (json_array_append_new(array, value) < 0)
		b->failed = true;
}

int tg_report__jwrite(FILE *out, struct tg_report__json *b, json_t *root)
{
	if (b->failed || !root)
		return tg_error_oom();
	if (json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 ||
	    fputc('\n', out) == EOF)
		return tg_error_set(TG_ERROR, "cannot write the report");
	return 0;
}

char *tg_report__message_notes(const tg_finding *f, const char *sep)
{
	tg_buf buf = TG_BUF_INIT;
	size_t i;

	tg_buf_puts(&buf, f->message ? f->message : "");
	for (i = 0; i < f->notes_count; i++) {
		const tg_finding_note *n = &f->notes[i];

		tg_buf_puts(&buf, sep);
		if (n->path && (!f->path || strcmp(n->path, f->path) != 0))
			tg_buf_printf(&buf, "%s: ", n->path);
		tg_buf_puts(&buf, n->message ? n->message : "");
	}
	return tg_buf_detach(&buf);
}
