/* SPDX-License-Identifier: MIT */
/*
 * test_policy.c: the policy parser, layering, trust, resolution and dump.
 *
 * Most cases are tables: a policy text applied on top of the built-in
 * default (and an optional "base" layer), then either the exact error and
 * hint, or lines the dump must (and must not) contain.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../common.h"
#include "../../policy/policy.h"

#define V "[clawshim]\nversion = 1\n"
#define WIDEN "would widen access; the workspace policy may only tighten"
#define WIDEN_HINT "move it to ~/.config/clawshim/clawshim.ini or pass --policy"

/* ---------------------------------------------------------------- helpers */

/* Default + optional base layer (full trust) + text as layer "test". */
static int load(struct policy *p, const char *base, const char *text,
		enum trust trust, struct policy_error *err)
{
	memset(err, 0, sizeof(*err));
	if (policy_init_default(p, err) < 0)
		fail_msg("built-in default: %s", err->msg);
	if (base && policy_load_string(p, base, "base", TRUST_FULL, err) < 0)
		fail_msg("base layer: %s", err->msg);
	return policy_load_string(p, text, "test", trust, err);
}

static char *dump_str(const struct policy *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	policy_dump(p, f);
	fclose(f);
	return buf;
}

static char *tmpdir_make(void)
{
	char tmpl[] = "/tmp/clawshim-test-XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	/* Canonical, so expected paths compare equal after realpath(). */
	char *canon = realpath(d, NULL);
	assert_non_null(canon);
	return canon;
}

static void tmpdir_remove(char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
}

