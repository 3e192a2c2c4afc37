/* SPDX-License-Identifier: MIT */
/*
 * world.c: the scratch world --selftest makes, attacks and removes.
 *
 *   DIR/home/.ssh/id_rsa  the secret (HOME points at DIR/home)
 *   DIR/home/agent.sock   a named unix listener outside the workspace
 *   DIR/ws                the workspace: a git repository (when git is
 *                         here), .git/hooks, a symlink to the secret
 *   DIR/outside/notes.txt a file the run's policy denies (--deny): the
 *                         scratch lives under /tmp, which the default
 *                         grants, so "outside" has to be made explicit
 *   DIR/probe             copies of clawshim-probe (one setuid root when
 *                         the selftest runs as root), granted read-only:
 *                         a copy is reachable from every backend, even a
 *                         container whose image has no /usr/libexec
 *
 * The TCP and UDP sockets listen on 127.0.0.1 only, the abstract socket
 * has a random name; all are the selftest's own and closed at the end.
 * Nothing outside DIR is written.
 */
#include "world.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define WORLD_PATH "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"
#define OFILE_TEXT "notes outside the workspace\n"
#define SECRET_TEXT "CLAWSHIM-SELFTEST-SECRET\n"

static void put(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd) != 0)
		die_errno("selftest: cannot write %s", path);
	chmod(path, mode);
}

static char *slurp(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return xstrdup("-");
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return xstrdup(buf);
}

/* The probe: next to this clawshim (the build tree), else LIBEXECDIR. */
static char *find_probe(const char *self)
{
	char *dir = xstrdup(self), *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	char *p = xasprintf("%s/clawshim-probe", dir);
	free(dir);
	if (access(p, X_OK) == 0)
		return p;
	free(p);
	p = xstrdup(LIBEXECDIR "/clawshim-probe");
	if (access(p, X_OK) == 0)
		return p;
	die("selftest: clawshim-probe is in neither %s nor next to %s", LIBEXECDIR, self);
}

static void copy_file(const char *from, const char *to, mode_t mode)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	char buf[65536];
	ssize_t n;
	if (in < 0 || out < 0)
		die_errno("selftest: cannot copy %s to %s", from, to);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			die_errno("selftest: cannot copy %s", from);
	close(in);
	if (fchmod(out, mode) != 0 || close(out) != 0)
		die_errno("selftest: cannot copy %s", from);
}

/* A setuid-root probe: made here as root; else one the caller made
 * (CLAWSHIM_SELFTEST_SUID, as tests/80-conformance.t does as root). */
static void suid_probe(struct st_world *w, const char *probe)
{
	if (getuid() == 0) {
		w->suid = xasprintf("%s/clawshim-probe-suid", w->probedir);
		copy_file(probe, w->suid, 04755);
		return;
	}
	const char *s = getenv("CLAWSHIM_SELFTEST_SUID");
	struct stat st;
	if (s && s[0] == '/' && stat(s, &st) == 0 && st.st_uid == 0 && (st.st_mode & S_ISUID)) {
		w->suid = xstrdup(s);
		w->suid_dir = xstrdup(s);
		*strrchr(w->suid_dir, '/') = '\0';
		return;
	}
	w->suid_why = xstrdup("an unprivileged selftest cannot make a setuid-root binary to try "
			      "(as root it makes one; CLAWSHIM_SELFTEST_SUID names one made by root)");
}

static int listener(int family, int type, const void *addr, socklen_t len)
{
	int s = socket(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0 || bind(s, addr, len) != 0 || (type == SOCK_STREAM && listen(s, 64) != 0))
		die_errno("selftest: cannot make a listener");
	return s;
}

static int inet_listener(int type, int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = listener(AF_INET, type, &a, sizeof(a));
	socklen_t len = sizeof(a);
	getsockname(s, (struct sockaddr *)&a, &len);
	*port = ntohs(a.sin_port);
	return s;
}

