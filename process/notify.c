/* SPDX-License-Identifier: MIT */
/*
 * notify.c: the seccomp user-notification supervisor (see notify.h).
 *
 * Why: Landlock up to ABI 7 does not govern connect()/sendmsg() to named
 * unix sockets (docker.sock, ssh-agent) nor chmod/chown/utimes/xattrs.
 * The sandboxed thread waits in the kernel while we decide; where the
 * answer is yes we do the operation ourselves, on an O_PATH descriptor of
 * the very object we checked, because SECCOMP_USER_NOTIF_FLAG_CONTINUE
 * makes the kernel re-read the command's memory after our check, and any
 * other thread (or process sharing the memory) can change it meanwhile
 * (Documentation/userspace-api/seccomp_filter.rst, "unsafe to use").
 *
 * We CONTINUE only when the decision rests on registers and kernel state
 * that the command cannot change: the socket's domain and type.  A socket
 * that is not AF_UNIX cannot reach a unix path whatever address it is
 * given; AF_UNIX stream and seqpacket sockets ignore or refuse a sendmsg
 * address.  So the fast path for TCP/UDP is one pidfd_getfd+getsockopt.
 *
 * What the command gets:
 *  - connect() on an AF_UNIX socket is always performed by us with the
 *    copied address: a named path is resolved as the command sees it and
 *    connected only when it is one of [network] unix; an abstract address
 *    is refused (EACCES): CONTINUE would race, and our own connect would
 *    escape Landlock's abstract-socket scope, which binds only the sandbox.
 *  - unix = allows connect() only: datagrams to an explicit unix address
 *    (sendto/sendmsg/sendmmsg with a name on an AF_UNIX datagram socket)
 *    are refused with EACCES.  sendmsg without a name on such a socket is
 *    performed by us (SCM_RIGHTS translated); sendmmsg sends its first
 *    message (a short count, which callers must handle anyway).
 *  - metadata changes are performed by us when the object's canonical path
 *    is writable by the policy, else EPERM.  setxattrat, removexattrat and
 *    file_setattr (6.13+, 6.17+) get ENOSYS: not emulated.
 *
 * Credentials: we act with the command's view.  We refuse (EPERM) when the
 * command's fsuid, fsgid, supplementary groups, user or mount namespace or
 * root directory differ from ours, and for the duration of the operation
 * we lower our effective capabilities to the command's (capset on this
 * thread, restored after).  So when the supervisor is root with all
 * capabilities and the command root with none, the kernel's own checks
 * (owner or CAP_FOWNER for chmod, CAP_CHOWN for chown, group membership,
 * setgid clearing, write access for utimes, CAP_SYS_ADMIN for trusted.*)
 * decide exactly as for the command; nothing needs re-implementing.
 * The peer of a socket we connect sees our pid in SO_PEERCRED (same uid).
 */
#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/magic.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utime.h>

#include "../common.h"

#ifndef SECCOMP_IOCTL_NOTIF_ID_VALID
#error "kernel headers without seccomp user notification (need Linux >= 5.0 headers)"
#endif
#ifndef SECCOMP_USER_NOTIF_FLAG_CONTINUE
#define SECCOMP_USER_NOTIF_FLAG_CONTINUE (1UL << 0)
#endif
/* The kernel's AUDIT_ARCH of this build (what libseccomp's
 * seccomp_arch_native() answers, without loading libseccomp). */
#include <linux/audit.h>
#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define NATIVE_ARCH AUDIT_ARCH_I386
#else
#define NATIVE_ARCH seccomp_arch_native()
#endif

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL  /* Linux 6.9 */
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif
#ifndef XATTR_NAME_MAX
#define XATTR_NAME_MAX 255
#endif
#ifndef XATTR_SIZE_MAX
#define XATTR_SIZE_MAX 65536
#endif

/* Syscalls libseccomp 2.5.4 may not know; these numbers are the unified
 * table every architecture below shares since Linux 5.1. */
#if defined(__x86_64__) || defined(__aarch64__) || defined(__i386__) || \
	defined(__arm__) || defined(__riscv) || defined(__powerpc64__) || \
	defined(__s390x__) || defined(__loongarch__)
#define NR_FCHMODAT2 452
#define NR_SETXATTRAT 463
#define NR_REMOVEXATTRAT 466
#define NR_FILE_SETATTR 469
#else
#error "notify.c: add this architecture's numbers for fchmodat2, setxattrat, removexattrat, file_setattr"
#endif

/* Path-taking variants that newer architectures (arm64, riscv) lack: give
 * them numbers no syscall has, so the switch below still compiles. */
