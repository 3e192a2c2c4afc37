/* SPDX-License-Identifier: MIT */
/*
 * test_bwrap_plan.c: the bwrap command line planned for hand-made
 * policies over a temporary directory tree, compared argument by
 * argument; the refusals' exact text; best_effort turning a refusal into
 * a guarantee recorded as not enforced.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../backends/backend.h"
#include "../../backends/seccomp.h"
#include "testutil.h"

static char T[PATH_MAX]; /* canonical temp root */

static void mk(const char *rel, char kind)
{
	assert_int_equal(tu_mk(T, rel, kind), 0);
}

/*
 * T/ws/{.git/{config,hooks/},a/{b.txt,secret/key},src/,README}
 * T/ro/{f,sub/}   T/out/   T/sock (a plain file standing in for a socket)
 */
static int tree_setup(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/clawshim-bw.XXXXXX";
	if (!mkdtemp(tmpl) || !realpath(tmpl, T))
		return -1;
	const char *dirs[] = { "ws", "ws/.git", "ws/.git/hooks", "ws/a", "ws/a/secret", "ws/src",
			       "ro", "ro/sub", "out" };
	const char *files[] = { "ws/.git/config", "ws/a/b.txt", "ws/a/secret/key", "ws/README",
				"ro/f", "sock" };
	for (size_t i = 0; i < ARRAY_LEN(dirs); i++)
		mk(dirs[i], 'd');
	for (size_t i = 0; i < ARRAY_LEN(files); i++)
		mk(files[i], 'f');
	return 0;
}

static int tree_teardown(void **state)
{
	(void)state;
	return tu_rm_rf(T);
}

/* ---- policies by hand ---- */

static struct policy pol;
static struct plan pl;

static int pol_reset(void **state)
{
	(void)state;
	memset(&pol, 0, sizeof(pol));
	memset(&pl, 0, sizeof(pl));
	char *ws = xasprintf("%s/ws", T);
	assert_int_equal(chdir(ws), 0);
	free(ws);
	return 0;
}

static int pol_clear(void **state)
{
	(void)state;
	struct pol_list *ls[] = { &pol.read_write, &pol.read_only, &pol.deny, &pol.deny_write,
				  &pol.no_exec, &pol.connect_tcp, &pol.bind_tcp, &pol.files,
				  &pol.unix_sockets };
	for (size_t i = 0; i < ARRAY_LEN(ls); i++)
		tu_list_free(ls[i]);
	free(pol.workspace.val);
	memset(&pol, 0, sizeof(pol));
	plan_free(&pl);
	return 0;
}

/* Add T/rel (or an absolute path, written as raw) to a path list. */
static void add(struct pol_list *l, const char *rel)
{
	struct pol_item *it = tu_push(l);
	it->raw = xstrdup(rel);
	char buf[PATH_MAX];
	if (rel[0] != '/')
		it->path = xasprintf("%s/%s", T, rel);
	else
		it->path = xstrdup(realpath(rel, buf) ? buf : rel);
}

static void add_port(struct pol_list *l, long long port)
{
	struct pol_item *it = tu_push(l);
	it->raw = xasprintf("%lld", port);
	it->num = port;
}

static void workspace(const char *rel)
{
	pol.workspace.val = xasprintf("%s/%s", T, rel);
}

/* ---- planning and comparing ---- */

static char *cmd_argv[] = { "make", "-j4", NULL };

static int plan(struct policy_error *err)
{
	struct command cmd = { .argv = cmd_argv };
	return backend_bwrap.plan(&pol, &cmd, &pl, err);
}

static void plan_ok(void)
{
	struct policy_error err = { "", "" };
	int rc = plan(&err);
	if (rc)
		print_message("# refused: %s\n", err.msg);
	assert_int_equal(rc, 0);
}

static void dump(const struct strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		print_message("# argv[%zu] = %s\n", i, v->v[i]);
}

/* The wrapper argv is bwrap, the fixed prologue, `mid` ("@" stands for
 * T), the epilogue with --chdir T/ws, then the command. */