static void make_sockets(struct st_world *w)
{
	w->tcp_fd = inet_listener(SOCK_STREAM, &w->port);
	w->udp_fd = inet_listener(SOCK_DGRAM, &w->uport);
	struct sockaddr_un u = { .sun_family = AF_UNIX };
	w->usock = xasprintf("%s/agent.sock", w->home);
	if (strlen(w->usock) >= sizeof(u.sun_path))
		die("selftest: %s is too long for a unix socket", w->usock);
	strcpy(u.sun_path, w->usock);
	w->unix_fd = listener(AF_UNIX, SOCK_STREAM, &u, sizeof(u));
	unsigned r = 0;
	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (unsigned)getpid();
	w->abs = xasprintf("clawshim-selftest-%d-%08x", (int)getpid(), r);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	memcpy(a.sun_path + 1, w->abs, strlen(w->abs));
	w->abs_fd = listener(AF_UNIX, SOCK_STREAM, &a,
			     (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(w->abs)));
}

/* A process outside the sandbox, of the same user, to signal and ptrace;
 * it dies with the selftest. */
static void start_helper(struct st_world *w)
{
	pid_t self = getpid();
	w->helper = fork();
	if (w->helper < 0)
		die_errno("selftest: fork");
	if (w->helper == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != self)
			_exit(0);
		for (;;)
			pause();
	}
}

/* Run argv in the workspace with the world's environment; status. */
static int quiet(struct st_world *w, char *const *argv)
{
	struct st_run r;
	st_run(w, argv, NULL, 60, &r);
	st_run_free(&r);
	return r.status;
}

static void make_workspace(struct st_world *w)
{
	if (mkdir(w->ws, 0755) != 0)
		die_errno("selftest: mkdir %s", w->ws);
	if (world_host_has(w, "git")) {
		char *init[] = { "git", "init", "-q", ".", NULL };
		char *em[] = { "git", "config", "user.email", "selftest@example.com", NULL };
		char *nm[] = { "git", "config", "user.name", "clawshim selftest", NULL };
		char *add[] = { "git", "add", "a", NULL };
		char *ci[] = { "git", "commit", "-qm", "one", NULL };
		char *a = xasprintf("%s/a", w->ws);
		put(a, "one\n", 0644);
		free(a);
		if (quiet(w, init) || quiet(w, em) || quiet(w, nm) || quiet(w, add) || quiet(w, ci))
			die("selftest: cannot make a git repository in %s", w->ws);
	}
	/* Without git, the directories the default policy protects. */
	char *d = xasprintf("%s/.git", w->ws), *h = xasprintf("%s/.git/hooks", w->ws);
	mkdir(d, 0755);
	mkdir(h, 0755);
	char *cfg = xasprintf("%s/.git/config", w->ws);
	if (access(cfg, F_OK) != 0)
		put(cfg, "[core]\n", 0644);
	char *link = xasprintf("%s/planted-link", w->ws);
	if (symlink(w->secret, link) != 0)
		die_errno("selftest: symlink %s", link);
	free(d), free(h), free(cfg), free(link);
}

