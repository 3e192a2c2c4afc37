/* SPDX-License-Identifier: MIT */
/* test_proxy_parse.c: the proxy's request parsers (process/proxy_parse.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "../../process/proxy_parse.h"

static int http(const char *s, struct proxy_req *r)
{
	return proxy_parse_http(s, strlen(s), r);
}

static void test_connect(void **st)
{
	(void)st;
	struct proxy_req r;
	assert_int_equal(http("CONNECT a.org:443 HTTP/1.1\r\nHost: a.org:443\r\n\r\nTLS", &r), 1);
	assert_true(r.connect);
	assert_string_equal(r.host, "a.org");
	assert_int_equal(r.port, 443);
	assert_int_equal(r.head_len, strlen("CONNECT a.org:443 HTTP/1.1\r\nHost: a.org:443\r\n\r\n"));
	assert_int_equal(http("CONNECT [::1]:22 HTTP/1.0\r\n\r\n", &r), 1);
	assert_string_equal(r.host, "::1");
	assert_int_equal(r.port, 22);
	/* Incomplete, then malformed. */
	assert_int_equal(http("CONNECT a.org:443 HTTP/1.1\r\n", &r), 0);
	static const char *const bad[] = {
		"CONNECT a.org HTTP/1.1\r\n\r\n",          /* no port */
		"CONNECT a.org:0 HTTP/1.1\r\n\r\n",
		"CONNECT a.org:65536 HTTP/1.1\r\n\r\n",
		"CONNECT a.org:443 HTTP/2\r\n\r\n",
		"CONNECT  a.org:443 HTTP/1.1\r\n\r\n",
		"CONNECT a@b.org:443 HTTP/1.1\r\n\r\n",
		"CONNECT ::1:443 HTTP/1.1\r\n\r\n",
		"CONNECT a.org:443 HTTP/1.1\r\n folded\r\n\r\n",
		"connect a.org:443 HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a.org\r\n\r\n",    /* origin form */
		"GET https://a.org/ HTTP/1.1\r\n\r\n",
		"GET http://user:pw@a.org/ HTTP/1.1\r\n\r\n",
		"GET http://a.org\\@b.org/ HTTP/1.1\r\n\r\n",
		"GET http://a.org/ HTTP/1.1\r\nHost: a.org\r\nHost: b.org\r\n\r\n",
		"GET http://a.org/ HTTP/1.1\r\nbad header\r\n\r\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (http(bad[i], &r) != -1)
			fail_msg("accepted: %s", bad[i]);
	char big[PROXY_HEAD_MAX + 16];
	memset(big, 'a', sizeof(big));
	memcpy(big, "CONNECT ", 8);
	assert_int_equal(proxy_parse_http(big, sizeof(big), &r), -1);
}

static void test_absolute(void **st)
{
	(void)st;
	struct proxy_req r;
	const char *s = "GET http://a.org:8080/x?y=1 HTTP/1.1\r\nHost: a.org:8080\r\nProxy-Connection: "
			"keep-alive\r\n\r\n";
	assert_int_equal(http(s, &r), 1);
	assert_false(r.connect);
	assert_string_equal(r.method, "GET");
	assert_string_equal(r.host, "a.org");
	assert_int_equal(r.port, 8080);
	assert_int_equal(r.path_len, strlen("/x?y=1"));
	assert_memory_equal(s + r.path_off, "/x?y=1", r.path_len);
	assert_string_equal(r.host_hdr, "a.org:8080");
	assert_int_equal(http("GET http://a.org HTTP/1.1\r\n\r\n", &r), 1);
	assert_int_equal(r.port, 80);
	assert_int_equal(r.path_len, 0);
}

