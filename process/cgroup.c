/* SPDX-License-Identifier: MIT */
/*
 * cgroup.c: a process limit for root.
 *
 * The kernel never applies RLIMIT_NPROC to the root user (copy_process()
 * exempts INIT_USER), so for root max_processes is held by a pids cgroup
 * of its own, which the child joins before anything else runs.  Where no
 * writable pids controller exists the guarantee cannot be held and the
 * caller refuses (or, with best_effort, says so).
 */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char cg_dir[1024];

/* Our cgroup path in the hierarchy with the pids controller, and that
 * hierarchy's mount point; false when there is none. */
static bool find_pids_hierarchy(char *mnt, size_t mlen, char *path, size_t plen)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return false;
	char line[1024];
	bool v1 = false, v2 = false;
	char v2path[512] = "";
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		const char *ctrls = c1 + 1;
		if (strcmp(ctrls, "pids") == 0 || strstr(ctrls, ",pids") || strncmp(ctrls, "pids,", 5) == 0) {
			snprintf(path, plen, "%s", c2 + 1);
			v1 = true;
		} else if (ctrls[0] == '\0') {
			snprintf(v2path, sizeof(v2path), "%s", c2 + 1);
			v2 = true;
		}
	}
	fclose(f);
	if (v1) {
		snprintf(mnt, mlen, "/sys/fs/cgroup/pids");
		/* In a container the hierarchy is mounted at our own cgroup:
		 * /proc/self/cgroup names a host path that is not there. */
		char probe[1100];
		snprintf(probe, sizeof(probe), "%s%s", mnt, path);
		if (access(probe, F_OK) != 0)
			snprintf(path, plen, "/");
		return true;
	}
	if (!v2)
		return false;
	/* cgroup v2: usable only where our cgroup already delegates pids to
	 * its children (no internal-process conflicts to resolve). */
	const char *roots[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
	for (size_t i = 0; i < ARRAY_LEN(roots); i++) {
		char sc[1024], buf[256] = "";
		snprintf(sc, sizeof(sc), "%s%s/cgroup.subtree_control", roots[i], v2path);
		int fd = open(sc, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		if (strstr(buf, "pids")) {
			snprintf(mnt, mlen, "%s", roots[i]);
			snprintf(path, plen, "%s", v2path);
			return true;
		}
	}
	return false;
}

/* Create a pids cgroup limited to `max` and return an fd on its
 * cgroup.procs for the child to join; -1 and `why` when impossible. */
int pids_cgroup_open(long long max, char *why, size_t whylen)
{
	char mnt[256], path[512];
	if (!find_pids_hierarchy(mnt, sizeof(mnt), path, sizeof(path))) {
		snprintf(why, whylen, "no pids cgroup controller is available");
		return -1;
	}
	/* Already inside a cgroup limited at least as tightly (an outer
	 * clawshim's): the guarantee holds, and a sandboxed root could not
	 * create a cgroup anyway. */
	char cur[1100], buf[32] = "";
	snprintf(cur, sizeof(cur), "%s%s/pids.max", mnt, strcmp(path, "/") == 0 ? "" : path);
	int cfd = open(cur, O_RDONLY | O_CLOEXEC);
	if (cfd >= 0) {
		ssize_t n = read(cfd, buf, sizeof(buf) - 1);
		close(cfd);
		buf[n > 0 ? n : 0] = '\0';
		char *end;
		long long have = strtoll(buf, &end, 10);
		if (end != buf && have <= max)
			return PIDS_CGROUP_HELD;
	}
	snprintf(cg_dir, sizeof(cg_dir), "%s%s/clawshim.%d", mnt,
		 strcmp(path, "/") == 0 ? "" : path, (int)getpid());
	/* A directory of a dead clawshim with our pid: empty, so remove it. */
	if (mkdir(cg_dir, 0700) != 0 && (errno != EEXIST || rmdir(cg_dir) != 0 ||
					  mkdir(cg_dir, 0700) != 0)) {
		snprintf(why, whylen, "cannot create %s: %s", cg_dir, strerror(errno));
		cg_dir[0] = '\0';
		return -1;
	}
	char f[1100], val[32];
	snprintf(f, sizeof(f), "%s/pids.max", cg_dir);
	int n = snprintf(val, sizeof(val), "%lld\n", max);
	int fd = open(f, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, val, (size_t)n) != n) {
		snprintf(why, whylen, "cannot write %s: %s", f, strerror(errno));
		if (fd >= 0)
			close(fd);
		pids_cgroup_remove();
		return -1;
	}
	close(fd);
	snprintf(f, sizeof(f), "%s/cgroup.procs", cg_dir);
	fd = open(f, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "cannot open %s: %s", f, strerror(errno));
		pids_cgroup_remove();
		return -1;
	}
	return fd;
}

/* Remove the cgroup once it is empty (no allocation: the watcher calls
 * it); 0 when it is gone or there was none. */
int pids_cgroup_remove(void)
{
	if (!cg_dir[0] || rmdir(cg_dir) == 0 || errno == ENOENT) {
		cg_dir[0] = '\0';
		return 0;
	}
	return -1;
}
