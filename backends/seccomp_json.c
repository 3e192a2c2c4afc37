/* SPDX-License-Identifier: MIT */
/*
 * seccomp_json.c: clawshim's filter as a container engine seccomp profile
 * (the JSON docker and podman take with --security-opt seccomp=FILE), so a
 * container refuses what the in-process filter refuses: the same deny
 * list, TIOCSTI/TIOCLINUX/TIOCSCTTY by the low 32 bits (CVE-2019-10063), no
 * namespaces, and no socket families but AF_UNIX without network.
 * Pure: the text is returned, nothing is loaded.
 */
#include "seccomp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common.h"

/* The profile is read by a Linux kernel, so its numbers are Linux's.  On
 * Linux they come from the headers; built on macOS (docker runs its
 * containers in a Linux VM) they are spelt out, never the host's: macOS
 * has ENOSYS 78, AF_INET6 30, no TIOCLINUX and no CLONE_*.  The ioctls
 * are those of the architectures such a VM runs: x86_64 and arm64. */
#ifdef __linux__
#include <errno.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#define LX_EPERM EPERM
#define LX_EACCES EACCES
#define LX_ENOSYS ENOSYS
#define LX_TIOCSTI TIOCSTI
#define LX_TIOCLINUX TIOCLINUX
#define LX_TIOCSETD TIOCSETD
#define LX_TIOCSCTTY TIOCSCTTY
#define LX_CLONE_NEWNS CLONE_NEWNS
#define LX_CLONE_NEWUTS CLONE_NEWUTS
#define LX_CLONE_NEWIPC CLONE_NEWIPC
#define LX_CLONE_NEWUSER CLONE_NEWUSER
#define LX_CLONE_NEWPID CLONE_NEWPID
#define LX_CLONE_NEWNET CLONE_NEWNET
#define LX_CLONE_NEWCGROUP CLONE_NEWCGROUP
#define LX_CLONE_NEWTIME CLONE_NEWTIME
#define LX_AF_UNIX AF_UNIX
#define LX_AF_INET AF_INET
#define LX_AF_INET6 AF_INET6
#else
#define LX_EPERM 1
#define LX_EACCES 13
#define LX_ENOSYS 38
#define LX_TIOCSTI 0x5412
#define LX_TIOCLINUX 0x541C
#define LX_TIOCSETD 0x5423
#define LX_TIOCSCTTY 0x540E
#define LX_CLONE_NEWNS 0x00020000
#define LX_CLONE_NEWUTS 0x04000000
#define LX_CLONE_NEWIPC 0x08000000
#define LX_CLONE_NEWUSER 0x10000000
#define LX_CLONE_NEWPID 0x20000000
#define LX_CLONE_NEWNET 0x40000000
#define LX_CLONE_NEWCGROUP 0x02000000
#define LX_CLONE_NEWTIME 0x00000080
#define LX_AF_UNIX 1
#define LX_AF_INET 2
#define LX_AF_INET6 10
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

struct json {
	char *buf;
	size_t len;
	FILE *f;
	bool first;
};

/* One rule: names, errno, and at most one argument comparison. */
static void rule(struct json *j, const char *const *names, size_t n, int errnum,
		 int arg, const char *op, unsigned long long value, unsigned long long two)
{
	fprintf(j->f, "%s\n  {\"names\": [", j->first ? "" : ",");
	j->first = false;
	for (size_t i = 0; i < n; i++)
		fprintf(j->f, "%s\"%s\"", i ? ", " : "", names[i]);
	fprintf(j->f, "], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": %d", errnum);
	if (arg >= 0)
		fprintf(j->f, ", \"args\": [{\"index\": %d, \"value\": %llu, \"valueTwo\": %llu, "
			"\"op\": \"%s\"}]", arg, value, two, op);
	fputc('}', j->f);
}

static void one(struct json *j, const char *name, int errnum, int arg, const char *op,
		unsigned long long value, unsigned long long two)
{
	rule(j, &name, 1, errnum, arg, op, value, two);
}

/* The profile for `flags` (SC_TTY, SC_KERNEL, SC_NET, SC_POLICY) and the
 * policy; a malloc'd string. */
char *seccomp_json(const struct policy *p, unsigned flags)
{
	struct json j = { .first = true };
	j.f = open_memstream(&j.buf, &j.len);
	if (!j.f)
		die_errno("open_memstream");
	fputs("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
#if defined(__x86_64__)
	      " \"architectures\": [\"SCMP_ARCH_X86_64\"],\n"
#elif defined(__aarch64__)
	      " \"architectures\": [\"SCMP_ARCH_AARCH64\"],\n"
#endif
	      " \"syscalls\": [", j.f);
	if (flags & SC_TTY) {
		static const unsigned long req[] = { LX_TIOCSTI, LX_TIOCLINUX, LX_TIOCSETD, LX_TIOCSCTTY };
		for (size_t i = 0; i < ARRAY_LEN(req); i++)
			one(&j, "ioctl", LX_EPERM, 1, "SCMP_CMP_MASKED_EQ", 0xffffffffULL, req[i]);
	}
	if (flags & SC_KERNEL) {
		rule(&j, (const char *const *)seccomp_kernel_deny, seccomp_kernel_deny_n, LX_EPERM,
		     -1, NULL, 0, 0);
		static const unsigned long ns[] = {
			LX_CLONE_NEWNS, LX_CLONE_NEWUTS, LX_CLONE_NEWIPC, LX_CLONE_NEWUSER,
			LX_CLONE_NEWPID, LX_CLONE_NEWNET, LX_CLONE_NEWCGROUP, LX_CLONE_NEWTIME,
		};
		for (size_t i = 0; i < ARRAY_LEN(ns); i++) {
			one(&j, "unshare", LX_EPERM, 0, "SCMP_CMP_MASKED_EQ", ns[i], ns[i]);
			one(&j, "clone", LX_EPERM, 0, "SCMP_CMP_MASKED_EQ", ns[i], ns[i]);
		}
		one(&j, "clone3", LX_ENOSYS, -1, NULL, 0, 0);
		one(&j, "personality", LX_EPERM, 0, "SCMP_CMP_MASKED_EQ", 0x0040000, 0x0040000);
		one(&j, "personality", LX_EPERM, 0, "SCMP_CMP_MASKED_EQ", 0x0400000, 0x0400000);
	}
	if (flags & SC_NET) {
		bool tcp = policy_tcp_sockets(p);
		for (unsigned fam = 0; fam < 64; fam++) {
			if (fam == LX_AF_UNIX || (tcp && (fam == LX_AF_INET || fam == LX_AF_INET6)))
				continue;
			one(&j, "socket", LX_EACCES, 0, "SCMP_CMP_MASKED_EQ", 0xffffffffULL, fam);
			one(&j, "socketpair", LX_EACCES, 0, "SCMP_CMP_MASKED_EQ", 0xffffffffULL, fam);
		}
		one(&j, "socket", LX_EACCES, 0, "SCMP_CMP_GE", 64, 0);
		one(&j, "socketpair", LX_EACCES, 0, "SCMP_CMP_GE", 64, 0);
	}
	if (flags & SC_POLICY)
		for (size_t i = 0; i < p->seccomp_deny.n; i++)
			one(&j, p->seccomp_deny.v[i].raw, LX_EPERM, -1, NULL, 0, 0);
	fputs("\n ]\n}\n", j.f);
	fclose(j.f);
	return j.buf;
}