static void write_file(const char *path, const char *text, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void make_dir(const char *dir, const char *sub)
{
	char *path = xasprintf("%s%s", dir, sub);
	assert_int_equal(mkdir(path, 0700), 0);
	free(path);
}

/* ------------------------------------------------------ invalid policies */

struct bad_case {
	const char *base;  /* extra full-trust layer, or NULL */
	const char *text;
	enum trust trust;
	const char *msg;   /* the exact error */
	const char *hint;  /* the exact hint ("" for none) */
};

static const struct bad_case bad_cases[] = {
	/* inih traps */
	{ NULL, V "[filesystem]\ndeny = /a\n  /b\n", TRUST_FULL,
	  "test:5: indented line (continuation lines are not allowed)", "" },
	{ NULL, V "[filesystem]\n\tdeny = /a\n", TRUST_FULL,
	  "test:4: indented line (continuation lines are not allowed)", "" },
	{ NULL, V "[sandbox]\ntimeout\n", TRUST_FULL,
	  "test:4: syntax error", "write '[section]' or 'key = value'" },
	{ NULL, V "[sandbox]\ntimeout\ntimeout = 5\nbackend = none\n", TRUST_FULL,
	  "test:4: syntax error", "write '[section]' or 'key = value'" },
	{ NULL, V "[sandbox]\nnokey\nbogus = 1\n", TRUST_FULL,
	  "test:4: syntax error", "write '[section]' or 'key = value'" },
	{ NULL, V "[sandbox]\nbogus = 1\nnokey\n", TRUST_FULL,
	  "test:4: unknown key 'bogus' in [sandbox]", "" },
	{ NULL, V "[sandbox\ntimeout = 1\n", TRUST_FULL,
	  "test:3: syntax error", "write '[section]' or 'key = value'" },
	{ NULL, V "[sandbox] timeout = 1\n", TRUST_FULL,
	  "test:3: unexpected text after [sandbox]", "" },
	/* unknown names */
	{ NULL, V "[filesystem]\nreed_only = /usr\n", TRUST_FULL,
	  "test:4: unknown key 'reed_only' in [filesystem]", "did you mean 'read_only'?" },
	{ NULL, V "[filesytem]\ndeny = /a\n", TRUST_FULL,
	  "test:3: unknown section [filesytem]", "did you mean [filesystem]?" },
	{ NULL, V "[frobnicate]\n", TRUST_FULL,
	  "test:3: unknown section [frobnicate]", "" },
	{ NULL, V "[sandbox]\nxyzzyplugh = 1\n", TRUST_FULL,
	  "test:4: unknown key 'xyzzyplugh' in [sandbox]", "" },
	{ NULL, V "[sandbox]\nTimeout = 1\n", TRUST_FULL,
	  "test:4: unknown key 'Timeout' in [sandbox]", "did you mean 'timeout'?" },
	{ NULL, "deny = /a\n", TRUST_FULL,
	  "test:1: 'deny' outside any [section]", "" },
	/* duplicates, empty items */
	{ NULL, V "[sandbox]\ntimeout = 5\n\ntimeout = 6\n", TRUST_FULL,
	  "test:6: 'timeout' already set at line 4",
	  "a later file may override it; within one file, say it once" },
	{ NULL, V "[filesystem]\ndeny = /a, , /b\n", TRUST_FULL,
	  "test:4: empty item in 'deny' (write 'deny =' alone to clear the list)", "" },
	{ NULL, V "[filesystem]\ndeny = /a,\n", TRUST_FULL,
	  "test:4: empty item in 'deny' (write 'deny =' alone to clear the list)", "" },
	{ NULL, V "[filesystem]\ndeny = ?\n", TRUST_FULL,
	  "test:4: empty path after '?' in 'deny'", "" },
	/* version */
	{ NULL, "", TRUST_FULL,
	  "test: missing [clawshim] version = 1 (must come first)", "" },
	{ NULL, "; nothing\n[sandbox]\ntimeout = 5\n", TRUST_FULL,
	  "test: missing [clawshim] version = 1 (must come first)", "" },
	{ NULL, "[sandbox]\ntimeout = 5\n[clawshim]\nversion = 1\n", TRUST_FULL,
	  "test: missing [clawshim] version = 1 (must come first)", "" },
	{ NULL, "[clawshim]\nversion = 2\n", TRUST_FULL,
	  "test:2: unsupported policy version 2 (this clawshim reads version 1)", "" },
	{ NULL, "[clawshim]\nversion = one\n", TRUST_FULL,
	  "test:2: bad value 'one' for 'version' (expected 1)", "" },
	/* bad values */
	{ NULL, V "[sandbox]\nbest_effort = maybe\n", TRUST_FULL,
	  "test:4: bad value 'maybe' for 'best_effort' (expected true or false)", "" },
	{ NULL, V "[sandbox]\ntimeout = -1\n", TRUST_FULL,
	  "test:4: bad value '-1' for 'timeout' (expected seconds, 0 for none)", "" },
	{ NULL, V "[sandbox]\ntimeout = 5s\n", TRUST_FULL,
	  "test:4: bad value '5s' for 'timeout' (expected seconds, 0 for none)", "" },
	{ NULL, V "[sandbox]\nkill_after = 0\n", TRUST_FULL,
	  "test:4: bad value '0' for 'kill_after' (expected seconds, at least 1)", "" },
	{ NULL, V "[sandbox]\nbackend = landlok\n", TRUST_FULL,
	  "test:4: unknown backend 'landlok' (auto, landlock, bwrap, firejail, "
	  "docker, sandbox-exec, path or none)", "did you mean 'landlock'?" },
	{ NULL, V "[sandbox]\nshell = bin/bash\n", TRUST_FULL,
	  "test:4: 'shell' must be an absolute path, not 'bin/bash'", "" },
	{ NULL, V "[sandbox]\nprofile = claude code\n", TRUST_FULL,
	  "test:4: bad value 'claude code' for 'profile' (expected no blanks)", "" },
	{ NULL, V "[network]\nallow = some\n", TRUST_FULL,
	  "test:4: bad value 'some' for 'allow' (expected none, domains or all)", "" },
	{ NULL, V "[network]\nconnect_tcp = 443, 0\n", TRUST_FULL,
	  "test:4: bad value '0' for 'connect_tcp' (expected a TCP port, 1 to 65535)", "" },
	{ NULL, V "[network]\nbind_tcp = 65536\n", TRUST_FULL,
	  "test:4: bad value '65536' for 'bind_tcp' (expected a TCP port, 1 to 65535)", "" },
	{ NULL, V "[network]\nconnect_tcp = https\n", TRUST_FULL,
	  "test:4: bad value 'https' for 'connect_tcp' (expected a TCP port, 1 to 65535)", "" },
	{ NULL, V "[process]\nmax_memory = 2X\n", TRUST_FULL,
	  "test:4: bad value '2X' for 'max_memory' (expected a size like 512M or 2G, "
	  "or 'unlimited')", "" },
	{ NULL, V "[process]\nmax_memory = 0\n", TRUST_FULL,
	  "test:4: bad value '0' for 'max_memory' (expected a size like 512M or 2G, "
	  "or 'unlimited')", "" },
	{ NULL, V "[process]\nmax_file_size = 99999999999T\n", TRUST_FULL,
	  "test:4: bad value '99999999999T' for 'max_file_size' (expected a size like "
	  "512M or 2G, or 'unlimited')", "" },
	{ NULL, V "[process]\nmax_processes = 0\n", TRUST_FULL,
	  "test:4: bad value '0' for 'max_processes' (expected a positive integer or "
	  "'unlimited')", "" },
	{ NULL, V "[process]\nmax_open_files = lots\n", TRUST_FULL,
	  "test:4: bad value 'lots' for 'max_open_files' (expected a positive integer "
	  "or 'unlimited')", "" },
	{ NULL, V "[process]\nkeep_capabilities = net_bind_servise\n", TRUST_FULL,
	  "test:4: unknown capability 'net_bind_servise'",
	  "did you mean 'CAP_NET_BIND_SERVICE'?" },
	{ NULL, V "[process]\nkeep_capabilities = CAP_FLY\n", TRUST_FULL,
	  "test:4: unknown capability 'CAP_FLY'", "" },
	{ NULL, V "[seccomp]\ndeny = ptrce\n", TRUST_FULL,
	  "test:4: unknown system call 'ptrce'", "did you mean 'ptrace'?" },
	{ NULL, V "[environment]\nset = 1FOO=x\n", TRUST_FULL,
	  "test:4: bad value '1FOO=x' for 'set' (expected NAME=VALUE, NAME of letters, "
	  "digits and _)", "" },
	{ NULL, V "[environment]\nset = NOEQUALS\n", TRUST_FULL,
	  "test:4: bad value 'NOEQUALS' for 'set' (expected NAME=VALUE, NAME of "
	  "letters, digits and _)", "" },
	{ NULL, V "[environment]\nremove = A=B\n", TRUST_FULL,
	  "test:4: bad value 'A=B' for 'remove' (expected a variable name or pattern)", "" },
	{ NULL, V "[docker]\nengine = lxc\n", TRUST_FULL,
	  "test:4: bad value 'lxc' for 'engine' (expected docker or podman)", "" },
	{ NULL, V "[docker]\nimage = a b\n", TRUST_FULL,
	  "test:4: bad value 'a b' for 'image' (expected no blanks)", "" },
	/* tighten-only: everything that widens */
	{ NULL, V "[sandbox]\nbackend = none\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'backend' " WIDEN, WIDEN_HINT },
	{ NULL, V "[sandbox]\nbest_effort = true\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'best_effort' " WIDEN, WIDEN_HINT },
	{ NULL, V "[sandbox]\nshell = /bin/sh\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'shell' " WIDEN, WIDEN_HINT },
	/* A profile grants: a workspace file may not name one. */
	{ NULL, V "[sandbox]\nprofile = claude-code\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'profile' " WIDEN, WIDEN_HINT },
	{ "[clawshim]\nversion = 1\n[sandbox]\ntimeout = 30\n",
	  V "[sandbox]\ntimeout = 60\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'timeout' " WIDEN, WIDEN_HINT },
	{ "[clawshim]\nversion = 1\n[sandbox]\ntimeout = 30\n",
	  V "[sandbox]\ntimeout = 0\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'timeout' " WIDEN, WIDEN_HINT },
	{ NULL, V "[sandbox]\nkill_after = 10\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'kill_after' " WIDEN, WIDEN_HINT },
	{ NULL, V "[filesystem]\nworkspace = /\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'workspace' " WIDEN, WIDEN_HINT },
	{ NULL, V "[filesystem]\nread_write = /\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'read_write' " WIDEN, WIDEN_HINT },
	{ NULL, V "[filesystem]\nread_only = /\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'read_only' " WIDEN, WIDEN_HINT },
	{ NULL, V "[filesystem]\ndeny =\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'deny' " WIDEN, WIDEN_HINT },
	{ NULL, V "[filesystem]\ndeny_write =\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'deny_write' " WIDEN, WIDEN_HINT },
	{ NULL, V "[network]\nallow = all\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'allow' " WIDEN, WIDEN_HINT },
	{ NULL, V "[network]\nconnect_tcp = 443\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'connect_tcp' " WIDEN, WIDEN_HINT },
	{ NULL, V "[network]\nbind_tcp = 8080\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'bind_tcp' " WIDEN, WIDEN_HINT },
	{ NULL, V "[network]\nunix = /run/x.sock\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'unix' " WIDEN, WIDEN_HINT },
	{ NULL, V "[process]\nmax_memory = 16G\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'max_memory' " WIDEN, WIDEN_HINT },
	{ NULL, V "[process]\nmax_processes = unlimited\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'max_processes' " WIDEN, WIDEN_HINT },
	{ NULL, V "[process]\nmax_cpu = unlimited\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'max_cpu' " WIDEN, WIDEN_HINT },
	{ NULL, V "[process]\nkeep_capabilities = CAP_CHOWN\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'keep_capabilities' " WIDEN, WIDEN_HINT },
	{ NULL, V "[environment]\nkeep = GITHUB_TOKEN\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'keep' " WIDEN, WIDEN_HINT },
	{ NULL, V "[environment]\nset = LD_PRELOAD=/tmp/x.so\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'set' " WIDEN, WIDEN_HINT },
	{ NULL, V "[environment]\nremove =\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'remove' " WIDEN, WIDEN_HINT },
	{ NULL, V "[seccomp]\ndeny =\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'deny' " WIDEN, WIDEN_HINT },
	{ NULL, V "[docker]\nimage = evil:latest\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'image' " WIDEN, WIDEN_HINT },
	{ NULL, V "[docker]\nengine = podman\n", TRUST_TIGHTEN_ONLY,
	  "test:4: 'engine' " WIDEN, WIDEN_HINT },
	/* a widening line after allowed ones still fails the layer */
	{ NULL, V "[filesystem]\ndeny = /x\nno_exec = /tmp\nread_write = /\n",
	  TRUST_TIGHTEN_ONLY, "test:6: 'read_write' " WIDEN, WIDEN_HINT },
};

static void test_bad_policies(void **state)
{
	(void)state;
	size_t failed = 0;
	for (size_t i = 0; i < ARRAY_LEN(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct policy p;
		struct policy_error err;
		int r = load(&p, c->base, c->text, c->trust, &err);
		if (r != -1 || strcmp(err.msg, c->msg) || strcmp(err.hint, c->hint)) {
			print_error("case %zu: %s\n  got %d '%s' hint '%s'\n  want '%s' "
				    "hint '%s'\n", i, c->text, r, err.msg, err.hint,
				    c->msg, c->hint);
			failed++;
		}
		policy_free(&p);
	}
	assert_int_equal(failed, 0);
}

/* -------------------------------------------------------- valid policies */

struct good_case {
	const char *base;
	const char *text;
	enum trust trust;
	const char *want[4];    /* the unresolved dump contains these */
	const char *notwant[3]; /* and not these */
};

static const struct good_case good_cases[] = {
	/* comments, blank lines, CRLF, BOM, inline comments */
	{ NULL, "\xEF\xBB\xBF" V "; comment\n  ; indented comment\n\t# another\n"
	  "\n[sandbox]\r\ntimeout = 7 ; seconds\r\n", TRUST_FULL,
	  { "timeout = 7 ; test:8\n" }, { NULL } },
	/* scalars of every type */
	{ NULL, V "[sandbox]\nbackend = sandbox-exec\nbest_effort = yes\n"
	  "kill_after = 2\nshell = /bin/sh\n", TRUST_FULL,
	  { "backend = sandbox-exec ; test:4\n", "best_effort = true ; test:5\n",
	    "kill_after = 2 ; test:6\n", "shell = /bin/sh ; test:7\n" }, { NULL } },
	{ NULL, V "[network]\nallow = all\n[docker]\nimage = debian:12\nengine = podman\n",
	  TRUST_FULL, { "allow = all ; test:4\n", "image = debian:12 ; test:6\n",
			"engine = podman ; test:7\n" }, { NULL } },
	{ NULL, V "[sandbox]\nbest_effort = on\n", TRUST_FULL,
	  { "best_effort = true ; test:4\n" }, { NULL } },
	{ NULL, V "[sandbox]\nbest_effort = 0\n", TRUST_FULL,
	  { "best_effort = false ; test:4\n" }, { NULL } },
	/* limits */
	{ NULL, V "[process]\nmax_memory = 2G\nmax_file_size = 512k\n"
	  "max_processes = unlimited\nmax_cpu = 60\n", TRUST_FULL,
	  { "max_memory = 2147483648 ; test:4\n", "max_file_size = 524288 ; test:5\n",
	    "max_processes = unlimited ; test:6\n", "max_cpu = 60 ; test:7\n" },
	  { NULL } },
	{ NULL, V "[process]\nmax_memory = 1t\nmax_open_files = 1024\nmax_file_size = 100\n",
	  TRUST_FULL, { "max_memory = 1099511627776 ; test:4\n",
			"max_open_files = 1024 ; test:5\n", "max_file_size = 100 ; test:6\n" },
	  { NULL } },
	/* lists accumulate across lines ... */
	{ NULL, V "[filesystem]\nno_exec = /a, /b\nno_exec = ?/c\n", TRUST_FULL,
	  { "no_exec = /a ; test:4\nno_exec = /b ; test:4\nno_exec = ?/c ; test:5\n" },
	  { NULL } },
	/* ... and layers */
	{ "[clawshim]\nversion = 1\n[network]\nconnect_tcp = 443\n",
	  V "[network]\nconnect_tcp = 80,22\n", TRUST_FULL,
	  { "connect_tcp = 443 ; base:4\nconnect_tcp = 80 ; test:4\n"
	    "connect_tcp = 22 ; test:4\n" }, { NULL } },
	/* an empty value resets what came before, in any layer */
	{ "[clawshim]\nversion = 1\n[filesystem]\ndeny = /base\n",
	  V "[filesystem]\ndeny =\ndeny = /z\n", TRUST_FULL,
	  { "deny = /z ; test:5\n" }, { "/base", "~/.ssh" } },
	{ NULL, V "[environment]\nremove =\n", TRUST_FULL,
	  { "[environment]\n[seccomp]\n" }, { "remove =" } },
	/* later layers override scalars */
	{ "[clawshim]\nversion = 1\n[sandbox]\ntimeout = 30\n",
	  V "[sandbox]\ntimeout = 10\n", TRUST_FULL,
	  { "timeout = 10 ; test:4\n" }, { "timeout = 30" } },
	/* capabilities normalised, syscalls, environment */
	{ NULL, V "[process]\nkeep_capabilities = net_bind_service, cap_chown, "
	  "CAP_CHECKPOINT_RESTORE\n", TRUST_FULL,
	  { "keep_capabilities = CAP_NET_BIND_SERVICE ; test:4\n"
	    "keep_capabilities = CAP_CHOWN ; test:4\n"
	    "keep_capabilities = CAP_CHECKPOINT_RESTORE ; test:4\n" }, { NULL } },
	{ NULL, V "[seccomp]\ndeny = ptrace, mount, kexec_load\n", TRUST_FULL,
	  { "deny = ptrace ; test:4\ndeny = mount ; test:4\ndeny = kexec_load ; test:4\n" },
	  { NULL } },
	{ NULL, V "[environment]\nset = LIST=a,b,c\nset = EMPTY=\nkeep = GITHUB_*, CI\n",
	  TRUST_FULL, { "set = LIST=a,b,c ; test:4\n", "set = EMPTY= ; test:5\n",
			"keep = GITHUB_* ; test:6\nkeep = CI ; test:6\n" }, { NULL } },
	/* tighten-only: what may be said */
	{ NULL, V "[filesystem]\ndeny = /x\ndeny_write = /y\nno_exec = /tmp\n"
	  "[environment]\nremove = FOO\n[seccomp]\ndeny = ptrace\n", TRUST_TIGHTEN_ONLY,
	  { "deny = /x ; test:4\n", "deny_write = /y ; test:5\n",
	    "no_exec = /tmp ; test:6\n", "remove = FOO ; test:8\n" }, { NULL } },
	{ NULL, V "[network]\nallow = none\n[sandbox]\nbest_effort = false\ntimeout = 10\n"
	  "kill_after = 2\n", TRUST_TIGHTEN_ONLY,
	  { "allow = none ; test:4\n", "best_effort = false ; test:6\n",
	    "timeout = 10 ; test:7\n", "kill_after = 2 ; test:8\n" }, { NULL } },
	{ "[clawshim]\nversion = 1\n[sandbox]\ntimeout = 30\n",
	  V "[sandbox]\ntimeout = 30\nkill_after = 5\n", TRUST_TIGHTEN_ONLY,
	  { "timeout = 30 ; test:4\n", "kill_after = 5 ; test:5\n" }, { NULL } },
	{ "[clawshim]\nversion = 1\n[process]\nmax_open_files = unlimited\n",
	  V "[process]\nmax_memory = 1G\nmax_processes = 100\nmax_cpu = 60\n"
	  "max_open_files = unlimited\n", TRUST_TIGHTEN_ONLY,
	  { "max_memory = 1073741824 ; test:4\n", "max_processes = 100 ; test:5\n",
	    "max_cpu = 60 ; test:6\n", "max_open_files = unlimited ; test:7\n" },
	  { NULL } },
	{ NULL, V "[process]\nmax_file_size = 1M\nmax_memory = 8G\n", TRUST_TIGHTEN_ONLY,
	  { "max_file_size = 1048576 ; test:4\n", "max_memory = 8589934592 ; test:5\n" },
	  { NULL } },
};

static void test_good_policies(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(good_cases); i++) {
		const struct good_case *c = &good_cases[i];
		struct policy p;
		struct policy_error err;
		if (load(&p, c->base, c->text, c->trust, &err) != 0) {
			print_error("case %zu: %s\n  unexpected error '%s' hint '%s'\n",
				    i, c->text, err.msg, err.hint);
			policy_free(&p);
			fail();
		}
		char *d = dump_str(&p);
		bool ok = true;
		for (size_t j = 0; j < ARRAY_LEN(c->want) && c->want[j]; j++)
			if (!strstr(d, c->want[j])) {
				print_error("case %zu: dump lacks '%s'\n", i, c->want[j]);
				ok = false;
			}
		for (size_t j = 0; j < ARRAY_LEN(c->notwant) && c->notwant[j]; j++)
			if (strstr(d, c->notwant[j])) {
				print_error("case %zu: dump has '%s'\n", i, c->notwant[j]);
				ok = false;
			}
		if (!ok)
			print_error("%s", d);
		free(d);
		policy_free(&p);
		assert_true(ok);
	}
}

/* ------------------------------------------------------- targeted tests */

/* A line that does not fit inih's buffer is refused, never cut. */
static void test_long_line(void **state)
{
	(void)state;
	struct policy p;
	struct policy_error err;
	char text[512], line[300];

	/* 250 bytes: inih would pass the first 199 as a path and parse the
	 * tail "deny = ..." as a line of its own. */
	memset(line, 'a', sizeof(line));
	memcpy(line, "read_only = /", 13);
	memcpy(line + 210, "\ndeny = /x", 10);
	line[250] = '\0';
	snprintf(text, sizeof(text), V "[filesystem]\n%s\n", line);
	assert_int_equal(load(&p, NULL, text, TRUST_FULL, &err), -1);
	assert_string_equal(err.msg, "test:4: line too long (at most 197 bytes)");
	policy_free(&p);

	memset(line, 'a', 250);
	memcpy(line, "read_only = /", 13);
	line[250] = '\0';
	snprintf(text, sizeof(text), V "[filesystem]\n%s\n", line);
	assert_int_equal(load(&p, NULL, text, TRUST_FULL, &err), -1);
	assert_string_equal(err.msg, "test:4: line too long (at most 197 bytes)");
	policy_free(&p);

	/* The boundary: 197 bytes pass (with or without \r or a final \n),
	 * 198 do not. */
	static const char *const ends[] = { "\n", "\r\n", "" };
	for (size_t e = 0; e < ARRAY_LEN(ends); e++) {
		memset(line, 'b', 197);
		memcpy(line, "remove = X", 10);
		line[197] = '\0';
		snprintf(text, sizeof(text), V "[environment]\n%s%s", line, ends[e]);
		assert_int_equal(load(&p, NULL, text, TRUST_FULL, &err), 0);
		assert_int_equal(p.env_remove.v[p.env_remove.n - 1].raw[0], 'X');
		assert_int_equal(strlen(p.env_remove.v[p.env_remove.n - 1].raw), 188);
		policy_free(&p);
		line[197] = 'b';
		line[198] = '\0';
		snprintf(text, sizeof(text), V "[environment]\n%s%s", line, ends[e]);
		assert_int_equal(load(&p, NULL, text, TRUST_FULL, &err), -1);
		assert_string_equal(err.msg, "test:4: line too long (at most 197 bytes)");
		policy_free(&p);
	}
}

static void test_nul_byte(void **state)
{
	(void)state;
	char *dir = tmpdir_make();
	char *path = xasprintf("%s/p.ini", dir);
	static const char text[] = V "[sandbox]\ntime\0out = 5\n";
	write_file(path, text, sizeof(text) - 1, 0644);
	struct policy p;
	struct policy_error err;
	policy_init_empty(&p);
	assert_int_equal(policy_load_file(&p, path, TRUST_FULL, true, &err), -1);
	char *want = xasprintf("%s:4: NUL byte in the line", path);
	assert_string_equal(err.msg, want);
	free(want);
	policy_free(&p);
	free(path);
	tmpdir_remove(dir);
}

static void test_files(void **state)
{
	(void)state;
	char *dir = tmpdir_make();
	char *path = xasprintf("%s/p.ini", dir);
	char *link = xasprintf("%s/link.ini", dir);
	static const char text[] = V "[sandbox]\ntimeout = 9\n";
	struct policy p;
	struct policy_error err;

	/* missing: fine unless it must exist */
	policy_init_empty(&p);
	assert_int_equal(policy_load_file(&p, path, TRUST_FULL, false, &err), 1);
	assert_int_equal(policy_load_file(&p, path, TRUST_FULL, true, &err), -1);
	char *want = xasprintf("%s: No such file or directory", path);
	assert_string_equal(err.msg, want);
	free(want);
	policy_free(&p);

	/* writable by others: refused, with the fix */
	write_file(path, text, sizeof(text) - 1, 0666);
	policy_init_empty(&p);
	assert_int_equal(policy_load_file(&p, path, TRUST_FULL, true, &err), -1);
	want = xasprintf("%s: writable by group or others; refusing it", path);
	assert_string_equal(err.msg, want);
	free(want);
	want = xasprintf("chmod go-w %s", path);
	assert_string_equal(err.hint, want);
	free(want);
	assert_false(p.timeout.set);
	policy_free(&p);

	write_file(path, text, sizeof(text) - 1, 0620);
	policy_init_empty(&p);
	assert_int_equal(policy_load_file(&p, path, TRUST_FULL, true, &err), -1);
	assert_non_null(strstr(err.msg, "writable by group or others"));
	policy_free(&p);

	/* a directory is not a policy */
	policy_init_empty(&p);
	assert_int_equal(policy_load_file(&p, dir, TRUST_FULL, true, &err), -1);
	want = xasprintf("%s: a directory, not a regular file; refusing it", dir);
	assert_string_equal(err.msg, want);
	free(want);
	policy_free(&p);

	/* good: applied, recorded by canonical path, origin names the file */
	write_file(path, text, sizeof(text) - 1, 0644);
	assert_int_equal(symlink(path, link), 0);
	policy_init_empty(&p);
	assert_int_equal(policy_load_file(&p, link, TRUST_FULL, true, &err), 0);
	assert_int_equal(p.timeout.val, 9);
	assert_string_equal(p.timeout.from.layer, link);
	assert_int_equal(p.timeout.from.line, 4);
	assert_int_equal(p.files.n, 1);
	assert_string_equal(p.files.v[0].path, path);
	assert_string_equal(p.files.v[0].raw, path);
	policy_free(&p);

	/* errors in a file name the file */
	static const char bad[] = V "[sandbox]\ntimeout = 9\ntimeout = 9\n";
	write_file(path, bad, sizeof(bad) - 1, 0600);
	policy_init_empty(&p);
	assert_int_equal(policy_load_file(&p, path, TRUST_TIGHTEN_ONLY, true, &err), -1);
	want = xasprintf("%s:5: 'timeout' already set at line 4", path);
	assert_string_equal(err.msg, want);
	free(want);
	policy_free(&p);

	/* over 1 MiB: refused */
	size_t big = 1024 * 1024 + 10;
	char *huge = xmalloc(big);
	memset(huge, '\n', big);
	memcpy(huge, V, strlen(V));
	write_file(path, huge, big, 0644);
	free(huge);
	policy_init_empty(&p);
	assert_int_equal(policy_load_file(&p, path, TRUST_FULL, true, &err), -1);
	assert_non_null(strstr(err.msg, "larger than 1048576 bytes; refusing it"));
	policy_free(&p);

	free(path);
	free(link);
	tmpdir_remove(dir);
}

static void test_policy_set(void **state)
{
	(void)state;
	struct policy p;
	struct policy_error err;
	policy_init_empty(&p);
	assert_int_equal(policy_set(&p, "filesystem", "read_only", "/srv, /opt",
				    "command line", 0, TRUST_FULL, &err), 0);
	assert_int_equal(p.read_only.n, 2);
	assert_string_equal(p.read_only.v[1].raw, "/opt");
	assert_string_equal(p.read_only.v[1].from.layer, "command line");
	assert_int_equal(policy_set(&p, "sandbox", "timeout", "5", "command line", 0,
				    TRUST_FULL, &err), 0);
	/* each call is its own line: a second one overrides */
	assert_int_equal(policy_set(&p, "sandbox", "timeout", "6", "command line", 0,
				    TRUST_FULL, &err), 0);
	assert_int_equal(p.timeout.val, 6);
	/* layer names are interned once */
	assert_int_equal(p.nlayers, 1);
	assert_ptr_equal(p.timeout.from.layer, p.read_only.v[0].from.layer);

	assert_int_equal(policy_set(&p, "sandbox", "timout", "5", "command line", 0,
				    TRUST_FULL, &err), -1);
	assert_string_equal(err.msg, "command line: unknown key 'timout' in [sandbox]");
	assert_string_equal(err.hint, "did you mean 'timeout'?");
	assert_int_equal(policy_set(&p, "sandbx", "timeout", "5", "command line", 0,
				    TRUST_FULL, &err), -1);
	assert_string_equal(err.msg, "command line: unknown section [sandbx]");
	assert_string_equal(err.hint, "did you mean [sandbox]?");
	assert_int_equal(policy_set(&p, "network", "allow", "all", "x.ini", 3,
				    TRUST_TIGHTEN_ONLY, &err), -1);
	assert_string_equal(err.msg, "x.ini:3: 'allow' " WIDEN);
	policy_free(&p);
}

static void test_backend_names(void **state)
{
	(void)state;
	for (int i = 0; i < BACKEND_COUNT; i++) {
		const char *name = backend_name((enum backend_id)i);
		char *text = xasprintf(V "[sandbox]\nbackend = %s\n", name);
		struct policy p;
		struct policy_error err;
		assert_int_equal(load(&p, NULL, text, TRUST_FULL, &err), 0);
		assert_int_equal(p.backend.val, i);
		free(text);
		policy_free(&p);
	}
	assert_string_equal(backend_name(BACKEND_SANDBOX_EXEC), "sandbox-exec");
	assert_string_equal(backend_name(BACKEND_BWRAP), "bwrap");
}

/* ------------------------------------------------------------ resolution */

struct fixture {
	char *dir;      /* canonical temp dir */
	char *oldhome;
};

static int fx_setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));
	fx->dir = tmpdir_make();
	const char *h = getenv("HOME");
	fx->oldhome = h ? xstrdup(h) : NULL;
	make_dir(fx->dir, "/home");
	make_dir(fx->dir, "/home/.ssh");
	make_dir(fx->dir, "/ws");
	make_dir(fx->dir, "/ws/sub");
	make_dir(fx->dir, "/ws/.git");
	make_dir(fx->dir, "/ws/.git/hooks");
	char *p = xasprintf("%s/ws/sub/a$-b", fx->dir);
	write_file(p, "", 0, 0644);
	free(p);
	char *target = xasprintf("%s/ws/sub", fx->dir);
	char *ln = xasprintf("%s/link", fx->dir);
	assert_int_equal(symlink(target, ln), 0);
	free(target);
	free(ln);
	ln = xasprintf("%s/dangling", fx->dir);
	assert_int_equal(symlink("/nonexistent-clawshim", ln), 0);
	free(ln);
	char *home = xasprintf("%s/home", fx->dir);
	setenv("HOME", home, 1);
	free(home);
	setenv("CS_TEST_DIR", fx->dir, 1);
	unsetenv("CS_TEST_UNSET");
	setenv("CS_TEST_EMPTY", "", 1);
	*state = fx;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fixture *fx = *state;
	if (fx->oldhome)
		setenv("HOME", fx->oldhome, 1);
	else
		unsetenv("HOME");
	unsetenv("CS_TEST_DIR");
	unsetenv("CS_TEST_EMPTY");
	free(fx->oldhome);
	tmpdir_remove(fx->dir);
	free(fx);
	return 0;
}

