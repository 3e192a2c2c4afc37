/* SPDX-License-Identifier: MIT */
/*
 * supervise_posix.c: the supervisor and child of the portable build
 * (macOS), with POSIX calls only and one #ifdef __APPLE__ per mechanism
 * POSIX lacks.  What process/supervise.c and child.c do on Linux with
 * signalfd, timerfd, a subreaper, PR_SET_PDEATHSIG, /proc and seccomp is
 * done here with a self-pipe, poll() timeouts, a watcher process and:
 *
 *  - parent death: kqueue EVFILT_PROC NOTE_EXIT on the parent (macOS),
 *    else getppid() polled every POLL_PARENT_MS; then the session is
 *    killed and clawshim exits.
 *  - supervisor death (SIGKILL): a forked watcher blocks reading a pipe
 *    whose write ends only the supervisor and the not-yet-exec'd child
 *    hold; at end of file it kills the command's session.
 *  - the session: sysctl KERN_PROC_SESSION (macOS), else kill(-pgid),
 *    the command's process group only.
 *
 * What escapes (said in --explain, common_posix.c): nothing refuses
 * setsid() or setpgid(), so a process that leaves the session (macOS) or
 * the process group (elsewhere) is not found; there is no subreaper, so
 * an orphan is reparented to launchd/init, not to clawshim; no
 * no_new_privs, no capability or seccomp setup.
 */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __APPLE__
#include <sys/event.h>
#include <sys/sysctl.h>
#endif

#include "mountns.h"
#include "../backends/seccomp.h"

#define POLL_PARENT_MS 100

extern char **environ;

/* Nested (CLAWSHIM_BACKEND set): the command gets a process group, not a
 * session, as under the Linux supervisor. */
static bool session_is_pgrp;

static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

/* The self-pipe: handlers write the signal number, poll() reads it. */
static int sig_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	int e = errno;
	unsigned char c = (unsigned char)sig;
	(void)!write(sig_pipe[1], &c, 1);
	errno = e;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Signal every live process of session (or process group) `sid` once;
 * how many were found. */
static int signal_session(pid_t sid, int sig)
{
#ifdef __APPLE__
	int mib[4] = { CTL_KERN, KERN_PROC, session_is_pgrp ? KERN_PROC_PGRP : KERN_PROC_SESSION, sid };
	struct kinfo_proc kp[512];
	size_t len = sizeof(kp);
	/* ENOMEM: more than fit; what fit is killed, the next round finds more. */
	if (sysctl(mib, 4, kp, &len, NULL, 0) != 0 && errno != ENOMEM)
		return 0;
	int found = 0;
	for (size_t i = 0; i < len / sizeof(kp[0]); i++) {
		if (kp[i].kp_proc.p_stat == SZOMB || kp[i].kp_proc.p_pid <= 1)
			continue;
		if (kill(kp[i].kp_proc.p_pid, sig) == 0)
			found++;
	}
	return found;
#else
	/* POSIX has no handle on a session: its first process group (the
	 * command's pid) is what can be signalled. */
	return kill(-sid, sig) == 0;
#endif
}

/* Send `sig` to the command's session; with until_gone, SIGKILL rounds
 * repeat until one finds nothing (bounded). */
void kill_session(pid_t sid, int sig, bool until_gone)
{
	for (int round = 0; round < 1000; round++) {
		if (!signal_session(sid, sig) || !until_gone)
			return;
		sleep_ms(1);
	}
}

/* Every descriptor above 2, except `keep`, closed (the watcher) or
 * marked close-on-exec (the child: its exec-status pipe must stay open
 * until exec).  /dev/fd lists the open ones on macOS and Linux; else
 * every number up to the descriptor limit. */
static void fds_above_2(bool close_them, int keep)
{
	int max = (int)sysconf(_SC_OPEN_MAX);
	DIR *d = opendir("/dev/fd");
	if (d) {
		int own = dirfd(d);
		int fds[1024];
		size_t n = 0;
		struct dirent *e;
		while ((e = readdir(d)) && n < ARRAY_LEN(fds)) {
			char *end;
			long fd = strtol(e->d_name, &end, 10);
			if (*end == '\0' && end != e->d_name && fd > 2 && fd != own && fd != keep)
				fds[n++] = (int)fd;
		}
		closedir(d);
		if (n < ARRAY_LEN(fds)) {
			for (size_t i = 0; i < n; i++)
				(void)(close_them ? close(fds[i]) : fcntl(fds[i], F_SETFD, FD_CLOEXEC));
			return;
		}
	}
	if (max < 0 || max > 65536)
		max = 65536;
	for (int fd = 3; fd < max; fd++)
		if (fd != keep)
			(void)(close_them ? close(fd) : fcntl(fd, F_SETFD, FD_CLOEXEC));
}

/* The watcher: waits for the supervisor's end of the pipe to close, then
 * kills the command's session, moves guarded paths aside and runs the
 * plan's cleanup (docker rm -f).  Its own process group, and the
 * forwarded signals ignored, so the agent's killpg() does not take it. */
