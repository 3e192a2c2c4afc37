/* SPDX-License-Identifier: MIT */
/*
 * common_posix.c: the guarantees the portable supervisor
 * (process/supervise_posix.c) gives on every backend of the macOS build,
 * and, as plainly, what it does not: no seccomp, no no_new_privs, no
 * subreaper, nothing that refuses setsid().
 */
#include "backend.h"

#ifdef __APPLE__
#define DEATH_HOW "supervisor (kqueue NOTE_EXIT on its parent) and a watcher process; " \
	"the session found by sysctl KERN_PROC_SESSION"
#define SESSION_HANDLE "session"
#else
#define DEATH_HOW "supervisor (polls getppid() every 100 ms) and a watcher process; " \
	"the command's process group killed"
#define SESSION_HANDLE "process group"
#endif

void plan_add_common(struct plan *pl, const struct policy *p)
{
	plan_add(pl, "new session without a controlling terminal", "setsid() before exec", NULL, true);
	plan_add(pl, "the command's " SESSION_HANDLE " dies with clawshim and with its parent",
		 DEATH_HOW, NULL, true);
	plan_add(pl, "processes that leave the " SESSION_HANDLE " die with it too", NULL,
		 "nothing refuses setsid() or setpgid() here (Linux refuses them with seccomp): "
		 "a daemon that leaves survives clawshim", false);
	if (p->timeout.val > 0)
		plan_add(pl, "timeout: TERM the command's " SESSION_HANDLE ", then KILL", "supervisor",
			 NULL, true);
	plan_add(pl, "core dumps off; resource limits from [process]", "setrlimit", NULL, true);
#ifdef __APPLE__
	if (p->limit[LIMIT_MEMORY].set && p->limit[LIMIT_MEMORY].val != LIMIT_UNLIMITED)
		plan_add(pl, "max_memory", NULL, "setrlimit does not bound mmap'd memory on macOS: "
			 "refused from a policy file, the built-in ceiling dropped", false);
#endif
	plan_add(pl, "every descriptor above 2 closed before exec", "close-on-exec", NULL, true);
	plan_add(pl, "secret-looking environment variables removed", "clawshim", NULL, true);
	plan_add(pl, "no new privileges (setuid and file capabilities inert)", NULL,
		 "no_new_privs is Linux only: a setuid program run inside gains its privileges "
		 "(a sandbox-exec profile still confines it)", false);
	plan_add(pl, "no kernel surface filtered (mount, ptrace, ...), no TIOCSTI filter", NULL,
		 "no seccomp on this system: only what the backend itself refuses", false);
}
