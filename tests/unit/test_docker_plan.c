/* SPDX-License-Identifier: MIT */
/*
 * test_docker_plan.c: the docker backend's planner.  Hand-written policies
 * over a temporary tree give exactly the expected `docker run` argv;
 * what the engine cannot enforce is refused with the expected text
 * (or, best_effort, listed as not enforced); a policy path holding an
 * engine socket is refused, even best_effort, symlinks resolved.
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../../backends/docker.h"
#include "../../backends/seccomp.h"
#include "testutil.h"

static char T[4096]; /* canonical temp root */

static void mk(const char *rel, char kind)
{
	char *p = xasprintf("%s/%s", T, rel);
	if (kind == 'd') {
		assert_int_equal(mkdir(p, 0755), 0);
	} else if (kind == 's') {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", p);
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		assert_true(fd >= 0);
		assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
		close(fd);
	} else {
		int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
		assert_true(fd >= 0);
		close(fd);
	}
	free(p);
}

/* T/ws/{.git/hooks/,secret/,key.pem,vendor/}  T/ro/  T/a,b/  T/eng/docker.sock
 * T/englink -> eng */
static int tree_setup(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/clawshim-dk.XXXXXX";
	if (!mkdtemp(tmpl) || !realpath(tmpl, T))
		return -1;
	const char *dirs[] = { "ws", "ws/.git", "ws/.git/hooks", "ws/secret", "ws/vendor", "ro",
			       "a,b", "eng" };
	for (size_t i = 0; i < ARRAY_LEN(dirs); i++)
		mk(dirs[i], 'd');
	mk("ws/key.pem", 'f');
	mk("eng/docker.sock", 's');
	char *l = xasprintf("%s/englink", T);
	int rc = symlink("eng", l);
	free(l);
	return rc;
}

static int tree_teardown(void **state)
{
	(void)state;
	return tu_rm_rf(T);
}

/* ---- helpers ---- */

static struct policy pol;
static struct plan pl;
static struct policy_error err;

static int reset(void **state)
{
	(void)state;
	memset(&pl, 0, sizeof(pl));
	memset(&err, 0, sizeof(err));
	policy_init_empty(&pol);
	return 0;
}

static int clear(void **state)
{
	(void)state;
	plan_free(&pl);
	policy_free(&pol);
	return 0;
}

/* Load `ini` ("@" stands for T) as the only layer and resolve it. */
static void load(const char *ini)
{
	size_t n = 0;
	for (const char *c = ini; *c; c++)
		n += *c == '@' ? strlen(T) : 1;
	char *text = xmalloc(n + 1), *o = text;
	for (const char *c = ini; *c; c++)
		o = *c == '@' ? stpcpy(o, T) : (*o = *c, o + 1);
	*o = '\0';
	int rc = policy_load_string(&pol, text, "test", TRUST_FULL, &err);
	if (rc == 0)
		rc = policy_resolve(&pol, T, &err);
	if (rc)
		print_message("# %s\n", err.msg);
	assert_int_equal(rc, 0);
	free(text);
}

static char *cmd_argv[] = { "sh", "-c", "echo hi", NULL };
static const struct command cmd = { .argv = cmd_argv, .shell = "/bin/sh" };
static char *envp[] = { "LANG=C", "PATH=/usr/bin:/bin", "DOCKER_HOST=unix:///x", "PWD=/y",
			"HOME=/home/u", "CLAWSHIM_BACKEND=docker", NULL };
static char *no_sockets[] = { NULL };

static struct docker_host host(void)
{
	static char cwd[4200];
	snprintf(cwd, sizeof(cwd), "%s/ws", T);
	return (struct docker_host){
		.engine = "/usr/bin/docker", .name = "clawshim-42-0badcafe", .uid = 1000,
		.gid = 100, .cwd = cwd, .home = "/home/u", .envp = envp, .sockets = no_sockets,
	};
}

