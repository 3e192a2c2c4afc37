/* SPDX-License-Identifier: MIT */
/*
 * domains.h: [network] allow = domains - host patterns, presets, the
 * layered allow/deny decision, and the address checks the proxy applies.
 *
 * Pure code: nothing here touches the process or the network; the proxy
 * (process/proxy.c) and the unit tests call it.
 */
#ifndef CLAWSHIM_DOMAINS_H
#define CLAWSHIM_DOMAINS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "policy.h"

/* One preset: a name ("npm", written "@npm") and its entries. */
struct dom_preset_host {
	const char *pattern;  /* as a user would write it: "github.com", "github.com:22" */
	bool upload;          /* the host accepts uploads (publish, push, gists) */
};
struct dom_preset {
	const char *name;
	const char *what;
	const struct dom_preset_host *hosts;
	size_t nhosts;
};
extern const struct dom_preset dom_presets[];
extern const size_t dom_npresets;
const struct dom_preset *dom_preset_find(const char *name);

/* Check one item of domains/deny_domains as written (a pattern, "@preset",
 * an IP or CIDR literal, each with an optional ":port"). 0, or -1 with a
 * message and a hint (may be empty). */
int dom_check_item(const char *item, char *msg, size_t msglen, char *hint, size_t hintlen);

/* Check an upstream URL ("http://HOST:PORT"); 0 or -1 with a message. */
int dom_check_upstream(const char *url, char *msg, size_t msglen);
/* Split a checked upstream URL into host and port. */
void dom_upstream_split(const char *url, char *host, size_t hostlen, unsigned *port);

/* Normalise a requested host (n bytes, not NUL-terminated): lowercase,
 * one trailing dot and IPv6 brackets removed. *is_ip is set when it is
 * an address literal in any spelling inet_aton/inet_pton take ("127.1",
 * "2130706433", "0x7f.1", "::1"). -1 for an empty, over-long or badly
 * formed name. */
int dom_norm_host(const char *in, size_t n, char *out, size_t outlen, bool *is_ip);

enum dom_verdict {
	DOM_ALLOW,
	DOM_DENIED,        /* a deny_domains entry matched */
	DOM_NOT_ALLOWED,   /* no domains entry (in every layer) matched */
	DOM_IP_LITERAL,    /* an address literal no IP/CIDR entry allows */
};
/* The X-Proxy-Error reason of a verdict. */
const char *dom_reason(enum dom_verdict v);

/* The decision for host:port (host normalised by dom_norm_host).  The
 * rule that decided is copied to rule (the pattern, "@preset" for a
 * preset's host). *explicit_ip is set when an IP/CIDR entry allowed it
 * (the address checks then accept that address even if private). */
enum dom_verdict dom_decide(const struct policy *p, const char *host, bool is_ip,
			    unsigned port, char *rule, size_t rulelen);

/* May the proxy connect to this address (resolved from an allowed name)?
 * IPv4-mapped and NAT64 IPv6 are checked as the IPv4 inside.  False for
 * loopback, RFC 1918, link-local, CGNAT, 0/8, multicast, broadcast, the
 * documentation and benchmark nets, fc00::/7, fe80::/10, ... unless
 * p->net_private; an IP/CIDR entry of the policy naming it allows it. */
bool dom_addr_ok(const struct policy *p, const struct sockaddr *sa, socklen_t len);
/* Is the address non-public (the list above)? */
bool dom_addr_private(const struct sockaddr *sa, socklen_t len);

/* The TCP ports any entry may reach (the proxy's Landlock rules): up to
 * max ports into ports; returns how many (sorted, unique). */
size_t dom_ports(const struct policy *p, unsigned *ports, size_t max);

/* Does some allowed entry name port 22 (the ssh ProxyCommand is set)? */
bool dom_any_ssh(const struct policy *p);

#endif
