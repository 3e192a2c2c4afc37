/* SPDX-License-Identifier: MIT */
/*
 * test_policy_files.c: hostile policy files.  A FIFO, a directory, a
 * device link, a symbolic or hard link as the workspace's file are
 * refused at once (never read, never waited on); a workspace path may
 * only name harmless variables, and its errors quote it as written.
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

#include "../../common.h"
#include "../../policy/policy.h"

#define V "[clawshim]\nversion = 1\n"

static char dir[] = "/tmp/clawshim-pf.XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int r = system(cmd);
	free(cmd);
	return r == 0 ? 0 : -1;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0644), 0);
}

/* Load `path` as the workspace's file; the error message, or "" if ok. */
static const char *load(const char *path, enum trust trust, struct policy_error *err)
{
	struct policy p;
	policy_init_empty(&p);
	int r = policy_load_file(&p, path, trust, true, err);
	policy_free(&p);
	return r == 0 ? "" : err->msg;
}

static void expect(const char *path, enum trust trust, const char *tail)
{
	struct policy_error err;
	char *want = xasprintf("%s: %s", path, tail);
	assert_string_equal(load(path, trust, &err), want);
	free(want);
}

static void test_not_regular(void **state)
{
	(void)state;
	char *fifo = xasprintf("%s/fifo.ini", dir), *sub = xasprintf("%s/d.ini", dir);
	char *zero = xasprintf("%s/zero.ini", dir);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(symlink("/dev/zero", zero), 0);
	/* Every layer: refused at once, the FIFO without a writer too. */
	for (int t = 0; t < 2; t++) {
		enum trust trust = t ? TRUST_TIGHTEN_ONLY : TRUST_FULL;
		expect(fifo, trust, "a FIFO, not a regular file; refusing it");
		expect(sub, trust, "a directory, not a regular file; refusing it");
	}
	expect(zero, TRUST_FULL, "a device, not a regular file; refusing it");
	free(fifo);
	free(sub);
	free(zero);
}

static void test_workspace_links(void **state)
{
	(void)state;
	char *real = xasprintf("%s/real.ini", dir), *sym = xasprintf("%s/sym.ini", dir);
	char *hard = xasprintf("%s/hard.ini", dir);
	write_file(real, V "[sandbox]\ntimeout = 9\n");
	assert_int_equal(symlink(real, sym), 0);
	struct policy_error err;
	/* A trusted layer may be a link (dotfile managers); the workspace's
	 * may not, and a second hard link makes it a file from elsewhere. */
	assert_string_equal(load(sym, TRUST_FULL, &err), "");
	expect(sym, TRUST_TIGHTEN_ONLY,
	       "a symbolic link; refusing it (the workspace policy must be a regular file)");
	assert_string_equal(load(real, TRUST_TIGHTEN_ONLY, &err), "");
	assert_int_equal(link(real, hard), 0);
	expect(hard, TRUST_TIGHTEN_ONLY, "has 2 hard links; refusing it");
	assert_string_equal(load(hard, TRUST_FULL, &err), "");
	free(real);
	free(sym);
	free(hard);
}

static void test_workspace_vars(void **state)
{
	(void)state;
	char *ws = xasprintf("%s/ws.ini", dir);
	struct policy_error err;
	setenv("CLAWSHIM_TEST_SECRET", "Vx9-not-to-be-printed", 1);
	write_file(ws, V "[filesystem]\ndeny = /nonexistent/$CLAWSHIM_TEST_SECRET/x\n");
	char *want = xasprintf("%s:4: $CLAWSHIM_TEST_SECRET in the workspace policy: only $HOME, "
			       "$USER, $LOGNAME, $TMPDIR and $XDG_*_HOME/$XDG_RUNTIME_DIR may be used",
			       ws);
	assert_string_equal(load(ws, TRUST_TIGHTEN_ONLY, &err), want);
	assert_null(strstr(err.msg, "Vx9"));
	free(want);
	write_file(ws, V "[filesystem]\ndeny_write = ${CLAWSHIM_TEST_SECRET}\n");
	assert_non_null(strstr(load(ws, TRUST_TIGHTEN_ONLY, &err), "$CLAWSHIM_TEST_SECRET in"));
	/* The same line in the user's own policy is the user's business. */
	write_file(ws, V "[filesystem]\ndeny = ?/nonexistent/$CLAWSHIM_TEST_SECRET\n");
	assert_string_equal(load(ws, TRUST_FULL, &err), "");

	/* $HOME may be named; a path error quotes the line as written. */
	setenv("HOME", "/nonexistent-home-Vx9", 1);
	write_file(ws, V "[filesystem]\ndeny = $HOME/x\n");
	struct policy p;
	assert_int_equal(policy_init_default(&p, &err), 0);
	assert_int_equal(policy_load_file(&p, ws, TRUST_TIGHTEN_ONLY, true, &err), 0);
	assert_int_equal(policy_resolve(&p, dir, &err), -1);
	want = xasprintf("%s:4: '$HOME/x': No such file or directory", ws);
	assert_string_equal(err.msg, want);
	free(want);
	policy_free(&p);
	free(ws);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_workspace_links),
		cmocka_unit_test(test_workspace_vars),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
