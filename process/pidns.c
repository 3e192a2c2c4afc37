/* SPDX-License-Identifier: MIT */
/*
 * pidns.c: the command in a PID namespace of its own (in-process backends).
 *
 * Die-with-parent must hold against a command that keeps forking and
 * against a SIGKILL to clawshim's whole process group, which takes the
 * watcher with it.  A /proc scan can be outrun; the kernel cannot: when
 * the init of a PID namespace dies, zap_pid_ns_processes() stops new
 * forks in it and SIGKILLs every member.  So the supervisor forks an init
 * into a new PID namespace (with a user namespace when unprivileged, and
 * always a mount namespace, for a /proc that shows the namespace's own
 * PIDs).  The init has PR_SET_PDEATHSIG(SIGKILL) on the supervisor, which
 * the kernel forces into a namespace init from outside; it spawns the
 * command as PID 2, reaps orphans, and reports the command's status.
 *
 * The init shares the supervisor's descriptor table (CLONE_FILES), so the
 * seccomp listener the command creates and the pidfd the init opens on
 * it land where the supervisor can use them; their numbers, the exec
 * error and the final status come back on a pipe.
 */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mountns.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

#define INIT_STACK (256 * 1024)

enum { MSG_READY = 1, MSG_NOPROC, MSG_STARTED, MSG_STATUS };

struct init_msg {
	int kind;
	int spawn_errno;  /* MSG_STARTED: the command could not be spawned */
	pid_t cmd;        /* MSG_STARTED: its PID (the host's without a namespace) */
	int exec_errno;   /* MSG_STARTED */
	int notify_fd;    /* MSG_STARTED: the listener, in the shared table */
	int cmd_pidfd;    /* MSG_STARTED: a pidfd on the command */
	int status;       /* MSG_STATUS: the command's wait status */
	bool leftovers;   /* MSG_STATUS: processes outlived the command */
	int err;          /* MSG_NOPROC: errno of the /proc mount */
};

/* Write `text` to /proc/self/<name>; 0 or -errno. */
static int put(const char *name, const char *text)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/%s", name);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = (ssize_t)strlen(text), w = write(fd, text, (size_t)n);
	int e = errno;
	close(fd);
	return w == n ? 0 : -(w < 0 ? e : EIO);
}

/* In the new namespaces: map our own ids (user namespace), keep mounts
 * from propagating back, and mount a /proc of the new PID namespace.
 * 0, or -errno with *step naming what failed. */
static int ns_setup(bool userns, uid_t uid, gid_t gid, const char **step)
{
	char map[64];
	int rc = 0;
	*step = "the user namespace's id maps";
	if (userns) {
		snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
		if ((rc = put("setgroups", "deny")) || (rc = put("uid_map", map)))
			return rc;
		snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
		if ((rc = put("gid_map", map)))
			return rc;
	}
	*step = "a private mount namespace";
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return -errno;
	/* The host's /proc would show host PIDs: `kill $(pgrep x)` or
	 * /proc/$!/ would name other processes than the command's. */
	*step = "mounting /proc for the PID namespace";
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
		return -errno;
	return 0;
}

static int ns_flags(uid_t uid)
{
	return CLONE_NEWPID | CLONE_NEWNS | (uid != 0 ? CLONE_NEWUSER : 0);
}

struct probe_arg {
	uid_t uid;
	gid_t gid;
	int fd;
};

/* The probe's child: the same setup as the init, its outcome on fd. */
static int probe_main(void *arg)
{
	struct probe_arg *a = arg;
	const char *step = "";
	int rc = ns_setup(a->uid != 0, a->uid, a->gid, &step);
	char msg[160];
	int n = rc ? snprintf(msg, sizeof(msg), "%s: %s", step, strerror(-rc)) : 0;
	if (n > 0)
		(void)!write(a->fd, msg, (size_t)n);
	_exit(rc ? 1 : 0);
}

