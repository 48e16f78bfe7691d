/*
 * Threats in their forms: table rows, list items and headings, with
 * priority, categories, mitigation and status; not-applicable lines.
 */
#include <stdlib.h>
#include <string.h>
#include "model.h"
#include "util/banned.h"

/* The fields a threat can carry, named by table headers or "Key:" lines. */
enum field {
	F_NONE = -1, F_ID, F_TITLE, F_CATEGORY, F_PRIORITY, F_MITIGATION,
	F_STATUS, F_OWNER, F_TICKET, F_APPROVER, F__COUNT
};

static const struct {
	const char *name;
	enum field field;
} field_names[] = {
	{ "id", F_ID }, { "#", F_ID }, { "ref", F_ID },
	{ "threat id", F_ID },
	{ "threat", F_TITLE }, { "threats", F_TITLE }, { "description", F_TITLE },
	{ "title", F_TITLE }, { "name", F_TITLE }, { "scenario", F_TITLE },
	{ "threat description", F_TITLE }, { "threat scenario", F_TITLE },
	{ "stride", F_CATEGORY }, { "category", F_CATEGORY },
	{ "categories", F_CATEGORY }, { "type", F_CATEGORY },
	{ "stride category", F_CATEGORY }, { "linddun", F_CATEGORY },
	{ "priority", F_PRIORITY }, { "severity", F_PRIORITY },
	{ "risk", F_PRIORITY }, { "rating", F_PRIORITY },
	{ "risk rating", F_PRIORITY }, { "prio", F_PRIORITY },
	{ "mitigation", F_MITIGATION }, { "mitigations", F_MITIGATION },
	{ "countermeasure", F_MITIGATION }, { "countermeasures", F_MITIGATION },
	{ "control", F_MITIGATION }, { "controls", F_MITIGATION },
	{ "mitigation plan", F_MITIGATION },
	{ "status", F_STATUS }, { "state", F_STATUS },
	{ "owner", F_OWNER },
	{ "ticket", F_TICKET }, { "issue", F_TICKET }, { "tracking", F_TICKET },
	{ "approver", F_APPROVER }, { "approved by", F_APPROVER },
	{ "accepted by", F_APPROVER }, { "risk owner", F_APPROVER },
};

static enum field field_of(const char *name)
{
	char buf[64];
	size_t i, len = strlen(name);

	if (len >= sizeof(buf))
		return F_NONE;
	memcpy(buf, name, len + 1);
	tg_squeeze(tg_lower(tg_trim(buf)));
	len = strlen(buf);
	while (len > 0 && strchr(":*_ ", buf[len - 1]))
		buf[--len] = '\0';
	for (i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++)
		if (strcmp(buf, field_names[i].name) == 0)
			return field_names[i].field;
	return F_NONE;
}

struct walk {
	struct tg_model *model;
	unsigned heading_categories;	/* from a "#### Spoofing" heading */
	bool in_ranking;		/* "Top risks": references, not threats */
	bool ranking_next;		/* the next list follows "Top risks:" */
};

static struct tg_threat *new_threat(int line, int column,
                                    enum tg_threat_form form)
{
	struct tg_threat *t = calloc(1, sizeof(*t));

	if (t) {
		t->line = line;
		t->column = column > 0 ? column : 1;
		t->form = form;
	}
	return t;
}

void tg_model__free_threat(void *p)
{
	struct tg_threat *t = p;

	if (!t)
		return;
	free(t->id);
	free(t->title);
	free(t->category_text);
	free(t->bad_category);
	free(t->priority_text);
	free(t->mitigation);
	free(t->status_text);
	free(t->approver);
	free(t->owner);
	free(t->ticket);
	free(t);
}

static char **slot(struct tg_threat *t, enum field f)
{
	switch (f) {
	case F_ID: return &t->id;
	case F_TITLE: return &t->title;
	case F_CATEGORY: return &t->category_text;
	case F_PRIORITY: return &t->priority_text;
	case F_MITIGATION: return &t->mitigation;
	case F_STATUS: return &t->status_text;
	case F_OWNER: return &t->owner;
	case F_TICKET: return &t->ticket;
	case F_APPROVER: return &t->approver;
	default: return NULL;
	}
}

