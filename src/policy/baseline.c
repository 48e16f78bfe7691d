/*
 * The baseline file (threatgate.baseline): the fingerprints of findings a
 * team has reviewed and chose not to block on, as `threatgate baseline`
 * writes it (docs/baseline.md):
 *
 *	{
 *	  "version": 1,
 *	  "tool": "threatgate",
 *	  "findings": [
 *	    {"fingerprint": "5f0c2b6e9a1d4c37:1", "rule": "no-threats",
 *	     "path": "docs/design/legacy.md", "section": "Security/Threat Model",
 *	     "threat": null, "message": "..."}
 *	  ]
 *	}
 *
 * Only "fingerprint" counts; the other fields are for the reviewer.
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "policy/internal.h"
#include "util/banned.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "0123456789abcdef:N": 16 lowercase hex digits, ':', a positive number. */
static bool well_formed(const char *fp)
{
	size_t i;

	for (i = 0; i < 16; i++)
		if (!((fp[i] >= '0' && fp[i] <= '9') ||
		      (fp[i] >= 'a' && fp[i] <= 'f')))
			return false;
	if (fp[16] != ':' || fp[17] < '1' || fp[17] > '9')
		return false;
	for (i = 18; fp[i]; i++)
		if (fp[i] < '0' || fp[i] > '9' || i > 30)
			return false;
	return true;
}

int tg_policy__read_baseline(tg_policy *policy, const char *path,
	const char *name)
{
	char *data = NULL;
	size_t len = 0;
	int error;

	error = tg_policy__slurp(&data, &len, "baseline", path);
	if (error == TG_ENOTFOUND) {
		/* Not written yet: nothing is waived, which is the strict side. */
		tg_error_clear();
		error = 0;
	} else if (error == 0) {
		error = tg_policy__read_baseline_data(policy, name, data, len);
	}
	free(data);
	return error;
}

int tg_policy_load_baseline_buffer(tg_policy *policy, const char *name,
	const char *data, size_t len)
{
	int error;

	if (policy->finalized)
		return tg_error_set(TG_EINVALID,
			"cannot change a policy after it was finalized");
	error = tg_policy__read_baseline_data(policy, name, data, len);
	if (error == 0)
		policy->baseline_loaded = true;
	return error;
}

int tg_policy__read_baseline_data(tg_policy *policy, const char *name,
	const char *data, size_t len)
{
	json_error_t jerr;
	json_t *root = NULL, *list, *item, *fp, *version;
	char **prints = NULL;
	size_t i, n = 0;
	int error = 0;

	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		error = tg_error_set(TG_EINVALID,
			"cannot read baseline '%s': line %d: %s", name, jerr.line,
			jerr.text);
		goto done;
	}
	version = json_object_get(root, "version");
	list = json_object_get(root, "findings");
	if (!json_is_object(root) || !json_is_integer(version) ||
	    !json_is_array(list)) {
		error = tg_error_set(TG_EINVALID,
			"cannot read baseline '%s': expected an object with "
			"\"version\": 1 and a \"findings\" array (threatgate "
			"baseline writes one)", name);
		goto done;
	}
	if (json_integer_value(version) != 1) {
		error = tg_error_set(TG_EINVALID,
			"cannot read baseline '%s': version %lld is not known "
			"to threatgate %s (expected 1)", name,
			(long long)json_integer_value(version), tg_version());
		goto done;
	}
	prints = calloc(json_array_size(list) + 1, sizeof(*prints));
	if (!prints) {
		error = tg_error_oom();
		goto done;
	}
	json_array_foreach(list, i, item) {
		fp = json_object_get(item, "fingerprint");
		if (!json_is_string(fp) || !well_formed(json_string_value(fp))) {
			error = tg_error_set(TG_EINVALID,
				"cannot read baseline '%s': finding %zu has no "
				"fingerprint of the form HEX16:N", name, i + 1);
			goto done;
		}
		prints[n] = tg_strdup(json_string_value(fp));
		if (!prints[n]) {
			error = tg_error_oom();
			goto done;
		}
		n++;
	}
	if (n > 1)
		qsort(prints, n, sizeof(*prints), cmp_str);
	for (i = 0; i < policy->baseline_count; i++)
		free(policy->baseline[i]);
	free(policy->baseline);
	policy->baseline = prints;
	policy->baseline_count = n;
	prints = NULL;
done:
	if (prints) {
		for (i = 0; i < n; i++)
			free(prints[i]);
		free(prints);
	}
	json_decref(root);
	return error;
}

bool tg_policy__baselined(const char *fingerprint, void *payload)
{
	const tg_policy *policy = payload;

	if (!policy || policy->baseline_ignored || policy->baseline_count == 0)
		return false;
	return bsearch(&fingerprint, policy->baseline, policy->baseline_count,
	               sizeof(*policy->baseline), cmp_str) != NULL;
}