static int build(const struct docker_host *h)
{
	int rc = docker_plan_build(&pol, &cmd, h, &pl, &err);
	if (rc)
		print_message("# refused: %s\n#   hint: %s\n", err.msg, err.hint);
	return rc;
}

/* The argv is exactly `want` (a NULL-terminated list, "@" = T). */
static void check_argv(const struct strv *got, const char *const *want)
{
	size_t n = 0;
	while (want[n])
		n++;
	bool same = got->n == n;
	char **w = xcalloc(n + 1, sizeof(*w));
	for (size_t i = 0; i < n; i++) {
		/* clawshim's own placeholder is not a T. */
		const char *at = strstr(want[i], SECCOMP_FD_ARG) ? NULL : strchr(want[i], '@');
		w[i] = at ? xasprintf("%.*s%s%s", (int)(at - want[i]), want[i], T, at + 1)
			  : xstrdup(want[i]);
		/* A second @ in one word. */
		char *at2 = at ? strchr(w[i], '@') : NULL;
		if (at2) {
			char *x = xasprintf("%.*s%s%s", (int)(at2 - w[i]), w[i], T, at2 + 1);
			free(w[i]);
			w[i] = x;
		}
		if (same && strcmp(w[i], got->v[i]) != 0)
			same = false;
	}
	if (!same)
		for (size_t i = 0; i < got->n || i < n; i++)
			print_message("# %2zu got  %s\n#    want %s\n", i,
				      i < got->n ? got->v[i] : "-", i < n ? w[i] : "-");
	for (size_t i = 0; i < n; i++)
		free(w[i]);
	free(w);
	assert_true(same);
}

static const struct guarantee *find_g(const char *what_prefix)
{
	for (size_t i = 0; i < pl.ng; i++)
		if (strncmp(pl.g[i].what, what_prefix, strlen(what_prefix)) == 0)
			return &pl.g[i];
	return NULL;
}

#define HEAD "[clawshim]\nversion = 1\n[docker]\nimage = clawshim-test:latest\n"

/* ---- golden command lines ---- */

static void test_golden_confined(void **state)
{
	(void)state;
	load(HEAD "[filesystem]\nworkspace = @/ws\nread_only = /usr, /etc, @/ro, @/ws/vendor\n"
	     "read_write = /tmp, /dev/null\ndeny = @/ws/secret, @/ws/key.pem, /etc/shadow\n"
	     "deny_write = @/ws/.git/hooks\n"
	     "[process]\nmax_processes = 100\nmax_memory = 1G\nmax_open_files = 512\n");
	struct docker_host h = host();
	assert_int_equal(build(&h), 0);
	const char *want[] = {
		"/usr/bin/docker", "run", "--rm", "-i", "--name=clawshim-42-0badcafe", "--init",
		"--pull=never", "--log-driver=none", "--cap-drop=ALL",
		"--security-opt=no-new-privileges",
		"--security-opt=seccomp=/proc/self/fd/" SECCOMP_FD_ARG, "--read-only",
		"--tmpfs=/tmp:rw,noexec,nosuid,nodev", "--tmpfs=/run:rw,noexec,nosuid,nodev",
		"--user=1000:100", "--network=none", "--pids-limit=100", "--memory=1073741824",
		"--ulimit=nofile=512:512",
		"--mount=type=bind,src=@/ro,dst=@/ro,ro",
		"--mount=type=bind,src=@/ws,dst=@/ws",
		"--mount=type=bind,src=@/ws/.git/hooks,dst=@/ws/.git/hooks,ro",
		"--mount=type=bind,src=/dev/null,dst=@/ws/key.pem,ro",
		"--mount=type=tmpfs,dst=@/ws/secret,ro",
		"--workdir=@/ws", "--env=LANG", "--env=CLAWSHIM_BACKEND",
		"clawshim-test:latest", "sh", "-c", "echo hi", NULL,
	};
	check_argv(&pl.wrapper, want);
	const char *clean[] = { "/usr/bin/docker", "rm", "-f", "clawshim-42-0badcafe", NULL };
	check_argv(&pl.cleanup, clean);
	assert_int_equal(pl.setup, SETUP_NNP | SETUP_CAPS | SETUP_NO_LIMITS);
	assert_int_equal(pl.seccomp, SC_TTY | SC_KERNEL | SC_POLICY | SC_NET);
	assert_true(pl.filter_json);
	/* Every required guarantee is enforced, and says how. */
	for (size_t i = 0; i < pl.ng; i++)
		if (pl.g[i].required)
			assert_non_null(pl.g[i].how);
	assert_string_equal(find_g("no access to /etc/shadow")->how,
			    "not mounting it in the container");
	assert_non_null(find_g("no network"));
}

