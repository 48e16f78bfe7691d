#include <stdlib.h>
#include <string.h>
#include "model.h"
#include "model/grid.h"
#include "util/banned.h"

/*
 * The fields a threat can carry, named by table headers, "Key:" lines
 * and bold labels. F_RISK is "Risk": the threat itself, unless another
 * column names the threat, then its rating. F_ASSET names what is
 * attacked ("Asset", "Component", "Compromise"): part of the title.
 */
enum field {
	F_NONE = -1, F_ID, F_TITLE, F_CATEGORY, F_PRIORITY, F_MITIGATION,
	F_STATUS, F_OWNER, F_TICKET, F_APPROVER, F_IMPACT, F_LIKELIHOOD,
	F_RISK, F_ASSET, F_IGNORE, F__COUNT
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
	{ "attack", F_TITLE }, { "attacks", F_TITLE }, { "risks", F_TITLE },
	{ "summary", F_TITLE }, { "finding", F_TITLE },
	{ "stride", F_CATEGORY }, { "category", F_CATEGORY },
	{ "categories", F_CATEGORY }, { "type", F_CATEGORY },
	{ "stride category", F_CATEGORY }, { "linddun", F_CATEGORY },
	{ "priority", F_PRIORITY }, { "severity", F_PRIORITY },
	{ "risk", F_RISK }, { "rating", F_PRIORITY },
	{ "risk rating", F_PRIORITY }, { "prio", F_PRIORITY },
	{ "risk level", F_PRIORITY },
	{ "impact", F_IMPACT }, { "likelihood", F_LIKELIHOOD },
	{ "mitigation", F_MITIGATION }, { "mitigations", F_MITIGATION },
	{ "countermeasure", F_MITIGATION }, { "countermeasures", F_MITIGATION },
	{ "control", F_MITIGATION }, { "controls", F_MITIGATION },
	{ "mitigation plan", F_MITIGATION },
	{ "recommended mitigation", F_MITIGATION },
	{ "recommended mitigations", F_MITIGATION },
	{ "possible mitigation strategies", F_MITIGATION },
	{ "mitigation strategies", F_MITIGATION },
	{ "suggested mitigation", F_MITIGATION },
	{ "mitigation strategy", F_MITIGATION },
	{ "remediation", F_MITIGATION },
	{ "status", F_STATUS }, { "state", F_STATUS },
	{ "owner", F_OWNER },
	{ "ticket", F_TICKET }, { "issue", F_TICKET }, { "tracking", F_TICKET },
	{ "approver", F_APPROVER }, { "approved by", F_APPROVER },
	{ "accepted by", F_APPROVER }, { "risk owner", F_APPROVER },
};

static bool contains(const char *s, const char *word)
{
	return strstr(s, word) != NULL;
}

/*
 * A column or label by its words when no name matches whole: "Impact
 * (High/ Med/ Low)", "Suggested Mitigation", "Attacker capabilities",
 * "What I want to protect?".
 */
static enum field field_by_words(const char *s)
{
	if (contains(s, "reference") || contains(s, "link") ||
	    contains(s, "discovered"))
		return F_NONE;
	if (contains(s, "threat id") || strcmp(s, "no.") == 0)
		return F_ID;
	if (contains(s, "mitigat") || contains(s, "countermeasure") ||
	    contains(s, "remediat") || contains(s, "recommend") ||
	    contains(s, "safeguard") || contains(s, "defen") ||
	    contains(s, "treatment"))
		return F_MITIGATION;
	if (contains(s, "impact"))
		return F_IMPACT;
	if (contains(s, "likel") || contains(s, "probab"))
		return F_LIKELIHOOD;
	if (contains(s, "improved security") || contains(s, "security measure") ||
	    contains(s, "protection in place") || contains(s, "how it is protected"))
		return F_MITIGATION;
	if (contains(s, "severity") || contains(s, "priority") ||
	    contains(s, "rating") || contains(s, "risk level") ||
	    contains(s, "criticality") || contains(s, "dread") ||
	    contains(s, "cvss"))
		return F_PRIORITY;
	if (contains(s, "stride") || contains(s, "categor") ||
	    contains(s, "threat type"))
		return F_CATEGORY;
	if (contains(s, "threat") || contains(s, "attack") ||
	    contains(s, "scenario") || contains(s, "description") ||
	    contains(s, "summary") || contains(s, "issue") ||
	    contains(s, "finding") || contains(s, "weakness") ||
	    contains(s, "vulnerab") || contains(s, "failure") ||
	    contains(s, "abuse") || contains(s, "can go wrong") ||
	    contains(s, "protecting it from") || contains(s, "adversar") ||
	    contains(s, "hazard") || contains(s, "concern"))
		return F_TITLE;
	if (contains(s, "risk"))
		return F_RISK;
	if (contains(s, "control"))
		return F_MITIGATION;
	if (contains(s, "asset") || contains(s, "component") ||
	    contains(s, "compromise") || contains(s, "want to protect") ||
	    contains(s, "element") || contains(s, "target"))
		return F_ASSET;
	if (contains(s, "status"))
		return F_STATUS;
	return F_NONE;
}

/* A copy of a header or label: lower case, no emphasis, no "(...)". */
static void clean_name(char *buf, size_t size, const char *name)
{
	size_t len = 0;
	int paren = 0;
	const char *p;

	for (p = name; *p && len + 1 < size; p++) {
		if (*p == '(')
			paren++;
		else if (*p == ')' && paren > 0)
			paren--;
		else if (!paren && *p != '*' && *p != '_' && *p != '?' &&
		         *p != '`')
			buf[len++] = *p == '\n' ? ' ' : *p;
	}
	buf[len] = '\0';
	tg_squeeze(tg_lower(tg_trim(buf)));
	len = strlen(buf);
	while (len > 0 && strchr(":*_ .", buf[len - 1]))
		buf[--len] = '\0';
}

static enum field field_exact(const char *buf)
{
	size_t i;

	for (i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++)
		if (strcmp(buf, field_names[i].name) == 0)
			return field_names[i].field;
	return F_NONE;
}

/* A table header or label: by its name, else by its words. */
static enum field field_of(const char *name)
{
	char buf[96];
	enum field f;

	if (strlen(name) >= 200)
		return F_NONE;
	clean_name(buf, sizeof(buf), name);
	f = field_exact(buf);
	return f != F_NONE || !*buf ? f : field_by_words(buf);
}

struct walk {
	struct tg_model *model;
	const struct tg_section *region;
	unsigned heading_categories;	/* from a "#### Spoofing" heading */
	int cat_level;
	bool plain_ok;		/* the nearest heading lists threats: a
				 * plain bullet under it is one */
	bool list_at[8];	/* by level: the heading there lists threats */
	bool plain_all;		/* it is a list of threats ("Threats
				 * covered"): every plain bullet counts */
	bool in_ranking;		/* "Top risks": references, not threats */
	bool ranking_next;		/* the next list follows "Top risks:" */
	enum { L_NONE, L_THREATS, L_MITIGATIONS } label;
	enum field pending;	/* "**Mitigation**" alone: the next block */
	/*
	 * A threat still collecting fields: one heading per threat, one
	 * <details> block, one "*Threat:*" paragraph.
	 */
	struct tg_threat *open;
	int open_level;		/* its heading's level; 7 for others */
	bool open_details;
	bool open_group;	/* a heading that may turn out a group */
	struct tg_threat *mit_target;	/* a "Mitigations" heading's threat */
	int mit_level;
	size_t group_start;	/* first threat of the current group */
	char *heading_rating;	/* "(SEVERITY: Medium)" in a heading */
	int rating_level;
	int skip_until;		/* lines an HTML table already read */
	int unreadable_line;
	char *unreadable;
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
	free(t->impact);
	free(t->likelihood);
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
	case F_IMPACT: return &t->impact;
	case F_LIKELIHOOD: return &t->likelihood;
	default: return NULL;
	}
}

