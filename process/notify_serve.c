/* SPDX-License-Identifier: MIT */
/*
 * notify_serve.c: the notification supervisor's loop: reading the
 * notifying thread, taking its view (credentials, namespaces), opening the
 * object it names, and answering (the why is in notify.c).
 */
#include "notify_int.h"

#include <linux/openat2.h>

/* ---- the target thread ---- */


/* Say why we refuse and return -err: the supervisor never dies. */
int64_t nt_internal(int err, const char *what)
{
	warn("seccomp notify: %s: %s", what, strerror(errno));
	return -err;
}

/* Copy len bytes of the target's memory at addr; 0 or -errno (-EFAULT for
 * an unmapped address, as the kernel would answer). Page by page, because
 * process_vm_readv does not split one remote iovec on a fault. */
int nt_mem_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	const size_t pg = 4096;
	size_t done = 0;

	while (done < len) {
		uint64_t a = addr + done;
		size_t chunk = pg - (size_t)(a % pg);
		if (chunk > len - done)
			chunk = len - done;
		struct iovec l = {(char *)buf + done, chunk};
		struct iovec r = {(void *)(uintptr_t)a, chunk};
		ssize_t n = process_vm_readv(tid, &l, 1, &r, 1, 0);
		if (n < 0 && (errno == EPERM || errno == ENOSYS)) {
			/* A container's seccomp profile (Docker's default) refuses
			 * process_vm_readv; /proc/TID/mem gives the same bytes
			 * under the same ptrace access check. */
			char p[64];
			snprintf(p, sizeof(p), "/proc/%d/mem", (int)tid);
			int fd = open(p, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				return -errno;
			n = pread(fd, l.iov_base, chunk, (off_t)a);
			int e = errno;
			close(fd);
			errno = e;
			if (n < 0 && errno == EIO)
				return -EFAULT;
		}
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EFAULT;
		done += (size_t)n;
	}
	return 0;
}

/* A NUL-terminated string of at most cap-1 bytes; its length, or -EFAULT,
 * or -toolong when it does not end within cap bytes. */
ssize_t nt_mem_read_str(pid_t tid, uint64_t addr, char *buf, size_t cap,
			    int toolong)
{
	size_t done = 0;

	if (!addr)
		return -EFAULT;
	while (done < cap) {
		uint64_t a = addr + done;
		size_t chunk = 4096 - (size_t)(a % 4096);
		if (chunk > cap - done)
			chunk = cap - done;
		int rc = nt_mem_read(tid, a, buf + done, chunk);
		if (rc < 0)
			return rc;
		char *nul = memchr(buf + done, '\0', chunk);
		if (nul)
			return nul - buf;
		done += chunk;
	}
	return -toolong;
}

static int parse_ids(const char *line, unsigned long *out, size_t max)
{
	size_t n = 0;
	char *end;

	while (n < max) {
		unsigned long v = strtoul(line, &end, 10);
		if (end == line)
			break;
		out[n++] = v;
		line = end;
	}
	return (int)n;
}

/* Read fsuid, fsgid, groups, CapEff and Tgid from /proc/TID/status. */
static int read_status(struct target *t)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap), *line;
	int fd = openat(t->procfd, "status", O_RDONLY | O_CLOEXEC);
	ssize_t n;
	unsigned long ids[4];

	if (fd < 0 || !buf)
		goto fail;
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (len + 1 == cap) {
			char *nb = cap < (1u << 20) ? realloc(buf, cap * 2) : NULL;
			if (!nb)
				goto fail;
			buf = nb;
			cap *= 2;
		}
	}
	if (n < 0)
		goto fail;
	buf[len] = '\0';
	unsigned seen = 0;
	for (line = buf; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (!strncmp(line, "Tgid:", 5)) {
			t->tgid = (pid_t)strtol(line + 5, NULL, 10);
			seen |= 1;
		} else if (!strncmp(line, "Uid:", 4) && parse_ids(line + 4, ids, 4) == 4) {
			t->fsuid = (uid_t)ids[3];
			seen |= 2;
		} else if (!strncmp(line, "Gid:", 4) && parse_ids(line + 4, ids, 4) == 4) {
			t->fsgid = (gid_t)ids[3];
			seen |= 4;
		} else if (!strncmp(line, "CapEff:", 7)) {
			t->capeff = strtoull(line + 7, NULL, 16);
			seen |= 8;
		} else if (!strncmp(line, "Groups:", 7)) {
			char *p = line + 7, *end;
			for (;;) {
				unsigned long g = strtoul(p, &end, 10);
				if (end == p)
					break;
				gid_t *ng = realloc(t->groups, (t->ngroups + 1) * sizeof(gid_t));
				if (!ng)
					goto fail;
				t->groups = ng;
				t->groups[t->ngroups++] = (gid_t)g;
				p = end;
			}
			seen |= 16;
		}
	}
	if (seen != 31) {
		errno = EPROTO;
		goto fail;
	}
	t->have_status = true;
	close(fd);
	free(buf);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return -1;
}

