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
#include <stddef.h>
#include <sys/stat.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "../common.h"
#include "../process/notify.h"
#include <stdlib.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* The Docker-default class (seccomp_kernel_deny) is in seccomp_json.c,
 * which every build has. */

/* Syscalls newer than libseccomp 2.5 (numbers are shared by all
 * architectures since Linux 5.1), refused so a newer kernel cannot open
 * a path around the filter: fchmodat2 (452), open_tree_attr (467),
 * setxattrat (463), removexattrat (466), file_setattr (469). */
static const int new_deny[] = { 452, 463, 466, 467, 469 };
/* Anything above the highest number we know is refused with ENOSYS (by
 * the program's prefix, seccomp_program()). */
#define SYSCALL_KNOWN_MAX 469

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
 * terminal.  TIOCSCTTY would make a terminal the command was handed (a
 * pty the agent opened for it, nobody's controlling terminal yet) the
 * command's controlling terminal, and with it job control over the
 * agent's pty (tcsetpgrp, SIGHUP at exit); the command runs in a session
 * of its own without one and setsid() is refused, so nothing legitimate
 * inside needs it (script, tmux and ssh -t call setsid() first).  TIOCSETD changes a terminal's line discipline (the agent's
 * terminal too: a tty the command inherited), which no build or test
 * needs - slattach and pppd do - and which has been the way into several
 * kernel bugs (n_gsm, n_hdlc).  Compare only the low 32 bits of the
 * request: the kernel truncates it to an unsigned int, and a full 64-bit
 * compare was bypassed with high bits set (CVE-2019-10063). */
static int add_tty(scmp_filter_ctx ctx, struct policy_error *err)
{
	static const unsigned long req[] = { TIOCSTI, TIOCLINUX, TIOCSETD, TIOCSCTTY };
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

/* One rule: `name` fails with EPERM when every (arg, mask, value) holds. */
static int deny_masked(scmp_filter_ctx ctx, const char *name, unsigned n,
		       const struct scmp_arg_cmp *cmp, struct policy_error *err)
{
	int rc = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(EPERM),
					seccomp_syscall_resolve_name(name), n, cmp);
	return rc ? fail(err, name, rc) : 0;
}

#define MCMP(arg, mask, val) SCMP_CMP((arg), SCMP_CMP_MASKED_EQ, (mask), (val))

/* No setuid or setgid file and no device node can be made.  Why: a
 * command running as root (or with CAP_MKNOD, CAP_FSETID) would leave
 * a setuid-root program in /tmp, /dev/shm or the workspace for anyone
 * to run later, no_new_privs binding only the sandbox, or make a node
 * of the disk (mknod b 8 0) and read every file past Landlock.  The
 * kernel honours S_ISUID in the mode of open(O_CREAT), creat(),
 * mknod(S_IFREG) and open(O_TMPFILE), and CAP_FSETID keeps it through
 * the writes that follow, so those modes fail with EPERM here; mkdir()
 * drops the bits itself.  mknod of a character or block device fails
 * too; FIFOs, sockets and plain files stay.  openat2() carries its mode
 * behind a pointer the filter cannot read: it answers ENOSYS, which its
 * callers treat as a kernel before 5.6 and fall back to openat().  A
 * chmod to such a mode is stripped by the notification supervisor
 * (process/notify_ops.c) where there is one; without it (`no_notify`),
 * chmod, fchmod and fchmodat to such a mode fail with EPERM.  Masks keep
 * to the low bits, so the high half of a register cannot hide a bit. */
static int add_nosuid(scmp_filter_ctx ctx, bool no_notify, bool devices,
		      struct policy_error *err)
{
	static const unsigned bits[] = { S_ISUID, S_ISGID };
	/* Under firejail (!devices) only S_ISUID: firejail's own setup
	 * chmods directories setgid (/var/log/journal, 02755). */
	size_t nbits = devices ? ARRAY_LEN(bits) : 1;
	static const unsigned creating[] = { O_CREAT, __O_TMPFILE };
	for (size_t b = 0; b < nbits; b++) {
		unsigned m = bits[b];
		struct scmp_arg_cmp mk[] = { MCMP(1, m, m) }, mkat[] = { MCMP(2, m, m) };
		if (deny_masked(ctx, "mknod", 1, mk, err) || deny_masked(ctx, "mknodat", 1, mkat, err) ||
		    deny_masked(ctx, "creat", 1, mk, err))
			return -1;
		for (size_t c = 0; c < ARRAY_LEN(creating); c++) {
			unsigned f = creating[c];
			struct scmp_arg_cmp op[] = { MCMP(1, f, f), MCMP(2, m, m) };
			struct scmp_arg_cmp opat[] = { MCMP(2, f, f), MCMP(3, m, m) };
			if (deny_masked(ctx, "open", 2, op, err) || deny_masked(ctx, "openat", 2, opat, err))
				return -1;
		}
		if (no_notify && (deny_masked(ctx, "chmod", 1, mk, err) ||
				  deny_masked(ctx, "fchmod", 1, mk, err) ||
				  deny_masked(ctx, "fchmodat", 1, mkat, err)))
			return -1;
	}
	static const unsigned dev[] = { S_IFCHR, S_IFBLK };
	for (size_t i = 0; devices && i < ARRAY_LEN(dev); i++) {
		struct scmp_arg_cmp mk[] = { MCMP(1, S_IFMT, dev[i]) }, mkat[] = { MCMP(2, S_IFMT, dev[i]) };
		if (deny_masked(ctx, "mknod", 1, mk, err) || deny_masked(ctx, "mknodat", 1, mkat, err))
			return -1;
	}
	int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(openat2), 0);
	return rc ? fail(err, "openat2", rc) : 0;
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
	if (add_namespaces(ctx, err) || add_personality(ctx, err))
		return -1;
	return 0;
}

