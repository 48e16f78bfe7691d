#include <git2.h>
#include <cmark-gfm-core-extensions.h>
#include "util.h"
#include "banned.h"

int tg_init(void)
{
	int error = git_libgit2_init();

	if (error < 0)
		return tg_error_from_git(error, "cannot initialise libgit2");
	/* Register table and tasklist once; parsers attach them later. */
	cmark_gfm_core_extensions_ensure_registered();
	return 0;
}

void tg_shutdown(void)
{
	git_libgit2_shutdown();
}
