/*
 * Reading git-config syntax for the policy and the exceptions file.
 *
 * Files are read with libgit2's config parser. Its entries carry no line
 * numbers, so a small locator scans the text beside it and pairs each
 * entry with the line it came from: messages can then say where.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "policy/internal.h"
#include "util/banned.h"

/* A policy file larger than this is not a policy. */
#define MAX_POLICY_FILE (4 * 1024 * 1024)

/* ------------------------------------------------------------------ */
/* Errors and origins                                                  */
/* ------------------------------------------------------------------ */

static int vformat_error(int code, const char *prefix, const char *fmt,
	va_list ap) __attribute__((format(printf, 3, 0)));

static int vformat_error(int code, const char *prefix, const char *fmt,
	va_list ap)
{
	char msg[768];

	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): ap is started by the caller */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	return tg_error_set(code, "%s%s", prefix, msg);
}

int tg_policy__error(const struct tg_policy_source *src, const char *fmt, ...)
{
	char prefix[512];
	va_list ap;
	int code;

	if (src->git)
		snprintf(prefix, sizeof(prefix), "cannot read git config (%s): ",
		         src->name);
	else if (src->line > 0)
		snprintf(prefix, sizeof(prefix), "cannot read %s '%s': line %d: ",
		         src->what, src->name, src->line);
	else
		snprintf(prefix, sizeof(prefix), "cannot read %s '%s': ",
		         src->what, src->name);
	va_start(ap, fmt);
	code = vformat_error(TG_EINVALID, prefix, fmt, ap);
	va_end(ap);
	return code;
}

char *tg_policy__origin(const struct tg_policy_source *src)
{
	if (src->git)
		return tg_printf("git config (%s)", src->name);
	if (src->line > 0)
		return tg_printf("%s:%d", src->name, src->line);
	return tg_strdup(src->name);
}

int tg_policy__origin_error(const char *origin, const char *fmt, ...)
{
	char prefix[512];
	const char *colon;
	size_t i, n;
	bool digits = false;
	va_list ap;
	int code;

	if (!origin) {
		snprintf(prefix, sizeof(prefix), "invalid policy: ");
	} else if (strncmp(origin, "git config (", 12) == 0) {
		snprintf(prefix, sizeof(prefix), "cannot read %s: ", origin);
	} else {
		colon = strrchr(origin, ':');
		if (colon && colon[1]) {
			digits = true;
			for (i = 1; colon[i]; i++)
				if (colon[i] < '0' || colon[i] > '9')
					digits = false;
		}
		if (digits) {
			n = (size_t)(colon - origin);
			snprintf(prefix, sizeof(prefix),
			         "cannot read policy '%.*s': line %s: ",
			         (int)n, origin, colon + 1);
		} else {
			snprintf(prefix, sizeof(prefix), "cannot read policy '%s': ",
			         origin);
		}
	}
	va_start(ap, fmt);
	code = vformat_error(TG_EINVALID, prefix, fmt, ap);
	va_end(ap);
	return code;
}

/* ------------------------------------------------------------------ */
/* The line locator                                                    */
/* ------------------------------------------------------------------ */

struct tg_key_line {
	char *name;	/* normalized as libgit2 gives it */
	char *written;	/* as written in the file */
	int line;
};