#ifndef SYS_chmod
#define SYS_chmod (-101)
#endif
#ifndef SYS_chown
#define SYS_chown (-102)
#endif
#ifndef SYS_lchown
#define SYS_lchown (-103)
#endif
#ifndef SYS_utime
#define SYS_utime (-104)
#endif
#ifndef SYS_utimes
#define SYS_utimes (-105)
#endif
#ifndef SYS_futimesat
#define SYS_futimesat (-106)
#endif

#define MAX_SYMLINKS 40            /* the kernel's ELOOP limit */
#define ANSWER_CONTINUE INT64_MIN  /* handler result: let the kernel do it */
#define DGRAM_MAX (1u << 20)       /* largest datagram we relay */
#define CONTROL_MAX 65536          /* largest ancillary data we relay */
#define BLOCK_BOUND_SEC 1          /* longest we wait in connect/send */

/* ---- rules: pure ---- */

static void push(char ***v, size_t *n, const char *s)
{
	if (!s)
		return; /* an optional path that does not exist */
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
}

static void push_list(char ***v, size_t *n, const struct pol_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		push(v, n, l->v[i].path);
}

void notify_rules_init(struct notify_rules *r, const struct policy *p)
{
	memset(r, 0, sizeof(*r));
	push(&r->writable, &r->nwritable, p->workspace.val);
	push_list(&r->writable, &r->nwritable, &p->read_write);
	push_list(&r->deny, &r->ndeny, &p->deny);
	push_list(&r->deny, &r->ndeny, &p->deny_write);
	/* The policy files are deny_write even inside the workspace. */
	push_list(&r->deny, &r->ndeny, &p->files);
	push_list(&r->unix_ok, &r->nunix, &p->unix_sockets);
}

