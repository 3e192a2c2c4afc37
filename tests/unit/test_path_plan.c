/* SPDX-License-Identifier: MIT */
/*
 * test_path_plan.c: the path backend's matcher: which command lines name
 * a denied path after ~, $HOME, relative-path, "..", glob and symlink
 * expansion, and the one-line refusal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../backends/backend.h"

int path_scan(const struct policy *p, char *const *argv, bool shell, const char *cwd,
	      const char *home, struct policy_error *err);

static char T[4096];
static struct policy pol;

static int setup(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/clawshim-path.XXXXXX";
	if (!mkdtemp(tmpl) || !realpath(tmpl, T))
		return -1;
	char *d = xasprintf("%s/home/.ssh", T), *h = xasprintf("%s/home", T);
	char *w = xasprintf("%s/home/ws", T), *l = xasprintf("%s/home/ws/keys", T);
	if (mkdir(h, 0755) || mkdir(d, 0700) || mkdir(w, 0755) || symlink(d, l))
		return -1;
	pol.deny.v = xcalloc(2, sizeof(*pol.deny.v));
	pol.deny.n = pol.deny.cap = 2;
	pol.deny.v[0].path = d;
	pol.deny.v[1].path = NULL; /* an optional deny that does not exist */
	free(h);
	free(w);
	free(l);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", T);
	int r = system(cmd);
	free(cmd);
	free(pol.deny.v[0].path);
	free(pol.deny.v);
	return r;
}

/* 1 when refused, 0 when allowed; the message in msg. */
static int scan(bool shell, char *msg, size_t len, ...)
{
	char *argv[8] = { 0 };
	va_list ap;
	va_start(ap, len);
	for (int i = 0; i < 7 && (argv[i] = va_arg(ap, char *)); i++)
		;
	va_end(ap);
	char *home = xasprintf("%s/home", T), *cwd = xasprintf("%s/home/ws", T);
	struct policy_error err = { { 0 }, { 0 } };
	int rc = path_scan(&pol, argv, shell, cwd, home, &err);
	if (msg)
		snprintf(msg, len, "%s", err.msg);
	free(home);
	free(cwd);
	return rc ? 1 : 0;
}

static void test_argv(void **state)
{
	(void)state;
	char msg[700];
	assert_int_equal(scan(false, msg, sizeof(msg), "cat", "~/.ssh/id_rsa", NULL), 1);
	char *want = xasprintf("backend path: argument 1 '~/.ssh/id_rsa' names the denied path %s/home/.ssh", T);
	assert_string_equal(msg, want);
	free(want);
	assert_int_equal(scan(false, NULL, 0, "cat", "../.ssh/id_rsa", NULL), 1);
	assert_int_equal(scan(false, NULL, 0, "cat", "./../ws/../.ssh", NULL), 1);
	assert_int_equal(scan(false, NULL, 0, "cat", "$HOME/.ssh", NULL), 1);
	assert_int_equal(scan(false, NULL, 0, "cat", "${HOME}/.ssh/", NULL), 1);
	assert_int_equal(scan(false, NULL, 0, "tool", "--key=~/.ssh/id_ed25519", NULL), 1);
	assert_int_equal(scan(false, NULL, 0, "cat", "keys/id_rsa", NULL), 1);  /* a symlink in */
	assert_int_equal(scan(false, NULL, 0, "cat", "~/.ss*/id_rsa", NULL), 1); /* a glob */
	/* Ordinary work, and names that only look alike. */
	assert_int_equal(scan(false, NULL, 0, "make", "-j4", "test", NULL), 0);
	assert_int_equal(scan(false, NULL, 0, "cat", "~/.sshrc", "~/.ssh.txt", NULL), 0);
	assert_int_equal(scan(false, NULL, 0, "ls", "..", NULL), 0); /* an ancestor only */
}

static void test_shell(void **state)
{
	(void)state;
	char msg[700];
	assert_int_equal(scan(true, msg, sizeof(msg), "/bin/sh", "-c",
			      "cd /tmp && cat ~/.ssh/id_rsa | base64", NULL), 1);
	char *want = xasprintf("backend path: argument 2 'cd /tmp && cat ~/.ssh/id_rsa | base64' "
			       "names the denied path %s/home/.ssh (as '~/.ssh/id_rsa')", T);
	assert_string_equal(msg, want);
	free(want);
	assert_int_equal(scan(true, NULL, 0, "/bin/sh", "-c", "x=\"$HOME/.ssh\"; cat $x/k", NULL), 1);
	assert_int_equal(scan(true, NULL, 0, "/bin/sh", "-c", "tar c <~/.ssh/id_rsa", NULL), 1);
	assert_int_equal(scan(true, NULL, 0, "/bin/sh", "-c", "cat '../.ssh/config'", NULL), 1);
	assert_int_equal(scan(true, NULL, 0, "/bin/sh", "-c", "make test && echo ok", NULL), 0);
	/* The shell itself is not an argument to scan. */
	assert_int_equal(scan(true, NULL, 0, "/bin/sh", "-c", "true", NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_argv),
		cmocka_unit_test(test_shell),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
