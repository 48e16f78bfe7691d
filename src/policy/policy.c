/*
 * The policy (SPEC section 6): built-in defaults (defaults.c), then
 * `.threatgate`, then the `threatgate.*` keys of git config, then
 * tg_policy_finalize(). Each key is applied here as reader.c hands it
 * over, in file order: later values win, multi-valued keys accumulate.
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>
#include "policy/internal.h"
#include "util/banned.h"

#define PATTERN_OPTIONS (PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP)
#define TITLE_OPTIONS (PATTERN_OPTIONS | PCRE2_ANCHORED | PCRE2_ENDANCHORED)

/* ------------------------------------------------------------------ */
/* Values                                                              */
/* ------------------------------------------------------------------ */

static int need_value(struct tg_policy_source *src, const char *value,
	const char *expected)
{
	if (value && *value)
		return 0;
	return tg_policy__error(src, "'%s' needs a value: expected %s",
	                        src->key, expected);
}

static int bad_value(struct tg_policy_source *src, const char *value,
	const char *expected)
{
	if (!value)
		return need_value(src, value, expected);
	return tg_policy__error(src, "bad value '%s' for '%s': expected %s",
	                        value, src->key, expected);
}

/* As git: a key alone is true; yes/on/true/1, no/off/false/0/"" too. */
static int parse_bool(bool *out, struct tg_policy_source *src,
	const char *value)
{
	int b = 0;

	if (!value) {
		*out = true;
		return 0;
	}
	if (git_config_parse_bool(&b, value) < 0) {
		git_error_clear();
		return bad_value(src, value, "true or false");
	}
	*out = b != 0;
	return 0;
}

/* As git: decimal with an optional k, m or g suffix; within [min, max]. */
static int parse_number(int64_t *out, struct tg_policy_source *src,
	const char *value, int64_t min, int64_t max, const char *expected)
{
	int64_t n = 0;

	if (!value || !*value)
		return need_value(src, value, expected);
	if (git_config_parse_int64(&n, value) < 0) {
		git_error_clear();
		return bad_value(src, value, expected);
	}
	if (n < min || n > max)
		return bad_value(src, value, expected);
	*out = n;
	return 0;
}