static void free_v(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void notify_rules_free(struct notify_rules *r)
{
	free_v(r->writable, r->nwritable);
	free_v(r->deny, r->ndeny);
	free_v(r->unix_ok, r->nunix);
	memset(r, 0, sizeof(*r));
}

bool notify_path_inside(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (path[0] != '/' || root[0] != '/')
		return false; /* not canonical: never inside anything */
	while (n > 1 && root[n - 1] == '/')
		n--; /* "/" stays "/", "/a/" is "/a" */
	if (n == 1)
		return true;
	/* Whole components: "/work/ab" is not inside "/work/a". */
	return strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

bool notify_may_change_meta(const struct notify_rules *r,
			    const char *canonical_path)
{
	bool inside = false;

	if (!canonical_path || canonical_path[0] != '/')
		return false;
	for (size_t i = 0; i < r->nwritable && !inside; i++)
		inside = notify_path_inside(canonical_path, r->writable[i]);
	if (!inside)
		return false;
	/* A deny or deny_write inside a writable tree still wins. */
	for (size_t i = 0; i < r->ndeny; i++)
		if (notify_path_inside(canonical_path, r->deny[i]))
			return false;
	return true;
}

bool notify_may_connect(const struct notify_rules *r,
			const char *canonical_path)
{
	if (!canonical_path || canonical_path[0] != '/')
		return false;
	for (size_t i = 0; i < r->nunix; i++)
		if (strcmp(canonical_path, r->unix_ok[i]) == 0)
			return true;
	return false;
}

/* ---- filter rules: pure ---- */

struct sc {
	const char *name;
	int nr; /* when libseccomp does not know the name; 0: skip */
};

static int add_one(scmp_filter_ctx ctx, uint32_t action, const struct sc *s)
{
	int nr = seccomp_syscall_resolve_name(s->name);
	int rc;

	if (nr != __NR_SCMP_ERROR)
		rc = seccomp_rule_add(ctx, action, nr, 0);
	else if (s->nr > 0) /* exact: fails (fail closed) on multi-arch filters */
		rc = seccomp_rule_add_exact(ctx, action, s->nr, 0);
	else
		return -ENOSYS; /* a name we rely on is unknown: fail closed */
	/* -EACCES: the action equals the filter's default (an allow-list
	 * filter whose default is ENOSYS): the syscall is denied already. */
	return rc == -EACCES && action != SCMP_ACT_NOTIFY ? 0 : rc;
}

int notify_add_rules(scmp_filter_ctx ctx, unsigned what)
{
	/* chown32 & co. and utimensat_time64 exist on 32-bit architectures
	 * only; libseccomp ignores them on the others. socketcall too: on
	 * i386 it multiplexes connect and sendmsg. */
	static const struct sc meta[] = {
		{"chmod", 0}, {"fchmod", 0}, {"fchmodat", 0},
		{"fchmodat2", NR_FCHMODAT2},
		{"chown", 0}, {"fchown", 0}, {"lchown", 0}, {"fchownat", 0},
		{"chown32", 0}, {"fchown32", 0}, {"lchown32", 0},
		{"utime", 0}, {"utimes", 0}, {"futimesat", 0}, {"utimensat", 0},
		{"utimensat_time64", 0},
		{"setxattr", 0}, {"lsetxattr", 0}, {"fsetxattr", 0},
		{"removexattr", 0}, {"lremovexattr", 0}, {"fremovexattr", 0},
	};
	static const struct sc meta_enosys[] = {
		{"setxattrat", NR_SETXATTRAT}, {"removexattrat", NR_REMOVEXATTRAT},
		{"file_setattr", NR_FILE_SETATTR},
	};
	static const struct sc net[] = {
		{"connect", 0}, {"sendmsg", 0}, {"sendmmsg", 0}, {"socketcall", 0},
	};
	/* io_uring connects and sets xattrs without a syscall to notify. */
	static const struct sc uring = {"io_uring_setup", 0};
	int rc;

	/* NOTIFY_DENY: under an outer clawshim, whose filter already holds
	 * the one listener a filter chain may have (EBUSY otherwise), refuse
	 * instead of asking: stricter than the policy, never weaker. */
	bool deny = what & NOTIFY_DENY;
	if (what & NOTIFY_META) {
		uint32_t act = deny ? SCMP_ACT_ERRNO(EPERM) : SCMP_ACT_NOTIFY;
		for (size_t i = 0; i < ARRAY_LEN(meta); i++) {
			/* Denying, timestamps stay with the outer supervisor's
			 * check: `touch` must keep working. */
			if (deny && strstr(meta[i].name, "utime"))
				continue;
			if ((rc = add_one(ctx, act, &meta[i])) < 0)
				return rc;
		}
		for (size_t i = 0; i < ARRAY_LEN(meta_enosys); i++)
			if ((rc = add_one(ctx, SCMP_ACT_ERRNO(ENOSYS), &meta_enosys[i])) < 0)
				return rc;
	}
	if (what & NOTIFY_UNIX) {
		/* Denying: connect() is refused outright; sendmsg keeps the
		 * outer supervisor's check of named datagram addresses. */
		for (size_t i = 0; i < ARRAY_LEN(net); i++) {
			if (deny && strcmp(net[i].name, "connect") != 0)
				continue;
			rc = add_one(ctx, deny ? SCMP_ACT_ERRNO(EACCES) : SCMP_ACT_NOTIFY, &net[i]);
			if (rc < 0)
				return rc;
		}
		/* sendto(fd, buf, len, flags, dest, addrlen): with no address
		 * the socket's connected peer is used, which connect() checked;
		 * both are registers, so this filter test cannot be raced. */
		rc = seccomp_rule_add(ctx, deny ? SCMP_ACT_ERRNO(EACCES) : SCMP_ACT_NOTIFY,
				      SCMP_SYS(sendto), 2,
				      SCMP_A4(SCMP_CMP_NE, 0), SCMP_A5(SCMP_CMP_NE, 0));
		if (rc < 0)
			return rc;
	}
	if (what & (NOTIFY_META | NOTIFY_UNIX))
		if ((rc = add_one(ctx, SCMP_ACT_ERRNO(ENOSYS), &uring)) < 0)
			return rc;
	return 0;
}

/* ---- the target thread ---- */

struct target {
	pid_t tid;          /* the notifying thread, in our pid namespace */
	int procfd;         /* /proc/TID */
	bool have_status;
	pid_t tgid;
	uid_t fsuid;
	gid_t fsgid;
	uint64_t capeff;
	gid_t *groups;
	size_t ngroups;
};

/* Say why we refuse and return -err: the supervisor never dies. */
static int64_t internal(int err, const char *what)
{
	warn("seccomp notify: %s: %s", what, strerror(errno));
	return -err;
}

/* Copy len bytes of the target's memory at addr; 0 or -errno (-EFAULT for
 * an unmapped address, as the kernel would answer). Page by page, because
 * process_vm_readv does not split one remote iovec on a fault. */
static int mem_read(pid_t tid, uint64_t addr, void *buf, size_t len)
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
static ssize_t mem_read_str(pid_t tid, uint64_t addr, char *buf, size_t cap,
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
		int rc = mem_read(tid, a, buf + done, chunk);
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

struct capsave {
	struct __user_cap_header_struct h;
	struct __user_cap_data_struct d[2];
	bool changed;
};

/* Take the command's view for one operation: refuse when its identity
 * differs from ours, lower our effective capabilities to its own. */
static int creds_enter(struct target *t, struct capsave *cs)
{
	struct __user_cap_data_struct nd[2];

	cs->changed = false;
	if (!t->have_status && read_status(t) < 0)
		return (int)internal(EPERM, "reading the command's credentials");
	if (!same_ids(t) || !same_world(t)) {
		warn("seccomp notify: the command's credentials or namespaces differ from clawshim's; refused");
		return -EPERM;
	}
	cs->h.version = _LINUX_CAPABILITY_VERSION_3;
	cs->h.pid = 0;
	if (syscall(SYS_capget, &cs->h, cs->d) < 0)
		return (int)internal(EPERM, "capget");
	memcpy(nd, cs->d, sizeof(nd));
	nd[0].effective &= (uint32_t)t->capeff;
	nd[1].effective &= (uint32_t)(t->capeff >> 32);
	if (nd[0].effective == cs->d[0].effective && nd[1].effective == cs->d[1].effective)
		return 0;
	if (syscall(SYS_capset, &cs->h, nd) < 0)
		return (int)internal(EPERM, "capset");
	cs->changed = true;
	return 0;
}

static void creds_leave(struct capsave *cs)
{
	int saved = errno;

	if (cs->changed && syscall(SYS_capset, &cs->h, cs->d) < 0)
		warn("seccomp notify: restoring capabilities: %s", strerror(errno));
	cs->changed = false;
	errno = saved;
}

/* A duplicate of the target's descriptor `fd`, or -errno. */
static int target_getfd(struct target *t, int fd)
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
			return (int)internal(EACCES, "reading the command's status");
		pidfd = (int)syscall(SYS_pidfd_open, t->tgid, 0);
	}
	if (pidfd < 0)
		return errno == ESRCH ? -ESRCH : (int)internal(EACCES, "pidfd_open");
	int dup = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	int err = errno;
	close(pidfd);
	if (dup >= 0)
		return dup;
	if (err == EBADF || err == ESRCH)
		return -err;
	errno = err;
	return (int)internal(EACCES, "pidfd_getfd (is ptrace restricted?)");
}

/* ---- objects ---- */

/* The canonical path of the object behind `fd` (from /proc/self/fd). An
 * unlinked file keeps its last path (its " (deleted)" suffix removed);
 * sockets, pipes and anonymous inodes give a name not starting with '/'. */
static int fd_path(int fd, char *out, size_t cap)
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
	return errno == ENOENT ? -EBADF : (int)internal(EPERM, "opening the command's descriptor");
}

