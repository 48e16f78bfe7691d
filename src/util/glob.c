/*
 * Path globs of the policy: *, ?, [...] and ** across folders.
 */
#include <string.h>
#include "util.h"
#include "banned.h"

/*
 * Match one path segment-aware glob. Iterative with a single backtrack
 * point per star kind, so a hostile pattern cannot go exponential.
 */
static bool class_match(const char **pp, char c)
{
	const char *p = *pp + 1;
	bool negate = false, ok = false;

	if (*p == '!' || *p == '^') {
		negate = true;
		p++;
	}
	if (*p == ']') {
		ok = (c == ']');
		p++;
	}
	while (*p && *p != ']') {
		if (p[1] == '-' && p[2] && p[2] != ']') {
			if (c >= p[0] && c <= p[2])
				ok = true;
			p += 3;
		} else {
			if (c == *p)
				ok = true;
			p++;
		}
	}
	if (*p == ']')
		p++;
	*pp = p;
	return ok != negate;
}

static bool match(const char *p, const char *s)
{
	const char *star_p = NULL, *star_s = NULL;	/* last '*' */
	const char *dstar_p = NULL, *dstar_s = NULL;	/* last '**' */

	for (;;) {
		if (p[0] == '*' && p[1] == '*' &&
		    (p[2] == '/' || p[2] == '\0')) {
			/* a double star, alone or before a slash: whole segments */
			p += p[2] == '/' ? 3 : 2;
			if (*p == '\0')
				return true;	/* trailing "**": the rest */
			dstar_p = p;
			dstar_s = s;
			star_p = NULL;
			continue;
		}
		if (*p == '*') {
			star_p = ++p;
			star_s = s;
			continue;
		}
		if (*s == '\0' && *p == '\0')
			return true;
		if (*s != '\0') {
			if (*p == '?' && *s != '/') {
				p++;
				s++;
				continue;
			}
			if (*p == '[' && *s != '/') {
				const char *q = p;

				if (class_match(&q, *s)) {
					p = q;
					s++;
					continue;
				}
			} else if (*p == *s && *p != '\0') {
				p++;
				s++;
				continue;
			}
		}
		/* mismatch: widen the innermost star, else the double star */
		if (star_p && star_s && *star_s && *star_s != '/') {
			p = star_p;
			s = ++star_s;
			continue;
		}
		if (dstar_p && dstar_s && *dstar_s) {
			/* skip one more segment */
			const char *slash = strchr(dstar_s, '/');

			if (!slash)
				return false;
			dstar_s = slash + 1;
			p = dstar_p;
			s = dstar_s;
			star_p = NULL;
			continue;
		}
		return false;
	}
}

bool tg_glob_match(const char *pattern, const char *path)
{
	const char *base;
	size_t plen;

	if (!pattern || !path)
		return false;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (pattern[0] == '/')
		pattern++;
	if (!strchr(pattern, '/')) {
		base = strrchr(path, '/');
		return match(pattern, base ? base + 1 : path);
	}
	/* a trailing double star matches the folder itself too */
	plen = strlen(pattern);
	if (plen > 3 && strcmp(pattern + plen - 3, "/**") == 0 &&
	    strlen(path) == plen - 3 && strncmp(pattern, path, plen - 3) == 0)
		return true;
	return match(pattern, path);
}
