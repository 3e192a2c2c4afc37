/* SPDX-License-Identifier: MIT */
/*
 * domains.c: host patterns, presets and the layered decision of
 * [network] allow = domains (policy/domains.h).
 *
 * A pattern is checked whole at load time (dom_check_item) and parsed
 * again, cheaply, at each decision: the policy keeps the text as
 * written, which is what --explain, --dump-policy and the refusal
 * reasons show.
 */
#include "domains.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common.h"

#define CMDLINE_LAYER "command line"

/* ---- presets: data ---- */

#define H(p, u) { p, u }
static const struct dom_preset_host npm_hosts[] = {
	H("registry.npmjs.org", true), H("registry.yarnpkg.com", false),
};
static const struct dom_preset_host pypi_hosts[] = {
	H("pypi.org", false), H("files.pythonhosted.org", false),
};
static const struct dom_preset_host github_hosts[] = {
	H("github.com", true), H("github.com:22", true), H("api.github.com", true),
	H("codeload.github.com", false), H("raw.githubusercontent.com", false),
	H("objects.githubusercontent.com", false),
	H("release-assets.githubusercontent.com", false),
	H("github-cloud.githubusercontent.com", false), /* git-lfs objects */
	H("github-cloud.s3.amazonaws.com", false),      /* git-lfs redirects */
};
static const struct dom_preset_host crates_hosts[] = {
	H("crates.io", true), H("index.crates.io", false), H("static.crates.io", false),
	H("static.rust-lang.org", false), /* rustup */
};
static const struct dom_preset_host go_hosts[] = {
	H("proxy.golang.org", false), H("sum.golang.org", false),
	/* The module proxy redirects zips to this shared bucket host
	 * (golang/go#68412); anyone can upload to a bucket there. */
	H("storage.googleapis.com", true),
};
static const struct dom_preset_host rubygems_hosts[] = {
	H("rubygems.org", true), H("index.rubygems.org", false),
};
static const struct dom_preset_host maven_hosts[] = {
	H("repo.maven.apache.org", false), H("repo1.maven.org", false),
	H("plugins.gradle.org", true), H("plugins-artifacts.gradle.org", false),
	/* The Gradle wrapper's distribution URL redirects to downloads. */
	H("services.gradle.org", false), H("downloads.gradle.org", false),
};
#undef H

#define P(n, w, h) { n, w, h, ARRAY_LEN(h) }
const struct dom_preset dom_presets[] = {
	P("npm", "npm and yarn registries", npm_hosts),
	P("pypi", "pip and uv: the index and its files", pypi_hosts),
	P("github", "git over https and ssh, the API, release assets, LFS", github_hosts),
	P("crates", "cargo: the sparse index and crate files, rustup", crates_hosts),
	P("go", "go: the module proxy, the checksum database and its storage", go_hosts),
	P("rubygems", "gem and bundler", rubygems_hosts),
	P("maven", "Maven Central, the Gradle plugin portal and wrapper", maven_hosts),
};
#undef P
const size_t dom_npresets = ARRAY_LEN(dom_presets);

const struct dom_preset *dom_preset_find(const char *name)
{
	for (size_t i = 0; i < dom_npresets; i++)
		if (!strcasecmp(dom_presets[i].name, name))
			return &dom_presets[i];
	return NULL;
}

/* ---- one entry ---- */

enum ekind { E_EXACT, E_SUB, E_APEX_SUB, E_IP, E_PRESET };

struct entry {
	enum ekind kind;
	char name[256];          /* names: the base, lowercased */
	int fam;                 /* E_IP */
	unsigned char addr[16];
	unsigned prefix;
	unsigned port;           /* 0: 443 (and 80 with plain_http) */
};

static bool parse_port(const char *s, unsigned *port)
{
	char *end;
	if (!*s || !isdigit((unsigned char)*s))
		return false;
	unsigned long v = strtoul(s, &end, 10);
	if (*end || v < 1 || v > 65535)
		return false;
	*port = (unsigned)v;
	return true;
}

/* An address with an optional "/prefix" (strict inet_pton). */
static bool parse_cidr(const char *s, struct entry *e)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, e->addr) == 1)
		e->fam = AF_INET;
	else if (inet_pton(AF_INET6, buf, e->addr) == 1)
		e->fam = AF_INET6;
	else
		return false;
	unsigned max = e->fam == AF_INET ? 32 : 128;
	e->prefix = max;
	if (slash) {
		char *end;
		if (!isdigit((unsigned char)slash[1]))
			return false;
		unsigned long v = strtoul(slash + 1, &end, 10);
		if (*end || v > max)
			return false;
		e->prefix = (unsigned)v;
	}
	e->kind = E_IP;
	return true;
}

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