static bool on_procfs(int fd)
{
	struct statfs sf;

	return fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
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
				/* A magic link of /proc/PID: only the kernel can follow it. */
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
static int open_object(struct target *t, int dirfd, const char *path,
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

/* ---- metadata ---- */

enum meta_kind { MK_CHMOD, MK_CHOWN, MK_UTIMES, MK_SETXATTR, MK_RMXATTR };
enum times_fmt { TF_UTIMBUF, TF_TIMEVAL, TF_TIMESPEC };

struct meta_req {
	enum meta_kind kind;
	int dirfd;              /* AT_FDCWD, or the fd (f* calls, NULL path) */
	uint64_t path;          /* target address; 0 with !has_path */
	bool has_path;
	unsigned at_flags;      /* AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH */
	mode_t mode;
	uid_t uid;
	gid_t gid;
	enum times_fmt tf;
	uint64_t times;         /* 0: now */
	uint64_t name, value;
	size_t size;
	int xflags;
};

/* Decode a metadata syscall; 0, or -errno the kernel would give. */
static int meta_decode(const struct seccomp_notif *n, struct meta_req *m)
{
	const __u64 *a = n->data.args;
	int nr = n->data.nr;
	const unsigned at_ok = AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH;

	memset(m, 0, sizeof(*m));
	m->dirfd = AT_FDCWD;
	m->has_path = true;
	m->path = a[0];
	if (nr == SYS_chmod || nr == SYS_fchmod || nr == SYS_fchmodat || nr == NR_FCHMODAT2) {
		m->kind = MK_CHMOD;
		m->mode = (mode_t)a[1];
		if (nr == SYS_fchmod) {
			m->dirfd = (int)a[0];
			m->has_path = false;
		} else if (nr != SYS_chmod) {
			m->dirfd = (int)a[0];
			m->path = a[1];
			m->mode = (mode_t)a[2];
			m->at_flags = nr == NR_FCHMODAT2 ? (unsigned)a[3] : 0;
		}
		m->mode &= 07777;
	} else if (nr == SYS_chown || nr == SYS_lchown || nr == SYS_fchown || nr == SYS_fchownat) {
		m->kind = MK_CHOWN;
		m->uid = (uid_t)a[1];
		m->gid = (gid_t)a[2];
		if (nr == SYS_lchown)
			m->at_flags = AT_SYMLINK_NOFOLLOW;
		if (nr == SYS_fchown) {
			m->dirfd = (int)a[0];
			m->has_path = false;
		} else if (nr == SYS_fchownat) {
			m->dirfd = (int)a[0];
			m->path = a[1];
			m->uid = (uid_t)a[2];
			m->gid = (gid_t)a[3];
			m->at_flags = (unsigned)a[4];
		}
	} else if (nr == SYS_utime || nr == SYS_utimes) {
		m->kind = MK_UTIMES;
		m->tf = nr == SYS_utime ? TF_UTIMBUF : TF_TIMEVAL;
		m->times = a[1];
	} else if (nr == SYS_futimesat || nr == SYS_utimensat) {
		m->kind = MK_UTIMES;
		m->tf = nr == SYS_futimesat ? TF_TIMEVAL : TF_TIMESPEC;
		m->dirfd = (int)a[0];
		m->path = a[1];
		m->times = a[2];
		m->at_flags = nr == SYS_utimensat ? (unsigned)a[3] : 0;
		if (!m->path && m->dirfd != AT_FDCWD) {
			/* futimens(): the descriptor itself, and no flags. */
			if (m->at_flags)
				return -EINVAL;
			m->has_path = false;
		}
	} else {
		bool set = nr == SYS_setxattr || nr == SYS_lsetxattr || nr == SYS_fsetxattr;
		m->kind = set ? MK_SETXATTR : MK_RMXATTR;
		m->name = a[1];
		if (nr == SYS_lsetxattr || nr == SYS_lremovexattr)
			m->at_flags = AT_SYMLINK_NOFOLLOW;
		if (nr == SYS_fsetxattr || nr == SYS_fremovexattr) {
			m->dirfd = (int)a[0];
			m->has_path = false;
		}
		if (set) {
			m->value = a[2];
			m->size = (size_t)a[3];
			m->xflags = (int)a[4];
		}
	}
	if (m->at_flags & ~at_ok)
		return -EINVAL;
	return 0;
}

/* The times argument in utimensat() form; *null when the call means now. */
static int read_times(pid_t tid, const struct meta_req *m, struct timespec ts[2],
		      bool *null)
{
	*null = m->times == 0;
	if (*null)
		return 0;
	switch (m->tf) {
	case TF_UTIMBUF: {
		struct utimbuf u;
		int rc = mem_read(tid, m->times, &u, sizeof(u));
		if (rc < 0)
			return rc;
		ts[0] = (struct timespec){u.actime, 0};
		ts[1] = (struct timespec){u.modtime, 0};
		return 0;
	}
	case TF_TIMEVAL: {
		struct timeval tv[2];
		int rc = mem_read(tid, m->times, tv, sizeof(tv));
		if (rc < 0)
			return rc;
		for (int i = 0; i < 2; i++) {
			if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
				return -EINVAL;
			ts[i] = (struct timespec){tv[i].tv_sec, tv[i].tv_usec * 1000};
		}
		return 0;
	}
	case TF_TIMESPEC:
		return mem_read(tid, m->times, ts, 2 * sizeof(ts[0]));
	}
	return -EINVAL;
}

/* Do the operation on `ofd`, the O_PATH descriptor we checked. */
static int meta_perform(const struct meta_req *m, int ofd, const struct stat *st,
			const struct timespec *ts, const char *name,
			const void *value)
{
	char proc[64];
	int rc;

	/* /proc/self/fd/N reaches the object itself, symlink included. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", ofd);
	switch (m->kind) {
	case MK_CHMOD:
		if (S_ISLNK(st->st_mode))
			return -EOPNOTSUPP; /* what fchmodat2(AT_SYMLINK_NOFOLLOW) says */
		rc = fchmodat(AT_FDCWD, proc, m->mode, 0);
		break;
	case MK_CHOWN:
		rc = fchownat(ofd, "", m->uid, m->gid, AT_EMPTY_PATH);
		break;
	case MK_UTIMES:
		rc = utimensat(ofd, "", ts, AT_EMPTY_PATH);
		break;
	case MK_SETXATTR:
		rc = setxattr(proc, name, value, m->size, m->xflags);
		break;
	case MK_RMXATTR:
		rc = removexattr(proc, name);
		break;
	default:
		errno = ENOSYS;
		rc = -1;
	}
	return rc < 0 ? -errno : 0;
}

struct meta_args {
	char path[PATH_MAX];
	struct timespec ts[2];
	bool ts_null;
	char name[XATTR_NAME_MAX + 1];
	char value[XATTR_SIZE_MAX];
};

/* Copy every argument that lives in the target's memory. */
static int meta_read_args(struct target *t, const struct meta_req *m,
			  struct meta_args *ma)
{
	ssize_t len;
	int rc;

	if (m->has_path &&
	    (len = mem_read_str(t->tid, m->path, ma->path, sizeof(ma->path), ENAMETOOLONG)) < 0)
		return (int)len;
	if (m->kind == MK_UTIMES && (rc = read_times(t->tid, m, ma->ts, &ma->ts_null)) < 0)
		return rc;
	if (m->kind == MK_SETXATTR || m->kind == MK_RMXATTR) {
		len = mem_read_str(t->tid, m->name, ma->name, sizeof(ma->name), ERANGE);
		if (len < 0)
			return (int)len;
		if (len == 0)
			return -ERANGE;
	}
	if (m->kind == MK_SETXATTR) {
		if (m->size > XATTR_SIZE_MAX)
			return -E2BIG;
		if (m->size && (rc = mem_read(t->tid, m->value, ma->value, m->size)) < 0)
			return rc;
	}
	return 0;
}

static int64_t handle_meta(struct target *t, const struct seccomp_notif *n,
			   const struct notify_rules *r, int nfd)
{
	struct meta_req m;
	struct capsave cs;
	struct stat st;
	char canon[PATH_MAX];
	int rc, ofd;
	static struct meta_args ma; /* 68 KiB: not on the stack; one thread */

	if ((rc = meta_decode(n, &m)) < 0 || (rc = meta_read_args(t, &m, &ma)) < 0)
		return rc;
	if ((rc = creds_enter(t, &cs)) < 0)
		return rc;
	/* Everything we used came from the notifying thread only if it is
	 * still waiting: its pid cannot have been reused meanwhile. */
	if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &n->id) < 0) {
		creds_leave(&cs);
		return -ESRCH;
	}
	ofd = open_object(t, m.dirfd, m.has_path ? ma.path : NULL, m.at_flags);
	if (ofd < 0) {
		creds_leave(&cs);
		return ofd;
	}
	if (fstat(ofd, &st) < 0 || fd_path(ofd, canon, sizeof(canon)) < 0)
		rc = -EPERM;
	else if (!notify_may_change_meta(r, canon))
		rc = -EPERM; /* outside the writable roots, or denied */
	else
		rc = meta_perform(&m, ofd, &st, ma.ts_null ? NULL : ma.ts, ma.name, ma.value);
	close(ofd);
	creds_leave(&cs);
	return rc;
}

