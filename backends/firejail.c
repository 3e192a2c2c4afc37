/* SPDX-License-Identifier: MIT */
/*
 * firejail.c: re-exec under firejail with a generated argument list.
 *
 * firejail is allow-by-default: everything not blacklisted stays
 * visible.  clawshim's "everything not listed is unreachable" is built
 * from firejail's own pieces: for every directory above a granted path
 * (and not itself granted), all its entries are blacklisted by a glob
 * of the directory's entries, dot files too, except the ones leading to a granted path
 * (--noblacklist, which firejail matches exactly).  /dev becomes
 * --private-dev, /run keeps firejail's own /run/firejail.  Writable
 * directories above a grant are made read-only, then the writable grants
 * read-write again.  firejail is setuid root, so clawshim's own
 * no_new_privs, capability drop and seccomp filter cannot come first:
 * firejail applies --nonewprivs, --caps.drop=all and its seccomp filter
 * with clawshim's kernel deny list.
 */
#include "backend.h"
#include "seccomp.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* firejail refuses argc >= MAX_ARGS (128), the command's own included,
 * and any argument of MAX_ARG_LEN (PATH_MAX + 32) bytes or more. */
#define FJ_MAX_ARGS 128
#define FJ_MAX_ARG_LEN (PATH_MAX + 32)

/* What firejail replaces whatever the options say (its fs_var_lock and
 * fs_var_log): a grant there would not be the host's directory. */
static const char *const fj_replaced[] = { "/run/lock", "/var/log" };

/* What --private-dev provides (and nothing else under /dev is granted). */
static const char *const private_dev[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
	"/dev/tty", "/dev/pts", "/dev/ptmx", "/dev/shm",
};

/* ---- probe ---- */

/* firejail runs the program *without any sandbox* when it believes it is
 * already inside one: no container variable naming lxc/docker/... and no
 * kernel thread among /proc/1..10 (firejail's no_sandbox.c).  Mirror the
 * test so that case is refused instead of silently unconfined. */
static bool container_named(const char *v)
{
	static const char *const c[] = { "lxc", "docker", "lxc-libvirt", "systemd-nspawn", "rkt" };
	for (size_t i = 0; v && i < ARRAY_LEN(c); i++)
		if (strcmp(v, c[i]) == 0)
			return true;
	return false;
}

static bool firejail_would_sandbox(void)
{
	if (container_named(getenv("container")))
		return true;
	char buf[4096];
	int fd = open("/proc/1/environ", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		for (ssize_t i = 0; n > 0 && i < n; i += (ssize_t)strlen(buf + i) + 1) {
			buf[n] = '\0';
			if (strncmp(buf + i, "container=", 10) == 0 && container_named(buf + i + 10))
				return true;
		}
	}
	static const char *const kern[] = { "kthreadd", "ksoftirqd", "kworker", "rcu_sched", "rcu_bh" };
	for (int pid = 1; pid <= 10; pid++) {
		char path[32];
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, 64);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		for (size_t k = 0; k < ARRAY_LEN(kern); k++)
			if (strncmp(buf, kern[k], strlen(kern[k])) == 0)
				return true;
	}
	return false;
}

static int firejail_sandboxes(char *why, size_t whylen)
{
	if (firejail_would_sandbox())
		return 0;
	snprintf(why, whylen, "firejail would run the command without any sandbox here (no "
		 "kernel threads in /proc: it believes it is inside a sandbox already)");
	return -1;
}

/* Run "firejail --version" as this user: firejail answers it only to
 * users its firejail.users rule admits.  The output, NUL-terminated. */
