/*
 * The built-in policy: what threatgate checks on a repository without
 * any `.threatgate` (SPEC sections 2, 3 and 6).
 */
#include <stdlib.h>
#include <string.h>
#include "policy/internal.h"
#include "util/banned.h"

static const char *const default_docs[] = {
	"docs/design/**/*.md",
	"design/**/*.md",
	"**/*.sdd.md",
	"rfcs/**/*.md",
};

static const struct tg_category stride[] = {
	{ "Spoofing", 'S' },
	{ "Tampering", 'T' },
	{ "Repudiation", 'R' },
	{ "Information disclosure", 'I' },
	{ "Denial of service", 'D' },
	{ "Elevation of privilege", 'E' },
};

/* LINDDUN's initials repeat (three Ds, two Ns): no letters. */
static const struct tg_category linddun[] = {
	{ "Linking", 0 },
	{ "Identifying", 0 },
	{ "Non-repudiation", 0 },
	{ "Detecting", 0 },
	{ "Data disclosure", 0 },
	{ "Unawareness", 0 },
	{ "Non-compliance", 0 },
};

static const struct {
	const char *name;
	const char *pattern;
	const char *message;
	const char *fields[2];
} default_triggers[] = {
	{ "authentication",
	  "\\b(authenticat\\w*|log[- ]?ins?|sign[- ]?ins?|passwords?|"
	  "passwordless|oauth\\s?2?|openid|oidc|saml|single sign-on|sso|mfa|"
	  "2fa|multi-factor|session tokens?|api keys?|jwts?|bearer tokens?)\\b",
	  "the design handles authentication: how users and services prove "
	  "who they are",
	  { NULL, NULL } },
	{ "authorization",
	  "\\b(authori[sz]\\w*|access control\\w*|permissions?|rbac|abac|"
	  "acls?|role-based|entitlements?|privileges?|least privilege|"
	  "admin(istrator)? rights)\\b",
	  "the design decides who may do what (authorization)",
	  { NULL, NULL } },
	{ "personal-data",
	  "\\b(pii|personal(ly identifiable)? (data|information)|"
	  "e-?mail addresses|phone numbers?|home address\\w*|"
	  "postal address\\w*|dates? of birth|social security numbers?|"
	  "national id\\w*|gdpr|ccpa)\\b",
	  "the design stores or processes personal data (PII)",
	  { "data-classification=pii", NULL } },
	{ "health-data",
	  "\\b(phi|hipaa|health (data|records?|information)|"
	  "medical (records?|data|history)|patients?|"
	  "clinical data|protected health information)\\b",
	  "the design stores or processes health data (PHI)",
	  { "data-classification=phi", NULL } },
	{ "internet-exposed",
	  "\\b(internet[- ]facing|public(ly)? (reachable|accessible|exposed|"
	  "endpoints?|apis?)|exposed to the internet|webhooks?|"
	  "public load balancers?|reverse proxy)\\b",
	  "the design exposes a service to the internet",
	  { "exposure=internet", "exposure=public" } },
	{ "cryptography",
	  "\\b(encrypt\\w*|decrypt\\w*|cryptograph\\w*|tls|mtls|ssl|"
	  "x\\.?509|(tls|client|server|signing) certificates?|"
	  "certificate (authority|pinning|rotation)|hmac|signing keys?|private keys?|"
	  "key rotation|kms|hsm|secrets? manager)\\b",
	  "the design uses cryptography, keys or secrets",
	  { NULL, NULL } },
	{ "payments",
	  "\\b(payments?|credit cards?|card numbers?|cardholder|pci(-dss)?|"
	  "billing|checkout (page|flow)|card tokens?|refunds?)\\b",
	  "the design handles payments or card data",
	  { NULL, NULL } },
};

static const struct {
	const char *name;
	const char *title;
	const char *parent;
	const char *display;
	enum tg_section_need need;
} default_sections[] = {
	{ "security",
	  "^(security|security considerations|security controls|"
	  "security and privacy)$",
	  NULL, "Security", TG_NEED_ALWAYS },
	{ "threat-model",
	  "^(threat model|threat modeling|threat modelling|threats|"
	  "risks and mitigations)$",
	  "security", "Threat Model", TG_NEED_ALWAYS },
	{ "signoff",
	  "^(security sign-?off|sign-?offs?|approvals?|review history)$",
	  NULL, "Security Sign-off", TG_NEED_SIGNOFF },
};

static const char *const default_roles[] = {
	"manager", "director", "executive"
};

static const char *const default_accept[5] = {
	"executive", "executive", "manager", "manager", "manager"
};

const struct tg_category *tg_policy__framework(const char *name,
	size_t *count)
{
	if (tg_strcasecmp(name, "stride") == 0) {
		*count = sizeof(stride) / sizeof(stride[0]);
		return stride;
	}
	if (tg_strcasecmp(name, "linddun") == 0) {
		*count = sizeof(linddun) / sizeof(linddun[0]);
		return linddun;
	}
	*count = 0;
	return NULL;
}

struct tg_trigger *tg_policy__trigger_new(const char *name)
{
	struct tg_trigger *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->name = tg_strdup(name);
	if (!t->name) {
		free(t);
		return NULL;
	}
	t->enabled = true;
	return t;
}

void tg_policy__trigger_free(void *item)
{
	struct tg_trigger *t = item;

	if (!t)
		return;
	free(t->name);
	free(t->pattern);
	free(t->message);
	tg_vec_release(&t->fields, free);
	pcre2_code_free(t->code);
	free(t->origin);
	free(t);
}