/* text as a layer on an empty policy, resolved against dir/ws. */
static int load_resolve(struct policy *p, const char *dir, const char *body,
			struct policy_error *err)
{
	char *text = xasprintf(V "%s", body);
	char *cwd = xasprintf("%s/ws", dir);
	memset(err, 0, sizeof(*err));
	policy_init_empty(p);
	int r = policy_load_string(p, text, "test", TRUST_FULL, err);
	if (r == 0)
		r = policy_resolve(p, cwd, err);
	free(text);
	free(cwd);
	return r;
}

static void test_expansion(void **state)
{
	struct fixture *fx = *state;
	const char *d = fx->dir;
	struct policy p;
	struct policy_error err;
	static const char body[] =
		"[filesystem]\n"
		"read_only = ~/.ssh, ~root, $CS_TEST_DIR/link, ${CS_TEST_DIR}/ws/sub\n"
		"read_only = sub, ./sub/../sub/a$-b, sub/a$-b, ?/nonexistent/x\n"
		"read_only = ?$CS_TEST_UNSET/x, ?$CS_TEST_DIR/dangling, /usr/\n";
	assert_int_equal(load_resolve(&p, d, body, &err), 0);
	struct passwd *pw = getpwnam("root");
	assert_non_null(pw);
	char *root = realpath(pw->pw_dir, NULL);
	assert_non_null(root);
	char *want[] = {
		xasprintf("%s/home/.ssh", d), xstrdup(root), xasprintf("%s/ws/sub", d),
		xasprintf("%s/ws/sub", d), xasprintf("%s/ws/sub", d),
		xasprintf("%s/ws/sub/a$-b", d), xasprintf("%s/ws/sub/a$-b", d),
		NULL, NULL, NULL, realpath("/usr", NULL),
	};
	free(root);
	assert_int_equal(p.read_only.n, ARRAY_LEN(want));
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		if (want[i])
			assert_string_equal(p.read_only.v[i].path, want[i]);
		else
			assert_null(p.read_only.v[i].path);
		free(want[i]);
	}
	char *ws = xasprintf("%s/ws", d);
	assert_string_equal(p.workspace.val, ws);
	free(ws);
	assert_true(p.resolved);
	policy_free(&p);

	/* workspace through a symlink and ~ */
	assert_int_equal(load_resolve(&p, d, "[filesystem]\nworkspace = $CS_TEST_DIR/link\n"
				      "deny = ?a$-b\n", &err), 0);
	char *sub = xasprintf("%s/ws/sub", d);
	assert_string_equal(p.workspace.val, sub);
	char *ab = xasprintf("%s/ws/sub/a$-b", d);
	assert_string_equal(p.deny.v[0].path, ab);
	free(ab);
	free(sub);
	policy_free(&p);
}

