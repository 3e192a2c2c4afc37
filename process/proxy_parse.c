/* SPDX-License-Identifier: MIT */
/*
 * proxy_parse.c: the proxy's request parsers (process/proxy_parse.h).
 *
 * Strict on purpose: a request that two parsers could read two ways (a
 * URL-parser differential) is refused, not interpreted.  No header is
 * folded, no whitespace is tolerated where HTTP/1.1 allows none, and a
 * host is taken from exactly one place.
 */
#include "proxy_parse.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *find_crlf(const char *s, const char *end)
{
	for (const char *c = s; c + 1 < end; c++)
		if (c[0] == '\r' && c[1] == '\n')
			return c;
	return NULL;
}

static bool parse_port(const char *s, size_t n, unsigned *port)
{
	unsigned v = 0;
	if (!n || n > 5)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return false;
	*port = v;
	return true;
}

int proxy_split_authority(const char *s, size_t n, unsigned def_port, char *host,
			  size_t hostlen, unsigned *port)
{
	const char *h = s, *colon = NULL;
	size_t hn;
	if (n && s[0] == '[') {
		const char *close = memchr(s, ']', n);
		if (!close)
			return -1;
		h = s + 1;
		hn = (size_t)(close - h);
		if (close + 1 < s + n) {
			if (close[1] != ':')
				return -1;
			colon = close + 1;
		}
	} else {
		colon = memchr(s, ':', n);
		if (colon && memchr(colon + 1, ':', (size_t)(s + n - colon - 1)))
			return -1; /* an unbracketed IPv6 literal */
		hn = colon ? (size_t)(colon - s) : n;
	}
	if (!hn || hn >= hostlen)
		return -1;
	for (size_t i = 0; i < hn; i++) {
		unsigned char c = (unsigned char)h[i];
		/* Names, IPv4 and IPv6 literals; nothing a URL parser reads
		 * differently (@, %, /, \, spaces, controls). */
		if (!(isalnum(c) || c == '-' || c == '.' || c == '_' || (c == ':' && s[0] == '[')))
			return -1;
	}
	if (colon) {
		if (!parse_port(colon + 1, (size_t)(s + n - colon - 1), port))
			return -1;
	} else if (def_port) {
		*port = def_port;
	} else {
		return -1;
	}
	memcpy(host, h, hn);
	host[hn] = '\0';
	return 0;
}

/* The Host header's value in the header block [s, end), or "". */
static int host_header(const char *s, const char *end, char *out, size_t outlen)
{
	out[0] = '\0';
	bool seen = false;
	while (s < end) {
		const char *eol = find_crlf(s, end);
		if (!eol || eol == s)
			break;
		if (*s == ' ' || *s == '\t')
			return -1; /* obsolete line folding */
		const char *colon = memchr(s, ':', (size_t)(eol - s));
		if (!colon)
			return -1;
		if ((size_t)(colon - s) == 4 && !strncasecmp(s, "host", 4)) {
			if (seen)
				return -1; /* two Host headers: which one? */
			seen = true;
			const char *v = colon + 1, *ve = eol;
			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			if ((size_t)(ve - v) >= outlen)
				return -1;
			memcpy(out, v, (size_t)(ve - v));
			out[ve - v] = '\0';
		}
		s = eol + 2;
	}
	return 0;
}

/* The request line "METHOD TARGET HTTP/1.x" of [buf, eol). */
static int request_line(const char *buf, const char *eol, struct proxy_req *r)
{
	const char *sp1 = memchr(buf, ' ', (size_t)(eol - buf));
	if (!sp1 || sp1 == buf || (size_t)(sp1 - buf) >= sizeof(r->method))
		return -1;
	const char *target = sp1 + 1;
	const char *sp2 = memchr(target, ' ', (size_t)(eol - target));
	if (!sp2 || sp2 == target)
		return -1;
	size_t vlen = (size_t)(eol - sp2 - 1);
	if (vlen != 8 || (strncmp(sp2 + 1, "HTTP/1.1", 8) && strncmp(sp2 + 1, "HTTP/1.0", 8)))
		return -1;
	for (const char *c = buf; c < sp1; c++)
		if (!isupper((unsigned char)*c))
			return -1;
	memcpy(r->method, buf, (size_t)(sp1 - buf));
	r->method[sp1 - buf] = '\0';
	size_t tlen = (size_t)(sp2 - target);
	for (size_t i = 0; i < tlen; i++)
		if ((unsigned char)target[i] <= ' ' || target[i] == 0x7f)
			return -1;
	if (!strcmp(r->method, "CONNECT")) {
		r->connect = true;
		return proxy_split_authority(target, tlen, 0, r->host, sizeof(r->host), &r->port);
	}
	/* Absolute form only: an origin-form request names no host. */
	if (tlen < 8 || strncasecmp(target, "http://", 7))
		return -1;
	const char *auth = target + 7, *tend = target + tlen;
	const char *slash = memchr(auth, '/', (size_t)(tend - auth));
	const char *aend = slash ? slash : tend;
	if (memchr(auth, '?', (size_t)(aend - auth)) || memchr(auth, '#', (size_t)(aend - auth)))
		return -1;
	if (proxy_split_authority(auth, (size_t)(aend - auth), 80, r->host, sizeof(r->host),
				  &r->port))
		return -1; /* credentials ('@') land here too */
	r->path_off = slash ? (size_t)(slash - buf) : 0;
	r->path_len = slash ? (size_t)(tend - slash) : 0;
	return 0;
}

