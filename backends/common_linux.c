/* SPDX-License-Identifier: MIT */
/* common_linux.c: the guarantees clawshim's Linux supervisor and child
 * setup (process/supervise.c, process/child.c) give on every backend. */
#include "backend.h"
#include "mountns_plan.h"
#include "seccomp.h"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The guarantees every backend shares: clawshim's process semantics and
 * what its seccomp filter refuses (in process, or handed to a wrapper). */
void plan_add_common(struct plan *pl, const struct policy *p)
{
	unsigned sc = pl->seccomp;
	const char *filt = (pl->setup && !(pl->setup & SETUP_FILTER)) ?
		"seccomp filter, handed to the wrapper" : "seccomp filter";
	plan_add(pl, "new session without a controlling terminal", "setsid() before exec", NULL, true);
	const char *dwp = "every process started dies with clawshim and with its parent "
			  "(and with a SIGKILL to clawshim's process group)";
	const char *churn = "processes that keep forking to outrun a scan die too";
	if (pl->wrapper.n && pl->id == BACKEND_BWRAP) {
		plan_add(pl, dwp, "bwrap's PID namespace: bwrap dies with clawshim (PR_SET_PDEATHSIG), "
			 "its init with bwrap (--die-with-parent), and when the init dies the kernel "
			 "kills the whole namespace", NULL, true);
	} else if (pl->wrapper.n) {
		plan_add(pl, dwp, "supervisor (subreaper, PR_SET_PDEATHSIG) and a watcher outside "
			 "clawshim's process group, which kills the wrapper's session", NULL, true);
	} else if (pl->pidns >= 0) {
		plan_add(pl, dwp, "a PID namespace of its own: its init dies with clawshim "
			 "(PR_SET_PDEATHSIG), and when the init dies the kernel kills every process "
			 "of the namespace at once", NULL, true);
	} else {
		plan_add(pl, dwp, "an init outside clawshim's process group, a subreaper of "
			 "everything the command starts: when clawshim dies it kills its children "
			 "until the kernel says none are left (ECHILD)", NULL, true);
		plan_add(pl, churn, NULL, pl->pidns_why ? pl->pidns_why : "no PID namespace here",
			 false);
	}
	if (p->timeout.val > 0)
		plan_add(pl, "timeout: TERM the whole tree, then KILL", "supervisor", NULL, true);
	plan_add(pl, "core dumps off; resource limits from [process]", "setrlimit (root: pids cgroup)",
		 NULL, true);
	plan_add(pl, "secret-looking environment variables removed", "clawshim", NULL, true);
	if (sc & SC_TTY)
		plan_add(pl, "TIOCSTI, TIOCLINUX and TIOCSETD refused (low 32 bits compared)", filt,
			 NULL, true);
	if (sc & SC_SESSION)
		plan_add(pl, "setsid() refused: the session stays a complete handle", filt, NULL, true);
	if (sc & SC_KERNEL)
		plan_add(pl, "no mount, namespaces, ptrace, bpf, perf, keyring, io_uring, "
			 "module or clock changes", filt, NULL, true);
	if (sc & SC_KERNEL)
		plan_add(pl, "no device nodes and no setuid or setgid file created (open, creat, "
			 "mknod with those mode bits)", filt, NULL, true);
	if (sc & SC_NET)
		plan_add(pl, "no sockets but AF_UNIX (and TCP where ports are allowed)", filt, NULL, true);
	if ((sc & SC_UNIX) && !(sc & SC_NESTED)) {
		plan_add(pl, "connect only to the named unix sockets in [network] unix",
			 "seccomp user notification: clawshim connects after checking", NULL, true);
		plan_add(pl, "chmod, chown, utimes, xattrs only inside the writable paths; no setuid bit, "
			 "no setgid bit on a file, no file capabilities",
			 "seccomp user notification: clawshim performs them after checking", NULL, true);
	} else if (sc & SC_UNIX) {
		plan_add(pl, "connect() refused unless allow = all (under an outer clawshim)", filt,
			 NULL, true);
		plan_add(pl, "chmod, chown and xattrs refused (under an outer clawshim)", filt, NULL, true);
	}
	if ((sc & SC_POLICY) && p->seccomp_deny.n)
		plan_add(pl, "the system calls in [seccomp] deny refused", filt, NULL, true);
	if (!pl->setup || (pl->setup & SETUP_NNP))
		plan_add(pl, "no new privileges (setuid and file capabilities inert)", "PR_SET_NO_NEW_PRIVS",
			 NULL, true);
	if (!pl->setup || (pl->setup & SETUP_CAPS))
		plan_add(pl, "no capabilities, even as root", "bounding set emptied, capset", NULL, true);
}

/* Can this process create a private mount namespace? */
bool mountns_possible(void)
{
	if (getuid() == 0) {
		struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct data[2];
		if (syscall(SYS_capget, &hdr, data) != 0)
			return false;
		return data[0].effective & (1u << CAP_SYS_ADMIN);
	}
	/* Debian's switch, Ubuntu's AppArmor restriction, the namespace cap. */
	return read_long_file("/proc/sys/kernel/unprivileged_userns_clone", 1) == 1 &&
	       read_long_file("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", 0) == 0 &&
	       read_long_file("/proc/sys/user/max_user_namespaces", 1) > 0;
}
