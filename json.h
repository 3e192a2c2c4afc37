/* SPDX-License-Identifier: MIT */
/*
 * json.h: a growable buffer that JSON text is written into (pure; the
 * audit log's events and `clawshim --last --json` use it).
 *
 * Strings are escaped so that the output is always valid JSON and plain
 * ASCII whatever bytes come in: '"' and '\' are escaped, every control
 * byte (U+0000-U+001F, U+007F) and every C1 control (U+0080-U+009F) and
 * U+2028/U+2029 become \uXXXX, and each byte that does not start a
 * well-formed UTF-8 sequence (stray continuation bytes, overlong forms,
 * surrogates, code points past U+10FFFF, truncated sequences) becomes
 * \ufffd, the replacement character.  Other non-ASCII characters are
 * written as \uXXXX too (a surrogate pair past U+FFFF), so a log printed
 * on a terminal can never carry an escape sequence.
 */
#ifndef CLAWSHIM_JSON_H
#define CLAWSHIM_JSON_H

#include <stdbool.h>
#include <stddef.h>

struct jbuf {
	char *s;        /* NUL-terminated; NULL until the first write */
	size_t n, cap;
};

void jb_raw(struct jbuf *b, const char *s, size_t len);  /* as is */
void jb_lit(struct jbuf *b, const char *s);               /* as is, NUL-terminated */
void jb_printf(struct jbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* `len` bytes of `s` as one JSON string, quotes included. */
void jb_strn(struct jbuf *b, const char *s, size_t len);
/* A NUL-terminated string, or null for NULL. */
void jb_str(struct jbuf *b, const char *s);
/* ,"key": (no comma when `first`). */
void jb_key(struct jbuf *b, const char *key, bool first);
void jb_free(struct jbuf *b);

/* Decode one UTF-8 character at s[0..len): its code point and length,
 * or -1 when s[0] does not start a well-formed sequence. */
int json_utf8_decode(const unsigned char *s, size_t len, unsigned *cp);

#endif