/* Set a field once; empty values leave it unset. */
static int set_field(struct tg_threat *t, enum field f, const char *value,
                     size_t len)
{
	char **s, *copy;

	if (f == F_RISK) {
		copy = tg_strndup(value, len < 24 ? len : 24);
		if (!copy)
			return tg_error_oom();
		f = tg_model__rating(copy) ? F_PRIORITY : F_TITLE;
		free(copy);
	}
	s = slot(t, f);
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
		else if (tg_starts_with_ci(inner, "severity:"))
			inner += 9;
		else if (tg_starts_with_ci(inner, "risk:"))
			inner += 5;
		else if (tg_starts_with_ci(inner, "rating:"))
			inner += 7;
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

/*
 * An id: T1, TM-12, R_3, Threat-01-S, Spoof.1, T-R1, A1, S1R1: a word
 * of letters, digits and '-', '_' or '.' that starts with a letter,
 * holds a digit and is not too long.
 */
static bool looks_like_id(const char *s, size_t len)
{
	size_t i, letters = 0;
	bool has_digit = false;

	if (len == 0 || len > 16 || !((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z'))
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			has_digit = true;
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
			if (!has_digit)
				letters++;
		} else if (c != '-' && c != '_' && c != '.') {
			return false;
		}
	}
	if (s[len - 1] == '.' || s[len - 1] == '-')
		return false;
	/* "Threat-01-S", "Spoof.1" have long words; "OAuth2" is a name */
	return has_digit && (letters <= 6 || memchr(s, '-', len) ||
	                     memchr(s, '.', len) || memchr(s, '_', len));
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

/* Two or more words of letters only in [p, end): no id, number or mark. */
static bool plain_words(const char *p, const char *end)
{
	size_t words = 0;
	bool in = false;

	for (; p < end; p++) {
		bool letter = ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') || *p == '-';

		if (!letter && *p != ' ')
			return false;
		if (letter && !in)
			words++;
		in = letter;
	}
	return words >= 2;
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
		for (s = e - 1; s >= p && e - s <= 32; s--) {
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
		/*
		 * "Arbitrary Supply Chain Control: ..." opening the text: a
		 * label of plain words whose last word names a field is the
		 * item's own name, not a title followed by a key.
		 */
		if (best && best > p && colon == memchr(p, ':', (size_t)(end - p)) &&
		    plain_words(p, best))
			best = NULL;
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

/*
 * The length of an id at the start of p and of what follows it up to
 * the title: "T1: x", "Threat-01-S - x", "Threat ID 3 - x", "(B1) x",
 * "Spoof.1 - x". 0 when p does not start with an id.
 */
static size_t id_prefix(const char *p, size_t len, size_t *id_len,
                        size_t *id_start)
{
	size_t i = 0, e, n;

	*id_start = 0;
	*id_len = 0;	/* callers compare with it even when no id is found */
	if (len > 0 && (*p == '(' || *p == '[')) {
		char close = *p == '(' ? ')' : ']';

		for (e = 1; e < len && e < 18 && p[e] != close; e++)
			;
		if (e < len && p[e] == close && looks_like_id(p + 1, e - 1)) {
			*id_start = 1;
			*id_len = e - 1;
			i = e + 1;
			goto sep;
		}
		return 0;
	}
	if (len > 10 && tg_starts_with_ci(p, "threat id ") &&
	    p[10] >= '0' && p[10] <= '9') {
		for (e = 10; e < len && p[e] >= '0' && p[e] <= '9'; e++)
			;
		*id_len = e;
		i = e;
		goto sep;
	}
	for (e = 0; e < len && e < 17 && p[e] != ' ' && p[e] != ':' &&
	     p[e] != '\t' && p[e] != '\n'; e++)
		;
	n = e;
	while (n > 0 && (p[n - 1] == '.' || p[n - 1] == ',' || p[n - 1] == ')'))
		n--;
	if (!looks_like_id(p, n))
		return 0;
	*id_len = n;
	i = e;
sep:
	while (i < len && (p[i] == ' ' || p[i] == ':' || p[i] == '-' ||
	                   p[i] == '.' || p[i] == '*'))
		i++;
	/* an en or em dash */
	if (i + 2 < len && (unsigned char)p[i] == 0xE2 &&
	    (unsigned char)p[i + 1] == 0x80 &&
	    ((unsigned char)p[i + 2] == 0x93 || (unsigned char)p[i + 2] == 0x94)) {
		i += 3;
		while (i < len && p[i] == ' ')
			i++;
	}
	return i;
}

/* "T1: Forged call" gives an id and a title; else all of it is title. */
static int set_title(struct tg_threat *t, const char *p, size_t len)
{
	const char *colon = memchr(p, ':', len);
	size_t skip, id_len, id_start;
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
	} else if (!t->id && (skip = id_prefix(p, len, &id_len, &id_start)) > 0 &&
	           skip < len && (skip > id_len + id_start || id_start)) {
		error = set_field(t, F_ID, p + id_start, id_len);
		if (error < 0)
			return error;
		len -= skip;
		p += skip;
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

/* 0 or TG_ENOMEM: a threat does not lose a field to OOM. */
static int finish_threat(struct tg_model *model, struct tg_threat *t,
                         unsigned inherited)
{
	int error;

	t->priority = tg_model__rating(t->priority_text);
	if (!t->priority && (t->impact || t->likelihood)) {
		t->priority = tg_model__impact_likelihood(t->impact, t->likelihood);
		if (t->priority && !t->priority_text) {
			t->priority_text = t->impact && t->likelihood ?
				tg_printf("Impact: %s / Likelihood: %s", t->impact,
				          t->likelihood) :
				t->impact ? tg_printf("Impact: %s", t->impact) :
				tg_printf("Likelihood: %s", t->likelihood);
			if (!t->priority_text)
				return tg_error_oom();
		}
	}
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
		bits = tg_model__categories(model->policy, head, &bad);
		free(head);
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


/* ------------------------------------------------------------------ */
/* Words                                                              */
/* ------------------------------------------------------------------ */

static bool starts_word_ci(const char *s, const char *word)
{
	size_t n = strlen(word);

	return tg_starts_with_ci(s, word) &&
	       !((s[n] | 0x20) >= 'a' && (s[n] | 0x20) <= 'z');
}

/* A copy, lower case, emphasis and trailing ':' gone. */
static char *label_of(const char *text)
{
	char *copy = tg_strdup(text), *p, *q;
	size_t len;

	if (!copy)
		return NULL;
	for (p = q = copy; *p; p++)
		if (*p != '*' && *p != '_')
			*q++ = *p == '\n' ? ' ' : *p;
	*q = '\0';
	tg_squeeze(tg_lower(tg_trim(copy)));
	len = strlen(copy);
	while (len > 0 && strchr(":.- ", copy[len - 1]))
		copy[--len] = '\0';
	return copy;
}

static bool in_list(const char *s, const char *const *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, words[i]) == 0)
			return true;
	return false;
}

#define IN_LIST(s, list) in_list(s, list, sizeof(list) / sizeof(list[0]))

/* "Threats:", "**Risks**:", "Potential threats": a list of threats follows. */
static bool threats_label(const char *l)
{
	static const char *const words[] = {
		"threats", "threat", "risks", "risk", "attacks", "potential threats",
		"threat scenarios", "possible threats", "identified threats",
		"key threats", "threats identified", "attack vectors",
		"threats include", "risks include", "attack scenarios",
	};
	return IN_LIST(l, words);
}

static bool mitigations_label(const char *l)
{
	static const char *const words[] = {
		"mitigations", "mitigation", "possible mitigations",
		"recommended mitigations", "recommended mitigation",
		"possible mitigation strategies", "mitigation strategies",
		"controls", "countermeasures", "countermeasure", "remediation",
		"remediations", "suggested mitigations", "suggested mitigation",
		"mitigated by", "defenses", "defences", "existing controls",
		"proposed mitigations", "solution", "solutions",
	};
	return IN_LIST(l, words);
}

/* Headings that are about the model, not a threat. */
static bool generic_heading(const char *t)
{
	static const char *const words[] = {
		"overview", "introduction", "background", "summary", "conclusion",
		"conclusions", "scope", "assets", "actors", "components",
		"architecture", "data flow", "data flows", "references",
		"appendix", "notes", "recommendations", "methodology", "glossary",
		"assumptions", "goals", "non-goals", "out of scope", "attack surface",
		"attack surfaces", "trust boundaries", "security strategy",
		"mitigations", "controls", "related threats", "examples",
		"threat actors", "adversaries", "primary", "secondary",
		"data dictionary", "terminology", "definitions", "motivation",
		"design details", "alternatives", "open questions",
		"stride reminders", "reminders", "legend", "key",
	};
	if (strstr(t, "notes") || strstr(t, "overview") || strstr(t, "summary"))
		return true;
	/* "Attacker Motivations", "Expected Attacker Capabilities" */
	if ((strstr(t, "attacker") || strstr(t, "adversar")) &&
	    (strstr(t, "motivation") || strstr(t, "capabilit") ||
	     strstr(t, "goals") || strstr(t, "profile") || strstr(t, "model")))
		return true;
	return IN_LIST(t, words);
}

static bool mitigation_words(const char *t)
{
	return strstr(t, "mitigation") || strstr(t, "countermeasure") ||
	       strstr(t, "remediation") || strstr(t, "recommended fix") ||
	       strstr(t, "recommendation");
}

/* A title saying threats follow: "Threats", "Potential threats". */
static size_t word_count(const char *s);

static bool threats_heading(const char *t)
{
	if (strstr(t, "out of scope") || strstr(t, "out-of-scope") ||
	    strstr(t, "notes") || strstr(t, "actors") || strstr(t, "surface"))
		return false;
	if (tg_model__title_score("threat-model", t) > 0)
		return true;
	/* "Security risks", "Known attacks"; not a threat's own long title */
	return word_count(t) <= 5 &&
	       (strstr(t, "risks") || strstr(t, "attacks") ||
	        strstr(t, "vulnerabilities") || strstr(t, "failure modes") ||
	        strstr(t, "mitre") || strstr(t, "att and ck"));
}

/*
 * A heading that is itself a list of threats ("Threats covered",
 * "Potential threats", "Security Risks"), not a whole threat model.
 */
static bool list_title(const char *t)
{
	return threats_heading(t) && !strstr(t, "model") && !strstr(t, "analysis") &&
	       !strstr(t, "assessment") && !strstr(t, "stride") &&
	       !strstr(t, "theoretical") && !strstr(t, "considerations");
}

/*
 * Whether a bullet reads as a mitigation or a control rather than a
 * threat: it starts with what one does ("Use", "Implement", "Enable").
 */
static bool mitigation_led(const char *text)
{
	static const char *const verbs[] = {
		"use", "implement", "enable", "ensure", "enforce", "require",
		"apply", "restrict", "limit", "validate", "verify", "sign",
		"encrypt", "monitor", "log", "audit", "adopt", "employ",
		"configure", "deploy", "provide", "regularly", "rotate", "store",
		"mandate", "establish", "conduct", "perform", "maintain",
		"utilize", "utilise", "leverage", "integrate", "introduce",
		"set up", "keep", "rely", "run", "add", "check", "define",
		"document", "educate", "review", "scan", "pin", "harden",
		"using", "implementing", "enabling", "enforcing", "applying",
		"ensuring", "the need to", "need for", "importance of", "prevent",
		"avoid", "disable", "disallow", "deny", "block",
	};
	size_t i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (starts_word_ci(text, verbs[i]))
			return true;
	return false;
}

/* A text that says what is done about a threat. */
static bool answers(const char *text)
{
	static const char *const words[] = {
		"mitigat", " must ", " should ", "prevent", "ensure", "require",
		"recommend", "protect", "instead", "is refused", "are refused",
		"is rejected", "are rejected", "limit", "only ", "MUST", "SHOULD",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(text, words[i]))
			return true;
	return false;
}

/* A mitigation that names the threat it answers. */
static bool says_risk_of(const char *text)
{
	return strstr(text, "the risk of") || strstr(text, "the risk in") ||
	       strstr(text, "the impact of");
}

/* Template text: "Example bad thing that might happen", "{{...}}". */
static bool placeholder_text(const char *text)
{
	return strstr(text, "{{") || starts_word_ci(text, "example") ||
	       starts_word_ci(text, "sample") || starts_word_ci(text, "e.g") ||
	       starts_word_ci(text, "lorem") || starts_word_ci(text, "todo") ||
	       starts_word_ci(text, "tbd") || strstr(text, "bad thing") ||
	       (text[0] == '<' && text[strlen(text) - 1] == '>');
}

/* Words that make a sentence a threat: who attacks, what goes wrong. */
static bool threat_words(const char *text)
{
	static const char *const stems[] = {
		"attack", "malicious", "adversar", "compromis", "leak", "spoof",
		"forge", "forgery", "tamper", "steal", "stolen", "bypass", "inject",
		"travers", "denial", "dos ", "ddos", "exhaust", "abuse", "unauthori",
		"impersonat", "escalat", "exploit", "expos", "replay", "overflow",
		"flood", "risk", "vulnerab", "evil", "rogue", "hijack", "intercept",
		"sniff", "phish", "brute", "threat", "could ", "may ", "might ",
		"can be", "cannot", "fail", "lost", "loss", "disclos", "misuse",
		"poison", "confus", "squat", "backdoor", "insider", "man-in-the",
		"mitm", "race", "timing", "oracle", "spam", "harvest", "enumerat",
		"guess", "crash", "corrupt", "malware", "breach", "eavesdrop",
		"downgrade", "takeover", "privilege", "slip", "bomb", "symlink",
		"withhold", "starv", "anyone can", "not validated", "unvalidated",
		"without validation", "sensitive data",
	};
	char *low = tg_strdup(text);
	size_t i;
	bool yes = false;

	if (!low)
		return false;
	tg_lower(low);
	for (i = 0; i < sizeof(stems) / sizeof(stems[0]) && !yes; i++)
		yes = strstr(low, stems[i]) != NULL;
	free(low);
	return yes;
}

static size_t word_count(const char *s)
{
	size_t n = 0;
	bool in = false;

	for (; *s; s++) {
		bool alnum = ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z') ||
		             (*s >= '0' && *s <= '9') || (unsigned char)*s >= 0x80;

		if (alnum && !in)
			n++;
		in = alnum;
	}
	return n;
}

/* "Spoofing", "S - Spoofing", "S — Spoofing", "Spoofing Identity (S):" */
static unsigned category_heading(const tg_policy *policy, const char *title)
{
	char *copy = tg_strdup(title), *p, *bad = NULL;
	unsigned bits = 0;
	size_t i, n;

	if (!copy)
		return 0;
	if ((p = strchr(copy, '(')) != NULL)
		*p = '\0';
	tg_trim(copy);
	/* "S - Spoofing", "S — Spoofing", "1 - Spoofing" */
	for (p = copy; *p; p++) {
		if (p[0] == ' ' && p[1] == '-' && p[2] == ' ') {
			memmove(copy, p + 3, strlen(p + 3) + 1);
			break;
		}
		if (p[0] == ' ' && (unsigned char)p[1] == 0xE2 &&
		    (unsigned char)p[2] == 0x80 &&
		    ((unsigned char)p[3] == 0x93 || (unsigned char)p[3] == 0x94)) {
			memmove(copy, p + 4, strlen(p + 4) + 1);
			break;
		}
	}
	tg_squeeze(tg_lower(tg_trim(copy)));
	n = strlen(copy);
	while (n > 0 && strchr(":.", copy[n - 1]))
		copy[--n] = '\0';
	bits = tg_model__categories(policy, copy, &bad);
	if (bad) {
		free(bad);
		bits = 0;
		/* "Spoofing Identity", "Tampering with data": the name first */
		for (i = 0; i < policy->categories_count && !bits; i++) {
			n = strlen(policy->categories[i].name);
			if (tg_starts_with_ci(copy, policy->categories[i].name) &&
			    copy[n] == ' ' && word_count(copy) <= 3)
				bits = 1u << i;
		}
	}
	free(copy);
	return bits;
}

/* The category an id carries: "Threat-01-S", "Spoof.1", "T-R1". */
static unsigned id_categories(const tg_policy *policy, const char *id)
{
	static const struct {
		const char *prefix;
		char letter;
	} words[] = {
		{ "spoof", 'S' }, { "tamper", 'T' }, { "repud", 'R' },
		{ "info", 'I' }, { "disclos", 'I' }, { "dos", 'D' },
		{ "denial", 'D' }, { "elev", 'E' }, { "eop", 'E' },
		{ "priv", 'E' },
	};
	const char *last;
	char letter = 0;
	size_t i;

	if (!id || !policy->framework || strcmp(policy->framework, "stride") != 0)
		return 0;
	last = id + strlen(id);
	/* "Threat-01-S": a last part of one letter */
	if (last - id >= 3 && (last[-2] == '-' || last[-2] == '_'))
		letter = (char)(last[-1] & ~0x20);
	/* "T-R1": a letter before the number */
	else if ((id[0] == 'T' || id[0] == 't') && id[1] == '-' &&
	         ((id[2] | 0x20) >= 'a' && (id[2] | 0x20) <= 'z') &&
	         id[3] >= '0' && id[3] <= '9')
		letter = (char)(id[2] & ~0x20);
	for (i = 0; !letter && i < sizeof(words) / sizeof(words[0]); i++)
		if (tg_starts_with_ci(id, words[i].prefix))
			letter = words[i].letter;
	for (i = 0; letter && i < policy->categories_count; i++)
		if (policy->categories[i].letter == letter)
			return 1u << i;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Threats being built                                                */
/* ------------------------------------------------------------------ */

static int finish_keep(struct walk *w, struct tg_threat *t, unsigned cats)
{
	int error = inline_priority(t);

	if (error < 0) {
		tg_model__free_threat(t);
		return error;
	}
	if (!cats)
		cats = id_categories(w->model->policy, t->id);
	if (!t->priority_text && w->heading_rating) {
		t->priority_text = tg_strdup(w->heading_rating);
		if (!t->priority_text) {
			tg_model__free_threat(t);
			return tg_error_oom();
		}
	}
	if (t->form == TG_THREAT_LIST && w->heading_categories &&
	    cats == w->heading_categories)
		t->form = TG_THREAT_HEADING;
	error = finish_threat(w->model, t, cats);
	if (error < 0) {
		tg_model__free_threat(t);
		return error;
	}
	return keep_threat(w->model, t);
}

/* Close the open threat: keep it, or drop a heading that was a group. */
static int close_open(struct walk *w)
{
	struct tg_threat *t = w->open;
	int error = 0;

	if (!t)
		return 0;
	w->open = NULL;
	if (t->title && *t->title)
		error = finish_keep(w, t, w->heading_categories);
	else
		tg_model__free_threat(t);
	w->open_details = false;
	w->open_group = false;
	return error;
}

/* A threat of another form starts: an open heading was a group. */
static void drop_group(struct walk *w)
{
	if (w->open && w->open_group) {
		tg_model__free_threat(w->open);
		w->open = NULL;
		w->open_group = false;
	}
}

static struct tg_threat *find_by_id(struct tg_model *model, const char *id,
                                    size_t len)
{
	size_t i;

	for (i = model->threats.length; i-- > 0;) {
		struct tg_threat *t = model->threats.items[i];

		if (t->id && strlen(t->id) == len && strncmp(t->id, id, len) == 0)
			return t;
	}
	return NULL;
}

/* Append text to a threat's mitigation (a list of them, say). */
static int add_mitigation(struct tg_threat *t, const char *text)
{
	char *joined, *copy;

	if (!t || !text)
		return 0;
	copy = tg_strdup(text);
	if (!copy)
		return tg_error_oom();
	tg_squeeze(tg_trim(copy));
	if (!*copy || is_none(copy)) {
		free(copy);
		return 0;
	}
	if (!t->mitigation) {
		t->mitigation = copy;
		return 0;
	}
	if (strlen(t->mitigation) > 2000) {
		free(copy);
		return 0;
	}
	joined = tg_printf("%s; %s", t->mitigation, copy);
	free(copy);
	if (!joined)
		return tg_error_oom();
	free(t->mitigation);
	t->mitigation = joined;
	return 0;
}

/*
 * Where a mitigation goes: a Mitigations heading's threat, the open
 * threat, else every threat of the current group that has none.
 */
static int mitigate(struct walk *w, const char *text)
{
	size_t i;
	int error = 0;

	if (w->mit_target)
		return add_mitigation(w->mit_target, text);
	if (w->open)
		return add_mitigation(w->open, text);
	for (i = w->group_start; i < w->model->threats.length && error == 0; i++) {
		struct tg_threat *t = w->model->threats.items[i];

		if (!t->mitigation || t->form == TG_THREAT_LIST)
			error = add_mitigation(t, text);
	}
	return error;
}

static void note_unreadable(struct walk *w, int line, const char *what)
{
	if (w->unreadable)
		return;
	w->unreadable = tg_strdup(what);
	w->unreadable_line = line;
}

/* ------------------------------------------------------------------ */
/* Tables                                                             */
/* ------------------------------------------------------------------ */

static bool cell_is_category(const tg_policy *policy, const char *cell,
                             unsigned *bits)
{
	*bits = category_heading(policy, cell);
	return *bits != 0;
}

static bool not_applicable_cell(const char *cell)
{
	const char *dash = strstr(cell, " - ");
	const char *v = dash ? dash + 3 : cell;

	return is_none(v) || tg_starts_with_ci(v, "n/a") ||
	       tg_starts_with_ci(v, "na") || says_not_applicable(v);
}

/* The first rating word anywhere in a cell: "Update - Critical". */
static char *rating_in(const char *cell)
{
	const char *p;

	for (p = cell; *p; p++) {
		if (*p == ' ' || (p > cell && (((p[-1] | 0x20) >= 'a' &&
		                                (p[-1] | 0x20) <= 'z'))))
			continue;
		if (tg_model__rating(p) && !tg_starts_with_ci(p, "none") &&
		    !tg_starts_with_ci(p, "info")) {
			size_t n = strcspn(p, " ,;)\n");

			return tg_strndup(p, n);
		}
	}
	return NULL;
}

/* A matrix cell: one threat, its category from its row or column. */
static int matrix_threat(struct walk *w, const struct tg_grid *g, size_t r,
                         size_t c, unsigned cats, const char *label,
                         bool rated)
{
	const char *cell = tg_grid__cell(g, r, c);
	struct tg_threat *t;
	int error;

	if (!*cell || not_applicable_cell(cell) || placeholder_text(cell))
		return 0;
	t = new_threat(g->lines[r], 1, TG_THREAT_TABLE);
	if (!t)
		return tg_error_oom();
	t->title = label ? tg_printf("%s: %s", label, cell) : tg_strdup(cell);
	if (!t->title) {
		tg_model__free_threat(t);
		return tg_error_oom();
	}
	tg_squeeze(t->title);
	for (char *p = t->title; *p; p++)
		if (*p == '\n')
			*p = ' ';
	if (rated)
		t->priority_text = rating_in(cell);
	error = finish_keep(w, t, cats);
	return error;
}

/*
 * Threats in one cell, one per line led by an id: "Spoof.1 - x" /
 * "Spoof.2 - y". Returns how many lines were ids, 0 when fewer than 2.
 */
static size_t id_lines(const char *cell)
{
	const char *p = cell, *end;
	size_t n = 0, id_len, id_start, skip;

	for (; *p; p = *end ? end + 1 : end) {
		end = p + strcspn(p, "\n");
		skip = id_prefix(p, (size_t)(end - p), &id_len, &id_start);
		if (skip > id_len && skip < (size_t)(end - p))
			n++;
	}
	return n >= 2 ? n : 0;
}

static int split_cell(struct walk *w, const struct tg_threat *proto,
                      const char *cell, unsigned cats)
{
	const char *p = cell, *end;
	struct tg_threat *t = NULL;
	int error = 0;

	for (; *p && error == 0; p = *end ? end + 1 : end) {
		size_t id_len, id_start, skip;

		end = p + strcspn(p, "\n");
		skip = id_prefix(p, (size_t)(end - p), &id_len, &id_start);
		if (skip > id_len && skip < (size_t)(end - p)) {
			if (t)
				error = finish_keep(w, t, cats);
			t = new_threat(proto->line, 1, TG_THREAT_TABLE);
			if (!t)
				return tg_error_oom();
			if (error == 0)
				error = set_field(t, F_ID, p + id_start, id_len);
			if (error == 0)
				error = set_field(t, F_TITLE, p + skip,
				                  (size_t)(end - p) - skip);
			if (error == 0 && proto->mitigation)
				error = set_field(t, F_MITIGATION, proto->mitigation,
				                  strlen(proto->mitigation));
			if (error == 0 && proto->priority_text)
				error = set_field(t, F_PRIORITY, proto->priority_text,
				                  strlen(proto->priority_text));
		} else if (t && t->title && strlen(t->title) < 1000) {
			char *joined = tg_printf("%s %.*s", t->title, (int)(end - p), p);

			if (!joined)
				error = tg_error_oom();
			else {
				free(t->title);
				t->title = joined;
			}
		}
	}
	if (t && error == 0)
		error = finish_keep(w, t, cats);
	else
		tg_model__free_threat(t);
	return error;
}

/* Mitigations kept in another table, keyed by the threats' ids. */
static int keyed_mitigations(struct walk *w, const char *cell)
{
	const char *p = cell, *end;
	struct tg_threat *t = NULL;
	int error = 0, found = 0;

	for (; *p && error == 0; p = *end ? end + 1 : end) {
		size_t id_len, id_start, skip, n;
		struct tg_threat *by;

		end = p + strcspn(p, "\n");
		n = (size_t)(end - p);
		skip = id_prefix(p, n, &id_len, &id_start);
		by = skip || (n > 0 && n <= 16 && looks_like_id(p, n)) ?
			find_by_id(w->model, p + id_start, skip ? id_len : n) : NULL;
		if (by) {
			t = by;
			found++;
			if (skip && skip < n) {
				char *rest = tg_strndup(p + skip, n - skip);

				if (!rest)
					return tg_error_oom();
				error = add_mitigation(t, rest);
				free(rest);
			}
			continue;
		}
		if (t && n) {
			char *line = tg_strndup(p, n);

			if (!line)
				return tg_error_oom();
			error = add_mitigation(t, line);
			free(line);
		}
	}
	return error < 0 ? error : found;
}

/* Cards: one finding per table, field names in the first column. */
static bool is_card(const struct tg_grid *g)
{
	size_t r, fields = 0;

	if (g->cols != 2 || g->rows < 3 || field_of(tg_grid__cell(g, 0, 0)) != F_TITLE)
		return false;
	if (word_count(tg_grid__cell(g, 0, 1)) < 3)
		return false;
	for (r = 1; r < g->rows; r++) {
		enum field f = field_of(tg_grid__cell(g, r, 0));

		if (f != F_NONE && f != F_TITLE)
			fields++;
	}
	return fields >= 2;
}

static int read_card(struct walk *w, const struct tg_grid *g)
{
	struct tg_threat *t = new_threat(g->lines[0], 1, TG_THREAT_TABLE);
	size_t r;
	int error = 0;

	if (!t)
		return tg_error_oom();
	for (r = 0; r < g->rows && error == 0; r++) {
		enum field f = field_of(tg_grid__cell(g, r, 0));
		const char *v = tg_grid__cell(g, r, 1);

		if (f == F_TITLE && r > 0)
			continue;
		if (f != F_NONE && f != F_ASSET && f != F_IGNORE)
			error = set_field(t, f, v, strlen(v));
	}
	if (error < 0) {
		tg_model__free_threat(t);
		return error;
	}
	return finish_keep(w, t, w->heading_categories);
}

static int read_grid(struct walk *w, const struct tg_grid *g)
{
	const tg_policy *policy = w->model->policy;
	enum field cols[64];
	unsigned colcats[64], bits;
	size_t ncols = g->cols < 64 ? g->cols : 64, c, r, n, title_col = 64;
	size_t asset_col = 64, titles = 0, catcols = 0, catrows = 0, filled;
	bool has_id = false, has_priority = false, has_mitigation = false;
	bool has_threat_word = false;
	int error = 0;

	if (g->rows < 2 || ncols == 0)
		return 0;
	if (is_card(g))
		return read_card(w, g);
	for (c = 0; c < ncols; c++) {
		const char *h = tg_grid__cell(g, 0, c);

		cols[c] = field_of(h);
		colcats[c] = *h ? category_heading(policy, h) : 0;
		if (colcats[c] && cols[c] != F_CATEGORY)
			catcols++;
		if (cols[c] == F_TITLE) {
			titles++;
			if (title_col == 64)
				title_col = c;
		}
		if (cols[c] == F_ASSET && asset_col == 64)
			asset_col = c;
		has_id |= cols[c] == F_ID;
		has_priority |= cols[c] == F_PRIORITY;
		has_mitigation |= cols[c] == F_MITIGATION;
		if (strstr(h, "hreat") || strstr(h, "ttack") || strstr(h, "isk"))
			has_threat_word = true;
	}
	/* A data dictionary or asset table: "| Name | Classification |" */
	for (c = 0; c < ncols; c++) {
		char low[64];

		clean_name(low, sizeof(low), tg_grid__cell(g, 0, c));
		if (strstr(low, "classification") || strstr(low, "sensitivity"))
			return 0;
	}
	/* "Risk": the threat, unless another column is */
	for (c = 0; c < ncols; c++)
		if (cols[c] == F_RISK) {
			cols[c] = titles ? F_PRIORITY : F_TITLE;
			if (cols[c] == F_TITLE) {
				titles++;
				title_col = c;
			} else {
				has_priority = true;
			}
		}
	for (r = 1; r < g->rows; r++)
		if (cell_is_category(policy, tg_grid__cell(g, r, 0), &bits))
			catrows++;

	/* A matrix, categories across: every cell is a threat. */
	if (catcols >= 2 && catcols + 1 >= ncols) {
		for (r = 1; r < g->rows && error == 0; r++)
			for (c = 1; c < ncols && error == 0; c++)
				error = matrix_threat(w, g, r, c, colcats[c],
					tg_grid__cell(g, r, 0), true);
		return error;
	}
	/* A matrix, categories down: "| STRIDE Element | Component | ...". */
	if (catrows >= 2 && catrows + 1 >= g->rows - 1 && ncols >= 3 &&
	    !titles && !has_id) {
		for (r = 1; r < g->rows && error == 0; r++) {
			cell_is_category(policy, tg_grid__cell(g, r, 0), &bits);
			for (c = 1; c < ncols && error == 0; c++)
				error = matrix_threat(w, g, r, c, bits, NULL, false);
		}
		return error;
	}
	/* A first column of categories names them, whatever its header. */
	if (((catrows >= 2 && catrows + 1 >= g->rows - 1) ||
	     (catrows >= 1 && catrows == g->rows - 1)) && cols[0] != F_CATEGORY) {
		if (cols[0] == F_TITLE)
			titles--;
		cols[0] = F_CATEGORY;
	}
	if (cols[0] == F_CATEGORY && title_col == 0) {
		title_col = 64;
		for (c = 1; c < ncols; c++)
			if (cols[c] == F_TITLE && title_col == 64)
				title_col = c;
	}
	/* Mitigations keyed by id, in a table of their own. */
	if (title_col == 64 && has_mitigation) {
		int found = 0;

		for (r = 1; r < g->rows && error >= 0; r++)
			for (c = 0; c < ncols && error >= 0; c++)
				if (cols[c] == F_MITIGATION || cols[c] == F_ID) {
					error = keyed_mitigations(w, tg_grid__cell(g, r, c));
					found += error > 0 ? error : 0;
				}
		if (error < 0)
			return error;
		if (found)
			return 0;
	}
	if (title_col == 64 && cols[0] == F_CATEGORY && has_mitigation && catrows >= 1) {
		/* "| Threat (category) | Remediation |": keyed by ids inside */
		for (r = 1; r < g->rows && error >= 0; r++)
			for (c = 1; c < ncols && error >= 0; c++)
				error = keyed_mitigations(w, tg_grid__cell(g, r, c));
		return error < 0 ? error : 0;
	}
	if (title_col == 64 && asset_col != 64 && (has_mitigation || has_priority))
		title_col = asset_col, asset_col = 64;
	/* "| Job | Priority |" schedules jobs: no column names a threat */
	if (title_col == 64) {
		if (has_threat_word || w->plain_ok || w->heading_categories)
			note_unreadable(w, g->lines[0],
				"could not read threats in this table: no column "
				"names the threat");
		return 0;
	}

	for (r = 1; r < g->rows && error == 0; r++) {
		struct tg_threat *t;
		bool placeholder = false;
		const char *title;

		filled = 0;
		for (c = 0; c < ncols; c++)
			if (*tg_grid__cell(g, r, c))
				filled++;
		if (filled == 0)
			continue;
		/* "| Deployment Architecture | | |": a group's own row */
		if (filled == 1 && *tg_grid__cell(g, r, 0) && ncols >= 3)
			continue;
		t = new_threat(g->lines[r], 1, TG_THREAT_TABLE);
		if (!t)
			return tg_error_oom();
		for (c = 0; c < ncols && error == 0; c++) {
			const char *v = tg_grid__cell(g, r, c);

			if (strstr(v, "{{"))
				placeholder = true;
			if (c == title_col || cols[c] == F_ASSET || cols[c] == F_IGNORE)
				continue;
			if (cols[c] == F_TITLE)
				continue;	/* a second description */
			error = set_field(t, cols[c], v, strlen(v));
		}
		title = tg_grid__cell(g, r, title_col);
		if (error == 0 && *title) {
			const char *asset = asset_col != 64 ?
				tg_grid__cell(g, r, asset_col) : "";
			char *full = *asset ? tg_printf("%s: %s", asset, title) :
				tg_strdup(title);

			if (!full)
				error = tg_error_oom();
			else {
				for (char *p = full; *p; p++)
					if (*p == '\n')
						*p = ' ';
				if (!id_lines(title))
					error = set_title(t, full, strlen(full));
				free(full);
			}
		}
		if (error < 0) {
			tg_model__free_threat(t);
			break;
		}
		if (placeholder || placeholder_text(title) || (!t->title && !id_lines(title))) {
			if (placeholder)
				w->model->placeholder_threats++;
			tg_model__free_threat(t);
			continue;
		}
		bits = 0;
		if (cols[0] == F_CATEGORY)
			cell_is_category(policy, tg_grid__cell(g, r, 0), &bits);
		n = id_lines(title);
		if (n) {
			error = split_cell(w, t, title, bits ? bits : w->heading_categories);
			tg_model__free_threat(t);
			continue;
		}
		error = finish_keep(w, t, w->heading_categories);
	}
	return error;
}

static int md_grid(struct walk *w, cmark_node *table)
{
	const struct tg_document *doc = w->model->doc;
	cmark_node *row, *cell;
	struct tg_grid *g;
	size_t rows = 0, cols = 0, n, r, c;
	int error = 0;

	for (row = cmark_node_first_child(table); row; row = cmark_node_next(row)) {
		rows++;
		n = 0;
		for (cell = cmark_node_first_child(row); cell; cell = cmark_node_next(cell))
			n++;
		if (n > cols)
			cols = n;
	}
	if (cols > 64)
		cols = 64;
	if (rows > 4096)
		rows = 4096;
	g = tg_grid__new(rows, cols);
	if (!g)
		return tg_error_oom();
	for (row = cmark_node_first_child(table), r = 0; row && r < rows && error == 0;
	     row = cmark_node_next(row), r++) {
		g->lines[r] = tg_document__line(doc, row);
		for (cell = cmark_node_first_child(row), c = 0;
		     cell && c < cols && error == 0; cell = cmark_node_next(cell), c++) {
			char *text = tg_model__node_text(cell);

			if (!text) {
				error = tg_error_oom();
				break;
			}
			tg_squeeze(tg_trim(text));
			error = tg_grid__set(g, r, c, text);
			free(text);
		}
	}
	if (error == 0)
		error = read_grid(w, g);
	tg_grid__free(g);
	return error;
}

/* An HTML table, maybe over several HTML blocks: read to </table>. */
static int html_tables(struct walk *w, cmark_node *node)
{
	const struct tg_document *doc = w->model->doc;
	int line = tg_document__line(doc, node), l;
	const char *start, *end, *p;
	tg_vec grids = TG_VEC_INIT;
	size_t i;
	int error = 0;

	/* The source from the block's first line to the </table> that closes */
	for (start = doc->data, l = 1; *start && l < line; start++)
		if (*start == '\n')
			l++;
	end = strstr(start, "</table>");
	if (!end)
		end = start + strlen(start);
	else
		end += 8;
	if (end - start > 1 << 20)
		end = start + (1 << 20);
	for (p = start, l = line; p < end; p++)
		if (*p == '\n')
			l++;
	w->skip_until = l;
	error = tg_grid__html(&grids, start, (size_t)(end - start), line);
	for (i = 0; i < grids.length && error == 0; i++)
		error = read_grid(w, grids.items[i]);
	tg_vec_release(&grids, tg_grid__free);
	return error;
}

/* ------------------------------------------------------------------ */
/* Lists                                                              */
/* ------------------------------------------------------------------ */

static cmark_node *first_para(cmark_node *item)
{
	cmark_node *c = cmark_node_first_child(item);

	return c && cmark_node_get_type(c) == CMARK_NODE_PARAGRAPH ? c : NULL;
}

/* A paragraph that is only emphasis: "_Billing validates the token_". */
static bool all_emphasis(cmark_node *para)
{
	cmark_node *c = para ? cmark_node_first_child(para) : NULL;
	cmark_node_type t;

	if (!c || cmark_node_next(c))
		return false;
	t = cmark_node_get_type(c);
	return t == CMARK_NODE_EMPH;
}

static bool only_link(cmark_node *para)
{
	cmark_node *c = para ? cmark_node_first_child(para) : NULL;

	return c && !cmark_node_next(c) && cmark_node_get_type(c) == CMARK_NODE_LINK;
}

static char *text_of(cmark_node *node)
{
	char *t = tg_model__node_text(node);

	if (t)
		tg_trim(t);
	return t;
}

/* The key an item opens with: "**Threat:** x", "Mitigation: y". */
static enum field leading_key(const char *text, const char **value)
{
	const char *end = text + strcspn(text, "\n");
	enum field f = F_NONE;
	const char *key = find_key(text, end, &f, value);

	if (key != text)
		return F_NONE;
	return f;
}

/* "**An External Attacker:** Could ..." : a label, not a field. */
static bool unknown_label(const char *text)
{
	const char *colon = strchr(text, ':');

	return colon && colon - text < 60 && colon[1] &&
	       word_count(colon + 1) >= 3 && memchr(text, '\n', (size_t)(colon - text)) == NULL;
}

static int plain_threat(struct walk *w, cmark_node *item, const char *text,
                        unsigned cats)
{
	const struct tg_document *doc = w->model->doc;
	struct tg_threat *t;
	cmark_node *child;
	const char *mit;
	int error;

	t = new_threat(tg_document__line(doc, item),
	               cmark_node_get_start_column(item), TG_THREAT_LIST);
	if (!t)
		return tg_error_oom();
	error = read_fields(t, text);
	if (error >= 0 && !t->title)
		error = set_title(t, text, strlen(text));
	/* "... This can be mitigated by X": the mitigation in the text */
	if (error >= 0 && !t->mitigation && t->title &&
	    (mit = strstr(t->title, "mitigat")) != NULL) {
		while (mit > t->title && mit[-1] != '.' && mit[-1] != '\n')
			mit--;
		error = add_mitigation(t, mit);
	}
	/* Nested bullets: how it is mitigated, when they say so */
	for (child = cmark_node_first_child(item); child && error >= 0;
	     child = cmark_node_next(child)) {
		char *sub;

		if (cmark_node_get_type(child) == CMARK_NODE_PARAGRAPH &&
		    child != cmark_node_first_child(item) && !t->mitigation) {
			/* a later paragraph that says what is done about it */
			sub = text_of(child);
			if (!sub) {
				error = tg_error_oom();
				break;
			}
			if (answers(sub))
				error = add_mitigation(t, sub);
			free(sub);
			continue;
		}
		if (cmark_node_get_type(child) != CMARK_NODE_LIST)
			continue;
		sub = text_of(child);
		if (!sub) {
			error = tg_error_oom();
			break;
		}
		if (!t->mitigation || strlen(t->mitigation) < 2000) {
			const char *v;
			enum field f = leading_key(sub, &v);

			if (f == F_MITIGATION)
				error = add_mitigation(t, v);
			else if (f == F_NONE || f == F_IGNORE)
				error = add_mitigation(t, sub);
			else
				error = read_fields(t, sub);
		}
		free(sub);
	}
	if (error < 0) {
		tg_model__free_threat(t);
		return error;
	}
	return finish_keep(w, t, cats);
}

static int read_list(struct walk *w, cmark_node *list, unsigned cats,
                     int plain, int depth);

/*
 * Fields of an open threat from one bullet: "* Category: Repudiation",
 * "* Possible Mitigation Strategies:" and its nested bullets.
 */
static int absorb_item(struct walk *w, cmark_node *item)
{
	struct tg_threat *t = w->open;
	char *text = text_of(item), *first;
	cmark_node *para = first_para(item);
	const char *value = NULL;
	enum field f;
	int error = 0;

	if (!text)
		return tg_error_oom();
	first = para ? text_of(para) : tg_strdup(text);
	if (!first) {
		free(text);
		return tg_error_oom();
	}
	f = leading_key(first, &value);
	if (f == F_MITIGATION) {
		/* the value, then everything nested under it */
		const char *rest = text + strlen(first);

		if (value && *value && strspn(value, " \n") < strlen(value))
			error = add_mitigation(t, value);
		if (error == 0 && *rest)
			error = add_mitigation(t, rest);
	} else if (f == F_TITLE || f == F_NONE) {
		/* a description or a note */
	} else if (f != F_IGNORE) {
		error = read_fields(t, first);
	}
	if (error >= 0 && f == F_NONE && w->label == L_MITIGATIONS)
		error = add_mitigation(t, text);
	free(first);
	free(text);
	return error < 0 ? error : 0;
}

/*
 * One list of a threat region. Items that open with a title key
 * ("**Threat:**") start a threat and the fields after them join it
 * ("**Mitigation:**"; an unknown "**Application:**" is dropped); items
 * led by an id start one; plain items are threats where the heading or
 * a "Threats:" label says so.
 */
static int read_list(struct walk *w, cmark_node *list, unsigned cats,
                     int plain, int depth)
{
	const struct tg_document *doc = w->model->doc;
	cmark_node *item, *para, *child;
	struct tg_threat *cur = NULL;
	bool keyed = false, ids = false;
	size_t id_len = 0, id_start = 0, skip0;
	size_t list_start = w->model->threats.length, k;
	size_t cat_start = (size_t)-1;
	char *list_mit = NULL;
	int error = 0;

	if (depth > 8)
		return 0;
	/* First look: does any item open with a title key, or an id? */
	for (item = cmark_node_first_child(list); item; item = cmark_node_next(item)) {
		char *text;
		const char *v;
		enum field f;

		para = first_para(item);
		if (!para)
			continue;
		text = text_of(para);
		if (!text)
			return tg_error_oom();
		f = leading_key(text, &v);
		if (f == F_TITLE || f == F_RISK)
			keyed = true;
		/* two statements: id_len is read only after id_prefix set it */
		skip0 = id_prefix(text, strlen(text), &id_len, &id_start);
		if (skip0 > id_len)
			ids = true;
		free(text);
	}

	for (item = cmark_node_first_child(list); item && error == 0;
	     item = cmark_node_next(item)) {
		char *text;
		const char *v = NULL;
		enum field f;
		unsigned bits;
		size_t skip;

		para = first_para(item);
		if (!para)
			continue;
		text = text_of(para);
		if (!text)
			return tg_error_oom();
		f = leading_key(text, &v);
		skip = id_prefix(text, strlen(text), &id_len, &id_start);

		/* a bullet after "- SPOOFING" and its threats: their mitigation */
		if (cat_start != (size_t)-1 && !skip && f == F_NONE &&
		    !category_heading(w->model->policy, text)) {
			for (k = cat_start; k < w->model->threats.length && error == 0; k++) {
				struct tg_threat *t = w->model->threats.items[k];

				if (!t->mitigation)
					error = add_mitigation(t, text);
			}
			free(text);
			continue;
		}
		/* "- SPOOFING" with its threats nested */
		if (!skip && f == F_NONE && (bits = category_heading(w->model->policy, text)) &&
		    cmark_node_next(para)) {
			cat_start = w->model->threats.length;
			for (child = cmark_node_next(para); child && error == 0;
			     child = cmark_node_next(child))
				if (cmark_node_get_type(child) == CMARK_NODE_LIST)
					error = read_list(w, child, bits, 2, depth + 1);
			free(text);
			continue;
		}
		if (keyed && (f == F_TITLE || f == F_RISK) &&
		    strspn(v, " \t\n*_") == strlen(v) && cmark_node_next(para)) {
			/* "- **Threats**:" and the threats nested under it */
			if (cur)
				error = finish_keep(w, cur, cats);
			cur = NULL;
			for (child = cmark_node_next(para); child && error == 0;
			     child = cmark_node_next(child))
				if (cmark_node_get_type(child) == CMARK_NODE_LIST)
					error = read_list(w, child, cats, 2, depth + 1);
			free(text);
			continue;
		}
		if (keyed && (f == F_TITLE || f == F_RISK)) {
			/* "- **Threat:** ..." starts one */
			if (cur)
				error = finish_keep(w, cur, cats);
			cur = new_threat(tg_document__line(doc, item),
			                 cmark_node_get_start_column(item), TG_THREAT_LIST);
			if (!cur)
				error = tg_error_oom();
			else if (error == 0) {
				char *all = text_of(item);

				if (!all)
					error = tg_error_oom();
				else
					error = read_fields(cur, all);
				free(all);
				if (error > 0)
					error = 0;
			}
			free(text);
			continue;
		}
		if (keyed && f != F_NONE) {
			/* a field of the threat before (or after: pending) */
			if (cur && f == F_MITIGATION) {
				char *all = text_of(item);
				const char *av;

				if (!all)
					error = tg_error_oom();
				else if (leading_key(all, &av) == F_MITIGATION)
					error = add_mitigation(cur, av);
				free(all);
			} else if (cur && f != F_IGNORE) {
				error = read_fields(cur, text);
				if (error > 0)
					error = 0;
			} else if (!cur && f == F_MITIGATION) {
				/* "- **Control**: ..." before the threats it answers */
				char *all = text_of(item), *joined;
				const char *av;

				if (!all) {
					error = tg_error_oom();
				} else if (leading_key(all, &av) == F_MITIGATION) {
					joined = list_mit ? tg_printf("%s; %s", list_mit, av) :
						tg_strdup(av);
					if (!joined)
						error = tg_error_oom();
					free(list_mit);
					list_mit = joined;
				}
				free(all);
			}
			free(text);
			continue;
		}
		if (keyed) {
			free(text);
			continue;	/* "- **Application to X:** ..." */
		}
		if (ids && !skip) {
			free(text);
			continue;	/* the description of the id before */
		}
		if (f == F_MITIGATION && !skip) {
			error = mitigate(w, v);
			free(text);
			continue;
		}
		if (f != F_NONE && f != F_TITLE && f != F_RISK && !skip) {
			/* "- Owner: @dana": about the model */
			free(text);
			continue;
		}
		/* a bullet with inline fields, an id, or a plain one */
		{
			bool inline_fields = false;
			const char *kv;
			enum field kf;

			{
				const char *key = find_key(text, text + strlen(text), &kf, &kv);

				if (key && kf != F_TITLE) {
					char *before = tg_strndup(text, (size_t)(key - text));

					if (!before) {
						free(text);
						error = tg_error_oom();
						break;
					}
					inline_fields = skip || word_count(before) >= 3;
					/* "Title (P3). Mitigation: x": a field after a
					 * sentence, not "Role-Based Access Control: x" */
					if (inline_fields && !skip && !plain) {
						const char *b = key;

						while (b > text && strchr(" *_", b[-1]))
							b--;
						if (b == text || !strchr(".;,)\n", b[-1]))
							inline_fields = false;
					}
					free(before);
					if (!inline_fields) {
						free(text);
						continue;	/* "- Highest risk impact: x" */
					}
				}
			}
			if (!plain && !skip && !inline_fields && !(f == F_TITLE)) {
				free(text);
				continue;
			}
			if (!skip && !inline_fields && says_risk_of(text)) {
				/* "Using X helps mitigate the risk of Y": Y, mitigated */
				drop_group(w);
				error = plain_threat(w, item, text, cats);
				if (error == 0 && w->model->threats.length)
					error = add_mitigation(w->model->threats.items[
						w->model->threats.length - 1], text);
				free(text);
				continue;
			}
			if (!skip && !inline_fields && w->model->threats.length > list_start &&
			    (mitigation_led(text) || strstr(text, "mitigate this") ||
			     strstr(text, "mitigates this") ||
			     starts_word_ci(text, "to mitigate"))) {
				/* "- Mutual TLS could mitigate this": for the threats above */
				for (k = list_start; k < w->model->threats.length && error == 0; k++) {
					struct tg_threat *t = w->model->threats.items[k];

					if (!t->mitigation)
						error = add_mitigation(t, text);
				}
				free(text);
				continue;
			}
			if (!skip && !inline_fields && (all_emphasis(para) ||
			    only_link(para) || placeholder_text(text) ||
			    word_count(text) < 2 || text[strlen(text) - 1] == '?' ||
			    (w->label != L_THREATS && mitigation_led(text)))) {
				if (placeholder_text(text))
					w->model->placeholder_threats++;
				free(text);
				continue;
			}
			if (!skip && !inline_fields && !(f == F_TITLE) &&
			    !plain && !unknown_label(text)) {
				free(text);
				continue;
			}
			/* a plain bullet: a threat when it reads as one; a
			 * "Name: what it is" legend is not */
			if (!skip && !inline_fields && f == F_NONE &&
			    ((plain < 2 && w->label != L_THREATS && !cats) ||
			     unknown_label(text)) &&
			    !threat_words(unknown_label(text) ? strchr(text, ':') : text)) {
				free(text);
				continue;
			}
			if (cats == 0 && says_not_applicable(text)) {
				free(text);
				continue;
			}
			if (w->heading_categories && !cats)
				cats = w->heading_categories;
			if (cats && says_not_applicable(text)) {
				error = add_not_applicable(w->model, cats,
					tg_document__line(doc, item));
				free(text);
				continue;
			}
			drop_group(w);
			{
				cmark_node *nested = cmark_node_next(para);
				char *first_text = text;

				(void)nested;
				error = plain_threat(w, item, first_text, cats);
			}
		}
		free(text);
	}
	if (cur) {
		if (error == 0)
			error = finish_keep(w, cur, cats);
		else
			tg_model__free_threat(cur);
	}
	for (k = list_start; list_mit && error == 0 && k < w->model->threats.length; k++) {
		struct tg_threat *t = w->model->threats.items[k];

		if (!t->mitigation)
			error = add_mitigation(t, list_mit);
	}
	free(list_mit);
	return error;
}

/* ------------------------------------------------------------------ */
/* Headings, paragraphs, HTML                                         */
/* ------------------------------------------------------------------ */

/* A heading's title as sections see it: "4.1 Spoofing:" is "spoofing". */
static const struct tg_section *section_of(const struct tg_model *model,
                                           cmark_node *node)
{
	size_t i;

	for (i = 0; i < model->sections.length; i++) {
		const struct tg_section *s = model->sections.items[i];

		if (s->heading == node)
			return s;
	}
	return NULL;
}

/*
 * The document's own level-1 title, read as a Security section
 * ("# Security Improvements for CI Publishing"): its chapters and
 * bullets are the design's, not threats written under Security. A title
 * that names an analysis ("# Widget security considerations") is one.
 */
static bool title_region(const struct tg_model *model,
                         const struct tg_section *region)
{
	return !model->standalone && model->sections.length &&
	       region == model->sections.items[0] && region->level == 1 &&
	       region->score < 100 &&
	       tg_model__title_score("security", region->norm) < 70;
}

static int heading(struct walk *w, cmark_node *node)
{
	const struct tg_section *s = section_of(w->model, node);
	const char *title, *raw;
	int level = cmark_node_get_heading_level(node);
	size_t id_len = 0, id_start = 0, skip;
	unsigned bits;
	bool listed;
	int error = 0;

	if (!s)
		return 0;
	title = s->norm;
	raw = s->title;
	if (w->open && !w->open_details && w->open_level >= level)
		error = close_open(w);
	if (w->open && w->open_details) {
		/* <details> holding headings folds a section, not a threat */
		tg_model__free_threat(w->open);
		w->open = NULL;
		w->open_details = false;
	}
	if (error < 0)
		return error;
	if (w->mit_target && w->mit_level >= level)
		w->mit_target = NULL;
	w->label = L_NONE;
	w->pending = F_NONE;
	w->group_start = w->model->threats.length;
	if (w->heading_rating && w->rating_level >= level) {
		free(w->heading_rating);
		w->heading_rating = NULL;
	}
	{
		/* "#### Control Recommendation (SEVERITY: Medium)" */
		char *low = tg_strdup(raw), *r, *e;

		if (!low)
			return tg_error_oom();
		tg_lower(low);
		r = strstr(low, "(severity:");
		if (!r)
			r = strstr(low, "(risk:");
		if (!r)
			r = strstr(low, "(priority:");
		if (r && (e = strchr(r, ')')) != NULL) {
			const char *v = strchr(r, ':') + 1;

			free(w->heading_rating);
			w->heading_rating = tg_strndup(raw + (v - low), (size_t)(e - v));
			if (!w->heading_rating) {
				free(low);
				return tg_error_oom();
			}
			tg_trim(w->heading_rating);
			w->rating_level = level;
		}
		free(low);
	}
	if (w->heading_categories && w->cat_level >= level)
		w->heading_categories = 0;
	listed = false;
	for (int l = 0; l < 8; l++) {
		if (l < level && w->list_at[l])
			listed = true;
		if (l >= level)
			w->list_at[l] = false;
	}
	w->in_ranking = strncmp(title, "top risk", 8) == 0 ||
	                strncmp(title, "top threat", 10) == 0 ||
	                (strncmp(title, "top ", 4) == 0 && strstr(title, "risks")) ||
	                strstr(title, "ranking") != NULL;
	w->plain_ok = false;
	w->plain_all = false;
	if (w->in_ranking)
		return 0;

	skip = id_prefix(raw, strlen(raw), &id_len, &id_start);
	/* "Threat-01-S Recommended Mitigations", "Mitigations" */
	if (mitigation_words(title) && (skip || !threats_heading(title))) {
		w->mit_target = skip ? find_by_id(w->model, raw + id_start, id_len) : NULL;
		if (!w->mit_target && w->model->threats.length &&
		    !generic_heading(title) && skip)
			w->mit_target = w->model->threats.items[w->model->threats.length - 1];
		if (w->mit_target)
			w->mit_level = level;
		return 0;
	}
	bits = category_heading(w->model->policy, title);
	if (bits && !skip) {
		w->heading_categories = bits;
		w->cat_level = level;
		w->plain_ok = true;
		w->plain_all = true;
		return 0;
	}
	if (threats_heading(title) && !skip) {
		/* The document's own title lists no threat headings */
		if (!(s == w->model->sections.items[0] && (level == 1 ||
		      w->model->standalone)) && !strstr(title, "model"))
			w->list_at[level] = true;
		w->plain_ok = true;
		w->plain_all = list_title(title);
		return 0;
	}
	if (generic_heading(title))
		return 0;
	/* One heading per threat */
	if (skip || listed || (w->heading_categories && w->cat_level < level) ||
	    (w->region->rule && strcmp(w->region->rule->name, "security") == 0 &&
	     !w->model->standalone && s->parent == w->region &&
	     !title_region(w->model, w->region))) {
		struct tg_threat *t;

		if (w->open && w->open_group && w->open_level < level) {
			tg_model__free_threat(w->open);	/* a group of threats */
			w->open = NULL;
		}
		error = close_open(w);
		if (error < 0)
			return error;
		t = new_threat(s->line, s->column, TG_THREAT_SECTION);
		if (!t)
			return tg_error_oom();
		error = set_title(t, raw, strlen(raw));
		if (error < 0) {
			tg_model__free_threat(t);
			return error;
		}
		w->open = t;
		w->open_level = level;
		w->open_group = !skip;
		w->open_details = false;
		w->plain_ok = w->open_group;
	}
	return 0;
}

/*
 * "In scope: reading application code or secrets, reaching the database,
 * and consuming the host's CPU." One threat per item of the sentence.
 */
static int enumeration(struct walk *w, const char *p, int line)
{
	const char *end = p + strcspn(p, ".;"), *next;
	int error = 0;

	while (p < end && error == 0) {
		struct tg_threat *t;
		size_t n;

		while (p < end && (*p == ' ' || *p == '\n' || *p == ','))
			p++;
		if (tg_starts_with_ci(p, "and "))
			p += 4;
		next = p;
		while (next < end && *next != ',')
			next++;
		n = (size_t)(next - p);
		if (n > 0 && n < 200) {
			char *item = tg_strndup(p, n);

			if (!item)
				return tg_error_oom();
			for (char *q = item; *q; q++)
				if (*q == '\n')
					*q = ' ';
			if (word_count(item) >= 2) {
				t = new_threat(line, 1, TG_THREAT_LIST);
				if (!t) {
					free(item);
					return tg_error_oom();
				}
				error = set_field(t, F_TITLE, item, strlen(item));
				if (error == 0)
					error = finish_keep(w, t, w->heading_categories);
				else
					tg_model__free_threat(t);
			}
			free(item);
		}
		p = next;
	}
	return error;
}

/* "*Threat:* ...", "**Mitigation**", "Mitigations:" paragraphs. */
static int paragraph(struct walk *w, cmark_node *node)
{
	const struct tg_document *doc = w->model->doc;
	int line = tg_document__line(doc, node);
	char *text = text_of(node), *label;
	const char *value = NULL;
	enum field f, pending = w->pending;
	int error = 0;

	if (!text)
		return tg_error_oom();
	w->pending = F_NONE;
	label = label_of(text);
	if (!label) {
		free(text);
		return tg_error_oom();
	}
	w->ranking_next = strncmp(label, "top risk", 8) == 0 ||
	                  strncmp(label, "top threat", 10) == 0 ||
	                  strncmp(label, "risk ranking", 12) == 0;
	if (w->ranking_next)
		goto done;
	/*
	 * "Spoofing Identity" or "Elevation of Privilege:" as a line of its
	 * own: a category heading written as a paragraph; the threats below
	 * it, up to the next heading, are of that category.
	 */
	if (word_count(label) <= 4 && strlen(label) < 40 && !strchr(label, '.')) {
		unsigned bits = category_heading(w->model->policy, label);

		if (bits) {
			w->heading_categories = bits;
			w->cat_level = 7;
			goto done;
		}
	}
	if (tg_starts_with_ci(text, "in scope:") && strchr(text, ',')) {
		error = enumeration(w, text + 9, line);
		goto done;
	}
	if (threats_label(label)) {
		w->label = L_THREATS;
		w->mit_target = NULL;
		w->group_start = w->model->threats.length;
		goto done;
	}
	if (mitigations_label(label)) {
		w->label = L_MITIGATIONS;
		goto done;
	}
	/* "**Scenario**", "**Impact**" alone: the next block is its value */
	f = field_of(label);
	if (f != F_NONE && word_count(label) <= 4 && !strchr(text, ':') &&
	    strlen(label) < 40) {
		w->pending = f;
		goto done;
	}
	if (pending == F_MITIGATION) {
		error = mitigate(w, text);
		goto done;
	}
	if (pending != F_NONE && w->open) {
		if (pending != F_TITLE)
			error = set_field(w->open, pending, text, strlen(text));
		goto done;
	}
	f = leading_key(text, &value);
	if (f == F_TITLE && (w->open_details || !w->open)) {
		if (w->open && w->open->title) {
			/* the description of a <details> summary */
		} else if (w->open) {
			error = set_title(w->open, value, strlen(value));
		} else {
			struct tg_threat *t = new_threat(line, 1, TG_THREAT_LIST);

			drop_group(w);
			if (!t) {
				error = tg_error_oom();
				goto done;
			}
			error = set_title(t, value, strlen(value));
			w->open = t;
			w->open_level = 7;
			w->open_group = false;
		}
		goto done;
	}
	if (f == F_MITIGATION) {
		error = w->open || w->mit_target ? mitigate(w, value) :
			w->model->threats.length ?
			add_mitigation(w->model->threats.items[w->model->threats.length - 1], value) : 0;
		goto done;
	}
	if (w->open && f != F_NONE && f != F_TITLE && f != F_IGNORE) {
		error = read_fields(w->open, text);
		if (error > 0)
			error = 0;
		goto done;
	}
	if (w->label == L_MITIGATIONS && !w->open) {
		error = mitigate(w, text);
		goto done;
	}
	if (w->heading_categories && says_not_applicable(text))
		error = add_not_applicable(w->model, w->heading_categories, line);
	else
		error = scan_declarations(w->model, text, line);
done:
	free(label);
	free(text);
	return error < 0 ? error : 0;
}

static int html_block(struct walk *w, cmark_node *node)
{
	const char *lit = cmark_node_get_literal(node);
	const char *sum, *end;
	int error = 0;

	if (!lit)
		return 0;
	if (strstr(lit, "<table") || strstr(lit, "<TABLE"))
		return html_tables(w, node);
	if ((sum = strstr(lit, "<summary")) != NULL) {
		struct tg_threat *t;
		char *text;

		if (w->open && w->open_details)
			error = close_open(w);
		drop_group(w);
		/* "#### (R1) Publish unsigned" holding <details>: a group */
		if (w->open && !w->open_details && !w->open->mitigation) {
			tg_model__free_threat(w->open);
			w->open = NULL;
		}
		if (error == 0)
			error = close_open(w);
		if (error < 0)
			return error;
		end = strstr(sum, "</summary>");
		if (!end)
			end = sum + strlen(sum);
		sum = strchr(sum, '>');
		if (!sum || sum > end)
			return 0;
		text = tg_grid__html_text(sum + 1, (size_t)(end - sum - 1));
		if (!text)
			return tg_error_oom();
		t = new_threat(tg_document__line(w->model->doc, node), 1,
		               TG_THREAT_LIST);
		if (!t) {
			free(text);
			return tg_error_oom();
		}
		for (char *p = text; *p; p++)
			if (*p == '\n')
				*p = ' ';
		error = set_title(t, text, strlen(text));
		free(text);
		if (error < 0) {
			tg_model__free_threat(t);
			return error;
		}
		w->open = t;
		w->open_details = true;
		w->open_level = 7;
		w->open_group = false;
		return 0;
	}
	if (strstr(lit, "</details>") && w->open && w->open_details)
		return close_open(w);
	return 0;
}

/*
 * "> If a user configures http, anyone on the network reads the token."
 * and the answer after it: a threat asked, then answered.
 */
static int quoted_threat(struct walk *w, cmark_node *node)
{
	char *text = text_of(node), *answer = NULL;
	cmark_node *next = cmark_node_next(node);
	struct tg_threat *t;
	int error;

	if (!text)
		return tg_error_oom();
	if (!threat_words(text) || word_count(text) < 4) {
		free(text);
		return 0;
	}
	t = new_threat(tg_document__line(w->model->doc, node), 1, TG_THREAT_LIST);
	if (!t) {
		free(text);
		return tg_error_oom();
	}
	for (char *q = text; *q; q++)
		if (*q == '\n')
			*q = ' ';
	error = set_field(t, F_TITLE, text, strlen(text));
	free(text);
	if (error == 0 && next && cmark_node_get_type(next) == CMARK_NODE_PARAGRAPH) {
		answer = text_of(next);
		if (!answer)
			error = tg_error_oom();
		else if (answers(answer))
			error = add_mitigation(t, answer);
		free(answer);
	}
	if (error < 0) {
		tg_model__free_threat(t);
		return error;
	}
	return finish_keep(w, t, w->heading_categories);
}

static int list_block(struct walk *w, cmark_node *node)
{
	cmark_node *item;
	int error = 0;

	if (w->pending == F_MITIGATION || w->label == L_MITIGATIONS ||
	    (w->mit_target && !w->open)) {
		char *text = text_of(node);

		w->pending = F_NONE;
		if (!text)
			return tg_error_oom();
		error = mitigate(w, text);
		free(text);
		return error;
	}
	w->pending = F_NONE;
	if (w->open && !w->open_group) {
		for (item = cmark_node_first_child(node); item && error == 0;
		     item = cmark_node_next(item))
			error = absorb_item(w, item);
		return error;
	}
	if (w->open && w->open_group) {
		/* a heading with only field bullets is one threat */
		bool fields = false;

		for (item = cmark_node_first_child(node); item; item = cmark_node_next(item)) {
			cmark_node *para = first_para(item);
			char *text = para ? text_of(para) : NULL;
			const char *v;
			enum field f = text ? leading_key(text, &v) : F_NONE;

			if (f != F_NONE && f != F_TITLE && f != F_RISK)
				fields = true;
			free(text);
		}
		if (fields) {
			w->open_group = false;
			for (item = cmark_node_first_child(node); item && error == 0;
			     item = cmark_node_next(item))
				error = absorb_item(w, item);
			return error;
		}
	}
	return read_list(w, node, w->heading_categories,
	                 w->plain_all || w->label == L_THREATS ? 2 : w->plain_ok ? 1 : 0, 0);
}

/* ------------------------------------------------------------------ */
/* The walk                                                           */
/* ------------------------------------------------------------------ */

/*
 * A region that gave no threat: the first list or paragraph that speaks
 * of attacks is threat-like content that could not be read.
 */
static int find_unreadable(struct walk *w)
{
	const struct tg_document *doc = w->model->doc;
	const struct tg_section *region = w->region;
	cmark_node *node;
	int line;

	node = region->heading ? cmark_node_next(region->heading) :
		cmark_node_first_child(doc->root);
	for (; node; node = cmark_node_next(node)) {
		cmark_node_type type = cmark_node_get_type(node);
		char *text;
		bool yes;

		line = tg_document__line(doc, node);
		if (line > region->end_line)
			break;
		if (type != CMARK_NODE_LIST && type != CMARK_NODE_PARAGRAPH &&
		    type != CMARK_NODE_BLOCK_QUOTE)
			continue;
		text = text_of(node);
		if (!text)
			return tg_error_oom();
		/*
		 * A sentence of real prose in a section whose title says it
		 * holds the risks ("Risks and Mitigations") is a risk written
		 * as prose, threat words or none: not "no threats".
		 */
		yes = (threat_words(text) && word_count(text) >= 4) ||
		      (type != CMARK_NODE_BLOCK_QUOTE && word_count(text) >= 12 &&
		       region->norm && strstr(region->norm, "risk"));
		free(text);
		if (yes) {
			note_unreadable(w, line, type == CMARK_NODE_LIST ?
				"could not read threats in this list: no bullet names "
				"a threat field" :
				"could not read threats in this text: threats written "
				"as prose");
			break;
		}
	}
	return 0;
}

static int walk_region(struct tg_model *model, const struct tg_section *region)
{
	const struct tg_document *doc = model->doc;
	size_t before = model->threats.length;
	struct walk w;
	cmark_node *node;
	int line, error = 0;
	bool ranking;

	memset(&w, 0, sizeof(w));
	w.model = model;
	w.region = region;
	w.pending = F_NONE;
	w.group_start = model->threats.length;
	/* A region's own title may say its bullets are threats */
	if (region->norm && threats_heading(region->norm)) {
		w.plain_ok = true;
		w.plain_all = list_title(region->norm);
		if (!strstr(region->norm, "model"))
			w.list_at[region->level] = true;
	}
	/* Threats straight under Security Considerations */
	if (region->rule && strcmp(region->rule->name, "security") == 0 &&
	    !model->standalone && !title_region(model, region))
		w.plain_ok = true;
	if (region->norm && (w.heading_categories = category_heading(model->policy,
	                                                              region->norm)))
		w.cat_level = region->level, w.plain_ok = true;
	node = region->heading ? cmark_node_next(region->heading) :
		cmark_node_first_child(doc->root);
	for (; node && error == 0; node = cmark_node_next(node)) {
		line = tg_document__line(doc, node);
		if (line > region->end_line)
			break;
		if (line <= w.skip_until)
			continue;
		ranking = w.in_ranking || w.ranking_next;
		if (cmark_node_get_type(node) != CMARK_NODE_PARAGRAPH)
			w.ranking_next = false;
		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_HEADING:
			error = heading(&w, node);
			break;
		case CMARK_NODE_LIST:
			if (!ranking)
				error = list_block(&w, node);
			break;
		case CMARK_NODE_PARAGRAPH:
			if (!w.in_ranking)
				error = paragraph(&w, node);
			break;
		case CMARK_NODE_HTML_BLOCK:
			error = html_block(&w, node);
			break;
		case CMARK_NODE_BLOCK_QUOTE:
			if (w.plain_ok && !w.open && (region == model->root ||
			    (region->rule && strcmp(region->rule->name, "threat-model") == 0)) &&
			    cmark_node_first_child(node) &&
			    cmark_node_get_type(cmark_node_first_child(node)) == CMARK_NODE_PARAGRAPH)
				error = quoted_threat(&w, node);
			break;
		default:
			if (tg_markdown__is(node, TG_NODE_TABLE)) {
				drop_group(&w);
				error = md_grid(&w, node);
			}
			break;
		}
	}
	if (error == 0)
		error = close_open(&w);
	else {
		tg_model__free_threat(w.open);
		w.open = NULL;
	}
	if (error == 0 && model->threats.length == before && !w.unreadable &&
	    (!region->rule || strcmp(region->rule->name, "threat-model") == 0 ||
	     region == model->root))
		error = find_unreadable(&w);
	if (error == 0 && w.unreadable) {
		struct tg_unreadable *u = calloc(1, sizeof(*u));

		if (!u || tg_vec_push(&model->unreadable, u) < 0) {
			free(u);
			error = tg_error_oom();
		} else {
			u->line = w.unreadable_line;
			u->message = w.unreadable;
			w.unreadable = NULL;
		}
	}
	free(w.unreadable);
	free(w.heading_rating);
	return error;
}

/*
 * A standalone threat model that states its mitigations once, in a
 * section of their own ("Security invariants", "Mitigations", "Security
 * strategy"): its threats without one are answered there.
 */
static int document_mitigations(struct tg_model *model)
{
	static const char *const titles[] = {
		"mitigations", "security invariants", "invariants",
		"security strategy", "countermeasures", "security controls",
		"controls", "defenses", "defences", "security measures",
		"mitigation strategy", "protections",
	};
	const struct tg_section *found = NULL;
	char *text;
	size_t i;
	int error = 0;

	if (!model->standalone)
		return 0;
	for (i = 0; i < model->sections.length && !found; i++) {
		const struct tg_section *s = model->sections.items[i];

		if (s->has_content && IN_LIST(s->norm, titles))
			found = s;
	}
	if (!found)
		return 0;
	text = tg_printf("see '%s'", found->title);
	if (!text)
		return tg_error_oom();
	for (i = 0; i < model->threats.length && error == 0; i++) {
		struct tg_threat *t = model->threats.items[i];

		if (!t->mitigation)
			error = add_mitigation(t, text);
	}
	free(text);
	return error;
}

int tg_model__threats(struct tg_model *model)
{
	size_t i, before;
	int error = 0;

	for (i = 0; i < model->regions.length && error == 0; i++) {
		const struct tg_section *region = model->regions.items[i];

		before = model->threats.length;
		error = walk_region(model, region);
		/* Threats straight under Security: it is the threat model */
		if (error == 0 && !model->threat_model &&
		    model->threats.length > before)
			model->threat_model = region;
	}
	if (error == 0)
		error = document_mitigations(model);
	return error;
}
