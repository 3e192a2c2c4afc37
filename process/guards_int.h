/* SPDX-License-Identifier: MIT */
/*
 * guards_int.h: what guards.c (the walk and the quarantine) shares with
 * guards_git.c (what may stay in a git directory).  Nothing here
 * allocates: the Linux watcher runs it in memory shared with a
 * supervisor that may have died holding malloc's lock.
 */
#ifndef CLAWSHIM_GUARDS_INT_H
#define CLAWSHIM_GUARDS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* The path being looked at, for messages: guard_path_push() appends
 * "/name" and returns the old length for guard_path_pop(). */
extern char guard_path[];
size_t guard_path_push(const char *name);
void guard_path_pop(size_t len);

/* Changed or created since the run started (ctime cannot be set back
 * without CAP_SYS_TIME; a rename or a new link sets it too)? */
bool guard_is_new(const struct stat *st);

/* Move entry `name` of directory `dirfd` (guard_path names it) aside to
 * NAME.clawshim-quarantine.RANDOM in the same directory, never over
 * anything (RENAME_NOREPLACE), and check it is gone; count and say it
 * (`why` may be NULL).  A symlink is moved itself, never followed. */
void guard_quarantine(int dirfd, const char *name, const char *why);
/* Open directory `name` of dirfd to look inside, never following a
 * symlink; -1 if it is not there or not a directory.  One the command
 * made unreadable is moved aside (new) or reported (guard_fail). */
int guard_open_dir(int dirfd, const char *name);
/* Note that guard_path could not be checked (counted as a failure). */
void guard_fail(const char *what);
/* Is `name` one of this run's quarantine names (to skip)? */
bool guard_is_ours(const char *name);

/* Iterate a directory without allocating: call with *pos = 0, returns
 * the next name (not . or ..) and its d_type, or NULL at the end.
 * buf must hold GUARD_DIRBUF bytes and live across the calls. */
#define GUARD_DIRBUF 1024
struct guard_dir {
	int fd;
	char buf[GUARD_DIRBUF];
	long n, pos;
	void *dir; /* non-Linux: the DIR */
};
void guard_dir_open(struct guard_dir *d, int fd);
const char *guard_dir_next(struct guard_dir *d, unsigned char *type);
void guard_dir_close(struct guard_dir *d);

/* Check git directory `fd` (guard_path names it) and what lies beneath
 * its modules/ and worktrees/ (guards_git.c). */
void guard_git_dir(int fd);

#endif
