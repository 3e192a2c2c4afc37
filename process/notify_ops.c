/* SPDX-License-Identifier: MIT */
/*
 * notify_ops.c: the metadata changes (chmod, chown, utimes, xattrs) the
 * notification supervisor performs for the command after checking them
 * (the why is in notify.c; sockets are in notify_net.c).
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

/* The mode we set for a chmod to `mode` of a file of type `fmt`.
 * Why: a command running as root would otherwise leave setuid-root (or
 * setgid) programs in /tmp, /dev/shm or the workspace for anyone to run
 * after it - no_new_privs binds only the sandbox.  S_ISUID and S_ISGID
 * are removed silently (what a nosuid mount does to their effect), so
 * `install -m 4755` and `cp -p` still succeed.  On a directory S_ISGID
 * stays: it only makes new entries inherit the directory's group (the
 * kernel clears it on files created there by non-members), which grants
 * no privilege to anything run; `mkdir -m 2775` for shared trees works.
 * S_ISUID means nothing on a directory and goes too.  Creating a file
 * with those bits is refused by the seccomp filter (backends/seccomp.c). */
static mode_t chmod_mode(mode_t mode, mode_t fmt)
{
	return S_ISDIR(fmt) ? mode & ~(mode_t)S_ISUID : mode & ~(mode_t)(S_ISUID | S_ISGID);
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
		rc = fchmodat(AT_FDCWD, proc, chmod_mode(m->mode, st->st_mode), 0);
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
	const char *kind = (const char *[]){ "chmod", "chown", "utimes", "setxattr",
					     "removexattr" }[m.kind];
	if (fstat(ofd, &st) < 0) {
		rc = -EPERM;
	} else if (nt_object_path(ofd, canon, sizeof(canon)) < 0) {
		rc = -EPERM; /* its path names another file from our root */
		audit_deny(kind, "(a file clawshim's root does not reach)", t->tid);
	} else if (!notify_may_change_meta(r, canon)) {
		rc = -EPERM; /* outside the writable roots, or denied */
		audit_deny(kind, canon, t->tid);
	} else if (m.kind == MK_SETXATTR && !strcmp(ma.name, "security.capability")) {
		/* File capabilities are setuid in another form: a command with
		 * CAP_SETFCAP would leave a privileged program behind. */
		rc = -EPERM;
	} else
		rc = meta_perform(&m, ofd, &st, ma.ts_null ? NULL : ma.ts, ma.name, ma.value);
	close(ofd);
	nt_creds_leave(&cs);
	return rc;
}