static void test_socks(void **st)
{
	(void)st;
	static const unsigned char g1[] = { 5, 1, 0 }, g2[] = { 5, 1, 2 }, g3[] = { 5, 2, 2 };
	assert_int_equal(proxy_socks_greeting(g1, 3), 3);
	assert_int_equal(proxy_socks_greeting(g2, 3), -2);
	assert_int_equal(proxy_socks_greeting(g3, 3), 0);
	assert_int_equal(proxy_socks_greeting((const unsigned char *)"\4\1", 2), -1);
	struct proxy_req r;
	static const unsigned char dom[] = { 5, 1, 0, 3, 5, 'a', '.', 'o', 'r', 'g', 1, 187 };
	assert_int_equal(proxy_socks_request(dom, sizeof(dom), &r), (int)sizeof(dom));
	assert_string_equal(r.host, "a.org");
	assert_int_equal(r.port, 443);
	assert_int_equal(proxy_socks_request(dom, sizeof(dom) - 1, &r), 0);
	static const unsigned char v4[] = { 5, 1, 0, 1, 127, 0, 0, 1, 0, 22 };
	assert_int_equal(proxy_socks_request(v4, sizeof(v4), &r), (int)sizeof(v4));
	assert_string_equal(r.host, "127.0.0.1");
	static const unsigned char v6[] = { 5, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 80 };
	assert_int_equal(proxy_socks_request(v6, sizeof(v6), &r), (int)sizeof(v6));
	assert_string_equal(r.host, "0:0:0:0:0:0:0:1");
	static const unsigned char bind[] = { 5, 2, 0, 1, 1, 2, 3, 4, 0, 80 };
	assert_int_equal(proxy_socks_request(bind, sizeof(bind), &r), -7);
	static const unsigned char atyp[] = { 5, 1, 0, 9, 1, 2, 3, 4, 0, 80 };
	assert_int_equal(proxy_socks_request(atyp, sizeof(atyp), &r), -8);
	static const unsigned char nul[] = { 5, 1, 0, 3, 3, 'a', 0, 'b', 1, 187 };
	assert_int_equal(proxy_socks_request(nul, sizeof(nul), &r), -1);
}

/* A minimal ClientHello with an optional server name. */
static size_t hello(unsigned char *b, const char *sni)
{
	unsigned char body[512];
	size_t n = 0;
	body[n++] = 3; body[n++] = 3;
	memset(body + n, 0, 32); n += 32;
	body[n++] = 0;                         /* session id */
	body[n++] = 0; body[n++] = 2; body[n++] = 0x13; body[n++] = 1;
	body[n++] = 1; body[n++] = 0;          /* compression */
	size_t xl = sni ? 9 + strlen(sni) : 0;
	body[n++] = (unsigned char)(xl >> 8); body[n++] = (unsigned char)xl;
	if (sni) {
		size_t l = strlen(sni);
		body[n++] = 0; body[n++] = 0;
		body[n++] = (unsigned char)((l + 5) >> 8); body[n++] = (unsigned char)(l + 5);
		body[n++] = (unsigned char)((l + 3) >> 8); body[n++] = (unsigned char)(l + 3);
		body[n++] = 0;
		body[n++] = (unsigned char)(l >> 8); body[n++] = (unsigned char)l;
		memcpy(body + n, sni, l); n += l;
	}
	size_t m = 0;
	b[m++] = 0x16; b[m++] = 3; b[m++] = 1;
	b[m++] = (unsigned char)((n + 4) >> 8); b[m++] = (unsigned char)(n + 4);
	b[m++] = 1; b[m++] = 0; b[m++] = (unsigned char)(n >> 8); b[m++] = (unsigned char)n;
	memcpy(b + m, body, n);
	return m + n;
}

static void test_sni(void **st)
{
	(void)st;
	unsigned char b[600];
	char out[256];
	size_t n = hello(b, "a.example.org");
	assert_int_equal(proxy_tls_sni(b, n, out, sizeof(out)), 1);
	assert_string_equal(out, "a.example.org");
	assert_int_equal(proxy_tls_sni(b, n - 1, out, sizeof(out)), -2);
	assert_int_equal(proxy_tls_sni(b, 3, out, sizeof(out)), -2);
	n = hello(b, NULL);
	assert_int_equal(proxy_tls_sni(b, n, out, sizeof(out)), 0);
	assert_int_equal(proxy_tls_sni((const unsigned char *)"SSH-2.0-x\r\n", 11, out, sizeof(out)), 0);
	n = hello(b, "a.org");
	b[5] = 2; /* not a ClientHello */
	assert_int_equal(proxy_tls_sni(b, n, out, sizeof(out)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect),
		cmocka_unit_test(test_absolute),
		cmocka_unit_test(test_socks),
		cmocka_unit_test(test_sni),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