static void watcher_main(int rd, char **cleanup)
{
	fds_above_2(true, rd);
	/* Holding the agent's stdout or stderr open would make it wait for us. */
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	(void)!chdir("/");
	setpgid(0, 0);
	for (size_t i = 0; i < ARRAY_LEN(forwarded); i++)
		signal(forwarded[i], SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	pid_t sid = 0;
	if (read(rd, &sid, sizeof(sid)) != (ssize_t)sizeof(sid))
		sid = 0;
	char c;
	while (read(rd, &c, 1) > 0 || errno == EINTR)
		;
	if (sid > 0)
		kill_session(sid, SIGKILL, true);
	guards_check(true);
	if (cleanup)
		execve(cleanup[0], cleanup, environ);
	_exit(0);
}

static pid_t watcher_start(int *wr, char **cleanup)
{
	int fds[2];
	if (pipe(fds) != 0)
		die_errno("pipe");
	fflush(stdout);
	fflush(stderr);
	pid_t w = fork();
	if (w < 0)
		die_errno("cannot start the watcher");
	if (w == 0) {
		close(fds[1]);
		watcher_main(fds[0], cleanup);
	}
	close(fds[0]);
	if (fcntl(fds[1], F_SETFD, FD_CLOEXEC) != 0)
		die_errno("fcntl");
	*wr = fds[1];
	return w;
}

/* The child: session, the watcher told, limits, descriptors, exec.  On
 * failure the errno goes back on `status_fd` (close-on-exec: nothing is
 * read when exec succeeds). */
static __attribute__((noreturn)) void child_run(struct child_spec *cs, int status_fd)
{
	die_in_child = true;
	for (size_t i = 0; i < ARRAY_LEN(forwarded); i++)
		signal(forwarded[i], SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	if (getppid() != cs->supervisor)
		_exit(EXIT_SETUP);
	/* A new session without a controlling terminal (CVE-2017-5226): the
	 * command cannot reach the agent's terminal by /dev/tty, and the
	 * session is how clawshim finds what it starts. */
	if (session_is_pgrp ? setpgid(0, 0) < 0 : setsid() < 0)
		die_errno(session_is_pgrp ? "setpgid" : "setsid");
	pid_t self = getpid();
	if (write(cs->watch_fd, &self, sizeof(self)) != (ssize_t)sizeof(self))
		die_errno("cannot reach the watcher");
	fds_above_2(false, status_fd);
	unsigned setup = cs->plan->setup ? cs->plan->setup : SETUP_ALL;
	limits_apply(cs->p, setup & SETUP_NO_LIMITS);
	if (cs->be->apply)
		cs->be->apply(cs->p, cs->plan);
	for (int i = 0; i < KEEP_N; i++)
		if (cs->keep_fd[i] >= 0 && fcntl(cs->keep_fd[i], F_SETFD, 0) != 0)
			die_errno("cannot hand descriptor %d to the wrapper", cs->keep_fd[i]);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	int first = 0;
	for (char **c = cs->candidates; *c; c++) {
		execve(*c, cs->argv, cs->envp);
		if (errno != ENOENT && errno != ENOTDIR && !first)
			first = errno;
	}
	int e = first ? first : ENOENT;
	(void)!write(status_fd, &e, sizeof(e));
	_exit(first ? EXIT_NOEXEC : EXIT_NOTFOUND);
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_SETUP;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A descriptor that becomes readable when `parent` exits (macOS), or -1:
 * then the caller polls getppid(). */
static int parent_watch(pid_t parent)
{
#ifdef __APPLE__
	int kq = kqueue();
	if (kq < 0)
		die_errno("kqueue");
	struct kevent ev;
	EV_SET(&ev, parent, EVFILT_PROC, EV_ADD | EV_ONESHOT, NOTE_EXIT, 0, NULL);
	if (kevent(kq, &ev, 1, NULL, 0, NULL) != 0)
		die_errno("cannot watch the process that started clawshim");
	fcntl(kq, F_SETFD, FD_CLOEXEC);
	return kq;
#else
	(void)parent;
	return -1;
#endif
}

/* Run the cleanup command (docker rm -f NAME), output discarded. */
static void run_cleanup(char **argv)
{
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		signal(SIGPIPE, SIG_DFL);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execve(argv[0], argv, environ);
		_exit(127);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		warn("cleanup %s: %s", argv[0], strerror(errno));
}

static void install_handlers(void)
{
	if (pipe(sig_pipe) != 0)
		die_errno("pipe");
	for (int i = 0; i < 2; i++) {
		fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC);
		fcntl(sig_pipe[i], F_SETFL, fcntl(sig_pipe[i], F_GETFL) | O_NONBLOCK);
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < ARRAY_LEN(forwarded); i++)
		sigaction(forwarded[i], &sa, NULL);
	sa.sa_flags |= SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Fork the command; the errno of a failed exec, or 0. */
static pid_t spawn(struct child_spec *cs, int *exec_errno)
{
	int st[2];
	if (pipe(st) != 0)
		die_errno("pipe");
	fcntl(st[0], F_SETFD, FD_CLOEXEC);
	fcntl(st[1], F_SETFD, FD_CLOEXEC);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		close(st[0]);
		child_run(cs, st[1]);
	}
	close(st[1]);
	*exec_errno = 0;
	if (pid > 0) {
		ssize_t n;
		while ((n = read(st[0], exec_errno, sizeof(*exec_errno))) < 0 && errno == EINTR)
			;
		if (n != (ssize_t)sizeof(*exec_errno))
			*exec_errno = 0;
	}
	close(st[0]);
	return pid;
}

/* Run the command under supervision; returns clawshim's exit status. */
int supervise(struct child_spec *cs)
{
	pid_t parent = getppid();
	int pfd_parent = parent_watch(parent);
	/* The watch is registered, or polled: a parent already gone is
	 * caught here, so none can slip between the look and the watch. */
	if (getppid() != parent)
		die("the process that started clawshim is gone; not running the command");

	sigset_t mask, old;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	for (size_t i = 0; i < ARRAY_LEN(forwarded); i++)
		sigaddset(&mask, forwarded[i]);
	/* Blocked while the handlers go in and the children start: a signal
	 * now is delivered (and forwarded) once the command exists. */
	sigprocmask(SIG_BLOCK, &mask, &old);
	install_handlers();

	session_is_pgrp = cs->plan->seccomp & SC_NESTED;
	guards_init(cs->p);
	pid_t watcher = watcher_start(&cs->watch_fd, cs->plan->cleanup.n ? cs->plan->cleanup.v : NULL);
	cs->supervisor = getpid();
	cs->uid = getuid();
	cs->gid = getgid();
	cs->notify_fd = -1;
	pid_t cmd = spawn(cs, &cs->exec_errno);
	if (cmd < 0) {
		kill(watcher, SIGKILL);
		die_errno("cannot start the command");
	}
	sigprocmask(SIG_SETMASK, &old, NULL);

	int status = 0;
	bool done = false, timed_out = false;
	if (cs->exec_errno) {
		waitpid(cmd, &status, 0);
		warn("%s: %s", cs->argv[0], strerror(cs->exec_errno));
		if (cs->exec_errno == ENOENT)
			hint("check the name and PATH; inside the sandbox PATH is the policy's");
		kill(watcher, SIGKILL);
		waitpid(watcher, NULL, 0);
		return exit_code(status);
	}

	long long deadline = -1;
	int phase = 0;
	if (cs->p->timeout.val > 0)
		deadline = now_ms() + cs->p->timeout.val * 1000;
	while (!done) {
		int wait = -1;
		if (pfd_parent < 0)
			wait = POLL_PARENT_MS;
		if (deadline >= 0) {
			long long left = deadline - now_ms();
			left = left < 0 ? 0 : left;
			if (wait < 0 || left < wait)
				wait = (int)left;
		}
		struct pollfd pfd[2] = { { sig_pipe[0], POLLIN, 0 }, { pfd_parent, POLLIN, 0 } };
		if (poll(pfd, 2, wait) < 0 && errno != EINTR)
			warn("poll: %s", strerror(errno));
		if (pfd[1].revents || getppid() != parent) {
			/* The agent is gone: so is everything it started here. */
			kill_session(cmd, SIGKILL, true);
			kill(watcher, SIGKILL);
			guards_check(true);
			if (cs->plan->cleanup.n)
				run_cleanup(cs->plan->cleanup.v);
			_exit(128 + SIGKILL);
		}
		if (deadline >= 0 && now_ms() >= deadline) {
			if (phase == 0) {
				/* Timeout: TERM the whole session, KILL after the grace. */
				timed_out = true;
				kill_session(cmd, SIGTERM, false);
				deadline = now_ms() + (cs->p->kill_after.set ? cs->p->kill_after.val : 5) * 1000;
				phase = 1;
			} else {
				kill_session(cmd, SIGKILL, true);
				deadline = -1;
			}
		}
		unsigned char sig;
		while (read(sig_pipe[0], &sig, 1) == 1)
			if (sig != SIGCHLD)
				kill(cmd, sig);
		int st;
		if (waitpid(cmd, &st, WNOHANG) == cmd) {
			status = st;
			done = true;
		}
	}
	/* What the command left in its session goes with it. */
	kill_session(cmd, SIGKILL, true);
	kill(watcher, SIGKILL);
	waitpid(watcher, NULL, 0);
	int guarded = guards_check(false);
	if (guarded)
		hint("a command that plants persistence (hooks, git redirections) is hostile; "
		     "inspect what it left");
	if (cs->plan->cleanup.n && (timed_out || !WIFEXITED(status) || cs->plan->cleanup_always))
		run_cleanup(cs->plan->cleanup.v);
	/* A planted path that is still there must not pass as success:
	 * the agent's next git command would run it. */
	if (guarded < 0) {
		warn("the command ran, but left a protected path in place (named above); exit status 125");
		return EXIT_SETUP;
	}
	if (timed_out) {
		warn("timed out after %lld s", cs->p->timeout.val);
		return EXIT_TIMEOUT;
	}
	return exit_code(status);
}

/* --explain asks: there are no PID namespaces on this build. */
int pidns_probe(char *why, size_t whylen)
{
	snprintf(why, whylen, "no PID namespaces on this system");
	return -1;
}