/* A host name: labels of 1..63 name characters, at most 253 bytes. */
static bool valid_name(const char *s)
{
	size_t n = strlen(s), label = 0;
	if (!n || n > 253 || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!name_char(s[i]))
			return false;
		/* No label starts or ends with a hyphen. */
		if (s[i] == '-' && (i == 0 || s[i - 1] == '.' || i + 1 == n || s[i + 1] == '.'))
			return false;
		if (s[i] == '.') {
			if (!label)
				return false;
			label = 0;
		} else if (++label > 63) {
			return false;
		}
	}
	return true;
}

/* Parse an entry as written; false when it is malformed. */
static bool parse_entry(const char *raw, struct entry *e)
{
	char buf[300];
	memset(e, 0, sizeof(*e));
	if (strlen(raw) >= sizeof(buf))
		return false;
	snprintf(buf, sizeof(buf), "%s", raw);
	if (buf[0] == '@') {
		e->kind = E_PRESET;
		if (strlen(buf + 1) >= sizeof(e->name))
			return false;
		memcpy(e->name, buf + 1, strlen(buf + 1) + 1);
		return dom_preset_find(e->name) != NULL;
	}
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		if (!close || (close[1] && (close[1] != ':' || !parse_port(close + 2, &e->port))))
			return false;
		*close = '\0';
		return parse_cidr(buf + 1, e) && e->fam == AF_INET6;
	}
	char *colon = strchr(buf, ':');
	if (colon && strchr(colon + 1, ':'))
		return parse_cidr(buf, e) && e->fam == AF_INET6; /* bare IPv6, no port */
	if (colon) {
		if (!parse_port(colon + 1, &e->port))
			return false;
		*colon = '\0';
	}
	if (isdigit((unsigned char)buf[strlen(buf) ? strlen(buf) - 1 : 0]) &&
	    strspn(buf, "0123456789./") == strlen(buf))
		return parse_cidr(buf, e) && e->fam == AF_INET;
	const char *base = buf;
	e->kind = E_EXACT;
	if (!strncmp(buf, "**.", 3)) {
		e->kind = E_APEX_SUB;
		base += 3;
	} else if (!strncmp(buf, "*.", 2)) {
		e->kind = E_SUB;
		base += 2;
	}
	if (!valid_name(base))
		return false;
	for (size_t i = 0; base[i]; i++)
		e->name[i] = (char)tolower((unsigned char)base[i]);
	return true;
}

/* Suffixes under which names belong to different owners: a wildcard
 * right below one of them is as broad as "*.com". */
static const char *const shared_suffixes[] = {
	"co.uk", "org.uk", "ac.uk", "gov.uk", "com.au", "net.au", "org.au", "co.jp",
	"co.nz", "com.br", "com.cn", "co.in", "co.kr", "com.mx", "com.tr", "com.tw",
	"github.io", "githubusercontent.com", "herokuapp.com", "vercel.app", "netlify.app",
	"pages.dev", "workers.dev", "appspot.com", "cloudfront.net", "amazonaws.com",
	"s3.amazonaws.com", "azurewebsites.net", "blob.core.windows.net", "ngrok.io",
	"ngrok-free.app", "fly.dev", "onrender.com", "web.app", "firebaseapp.com",
};

static bool too_broad(const struct entry *e)
{
	if (e->kind != E_SUB && e->kind != E_APEX_SUB)
		return false;
	if (!strchr(e->name, '.'))
		return true; /* *.com, **.io */
	for (size_t i = 0; i < ARRAY_LEN(shared_suffixes); i++)
		if (!strcmp(e->name, shared_suffixes[i]))
			return true;
	return false;
}