struct resolve_bad {
	const char *body;
	const char *msg;  /* "%s" is the temp dir */
	const char *hint;
};

static const struct resolve_bad resolve_bad[] = {
	{ "[filesystem]\nread_only = $CS_TEST_UNSET/x\n",
	  "test:4: $CS_TEST_UNSET is not set (in '$CS_TEST_UNSET/x')", "" },
	{ "[filesystem]\nread_only = ${CS_TEST_EMPTY}/x\n",
	  "test:4: $CS_TEST_EMPTY is not set (in '${CS_TEST_EMPTY}/x')", "" },
	{ "[filesystem]\nread_only = ${CS_TEST_DIR/x\n",
	  "test:4: bad variable reference in '${CS_TEST_DIR/x'", "" },
	{ "[filesystem]\nread_only = /usr\nread_only = nope\n",
	  "test:5: %s/ws/nope: No such file or directory",
	  "create it, or write '?nope' to make it optional" },
	{ "[filesystem]\ndeny = ~/.gnupg\n",
	  "test:4: %s/home/.gnupg: No such file or directory",
	  "create it, or write '?~/.gnupg' to make it optional" },
	{ "[filesystem]\nno_exec = $CS_TEST_DIR/dangling\n",
	  "test:4: %s/dangling: No such file or directory",
	  "create it, or write '?$CS_TEST_DIR/dangling' to make it optional" },
	{ "[filesystem]\nread_only = /etc/passwd/x\n",
	  "test:4: /etc/passwd/x: Not a directory",
	  "create it, or write '?/etc/passwd/x' to make it optional" },
	{ "[filesystem]\nread_only = ~nosuchuser-clawshim/x\n",
	  "test:4: unknown user 'nosuchuser-clawshim' (in '~nosuchuser-clawshim/x')", "" },
	{ "[network]\nunix = ?~nosuchuser-clawshim/x\n",
	  "test:4: unknown user 'nosuchuser-clawshim' (in '~nosuchuser-clawshim/x')", "" },
	{ "[filesystem]\nworkspace = sub/a$-b\n",
	  "test:4: workspace %s/ws/sub/a$-b: not a directory", "" },
	{ "[filesystem]\nworkspace = /nonexistent-clawshim\n",
	  "test:4: /nonexistent-clawshim: No such file or directory",
	  "create the directory, or set 'workspace' to one" },
	{ "[sandbox]\nshell = /nonexistent-clawshim/sh\n",
	  "test:4: /nonexistent-clawshim/sh: No such file or directory", "" },
	{ "[sandbox]\nshell = /etc/passwd\n",
	  "test:4: /etc/passwd: not an executable file", "" },
	{ "[sandbox]\nshell = /usr/bin\n",
	  "test:4: /usr/bin: not an executable file", "" },
};

