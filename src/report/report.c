/*
 * The table of report formats: names, writers, and what each needs.
 */
#include <errno.h>
#include <string.h>
#include "report/report.h"
#include "util/util.h"
#include "util/banned.h"

/*
 * Every format, its writers and what it needs of the check. A new format
 * is one row (and its writer's file); the CLI asks the table, never the
 * format's name, what to compute.
 */
static const struct writer {
	const char *name;
	/* NULL: the format has no findings report (csv, html) */
	int (*findings)(FILE *out, const tg_findings *findings,
	                const tg_report_options *options);
	/* NULL: the format has no scan report */
	int (*scan)(FILE *out, const tg_scan *scan,
	            const tg_report_options *options);
	tg_format format;
	unsigned needs;		/* TG_REPORT_NEEDS_* */
} writers[] = {
	/* Text shows findings only: triggers may stay lazy. */
	{ .name = "text", .format = TG_FORMAT_TEXT,
	  .findings = tg_report__text, .scan = tg_report__scan_text,
	  .needs = 0 },
	{ .name = "json", .format = TG_FORMAT_JSON,
	  .findings = tg_report__json, .scan = tg_report__scan_json,
	  .needs = TG_REPORT_NEEDS_TRIGGERS },
	{ .name = "sarif", .format = TG_FORMAT_SARIF,
	  .findings = tg_report__sarif, .scan = NULL,
	  .needs = TG_REPORT_NEEDS_TRIGGERS },
	{ .name = "markdown", .format = TG_FORMAT_MARKDOWN,
	  .findings = tg_report__markdown, .scan = tg_report__scan_markdown,
	  .needs = TG_REPORT_NEEDS_TRIGGERS },
	{ .name = "github", .format = TG_FORMAT_GITHUB,
	  .findings = tg_report__github, .scan = NULL,
	  .needs = TG_REPORT_NEEDS_TRIGGERS },
	{ .name = "gitlab", .format = TG_FORMAT_GITLAB,
	  .findings = tg_report__gitlab, .scan = NULL,
	  .needs = TG_REPORT_NEEDS_TRIGGERS },
	{ .name = "csv", .format = TG_FORMAT_CSV,
	  .findings = NULL, .scan = tg_report__scan_csv,
	  .needs = 0 },
	{ .name = "html", .format = TG_FORMAT_HTML,
	  .findings = NULL, .scan = tg_report__scan_html,
	  .needs = 0 },
};

#define WRITERS_COUNT (sizeof(writers) / sizeof(writers[0]))

static const struct writer *find_writer(tg_format format)
{
	size_t i;

	for (i = 0; i < WRITERS_COUNT; i++)
		if (writers[i].format == format)
			return &writers[i];
	return NULL;
}

unsigned tg_report_needs(tg_format format)
{
	const struct writer *w = find_writer(format);

	/* An unknown format is refused by the writer; compute everything. */
	return w ? w->needs : TG_REPORT_NEEDS_TRIGGERS;
}

int tg_format_parse(tg_format *out, const char *name)
{
	size_t i;

	if (!name)
		return tg_error_set(TG_EINVALID, "no format given");
	for (i = 0; i < WRITERS_COUNT; i++) {
		if (strcmp(writers[i].name, name) == 0) {
			*out = writers[i].format;
			return 0;
		}
	}
	return tg_error_set(TG_EINVALID,
		"unknown format '%s' (expected text, json, sarif, markdown, "
		"github, gitlab, csv or html)", name);
}

const char *tg_report__format_name(tg_format format)
{
	const struct writer *w = find_writer(format);

	return w ? w->name : "unknown";
}

/* A report is written only once it is out of stdio's buffer. */
static int flushed(FILE *out)
{
	if (fflush(out) != 0 || ferror(out))
		return tg_error_set(TG_ERROR, "cannot write the report: %s",
		                    strerror(errno ? errno : EIO));
	return 0;
}

int tg_report_write(FILE *out, const tg_findings *findings,
                    const tg_report_options *options)
{
	tg_report_options defaults = TG_REPORT_OPTIONS_INIT;
	const struct writer *w;
	int error;

	if (!out || !findings)
		return tg_error_set(TG_EINVALID, "no report stream or findings");
	if (!options)
		options = &defaults;

	w = find_writer(options->format);
	if (!w)
		return tg_error_set(TG_EINVALID, "unknown report format %d",
		                    (int)options->format);
	if (!w->findings)
		return tg_error_set(TG_EINVALID,
			"format '%s' is for 'threatgate scan' only", w->name);
	error = w->findings(out, findings, options);
	return error < 0 ? error : flushed(out);
}

int tg_report_write_scan(FILE *out, const tg_scan *scan,
                         const tg_report_options *options)
{
	tg_report_options defaults = TG_REPORT_OPTIONS_INIT;
	const struct writer *w;
	int error;

	if (!out || !scan)
		return tg_error_set(TG_EINVALID, "no report stream or scan");
	if (!options)
		options = &defaults;

	w = find_writer(options->format);
	if (!w || !w->scan)
		return tg_error_set(TG_EINVALID,
			"format '%s' is not available for a scan (expected text, "
			"json, csv, markdown or html)",
			tg_report__format_name(options->format));
	error = w->scan(out, scan, options);
	return error < 0 ? error : flushed(out);
}
