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
	bool in_pidns;         /* spawned by the init of clawshim's PID namespace,
	                        * which made the namespaces, mounts and session */
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
/* Does `value` hold a bare user:pass@host[:port][/path] word? */
bool env_value_has_bare_password(const char *value);
/* Does the name hold a secret word (TOKEN, APIKEY, ACCESS_KEY, ...)? */
bool env_name_is_secret(const char *name);
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

/* The vfork-style spawn of child_main (supervise.c); the command's PID. */
pid_t spawn_command(struct child_spec *cs);

/* The command in a PID namespace of its own (pidns.c). */
struct pidns_run {
	int sup_pidfd, init_pidfd, cmd_pidfd;
	int go, ctl;   /* to the init, from the init */
	pid_t init;
	pid_t cmd;     /* the command's PID (the host's without a namespace) */
	int status;    /* the init's wait status when pidns_go() gave -2 */
	int spawn_errno; /* and why the command could not be spawned, or 0 */
	bool leftovers; /* pidns_status(): processes outlived the command */
};
/* Fork the namespace's init, which waits for pidns_go(): its PID, or -1
 * when the host refuses the namespaces (nothing ran).  With ns false, no
 * namespaces: the init is a subreaper in a session of its own that kills
 * every descendant when the command ends or the supervisor dies. */
pid_t pidns_start(struct child_spec *cs, struct pidns_run *r, bool ns);
/* SIGKILL each child of the calling thread that /proc lists; what the
 * list's read returned (<= 0: none listed, or unreadable).  No heap. */
ssize_t kill_children(void);
/* Let the init set up and spawn the command: 0; -1 when the namespaces
 * could not be set up after all (nothing ran, init reaped); -2 when the
 * init failed and said why (status in r->status). */
int pidns_go(struct child_spec *cs, struct pidns_run *r);
/* The command's wait status as the init reported it, else init_status. */
int pidns_status(struct pidns_run *r, int init_status);
void pidns_close(struct pidns_run *r);
/* Can the command get a PID namespace here (tried, for --explain)?  0, or
 * -1 and why. */
int pidns_probe(char *why, size_t whylen);

/* For root, whom RLIMIT_NPROC does not bind: a pids cgroup limited to
 * `max`; returns an fd on its cgroup.procs, or -1 and `why`. */
int pids_cgroup_open(long long max, char *why, size_t whylen);
#define PIDS_CGROUP_HELD (-2) /* an enclosing cgroup already limits as much */
/* Remove that cgroup (after everything in it is gone). */
int pids_cgroup_remove(void);

/* Protected paths absent at the start inside writable trees, and the
 * workspace's git directories (guards.c, guards_git.c): noted before the
 * command starts, what it planted moved aside (to NAME.clawshim-
 * quarantine.RANDOM) once it is gone; guards_check returns how many
 * moved, or -1 when one could not be, warning about each unless quiet,
 * and allocates nothing (a watcher runs it after the supervisor died). */
void guards_init(const struct policy *p);
int guards_check(bool quiet);

/* SIGKILL every process of session `sid` until none is left (bounded). */
void kill_session(pid_t sid, int sig, bool until_gone);

#endif