void world_make(struct st_world *w, const struct strv *policies)
{
	memset(w, 0, sizeof(*w));
	w->policies = policies;
	w->policy_files = xcalloc(st_ncorpus, sizeof(char *));
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		die_errno("selftest: cannot find this clawshim");
	self[n] = '\0';
	w->self = xstrdup(self);
	char *probe = find_probe(w->self);
	const char *tmp = getenv("TMPDIR");
	w->dir = xasprintf("%s/clawshim-selftest.XXXXXX", tmp && tmp[0] == '/' ? tmp : "/tmp");
	if (!mkdtemp(w->dir))
		die_errno("selftest: cannot make a scratch directory in %s", tmp ? tmp : "/tmp");
	w->home = xasprintf("%s/home", w->dir);
	w->ws = xasprintf("%s/ws", w->dir);
	w->outside = xasprintf("%s/outside", w->dir);
	w->ofile = xasprintf("%s/notes.txt", w->outside);
	w->probedir = xasprintf("%s/probe", w->dir);
	w->probe = xasprintf("%s/clawshim-probe", w->probedir);
	w->secret = xasprintf("%s/.ssh/id_rsa", w->home);
	char *ssh = xasprintf("%s/.ssh", w->home);
	if (mkdir(w->home, 0755) || mkdir(ssh, 0700) || mkdir(w->outside, 0755) ||
	    mkdir(w->probedir, 0755))
		die_errno("selftest: cannot populate %s", w->dir);
	free(ssh);
	put(w->secret, SECRET_TEXT, 0600);
	put(w->ofile, OFILE_TEXT, 0644);
	copy_file(probe, w->probe, 0755);
	suid_probe(w, probe);
	free(probe);

	strv_pushf(&w->env, "PATH=%s", WORLD_PATH);
	strv_pushf(&w->env, "HOME=%s", w->home);
	strv_pushf(&w->env, "XDG_CONFIG_HOME=%s/.config", w->home);
	strv_push(&w->env, xstrdup("LC_ALL=C"));
	/* Where a container engine is (the docker backend needs it). */
	static const char *const pass[] = { "DOCKER_HOST", "DOCKER_CONTEXT", "CONTAINER_HOST",
					    "XDG_RUNTIME_DIR" };
	for (size_t i = 0; i < ARRAY_LEN(pass); i++)
		if (getenv(pass[i]))
			strv_pushf(&w->env, "%s=%s", pass[i], getenv(pass[i]));
	make_workspace(w);
	make_sockets(w);
	start_helper(w);
	w->mark = xstrdup("clawshim-selftest-unset");
}

void world_remove(struct st_world *w)
{
	if (w->helper > 0) {
		kill(w->helper, SIGKILL);
		waitpid(w->helper, NULL, 0);
	}
	close(w->tcp_fd);
	close(w->udp_fd);
	close(w->unix_fd);
	close(w->abs_fd);
	/* rm -rf of our own directory: no shell string, the path is ours. */
	char *rm[] = { "rm", "-rf", "--", w->dir, NULL };
	static char root[] = "/";
	char *ws = w->ws;
	w->ws = root;
	if (quiet(w, rm) != 0)
		warn("selftest: could not remove %s", w->dir);
	w->ws = ws;
}

void world_expand(const struct st_world *w, const char *const *argv, struct strv *out)
{
	char port[16], uport[16], pid[16];
	snprintf(port, sizeof(port), "%d", w->port);
	snprintf(uport, sizeof(uport), "%d", w->uport);
	snprintf(pid, sizeof(pid), "%d", (int)w->helper);
	const char *vars[][2] = {
		{ "@PROBE@", w->probe }, { "@SECRET@", w->secret }, { "@HOME@", w->home },
		{ "@WS@", w->ws }, { "@OUTSIDE@", w->outside }, { "@OFILE@", w->ofile },
		{ "@PORT@", port }, { "@UPORT@", uport }, { "@USOCK@", w->usock },
		{ "@ABS@", w->abs }, { "@PID@", pid }, { "@SUID@", w->suid ? w->suid : "/nonexistent" },
		{ "@MARK@", w->mark },
	};
	for (size_t i = 0; i < ST_MAXARG && argv[i]; i++) {
		if (strcmp(argv[i], "@MANY@") == 0) {
			for (int k = 0; k < 5000; k++)
				strv_pushf(out, "%d", k);
			continue;
		}
		if (strcmp(argv[i], "@BIG@") == 0) {
			char *big = xmalloc(100001);
			memset(big, 'a', 100000);
			big[100000] = '\0';
			strv_push(out, big);
			continue;
		}
		/* At most one variable per argument, anywhere in it. */
		char *s = xstrdup(argv[i]);
		for (size_t v = 0; v < ARRAY_LEN(vars); v++) {
			char *at = strstr(s, vars[v][0]);
			if (!at)
				continue;
			*at = '\0';
			char *n = xasprintf("%s%s%s", s, vars[v][1], at + strlen(vars[v][0]));
			free(s);
			s = n;
			break;
		}
		strv_push(out, s);
	}
}

