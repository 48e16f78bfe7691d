/*
 * The exceptions file (threatgate.exceptions): time-boxed waivers owned
 * by the security team, in git-config syntax.
 *
 *	[exception "SEC-1234"]
 *		rule = stale-threat-model
 *		rule = missing-dri
 *		path = docs/design/legacy/[a-z]*.md
 *		path = docs/design/old-[a-z]*.md
 *		justification = being rewritten this quarter
 *		ticket = SEC-1234
 *		expires = 2027-03-31
 *
 * `rule` and `path` may be given several times: the exception covers every
 * rule named for every path glob named. An exception applies through its
 * expiry day, and stops the day after.
 */
#include <stdlib.h>
#include <string.h>
#include "policy/internal.h"
#include "util/banned.h"

struct pending {
	struct tg_exception *exc;
	int line;		/* first line that named it */
};

struct exc_state {
	tg_vec pending;		/* struct pending * */
};

void tg_policy__exception_free(void *item)
{
	struct tg_exception *e = item;

	if (!e)
		return;
	free(e->id);
	tg_vec_release(&e->rules, free);
	tg_vec_release(&e->paths, free);
	free(e->justification);
	free(e->ticket);
	free(e->expires);
	free(e);
}

static void pending_free(void *item)
{
	struct pending *p = item;

	if (!p)
		return;
	tg_policy__exception_free(p->exc);
	free(p);
}

static struct pending *find_pending(struct exc_state *st, const char *id)
{
	struct pending *p;
	size_t i;

	for (i = 0; i < st->pending.length; i++) {
		p = st->pending.items[i];
		if (strcmp(p->exc->id, id) == 0)
			return p;
	}
	return NULL;
}

static int new_pending(struct pending **out, struct exc_state *st,
	const char *id, int line)
{
	struct pending *p = NULL;
	int error = TG_ENOMEM;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		goto done;
	p->line = line;
	p->exc = calloc(1, sizeof(*p->exc));
	if (!p->exc)
		goto done;
	p->exc->expires_days = -1;
	p->exc->id = tg_strdup(id);
	if (!p->exc->id)
		goto done;
	error = tg_vec_push(&st->pending, p);
	if (error < 0)
		goto done;
	*out = p;
	p = NULL;
done:
	pending_free(p);
	return error == TG_ENOMEM ? tg_error_oom() : error;
}

static int set_field(char **field, const char *value)
{
	char *copy = tg_strdup(value);

	if (!copy)
		return tg_error_oom();
	free(*field);
	*field = copy;
	return 0;
}

static int exception_entry(struct tg_policy_source *src,
	const git_config_entry *entry, void *payload)
{
	struct exc_state *st = payload;
	const char *first = strchr(entry->name, '.');
	const char *last = strrchr(entry->name, '.');
	const char *key, *value = entry->value;
	struct pending *p;
	tg_rule_id rule;
	char *id = NULL;
	int error = 0;

	if (!first || first == last || first - entry->name != 9 ||
	    strncmp(entry->name, "exception", 9) != 0 || last == first + 1)
		return tg_policy__error(src, "unknown key '%s': expected "
			"[exception \"ID\"] with rule, path, justification, "
			"ticket and expires", src->key);
	key = last + 1;
	if (strcmp(key, "rule") != 0 && strcmp(key, "path") != 0 &&
	    strcmp(key, "justification") != 0 && strcmp(key, "ticket") != 0 &&
	    strcmp(key, "expires") != 0) {
		static const char *const keys[] = { "rule", "path",
			"justification", "ticket", "expires" };
		const char *guess = tg_suggest(key, keys, 5);
		const char *dot = strrchr(src->key, '.');

		if (guess && dot)
			return tg_policy__error(src, "unknown key '%s'; did you "
				"mean '%.*s%s'?", src->key,
				(int)(dot + 1 - src->key), src->key, guess);
		return tg_policy__error(src, "unknown key '%s': expected rule, "
			"path, justification, ticket or expires", src->key);
	}
	if (!value)
		value = "";	/* a key without '=' */
	if (!*value && strcmp(key, "ticket") != 0)
		return tg_policy__error(src, "'%s' needs a value", src->key);

	id = tg_strndup(first + 1, (size_t)(last - first - 1));
	if (!id)
		return tg_error_oom();
	p = find_pending(st, id);
	if (!p) {
		error = new_pending(&p, st, id, src->line);
		if (error < 0)
			goto done;
	}

	if (strcmp(key, "rule") == 0) {
		if (strcmp(value, "*") != 0 && tg_rule_lookup(&rule, value) < 0) {
			error = tg_policy__unknown_rule(src, value);
			goto done;
		}
		error = tg_vec_push_str(&p->exc->rules, value);
	} else if (strcmp(key, "path") == 0) {
		error = tg_vec_push_str(&p->exc->paths, value);
	} else if (strcmp(key, "justification") == 0) {
		error = set_field(&p->exc->justification, value);
	} else if (strcmp(key, "ticket") == 0) {
		error = set_field(&p->exc->ticket, value ? value : "");
	} else {
		p->exc->expires_days = strlen(value) == 10 ?
			tg_date_parse(value) : -1;
		if (p->exc->expires_days < 0) {
			error = tg_policy__error(src,
				"bad value '%s' for '%s': expected a date YYYY-MM-DD",
				value, src->key);
			goto done;
		}
		error = set_field(&p->exc->expires, value);
	}
done:
	free(id);
	return error;
}

