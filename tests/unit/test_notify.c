/* SPDX-License-Identifier: MIT */
/*
 * test_notify.c: the seccomp-notify supervisor's pure parts: the rules a
 * policy gives, the metadata and unix-connect decisions (component-wise,
 * deny inside writable), and the filter rules notify_add_rules() adds.
 * The end-to-end check (a real filter, a real supervisor) is
 * tests/helpers/notify_probe.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../common.h"
#include "../../policy/policy.h"
#include "../../process/notify.h"

/* A temp dir T (canonical) with T/ws, T/rw, T/ws/secret, T/ws/.git/hooks. */
static char T[PATH_MAX];

static char *tp(const char *rel)
{
	return xasprintf("%s/%s", T, rel);
}

static void add(struct pol_list *l, char *path)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	l->v[l->n].path = path; /* NULL: an absent optional path */
	l->v[l->n].raw = xstrdup(path ? path : "?absent");
	l->n++;
}

static void free_list(struct pol_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].raw);
	}
	free(l->v);
}

/* The policy policy_resolve() would give; built by hand so this test
 * needs only notify.c (and util.c). */
static void fake_policy(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	p->workspace.val = tp("ws");
	add(&p->read_write, tp("rw"));
	add(&p->read_write, NULL);
	add(&p->deny, tp("ws/secret"));
	add(&p->deny_write, tp("ws/.git/hooks"));
	add(&p->deny_write, tp("rw/keep.txt"));
	add(&p->files, tp("ws/.clawshim.ini"));
	add(&p->unix_sockets, tp("agent.sock"));
	add(&p->unix_sockets, NULL);
}

static void free_fake(struct policy *p)
{
	free(p->workspace.val);
	free_list(&p->read_write);
	free_list(&p->deny);
	free_list(&p->deny_write);
	free_list(&p->files);
	free_list(&p->unix_sockets);
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/clawshim-notify-XXXXXX";
	(void)state;
	if (!mkdtemp(tmpl) || !realpath(tmpl, T))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return rmdir(T);
}

static void test_inside(void **state)
{
	static const struct {
		const char *path, *root;
		bool inside;
	} cases[] = {
		{"/work/a", "/work/a", true},
		{"/work/a/b", "/work/a", true},
		{"/work/a/b/c", "/work/a/", true},
		{"/work/ab", "/work/a", false},
		{"/work/a.b", "/work/a", false},
		{"/work", "/work/a", false},
		{"/", "/", true},
		{"/anything/at/all", "/", true},
		{"/", "/work", false},
		{"work/a", "/work", false},     /* relative: never canonical */
		{"/work/a", "work", false},
		{"/work/a/", "/work/a", true},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		if (notify_path_inside(cases[i].path, cases[i].root) != cases[i].inside)
			fail_msg("inside(%s, %s) should be %d", cases[i].path,
				 cases[i].root, cases[i].inside);
	}
}

static void test_rules_from_policy(void **state)
{
	struct policy p;
	struct notify_rules r;
	(void)state;

	fake_policy(&p);
	notify_rules_init(&r, &p);
	/* NULL (absent optional) items are skipped. */
	assert_int_equal(r.nwritable, 2);
	assert_int_equal(r.ndeny, 4);
	assert_int_equal(r.nunix, 1);
	assert_string_equal(r.writable[0], p.workspace.val);
	notify_rules_free(&r);
	assert_null(r.writable);
	free_fake(&p);

	/* No workspace, nothing writable: every change refused. */
	struct policy empty;
	memset(&empty, 0, sizeof(empty));
	notify_rules_init(&r, &empty);
	assert_false(notify_may_change_meta(&r, "/tmp/x"));
	assert_false(notify_may_connect(&r, "/tmp/x"));
	notify_rules_free(&r);
}

