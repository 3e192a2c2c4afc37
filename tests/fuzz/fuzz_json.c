/* SPDX-License-Identifier: MIT */
/*
 * fuzz_json.c: libFuzzer target for the audit log's JSON string escaper
 * (json.c).  Any input must give one JSON string that is printable ASCII,
 * has no unescaped quote or raw control byte inside, and decodes back to
 * the input where the input is well-formed UTF-8 (each other byte being
 * U+FFFD).  Build and run: make fuzz (FUZZ_TARGETS json)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decode the escaped string at o (past the opening quote) into code
 * points, checking as we go; returns how many, or aborts. */
static size_t decode(const char *o, size_t n, unsigned *cps)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)o[i];
		if (c < 0x20 || c >= 0x7f || c == '"')
			abort();
		if (c != '\\') {
			cps[k++] = c;
			continue;
		}
		char e = o[++i];
		if (e == 'n' || e == 't' || e == 'r' || e == '"' || e == '\\') {
			cps[k++] = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : (unsigned char)e;
			continue;
		}
		if (e != 'u' || i + 4 >= n + 1)
			abort();
		char hex[5] = { o[i + 1], o[i + 2], o[i + 3], o[i + 4], 0 };
		unsigned v = (unsigned)strtoul(hex, NULL, 16);
		i += 4;
		if (v >= 0xD800 && v <= 0xDBFF) {
			if (o[i + 1] != '\\' || o[i + 2] != 'u')
				abort(); /* a high surrogate alone */
			char lo[5] = { o[i + 3], o[i + 4], o[i + 5], o[i + 6], 0 };
			unsigned w = (unsigned)strtoul(lo, NULL, 16);
			if (w < 0xDC00 || w > 0xDFFF)
				abort();
			v = 0x10000 + ((v - 0xD800) << 10) + (w - 0xDC00);
			i += 6;
		} else if (v >= 0xDC00 && v <= 0xDFFF) {
			abort(); /* a low surrogate alone */
		}
		cps[k++] = v;
	}
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jbuf b = { 0 };
	jb_strn(&b, (const char *)data, size);
	if (b.n < 2 || b.s[0] != '"' || b.s[b.n - 1] != '"' || strlen(b.s) != b.n)
		abort();
	unsigned *got = malloc((b.n + 1) * sizeof(unsigned));
	size_t ng = decode(b.s + 1, b.n - 2, got);
	/* What the input means: its characters, U+FFFD per stray byte. */
	size_t k = 0;
	for (size_t i = 0; i < size;) {
		unsigned cp;
		int n = json_utf8_decode(data + i, size - i, &cp);
		if (n < 0) {
			cp = 0xFFFD;
			n = 1;
		}
		if (k >= ng || got[k] != cp)
			abort();
		k++;
		i += (size_t)n;
	}
	if (k != ng)
		abort();
	free(got);
	jb_free(&b);
	return 0;
}