/* Can the command get a PID namespace here?  Tries it (--explain only):
 * 0, or -1 and why. */
int pidns_probe(char *why, size_t whylen)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		return -1;
	}
	struct probe_arg a = { getuid(), getgid(), fds[1] };
	void *stack = mmap(NULL, INIT_STACK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	pid_t pid = stack == MAP_FAILED ? -1 :
		    clone(probe_main, (char *)stack + INIT_STACK, ns_flags(a.uid) | SIGCHLD, &a);
	int e = errno;
	close(fds[1]);
	int st = 0;
	if (pid > 0)
		waitpid(pid, &st, 0);
	ssize_t n = pid > 0 ? read(fds[0], why, whylen - 1) : -1;
	close(fds[0]);
	if (stack != MAP_FAILED)
		munmap(stack, INIT_STACK);
	if (pid < 0) {
		snprintf(why, whylen, "cannot create a PID namespace: %s", strerror(e));
		return -1;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (n <= 0)
		snprintf(why, whylen, "the PID namespace could not be set up");
	else
		why[n] = '\0';
	return -1;
}

static void send_msg(int fd, const struct init_msg *m)
{
	(void)!write(fd, m, sizeof(*m));
}

/* Installed so that the supervisor's SIGTERM (timeout) is delivered at
 * all: a namespace init gets, from outside, only signals it handles. */
static void on_term(int sig)
{
	(void)sig;
}

/* Without a namespace: every process the command started is a
 * descendant of this subreaper (orphans come back to it), so kill its
 * children and reap them, again, until it has none.  Nothing is scanned
 * that a process could slip past, and "none left" is the kernel's ECHILD,
 * not an empty pass.  Bounded (10 s). */
ssize_t kill_children(void)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	for (char *s = buf, *e; *s; s = e) {
		long pid = strtol(s, &e, 10);
		if (e == s)
			break;
		if (pid > 0)
			kill((pid_t)pid, SIGKILL);
	}
	return n;
}

static void kill_descendants(void)
{
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		ssize_t n = kill_children();
		pid_t r;
		while ((r = waitpid(-1, NULL, WNOHANG)) > 0)
			;
		if (r < 0 && errno == ECHILD)
			return;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec > 10)
			return;
		if (n <= 0) {
			struct timespec ts = { 0, 100000 };
			nanosleep(&ts, NULL);
		}
	}
}

/* The init's loop: reap orphans; the supervisor's SIGTERM goes to every
 * process of the namespace; when the command ends, report and exit,
 * which makes the kernel kill whatever is left.  Without a namespace
 * (ns false) the init kills every descendant itself, when the command
 * ends and when the supervisor is gone. */