static int run_version(const char *fj, char *out, size_t outlen, int *status)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) != 0)
		return -1;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
	char *argv[] = { (char *)fj, (char *)"--version", NULL };
	pid_t pid;
	int rc = posix_spawn(&pid, fj, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (rc != 0) {
		close(pfd[0]);
		errno = rc;
		return -1;
	}
	size_t len = 0;
	ssize_t n;
	while ((n = read(pfd[0], out + len, outlen - 1 - len)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			len += (size_t)n;
	out[len] = '\0';
	close(pfd[0]);
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

/* `firejail --version` costs a few milliseconds on every command, and its
 * answer depends only on the binary, on /etc/firejail (who may use it)
 * and on the user: a passing answer is kept in $XDG_RUNTIME_DIR (per
 * boot, the user's own) under those identities.  Not a protection: a
 * forged entry can only make firejail run and fail (an option it lacks,
 * a user it refuses), never make anything run unconfined. */
static void probe_key(const struct stat *bin, char *key, size_t len)
{
	struct stat u = { 0 }, c = { 0 };
	(void)!stat("/etc/firejail/firejail.users", &u);
	(void)!stat("/etc/firejail/firejail.config", &c);
	snprintf(key, len, "firejail-ok %lu %lu %lld %lld.%09ld %lld.%09ld %lld.%09ld %u\n",
		 (unsigned long)bin->st_dev, (unsigned long)bin->st_ino, (long long)bin->st_size,
		 (long long)bin->st_ctim.tv_sec, bin->st_ctim.tv_nsec,
		 (long long)u.st_ctim.tv_sec, u.st_ctim.tv_nsec,
		 (long long)c.st_ctim.tv_sec, c.st_ctim.tv_nsec, (unsigned)getuid());
}

static bool probe_cached(const char *path, const char *key)
{
	char buf[256];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat st;
	ssize_t n = fstat(fd, &st) == 0 && st.st_uid == getuid() ? read(fd, buf, sizeof(buf) - 1) : -1;
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strcmp(buf, key) == 0;
}

static void probe_remember(const char *path, const char *key)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	size_t n = strlen(key);
	bool ok = write(fd, key, n) == (ssize_t)n;
	close(fd);
	if (!ok || rename(tmp, path) != 0)
		unlink(tmp);
}

static int firejail_probe(char *why, size_t whylen)
{
	const char *found = backend_find_program("firejail");
	if (!found) {
		snprintf(why, whylen, "firejail is not installed (not found in PATH)");
		return -1;
	}
	char fj[4096];
	snprintf(fj, sizeof(fj), "%s", found);
	struct stat st;
	if (stat(fj, &st) != 0 || st.st_uid != 0 || !(st.st_mode & S_ISUID)) {
		snprintf(why, whylen, "%s is not setuid root, and firejail cannot sandbox without it", fj);
		return -1;
	}
	char key[256], cache[PATH_MAX] = "";
	const char *rt = getenv("XDG_RUNTIME_DIR");
	probe_key(&st, key, sizeof(key));
	if (rt && rt[0] == '/')
		snprintf(cache, sizeof(cache), "%s/clawshim-firejail-probe", rt);
	if (cache[0] && probe_cached(cache, key))
		return firejail_sandboxes(why, whylen);
	char out[2048];
	int status = 0;
	if (run_version(fj, out, sizeof(out), &status) != 0) {
		snprintf(why, whylen, "cannot run %s: %s", fj, strerror(errno));
		return -1;
	}
	if (strstr(out, "not allowed to use Firejail")) {
		struct passwd *pw = getpwuid(getuid());
		snprintf(why, whylen, "firejail refuses user %s (uid %u): it allows only root and "
			 "the users listed in /etc/firejail/firejail.users, never 'nobody'",
			 pw ? pw->pw_name : "?", (unsigned)getuid());
		return -1;
	}
	unsigned a = 0, b = 0, c = 0;
	const char *v = strstr(out, "firejail version ");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !v ||
	    sscanf(v + 17, "%u.%u.%u", &a, &b, &c) < 2) {
		char *nl = strchr(out, '\n');
		if (nl)
			*nl = '\0';
		snprintf(why, whylen, "%s --version failed: %s", fj, out[0] ? out : "no output");
		return -1;
	}
	/* --restrict-namespaces and --deterministic-shutdown came in 0.9.72. */
	if (a == 0 && (b < 9 || (b == 9 && c < 72))) {
		snprintf(why, whylen, "firejail %u.%u.%u is older than 0.9.72", a, b, c);
		return -1;
	}
	if (firejail_sandboxes(why, whylen) != 0)
		return -1;
	if (cache[0])
		probe_remember(cache, key);
	return 0;
}

/* ---- plan ---- */

struct fj {
	const struct policy *p;
	struct plan *out;
	struct policy_error *err;
	uid_t uid;
	struct strv *av;
	struct strv strs;     /* guarantee texts, owned by the plan */
	struct strv grants;   /* "rPATH" or "wPATH", sorted, parents first */
	struct strv ro_done;  /* paths made read-only (ancestors, ro grants) */
};

struct fj_priv {
	struct strv strs;
};

static void fj_priv_free(void *v)
{
	struct fj_priv *fp = v;
	if (!fp)
		return;
	strv_free(&fp->strs);
	free(fp);
}

static const char *keep(struct fj *f, char *s)
{
	strv_push(&f->strs, s);
	return s;
}

static bool under_grant(const struct fj *f, const char *path, char mode)
{
	for (size_t i = 0; i < f->grants.n; i++)
		if ((!mode || f->grants.v[i][0] == mode) && path_inside(path, f->grants.v[i] + 1))
			return true;
	return false;
}

/* Does some grant lie strictly below `dir`? */
static bool grant_below(const struct fj *f, const char *dir)
{
	for (size_t i = 0; i < f->grants.n; i++) {
		const char *g = f->grants.v[i] + 1;
		if (strcmp(g, dir) != 0 && path_inside(g, dir))
			return true;
	}
	return false;
}

__attribute__((format(printf, 3, 4)))
static int refuse(struct fj *f, const char *hint, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->err->msg, sizeof(f->err->msg), fmt, ap);
	va_end(ap);
	snprintf(f->err->hint, sizeof(f->err->hint), "%s", hint);
	return -1;
}

