/*
 * The model of a document: built from its tree (sections, threats,
 * sign-offs, suppressions, triggers), and the vocabulary every part
 * shares: priorities, categories, statuses, a node's text.
 */
#include <stdlib.h>
#include <string.h>
#include "model.h"
#include "util/banned.h"

char *tg_model__node_text(cmark_node *node)
{
	tg_buf buf = TG_BUF_INIT;
	cmark_iter *iter = cmark_iter_new(node);
	cmark_event_type ev;
	cmark_node *cur;
	const char *lit;

	if (!iter)
		return NULL;
	while ((ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		cur = cmark_iter_get_node(iter);
		switch (cmark_node_get_type(cur)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			lit = cmark_node_get_literal(cur);
			if (lit)
				tg_buf_puts(&buf, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			tg_buf_putc(&buf, '\n');
			break;
		case CMARK_NODE_PARAGRAPH:
		case CMARK_NODE_ITEM:
			if (buf.size && buf.ptr[buf.size - 1] != '\n')
				tg_buf_putc(&buf, '\n');
			break;
		default:
			if (tg_markdown__is(cur, TG_NODE_TABLE_CELL) && buf.size)
				tg_buf_putc(&buf, ' ');
			break;
		}
	}
	cmark_iter_free(iter);
	return tg_buf_detach(&buf);
}

int tg_model__priority(const char *text)
{
	static const struct {
		const char *word;
		int priority;
	} words[] = {
		{ "critical", 1 }, { "high", 2 }, { "medium", 3 },
		{ "low", 4 }, { "informational", 5 }, { "info", 5 },
	};
	const char *p = text;
	size_t i, n;

	if (!p)
		return 0;
	while (*p == ' ' || *p == '\t' || *p == '*' || *p == '(' || *p == '[')
		p++;
	if ((p[0] == 'P' || p[0] == 'p') && p[1] >= '1' && p[1] <= '5' &&
	    !(p[2] >= '0' && p[2] <= '9'))
		return p[1] - '0';
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		n = strlen(words[i].word);
		if (tg_starts_with_ci(p, words[i].word) &&
		    !((p[n] | 0x20) >= 'a' && (p[n] | 0x20) <= 'z'))
			return words[i].priority;
	}
	return 0;
}

/* Compare a token with a category name, ignoring case, '-' and spaces. */
static bool same_name(const char *token, const char *name)
{
	while (*token && *name) {
		char a = *token, b = *name;

		if (a == '-')
			a = ' ';
		if (b == '-')
			b = ' ';
		if ((a | 0x20) != (b | 0x20) && !(a == ' ' && b == ' '))
			return false;
		token++;
		name++;
	}
	return *token == '\0' && *name == '\0';
}

static int category_index(const tg_policy *policy, const char *token)
{
	static const struct {
		const char *alias;
		char letter;
	} stride_aliases[] = {
		{ "dos", 'D' }, { "eop", 'E' }, { "denial of service", 'D' },
		{ "elevation of privileges", 'E' }, { "info disclosure", 'I' },
		{ "information leak", 'I' }, { "privilege escalation", 'E' },
	};
	size_t i;
	char letter = 0;

	for (i = 0; i < policy->categories_count; i++)
		if (same_name(token, policy->categories[i].name))
			return (int)i;
	if (token[0] && !token[1])
		letter = (char)(token[0] & ~0x20);
	if (!letter && policy->framework && strcmp(policy->framework, "stride") == 0)
		for (i = 0; i < sizeof(stride_aliases) / sizeof(stride_aliases[0]); i++)
			if (same_name(token, stride_aliases[i].alias))
				letter = stride_aliases[i].letter;
	if (!letter)
		return -1;
	for (i = 0; i < policy->categories_count; i++)
		if (policy->categories[i].letter == letter)
			return (int)i;
	return -1;
}

int tg_model__parse_categories(unsigned *out, const tg_policy *policy,
                               const char *text, char **bad_token)
{
	char *copy, *p, *start;
	unsigned bits = 0;
	int idx;

	*out = 0;
	if (bad_token)
		*bad_token = NULL;
	if (!text)
		return 0;
	copy = tg_strdup(text);
	if (!copy)
		return tg_error_oom();
	/* " and " joins like a comma does */
	for (p = copy; (p = strstr(p, " and ")) != NULL; p += 5)
		memcpy(p, " ,   ", 5);
	for (start = p = copy;; p++) {
		if (*p && !strchr("/,+&;|", *p))
			continue;
		{
			char saved = *p;

			*p = '\0';
			tg_trim(start);
			tg_squeeze(start);
			if (*start) {
				idx = category_index(policy, start);
				if (idx >= 0)
					bits |= 1u << idx;
				else if (bad_token && !*bad_token) {
					*bad_token = tg_strdup(start);
					if (!*bad_token) {
						free(copy);
						return tg_error_oom();
					}
				}
			}
			if (!saved)
				break;
		}
		start = p + 1;
	}
	free(copy);
	*out = bits;
	return 0;
}

unsigned tg_model__categories(const tg_policy *policy, const char *text,
                              char **bad_token)
{
	unsigned bits;

	return tg_model__parse_categories(&bits, policy, text, bad_token) < 0 ?
	       0 : bits;
}

tg_status tg_model__status(const char *text)
{
	static const struct {
		const char *word;
		tg_status status;
	} words[] = {
		{ "open", TG_STATUS_OPEN }, { "new", TG_STATUS_OPEN },
		{ "todo", TG_STATUS_OPEN }, { "identified", TG_STATUS_OPEN },
		{ "unmitigated", TG_STATUS_OPEN },
		{ "in-progress", TG_STATUS_IN_PROGRESS },
		{ "in progress", TG_STATUS_IN_PROGRESS },
		{ "wip", TG_STATUS_IN_PROGRESS }, { "ongoing", TG_STATUS_IN_PROGRESS },
		{ "planned", TG_STATUS_IN_PROGRESS },
		{ "mitigated", TG_STATUS_MITIGATED }, { "done", TG_STATUS_MITIGATED },
		{ "fixed", TG_STATUS_MITIGATED }, { "resolved", TG_STATUS_MITIGATED },
		{ "closed", TG_STATUS_MITIGATED },
		{ "implemented", TG_STATUS_MITIGATED },
		{ "accepted", TG_STATUS_ACCEPTED },
		{ "risk accepted", TG_STATUS_ACCEPTED },
		{ "risk-accepted", TG_STATUS_ACCEPTED },
		{ "accept", TG_STATUS_ACCEPTED },
		{ "transferred", TG_STATUS_TRANSFERRED },
		{ "transfer", TG_STATUS_TRANSFERRED },
		{ "not-applicable", TG_STATUS_NOT_APPLICABLE },
		{ "not applicable", TG_STATUS_NOT_APPLICABLE },
		{ "n/a", TG_STATUS_NOT_APPLICABLE }, { "na", TG_STATUS_NOT_APPLICABLE },
	};
	/* The first words decide: a prefix will do, and it needs no heap. */
	char copy[64];
	size_t i;
	tg_status status = TG_STATUS_UNKNOWN;

	if (!text)
		return TG_STATUS_NONE;
	while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
		text++;
	snprintf(copy, sizeof(copy), "%s", text);
	tg_squeeze(tg_lower(tg_trim(copy)));
	if (!*copy)
		status = TG_STATUS_NONE;
	for (i = 0; *copy && i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i].word);

		/* "mitigated (v2)", "accepted by @cto": first words decide */
		if (strncmp(copy, words[i].word, n) == 0 &&
		    !(copy[n] >= 'a' && copy[n] <= 'z')) {
			status = words[i].status;
			break;
		}
	}
	return status;
}

