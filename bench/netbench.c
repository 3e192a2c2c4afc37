// SPDX-License-Identifier: MIT
/*
 * netbench: the allow = domains figures of `make bench` (bench/domains.sh),
 * loopback only.
 *
 *   netbench serve PORTFILE            accept; "c" closes, "s" sends SINK_MB
 *   netbench connect N HOST PORT       median/p90 of N connects (+ one byte
 *                                      round trip), direct
 *   netbench tunnel N HOST PORT        the same through $CLAWSHIM_PROXY
 *                                      (CONNECT, 200, round trip)
 *   netbench bulk MB HOST PORT [tunnel]  MB/s of a bulk download
 *   netbench many N HOST PORT          N tunnels open at once, then all used
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int dial(const char *host, unsigned port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
	inet_pton(AF_INET, host, &a.sin_addr);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("connect");
		exit(1);
	}
	int one = 1;
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return s;
}

static unsigned proxy_port(void)
{
	const char *u = getenv("CLAWSHIM_PROXY");
	unsigned p = 0;
	if (!u || sscanf(u, "http://127.0.0.1:%u", &p) != 1) {
		fprintf(stderr, "netbench: no CLAWSHIM_PROXY\n");
		exit(1);
	}
	return p;
}

/* A tunnel to host:port through the proxy, after its 200. */
static int tunnel(const char *host, unsigned port)
{
	int s = dial("127.0.0.1", proxy_port());
	char req[256], c;
	int n = snprintf(req, sizeof(req), "CONNECT %s:%u HTTP/1.1\r\n\r\n", host, port);
	if (write(s, req, (size_t)n) != n)
		exit(1);
	/* clawshim's proxy answers exactly this; read it in one go. */
	static const char ok[] = "HTTP/1.1 200 Connection established\r\n\r\n";
	char head[sizeof(ok)];
	size_t hn = 0;
	(void)c;
	while (hn < sizeof(ok) - 1) {
		ssize_t r = read(s, head + hn, sizeof(ok) - 1 - hn);
		if (r <= 0)
			break;
		hn += (size_t)r;
	}
	if (hn != sizeof(ok) - 1 || memcmp(head, ok, hn)) {
		fprintf(stderr, "netbench: tunnel refused\n");
		exit(1);
	}
	return s;
}

static void *serve_one(void *arg)
{
	int c = (int)(long)arg;
	char cmd;
	if (read(c, &cmd, 1) == 1) {
		if (cmd == 's') {
			static char buf[1 << 16];
			long mb = atol(getenv("SINK_MB") ? getenv("SINK_MB") : "1000");
			for (long i = 0; i < mb * 16; i++)
				if (write(c, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
					break;
		} else {
			(void)!write(c, "k", 1);
		}
	}
	close(c);
	return NULL;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "serve")) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t len = sizeof(a);
		int l = socket(AF_INET, SOCK_STREAM, 0);
		if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1024) ||
		    getsockname(l, (struct sockaddr *)&a, &len))
			return 1;
		FILE *f = fopen(argv[2], "w");
		fprintf(f, "%u\n", ntohs(a.sin_port));
		fclose(f);
		for (;;) {
			int c = accept(l, NULL, NULL);
			pthread_t t;
			if (c >= 0 && pthread_create(&t, NULL, serve_one, (void *)(long)c) == 0)
				pthread_detach(t);
		}
	}
	if (argc < 5)
		return 2;
	const char *mode = argv[1], *host = argv[3];
	long n = atol(argv[2]);
	unsigned port = (unsigned)atoi(argv[4]);
	if (!strcmp(mode, "connect") || !strcmp(mode, "tunnel")) {
		double *t = calloc((size_t)n, sizeof(double));
		char c;
		for (long i = 0; i < n; i++) {
			double t0 = now();
			int s = !strcmp(mode, "tunnel") ? tunnel(host, port) : dial(host, port);
			if (write(s, "c", 1) != 1 || read(s, &c, 1) != 1)
				return 1;
			t[i] = now() - t0;
			close(s);
		}
		qsort(t, (size_t)n, sizeof(double), cmp_d);
		printf("%s: median %.1f us, p90 %.1f us (n=%ld)\n", mode, t[n / 2] * 1e6,
		       t[n * 9 / 10] * 1e6, n);
		return 0;
	}
	if (!strcmp(mode, "bulk")) {
		int s = argc > 5 ? tunnel(host, port) : dial(host, port);
		static char buf[1 << 16];
		double t0 = now(), total = 0;
		if (write(s, "s", 1) != 1)
			return 1;
		ssize_t r;
		while ((r = read(s, buf, sizeof(buf))) > 0)
			total += (double)r;
		double dt = now() - t0;
		printf("bulk%s: %.0f MB in %.3f s = %.0f MB/s\n", argc > 5 ? " (tunnel)" : "",
		       total / 1048576, dt, total / 1048576 / dt);
		return total == (double)n * 1048576 ? 0 : 1;
	}
	if (!strcmp(mode, "many")) {
		int *s = calloc((size_t)n, sizeof(int));
		double t0 = now();
		for (long i = 0; i < n; i++)
			s[i] = tunnel(host, port);
		long good = 0;
		char c;
		for (long i = 0; i < n; i++)
			good += write(s[i], "c", 1) == 1 && read(s[i], &c, 1) == 1;
		printf("many: %ld of %ld tunnels open at once worked (%.1f ms)\n", good, n,
		       (now() - t0) * 1e3);
		return good == n ? 0 : 1;
	}
	return 2;
}