/* allow = all, a terminal, root, podman, a login shell, a workspace with a
 * comma (CSV-quoted), HOME inside a bind, the cwd outside every bind. */
static void test_golden_open(void **state)
{
	(void)state;
	load(HEAD "engine = podman\n[network]\nallow = all\n[filesystem]\nworkspace = @/a,b\n"
	     "read_write = @/ws\n[process]\nmax_processes = unlimited\nmax_cpu = 60\n"
	     "max_file_size = 1M\nkeep_capabilities = CAP_NET_BIND_SERVICE\n");
	struct docker_host h = host();
	h.engine = "/usr/bin/podman";
	h.podman = true;
	h.uid = 0;
	h.gid = 0;
	h.tty = true;
	h.cwd = "/srv";
	char home[4200];
	snprintf(home, sizeof(home), "%s/ws", T);
	h.home = home;
	char *login_argv[] = { "-sh", NULL };
	const struct command login = { .argv = login_argv, .shell = "/bin/sh" };
	assert_int_equal(docker_plan_build(&pol, &login, &h, &pl, &err), 0);
	const char *want[] = {
		"/usr/bin/podman", "run", "--rm", "-i", "-t", "--name=clawshim-42-0badcafe",
		"--init", "--pull=never", "--log-driver=none", "--cap-drop=ALL",
		"--cap-add=CAP_NET_BIND_SERVICE", "--security-opt=no-new-privileges",
		"--security-opt=seccomp=/proc/self/fd/" SECCOMP_FD_ARG, "--read-only",
		"--tmpfs=/tmp:rw,noexec,nosuid,nodev", "--tmpfs=/run:rw,nosuid,nodev",
		"--user=0:0", "--ulimit=cpu=60:60", "--ulimit=fsize=1048576:1048576",
		"--mount=type=bind,\"src=@/a,b\",\"dst=@/a,b\"",
		"--mount=type=bind,src=@/ws,dst=@/ws",
		"--workdir=@/a,b", "--env=LANG", "--env=HOME", "--env=CLAWSHIM_BACKEND",
		"clawshim-test:latest", "/bin/sh", "-l", NULL,
	};
	check_argv(&pl.wrapper, want);
	assert_int_equal(pl.setup, SETUP_WRAPPER_ONLY | SETUP_NO_LIMITS);
	assert_null(find_g("no network"));
}

/* A read-only path inside a writable one adds nothing; a deny_write on
 * the workspace itself makes its bind read-only; a denied read_write
 * path is not bound at all. */
static void test_overlaps(void **state)
{
	(void)state;
	load(HEAD "[filesystem]\nworkspace = @/ws\nread_only = @/ws/vendor\nread_write = @/ro\n"
	     "deny_write = @/ws\ndeny = @/ro\n");
	struct docker_host h = host();
	assert_int_equal(build(&h), 0);
	size_t mounts = 0;
	for (size_t i = 0; i < pl.wrapper.n; i++)
		if (strncmp(pl.wrapper.v[i], "--mount=", 8) == 0) {
			mounts++;
			char *want = xasprintf("--mount=type=bind,src=%s/ws,dst=%s/ws,ro", T, T);
			assert_string_equal(pl.wrapper.v[i], want);
			free(want);
		}
	assert_int_equal(mounts, 1);
	assert_string_equal(find_g("no access to")->how, "not mounting it in the container");
}

