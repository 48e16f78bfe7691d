#include <string.h>
#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm-core-extensions.h>
#include "document.h"
#include "util/banned.h"

static cmark_node *parse(const char *data, size_t len);

static struct {
	bool known;
	cmark_node_type table, row, cell;
} types;

/* Learn the extension node types from a tiny document, once. */
static void learn_types(void)
{
	static const char sample[] = "|a|\n|-|\n|b|\n";
	cmark_node *root = parse(sample, sizeof(sample) - 1);
	cmark_node *table = root ? cmark_node_first_child(root) : NULL;
	cmark_node *row = table ? cmark_node_first_child(table) : NULL;
	cmark_node *cell = row ? cmark_node_first_child(row) : NULL;

	if (cell) {
		types.table = cmark_node_get_type(table);
		types.row = cmark_node_get_type(row);
		types.cell = cmark_node_get_type(cell);
		types.known = true;
	}
	if (root)
		cmark_node_free(root);
}

bool tg_markdown__is(cmark_node *node, enum tg_node_kind kind)
{
	cmark_node_type type = cmark_node_get_type(node);

	if (kind == TG_NODE_TASK_ITEM)
		return type == CMARK_NODE_ITEM &&
		       strcmp(cmark_node_get_type_string(node), "tasklist") == 0;
	if (!types.known)
		learn_types();
	switch (kind) {
	case TG_NODE_TABLE:
		return types.known && type == types.table;
	case TG_NODE_TABLE_ROW:
		return types.known && type == types.row;
	default:
		return types.known && type == types.cell;
	}
}

cmark_node *tg_markdown__parse(const char *data, size_t len)
{
	if (!types.known)
		learn_types();
	return parse(data, len);
}

static cmark_node *parse(const char *data, size_t len)
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