static void check_argv(const char *const *mid, size_t n)
{
	struct strv want = { 0 };
	strv_push(&want, xstrdup(backend_find_program("bwrap") ? backend_find_program("bwrap") :
				 "/usr/bin/bwrap"));
	const char *pro[] = { "--unshare-all", "--cap-drop", "ALL", "--die-with-parent",
			      "--new-session" };
	for (size_t i = 0; i < ARRAY_LEN(pro); i++)
		strv_push(&want, xstrdup(pro[i]));
	for (size_t i = 0; i < n; i++)
		strv_push(&want, mid[i][0] == '@' ? xasprintf("%s%s", T, mid[i] + 1) : xstrdup(mid[i]));
	strv_pushf(&want, "--chdir");
	strv_pushf(&want, "%s/ws", T);
	const char *epi[] = { "--add-seccomp-fd", SECCOMP_FD_ARG, "--block-fd", READY_FD_ARG,
			      "--", "make", "-j4" };
	for (size_t i = 0; i < ARRAY_LEN(epi); i++)
		strv_push(&want, xstrdup(epi[i]));
	bool same = want.n == pl.wrapper.n;
	for (size_t i = 0; same && i < want.n; i++)
		same = strcmp(want.v[i], pl.wrapper.v[i]) == 0;
	if (!same) {
		print_message("# want:\n");
		dump(&want);
		print_message("# got:\n");
		dump(&pl.wrapper);
	}
	assert_true(same);
	assert_null(pl.wrapper.v[pl.wrapper.n]);
	strv_free(&want);
}

static const struct guarantee *guarantee(const char *what)
{
	for (size_t i = 0; i < pl.ng; i++)
		if (strcmp(pl.g[i].what, what) == 0)
			return &pl.g[i];
	print_message("# no guarantee \"%s\"\n", what);
	fail();
	return NULL;
}

static void refused(const char *msg, const char *hint)
{
	struct policy_error err = { "", "" };
	assert_int_equal(plan(&err), -1);
	char *m = strstr(msg, "@") ? xasprintf("%.*s%s%s", (int)(strchr(msg, '@') - msg), msg, T,
					       strchr(msg, '@') + 1) : xstrdup(msg);
	assert_string_equal(err.msg, m);
	assert_string_equal(err.hint, hint);
	free(m);
	assert_int_equal(pl.wrapper.n, 0);
}

/* ---- the command line ---- */

static void test_workspace_protections(void **state)
{
	(void)state;
	workspace("ws");
	add(&pol.read_write, "out");
	add(&pol.read_only, "ro");
	add(&pol.deny, "ws/a/secret");
	add(&pol.deny, "ro/f");
	add(&pol.deny_write, "ws/.git/hooks");
	add(&pol.deny_write, "ws/.git/config");
	plan_ok();
	/* Parent first; every protection on top of its tree; .git and a
	 * bound onto themselves so nothing on the way can be renamed. */
	const char *mid[] = {
		"--bind", "@/out", "@/out",
		"--ro-bind", "@/ro", "@/ro",
		"--ro-bind", "/dev/null", "@/ro/f",
		"--bind", "@/ws", "@/ws",
		"--bind", "@/ws/.git", "@/ws/.git",
		"--ro-bind", "@/ws/.git/config", "@/ws/.git/config",
		"--ro-bind", "@/ws/.git/hooks", "@/ws/.git/hooks",
		"--bind", "@/ws/a", "@/ws/a",
		"--perms", "0000", "--tmpfs", "@/ws/a/secret", "--remount-ro", "@/ws/a/secret",
	};
	check_argv(mid, ARRAY_LEN(mid));
	assert_int_equal(pl.seccomp, SC_TTY | SC_KERNEL | SC_POLICY | SC_NET);
	assert_int_equal(pl.setup, SETUP_NNP | (getuid() == 0 ? 0 : SETUP_CAPS));
	assert_int_equal(pl.id, BACKEND_BWRAP);
	char *w = xasprintf("deny %s/ws/a/secret", T);
	assert_string_equal(guarantee(w)->how, "bwrap --tmpfs (empty, mode 000, read-only)");
	free(w);
	w = xasprintf("no writes to %s/ws/.git/hooks", T);
	assert_string_equal(guarantee(w)->how, "bwrap --ro-bind, on top of the writable tree; "
			    "the directories on the way pinned");
	free(w);
	assert_string_equal(guarantee("no named unix sockets but those in [network] unix")->how,
			    "seccomp: connect() and AF_UNIX datagram sockets refused "
			    "(loaded before bwrap, inherited)");
	assert_string_equal(guarantee("TERM, INT, HUP, QUIT, USR1, USR2, WINCH reach the command")->how,
			    "clawshim signals the command under bwrap's PID-namespace init");
	assert_true(pl.signal_inside);
}