static void test_may_change_meta(void **state)
{
	static const struct {
		const char *rel;  /* under T; NULL entries are absolute below */
		bool ok;
	} cases[] = {
		{"ws", true},
		{"ws/a.c", true},
		{"ws/src/deep/x", true},
		{"wsx", false},             /* string prefix, not a component */
		{"ws2/a", false},
		{"rw/f", true},
		{"rw", true},
		{"rw/keep.txt", false},     /* deny_write file inside read_write */
		{"rw/keep.txt.bak", true},
		{"ws/secret", false},       /* deny inside the workspace */
		{"ws/secret/id_rsa", false},
		{"ws/secretx", true},
		{"ws/.git/hooks", false},   /* deny_write inside the workspace */
		{"ws/.git/hooks/pre-commit", false},
		{"ws/.git/hooksx", true},
		{"ws/.git/config", true},
		{"ws/.clawshim.ini", false}, /* the policy file in use */
		{"other", false},
		{"", false},                /* T itself: parent of the roots */
	};
	struct policy p;
	struct notify_rules r;
	(void)state;

	fake_policy(&p);
	notify_rules_init(&r, &p);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *path = cases[i].rel[0] ? tp(cases[i].rel) : xstrdup(T);
		if (notify_may_change_meta(&r, path) != cases[i].ok)
			fail_msg("may_change_meta(%s) should be %d", path, cases[i].ok);
		free(path);
	}
	assert_false(notify_may_change_meta(&r, "/"));
	assert_false(notify_may_change_meta(&r, "/etc/passwd"));
	assert_false(notify_may_change_meta(&r, "ws/a.c"));
	assert_false(notify_may_change_meta(&r, "socket:[1234]"));
	assert_false(notify_may_change_meta(&r, NULL));
	notify_rules_free(&r);
	free_fake(&p);
}

static void test_root_writable(void **state)
{
	/* read_write = / with a deny: everything but the deny. */
	struct policy p;
	struct notify_rules r;
	(void)state;

	memset(&p, 0, sizeof(p));
	add(&p.read_write, xstrdup("/"));
	add(&p.deny, xstrdup("/home/u/.ssh"));
	notify_rules_init(&r, &p);
	assert_true(notify_may_change_meta(&r, "/"));
	assert_true(notify_may_change_meta(&r, "/usr/bin/ls"));
	assert_true(notify_may_change_meta(&r, "/home/u/.sshx"));
	assert_false(notify_may_change_meta(&r, "/home/u/.ssh"));
	assert_false(notify_may_change_meta(&r, "/home/u/.ssh/id_rsa"));
	notify_rules_free(&r);
	free_list(&p.read_write);
	free_list(&p.deny);
}

static void test_may_connect(void **state)
{
	struct policy p;
	struct notify_rules r;
	char *ok, *s;
	(void)state;

	fake_policy(&p);
	notify_rules_init(&r, &p);
	ok = tp("agent.sock");
	assert_true(notify_may_connect(&r, ok));
	static const char *const no[] = {
		"agent.soc", "agent.sock2", "agent.sock/x", "agent", "ws/agent.sock",
	};
	for (size_t i = 0; i < ARRAY_LEN(no); i++) {
		s = tp(no[i]);
		if (notify_may_connect(&r, s))
			fail_msg("may_connect(%s) should be false", s);
		free(s);
	}
	assert_false(notify_may_connect(&r, "agent.sock"));
	assert_false(notify_may_connect(&r, "/var/run/docker.sock"));
	assert_false(notify_may_connect(&r, ""));
	assert_false(notify_may_connect(&r, NULL));
	/* Writable is not connectable, and connectable is not writable. */
	s = tp("ws/a.sock");
	assert_false(notify_may_connect(&r, s));
	assert_false(notify_may_change_meta(&r, ok));
	free(s);
	free(ok);
	notify_rules_free(&r);
	free_fake(&p);
}

/* The rules added to a filter, as libseccomp prints them. */
static char *pfc(unsigned what)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int fd = memfd_create("pfc", 0);
	char *buf = xcalloc(1, 1 << 16);
	ssize_t n;

	assert_non_null(ctx);
	assert_true(fd >= 0);
	assert_int_equal(notify_add_rules(ctx, what), 0);
	assert_int_equal(seccomp_export_pfc(ctx, fd), 0);
	n = pread(fd, buf, (1 << 16) - 1, 0);
	assert_true(n > 0);
	close(fd);
	seccomp_release(ctx);
	return buf;
}