int proxy_parse_http(const char *buf, size_t len, struct proxy_req *r)
{
	memset(r, 0, sizeof(*r));
	const char *end = buf + len;
	const char *blank = NULL;
	for (const char *c = buf; c + 3 < end; c++)
		if (!memcmp(c, "\r\n\r\n", 4)) {
			blank = c;
			break;
		}
	if (!blank)
		return len >= PROXY_HEAD_MAX ? -1 : 0;
	if ((size_t)(blank - buf) + 4 > PROXY_HEAD_MAX)
		return -1;
	if (memchr(buf, '\0', (size_t)(blank - buf)))
		return -1;
	const char *eol = find_crlf(buf, blank + 2);
	if (!eol || request_line(buf, eol, r) < 0)
		return -1;
	r->hdr_off = (size_t)(eol + 2 - buf);
	r->head_len = (size_t)(blank + 4 - buf);
	if (eol != blank && host_header(eol + 2, blank + 2, r->host_hdr, sizeof(r->host_hdr)) < 0)
		return -1;
	return 1;
}

int proxy_socks_greeting(const unsigned char *buf, size_t len)
{
	if (len < 2)
		return 0;
	if (buf[0] != 5 || buf[1] == 0)
		return -1;
	size_t n = (size_t)buf[1] + 2;
	if (len < n)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (buf[i] == 0)
			return (int)n;
	return -2;
}

int proxy_socks_request(const unsigned char *buf, size_t len, struct proxy_req *r)
{
	memset(r, 0, sizeof(*r));
	if (len < 5)
		return 0;
	if (buf[0] != 5 || buf[2] != 0)
		return -1;
	size_t alen;
	switch (buf[3]) {
	case 1: alen = 4; break;
	case 4: alen = 16; break;
	case 3: alen = (size_t)buf[4] + 1; break;
	default: return -8;
	}
	size_t n = 4 + alen + 2;
	if (len < n)
		return 0;
	if (buf[1] != 1)
		return -7;
	const unsigned char *a = buf + 4;
	if (buf[3] == 1) {
		snprintf(r->host, sizeof(r->host), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	} else if (buf[3] == 4) {
		char *o = r->host;
		for (int i = 0; i < 16; i += 2)
			o += sprintf(o, "%s%x", i ? ":" : "", (unsigned)(a[i] << 8 | a[i + 1]));
	} else {
		size_t hn = buf[4];
		if (!hn || memchr(a + 1, '\0', hn))
			return -1;
		memcpy(r->host, a + 1, hn);
		r->host[hn] = '\0';
	}
	r->port = (unsigned)(buf[n - 2] << 8 | buf[n - 1]);
	if (!r->port)
		return -1;
	r->connect = true;
	strcpy(r->method, "SOCKS5");
	return (int)n;
}

static unsigned be16(const unsigned char *p)
{
	return (unsigned)(p[0] << 8 | p[1]);
}

/* The SNI in a ClientHello's extensions [p, end). */
static int sni_in_extensions(const unsigned char *p, const unsigned char *end, char *out,
			     size_t outlen)
{
	while (p + 4 <= end) {
		unsigned type = be16(p), elen = be16(p + 2);
		p += 4;
		if (p + elen > end)
			return -1;
		if (type == 0) {
			/* server_name_list: len, then (type 0, len, name). */
			if (elen < 5 || be16(p) + 2u != elen || p[2] != 0)
				return -1;
			unsigned nlen = be16(p + 3);
			if (nlen + 5u > elen || !nlen || nlen >= outlen)
				return -1;
			for (unsigned i = 0; i < nlen; i++)
				if (p[5 + i] <= ' ' || p[5 + i] >= 0x7f)
					return -1;
			memcpy(out, p + 5, nlen);
			out[nlen] = '\0';
			return 1;
		}
		p += elen;
	}
	return 0;
}

int proxy_tls_sni(const unsigned char *buf, size_t len, char *out, size_t outlen)
{
	if (len < 1)
		return -2;
	if (buf[0] != 0x16)
		return 0; /* not a TLS handshake */
	if (len < 5)
		return -2;
	unsigned rlen = be16(buf + 3);
	/* Why the first record only: every client puts the whole
	 * ClientHello in it (up to 16 KiB); a split one is refused. */
	if (buf[1] != 3 || rlen < 4 || rlen > 16384)
		return -1;
	if (len < 5 + (size_t)rlen)
		return -2;
	const unsigned char *p = buf + 5, *end;
	if (p[0] != 1)
		return -1; /* not a ClientHello */
	size_t hlen = (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
	if (hlen + 4 > rlen)
		return -1;
	end = p + 4 + hlen;
	p += 4;
	if (p + 2 + 32 + 1 > end)
		return -1;
	p += 2 + 32;                  /* version, random */
	p += 1 + (size_t)p[0];        /* session id */
	if (p + 2 > end)
		return -1;
	p += 2 + (size_t)be16(p);     /* cipher suites */
	if (p + 1 > end)
		return -1;
	p += 1 + (size_t)p[0];        /* compression methods */
	if (p == end)
		return 0;             /* no extensions */
	if (p + 2 > end)
		return -1;
	unsigned xlen = be16(p);
	p += 2;
	if (p + xlen > end)
		return -1;
	return sni_in_extensions(p, p + xlen, out, outlen);
}