/* tmpl with its "%s", if any, replaced by dir. */
static char *subst(const char *tmpl, const char *dir)
{
	const char *at = strstr(tmpl, "%s");
	if (!at)
		return xstrdup(tmpl);
	return xasprintf("%.*s%s%s", (int)(at - tmpl), tmpl, dir, at + 2);
}

static void test_resolve_errors(void **state)
{
	struct fixture *fx = *state;
	for (size_t i = 0; i < ARRAY_LEN(resolve_bad); i++) {
		const struct resolve_bad *c = &resolve_bad[i];
		struct policy p;
		struct policy_error err;
		char *want = subst(c->msg, fx->dir);
		int r = load_resolve(&p, fx->dir, c->body, &err);
		if (r != -1 || strcmp(err.msg, want) || strcmp(err.hint, c->hint)) {
			print_error("case %zu: got %d '%s' hint '%s'\n  want '%s' hint '%s'\n",
				    i, r, err.msg, err.hint, want, c->hint);
			free(want);
			policy_free(&p);
			fail();
		}
		free(want);
		policy_free(&p);
	}
}

static void test_shell(void **state)
{
	struct fixture *fx = *state;
	struct policy p;
	struct policy_error err;
	assert_int_equal(load_resolve(&p, fx->dir, "[sandbox]\nshell = /bin/sh\n", &err), 0);
	/* the name is kept (not canonicalised): argv[0] matters to shells */
	assert_string_equal(p.shell.val, "/bin/sh");
	policy_free(&p);
}

