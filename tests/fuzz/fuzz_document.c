/*
 * libFuzzer target: the document -> model -> rules chain.
 *
 * Any byte string is a design document to threatgate. Loading never fails on
 * bad content (binary or non-UTF-8 input becomes an unreadable-document
 * finding), so every input must come back as findings, never as a crash, a
 * leak or a hang. Build and run with `make fuzz FUZZ_SECONDS=600`.
 *
 * The policy is the built-in default, built once: compiling its trigger
 * patterns on every input would spend the fuzzer's time in PCRE2's JIT.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "threatgate.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tg_policy *policy;
static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;

	if (tg_init() < 0 || tg_policy_new(&policy) < 0 ||
	    tg_policy_finalize(policy, NULL) < 0) {
		fprintf(stderr, "fuzz_document: cannot set up: %s\n",
			tg_error_last()->message);
		abort();
	}
	sink = fopen("/dev/null", "w");
	if (sink == NULL) {
		perror("fuzz_document: /dev/null");
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tg_document *doc = NULL;
	tg_findings *findings = NULL;
	tg_report_options options = TG_REPORT_OPTIONS_INIT;
	size_t i, n, total = 0;
	int error;

	error = tg_findings_new(&findings);
	if (error < 0)
		goto done;

	/* A path that matches the default globs, as a real doc's would. */
	error = tg_document_load_buffer(&doc, "docs/design/fuzz.sdd.md", NULL,
		(const char *)data, size, policy);
	if (error < 0)
		goto done;

	error = tg_check_document(findings, doc, policy, NULL);
	if (error < 0)
		goto done;

	/*
	 * Read every string the rules wrote, then write the reports that
	 * escape them: a bad length or a missing terminator shows here.
	 */
	tg_findings_sort(findings);
	n = tg_findings_count(findings);
	for (i = 0; i < n; i++) {
		const tg_finding *f = tg_findings_get(findings, i);

		total += strlen(f->path) + strlen(f->message);
		if (f->section != NULL)
			total += strlen(f->section);
		if (f->threat != NULL)
			total += strlen(f->threat);
	}
	(void)total;

	options.format = TG_FORMAT_TEXT;
	error = tg_report_write(sink, findings, &options);
	if (error < 0)
		goto done;
	options.format = TG_FORMAT_JSON;
	error = tg_report_write(sink, findings, &options);
	if (error < 0)
		goto done;

done:
	/*
	 * Only running out of memory may fail here, and libFuzzer's own
	 * -rss_limit_mb reports that; any other error is a bug.
	 */
	if (error < 0 && error != TG_ENOMEM) {
		fprintf(stderr, "fuzz_document: unexpected error %d: %s\n",
			error, tg_error_last()->message);
		abort();
	}
	tg_error_clear();
	tg_document_free(doc);
	tg_findings_free(findings);
	return 0;
}
