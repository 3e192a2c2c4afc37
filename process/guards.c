/* SPDX-License-Identifier: MIT */
/*
 * guards.c: protected paths the command may create.  Landlock, mounts and
 * profiles can only protect what exists when the command starts; a deny
 * or deny_write path absent then, inside a tree the command may write, is
 * moved aside if the command created it, once the command is gone; so is
 * what it left in the workspace's git directories that would run code
 * (guards_git.c).  Shared by both supervisors.
 *
 * Every move is made relative to a directory reached from / one component
 * at a time with O_NOFOLLOW: a parent the command replaced by a symlink is
 * never followed (it is moved aside itself), so a hostile policy line
 * cannot steer the move to a file elsewhere.  The new name carries a
 * random token and the rename never replaces anything: a target the
 * command made in advance cannot make the move fail.  What cannot be
 * moved is a failure the caller reports with exit status 125.
 */
#include "process.h"
#include "guards_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/random.h>
#include <sys/syscall.h>
#else
#include <dirent.h>
#endif
#ifdef __APPLE__
#include <sys/random.h> /* getentropy */
#endif

#include "audit.h"
#include "../common.h"

#ifdef __linux__
#define O_SEARCHONLY O_PATH
#else
#define O_SEARCHONLY O_RDONLY /* read permission needed on the way too */
#endif

/* One protected path: `path` (canonical when noted) that did not exist,
 * or for a git directory the directory itself (`git`). */
struct guard {
	char *path;
	size_t root_len; /* components beyond this lie in a writable tree */
	bool git, absent;
};
static struct guard *guards;
static size_t nguard;
static char token[33];
/* The git metadata protected from the start (read-only during the run):
 * unchanged since, it is the user's, whatever it holds. */
struct known {
	dev_t dev;
	ino_t ino;
	struct timespec ctime;
};
static struct known *known;
static size_t nknown;
static struct timespec started;
static int moved, failed;
static bool quiet_now;

char guard_path[PATH_MAX];

size_t guard_path_push(const char *name)
{
	size_t len = strlen(guard_path);
	snprintf(guard_path + len, sizeof(guard_path) - len, "%s%s",
		 len == 1 && guard_path[0] == '/' ? "" : "/", name);
	return len;
}

void guard_path_pop(size_t len)
{
	guard_path[len] = '\0';
}

static const struct timespec *ctime_of(const struct stat *st)
{
#ifdef __APPLE__
	return &st->st_ctimespec;
#else
	return &st->st_ctim;
#endif
}

bool guard_is_new(const struct stat *st)
{
	const struct timespec *c = ctime_of(st);
	for (size_t i = 0; i < nknown; i++)
		if (known[i].ino == st->st_ino && known[i].dev == st->st_dev &&
		    known[i].ctime.tv_sec == c->tv_sec && known[i].ctime.tv_nsec == c->tv_nsec)
			return false;
	return c->tv_sec > started.tv_sec ||
	       (c->tv_sec == started.tv_sec && c->tv_nsec >= started.tv_nsec);
}

bool guard_is_ours(const char *name)
{
	const char *q = strstr(name, ".clawshim-quarantine.");
	return q && !strncmp(q + 21, token, 32);
}

/* The longest writable root of the policy containing `path` (0: none). */
static size_t writable_root(const struct policy *p, const char *path)
{
	size_t best = path_inside(path, p->workspace.val) ? strlen(p->workspace.val) : 0;
	for (size_t j = 0; j < p->read_write.n; j++) {
		const char *r = p->read_write.v[j].path;
		if (r && path_inside(path, r) && strlen(r) > best)
			best = strlen(r);
	}
	return best;
}

static void add_guard(const struct policy *p, const char *path, bool git, bool absent)
{
	size_t root = writable_root(p, path);
	if (!root)
		return;
	guards = xrealloc(guards, (nguard + 1) * sizeof(*guards));
	guards[nguard++] = (struct guard){ xstrdup(path), root, git, absent };
}

/* Unpredictable to the command: it could otherwise make the target in
 * advance (a non-empty directory: the rename fails). */
static void make_token(void)
{
	unsigned char r[16] = { 0 };
	bool got = false;
#ifdef __linux__
	got = getrandom(r, sizeof(r), 0) == (ssize_t)sizeof(r);
#else
	got = getentropy(r, sizeof(r)) == 0;
#endif
	if (!got) {
		int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
		got = fd >= 0 && read(fd, r, sizeof(r)) == (ssize_t)sizeof(r);
		if (fd >= 0)
			close(fd);
	}
	if (!got) {
		/* RENAME_NOREPLACE and the retries below still hold. */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		unsigned long long x = (unsigned long long)ts.tv_nsec ^ ((unsigned long long)getpid() << 32);
		memcpy(r, &x, sizeof(x));
	}
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(token + 2 * i, 3, "%02x", r[i]);
}

