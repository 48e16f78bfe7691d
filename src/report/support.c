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

/* A real as jansson writes it: %.17g, with ".0" when it has no '.' or 'e'. */
static void put_real(tg_buf *buf, double value)
{
	char text[64], *start, *end;
	int n = snprintf(text, sizeof(text), "%.17g", value);
	size_t length;

	if (n < 0 || (size_t)n >= sizeof(text) - 3) {
		buf->failed = true;
		return;
	}
	length = (size_t)n;
	if (!strchr(text, '.') && !strchr(text, 'e')) {
		memcpy(text + length, ".0", 3);
		length += 2;
	}
	/* no '+' and no leading zeros in the exponent */
	start = strchr(text, 'e');
	if (start) {
		start++;
		end = start + 1;
		if (*start == '-')
			start++;
		while (*end == '0')
			end++;
		if (end != start) {
			memmove(start, end, length - (size_t)(end - text) + 1);
			length -= (size_t)(end - start);
		}
	}
	tg_buf_put(buf, text, length);
}

/* A string as jansson writes it (no JSON_ENSURE_ASCII, no escaped '/'). */
static void put_string(tg_buf *buf, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, run = 0;

	tg_buf_putc(buf, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7] = "\\u00";

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		tg_buf_put(buf, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': tg_buf_put(buf, "\\\"", 2); break;
		case '\\': tg_buf_put(buf, "\\\\", 2); break;
		case '\b': tg_buf_put(buf, "\\b", 2); break;
		case '\f': tg_buf_put(buf, "\\f", 2); break;
		case '\n': tg_buf_put(buf, "\\n", 2); break;
		case '\r': tg_buf_put(buf, "\\r", 2); break;
		case '\t': tg_buf_put(buf, "\\t", 2); break;
		default:
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			tg_buf_put(buf, esc, 6);
		}
	}
	tg_buf_put(buf, s + run, n - run);
	tg_buf_putc(buf, '"');
}

static void put_indent(tg_buf *buf, int depth)
{
	static const char spaces[] = "                                ";
	size_t n = (size_t)depth * 2;

	tg_buf_putc(buf, '\n');
	while (n > 0) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		tg_buf_put(buf, spaces, k);
		n -= k;
	}
}

/*
 * v into buf byte for byte as json_dumps(v, JSON_INDENT(2) |
 * JSON_PRESERVE_ORDER) writes it (a unit test compares the two), in a
 * fraction of the time: jansson's dump costs more than building the
 * report on a report of a thousand documents.
 */
void tg_report__jdump(tg_buf *buf, const json_t *v, int depth)
{
	const char *key;
	json_t *item;
	size_t i, n;
	char num[32];
	int len;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		n = json_object_size(v);
		tg_buf_putc(buf, '{');
		i = 0;
		json_object_foreach((json_t *)v, key, item) {
			put_indent(buf, depth + 1);
			put_string(buf, key, strlen(key));
			tg_buf_put(buf, ": ", 2);
			tg_report__jdump(buf, item, depth + 1);
			if (++i < n)
				tg_buf_putc(buf, ',');
		}
		if (n)
			put_indent(buf, depth);
		tg_buf_putc(buf, '}');
		break;
	case JSON_ARRAY:
		n = json_array_size(v);
		tg_buf_putc(buf, '[');
		for (i = 0; i < n; i++) {
			put_indent(buf, depth + 1);
			tg_report__jdump(buf, json_array_get(v, i), depth + 1);
			if (i + 1 < n)
				tg_buf_putc(buf, ',');
		}
		if (n)
			put_indent(buf, depth);
		tg_buf_putc(buf, ']');
		break;
	case JSON_STRING:
		put_string(buf, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		len = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		               json_integer_value(v));
		tg_buf_put(buf, num, len > 0 ? (size_t)len : 0);
		break;
	case JSON_REAL:
		put_real(buf, json_real_value(v));
		break;
	case JSON_TRUE:
		tg_buf_put(buf, "true", 4);
		break;
	case JSON_FALSE:
		tg_buf_put(buf, "false", 5);
		break;
	default:
		tg_buf_put(buf, "null", 4);
		break;
	}
}

/* The report, written out in one piece. */
int tg_report__jwrite(FILE *out, struct tg_report__json *b, json_t *root)
{
	tg_buf buf = TG_BUF_INIT;
	int error = 0;

	if (b->failed || !root)
		return tg_error_oom();
	tg_report__jdump(&buf, root, 0);
	tg_buf_putc(&buf, '\n');
	if (buf.failed) {
		error = tg_error_oom();
		goto done;
	}
	if (fwrite(buf.ptr, 1, buf.size, out) != buf.size)
		error = tg_error_set(TG_ERROR, "cannot write the report");
done:
	tg_buf_release(&buf);
	return error;
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
