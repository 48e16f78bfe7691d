#!/bin/bash
# shellcheck disable=SC2034  # read by lib.sh
test_description='the JSON Schemas of the reports (schemas/) hold for what threatgate writes

check --format json and scan --format json are validated with
python3-jsonschema against schemas/check-report.schema.json and
schemas/scan-report.schema.json; the validation is shown to be real, and
the optional round-two fields validate when present.'

. "$(dirname "$0")/lib.sh"

SCHEMAS=$SOURCE_DIRECTORY/schemas
EXAMPLES=$SOURCE_DIRECTORY/templates/examples

# validate SCHEMA JSON: every error on its own line; exit 1 on any.
validate() {
	local py
	for py in /usr/bin/python3 python3; do
		"$py" -c "import jsonschema" 2>/dev/null && break
		py=
	done
	if [ -z "$py" ]; then
		say "error: no python3 with jsonschema (apt-get install -y python3-jsonschema)"
		return 1
	fi
	"$py" - "$1" "$2" <<-\EOF
	import json, sys, jsonschema
	schema = json.load(open(sys.argv[1]))
	doc = json.load(open(sys.argv[2]))
	cls = jsonschema.validators.validator_for(schema)
	cls.check_schema(schema)
	errors = list(cls(schema).iter_errors(doc))
	for e in errors:
	    print("schema error: %s at /%s" % (e.message, "/".join(map(str, e.path))))
	print("%s: %d schema errors" % (sys.argv[2], len(errors)))
	sys.exit(1 if errors else 0)
	EOF
}

test_expect_success 'set up a repository with the examples, one of them changed' '
	test_require jq &&
	git init -q work &&
	mkdir -p work/docs/design &&
	cp "$EXAMPLES"/*.sdd.md work/docs/design/ &&
	git -C work add . && git -C work commit -q -m examples && git -C work tag base &&
	sed -i "s/^| T2 | \(.*\) | P2 | /| T2 | \1 | | /" work/docs/design/payments-webhook.sdd.md &&
	git -C work commit -q -am "payments loses a priority"
'

test_expect_success 'check --format json of the work tree, a range and --all validates' '
	(cd work && { threatgate check --format json docs/design >../tree.json || test $? = 1; }) &&
	(cd work && { threatgate check --format json --range base..HEAD >../range.json || test $? = 1; }) &&
	(cd work && { threatgate check --format json --all >../all.json || test $? = 1; }) &&
	jq -e ".findings | length > 0" tree.json &&
	jq -e ".documents[0].revision != null" range.json &&
	for f in tree range all; do validate "$SCHEMAS/check-report.schema.json" $f.json || exit 1; done
'

test_expect_success 'an empty check report validates' '
	mkdir empty && (cd empty && git init -q && threatgate check --format json >../empty.json) &&
	jq -e ".documents == [] and .findings == []" empty.json &&
	validate "$SCHEMAS/check-report.schema.json" empty.json
'

test_expect_success 'scan --format json validates, and so does a merged scan' '
	(cd work && threatgate scan --format json -o ../scan.json) &&
	jq -e ".documents | length == 4" scan.json &&
	validate "$SCHEMAS/scan-report.schema.json" scan.json &&
	threatgate scan --merge scan.json scan.json --format json -o merged.json &&
	validate "$SCHEMAS/scan-report.schema.json" merged.json
'

test_expect_success 'the validation is real: broken reports are refused' '
	jq ".findings[0].severity = \"fatal\"" tree.json >bad1.json &&
	test_must_fail validate "$SCHEMAS/check-report.schema.json" bad1.json >bad1.log &&
	grep -q "schema error: .*fatal" bad1.log &&
	jq "del(.summary)" tree.json >bad2.json &&
	test_must_fail validate "$SCHEMAS/check-report.schema.json" bad2.json >bad2.log &&
	grep -q "summary" bad2.log &&
	jq ".documents[0].threats[0].priority = \"high\"" scan.json >bad3.json &&
	test_must_fail validate "$SCHEMAS/scan-report.schema.json" bad3.json &&
	jq ".kind = \"check\"" scan.json >bad4.json &&
	test_must_fail validate "$SCHEMAS/scan-report.schema.json" bad4.json
'

test_expect_success 'the round-two fields validate when present, and are typed' '
	jq ".documents[0].status = \"approved\" | .documents[0].handles = [\"payments\"]
	    | .documents[0].sections = [{kind: \"threat-model\", title: \"Threat Model\", line: 12}]
	    | .documents[0].threats[0].rating = \"High\"
	    | .documents[0].triggers = [{id: \"internet-exposed\", line: 7, match: \"webhook\",
	                                 matches: [{line: 7, column: 3, words: \"webhook\", weight: 2, where: \"body\"}, {line: 9, words: \"public\", weight: 0.5}]}]
	    | .suppressed = [{finding: .findings[0], reason: \"inline\"}]
	    | .findings[0].notes = [\"internet-exposed: \\u0027exposure: internet\\u0027 at line 7\"]" tree.json >round2.json &&
	validate "$SCHEMAS/check-report.schema.json" round2.json &&
	jq ".documents[0].handles = null
	    | .documents[0].triggers[0] += {declared: false, score: 2.5, threshold: 2,
	        matches: [{line: 7, column: 3, words: \"webhook\", weight: 1.5, where: \"prose\"}]}
	    | .findings[0].notes = [{path: \"docs/design/a.md\", line: 7, column: 1, message: \"internet-exposed: webhook\"}]" \
		round2.json >round2b.json &&
	validate "$SCHEMAS/check-report.schema.json" round2b.json &&
	jq ".findings[0].notes = [{line: 7}]" round2b.json >bad6.json &&
	test_must_fail validate "$SCHEMAS/check-report.schema.json" bad6.json &&
	jq ".documents[0].sections = [{kind: \"appendix\", title: \"x\", line: 1}]" round2.json >bad5.json &&
	test_must_fail validate "$SCHEMAS/check-report.schema.json" bad5.json
'

test_expect_success 'the schemas are installed under share/threatgate/schemas, and named in the man page' '
	grep -q "schemas/check-report.schema.json" "$SOURCE_DIRECTORY/man/threatgate.1" &&
	grep -q "schemas/scan-report.schema.json" "$SOURCE_DIRECTORY/man/threatgate.1"
'

test_done
