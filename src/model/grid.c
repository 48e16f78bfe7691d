/*
 * Tables as grids of cell texts; HTML tables read with gumbo, a real
 * HTML5 parser, so that colspan, rowspan, <br> and unclosed cells read
 * as a browser shows them.
 */
#include <stdlib.h>
#include <string.h>
#include <gumbo.h>
#include "model/grid.h"
#include "util/banned.h"

/* Tables wider or longer than this are cut: no real table is. */
#define GRID_MAX_COLS 64
#define GRID_MAX_ROWS 2048

static char empty_cell[] = "";

struct tg_grid *tg_grid__new(size_t rows, size_t cols)
{
	struct tg_grid *g = calloc(1, sizeof(*g));
	size_t i;

	if (!g)
		return NULL;
	g->rows = rows;
	g->cols = cols;
	g->cells = calloc(rows * cols + 1, sizeof(*g->cells));
	g->lines = calloc(rows + 1, sizeof(*g->lines));
	if (!g->cells || !g->lines) {
		free(g->cells);
		free(g->lines);
		free(g);
		return NULL;
	}
	for (i = 0; i < rows * cols; i++)
		g->cells[i] = empty_cell;
	return g;
}

void tg_grid__free(void *p)
{
	struct tg_grid *g = p;
	size_t i;

	if (!g)
		return;
	for (i = 0; i < g->rows * g->cols; i++)
		if (g->cells[i] != empty_cell)
			free(g->cells[i]);
	free(g->cells);
	free(g->lines);
	free(g);
}

const char *tg_grid__cell(const struct tg_grid *g, size_t row, size_t col)
{
	if (row >= g->rows || col >= g->cols)
		return "";
	return g->cells[row * g->cols + col];
}

int tg_grid__set(struct tg_grid *g, size_t row, size_t col, const char *text)
{
	char *copy, **slot;

	if (row >= g->rows || col >= g->cols)
		return 0;
	copy = tg_strdup(text ? text : "");
	if (!copy)
		return tg_error_oom();
	slot = &g->cells[row * g->cols + col];
	if (*slot != empty_cell)
		free(*slot);
	*slot = copy;
	return 0;
}

static bool is_block(GumboTag tag)
{
	switch (tag) {
	case GUMBO_TAG_BR:
	case GUMBO_TAG_P:
	case GUMBO_TAG_DIV:
	case GUMBO_TAG_LI:
	case GUMBO_TAG_UL:
	case GUMBO_TAG_OL:
	case GUMBO_TAG_TR:
		return true;
	default:
		return false;
	}
}

/* Text of a node: text nodes joined, blocks and <br> as newlines. */
static void node_text(tg_buf *buf, const GumboNode *node, int depth)
{
	const GumboVector *children;
	unsigned i;

	if (depth > 64)
		return;
	switch (node->type) {
	case GUMBO_NODE_TEXT:
	case GUMBO_NODE_CDATA:
	case GUMBO_NODE_WHITESPACE:
		tg_buf_puts(buf, node->v.text.text);
		return;
	case GUMBO_NODE_ELEMENT:
	case GUMBO_NODE_TEMPLATE:
	case GUMBO_NODE_DOCUMENT:
		break;
	default:
		return;
	}
	if (node->type == GUMBO_NODE_DOCUMENT)
		children = &node->v.document.children;
	else
		children = &node->v.element.children;
	if (node->type == GUMBO_NODE_ELEMENT && is_block(node->v.element.tag))
		tg_buf_putc(buf, '\n');
	for (i = 0; i < children->length; i++)
		node_text(buf, children->data[i], depth + 1);
	if (node->type == GUMBO_NODE_ELEMENT && is_block(node->v.element.tag) &&
	    node->v.element.tag != GUMBO_TAG_BR)
		tg_buf_putc(buf, '\n');
}

/* Spaces squeezed on each line, blank lines dropped. */
static char *tidy(char *text)
{
	char *in, *out, *line;
	tg_buf buf = TG_BUF_INIT;

	if (!text)
		return NULL;
	for (in = text; *in; in++)
		if (*in == '\t' || *in == '\r' || (unsigned char)*in == 0xA0)
			*in = ' ';
	for (line = text; line && *line; line = in) {
		in = strchr(line, '\n');
		if (in)
			*in++ = '\0';
		tg_squeeze(tg_trim(line));
		if (*line) {
			if (buf.size)
				tg_buf_putc(&buf, '\n');
			tg_buf_puts(&buf, line);
		}
	}
	free(text);
	out = tg_buf_detach(&buf);
	return out ? out : tg_strdup("");
}

static char *element_text(const GumboNode *node)
{
	tg_buf buf = TG_BUF_INIT;

	node_text(&buf, node, 0);
	return tidy(tg_buf_detach(&buf));
}

static long span(const GumboNode *cell, const char *name)
{
	const GumboAttribute *a =
		gumbo_get_attribute(&cell->v.element.attributes, name);
	long n;

	if (!a)
		return 1;
	n = strtol(a->value, NULL, 10);
	return n < 1 ? 1 : n > GRID_MAX_COLS ? GRID_MAX_COLS : n;
}

static bool is_element(const GumboNode *n, GumboTag tag)
{
	return n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == tag;
}