/* Set a field once; empty values leave it unset. */
static int set_field(struct tg_threat *t, enum field f, const char *value,
                     size_t len)
{
	char **s = slot(t, f), *copy;

	if (!s || *s)
		return 0;
	copy = tg_strndup(value, len);
	if (!copy)
		return tg_error_oom();
	tg_squeeze(tg_trim(copy));
	if (!*copy) {
		free(copy);
		return 0;
	}
	*s = copy;
	return 0;
}

static bool is_none(const char *s)
{
	static const char *const nones[] = { "", "-", "--", "—", "–", "none",
		"n/a", "na", "tbd", "todo", "?", "tba", "unknown", "no" };
	size_t i;

	for (i = 0; i < sizeof(nones) / sizeof(nones[0]); i++)
		if (tg_strcasecmp(s, nones[i]) == 0)
			return true;
	return false;
}

/* "(P2)", "[high]", "(Priority: high)" inside a title: pull it out. */
static int inline_priority(struct tg_threat *t)
{
	char *open, *close, *inner;

	if (!t->title || t->priority_text)
		return 0;
	for (open = t->title; (open = strpbrk(open, "([")) != NULL; open++) {
		close = strchr(open, *open == '(' ? ')' : ']');
		if (!close)
			break;
		inner = open + 1;
		if (tg_starts_with_ci(inner, "priority:"))
			inner += 9;
		while (*inner == ' ')
			inner++;
		if (tg_model__priority(inner) == 0 || close - inner > 16)
			continue;
		t->priority_text = tg_strndup(inner, (size_t)(close - inner));
		if (!t->priority_text)
			return tg_error_oom();
		memmove(open, close + 1, strlen(close + 1) + 1);
		tg_squeeze(tg_trim(t->title));
		break;
	}
	return 0;
}

/* An id such as T1, TM-12, R_3: a few letters, then digits. */
static bool looks_like_id(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z'))
		i++;
	if (i > 6)
		return false;
	if (i < len && (s[i] == '-' || s[i] == '_'))
		i++;
	if (i == len || !(s[i] >= '0' && s[i] <= '9'))
		return false;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	return i == len;
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* The field a key of `len` bytes names, ignoring case; F_NONE if none. */
static enum field field_named(const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++)
		if (strlen(field_names[i].name) == len &&
		    tg_starts_with_ci(key, field_names[i].name))
			return field_names[i].field;
	return F_NONE;
}

/*
 * The first "Key:" naming a field in [p, end). A key ends at a colon, so
 * only the words just before each colon are candidates: the longest
 * that names a field wins ("Threat description" over "description").
 */
static const char *find_key(const char *p, const char *end, enum field *f,
                            const char **value)
{
	const char *colon, *e, *s, *best;
	enum field found, best_field = F_NONE;

	for (colon = memchr(p, ':', (size_t)(end - p)); colon;
	     colon = memchr(colon + 1, ':', (size_t)(end - colon - 1))) {
		e = colon;
		while (e > p && (e[-1] == ' ' || e[-1] == '*' || e[-1] == '_'))
			e--;
		best = NULL;
		for (s = e - 1; s >= p && e - s <= 24; s--) {
			if (!is_alnum(*s) && *s != '#')
				continue;
			if (s > p && is_alnum(s[-1]))
				continue;
			found = field_named(s, (size_t)(e - s));
			if (found != F_NONE) {
				best = s;
				best_field = found;
			}
		}
		if (best) {
			*f = best_field;
			*value = colon + 1;
			return best;
		}
		if (colon + 1 >= end)
			break;
	}
	return NULL;
}

/* Trim separators left between a title and the next field. */
static size_t trim_tail(const char *p, size_t len)
{
	while (len > 0 && (strchr(" \t-.,;(*_", p[len - 1]) ||
	                   (unsigned char)p[len - 1] >= 0x80)) {
		/* an em or en dash is three bytes ending in 0x94 or 0x93 */
		if ((unsigned char)p[len - 1] >= 0x80) {
			if (len >= 3 && (unsigned char)p[len - 3] == 0xE2 &&
			    (unsigned char)p[len - 2] == 0x80 &&
			    ((unsigned char)p[len - 1] == 0x93 ||
			     (unsigned char)p[len - 1] == 0x94))
				len -= 3;
			else
				break;
		} else {
			len--;
		}
	}
	return len;
}

