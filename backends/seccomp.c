/* SPDX-License-Identifier: MIT */
/*
 * seccomp.c: build clawshim's seccomp filter from the policy.
 *
 * Pure: the result is a libseccomp context; loading it is the child's
 * last act before execve.  The filter allows by default and refuses what
 * the plan asks for; syscalls this libseccomp does not know are refused
 * by number (fail closed), and foreign architectures kill the process.
 */
#include "seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include "../common.h"
#include "../process/notify.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* The Docker-default class: kernel surface an agent's command never needs. */
const char *const seccomp_kernel_deny[] = {
	"mount", "umount", "umount2", "pivot_root", "chroot",
	"move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick",
	"mount_setattr", "setns", "ptrace", "process_vm_readv",
	"process_vm_writev", "process_madvise", "pidfd_getfd", "kcmp",
	"bpf", "perf_event_open", "keyctl", "add_key", "request_key",
	"userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
	"kexec_load", "kexec_file_load", "init_module", "finit_module",
	"delete_module", "open_by_handle_at", "name_to_handle_at", "acct",
	"swapon", "swapoff", "reboot", "settimeofday", "clock_settime",
	"clock_adjtime", "adjtimex", "quotactl", "quotactl_fd", "lookup_dcookie",
	"vhangup", "iopl", "ioperm", "syslog", "uselib", "_sysctl",
	"sethostname", "setdomainname", "fanotify_init", "nfsservctl",
	"mbind", "migrate_pages", "move_pages",
	"remap_file_pages",
};
const size_t seccomp_kernel_deny_n = ARRAY_LEN(seccomp_kernel_deny);

/* Syscalls newer than libseccomp 2.5 (numbers are shared by all
 * architectures since Linux 5.1), refused so a newer kernel cannot open
 * a path around the filter: fchmodat2 (452), open_tree_attr (467),
 * setxattrat (463), removexattrat (466), file_setattr (469). */
static const int new_deny[] = { 452, 463, 466, 467, 469 };
/* Anything above the highest number we know is refused with ENOSYS. */
#define SYSCALL_KNOWN_MAX 469
#define SYSCALL_GUARD_MAX 600

static const unsigned long ns_flags[] = {
	CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER,
	CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP, CLONE_NEWTIME,
};

static int fail(struct policy_error *err, const char *what, int rc)
{
	snprintf(err->msg, sizeof(err->msg), "seccomp: %s: %s", what, strerror(-rc));
	err->hint[0] = '\0';
	return -1;
}

static int deny_name(scmp_filter_ctx ctx, const char *name, int errnum,
		     struct policy_error *err)
{
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR) {
		snprintf(err->msg, sizeof(err->msg),
			 "seccomp: this libseccomp does not know the system call '%s'", name);
		snprintf(err->hint, sizeof(err->hint), "upgrade libseccomp or remove it from [seccomp] deny");
		return -1;
	}
	int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(errnum), nr, 0);
	return rc ? fail(err, name, rc) : 0;
}

/* TIOCSTI pushes bytes into a terminal's input queue and TIOCLINUX can
 * paste the console selection: both inject keystrokes into the agent's
 * terminal.  Compare only the low 32 bits of the request: the kernel
 * truncates it to an unsigned int, and a full 64-bit compare was bypassed
 * with high bits set (CVE-2019-10063). */
static int add_tty(scmp_filter_ctx ctx, struct policy_error *err)
{
	static const unsigned long req[] = { TIOCSTI, TIOCLINUX };
	for (size_t i = 0; i < ARRAY_LEN(req); i++) {
		int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
					  SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, req[i]));
		if (rc)
			return fail(err, "ioctl", rc);
	}
	return 0;
}

/* No namespace may be created or joined: clone/unshare with any
 * CLONE_NEW* bit set fail, and clone3 (flags behind a pointer) reports
 * ENOSYS so libc falls back to clone, where the flags are visible. */
static int add_namespaces(scmp_filter_ctx ctx, struct policy_error *err)
{
	for (size_t i = 0; i < ARRAY_LEN(ns_flags); i++) {
		int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 1,
					  SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]));
		if (rc == 0)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
					      SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]));
		if (rc)
			return fail(err, "unshare/clone", rc);
	}
	int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	return rc ? fail(err, "clone3", rc) : 0;
}

/* personality(): refuse turning ASLR off or making reads imply exec. */
static int add_personality(scmp_filter_ctx ctx, struct policy_error *err)
{
	static const unsigned long bad[] = { 0x0040000 /* ADDR_NO_RANDOMIZE */,
					     0x0400000 /* READ_IMPLIES_EXEC */ };
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(personality), 1,
					  SCMP_A0(SCMP_CMP_MASKED_EQ, bad[i], bad[i]));
		if (rc)
			return fail(err, "personality", rc);
	}
	return 0;
}

static int add_kernel(scmp_filter_ctx ctx, struct policy_error *err)
{
	for (size_t i = 0; i < seccomp_kernel_deny_n; i++)
		if (deny_name(ctx, seccomp_kernel_deny[i], EPERM, err))
			return -1;
	for (size_t i = 0; i < ARRAY_LEN(new_deny); i++) {
		int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), new_deny[i], 0);
		if (rc)
			return fail(err, "new system calls", rc);
	}
	for (int nr = SYSCALL_KNOWN_MAX + 1; nr <= SYSCALL_GUARD_MAX; nr++) {
		int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
		if (rc)
			return fail(err, "future system calls", rc);
	}
	if (add_namespaces(ctx, err) || add_personality(ctx, err))
		return -1;
	return 0;
}

