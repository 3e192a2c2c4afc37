/* SPDX-License-Identifier: MIT */
/*
 * test_firejail_plan.c: the firejail argv planned for hand-made policies
 * over a temporary tree, compared with an exact expected command line;
 * refusals (ports, unix sockets, expandable paths, argc).
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
#include "../../backends/seccomp.h"
#include "testutil.h"

int firejail_plan_as(const struct policy *p, const struct command *cmd, struct plan *out,
		     struct policy_error *err, uid_t uid, const char *firejail);

static char T[4096];
static struct policy pol;

static struct pol_item *push(struct pol_list *l, const char *rel)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	l->v[l->n].raw = xstrdup(rel ? rel : "");
	l->v[l->n].path = !rel ? NULL : rel[0] == '/' ? xstrdup(rel) : xasprintf("%s/%s", T, rel);
	return &l->v[l->n++];
}

static int tree_setup(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/clawshim-fj.XXXXXX";
	if (!mkdtemp(tmpl) || !realpath(tmpl, T))
		return -1;
	const char *dirs[] = { "h", "h/ws", "h/ws/.git", "h/.ssh", "h/other" };
	for (size_t i = 0; i < ARRAY_LEN(dirs); i++) {
		char *p = xasprintf("%s/%s", T, dirs[i]);
		if (mkdir(p, 0755))
			return -1;
		free(p);
	}
	char *l = xasprintf("%s/h/link", T);
	int r = symlink("ws", l);
	free(l);
	return r;
}

static int tree_teardown(void **state)
{
	(void)state;
	return tu_rm_rf(T);
}

static void pol_clear(void)
{
	struct pol_list *ls[] = { &pol.read_write, &pol.read_only, &pol.deny, &pol.deny_write,
				  &pol.no_exec, &pol.connect_tcp, &pol.bind_tcp, &pol.unix_sockets,
				  &pol.files };
	for (size_t k = 0; k < ARRAY_LEN(ls); k++) {
		for (size_t i = 0; i < ls[k]->n; i++) {
			free(ls[k]->v[i].raw);
			free(ls[k]->v[i].path);
		}
		free(ls[k]->v);
	}
	free(pol.workspace.val);
	memset(&pol, 0, sizeof(pol));
}

/* The argv from index `from`, joined by spaces, T replaced by "T". */
static char *joined(const struct plan *pl, size_t from)
{
	size_t n = 1;
	for (size_t i = from; i < pl->wrapper.n; i++)
		n += strlen(pl->wrapper.v[i]) + 1;
	char *s = xcalloc(1, n), *o = s;
	for (size_t i = from; i < pl->wrapper.n; i++) {
		const char *a = pl->wrapper.v[i];
		for (const char *t; (t = strstr(a, T));) {
			memcpy(o, a, (size_t)(t - a));
			o += t - a;
			*o++ = 'T';
			a = t + strlen(T);
		}
		o = stpcpy(o, a);
		if (i + 1 < pl->wrapper.n)
			*o++ = ' ';
	}
	return s;
}

#define FIXED "--quiet --noprofile --deterministic-exit-code --deterministic-shutdown " \
	"--nonewprivs --seccomp.block-secondary --restrict-namespaces --keep-var-tmp --caps.drop=all "

static void test_workspace_in_home(void **state)
{
	(void)state;
	pol.workspace.val = xasprintf("%s/h/ws", T);
	push(&pol.read_only, "/proc");
	push(&pol.read_only, "/usr");
	push(&pol.read_only, NULL);
	push(&pol.deny, "h/.ssh");
	push(&pol.deny, "h/ws/.git/secret"); /* inside the workspace */
	push(&pol.deny_write, "h/ws/.git");
	push(&pol.no_exec, "h/ws");
	char *argv[] = { "make", "test", NULL };
	struct command cmd = { .argv = argv };
	struct plan pl = { 0 };
	struct policy_error err = { { 0 }, { 0 } };
	assert_int_equal(firejail_plan_as(&pol, &cmd, &pl, &err, 0, "/usr/bin/firejail"), 0);
	/* Root loads clawshim's TIOCSTI/TIOCLINUX filter before firejail. */
	assert_int_equal(pl.setup, SETUP_FILTER);
	assert_int_equal(pl.seccomp, SC_TTY | SC_NOSUID);
	assert_string_equal(pl.wrapper.v[0], "/usr/bin/firejail");
	char *got = joined(&pl, 1);
	/* The seccomp list is long: checked apart. */
	char *sc = strstr(got, "--seccomp=");
	assert_non_null(sc);
	assert_non_null(strstr(sc, "--seccomp=setsid,mount,"));
	assert_non_null(strstr(sc, ",remap_file_pages "));
	char *end = strchr(sc, ' ');
	memmove(sc, end + 1, strlen(end + 1) + 1);
	/* As root every directory above a grant is writable: read-only from
	 * /; for another user (make check as a packager) from /tmp, the
	 * highest it can write above T; the secret inside the workspace
	 * blacklisted; the rest of T/h hidden but the way to the workspace
	 * and the symlink. */
	/* The symlinks of / and /tmp depend on the host: check the shape. */
	char *want = xasprintf(FIXED "--net=none --protocol=inet,inet6 --read-only=%s "
			       "--read-only=/proc --read-write=T/h/ws --read-only=/usr "
			       "--read-only=T/h/ws/.git --noexec=T/h/ws "
			       "--blacklist=T/h/ws/.git/secret ", getuid() == 0 ? "/" : "/tmp");
	assert_non_null(strstr(got, want));
	free(want);
	assert_non_null(strstr(got, " --noblacklist=T/h/ws "));
	assert_non_null(strstr(got, " --noblacklist=/run/firejail "));
	assert_non_null(strstr(got, " --noblacklist=T/h/link "));
	assert_non_null(strstr(got, " --blacklist=T/h/* --blacklist=T/h/.* "));
	assert_non_null(strstr(got, " --blacklist=/* --blacklist=/.* "));
	assert_null(strstr(got, "--blacklist=T/h/.ssh")); /* hidden by the glob */
	assert_non_null(strstr(got, " -- make test"));
	free(got);
	plan_free(&pl);
	pol_clear();
}

