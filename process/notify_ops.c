/* SPDX-License-Identifier: MIT */
/*
 * notify_ops.c: what the notification supervisor performs for the command
 * after checking it: metadata changes (chmod, chown, utimes, xattrs) and
 * unix socket connects and datagrams (the why is in notify.c).
 */
#include "notify_int.h"

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
		int rc = nt_mem_read(tid, m->times, &u, sizeof(u));
		if (rc < 0)
			return rc;
		ts[0] = (struct timespec){u.actime, 0};
		ts[1] = (struct timespec){u.modtime, 0};
		return 0;
	}
	case TF_TIMEVAL: {
		struct timeval tv[2];
		int rc = nt_mem_read(tid, m->times, tv, sizeof(tv));
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
		return nt_mem_read(tid, m->times, ts, 2 * sizeof(ts[0]));
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
	    (len = nt_mem_read_str(t->tid, m->path, ma->path, sizeof(ma->path), ENAMETOOLONG)) < 0)
		return (int)len;
	if (m->kind == MK_UTIMES && (rc = read_times(t->tid, m, ma->ts, &ma->ts_null)) < 0)
		return rc;
	if (m->kind == MK_SETXATTR || m->kind == MK_RMXATTR) {
		len = nt_mem_read_str(t->tid, m->name, ma->name, sizeof(ma->name), ERANGE);
		if (len < 0)
			return (int)len;
		if (len == 0)
			return -ERANGE;
	}
	if (m->kind == MK_SETXATTR) {
		if (m->size > XATTR_SIZE_MAX)
			return -E2BIG;
		if (m->size && (rc = nt_mem_read(t->tid, m->value, ma->value, m->size)) < 0)
			return rc;
	}
	return 0;
}

int64_t nt_handle_meta(struct target *t, const struct seccomp_notif *n,
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
	if ((rc = nt_creds_enter(t, &cs)) < 0)
		return rc;
	/* Everything we used came from the notifying thread only if it is
	 * still waiting: its pid cannot have been reused meanwhile. */
	if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &n->id) < 0) {
		nt_creds_leave(&cs);
		return -ESRCH;
	}
	ofd = nt_open_object(t, m.dirfd, m.has_path ? ma.path : NULL, m.at_flags);
	if (ofd < 0) {
		nt_creds_leave(&cs);
		return ofd;
	}
	if (fstat(ofd, &st) < 0 || nt_fd_path(ofd, canon, sizeof(canon)) < 0)
		rc = -EPERM;
	else if (!notify_may_change_meta(r, canon)) {
		rc = -EPERM; /* outside the writable roots, or denied */
		audit_deny((const char *[]){ "chmod", "chown", "utimes", "setxattr",
					     "removexattr" }[m.kind], canon, t->tid);
	} else
		rc = meta_perform(&m, ofd, &st, ma.ts_null ? NULL : ma.ts, ma.name, ma.value);
	close(ofd);
	nt_creds_leave(&cs);
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

	if ((rc = nt_creds_enter(t, &cs)) < 0)
		return rc;
	if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0) {
		nt_creds_leave(&cs);
		return -ESRCH;
	}
	/* Follow every symlink, the socket's own too: the kernel would. */
	ofd = nt_open_object(t, AT_FDCWD, path, 0);
	if (ofd < 0) {
		nt_creds_leave(&cs);
		return ofd;
	}
	if (fstat(ofd, &st) < 0 || nt_fd_path(ofd, canon, sizeof(canon)) < 0 ||
	    !notify_may_connect(r, canon)) {
		rc = -EACCES; /* not one of [network] unix */
		audit_deny("unix-connect", canon, t->tid);
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
	nt_creds_leave(&cs);
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
	if (len && (rc = nt_mem_read(t->tid, n->data.args[1], &ss, (size_t)len)) < 0)
		return rc;
	const struct sockaddr_un *un = (const struct sockaddr_un *)&ss;
	size_t off = offsetof(struct sockaddr_un, sun_path);
	if (un->sun_family == AF_UNIX && (size_t)len > off) {
		if (un->sun_path[0] == '\0') {
			audit_deny("unix-connect", "(abstract)", t->tid);
			return -EACCES; /* abstract: see the top of this file */
		}
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
			int d = nt_target_getfd(t, fds[i]);
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

	if ((rc = nt_mem_read(t->tid, msgaddr, &mh, sizeof(mh))) < 0)
		return rc;
	if (mh.msg_name && mh.msg_namelen)
		return -EACCES; /* unix = allows connect() only */
	if (mh.msg_iovlen > IOV_MAX)
		return -EMSGSIZE;
	if (mh.msg_controllen > CONTROL_MAX)
		return -ENOBUFS;
	riov = calloc(mh.msg_iovlen ? mh.msg_iovlen : 1, sizeof(*riov));
	if (!riov)
		return nt_internal(EACCES, "allocating");
	if (mh.msg_iovlen &&
	    (rc = nt_mem_read(t->tid, (uintptr_t)mh.msg_iov, riov, mh.msg_iovlen * sizeof(*riov))) < 0)
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
		rc = nt_internal(EACCES, "allocating");
		goto out;
	}
	for (size_t i = 0, off = 0; i < mh.msg_iovlen; off += riov[i].iov_len, i++)
		if (riov[i].iov_len &&
		    (rc = nt_mem_read(t->tid, (uintptr_t)riov[i].iov_base, data + off, riov[i].iov_len)) < 0)
			goto out;
	if (mh.msg_controllen &&
	    (rc = nt_mem_read(t->tid, (uintptr_t)mh.msg_control, ctl, mh.msg_controllen)) < 0)
		goto out;
	one = (struct iovec){data, total};
	mh = (struct msghdr){.msg_iov = &one, .msg_iovlen = 1,
			     .msg_control = mh.msg_controllen ? ctl : NULL,
			     .msg_controllen = mh.msg_controllen};
	if ((rc = translate_rights(t, &mh, dups, &ndups, ARRAY_LEN(dups))) < 0)
		goto out;
	if ((rc = nt_creds_enter(t, &cs)) < 0)
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
	nt_creds_leave(&cs);
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
		return nt_internal(EACCES, "SO_TYPE");
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

int64_t nt_handle_net(struct target *t, const struct seccomp_notif *n,
			  const struct notify_rules *r, int nfd)
{
	int domain;
	socklen_t sl = sizeof(domain);
	int64_t rc;
	int sock = nt_target_getfd(t, (int)n->data.args[0]);

	if (sock < 0)
		return sock;
	if (getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &domain, &sl) < 0)
		rc = errno == ENOTSOCK ? -ENOTSOCK : nt_internal(EACCES, "SO_DOMAIN");
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
