/* SPDX-License-Identifier: MIT */
/*
 * host_posix.c: host.h for the portable (macOS) build: no seccomp
 * program and no cgroups.  The only filter handed on is the docker
 * backend's seccomp profile as JSON, which the engine's Linux VM loads.
 */
#include "host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/seccomp.h"

/* An unlinked temporary file in $TMPDIR (else /tmp), close-on-exec. */
int host_anon_file(const char *name)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || dir[0] != '/')
		dir = "/tmp";
	char *path = xasprintf("%s/%s.XXXXXX", dir, name);
	int fd = mkstemp(path);
	if (fd >= 0 && (unlink(path) != 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) != 0)) {
		int e = errno;
		close(fd);
		errno = e;
		fd = -1;
	}
	free(path);
	return fd;
}

/* No BPF program: nothing here loads one. */
void host_set_filter(struct child_spec *cs, const struct policy *p, const struct plan *pl)
{
	(void)p;
	(void)pl;
	cs->prog = NULL;
	cs->prog_len = 0;
	cs->prog_notify = false;
}

/* The engine's JSON profile, read from the start: on macOS the wrapper
 * opens /dev/fd/N, which shares this descriptor's offset. */
int host_export_filter(const struct child_spec *cs)
{
	if (!cs->plan->filter_json) {
		errno = EINVAL; /* never hand a wrapper an empty filter */
		return -1;
	}
	char *text = seccomp_json(cs->p, cs->plan->seccomp);
	int fd = host_anon_file("clawshim-seccomp.json");
	size_t n = strlen(text);
	bool ok = fd >= 0 && write(fd, text, n) == (ssize_t)n && lseek(fd, 0, SEEK_SET) == 0;
	free(text);
	return ok ? fd : -1;
}

/* The kernel exempts root from RLIMIT_NPROC (macOS as Linux), and this
 * build has no cgroup: root's max_processes cannot hold. */
int host_root_process_limit(const struct policy *p)
{
	const struct pol_num *l = &p->limit[LIMIT_PROCESSES];
	if (getuid() != 0 || !l->set || l->val == LIMIT_UNLIMITED)
		return -1;
	const char *why = "the kernel exempts root from RLIMIT_NPROC, and this build has no pids cgroup";
	if (p->best_effort.val) {
		warn("best_effort: max_processes is not enforced for root: %s", why);
		return -1;
	}
	char o[300];
	warn("%s: max_processes cannot be enforced for root here: %s",
	     origin_str(&l->from, o, sizeof(o)), why);
	hint("set max_processes = unlimited, or run as another user");
	exit(EXIT_SETUP);
}