/* ---- unix sockets ---- */

/* Bound how long a blocking socket may hold the supervisor: its loop also
 * forwards signals and enforces the timeout.  SO_SNDTIMEO is shared with
 * the command's descriptor, so it is restored right after. */
static bool bound_begin(int sock, struct timeval *saved)
{
	struct timeval b = {BLOCK_BOUND_SEC, 0};
	socklen_t sl = sizeof(*saved);
	int fl = fcntl(sock, F_GETFL);

	if (fl < 0 || (fl & O_NONBLOCK))
		return false;
	if (getsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, saved, &sl) < 0)
		return false;
	if ((saved->tv_sec || saved->tv_usec) && saved->tv_sec < BLOCK_BOUND_SEC)
		return false;
	return setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &b, sizeof(b)) == 0;
}

static void bound_end(int sock, bool on, const struct timeval *saved)
{
	int e = errno;

	if (on)
		setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, saved, sizeof(*saved));
	errno = e;
}

/* connect() a named unix path, as the target would see it. */
static int64_t connect_named(struct target *t, const struct notify_rules *r,
			     int nfd, uint64_t id, int sock, const char *path)
{
	struct capsave cs;
	struct stat st;
	char canon[PATH_MAX], proc[64];
	struct sockaddr_un via = {.sun_family = AF_UNIX};
	int rc, ofd;

	if ((rc = creds_enter(t, &cs)) < 0)
		return rc;
	if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0) {
		creds_leave(&cs);
		return -ESRCH;
	}
	/* Follow every symlink, the socket's own too: the kernel would. */
	ofd = open_object(t, AT_FDCWD, path, 0);
	if (ofd < 0) {
		creds_leave(&cs);
		return ofd;
	}
	if (fstat(ofd, &st) < 0 || fd_path(ofd, canon, sizeof(canon)) < 0 ||
	    !notify_may_connect(r, canon)) {
		rc = -EACCES; /* not one of [network] unix */
	} else if (!S_ISSOCK(st.st_mode)) {
		rc = -ECONNREFUSED;
	} else {
		/* Connect to the inode we checked, not to a path that could be
		 * swapped: /proc/self/fd/N jumps to it (and is short). */
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", ofd);
		snprintf(via.sun_path, sizeof(via.sun_path), "%s", proc);
		struct timeval saved;
		bool bounded = bound_begin(sock, &saved);
		rc = connect(sock, (struct sockaddr *)&via, sizeof(via)) < 0 ? -errno : 0;
		bound_end(sock, bounded, &saved);
	}
	close(ofd);
	creds_leave(&cs);
	return rc;
}