/* firejail expands globs and ${MACROS} in path options and splits some
 * on commas: a path with such characters could name other paths. */
static int check_path(struct fj *f, const char *path)
{
	for (const unsigned char *s = (const unsigned char *)path; *s; s++)
		if (*s < 0x20 || *s == 0x7f || strchr("*?[]{},$\"'\\", *s))
			return refuse(f, "rename the path, or use backend = landlock or bwrap",
				      "firejail: the path %s has a character firejail would expand", path);
	return 0;
}

static int cmp_grant(const void *a, const void *b)
{
	int c = strcmp(*(char *const *)a + 1, *(char *const *)b + 1);
	/* The same path granted both ways: read-write first, so it wins. */
	return c ? c : (*(char *const *)b)[0] - (*(char *const *)a)[0];
}

static int collect_grants(struct fj *f)
{
	const struct policy *p = f->p;
	if (p->workspace.val)
		strv_pushf(&f->grants, "w%s", p->workspace.val);
	const struct pol_list *lists[] = { &p->read_write, &p->read_only };
	for (int l = 0; l < 2; l++)
		for (size_t i = 0; i < lists[l]->n; i++)
			if (lists[l]->v[i].path)
				strv_pushf(&f->grants, "%c%s", l ? 'r' : 'w', lists[l]->v[i].path);
	if (f->grants.n)
		qsort(f->grants.v, f->grants.n, sizeof(char *), cmp_grant);
	for (size_t i = 0; i < f->grants.n; i++)
		if (check_path(f, f->grants.v[i] + 1))
			return -1;
	return 0;
}

/* Refuse a grant under a directory firejail replaces with its own copy,
 * or hides (the user's systemd and gnupg runtime directories, unless
 * --writable-run-user): the command would not see the host's directory. */
static int plan_replaced(struct fj *f)
{
	char sd[64], gpg[64];
	snprintf(sd, sizeof(sd), "/run/user/%u/systemd", (unsigned)f->uid);
	snprintf(gpg, sizeof(gpg), "/run/user/%u/gnupg", (unsigned)f->uid);
	const char *hidden[] = { sd, gpg };
	for (size_t i = 0; i < f->grants.n; i++) {
		const char *g = f->grants.v[i] + 1;
		for (size_t k = 0; k < ARRAY_LEN(fj_replaced); k++)
			if (path_inside(g, fj_replaced[k]))
				return refuse(f, "use backend = landlock or bwrap, or a workspace elsewhere",
					      "firejail replaces %s with its own copy: %s would not be "
					      "the host's directory", fj_replaced[k], g);
		for (size_t k = 0; k < ARRAY_LEN(hidden); k++)
			if (path_inside(g, hidden[k]))
				return refuse(f, "use backend = landlock or bwrap, or a workspace elsewhere",
					      "firejail hides %s: %s would not be visible", hidden[k], g);
	}
	return 0;
}