/* "T1: Forged call" gives an id and a title; else all of it is title. */
static int set_title(struct tg_threat *t, const char *p, size_t len)
{
	const char *colon = memchr(p, ':', len);
	int error;

	while (len > 0 && (*p == ' ' || *p == '*')) {
		p++;
		len--;
	}
	len = trim_tail(p, len);
	if (colon && !t->id && looks_like_id(p, (size_t)(colon - p))) {
		error = set_field(t, F_ID, p, (size_t)(colon - p));
		if (error < 0)
			return error;
		len -= (size_t)(colon + 1 - p);
		p = colon + 1;
	}
	return set_field(t, F_TITLE, p, len);
}

/*
 * Read "Key: value" fields of one text (pieces split on ';'; a value ends
 * where the next key starts, so one wrapped over lines stays whole):
 * "T1: Forged call (P1). Mitigation: HMAC; Status: open". Returns how
 * many fields other than id and title were read, or a negative error.
 */
static int read_fields(struct tg_threat *t, const char *text)
{
	const char *p = text, *end, *key, *value, *next;
	enum field f = F_NONE, nf;
	int fields = 0, error = 0;

	while (*p && error == 0) {
		end = p + strcspn(p, ";");
		while (p < end && error == 0) {
			key = find_key(p, end, &f, &value);
			if (key != p)
				error = set_title(t, p, (size_t)((key ? key : end) - p));
			if (!key || error < 0)
				break;
			next = find_key(value, end, &nf, &p);
			if (!next)
				next = end;
			if (f != F_TITLE && f != F_ID)
				fields++;
			error = set_field(t, f, value,
			                  trim_tail(value, (size_t)(next - value)));
			p = next;
		}
		p = *end ? end + 1 : end;
	}
	return error < 0 ? error : fields;
}

static int finish_threat(struct tg_model *model, struct tg_threat *t,
                         unsigned inherited)
{
	int error;

	t->priority = tg_model__priority(t->priority_text);
	if (t->category_text) {
		error = tg_model__parse_categories(&t->categories,
			model->policy, t->category_text, &t->bad_category);
		if (error < 0)
			return error;
	}
	if (!t->categories && !t->bad_category)
		t->categories = inherited;
	t->status = tg_model__status(t->status_text);
	if (t->mitigation && is_none(t->mitigation)) {
		free(t->mitigation);
		t->mitigation = NULL;
	}
	return 0;
}

static int keep_threat(struct tg_model *model, struct tg_threat *t)
{
	if (tg_vec_push(&model->threats, t) < 0) {
		tg_model__free_threat(t);
		return tg_error_oom();
	}
	return 0;
}

static int add_not_applicable(struct tg_model *model, unsigned categories,
                              int line)
{
	struct tg_not_applicable *na;

	if (!categories)
		return 0;
	na = calloc(1, sizeof(*na));
	if (!na)
		return tg_error_oom();
	na->categories = categories;
	na->line = line;
	if (tg_vec_push(&model->not_applicable, na) < 0) {
		free(na);
		return tg_error_oom();
	}
	return 0;
}

static bool says_not_applicable(const char *s)
{
	while (*s == ' ' || *s == '*' || *s == '_')
		s++;
	return tg_starts_with_ci(s, "not applicable") ||
	       tg_starts_with_ci(s, "n/a") || tg_starts_with_ci(s, "none") ||
	       tg_starts_with_ci(s, "not relevant") ||
	       (tg_starts_with_ci(s, "na") && !((s[2] | 0x20) >= 'a' &&
	                                        (s[2] | 0x20) <= 'z'));
}

/* A ':' or an em or en dash between a category and its declaration. */
static const char *find_separator(const char *p, const char *end)
{
	for (; p < end; p++) {
		if (*p == ':')
			return p;
		if (end - p >= 3 && (unsigned char)p[0] == 0xE2 &&
		    (unsigned char)p[1] == 0x80 &&
		    ((unsigned char)p[2] == 0x93 || (unsigned char)p[2] == 0x94))
			return p;
	}
	return end;
}