/* Index of `value` in a NULL-terminated list, compared without case. */
static int parse_choice(int *out, const char *value,
	const char *const *choices)
{
	int i;

	if (!value)
		return TG_EINVALID;
	for (i = 0; choices[i]; i++) {
		if (tg_strcasecmp(value, choices[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	return TG_EINVALID;
}

static int parse_signoff(tg_signoff_mode *out, struct tg_policy_source *src,
	const char *value)
{
	static const char *const names[] = {
		"triggered", "always", "never", NULL
	};
	static const tg_signoff_mode modes[] = {
		TG_SIGNOFF_TRIGGERED, TG_SIGNOFF_ALWAYS, TG_SIGNOFF_NEVER
	};
	int i;

	if (parse_choice(&i, value, names) < 0)
		return bad_value(src, value, "always, triggered or never");
	*out = modes[i];
	return 0;
}

static int parse_fail_on(tg_severity *out, const char *value)
{
	static const char *const names[] = { "error", "warning", "never", NULL };
	static const tg_severity sev[] = {
		TG_SEVERITY_ERROR, TG_SEVERITY_WARNING, TG_SEVERITY_OFF
	};
	int i;

	if (parse_choice(&i, value, names) < 0)
		return TG_EINVALID;
	*out = sev[i];
	return 0;
}

static int parse_severity(tg_severity *out, const char *value)
{
	static const char *const names[] = {
		"off", "note", "warning", "error", NULL
	};
	static const tg_severity sev[] = {
		TG_SEVERITY_OFF, TG_SEVERITY_NOTE, TG_SEVERITY_WARNING,
		TG_SEVERITY_ERROR
	};
	int i;

	if (parse_choice(&i, value, names) < 0)
		return TG_EINVALID;
	*out = sev[i];
	return 0;
}

/* Replace *field by a copy of value; "" or NULL clears it. */
static int set_string(char **field, const char *value)
{
	char *copy = NULL;

	if (value && *value) {
		copy = tg_strdup(value);
		if (!copy)
			return tg_error_oom();
	}
	free(*field);
	*field = copy;
	return 0;
}

static int set_origin(char **origin, struct tg_policy_source *src)
{
	char *o = tg_policy__origin(src);

	if (!o)
		return tg_error_oom();
	free(*origin);
	*origin = o;
	return 0;
}

/* Compile a pattern; on failure record which key, PCRE2's reason and where. */
static int compile_pattern(pcre2_code **out, const char *pattern,
	uint32_t options, const char *origin, const char *key,
	struct tg_policy_source *src)
{
	PCRE2_UCHAR reason[256];
	PCRE2_SIZE offset = 0;
	int errcode = 0;

	*out = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	                     options, &errcode, &offset, NULL);
	if (*out)
		return 0;
	if (errcode == PCRE2_ERROR_NOMEMORY)
		return tg_error_oom();
	if (pcre2_get_error_message(errcode, reason, sizeof(reason)) < 0)
		snprintf((char *)reason, sizeof(reason), "error %d", errcode);
	if (src)
		return tg_policy__error(src,
			"bad pattern '%s' for '%s': %s at offset %zu",
			pattern, key, (const char *)reason, (size_t)offset);
	return tg_policy__origin_error(origin,
		"bad pattern '%s' for '%s': %s at offset %zu",
		pattern, key, (const char *)reason, (size_t)offset);
}

/* ------------------------------------------------------------------ */
/* Lookups                                                             */
/* ------------------------------------------------------------------ */

static struct tg_trigger *find_trigger(const tg_policy *policy,
	const char *name)
{
	struct tg_trigger *t;
	size_t i;

	for (i = 0; i < policy->triggers.length; i++) {
		t = policy->triggers.items[i];
		if (strcmp(t->name, name) == 0)
			return t;
	}
	return NULL;
}

static struct tg_section_rule *find_section(const tg_policy *policy,
	const char *name)
{
	struct tg_section_rule *s;
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; i < policy->sections.length; i++) {
		s = policy->sections.items[i];
		if (strcmp(s->name, name) == 0)
			return s;
	}
	return NULL;
}

static struct tg_role *find_role(const tg_policy *policy, const char *name)
{
	struct tg_role *r;
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; i < policy->roles.length; i++) {
		r = policy->roles.items[i];
		if (tg_strcasecmp(r->name, name) == 0)
			return r;
	}
	return NULL;
}

/* Position of a role name in the ranking, -1 when absent. */
static int order_index(const struct tg_policy_ext *ext, const char *name)
{
	size_t i;

	for (i = 0; i < ext->role_order.length; i++)
		if (tg_strcasecmp(ext->role_order.items[i], name) == 0)
			return (int)i;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Applying keys                                                       */
/* ------------------------------------------------------------------ */

struct key_parts {
	char section[64];
	char *sub;		/* subsection or NULL; points into `buf` */
	char key[64];
	char *buf;
};

/* Split "section.sub.key" (sub may hold dots) at the first and last dot. */
static int split_key(struct key_parts *kp, const char *name)
{
	const char *first = strchr(name, '.'), *last = strrchr(name, '.');
	size_t n;

	memset(kp, 0, sizeof(*kp));
	if (!first)
		return TG_EINVALID;
	n = (size_t)(first - name);
	if (n >= sizeof(kp->section) || strlen(last + 1) >= sizeof(kp->key))
		return TG_EINVALID;
	memcpy(kp->section, name, n);
	memcpy(kp->key, last + 1, strlen(last + 1) + 1);
	if (first != last) {
		kp->buf = tg_strndup(first + 1, (size_t)(last - first - 1));
		if (!kp->buf)
			return tg_error_oom();
		kp->sub = kp->buf;
	}
	return 0;
}

/* The keys a policy knows, as threatgate-policy(5) spells them. */
static const char *const threatgate_keys[] = {
	"docs", "signoff", "reviewer", "maxAge", "requireReviewedDate",
	"minParticipants", "maxDocSize", "timeout", "failOpen", "failOn",
	"verifySignoffAuthor", "checkTags", "allowInlineDisable", "exceptions",
	"baseline", "exceptionWarnDays", "roles", "framework", "protect",
	"policyAdmin", "pusher", "lockPolicy", "policyBranch",
	"docsCaseSensitive",
};

static const struct {
	const char *section;
	const char *keys[6];	/* after the subsection; NULL-ended */
} section_keys[] = {
	{ "rule", { "severity", "preCommitSeverity", "prePushSeverity",
	            "preReceiveSeverity", "ciSeverity", NULL } },
	{ "hook", { "failOn", "drafts", NULL } },
	{ "pusher", { "identity", NULL } },
	{ "trigger", { "pattern", "message", "enabled", "field", NULL } },
	{ "section", { "title", "parent", "required", "display", NULL } },
	{ "role", { "member", NULL } },
	{ "accept", { "P1", "P2", "P3", "P4", "P5" } },
	{ "path", { "signoff", NULL } },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool prefix_ci(const char *s, const char *word, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!word[i] || tolower((unsigned char)s[i]) !=
		    tolower((unsigned char)word[i]))
			return false;
	return strlen(word) == len;
}

/* The closest of `names` to `word`, comparing without case, or NULL. */
static const char *suggest_ci(const char *word, const char *const *names,
                              size_t n)
{
	char folded[64][32], lower[64];
	const char *fnames[64], *best;
	size_t i;

	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++) {
		snprintf(folded[i], sizeof(folded[i]), "%s", names[i]);
		tg_lower(folded[i]);
		fnames[i] = folded[i];
	}
	snprintf(lower, sizeof(lower), "%s", word);
	tg_lower(lower);
	best = tg_suggest(lower, fnames, n);
	for (i = 0; best && i < n; i++)
		if (best == fnames[i])
			return names[i];
	return NULL;
}

/* A close known key for a misspelt one, or NULL; caller frees. */
static char *suggest_key(const char *key)
{
	const char *names[COUNT(section_keys) + 1];
	const char *dot = strchr(key, '.'), *last = strrchr(key, '.'), *best;
	char section[64];
	size_t i, n, len;

	if (!dot)
		return NULL;
	len = (size_t)(dot - key);
	if (prefix_ci(key, "threatgate", len)) {
		if (dot != last)
			return NULL;
		best = suggest_ci(dot + 1, threatgate_keys,
		                  COUNT(threatgate_keys));
		return best ? tg_printf("threatgate.%s", best) : NULL;
	}
	for (i = 0; i < COUNT(section_keys); i++) {
		if (!prefix_ci(key, section_keys[i].section, len))
			continue;
		for (n = 0; n < 6 && section_keys[i].keys[n]; n++)
			;
		best = suggest_ci(last + 1, section_keys[i].keys, n);
		if (!best)
			return NULL;
		return tg_printf("%.*s.%s", (int)(last - key), key, best);
	}
	for (i = 0; i < COUNT(section_keys); i++)
		names[i] = section_keys[i].section;
	names[i] = "threatgate";
	snprintf(section, sizeof(section), "%.*s", (int)len, key);
	best = suggest_ci(section, names, i + 1);
	return best ? tg_printf("%s%s", best, dot) : NULL;
}

static int unknown_key(struct tg_policy_source *src)
{
	char *guess = suggest_key(src->key);
	int error;

	if (guess)
		error = tg_policy__error(src, "unknown key '%s'; did you mean "
		                         "'%s'?", src->key, guess);
	else
		error = tg_policy__error(src, "unknown key '%s'", src->key);
	free(guess);
	return error;
}

/* A close rule name for a misspelt one, or NULL (borrowed). */
static const char *suggest_rule(const char *name)
{
	const char *names[TG_RULE__COUNT];
	size_t i;

	for (i = 0; i < TG_RULE__COUNT; i++)
		names[i] = tg_rule_name((tg_rule_id)i);
	return tg_suggest(name, names, TG_RULE__COUNT);
}

int tg_policy__unknown_rule(struct tg_policy_source *src, const char *name)
{
	const char *guess = suggest_rule(name);

	if (guess)
		return tg_policy__error(src, "unknown rule '%s' in '%s'; did "
		                        "you mean '%s'?", name, src->key, guess);
	return tg_policy__error(src, "unknown rule '%s' in '%s'", name,
	                        src->key);
}

/* threatgate.roles: "manager, director, executive", lowest first. */
static int apply_roles(struct tg_policy_ext *ext, struct tg_policy_source *src,
	const char *value)
{
	char *copy = NULL, *p, *comma;
	int error = 0;

	if (!ext->roles_given || !value || !*value) {
		tg_vec_release(&ext->role_order, free);
		ext->roles_given = true;
	}
	error = set_origin(&ext->roles_origin, src);
	if (error < 0 || !value || !*value)
		goto done;
	copy = tg_strdup(value);
	if (!copy) {
		error = tg_error_oom();
		goto done;
	}
	for (p = copy; p; p = comma ? comma + 1 : NULL) {
		comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		tg_trim(p);
		if (!*p) {
			error = bad_value(src, value,
				"role names, lowest first, separated by commas");
			goto done;
		}
		if (order_index(ext, p) >= 0) {
			error = tg_policy__error(src, "role '%s' is listed twice in '%s'",
			                         p, src->key);
			goto done;
		}
		error = tg_vec_push_str(&ext->role_order, p);
		if (error < 0)
			goto done;
	}
done:
	free(copy);
	return error;
}

/*
 * Whether this value, from a git config level, replaces what the file
 * set: the first git config value of a multi-valued key does.
 */
static bool git_replaces(struct tg_policy_ext *ext,
	const struct tg_policy_source *src, unsigned bit)
{
	if (!src->git || (ext->git_replaced & bit))
		return false;
	ext->git_replaced |= bit;
	return true;
}

/* A multi-valued list: values accumulate; "" empties it. */
static int apply_multi(tg_vec *list, struct tg_policy_ext *ext,
	const struct tg_policy_source *src, unsigned bit, const char *value)
{
	if (git_replaces(ext, src, bit) || !value || !*value)
		tg_vec_release(list, free);
	if (!value || !*value)
		return 0;
	return tg_vec_push_str(list, value);
}

/* A key only the server's git config may set: the file it guards cannot. */
static int server_only(struct tg_policy_source *src)
{
	if (src->git)
		return 0;
	return tg_policy__error(src, "'%s' is read from git config only (the "
		"server's, with 'git config'): a policy file cannot set it",
		src->key);
}

static int apply_threatgate(struct tg_policy_ext *ext,
	struct tg_policy_source *src, const char *key, const char *value)
{
	tg_policy *policy = &ext->base;
	const struct tg_category *cats;
	size_t count = 0;
	int64_t n = 0;
	int error = 0;

	if (strcmp(key, "docs") == 0) {
		/* the first glob given replaces the defaults; "" empties the list */
		if (!policy->docs_given || !value || !*value ||
		    git_replaces(ext, src, TG_MULTI_DOCS)) {
			tg_vec_release(&policy->docs, free);
			policy->docs_given = true;
		}
		if (value && *value)
			error = tg_vec_push_str(&policy->docs, value);
	} else if (strcmp(key, "signoff") == 0) {
		error = parse_signoff(&policy->signoff, src, value);
	} else if (strcmp(key, "reviewer") == 0) {
		error = apply_multi(&policy->reviewers, ext, src, TG_MULTI_REVIEWER,
		                    value);
	} else if (strcmp(key, "protect") == 0) {
		error = apply_multi(&policy->protect, ext, src, TG_MULTI_PROTECT,
		                    value);
	} else if (strcmp(key, "policyadmin") == 0) {
		error = apply_multi(&policy->policy_admins, ext, src,
		                    TG_MULTI_ADMIN, value);
	} else if (strcmp(key, "pusher") == 0) {
		error = set_string(&policy->pusher_env, value);
	} else if (strcmp(key, "lockpolicy") == 0) {
		error = server_only(src);
		if (error == 0)
			error = parse_bool(&policy->lock_policy, src, value);
	} else if (strcmp(key, "policybranch") == 0) {
		error = server_only(src);
		if (error == 0)
			error = set_string(&policy->policy_branch, value);
	} else if (strcmp(key, "maxdocsperpush") == 0) {
		error = parse_number(&n, src, value, 1, INT_MAX,
		                     "a positive number of documents");
		if (error == 0)
			policy->max_docs_per_push = (long)n;
	} else if (strcmp(key, "docscasesensitive") == 0) {
		error = parse_bool(&policy->docs_case_sensitive, src, value);
	} else if (strcmp(key, "maxage") == 0) {
		error = parse_number(&n, src, value, 0, INT_MAX,
		                     "a number of days, 0 or more");
		if (error == 0)
			policy->max_age = (long)n;
	} else if (strcmp(key, "requirerevieweddate") == 0) {
		error = parse_bool(&policy->require_reviewed_date, src, value);
	} else if (strcmp(key, "minparticipants") == 0) {
		error = parse_number(&n, src, value, 0, INT_MAX,
		                     "a number of people, 0 or more");
		if (error == 0)
			policy->min_participants = (long)n;
	} else if (strcmp(key, "maxdocsize") == 0) {
		error = parse_number(&n, src, value, 1,
			(int64_t)(SIZE_MAX < INT64_MAX ? SIZE_MAX : INT64_MAX),
			"a positive number of bytes (k, m and g suffixes allowed)");
		if (error == 0)
			policy->max_doc_size = (size_t)n;
	} else if (strcmp(key, "timeout") == 0) {
		error = parse_number(&n, src, value, 1, INT_MAX,
		                     "a positive number of seconds");
		if (error == 0)
			policy->timeout = (long)n;
	} else if (strcmp(key, "failopen") == 0) {
		error = parse_bool(&policy->fail_open, src, value);
	} else if (strcmp(key, "failon") == 0) {
		error = parse_fail_on(&policy->fail_on, value);
		if (error < 0)
			error = bad_value(src, value, "error, warning or never");
	} else if (strcmp(key, "verifysignoffauthor") == 0) {
		error = parse_bool(&policy->verify_signoff_author, src, value);
	} else if (strcmp(key, "checktags") == 0) {
		error = parse_bool(&policy->check_tags, src, value);
	} else if (strcmp(key, "allowinlinedisable") == 0) {
		error = parse_bool(&policy->allow_inline_disable, src, value);
	} else if (strcmp(key, "exceptions") == 0) {
		error = set_string(&policy->exceptions_path, value);
	} else if (strcmp(key, "baseline") == 0) {
		error = set_string(&policy->baseline_path, value);
	} else if (strcmp(key, "exceptionwarndays") == 0) {
		error = parse_number(&n, src, value, 0, INT_MAX,
		                     "a number of days, 0 or more");
		if (error == 0)
			policy->exception_warn_days = (long)n;
	} else if (strcmp(key, "roles") == 0) {
		error = apply_roles(ext, src, value);
	} else if (strcmp(key, "framework") == 0) {
		cats = value ? tg_policy__framework(value, &count) : NULL;
		if (!cats)
			return bad_value(src, value, "stride or linddun");
		error = set_string(&policy->framework, value);
		if (error == 0) {
			tg_lower(policy->framework);
			policy->categories = cats;
			policy->categories_count = count;
		}
	} else {
		error = unknown_key(src);
	}
	return error;
}

/* The places a check runs, as [hook "NAME"] and rule.<id>.<key> name them. */
static const struct {
	const char *hook;	/* [hook "NAME"] */
	const char *severity_key;	/* rule.<id>.KEY, lowercased */
	tg_stage stage;
} stage_keys[] = {
	{ "pre-commit", "precommitseverity", TG_STAGE_PRE_COMMIT },
	{ "pre-push", "prepushseverity", TG_STAGE_PRE_PUSH },
	{ "pre-receive", "prereceiveseverity", TG_STAGE_PRE_RECEIVE },
	{ "ci", "ciseverity", TG_STAGE_CI },
};
#define STAGE_KEYS (sizeof(stage_keys) / sizeof(stage_keys[0]))

/* [hook "pre-commit"] failOn = warning, drafts = enforce */
static int apply_hook(tg_policy *policy, struct tg_policy_source *src,
	const struct key_parts *kp, const char *value)
{
	size_t i;
	tg_stage stage;

	for (i = 0; kp->sub && i < STAGE_KEYS; i++)
		if (strcmp(kp->sub, stage_keys[i].hook) == 0)
			break;
	if (!kp->sub || i == STAGE_KEYS)
		return tg_policy__error(src, "unknown hook '%s' in '%s': expected "
			"pre-commit, pre-push, pre-receive or ci",
			kp->sub ? kp->sub : "", src->key);
	stage = stage_keys[i].stage;
	if (strcmp(kp->key, "failon") == 0) {
		if (parse_fail_on(&policy->stage_fail_on[stage], value) < 0)
			return bad_value(src, value, "error, warning or never");
		policy->stage_fail_on_set[stage] = true;
		return 0;
	}
	if (strcmp(kp->key, "drafts") == 0) {
		if (value && tg_strcasecmp(value, "warn") == 0)
			policy->stage_drafts[stage] = TG_DRAFTS_WARN;
		else if (value && tg_strcasecmp(value, "enforce") == 0)
			policy->stage_drafts[stage] = TG_DRAFTS_ENFORCE;
		else
			return bad_value(src, value, "warn or enforce");
		return 0;
	}
	return unknown_key(src);
}

static int apply_rule(tg_policy *policy, struct tg_policy_source *src,
	const struct key_parts *kp, const char *value)
{
	tg_rule_id rule;
	tg_severity sev;
	size_t i;

	for (i = 0; kp->sub && i < STAGE_KEYS; i++) {
		tg_stage stage = stage_keys[i].stage;

		if (strcmp(kp->key, stage_keys[i].severity_key) != 0)
			continue;
		if (tg_rule_lookup(&rule, kp->sub) < 0)
			return tg_policy__error(src, "unknown rule '%s' in '%s'",
			                        kp->sub, src->key);
		if (parse_severity(&sev, value) < 0)
			return bad_value(src, value, "error, warning, note or off");
		policy->stage_severity[stage][rule] = sev;
		policy->stage_severity_set[stage][rule] = true;
		return 0;
	}
	if (!kp->sub || strcmp(kp->key, "severity") != 0)
		return unknown_key(src);
	if (tg_rule_lookup(&rule, kp->sub) < 0)
		return tg_policy__unknown_rule(src, kp->sub);
	if (parse_severity(&sev, value) < 0)
		return bad_value(src, value, "error, warning, note or off");
	policy->severity[rule] = sev;
	policy->severity_set[rule] = true;
	return 0;
}

/* "key=value", trimmed around both; a front-matter condition. */
static int apply_trigger_field(struct tg_trigger *t,
	struct tg_policy_source *src, const char *value)
{
	char *copy = NULL, *eq, *k, *v, *field = NULL;
	int error = 0;

	if (!value || !*value) {
		tg_vec_release(&t->fields, free);
		return 0;
	}
	copy = tg_strdup(value);
	if (!copy)
		return tg_error_oom();
	eq = strchr(copy, '=');
	if (!eq) {
		error = bad_value(src, value, "a front-matter condition key=value");
		goto done;
	}
	*eq = '\0';
	k = tg_trim(copy);
	v = tg_trim(eq + 1);
	if (!*k || !*v) {
		error = bad_value(src, value, "a front-matter condition key=value");
		goto done;
	}
	field = tg_printf("%s=%s", k, v);
	if (!field) {
		error = tg_error_oom();
		goto done;
	}
	error = tg_vec_push(&t->fields, field);
	if (error == 0)
		field = NULL;
done:
	free(field);
	free(copy);
	return error;
}

/* trigger.<name>.threshold: a positive number, "2" or "1.5". */
static int parse_threshold(double *out, struct tg_policy_source *src,
	const char *value)
{
	char *end = NULL;
	double d;

	if (!value || !*value)
		return bad_value(src, value ? value : "", "a positive number");
	d = strtod(value, &end);
	if (end == value || *end != '\0' || !(d > 0) || d > 1000)
		return bad_value(src, value, "a positive number, e.g. 2 or 1.5");
	*out = d;
	return 0;
}

static int apply_trigger(tg_policy *policy, struct tg_policy_source *src,
	const struct key_parts *kp, const char *value)
{
	struct tg_trigger *t;
	pcre2_code *code = NULL;
	int error;

	if (!kp->sub || !*kp->sub ||
	    (strcmp(kp->key, "pattern") != 0 && strcmp(kp->key, "message") != 0 &&
	     strcmp(kp->key, "enabled") != 0 && strcmp(kp->key, "field") != 0 &&
	     strcmp(kp->key, "weak") != 0 && strcmp(kp->key, "ignore") != 0 &&
	     strcmp(kp->key, "threshold") != 0))
		return unknown_key(src);
	t = find_trigger(policy, kp->sub);
	if (!t) {
		t = tg_policy__trigger_new(kp->sub);
		if (!t)
			return tg_error_oom();
		error = tg_vec_push(&policy->triggers, t);
		if (error < 0) {
			tg_policy__trigger_free(t);
			return error;
		}
	}
	error = set_origin(&t->origin, src);
	if (error < 0)
		return error;

	if (strcmp(kp->key, "pattern") == 0 || strcmp(kp->key, "weak") == 0 ||
	    strcmp(kp->key, "ignore") == 0) {
		char **text = kp->key[0] == 'p' ? &t->pattern :
		              kp->key[0] == 'w' ? &t->weak : &t->ignore;
		pcre2_code **slot = kp->key[0] == 'p' ? &t->code :
		                    kp->key[0] == 'w' ? &t->weak_code :
		                    &t->ignore_code;

		/* an empty pattern leaves the front-matter conditions only */
		if (value && *value) {
			error = compile_pattern(&code, value, PATTERN_OPTIONS, NULL,
			                        src->key, src);
			if (error < 0)
				return error;
		}
		error = set_string(text, value);
		if (error < 0) {
			pcre2_code_free(code);
			return error;
		}
		pcre2_code_free(*slot);
		*slot = code;
		return 0;
	}
	if (strcmp(kp->key, "threshold") == 0)
		return parse_threshold(&t->threshold, src, value);
	if (strcmp(kp->key, "message") == 0)
		return set_string(&t->message, value);
	if (strcmp(kp->key, "enabled") == 0)
		return parse_bool(&t->enabled, src, value);
	return apply_trigger_field(t, src, value);
}

static int apply_section(tg_policy *policy, struct tg_policy_source *src,
	const struct key_parts *kp, const char *value)
{
	static const char *const needs[] = { "when-signoff", NULL };
	struct tg_section_rule *s;
	pcre2_code *code = NULL;
	int error, i;

	if (!kp->sub || !*kp->sub ||
	    (strcmp(kp->key, "title") != 0 && strcmp(kp->key, "parent") != 0 &&
	     strcmp(kp->key, "required") != 0 && strcmp(kp->key, "display") != 0))
		return unknown_key(src);
	s = find_section(policy, kp->sub);
	if (!s) {
		s = tg_policy__section_new(kp->sub);
		if (!s)
			return tg_error_oom();
		error = tg_vec_push(&policy->sections, s);
		if (error < 0) {
			tg_policy__section_free(s);
			return error;
		}
	}
	error = set_origin(&s->origin, src);
	if (error < 0)
		return error;

	if (strcmp(kp->key, "title") == 0) {
		error = need_value(src, value, "a regular expression");
		if (error < 0)
			return error;
		error = compile_pattern(&code, value, TITLE_OPTIONS, NULL,
		                        src->key, src);
		if (error < 0)
			return error;
		error = set_string(&s->title, value);
		if (error < 0) {
			pcre2_code_free(code);
			return error;
		}
		pcre2_code_free(s->code);
		s->code = code;
		return 0;
	}
	if (strcmp(kp->key, "parent") == 0) {
		if (value && strcmp(value, s->name) == 0)
			return tg_policy__error(src,
				"section '%s' cannot be its own parent", s->name);
		return set_string(&s->parent, value);
	}
	if (strcmp(kp->key, "display") == 0) {
		error = need_value(src, value, "the title an author should write");
		if (error < 0)
			return error;
		return set_string(&s->display, value);
	}
	if (parse_choice(&i, value, needs) == 0) {
		s->need = TG_NEED_SIGNOFF;
		return 0;
	}
	if (!value) {
		s->need = TG_NEED_ALWAYS;	/* a bare key is true, as in git */
		return 0;
	}
	if (git_config_parse_bool(&i, value) < 0) {
		git_error_clear();
		return bad_value(src, value, "true, false or when-signoff");
	}
	s->need = i ? TG_NEED_ALWAYS : TG_NEED_NEVER;
	return 0;
}

static int apply_role(tg_policy *policy, struct tg_policy_source *src,
	const struct key_parts *kp, const char *value)
{
	struct tg_role *r;
	int error;

	if (!kp->sub || !*kp->sub || strcmp(kp->key, "member") != 0)
		return unknown_key(src);
	r = find_role(policy, kp->sub);
	if (!r) {
		r = tg_policy__role_new(kp->sub, -1);
		if (!r)
			return tg_error_oom();
		error = tg_vec_push(&policy->roles, r);
		if (error < 0) {
			tg_policy__role_free(r);
			return error;
		}
	}
	if (!value || !*value) {
		tg_vec_release(&r->members, free);
		return 0;
	}
	return tg_vec_push_str(&r->members, value);
}

static int apply_accept(struct tg_policy_ext *ext, struct tg_policy_source *src,
	const struct key_parts *kp, const char *value)
{
	int i, error;

	if (kp->sub || kp->key[0] != 'p' || kp->key[1] < '1' ||
	    kp->key[1] > '5' || kp->key[2] != '\0')
		return unknown_key(src);
	i = kp->key[1] - '1';
	error = need_value(src, value, "a role name");
	if (error < 0)
		return error;
	error = set_string(&ext->base.accept[i], value);
	if (error < 0)
		return error;
	return set_origin(&ext->accept_origin[i], src);
}

static int apply_path(tg_policy *policy, struct tg_policy_source *src,
	const struct key_parts *kp, const char *value)
{
	struct tg_path_signoff *ps = NULL;
	tg_signoff_mode mode = TG_SIGNOFF_TRIGGERED;
	int error;

	if (!kp->sub || !*kp->sub || strcmp(kp->key, "signoff") != 0)
		return unknown_key(src);
	error = parse_signoff(&mode, src, value);
	if (error < 0)
		return error;
	ps = calloc(1, sizeof(*ps));
	if (!ps)
		return tg_error_oom();
	ps->glob = tg_strdup(kp->sub);
	ps->mode = mode;
	if (!ps->glob) {
		tg_policy__path_signoff_free(ps);
		return tg_error_oom();
	}
	error = tg_vec_push(&policy->path_signoff, ps);
	if (error < 0)
		tg_policy__path_signoff_free(ps);
	return error;
}

/* pusher.<name>.identity: the reviewer identities of a pusher name. */
static int apply_pusher(struct tg_policy_ext *ext, struct tg_policy_source *src,
	const struct key_parts *kp, const char *value)
{
	tg_policy *policy = &ext->base;
	struct tg_pusher *p = NULL;
	size_t i;
	int error;

	if (!kp->sub || !*kp->sub || strcmp(kp->key, "identity") != 0)
		return unknown_key(src);
	if (git_replaces(ext, src, TG_MULTI_PUSHER))
		tg_vec_release(&policy->pushers, tg_policy__pusher_free);
	for (i = 0; i < policy->pushers.length && !p; i++) {
		struct tg_pusher *q = policy->pushers.items[i];

		if (strcmp(q->name, kp->sub) == 0)
			p = q;
	}
	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p || !(p->name = tg_strdup(kp->sub))) {
			tg_policy__pusher_free(p);
			return tg_error_oom();
		}
		error = tg_vec_push(&policy->pushers, p);
		if (error < 0) {
			tg_policy__pusher_free(p);
			return error;
		}
	}
	if (!value || !*value) {
		tg_vec_release(&p->identities, free);
		return 0;
	}
	return tg_vec_push_str(&p->identities, value);
}