/* The built-in default loads and resolves in a bare home directory. */
static void test_default_resolves(void **state)
{
	struct fixture *fx = *state;
	struct policy p;
	struct policy_error err;
	assert_int_equal(policy_init_default(&p, &err), 0);
	assert_int_equal(p.version.val, 1);
	assert_int_equal(p.backend.val, BACKEND_AUTO);
	assert_false(p.best_effort.val);
	assert_false(p.net_all.val);
	assert_int_equal(p.kill_after.val, 5);
	assert_true(p.limit[LIMIT_PROCESSES].set);
	assert_int_equal(p.limit[LIMIT_PROCESSES].val, 4096);
	assert_int_equal(p.limit[LIMIT_MEMORY].val, 8LL << 30);
	assert_false(p.limit[LIMIT_CPU].set);
	assert_int_equal(p.read_write.n, 10);
	assert_int_equal(p.read_only.n, 17);
	assert_int_equal(p.deny.n, 19);
	assert_int_equal(p.deny_write.n, 0); /* git metadata: policy_git() */
	assert_int_equal(p.env_remove.n, 29);
	assert_string_equal(p.deny.v[0].raw, "~/.ssh");
	assert_true(p.deny.v[0].optional);
	assert_string_equal(p.deny.v[0].from.layer, "built-in");

	char *cwd = xasprintf("%s/ws", fx->dir);
	assert_int_equal(policy_resolve(&p, cwd, &err), 0);
	assert_string_equal(p.workspace.val, cwd);
	char *ssh = xasprintf("%s/home/.ssh", fx->dir);
	assert_string_equal(p.deny.v[0].path, ssh);
	assert_null(p.deny.v[1].path); /* ~/.gnupg: absent */
	char *hooks = xasprintf("%s/ws/.git/hooks", fx->dir);
	policy_git(&p);
	assert_int_equal(p.deny_write.n, 1);
	assert_string_equal(p.deny_write.v[0].path, hooks);
	assert_string_equal(p.deny_write.v[0].from.layer, "git metadata");
	assert_int_equal(p.git_dirs.n, 1);
	assert_non_null(strstr(p.git_dirs.v[0].path, "/ws/.git"));
	assert_string_equal(p.read_write.v[0].path, "/tmp");
	free(hooks);
	free(ssh);
	free(cwd);
	policy_free(&p);
}