static int64_t handle_connect(struct target *t, const struct seccomp_notif *n,
			      const struct notify_rules *r, int nfd, int sock)
{
	struct sockaddr_storage ss;
	int len = (int)n->data.args[2];
	int rc;

	if (len < 0 || (size_t)len > sizeof(ss))
		return -EINVAL;
	memset(&ss, 0, sizeof(ss));
	if (len && (rc = mem_read(t->tid, n->data.args[1], &ss, (size_t)len)) < 0)
		return rc;
	const struct sockaddr_un *un = (const struct sockaddr_un *)&ss;
	size_t off = offsetof(struct sockaddr_un, sun_path);
	if (un->sun_family == AF_UNIX && (size_t)len > off) {
		if (un->sun_path[0] == '\0')
			return -EACCES; /* abstract: see the top of this file */
		if ((size_t)len > sizeof(struct sockaddr_un))
			return -EINVAL;
		char path[sizeof(un->sun_path) + 1];
		memcpy(path, un->sun_path, (size_t)len - off);
		path[(size_t)len - off] = '\0';
		return connect_named(t, r, nfd, n->id, sock, path);
	}
	/* AF_UNSPEC (a datagram socket's disconnect), unnamed or malformed:
	 * nothing is looked up; we do it with the copied bytes, never let the
	 * kernel re-read them. */
	if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &n->id) < 0)
		return -ESRCH;
	return connect(sock, (struct sockaddr *)&ss, (socklen_t)len) < 0 ? -errno : 0;
}

