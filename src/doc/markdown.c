#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm-core-extensions.h>
#include "document.h"
#include "util/banned.h"

cmark_node *tg_markdown__parse(const char *data, size_t len)
{
	static const char *const extensions[] = { "table", "tasklist",
	                                          "strikethrough" };
	cmark_parser *parser;
	cmark_node *root;
	size_t i;

	cmark_gfm_core_extensions_ensure_registered();
	parser = cmark_parser_new(CMARK_OPT_DEFAULT);
	if (!parser)
		return NULL;
	for (i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++) {
		cmark_syntax_extension *ext =
			cmark_find_syntax_extension(extensions[i]);

		if (ext)
			cmark_parser_attach_syntax_extension(parser, ext);
	}
	cmark_parser_feed(parser, data, len);
	root = cmark_parser_finish(parser);
	cmark_parser_free(parser);
	return root;
}

int tg_document__line(const struct tg_document *doc, cmark_node *node)
{
	int line = cmark_node_get_start_line(node);

	return line > 0 ? doc->body_line + line - 1 : doc->body_line;
}

int tg_document__end_line(const struct tg_document *doc, cmark_node *node)
{
	int line = cmark_node_get_end_line(node);

	return line > 0 ? doc->body_line + line - 1 : doc->body_line;
}
