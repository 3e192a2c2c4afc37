/* SPDX-License-Identifier: MIT */
/*
 * proxy_client.c: what the command is given to find the egress proxy -
 * the proxy variables in every spelling tools read - and `clawshim
 * connect HOST PORT`, the CONNECT client ssh uses as its ProxyCommand.
 */
#include "proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../common.h"
#include "../policy/domains.h"
#include "process.h"

/* The names we set; an inherited value (a corporate proxy, a proxy with
 * a token in it) is replaced, never kept beside ours. */
static const char *const proxy_names[] = {
	"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
	"no_proxy", "NO_PROXY", "npm_config_proxy", "npm_config_https_proxy",
	"NPM_CONFIG_PROXY", "NPM_CONFIG_HTTPS_PROXY", "YARN_HTTP_PROXY", "YARN_HTTPS_PROXY",
	"PIP_PROXY", "CARGO_HTTP_PROXY", "NODE_USE_ENV_PROXY", "CLAWSHIM_PROXY",
	"GIT_SSH_COMMAND", "ftp_proxy", "FTP_PROXY", "RSYNC_PROXY", "GRPC_PROXY", "grpc_proxy",
	"BUNDLE_HTTP_PROXY", "BUNDLE_HTTPS_PROXY",
};

static bool named(const char *entry, const char *name)
{
	size_t n = strlen(name);
	return !strncmp(entry, name, n) && entry[n] == '=';
}

static const char *value_of(struct strv *env, const char *name)
{
	for (size_t i = 0; i < env->n; i++)
		if (named(env->v[i], name))
			return env->v[i] + strlen(name) + 1;
	return NULL;
}

/* Remove name from env (the vector stays NULL-terminated). */
static void drop(struct strv *env, const char *name)
{
	size_t j = 0;
	for (size_t i = 0; i < env->n; i++) {
		if (named(env->v[i], name))
			free(env->v[i]);
		else
			env->v[j++] = env->v[i];
	}
	env->n = j;
	if (env->v)
		env->v[j] = NULL;
}

void env_add_proxy(struct strv *env, const struct policy *p, unsigned port, const char *self)
{
	char url[64];
	/* 127.0.0.1, never "localhost": a client trying ::1 first finds
	 * nothing there (the proxy listens on IPv4 only). */
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", port);
	char *java = NULL, *git_count = NULL;
	const char *jv = value_of(env, "JAVA_TOOL_OPTIONS"), *gc = value_of(env, "GIT_CONFIG_COUNT");
	java = xasprintf("JAVA_TOOL_OPTIONS=%s%s-Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort=%u "
			 "-Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort=%u "
			 "-Dhttp.nonProxyHosts=localhost|127.0.0.1", jv ? jv : "", jv ? " " : "",
			 port, port);
	long n = gc ? strtol(gc, NULL, 10) : 0;
	if (n < 0 || n > 1000)
		n = 0;
	for (size_t i = 0; i < ARRAY_LEN(proxy_names); i++)
		drop(env, proxy_names[i]);
	drop(env, "JAVA_TOOL_OPTIONS");
	drop(env, "GIT_CONFIG_COUNT");
	static const char *const urls[] = {
		"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
		"npm_config_proxy", "npm_config_https_proxy", "YARN_HTTP_PROXY", "YARN_HTTPS_PROXY",
		"PIP_PROXY", "CARGO_HTTP_PROXY", "CLAWSHIM_PROXY",
	};
	for (size_t i = 0; i < ARRAY_LEN(urls); i++)
		strv_pushf(env, "%s=%s", urls[i], url);
	/* Loopback only: a listed allowed host would be reached directly,
	 * where the sandbox refuses it (nono#760). */
	strv_pushf(env, "no_proxy=localhost,127.0.0.1,::1");
	strv_pushf(env, "NO_PROXY=localhost,127.0.0.1,::1");
	strv_pushf(env, "NODE_USE_ENV_PROXY=1");
	strv_push(env, java);
	/* git: http.proxy beats a ~/.gitconfig proxy; appended to any
	 * GIT_CONFIG_* the caller passed. */
	git_count = xasprintf("GIT_CONFIG_COUNT=%ld", n + 1);
	strv_push(env, git_count);
	strv_pushf(env, "GIT_CONFIG_KEY_%ld=http.proxy", n);
	strv_pushf(env, "GIT_CONFIG_VALUE_%ld=%s", n, url);
	if (dom_any_ssh(p))
		strv_pushf(env, "GIT_SSH_COMMAND=ssh -o ControlMaster=no -o ControlPath=none "
			   "-o ProxyCommand='%s connect %%h %%p'", self);
}

