/*
 * The library's set-up: libgit2, the cmark-gfm extension registry, and
 * what is learnt once (Markdown tables, the rule catalogue) before any
 * thread could race. At the top of the library, as it touches every stage.
 */
#include <git2.h>
#include <cmark-gfm-core-extensions.h>
#include "git/git.h"
#include "doc/document.h"
#include "threatgate/findings.h"
#include "util/banned.h"

int tg_init(void)
{
	size_t count;
	int error = git_libgit2_init();

	if (error < 0)
		return tg_error_from_git(error, "cannot initialise libgit2");
	/* Register table and tasklist once; parsers attach them later. */
	cmark_gfm_core_extensions_ensure_registered();
	/* What is learnt once is learnt now, before any thread could race. */
	tg_markdown__prepare();
	(void)tg_rules_table(&count);
	return 0;
}

void tg_shutdown(void)
{
	tg_options__release();
	git_libgit2_shutdown();
}