/* policy_git(): every protected name in the git directory and beneath
 * modules/ and worktrees/ at any depth, nothing else; a workspace with
 * no .git gets the place where one may appear. */
static void test_git_paths(void **state)
{
	struct fixture *fx = *state;
	const char *dirs[] = { "/ws/.git/modules", "/ws/.git/modules/a", "/ws/.git/modules/a/modules",
			       "/ws/.git/modules/a/modules/b", "/ws/.git/modules/a/modules/b/hooks",
			       "/ws/.git/worktrees", "/ws/.git/worktrees/w", "/ws/.git/info",
			       "/ws/.git/objects" };
	for (size_t i = 0; i < ARRAY_LEN(dirs); i++)
		make_dir(fx->dir, dirs[i]);
	const char *files[] = { "/ws/.git/config", "/ws/.git/info/attributes", "/ws/.git/info/exclude",
				"/ws/.git/modules/a/modules/b/config", "/ws/.git/worktrees/w/commondir",
				"/ws/.git/worktrees/w/gitdir", "/ws/.git/worktrees/w/HEAD",
				"/ws/.git/objects/config" };
	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		char *f = xasprintf("%s%s", fx->dir, files[i]);
		write_file(f, "", 0, 0644);
		free(f);
	}
	struct policy p;
	struct policy_error err;
	char *cwd = xasprintf("%s/ws", fx->dir);
	assert_int_equal(policy_init_default(&p, &err), 0);
	assert_int_equal(policy_resolve(&p, cwd, &err), 0);
	policy_git(&p);
	const char *want[] = { "/ws/.git/config", "/ws/.git/hooks", "/ws/.git/info/attributes",
			       "/ws/.git/modules/a/modules/b/config", "/ws/.git/modules/a/modules/b/hooks",
			       "/ws/.git/worktrees/w/commondir", "/ws/.git/worktrees/w/gitdir" };
	assert_int_equal(p.deny_write.n, ARRAY_LEN(want));
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		char *w = xasprintf("%s%s", fx->dir, want[i]);
		bool found = false;
		for (size_t j = 0; j < p.deny_write.n; j++)
			found |= !strcmp(p.deny_write.v[j].path, w);
		if (!found)
			fail_msg("%s not protected", w);
		free(w);
	}
	policy_free(&p);
	/* No repository: where .git may appear is checked at the end. */
	char *sub = xasprintf("%s/ws/sub", fx->dir);
	assert_int_equal(policy_init_default(&p, &err), 0);
	assert_int_equal(policy_set(&p, "filesystem", "workspace", sub, "t", 0, TRUST_FULL, &err), 0);
	assert_int_equal(policy_resolve(&p, cwd, &err), 0);
	policy_git(&p);
	assert_int_equal(p.deny_write.n, 0);
	assert_int_equal(p.git_dirs.n, 1);
	assert_null(p.git_dirs.v[0].path);
	char *dot = xasprintf("%s/.git", sub);
	assert_string_equal(p.git_dirs.v[0].absent, dot);
	free(dot);
	free(sub);
	free(cwd);
	policy_free(&p);
}