static int apply_entry(struct tg_policy_source *src,
	const git_config_entry *entry, void *payload)
{
	struct tg_policy_ext *ext = payload;
	struct key_parts kp;
	int error;

	error = split_key(&kp, entry->name);
	if (error == TG_ENOMEM)
		return error;
	if (error < 0) {
		error = unknown_key(src);
		goto done;
	}
	if (strcmp(kp.section, "threatgate") == 0)
		error = kp.sub ? unknown_key(src) :
			apply_threatgate(ext, src, kp.key, entry->value);
	else if (strcmp(kp.section, "pusher") == 0)
		error = apply_pusher(ext, src, &kp, entry->value);
	else if (src->git)
		error = unknown_key(src);
	else if (strcmp(kp.section, "rule") == 0)
		error = apply_rule(&ext->base, src, &kp, entry->value);
	else if (strcmp(kp.section, "trigger") == 0)
		error = apply_trigger(&ext->base, src, &kp, entry->value);
	else if (strcmp(kp.section, "section") == 0)
		error = apply_section(&ext->base, src, &kp, entry->value);
	else if (strcmp(kp.section, "role") == 0)
		error = apply_role(&ext->base, src, &kp, entry->value);
	else if (strcmp(kp.section, "accept") == 0)
		error = apply_accept(ext, src, &kp, entry->value);
	else if (strcmp(kp.section, "path") == 0)
		error = apply_path(&ext->base, src, &kp, entry->value);
	else if (strcmp(kp.section, "hook") == 0)
		error = apply_hook(&ext->base, src, &kp, entry->value);
	else
		error = unknown_key(src);
done:
	free(kp.buf);
	return error;
}