/* deny and deny_write paths that were absent at the start, inside a tree
 * the command may write, and the workspace's git directories: Landlock
 * and mounts can only protect what exists, so what the command creates
 * there is moved aside once it is gone. */
void guards_init(const struct policy *p)
{
	make_token();
#ifdef CLOCK_REALTIME_COARSE
	/* The clock the kernel stamps ctime from (or a finer one): every
	 * change from now on has a ctime at least this. */
	clock_gettime(CLOCK_REALTIME_COARSE, &started);
#else
	clock_gettime(CLOCK_REALTIME, &started);
	started.tv_sec -= 1;
#endif
	for (size_t i = 0; i < p->deny_write.n; i++) {
		const struct pol_item *it = &p->deny_write.v[i];
		struct stat st;
		if (!it->path || !it->from.layer || strcmp(it->from.layer, "git metadata") ||
		    lstat(it->path, &st) != 0)
			continue;
		known = xrealloc(known, (nknown + 1) * sizeof(*known));
		known[nknown++] = (struct known){ st.st_dev, st.st_ino, *ctime_of(&st) };
	}
	/* The workspace's own file comes from the repository: its lines may
	 * only move what appears inside the workspace, never a file some
	 * other program makes in /tmp meanwhile. */
	char *wsfile = xasprintf("%s/.clawshim.ini", p->workspace.val);
	const struct pol_list *lists[] = { &p->deny, &p->deny_write };
	for (size_t l = 0; l < ARRAY_LEN(lists); l++)
		for (size_t i = 0; i < lists[l]->n; i++) {
			const struct pol_item *it = &lists[l]->v[i];
			if (!it->absent || it->path)
				continue;
			if (it->from.layer && !strcmp(it->from.layer, wsfile) &&
			    !path_inside(it->absent, p->workspace.val))
				continue;
			add_guard(p, it->absent, false, true);
		}
	free(wsfile);
	for (size_t i = 0; i < p->git_dirs.n; i++) {
		const struct pol_item *g = &p->git_dirs.v[i];
		add_guard(p, g->path ? g->path : g->absent, true, !g->path);
	}
}

static bool exists_at(int dirfd, const char *name)
{
	struct stat st;
	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT;
}

/* rename without replacing; -1 with errno. */
static int rename_new(int dirfd, const char *from, const char *to)
{
#if defined(__linux__)
	return (int)syscall(SYS_renameat2, dirfd, from, dirfd, to, 1 /* RENAME_NOREPLACE */);
#elif defined(__APPLE__)
	return renameatx_np(dirfd, from, dirfd, to, RENAME_EXCL);
#else
	if (exists_at(dirfd, to)) {
		errno = EEXIST;
		return -1;
	}
	return renameat(dirfd, from, dirfd, to);
#endif
}

void guard_fail(const char *what)
{
	failed++;
	if (!quiet_now) {
		warn("%s: %s", guard_path, what);
		hint("remove it before running git or anything else there: it may run code "
		     "outside the sandbox");
	}
}

void guard_quarantine(int dirfd, const char *name, const char *why)
{
	struct stat before, after;
	if (fstatat(dirfd, name, &before, AT_SYMLINK_NOFOLLOW) != 0)
		return;
	char to[NAME_MAX + 1];
	int r = -1, e = 0;
	for (int i = 0; i < 100 && r != 0; i++) {
		if (i == 0)
			snprintf(to, sizeof(to), "%.150s.clawshim-quarantine.%s", name, token);
		else
			snprintf(to, sizeof(to), "%.150s.clawshim-quarantine.%s.%d", name, token, i);
		r = rename_new(dirfd, name, to);
		e = errno;
		if (r != 0 && e != EEXIST)
			break;
	}
	/* Verified after: the name is gone and the entry is where we put it. */
	bool ok = r == 0 && !exists_at(dirfd, name) &&
		  fstatat(dirfd, to, &after, AT_SYMLINK_NOFOLLOW) == 0 &&
		  after.st_ino == before.st_ino && after.st_dev == before.st_dev;
	if (ok) {
		moved++;
		if (!quiet_now)
			audit_deny("protected-path", guard_path, 0);
		if (!quiet_now)
			warn("the command created %s, which the policy protects; moved it to %.*s/%s%s%s%s",
			     guard_path, (int)(strrchr(guard_path, '/') - guard_path), guard_path, to,
			     why ? " (" : "", why ? why : "", why ? ")" : "");
		return;
	}
	failed++;
	if (!quiet_now) {
		warn("the command created %s, which the policy protects, and it could not be "
		     "moved: %s", guard_path, r == 0 ? "it is still there" : strerror(e));
		hint("remove it before running git or anything else there: it may run code "
		     "outside the sandbox");
	}
}

