/*
 * The report writers' insides: one function per format, chosen by
 * tg_report_write() in report.c. A new format is one file plus one case.
 */
#ifndef TG_REPORT_PRIVATE_H
#define TG_REPORT_PRIVATE_H

#include <stdio.h>
#include "threatgate/report.h"

/* Each writer returns 0, TG_ENOMEM, or TG_ERROR when writing fails. */
int tg_report__text(FILE *out, const tg_findings *findings,
	const tg_report_options *options);
int tg_report__json(FILE *out, const tg_findings *findings,
	const tg_report_options *options);

/* The format's name as given on the command line: "text", "json", ... */
const char *tg_report__format_name(tg_format format);

#endif