static void assert_lists_equal(const struct pol_list *a, const struct pol_list *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_string_equal(a->v[i].raw, b->v[i].raw);
		assert_int_equal(a->v[i].optional, b->v[i].optional);
		assert_int_equal(a->v[i].num, b->v[i].num);
	}
}

static void assert_nums_equal(const struct pol_num *a, const struct pol_num *b)
{
	assert_int_equal(a->set, b->set);
	assert_int_equal(a->val, b->val);
}

static void assert_strs_equal(const struct pol_str *a, const struct pol_str *b)
{
	if (!a->val || !b->val)
		assert_ptr_equal(a->val, b->val);
	else
		assert_string_equal(a->val, b->val);
}

static void assert_same_policy(const struct policy *a, const struct policy *b)
{
	assert_nums_equal(&a->version, &b->version);
	assert_nums_equal(&a->backend, &b->backend);
	assert_int_equal(a->best_effort.val, b->best_effort.val);
	assert_nums_equal(&a->timeout, &b->timeout);
	assert_nums_equal(&a->kill_after, &b->kill_after);
	assert_strs_equal(&a->shell, &b->shell);
	assert_strs_equal(&a->workspace, &b->workspace);
	assert_lists_equal(&a->read_write, &b->read_write);
	assert_lists_equal(&a->read_only, &b->read_only);
	assert_lists_equal(&a->deny, &b->deny);
	assert_lists_equal(&a->deny_write, &b->deny_write);
	assert_lists_equal(&a->no_exec, &b->no_exec);
	assert_int_equal(a->net_all.val, b->net_all.val);
	assert_lists_equal(&a->connect_tcp, &b->connect_tcp);
	assert_lists_equal(&a->bind_tcp, &b->bind_tcp);
	assert_lists_equal(&a->unix_sockets, &b->unix_sockets);
	for (int i = 0; i < LIMIT_COUNT; i++)
		assert_nums_equal(&a->limit[i], &b->limit[i]);
	assert_lists_equal(&a->keep_capabilities, &b->keep_capabilities);
	assert_lists_equal(&a->env_remove, &b->env_remove);
	assert_lists_equal(&a->env_keep, &b->env_keep);
	assert_lists_equal(&a->env_set, &b->env_set);
	assert_lists_equal(&a->seccomp_deny, &b->seccomp_deny);
	assert_strs_equal(&a->docker_image, &b->docker_image);
	assert_strs_equal(&a->docker_engine, &b->docker_engine);
}

/* dump -> parse gives the same policy, resolved or not. */
static void test_dump_round_trip(void **state)
{
	struct fixture *fx = *state;
	static const char layer[] = V
		"[sandbox]\nbackend = bwrap\nbest_effort = true\ntimeout = 300\n"
		"shell = /bin/sh\n"
		"[filesystem]\nread_only = ~/.ssh, $CS_TEST_DIR/link\nno_exec = ?/tmp/nope\n"
		"[network]\nallow = all\nconnect_tcp = 443, 80\nbind_tcp = 8080\n"
		"unix = ?/run/nonexistent.sock\n"
		"[process]\nmax_cpu = unlimited\nmax_file_size = 1G\n"
		"keep_capabilities = net_raw\n"
		"[environment]\nkeep = CI\nset = A=1,2\n"
		"[seccomp]\ndeny = ptrace\n"
		"[docker]\nimage = debian:bookworm-slim\nengine = docker\n";
	for (int resolve = 0; resolve < 2; resolve++) {
		struct policy a, b;
		struct policy_error err;
		assert_int_equal(policy_init_default(&a, &err), 0);
		assert_int_equal(policy_load_string(&a, layer, "user.ini", TRUST_FULL, &err), 0);
		if (resolve) {
			char *cwd = xasprintf("%s/ws", fx->dir);
			assert_int_equal(policy_resolve(&a, cwd, &err), 0);
			free(cwd);
		}
		char *d = dump_str(&a);
		assert_non_null(strstr(d, "timeout = 300 ; user.ini:6\n"));
		assert_non_null(strstr(d, "version = 1 ; user.ini:2\n"));
		assert_non_null(strstr(d, "deny = ?~/.ssh ; built-in"));
		if (resolve) {
			char *line = xasprintf("read_only = $CS_TEST_DIR/link ; user.ini:9 -> "
					       "%s/ws/sub\n", fx->dir);
			assert_non_null(strstr(d, line));
			free(line);
			assert_non_null(strstr(d, "no_exec = ?/tmp/nope ; user.ini:10 -> absent\n"));
		} else {
			assert_null(strstr(d, "->"));
		}
		policy_init_empty(&b);
		if (policy_load_string(&b, d, "dump", TRUST_FULL, &err) != 0)
			fail_msg("re-parse: %s\n%s", err.msg, d);
		assert_same_policy(&a, &b);
		free(d);
		policy_free(&a);
		policy_free(&b);
	}
}

/* A comment that would make a dumped line too long moves above it. */
static void test_dump_long_origin(void **state)
{
	(void)state;
	char layer[200];
	memset(layer, 'L', sizeof(layer));
	layer[0] = '/';
	layer[190] = '\0';
	struct policy a, b;
	struct policy_error err;
	policy_init_empty(&a);
	assert_int_equal(policy_load_string(&a, V "[filesystem]\ndeny = /x\n", layer,
					    TRUST_FULL, &err), 0);
	char *d = dump_str(&a);
	assert_non_null(strstr(d, "\ndeny = /x\n"));
	policy_init_empty(&b);
	if (policy_load_string(&b, d, "dump", TRUST_FULL, &err) != 0)
		fail_msg("re-parse: %s\n%s", err.msg, d);
	assert_same_policy(&a, &b);
	free(d);
	policy_free(&a);
	policy_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_policies),
		cmocka_unit_test(test_good_policies),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_policy_set),
		cmocka_unit_test(test_backend_names),
		cmocka_unit_test(test_dump_long_origin),
		cmocka_unit_test_setup_teardown(test_expansion, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_resolve_errors, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_shell, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_default_resolves, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_git_paths, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_dump_round_trip, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
