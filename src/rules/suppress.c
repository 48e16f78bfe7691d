/*
 * unknown-rule: a suppression comment that names no rule suppresses
 * nothing; say so at its line, with the rule that was probably meant.
 */
#include <string.h>
#include "rules.h"
#include "util/banned.h"

int tg_check_unknown_rule(struct tg_rule_ctx *ctx, const struct tg_model *model)
{
	const char *names[TG_RULE__COUNT], *guess;
	const struct tg_suppression *s;
	size_t i;
	int error = 0;

	for (i = 0; i < TG_RULE__COUNT; i++)
		names[i] = tg_rule_name((tg_rule_id)i);
	for (i = 0; i < model->unknown_rules.length && error == 0; i++) {
		s = model->unknown_rules.items[i];
		guess = tg_suggest(s->rule, names, TG_RULE__COUNT);
		if (guess)
			error = tg_rule_report(ctx, s->first_line, 0,
				"'%s' is not a rule, so this comment suppresses "
				"nothing: did you mean '%s'?", s->rule, guess);
		else
			error = tg_rule_report(ctx, s->first_line, 0,
				"'%s' is not a rule, so this comment suppresses "
				"nothing: 'threatgate rules' lists them", s->rule);
	}
	return error;
}
