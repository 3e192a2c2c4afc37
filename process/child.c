/* SPDX-License-Identifier: MIT */
/*
 * child.c: the command's side of the spawn.
 *
 * Runs in a vfork-style child that shares memory and the descriptor table
 * with the suspended supervisor: it only acts on what the supervisor
 * computed, and the seccomp listener it creates lands in the supervisor's
 * table.
 * Order matters: session, parent death, descriptors, limits, privileges,
 * the backend's confinement, and the seccomp filter last, with nothing
 * but execve after it.
 */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../backends/seccomp.h"
#include "mountns.h"
#include "audit.h"


static int cap_from_name(const char *name)
{
	static const char *const names[] = {
		"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
		"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
		"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
		"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
		"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
		"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
		"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
		"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
		"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
		"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
		"CAP_CHECKPOINT_RESTORE",
	};
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (strcasecmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

/* Root gets no capabilities: the bounding set loses all but the kept ones
 * (so exec cannot grant them back), inheritable and ambient are emptied.
 * Root with CAP_SYS_ADMIN could still use TIOCSTI on another terminal,
 * with CAP_SYS_PTRACE read other processes' /proc files. */
static void drop_capabilities(const struct policy *p)
{
	unsigned long long keep = 0;
	for (size_t i = 0; i < p->keep_capabilities.n; i++) {
		int c = cap_from_name(p->keep_capabilities.v[i].raw);
		if (c >= 0)
			keep |= 1ULL << c;
	}
	/* Only a process that runs as uid 0 after exec gets capabilities
	 * back from it (the kernel treats root's files as fully capable);
	 * any other uid, with no_new_privs, keeps none.  So only root's
	 * bounding set needs emptying. */
	for (int c = 0; getuid() == 0 && c <= 63; c++) {
		if (keep & (1ULL << c))
			continue;
		int r = prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
		if (r != 0 && errno == EINVAL)
			break; /* past the kernel's last capability */
		/* EPERM without CAP_SETPCAP (root under an outer clawshim): fine
		 * if the set no longer holds it. */
		if (r != 0 && prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
			die_errno("cannot drop capability %d from the bounding set", c);
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
		die_errno("cannot clear ambient capabilities");
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &hdr, data) != 0)
		die_errno("capget");
	for (int i = 0; i < 2; i++) {
		__u32 k = (__u32)(keep >> (32 * i));
		data[i].inheritable = 0;
		data[i].permitted &= k;
		data[i].effective &= k;
	}
	if (syscall(SYS_capset, &hdr, data) != 0)
		die_errno("capset");
}

/* Mark every descriptor above 2 close-on-exec: Landlock does not govern
 * descriptors opened before it, so an inherited fd to a secret must not
 * reach the command.  (Marking rather than closing keeps the supervisor's
 * descriptors intact should the tables ever be shared.) */
static void close_fds(void)
{
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	for (int fd = 3; fd < 65536; fd++)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* The child: everything between the spawn and execve. */
int child_main(void *arg)
{
	struct child_spec *cs = arg;
	die_in_child = true;

	/* Die with the supervisor; PR_SET_PDEATHSIG races with its death, so
	 * check the parent is still the one that spawned us. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		die_errno("prctl(PR_SET_PDEATHSIG)");
	if (getppid() != cs->supervisor)
		_exit(EXIT_SETUP);

	/* A new session without a controlling terminal: the command cannot
	 * TIOCSTI into the agent's terminal (CVE-2017-5226), and the session
	 * id is how the watcher finds everything it starts. */
	if (cs->in_pidns) {
		/* PID 2 under clawshim's init: a session of its own too (the
		 * init leads its own, so this is not a group leader). */
		if (setsid() < 0)
			die_errno("setsid");
	} else if (cs->plan->seccomp & SC_NESTED) {
		/* Under an outer clawshim: its session already has no terminal,
		 * and setsid() is refused there; a process group is the handle. */
		if (setpgid(0, 0) < 0)
			die_errno("setpgid");
	} else if (setsid() < 0) {
		die_errno("setsid");
	}
	pid_t self = getpid();
	/* The descriptor table is shared with the supervisor (CLONE_FILES):
	 * never close its descriptors here; they are close-on-exec, and execve
	 * gives the command its own table without them. */
	/* (In clawshim's PID namespace the supervisor told the watcher.) */
	if (!cs->in_pidns && write(cs->watch_fd, &self, sizeof(self)) != (ssize_t)sizeof(self))
		die_errno("cannot reach the watcher");
	/* The start event, with the command's pid, before anything confines
	 * us (the log's directory is denied from here on): no log, no run. */
	if (audit_child_start(self) != 0)
		die_errno("audit log %s: cannot write the start event", audit_path());
	if (cs->pids_cgroup_fd >= 0 && write(cs->pids_cgroup_fd, "0\n", 2) != 2)
		die_errno("cannot join the process-limit cgroup");
	close_fds();
	unsigned setup = cs->plan->setup ? cs->plan->setup : SETUP_ALL;
	limits_apply(cs->p, setup & SETUP_NO_LIMITS);
	/* Mounts first: a Landlock-restricted process may not mount. */
	if (cs->plan->mounts && !cs->in_pidns) {
		mountns_apply(cs->plan->mounts, cs->uid != 0, cs->uid, cs->gid);
		/* The working directory still names the directory underneath any
		 * mount just made on it or above it: look it up again, or a
		 * relative path would walk past the protections. */
		if (chdir(cs->cwd) != 0)
			die_errno("cannot enter %s", cs->cwd);
	}

	/* no_new_privs: setuid and file capabilities are inert from here on
	 * (a setuid wrapper, firejail, is the one exception). */
	if ((setup & SETUP_NNP) && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		die_errno("prctl(PR_SET_NO_NEW_PRIVS)");
	if (cs->be->apply)
		cs->be->apply(cs->p, cs->plan);
	if (setup & SETUP_CAPS)
		drop_capabilities(cs->p);
	/* What is handed to a wrapper stays open across exec. */
	for (int i = 0; i < KEEP_N; i++)
		if (cs->keep_fd[i] >= 0 && fcntl(cs->keep_fd[i], F_SETFD, 0) != 0)
			die_errno("cannot hand descriptor %d to the wrapper", cs->keep_fd[i]);

	sigset_t none;
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) != 0)
		die_errno("sigprocmask");

	/* The filter goes last: after it, nothing but execve.  Its listener
	 * (when the plan asks for user notification) is close-on-exec. */
	if (cs->prog && (setup & SETUP_FILTER)) {
		struct sock_fprog fp = { cs->prog_len, (struct sock_filter *)cs->prog };
		long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
				  cs->prog_notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0, &fp);
		if (fd < 0)
			die_errno("seccomp: cannot load the filter");
		cs->notify_fd = cs->prog_notify ? (int)fd : -1;
	}
	int first = 0;
	for (char **c = cs->candidates; *c; c++) {
		execve(*c, cs->argv, cs->envp);
		/* Like execvp: go on past entries that are missing; remember the
		 * first other error (EACCES: found but not executable). */
		if (errno != ENOENT && errno != ENOTDIR && !first)
			first = errno;
	}
	cs->exec_errno = first ? first : ENOENT;
	_exit(first ? EXIT_NOEXEC : EXIT_NOTFOUND);
}