static void test_nested_grants_in_order(void **state)
{
	(void)state;
	/* A writable child of a read-only parent comes after it; a
	 * read-only child of a writable parent adds nothing (grants union);
	 * a grant inside a denied path is not bound at all. */
	add(&pol.read_only, T);
	add(&pol.read_write, "ws");
	add(&pol.read_only, "ws/src");
	add(&pol.deny, "out");
	add(&pol.read_write, "out");
	add(&pol.deny_write, "ro/sub");
	plan_ok();
	const char *mid[] = {
		"--ro-bind", "@", "@",
		"--perms", "0000", "--tmpfs", "@/out", "--remount-ro", "@/out",
		"--bind", "@/ws", "@/ws",
	};
	check_argv(mid, ARRAY_LEN(mid));
	char *w = xasprintf("read-only %s/ws/src", T);
	char *how = xasprintf("bwrap --bind of %s/ws", T);
	assert_string_equal(guarantee(w)->how, how);
	free(w);
	free(how);
	w = xasprintf("read-write %s/out", T);
	assert_string_equal(guarantee(w)->how, "not bound: a denied path covers it");
	free(w);
	w = xasprintf("no writes to %s/ro/sub", T);
	how = xasprintf("bwrap --ro-bind of %s", T);
	assert_string_equal(guarantee(w)->how, how);
	free(w);
	free(how);
}

static void test_protected_outside_grants(void **state)
{
	(void)state;
	workspace("ws");
	add(&pol.deny, "out");
	add(&pol.deny_write, "ro");
	add(&pol.no_exec, "ro/sub");
	plan_ok();
	const char *mid[] = { "--bind", "@/ws", "@/ws" };
	check_argv(mid, ARRAY_LEN(mid));
	char *w = xasprintf("deny %s/out", T);
	assert_string_equal(guarantee(w)->how, "not bound into the sandbox");
	free(w);
	w = xasprintf("no exec in %s/ro/sub", T);
	assert_string_equal(guarantee(w)->how, "not bound into the sandbox");
	free(w);
}

static void test_proc_dev_symlinks(void **state)
{
	(void)state;
	struct stat st;
	if (lstat("/bin", &st) != 0 || !S_ISLNK(st.st_mode) || access("/dev/shm", F_OK) != 0) {
		print_message("# skipped: needs /bin -> usr/bin and /dev/shm\n");
		skip();
	}
	char target[PATH_MAX];
	ssize_t n = readlink("/bin", target, sizeof(target) - 1);
	assert_true(n > 0);
	target[n] = '\0';
	workspace("ws");
	add(&pol.read_only, "/usr");
	add(&pol.read_only, "/bin");
	add(&pol.read_only, "/proc");
	add(&pol.read_write, "/dev/null");
	add(&pol.read_write, "/dev/pts");
	add(&pol.read_write, "/dev/shm");
	plan_ok();
	/* /bin is made again as the link it is; /usr/bin is inside /usr;
	 * /proc and /dev are the sandbox's own, /dev/shm the host's; the
	 * order is by path (T is under /tmp). */
	const char *mid[] = {
		"--symlink", target, "/bin",
		"--dev", "/dev",
		"--bind", "/dev/shm", "/dev/shm",
		"--proc", "/proc",
		"--bind", "@/ws", "@/ws",
		"--ro-bind", "/usr", "/usr",
	};
	check_argv(mid, ARRAY_LEN(mid));
	assert_string_equal(guarantee("read-write /dev/null")->how, "bwrap --dev (a private /dev)");
	assert_string_equal(guarantee("read-only /proc")->how,
			    "bwrap --proc (the sandbox's own procfs)");
}

static void test_policy_files_read_only(void **state)
{
	(void)state;
	workspace("ws");
	add(&pol.files, "ws/README");
	plan_ok();
	const char *mid[] = {
		"--bind", "@/ws", "@/ws",
		"--ro-bind", "@/ws/README", "@/ws/README",
	};
	check_argv(mid, ARRAY_LEN(mid));
}

/* ---- refusals ---- */

#define HINT_OTHER "use backend = landlock, or set best_effort = true to run without it"

static void test_refuse_no_exec(void **state)
{
	(void)state;
	workspace("ws");
	add(&pol.no_exec, "ws/src");
	refused("bwrap cannot enforce no_exec = @/ws/src: bubblewrap has no noexec bind", HINT_OTHER);
}

static void test_refuse_ports(void **state)
{
	(void)state;
	workspace("ws");
	add_port(&pol.connect_tcp, 443);
	refused("bwrap cannot enforce connect_tcp = 443: bubblewrap shares the whole network or none",
		"use backend = landlock, allow = all, or best_effort = true (then no TCP port is reachable)");
	pol.connect_tcp.n = 0;
	add_port(&pol.bind_tcp, 8080);
	refused("bwrap cannot enforce bind_tcp = 8080: bubblewrap shares the whole network or none",
		"use backend = landlock, allow = all, or best_effort = true (then no TCP port can be bound)");
	pol.connect_tcp.n = 1;
}

static void test_refuse_net_all(void **state)
{
	(void)state;
	workspace("ws");
	pol.net_all.val = true;
	refused("bwrap cannot refuse unix sockets with allow = all: the host's abstract sockets and "
		"the named sockets under the granted paths stay reachable", HINT_OTHER);
}