int tg_policy__read_exceptions(tg_policy *policy, const char *path,
	const char *name)
{
	char *data = NULL;
	size_t len = 0;
	int error;

	error = tg_policy__slurp(&data, &len, "exceptions file", path);
	if (error == 0)
		error = tg_policy__read_exceptions_data(policy, name, path, data,
		                                        len);
	free(data);
	return error;
}

int tg_policy__read_exceptions_data(tg_policy *policy, const char *name,
	const char *disk, const char *data, size_t len)
{
	static const char *const what = "exceptions file";
	struct exc_state st = { TG_VEC_INIT };
	struct tg_policy_source src;
	struct pending *p;
	const char *missing;
	size_t i;
	int error;

	error = tg_policy__read(what, name, disk, data, len, exception_entry,
	                        &st);
	if (error < 0)
		goto done;

	memset(&src, 0, sizeof(src));
	src.what = what;
	src.name = name;
	for (i = 0; i < st.pending.length; i++) {
		p = st.pending.items[i];
		missing = p->exc->rules.length == 0 ? "rule" :
			p->exc->paths.length == 0 ? "path" :
			!p->exc->justification ? "justification" :
			!p->exc->expires ? "expires" : NULL;
		if (missing) {
			src.line = p->line;
			error = tg_policy__error(&src, "exception '%s' has no '%s'",
			                         p->exc->id, missing);
			goto done;
		}
	}
	for (i = 0; i < st.pending.length; i++) {
		p = st.pending.items[i];
		p->exc->line = p->line;
		error = tg_vec_push(&policy->exceptions, p->exc);
		if (error < 0)
			goto done;
		p->exc = NULL;
	}
done:
	tg_vec_release(&st.pending, pending_free);
	return error;
}

static bool covers(const struct tg_exception *e, const char *name,
                   const char *path)
{
	size_t i;
	bool rule = false;

	for (i = 0; i < e->rules.length && !rule; i++)
		rule = strcmp(e->rules.items[i], "*") == 0 ||
		       strcmp(e->rules.items[i], name) == 0;
	for (i = 0; rule && i < e->paths.length; i++)
		if (tg_glob_match(e->paths.items[i], path))
			return true;
	return false;
}

const struct tg_exception *tg_policy__exception_for(const tg_policy *policy,
	tg_rule_id rule, const char *path, const struct tg_exception **expired)
{
	const struct tg_exception *e, *gone = NULL;
	const char *name = tg_rule_name(rule);
	long today;
	size_t i;

	if (expired)
		*expired = NULL;
	if (!policy || !name || !path || policy->exceptions.length == 0)
		return NULL;
	today = tg_date_today();
	for (i = 0; i < policy->exceptions.length; i++) {
		e = policy->exceptions.items[i];
		if (!covers(e, name, path))
			continue;
		if (e->expires_days >= today)
			return e;
		/* The one that ended last is the one people remember. */
		if (!gone || e->expires_days > gone->expires_days)
			gone = e;
	}
	if (expired)
		*expired = gone;
	return NULL;
}

size_t tg_policy_expiring_exceptions(const tg_policy *policy,
	void (*fn)(const char *id, const char *expires, long days_left,
	           void *payload),
	void *payload)
{
	const struct tg_exception *e;
	long today = tg_date_today();
	size_t i, n = 0;

	for (i = 0; policy && i < policy->exceptions.length; i++) {
		e = policy->exceptions.items[i];
		if (!tg_policy__exception_expiring(policy, e))
			continue;
		n++;
		if (fn)
			fn(e->id, e->expires, e->expires_days - today, payload);
	}
	return n;
}

bool tg_policy__exception_expiring(const tg_policy *policy,
	const struct tg_exception *exc)
{
	long today = tg_date_today();

	return exc && exc->expires_days >= today &&
	       exc->expires_days - today <= policy->exception_warn_days;
}

bool tg_policy__excepted(const tg_policy *policy, tg_rule_id rule,
	const char *path)
{
	return tg_policy__exception_for(policy, rule, path, NULL) != NULL;
}