/* Refuse what firejail itself would refuse with its own exit 1, so that
 * the caller sees clawshim's 125 and why. */
static int plan_limits(struct fj *f)
{
	if (f->av->n >= FJ_MAX_ARGS)
		return refuse(f, "pass the command as one shell string (clawshim -c '...'), "
			      "or use backend = landlock or bwrap",
			      "firejail: the command line would have %zu arguments; firejail "
			      "takes at most %d", f->av->n, FJ_MAX_ARGS - 1);
	for (size_t i = 0; i < f->av->n; i++) {
		size_t n = strlen(f->av->v[i]);
		if (n >= FJ_MAX_ARG_LEN)
			return refuse(f, "pass long data through a file or standard input, or use "
				      "backend = landlock or bwrap",
				      "firejail: an argument of %zu bytes; firejail takes at most %d "
				      "bytes per argument", n, FJ_MAX_ARG_LEN - 1);
	}
	return 0;
}

/* /dev above a grant: --private-dev, which holds only private_dev[]. */
static int plan_dev(struct fj *f)
{
	if (!grant_below(f, "/dev") || under_grant(f, "/dev", 0))
		return 0;
	for (size_t i = 0; i < f->grants.n; i++) {
		const char *g = f->grants.v[i] + 1;
		if (!path_inside(g, "/dev"))
			continue;
		bool ok = false;
		for (size_t k = 0; k < ARRAY_LEN(private_dev); k++)
			ok |= path_inside(g, private_dev[k]);
		if (!ok && !f->p->best_effort.val)
			return refuse(f, "remove it from the policy, or use backend = landlock or bwrap",
				      "firejail: %s is not among the devices of --private-dev", g);
		if (!ok)
			plan_add(f->out, keep(f, xasprintf("access to %s", g)), NULL,
				 "not among the devices of firejail --private-dev", true);
	}
	const char *dev[] = { "--private-dev", "--nosound", "--no3d", "--novideo",
			      "--nodvd", "--notv", "--nou2f" };
	for (size_t i = 0; i < ARRAY_LEN(dev); i++)
		strv_pushf(f->av, "%s", dev[i]);
	return 0;
}

/* Every proper ancestor of g (canonical, not "/") with the child of it
 * on the way to g, in order from "/". */
struct anc {
	char *dir, *child;
};

static size_t ancestors(const char *g, struct anc *out, size_t max)
{
	size_t k = 0;
	if (strcmp(g, "/") == 0)
		return 0;
	for (const char *s = g; k < max;) {
		const char *next = strchr(s + 1, '/');
		size_t n = (size_t)(s - g);
		out[k].dir = n == 0 ? xstrdup("/") : strndup(g, n);
		out[k].child = strndup(g, next ? (size_t)(next - g) : strlen(g));
		k++;
		if (!next)
			break;
		s = next;
	}
	return k;
}

static void anc_free(struct anc *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].dir);
		free(a[i].child);
	}
}

static bool in_strv(const struct strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

#define MAX_DEPTH 256

/* Add the symlinks directly in `dir` to `keepv`. */
static void keep_symlinks(const char *dir, struct strv *keepv)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		struct stat st;
		if (e->d_type != DT_LNK && (e->d_type != DT_UNKNOWN ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISLNK(st.st_mode)))
			continue;
		char *path = xasprintf("%s/%s", strcmp(dir, "/") ? dir : "", e->d_name);
		if (!in_strv(keepv, path))
			strv_push(keepv, path);
		else
			free(path);
	}
	closedir(d);
}