int dom_check_item(const char *item, char *msg, size_t msglen, char *hint, size_t hintlen)
{
	struct entry e;
	hint[0] = '\0';
	if (!strcmp(item, "*") || !strcmp(item, "**") || !strncmp(item, "*:", 2) ||
	    !strncmp(item, "**:", 3)) {
		snprintf(msg, msglen, "'%s' allows every host", item);
		snprintf(hint, hintlen, "name the hosts, or set allow = all");
		return -1;
	}
	if (item[0] == '@' && !dom_preset_find(item + 1)) {
		const char *names[ARRAY_LEN(dom_presets)];
		for (size_t i = 0; i < dom_npresets; i++)
			names[i] = dom_presets[i].name;
		snprintf(msg, msglen, "unknown preset '%s'", item);
		snprintf(hint, hintlen, "presets: @npm @pypi @github @crates @go @rubygems @maven");
		(void)names;
		return -1;
	}
	if (!parse_entry(item, &e)) {
		const char *colon = strrchr(item, ':');
		unsigned port;
		if (colon && item[0] != '[' && !strchr(item, '/') && strchr(item, ':') == colon &&
		    !parse_port(colon + 1, &port))
			snprintf(msg, msglen, "bad port in '%s' (1 to 65535)", item);
		else
			snprintf(msg, msglen, "bad host pattern '%s'", item);
		snprintf(hint, hintlen, "write host, *.domain (subdomains), **.domain (and the "
			 "domain itself), host:port, an IP or CIDR, or @preset");
		return -1;
	}
	if (too_broad(&e)) {
		snprintf(msg, msglen, "'%s' is broader than one registrable domain", item);
		snprintf(hint, hintlen, "name the domain: *.example.com, not *.com");
		return -1;
	}
	return 0;
}

int dom_check_upstream(const char *url, char *msg, size_t msglen)
{
	char host[256];
	unsigned port = 0;
	if (strncmp(url, "http://", 7) != 0) {
		snprintf(msg, msglen, "bad upstream '%s' (expected http://HOST:PORT)", url);
		return -1;
	}
	dom_upstream_split(url, host, sizeof(host), &port);
	if (!host[0] || !port || strchr(url + 7, '@') || strchr(url + 7, '/')) {
		snprintf(msg, msglen, "bad upstream '%s' (expected http://HOST:PORT, "
			 "no credentials, no path)", url);
		return -1;
	}
	return 0;
}

void dom_upstream_split(const char *url, char *host, size_t hostlen, unsigned *port)
{
	const char *h = url + 7, *colon = strrchr(h, ':');
	*port = 0;
	host[0] = '\0';
	if (!colon || !parse_port(colon + 1, port))
		return;
	size_t n = (size_t)(colon - h);
	if (n && h[0] == '[' && h[n - 1] == ']') {
		h++;
		n -= 2;
	}
	if (n < hostlen) {
		memcpy(host, h, n);
		host[n] = '\0';
	}
}

/* ---- decisions ---- */

int dom_norm_host(const char *in, size_t n, char *out, size_t outlen, bool *is_ip)
{
	char buf[256];
	*is_ip = false;
	if (n >= 2 && in[0] == '[' && in[n - 1] == ']') {
		in++;
		n -= 2;
	}
	if (n && in[n - 1] == '.')
		n--;
	if (!n || n >= sizeof(buf) || n > 253)
		return -1;
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)tolower((unsigned char)in[i]);
	buf[n] = '\0';
	unsigned char a[16];
	struct in_addr a4;
	/* Why inet_aton too: "127.1", "2130706433" and "0x7f.1" are the
	 * loopback address to every resolver; none may pass as a name. */
	if (inet_pton(AF_INET6, buf, a) == 1) {
		*is_ip = true;
		return inet_ntop(AF_INET6, a, out, (socklen_t)outlen) ? 0 : -1;
	}
	if (strchr(buf, ':') == NULL && inet_aton(buf, &a4) == 1) {
		*is_ip = true;
		return inet_ntop(AF_INET, &a4, out, (socklen_t)outlen) ? 0 : -1;
	}
	if (!valid_name(buf) || strlen(buf) >= outlen)
		return -1;
	memcpy(out, buf, n + 1);
	return 0;
}

const char *dom_reason(enum dom_verdict v)
{
	switch (v) {
	case DOM_ALLOW: return "allowed";
	case DOM_DENIED: return "blocked-by-denylist";
	case DOM_NOT_ALLOWED: return "blocked-by-allowlist";
	case DOM_IP_LITERAL: return "blocked-ip-literal";
	}
	return "blocked";
}

static bool in_prefix(const unsigned char *a, const unsigned char *net, unsigned prefix)
{
	unsigned full = prefix / 8, rest = prefix % 8;
	if (memcmp(a, net, full))
		return false;
	if (!rest)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (a[full] & mask) == (net[full] & mask);
}

static bool port_ok(const struct policy *p, const struct entry *e, unsigned port)
{
	if (e->port)
		return e->port == port;
	return port == 443 || (port == 80 && p->net_plain_http.val);
}

