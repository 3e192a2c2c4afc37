/* SPDX-License-Identifier: MIT */
/*
 * test_landlock_plan.c: the Landlock rules computed for hand-made policies
 * over a temporary directory tree, compared rule by rule; refusals and
 * best_effort guarantees for old ABIs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../backends/landlock.h"
#include "../../backends/seccomp.h"
#include "testutil.h"

#define RW7 ll_fs_rights(7)
#define FILE7 (ll_fs_rights(7) & LL_FILE)
#define NOEXEC7 (ll_fs_rights(7) & ~(uint64_t)LANDLOCK_ACCESS_FS_EXECUTE)

static char T[4096]; /* canonical temp root */

static void mk(const char *rel, char kind)
{
	assert_int_equal(tu_mk(T, rel, kind), 0);
}

/*
 * T/ws/{.git/{HEAD,config,hooks/pre-commit,objects/},README,a/{b.txt,secret/key},
 *       src/, link -> .git/hooks}
 * T/ro/f   T/out/
 */
static int tree_setup(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/clawshim-ll.XXXXXX";
	if (!mkdtemp(tmpl))
		return -1;
	if (!realpath(tmpl, T))
		return -1;
	const char *dirs[] = { "ws", "ws/.git", "ws/.git/hooks", "ws/.git/objects", "ws/a",
			       "ws/a/secret", "ws/src", "ro", "out" };
	const char *files[] = { "ws/.git/HEAD", "ws/.git/config", "ws/.git/hooks/pre-commit",
				"ws/README", "ws/a/b.txt", "ws/a/secret/key", "ro/f" };
	for (size_t i = 0; i < ARRAY_LEN(dirs); i++)
		mk(dirs[i], 'd');
	for (size_t i = 0; i < ARRAY_LEN(files); i++)
		mk(files[i], 'f');
	char *l = xasprintf("%s/ws/link", T);
	if (symlink(".git/hooks", l) < 0)
		return -1;
	free(l);
	return 0;
}

static int tree_teardown(void **state)
{
	(void)state;
	return tu_rm_rf(T);
}

/* ---- policies by hand ---- */

static struct policy pol;

static int pol_reset(void **state)
{
	(void)state;
	memset(&pol, 0, sizeof(pol));
	return 0;
}

static int pol_clear(void **state)
{
	(void)state;
	struct pol_list *ls[] = { &pol.read_write, &pol.read_only, &pol.deny, &pol.deny_write,
				  &pol.no_exec, &pol.connect_tcp, &pol.bind_tcp, &pol.files };
	for (size_t i = 0; i < ARRAY_LEN(ls); i++)
		tu_list_free(ls[i]);
	free(pol.workspace.val);
	memset(&pol, 0, sizeof(pol));
	return 0;
}