/* ---- refusals ---- */

static void test_no_image(void **state)
{
	(void)state;
	load("[clawshim]\nversion = 1\n[filesystem]\nworkspace = @/ws\n");
	assert_int_equal(backend_docker.plan(&pol, &cmd, &pl, &err), -1);
	assert_string_equal(err.msg, "docker: set [docker] image");
	assert_string_equal(err.hint, "add [docker] image = NAME (a local image) to the policy");
}

static void test_bad_image(void **state)
{
	(void)state;
	load("[clawshim]\nversion = 1\n[docker]\nimage = --privileged\n[filesystem]\nworkspace = @/ws\n");
	struct docker_host h = host();
	assert_int_equal(docker_plan_build(&pol, &cmd, &h, &pl, &err), -1);
	assert_string_equal(err.msg, "docker: [docker] image '--privileged' is not an image name");
}

static void test_tcp_ports(void **state)
{
	(void)state;
	load(HEAD "[filesystem]\nworkspace = @/ws\n[network]\nconnect_tcp = 443\n");
	struct docker_host h = host();
	assert_int_equal(docker_plan_build(&pol, &cmd, &h, &pl, &err), -1);
	assert_string_equal(err.msg, "docker: [network] connect_tcp cannot be enforced: the engine "
			    "has no per-port rules (--network=none allows no port)");
	assert_string_equal(err.hint, "set allow = all, remove the ports, or use backend = landlock");
	plan_free(&pl);
	policy_free(&pol);
	policy_init_empty(&pol);
	load(HEAD "[sandbox]\nbest_effort = true\n[filesystem]\nworkspace = @/ws\n"
	     "[network]\nconnect_tcp = 443\n");
	assert_int_equal(build(&h), 0);
	const struct guarantee *g = find_g("TCP port rules");
	assert_non_null(g);
	assert_null(g->how);
	assert_true(g->required);
}

static void test_no_exec(void **state)
{
	(void)state;
	load(HEAD "[filesystem]\nworkspace = @/ws\nno_exec = @/ws/vendor\n");
	struct docker_host h = host();
	assert_int_equal(docker_plan_build(&pol, &cmd, &h, &pl, &err), -1);
	char *want = xasprintf("docker: no_exec %s/ws/vendor cannot be enforced: %s/ws is bound "
			       "from the host and a bind cannot be noexec", T, T);
	assert_string_equal(err.msg, want);
	free(want);
	plan_free(&pl);
	policy_free(&pol);
	policy_init_empty(&pol);
	/* /run is the container's own noexec tmpfs. */
	load(HEAD "[filesystem]\nworkspace = @/ws\nno_exec = /run\n");
	assert_int_equal(build(&h), 0);
	assert_string_equal(find_g("no exec in /run")->how, "noexec tmpfs");
	plan_free(&pl);
	/* ... but not on podman, which runs its init from there. */
	h.engine = "/usr/bin/podman";
	h.podman = true;
	assert_int_equal(docker_plan_build(&pol, &cmd, &h, &pl, &err), -1);
	assert_string_equal(err.msg, "docker: no_exec /run cannot be enforced on podman: podman "
			    "runs its init from /run, which cannot be noexec");
}

static void test_workspace_system(void **state)
{
	(void)state;
	load(HEAD "[filesystem]\nworkspace = /usr\n");
	struct docker_host h = host();
	assert_int_equal(docker_plan_build(&pol, &cmd, &h, &pl, &err), -1);
	assert_string_equal(err.msg, "docker: the workspace /usr cannot be bound into the container");
}

/* The socket named by DOCKER_HOST (through a symlink) inside a policy
 * path: refused, even best_effort; denied (masked), it is fine. */
