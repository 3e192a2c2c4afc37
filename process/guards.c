/* SPDX-License-Identifier: MIT */
/*
 * guards.c: protected paths the command may create.  Landlock, mounts and
 * profiles can only protect what exists when the command starts; a deny
 * or deny_write path absent then, inside a tree the command may write, is
 * moved aside if the command creates it.  Shared by both supervisors.
 */
#include "process.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mountns.h"
#include "audit.h"
#include "../common.h"

/* Protected paths that did not exist when the command started, and where
 * to move them should the command create them (guard_to[i]). */
static char **guard_from, **guard_to;
static size_t nguard;

/* deny and deny_write paths that were absent at the start, inside a tree
 * the command may write: Landlock and mounts can only protect what
 * exists, so one created during the run (.git/commondir redirecting git
 * to planted hooks) is moved aside once the command is gone. */
void guards_init(const struct policy *p)
{
	const struct pol_list *lists[] = { &p->deny, &p->deny_write };
	for (size_t l = 0; l < ARRAY_LEN(lists); l++)
		for (size_t i = 0; i < lists[l]->n; i++) {
			const char *a = lists[l]->v[i].absent;
			bool writable = a && path_inside(a, p->workspace.val);
			for (size_t j = 0; a && !writable && j < p->read_write.n; j++)
				writable = p->read_write.v[j].path &&
					   path_inside(a, p->read_write.v[j].path);
			if (!writable)
				continue;
			guard_from = xrealloc(guard_from, (nguard + 1) * sizeof(char *));
			guard_to = xrealloc(guard_to, (nguard + 1) * sizeof(char *));
			guard_from[nguard] = xstrdup(a);
			guard_to[nguard++] = xasprintf("%s.clawshim-quarantine.%d", a, (int)getpid());
		}
}

/* Move aside every guarded path that now exists; no allocation (the
 * watcher runs it). Returns how many were moved. */
int guards_check(bool quiet)
{
	int moved = 0;
	for (size_t i = 0; i < nguard; i++) {
		struct stat st;
		if (lstat(guard_from[i], &st) != 0)
			continue;
		if (rename(guard_from[i], guard_to[i]) == 0) {
			moved++;
			if (!quiet)
				audit_deny("protected-path", guard_from[i], 0);
			if (!quiet)
				warn("the command created %s, which the policy protects; moved it to %s",
				     guard_from[i], guard_to[i]);
		} else if (!quiet) {
			warn("the command created %s, which the policy protects, and it could not be "
			     "moved: %s", guard_from[i], strerror(errno));
		}
	}
	return moved;
}
