/*
 * A table as rows of cell texts: what the threat reader reads, whether
 * the table was written in Markdown or in HTML.
 */
#ifndef TG_MODEL_GRID_H
#define TG_MODEL_GRID_H

#include <stddef.h>
#include "util/util.h"

struct tg_grid {
	size_t rows;
	size_t cols;
	char **cells;		/* rows * cols, "" where a row is short */
	int *lines;		/* source line of each row */
};

/* A grid of rows x cols empty cells; NULL when out of memory. */
struct tg_grid *tg_grid__new(size_t rows, size_t cols);
void tg_grid__free(void *grid);
/* The cell, never NULL. */
const char *tg_grid__cell(const struct tg_grid *g, size_t row, size_t col);
/* Replace a cell's text by a copy of `text`: 0 or TG_ENOMEM. */
int tg_grid__set(struct tg_grid *g, size_t row, size_t col, const char *text);

/*
 * Every <table> of an HTML fragment, read with an HTML parser (gumbo),
 * as grids pushed on `out`: colspan and rowspan repeat a cell, <br> and
 * block ends are newlines, tags and attributes are dropped. Rows take
 * `first_line` plus their line in the fragment. 0 or TG_ENOMEM.
 */
int tg_grid__html(tg_vec *out, const char *html, size_t len, int first_line);

/* The text of an HTML fragment without its tags ("<b>x</b> y" = "x y"). */
char *tg_grid__html_text(const char *html, size_t len);

#endif
