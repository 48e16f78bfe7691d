#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"
#include "util/banned.h"

/*
 * Inline suppression comments:
 *   <!-- threatgate-disable RULE... -->  ...  <!-- threatgate-enable RULE... -->
 *   <!-- threatgate-disable-next-line RULE... -->
 *   <!-- threatgate-disable-file RULE... -->
 * No RULE means every rule. Comments inside code blocks are examples.
 */

struct span {
	int first, last;
};

static bool known_rule(const char *word, size_t len)
{
	char name[64];
	tg_rule_id id;

	if (len >= sizeof(name))
		return false;
	memcpy(name, word, len);
	name[len] = '\0';
	return tg_rule_lookup(&id, name) == 0;
}

static int add_to(tg_vec *list, const char *rule, size_t len, int first,
                  int last)
{
	struct tg_suppression *s = calloc(1, sizeof(*s));

	if (!s)
		return tg_error_oom();
	s->rule = len ? tg_strndup(rule, len) : NULL;
	s->first_line = first;
	s->last_line = last;
	if ((len && !s->rule) || tg_vec_push(list, s) < 0) {
		free(s->rule);
		free(s);
		return tg_error_oom();
	}
	return 0;
}

static int add(struct tg_model *model, const char *rule, size_t len,
               int first, int last)
{
	return add_to(&model->suppressions, rule, len, first, last);
}

/* Close open ranges of `rule` (every open range when len is 0). */
static void close_ranges(struct tg_model *model, const char *rule, size_t len,
                         int line)
{
	size_t i;

	for (i = 0; i < model->suppressions.length; i++) {
		struct tg_suppression *s = model->suppressions.items[i];

		if (s->last_line != INT_MAX - 1)
			continue;
		if (len == 0 || (s->rule && strlen(s->rule) == len &&
		                 strncmp(s->rule, rule, len) == 0))
			s->last_line = line;
	}
}

enum verb { DISABLE, ENABLE, NEXT_LINE, FILE_WIDE };

static int directive(struct tg_model *model, enum verb verb, const char *args,
                     const char *end, int line)
{
	const char *p = args, *word;
	size_t len;
	bool any = false;
	int error = 0;

	for (;;) {
		while (p < end && (*p == ' ' || *p == ',' || *p == '\t'))
			p++;
		word = p;
		while (p < end && *p != ' ' && *p != ',' && *p != '\t')
			p++;
		len = (size_t)(p - word);
		if (len == 0 && any)
			break;
		any = true;
		/* A misspelt rule suppresses nothing: say so at that line. */
		if (len > 0 && !known_rule(word, len)) {
			error = add_to(&model->unknown_rules, word, len, line,
			               line);
			if (error < 0)
				break;
			continue;
		}
		switch (verb) {
		case DISABLE:
			/* open until enabled; INT_MAX - 1 marks "still open" */
			error = add(model, word, len, line, INT_MAX - 1);
			break;
		case ENABLE:
			close_ranges(model, word, len, line);
			break;
		case NEXT_LINE:
			error = add(model, word, len, line + 1, line + 1);
			break;
		case FILE_WIDE:
			error = add(model, word, len, 1, INT_MAX);
			break;
		}
		if (error < 0 || len == 0)
			break;
	}
	return error;
}

static int collect_code_spans(const struct tg_model *model, struct span **out,
                              size_t *count)
{
	const struct tg_document *doc = model->doc;
	cmark_iter *iter = cmark_iter_new(doc->root);
	cmark_event_type ev;
	cmark_node *node;
	struct span *spans = NULL, *p;
	size_t n = 0, alloc = 0;

	if (!iter)
		return tg_error_oom();
	while ((ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
		node = cmark_iter_get_node(iter);
		if (ev != CMARK_EVENT_ENTER ||
		    cmark_node_get_type(node) != CMARK_NODE_CODE_BLOCK)
			continue;
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 8;
			p = realloc(spans, alloc * sizeof(*p));
			if (!p) {
				free(spans);
				cmark_iter_free(iter);
				return tg_error_oom();
			}
			spans = p;
		}
		spans[n].first = tg_document__line(doc, node);
		spans[n].last = tg_document__end_line(doc, node);
		n++;
	}
	cmark_iter_free(iter);
	*out = spans;
	*count = n;
	return 0;
}

int tg_model__suppressions(struct tg_model *model)
{
	static const struct {
		const char *word;
		enum verb verb;
	} verbs[] = {	/* longest first */
		{ "threatgate-disable-next-line", NEXT_LINE },
		{ "threatgate-disable-file", FILE_WIDE },
		{ "threatgate-disable", DISABLE },
		{ "threatgate-enable", ENABLE },
	};
	const struct tg_document *doc = model->doc;
	const char *data = doc->data + doc->body_offset;
	const char *end = doc->data + doc->len, *p, *eol, *c, *close;
	struct span *code = NULL;
	size_t ncode = 0, i, k;
	int line = doc->body_line, error;
	bool in_code;

	if (!model->policy->allow_inline_disable ||
	    !memmem(data, (size_t)(end - data), "threatgate-", 11))
		return 0;
	error = collect_code_spans(model, &code, &ncode);
	if (error < 0)
		return error;
	for (p = data; p < end && error == 0; p = eol + 1, line++) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		in_code = false;
		for (k = 0; k < ncode; k++)
			if (line >= code[k].first && line <= code[k].last)
				in_code = true;
		c = p;
		while (!in_code && error == 0 &&
		       (c = memmem(c, (size_t)(eol - c), "<!--", 4)) != NULL) {
			c += 4;
			while (c < eol && *c == ' ')
				c++;
			close = memmem(c, (size_t)(eol - c), "-->", 3);
			if (!close)
				break;
			for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
				size_t n = strlen(verbs[i].word);

				if ((size_t)(close - c) >= n &&
				    strncmp(c, verbs[i].word, n) == 0 &&
				    (c[n] == ' ' || c + n == close)) {
					error = directive(model, verbs[i].verb, c + n,
					                  close, line);
					break;
				}
			}
			c = close + 3;
		}
		if (eol == end)
			break;
	}
	/* Ranges never re-enabled run to the end. */
	for (i = 0; i < model->suppressions.length; i++) {
		struct tg_suppression *s = model->suppressions.items[i];

		if (s->last_line == INT_MAX - 1)
			s->last_line = INT_MAX;
	}
	free(code);
	return error;
}
