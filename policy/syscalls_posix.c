/* SPDX-License-Identifier: MIT */
/*
 * syscalls_posix.c: [seccomp] deny where clawshim is built without
 * libseccomp (macOS).  Without a system call table a name cannot be
 * checked, and an unchecked typo would deny nothing while the policy
 * says it does: every name is refused, with the reason.
 */
#include "policy_int.h"

#include <stdio.h>

int pol_syscall_check(const char *name, char *msg, size_t msglen, char *hint, size_t hintlen)
{
	snprintf(msg, msglen, "system call '%s': [seccomp] deny cannot be checked or "
		 "enforced by this build of clawshim (no libseccomp)", name);
	snprintf(hint, hintlen, "remove the [seccomp] section; it is for Linux hosts");
	return -1;
}