/* Directories above a grant: blacklist every entry but the way down. */
static int plan_hide(struct fj *f)
{
	struct strv dirs = { 0 }, keepv = { 0 };
	struct anc a[MAX_DEPTH];
	for (size_t i = 0; i < f->grants.n; i++) {
		size_t n = ancestors(f->grants.v[i] + 1, a, MAX_DEPTH);
		for (size_t k = 0; k < n; k++) {
			if (under_grant(f, a[k].dir, 0) || strcmp(a[k].dir, "/dev") == 0)
				continue;
			if (!in_strv(&dirs, a[k].dir))
				strv_push(&dirs, xstrdup(a[k].dir));
			if (!in_strv(&keepv, a[k].child))
				strv_push(&keepv, xstrdup(a[k].child));
		}
		anc_free(a, n);
	}
	if (in_strv(&dirs, "/")) {
		/* firejail cannot start with /proc or its /run/firejail hidden. */
		if (!under_grant(f, "/proc", 0)) {
			strv_free(&dirs);
			strv_free(&keepv);
			return refuse(f, "add read_only = /proc, or use backend = landlock or bwrap",
				      "firejail: %s", "cannot run with /proc hidden");
		}
		if (!under_grant(f, "/run", 0) && !in_strv(&dirs, "/run")) {
			strv_push(&dirs, xstrdup("/run"));
			strv_push(&keepv, xstrdup("/run"));
		}
	}
	if (in_strv(&dirs, "/run"))
		strv_push(&keepv, xstrdup("/run/firejail"));
	/* firejail resolves each match before hiding it: a symlink (/var/run)
	 * would hide its target (/run).  A symlink reveals only its target's
	 * name; the target keeps its own protection. */
	for (size_t k = 0; k < dirs.n; k++)
		keep_symlinks(dirs.v[k], &keepv);
	for (size_t k = 0; k < keepv.n; k++)
		strv_pushf(f->av, "--noblacklist=%s", keepv.v[k]);
	for (size_t k = 0; k < dirs.n; k++) {
		const char *d = strcmp(dirs.v[k], "/") == 0 ? "" : dirs.v[k];
		strv_pushf(f->av, "--blacklist=%s/*", d);
		strv_pushf(f->av, "--blacklist=%s/.*", d);
	}
	strv_free(&dirs);
	strv_free(&keepv);
	return 0;
}

static bool ro_covered(const struct fj *f, const char *path)
{
	for (size_t i = 0; i < f->ro_done.n; i++)
		if (path_inside(path, f->ro_done.v[i]))
			return true;
	return false;
}

/* Read-only: every directory above a grant this user could write to;
 * then each grant with its own mode, parents before children. */
static int plan_modes(struct fj *f)
{
	struct anc a[MAX_DEPTH];
	for (size_t i = 0; i < f->grants.n; i++) {
		size_t n = ancestors(f->grants.v[i] + 1, a, MAX_DEPTH);
		for (size_t k = 0; k < n; k++) {
			const char *d = a[k].dir;
			if (under_grant(f, d, 0) || strcmp(d, "/dev") == 0 || ro_covered(f, d))
				continue;
			/* A writable directory above a grant would let the command
			 * create files there (~/.bash_login) outside the policy. */
			if (access(d, W_OK) == 0) {
				strv_pushf(f->av, "--read-only=%s", d);
				strv_push(&f->ro_done, xstrdup(d));
			}
		}
		anc_free(a, n);
	}
	for (size_t i = 0; i < f->grants.n; i++) {
		const char *g = f->grants.v[i] + 1;
		if (i > 0 && strcmp(f->grants.v[i - 1] + 1, g) == 0)
			continue; /* the same path, read-write already */
		if (f->grants.v[i][0] == 'r') {
			/* Below a read-only grant (and no writable one between):
			 * read-only already. */
			char m = 0;
			size_t best = 0;
			for (size_t k = 0; k < i; k++) {
				const char *h = f->grants.v[k] + 1;
				if (strcmp(h, g) != 0 && path_inside(g, h) && strlen(h) >= best) {
					best = strlen(h);
					m = f->grants.v[k][0];
				}
			}
			if (m == 'r')
				continue;
			strv_pushf(f->av, "--read-only=%s", g);
			strv_push(&f->ro_done, xstrdup(g));
			continue;
		}
		if (!ro_covered(f, g))
			continue;
		struct stat st;
		bool chr = stat(g, &st) == 0 && S_ISCHR(st.st_mode);
		/* firejail makes a path read-write again only for root or the
		 * path's owner, and otherwise only warns (hidden by --quiet). A
		 * device stays writable on a read-only mount. */
		if (chr)
			continue;
		if (f->uid != 0 && (stat(g, &st) != 0 || st.st_uid != f->uid))
			return refuse(f, "run as root, own the directory, or use backend = landlock or bwrap",
				      "firejail: cannot make %s writable again below a read-only "
				      "directory: firejail allows that only to root or the owner", g);
		strv_pushf(f->av, "--read-write=%s", g);
	}
	return 0;
}