static void test_refuse_unix_entry(void **state)
{
	(void)state;
	workspace("ws");
	add(&pol.unix_sockets, "sock");
	refused("bwrap cannot allow unix = @/sock alone: the other named sockets under the granted "
		"paths would be reachable too", HINT_OTHER);
}

static void test_refuse_cwd_outside(void **state)
{
	(void)state;
	workspace("out");
	refused("bwrap: the current directory @/ws is not inside any path the policy grants",
		"start clawshim in the workspace, or grant the directory (--read-only DIR)");
}

/* ---- best_effort ---- */

static void test_best_effort_records(void **state)
{
	(void)state;
	workspace("ws");
	pol.best_effort.val = true;
	add(&pol.no_exec, "ws/src");
	add_port(&pol.connect_tcp, 443);
	add_port(&pol.connect_tcp, 22);
	add(&pol.unix_sockets, "sock");
	plan_ok();
	/* The listed socket is bound in; connect() must then stay open. */
	const char *mid[] = {
		"--ro-bind", "@/sock", "@/sock",
		"--bind", "@/ws", "@/ws",
	};
	check_argv(mid, ARRAY_LEN(mid));
	char *w = xasprintf("no exec in %s/ws/src", T);
	const struct guarantee *g = guarantee(w);
	assert_null(g->how);
	assert_string_equal(g->why_not, "bubblewrap has no noexec bind");
	free(w);
	g = guarantee("TCP connect to ports 443, 22");
	assert_null(g->how);
	assert_string_equal(g->why_not, "bubblewrap shares the whole network or none: none is shared");
	g = guarantee("no named unix sockets but those in [network] unix");
	assert_null(g->how);
	assert_string_equal(g->why_not, "bubblewrap cannot refuse the other named sockets under "
			    "the granted paths");
	assert_int_equal(pl.seccomp, SC_TTY | SC_KERNEL | SC_POLICY | SC_NET);
}

static void test_best_effort_net_all(void **state)
{
	(void)state;
	workspace("ws");
	pol.best_effort.val = true;
	pol.net_all.val = true;
	plan_ok();
	assert_string_equal(pl.wrapper.v[1], "--unshare-all");
	assert_string_equal(pl.wrapper.v[2], "--share-net");
	assert_int_equal(pl.seccomp, SC_TTY | SC_KERNEL | SC_POLICY);
	const struct guarantee *g = guarantee("no abstract unix sockets outside the sandbox");
	assert_null(g->how);
	assert_string_equal(g->why_not, "the sandbox shares the host's network namespace");
}

static void test_login_shell(void **state)
{
	(void)state;
	workspace("ws");
	char *av[] = { "-bash", "-c", "true", NULL };
	struct command cmd = { .argv = av, .shell = "/bin/bash" };
	struct policy_error err = { "", "" };
	assert_int_equal(backend_bwrap.plan(&pol, &cmd, &pl, &err), 0);
	/* bwrap 0.8 has no --argv0: a login shell is told so with -l. */
	size_t n = pl.wrapper.n;
	assert_string_equal(pl.wrapper.v[n - 5], "--");
	assert_string_equal(pl.wrapper.v[n - 4], "/bin/bash");
	assert_string_equal(pl.wrapper.v[n - 3], "-l");
	assert_string_equal(pl.wrapper.v[n - 2], "-c");
	assert_string_equal(pl.wrapper.v[n - 1], "true");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_workspace_protections, pol_reset, pol_clear),
		cmocka_unit_test_setup_teardown(test_nested_grants_in_order, pol_reset, pol_clear),
		cmocka_unit_test_setup_teardown(test_protected_outside_grants, pol_reset, pol_clear),
		cmocka_unit_test_setup_teardown(test_proc_dev_symlinks, pol_reset, pol_clear),
		cmocka_unit_test_setup_teardown(test_policy_files_read_only, pol_reset, pol_clear),
		cmocka_unit_test_setup_teardown(test_refuse_no_exec, pol_reset, pol_clear),
		cmocka_unit_test_setup_teardown(test_refuse_ports, pol_reset, pol_clear),
		cmocka_unit_test_setup_teardown(test_refuse_net_all, pol_reset, pol_clear),
		cmocka_unit_test_setup_teardown(test_refuse_unix_entry, pol_reset, pol_clear),
		cmocka_unit_test_setup_teardown(test_refuse_cwd_outside, pol_reset, pol_clear),
		cmocka_unit_test_setup_teardown(test_best_effort_records, pol_reset, pol_clear),
		cmocka_unit_test_setup_teardown(test_best_effort_net_all, pol_reset, pol_clear),
		cmocka_unit_test_setup_teardown(test_login_shell, pol_reset, pol_clear),
	};
	return cmocka_run_group_tests(tests, tree_setup, tree_teardown);
}