static void key_line_free(void *item)
{
	struct tg_key_line *k = item;

	if (!k)
		return;
	free(k->name);
	free(k->written);
	free(k);
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_key_char(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '-';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static char lower_char(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
}

/* Whether a backslash at `p` ends the physical line (a continuation). */
static bool at_continuation(const char *data, size_t p, size_t eol)
{
	return data[p] == '\\' &&
	       (p + 1 == eol || (p + 2 == eol && data[p + 1] == '\r'));
}

/*
 * Parse "[section]", "[section \"sub\"]" or the old "[section.sub]" at
 * data[*pos] ('['). Sets the normalized and written prefixes; both are
 * emptied for a header we do not understand (libgit2 reports those).
 */
static void scan_header(const char *data, size_t *pos, size_t eol,
	tg_buf *norm, tg_buf *written)
{
	size_t p = *pos + 1;
	bool ok = false;

	tg_buf_clear(norm);
	tg_buf_clear(written);
	while (p < eol && (is_key_char(data[p]) || data[p] == '.')) {
		tg_buf_putc(norm, lower_char(data[p]));
		tg_buf_putc(written, data[p]);
		p++;
	}
	if (p < eol && data[p] == ']') {
		ok = norm->size > 0;
		p++;
	} else if (p < eol && is_blank(data[p])) {
		while (p < eol && is_blank(data[p]))
			p++;
		if (p < eol && data[p] == '"') {
			tg_buf_putc(norm, '.');
			tg_buf_putc(written, '.');
			p++;
			while (p < eol && data[p] != '"') {
				if (data[p] == '\\' && p + 1 < eol)
					p++;
				tg_buf_putc(norm, data[p]);
				tg_buf_putc(written, data[p]);
				p++;
			}
			if (p + 1 < eol && data[p] == '"' && data[p + 1] == ']') {
				ok = true;
				p += 2;
			}
		}
	}
	if (!ok) {
		tg_buf_clear(norm);
		tg_buf_clear(written);
		p = eol;
	}
	*pos = p;
}

/*
 * Scan one "key = value" starting at data[*pos]; follows continuation
 * lines and returns the line count consumed beyond the first.
 */
static int scan_value(const char *data, size_t *pos, size_t *eol, size_t len)
{
	size_t p = *pos;
	bool quoted = false;
	int extra = 0;

	while (p < *eol) {
		if (at_continuation(data, p, *eol)) {
			if (*eol >= len)
				break;
			p = *eol + 1;
			*eol = p;
			while (*eol < len && data[*eol] != '\n')
				(*eol)++;
			extra++;
			continue;
		}
		if (data[p] == '\\') {
			p += 2;
			continue;
		}
		if (data[p] == '"')
			quoted = !quoted;
		else if (!quoted && (data[p] == '#' || data[p] == ';'))
			break;
		p++;
	}
	*pos = *eol;
	return extra;
}

static int locate_scan(tg_vec *out, const char *data, size_t len)
{
	tg_buf norm = TG_BUF_INIT, written = TG_BUF_INIT;
	struct tg_key_line *k = NULL;
	size_t pos = 0, eol, p, start;
	int line = 1, error = 0, extra;

	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (pos < len) {
		eol = pos;
		while (eol < len && data[eol] != '\n')
			eol++;
		p = pos;
		extra = 0;
		while (p < eol && (is_blank(data[p]) || data[p] == '\r'))
			p++;
		if (p < eol && data[p] == '[') {
			scan_header(data, &p, eol, &norm, &written);
			while (p < eol && is_blank(data[p]))
				p++;
		}
		if (p < eol && is_alpha(data[p]) && norm.size > 0) {
			start = p;
			while (p < eol && is_key_char(data[p]))
				p++;
			k = calloc(1, sizeof(*k));
			if (!k)
				goto oom;
			k->line = line;
			k->name = tg_printf("%s.%.*s", tg_buf_cstr(&norm),
			                    (int)(p - start), data + start);
			k->written = tg_printf("%s.%.*s", tg_buf_cstr(&written),
			                       (int)(p - start), data + start);
			if (!k->name || !k->written)
				goto oom;
			/* the key's own part is case-insensitive */
			tg_lower(k->name + norm.size + 1);
			error = tg_vec_push(out, k);
			if (error < 0)
				goto done;
			k = NULL;
			extra = scan_value(data, &p, &eol, len);
		}
		if (norm.failed || written.failed)
			goto oom;
		line += 1 + extra;
		pos = eol + 1;
	}
	goto done;
oom:
	error = tg_error_oom();
done:
	key_line_free(k);
	tg_buf_release(&norm);
	tg_buf_release(&written);
	return error;
}

/* Pair an entry with its line: the next unused key of that name. */
static void locate(struct tg_policy_source *src, const char *name)
{
	struct tg_key_line *k;
	size_t i;

	src->line = 0;
	src->key = name;
	for (i = src->next; i < src->keys.length; i++) {
		k = src->keys.items[i];
		if (strcmp(k->name, name) == 0) {
			src->line = k->line;
			src->key = k->written;
			src->next = i + 1;
			return;
		}
	}
	for (i = 0; i < src->keys.length; i++) {
		k = src->keys.items[i];
		if (strcmp(k->name, name) == 0) {
			src->line = k->line;
			src->key = k->written;
			return;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Reading a git-config file                                           */
/* ------------------------------------------------------------------ */

struct read_state {
	struct tg_policy_source *src;
	tg_policy__entry_fn fn;
	void *payload;
	int error;
};

static int read_entry(const git_config_entry *entry, void *payload)
{
	struct read_state *st = payload;
	int error;

	locate(st->src, entry->name);
	if (entry->include_depth > 0 ||
	    strncmp(entry->name, "include.", 8) == 0 ||
	    strncmp(entry->name, "includeif.", 10) == 0) {
		st->error = tg_policy__error(st->src,
			"'%s': includes are not supported", st->src->key);
		return 1;
	}
	error = st->fn(st->src, entry, st->payload);
	if (error < 0) {
		st->error = error;
		return 1;
	}
	return 0;
}

/*
 * libgit2: "failed to parse config file: <why> (in <path>:<line>[, column
 * <n>])". Keep the reason and the line, drop the (temporary) path.
 */
static int syntax_error(const char *what, const char *name)
{
	const git_error *gerr = git_error_last();
	const char *msg = gerr && gerr->message ? gerr->message : "syntax error";
	static const char lead[] = "failed to parse config file: ";
	const char *reason = msg, *in, *end, *colon = NULL, *p;
	long line = 0;
	int code;

	if (strncmp(reason, lead, sizeof(lead) - 1) == 0)
		reason += sizeof(lead) - 1;
	in = strstr(reason, " (in ");
	end = in ? strchr(in, ')') : NULL;
	if (end) {
		/* the last ':' before ", column" or ')' introduces the line */
		for (p = in + 5; p < end && strncmp(p, ", column", 8) != 0; p++)
			if (*p == ':')
				colon = p;
		if (colon)
			line = strtol(colon + 1, NULL, 10);
	}
	if (in && line > 0)
		code = tg_error_set(TG_EINVALID, "cannot read %s '%s': line %ld: %.*s",
		                    what, name, line, (int)(in - reason), reason);
	else if (in)
		code = tg_error_set(TG_EINVALID, "cannot read %s '%s': %.*s",
		                    what, name, (int)(in - reason), reason);
	else
		code = tg_error_set(TG_EINVALID, "cannot read %s '%s': %s",
		                    what, name, reason);
	git_error_clear();
	return code;
}

int tg_policy__read(const char *what, const char *name, const char *disk,
	const char *data, size_t len, tg_policy__entry_fn fn, void *payload)
{
	struct tg_policy_source src;
	struct read_state st;
	git_config *cfg = NULL;
	int error;

	memset(&src, 0, sizeof(src));
	src.what = what;
	src.name = name;
	error = locate_scan(&src.keys, data, len);
	if (error < 0)
		goto done;

	error = git_config_new(&cfg);
	if (error < 0) {
		error = tg_error_from_git(error, "cannot read %s '%s'", what, name);
		goto done;
	}
	error = git_config_add_file_ondisk(cfg, disk, GIT_CONFIG_LEVEL_APP,
	                                   NULL, 0);
	if (error < 0) {
		error = syntax_error(what, name);
		goto done;
	}

	st.src = &src;
	st.fn = fn;
	st.payload = payload;
	st.error = 0;
	error = git_config_foreach(cfg, read_entry, &st);
	if (st.error < 0) {
		error = st.error;
		git_error_clear();
	} else if (error < 0) {
		error = tg_error_from_git(error, "cannot read %s '%s'", what, name);
	}
done:
	git_config_free(cfg);
	tg_vec_release(&src.keys, key_line_free);
	return error;
}

int tg_policy__slurp(char **out, size_t *len, const char *what,
	const char *path)
{
	tg_buf buf = TG_BUF_INIT;
	struct stat st;
	FILE *fp = NULL;
	char chunk[8192];
	size_t n;
	int error = 0;

	*out = NULL;
	*len = 0;
	fp = fopen(path, "rb");
	if (!fp) {
		if (errno == ENOENT || errno == ENOTDIR)
			error = tg_error_set(TG_ENOTFOUND,
				"cannot read %s '%s': no such file", what, path);
		else
			error = tg_error_set(TG_ERROR, "cannot read %s '%s': %s",
			                     what, path, strerror(errno));
		goto done;
	}
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		error = tg_error_set(TG_EINVALID,
			"cannot read %s '%s': is a directory", what, path);
		goto done;
	}
	tg_buf_put(&buf, "", 0);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (buf.size + n > MAX_POLICY_FILE) {
			error = tg_error_set(TG_ELIMIT,
				"cannot read %s '%s': larger than %d bytes",
				what, path, MAX_POLICY_FILE);
			goto done;
		}
		tg_buf_put(&buf, chunk, n);
	}
	if (ferror(fp)) {
		error = tg_error_set(TG_ERROR, "cannot read %s '%s': %s", what,
		                     path, strerror(errno));
		goto done;
	}
	if (buf.failed) {
		error = tg_error_oom();
		goto done;
	}
	*len = buf.size;
	*out = tg_buf_detach(&buf);
	if (!*out)
		error = tg_error_oom();
done:
	if (fp)
		fclose(fp);
	tg_buf_release(&buf);
	return error;
}