/* ------------------------------------------------------------------ */
/* Public: life cycle and loading                                      */
/* ------------------------------------------------------------------ */

int tg_policy_new(tg_policy **out)
{
	struct tg_policy_ext *ext;
	int error;

	*out = NULL;
	ext = calloc(1, sizeof(*ext));
	if (!ext)
		return tg_error_oom();
	error = tg_policy__defaults(ext);
	if (error < 0) {
		tg_policy_free(&ext->base);
		return error;
	}
	*out = &ext->base;
	return 0;
}

void tg_policy_free(tg_policy *policy)
{
	struct tg_policy_ext *ext = TG_POLICY_EXT(policy);
	size_t i;

	if (!policy)
		return;
	tg_vec_release(&policy->docs, free);
	tg_vec_release(&policy->reviewers, free);
	tg_vec_release(&policy->triggers, tg_policy__trigger_free);
	tg_vec_release(&policy->sections, tg_policy__section_free);
	tg_vec_release(&policy->roles, tg_policy__role_free);
	tg_vec_release(&policy->path_signoff, tg_policy__path_signoff_free);
	tg_vec_release(&policy->exceptions, tg_policy__exception_free);
	tg_vec_release(&policy->protect, free);
	tg_vec_release(&policy->pushers, tg_policy__pusher_free);
	tg_vec_release(&policy->policy_admins, free);
	free(policy->pusher_env);
	free(policy->policy_branch);
	free(policy->source_ref);
	for (i = 0; i < 5; i++) {
		free(policy->accept[i]);
		free(ext->accept_origin[i]);
	}
	free(policy->exceptions_path);
	free(policy->baseline_path);
	for (i = 0; i < policy->baseline_count; i++)
		free(policy->baseline[i]);
	free(policy->baseline);
	free(policy->framework);
	pcre2_match_context_free(policy->match_context);
	tg_policy__gate_free(policy);	/* the gate and its trie */
	tg_vec_release(&ext->role_order, free);
	free(ext->roles_origin);
	free(ext);
}

