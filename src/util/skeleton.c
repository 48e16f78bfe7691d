/*
 * Path skeletons: a path as a reader sees it, so that a design folder
 * spelt with look-alike letters, or a name ending in a dot or a space,
 * is recognised as the design path it imitates.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "banned.h"

/* Look-alikes of ASCII letters (Unicode's confusables, the common ones). */
static const struct {
	uint32_t cp;
	char ascii;
} confusables[] = {
	{ 0x0131, 'i' }, { 0x017F, 's' }, { 0x0261, 'g' },
	{ 0x0391, 'a' }, { 0x0392, 'b' }, { 0x0395, 'e' }, { 0x0396, 'z' },
	{ 0x0397, 'h' }, { 0x0399, 'i' }, { 0x039A, 'k' }, { 0x039C, 'm' },
	{ 0x039D, 'n' }, { 0x039F, 'o' }, { 0x03A1, 'p' }, { 0x03A4, 't' },
	{ 0x03A5, 'y' }, { 0x03A7, 'x' }, { 0x03B1, 'a' }, { 0x03B5, 'e' },
	{ 0x03B9, 'i' }, { 0x03BA, 'k' }, { 0x03BD, 'v' }, { 0x03BF, 'o' },
	{ 0x03C1, 'p' }, { 0x03C4, 't' }, { 0x03C5, 'u' }, { 0x03C7, 'x' },
	{ 0x0405, 's' }, { 0x0406, 'i' }, { 0x0408, 'j' }, { 0x0410, 'a' },
	{ 0x0412, 'b' }, { 0x0415, 'e' }, { 0x041A, 'k' }, { 0x041C, 'm' },
	{ 0x041D, 'h' }, { 0x041E, 'o' }, { 0x0420, 'p' }, { 0x0421, 'c' },
	{ 0x0422, 't' }, { 0x0425, 'x' }, { 0x0430, 'a' }, { 0x0435, 'e' },
	{ 0x043E, 'o' }, { 0x0440, 'p' }, { 0x0441, 'c' }, { 0x0443, 'y' },
	{ 0x0445, 'x' }, { 0x0455, 's' }, { 0x0456, 'i' }, { 0x0458, 'j' },
	{ 0x0501, 'd' }, { 0x051B, 'q' }, { 0x051D, 'w' },
	{ 0x2010, '-' }, { 0x2011, '-' }, { 0x2012, '-' }, { 0x2013, '-' },
	{ 0x2044, '/' }, { 0x2215, '/' }, { 0x00A0, ' ' }, { 0x2024, '.' },
};

/* Dropped: they show as nothing. */
static bool invisible(uint32_t cp)
{
	return cp == 0x00AD || (cp >= 0x200B && cp <= 0x200F) ||
	       (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF ||
	       (cp >= 0x0300 && cp <= 0x036F) || cp == 0x034F;
}

/* One UTF-8 sequence at s: its code point and length; bad bytes are 1. */
static size_t decode(uint32_t *cp, const unsigned char *s)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
		*cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
		return 2;
	}
	if ((s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 &&
	    (s[2] & 0xC0) == 0x80) {
		*cp = ((uint32_t)(s[0] & 0x0F) << 12) |
		      ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
		return 3;
	}
	if ((s[0] & 0xF8) == 0xF0 && (s[1] & 0xC0) == 0x80 &&
	    (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80) {
		*cp = ((uint32_t)(s[0] & 0x07) << 18) |
		      ((uint32_t)(s[1] & 0x3F) << 12) |
		      ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
		return 4;
	}
	*cp = 0xFFFD;
	return 1;
}

static void end_component(tg_buf *buf, size_t start)
{
	while (buf->size > start &&
	       (buf->ptr[buf->size - 1] == '.' || buf->ptr[buf->size - 1] == ' '))
		buf->size--;
	if (buf->ptr)
		buf->ptr[buf->size] = '\0';
}

char *tg_path_skeleton(const char *path)
{
	const unsigned char *s = (const unsigned char *)path;
	tg_buf buf = TG_BUF_INIT;
	size_t start = 0, n, i;
	uint32_t cp;

	tg_buf_put(&buf, "", 0);
	while (*s) {
		n = decode(&cp, s);
		if (cp == '/') {
			end_component(&buf, start);
			tg_buf_putc(&buf, '/');
			start = buf.size;
		} else if (cp >= 0xFF01 && cp <= 0xFF5E) {
			tg_buf_putc(&buf, (char)tolower((int)(cp - 0xFF01 + 0x21)));
		} else if (invisible(cp)) {
			/* nothing */
		} else if (cp < 0x80) {
			tg_buf_putc(&buf, (char)tolower((int)cp));
		} else {
			for (i = 0; i < sizeof(confusables) / sizeof(confusables[0]); i++)
				if (confusables[i].cp == cp)
					break;
			if (i < sizeof(confusables) / sizeof(confusables[0]))
				tg_buf_putc(&buf, confusables[i].ascii);
			else
				tg_buf_put(&buf, (const char *)s, n);
		}
		s += n;
	}
	end_component(&buf, start);
	return tg_buf_detach(&buf);
}