/* "Repudiation: not applicable - reason", one per line. */
static int scan_declarations(struct tg_model *model, const char *text,
                             int line)
{
	const char *p = text, *end, *sep;
	char *head;
	unsigned bits;
	char *bad;
	int error = 0, n = 0;

	for (; *p && error == 0; p = *end ? end + 1 : end, n++) {
		end = p + strcspn(p, "\n");
		sep = find_separator(p, end);
		if (sep >= end) {
			sep = strstr(p, " - ");
			if (!sep || sep >= end)
				continue;
		}
		head = tg_strndup(p, (size_t)(sep - p));
		if (!head)
			return tg_error_oom();
		error = tg_model__parse_categories(&bits, model->policy, head,
		                                   &bad);
		free(head);
		if (error < 0)
			return error;
		if (bad) {
			free(bad);
			continue;
		}
		while (*sep && strchr(":—–- ", *sep) && sep < end)
			sep += (unsigned char)*sep >= 0x80 ? 3 : 1;
		/* "Repudiation:" wrapped before "not applicable - why" */
		if (sep >= end && *end == '\n')
			for (sep = end + 1; *sep == ' '; sep++)
				;
		if (bits && says_not_applicable(sep))
			error = add_not_applicable(model, bits, line + n);
	}
	return error;
}

static int parse_table(struct walk *w, cmark_node *table)
{
	const struct tg_document *doc = w->model->doc;
	enum field cols[64];
	cmark_node *row, *cell;
	struct tg_threat *t;
	char *text;
	size_t ncols = 0, i;
	bool has_title = false, has_id = false, has_priority = false;
	int error = 0;

	row = cmark_node_first_child(table);
	for (cell = row ? cmark_node_first_child(row) : NULL;
	     cell && ncols < 64; cell = cmark_node_next(cell)) {
		text = tg_model__node_text(cell);
		if (!text)
			return tg_error_oom();
		cols[ncols] = field_of(text);
		has_title |= cols[ncols] == F_TITLE;
		has_id |= cols[ncols] == F_ID;
		has_priority |= cols[ncols] == F_PRIORITY;
		ncols++;
		free(text);
	}
	/* Asset or coverage tables are not threat tables. */
	if (!has_title && !(has_id && has_priority))
		return 0;

	for (row = row ? cmark_node_next(row) : NULL; row && error == 0;
	     row = cmark_node_next(row)) {
		bool empty = true, placeholder = false;

		t = new_threat(tg_document__line(doc, row), 1, TG_THREAT_TABLE);
		if (!t)
			return tg_error_oom();
		for (cell = cmark_node_first_child(row), i = 0;
		     cell && i < ncols && error == 0;
		     cell = cmark_node_next(cell), i++) {
			text = tg_model__node_text(cell);
			if (!text) {
				error = tg_error_oom();
				break;
			}
			tg_trim(text);
			if (*text)
				empty = false;
			if (strstr(text, "{{"))
				placeholder = true;
			error = set_field(t, cols[i], text, strlen(text));
			free(text);
		}
		if (error < 0 || empty || placeholder) {
			if (placeholder && !error)
				w->model->placeholder_threats++;
			tg_model__free_threat(t);
			continue;
		}
		error = inline_priority(t);
		if (error == 0)
			error = finish_threat(w->model, t, w->heading_categories);
		if (error == 0)
			error = keep_threat(w->model, t);
		else
			tg_model__free_threat(t);
	}
	return error;
}