static int check_not_finalized(const tg_policy *policy)
{
	if (policy->finalized)
		return tg_error_set(TG_EINVALID,
			"cannot change a policy after it was finalized");
	return 0;
}

/* Read `disk` (holding `data`), calling it `name` in messages. */
static int load_source(tg_policy *policy, const char *name, const char *disk,
	const char *data, size_t len)
{
	int error = check_not_finalized(policy);

	if (error < 0)
		return error;
	return tg_policy__read("policy", name, disk, data, len, apply_entry,
	                       TG_POLICY_EXT(policy));
}

int tg_policy_load_file(tg_policy *policy, const char *path)
{
	char *data = NULL;
	size_t len = 0;
	int error;

	error = tg_policy__slurp(&data, &len, "policy", path);
	if (error < 0)
		goto done;
	error = load_source(policy, path, path, data, len);
done:
	free(data);
	return error;
}

/*
 * A file libgit2 can open for bytes held in memory: an anonymous memory
 * file where the kernel has them (a server whose /tmp is read-only still
 * reads its policy), else a private file in $TMPDIR. *unlink_path is set
 * when a file on disk must be removed afterwards.
 */
static int scratch_file(int *fd, char **path, char **unlink_path,
                        const char *name)
{
	const char *dir = getenv("TMPDIR");

	*unlink_path = NULL;
	*fd = memfd_create("threatgate-policy", MFD_CLOEXEC);
	if (*fd >= 0) {
		*path = tg_printf("/proc/self/fd/%d", *fd);
		if (!*path) {
			close(*fd);
			*fd = -1;
			return tg_error_oom();
		}
		if (access(*path, R_OK) == 0)
			return 0;
		free(*path);
		close(*fd);	/* no /proc: fall back to a file */
	}
	if (!dir || !*dir)
		dir = "/tmp";
	*path = tg_printf("%s/threatgate-policy-XXXXXX", dir);
	if (!*path)
		return tg_error_oom();
	*fd = mkstemp(*path);
	if (*fd < 0) {
		int error = tg_error_set(TG_ERROR,
			"cannot read policy '%s': cannot create a temporary file in "
			"'%s': %s", name, dir, strerror(errno));

		free(*path);
		*path = NULL;
		return error;
	}
	*unlink_path = *path;
	return 0;
}

static int read_policy_at(tg_policy *policy, const char *name,
	const char *disk, const char *data, size_t len)
{
	return load_source(policy, name, disk, data, len);
}

static int read_exceptions_at(tg_policy *policy, const char *name,
	const char *disk, const char *data, size_t len)
{
	int error = check_not_finalized(policy);

	if (error == 0)
		error = tg_policy__read_exceptions_data(policy, name, disk, data,
		                                        len);
	if (error == 0)
		policy->exceptions_loaded = true;
	return error;
}

/* Hand `data` to a reader that wants a file libgit2 can open. */
static int read_via_scratch(tg_policy *policy, const char *name,
	const char *data, size_t len,
	int (*reader)(tg_policy *, const char *, const char *, const char *,
	              size_t))
{
	char *path = NULL, *on_disk = NULL;
	size_t off = 0;
	ssize_t n;
	int fd = -1, error;

	error = scratch_file(&fd, &path, &on_disk, name);
	if (error < 0)
		return error;
	while (off < len) {
		n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			error = tg_error_set(TG_ERROR,
				"cannot read policy '%s': cannot write '%s': %s",
				name, path, strerror(errno));
			goto done;
		}
		off += (size_t)n;
	}
	/* The memory file stays open while libgit2 reads it by path. */
	error = reader(policy, name, path, data, len);