static bool match_entry(const struct policy *p, const struct entry *e, const char *host,
			bool is_ip, unsigned port);

static bool match_raw(const struct policy *p, const char *raw, const char *host, bool is_ip,
		      unsigned port)
{
	struct entry e;
	return parse_entry(raw, &e) && match_entry(p, &e, host, is_ip, port);
}

/* Does entry e allow host:port? A name pattern never matches an IP
 * literal, an IP entry only an IP literal. */
static bool match_entry(const struct policy *p, const struct entry *e, const char *host,
			bool is_ip, unsigned port)
{
	if (e->kind == E_PRESET) {
		const struct dom_preset *ps = dom_preset_find(e->name);
		for (size_t i = 0; ps && i < ps->nhosts; i++)
			if (match_raw(p, ps->hosts[i].pattern, host, is_ip, port))
				return true;
		return false;
	}
	if (!port_ok(p, e, port))
		return false;
	if (e->kind == E_IP) {
		unsigned char a[16];
		if (!is_ip || inet_pton(e->fam, host, a) != 1)
			return false;
		return in_prefix(a, e->addr, e->prefix);
	}
	if (is_ip)
		return false;
	size_t hl = strlen(host), bl = strlen(e->name);
	bool apex = hl == bl && !strcmp(host, e->name);
	bool sub = hl > bl + 1 && host[hl - bl - 1] == '.' && !strcmp(host + hl - bl, e->name);
	switch (e->kind) {
	case E_EXACT: return apex;
	case E_SUB: return sub;
	case E_APEX_SUB: return apex || sub;
	case E_IP: case E_PRESET: break;
	}
	return false;
}

enum dom_verdict dom_decide(const struct policy *p, const char *host, bool is_ip,
			    unsigned port, char *rule, size_t rulelen)
{
	enum dom_verdict no = is_ip ? DOM_IP_LITERAL : DOM_NOT_ALLOWED;
	rule[0] = '\0';
	/* Deny wins, from any layer, the workspace's included. */
	for (size_t i = 0; i < p->deny_domains.n; i++)
		if (match_raw(p, p->deny_domains.v[i].raw, host, is_ip, port)) {
			snprintf(rule, rulelen, "%s", p->deny_domains.v[i].raw);
			return DOM_DENIED;
		}
	/* --allow-domain: the caller's own grant for this run. */
	for (size_t i = 0; i < p->domains.n; i++) {
		const struct pol_item *it = &p->domains.v[i];
		if (!strcmp(it->from.layer, CMDLINE_LAYER) &&
		    match_raw(p, it->raw, host, is_ip, port)) {
			snprintf(rule, rulelen, "%s", it->raw);
			return DOM_ALLOW;
		}
	}
	/* Every layer that sets domains must allow it; why "a trusted one
	 * at least": the workspace's file may narrow, never grant alone. */
	bool trusted = false;
	for (size_t i = 0; i < p->domains.n; i++) {
		const char *layer = p->domains.v[i].from.layer;
		if (!strcmp(layer, CMDLINE_LAYER))
			continue;
		if (layer != p->untrusted_layer)
			trusted = true;
		bool seen_before = false, hit = false;
		for (size_t j = 0; j < i && !seen_before; j++)
			seen_before = p->domains.v[j].from.layer == layer;
		if (seen_before)
			continue;
		for (size_t j = i; j < p->domains.n && !hit; j++) {
			const struct pol_item *it = &p->domains.v[j];
			if (it->from.layer == layer && match_raw(p, it->raw, host, is_ip, port)) {
				hit = true;
				if (!rule[0])
					snprintf(rule, rulelen, "%s", it->raw);
			}
		}
		if (!hit) {
			rule[0] = '\0';
			return no;
		}
	}
	if (!trusted) {
		rule[0] = '\0';
		return no;
	}
	return DOM_ALLOW;
}

/* The IPv4 address an IPv6 one stands for (mapped, NAT64), or false. */
static bool embedded_v4(const unsigned char *a6, unsigned char *a4)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const unsigned char nat64[12] = { 0, 0x64, 0xff, 0x9b };
	if (memcmp(a6, mapped, 12) && memcmp(a6, nat64, 12))
		return false;
	memcpy(a4, a6 + 12, 4);
	return true;
}

