/* SPDX-License-Identifier: MIT */
/*
 * run.c: how --selftest runs one command (bounded in time, output
 * captured), finds survivors by a marker in their command line, and the
 * process-semantics cases (die with parent, clawshim SIGKILLed, signal
 * forwarding, timeout).  Only --selftest reaches this code.
 */
#include "selftest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

struct proc {
	pid_t pid;        /* the command (clawshim, or the control) */
	pid_t agent;      /* the intermediate "agent" process, or 0 */
	int out, err;     /* read ends */
	char *o, *e;
	size_t no, ne;
};

/* In the child: the workspace as cwd, stdin from a pipe or /dev/null,
 * stdout and stderr to the pipes, the world's environment; exec argv. */
static __attribute__((noreturn)) void child_exec(const struct st_world *w, char *const *argv,
						 int in, int out, int err)
{
	if (chdir(w->ws) != 0)
		_exit(125);
	dup2(in, 0);
	dup2(out, 1);
	dup2(err, 2);
	/* Reset what the selftest blocked or ignored. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	execvpe(argv[0], argv, w->env.v);
	dprintf(2, "clawshim: selftest: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Start argv; with `agent`, from an intermediate process that stands for
 * the agent (it waits, so killing it orphans clawshim). */
static void spawn(const struct st_world *w, char *const *argv, const char *stdin_text,
		  bool agent, struct proc *p)
{
	int in[2] = { -1, -1 }, out[2], err[2];
	memset(p, 0, sizeof(*p));
	if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
		die_errno("selftest: pipe");
	if (stdin_text) {
		if (pipe2(in, O_CLOEXEC))
			die_errno("selftest: pipe");
	} else {
		in[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	pid_t c = fork();
	if (c < 0)
		die_errno("selftest: fork");
	if (c == 0) {
		if (!agent)
			child_exec(w, argv, in[0], out[1], err[1]);
		pid_t g = fork();
		if (g == 0)
			child_exec(w, argv, in[0], out[1], err[1]);
		/* The agent: report the command's pid, then wait to be killed. */
		if (write(err[1], &g, sizeof(g)) != sizeof(g))
			_exit(1);
		for (;;)
			pause();
	}
	close(out[1]);
	close(err[1]);
	if (in[0] >= 0)
		close(in[0]);
	if (stdin_text) {
		/* Small: fits in the pipe buffer, so this never blocks. */
		if (write(in[1], stdin_text, strlen(stdin_text)) < 0)
			warn("selftest: writing stdin: %s", strerror(errno));
		close(in[1]);
	}
	p->out = out[0];
	p->err = err[0];
	if (agent) {
		p->agent = c;
		if (read(p->err, &p->pid, sizeof(p->pid)) != sizeof(p->pid))
			p->pid = -1;
	} else {
		p->pid = c;
	}
}

/* Read what is there (or until `until`); false once both pipes ended. */
static bool pump(struct proc *p, double until)
{
	struct pollfd fds[2] = { { p->out, POLLIN, 0 }, { p->err, POLLIN, 0 } };
	int n = 0;
	for (int i = 0; i < 2; i++)
		if (fds[i].fd >= 0)
			n++;
	if (!n)
		return false;
	double left = until - now();
	if (left < 0)
		left = 0;
	if (poll(fds, 2, (int)(left * 1000)) <= 0)
		return true;
	for (int i = 0; i < 2; i++) {
		if (fds[i].fd < 0 || !fds[i].revents)
			continue;
		char buf[65536];
		ssize_t r = read(fds[i].fd, buf, sizeof(buf));
		char **s = i ? &p->e : &p->o;
		size_t *len = i ? &p->ne : &p->no;
		if (r <= 0) {
			close(fds[i].fd);
			*(i ? &p->err : &p->out) = -1;
			continue;
		}
		/* Keep at most 1 MB: a runaway command cannot exhaust us. */
		if (*len + (size_t)r > (1u << 20))
			r = (ssize_t)((1u << 20) - *len);
		*s = xrealloc(*s, *len + (size_t)r + 1);
		memcpy(*s + *len, buf, (size_t)r);
		*len += (size_t)r;
		(*s)[*len] = '\0';
	}
	return true;
}

static int decode(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
}

/* Wait for p->pid until `until` (then SIGKILL it); the status. */
static int finish(struct proc *p, double until, struct st_run *r)
{
	int st = 0, status = -1;
	for (;;) {
		pid_t got = waitpid(p->pid, &st, WNOHANG);
		if (got == p->pid) {
			status = decode(st);
			break;
		}
		if (now() > until) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &st, 0);
			status = -1;
			break;
		}
		if (!pump(p, now() + 0.05))
			usleep(20000);
	}
	/* Survivors may hold the pipes: read for at most 2 s more. */
	double end = now() + 2;
	while (now() < end && pump(p, end))
		;
	if (p->out >= 0)
		close(p->out);
	if (p->err >= 0)
		close(p->err);
	r->status = status;
	r->out = p->o ? p->o : xstrdup("");
	r->err = p->e ? p->e : xstrdup("");
	return status;
}

void st_run(const struct st_world *w, char *const *argv, const char *stdin_text, int limit,
	    struct st_run *r)
{
	struct proc p;
	double t0 = now();
	spawn(w, argv, stdin_text, false, &p);
	finish(&p, t0 + limit, r);
	r->secs = now() - t0;
}

void st_run_free(struct st_run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

/* Visit each process (not this one) whose command line holds mark. */
static int scan(const char *mark, bool kill_them)
{
	DIR *d = opendir("/proc");
	int n = 0;
	size_t ml = strlen(mark);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		pid_t pid = (pid_t)atoi(e->d_name);
		if (pid <= 0 || pid == getpid())
			continue;
		char path[64], buf[8192];
		snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t len = read(fd, buf, sizeof(buf));
		close(fd);
		if (len > 0 && memmem(buf, (size_t)len, mark, ml)) {
			n++;
			if (kill_them)
				kill(pid, SIGKILL);
		}
	}
	if (d)
		closedir(d);
	return n;
}

int st_survivors(const char *mark, int tenths)
{
	double end = now() + tenths / 10.0;
	int n;
	while ((n = scan(mark, false)) > 0 && now() < end)
		usleep(20000);
	return n;
}

void st_reap(const char *mark)
{
	for (int i = 0; i < 20 && scan(mark, true) > 0; i++)
		usleep(50000);
}

/* Wait (bounded) for the command to print "ready". */
static bool wait_ready(struct proc *p, double secs)
{
	double end = now() + secs;
	while (now() < end) {
		if (p->o && strstr(p->o, "ready\n"))
			return true;
		if (!pump(p, now() + 0.1) && !(p->o && strstr(p->o, "ready\n")))
			return false;
	}
	return p->o && strstr(p->o, "ready\n");
}

static void first_line(const char *s, char *buf, size_t len)
{
	snprintf(buf, len, "%.*s", (int)strcspn(s ? s : "", "\n"), s ? s : "");
}

void st_process_case(const struct st_world *w, const struct st_case *c, char *const *argv,
		     struct st_result *res)
{
	struct proc p;
	struct st_run r = { 0 };
	bool agent = c->check == CHK_DIE_PARENT;
	double t0 = now();
	spawn(w, argv, NULL, agent, &p);
	/* Docker may take seconds to start a container. */
	bool ready = c->check == CHK_TIMEOUT || wait_ready(&p, 60);
	double t1 = now();
	if (!ready) {
		if (agent)
			kill(p.agent, SIGKILL);
		finish(&p, now() + 1, &r);
		if (agent)
			waitpid(p.agent, NULL, 0);
		char e[300];
		first_line(r.err, e, sizeof(e));
		res->outcome = OUT_ERROR;
		snprintf(res->detail, sizeof(res->detail), "the command never became ready "
			 "(status %d): %s", r.status, e);
		st_reap(w->mark);
		st_run_free(&r);
		return;
	}
	int status = -1, left;
	switch (c->check) {
	case CHK_DIE_PARENT:
		kill(p.agent, SIGKILL);
		waitpid(p.agent, NULL, 0);
		t1 = now();
		left = st_survivors(w->mark, 50);
		/* clawshim is not our child here: its pipes end with it. */
		while (now() < t1 + 2 && pump(&p, t1 + 2))
			;
		break;
	case CHK_DIE_SELF:
		kill(p.pid, SIGKILL);
		t1 = now();
		finish(&p, now() + 5, &r);
		left = st_survivors(w->mark, 50);
		break;
	case CHK_SIGNAL:
		kill(p.pid, SIGTERM);
		status = finish(&p, now() + 20, &r);
		left = st_survivors(w->mark, 50);
		break;
	case CHK_TIMEOUT:
		status = finish(&p, now() + 30, &r);
		left = st_survivors(w->mark, 50);
		break;
	case CHK_PROBE: case CHK_LIST: case CHK_FILE: case CHK_LINK: case CHK_TCP: case CHK_UDP:
	case CHK_UNIX: case CHK_ABSTRACT: case CHK_FILTER: case CHK_TTY: case CHK_SUID:
	case CHK_FORKBOMB: case CHK_OUTPUT: case CHK_EXIT:
	default:
		left = 0;
		break;
	}
	double took = now() - t1;
	if (left)
		st_reap(w->mark);
	bool ok;
	char e[300];
	first_line(r.err, e, sizeof(e));
	if (c->check == CHK_SIGNAL || c->check == CHK_TIMEOUT) {
		int want = c->check == CHK_SIGNAL ? 143 : 124;
		ok = status == want && !left;
		snprintf(res->detail, sizeof(res->detail), "exit %d after %.1f s%s%s%s", status,
			 c->check == CHK_TIMEOUT ? now() - t0 : took,
			 left ? ", processes left behind" : "", *e ? "; stderr: " : "", e);
	} else {
		ok = !left;
		if (left)
			snprintf(res->detail, sizeof(res->detail), "%d processes still there 5 s later", left);
		else
			snprintf(res->detail, sizeof(res->detail), "all gone within %.1f s", took);
	}
	res->outcome = ok ? OUT_WORKS : OUT_FAILS;
	if (c->check == CHK_DIE_PARENT) {
		if (p.out >= 0)
			close(p.out);
		if (p.err >= 0)
			close(p.err);
		free(p.o);
		free(p.e);
	}
	st_run_free(&r);
}