const char *tg_status_name(tg_status status)
{
	switch (status) {
	case TG_STATUS_IN_PROGRESS:
		return "in-progress";
	case TG_STATUS_MITIGATED:
		return "mitigated";
	case TG_STATUS_ACCEPTED:
		return "accepted";
	case TG_STATUS_TRANSFERRED:
		return "transferred";
	case TG_STATUS_NOT_APPLICABLE:
		return "not-applicable";
	default:
		return "open";
	}
}

static void free_section(void *p)
{
	struct tg_section *s = p;

	if (s) {
		free(s->title);
		free(s->norm);
		free(s);
	}
}

static void free_hit(void *p)
{
	struct tg_trigger_hit *h = p;

	if (h) {
		free(h->match);
		free(h);
	}
}

static void free_suppression(void *p)
{
	struct tg_suppression *s = p;

	if (s) {
		free(s->rule);
		free(s);
	}
}

void tg_model_free(tg_model *model)
{
	if (!model)
		return;
	tg_vec_release(&model->sections, free_section);
	tg_vec_release(&model->threats, tg_model__free_threat);
	tg_vec_release(&model->signoffs, tg_model__free_signoff);
	tg_vec_release(&model->hits, free_hit);
	tg_vec_release(&model->not_applicable, free);
	tg_vec_release(&model->suppressions, free_suppression);
	free(model);
}

const tg_document *tg_model_document(const tg_model *model)
{
	return model->doc;
}

const struct tg_section *tg_model__section(const struct tg_model *model,
                                           const char *name)
{
	const struct tg_section *misplaced = NULL;
	size_t i;

	for (i = 0; i < model->sections.length; i++) {
		const struct tg_section *s = model->sections.items[i];

		if (!s->rule || strcmp(s->rule->name, name) != 0)
			continue;
		if (!s->misplaced)
			return s;
		if (!misplaced)
			misplaced = s;
	}
	return misplaced;
}

int tg_model_build(tg_model **out, const tg_document *doc,
                   const tg_policy *policy)
{
	return tg_model__build(out, doc, policy, false);
}

int tg_model__build(struct tg_model **out, const struct tg_document *doc,
                    const tg_policy *policy, bool lazy)
{
	struct tg_model *model = calloc(1, sizeof(*model));
	int error = 0;

	*out = NULL;
	if (!model)
		return tg_error_oom();
	model->doc = doc;
	model->policy = policy;
	if (!doc->readable)
		goto ready;

	error = tg_model__sections(model);
	if (error < 0)
		goto done;
	model->security = tg_model__section(model, "security");
	model->threat_model = tg_model__section(model, "threat-model");
	model->signoff = tg_model__section(model, "signoff");

	error = tg_model__threats(model);
	if (error < 0)
		goto done;
	error = tg_model__signoffs(model);
	if (error < 0)
		goto done;
	if (!lazy) {
		error = tg_model__triggers(model);
		if (error < 0)
			goto done;
	}
	error = tg_model__suppressions(model);
	if (error < 0)
		goto done;
ready:
	*out = model;
	model = NULL;
done:
	tg_model_free(model);
	return error;
}