/* Is some grant strictly below `path`, so hiding it would hide a grant? */
static bool grants_inside(const struct fj *f, const char *path)
{
	return grant_below(f, path);
}

/* deny, deny_write (and the policy files), no_exec: on top of the grants,
 * only where they are visible at all. */
static int plan_protect(struct fj *f)
{
	const struct policy *p = f->p;
	struct {
		const struct pol_list *l;
		const char *opt, *what;
	} pr[] = {
		{ &p->deny_write, "--read-only", "no writes to" },
		{ &p->files, "--read-only", "no writes to policy file" },
		{ &p->no_exec, "--noexec", "no exec in" },
		{ &p->deny, "--blacklist", "deny" },
	};
	for (size_t k = 0; k < ARRAY_LEN(pr); k++) {
		for (size_t i = 0; i < pr[k].l->n; i++) {
			const char *path = pr[k].l->v[i].path;
			if (!path)
				continue;
			if (check_path(f, path))
				return -1;
			const char *what = keep(f, xasprintf("%s %s", pr[k].what, path));
			bool deny = pr[k].opt[2] == 'b';
			if (deny && grants_inside(f, path)) {
				/* Hiding it would hide the grant: everything else
				 * in it is hidden instead (plan_hide). */
				plan_add(f->out, what, under_grant(f, path, 0) ?
					 NULL : "firejail --blacklist of all but the granted paths in it",
					 under_grant(f, path, 0) ? "a granted path lies inside it" : NULL, true);
				if (under_grant(f, path, 0) && !p->best_effort.val)
					return refuse(f, "deny only paths with nothing granted inside them",
						      "firejail: cannot deny %s: a granted path lies inside it", path);
				continue;
			}
			if (!under_grant(f, path, 0)) {
				plan_add(f->out, what, "not granted (firejail --blacklist around the grants)",
					 NULL, true);
				continue;
			}
			if (!deny && !under_grant(f, path, 'w') && k < 2) {
				plan_add(f->out, what, "read-only already (firejail --read-only)", NULL, true);
				continue;
			}
			strv_pushf(f->av, "%s=%s", pr[k].opt, path);
			plan_add(f->out, what, keep(f, xasprintf("firejail %s", pr[k].opt)), NULL, true);
		}
	}
	return 0;
}

/* Network, unix sockets, TCP ports: what firejail can enforce. */
static int plan_net(struct fj *f)
{
	const struct policy *p = f->p;
	bool be = p->best_effort.val;
	if (!p->net_all.val) {
		strv_pushf(f->av, "--net=none");
		plan_add(f->out, "no network", "firejail --net=none (a network namespace with only lo)",
			 NULL, true);
		if ((p->connect_tcp.n || p->bind_tcp.n) && !be)
			return refuse(f, "remove connect_tcp/bind_tcp, set allow = all, or use backend = landlock",
				      "firejail: %s", "[network] TCP port rules cannot be enforced by firejail "
				      "(it has only no network or all of it)");
		if (p->connect_tcp.n || p->bind_tcp.n)
			plan_add(f->out, "TCP connect/bind to the listed ports", NULL,
				 "firejail has no port rules: no TCP at all (best_effort)", true);
	}
	if (p->unix_sockets.n && !be)
		return refuse(f, "remove [network] unix, or use backend = landlock",
			      "firejail: %s", "[network] unix: firejail cannot allow some unix sockets "
			      "and refuse the others");
	if (p->unix_sockets.n)
		plan_add(f->out, "connect to the listed unix sockets", NULL,
			 "firejail refuses every unix socket (best_effort)", true);
	/* No AF_UNIX sockets at all: firejail cannot tell docker.sock or the
	 * ssh agent's socket in /tmp from others, nor abstract sockets
	 * (which a shared network namespace, allow = all, would reach). */
	strv_pushf(f->av, "--protocol=inet,inet6");
	plan_add(f->out, "no unix sockets (named or abstract) outside the sandbox",
		 "firejail --protocol=inet,inet6 (socket(AF_UNIX) refused; socketpair works)", NULL, true);
	return 0;
}