int guard_open_dir(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 || errno == ENOENT)
		return fd;
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
		/* Unreadable, it could hide a hook git still runs by name
		 * (a directory with search permission only). */
		size_t l = guard_path_push(name);
		if (guard_is_new(&st))
			guard_quarantine(dirfd, name, "a directory clawshim cannot read");
		else
			guard_fail("cannot be read to check what the command left in it");
		guard_path_pop(l);
	}
	return -1;
}

/* Open directory `path` (canonical) from / one component at a time,
 * never following a symlink.  A symlink met inside the writable tree
 * (the command put it where a directory was) is moved aside.  Returns
 * an fd, or -1 when the path is gone. */
static int walk_to(const char *path, size_t root_len)
{
	int fd = open("/", O_SEARCHONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(guard_path, sizeof(guard_path), "/");
	const char *s = path;
	while (fd >= 0 && *s) {
		while (*s == '/')
			s++;
		size_t len = strcspn(s, "/");
		if (!len)
			break;
		char comp[NAME_MAX + 1];
		snprintf(comp, sizeof(comp), "%.*s", (int)len, s);
		guard_path_push(comp);
		/* O_PATH: search permission is enough on the way. */
		int nfd = openat(fd, comp, O_SEARCHONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0) {
			struct stat st;
			if ((errno == ELOOP || errno == ENOTDIR) &&
			    fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
				if (strlen(guard_path) > root_len)
					guard_quarantine(fd, comp, "a symlink where a directory was");
				else
					guard_fail("a directory above a protected path is now a symlink");
			} else if (errno != ENOENT && errno != ENOTDIR) {
				guard_fail("cannot be reached to check what the command left there");
			}
			close(fd);
			return -1;
		}
		close(fd);
		fd = nfd;
		s += len;
	}
	return fd;
}

/* One guard: is the protected path (or git directory) there now? */
static void check_one(const struct guard *g)
{
	const char *slash = strrchr(g->path, '/');
	if (!slash || !slash[1])
		return;
	char parent[PATH_MAX];
	snprintf(parent, sizeof(parent), "%.*s", slash == g->path ? 1 : (int)(slash - g->path),
		 g->path);
	int dfd = walk_to(parent, g->root_len);
	if (dfd < 0)
		return;
	const char *name = slash + 1;
	size_t l = guard_path_push(name);
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!g->git || !S_ISDIR(st.st_mode)) {
			/* An absent path that now exists; for a git directory,
			 * a .git that became a file or a symlink points git at
			 * a directory nobody checked. */
			if (g->absent || guard_is_new(&st))
				guard_quarantine(dfd, name, g->git ? "it points git elsewhere" : NULL);
		} else {
			guard_path_pop(l); /* guard_open_dir names it itself */
			int gfd = guard_open_dir(dfd, name);
			guard_path_push(name);
			if (gfd >= 0) {
				guard_git_dir(gfd);
				close(gfd);
			}
		}
	}
	close(dfd);
}

/* Move aside every guarded path that now exists, and what the git
 * directories hold that may run code; no allocation (the watcher runs
 * it).  Returns how many were moved, or -1 when one could not be. */
int guards_check(bool quiet)
{
	moved = failed = 0;
	quiet_now = quiet;
	for (size_t i = 0; i < nguard; i++)
		check_one(&guards[i]);
	return failed ? -1 : moved;
}

/* ---- reading a directory without allocating ---- */

#ifdef __linux__
struct linux_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};
#endif

void guard_dir_open(struct guard_dir *d, int fd)
{
	d->fd = fd;
	d->n = d->pos = 0;
	d->dir = NULL;
#ifndef __linux__
	int dup_fd = dup(fd);
	d->dir = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
	if (!d->dir && dup_fd >= 0)
		close(dup_fd);
#endif
}

const char *guard_dir_next(struct guard_dir *d, unsigned char *type)
{
	for (;;) {
#ifdef __linux__
		if (d->pos >= d->n) {
			d->n = syscall(SYS_getdents64, d->fd, d->buf, sizeof(d->buf));
			d->pos = 0;
			if (d->n <= 0)
				return NULL;
		}
		struct linux_dirent64 *de = (struct linux_dirent64 *)(void *)(d->buf + d->pos);
		d->pos += de->d_reclen;
		const char *name = de->d_name;
		*type = de->d_type;
#else
		struct dirent *de = d->dir ? readdir(d->dir) : NULL;
		if (!de)
			return NULL;
		const char *name = de->d_name;
		*type = de->d_type;
#endif
		if (strcmp(name, ".") && strcmp(name, ".."))
			return name;
	}
}

void guard_dir_close(struct guard_dir *d)
{
#ifndef __linux__
	if (d->dir)
		closedir(d->dir);
#endif
	d->dir = NULL;
}
