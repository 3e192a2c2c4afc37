/* SPDX-License-Identifier: MIT */
/*
 * mountns_plan.h: protections carved out of granted trees with a private
 * mount namespace, where the host allows one (root, or an unprivileged
 * user namespace).  Landlock can only add rights down a tree, so a
 * read-only .git/hooks inside a writable workspace, or a hidden
 * /etc/shadow inside a readable /etc, is a mount: a read-only bind, or
 * something empty on top.  Without a mount namespace the landlock backend
 * falls back to expanding the tree into per-entry rules.  The plan is
 * data (backends/mountns_plan.c); process/mountns.c makes it true.
 */
#ifndef CLAWSHIM_MOUNTNS_PLAN_H
#define CLAWSHIM_MOUNTNS_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../common.h"
#include "../policy/policy.h"

enum mstep_op {
	MSTEP_ANCHOR,   /* bind onto itself: cannot be renamed or removed */
	MSTEP_READONLY, /* bind onto itself, read-only */
	MSTEP_NOEXEC,   /* bind onto itself, noexec */
	MSTEP_HIDE,     /* an empty, unreadable tmpfs (dir) or /dev/null (file) */
	MSTEP_DEVPTS,   /* a new devpts instance on /dev/pts, its ptmx on /dev/ptmx */
};

struct mstep {
	enum mstep_op op;
	char *path;     /* canonical */
	bool dir;
	const struct origin *from;
};

struct mount_plan {
	struct mstep *v;
	size_t n, cap;
	struct strv texts;  /* what each step guarantees, for --explain */
	bool devpts;        /* /dev/pts is a private instance (MSTEP_DEVPTS) */
};

/* "no writes to PATH" etc.: a string owned by the plan. */
const char *mstep_what(struct mount_plan *mp, const struct mstep *s);

/* Which protections need a mount: deny inside a granted tree, deny_write
 * and no_exec inside a writable (no_exec: executable) one, and a private
 * devpts where the policy grants /dev/ptmx.  Pure but for lstat();
 * parents come before children. */
void mountns_plan(const struct policy *p, struct mount_plan *mp);
void mount_plan_free(struct mount_plan *mp);

/* Can this process create a private mount namespace (root with
 * CAP_SYS_ADMIN, or an unprivileged user namespace)?  A container's
 * seccomp filter can still refuse; the spawn then reports EPERM. */
bool mountns_possible(void);

/* Does the kernel's own permission check keep this user out of `path`
 * for good (not root, owned by root, no read, write or search/execute
 * access: an execute-only directory does not count)? */
bool dac_denies(const char *path);

/* How a step is made, for --explain. */
const char *mstep_how(enum mstep_op op);


#endif