/* No network: only AF_UNIX sockets can be created (the family test is in
 * the program's prefix, seccomp_program(); named unix sockets are then
 * governed by SC_UNIX, abstract ones by the Landlock scope).  With TCP
 * ports in the policy, AF_INET/AF_INET6 pass the prefix too, and here
 * only plain TCP stream sockets are left to them: Landlock (ABI 4+)
 * decides the ports and governs TCP only, so UDP, raw, SCTP and MPTCP
 * stay refused. */
static int add_net(scmp_filter_ctx ctx, const struct policy *p, struct policy_error *err)
{
	if (!policy_tcp_sockets(p))
		return 0;
	static const unsigned fams[] = { AF_INET, AF_INET6 };
	static const unsigned bad_proto[] = { IPPROTO_SCTP, 262 /* MPTCP */, IPPROTO_UDP };
	for (size_t f = 0; f < ARRAY_LEN(fams); f++) {
		for (unsigned type = 0; type < 16; type++) {
			if (type == SOCK_STREAM)
				continue;
			int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 2,
						  SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, fams[f]),
						  SCMP_A1(SCMP_CMP_MASKED_EQ, 0xfu, type));
			if (rc)
				return fail(err, "socket", rc);
		}
		for (size_t i = 0; i < ARRAY_LEN(bad_proto); i++) {
			int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 2,
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
	/* A binary tree of system call numbers: every call of the command
	 * pays for the filter, and a linear chain grows with the deny list. */
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
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
	/* Nested, listen() would reach the outer supervisor, which judges it
	 * by the outer policy's bind_tcp: where this policy lets inet
	 * sockets be made, refuse it (unix listeners too: the filter cannot
	 * tell them apart). */
	if ((flags & SC_UNIX) && (flags & SC_NESTED) && (flags & SC_NET) &&
	    (p->connect_tcp.n || p->bind_tcp.n) && deny_name(ctx, "listen", EACCES, err))
		goto out;
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
	if ((flags & SC_KERNEL) && add_nosuid(ctx, !(flags & SC_UNIX), true, err))
		goto out;
	/* firejail (as root) takes this filter before it runs: it makes
	 * device nodes and setgid directories itself, so only the setuid
	 * rules, with chmod refused as there is no supervisor to strip it. */
	if ((flags & SC_NOSUID) && !(flags & SC_KERNEL) && add_nosuid(ctx, true, false, err))
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

/* The prefix's socket test relies on socket() and socketpair() being
 * system calls of their own (not socketcall()), as on these. */
#if defined(__x86_64__)
#define ARCH_NATIVE AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH_NATIVE AUDIT_ARCH_AARCH64
#elif defined(__riscv) && __riscv_xlen == 64
#define ARCH_NATIVE AUDIT_ARCH_RISCV64
#elif defined(__linux__)
#error "seccomp.c: this architecture is not supported yet (see prefix())"
#endif

/* Offset of the low 32 bits of argument 0 in struct seccomp_data. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG0_LO (offsetof(struct seccomp_data, args[0]))
#else
#define ARG0_LO (offsetof(struct seccomp_data, args[0]) + 4)
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG1_LO (offsetof(struct seccomp_data, args[1]))
#else
#define ARG1_LO (offsetof(struct seccomp_data, args[1]) + 4)
#endif

#ifdef ARCH_NATIVE
/* connect() refused with EACCES, and socket()/socketpair() of AF_UNIX
 * with any type but stream and seqpacket; everything else allowed; a
 * foreign architecture or x32 number kills.  Small and fixed, so written
 * here rather than built by libseccomp on every run. */
static const struct sock_filter connect_prog[] = {
	/* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH_NATIVE, 0, 14),      /* -> 16 */
	/* 2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	/* 3 */ BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 12, 0),       /* -> 16 */
	/* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_connect, 9, 0),      /* -> 14 */
	/* 5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 2, 0),       /* -> 8 */
	/* 6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socketpair, 1, 0),   /* -> 8 */
	/* 7 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	/* 8 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LO),
	/* 9 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 0, 5),           /* -> 15 */
	/* 10 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG1_LO),
	/* 11 */ BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xf),
	/* 12 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SOCK_STREAM, 2, 0),      /* -> 15 */
	/* 13 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SOCK_SEQPACKET, 1, 0),   /* -> 15 */
	/* 14 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA)),
	/* 15 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	/* 16 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
};

const struct sock_filter *seccomp_connect_program(size_t *len)
{
	*len = ARRAY_LEN(connect_prog);
	return connect_prog;
}
#endif

/* The prefix clawshim puts before libseccomp's program: what is one
 * comparison in BPF but many rules in libseccomp.  For the native
 * architecture: a system call number above the highest we know is
 * refused with ENOSYS (a newer kernel's call cannot go around the deny
 * list); with SC_NET, socket() and socketpair() of any family but AF_UNIX
 * (and AF_INET/AF_INET6 where TCP ports are allowed) are refused with
 * EACCES, comparing the low 32 bits as the kernel does.  Anything else,
 * and every other architecture, falls through to libseccomp's program,
 * which kills foreign architectures and x32. */
