/* SPDX-License-Identifier: MIT */
/*
 * proxy_conn.c: one connection to the egress proxy, in the confined
 * proxy process: read the request (HTTP CONNECT, absolute-form HTTP or
 * SOCKS5, chosen by the first byte), decide by name BEFORE any lookup,
 * resolve, check every address, connect only to checked addresses, and
 * relay until both sides are done.
 *
 * Why the name first: a lookup of a denied name is itself a message to
 * whoever runs that name's DNS servers (exfiltration through the query).
 * Why no second lookup: the address connected to is the one checked, so
 * a name that resolves to a public address once and to 127.0.0.1 the
 * next time (DNS rebinding) never reaches a local service.
 */
#include "proxy.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../policy/domains.h"
#include "proxy_parse.h"

#define HEAD_TIMEOUT_MS 10000   /* the request must arrive in this time */
#define ADDR_TIMEOUT_MS 3000    /* per address: a broken IPv6 route never hangs */
#define ADDRS_MAX 8
#define PIPE_CHUNK (1 << 20)  /* the default pipe-max-size: fewer splices per MB */

struct conn {
	int c, up;
	const struct policy *p;
	int evfd;
	struct net_decision d;
	unsigned char buf[16384 + 512];   /* a request head, or a ClientHello record */
	size_t len;
	struct timespec start;
};

static uint32_t ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint32_t)((t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000);
}

/* Send the decision to the supervisor; a full pipe drops it (the proxy
 * never blocks on the supervisor). */
static void report(struct conn *k)
{
	k->d.ms = ms_since(&k->start);
	if (k->evfd >= 0)
		(void)!write(k->evfd, &k->d, sizeof(k->d));
}

static void write_all(int fd, const void *buf, size_t n)
{
	const char *s = buf;
	while (n) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* Read more into k->buf, waiting at most until the head deadline. */
static int read_more(struct conn *k, int timeout_ms)
{
	struct pollfd pf = { k->c, POLLIN, 0 };
	int r = poll(&pf, 1, timeout_ms);
	if (r <= 0)
		return -1;
	if (k->len >= sizeof(k->buf))
		return -1;
	ssize_t n = recv(k->c, k->buf + k->len, sizeof(k->buf) - k->len, 0);
	if (n <= 0)
		return -1;
	k->len += (size_t)n;
	return 0;
}

static int head_left(const struct conn *k)
{
	int left = HEAD_TIMEOUT_MS - (int)ms_since(&k->start);
	return left > 0 ? left : 0;
}

/* The refusal an HTTP client sees: 403 (or code) with the reason. */
static void http_refuse(struct conn *k, int code, const char *reason, const char *body)
{
	char out[1024];
	const char *text = code == 403 ? "Forbidden" : code == 502 ? "Bad Gateway" :
			   code == 504 ? "Gateway Timeout" : code == 503 ? "Service Unavailable" :
			   "Bad Request";
	int n = snprintf(out, sizeof(out),
			 "HTTP/1.1 %d %s\r\nX-Proxy-Error: %s\r\nContent-Type: text/plain\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
			 code, text, reason, strlen(body), body);
	/* The record first: the exit summary then names this refusal even
	 * when the command ends the moment it reads the answer. */
	k->d.allowed = false;
	snprintf(k->d.reason, sizeof(k->d.reason), "%s", reason);
	report(k);
	write_all(k->c, out, (size_t)n < sizeof(out) ? (size_t)n : sizeof(out) - 1);
}

static void socks_reply(struct conn *k, unsigned char code)
{
	unsigned char r[10] = { 5, code, 0, 1 };
	write_all(k->c, r, sizeof(r));
}

/* Non-blocking connect with a deadline; the socket, or -1 (errno). */
static int connect_timed(const struct sockaddr *sa, socklen_t len)
{
	int s = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0)
		return -1;
	if (connect(s, sa, len) < 0 && errno != EINPROGRESS) {
		int e = errno;
		close(s);
		errno = e;
		return -1;
	}
	struct pollfd pf = { s, POLLOUT, 0 };
	int err = 0;
	socklen_t el = sizeof(err);
	int r = poll(&pf, 1, ADDR_TIMEOUT_MS);
	if (r <= 0 || getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err) {
		close(s);
		errno = r == 0 ? ETIMEDOUT : err ? err : EIO;
		return -1;
	}
	fcntl(s, F_SETFL, fcntl(s, F_GETFL) & ~O_NONBLOCK);
	int one = 1;
	setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return s;
}