/* Is `name` given action `act` in the PFC text? */
static bool has_rule(const char *text, const char *name, const char *act)
{
	char *key = xasprintf("filter for syscall \"%s\"", name);
	const char *at = strstr(text, key), *next;
	bool ok = false;

	if (at) {
		next = strstr(at + strlen(key), "filter for syscall");
		const char *a = strstr(at, act);
		ok = a && (!next || a < next);
	}
	free(key);
	return ok;
}

static void test_add_rules(void **state)
{
	static const char *const meta[] = {
		"chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "fchown",
		"lchown", "fchownat", "utime", "utimes", "futimesat", "utimensat",
		"setxattr", "lsetxattr", "fsetxattr", "removexattr",
		"lremovexattr", "fremovexattr",
	};
	static const char *const net[] = {"connect", "sendto", "sendmsg", "sendmmsg", "listen"};
	const char *notify = "action 0x7fc00000"; /* SCMP_ACT_NOTIFY */
	char *all, *m, *u;
	(void)state;

	all = pfc(NOTIFY_META | NOTIFY_UNIX);
	m = pfc(NOTIFY_META);
	u = pfc(NOTIFY_UNIX);
	for (size_t i = 0; i < ARRAY_LEN(meta); i++) {
		if (!has_rule(all, meta[i], notify) || !has_rule(m, meta[i], notify))
			fail_msg("%s is not notified", meta[i]);
		if (strstr(u, meta[i]) && has_rule(u, meta[i], notify))
			fail_msg("%s notified for NOTIFY_UNIX only", meta[i]);
	}
	for (size_t i = 0; i < ARRAY_LEN(net); i++) {
		if (!has_rule(all, net[i], notify) || !has_rule(u, net[i], notify))
			fail_msg("%s is not notified", net[i]);
		if (has_rule(m, net[i], notify))
			fail_msg("%s notified for NOTIFY_META only", net[i]);
	}
	/* sendto only with a destination address (arg 4) and length (arg 5). */
	assert_non_null(strstr(u, "$a4"));
	assert_non_null(strstr(u, "$a5"));
	/* Not emulated: ENOSYS. 463 setxattrat, 466 removexattrat, 469
	 * file_setattr; io_uring (no syscall to notify). */
	assert_non_null(strstr(m, "($syscall == 463)"));
	assert_non_null(strstr(m, "($syscall == 466)"));
	assert_non_null(strstr(m, "($syscall == 469)"));
	assert_true(has_rule(all, "io_uring_setup", "action ERRNO(38)"));
	assert_true(has_rule(u, "io_uring_setup", "action ERRNO(38)"));
	free(all);
	free(m);
	free(u);

	/* Nothing asked, nothing added. */
	char *none = pfc(0);
	assert_null(strstr(none, "filter for syscall"));
	free(none);
}

/* The port rules the supervisor applies to the inet connects it performs
 * for the command: Landlock's, from connect_tcp; allow = all: anything. */
static void test_may_connect_inet(void **state)
{
	struct policy p;
	struct notify_rules r;
	struct pol_item port = {.num = 443};
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(443)};
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons(443)};
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	struct sockaddr unspec = {.sa_family = AF_UNSPEC};
	(void)state;

	memset(&p, 0, sizeof(p));
	p.connect_tcp = (struct pol_list){&port, 1, 1};
	notify_rules_init(&r, &p);
	assert_true(notify_may_connect_inet(&r, &in, sizeof(in)));
	assert_true(notify_may_connect_inet(&r, &in6, sizeof(in6)));
	assert_true(notify_may_connect_inet(&r, &unspec, sizeof(unspec)));
	in.sin_port = htons(80);
	in6.sin6_port = htons(4430);
	assert_false(notify_may_connect_inet(&r, &in, sizeof(in)));
	assert_false(notify_may_connect_inet(&r, &in6, sizeof(in6)));
	/* Another family on a socket that is not AF_UNIX: refused. */
	assert_false(notify_may_connect_inet(&r, &un, sizeof(un)));
	/* Too short to hold a port: the kernel refuses it (EINVAL). */
	assert_true(notify_may_connect_inet(&r, &in, 4));
	notify_rules_free(&r);

	/* No port at all (bind_tcp only, or a socket passed in from
	 * outside under allow = none): nothing. */
	memset(&p, 0, sizeof(p));
	notify_rules_init(&r, &p);
	in.sin_port = htons(443);
	assert_false(notify_may_connect_inet(&r, &in, sizeof(in)));
	notify_rules_free(&r);

	p.net_all.val = true;
	notify_rules_init(&r, &p);
	assert_true(notify_may_connect_inet(&r, &in, sizeof(in)));
	assert_true(notify_may_connect_inet(&r, &un, sizeof(un)));
	notify_rules_free(&r);
}