static bool gid_in(gid_t g, const gid_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == g)
			return true;
	return false;
}

/* Same fsuid, fsgid and group set as us? */
static bool same_ids(const struct target *t)
{
	gid_t mine[256];
	int n = getgroups((int)ARRAY_LEN(mine), mine);

	if (n < 0 || t->fsuid != geteuid() || t->fsgid != getegid())
		return false;
	for (size_t i = 0; i < t->ngroups; i++)
		if (!gid_in(t->groups[i], mine, (size_t)n))
			return false;
	for (int i = 0; i < n; i++)
		if (!gid_in(mine[i], t->groups, t->ngroups))
			return false;
	return true;
}

/* Does /proc/TID/<what> name the same object as <ours>? */
static bool same_obj(int procfd, const char *what, const char *ours)
{
	struct stat a, b;

	return fstatat(procfd, what, &a, 0) == 0 && stat(ours, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* A namespace, by its nsfs inode. */
struct notify_ns {
	dev_t dev;
	ino_t ino;
};
static struct notify_ns alt_mnt, alt_user;

/* Accept the namespaces of process `pid` (the command, just spawned into
 * a private mount namespace by clawshim) as the command's world. */
void notify_accept_namespaces(pid_t pid)
{
	char p[64];
	struct stat st;

	snprintf(p, sizeof(p), "/proc/%d/ns/mnt", (int)pid);
	if (stat(p, &st) == 0)
		alt_mnt = (struct notify_ns){ st.st_dev, st.st_ino };
	snprintf(p, sizeof(p), "/proc/%d/ns/user", (int)pid);
	if (stat(p, &st) == 0)
		alt_user = (struct notify_ns){ st.st_dev, st.st_ino };
}

/* Does /proc/TID/<what> name the object `alt` (clawshim's own namespace
 * for the command)? */
static bool is_alt(int procfd, const char *what, const struct notify_ns *alt)
{
	struct stat a;

	return alt->ino && fstatat(procfd, what, &a, 0) == 0 &&
	       a.st_dev == alt->dev && a.st_ino == alt->ino;
}

/* A path the command names means the same to us only when it has our
 * root and our mount namespace (and our user namespace, so that its
 * capabilities mean ours) - or the private ones clawshim made for it,
 * whose mounts are binds of the same paths onto themselves or hide paths
 * that the policy denies anyway (process/mountns.c). */
static bool same_world(const struct target *t)
{
	return same_obj(t->procfd, "root", "/") &&
	       (same_obj(t->procfd, "ns/mnt", "/proc/self/ns/mnt") ||
		is_alt(t->procfd, "ns/mnt", &alt_mnt)) &&
	       (same_obj(t->procfd, "ns/user", "/proc/self/ns/user") ||
		is_alt(t->procfd, "ns/user", &alt_user));
}


/* Take the command's view for one operation: refuse when its identity
 * differs from ours, lower our effective capabilities to its own. */
int nt_creds_enter(struct target *t, struct capsave *cs)
{
	struct __user_cap_data_struct nd[2];

	cs->changed = false;
	if (!t->have_status && read_status(t) < 0)
		return (int)nt_internal(EPERM, "reading the command's credentials");
	if (!same_ids(t) || !same_world(t)) {
		warn("seccomp notify: the command's credentials or namespaces differ from clawshim's; refused");
		return -EPERM;
	}
	cs->h.version = _LINUX_CAPABILITY_VERSION_3;
	cs->h.pid = 0;
	if (syscall(SYS_capget, &cs->h, cs->d) < 0)
		return (int)nt_internal(EPERM, "capget");
	memcpy(nd, cs->d, sizeof(nd));
	nd[0].effective &= (uint32_t)t->capeff;
	nd[1].effective &= (uint32_t)(t->capeff >> 32);
	if (nd[0].effective == cs->d[0].effective && nd[1].effective == cs->d[1].effective)
		return 0;
	if (syscall(SYS_capset, &cs->h, nd) < 0)
		return (int)nt_internal(EPERM, "capset");
	cs->changed = true;
	return 0;
}

void nt_creds_leave(struct capsave *cs)
{
	int saved = errno;

	if (cs->changed && syscall(SYS_capset, &cs->h, cs->d) < 0)
		warn("seccomp notify: restoring capabilities: %s", strerror(errno));
	cs->changed = false;
	errno = saved;
}

/* The target's effective capabilities, for a worker to lower its own to
 * them; 0 or -errno. */
int nt_target_capeff(struct target *t, uint64_t *capeff)
{
	if (!t->have_status && read_status(t) < 0)
		return (int)nt_internal(EACCES, "reading the command's status");
	*capeff = t->capeff;
	return 0;
}

/* A duplicate of the target's descriptor `fd`, or -errno. */
int nt_target_getfd(struct target *t, int fd)
{
	int pidfd = (int)syscall(SYS_pidfd_open, t->tid, 0);

	/* Not a thread-group leader: EINVAL before 6.9, ENOENT after
	 * (we opened /proc/TID, so it exists); 6.9+ can open the thread. */
	if (pidfd < 0 && (errno == EINVAL || errno == ENOENT))
		pidfd = (int)syscall(SYS_pidfd_open, t->tid, PIDFD_THREAD);
	if (pidfd < 0 && (errno == EINVAL || errno == ENOENT)) {
		/* Older kernels: the thread group shares its descriptor table
		 * unless it unshared it, and then this is the process's own
		 * socket anyway: still only checked paths get connected. */
		if (!t->have_status && read_status(t) < 0)
			return (int)nt_internal(EACCES, "reading the command's status");
		pidfd = (int)syscall(SYS_pidfd_open, t->tgid, 0);
	}
	if (pidfd < 0)
		return errno == ESRCH ? -ESRCH : (int)nt_internal(EACCES, "pidfd_open");
	int dup = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	int err = errno;
	close(pidfd);
	if (dup >= 0)
		return dup;
	if (err == EBADF || err == ESRCH)
		return -err;
	errno = err;
	return (int)nt_internal(EACCES, "pidfd_getfd (is ptrace restricted?)");
}

/* ---- objects ---- */

/* The canonical path of the object behind `fd` (from /proc/self/fd). An
 * unlinked file keeps its last path (its " (deleted)" suffix removed);
 * sockets, pipes and anonymous inodes give a name not starting with '/'. */
int nt_fd_path(int fd, char *out, size_t cap)
{
	char link[64];
	struct stat st;
	static const char del[] = " (deleted)";

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, out, cap - 1);
	if (n < 0 || (size_t)n >= cap - 1)
		return -1;
	out[n] = '\0';
	size_t dl = sizeof(del) - 1;
	if ((size_t)n > dl && !strcmp(out + n - dl, del) && fstat(fd, &st) == 0 &&
	    st.st_nlink == 0)
		out[n - dl] = '\0';
	return 0;
}

/* The canonical path of `fd` (nt_fd_path), only when that path, looked
 * up again from our root without following any link, names the same
 * object; -1 otherwise.  Why: the path is what the policy judges, but
 * readlink gives it relative to the root of the object's own mount
 * namespace: a file on another namespace's tmpfs reads "/tmp/victim".
 * An unlinked file (no name to look up) passes when its parent directory,
 * looked up the same way, is on the same filesystem. */
int nt_object_path(int fd, char *out, size_t cap)
{
	struct stat a, b;
	int o;

	if (nt_fd_path(fd, out, cap) < 0 || fstat(fd, &a) < 0)
		return -1;
	if (out[0] != '/')
		return 0; /* a socket, pipe, anonymous inode: no path to judge */
	struct open_how how = {.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
			       .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
	bool gone = a.st_nlink == 0 && !S_ISDIR(a.st_mode);
	char *slash = strrchr(out, '/');
	if (gone)
		*slash = '\0';
	o = (int)syscall(SYS_openat2, AT_FDCWD, gone && slash == out ? "/" : out, &how, sizeof(how));
	if (o < 0 && (errno == ENOSYS || errno == EPERM)) /* before 5.6; a container's profile */
		o = open(gone && slash == out ? "/" : out, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (gone)
		*slash = '/';
	if (o < 0)
		return -1;
	int rc = fstat(o, &b);
	close(o);
	if (rc < 0 || a.st_dev != b.st_dev || (!gone && a.st_ino != b.st_ino))
		return -1;
	return 0;
}

/* Open /proc/TID/<fd/N or cwd> with O_PATH: the target's descriptor
 * `dirfd` or its working directory. -errno as the kernel would answer. */
static int open_target_fd(struct target *t, int dirfd)
{
	char name[32];
	int fd;

	if (dirfd == AT_FDCWD)
		snprintf(name, sizeof(name), "cwd");
	else if (dirfd < 0)
		return -EBADF;
	else
		snprintf(name, sizeof(name), "fd/%d", dirfd);
	fd = openat(t->procfd, name, O_PATH | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	return errno == ENOENT ? -EBADF : (int)nt_internal(EPERM, "opening the command's descriptor");
}

static bool on_procfs(int fd)
{
	struct statfs sf;

	return fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

/* The Tgid: line of the procfs status file `name` under `dir`, or -1. */
static pid_t status_tgid(int dir, const char *name)
{
	char buf[1024], *l;
	int fd = openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n = -1;

	if (fd >= 0 && on_procfs(fd))
		n = read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (!(l = strstr(buf, "\nTgid:")))
		return -1;
	return (pid_t)strtol(l + 6, NULL, 10);
}

/* Is procfs directory `dir` (holding a magic link: /proc/PID,
 * /proc/PID/fd, /proc/PID/task/TID, ...) one of the target's own thread
 * group?  Why: the root, cwd and fd/N links of another process (a
 * process of the same uid in a user and mount namespace of its own)
 * lead into a world the policy's paths do not describe, and Landlock
 * keeps the command from following them itself.  The target's own links
 * are its own view: its root is ours (same_world), its descriptors it
 * holds already. */
static bool proc_dir_is_target(const struct target *t, int dir, const char *link)
{
	pid_t g = status_tgid(dir, "status");
	char what[NAME_MAX + 32];

	if (g < 0)
		g = status_tgid(dir, "../status");
	if (g > 0 && g == t->tgid)
		return true;
	snprintf(what, sizeof(what), "/proc/%d/.../%s", (int)g, link);
	audit_deny("proc-link", what, t->tid);
	return false;
}

/* Replace rest[0..used) by `head` followed by `tail`; -ENAMETOOLONG. */
static int splice_path(char *rest, size_t cap, const char *head, const char *tail)
{
	char tmp[2 * PATH_MAX];
	int n = snprintf(tmp, sizeof(tmp), "%s%s%s", head, *tail && *head ? "/" : "", tail);

	if (n < 0 || (size_t)n >= cap || (size_t)n >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(rest, tmp, (size_t)n + 1);
	return 0;
}

/* Resolve `path` from `start` the way the kernel would for the target,
 * one component at a time: we cannot hand the whole path to openat(),
 * because /proc/self and /proc/thread-self (also behind /dev/fd,
 * /dev/stdin...) would name the supervisor. They are replaced by the
 * target's ids; other procfs links (fd/N, cwd: pid-specific magic links)
 * are followed by the kernel; ordinary symlinks are read and spliced in.
 * Returns an O_PATH fd or -errno. */
static int walk(struct target *t, int start, const char *path, bool follow_last)
{
	char rest[2 * PATH_MAX], link[PATH_MAX], comp[NAME_MAX + 1];
	const char *p;
	int cur, links = 0, rc;
	bool dir_needed = false;
	struct stat st;

	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(rest, path, strlen(path) + 1);
	cur = path[0] == '/' ? open("/", O_PATH | O_CLOEXEC) : fcntl(start, F_DUPFD_CLOEXEC, 3);
	if (cur < 0)
		return -errno;
	p = rest;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *q = strchrnul(p, '/');
		size_t len = (size_t)(q - p);
		if (len > NAME_MAX) {
			rc = -ENAMETOOLONG;
			goto fail;
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		const char *after = q;
		while (*after == '/')
			after++;
		bool last = !*after, slash = last && *q == '/';
		if (slash)
			dir_needed = true;
		p = q;
		if (!strcmp(comp, "."))
			continue;
		int flags = O_PATH | O_CLOEXEC | O_NOFOLLOW;
		int nfd = openat(cur, comp, flags);
		if (nfd < 0 || fstat(nfd, &st) < 0) {
			rc = -errno;
			if (nfd >= 0)
				close(nfd);
			goto fail;
		}
		if (S_ISLNK(st.st_mode) && (!last || follow_last || slash)) {
			close(nfd);
			if (++links > MAX_SYMLINKS) {
				rc = -ELOOP;
				goto fail;
			}
			bool proc = on_procfs(cur);
			if (proc && (!strcmp(comp, "self") || !strcmp(comp, "thread-self"))) {
				if (comp[0] == 's')
					snprintf(link, sizeof(link), "%d", (int)t->tgid);
				else
					snprintf(link, sizeof(link), "%d/task/%d", (int)t->tgid, (int)t->tid);
			} else if (proc) {
				/* A magic link of /proc/PID: only the kernel can follow it,
				 * and it would follow it with our access, which Landlock
				 * does not confine: the command itself cannot follow the
				 * links of a process outside its domain (a ptrace check). */
				if (!proc_dir_is_target(t, cur, comp)) {
					rc = -EACCES;
					goto fail;
				}
				if ((nfd = openat(cur, comp, O_PATH | O_CLOEXEC)) < 0) {
					rc = -errno;
					goto fail;
				}
				close(cur);
				cur = nfd;
				continue;
			} else {
				ssize_t n = readlinkat(cur, comp, link, sizeof(link) - 1);
				if (n < 0 || (size_t)n >= sizeof(link) - 1) {
					rc = n < 0 ? -errno : -ENAMETOOLONG;
					goto fail;
				}
				link[n] = '\0';
			}
			if (link[0] == '/') {
				int root = open("/", O_PATH | O_CLOEXEC);
				if (root < 0) {
					rc = -errno;
					goto fail;
				}
				close(cur);
				cur = root;
			}
			if ((rc = splice_path(rest, sizeof(rest), link, p)) < 0)
				goto fail;
			p = rest;
			continue;
		}
		close(cur);
		cur = nfd;
	}
	if (dir_needed && (fstat(cur, &st) < 0 || !S_ISDIR(st.st_mode))) {
		rc = -ENOTDIR;
		goto fail;
	}
	return cur;
fail:
	close(cur);
	return rc;
}

/* What a path-taking syscall names: `path` (read from the target)
 * relative to its `dirfd`, or the descriptor itself (path NULL, or "" with
 * AT_EMPTY_PATH). Returns an O_PATH fd or -errno. Call between
 * creds_enter and creds_leave: the walk uses the command's permissions. */
int nt_open_object(struct target *t, int dirfd, const char *path,
		       unsigned at_flags)
{
	int base = -1, fd;

	if (!path || (path[0] == '\0' && (at_flags & AT_EMPTY_PATH)))
		return open_target_fd(t, dirfd);
	if (path[0] == '\0')
		return -ENOENT;
	if (path[0] != '/' && (base = open_target_fd(t, dirfd)) < 0)
		return base;
	fd = walk(t, base, path, !(at_flags & AT_SYMLINK_NOFOLLOW));
	if (base >= 0)
		close(base);
	return fd;
}

/* ---- the loop's entry ---- */

static int64_t dispatch(struct target *t, const struct seccomp_notif *n,
			const struct notify_rules *r, int nfd)
{
	int nr = n->data.nr;

	/* Only the native ABI: compat pointers and structures differ. */
	if (n->data.arch != NATIVE_ARCH) {
		warn("seccomp notify: syscall %d of a non-native ABI refused", nr);
		return -EPERM;
	}
	if (nr == SYS_connect || nr == SYS_sendto || nr == SYS_sendmsg || nr == SYS_sendmmsg)
		return nt_handle_net(t, n, r, nfd);
	if (nr == SYS_listen)
		return nt_handle_listen(t, n, r, nfd);
	switch (nr) {
	case SYS_chmod: case SYS_fchmod: case SYS_fchmodat: case NR_FCHMODAT2:
	case SYS_chown: case SYS_fchown: case SYS_lchown: case SYS_fchownat:
	case SYS_utime: case SYS_utimes: case SYS_futimesat: case SYS_utimensat:
	case SYS_setxattr: case SYS_lsetxattr: case SYS_fsetxattr:
	case SYS_removexattr: case SYS_lremovexattr: case SYS_fremovexattr:
		return nt_handle_meta(t, n, r, nfd);
	default:
		warn("seccomp notify: unexpected syscall %d refused", nr);
		return -EPERM;
	}
}

/* Answer notification `id` with rc (a result, or -errno). Never
 * SECCOMP_USER_NOTIF_FLAG_CONTINUE: every call we are asked about is
 * decided on copies and performed here (notify.c). Called by the loop and
 * by the workers of notify_net.c, each with a descriptor of its own. */
void nt_respond(int nfd, uint64_t id, int64_t rc)
{
	struct seccomp_notif_resp resp = {.id = id};

	if (rc < 0)
		resp.error = (int32_t)rc;
	else
		resp.val = rc;
	/* ENOENT: the thread was killed or interrupted by a signal meanwhile. */
	if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
		warn("seccomp notify: answering: %s", strerror(errno));
}

int notify_serve(int notify_fd, const struct notify_rules *r)
{
	struct pollfd pfd = {.fd = notify_fd, .events = POLLIN};
	struct seccomp_notif req;
	struct target t = {.procfd = -1};
	char proc[32];
	int64_t rc;

	/* RECV blocks when nothing is pending; poll first so we never do. We
	 * are the only reader, so a POLLIN seen here stays receivable (an
	 * interrupted notification makes RECV fail with ENOENT, not block). */
	if (poll(&pfd, 1, 0) < 0)
		return errno == EINTR ? 0 : -1;
	if (pfd.revents & POLLNVAL)
		return -1;
	if (!(pfd.revents & POLLIN))
		return (pfd.revents & (POLLHUP | POLLERR)) ? -1 : 0;
	memset(&req, 0, sizeof(req)); /* the kernel wants it zeroed */
	if (ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
		if (errno != ENOENT && errno != EINTR)
			warn("seccomp notify: receiving: %s", strerror(errno));
		return errno == EBADF ? -1 : 0;
	}
	t.tid = (pid_t)req.pid;
	snprintf(proc, sizeof(proc), "/proc/%d", t.tid);
	t.procfd = open(proc, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (req.pid == 0)
		rc = -EPERM; /* in a pid namespace we cannot see into */
	else if (t.procfd < 0)
		rc = errno == ENOENT ? -ESRCH : nt_internal(EPERM, "opening /proc/PID");
	else
		rc = dispatch(&t, &req, r, notify_fd);
	if (rc != ANSWER_LATER)
		nt_respond(notify_fd, req.id, rc);
	if (t.procfd >= 0)
		close(t.procfd);
	free(t.groups);
	return 0;
}