/* Translate SCM_RIGHTS descriptors in `ctl` from the target's numbers
 * to ours; the duplicates are recorded in dups[] for closing. */
static int translate_rights(struct target *t, struct msghdr *mh, int *dups,
			    size_t *ndups, size_t maxdups)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue; /* anything else: the kernel judges it */
		size_t cnt = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		int *fds = (int *)CMSG_DATA(c);
		for (size_t i = 0; i < cnt; i++) {
			if (*ndups == maxdups)
				return -ETOOMANYREFS;
			int d = target_getfd(t, fds[i]);
			if (d < 0)
				return d;
			dups[(*ndups)++] = d;
			fds[i] = d;
		}
	}
	return 0;
}

/* sendmsg() on an AF_UNIX datagram socket, performed by us from copies:
 * an explicit address is refused, the connected peer was checked. */
static int64_t unix_dgram_sendmsg(struct target *t, int nfd, uint64_t id,
				  int sock, uint64_t msgaddr, int flags)
{
	struct msghdr mh;
	struct iovec *riov = NULL, one;
	char *data = NULL, *ctl = NULL;
	int dups[253];
	size_t ndups = 0, total = 0;
	struct capsave cs;
	int64_t rc;

	if ((rc = mem_read(t->tid, msgaddr, &mh, sizeof(mh))) < 0)
		return rc;
	if (mh.msg_name && mh.msg_namelen)
		return -EACCES; /* unix = allows connect() only */
	if (mh.msg_iovlen > IOV_MAX)
		return -EMSGSIZE;
	if (mh.msg_controllen > CONTROL_MAX)
		return -ENOBUFS;
	riov = calloc(mh.msg_iovlen ? mh.msg_iovlen : 1, sizeof(*riov));
	if (!riov)
		return internal(EACCES, "allocating");
	if (mh.msg_iovlen &&
	    (rc = mem_read(t->tid, (uintptr_t)mh.msg_iov, riov, mh.msg_iovlen * sizeof(*riov))) < 0)
		goto out;
	for (size_t i = 0; i < mh.msg_iovlen; i++) {
		total += riov[i].iov_len;
		if (riov[i].iov_len > DGRAM_MAX || total > DGRAM_MAX) {
			rc = -EMSGSIZE;
			goto out;
		}
	}
	data = malloc(total ? total : 1);
	ctl = malloc(mh.msg_controllen ? mh.msg_controllen : 1);
	if (!data || !ctl) {
		rc = internal(EACCES, "allocating");
		goto out;
	}
	for (size_t i = 0, off = 0; i < mh.msg_iovlen; off += riov[i].iov_len, i++)
		if (riov[i].iov_len &&
		    (rc = mem_read(t->tid, (uintptr_t)riov[i].iov_base, data + off, riov[i].iov_len)) < 0)
			goto out;
	if (mh.msg_controllen &&
	    (rc = mem_read(t->tid, (uintptr_t)mh.msg_control, ctl, mh.msg_controllen)) < 0)
		goto out;
	one = (struct iovec){data, total};
	mh = (struct msghdr){.msg_iov = &one, .msg_iovlen = 1,
			     .msg_control = mh.msg_controllen ? ctl : NULL,
			     .msg_controllen = mh.msg_controllen};
	if ((rc = translate_rights(t, &mh, dups, &ndups, ARRAY_LEN(dups))) < 0)
		goto out;
	if ((rc = creds_enter(t, &cs)) < 0)
		goto out;
	if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0) {
		rc = -ESRCH;
	} else {
		struct timeval saved;
		bool bounded = !(flags & MSG_DONTWAIT) && bound_begin(sock, &saved);
		ssize_t sent = sendmsg(sock, &mh, flags | MSG_NOSIGNAL);
		rc = sent < 0 ? -errno : sent;
		bound_end(sock, bounded, &saved);
	}
	creds_leave(&cs);
