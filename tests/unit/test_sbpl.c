/* SPDX-License-Identifier: MIT */
/*
 * test_sbpl.c: the SBPL profile and sandbox-exec argv generated for
 * hand-made policies, compared with golden text; paths reach the profile
 * only as -D parameters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../backends/backend.h"

int sbpl_plan(const struct policy *p, const struct command *cmd, struct plan *out,
	      struct policy_error *err);

static struct pol_item *push(struct pol_list *l, const char *path)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	l->v[l->n].path = path ? xstrdup(path) : NULL;
	l->v[l->n].raw = xstrdup(path ? path : "?");
	return &l->v[l->n++];
}

static void list_free(struct pol_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].raw);
		free(l->v[i].path);
	}
	free(l->v);
}

static void pol_free(struct policy *p)
{
	struct pol_list *ls[] = { &p->read_write, &p->read_only, &p->deny, &p->deny_write,
				  &p->no_exec, &p->connect_tcp, &p->bind_tcp, &p->unix_sockets, &p->files };
	for (size_t i = 0; i < ARRAY_LEN(ls); i++)
		list_free(ls[i]);
	free(p->workspace.val);
}

static char *join(const struct strv *sv, size_t from)
{
	size_t n = 1;
	for (size_t i = from; i < sv->n; i++)
		n += strlen(sv->v[i]) + 1;
	char *s = xcalloc(1, n);
	for (size_t i = from; i < sv->n; i++) {
		strcat(s, sv->v[i]);
		if (i + 1 < sv->n)
			strcat(s, "|");
	}
	return s;
}

static const char runtime[] =
	"(version 1)\n(deny default)\n"
	"(allow process-exec process-fork)\n"
	"(allow signal (target same-sandbox))\n"
	"(allow process-info* (target same-sandbox))\n"
	"(allow sysctl-read)\n"
	"(allow file-read* (subpath \"/System\") (subpath \"/private/var/db/dyld\")"
	" (subpath \"/private/var/db/timezone\") (literal \"/dev/null\")"
	" (literal \"/dev/urandom\") (literal \"/dev/random\"))\n"
	"(allow file-write-data (literal \"/dev/null\"))\n"
	"(allow mach-lookup (global-name \"com.apple.system.opendirectoryd.libinfo\")"
	" (global-name \"com.apple.system.notification_center\")"
	" (global-name \"com.apple.system.logger\"))\n"
	"(allow file-read-metadata (literal \"/\"))\n";

/* The default shape: workspace in a home, system read-only, a secret
 * denied inside the home, .git/hooks protected, no network. */
static void test_default_shape(void **state)
{
	(void)state;
	struct policy p = { 0 };
	p.workspace.val = xstrdup("/Users/me/proj \"x\")(allow default)");
	push(&p.read_write, "/private/tmp");
	push(&p.read_only, "/usr");
	push(&p.read_only, NULL); /* an optional path that is absent */
	push(&p.deny, "/Users/me/.ssh");
	push(&p.deny_write, "/Users/me/proj \"x\")(allow default)/.git/hooks");
	push(&p.no_exec, "/private/tmp");
	char *argv[] = { "make", "test", NULL };
	struct command cmd = { .argv = argv };
	struct plan pl = { 0 };
	struct policy_error err = { { 0 }, { 0 } };
	assert_int_equal(sbpl_plan(&p, &cmd, &pl, &err), 0);
	assert_int_equal(pl.id, BACKEND_SANDBOX_EXEC);
	assert_string_equal(pl.wrapper.v[0], "/usr/bin/sandbox-exec");
	assert_string_equal(pl.wrapper.v[1], "-p");
	char *want = xasprintf("%s%s", runtime,
		"(allow file-read-metadata (literal (param \"UP0\")))\n"
		"(allow file-read-metadata (literal (param \"UP1\")))\n"
		"(allow file-read* file-write* (subpath (param \"WS0\")))\n"
		"(allow file-read-metadata (literal (param \"UP2\")))\n"
		"(allow file-read* file-write* (subpath (param \"RW0\")))\n"
		"(allow file-read* (subpath (param \"RO0\")))\n"
		"(deny process-exec* file-map-executable (subpath (param \"NX0\")))\n"
		"(deny file-write* (subpath (param \"DW0\")))\n"
		"(deny file-read* file-write* (subpath (param \"DENY0\")))\n"
		"(deny file-write-unlink (literal (param \"KEEP0\")))\n"
		"(deny file-write-unlink (literal (param \"KEEP1\")))\n");
	assert_string_equal(pl.wrapper.v[2], want);
	free(want);
	/* No path is spliced into the profile, however it is spelt. */
	assert_null(strstr(pl.wrapper.v[2], "/Users"));
	assert_null(strstr(pl.wrapper.v[2], "allow default"));
	char *rest = join(&pl.wrapper, 3);
	assert_string_equal(rest,
		"-D|UP0=/Users|-D|UP1=/Users/me|-D|WS0=/Users/me/proj \"x\")(allow default)|"
		"-D|UP2=/private|-D|RW0=/private/tmp|-D|RO0=/usr|-D|NX0=/private/tmp|"
		"-D|DW0=/Users/me/proj \"x\")(allow default)/.git/hooks|"
		"-D|DENY0=/Users/me/.ssh|"
		"-D|KEEP0=/Users/me/proj \"x\")(allow default)|"
		"-D|KEEP1=/Users/me/proj \"x\")(allow default)/.git|"
		"--|make|test");
	free(rest);
	plan_free(&pl);
	pol_free(&p);
}

/* Network: all, or ports (integers, the only values in the text), and
 * unix sockets by parameter. */
static void test_network(void **state)
{
	(void)state;
	struct policy p = { 0 };
	push(&p.connect_tcp, NULL)->num = 443;
	push(&p.bind_tcp, NULL)->num = 8080;
	push(&p.unix_sockets, "/private/tmp/agent.sock");
	char *argv[] = { "-zsh", NULL };
	struct command cmd = { .argv = argv, .shell = "/bin/zsh" };
	struct plan pl = { 0 };
	struct policy_error err = { { 0 }, { 0 } };
	assert_int_equal(sbpl_plan(&p, &cmd, &pl, &err), 0);
	char *want = xasprintf("%s%s", runtime,
		"(allow network-outbound (remote tcp \"*:443\"))\n"
		"(allow network-bind network-inbound (local tcp \"*:8080\"))\n"
		"(allow network-outbound (literal (param \"UNIX0\")))\n");
	assert_string_equal(pl.wrapper.v[2], want);
	free(want);
	char *rest = join(&pl.wrapper, 3);
	/* A login shell runs as "SHELL -l": "-zsh" is no program. */
	assert_string_equal(rest, "-D|UNIX0=/private/tmp/agent.sock|--|/bin/zsh|-l");
	free(rest);
	plan_free(&pl);
	p.net_all.val = true;
	assert_int_equal(sbpl_plan(&p, &cmd, &pl, &err), 0);
	assert_non_null(strstr(pl.wrapper.v[2], "(allow network*)\n"));
	assert_null(strstr(pl.wrapper.v[2], "remote tcp"));
	plan_free(&pl);
	pol_free(&p);
}

static void test_probe_linux(void **state)
{
	(void)state;
	char why[128] = "";
#ifndef __APPLE__
	assert_int_equal(backend_sandbox_exec.probe(why, sizeof(why)), -1);
	assert_string_equal(why, "sandbox-exec is macOS only");
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_shape),
		cmocka_unit_test(test_network),
		cmocka_unit_test(test_probe_linux),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
