/*
 * A library user: built by `make test` against the headers, the
 * libthreatgate.a and the threatgate.pc that `make install` put under a
 * scratch DESTDIR, never against the source tree. It checks the design
 * documents given on the command line, files or folders (walked for the
 * paths the document globs match, as `threatgate check` does outside a
 * repository), and writes the JSON report.
 *
 *	cc example.c $(pkg-config --cflags --static --libs threatgate)
 */
#include <stdio.h>
#include <stdlib.h>
#include <threatgate.h>

int main(int argc, char **argv)
{
	tg_options options = TG_OPTIONS_INIT;
	tg_report_options report = TG_REPORT_OPTIONS_INIT;
	tg_files_options files = TG_FILES_OPTIONS_INIT;
	tg_policy *policy = NULL;
	tg_changes *changes = NULL;
	tg_findings *findings = NULL;
	int error, code = 2;

	if (argc < 2) {
		fputs("usage: example FILE.md|DIR...\n", stderr);
		return 2;
	}
	files.paths = (const char *const *)argv + 1;
	files.paths_count = (size_t)argc - 1;
	error = tg_init();
	if (error == 0)
		error = tg_options_set(&options);
	if (error == 0)
		error = tg_policy_new(&policy);
	if (error == 0)
		error = tg_policy_finalize(policy, NULL);
	if (error == 0)
		error = tg_changes_new(&changes);
	/* no repository: no ignore rules, no history */
	if (error == 0)
		error = tg_changes_add_files(changes, NULL, &files, policy);
	if (error == 0)
		error = tg_findings_new(&findings);
	if (error == 0)
		error = tg_changes_check(findings, NULL, changes, policy);
	if (error == 0) {
		tg_findings_sort(findings);
		report.format = TG_FORMAT_JSON;
		error = tg_report_write(stdout, findings, &report);
	}
	if (error < 0)
		fprintf(stderr, "example: %s\n", tg_error_last()->message);
	else
		code = tg_findings_max_severity(findings) >= TG_SEVERITY_ERROR;
	tg_findings_free(findings);
	tg_changes_free(changes);
	tg_policy_free(policy);
	tg_shutdown();
	return code;
}
