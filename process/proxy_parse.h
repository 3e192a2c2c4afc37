/* SPDX-License-Identifier: MIT */
/*
 * proxy_parse.h: the parsers of the egress proxy (process/proxy.c) for
 * what the command sends it: an HTTP/1.x request head (CONNECT or an
 * absolute-form request), a SOCKS5 greeting and request, and the server
 * name of a TLS ClientHello.
 *
 * Pure and bounded: they read only the bytes given, never allocate, and
 * are what tests/fuzz/fuzz_proxy.c feeds.  They run only in the confined
 * proxy child, never in the supervisor.
 */
#ifndef CLAWSHIM_PROXY_PARSE_H
#define CLAWSHIM_PROXY_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#define PROXY_HEAD_MAX 8192

struct proxy_req {
	bool connect;          /* CONNECT host:port; else absolute-form http:// */
	char method[16];
	char host[256];        /* as sent, brackets stripped; not yet normalised */
	unsigned port;
	size_t path_off, path_len;   /* absolute form: "/path?query" in the head */
	size_t hdr_off;              /* where the header lines start */
	size_t head_len;             /* through the blank line */
	char host_hdr[256];          /* the Host header, "" when absent */
};

/* Parse an HTTP request head in buf[0..len).  Returns 1 with *r filled,
 * 0 when the blank line has not arrived yet (and len < PROXY_HEAD_MAX),
 * -1 when malformed (including an origin-form "GET /", a bad port, a
 * URL with credentials, a scheme other than http, or a head over
 * PROXY_HEAD_MAX). */
int proxy_parse_http(const char *buf, size_t len, struct proxy_req *r);

/* Split "host:port" / "[v6]:port" (n bytes) into host and port (a port
 * is required when def_port is 0).  0 or -1. */
int proxy_split_authority(const char *s, size_t n, unsigned def_port, char *host,
			  size_t hostlen, unsigned *port);

/* SOCKS5 greeting: 05 N METHODS...  Returns the greeting's length when
 * it is whole and offers "no authentication", -2 when whole but it does
 * not, 0 when more bytes are needed, -1 when malformed. */
int proxy_socks_greeting(const unsigned char *buf, size_t len);

/* SOCKS5 request: 05 CMD 00 ATYP ADDR PORT.  Returns its length with r
 * filled (r->connect for CMD 1), 0 for more bytes, -1 malformed, -7
 * for a command other than CONNECT, -8 for an unknown address type. */
int proxy_socks_request(const unsigned char *buf, size_t len, struct proxy_req *r);

/* The server name of a TLS ClientHello at the start of a stream.
 * 1: found, copied to out; 0: a whole ClientHello without one, or not
 * TLS at all; -2: more bytes are needed; -1: malformed. */
int proxy_tls_sni(const unsigned char *buf, size_t len, char *out, size_t outlen);

#endif
