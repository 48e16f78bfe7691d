/*
 * People in sign-offs and approver lists: handles, emails and names,
 * compared without case.
 */
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "banned.h"

static bool is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' ||
	       (unsigned char)c >= 0x80;
}

static bool is_email_char(char c)
{
	return is_word(c) || c == '.' || c == '+' || c == '@';
}

/* `needle` occurs in `text` as a whole token, ignoring ASCII case. */
static bool contains_token(const char *text, const char *needle,
                           bool (*is_tok)(char))
{
	size_t n = strlen(needle);
	const char *t;

	if (n == 0)
		return false;
	for (t = text; *t; t++) {
		if (!tg_starts_with_ci(t, needle))
			continue;
		if (t > text && is_tok(t[-1]))
			continue;
		if (is_tok(t[n]) && !(t[n] == '.' && !is_tok(t[n + 1])))
			continue;
		return true;
	}
	return false;
}

bool tg_person_matches(const char *text, const char *member)
{
	const char *handle;

	if (!text || !member || !*member)
		return false;
	if (member[0] == '@') {
		handle = member + 1;
		return *handle && (contains_token(text, member, is_email_char) ||
		                   tg_strcasecmp(text, handle) == 0);
	}
	if (strchr(member, '@'))
		return contains_token(text, member, is_email_char);
	if (!strchr(member, ' ')) {
		/* a bare "alice": a handle or a one-word name */
		char at[256];

		if (strlen(member) + 2 > sizeof(at))
			return false;
		at[0] = '@';
		memcpy(at + 1, member, strlen(member) + 1);
		if (contains_token(text, at, is_email_char))
			return true;
	}
	/*
	 * Whole tokens in the email sense: a name or handle "alice" must not
	 * match inside "alice@elsewhere.example" or "alice.smith".
	 */
	return contains_token(text, member, is_email_char);
}

static int push_range(tg_vec *out, const char *s, size_t n)
{
	char *copy = tg_strndup(s, n);
	int error;

	if (!copy)
		return tg_error_oom();
	error = tg_vec_push(out, copy);
	if (error < 0)
		free(copy);
	return error;
}

int tg_person_extract(tg_vec *out, const char *text)
{
	const char *t, *start, *end, *colon;
	size_t before = out->length;
	char *rest = NULL, *p;
	int error = 0;

	for (t = text; *t; t++) {
		if (*t != '@')
			continue;
		if (t > text && is_email_char(t[-1])) {
			/* an email: widen to its whole token */
			start = t;
			while (start > text && is_email_char(start[-1]))
				start--;
			end = t + 1;
			while (is_email_char(*end))
				end++;
			while (end > t + 1 && end[-1] == '.')
				end--;
			if (end > t + 1)
				error = push_range(out, start, (size_t)(end - start));
			t = end - 1;
		} else {
			end = t + 1;
			while (is_word(*end) || (*end == '/' && is_word(end[1])) ||
			       (*end == '.' && is_word(end[1])))
				end++;
			if (end > t + 1)
				error = push_range(out, t, (size_t)(end - t));
			t = end - 1;
		}
		if (error < 0)
			return error;
	}
	if (out->length > before)
		return 0;

	/* No handle or email: "Security review: Alice Smith (2026-11-01)" */
	colon = strrchr(text, ':');
	rest = tg_strdup(colon ? colon + 1 : text);
	if (!rest)
		return tg_error_oom();
	p = strchr(rest, '(');
	if (p)
		*p = '\0';
	for (p = rest; *p; p++) {
		if (tg_date_parse(p) >= 0 && (p == rest || p[-1] == ' ')) {
			*p = '\0';
			break;
		}
	}
	tg_trim(rest);
	/* Trailing separators; the en dash is three bytes, strip it whole. */
	for (;;) {
		size_t n = strlen(rest);

		if (n > 0 && strchr(",;-", rest[n - 1]))
			rest[n - 1] = '\0';
		else if (n >= 3 && memcmp(rest + n - 3, "\xE2\x80\x93", 3) == 0)
			rest[n - 3] = '\0';
		else
			break;
		tg_trim(rest);
	}
	if (*rest)
		error = tg_vec_push(out, rest);
	else
		free(rest);
	if (error < 0)
		free(rest);
	return error;
}
