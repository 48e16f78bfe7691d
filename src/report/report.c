/*
 * Format names and the writer dispatcher.
 */
#include <errno.h>
#include <string.h>
#include "report/report.h"
#include "util/util.h"
#include "util/banned.h"

static const struct {
	const char *name;
	tg_format format;
} formats[] = {
	{ "text", TG_FORMAT_TEXT },
	{ "json", TG_FORMAT_JSON },
	{ "sarif", TG_FORMAT_SARIF },
	{ "markdown", TG_FORMAT_MARKDOWN },
	{ "github", TG_FORMAT_GITHUB },
	{ "gitlab", TG_FORMAT_GITLAB },
	{ "csv", TG_FORMAT_CSV },
	{ "html", TG_FORMAT_HTML },
};

int tg_format_parse(tg_format *out, const char *name)
{
	size_t i;

	if (!name)
		return tg_error_set(TG_EINVALID, "no format given");
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(formats[i].name, name) == 0) {
			*out = formats[i].format;
			return 0;
		}
	}
	return tg_error_set(TG_EINVALID,
		"unknown format '%s' (expected text, json, sarif, markdown, "
		"github, gitlab, csv or html)", name);
}

const char *tg_report__format_name(tg_format format)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].format == format)
			return formats[i].name;
	return "unknown";
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
	int error;

	if (!out || !findings)
		return tg_error_set(TG_EINVALID, "no report stream or findings");
	if (!options)
		options = &defaults;

	switch (options->format) {
	case TG_FORMAT_TEXT:
		error = tg_report__text(out, findings, options);
		break;
	case TG_FORMAT_JSON:
		error = tg_report__json(out, findings, options);
		break;
	case TG_FORMAT_SARIF:
		error = tg_report__sarif(out, findings, options);
		break;
	case TG_FORMAT_MARKDOWN:
		error = tg_report__markdown(out, findings, options);
		break;
	case TG_FORMAT_GITHUB:
		error = tg_report__github(out, findings, options);
		break;
	case TG_FORMAT_GITLAB:
		error = tg_report__gitlab(out, findings, options);
		break;
	case TG_FORMAT_CSV:
	case TG_FORMAT_HTML:
		return tg_error_set(TG_EINVALID,
			"format '%s' is for 'threatgate scan' only",
			tg_report__format_name(options->format));
	default:
		return tg_error_set(TG_EINVALID, "unknown report format %d",
		                    (int)options->format);
	}
	return error < 0 ? error : flushed(out);
}

int tg_report_write_scan(FILE *out, const tg_scan *scan,
                         const tg_report_options *options)
{
	tg_report_options defaults = TG_REPORT_OPTIONS_INIT;
	int error;

	if (!out || !scan)
		return tg_error_set(TG_EINVALID, "no report stream or scan");
	if (!options)
		options = &defaults;

	switch (options->format) {
	case TG_FORMAT_TEXT:
		error = tg_report__scan_text(out, scan, options);
		break;
	case TG_FORMAT_JSON:
		error = tg_report__scan_json(out, scan, options);
		break;
	case TG_FORMAT_CSV:
		error = tg_report__scan_csv(out, scan, options);
		break;
	case TG_FORMAT_MARKDOWN:
		error = tg_report__scan_markdown(out, scan, options);
		break;
	case TG_FORMAT_HTML:
		error = tg_report__scan_html(out, scan, options);
		break;
	default:
		return tg_error_set(TG_EINVALID,
			"format '%s' is not available for a scan (expected text, "
			"json, csv, markdown or html)",
			tg_report__format_name(options->format));
	}
	return error < 0 ? error : flushed(out);
}