static void test_engine_socket(void **state)
{
	(void)state;
	char *dh = xasprintf("unix://%s/englink/docker.sock", T);
	setenv("DOCKER_HOST", dh, 1);
	free(dh);
	struct strv socks = { 0 };
	docker_engine_sockets(&socks);
	strv_push(&socks, NULL);
	struct docker_host h = host();
	h.sockets = socks.v;

	load(HEAD "[sandbox]\nbest_effort = true\n[filesystem]\nworkspace = @/ws\n"
	     "read_write = @/eng\n");
	assert_int_equal(docker_plan_build(&pol, &cmd, &h, &pl, &err), -1);
	char *want = xasprintf("docker: %s/eng would mount the container engine socket "
			       "%s/eng/docker.sock (root on the host) into the container", T, T);
	assert_string_equal(err.msg, want);
	free(want);
	plan_free(&pl);
	policy_free(&pol);
	policy_init_empty(&pol);

	/* The socket itself, as a unix = entry. */
	load(HEAD "[filesystem]\nworkspace = @/ws\n[network]\nunix = @/eng/docker.sock\n");
	assert_int_equal(docker_plan_build(&pol, &cmd, &h, &pl, &err), -1);
	assert_non_null(strstr(err.msg, "would mount the container engine socket"));
	plan_free(&pl);
	policy_free(&pol);
	policy_init_empty(&pol);

	/* The whole tree, with the socket's directory denied: masked. */
	load(HEAD "[filesystem]\nworkspace = @/ws\nread_only = @\ndeny = @/eng\n");
	assert_int_equal(build(&h), 0);
	strv_free(&socks);
	unsetenv("DOCKER_HOST");
}

static bool has_arg(const char *want)
{
	for (size_t i = 0; i < pl.wrapper.n; i++)
		if (strcmp(pl.wrapper.v[i], want) == 0)
			return true;
	print_message("# missing: %s\n", want);
	return false;
}

/* Rootless podman: the caller's uid kept inside, processes and memory as
 * rlimits (no cgroup limits), and a hiding tmpfs that podman must not
 * fill with what it hides. */
static void test_podman_rootless(void **state)
{
	(void)state;
	load(HEAD "engine = podman\n[filesystem]\nworkspace = @/ws\ndeny = @/ws/secret\n"
	     "[process]\nmax_processes = 100\nmax_memory = 1G\n");
	struct docker_host h = host();
	h.engine = "/usr/bin/podman";
	h.podman = true;
	assert_int_equal(build(&h), 0);
	assert_true(has_arg("--user=1000:100"));
	assert_true(has_arg("--userns=keep-id"));
	assert_true(has_arg("--ulimit=nproc=100:100"));
	assert_true(has_arg("--ulimit=data=1073741824:1073741824"));
	assert_true(has_arg("--tmpfs=/run:rw,nosuid,nodev"));
	char *hide = xasprintf("--mount=type=tmpfs,dst=%s/ws/secret,ro,notmpcopyup", T);
	assert_true(has_arg(hide));
	free(hide);
	for (size_t i = 0; i < pl.wrapper.n; i++) {
		assert_null(strstr(pl.wrapper.v[i], "--pids-limit"));
		assert_null(strstr(pl.wrapper.v[i], "--memory"));
	}
	assert_non_null(strstr(find_g("at most 100 processes of the user")->how, "RLIMIT_NPROC"));
	assert_non_null(strstr(find_g("at most 1073741824 bytes of data per process")->how,
				"RLIMIT_DATA"));
}

#define T_(f) cmocka_unit_test_setup_teardown(f, reset, clear)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T_(test_golden_confined), T_(test_golden_open), T_(test_overlaps),
		T_(test_no_image), T_(test_bad_image), T_(test_tcp_ports), T_(test_no_exec),
		T_(test_workspace_system), T_(test_engine_socket), T_(test_podman_rootless),
	};
	return cmocka_run_group_tests(tests, tree_setup, tree_teardown);
}