/* The fixed options and the process guarantees. */
static void plan_fixed(struct fj *f)
{
	const struct policy *p = f->p;
	const char *fixed[] = { "--quiet", "--noprofile", "--deterministic-exit-code",
				"--deterministic-shutdown", "--nonewprivs", "--seccomp.block-secondary",
				"--restrict-namespaces",
				/* firejail puts a private tmpfs on /var/tmp by
				 * default: a workspace or grant there would be an
				 * empty directory while --explain says host mount.
				 * Kept, /var/tmp is blacklisted or granted like any
				 * other path. */
				"--keep-var-tmp" };
	for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
		strv_pushf(f->av, "%s", fixed[i]);
	if (!p->keep_capabilities.n) {
		strv_pushf(f->av, "--caps.drop=all");
	} else {
		char *list = xstrdup("");
		for (size_t i = 0; i < p->keep_capabilities.n; i++) {
			const char *c = p->keep_capabilities.v[i].raw;
			if (!strncasecmp(c, "cap_", 4))
				c += 4;
			char *n = xasprintf("%s%s%s", list, i ? "," : "", c);
			free(list);
			list = n;
		}
		for (char *s = list; *s; s++)
			*s = (char)((*s >= 'A' && *s <= 'Z') ? *s + 32 : *s);
		strv_pushf(f->av, "--caps.keep=%s", list);
		free(list);
	}
	/* clawshim's kernel deny list, added to firejail's default list;
	 * setsid too: the session is how clawshim finds everything started. */
	char *sc = xstrdup("setsid");
	for (size_t i = 0; i < seccomp_kernel_deny_n; i++) {
		char *n = xasprintf("%s,%s", sc, seccomp_kernel_deny[i]);
		free(sc);
		sc = n;
	}
	for (size_t i = 0; i < p->seccomp_deny.n; i++) {
		char *n = xasprintf("%s,%s", sc, p->seccomp_deny.v[i].raw);
		free(sc);
		sc = n;
	}
	strv_pushf(f->av, "--seccomp=%s", sc);
	free(sc);
	plan_add(f->out, "new session, no controlling terminal", "setsid() by clawshim before firejail",
		 NULL, true);
	plan_add(f->out, "setsid() refused", "firejail --seccomp", NULL, true);
	if (f->uid == 0)
		plan_add(f->out, "TIOCSTI/TIOCLINUX refused (low 32 bits compared)",
			 "clawshim's filter, loaded before firejail (root may without "
			 "no_new_privs, which would make firejail's setuid inert)", NULL, true);
	else
		plan_add(f->out, "TIOCSTI/TIOCLINUX refused", NULL,
			 "firejail has no ioctl filter, and without no_new_privs an unprivileged "
			 "clawshim cannot load one before it: TIOCSTI fails for want of a "
			 "controlling terminal and CAP_SYS_ADMIN, TIOCLINUX's paste needs "
			 "CAP_SYS_ADMIN since Linux 6.7", false);
	plan_add(f->out, "dies with its parent, whole tree",
		 "clawshim supervisor + watcher; firejail's PID namespace dies with firejail", NULL, true);
	plan_add(f->out, "no new privileges, capabilities dropped",
		 "firejail --nonewprivs --caps.drop=all", NULL, true);
	/* A file's owner needs no capability to set its own setuid bit, and
	 * firejail's --seccomp cannot compare a mode: clawshim's filter,
	 * loaded before firejail, refuses those modes (seccomp.c). */
	if (f->uid == 0)
		plan_add(f->out, "no setuid file created or chmodded (open, creat, mknod, chmod "
			 "with S_ISUID)", "clawshim's filter, loaded before firejail", NULL, true);
	if (f->uid == 0)
		plan_add(f->out, "no setgid file left behind", NULL,
			 "firejail as root: its own setup makes setgid directories, so the filter "
			 "before it cannot refuse S_ISGID", false);
	plan_add(f->out, "kernel attack surface (Docker-default deny list)",
		 "firejail --seccomp (default list + clawshim's), native ABI only", NULL, true);
	plan_add(f->out, "no namespaces created", "firejail --restrict-namespaces", NULL, true);
	plan_add(f->out, "no ptrace of processes outside the sandbox",
		 "firejail PID namespace + --seccomp (ptrace)", NULL, true);
	plan_add(f->out, "no signals to processes outside the sandbox", "firejail PID namespace",
		 NULL, true);
	plan_add(f->out, "resource limits", "setrlimit by clawshim, inherited through firejail",
		 NULL, true);
}