done:
	if (fd >= 0)
		close(fd);
	if (on_disk)
		unlink(on_disk);
	free(path);
	return error;
}

int tg_policy_load_buffer(tg_policy *policy, const char *name,
	const char *data, size_t len)
{
	return read_via_scratch(policy, name, data, len, read_policy_at);
}

int tg_policy_load_exceptions_buffer(tg_policy *policy, const char *name,
	const char *data, size_t len)
{
	return read_via_scratch(policy, name, data, len, read_exceptions_at);
}

struct git_level_state {
	struct tg_policy_source *src;
	struct tg_policy_ext *ext;
	int error;
};

static int git_level_entry(const git_config_entry *entry, void *payload)
{
	struct git_level_state *st = payload;
	int error;

	/*
	 * Filter here rather than with git_config_foreach_match: libgit2
	 * 1.5's regex iterator leaks its PCRE2 match data.
	 */
	if (strncmp(entry->name, "threatgate.", 11) != 0 &&
	    strncmp(entry->name, "pusher.", 7) != 0)
		return 0;
	st->src->key = entry->name;
	st->src->line = 0;
	error = apply_entry(st->src, entry, st->ext);
	if (error < 0) {
		st->error = error;
		return 1;
	}
	return 0;
}

int tg_policy_load_git_config(tg_policy *policy, git_config *config)
{
	static const struct {
		git_config_level_t level;
		const char *name;
	} levels[] = {
		{ GIT_CONFIG_LEVEL_PROGRAMDATA, "programdata" },
		{ GIT_CONFIG_LEVEL_SYSTEM, "system" },
		{ GIT_CONFIG_LEVEL_XDG, "xdg" },
		{ GIT_CONFIG_LEVEL_GLOBAL, "global" },
		{ GIT_CONFIG_LEVEL_LOCAL, "local" },
		{ GIT_CONFIG_LEVEL_APP, "app" },
	};
	struct tg_policy_source src;
	struct git_level_state st;
	git_config *level = NULL;
	size_t i;
	int error;

	error = check_not_finalized(policy);
	if (error < 0 || !config)
		return error;
	memset(&src, 0, sizeof(src));
	src.what = "git config";
	src.git = true;
	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		error = git_config_open_level(&level, config, levels[i].level);
		if (error == GIT_ENOTFOUND) {
			git_error_clear();
			error = 0;
			continue;
		}
		if (error < 0) {
			error = tg_error_from_git(error, "cannot read git config (%s)",
			                          levels[i].name);
			goto done;
		}
		src.name = levels[i].name;
		st.src = &src;
		st.ext = TG_POLICY_EXT(policy);
		st.error = 0;
		error = git_config_foreach(level, git_level_entry, &st);
		git_config_free(level);
		level = NULL;
		if (st.error < 0) {
			error = st.error;
			git_error_clear();
			goto done;
		}
		if (error < 0) {
			error = tg_error_from_git(error, "cannot read git config (%s)",
			                          levels[i].name);
			goto done;
		}
	}
done:
	git_config_free(level);
	return error;
}

/* ------------------------------------------------------------------ */
/* Finalize                                                            */
/* ------------------------------------------------------------------ */

static int finalize_sections(tg_policy *policy)
{
	struct tg_section_rule *s, *up;
	size_t i, steps;
	int error;

	for (i = 0; i < policy->sections.length; i++) {
		s = policy->sections.items[i];
		if (!s->title)
			return tg_policy__origin_error(s->origin,
				"section '%s' has no title pattern: set 'section.%s.title'",
				s->name, s->name);
		if (!s->display) {
			s->display = tg_strdup(s->name);
			if (!s->display)
				return tg_error_oom();
		}
		if (!s->code) {
			error = compile_pattern(&s->code, s->title, TITLE_OPTIONS,
			                        s->origin, "title", NULL);
			if (error < 0)
				return error;
		}
		(void)pcre2_jit_compile(s->code, PCRE2_JIT_COMPLETE);
		if (s->parent && !find_section(policy, s->parent))
			return tg_policy__origin_error(s->origin,
				"section '%s' names an unknown parent '%s'",
				s->name, s->parent);
	}
	/* A chain longer than the number of sections loops. */
	for (i = 0; i < policy->sections.length; i++) {
		s = policy->sections.items[i];
		up = s;
		for (steps = 0; up && up->parent; steps++) {
			if (steps > policy->sections.length)
				return tg_policy__origin_error(s->origin,
					"section '%s' is its own ancestor: "
					"its parents form a cycle", s->name);
			up = find_section(policy, up->parent);
		}
	}
	return 0;
}


/*
 * Strong and weak terms in one pattern, so that the prose is read once per
 * trigger, not twice: a pass costs about the same whatever the number of
 * alternatives. A (*MARK) tells a strong match; at one place the strong
 * alternative is tried first. Where the two do not combine (a numbered
 * back-reference, a duplicate group name) the trigger keeps two passes.
 */
static int combine_trigger(struct tg_trigger *t)
{
	uint32_t backrefs = 0;
	char *both;
	int errcode = 0;
	PCRE2_SIZE offset = 0;

	pcre2_code_free(t->scan_code);
	t->scan_code = NULL;
	if (!t->code || !t->weak_code ||
	    pcre2_pattern_info(t->weak_code, PCRE2_INFO_BACKREFMAX,
	                       &backrefs) != 0 || backrefs > 0)
		return 0;	/* the weak pattern's group numbers would shift */
	both = tg_printf("(?:%s)(*MARK:s)|(?:%s)", t->pattern, t->weak);
	if (!both)
		return tg_error_oom();
	t->scan_code = pcre2_compile((PCRE2_SPTR)both, PCRE2_ZERO_TERMINATED,
	                             PATTERN_OPTIONS, &errcode, &offset, NULL);
	free(both);
	if (!t->scan_code)	/* two passes then: slower, not different */
		return errcode == PCRE2_ERROR_NOMEMORY ? tg_error_oom() : 0;
	return 0;
}

static int finalize_triggers(tg_policy *policy)
{
	struct tg_trigger *t;
	size_t i, kept = 0;
	int error;

	/* Disabled triggers leave the list: later stages only see live ones. */
	for (i = 0; i < policy->triggers.length; i++) {
		t = policy->triggers.items[i];
		if (!t->enabled) {
			tg_policy__trigger_free(t);
			continue;
		}
		policy->triggers.items[kept++] = t;
	}
	policy->triggers.length = kept;

	for (i = 0; i < policy->triggers.length; i++) {
		t = policy->triggers.items[i];
		if (!t->pattern && !t->weak && t->fields.length == 0)
			return tg_policy__origin_error(t->origin,
				"trigger '%s' has neither a pattern nor a field",
				t->name);
		if (t->pattern && !t->code) {
			error = compile_pattern(&t->code, t->pattern,
			                        PATTERN_OPTIONS, t->origin,
			                        "pattern", NULL);
			if (error < 0)
				return error;
		}
		if (t->weak && !t->weak_code) {
			error = compile_pattern(&t->weak_code, t->weak,
			                        PATTERN_OPTIONS, t->origin,
			                        "weak", NULL);
			if (error < 0)
				return error;
		}
		if (t->ignore && !t->ignore_code) {
			error = compile_pattern(&t->ignore_code, t->ignore,
			                        PATTERN_OPTIONS, t->origin,
			                        "ignore", NULL);
			if (error < 0)
				return error;
		}
		/* JIT compiled by the gate, for the patterns it will match */
		error = combine_trigger(t);
		if (error < 0)
			return error;
		if (t->ignore_code)
			(void)pcre2_jit_compile(t->ignore_code, PCRE2_JIT_COMPLETE);
	}
	return tg_policy__build_gate(policy);
}