/* How many processes (zombies too) this user has; 0 for root, whose
 * max_processes is a pids cgroup of the sandbox alone. */
static int user_processes(void)
{
	if (getuid() == 0)
		return 0;
	int n = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		struct stat st;
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9' &&
		    fstatat(dirfd(d), e->d_name, &st, 0) == 0 && st.st_uid == getuid())
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

const char *world_case_policy(const struct st_world *w, const struct st_case *c)
{
	size_t i = (size_t)(c - st_corpus);
	if (!w->policy_files[i]) {
		char *path = xasprintf("%s/policy-%s.ini", w->dir, c->name);
		char *pol = xstrdup(c->policy), *at = strstr(pol, "@NPROC+20@");
		if (at) {
			*at = '\0';
			char *n = xasprintf("%s%d%s", pol, user_processes() + 20, at + 10);
			free(pol);
			pol = n;
		}
		char *text = xasprintf("[clawshim]\nversion = 1\n%s", pol);
		free(pol);
		put(path, text, 0644);
		free(text);
		w->policy_files[i] = path;
	}
	return w->policy_files[i];
}

char *world_state(const struct st_world *w)
{
	struct stat st = { 0 };
	char *f = slurp(w->ofile), *cfg = xasprintf("%s/.git/config", w->ws);
	char *c = slurp(cfg);
	stat(w->ofile, &st);
	const char *gone[] = { "ws/stolen", "ws/hardlink", "outside/new", "ws/.git/hooks/pre-commit" };
	char there[8] = "";
	for (size_t i = 0; i < ARRAY_LEN(gone); i++) {
		char *p = xasprintf("%s/%s", w->dir, gone[i]);
		strcat(there, access(p, F_OK) == 0 ? "1" : "0");
		free(p);
	}
	char *s = xasprintf("%s|%o|%ld|%s|%s", f, (unsigned)st.st_mode, (long)st.st_size, c, there);
	free(f), free(cfg), free(c);
	return s;
}

void world_restore(struct st_world *w)
{
	const char *gone[] = { "ws/stolen", "ws/hardlink", "outside/new", "ws/.git/hooks/pre-commit",
			       "outside/control" };
	for (size_t i = 0; i < ARRAY_LEN(gone); i++) {
		char *p = xasprintf("%s/%s", w->dir, gone[i]);
		unlink(p);
		free(p);
	}
	char *f = slurp(w->ofile);
	struct stat st;
	if (strcmp(f, OFILE_TEXT) != 0 || stat(w->ofile, &st) != 0 || (st.st_mode & 07777) != 0644)
		put(w->ofile, OFILE_TEXT, 0644);
	free(f);
}

bool world_drain(struct st_world *w)
{
	bool any = false;
	char buf[256];
	int s;
	int streams[] = { w->tcp_fd, w->unix_fd, w->abs_fd };
	for (size_t i = 0; i < ARRAY_LEN(streams); i++)
		while ((s = accept4(streams[i], NULL, NULL, SOCK_CLOEXEC)) >= 0) {
			any = true;
			close(s);
		}
	while (recv(w->udp_fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		any = true;
	return any;
}

void world_after_control(struct st_world *w, const struct st_case *c)
{
	(void)c;
	char *p = xasprintf("%s/control-link", w->home);
	unlink(p);
	free(p);
	world_restore(w);
}

bool world_helper_alive(struct st_world *w)
{
	if (waitpid(w->helper, NULL, WNOHANG) == 0)
		return true;
	start_helper(w);
	return false;
}

bool world_host_has(const struct st_world *w, const char *prog)
{
	(void)w;
	char path[] = WORLD_PATH;
	for (char *save = NULL, *d = strtok_r(path, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", d, prog);
		bool ok = access(p, X_OK) == 0;
		free(p);
		if (ok)
			return true;
	}
	return false;
}

void world_new_mark(struct st_world *w, const char *b, size_t ci)
{
	free(w->mark);
	w->mark = xasprintf("clawshim-selftest-%d-%s-%zu", (int)getpid(), b, ci);
}