static int deny_family(scmp_filter_ctx ctx, int sys, unsigned fam, struct policy_error *err)
{
	int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), sys, 1,
				  SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, fam));
	return rc ? fail(err, "socket", rc) : 0;
}

/* No network: only AF_UNIX sockets can be created (named unix sockets are
 * then governed by SC_UNIX, abstract ones by the Landlock scope).  With
 * TCP ports in the policy, AF_INET/AF_INET6 stream sockets of plain TCP
 * are allowed too and Landlock decides the ports; UDP, raw, SCTP and
 * MPTCP stay refused because Landlock (ABI 4+) governs TCP only. */
static int add_net(scmp_filter_ctx ctx, const struct policy *p, struct policy_error *err)
{
	bool tcp = p->connect_tcp.n || p->bind_tcp.n;
	int rc;
	for (unsigned fam = 0; fam < 64; fam++) {
		if (fam == AF_UNIX || (tcp && (fam == AF_INET || fam == AF_INET6)))
			continue;
		if (deny_family(ctx, SCMP_SYS(socket), fam, err) ||
		    deny_family(ctx, SCMP_SYS(socketpair), fam, err))
			return -1;
	}
	/* Family numbers beyond the table (or with high bits set) too. */
	rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 1,
			      SCMP_A0(SCMP_CMP_GE, 64));
	if (rc)
		return fail(err, "socket", rc);
	if (!tcp)
		return 0;
	static const unsigned fams[] = { AF_INET, AF_INET6 };
	static const unsigned bad_proto[] = { IPPROTO_SCTP, 262 /* MPTCP */, IPPROTO_UDP };
	for (size_t f = 0; f < ARRAY_LEN(fams); f++) {
		for (unsigned type = 0; type < 16; type++) {
			if (type == SOCK_STREAM)
				continue;
			rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 2,
					      SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, fams[f]),
					      SCMP_A1(SCMP_CMP_MASKED_EQ, 0xfu, type));
			if (rc)
				return fail(err, "socket", rc);
		}
		for (size_t i = 0; i < ARRAY_LEN(bad_proto); i++) {
			rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 2,
					      SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, fams[f]),
					      SCMP_A2(SCMP_CMP_MASKED_EQ, 0xffffffffu, bad_proto[i]));
			if (rc)
				return fail(err, "socket", rc);
		}
	}
	return 0;
}

/* Build the filter for `flags` and the policy; nothing is loaded. */
scmp_filter_ctx seccomp_build(const struct policy *p, unsigned flags,
			      struct policy_error *err)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx) {
		snprintf(err->msg, sizeof(err->msg), "seccomp: cannot initialise libseccomp");
		err->hint[0] = '\0';
		return NULL;
	}
	/* Only the native ABI: a 32-bit or x32 syscall would not be checked
	 * against these rules, so any other architecture kills the process. */
	int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	/* no_new_privs is set by clawshim itself before the load. */
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (rc) {
		fail(err, "attributes", rc);
		goto out;
	}
	/* The notification rules go first: libseccomp keeps the first
	 * action given for a syscall. */
	if (flags & SC_UNIX) {
		unsigned what = NOTIFY_UNIX | NOTIFY_META;
		/* Under an outer clawshim the filter chain already has its one
		 * listener; refuse what would be asked.  With all network
		 * allowed, connect() stays open and the outer check holds. */
		if (flags & SC_NESTED)
			what = NOTIFY_DENY | NOTIFY_META | (p->net_all.val ? 0 : NOTIFY_UNIX);
		rc = notify_add_rules(ctx, what);
		if (rc) {
			fail(err, "user notification rules", rc);
			goto out;
		}
	}
	if ((flags & SC_TTY) && add_tty(ctx, err))
		goto out;
	/* setsid() would take a process out of the session by which the
	 * supervisor and the watcher find and kill everything it started. */
	if ((flags & SC_SESSION) && deny_name(ctx, "setsid", EPERM, err))
		goto out;
	/* Nested, the process group is that handle (process/supervise.c). */
	if ((flags & SC_SESSION) && (flags & SC_NESTED) && deny_name(ctx, "setpgid", EPERM, err))
		goto out;
	if ((flags & SC_KERNEL) && add_kernel(ctx, err))
		goto out;
	if ((flags & SC_NET) && add_net(ctx, p, err))
		goto out;
	if (flags & SC_POLICY)
		for (size_t i = 0; i < p->seccomp_deny.n; i++)
			if (deny_name(ctx, p->seccomp_deny.v[i].raw, EPERM, err))
				goto out;
	return ctx;
out:
	seccomp_release(ctx);
	return NULL;
}

/* Export the filter as BPF into a memfd, positioned at its start. */
int seccomp_export_memfd(scmp_filter_ctx ctx)
{
	int fd = memfd_create("clawshim-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = seccomp_export_bpf(ctx, fd);
	if (rc || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		errno = rc ? -rc : errno;
		return -1;
	}
	return fd;
}
