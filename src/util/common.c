/*
 * Names of severities and rules, for every stage.
 */
#include <string.h>
#include "util.h"
#include "banned.h"

static const char *const rule_names[TG_RULE__COUNT] = {
	"missing-section",
	"empty-section",
	"no-threats",
	"threat-missing-priority",
	"threat-missing-category",
	"threat-missing-mitigation",
	"risk-acceptance-approval",
	"stride-coverage",
	"signoff-required",
	"signoff-unauthorized",
	"stale-threat-model",
	"covered-code-changed",
	"missing-dri",
	"too-few-participants",
	"invalid-metadata",
	"unreadable-document",
	"reviewed-date-not-updated",
	"no-documents",
	"undeclared-concern",
	"unknown-rule",
	"hidden-document",
	"signoff-stale",
	"unreadable-threats",
};

const char *tg_rule_name(tg_rule_id id)
{
	if ((int)id < 0 || id >= TG_RULE__COUNT)
		return NULL;
	return rule_names[id];
}

int tg_rule_lookup(tg_rule_id *out, const char *name)
{
	int i;

	for (i = 0; i < TG_RULE__COUNT; i++) {
		if (strcmp(rule_names[i], name) == 0) {
			*out = (tg_rule_id)i;
			return 0;
		}
	}
	return TG_ENOTFOUND;
}

const char *tg_severity_name(tg_severity severity)
{
	switch (severity) {
	case TG_SEVERITY_ERROR:
		return "error";
	case TG_SEVERITY_WARNING:
		return "warning";
	case TG_SEVERITY_NOTE:
		return "note";
	default:
		return "off";
	}
}

int tg_severity_parse(tg_severity *out, const char *name)
{
	if (strcmp(name, "error") == 0)
		*out = TG_SEVERITY_ERROR;
	else if (strcmp(name, "warning") == 0)
		*out = TG_SEVERITY_WARNING;
	else if (strcmp(name, "note") == 0)
		*out = TG_SEVERITY_NOTE;
	else if (strcmp(name, "off") == 0)
		*out = TG_SEVERITY_OFF;
	else
		return TG_EINVALID;
	return 0;
}

const char *tg_version(void)
{
	return TG_VERSION;
}