static bool v4_private(const unsigned char *a)
{
	static const struct { unsigned char net[4]; unsigned prefix; } nets[] = {
		{ { 0 }, 8 }, { { 10 }, 8 }, { { 100, 64 }, 10 }, { { 127 }, 8 },
		{ { 169, 254 }, 16 }, { { 172, 16 }, 12 }, { { 192, 0, 0 }, 24 },
		{ { 192, 0, 2 }, 24 }, { { 192, 88, 99 }, 24 }, { { 192, 168 }, 16 },
		{ { 198, 18 }, 15 }, { { 198, 51, 100 }, 24 }, { { 203, 0, 113 }, 24 },
		{ { 224 }, 4 }, { { 240 }, 4 },
	};
	for (size_t i = 0; i < ARRAY_LEN(nets); i++)
		if (in_prefix(a, nets[i].net, nets[i].prefix))
			return true;
	return false;
}

bool dom_addr_private(const struct sockaddr *sa, socklen_t len)
{
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in))
		return v4_private((const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr);
	if (sa->sa_family != AF_INET6 || len < (socklen_t)sizeof(struct sockaddr_in6))
		return true;
	const unsigned char *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
	unsigned char a4[4];
	if (embedded_v4(a, a4))
		return v4_private(a4);
	static const struct { unsigned char net[16]; unsigned prefix; } nets[] = {
		{ { 0 }, 127 },                          /* :: and ::1 */
		{ { 0x01, 0x00 }, 64 },                  /* 100::/64 discard */
		{ { 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01 }, 48 }, /* local NAT64 */
		{ { 0x20, 0x01, 0x0d, 0xb8 }, 32 },      /* documentation */
		{ { 0x20, 0x01, 0x00, 0x00 }, 32 },      /* Teredo */
		{ { 0x20, 0x02 }, 16 },                  /* 6to4 */
		{ { 0xfc }, 7 }, { { 0xfe, 0x80 }, 10 }, { { 0xfe, 0xc0 }, 10 },
		{ { 0xff }, 8 },
	};
	for (size_t i = 0; i < ARRAY_LEN(nets); i++)
		if (in_prefix(a, nets[i].net, nets[i].prefix))
			return true;
	return false;
}

bool dom_addr_ok(const struct policy *p, const struct sockaddr *sa, socklen_t len)
{
	if (!dom_addr_private(sa, len) || p->net_private.val)
		return true;
	/* An IP or CIDR entry that names the address allows it. */
	unsigned char a[16];
	int fam = sa->sa_family;
	if (fam == AF_INET) {
		memcpy(a, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else {
		memcpy(a, ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr, 16);
		if (embedded_v4(a, a))
			fam = AF_INET;
	}
	for (size_t i = 0; i < p->domains.n; i++) {
		struct entry e;
		if (parse_entry(p->domains.v[i].raw, &e) && e.kind == E_IP && e.fam == fam &&
		    in_prefix(a, e.addr, e.prefix))
			return true;
	}
	return false;
}

static size_t add_port(unsigned *ports, size_t n, size_t max, unsigned port)
{
	for (size_t i = 0; i < n; i++)
		if (ports[i] == port)
			return n;
	if (n < max)
		ports[n++] = port;
	return n;
}

static size_t entry_ports(const struct policy *p, const char *raw, unsigned *ports, size_t n,
			  size_t max)
{
	struct entry e;
	if (!parse_entry(raw, &e))
		return n;
	if (e.kind == E_PRESET) {
		const struct dom_preset *ps = dom_preset_find(e.name);
		for (size_t i = 0; ps && i < ps->nhosts; i++)
			n = entry_ports(p, ps->hosts[i].pattern, ports, n, max);
		return n;
	}
	if (e.port)
		return add_port(ports, n, max, e.port);
	n = add_port(ports, n, max, 443);
	return p->net_plain_http.val ? add_port(ports, n, max, 80) : n;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return x < y ? -1 : x > y;
}

size_t dom_ports(const struct policy *p, unsigned *ports, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < p->domains.n; i++)
		n = entry_ports(p, p->domains.v[i].raw, ports, n, max);
	if (p->net_upstream.val) {
		char host[256];
		unsigned port;
		dom_upstream_split(p->net_upstream.val, host, sizeof(host), &port);
		if (port)
			n = add_port(ports, n, max, port);
	}
	qsort(ports, n, sizeof(*ports), cmp_uint);
	return n;
}

bool dom_any_ssh(const struct policy *p)
{
	unsigned ports[256];
	size_t n = dom_ports(p, ports, ARRAY_LEN(ports));
	for (size_t i = 0; i < n; i++)
		if (ports[i] == 22)
			return true;
	return false;
}
