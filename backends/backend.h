/* SPDX-License-Identifier: MIT */
/*
 * backend.h: one interface for every way clawshim can confine a command.
 *
 * A backend is data plus a few functions (libseccomp's arch-*.c style):
 * its name, probe() says whether it can run here (and why not), plan()
 * turns the policy into exactly what will be done (a rule set or a wrapper
 * command line) without side effects, and apply() - in-process backends
 * only - does it in the child just before exec.
 */
#ifndef CLAWSHIM_BACKEND_H
#define CLAWSHIM_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "../common.h"
#include "../policy/policy.h"

/* What the sandboxed command is: the argv to exec after setup. */
struct command {
	char **argv;         /* argv[0] is looked up in PATH by the child */
	const char *shell;   /* the real shell in shell mode, else NULL */
	bool no_mounts;      /* a private mount namespace is not available */
};

struct mount_plan;

/* A guarantee, one line in --explain: what, and how (or why not). */
struct guarantee {
	const char *what;    /* "read ~/.ssh denied" */
	const char *how;     /* "Landlock (ABI 6)", or NULL when not enforced */
	const char *why_not; /* when how is NULL */
	bool required;       /* the policy asks for it */
};

/* What clawshim's own process setup does before exec (struct plan.setup).
 * A setuid wrapper (firejail) cannot run under no_new_privs or with an
 * emptied bounding set; a wrapper that mounts (bwrap) cannot run under
 * clawshim's filter, so it is handed the filter instead. */
enum {
	SETUP_NNP = 1u << 0,     /* no_new_privs */
	SETUP_CAPS = 1u << 1,    /* capabilities dropped */
	SETUP_FILTER = 1u << 2,  /* clawshim's seccomp filter loaded in process */
	SETUP_WRAPPER_ONLY = 1u << 3, /* none of the above: a setuid wrapper */
	SETUP_NO_LIMITS = 1u << 4, /* the wrapper applies [process] limits itself
	                            * (docker: its CLI's threads would count) */
};
#define SETUP_ALL (SETUP_NNP | SETUP_CAPS | SETUP_FILTER)

/* In a wrapper argv (alone, or inside an argument), replaced by the
 * number of the descriptor holding clawshim's seccomp filter: BPF (bwrap
 * --add-seccomp-fd), or JSON with plan.filter_json (docker
 * --security-opt=seccomp=/proc/self/fd/N). */
#define SECCOMP_FD_ARG "@SECCOMP_FD@"

/* In a wrapper argv, replaced by the number of a descriptor holding
 * plan.wrapper_args NUL-separated (bwrap --args FD, for long lists). */
#define ARGS_FD_ARG "@ARGS_FD@"

/* In a wrapper argv, replaced by the number of a descriptor holding one
 * byte that the wrapper reads once its sandbox is complete (bwrap
 * --block-fd): still unread when the wrapper exits, it failed first. */
#define READY_FD_ARG "@READY_FD@"

/* The result of plan(): everything apply() or a wrapper needs. */
struct plan {
	enum backend_id id;
	struct strv wrapper;         /* re-exec backends: the wrapper argv,
	                              * [0] an absolute path found by probe */
	struct strv wrapper_args;    /* options the wrapper reads from ARGS_FD_ARG */
	struct strv cleanup;         /* run after the command or its
	                              * supervisor ends (docker rm -f NAME) */
	unsigned setup;              /* SETUP_* (0 means SETUP_ALL) */
	bool filter_json;            /* hand the filter over as an engine's JSON
	                              * profile, not BPF (docker, podman) */
	bool cleanup_always;         /* run cleanup even when the wrapper exited
	                              * by itself (a detachable docker -t) */
	bool signal_inside;          /* signals go to the command under the
	                              * wrapper's PID-namespace init (bwrap) */
	unsigned seccomp;            /* SC_* flags for the filter (seccomp.h) */
	struct mount_plan *mounts;   /* protections made as mounts, or NULL */
	int pidns;                   /* --explain: 1 when the command gets clawshim's
	                              * PID namespace here, -1 when not (pidns_why),
	                              * 0 not asked */
	const char *pidns_why;
	struct guarantee *g;         /* what is enforced, and how */
	size_t ng, gcap;
	void *priv;                  /* backend-private plan data */
	void (*priv_free)(void *);
};

struct backend {
	const char *name;
	enum backend_id id;
	/* Usable on this host? 0 if so; else -1 and a one-line reason. */
	int (*probe)(char *why, size_t whylen);
	/* Policy -> plan. No side effects. Fails (-1, err set) when a
	 * guarantee the policy asks for cannot be enforced and the policy
	 * is not best_effort. */
	int (*plan)(const struct policy *p, const struct command *cmd,
		    struct plan *out, struct policy_error *err);
	/* In the child, after process setup, before exec: confine this
	 * process (in-process backends), or set up what a wrapper needs
	 * around it (bwrap: a connect() filter both inherit). Dies (exit 125)
	 * on failure. NULL when there is nothing to do. */
	void (*apply)(const struct policy *p, const struct plan *plan);
};

extern const struct backend backend_none;
extern const struct backend backend_landlock;
extern const struct backend backend_bwrap;
extern const struct backend backend_firejail;
extern const struct backend backend_docker;
extern const struct backend backend_sandbox_exec;
extern const struct backend backend_path;

/* The order `backend = auto` tries, ending with BACKEND_NONE (not tried). */
extern const enum backend_id backend_auto_order[];

/* Search PATH (or a fixed list of system directories when PATH is unset)
 * for `name`: an absolute executable path in a static buffer, or NULL. */
const char *backend_find_program(const char *name);

/* The backend with this id, or NULL when it is not built in. */
const struct backend *backend_get(enum backend_id id);

void plan_add(struct plan *pl, const char *what, const char *how,
	      const char *why_not, bool required);
void plan_free(struct plan *pl);
/* A refusal: the message (printf) and hint into err; returns -1. */
__attribute__((format(printf, 3, 4)))
int plan_refuse(struct policy_error *err, const char *hint, const char *fmt, ...);
/* -1 (err set) when the policy says allow = domains, which backend
 * `name` cannot enforce (`why`); 0 otherwise.  Never run weaker. */
int plan_refuse_domains(const struct policy *p, const char *name, const char *why,
			struct policy_error *err);
/* Add the guarantees every backend shares (process semantics, seccomp). */
void plan_add_common(struct plan *pl, const struct policy *p);

#endif
