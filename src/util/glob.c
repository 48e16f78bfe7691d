#include <string.h>
#include <strings.h>
#include <ctype.h>
#include "util.h"
#include "banned.h"

/*
 * Match one path segment-aware glob. Iterative with a single backtrack
 * point per star kind, so a hostile pattern cannot go exponential.
 */
/* ASCII case folding when matching without case. */
static char fold(char c, bool nocase)
{
	return nocase ? (char)tolower((unsigned char)c) : c;
}

static bool class_match(const char **pp, char c, bool nocase)
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
			if ((c >= p[0] && c <= p[2]) ||
			    (nocase && ((fold(c, true) >= fold(p[0], true) &&
			                 fold(c, true) <= fold(p[2], true)) ||
			                (toupper((unsigned char)c) >= p[0] &&
			                 toupper((unsigned char)c) <= p[2]))))
				ok = true;
			p += 3;
		} else {
			if (fold(c, nocase) == fold(*p, nocase))
				ok = true;
			p++;
		}
	}
	if (*p == ']')
		p++;
	*pp = p;
	return ok != negate;
}

static bool match(const char *p, const char *s, bool nocase)
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

				if (class_match(&q, *s, nocase)) {
					p = q;
					s++;
					continue;
				}
			} else if (*p != '\0' && fold(*p, nocase) == fold(*s, nocase)) {
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

static bool glob_match(const char *pattern, const char *path, bool nocase);

bool tg_glob_match(const char *pattern, const char *path)
{
	return glob_match(pattern, path, false);
}

bool tg_glob_match_nocase(const char *pattern, const char *path)
{
	return glob_match(pattern, path, true);
}

static bool glob_match(const char *pattern, const char *path, bool nocase)
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
		return match(pattern, base ? base + 1 : path, nocase);
	}
	/* a trailing double star matches the folder itself too */
	plen = strlen(pattern);
	if (plen > 3 && strcmp(pattern + plen - 3, "/**") == 0 &&
	    strlen(path) == plen - 3 &&
	    (nocase ? strncasecmp(pattern, path, plen - 3) == 0
	            : strncmp(pattern, path, plen - 3) == 0))
		return true;
	return match(pattern, path, nocase);
}