static size_t prefix(struct sock_filter *f, unsigned flags, bool tcp)
{
	size_t n = 0;
#ifdef ARCH_NATIVE
	/* Jump targets are filled in below, once the length is known. */
	size_t to_main[8], nmain = 0, to_fam = 0, to_fam2 = 0, to_enosys;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	to_main[nmain++] = n;
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH_NATIVE, 0, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
	/* x32 numbers (bit 30) go to libseccomp's program, which kills. */
	to_main[nmain++] = n;
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 0);
	to_enosys = n;
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, SYSCALL_KNOWN_MAX, 0, 0);
	if (flags & SC_NET) {
		to_fam = n;
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 0);
		to_fam2 = n;
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socketpair, 0, 0);
		to_main[nmain++] = n;
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0);
		size_t fam = n;
		f[to_fam].jt = (unsigned char)(fam - to_fam - 1);
		f[to_fam2].jt = (unsigned char)(fam - to_fam2 - 1);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LO);
		to_main[nmain++] = n;
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 0, 0);
		if (tcp) {
			to_main[nmain++] = n;
			f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET, 0, 0);
			to_main[nmain++] = n;
			f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET6, 0, 0);
		}
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						      SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA));
	}
	size_t enosys = n;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					      SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
	size_t main_start = n;
	f[to_enosys].jt = (unsigned char)(enosys - to_enosys - 1);
	if (!(flags & SC_NET))
		to_main[nmain++] = to_enosys; /* its false branch */
	for (size_t i = 0; i < nmain; i++) {
		struct sock_filter *j = &f[to_main[i]];
		unsigned char off = (unsigned char)(main_start - to_main[i] - 1);
		if (BPF_OP(j->code) == BPF_JA)
			j->k = off;
		else if (BPF_OP(j->code) == BPF_JEQ && j->k == ARCH_NATIVE)
			j->jf = off;        /* not native: libseccomp decides */
		else if (BPF_OP(j->code) == BPF_JGE)
			j->jt = off;        /* x32 */
		else if (BPF_OP(j->code) == BPF_JGT)
			j->jf = off;        /* a known number */
		else
			j->jt = off;        /* an allowed family */
	}
	/* Without SC_NET a known number falls straight into the program;
	 * with it, on to the socket tests (the instruction after). */
	if (flags & SC_NET)
		f[to_enosys].jf = 0;
#else
	(void)f;
	(void)flags;
	(void)tcp;
#endif
	return n;
}

/* The program to load: clawshim's prefix, then libseccomp's BPF for ctx.
 * malloc'd in *out; 0, or -1 and errno. */
int seccomp_program(scmp_filter_ctx ctx, const struct policy *p, unsigned flags,
		    struct sock_filter **out, size_t *len)
{
	int fd = seccomp_export_memfd(ctx);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) != 0 || st.st_size <= 0 || st.st_size % sizeof(struct sock_filter)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	size_t body = (size_t)st.st_size / sizeof(struct sock_filter);
	struct sock_filter *f = xcalloc(body + 32, sizeof(*f));
	size_t n = prefix(f, flags, policy_tcp_sockets(p));
	ssize_t r = read(fd, f + n, (size_t)st.st_size);
	close(fd);
	if (r != st.st_size || n + body > BPF_MAXINSNS) {
		free(f);
		errno = r != st.st_size ? EIO : E2BIG;
		return -1;
	}
	*out = f;
	*len = n + body;
	return 0;
}

/* Does the program ask the supervisor anywhere (SECCOMP_RET_USER_NOTIF)? */
bool seccomp_program_notifies(const struct sock_filter *f, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (f[i].code == (BPF_RET | BPF_K) &&
		    (f[i].k & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_USER_NOTIF)
			return true;
	return false;
}
