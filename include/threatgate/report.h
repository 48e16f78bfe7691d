/*
 * threatgate: report writers (pipeline stage 6).
 */
#ifndef TG_REPORT_H
#define TG_REPORT_H

#include <stdio.h>
#include "common.h"
#include "findings.h"

typedef enum {
	TG_FORMAT_TEXT,
	TG_FORMAT_JSON,
	TG_FORMAT_SARIF,
	TG_FORMAT_MARKDOWN,
	TG_FORMAT_GITHUB,
	TG_FORMAT_GITLAB,
	TG_FORMAT_CSV,
	TG_FORMAT_HTML
} tg_format;

typedef struct {
	tg_format format;
	bool color;		/* text: ANSI colour */
	const char *forge_url;	/* markdown: base URL for file links */
	const char *head;	/* markdown: head revision for links */
} tg_report_options;

#define TG_REPORT_OPTIONS_INIT { TG_FORMAT_TEXT, false, NULL, NULL }

TG_EXTERN(int) tg_format_parse(tg_format *out, const char *name);

/* Write the report; TG_ERROR when writing fails. */
TG_EXTERN(int) tg_report_write(FILE *out, const tg_findings *findings,
	const tg_report_options *options);

#endif
