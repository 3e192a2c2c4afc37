/* SPDX-License-Identifier: MIT */
/*
 * test_mountns_plan.c: the private devpts step of the mount plan (only
 * where /dev/ptmx is granted) and dac_denies() on an execute-only
 * directory.
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
#include <sys/wait.h>
#include <unistd.h>

#include "../../backends/mountns_plan.h"
#include "testutil.h"

static void grant(struct pol_list *l, const char *path)
{
	struct pol_item *it = tu_push(l);
	it->raw = xstrdup(path);
	it->path = xstrdup(path);
}

static const struct mstep *find_op(const struct mount_plan *mp, enum mstep_op op)
{
	for (size_t i = 0; i < mp->n; i++)
		if (mp->v[i].op == op)
			return &mp->v[i];
	return NULL;
}

/* /dev/ptmx granted: a private devpts on /dev/pts, said as such. */
static void test_devpts_with_ptmx(void **state)
{
	(void)state;
	struct stat st;
	if (lstat("/dev/pts", &st) != 0 || !S_ISDIR(st.st_mode))
		skip();
	struct policy p;
	memset(&p, 0, sizeof(p));
	grant(&p.read_write, "/dev/null");
	grant(&p.read_write, "/dev/ptmx");
	struct mount_plan mp = { 0 };
	mountns_plan(&p, &mp);
	const struct mstep *s = find_op(&mp, MSTEP_DEVPTS);
	assert_non_null(s);
	assert_string_equal(s->path, "/dev/pts");
	assert_true(mp.devpts);
	assert_string_equal(mstep_what(&mp, s), "no access to other terminals; new pseudo-terminals work");
	assert_string_equal(mstep_how(s->op), "private mount namespace: a new devpts instance on /dev/pts");
	mount_plan_free(&mp);
	tu_list_free(&p.read_write);
}

/* No /dev/ptmx grant: no devpts step (and no namespace just for it). */
static void test_no_devpts_without_ptmx(void **state)
{
	(void)state;
	struct policy p;
	memset(&p, 0, sizeof(p));
	grant(&p.read_write, "/dev/null");
	grant(&p.read_write, "/dev/pts");
	struct mount_plan mp = { 0 };
	mountns_plan(&p, &mp);
	assert_null(find_op(&mp, MSTEP_DEVPTS));
	assert_false(mp.devpts);
	assert_int_equal(mp.n, 0);
	mount_plan_free(&mp);
	tu_list_free(&p.read_write);
}

/* An execute-only directory is not "denied by file permissions"; only
 * as a user other than root, so the check runs as uid 65534 in a child. */
static void test_dac_execute_only(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	char t[] = "/var/tmp/clawshim-unit.XXXXXX";
	assert_non_null(mkdtemp(t));
	chmod(t, 0755);
	char *x = xasprintf("%s/x", t), *c = xasprintf("%s/c", t);
	assert_int_equal(mkdir(x, 0711), 0);
	assert_int_equal(mkdir(c, 0700), 0);
	chmod(x, 0711);
	chmod(c, 0700);
	assert_false(dac_denies(x)); /* root: never */
	pid_t pid = fork();
	if (pid == 0) {
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(2);
		_exit(!dac_denies(x) && dac_denies(c) ? 0 : 1);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	rmdir(x);
	rmdir(c);
	rmdir(t);
	free(x);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_devpts_with_ptmx),
		cmocka_unit_test(test_no_devpts_without_ptmx),
		cmocka_unit_test(test_dac_execute_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