static __attribute__((noreturn)) void init_loop(pid_t cmd, int ctl, bool ns, int sup_pidfd)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	for (;;) {
		struct signalfd_siginfo si;
		int st;
		pid_t r;
		while ((r = waitpid(-1, &st, WNOHANG)) > 0 || (r < 0 && errno == EINTR))
			if (r == cmd) {
				/* Orphans come back to the init (PID 1, or
				 * a subreaper): a child left is a leftover. */
				int left_st;
				bool left = waitpid(-1, &left_st, WNOHANG) != -1;
				if (!ns)
					kill_descendants();
				struct init_msg m = { .kind = MSG_STATUS, .status = st,
						      .leftovers = left };
				send_msg(ctl, &m);
				_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
			}
		if (r < 0 && errno == ECHILD)
			_exit(EXIT_SETUP);
		if (sfd < 0) {
			/* No signalfd: poll for children (never expected). */
			struct timespec ts = { 0, 10000000 };
			nanosleep(&ts, NULL);
			continue;
		}
		struct pollfd pf[2] = { { sfd, POLLIN, 0 }, { ns ? -1 : sup_pidfd, POLLIN, 0 } };
		if (poll(pf, 2, -1) < 0)
			continue;
		if (pf[1].revents) {
			/* The supervisor is gone (SIGKILLed, or with the agent). */
			kill_descendants();
			_exit(128 + SIGKILL);
		}
		if (read(sfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
			continue;
		/* ssi_pid is 0 for a sender outside the namespace: only the
		 * supervisor (a command inside may not broadcast through us). */
		if (ns && si.ssi_signo == SIGTERM && si.ssi_pid == 0)
			kill(-1, SIGTERM);
	}
}

struct init_arg {
	struct child_spec *cs;
	int sup_pidfd, go, ctl;
	bool ns;
};

/* The namespaces' side of the init: die with the supervisor, map ids,
 * mounts.  Exits when a namespace cannot be set up. */
static void init_ns(struct init_arg *a, struct child_spec *cs)
{
	/* Die with the supervisor.  PR_SET_PDEATHSIG races with its death and
	 * getppid() is 0 for a parent outside the namespace: a pidfd on the
	 * supervisor, opened before the clone, says whether it is gone. */
	struct pollfd pf = { a->sup_pidfd, POLLIN, 0 };
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || poll(&pf, 1, 0) != 0)
		_exit(EXIT_SETUP);
	const char *step;
	int rc = ns_setup(cs->uid != 0, cs->uid, cs->gid, &step);
	if (rc) {
		struct init_msg m = { .kind = MSG_NOPROC, .err = -rc };
		send_msg(a->ctl, &m);
		_exit(EXIT_SETUP);
	}
	if (cs->plan->mounts)
		mountns_apply(cs->plan->mounts, false, cs->uid, cs->gid);
	/* The working directory still names the directory underneath any
	 * mount just made on it or above it. */
	if (chdir(cs->cwd) != 0)
		die_errno("cannot enter %s", cs->cwd);
}

/* The init: PID 1 of the new namespace, or (ns false) a subreaper that
 * outlives the supervisor to kill what the command started.  A copy of
 * the supervisor sharing its descriptor table.  Never returns. */
static int init_main(void *arg)
{
	struct init_arg *a = arg;
	struct child_spec *cs = a->cs;
	die_in_child = true;
	/* The sandbox's own session: out of the agent's process group (which
	 * the agent may SIGKILL whole) and away from its terminal.  Refused
	 * under an outer clawshim: a process group then. */
	if (setsid() < 0)
		setpgid(0, 0);
	if (a->ns)
		init_ns(a, cs);
	else if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
		_exit(EXIT_SETUP);
	struct init_msg ready = { .kind = MSG_READY };
	send_msg(a->ctl, &ready);
	/* "Go" is the watcher's pipe, started after we were forked (in the
	 * shared table): the command tells it its PID when there is no
	 * namespace. */
	int watch_fd;
	if (read(a->go, &watch_fd, sizeof(watch_fd)) != (ssize_t)sizeof(watch_fd))
		_exit(EXIT_SETUP);
	cs->watch_fd = watch_fd;
	cs->supervisor = getpid();
	cs->in_pidns = a->ns;
	cs->exec_errno = 0;
	cs->notify_fd = -1;
	pid_t cmd = spawn_command(cs);
	struct init_msg m = {
		.kind = MSG_STARTED, .spawn_errno = cmd < 0 ? errno : 0, .cmd = cmd,
		.exec_errno = cs->exec_errno, .notify_fd = cs->notify_fd,
		.cmd_pidfd = cmd > 0 ? (int)syscall(SYS_pidfd_open, cmd, 0) : -1,
	};
	send_msg(a->ctl, &m);
	if (cmd < 0)
		_exit(EXIT_SETUP);
	init_loop(cmd, a->ctl, a->ns, a->sup_pidfd);
}

/* Read one message from the init, or learn that it died: 0, or -1 when
 * it is gone without sending one. */