/* Add T/rel (or an absolute rel) to a path list. */
static void add(struct pol_list *l, const char *rel)
{
	struct pol_item *it = tu_push(l);
	it->raw = xstrdup(rel);
	it->path = rel[0] == '/' ? xstrdup(rel) : xasprintf("%s/%s", T, rel);
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

/* ---- expected rules ---- */

struct want {
	const char *rel; /* relative to T, or absolute */
	uint64_t access;
	bool dir;
};

static void dump(const struct ll_rules *r)
{
	for (size_t i = 0; i < r->nfs; i++)
		print_message("# rule %zu: %s %#llx %s\n", i, r->fs[i].path,
			      (unsigned long long)r->fs[i].access, r->fs[i].dir ? "dir" : "file");
}

/* The rules are exactly `w`, in order. */
static void check_rules(const struct ll_rules *r, const struct want *w, size_t n)
{
	if (r->nfs != n)
		dump(r);
	assert_int_equal(r->nfs, n);
	for (size_t i = 0; i < n; i++) {
		char *path = w[i].rel[0] == '/' ? xstrdup(w[i].rel) : xasprintf("%s/%s", T, w[i].rel);
		if (strcmp(r->fs[i].path, path) || r->fs[i].access != w[i].access ||
		    r->fs[i].dir != w[i].dir)
			dump(r);
		assert_string_equal(r->fs[i].path, path);
		assert_int_equal(r->fs[i].access, w[i].access);
		assert_int_equal(r->fs[i].dir, w[i].dir);
		free(path);
	}
}

static const struct ll_rule *rule_for(const struct ll_rules *r, const char *path)
{
	for (size_t i = 0; i < r->nfs; i++)
		if (!strcmp(r->fs[i].path, path))
			return &r->fs[i];
	return NULL;
}

static void rules(int abi, struct ll_rules *r)
{
	struct policy_error err = { "", "" };
	int ret = landlock_plan_rules(&pol, abi, r, &err);
	if (ret < 0)
		print_message("# %s\n", err.msg);
	assert_int_equal(ret, 0);
}

/* ---- tests: rule computation ---- */

static void test_plain_grants(void **state)
{
	(void)state;
	add(&pol.read_only, "ro");
	add(&pol.read_write, "out");
	struct ll_rules r;
	rules(7, &r);
	const struct want w[] = { { "out", RW7, true }, { "ro", LL_READ, true } };
	check_rules(&r, w, ARRAY_LEN(w));
	ll_rules_free(&r);
}

static void test_deny_inside_writable(void **state)
{
	(void)state;
	workspace("ws");
	add(&pol.deny, "ws/a/secret");
	struct ll_rules r;
	rules(7, &r);
	/* ws and a keep nothing (secret inherits from them); every sibling
	 * on the way gets the full grant; the symlink gets no rule. */
	const struct want w[] = {
		{ "ws/.git", RW7, true },
		{ "ws/README", FILE7, false },
		{ "ws/a/b.txt", FILE7, false },
		{ "ws/src", RW7, true },
	};
	check_rules(&r, w, ARRAY_LEN(w));
	ll_rules_free(&r);
}

static void test_deny_write_merged(void **state)
{
	(void)state;
	workspace("ws");
	add(&pol.deny_write, "ws/.git/hooks");
	add(&pol.deny_write, "ws/.git/config");
	struct ll_rules r;
	rules(7, &r);
	/* One expansion of .git: no rule on .git, hooks or config, which
	 * inherit read rights from ws; no path appears twice. */
	const struct want w[] = {
		{ "ws", LL_READ, true },
		{ "ws/.git/HEAD", FILE7, false },
		{ "ws/.git/objects", RW7, true },
		{ "ws/README", FILE7, false },
		{ "ws/a", RW7, true },
		{ "ws/src", RW7, true },
	};
	check_rules(&r, w, ARRAY_LEN(w));
	ll_rules_free(&r);
}

static void test_no_exec_inside_writable(void **state)
{
	(void)state;
	workspace("ws");
	add(&pol.no_exec, "ws/src");
	struct ll_rules r;
	rules(7, &r);
	const struct want w[] = {
		{ "ws", NOEXEC7, true },
		{ "ws/.git", RW7, true },
		{ "ws/README", FILE7, false },
		{ "ws/a", RW7, true },
	};
	check_rules(&r, w, ARRAY_LEN(w));
	ll_rules_free(&r);
}

static void test_protected_outside_grants(void **state)
{
	(void)state;
	add(&pol.read_only, "ro");
	add(&pol.deny, "out");
	add(&pol.deny_write, "ws/.git/hooks");
	add(&pol.no_exec, "ws/src");
	struct ll_rules r;
	rules(7, &r);
	const struct want w[] = { { "ro", LL_READ, true } };
	check_rules(&r, w, ARRAY_LEN(w));
	ll_rules_free(&r);
}

static void test_file_rules(void **state)
{
	(void)state;
	add(&pol.read_write, "ws/README");
	add(&pol.read_only, "ro/f");
	struct ll_rules r;
	rules(7, &r);
	const struct want w[] = {
		{ "ro/f", LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_EXECUTE, false },
		{ "ws/README", FILE7, false },
	};
	check_rules(&r, w, ARRAY_LEN(w));
	assert_int_equal(FILE7, LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
				LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |
				LANDLOCK_ACCESS_FS_IOCTL_DEV);
	ll_rules_free(&r);
}

static void test_deny_file_keeps_listing(void **state)
{
	(void)state;
	add(&pol.read_only, "ro");
	add(&pol.deny, "ro/f");
	workspace("ws");
	add(&pol.deny, "ws/README");
	struct ll_rules r;
	rules(7, &r);
	/* Only READ_DIR survives on the way to a denied file: listing names. */
	const struct want w[] = {
		{ "ro", LANDLOCK_ACCESS_FS_READ_DIR, true },
		{ "ws", LANDLOCK_ACCESS_FS_READ_DIR, true },
		{ "ws/.git", RW7, true },
		{ "ws/a", RW7, true },
		{ "ws/src", RW7, true },
	};
	check_rules(&r, w, ARRAY_LEN(w));
	ll_rules_free(&r);
}

static void test_nested_grants(void **state)
{
	(void)state;
	add(&pol.read_only, T);
	add(&pol.read_write, "ws");
	struct ll_rules r;
	rules(7, &r);
	const struct want w[] = { { T, LL_READ, true }, { "ws", RW7, true } };
	check_rules(&r, w, ARRAY_LEN(w));
	ll_rules_free(&r);
}

static void test_deny_wins_over_nested_grant(void **state)
{
	(void)state;
	add(&pol.read_only, T);
	add(&pol.deny, "ws");
	add(&pol.read_write, "ws/src");
	struct ll_rules r;
	rules(7, &r);
	const struct want w[] = { { "out", LL_READ, true }, { "ro", LL_READ, true } };
	check_rules(&r, w, ARRAY_LEN(w));
	ll_rules_free(&r);
}

static void test_policy_file_protected(void **state)
{
	(void)state;
	workspace("ws");
	add(&pol.files, "ws/README");
	struct ll_rules r;
	rules(7, &r);
	assert_null(rule_for(&r, pol.files.v[0].path));
	const struct ll_rule *ws = rule_for(&r, pol.workspace.val);
	assert_non_null(ws);
	assert_int_equal(ws->access, LL_READ);
	ll_rules_free(&r);
}

static void test_missing_protected_path(void **state)
{
	(void)state;
	workspace("ws");
	add(&pol.deny, "ws/ghost"); /* may be created later: ws loses MAKE_* */
	struct ll_rules r;
	rules(7, &r);
	const struct want w[] = {
		{ "ws/.git", RW7, true },
		{ "ws/README", FILE7, false },
		{ "ws/a", RW7, true },
		{ "ws/src", RW7, true },
	};
	check_rules(&r, w, ARRAY_LEN(w));
	ll_rules_free(&r);
}

static void test_vanished_grant_fails(void **state)
{
	(void)state;
	add(&pol.read_write, "gone");
	struct ll_rules r;
	struct policy_error err = { "", "" };
	assert_int_equal(landlock_plan_rules(&pol, 7, &r, &err), -1);
	char *want = xasprintf("landlock: %s/gone: No such file or directory", T);
	assert_string_equal(err.msg, want);
	free(want);
}

static void test_root_expansion(void **state)
{
	(void)state;
	add(&pol.read_only, "/");
	add(&pol.deny, "ws/a/secret");
	struct ll_rules r;
	rules(7, &r);
	assert_null(rule_for(&r, "/"));
	assert_null(rule_for(&r, "/tmp"));
	const struct ll_rule *usr = rule_for(&r, "/usr");
	assert_non_null(usr);
	assert_int_equal(usr->access, LL_READ);
	char *p = xasprintf("%s/ro", T);
	assert_non_null(rule_for(&r, p));
	free(p);
	for (size_t i = 0; i < r.nfs; i++) {
		assert_null(strstr(r.fs[i].path, "//"));
		assert_null(strstr(r.fs[i].path, "secret"));
	}
	ll_rules_free(&r);
}

/* ---- tests: ABI masks, ports ---- */

static void test_abi_masks(void **state)
{
	(void)state;
	add(&pol.read_write, "out");
	const uint64_t abi1 = (1ULL << 13) - 1;
	const struct { int abi; uint64_t fs; size_t size; } t[] = {
		{ 1, abi1, 8 },
		{ 2, abi1 | LANDLOCK_ACCESS_FS_REFER, 8 },
		{ 3, abi1 | LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE, 8 },
		{ 4, abi1 | LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE, 16 },
		{ 5, (1ULL << 16) - 1, 16 },
		{ 6, (1ULL << 16) - 1, 24 },
		{ 7, (1ULL << 16) - 1, 24 },
		{ 9, (1ULL << 16) - 1, 24 }, /* newer kernels are used as 7 */
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct ll_rules r;
		rules(t[i].abi, &r);
		assert_int_equal(r.abi, t[i].abi > 7 ? 7 : t[i].abi);
		assert_int_equal(r.handled_fs, t[i].fs);
		assert_int_equal(ll_attr_size(r.abi), t[i].size);
		assert_int_equal(r.nfs, 1);
		assert_int_equal(r.fs[0].access, t[i].fs);
		assert_int_equal(r.handled_net, t[i].abi >= 4 ? LANDLOCK_ACCESS_NET_BIND_TCP |
				 LANDLOCK_ACCESS_NET_CONNECT_TCP : 0);
		assert_int_equal(r.scoped, t[i].abi >= 6 ? LANDLOCK_SCOPE_SIGNAL |
				 LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET : 0);
		ll_rules_free(&r);
	}
}

static void test_ports(void **state)
{
	(void)state;
	add_port(&pol.connect_tcp, 443);
	add_port(&pol.connect_tcp, 80);
	add_port(&pol.bind_tcp, 8080);
	add_port(&pol.bind_tcp, 443);
	struct ll_rules r;
	rules(7, &r);
	assert_int_equal(r.nnet, 3);
	assert_int_equal(r.net[0].port, 80);
	assert_int_equal(r.net[0].access, LANDLOCK_ACCESS_NET_CONNECT_TCP);
	assert_int_equal(r.net[1].port, 443);
	assert_int_equal(r.net[1].access,
			 LANDLOCK_ACCESS_NET_CONNECT_TCP | LANDLOCK_ACCESS_NET_BIND_TCP);
	assert_int_equal(r.net[2].port, 8080);
	assert_int_equal(r.net[2].access, LANDLOCK_ACCESS_NET_BIND_TCP);
	ll_rules_free(&r);

	pol.net_all.val = true; /* allow = all: Landlock leaves TCP alone */
	rules(7, &r);
	assert_int_equal(r.handled_net, 0);
	assert_int_equal(r.nnet, 0);
	ll_rules_free(&r);
}

/* ---- tests: plans, refusals, best_effort ---- */

static const struct guarantee *g_find(const struct plan *pl, const char *what)
{
	for (size_t i = 0; i < pl->ng; i++)
		if (!strcmp(pl->g[i].what, what))
			return &pl->g[i];
	return NULL;
}

static void refused(int abi, const char *msg)
{
	struct plan pl;
	memset(&pl, 0, sizeof(pl));
	struct policy_error err = { "", "" };
	assert_int_equal(landlock_plan_build(&pol, abi, &pl, &err), -1);
	assert_string_equal(err.msg, msg);
	assert_string_equal(err.hint,
			    "set best_effort = true to run without it, or use backend = bwrap");
	assert_int_equal(pl.ng, 0);
	assert_null(pl.priv);
}

static void test_refusals(void **state)
{
	(void)state;
	add(&pol.read_only, "ro");
	refused(2, "[filesystem] truncate control needs Landlock ABI 3 (this kernel has 2)");
	refused(5, "[sandbox] signal and abstract unix socket scoping needs Landlock ABI 6 "
		   "(this kernel has 5)");
	add_port(&pol.bind_tcp, 8080);
	refused(3, "[network] bind_tcp needs Landlock ABI 4 (this kernel has 3)");
	add_port(&pol.connect_tcp, 443);
	refused(3, "[network] connect_tcp needs Landlock ABI 4 (this kernel has 3)");
	/* allow = all: no port is restricted, so nothing is asked of ABI 4 */
	pol.net_all.val = true;
	refused(3, "[sandbox] signal and abstract unix socket scoping needs Landlock ABI 6 "
		   "(this kernel has 3)");
}

static void test_best_effort(void **state)
{
	(void)state;
	workspace("ws");
	add_port(&pol.connect_tcp, 443);
	pol.best_effort.val = true;
	struct plan pl;
	memset(&pl, 0, sizeof(pl));
	struct policy_error err = { "", "" };
	assert_int_equal(landlock_plan_build(&pol, 3, &pl, &err), 0);
	const struct guarantee *g = g_find(&pl, "TCP connect only to ports 443");
	assert_non_null(g);
	assert_null(g->how);
	assert_true(g->required);
	assert_string_equal(g->why_not, "needs Landlock ABI 4 (this kernel has 3)");
	g = g_find(&pl, "no signals to processes outside the sandbox");
	assert_non_null(g);
	assert_null(g->how);
	assert_string_equal(g->why_not, "needs Landlock ABI 6 (this kernel has 3)");
	g = g_find(&pl, "no abstract unix sockets outside the sandbox");
	assert_non_null(g);
	assert_null(g->how);
	g = g_find(&pl, "no truncating files outside the writable paths");
	assert_null(g); /* ABI 3 has it */
	char *what = xasprintf("read-write workspace %s/ws", T);
	g = g_find(&pl, what);
	free(what);
	assert_non_null(g);
	assert_string_equal(g->how, "Landlock ABI 3");
	const struct ll_rules *r = pl.priv;
	assert_int_equal(r->handled_net, 0);
	assert_int_equal(r->scoped, 0);
	plan_free(&pl);

	memset(&pl, 0, sizeof(pl));
	assert_int_equal(landlock_plan_build(&pol, 1, &pl, &err), 0);
	g = g_find(&pl, "no truncating files outside the writable paths");
	assert_non_null(g);
	assert_null(g->how);
	assert_string_equal(g->why_not, "needs Landlock ABI 3 (this kernel has 1)");
	g = g_find(&pl, "rename and link across directories");
	assert_non_null(g);
	assert_false(g->required);
	plan_free(&pl);
}

static void test_full_plan(void **state)
{
	(void)state;
	workspace("ws");
	add(&pol.read_only, "ro");
	add(&pol.deny, "ws/a/secret");
	add(&pol.deny, "out");
	add_port(&pol.connect_tcp, 443);
	struct plan pl;
	memset(&pl, 0, sizeof(pl));
	struct policy_error err = { "", "" };
	assert_int_equal(landlock_plan_build(&pol, 7, &pl, &err), 0);
	assert_int_equal(pl.id, BACKEND_LANDLOCK);
	assert_int_equal(pl.seccomp, SC_TTY | SC_SESSION | SC_KERNEL | SC_POLICY | SC_NET | SC_UNIX);
	for (size_t i = 0; i < pl.ng; i++) {
		assert_non_null(pl.g[i].how); /* ABI 7 enforces everything */
		assert_true(pl.g[i].required);
	}
	char *w = xasprintf("deny %s/ws/a/secret", T);
	const struct guarantee *g = g_find(&pl, w);
	free(w);
	assert_non_null(g);
	assert_string_equal(g->how, "Landlock ABI 7 (carved out of the granted tree)");
	w = xasprintf("deny %s/out", T);
	g = g_find(&pl, w);
	free(w);
	assert_non_null(g);
	assert_string_equal(g->how, "Landlock ABI 7 (not granted)");
	g = g_find(&pl, "TCP connect only to ports 443");
	assert_non_null(g);
	assert_string_equal(g->how, "Landlock ABI 7");
	assert_non_null(g_find(&pl, "no TCP bind"));
	g = g_find(&pl, "no signals to processes outside the sandbox");
	assert_non_null(g);
	assert_string_equal(g->how, "Landlock scope (ABI 6)");
	const struct ll_rules *r = pl.priv;
	assert_int_equal(r->nnet, 1);
	assert_int_equal(r->nfs, 5); /* ro + the four siblings of test_deny_inside_writable */
	plan_free(&pl);

	pol.net_all.val = true;
	memset(&pl, 0, sizeof(pl));
	assert_int_equal(landlock_plan_build(&pol, 7, &pl, &err), 0);
	assert_int_equal(pl.seccomp & SC_NET, 0);
	assert_null(g_find(&pl, "no TCP bind"));
	plan_free(&pl);
}

#define T_(f) cmocka_unit_test_setup_teardown(f, pol_reset, pol_clear)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T_(test_plain_grants),
		T_(test_deny_inside_writable),
		T_(test_deny_write_merged),
		T_(test_no_exec_inside_writable),
		T_(test_protected_outside_grants),
		T_(test_file_rules),
		T_(test_deny_file_keeps_listing),
		T_(test_nested_grants),
		T_(test_deny_wins_over_nested_grant),
		T_(test_policy_file_protected),
		T_(test_missing_protected_path),
		T_(test_vanished_grant_fails),
		T_(test_root_expansion),
		T_(test_abi_masks),
		T_(test_ports),
		T_(test_refusals),
		T_(test_best_effort),
		T_(test_full_plan),
	};
	return cmocka_run_group_tests(tests, tree_setup, tree_teardown);
}