/* The <tr> of a table, through <thead>, <tbody> and <tfoot>. */
static void collect_rows(const GumboNode *node, const GumboNode **rows,
                         size_t *n, int depth)
{
	const GumboVector *children = &node->v.element.children;
	unsigned i;

	if (depth > 4)
		return;
	for (i = 0; i < children->length && *n < GRID_MAX_ROWS; i++) {
		const GumboNode *c = children->data[i];

		if (is_element(c, GUMBO_TAG_TR))
			rows[(*n)++] = c;
		else if (is_element(c, GUMBO_TAG_THEAD) ||
		         is_element(c, GUMBO_TAG_TBODY) ||
		         is_element(c, GUMBO_TAG_TFOOT))
			collect_rows(c, rows, n, depth + 1);
	}
}

static int read_table(tg_vec *out, const GumboNode *table, int first_line)
{
	const GumboNode **rows;
	struct tg_grid *g = NULL;
	size_t nrows = 0, cols = 0, r, c, k, width;
	long *pending = NULL;	/* rows a rowspan cell still covers, by column */
	char **carry = NULL;	/* its text */
	unsigned i;
	int error = 0;

	rows = calloc(GRID_MAX_ROWS, sizeof(*rows));
	if (!rows)
		return tg_error_oom();
	collect_rows(table, rows, &nrows, 0);
	/* Width: the widest row, spans counted. */
	for (r = 0; r < nrows; r++) {
		const GumboVector *cells = &rows[r]->v.element.children;

		width = 0;
		for (i = 0; i < cells->length; i++) {
			const GumboNode *cell = cells->data[i];

			if (is_element(cell, GUMBO_TAG_TD) || is_element(cell, GUMBO_TAG_TH))
				width += (size_t)span(cell, "colspan");
		}
		if (width > cols)
			cols = width;
	}
	if (cols > GRID_MAX_COLS)
		cols = GRID_MAX_COLS;
	if (nrows == 0 || cols == 0)
		goto done;
	g = tg_grid__new(nrows, cols);
	pending = calloc(cols + 1, sizeof(*pending));
	carry = calloc(cols + 1, sizeof(*carry));
	if (!g || !pending || !carry) {
		error = tg_error_oom();
		goto done;
	}
	for (r = 0; r < nrows && error == 0; r++) {
		const GumboVector *cells = &rows[r]->v.element.children;

		g->lines[r] = first_line + (int)rows[r]->v.element.start_pos.line - 1;
		c = 0;
		for (i = 0; i <= cells->length && error == 0; i++) {
			const GumboNode *cell = i < cells->length ? cells->data[i] : NULL;
			char *text;
			long cs, rs;

			/* Columns a rowspan above still holds come first. */
			while (c < cols && pending[c] > 0 && error == 0) {
				error = tg_grid__set(g, r, c, carry[c]);
				pending[c]--;
				c++;
			}
			if (!cell || error)
				continue;
			if (!is_element(cell, GUMBO_TAG_TD) && !is_element(cell, GUMBO_TAG_TH))
				continue;
			text = element_text(cell);
			if (!text) {
				error = tg_error_oom();
				break;
			}
			cs = span(cell, "colspan");
			rs = span(cell, "rowspan");
			for (k = 0; k < (size_t)cs && c < cols && error == 0; k++, c++) {
				error = tg_grid__set(g, r, c, text);
				if (rs > 1 && error == 0) {
					free(carry[c]);
					carry[c] = tg_strdup(text);
					pending[c] = rs - 1;
					if (!carry[c])
						error = tg_error_oom();
				}
			}
			free(text);
		}
	}
	if (error == 0 && tg_vec_push(out, g) < 0)
		error = tg_error_oom();
	if (error == 0)
		g = NULL;
done:
	if (carry)
		for (c = 0; c <= cols; c++)
			free(carry[c]);
	free(carry);
	free(pending);
	tg_grid__free(g);
	free(rows);
	return error;
}

static int find_tables(tg_vec *out, const GumboNode *node, int first_line,
                       int depth)
{
	const GumboVector *children;
	unsigned i;
	int error = 0;

	if (node->type != GUMBO_NODE_ELEMENT || depth > 32)
		return 0;
	if (node->v.element.tag == GUMBO_TAG_TABLE)
		return read_table(out, node, first_line);
	children = &node->v.element.children;
	for (i = 0; i < children->length && error == 0; i++)
		error = find_tables(out, children->data[i], first_line, depth + 1);
	return error;
}

int tg_grid__html(tg_vec *out, const char *html, size_t len, int first_line)
{
	GumboOutput *parsed;
	int error;

	parsed = gumbo_parse_with_options(&kGumboDefaultOptions, html, len);
	if (!parsed)
		return tg_error_oom();
	error = find_tables(out, parsed->root, first_line, 0);
	gumbo_destroy_output(&kGumboDefaultOptions, parsed);
	return error;
}

char *tg_grid__html_text(const char *html, size_t len)
{
	GumboOutput *parsed;
	char *text;

	parsed = gumbo_parse_with_options(&kGumboDefaultOptions, html, len);
	if (!parsed)
		return NULL;
	text = element_text(parsed->root);
	gumbo_destroy_output(&kGumboDefaultOptions, parsed);
	return text;
}