static int parse_item(struct walk *w, cmark_node *item)
{
	const struct tg_document *doc = w->model->doc;
	struct tg_threat *t;
	cmark_node *child, *sub;
	char *text;
	int fields = 0, n, error = 0;
	bool placeholder = false;

	t = new_threat(tg_document__line(doc, item),
	               cmark_node_get_start_column(item), TG_THREAT_LIST);
	if (!t)
		return tg_error_oom();
	for (child = cmark_node_first_child(item); child && error == 0;
	     child = cmark_node_next(child)) {
		if (cmark_node_get_type(child) == CMARK_NODE_LIST) {
			for (sub = cmark_node_first_child(child); sub && error == 0;
			     sub = cmark_node_next(sub)) {
				text = tg_model__node_text(sub);
				if (!text) {
					error = tg_error_oom();
					break;
				}
				placeholder |= strstr(text, "{{") != NULL;
				n = read_fields(t, text);
				free(text);
				if (n < 0)
					error = n;
				else
					fields += n;
			}
			continue;
		}
		text = tg_model__node_text(child);
		if (!text) {
			error = tg_error_oom();
			break;
		}
		placeholder |= strstr(text, "{{") != NULL;
		if (w->heading_categories && !t->title && !fields &&
		    says_not_applicable(text)) {
			error = add_not_applicable(w->model, w->heading_categories,
			                           t->line);
			free(text);
			tg_model__free_threat(t);
			return error;
		}
		n = read_fields(t, text);
		free(text);
		if (n < 0)
			error = n;
		else
			fields += n;
	}
	if (error == 0)
		error = inline_priority(t);
	if (error < 0 || placeholder || (!t->title && !t->id) ||
	    (!w->heading_categories && fields == 0 && !t->priority_text)) {
		/*
		 * A plain bullet: prose, not a threat. So is one that names
		 * nothing, "- Owner: @dana": metadata about the model.
		 */
		if (placeholder && error == 0)
			w->model->placeholder_threats++;
		if (error == 0 && !placeholder && t->title)
			error = scan_declarations(w->model, t->title, t->line);
		tg_model__free_threat(t);
		return error;
	}
	if (w->heading_categories)
		t->form = TG_THREAT_HEADING;
	error = finish_threat(w->model, t, w->heading_categories);
	if (error < 0) {
		tg_model__free_threat(t);
		return error;
	}
	return keep_threat(w->model, t);
}

/* A heading's title as sections see it: "4.1 Spoofing:" is "spoofing". */
static char *heading_title(const struct tg_model *model, cmark_node *node)
{
	size_t i;

	for (i = 0; i < model->sections.length; i++) {
		const struct tg_section *s = model->sections.items[i];

		if (s->heading == node)
			return tg_strdup(s->norm);
	}
	return tg_model__node_text(node);
}

static int heading(struct walk *w, cmark_node *node)
{
	char *title = heading_title(w->model, node), *bad = NULL;
	unsigned bits;
	int error;

	if (!title)
		return tg_error_oom();
	tg_squeeze(tg_lower(tg_trim(title)));
	w->in_ranking = strncmp(title, "top risk", 8) == 0 ||
	                strncmp(title, "top threat", 10) == 0 ||
	                strstr(title, "ranking") != NULL;
	/* "Spoofing", "S - Spoofing", "Spoofing (S)" */
	{
		char *paren = strchr(title, '(');

		if (paren)
			*paren = '\0';
		if (strncmp(title, "s - ", 4) == 0 || strstr(title, " - "))
			memmove(title, strstr(title, " - ") + 3,
			        strlen(strstr(title, " - ") + 3) + 1);
		tg_trim(title);
	}
	error = tg_model__parse_categories(&bits, w->model->policy, title, &bad);
	w->heading_categories = bad ? 0 : bits;
	free(bad);
	free(title);
	return error;
}

int tg_model__threats(struct tg_model *model)
{
	const struct tg_section *tm = model->threat_model;
	const struct tg_document *doc = model->doc;
	struct walk w = { model, 0, false, false };
	cmark_node *node, *item;
	char *text;
	int line, error = 0;
	bool ranking;

	if (!tm)
		return 0;
	for (node = cmark_node_next(tm->heading); node && error == 0;
	     node = cmark_node_next(node)) {
		line = tg_document__line(doc, node);
		if (line > tm->end_line)
			break;
		ranking = w.in_ranking || w.ranking_next;
		w.ranking_next = false;
		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_HEADING:
			error = heading(&w, node);
			break;
		case CMARK_NODE_LIST:
			if (ranking)
				break;
			for (item = cmark_node_first_child(node);
			     item && error == 0; item = cmark_node_next(item))
				error = parse_item(&w, item);
			break;
		case CMARK_NODE_PARAGRAPH:
			text = tg_model__node_text(node);
			if (!text)
				return tg_error_oom();
			/* "**Top risks**, worst first:" introduces a ranking */
			tg_lower(text);
			w.ranking_next = strncmp(text, "top risk", 8) == 0 ||
			                 strncmp(text, "top threat", 10) == 0 ||
			                 strncmp(text, "risk ranking", 12) == 0;
			if (w.heading_categories && says_not_applicable(text))
				error = add_not_applicable(model,
					w.heading_categories, line);
			else
				error = scan_declarations(model, text, line);
			free(text);
			break;
		default:
			if (tg_markdown__is(node, TG_NODE_TABLE))
				error = parse_table(&w, node);
			break;
		}
	}
	return error;
}