static int recv_msg(struct pidns_run *r, struct init_msg *m)
{
	for (;;) {
		struct pollfd pf[2] = { { r->ctl, POLLIN, 0 }, { r->init_pidfd, POLLIN, 0 } };
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (pf[0].revents & POLLIN)
			return read(r->ctl, m, sizeof(*m)) == (ssize_t)sizeof(*m) ? 0 : -1;
		if (pf[1].revents)
			return -1;
	}
}

/* Fork the init into its namespaces (it waits for pidns_go()).  Its PID,
 * or -1 (errno) when the host refuses the namespaces: nothing ran. */
pid_t pidns_start(struct child_spec *cs, struct pidns_run *r, bool ns)
{
	int go[2], ctl[2];
	r->init_pidfd = r->cmd_pidfd = -1;
	r->spawn_errno = 0;
	r->sup_pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (r->sup_pidfd < 0)
		return -1;
	if (pipe2(go, O_CLOEXEC) != 0 || pipe2(ctl, O_CLOEXEC) != 0)
		die_errno("pipe");
	r->go = go[1];
	r->ctl = ctl[0];
	fcntl(r->ctl, F_SETFL, O_NONBLOCK);
	struct init_arg a = { cs, r->sup_pidfd, go[0], ctl[1], ns };
	void *stack = mmap(NULL, INIT_STACK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		die_errno("mmap");
	fflush(stdout);
	fflush(stderr);
	pid_t pid = clone(init_main, (char *)stack + INIT_STACK,
			  (ns ? ns_flags(cs->uid) : 0) | CLONE_FILES | SIGCHLD, &a);
	int e = errno;
	munmap(stack, INIT_STACK);
	if (pid < 0) {
		close(go[0]);
		close(go[1]);
		close(ctl[0]);
		close(ctl[1]);
		close(r->sup_pidfd);
		errno = e;
		return -1;
	}
	r->init = pid;
	r->init_pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (r->init_pidfd < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pidns_close(r);
		return -1;
	}
	return pid;
}

/* Let the init start the command (the watcher is up); then its listener,
 * exec error and a pidfd on it.  0; -1 when the namespaces could not be
 * set up after all (nothing ran, the init is reaped); -2 when the init
 * died first (its status in r->status). */
int pidns_go(struct child_spec *cs, struct pidns_run *r)
{
	struct init_msg m = { 0 };
	(void)!write(r->go, &cs->watch_fd, sizeof(cs->watch_fd));
	if (recv_msg(r, &m) != 0 || m.kind != MSG_READY) {
		/* A /proc that cannot be mounted (a container masks parts of
		 * the host's), a map refused: no namespace after all. */
		int st = 0;
		waitpid(r->init, &st, 0);
		r->status = st;
		pidns_close(r);
		return m.kind == MSG_NOPROC ? -1 : -2;
	}
	if (recv_msg(r, &m) != 0 || m.kind != MSG_STARTED || m.spawn_errno) {
		r->status = 0;
		waitpid(r->init, &r->status, 0);
		r->spawn_errno = m.kind == MSG_STARTED ? m.spawn_errno : 0;
		return -2;
	}
	r->cmd = m.cmd;
	cs->exec_errno = m.exec_errno;
	cs->notify_fd = m.notify_fd;
	r->cmd_pidfd = m.cmd_pidfd;
	return 0;
}

/* Once the init is reaped: the command's own wait status if the init
 * reported one, else the init's. */
int pidns_status(struct pidns_run *r, int init_status)
{
	struct init_msg m;
	while (read(r->ctl, &m, sizeof(m)) == (ssize_t)sizeof(m))
		if (m.kind == MSG_STATUS) {
			r->leftovers = m.leftovers;
			return m.status;
		}
	return init_status;
}

void pidns_close(struct pidns_run *r)
{
	int *fds[] = { &r->sup_pidfd, &r->init_pidfd, &r->cmd_pidfd, &r->go, &r->ctl };
	for (size_t i = 0; i < ARRAY_LEN(fds); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}
