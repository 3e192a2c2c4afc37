/* SPDX-License-Identifier: MIT */
/* json.c: JSON text into a growable buffer, strings escaped (json.h). */
#include "json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static void reserve(struct jbuf *b, size_t more)
{
	if (b->n + more + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->n + more + 1)
		cap *= 2;
	b->s = xrealloc(b->s, cap);
	b->cap = cap;
}

void jb_raw(struct jbuf *b, const char *s, size_t len)
{
	reserve(b, len);
	memcpy(b->s + b->n, s, len);
	b->n += len;
	b->s[b->n] = '\0';
}

void jb_lit(struct jbuf *b, const char *s)
{
	jb_raw(b, s, strlen(s));
}

void jb_printf(struct jbuf *b, const char *fmt, ...)
{
	reserve(b, 128); /* most calls fit: one vsnprintf */
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->s[b->n] = '\0';
		return;
	}
	if ((size_t)n >= b->cap - b->n) {
		reserve(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->s + b->n, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->n += (size_t)n;
}

/* RFC 3629: the shortest form only, no surrogates, nothing past U+10FFFF
 * (the table of well-formed byte sequences in Unicode 15, section 3.9). */
int json_utf8_decode(const unsigned char *s, size_t len, unsigned *cp)
{
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	int n;
	unsigned lo = 0x80, hi = 0xBF, v;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		if (c == 0xED)
			hi = 0x9F; /* UTF-16 surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		if (c == 0xF4)
			hi = 0x8F; /* past U+10FFFF */
	} else {
		return -1; /* continuation byte, C0, C1, F5-FF */
	}
	if (len < (size_t)n)
		return -1;
	for (int i = 1; i < n; i++) {
		unsigned t = s[i];
		if (t < (i == 1 ? lo : 0x80) || t > (i == 1 ? hi : 0xBF))
			return -1;
		v = (v << 6) | (t & 0x3F);
	}
	*cp = v;
	return n;
}

void jb_strn(struct jbuf *b, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	/* At most 6 bytes of output per input byte (\u00XX for a control
	 * byte, \ufffd for a stray one; a 4-byte sequence's surrogate pair
	 * is 12), plus the quotes. */
	reserve(b, len * 6 + 2);
	char *o = b->s + b->n;
	*o++ = '"';
	for (size_t i = 0; i < len;) {
		unsigned c = s[i], cp;
		if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
			/* A run of plain ASCII, copied at once. */
			size_t j = i + 1;
			while (j < len && s[j] >= 0x20 && s[j] < 0x7F && s[j] != '"' && s[j] != '\\')
				j++;
			memcpy(o, s + i, j - i);
			o += j - i;
			i = j;
			continue;
		}
		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
			i++;
			continue;
		}
		int n = json_utf8_decode(s + i, len - i, &cp);
		if (n < 0) {
			/* Not UTF-8: one replacement character per byte. */
			cp = 0xFFFD;
			n = 1;
		}
		i += (size_t)n;
		static const char hex[] = "0123456789abcdef";
		unsigned units[2] = { cp, 0 };
		int nu = 1;
		if (cp == '\n' || cp == '\t' || cp == '\r') {
			*o++ = '\\';
			*o++ = (char)(cp == '\n' ? 'n' : cp == '\t' ? 't' : 'r');
			continue;
		}
		if (cp > 0xFFFF) {
			cp -= 0x10000;
			units[0] = 0xD800 | (cp >> 10);
			units[1] = 0xDC00 | (cp & 0x3FF);
			nu = 2;
		}
		for (int u = 0; u < nu; u++) {
			*o++ = '\\';
			*o++ = 'u';
			*o++ = hex[(units[u] >> 12) & 0xF];
			*o++ = hex[(units[u] >> 8) & 0xF];
			*o++ = hex[(units[u] >> 4) & 0xF];
			*o++ = hex[units[u] & 0xF];
		}
	}
	*o++ = '"';
	b->n = (size_t)(o - b->s);
	b->s[b->n] = '\0';
}

void jb_str(struct jbuf *b, const char *s)
{
	if (s)
		jb_strn(b, s, strlen(s));
	else
		jb_lit(b, "null");
}

void jb_key(struct jbuf *b, const char *key, bool first)
{
	if (!first)
		jb_raw(b, ",", 1);
	jb_str(b, key);
	jb_raw(b, ":", 1);
}

void jb_free(struct jbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->n = b->cap = 0;
}
