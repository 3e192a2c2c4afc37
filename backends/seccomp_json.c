/* SPDX-License-Identifier: MIT */
/*
 * seccomp_json.c: clawshim's filter as a container engine seccomp profile
 * (the JSON docker and podman take with --security-opt seccomp=FILE), so a
 * container refuses what the in-process filter refuses: the same deny
 * list, TIOCSTI/TIOCLINUX by the low 32 bits (CVE-2019-10063), no
 * namespaces, and no socket families but AF_UNIX without network.
 * Pure: the text is returned, nothing is loaded.
 */
#include "seccomp.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "../common.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

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
		static const unsigned long req[] = { TIOCSTI, TIOCLINUX };
		for (size_t i = 0; i < ARRAY_LEN(req); i++)
			one(&j, "ioctl", EPERM, 1, "SCMP_CMP_MASKED_EQ", 0xffffffffULL, req[i]);
	}
	if (flags & SC_KERNEL) {
		rule(&j, (const char *const *)seccomp_kernel_deny, seccomp_kernel_deny_n, EPERM,
		     -1, NULL, 0, 0);
		static const unsigned long ns[] = {
			CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER,
			CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP, CLONE_NEWTIME,
		};
		for (size_t i = 0; i < ARRAY_LEN(ns); i++) {
			one(&j, "unshare", EPERM, 0, "SCMP_CMP_MASKED_EQ", ns[i], ns[i]);
			one(&j, "clone", EPERM, 0, "SCMP_CMP_MASKED_EQ", ns[i], ns[i]);
		}
		one(&j, "clone3", ENOSYS, -1, NULL, 0, 0);
		one(&j, "personality", EPERM, 0, "SCMP_CMP_MASKED_EQ", 0x0040000, 0x0040000);
		one(&j, "personality", EPERM, 0, "SCMP_CMP_MASKED_EQ", 0x0400000, 0x0400000);
	}
	if (flags & SC_NET) {
		bool tcp = p->connect_tcp.n || p->bind_tcp.n;
		for (unsigned fam = 0; fam < 64; fam++) {
			if (fam == AF_UNIX || (tcp && (fam == AF_INET || fam == AF_INET6)))
				continue;
			one(&j, "socket", EACCES, 0, "SCMP_CMP_MASKED_EQ", 0xffffffffULL, fam);
			one(&j, "socketpair", EACCES, 0, "SCMP_CMP_MASKED_EQ", 0xffffffffULL, fam);
		}
		one(&j, "socket", EACCES, 0, "SCMP_CMP_GE", 64, 0);
		one(&j, "socketpair", EACCES, 0, "SCMP_CMP_GE", 64, 0);
	}
	if (flags & SC_POLICY)
		for (size_t i = 0; i < p->seccomp_deny.n; i++)
			one(&j, p->seccomp_deny.v[i].raw, EPERM, -1, NULL, 0, 0);
	fputs("\n ]\n}\n", j.f);
	fclose(j.f);
	return j.buf;
}
