# SARIF validation for the integration tests (sourced after lib.sh): the
# SARIF 2.1.0 JSON schema shipped by the SARIF SDK (npm
# @microsoft/sarif-multitool-linux) with python3-jsonschema, then the SDK's
# own validator with GitHub's ingestion rules.

# A python3 that can import jsonschema: Debian's python3-jsonschema
# belongs to /usr/bin/python3, which another python3 may shadow on PATH.
find_python() {
	local p
	for p in /usr/bin/python3 python3; do
		if "$p" -c 'import jsonschema' 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	say "error: no python3 with jsonschema (apt-get install -y python3-jsonschema)"
	return 1
}

# Where the SARIF SDK's multitool and its schema are installed.
sarif_sdk() {
	local dir=${TG_SARIF_SDK:-}
	if [ -z "$dir" ]; then
		dir="$(npm root -g 2>/dev/null)/@microsoft/sarif-multitool-linux"
	fi
	if [ ! -r "$dir/sarif-2.1.0.json" ] || [ ! -x "$dir/Sarif.Multitool" ]; then
		say "error: the SARIF SDK is missing from $dir (npm install -g @microsoft/sarif-multitool-linux@5.7.0)"
		return 1
	fi
	echo "$dir"
}

# validate_sarif FILE: the JSON schema, then the SDK's validator, whose
# errors (SARIF rules and GitHub's GH rules) fail the test.
validate_sarif() {
	local py sdk
	py=$(find_python) && sdk=$(sarif_sdk) || return 1
	"$py" - "$sdk/sarif-2.1.0.json" "$1" <<-\EOF || return 1
	import json, sys, jsonschema
	schema = json.load(open(sys.argv[1]))
	doc = json.load(open(sys.argv[2]))
	cls = jsonschema.validators.validator_for(schema)
	cls.check_schema(schema)
	errors = list(cls(schema).iter_errors(doc))
	for e in errors:
	    print("schema error: %s at /%s" % (e.message, "/".join(map(str, e.path))))
	print("%s: %d schema errors (%s, %s)" % (sys.argv[2], len(errors), cls.__name__, schema.get("title")))
	sys.exit(1 if errors else 0)
	EOF
	rm -f "$1.validation"
	if ! HOME=$TRASH_DIRECTORY DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 \
		DOTNET_CLI_TELEMETRY_OPTOUT=1 "$sdk/Sarif.Multitool" validate \
		--rule-kind "Sarif;Gh" --level "Error;Warning;Note" \
		--output "$1.validation" "$1" >"$1.validate-log" 2>&1; then
		cat "$1.validate-log"
		return 1
	fi
	"$py" - "$1.validation" <<-\EOF
	import json, sys
	log = json.load(open(sys.argv[1]))
	bad = []
	for run in log["runs"]:
	    for r in run.get("results", []):
	        if r.get("level", "warning") == "error":
	            bad.append(r)
	    for inv in run.get("invocations", []):
	        for n in inv.get("toolExecutionNotifications", []) + inv.get("toolConfigurationNotifications", []):
	            if n.get("level", "warning") == "error":
	                bad.append(n)
	for r in bad:
	    print("validator error:", r.get("ruleId"), json.dumps(r.get("message")))
	print("%s: %d validator errors" % (sys.argv[1], len(bad)))
	sys.exit(1 if bad else 0)
	EOF
}