static void grant_lines(struct fj *f)
{
	for (size_t i = 0; i < f->grants.n; i++) {
		const char *g = f->grants.v[i] + 1;
		if (i > 0 && strcmp(f->grants.v[i - 1] + 1, g) == 0)
			continue;
		bool w = f->grants.v[i][0] == 'w';
		bool ws = f->p->workspace.val && strcmp(f->p->workspace.val, g) == 0;
		plan_add(f->out, keep(f, xasprintf("%s %s", ws ? "read-write workspace" :
						   w ? "read-write" : "read-only", g)),
			 w ? "firejail (host mount, --read-write)" : "firejail --read-only", NULL, true);
	}
	plan_add(f->out, "no access to any other path",
		 "firejail --blacklist of every other entry above the granted paths (their names "
		 "stay listable; entries created there after the start are not hidden)", NULL, true);
}

/* The command: a login shell's "-bash" is not a program firejail can
 * exec, so the shell runs with -l instead. */
static void plan_command(struct fj *f, const struct command *cmd)
{
	strv_pushf(f->av, "--");
	char **av = cmd->argv;
	if (av[0] && av[0][0] == '-' && cmd->shell) {
		strv_pushf(f->av, "%s", cmd->shell);
		strv_pushf(f->av, "-l");
	} else {
		strv_pushf(f->av, "%s", av[0]);
	}
	for (size_t i = 1; av[i]; i++)
		strv_pushf(f->av, "%s", av[i]);
}

int firejail_plan_as(const struct policy *p, const struct command *cmd, struct plan *out,
		     struct policy_error *err, uid_t uid, const char *firejail);

/* The plan for caller `uid` and firejail at `firejail` (unit tests). */
int firejail_plan_as(const struct policy *p, const struct command *cmd, struct plan *out,
		     struct policy_error *err, uid_t uid, const char *firejail)
{
	struct fj f = { .p = p, .out = out, .err = err, .uid = uid, .av = &out->wrapper };
	out->id = BACKEND_FIREJAIL;
	/* A setuid wrapper: no_new_privs, an emptied bounding set or a
	 * seccomp filter before it would stop it; firejail applies them. */
	/* firejail is setuid: no no_new_privs, no emptied bounding set.  Root
	 * may load a filter without no_new_privs, so the TIOCSTI/TIOCLINUX
	 * rules (which firejail cannot express) go in first. */
	out->setup = uid == 0 ? SETUP_FILTER : SETUP_WRAPPER_ONLY;
	out->seccomp = uid == 0 ? SC_TTY | SC_NOSUID : 0;
	strv_pushf(f.av, "%s", firejail);
	int rc = collect_grants(&f);
	if (rc == 0)
		rc = plan_replaced(&f);
	if (rc == 0) {
		plan_fixed(&f);
		rc = plan_net(&f);
	}
	if (rc == 0)
		rc = plan_dev(&f);
	if (rc == 0)
		rc = plan_modes(&f);
	if (rc == 0)
		rc = plan_protect(&f);
	if (rc == 0)
		rc = plan_hide(&f);
	if (rc == 0) {
		grant_lines(&f);
		plan_command(&f, cmd);
		rc = plan_limits(&f);
	}
	struct fj_priv *fp = xcalloc(1, sizeof(*fp));
	fp->strs = f.strs;
	out->priv = fp;
	out->priv_free = fj_priv_free;
	strv_free(&f.grants);
	strv_free(&f.ro_done);
	return rc;
}

static int firejail_plan(const struct policy *p, const struct command *cmd, struct plan *out,
			 struct policy_error *err)
{
	if (plan_refuse_domains(p, "firejail", "its private network namespace has no relay to clawshim's proxy", err))
		return -1;
	const char *fj = backend_find_program("firejail");
	return firejail_plan_as(p, cmd, out, err, getuid(), fj ? fj : "/usr/bin/firejail");
}

const struct backend backend_firejail = {
	.name = "firejail",
	.id = BACKEND_FIREJAIL,
	.probe = firejail_probe,
	.plan = firejail_plan,
	.apply = NULL,
};
