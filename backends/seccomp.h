/* SPDX-License-Identifier: MIT */
/*
 * seccomp.h: the one seccomp filter builder every backend shares.
 *
 * seccomp_build() is pure (it returns a libseccomp context, nothing is
 * loaded); seccomp_load() is the last call before execve.
 */
#ifndef CLAWSHIM_SECCOMP_H
#define CLAWSHIM_SECCOMP_H

#ifdef __linux__
#include <seccomp.h>
#endif
#include <stdbool.h>
#include <stddef.h>

#include "../policy/policy.h"

/* What a backend asks the filter to refuse (struct plan.seccomp). */
enum {
	SC_TTY = 1u << 0,        /* TIOCSTI/TIOCLINUX ioctls (every backend) */
	SC_SESSION = 1u << 1,    /* setsid(): the session stays one handle */
	SC_KERNEL = 1u << 2,     /* the Docker-default class deny list */
	SC_NET = 1u << 3,        /* socket families other than AF_UNIX */
	SC_UNIX = 1u << 4,       /* connecting to named unix sockets */
	SC_POLICY = 1u << 5,     /* [seccomp] deny from the policy */
	SC_NESTED = 1u << 6,     /* under an outer clawshim: SC_UNIX refuses */
	SC_NOSUID = 1u << 7,     /* no setuid/setgid file (SC_KERNEL has it too) */
};

/* The Docker-default class deny list (SC_KERNEL), for wrappers that
 * take system call names (firejail --seccomp=). */
extern const char *const seccomp_kernel_deny[];
extern const size_t seccomp_kernel_deny_n;

/* The same filter as a container engine's seccomp profile (JSON, for
 * docker/podman --security-opt seccomp=FILE); malloc'd.  Pure, and built
 * on every system: the container is Linux whatever the host. */
char *seccomp_json(const struct policy *p, unsigned flags);

#ifdef __linux__
/* Build the filter for `flags` and the policy. NULL and err set on error
 * (an unknown syscall name, libseccomp failure). */
scmp_filter_ctx seccomp_build(const struct policy *p, unsigned flags,
			      struct policy_error *err);

/* The program clawshim loads: its own prefix (unknown system call numbers,
 * socket families) before libseccomp's BPF for ctx; malloc'd. 0 or -1. */
struct sock_filter;
int seccomp_program(scmp_filter_ctx ctx, const struct policy *p, unsigned flags,
		    struct sock_filter **out, size_t *len);
bool seccomp_program_notifies(const struct sock_filter *f, size_t len);
/* A fixed program: connect() and AF_UNIX datagram sockets refused (the
 * bwrap backend's, loaded before bwrap). */
const struct sock_filter *seccomp_connect_program(size_t *len);

/* Write the filter as BPF into a fresh memfd (libseccomp 2.5 has no
 * export to memory), for wrappers; -1 and errno on failure. */
int seccomp_export_memfd(scmp_filter_ctx ctx);
#endif

#endif
