/* SPDX-License-Identifier: MIT */
/*
 * notify_int.h: private to the seccomp user-notification supervisor
 * (notify.c: rules, notify_serve.c: the target and the loop, notify_ops.c:
 * metadata changes and unix sockets).
 */
#ifndef CLAWSHIM_NOTIFY_INT_H
#define CLAWSHIM_NOTIFY_INT_H

#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <arpa/inet.h>
#include <netinet/in.h>
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
#include "audit.h"

#ifndef SECCOMP_IOCTL_NOTIF_ID_VALID
#error "kernel headers without seccomp user notification (need Linux >= 5.0 headers)"
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
#define ANSWER_LATER INT64_MIN     /* handler result: a worker answers */
#define DGRAM_MAX (1u << 20)       /* most bytes we copy for one send call */
#define CONTROL_MAX 65536          /* largest ancillary data we relay */


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

struct capsave {
	struct __user_cap_header_struct h;
	struct __user_cap_data_struct d[2];
	bool changed;
};

/* Shared by notify_serve.c and notify_ops.c; each is described where it
 * is defined. */
ssize_t nt_mem_read_str(pid_t tid, uint64_t addr, char *buf, size_t cap,
			    int toolong);
int nt_mem_read(pid_t tid, uint64_t addr, void *buf, size_t len);
int64_t nt_internal(int err, const char *what);
int nt_creds_enter(struct target *t, struct capsave *cs);
void nt_creds_leave(struct capsave *cs);
int nt_target_getfd(struct target *t, int fd);
int nt_fd_path(int fd, char *out, size_t cap);
int nt_object_path(int fd, char *out, size_t cap);
int nt_open_object(struct target *t, int dirfd, const char *path,
		       unsigned at_flags);
int nt_target_capeff(struct target *t, uint64_t *capeff);
void nt_respond(int nfd, uint64_t id, int64_t rc);
int64_t nt_handle_meta(struct target *t, const struct seccomp_notif *n,
			   const struct notify_rules *r, int nfd);
int64_t nt_handle_listen(struct target *t, const struct seccomp_notif *n,
			 const struct notify_rules *r, int nfd);
int64_t nt_handle_net(struct target *t, const struct seccomp_notif *n,
			  const struct notify_rules *r, int nfd);

#endif
