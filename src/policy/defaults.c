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

/*
 * The built-in triggers (docs/triggers.md explains the model). `pattern`
 * holds strong terms, one of which in the design's prose is evidence
 * enough; `weak` terms need corroboration (two mentions, or one in the
 * title or summary); a match inside an `ignore` phrase is a homonym of the
 * field and does not count.
 */
static const struct {
	const char *name;
	const char *pattern;
	const char *weak;
	const char *ignore;
	const char *message;
	const char *fields[2];
} default_triggers[] = {
	{ "authentication",
	  "\\b(oauth(\\s?2(\\.0)?)?|openid( connect)?|oidc|saml|single sign-on|mfa|2fa|"
	  "multi-factor|passwordless|webauthn|passkeys?|kerberos|fido2?|u2f|"
	  "(?-i:PINs?) (codes?|verification|entry|numbers?|try counters?)|"
	  "personal identification numbers?|e-?mail verification|"
	  "(session|bearer|service[- ]account|access|id|refresh|bound|"
	  "projected|registry|api|auth) tokens?|"
	  "token ?(requests?|reviews?|exchanges?|audiences?)|jwts?|api keys?|"
	  "credential (plugins?|providers?|helpers?)|"
	  "(cloud|registry|cluster|client|user|login) credentials|"
	  "impersonat\\w+|password (hash\\w*|reset|policy|storage)|"
	  "(verif\\w+|prov\\w+) (the |their |its )?identity)\\b",
	  "\\b(authenticat\\w*|authn|log[- ]?ins?|sign[- ]?ins?|passwords?|"
	  "credentials?|sso|identity providers?|idps?|"
	  "(secret|security) tokens?)\\b",
	  "\\b(authentication and authorization performance|"
	  "sign[- ]in to (github|the (ci|dashboard)))\\b",
	  "the design handles authentication: how users and services prove "
	  "who they are",
	  { NULL, NULL } },
	{ "authorization",
	  "\\b(access control lists?|abac|acls?|"
	  "role-based access control|(cluster)?role ?bindings?|clusterroles?|"
	  "least privilege|privilege (escalation|boundar\\w+|separation)|"
	  "escalat\\w+ (of )?privileges?|"
	  "privileged (containers?|pods?|access|users?|operations?|mode|ports?)|"
	  "seccomp|apparmor|selinux|sandbox(ed|ing)? (runtimes?|containers?|"
	  "processes|workloads?)|(gvisor|kata containers)|"
	  "untrusted (workloads?|code|input|users?|tenants?|containers?|images?)|"
	  "malicious (users?|tenants?|actors?|workloads?|pods?)|"
	  "referencegrants?|cross-namespace (access|references?|reads?)|"
	  "cross-tenant|tenant isolation|namespace boundar\\w+|"
	  "security boundar\\w+|pod ?security ?(admission|standards?|polic\\w+)|"
	  "container (escapes?|breakouts?|boundar\\w+)|"
	  "(run|runs|running) (\\w+ )?as (non[- ]?)?root|"
	  "(rbac|iam|api|cluster|write|delete|admin|read) permissions?|"
	  "permissions? to (create|read|write|delete|modify|access|update|"
	  "list|get|use|impersonate|escalate)|cap_[a-z_]+|"
	  "authori[sz]ation (polic\\w+|decisions?|checks?|webhooks?|modes?|"
	  "rules?|model|layer)|authorizers?|entitlements?|"
	  "admin(istrator)? rights)\\b",
	  "\\b(authori[sz]\\w*|authz|permissions?|privileges?|role-based|rbac|"
	  "access control|sandbox\\w*|multi-?tenan\\w*|security ?contexts?|"
	  "non[- ]?root)\\b",
	  "\\b(permission to (use|reuse|copy|quote|publish|merge)|"
	  "(without|with|ask\\w*|seek\\w*|get\\w*) (for )?permission( from)?|"
	  "permission(s)? of the (author|copyright)|"
	  "(linux|file|posix|unix) (file )?permissions?|"
	  "(file|directory|socket) (mode|permission)s?)\\b",
	  "the design decides who may do what (authorization)",
	  { NULL, NULL } },
	{ "personal-data",
	  "\\b(pii|personally identifiable|personal (data|information)|"
	  "home address\\w*|dates? of birth|social security numbers?|"
	  "national id\\w*|gdpr|ccpa|user privacy|"
	  "privacy (implications?|concerns?|risks?|impact|policy|preserving)|"
	  "(leak\\w*|expos\\w+|collect\\w*) (\\w+ )?(usage|user|personal) "
	  "(information|data))\\b",
	  "\\b(privacy|telemetry|usage (information|data|statistics)|"
	  "user data|customers?' data|e-?mail addresses|phone numbers?|"
	  "postal address\\w*|(full|legal|real) names?)\\b",
	  "\\b(privacy of (the )?(fields?|items?|members?|modules?|types?)|"
	  "(field|type|module|item|struct) privacy|privacy (rules?|levels?|"
	  "checks?|boundar\\w+)|private (fields?|items?))\\b",
	  "the design stores or processes personal data (PII)",
	  { "data-classification=pii", NULL } },
	{ "health-data",
	  "\\b((?-i:PHI)|hipaa|protected health information|"
	  "(patient|medical|clinical) (data|records?|information|"
	  "history|histories)|electronic health|diagnos[ei]s of (the )?patients?)\\b",
	  "\\b(patients?|clinics?|clinical|nurses?|medical|healthcare|"
	  "health care|hospitals?|health records?)\\b",
	  "\\b(be (very )?patient|(component|device|node|volume|cluster|pod|"
	  "resource|driver|service|plugin|api|control plane|system) health "
	  "(data|information|records?|history)|health (checks?|probes?|"
	  "status|endpoints?))\\b",
	  "the design stores or processes health data (PHI)",
	  { "data-classification=phi", NULL } },
	{ "internet-exposed",
	  "\\b(internet[- ]facing|internet[- ]exposed|"
	  "public(ly)? (reachable|accessible|routable|exposed (to|on) the "
	  "internet)|exposed to the (public )?internet|"
	  "(from|over|on|across) the (public |open )?internet|"
	  "public (endpoints?|ip address(es)?|load balancers?|https? (services?|"
	  "endpoints?|servers?))|reverse prox(y|ies)|ssrf|"
	  "server-side request forgery|untrusted networks?|dmz|"
	  "(inbound|incoming|third-party|public|our) webhooks?|"
	  "(call|calls|post|posts|send|sends|hit|hits|invoke|invokes) "
	  "(to )?(our|the|a|this) (public )?webhooks?( (url|endpoint))?|"
	  "webhooks? (from|sent by) (third|external|github|stripe|partners?)|"
	  "served (over|via) https?|public(ly)? (facing|available) (services?|"
	  "servers?|endpoints?|apis?|websites?|sites?))\\b",
	  "\\b(internet|public (services?|servers?|websites?|sites?)|"
	  "anonymous (users?|clients?|access|requests?)|"
	  "ddos|denial[- ]of[- ]service attacks?)\\b",
	  "\\b((admission|conversion|validating|mutating|authorization|"
	  "authentication|token|audit) webhooks?|internet access (is )?"
	  "(not )?(required|needed))\\b",
	  "the design exposes a service to the internet",
	  { "exposure=internet", "exposure=public" } },
	{ "cryptography",
	  "\\b(encrypt\\w*|decrypt\\w*|cryptograph\\w*|(?-i:mTLS)|"
	  "mutual (?-i:TLS)|(?-i:TLS) (1\\.[0-3]|v1\\.[0-3])|"
	  "(?-i:TLS)(?=[^\\x1f.;]{0,60}\\b(handshakes?|certificates?|certs?|"
	  "terminat\\w+|connections?|config\\w*|servers?|clients?|listeners?|"
	  "versions?|ciphers?|keys?|secrets?|bootstrap\\w*|negotiat\\w+|"
	  "sessions?|encrypt\\w*|endpoints?|ports?|traffic)\\b)|"
	  "(over|via|with|using|terminat\\w+) (?-i:TLS)|(?-i:SSL)|x\\.?509|"
	  "(tls|client|server|serving|signing|root|ca|intermediate) "
	  "certificates?|certificate (authorit\\w+|pinning|rotation|signing|"
	  "revocation|chains?)|hmac|(signing|private|public|encryption|"
	  "master|root) keys?|key (rotation|management|exchange|derivation|"
	  "pairs?)|kms|hsm|secrets? (managers?|stores?|management|providers?|"
	  "encryption)|sign(ing|ed|s)? (the )?(artifacts?|images?|releases?|"
	  "binaries|packages?|commits?|tags?|manifests?)|sigstore|cosign|"
	  "(verify|verifying|verified) (the )?signatures?|"
	  "digital signatures?)\\b",
	  "\\b((?-i:TLS)|(?-i:HTTPS)|certificates?|certs|secrets?)\\b",
	  "\\b(thread[- ]local( storage)?( \\((?-i:TLS)\\))?|"
	  "(tcp|udp|http|sctp),? ?(,|/|or|and) ?(?-i:TLS)|"
	  "(?-i:TLS) ?(,|/) ?(tcp|udp|http)|"
	  "(?-i:TLS) (slots?|destructors?|variables?|storage|access|offsets?|"
	  "models?|dtors?|data)|let'?s encrypt|cryptographic(ally)? "
	  "(hash|digest)\\w*|(content|image|file) (hash|digest)\\w*|"
	  "hash (maps?|tables?|sets?|functions?|codes?)|hashmaps?|hashsets?|"
	  "(type|function|method|trait) signatures?|"
	  "(secret|secrets) (sauce|to success))\\b",
	  "the design uses cryptography, keys or secrets",
	  { NULL, NULL } },
	{ "payments",
	  "\\b(payment (cards?|processing|processors?|gateways?|providers?|"
	  "methods?|information|details|flows?|data|service providers?|"
	  "systems?|apis?)|credit cards?|debit cards?|card numbers?|"
	  "cardholders?|pci[- ]dss|checkout (pages?|flows?)|card tokens?|"
	  "billing (information|details|address\\w*|accounts?|data)|"
	  "(money|value|funds?) transfers?|transfers? (of )?(money|funds|value)|"
	  "wallets?|(?-i:Stripe|PayPal|Adyen)|chargebacks?)\\b",
	  "\\b(payments?|refunds?|billing|purchases?|invoic\\w+|"
	  "subscriptions? fees?|transactions? fees?)\\b",
	  "\\b(gas (refunds?|costs?|prices?)|severance pay\\w*|"
	  "(cloud|compute|resource) (billing|costs?)|billing (costs?|"
	  "implications?|reasons?)|billed by the (cloud )?provider|"
	  "value transfer(s)? (of|between) (types?|registers?)|"
	  "transfers? (of )?ownership)\\b",
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
	t->threshold = TG_TRIGGER_THRESHOLD;
	return t;
}

void tg_policy__trigger_free(void *item)
{
	struct tg_trigger *t = item;
	size_t i;

	if (!t)
		return;
	free(t->name);
	free(t->pattern);
	free(t->weak);
	free(t->ignore);
	free(t->message);
	tg_vec_release(&t->fields, free);
	pcre2_code_free(t->code);
	pcre2_code_free(t->weak_code);
	pcre2_code_free(t->ignore_code);
	pcre2_code_free(t->scan_code);
	pcre2_code_free(t->anchored_code);
	for (i = 0; i < TG_GATE_KEYS; i++)
		pcre2_code_free(t->by_first[i]);
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
	t->threshold = TG_TRIGGER_BUILTIN_THRESHOLD;
	t->pattern = tg_strdup(default_triggers[i].pattern);
	t->weak = tg_strdup(default_triggers[i].weak);
	t->ignore = tg_strdup(default_triggers[i].ignore);
	t->message = tg_strdup(default_triggers[i].message);
	if (!t->pattern || !t->weak || !t->ignore || !t->message)
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