/* listen() on an inet socket: only on a bind_tcp port, never unbound
 * (port 0: the kernel would bind an ephemeral port past Landlock). */
static void test_may_listen_inet(void **state)
{
	struct policy p;
	struct notify_rules r;
	struct pol_item conn = {.num = 8080}, bind = {.num = 18000};
	(void)state;

	memset(&p, 0, sizeof(p));
	p.connect_tcp = (struct pol_list){&conn, 1, 1};
	notify_rules_init(&r, &p);
	assert_false(notify_may_listen_inet(&r, 0));
	assert_false(notify_may_listen_inet(&r, 8080)); /* a connect port is no bind port */
	assert_false(notify_may_listen_inet(&r, 18000));
	notify_rules_free(&r);

	p.bind_tcp = (struct pol_list){&bind, 1, 1};
	notify_rules_init(&r, &p);
	assert_false(notify_may_listen_inet(&r, 0));
	assert_true(notify_may_listen_inet(&r, 18000));
	assert_false(notify_may_listen_inet(&r, 18001));
	notify_rules_free(&r);

	memset(&p, 0, sizeof(p));
	p.net_all.val = true;
	notify_rules_init(&r, &p);
	assert_true(notify_may_listen_inet(&r, 0));
	notify_rules_free(&r);
}

static bool dom_ok(const struct notify_rules *r, const char *a, unsigned port)
{
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port) };
	if (inet_pton(AF_INET, a, &in.sin_addr) == 1)
		return notify_may_connect_inet(r, &in, sizeof(in));
	assert_int_equal(inet_pton(AF_INET6, a, &in6.sin6_addr), 1);
	return notify_may_connect_inet(r, &in6, sizeof(in6));
}

/* allow = domains: the proxy's exact address, loopback connect_tcp ports. */
static void test_may_connect_domains(void **state)
{
	(void)state;
	struct policy p;
	struct notify_rules r;
	struct pol_item port = { .raw = (char *)"5432", .num = 5432 };
	memset(&p, 0, sizeof(p));
	p.connect_tcp = (struct pol_list){&port, 1, 1};
	p.net_domains.val = true;
	notify_rules_init(&r, &p);
	r.domains = true;
	r.proxy_port = 3128;
	assert_true(dom_ok(&r, "127.0.0.1", 3128));
	assert_true(dom_ok(&r, "::ffff:127.0.0.1", 3128));
	assert_false(dom_ok(&r, "127.0.0.2", 3128));
	assert_false(dom_ok(&r, "::ffff:127.0.0.2", 3128));
	assert_false(dom_ok(&r, "::1", 3128));
	assert_false(dom_ok(&r, "10.0.0.1", 3128));
	assert_false(dom_ok(&r, "127.0.0.1", 3129));
	/* connect_tcp is loopback only in this mode. */
	assert_true(dom_ok(&r, "127.0.0.1", 5432));
	assert_true(dom_ok(&r, "127.9.9.9", 5432));
	assert_true(dom_ok(&r, "::1", 5432));
	assert_true(dom_ok(&r, "::ffff:127.0.0.5", 5432));
	assert_false(dom_ok(&r, "192.168.1.1", 5432));
	assert_false(dom_ok(&r, "::ffff:10.0.0.1", 5432));
	assert_false(dom_ok(&r, "2606:4700::1", 5432));
	notify_rules_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_may_connect_domains),
		cmocka_unit_test(test_inside),
		cmocka_unit_test(test_rules_from_policy),
		cmocka_unit_test(test_may_change_meta),
		cmocka_unit_test(test_root_writable),
		cmocka_unit_test(test_may_connect),
		cmocka_unit_test(test_may_connect_inet),
		cmocka_unit_test(test_may_listen_inet),
		cmocka_unit_test(test_add_rules),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
