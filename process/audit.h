/* SPDX-License-Identifier: MIT */
/*
 * audit.h: the audit log ([log] in clawshim.ini(5)) and the refusal
 * summary at exit.
 *
 * The supervisor writes every event; the command never can (the log's
 * directory is denied to it like a `deny` path).  Each event is one
 * NDJSON line written with one write() on an O_APPEND descriptor, under
 * an flock on a lock file next to the log, which also serialises
 * rotation: concurrent clawshims interleave whole lines and none is lost.
 *
 * Order of calls: audit_prepare() before policy_resolve(), audit_open()
 * after it, audit_start_prepare() before supervise(); the child calls
 * audit_child_start() before any confinement; the supervisor calls
 * audit_deny() at each refusal and audit_exit() when the command is
 * gone; shim.c ends with audit_end().
 */
#ifndef CLAWSHIM_AUDIT_H
#define CLAWSHIM_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../backends/backend.h"
#include "../policy/policy.h"

/* ---- audit_log.c: the file, the lock, rotation, deny events (no policy) ---- */

/* Open (creating 0600) the log at `path` and its lock file PATH.lock,
 * refusing a symlink, a non-regular file, a file writable by group or
 * others or owned by another user.  0, or -1 with the reason in why. */
int auditlog_open(const char *path, long long max_size, int keep, char *why, size_t whylen);
/* Is a log open? */
bool auditlog_on(void);
/* Append one line (len bytes, ending in '\n') under the lock, rotating
 * first when it would pass max_size.  No allocation (the vfork child
 * calls it).  0, or -1 with errno; the first failure is kept for
 * auditlog_report(), and a partly written line is cut off again. */
int auditlog_append(const char *line, size_t len);
/* The same on the open descriptor only, never by the log's name (the
 * calling process's mounts may hide it) and without rotating. */
int auditlog_append_fd(const char *line, size_t len);
/* One network decision (the domain proxy's, or a direct connect the
 * supervisor refused): a "net" event; never a URL path or a header.
 * Any thread. */
struct audit_net {
	const char *via, *host, *rule, *reason, *addr, *exe;
	bool allowed;
	unsigned port;
	pid_t pid;
	unsigned long long up, down;
	unsigned ms;
};
void audit_net(const struct audit_net *n);
/* Deny events this run did not log (past the per-run cap). */
unsigned auditlog_denies_dropped(void);
/* The run id and time stamp every event carries. */
void auditlog_set_run(const char *run);
const char *auditlog_run(void);
void audit_time(char out[40]);
/* The summary line at exit is off with [log] quiet = yes. */
void audit_set_quiet(bool quiet);

/* The supervisor refused `kind` (unix-connect, chmod, protected-path...)
 * on `object`, tried by process `pid` (0: unknown): counted for the
 * summary and logged.  Never fails, never dies. */
void audit_deny(const char *kind, const char *object, pid_t pid);
/* One "clawshim: refused: ..." line on stderr when anything was refused
 * (unless quiet), and one line about a log write that failed. */
void audit_report(void);

/* ---- audit.c: configuration, the start and end events, --last ---- */

/* Before policy_resolve(): find the log's path (--log `cli`, [log] file,
 * or the default location with enabled = yes), create its directory
 * (not with `dry`, for --explain) and deny that directory to the command. */
int audit_prepare(struct policy *p, bool dry, struct policy_error *err);
/* After policy_resolve(): check where the log is and open it. */
int audit_open(const struct policy *p, struct policy_error *err);
/* The log's path when one is configured (after audit_prepare), or NULL. */
const char *audit_path(void);
/* Compose the start event (all but the command's pid): `argv` is the
 * command's, `opts[0..nopts)` clawshim's own options (the command-line
 * layer of the policy). */
void audit_start_prepare(const struct policy *p, const struct backend *be,
			 const struct plan *pl, char *const *argv, char *const *opts,
			 int nopts, const char *cwd);
/* In the child, before any confinement: write the start event with the
 * command's pid.  0, or -1 with errno (the command must not run). */
int audit_child_start(pid_t pid);
/* In the supervisor once the command is reaped: its wait status, whether
 * the timeout fired, whether processes were left to kill. */
void audit_exit(int status, bool timed_out, bool leftovers);
/* The command's PID on the host (the end event's command_pid). */
void audit_command_pid(pid_t pid);
/* Write the end event with clawshim's exit status `rc`, print the
 * summary; returns rc. */
int audit_end(int rc);
/* clawshim --last [--json]: the events of the latest run in `workspace`. */
int audit_last(const struct policy *p, bool json);

#endif
