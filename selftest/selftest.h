/* SPDX-License-Identifier: MIT */
/*
 * selftest.h: `clawshim --selftest`, the conformance corpus every backend
 * runs (corpus.c), and the driver that runs it in a scratch directory
 * (selftest.c, run.c).  tests/80-conformance.t drives the same corpus
 * through `clawshim --selftest --backend B --json`.
 */
#ifndef CLAWSHIM_SELFTEST_H
#define CLAWSHIM_SELFTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../common.h"

enum st_cat { ST_ESCAPE, ST_ORDINARY, ST_PROCESS };

/* How a case's outcome is judged beyond the probe's own answer. */
enum st_check {
	CHK_PROBE,     /* escape: the probe reports an errno (not "ok") */
	CHK_LIST,      /* escape: listing fails or shows no entry ("ok 0") */
	CHK_FILE,      /* escape, and the outside file and workspace unchanged */
	CHK_LINK,      /* escape, and no hardlink of the secret appeared */
	CHK_TCP,       /* escape: the selftest's TCP listener accepted nothing */
	CHK_UDP,       /* escape: the selftest's UDP socket received nothing */
	CHK_UNIX,      /* escape: the named unix listener accepted nothing */
	CHK_ABSTRACT,  /* escape: the abstract unix listener accepted nothing */
	CHK_FILTER,    /* escape: EPERM from the filter where unconfined the
	                * kernel answers otherwise (TIOCLINUX on a pty) */
	CHK_TTY,       /* escape: TIOCSTI on the command's own ctty refused */
	CHK_SUID,      /* escape: a setuid-root binary gives nothing */
	CHK_FORKBOMB,  /* escape: fork fails before the bomb's 500 */
	CHK_OUTPUT,    /* ordinary: exit 0 and stdout equals `want` */
	CHK_EXIT,      /* ordinary: the exit status is atoi(want) */
	CHK_DIE_PARENT, /* process: the agent SIGKILLed, nothing survives */
	CHK_DIE_SELF,  /* process: clawshim SIGKILLed, nothing survives */
	CHK_SIGNAL,    /* process: TERM to clawshim gives 143 */
	CHK_TIMEOUT,   /* process: --timeout 1 gives 124 */
};

#define ST_MAXARG 10

struct st_case {
	const char *name;
	enum st_cat cat;
	const char *does;            /* what the sandboxed command does */
	enum st_check check;
	/* The command, @VARS@ expanded (selftest.c: @PROBE@, @SECRET@,
	 * @HOME@, @WS@, @OUTSIDE@, @OFILE@, @PORT@, @UPORT@, @USOCK@, @ABS@,
	 * @PID@, @SUID@, @MARK@, @BIG@, @MANY@ (5000 arguments)). */
	const char *argv[ST_MAXARG];
	/* The control run unconfined, to show the attempt works outside:
	 * NULL [0] = argv itself; {"-"} = no control. */
	const char *ctl[ST_MAXARG];
	const char *want;            /* CHK_OUTPUT: stdout; CHK_EXIT: status */
	const char *stdin_text;      /* fed to the command, else /dev/null */
	const char *needs;           /* a program the case needs (cc, git) */
	const char *policy;          /* policy lines for this case only */
	const char *proves;          /* what blocked means, where not obvious */
};

extern const struct st_case st_corpus[];
extern const size_t st_ncorpus;

/* The scratch world one selftest run creates and removes. */
struct st_world {
	char *dir;                   /* mkdtemp */
	char *home, *ws, *outside, *ofile, *secret, *probe, *probedir;
	char *suid;                  /* a setuid-root probe, or NULL */
	char *suid_dir;              /* its directory, granted read-only */
	char *suid_why;              /* why there is none */
	char **policy_files;         /* per case, written on first use */
	char *usock, *abs, *mark;
	int port, uport;
	int tcp_fd, udp_fd, unix_fd, abs_fd;
	pid_t helper;                /* a process outside to signal/ptrace */
	char *self;                  /* this clawshim */
	const struct strv *policies; /* --policy files passed through */
	struct strv env;             /* the environment of every run */
};

/* The result of running one command. */
struct st_run {
	int status;                  /* exit status, 128+N for signal N, -1 */
	char *out, *err;             /* captured, NUL-terminated */
	double secs;
};

enum st_outcome { OUT_BLOCKED, OUT_ALLOWED, OUT_WORKS, OUT_FAILS, OUT_NA, OUT_ERROR };

struct st_result {
	enum st_outcome outcome;
	char detail[512];
};

/* run.c: run argv (cwd, env from the world), feeding stdin_text, for at
 * most `limit` seconds (then SIGKILL); *r filled, caller frees. */
void st_run(const struct st_world *w, char *const *argv, const char *stdin_text,
	    int limit, struct st_run *r);
void st_run_free(struct st_run *r);
/* Processes (other than ours) whose command line holds `mark`; waits up
 * to `tenths` for there to be none; returns how many are left. */
int st_survivors(const char *mark, int tenths);
/* SIGKILL every process whose command line holds `mark`. */
void st_reap(const char *mark);
/* run.c: the process cases (die with parent, SIGKILL, signal, timeout). */
void st_process_case(const struct st_world *w, const struct st_case *c,
		     char *const *argv, struct st_result *res);

/* shim.c's entry: --selftest [--backend NAME] [--json] [--policy FILE]. */
int selftest(const char *backend, const struct strv *policies, bool json);

#endif
