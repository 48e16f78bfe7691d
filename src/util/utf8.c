/*
 * UTF-8 validation: where a document stops being text.
 */
#include <string.h>
#include "util.h"
#include "banned.h"

/* Well-formed UTF-8 per RFC 3629: no overlongs, surrogates or > U+10FFFF. */
bool tg_utf8_valid(const char *data, size_t len, size_t *bad_offset,
                   bool *is_nul)
{
	const unsigned char *s = (const unsigned char *)data;
	size_t i = 0, n, k;
	unsigned char c, lo, hi;

	*is_nul = false;
	while (i < len) {
		/* Most text is ASCII: eight bytes at a time, no NUL, no high bit. */
		while (i + 8 <= len) {
			uint64_t w;

			memcpy(&w, s + i, 8);
			if ((w & 0x8080808080808080ULL) ||
			    ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL))
				break;
			i += 8;
		}
		if (i >= len)
			break;
		c = s[i];
		if (c < 0x80) {
			if (c == 0) {
				*is_nul = true;
				goto bad;
			}
			i++;
			continue;
		}
		lo = 0x80;
		hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else {
			goto bad;
		}
		for (k = 1; k <= n; k++) {
			if (i + k >= len)
				goto bad;
			if (s[i + k] < (k == 1 ? lo : 0x80) ||
			    s[i + k] > (k == 1 ? hi : 0xBF))
				goto bad;
		}
		i += n + 1;
	}
	return true;
bad:
	*bad_offset = i;
	return false;
}
