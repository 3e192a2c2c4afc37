/* SPDX-License-Identifier: MIT */
/* mountns.c: protections inside granted trees, as mounts (see mountns.h). */
#include "mountns.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "../common.h"

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die_errno("mount namespace: open %s", path);
	ssize_t n = (ssize_t)strlen(text);
	if (write(fd, text, (size_t)n) != n)
		die_errno("mount namespace: write %s", path);
	close(fd);
}

/* Open `path` without following a symlink planted since it was resolved,
 * and check the kernel agrees on where it is.  Returns an O_PATH fd. */
static int open_exact(const char *path)
{
	int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		die_errno("mount namespace: %s", path);
	char proc[64], real[PATH_MAX];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(proc, real, sizeof(real) - 1);
	if (n < 0)
		die_errno("mount namespace: %s", path);
	real[n] = '\0';
	if (strcmp(real, path) != 0)
		die("mount namespace: %s moved to %s since the policy was resolved", path, real);
	return fd;
}

/* Mount flags a user namespace may not clear on a remount. */
static unsigned long locked_flags(const char *target)
{
	struct statvfs sv;
	if (statvfs(target, &sv) != 0)
		die_errno("mount namespace: statvfs %s", target);
	unsigned long f = 0;
	if (sv.f_flag & ST_NOSUID) f |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV) f |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME) f |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME) f |= MS_NODIRATIME;
	if (sv.f_flag & ST_RDONLY) f |= MS_RDONLY;
	return f;
}

/* Bind `src` onto `path` (recursively), then remount the new top mount
 * with `extra` flags added (0: no remount). */
static void bind_remount(const char *src, const char *path, unsigned long extra)
{
	int fd = open_exact(path);
	char t[64];
	snprintf(t, sizeof(t), "/proc/self/fd/%d", fd);
	if (mount(src ? src : t, t, NULL, MS_BIND | MS_REC, NULL) != 0)
		die_errno("mount namespace: bind %s", path);
	close(fd);
	if (!extra)
		return;
	/* Re-open: the old fd still names the mount underneath. */
	fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		die_errno("mount namespace: %s", path);
	snprintf(t, sizeof(t), "/proc/self/fd/%d", fd);
	unsigned long fl = MS_REMOUNT | MS_BIND | locked_flags(t) | extra;
	if (mount(NULL, t, NULL, fl, NULL) != 0)
		die_errno("mount namespace: remount %s", path);
	close(fd);
}

/* A new devpts instance on /dev/pts, and its ptmx on /dev/ptmx, so that
 * opening /dev/ptmx makes a pty in the instance, named /dev/pts/N.  The
 * host's terminals are not in it.  ptmxmode=0666: a new instance's ptmx
 * is 0000 by default. */
static void private_devpts(void)
{
	int fd = open_exact("/dev/pts");
	char t[64];
	snprintf(t, sizeof(t), "/proc/self/fd/%d", fd);
	if (mount("devpts", t, "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620") != 0)
		die_errno("mount namespace: a new devpts instance on /dev/pts");
	close(fd);
	struct stat st;
	/* Where /dev/ptmx is a symlink to pts/ptmx it already points there. */
	if (lstat("/dev/ptmx", &st) == 0 && S_ISLNK(st.st_mode))
		return;
	bind_remount("/dev/pts/ptmx", "/dev/ptmx", 0);
}

/* In the child's new mount (and user) namespace: make the plan true. */
void mountns_apply(const struct mount_plan *mp, bool userns, uid_t uid, gid_t gid)
{
	if (userns) {
		char map[64];
		write_file("/proc/self/setgroups", "deny");
		snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
		write_file("/proc/self/uid_map", map);
		snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
		write_file("/proc/self/gid_map", map);
	}
	/* Nothing done here may propagate back to the host's namespace. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		die_errno("mount namespace: make / private");
	for (size_t i = 0; i < mp->n; i++) {
		const struct mstep *s = &mp->v[i];
		switch (s->op) {
		case MSTEP_ANCHOR:
			bind_remount(NULL, s->path, 0);
			break;
		case MSTEP_READONLY:
			bind_remount(NULL, s->path, MS_RDONLY);
			break;
		case MSTEP_NOEXEC:
			bind_remount(NULL, s->path, MS_NOEXEC);
			break;
		case MSTEP_HIDE:
			if (s->dir) {
				int fd = open_exact(s->path);
				char t[64];
				snprintf(t, sizeof(t), "/proc/self/fd/%d", fd);
				if (mount("clawshim", t, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
					  "size=4k,nr_inodes=1,mode=000") != 0)
					die_errno("mount namespace: hide %s", s->path);
				close(fd);
			} else {
				bind_remount("/dev/null", s->path, MS_RDONLY);
			}
			break;
		case MSTEP_DEVPTS:
			private_devpts();
			break;
		}
	}
}