out:
	while (ndups)
		close(dups[--ndups]);
	free(riov);
	free(data);
	free(ctl);
	return rc;
}

static int64_t handle_send(struct target *t, const struct seccomp_notif *n,
			   int nfd, int sock)
{
	const __u64 *a = n->data.args;
	int type;
	socklen_t sl = sizeof(type);

	/* Stream and seqpacket unix sockets never use a send address. */
	if (getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &sl) < 0)
		return internal(EACCES, "SO_TYPE");
	if (type != SOCK_DGRAM)
		return ANSWER_CONTINUE;
	if (n->data.nr == SYS_sendto)
		return a[4] && (int)a[5] ? -EACCES : ANSWER_CONTINUE; /* registers */
	if (n->data.nr == SYS_sendmsg)
		return unix_dgram_sendmsg(t, nfd, n->id, sock, a[1], (int)a[2]);
	/* sendmmsg: send the first message, report one sent. */
	if ((unsigned)a[2] == 0)
		return 0;
	int64_t rc = unix_dgram_sendmsg(t, nfd, n->id, sock, a[1], (int)a[3]);
	if (rc < 0)
		return rc;
	/* Through /proc/TID/mem: the directory fd pins the thread, so a
	 * reused pid cannot redirect the write. */
	unsigned int sent = (unsigned int)rc;
	int mem = openat(t->procfd, "mem", O_WRONLY | O_CLOEXEC);
	off_t at = (off_t)(a[1] + offsetof(struct mmsghdr, msg_len));
	ssize_t w = mem < 0 ? -1 : pwrite(mem, &sent, sizeof(sent), at);
	if (mem >= 0)
		close(mem);
	if (w != (ssize_t)sizeof(sent))
		return -EFAULT;
	return 1;
}

static int64_t handle_net(struct target *t, const struct seccomp_notif *n,
			  const struct notify_rules *r, int nfd)
{
	int domain;
	socklen_t sl = sizeof(domain);
	int64_t rc;
	int sock = target_getfd(t, (int)n->data.args[0]);

	if (sock < 0)
		return sock;
	if (getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &domain, &sl) < 0)
		rc = errno == ENOTSOCK ? -ENOTSOCK : internal(EACCES, "SO_DOMAIN");
	else if (domain != AF_UNIX)
		/* Safe to let the kernel re-read the address: a socket that
		 * is not AF_UNIX cannot reach a unix path. Its network rules
		 * are Landlock's and the filter's. */
		rc = ANSWER_CONTINUE;
	else if (n->data.nr == SYS_connect)
		rc = handle_connect(t, n, r, nfd, sock);
	else
		rc = handle_send(t, n, nfd, sock);
	close(sock);
	return rc;
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
		return handle_net(t, n, r, nfd);
	switch (nr) {
	case SYS_chmod: case SYS_fchmod: case SYS_fchmodat: case NR_FCHMODAT2:
	case SYS_chown: case SYS_fchown: case SYS_lchown: case SYS_fchownat:
	case SYS_utime: case SYS_utimes: case SYS_futimesat: case SYS_utimensat:
	case SYS_setxattr: case SYS_lsetxattr: case SYS_fsetxattr:
	case SYS_removexattr: case SYS_lremovexattr: case SYS_fremovexattr:
		return handle_meta(t, n, r, nfd);
	default:
		warn("seccomp notify: unexpected syscall %d refused", nr);
		return -EPERM;
	}
}

static void respond(int nfd, uint64_t id, int64_t rc)
{
	struct seccomp_notif_resp resp = {.id = id};

	if (rc == ANSWER_CONTINUE)
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	else if (rc < 0)
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
		rc = errno == ENOENT ? -ESRCH : internal(EPERM, "opening /proc/PID");
	else
		rc = dispatch(&t, &req, r, notify_fd);
	respond(notify_fd, req.id, rc);
	if (t.procfd >= 0)
		close(t.procfd);
	free(t.groups);
	return 0;
}