static int compare_rank(const void *a, const void *b)
{
	const struct tg_role *ra = *(const struct tg_role *const *)a;
	const struct tg_role *rb = *(const struct tg_role *const *)b;

	return (ra->rank > rb->rank) - (ra->rank < rb->rank);
}

static int finalize_roles(struct tg_policy_ext *ext)
{
	tg_policy *policy = &ext->base;
	struct tg_role *r;
	tg_buf names = TG_BUF_INIT;
	size_t i, kept = 0;
	int error = 0;

	for (i = 0; i < ext->role_order.length; i++) {
		if (find_role(policy, ext->role_order.items[i]))
			continue;
		r = tg_policy__role_new(ext->role_order.items[i], -1);
		if (!r)
			return tg_error_oom();
		error = tg_vec_push(&policy->roles, r);
		if (error < 0) {
			tg_policy__role_free(r);
			return error;
		}
	}
	for (i = 0; i < ext->role_order.length; i++) {
		tg_buf_printf(&names, "%s%s", i ? ", " : "",
		              (const char *)ext->role_order.items[i]);
	}
	if (names.failed) {
		error = tg_error_oom();
		goto done;
	}
	for (i = 0; i < policy->roles.length; i++) {
		r = policy->roles.items[i];
		r->rank = order_index(ext, r->name);
		if (r->rank < 0 && r->members.length > 0) {
			error = tg_policy__origin_error(ext->roles_origin,
				"role '%s' has members but is not ranked in "
				"'threatgate.roles' (%s)", r->name,
				tg_buf_cstr(&names));
			goto done;
		}
	}
	for (i = 0; i < policy->roles.length; i++) {
		r = policy->roles.items[i];
		if (r->rank < 0) {
			tg_policy__role_free(r);
			continue;
		}
		policy->roles.items[kept++] = r;
	}
	policy->roles.length = kept;
	if (policy->roles.length > 1)
		qsort(policy->roles.items, policy->roles.length,
		      sizeof(void *), compare_rank);

	for (i = 0; i < 5; i++) {
		if (policy->accept[i] && order_index(ext, policy->accept[i]) < 0) {
			error = tg_policy__origin_error(ext->accept_origin[i],
				"'accept.P%d' names an unknown role '%s': expected "
				"one of %s", (int)i + 1, policy->accept[i],
				names.size ? tg_buf_cstr(&names) : "(no roles)");
			goto done;
		}
	}
done:
	tg_buf_release(&names);
	return error;
}

static int finalize_matching(tg_policy *policy)
{
	policy->match_context = pcre2_match_context_create(NULL);
	if (!policy->match_context)
		return tg_error_oom();
	pcre2_set_match_limit(policy->match_context, TG_PCRE2_MATCH_LIMIT);
	pcre2_set_depth_limit(policy->match_context, TG_PCRE2_DEPTH_LIMIT);
	/*
	 * No JIT stack of our own: the default one lives on the caller's
	 * stack, so a finalized policy stays read-only and can be shared.
	 */
	return 0;
}

/*
 * The files a policy names (the exceptions file, the baseline): one way
 * of finding and reading them, relative to `root`.
 */
static int read_policy_file(tg_policy *policy, const char *root,
	const char *name,
	int (*reader)(tg_policy *policy, const char *path, const char *name))
{
	char *path = NULL;
	int error;

	if (name[0] == '/' || !root || !*root)
		path = tg_strdup(name);
	else
		path = tg_printf("%s/%s", root, name);
	if (!path)
		return tg_error_oom();
	error = reader(policy, path, name);
	free(path);
	return error;
}

int tg_policy_finalize(tg_policy *policy, const char *root)
{
	struct tg_policy_ext *ext = TG_POLICY_EXT(policy);
	int error;

	error = check_not_finalized(policy);
	if (error < 0)
		goto done;
	error = finalize_sections(policy);
	if (error < 0)
		goto done;
	error = finalize_triggers(policy);
	if (error < 0)
		goto done;
	error = finalize_roles(ext);
	if (error < 0)
		goto done;
	error = finalize_matching(policy);
	if (error < 0)
		goto done;
	if (policy->exceptions_path && !policy->exceptions_loaded) {
		error = read_policy_file(policy, root, policy->exceptions_path,
		                         tg_policy__read_exceptions);
		if (error < 0)
			goto done;
	}
	if (policy->baseline_path && !policy->baseline_loaded) {
		error = read_policy_file(policy, root, policy->baseline_path,
		                         tg_policy__read_baseline);
		if (error < 0)
			goto done;
	}
	policy->finalized = true;
done:
	return error;
}

void tg_policy_ignore_baseline(tg_policy *policy)
{
	if (policy)
		policy->baseline_ignored = true;
}

const char *tg_policy_baseline_path(const tg_policy *policy)
{
	return policy ? policy->baseline_path : NULL;
}

/* ------------------------------------------------------------------ */
/* Accessors                                                           */
/* ------------------------------------------------------------------ */

static bool glob_matches(const tg_policy *policy, const char *glob,
	const char *path)
{
	return policy->docs_case_sensitive ? tg_glob_match(glob, path)
	                                   : tg_glob_match_nocase(glob, path);
}

/* The other Markdown extensions a glob ending in ".md" matches too. */
static const char *const markdown_exts[] = { ".markdown", ".mdown", ".mkd" };

bool tg_policy_is_document(const tg_policy *policy, const char *path)
{
	const char *ext = NULL;
	char *alt = NULL;
	size_t i, n, g;
	bool match = false;

	if (!policy || !path)
		return false;
	for (i = 0; i < policy->docs.length; i++)
		if (glob_matches(policy, policy->docs.items[i], path))
			return true;
	n = strlen(path);
	for (i = 0; i < sizeof(markdown_exts) / sizeof(markdown_exts[0]); i++) {
		size_t e = strlen(markdown_exts[i]);

		if (n > e && tg_strcasecmp(path + n - e, markdown_exts[i]) == 0)
			ext = path + n - e;
	}
	if (!ext)
		return false;
	alt = tg_printf("%.*s.md", (int)(ext - path), path);
	for (g = 0; alt && g < policy->docs.length && !match; g++) {
		const char *glob = policy->docs.items[g];
		size_t gl = strlen(glob);

		if (gl > 3 && tg_strcasecmp(glob + gl - 3, ".md") == 0)
			match = glob_matches(policy, glob, alt);
	}
	free(alt);
	return match;
}

bool tg_policy__is_design_path(const tg_policy *policy, const char *path)
{
	size_t i, plen, n;

	if (!policy || !path)
		return false;
	if (tg_policy_is_document(policy, path))
		return true;
	plen = strlen(path);
	for (i = 0; i < policy->docs.length; i++) {
		const char *glob = policy->docs.items[i], *p, *slash = NULL;

		/* the folders before the first wildcard: "docs/design" */
		for (p = glob; *p && !strchr("*?[", *p); p++)
			if (*p == '/')
				slash = p;
		if (!slash)
			continue;
		n = (size_t)(slash - glob);
		/* the folder, one above it, or anything inside it */
		if ((plen <= n && strncasecmp(glob, path, plen) == 0 &&
		     (plen == n || glob[plen] == '/')) ||
		    (plen > n && strncasecmp(glob, path, n) == 0 && path[n] == '/'))
			return true;
	}
	return false;
}

tg_signoff_mode tg_policy_signoff_mode(const tg_policy *policy,
	const char *path)
{
	const struct tg_path_signoff *ps;
	tg_signoff_mode mode = policy->signoff;
	size_t i;

	for (i = 0; path && i < policy->path_signoff.length; i++) {
		ps = policy->path_signoff.items[i];
		if (tg_glob_match(ps->glob, path))
			mode = ps->mode;
	}
	return mode;
}