static void test_refusals(void **state)
{
	(void)state;
	char *argv[] = { "true", NULL };
	struct command cmd = { .argv = argv };
	struct plan pl = { 0 };
	struct policy_error err = { { 0 }, { 0 } };
	pol.workspace.val = xasprintf("%s/h/ws", T);
	push(&pol.read_only, "/proc");
	push(&pol.connect_tcp, NULL)->num = 443;
	assert_int_equal(firejail_plan_as(&pol, &cmd, &pl, &err, 0, "/usr/bin/firejail"), -1);
	assert_string_equal(err.msg, "firejail: [network] TCP port rules cannot be enforced by "
			    "firejail (it has only no network or all of it)");
	plan_free(&pl);
	pol.best_effort.val = true;
	assert_int_equal(firejail_plan_as(&pol, &cmd, &pl, &err, 0, "/usr/bin/firejail"), 0);
	plan_free(&pl);
	pol_clear();

	pol.workspace.val = xasprintf("%s/h/ws", T);
	push(&pol.read_only, "/proc");
	push(&pol.unix_sockets, "/tmp/agent.sock");
	assert_int_equal(firejail_plan_as(&pol, &cmd, &pl, &err, 0, "/usr/bin/firejail"), -1);
	assert_non_null(strstr(err.msg, "[network] unix"));
	plan_free(&pl);
	pol_clear();

	/* A path firejail would expand as a glob or a macro. */
	pol.workspace.val = xasprintf("%s/h/ws", T);
	push(&pol.read_only, "/proc");
	push(&pol.read_only, "/srv/a*b");
	assert_int_equal(firejail_plan_as(&pol, &cmd, &pl, &err, 0, "/usr/bin/firejail"), -1);
	assert_string_equal(err.msg, "firejail: the path /srv/a*b has a character firejail would expand");
	plan_free(&pl);
	pol_clear();

	/* /proc hidden: firejail itself cannot start. */
	pol.workspace.val = xasprintf("%s/h/ws", T);
	assert_int_equal(firejail_plan_as(&pol, &cmd, &pl, &err, 0, "/usr/bin/firejail"), -1);
	assert_string_equal(err.msg, "firejail: cannot run with /proc hidden");
	plan_free(&pl);
	pol_clear();

	/* firejail's own limit on arguments. */
	pol.workspace.val = xasprintf("%s/h/ws", T);
	push(&pol.read_only, "/proc");
	char *many[200];
	for (int i = 0; i < 199; i++)
		many[i] = "x";
	many[199] = NULL;
	struct command big = { .argv = many };
	assert_int_equal(firejail_plan_as(&pol, &big, &pl, &err, 0, "/usr/bin/firejail"), -1);
	assert_non_null(strstr(err.msg, "firejail takes at most 127"));
	plan_free(&pl);
	pol_clear();
}

/* A non-root caller: a read-write grant below a directory made
 * read-only must be the caller's own, or firejail silently ignores it. */
static void test_not_owner(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	char *argv[] = { "true", NULL };
	struct command cmd = { .argv = argv };
	struct plan pl = { 0 };
	struct policy_error err = { { 0 }, { 0 } };
	pol.workspace.val = xasprintf("%s/h/ws", T);
	push(&pol.read_only, "/proc");
	/* This process (root) can write T/h, so it is made read-only, and
	 * T/h/ws (root's) cannot be made writable again by uid 4242. */
	assert_int_equal(firejail_plan_as(&pol, &cmd, &pl, &err, 4242, "/usr/bin/firejail"), -1);
	char *want = xasprintf("firejail: cannot make %s/h/ws writable again below a read-only "
			       "directory: firejail allows that only to root or the owner", T);
	assert_string_equal(err.msg, want);
	free(want);
	plan_free(&pl);
	pol_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_workspace_in_home),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_not_owner),
	};
	return cmocka_run_group_tests(tests, tree_setup, tree_teardown);
}
