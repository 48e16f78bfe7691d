/*
 * The library's settings (tg_options): what it would otherwise read from
 * the environment, set once by the CLI or a library user. Read by every
 * thread, set before any starts, so there is no lock.
 */
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "banned.h"

static tg_options current = TG_OPTIONS_INIT;

const tg_options *tg_options__get(void)
{
	return &current;
}

void tg_options__release(void)
{
	static const tg_options defaults = TG_OPTIONS_INIT;

	free((char *)current.index_file);
	free((char *)current.author_email);
	current = defaults;
}

int tg_options_set(const tg_options *options)
{
	static const tg_options defaults = TG_OPTIONS_INIT;
	char *index_file = NULL, *author_email = NULL;

	if (!options)
		options = &defaults;
	if (options->index_file) {
		index_file = tg_strdup(options->index_file);
		if (!index_file)
			return tg_error_oom();
	}
	if (options->author_email) {
		author_email = tg_strdup(options->author_email);
		if (!author_email) {
			free(index_file);
			return tg_error_oom();
		}
	}
	tg_options__release();
	current = *options;
	current.index_file = index_file;
	current.author_email = author_email;
	return 0;
}