tg_severity tg_policy_fail_on(const tg_policy *policy)
{
	if (!policy->fail_on_forced && policy->stage_fail_on_set[policy->stage])
		return policy->stage_fail_on[policy->stage];
	return policy->fail_on;
}

const char *tg_stage_name(tg_stage stage)
{
	switch (stage) {
	case TG_STAGE_PRE_COMMIT: return "pre-commit";
	case TG_STAGE_PRE_PUSH: return "pre-push";
	case TG_STAGE_PRE_RECEIVE: return "pre-receive";
	case TG_STAGE_CI: return "ci";
	default: return "check";
	}
}

void tg_policy_set_stage(tg_policy *policy, tg_stage stage)
{
	policy->stage = stage < TG_STAGE__COUNT ? stage : TG_STAGE_CHECK;
}

tg_stage tg_policy_stage(const tg_policy *policy)
{
	return policy->stage;
}

bool tg_policy__stage_local(const tg_policy *policy)
{
	return policy->stage == TG_STAGE_PRE_COMMIT ||
	       policy->stage == TG_STAGE_PRE_PUSH;
}

/* The rules a security reviewer settles: not the author's to fix locally. */
static bool signoff_rule(tg_rule_id rule)
{
	return rule == TG_RULE_SIGNOFF_REQUIRED ||
	       rule == TG_RULE_SIGNOFF_UNAUTHORIZED ||
	       rule == TG_RULE_SIGNOFF_STALE;
}

tg_severity tg_policy__severity(const tg_policy *policy, tg_rule_id rule,
                                tg_severity chosen)
{
	tg_severity severity = chosen;

	if (policy->stage_severity_set[policy->stage][rule])
		return policy->stage_severity[policy->stage][rule];
	if (policy->severity_set[rule])
		severity = policy->severity[rule];
	if (tg_policy__stage_local(policy) && signoff_rule(rule) &&
	    severity > TG_SEVERITY_WARNING)
		severity = TG_SEVERITY_WARNING;
	return severity;
}

bool tg_policy__drafts_soft(const tg_policy *policy)
{
	int drafts = policy->stage_drafts[policy->stage];

	if (drafts)
		return drafts == TG_DRAFTS_WARN;
	return tg_policy__stage_local(policy);
}

bool tg_policy_fail_open(const tg_policy *policy)
{
	return policy->fail_open;
}

int tg_policy_timeout(const tg_policy *policy)
{
	return policy->timeout > INT_MAX ? INT_MAX : (int)policy->timeout;
}

bool tg_policy_check_tags(const tg_policy *policy)
{
	return policy->check_tags;
}

bool tg_policy_verify_signoff_author(const tg_policy *policy)
{
	return policy->verify_signoff_author;
}

const char *const *tg_policy_reviewers(const tg_policy *policy, size_t *count)
{
	*count = policy->reviewers.length;
	return (const char *const *)policy->reviewers.items;
}

int tg_policy_set_fail_on(tg_policy *policy, const char *value)
{
	if (parse_fail_on(&policy->fail_on, value) < 0)
		return tg_error_set(TG_EINVALID,
			"bad value '%s' for '--fail-on': expected error, warning or never",
			value ? value : "");
	policy->fail_on_forced = true;
	return 0;
}

bool tg_policy__rule_off(const tg_policy *policy, tg_rule_id rule)
{
	if (policy->stage_severity_set[policy->stage][rule])
		return policy->stage_severity[policy->stage][rule] ==
		       TG_SEVERITY_OFF;
	return policy->severity_set[rule] &&
	       policy->severity[rule] == TG_SEVERITY_OFF;
}

const struct tg_section_rule *tg_policy__section(const tg_policy *policy,
	const char *name)
{
	return find_section(policy, name);
}

int tg_policy__person_rank(const tg_policy *policy, const char *person)
{
	const struct tg_role *r;
	size_t i, k;
	int rank = -1;

	if (!person)
		return -1;
	for (i = 0; i < policy->roles.length; i++) {
		r = policy->roles.items[i];
		for (k = 0; k < r->members.length; k++) {
			if (r->rank > rank &&
			    tg_person_matches(person, r->members.items[k]))
				rank = r->rank;
		}
	}
	return rank;
}

int tg_policy__role_rank(const tg_policy *policy, const char *role)
{
	const struct tg_role *r = find_role(policy, role);

	return r ? r->rank : -1;
}

bool tg_policy__roles_configured(const tg_policy *policy)
{
	const struct tg_role *r;
	size_t i;

	for (i = 0; i < policy->roles.length; i++) {
		r = policy->roles.items[i];
		if (r->members.length > 0)
			return true;
	}
	return false;
}

bool tg_policy__is_reviewer(const tg_policy *policy, const char *person)
{
	size_t i;

	if (!person)
		return false;
	for (i = 0; i < policy->reviewers.length; i++)
		if (tg_person_matches(person, policy->reviewers.items[i]))
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* The server: protected refs, pushers, policy admins                  */
/* ------------------------------------------------------------------ */

/* A ref glob as git's ref patterns: `*` crosses '/'; "main" is a branch. */
static bool ref_glob_match(const char *glob, const char *ref)
{
	char *full = NULL;
	bool match;

	if (strncmp(glob, "refs/", 5) != 0) {
		full = tg_printf("refs/heads/%s", glob);
		if (!full)
			return false;
		glob = full;
	}
	match = fnmatch(glob, ref, 0) == 0;
	free(full);
	return match;
}

bool tg_policy_ref_protected(const tg_policy *policy, const char *ref)
{
	size_t i;

	if (!policy || !ref)
		return false;
	for (i = 0; i < policy->protect.length; i++)
		if (ref_glob_match(policy->protect.items[i], ref))
			return true;
	if (policy->protect.length > 0)
		return false;
	if (policy->source_ref)
		return strcmp(ref, policy->source_ref) == 0;
	/* no branch yet: whichever comes first becomes the default */
	return policy->repository_empty && strncmp(ref, "refs/heads/", 11) == 0;
}

const char *tg_policy_pusher_env(const tg_policy *policy)
{
	return policy ? policy->pusher_env : NULL;
}

bool tg_policy_pusher_is(const tg_policy *policy, const char *pusher,
	const char *person)
{
	const struct tg_pusher *p;
	size_t i, k;

	if (!policy || !pusher || !*pusher || !person || !*person)
		return false;
	for (i = 0; i < policy->pushers.length; i++) {
		p = policy->pushers.items[i];
		if (strcmp(p->name, pusher) != 0)
			continue;
		for (k = 0; k < p->identities.length; k++)
			if (tg_person_matches(p->identities.items[k], person) ||
			    tg_person_matches(person, p->identities.items[k]))
				return true;
		return false;	/* mapped: only its identities */
	}
	/* unmapped: the pusher name is a handle */
	return tg_person_matches(pusher, person);
}

bool tg_policy_is_policy_admin(const tg_policy *policy, const char *pusher)
{
	const char *admin;
	size_t i;

	if (!policy || !pusher || !*pusher)
		return false;
	for (i = 0; i < policy->policy_admins.length; i++) {
		admin = policy->policy_admins.items[i];
		if (strcmp(admin, pusher) == 0 ||
		    tg_policy_pusher_is(policy, pusher, admin))
			return true;
	}
	return false;
}

size_t tg_policy_max_docs_per_push(const tg_policy *policy)
{
	return policy->max_docs_per_push > 0 ?
	       (size_t)policy->max_docs_per_push : 10000;
}

bool tg_policy_lock(const tg_policy *policy)
{
	return policy && policy->lock_policy;
}

const char *tg_policy_source_ref(const tg_policy *policy)
{
	return policy ? policy->source_ref : NULL;
}

const char *tg_policy_source_commit(const tg_policy *policy)
{
	return policy && policy->source_commit[0] ? policy->source_commit : NULL;
}
