/*
 * threatgate rules: the rule table. threatgate explain RULE: what a rule
 * checks, why, and a fixed example.
 */
#include <string.h>
#include "cli/cli.h"
#include "util/util.h"
#include "util/banned.h"

static const char rules_help[] =
"usage: threatgate rules\n"
"\n"
"List every rule: its id, its default severity and what it flags. The\n"
"policy can change a rule's severity or turn it off (rule.<id>.severity\n"
"in .threatgate); 'threatgate explain RULE' tells more.\n"
"\n"
"Options:\n"
"  -h, --help    show this help\n";

static const char explain_help[] =
"usage: threatgate explain RULE...\n"
"\n"
"Print what RULE checks, its default severity, why the threat modeling\n"
"program wants it, and an example of a document that satisfies it.\n"
"'threatgate rules' lists the rule ids.\n"
"\n"
"Options:\n"
"  -h, --help    show this help\n";

int cli_cmd_rules(int argc, char **argv)
{
	struct cli_options opts = CLI_OPTIONS_INIT;
	const tg_rule_info *table;
	size_t i, count = 0, width = 4;
	int error;

	error = cli_opts_parse(&opts, argc, argv, 0, rules_help);
	if (error != 0)
		return cli_opts_exit(&opts, error);
	if (opts.nargs > 0) {
		cli_error("rules takes no arguments (did you mean "
		          "'threatgate explain %s'?)", opts.args[0]);
		return CLI_EXIT_USAGE;
	}

	table = tg_rules_table(&count);
	for (i = 0; i < count; i++)
		if (strlen(table[i].name) > width)
			width = strlen(table[i].name);
	printf("%-*s  %-8s  %s\n", (int)width, "RULE", "DEFAULT", "WHAT IT FLAGS");
	for (i = 0; i < count; i++)
		printf("%-*s  %-8s  %s\n", (int)width, table[i].name,
		       tg_severity_name(table[i].default_severity),
		       table[i].summary ? table[i].summary : "");
	return CLI_EXIT_OK;
}

static int unknown_rule(const char *name)
{
	const char *names[TG_RULE__COUNT];
	const tg_rule_info *table;
	size_t i, count = 0;

	table = tg_rules_table(&count);
	if (count > TG_RULE__COUNT)
		count = TG_RULE__COUNT;
	for (i = 0; i < count; i++)
		names[i] = table[i].name;
	cli_error("unknown rule '%s'", name);
	cli_suggest(name, names, count, "");
	fputs("see 'threatgate rules' for the list\n", stderr);
	return CLI_EXIT_USAGE;
}

static void explain_one(const tg_rule_info *rule)
{
	const char *text = rule->explain ? rule->explain : "";
	size_t len = strlen(text);

	printf("%s: %s\n", rule->name, rule->summary ? rule->summary : "");
	printf("default severity: %s\n",
	       tg_severity_name(rule->default_severity));
	if (len > 0) {
		printf("\n%s", text);
		if (text[len - 1] != '\n')
			putchar('\n');
	}
}

int cli_cmd_explain(int argc, char **argv)
{
	struct cli_options opts = CLI_OPTIONS_INIT;
	int i, error;

	error = cli_opts_parse(&opts, argc, argv, 0, explain_help);
	if (error != 0)
		return cli_opts_exit(&opts, error);
	if (opts.nargs == 0) {
		cli_error("explain needs a rule id");
		fputs("see 'threatgate rules' for the list\n", stderr);
		return CLI_EXIT_USAGE;
	}
	/* Every id must be known before anything is printed. */
	for (i = 0; i < opts.nargs; i++)
		if (!tg_rules_find(opts.args[i]))
			return unknown_rule(opts.args[i]);
	for (i = 0; i < opts.nargs; i++) {
		if (i > 0)
			putchar('\n');
		explain_one(tg_rules_find(opts.args[i]));
	}
	return CLI_EXIT_OK;
}
