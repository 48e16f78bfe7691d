/*
 * Markdown to a cmark-gfm tree (tables and task lists attached), carved
 * from a per-document arena, and the line numbers of its nodes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm-core-extensions.h>
#include "document.h"
#include "util/banned.h"

static cmark_node *parse(const char *data, size_t len, struct tg_arena **arena);

/*
 * cmark-gfm allocates every node, text and buffer of a tree on its own,
 * and frees them one by one: a third of a large push's hook was malloc
 * and free, made worse by the threads. A document's tree is instead
 * carved out of an arena, freed whole with the document.
 *
 * cmark's allocator hooks take no context, so the arena to carve from
 * is this thread's `current` one, set only while a parser runs; what is
 * allocated at other times (an iterator, say) comes from malloc. Each
 * block carries a header saying which, so that free() and realloc() do
 * the right thing with either.
 */
struct chunk {
	struct chunk *next;
	size_t size, used;
	max_align_t data[];
};

struct tg_arena {
	struct chunk *chunks;	/* the newest first */
};

struct header {
	size_t size;
	size_t from_arena;
	max_align_t align[];
};

#define CHUNK_SIZE (64 * 1024)

static _Thread_local struct tg_arena *current;

/*
 * NEEDSWORK: cmark-gfm cannot take NULL from its allocator, so running out
 * of memory inside the parser aborts, as cmark's own allocator does. Its
 * blocks therefore come straight from the C library, (malloc) and
 * (calloc), not through the allocator that unit tests make fail.
 */
static void *out_of_memory(void)
{
	fputs("threatgate: out of memory\n", stderr);
	abort();
}

/* A block of `size` bytes and its header, rounded up for alignment. */
static size_t padded(size_t size)
{
	return (sizeof(struct header) + size + sizeof(max_align_t) - 1) &
	       ~(sizeof(max_align_t) - 1);
}

static struct header *carve(size_t size)
{
	struct chunk *c = current->chunks;
	size_t need = padded(size);

	if (need < size)
		return out_of_memory();
	if (!c || c->size - c->used < need) {
		size_t n = need > CHUNK_SIZE ? need : CHUNK_SIZE;

		c = (malloc)(sizeof(*c) + n);
		if (!c)
			return out_of_memory();
		c->size = n;
		c->used = 0;
		c->next = current->chunks;
		current->chunks = c;
	}
	c->used += need;
	return (struct header *)((char *)c->data + c->used - need);
}

static void *block(size_t size, bool zero)
{
	struct header *h;

	if (current) {
		h = carve(size);
		if (zero)
			memset(h->align, 0, size);
	} else {
		if (size > SIZE_MAX - sizeof(*h))
			return out_of_memory();
		h = zero ? (calloc)(1, sizeof(*h) + size)
		         : (malloc)(sizeof(*h) + size);
		if (!h)
			return out_of_memory();
	}
	h->size = size;
	h->from_arena = current != NULL;
	return h->align;
}

static void *arena_calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return out_of_memory();
	return block(n * size, true);
}

static void arena_free(void *p)
{
	struct header *h;

	if (!p)
		return;
	h = (struct header *)p - 1;
	if (!h->from_arena)
		free(h);
	/* An arena block goes with its arena. */
}

static void *arena_realloc(void *p, size_t size)
{
	struct chunk *c = current ? current->chunks : NULL;
	struct header *h;
	void *q;

	if (!p)
		return block(size, false);
	h = (struct header *)p - 1;
	/* The newest block of this thread's arena grows in place. */
	if (h->from_arena && c && size >= h->size && padded(size) >= size &&
	    (char *)h + padded(h->size) == (char *)c->data + c->used &&
	    c->size - c->used >= padded(size) - padded(h->size)) {
		c->used += padded(size) - padded(h->size);
		h->size = size;
		return p;
	}
	q = block(size, false);
	memcpy(q, p, h->size < size ? h->size : size);
	arena_free(p);
	return q;
}

static cmark_mem arena_mem = { arena_calloc, arena_realloc, arena_free };

void tg_markdown__arena_free(struct tg_arena *arena)
{
	struct chunk *c, *next;

	if (!arena)
		return;
	for (c = arena->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(arena);
}

static struct {
	bool known;
	cmark_node_type table, row, cell;
} types;

/* Learn the extension node types from a tiny document, once. */
static void learn_types(void)
{
	static const char sample[] = "|a|\n|-|\n|b|\n";
	struct tg_arena *arena = NULL;
	cmark_node *root = parse(sample, sizeof(sample) - 1, &arena);
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
	tg_markdown__arena_free(arena);
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

void tg_markdown__prepare(void)
{
	if (!types.known)
		learn_types();
}

cmark_node *tg_markdown__parse(const char *data, size_t len,
                               struct tg_arena **arena)
{
	if (!types.known)
		learn_types();
	return parse(data, len, arena);
}

static cmark_node *parse(const char *data, size_t len, struct tg_arena **arena)
{
	/*
	 * Not strikethrough: an extension with inline syntax makes every
	 * parse write cmark-gfm's global table of special characters, and
	 * documents are parsed on several threads at once.
	 */
	static const char *const extensions[] = { "table", "tasklist" };
	cmark_parser *parser;
	cmark_node *root;
	size_t i;

	*arena = calloc(1, sizeof(**arena));
	if (!*arena)
		return NULL;
	current = *arena;
	cmark_gfm_core_extensions_ensure_registered();
	parser = cmark_parser_new_with_mem(CMARK_OPT_DEFAULT, &arena_mem);
	for (i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++) {
		cmark_syntax_extension *ext =
			cmark_find_syntax_extension(extensions[i]);

		if (ext)
			cmark_parser_attach_syntax_extension(parser, ext);
	}
	cmark_parser_feed(parser, data, len);
	root = cmark_parser_finish(parser);
	cmark_parser_free(parser);
	current = NULL;
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