/* ---- clawshim connect ---- */

static int fail(const char *what, const char *a)
{
	fprintf(stderr, "clawshim connect: %s%s\n", what, a);
	return 1;
}

/* stdin -> s and s -> stdout until s closes; stdin's end half-closes. */
static int relay_stdio(int s)
{
	char buf[65536];
	bool in_open = true;
	for (;;) {
		struct pollfd pf[2] = { { in_open ? 0 : -1, POLLIN, 0 }, { s, POLLIN, 0 } };
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (pf[0].revents) {
			ssize_t n = read(0, buf, sizeof(buf));
			if (n <= 0) {
				in_open = false;
				shutdown(s, SHUT_WR);
			} else if (send(s, buf, (size_t)n, MSG_NOSIGNAL) != n) {
				return 1;
			}
		}
		if (pf[1].revents) {
			ssize_t n = recv(s, buf, sizeof(buf), 0);
			if (n <= 0)
				return 0;
			for (ssize_t off = 0; off < n;) {
				ssize_t w = write(1, buf + off, (size_t)(n - off));
				if (w <= 0)
					return 1;
				off += w;
			}
		}
	}
}

int proxy_connect_main(int argc, char **argv)
{
	if (argc != 4)
		return fail("usage: clawshim connect HOST PORT", "");
	const char *url = getenv("CLAWSHIM_PROXY");
	unsigned port = 0;
	if (!url || sscanf(url, "http://127.0.0.1:%u", &port) != 1 || !port || port > 65535)
		return fail("CLAWSHIM_PROXY is not set: run inside clawshim with "
			    "[network] allow = domains", "");
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		return fail("cannot reach the proxy: ", strerror(errno));
	const char *host = argv[2];
	bool v6 = strchr(host, ':') != NULL;
	char req[640];
	int n = snprintf(req, sizeof(req), "CONNECT %s%s%s:%s HTTP/1.1\r\nHost: %s%s%s:%s\r\n\r\n",
			 v6 ? "[" : "", host, v6 ? "]" : "", argv[3], v6 ? "[" : "", host,
			 v6 ? "]" : "", argv[3]);
	if (n <= 0 || (size_t)n >= sizeof(req) || send(s, req, (size_t)n, MSG_NOSIGNAL) != n)
		return fail("cannot send the request for ", host);
	char head[4096];
	size_t got = 0;
	/* Byte by byte: what follows the head is the server's. */
	while (got < sizeof(head) - 1 && recv(s, head + got, 1, 0) == 1) {
		got++;
		if (got >= 4 && !memcmp(head + got - 4, "\r\n\r\n", 4))
			break;
	}
	head[got] = '\0';
	if (strncmp(head, "HTTP/1.", 7) || strncmp(head + 8, " 200", 4)) {
		char *body = strstr(head, "\r\n\r\n"), *eol = strstr(head, "\r\n");
		if (eol)
			*eol = '\0';
		char *why = eol ? strcasestr(eol + 2, "X-Proxy-Error: ") : NULL;
		if (why) {
			why += 15;
			why[strcspn(why, "\r")] = '\0';
		}
		(void)body;
		fprintf(stderr, "clawshim connect: %s:%s refused by the proxy: %s\n", host, argv[3],
			why ? why : (head[0] ? head : "no answer"));
		return 1;
	}
	return relay_stdio(s);
}
