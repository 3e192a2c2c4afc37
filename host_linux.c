/* SPDX-License-Identifier: MIT */
/*
 * host_linux.c: what main() needs from Linux: the seccomp program the
 * child loads (or a wrapper is handed), anonymous files in memory, and
 * root's process limit as a pids cgroup.  host_posix.c is the same
 * interface for the portable build.
 */
#include "host.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backends/prebuilt.h"
#include "backends/seccomp.h"

/* An anonymous, close-on-exec file in memory. */
int host_anon_file(const char *name)
{
	return memfd_create(name, MFD_CLOEXEC);
}

/* The plan's seccomp program: the one compiled at build time for its
 * flags when there is one, else built now by libseccomp (a policy with
 * its own [seccomp] deny list); the child loads it with one seccomp(). */
void host_set_filter(struct child_spec *cs, const struct policy *p, const struct plan *pl)
{
	struct policy_error err = { { 0 }, { 0 } };
	/* Nothing loads a BPF program: a setuid wrapper's plan without one,
	 * or an engine that takes the filter as JSON. */
	bool in_process = !pl->setup || (pl->setup & SETUP_FILTER);
	bool handed = false;
	for (size_t i = 0; i < pl->wrapper.n; i++)
		handed |= strstr(pl->wrapper.v[i], SECCOMP_FD_ARG) != NULL;
	for (size_t i = 0; i < pl->wrapper_args.n; i++)
		handed |= strstr(pl->wrapper_args.v[i], SECCOMP_FD_ARG) != NULL;
	cs->prog = NULL;
	if ((!in_process && !handed) || (!in_process && pl->filter_json) || !pl->seccomp)
		return;
	const struct prebuilt_filter *pf = prebuilt_find(pl->seccomp, p);
	if (pf) {
		cs->prog = pf->prog;
		cs->prog_len = pf->len;
		cs->prog_notify = prebuilt_notifies(pf);
		return;
	}
	scmp_filter_ctx ctx = seccomp_build(p, pl->seccomp, &err);
	if (!ctx) {
		warn("%s", err.msg);
		if (err.hint[0])
			hint("%s", err.hint);
		exit(EXIT_SETUP);
	}
	struct sock_filter *prog;
	size_t len;
	if (seccomp_program(ctx, p, pl->seccomp, &prog, &len) != 0)
		die_errno("seccomp: cannot build the filter");
	seccomp_release(ctx);
	cs->prog = prog;
	cs->prog_len = (unsigned short)len;
	cs->prog_notify = seccomp_program_notifies(prog, len);
}

/* Clawshim's filter in a memfd, for a wrapper: BPF, or an engine's JSON. */
int host_export_filter(const struct child_spec *cs)
{
	if (!cs->prog && !cs->plan->filter_json) {
		errno = EINVAL; /* never hand a wrapper an empty filter */
		return -1;
	}
	if (cs->plan->filter_json) {
		char *text = seccomp_json(cs->p, cs->plan->seccomp);
		int fd = host_anon_file("clawshim-seccomp.json");
		size_t n = strlen(text);
		bool ok = fd >= 0 && write(fd, text, n) == (ssize_t)n;
		free(text);
		return ok ? fd : -1;
	}
	int fd = host_anon_file("clawshim-seccomp");
	size_t len = (size_t)cs->prog_len * sizeof(*cs->prog);
	if (fd < 0 || write(fd, cs->prog, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) != 0)
		return -1;
	return fd;
}

/* The kernel exempts the root user from RLIMIT_NPROC, so root's
 * max_processes is held by a pids cgroup; without one, refuse. */
int host_root_process_limit(const struct policy *p)
{
	const struct pol_num *l = &p->limit[LIMIT_PROCESSES];
	if (getuid() != 0 || !l->set || l->val == LIMIT_UNLIMITED)
		return -1;
	char why[300];
	int fd = pids_cgroup_open(l->val, why, sizeof(why));
	if (fd >= 0)
		return fd;
	if (fd == PIDS_CGROUP_HELD)
		return -1;
	if (p->best_effort.val) {
		warn("best_effort: max_processes is not enforced for root: %s", why);
		return -1;
	}
	char o[300];
	warn("%s: max_processes cannot be enforced for root here: %s",
	     origin_str(&l->from, o, sizeof(o)), why);
	hint("set max_processes = unlimited, run as another user, or give clawshim a writable pids cgroup");
	exit(EXIT_SETUP);
}