struct tg_section_rule *tg_policy__section_new(const char *name)
{
	struct tg_section_rule *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->name = tg_strdup(name);
	if (!s->name) {
		free(s);
		return NULL;
	}
	s->need = TG_NEED_ALWAYS;
	return s;
}

void tg_policy__section_free(void *item)
{
	struct tg_section_rule *s = item;

	if (!s)
		return;
	free(s->name);
	free(s->title);
	free(s->parent);
	free(s->display);
	pcre2_code_free(s->code);
	free(s->origin);
	free(s);
}

struct tg_role *tg_policy__role_new(const char *name, int rank)
{
	struct tg_role *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->name = tg_strdup(name);
	if (!r->name) {
		free(r);
		return NULL;
	}
	r->rank = rank;
	return r;
}

void tg_policy__role_free(void *item)
{
	struct tg_role *r = item;

	if (!r)
		return;
	free(r->name);
	tg_vec_release(&r->members, free);
	free(r);
}

void tg_policy__pusher_free(void *item)
{
	struct tg_pusher *p = item;

	if (!p)
		return;
	free(p->name);
	tg_vec_release(&p->identities, free);
	free(p);
}

void tg_policy__path_signoff_free(void *item)
{
	struct tg_path_signoff *ps = item;

	if (!ps)
		return;
	free(ps->glob);
	free(ps);
}

static int add_trigger(tg_policy *policy, size_t i)
{
	struct tg_trigger *t = NULL;
	size_t k;
	int error = TG_ENOMEM;

	t = tg_policy__trigger_new(default_triggers[i].name);
	if (!t)
		goto done;
	t->pattern = tg_strdup(default_triggers[i].pattern);
	t->message = tg_strdup(default_triggers[i].message);
	if (!t->pattern || !t->message)
		goto done;
	for (k = 0; k < 2 && default_triggers[i].fields[k]; k++) {
		error = tg_vec_push_str(&t->fields, default_triggers[i].fields[k]);
		if (error < 0)
			goto done;
	}
	error = tg_vec_push(&policy->triggers, t);
	if (error < 0)
		goto done;
	t = NULL;
done:
	tg_policy__trigger_free(t);
	return error;
}

static int add_section(tg_policy *policy, size_t i)
{
	struct tg_section_rule *s = NULL;
	int error = TG_ENOMEM;

	s = tg_policy__section_new(default_sections[i].name);
	if (!s)
		goto done;
	s->title = tg_strdup(default_sections[i].title);
	s->display = tg_strdup(default_sections[i].display);
	if (!s->title || !s->display)
		goto done;
	if (default_sections[i].parent) {
		s->parent = tg_strdup(default_sections[i].parent);
		if (!s->parent)
			goto done;
	}
	s->need = default_sections[i].need;
	error = tg_vec_push(&policy->sections, s);
	if (error < 0)
		goto done;
	s = NULL;
done:
	tg_policy__section_free(s);
	return error;
}

int tg_policy__defaults(struct tg_policy_ext *ext)
{
	tg_policy *policy = &ext->base;
	struct tg_role *role = NULL;
	size_t i;
	int error = 0;

	for (i = 0; i < sizeof(default_docs) / sizeof(default_docs[0]); i++) {
		error = tg_vec_push_str(&policy->docs, default_docs[i]);
		if (error < 0)
			goto done;
	}
	policy->docs_given = false;
	policy->signoff = TG_SIGNOFF_TRIGGERED;
	policy->max_age = 270;
	policy->exception_warn_days = 14;
	policy->require_reviewed_date = false;
	policy->min_participants = 2;
	policy->max_doc_size = 1048576;
	policy->timeout = 5;
	policy->fail_open = false;
	policy->fail_on = TG_SEVERITY_ERROR;
	for (i = 0; i < TG_RULE__COUNT; i++) {
		policy->severity[i] = TG_SEVERITY_OFF;	/* unset: see severity_set */
		policy->severity_set[i] = false;
	}
	for (i = 0; i < sizeof(default_triggers) / sizeof(default_triggers[0]); i++) {
		error = add_trigger(policy, i);
		if (error < 0)
			goto done;
	}
	for (i = 0; i < sizeof(default_sections) / sizeof(default_sections[0]); i++) {
		error = add_section(policy, i);
		if (error < 0)
			goto done;
	}
	for (i = 0; i < sizeof(default_roles) / sizeof(default_roles[0]); i++) {
		error = tg_vec_push_str(&ext->role_order, default_roles[i]);
		if (error < 0)
			goto done;
		role = tg_policy__role_new(default_roles[i], (int)i);
		if (!role) {
			error = tg_error_oom();
			goto done;
		}
		error = tg_vec_push(&policy->roles, role);
		if (error < 0)
			goto done;
		role = NULL;
	}
	for (i = 0; i < 5; i++) {
		policy->accept[i] = tg_strdup(default_accept[i]);
		if (!policy->accept[i]) {
			error = tg_error_oom();
			goto done;
		}
	}
	policy->verify_signoff_author = false;
	policy->check_tags = false;
	policy->allow_inline_disable = true;
	policy->framework = tg_strdup("stride");
	if (!policy->framework) {
		error = tg_error_oom();
		goto done;
	}
	policy->categories = tg_policy__framework("stride",
		&policy->categories_count);
done:
	tg_policy__role_free(role);
	if (error == TG_ENOMEM)
		error = tg_error_oom();
	return error;
}
