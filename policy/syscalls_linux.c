/* SPDX-License-Identifier: MIT */
/* syscalls_linux.c: [seccomp] deny names, checked with libseccomp. */
#include "policy_int.h"

#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>

/* The syscall names closest to word for this architecture (only on error,
 * so walking the table is cheap enough). */
static const char *suggest_syscall(const char *word, char *buf, size_t len)
{
	const char *names[512];
	char *owned[512];
	size_t n = 0;
	for (int nr = 0; nr < 512; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		if (name) {
			owned[n] = name;
			names[n++] = name;
		}
	}
	const char *s = pol_suggest(word, names, n);
	if (s)
		snprintf(buf, len, "did you mean '%s'?", s);
	for (size_t i = 0; i < n; i++)
		free(owned[i]);
	return s ? buf : NULL;
}

/* A name libseccomp knows for this architecture, or -1 with a suggestion. */
int pol_syscall_check(const char *name, char *msg, size_t msglen, char *hint, size_t hintlen)
{
	if (seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR)
		return 0;
	snprintf(msg, msglen, "unknown system call '%s'", name);
	if (!suggest_syscall(name, hint, hintlen))
		hint[0] = '\0';
	return -1;
}
