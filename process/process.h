/* SPDX-License-Identifier: MIT */
/* process.h: spawning, supervising and confining the command. */
#ifndef CLAWSHIM_PROCESS_H
#define CLAWSHIM_PROCESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "../backends/backend.h"
#include "../policy/policy.h"

/* Descriptors handed to a wrapper: clawshim's filter, its --args, and
 * its ready pipe (READY_FD_ARG). */
enum { KEEP_FILTER, KEEP_ARGS, KEEP_READY, KEEP_N };

/* Everything the child needs, computed before the spawn so that the child
 * (which shares memory with the suspended supervisor) only acts. */
struct sock_filter;
struct proxy;

struct child_spec {
	const struct policy *p;
	const struct backend *be;
	const struct plan *plan;
	char **argv;           /* argv of the command */
	char **candidates;     /* absolute paths to try execve on, in order */
	char **envp;           /* the command's environment */
	const char *cwd;       /* the working directory, canonical */
	const struct sock_filter *prog; /* the seccomp program: compiled at build
	                                 * time, or built now (seccomp_program) */
	unsigned short prog_len;
	bool prog_notify;            /* it asks the supervisor (user notification) */
	int watch_fd;          /* write end of the watcher's pipe */
	int pids_cgroup_fd;    /* cgroup.procs to join, or -1 */
	int keep_fd[KEEP_N];   /* left open across exec for a wrapper, or -1 */
	pid_t supervisor;
	uid_t uid;             /* the caller's ids, for a user namespace's maps */
	gid_t gid;
	/* Written by the child, read by the supervisor after the vfork. */
	int exec_errno;
	int notify_fd;         /* the seccomp listener, or -1 */
	struct proxy *proxy;   /* allow = domains: the proxy's listener, or NULL */
};

/* Build the command's environment (pure): environ filtered by the
 * policy's remove/keep patterns, clawshim's own variables removed, then
 * `set`, then CLAWSHIM_BACKEND and SHELL. */
void env_build(const struct policy *p, char **environ_in, const char *backend,
	       const char *shell, struct strv *out);
/* allow = domains: the proxy variables for tools (127.0.0.1:port), in
 * every spelling, replacing inherited ones; GIT_SSH_COMMAND through
 * `self connect` when some entry names port 22. */
void env_add_proxy(struct strv *env, const struct policy *p, unsigned port, const char *self);
/* Does `value` hold a URL with a password, scheme://user:pass@host? */
bool env_value_has_password(const char *value);
/* Is `entry` ("NAME=VALUE") removed from the command's environment? */
bool env_is_removed(const struct policy *p, const char *entry);
/* The paths to try for `file` along PATH as found in envp (pure). */
void exec_candidates(const char *file, char **envp, struct strv *out);

/* Check the policy's rlimits can be applied here (none raises a hard
 * limit); -1 and err set otherwise. */
int limits_check(struct policy *p, struct policy_error *err);

/* In the child: core dumps off and the policy's limits, soft and hard
 * (only core dumps with `core_only`: a wrapper applies them itself). */
void limits_apply(const struct policy *p, bool core_only);

/* The child: process setup, backend apply, seccomp, execve. Never returns. */
int child_main(void *spec);

/* Run the command under supervision; returns clawshim's exit status, or
 * SUPERVISE_NO_NAMESPACE when the plan needs a mount namespace and the
 * host refused to create one (nothing ran: plan again without). */
#define SUPERVISE_NO_NAMESPACE (-2)
int supervise(struct child_spec *cs);

/* For root, whom RLIMIT_NPROC does not bind: a pids cgroup limited to
 * `max`; returns an fd on its cgroup.procs, or -1 and `why`. */
int pids_cgroup_open(long long max, char *why, size_t whylen);
#define PIDS_CGROUP_HELD (-2) /* an enclosing cgroup already limits as much */
/* Remove that cgroup (after everything in it is gone). */
int pids_cgroup_remove(void);

/* Protected paths absent at the start inside writable trees (guards.c):
 * noted before the command starts, moved aside (to PATH.clawshim-
 * quarantine.PID) once it is gone; guards_check returns how many moved,
 * warning about each unless quiet, and allocates nothing (a watcher runs
 * it after the supervisor died). */
void guards_init(const struct policy *p);
int guards_check(bool quiet);

/* SIGKILL every process of session `sid` until none is left (bounded). */
void kill_session(pid_t sid, int sig, bool until_gone);

#endif