/* An IPv4-mapped IPv6 address as the IPv4 it is. */
static void unmap(struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	if (ss->ss_family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
		return;
	struct sockaddr_in s4 = { .sin_family = AF_INET, .sin_port = s6->sin6_port };
	memcpy(&s4.sin_addr, s6->sin6_addr.s6_addr + 12, 4);
	memcpy(ss, &s4, sizeof(s4));
	*len = sizeof(s4);
}

static void addr_text(const struct sockaddr *sa, char *out, size_t n)
{
	const void *a = sa->sa_family == AF_INET ? (const void *)&((const struct sockaddr_in *)sa)->sin_addr
						  : (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (!inet_ntop(sa->sa_family, a, out, (socklen_t)n))
		snprintf(out, n, "?");
}

/* Resolve host (allowed already), check each address, connect to the
 * first checked one that answers.  The socket, or -1 with *reason and
 * *code (HTTP status) set. */
static int resolve_connect(struct conn *k, const char *host, unsigned port, bool is_ip,
			   const char **reason, int *code)
{
	char service[8];
	snprintf(service, sizeof(service), "%u", port);
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV | (is_ip ? AI_NUMERICHOST : 0) };
	struct addrinfo *res = NULL;
	if (getaddrinfo(host, service, &hints, &res) != 0 || !res) {
		*reason = "dns-failed";
		*code = 403;
		return -1;
	}
	struct sockaddr_storage ok[ADDRS_MAX];
	socklen_t oklen[ADDRS_MAX];
	size_t n = 0;
	for (struct addrinfo *a = res; a && n < ADDRS_MAX; a = a->ai_next) {
		if (a->ai_addrlen > sizeof(ok[0]) ||
		    (a->ai_family != AF_INET && a->ai_family != AF_INET6))
			continue;
		memcpy(&ok[n], a->ai_addr, a->ai_addrlen);
		oklen[n] = a->ai_addrlen;
		unmap(&ok[n], &oklen[n]);
		/* Why every address is checked: an allowed name that points
		 * at 127.0.0.1 or 169.254.169.254 would make the proxy a way
		 * into the host's own services (SSRF). */
		if (dom_addr_ok(k->p, (struct sockaddr *)&ok[n], oklen[n]))
			n++;
	}
	freeaddrinfo(res);
	if (!n) {
		*reason = "blocked-private-address";
		*code = 403;
		return -1;
	}
	int e = 0;
	for (size_t i = 0; i < n; i++) {
		int s = connect_timed((struct sockaddr *)&ok[i], oklen[i]);
		if (s >= 0) {
			addr_text((struct sockaddr *)&ok[i], k->d.addr, sizeof(k->d.addr));
			return s;
		}
		e = errno;
	}
	*reason = e == ETIMEDOUT ? "upstream-timeout" : "upstream-connect-failed";
	*code = e == ETIMEDOUT ? 504 : 502;
	return -1;
}

/* Through [network] upstream: CONNECT host:port there, the tunnel's
 * socket or -1. */
static int via_upstream(struct conn *k, const char *host, unsigned port, const char **reason,
			int *code)
{
	char uh[256], req[600], resp[1024];
	unsigned up;
	dom_upstream_split(k->p->net_upstream.val, uh, sizeof(uh), &up);
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
	struct addrinfo *res = NULL;
	char service[8];
	snprintf(service, sizeof(service), "%u", up);
	*reason = "upstream-connect-failed";
	*code = 502;
	if (getaddrinfo(uh, service, &hints, &res) != 0 || !res)
		return -1;
	int s = connect_timed(res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	if (s < 0)
		return -1;
	bool v6 = strchr(host, ':') != NULL;
	int n = snprintf(req, sizeof(req), "CONNECT %s%s%s:%u HTTP/1.1\r\nHost: %s%s%s:%u\r\n\r\n",
			 v6 ? "[" : "", host, v6 ? "]" : "", port, v6 ? "[" : "", host, v6 ? "]" : "",
			 port);
	write_all(s, req, (size_t)n);
	size_t got = 0;
	while (got < sizeof(resp) - 1) {
		ssize_t r = recv(s, resp + got, 1, 0); /* byte by byte: no tunnel data eaten */
		if (r <= 0)
			break;
		got++;
		if (got >= 4 && !memcmp(resp + got - 4, "\r\n\r\n", 4)) {
			resp[got] = '\0';
			if (!strncmp(resp, "HTTP/1.", 7) && !strncmp(resp + 8, " 200", 4))
				return s;
			break;
		}
	}
	close(s);
	return -1;
}

/* Decide host:port (name first), then connect. The socket, or -1 after
 * the refusal was sent (HTTP) or chosen (*socks_code). */
static int open_upstream(struct conn *k, const char *raw_host, unsigned port, bool socks,
			 unsigned char *socks_code)
{
	char host[256];
	bool is_ip;
	const char *reason = NULL;
	int code = 403;
	snprintf(k->d.host, sizeof(k->d.host), "%s", raw_host);
	k->d.port = port;
	if (dom_norm_host(raw_host, strlen(raw_host), host, sizeof(host), &is_ip) < 0) {
		reason = "bad-host";
		code = 400;
	} else {
		snprintf(k->d.host, sizeof(k->d.host), "%s", host);
		enum dom_verdict v = dom_decide(k->p, host, is_ip, port, k->d.rule, sizeof(k->d.rule));
		if (v != DOM_ALLOW)
			reason = dom_reason(v);
	}
	int s = -1;
	if (!reason)
		s = k->p->net_upstream.val ? via_upstream(k, host, port, &reason, &code)
					    : resolve_connect(k, host, port, is_ip, &reason, &code);
	if (s >= 0)
		return s;
	if (socks) {
		*socks_code = code == 403 ? (strcmp(reason, "dns-failed") ? 2 : 4) :
			      code == 504 ? 4 : code == 400 ? 1 : 5;
		k->d.allowed = false;
		snprintf(k->d.reason, sizeof(k->d.reason), "%s", reason);
		report(k);
		socks_reply(k, *socks_code);
		return -1;
	}
	char body[512];
	if (code == 403 && strcmp(reason, "dns-failed") && strcmp(reason, "blocked-private-address"))
		snprintf(body, sizeof(body), "clawshim: %s:%u is not allowed (%s); "
			 "add it to [network] domains\n", k->d.host, port, reason);
	else
		snprintf(body, sizeof(body), "clawshim: %s:%u: %s\n", k->d.host, port, reason);
	http_refuse(k, code, reason, body);
	return -1;
}

/* ---- relay ---- */

struct dir {
	int from, to;
	int pipe[2];
	size_t inpipe, cap;     /* bytes in the pipe, its size */
	bool eof, done;
	uint64_t *count;
};

/* Move what is ready in one direction; false on a hard error. */
static bool pump(struct dir *d)
{
	if (!d->eof && d->inpipe < d->cap) {
		ssize_t n = splice(d->from, NULL, d->pipe[1], NULL, d->cap - d->inpipe,
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n == 0)
			d->eof = true;
		else if (n > 0)
			d->inpipe += (size_t)n;
		else if (errno != EAGAIN && errno != EINTR)
			d->eof = true; /* reset: as an end of stream */
	}
	while (d->inpipe) {
		ssize_t n = splice(d->pipe[0], NULL, d->to, NULL, d->inpipe,
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0) {
			d->inpipe -= (size_t)n;
			*d->count += (uint64_t)n;
		} else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			break;
		} else {
			return false;
		}
	}
	if (d->eof && !d->inpipe && !d->done) {
		/* Half-close: the other side may still answer. */
		shutdown(d->to, SHUT_WR);
		d->done = true;
	}
	return true;
}

/* Relay both ways until both ends closed; no idle timeout (a quiet
 * tunnel - a websocket, an ssh session - stays up). */
static void relay(struct conn *k)
{
	struct dir d[2] = {
		{ k->c, k->up, { -1, -1 }, 0, 0, false, false, &k->d.up },
		{ k->up, k->c, { -1, -1 }, 0, 0, false, false, &k->d.down },
	};
	for (int i = 0; i < 2; i++) {
		if (pipe2(d[i].pipe, O_CLOEXEC | O_NONBLOCK) < 0)
			goto out;
		/* A bigger pipe where allowed; pump() never asks for more than
		 * fits (a smaller one just moves less per call). */
		fcntl(d[i].pipe[1], F_SETPIPE_SZ, PIPE_CHUNK);
		int sz = fcntl(d[i].pipe[1], F_GETPIPE_SZ);
		d[i].cap = sz > 0 ? (size_t)sz : 4096;
	}
	fcntl(k->c, F_SETFL, fcntl(k->c, F_GETFL) | O_NONBLOCK);
	fcntl(k->up, F_SETFL, fcntl(k->up, F_GETFL) | O_NONBLOCK);
	while (!(d[0].done && d[1].done)) {
		struct pollfd pf[2] = { { k->c, 0, 0 }, { k->up, 0, 0 } };
		for (int i = 0; i < 2; i++) {
			short *ev_from = &pf[i].events, *ev_to = &pf[1 - i].events;
			if (!d[i].eof && d[i].inpipe < d[i].cap)
				*ev_from |= POLLIN;
			if (d[i].inpipe)
				*ev_to |= POLLOUT;
		}
		if (poll(pf, 2, -1) < 0 && errno != EINTR)
			break;
		if ((pf[0].revents | pf[1].revents) & POLLNVAL)
			break;
		if (!pump(&d[0]) || !pump(&d[1]))
			break;
		/* A side that hung up with nothing left to read. */
		for (int i = 0; i < 2; i++)
			if ((pf[i].revents & (POLLHUP | POLLERR)) && !(pf[i].revents & POLLIN))
				d[i].eof = true, (void)pump(&d[i]);
	}
out:
	for (int i = 0; i < 2; i++) {
		if (d[i].pipe[0] >= 0)
			close(d[i].pipe[0]);
		if (d[i].pipe[1] >= 0)
			close(d[i].pipe[1]);
	}
}

/* On 443, the ClientHello's server name must be the CONNECT host.
 * Why: on a shared CDN the tunnel to an allowed name could otherwise
 * carry a TLS session to any other site there (domain fronting, its
 * SNI half).  True when the tunnel may go on; k->buf holds what was
 * read (to be forwarded). */
static bool sni_ok(struct conn *k)
{
	char sni[256], norm[256];
	bool is_ip;
	for (;;) {
		int r = proxy_tls_sni(k->buf, k->len, sni, sizeof(sni));
		if (r == 0)
			return true; /* no SNI, or not TLS */
		if (r == 1) {
			if (dom_norm_host(sni, strlen(sni), norm, sizeof(norm), &is_ip) == 0 &&
			    !strcmp(norm, k->d.host))
				return true;
			return false;
		}
		if (r == -1 || k->len >= sizeof(k->buf))
			return false;
		/* Wait for the client, or for a server that speaks first
		 * (then it is not TLS, and nothing is checked). */
		struct pollfd pf[2] = { { k->c, POLLIN, 0 }, { k->up, POLLIN, 0 } };
		if (poll(pf, 2, -1) <= 0)
			return false;
		if (pf[1].revents && !pf[0].revents && !k->len)
			return true;
		if (pf[0].revents && read_more(k, 0) < 0)
			return false;
	}
}

static void serve_tunnel(struct conn *k, const unsigned char *extra, size_t nextra)
{
	k->len = 0;
	if (nextra) {
		memmove(k->buf, extra, nextra);
		k->len = nextra;
	}
	if (k->d.port == 443 && !sni_ok(k)) {
		k->d.allowed = false;
		snprintf(k->d.reason, sizeof(k->d.reason), "sni-mismatch");
		report(k);
		return;
	}
	write_all(k->up, k->buf, k->len);
	k->d.up += k->len;
	k->d.allowed = true;
	relay(k);
	report(k);
}

/* Absolute-form http://: rebuilt as one origin-form request with
 * Connection: close, the Proxy-* and hop-by-hop headers dropped. */
static void serve_plain(struct conn *k, const struct proxy_req *r)
{
	char out[PROXY_HEAD_MAX + 128];
	size_t n = (size_t)snprintf(out, sizeof(out), "%s %.*s HTTP/1.1\r\n", r->method,
				    (int)(r->path_len ? r->path_len : 1),
				    r->path_len ? (const char *)k->buf + r->path_off : "/");
	const char *s = (const char *)k->buf + r->hdr_off, *end = (const char *)k->buf + r->head_len - 2;
	while (s < end) {
		const char *eol = memmem(s, (size_t)(end - s), "\r\n", 2);
		if (!eol)
			break;
		size_t ln = (size_t)(eol - s);
		bool drop = !strncasecmp(s, "proxy-", 6) || !strncasecmp(s, "connection:", 11) ||
			    !strncasecmp(s, "keep-alive:", 11) || !strncasecmp(s, "upgrade:", 8) ||
			    !strncasecmp(s, "te:", 3);
		if (!drop && n + ln + 2 < sizeof(out)) {
			memcpy(out + n, s, ln + 2);
			n += ln + 2;
		}
		s = eol + 2;
	}
	n += (size_t)snprintf(out + n, sizeof(out) - n, "Connection: close\r\n\r\n");
	write_all(k->up, out, n);
	k->d.up += n;
	write_all(k->up, k->buf + r->head_len, k->len - r->head_len);
	k->d.allowed = true;
	relay(k);
	report(k);
}

static void serve_http(struct conn *k)
{
	struct proxy_req r;
	int rc;
	while ((rc = proxy_parse_http((const char *)k->buf, k->len, &r)) == 0)
		if (read_more(k, head_left(k)) < 0)
			return;
	snprintf(k->d.via, sizeof(k->d.via), r.connect ? "connect" : "http");
	if (rc < 0) {
		http_refuse(k, 400, "bad-request", "clawshim: the proxy takes CONNECT host:port "
			    "or an absolute http:// request\n");
		return;
	}
	if (!r.connect && !k->p->net_plain_http.val) {
		snprintf(k->d.host, sizeof(k->d.host), "%s", r.host);
		k->d.port = r.port;
		http_refuse(k, 403, "plain-http-disabled", "clawshim: plain http:// is not allowed "
			    "([network] plain_http); use https\n");
		return;
	}
	if (!r.connect && r.host_hdr[0]) {
		char hh[256], hn[256], un[256];
		unsigned hp = 0;
		bool a, b;
		/* One host per request: the URL's, which was checked. */
		if (proxy_split_authority(r.host_hdr, strlen(r.host_hdr), 80, hh, sizeof(hh), &hp) ||
		    dom_norm_host(hh, strlen(hh), hn, sizeof(hn), &a) ||
		    dom_norm_host(r.host, strlen(r.host), un, sizeof(un), &b) || strcmp(hn, un) ||
		    hp != r.port) {
			http_refuse(k, 400, "host-mismatch", "clawshim: the Host header names "
				    "another host than the URL\n");
			return;
		}
	}
	unsigned char unused;
	k->up = open_upstream(k, r.host, r.port, false, &unused);
	if (k->up < 0)
		return;
	if (r.connect) {
		static const char ok[] = "HTTP/1.1 200 Connection established\r\n\r\n";
		write_all(k->c, ok, sizeof(ok) - 1);
		serve_tunnel(k, k->buf + r.head_len, k->len - r.head_len);
	} else {
		serve_plain(k, &r);
	}
}

static void serve_socks(struct conn *k)
{
	int g;
	snprintf(k->d.via, sizeof(k->d.via), "socks");
	while ((g = proxy_socks_greeting(k->buf, k->len)) == 0)
		if (read_more(k, head_left(k)) < 0)
			return;
	if (g < 0) {
		static const unsigned char no[2] = { 5, 0xff };
		write_all(k->c, no, 2);
		return;
	}
	static const unsigned char yes[2] = { 5, 0 };
	write_all(k->c, yes, 2);
	memmove(k->buf, k->buf + g, k->len - (size_t)g);
	k->len -= (size_t)g;
	struct proxy_req r;
	int n;
	while ((n = proxy_socks_request(k->buf, k->len, &r)) == 0)
		if (read_more(k, head_left(k)) < 0)
			return;
	if (n < 0) {
		socks_reply(k, n == -7 ? 7 : n == -8 ? 8 : 1);
		return;
	}
	unsigned char code;
	k->up = open_upstream(k, r.host, r.port, true, &code);
	if (k->up < 0)
		return;
	socks_reply(k, 0);
	serve_tunnel(k, k->buf + n, k->len - (size_t)n);
}

void proxy_serve_conn(int c, const struct policy *p, int evfd, const struct proxy_reg *reg)
{
	struct conn *k = calloc(1, sizeof(*k));
	if (!k) {
		close(c);
		return;
	}
	k->c = c;
	k->up = -1;
	k->p = p;
	k->evfd = evfd;
	k->d.pid = reg->pid;
	snprintf(k->d.exe, sizeof(k->d.exe), "%s", reg->exe);
	clock_gettime(CLOCK_MONOTONIC, &k->start);
	if (read_more(k, HEAD_TIMEOUT_MS) == 0) {
		if (k->buf[0] == 5)
			serve_socks(k);
		else
			serve_http(k);
	}
	if (k->up >= 0)
		close(k->up);
	close(c);
	free(k);
}
