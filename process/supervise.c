/* SPDX-License-Identifier: MIT */
/*
 * supervise.c: clawshim's side of the spawn (tini/catatonit style).
 *
 * The supervisor is the process the agent started.  It becomes a child
 * subreaper, so every process the command starts stays its descendant;
 * it forwards signals, enforces the timeout, answers seccomp user
 * notifications, and when the command exits it kills whatever the command
 * left behind.  On the in-process backends the command runs under an
 * init (pidns.c) in a PID namespace of its own, which the kernel kills
 * whole when the init dies with the supervisor: a SIGKILL to clawshim's
 * process group or a process that keeps forking cannot outrun that.
 * A watcher, started before the command in a session of its own, waits
 * for the supervisor's end of a pipe to close: if the supervisor is
 * SIGKILLed (or killed by PR_SET_PDEATHSIG when the agent dies) it waits
 * for the namespace to be gone, or (no namespace) kills the command's
 * whole session, then checks the guarded paths.  setsid() is refused
 * inside, so the session is a complete handle on everything the command
 * started.
 */
#include "process.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "notify.h"
#include "proxy.h"
#include "mountns.h"
#include "audit.h"
#include <sys/stat.h>
#include "../backends/seccomp.h"

#define SPAWN_STACK (1024 * 1024)
#define WATCH_STACK (64 * 1024)

/* Under an outer clawshim setsid() is refused, so the command gets a
 * process group of its own instead, and setpgid() is refused inside. */
static bool session_is_pgrp;

/* In clawshim's PID namespace: a pidfd on the command, for signals. */
static int cmd_pidfd = -1;

static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

/* Parse "pid (comm) S ppid pgrp session ..." without allocating: the
 * session, and the parent if `ppid` is not NULL.  -1 for a zombie (gone)
 * or a line that does not parse. */
static pid_t stat_session(const char *buf, pid_t *ppid)
{
	const char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -1;
	char state = p[2];
	if (state == 'Z' || state == 'X')
		return -1;
	int pp, pgrp, sid;
	if (sscanf(p + 3, " %d %d %d", &pp, &pgrp, &sid) != 3)
		return -1;
	if (ppid)
		*ppid = pp;
	return sid;
}

/* /proc/PID/stat into buf; 0, or -1 when the process is gone. */
static int read_stat(long pid, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t r = read(fd, buf, len - 1);
	close(fd);
	if (r <= 0)
		return -1;
	buf[r] = '\0';
	return 0;
}

/* Call fn(pid, arg) for every process in /proc, until it returns true.
 * No heap: the watcher scans while sharing memory with a dead supervisor. */
static void each_process(bool (*fn)(long pid, void *arg), void *arg)
{
	int dfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	char buf[4096];
	long n;
	while ((n = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0)
		for (long off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			off += d->d_reclen;
			char *end;
			long pid = strtol(d->d_name, &end, 10);
			if (!*end && pid > 0 && fn(pid, arg)) {
				close(dfd);
				return;
			}
		}
	close(dfd);
}

struct session_kill {
	pid_t sid;
	int sig;
	int found;
};

static bool kill_if_member(long pid, void *arg)
{
	struct session_kill *k = arg;
	char st[512];
	if (read_stat(pid, st, sizeof(st)) == 0 && stat_session(st, NULL) == k->sid) {
		kill((pid_t)pid, k->sig);
		k->found++;
	}
	return false;
}

/* Send `sig` to every live process of session `sid`; with until_gone,
 * SIGKILL rounds repeat until a full scan finds none (bounded).  Uses no
 * heap: the watcher calls it while sharing memory with a dead supervisor. */
void kill_session(pid_t sid, int sig, bool until_gone)
{
	if (session_is_pgrp) {
		/* Nested: the command's process group is the handle. */
		for (int round = 0; round < 1000 && kill(-sid, sig) == 0 && until_gone; round++) {
			if (sig != SIGKILL)
				return;
			struct timespec ts = { 0, 1000000 };
			nanosleep(&ts, NULL);
		}
		return;
	}
	for (int round = 0; round < 1000; round++) {
		struct session_kill k = { sid, sig, 0 };
		each_process(kill_if_member, &k);
		if (!until_gone || !k.found)
			return;
		struct timespec ts = { 0, 1000000 };
		nanosleep(&ts, NULL);
	}
}

/* The innermost PID of a process (the last NSpid field), or -1.  The
 * whole file is read: NSpid comes after Groups, which may be long. */
static long ns_pid(long pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t cap = 4096, len = 0;
	char *buf = xmalloc(cap);
	ssize_t r;
	while ((r = read(fd, buf + len, cap - len - 1)) > 0)
		if ((len += (size_t)r) == cap - 1)
			buf = xrealloc(buf, cap *= 2);
	close(fd);
	buf[len] = '\0';
	long v = -1;
	char *l = strstr(buf, "\nNSpid:");
	if (l) {
		char *nl = strchr(l + 1, '\n');
		if (nl)
			*nl = '\0';
		char *last = strrchr(l, '\t');
		v = last ? strtol(last + 1, NULL, 10) : -1;
	}
	free(buf);
	return v;
}

struct child_of {
	pid_t parent;
	bool ns_first;  /* only a child that is PID 2 in its PID namespace */
	pid_t found;
};

/* each_process() callback: is `pid` a live child of c->parent (and PID 2
 * in its namespace, with ns_first)?  Stops the scan at the first. */
static bool find_child(long pid, void *arg)
{
	struct child_of *c = arg;
	char st[512];
	pid_t ppid;
	if (read_stat(pid, st, sizeof(st)) != 0 || stat_session(st, &ppid) < 0 ||
	    ppid != c->parent || (c->ns_first && ns_pid(pid) != 2))
		return false;
	c->found = (pid_t)pid;
	return true;
}

/* Under bwrap (plan.signal_inside) the command is not the wrapper but the
 * child of its PID-namespace init that is PID 2 there.  Its PID here, held
 * by a pidfd in *pfd (-1 where pidfd_open is refused), or -1 while there
 * is none; the init's in *initp (its session is the sandbox's).  Checked
 * again once held: still PID 2 under an init that is still the wrapper's
 * child, so neither PID is a reused one. */
static pid_t wrapped_command(pid_t cmd, int *pfd, pid_t *initp)
{
	*pfd = -1;
	struct child_of init = { cmd, false, -1 };
	each_process(find_child, &init);
	struct child_of c = { init.found, true, -1 };
	if (init.found <= 0 || (each_process(find_child, &c), c.found <= 0))
		return -1;
	*pfd = (int)syscall(SYS_pidfd_open, c.found, 0);
	if (*pfd < 0 && errno != ENOSYS && errno != EPERM)
		return -1;
	struct child_of again = { cmd, false, -1 };
	if (find_child(c.found, &c) && find_child(init.found, &again)) {
		*initp = init.found;
		return c.found;
	}
	if (*pfd >= 0)
		close(*pfd);
	*pfd = -1;
	return -1;
}

/* Forward `sig` to the command: under bwrap the command inside; until it
 * exists, or once it is gone, the wrapper. */
static void forward_signal(const struct child_spec *cs, pid_t cmd, int sig)
{
	/* In clawshim's PID namespace: to the command (PID 2 there) by its
	 * pidfd; never to the init, which would ignore it. */
	if (cmd_pidfd >= 0) {
		syscall(SYS_pidfd_send_signal, cmd_pidfd, sig, NULL, 0);
		return;
	}
	int pfd = -1;
	pid_t init, c = cs->plan->signal_inside ? wrapped_command(cmd, &pfd, &init) : -1;
	if (c > 0) {
		int rc = pfd >= 0 ? (int)syscall(SYS_pidfd_send_signal, pfd, sig, NULL, 0) :
				    kill(c, sig);
		if (pfd >= 0)
			close(pfd);
		if (rc == 0)
			return;
	}
	kill(cmd, sig);
}

static char watch_stack[WATCH_STACK] __attribute__((aligned(16)));
static char **watch_cleanup; /* plan->cleanup, for the watcher */
static int watch_init_pidfd = -1; /* the PID namespace's init, for the watcher */

extern char **environ;

/* The watcher: shares memory with the supervisor (CLONE_VM, no page-table
 * copy), so until the supervisor is gone it only blocks in read(). */
static int watcher_main(void *arg)
{
	int rd = (int)(intptr_t)arg;
	int ipfd = watch_init_pidfd;
	/* Keep only the pipe (and the init's pidfd): holding the agent's
	 * stdout open would make the agent wait for our exit. */
	unsigned lo = (unsigned)(ipfd >= 0 && ipfd < rd ? ipfd : rd);
	unsigned hi = (unsigned)(ipfd > rd ? ipfd : rd);
	if (lo > 0)
		syscall(SYS_close_range, 0U, lo - 1, 0);
	if (hi > lo + 1)
		syscall(SYS_close_range, lo + 1, hi - 1, 0);
	syscall(SYS_close_range, hi + 1, ~0U, 0);
	(void)!chdir("/");
	prctl(PR_SET_NAME, "clawshim-watch", 0, 0, 0);
	/* Out of clawshim's process group and session: an agent that kills
	 * the group on a timeout (kill(-pgid, SIGKILL)) must not take the
	 * watcher with clawshim. */
	setsid();
	pid_t sid = 0;
	if (read(rd, &sid, sizeof(sid)) != (ssize_t)sizeof(sid))
		sid = 0;
	char c;
	while (read(rd, &c, 1) > 0 || errno == EINTR)
		;
	/* The supervisor's write end closed: it is gone, normally only by a
	 * signal (it kills us first when it exits on its own).  In a PID
	 * namespace (sid < 0) the kernel kills the command's processes when
	 * the init dies, which it does with the supervisor; wait for that,
	 * then the guards are checked on a finished tree. */
	if (sid > 0)
		kill_session(sid, SIGKILL, true);
	if (sid < 0 && ipfd >= 0) {
		struct pollfd pf = { ipfd, POLLIN, 0 };
		(void)poll(&pf, 1, 5000);
	}
	guards_check(true);
	for (int i = 0; i < 100 && pids_cgroup_remove() != 0; i++) {
		struct timespec ts = { 0, 10000000 };
		nanosleep(&ts, NULL);
	}
	/* A wrapper whose sandbox outlives its client (a container): remove
	 * it.  execve replaces the memory we shared with the supervisor. */
	if (watch_cleanup) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		execve(watch_cleanup[0], watch_cleanup, environ);
	}
	return 0;
}

/* Start the watcher; it inherits the blocked signal mask, so a terminal's
 * ^C or the agent's killpg() does not take it down with the supervisor. */
static pid_t watcher_start(int *wr)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		die_errno("pipe");
	/* Exit signal 0: the watcher is a "clone" child that waitpid(-1)
	 * without __WALL never reports, so reaping the command's tree is
	 * not confused by it. */
	pid_t w = clone(watcher_main, watch_stack + sizeof(watch_stack),
			CLONE_VM, (void *)(intptr_t)fds[0]);
	if (w < 0)
		die_errno("cannot start the watcher");
	close(fds[0]);
	*wr = fds[1];
	return w;
}

static bool have_children(void)
{
	siginfo_t si = { 0 };
	return waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0;
}

static void reap_all(pid_t cmd, int *status, bool *cmd_done)
{
	int st;
	pid_t r;
	while ((r = waitpid(-1, &st, WNOHANG)) > 0)
		if (r == cmd) {
			*status = st;
			*cmd_done = true;
		}
}

/* Kill everything the command left behind: its session, and any other
 * descendant the subreaper collected. Bounded; warns, never dies.
 * True when something was left to kill. */
static bool kill_leftovers(pid_t sid, pid_t cmd, int *status, bool *cmd_done)
{
	bool killed = false;
	/* A child exiting anyway (bwrap's init, a moment after bwrap) needs
	 * no scan of /proc: a few milliseconds for those first. */
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	struct timespec grace = { 0, 2000000 };
	for (int i = 0; i < 4 && have_children() && sigtimedwait(&chld, NULL, &grace) == SIGCHLD; i++)
		reap_all(cmd, status, cmd_done);
	for (int round = 0; have_children() && round < 2000; round++) {
		killed = true;
		kill_session(sid, SIGKILL, false);
		kill_children();
		reap_all(cmd, status, cmd_done);
		if (!have_children())
			break;
		struct timespec ts = { 0, 1000000 };
		nanosleep(&ts, NULL);
	}
	if (have_children())
		warn("processes left by the command could not all be killed");
	return killed;
}

/* Run the plan's cleanup command (docker rm -f NAME) and wait for it,
 * output discarded; warns, never dies (the command's status matters). */
static void run_cleanup(char **argv)
{
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
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

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_SETUP;
}

static int make_timer(long long seconds)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (fd < 0)
		die_errno("timerfd_create");
	struct itimerspec it = { .it_value = { (time_t)seconds, 0 } };
	if (timerfd_settime(fd, 0, &it, NULL) != 0)
		die_errno("timerfd_settime");
	return fd;
}

/* Spawn the command with a vfork-style clone: no page tables are copied
 * and the supervisor sleeps until the child has exec'd or failed. */
pid_t spawn_command(struct child_spec *cs)
{
	void *stack = mmap(NULL, SPAWN_STACK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		die_errno("mmap");
	fflush(stdout);
	fflush(stderr);
	int flags = CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD;
	if (cs->plan->mounts && !cs->in_pidns)
		flags |= CLONE_NEWNS | (cs->uid != 0 ? CLONE_NEWUSER : 0);
	pid_t pid = clone(child_main, (char *)stack + SPAWN_STACK, flags, cs);
	int e = errno;
	die_in_child = false;
	munmap(stack, SPAWN_STACK);
	errno = e;
	return pid;
}

/* A wrapper that exited with its ready byte unread failed before its
 * sandbox was complete (it said why): the command never ran. */
static bool wrapper_setup_failed(const struct child_spec *cs, int status)
{
	int left = 0;
	return cs->keep_fd[KEEP_READY] >= 0 && WIFEXITED(status) &&
	       ioctl(cs->keep_fd[KEEP_READY], FIONREAD, &left) == 0 && left > 0;
}

/* The timeout's timer fired: the first time TERM the whole tree and arm
 * the grace, the second time KILL it.  The timer to wait on next, or -1. */
static int on_timer(const struct child_spec *cs, pid_t cmd, pid_t sess, bool in_ns, int tfd,
		    int *phase)
{
	uint64_t ticks;
	(void)!read(tfd, &ticks, sizeof(ticks));
	close(tfd);
	if (*phase == 1) {
		if (in_ns)
			kill(cmd, SIGKILL); /* the init: the kernel kills the namespace */
		else
			kill_session(sess, SIGKILL, true);
		return -1;
	}
	*phase = 1;
	if (in_ns) {
		kill(cmd, SIGTERM); /* the init TERMs every process of the namespace */
	} else {
		/* Under bwrap the tree is the session of its init
		 * (--new-session): TERM to bwrap would end it by SIGKILL,
		 * unseen. */
		int held = -1;
		pid_t init = -1;
		if (cs->plan->signal_inside && wrapped_command(cmd, &held, &init) > 0 && held >= 0)
			close(held);
		kill_session(init > 0 ? init : sess, SIGTERM, false);
	}
	return make_timer(cs->p->kill_after.set ? cs->p->kill_after.val : 5);
}

enum { START_DIRECT, START_NS, START_INIT, START_FAILED };

/* Start the watcher and the command.  On in-process backends through an
 * init: in a PID namespace where the host allows one (START_NS), else a
 * subreaper outside clawshim's process group that kills every descendant
 * when clawshim dies (START_INIT).  Wrappers, and a host that refuses
 * even that: the command is our child (START_DIRECT).  The PID to reap
 * (the init's, or the command's); -1 and errno when the command could not
 * be spawned; START_FAILED when the init failed and said why. */
static pid_t start(struct child_spec *cs, struct pidns_run *ns, pid_t *watcher, int *how)
{
	bool ns_ok = !(cs->plan->seccomp & SC_NESTED);
	for (int pass = ns_ok ? 0 : 1; !cs->plan->wrapper.n && pass < 2; pass++) {
		pid_t init = pidns_start(cs, ns, pass == 0);
		if (init < 0)
			continue;
		/* The watcher first; in a namespace told so (sid < 0): the
		 * command cannot tell it its PID there. */
		watch_init_pidfd = pass == 0 ? ns->init_pidfd : -1;
		*watcher = watcher_start(&cs->watch_fd);
		pid_t mark = -init;
		int rc = -2;
		if (pass == 1 || write(cs->watch_fd, &mark, sizeof(mark)) == (ssize_t)sizeof(mark))
			rc = pidns_go(cs, ns);
		else if (kill(init, SIGKILL) == 0)
			waitpid(init, &ns->status, 0);
		if (rc == 0) {
			cmd_pidfd = ns->cmd_pidfd;
			*how = pass == 0 ? START_NS : START_INIT;
			return init;
		}
		if (rc == -2 && ns->spawn_errno) {
			pidns_close(ns);
			errno = ns->spawn_errno;
			return -1; /* as a failed spawn_command() */
		}
		kill(*watcher, SIGKILL);
		close(cs->watch_fd);
		watch_init_pidfd = -1;
		if (rc == -2) {
			pidns_close(ns);
			*how = START_FAILED;
			return -1;
		}
		/* -1: the namespaces were refused after all; no init then. */
	}
	*how = START_DIRECT;
	/* Neither init could start (pidfd_open refused, say): the watcher's
	 * /proc scan is all that is left, and a process that keeps forking
	 * can outrun it.  --explain promised an init, so this is weaker than
	 * asked: refused unless the policy allows best effort. */
	if (!cs->plan->wrapper.n) {
		if (!cs->p->best_effort.val) {
			warn("die with parent: no init could be started for the command here (%s)",
			     strerror(errno));
			hint("set best_effort = true to rely on a /proc scan, which a process that "
			     "keeps forking can outrun");
			exit(EXIT_SETUP);
		}
		warn("best_effort: die with parent by a /proc scan only; a process that keeps "
		     "forking can outrun it");
	}
	*watcher = watcher_start(&cs->watch_fd);
	return spawn_command(cs);
}

/* The PID behind a pidfd as this process sees it (fdinfo), or -1. */
static pid_t pidfd_pid(int fd)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	int f = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = f >= 0 ? read(f, buf, sizeof(buf) - 1) : -1;
	if (f >= 0)
		close(f);
	buf[n > 0 ? n : 0] = '\0';
	const char *p = strstr(buf, "\nPid:");
	return p ? (pid_t)strtol(p + 5, NULL, 10) : -1;
}

/* A connect of the command to the proxy, about to be performed: bind
 * our duplicate of its socket if it is not bound, and tell the proxy its
 * port and the process (proxy_register_sock does both). */
static struct proxy *reg_proxy;
static int proxy_register(int sock, pid_t tgid)
{
	return proxy_register_sock(reg_proxy, sock, tgid);
}

/* A refused direct connect of the command (a notify worker or the loop):
 * into the exit summary, with the program's name. */
static void direct_refused(pid_t tgid, const void *addr, size_t len)
{
	struct net_decision d = { .via = "direct", .reason = "not-via-proxy", .pid = tgid };
	struct sockaddr_storage ss = { 0 };
	memcpy(&ss, addr, len < sizeof(ss) ? len : sizeof(ss));
	char a[INET6_ADDRSTRLEN] = "?";
	unsigned port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, a, sizeof(a));
	else if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, a, sizeof(a));
	snprintf(d.host, sizeof(d.host), ss.ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
	proc_comm(tgid, d.exe, sizeof(d.exe));
	netsum_add(&d);
	net_log(&d);
}

/* Run the command under supervision; returns clawshim's exit status. */
int supervise(struct child_spec *cs)
{
	pid_t parent = getppid();
	/* Die with the agent.  PR_SET_PDEATHSIG races with the parent's death:
	 * re-check that the parent is still the one we had. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		die_errno("prctl(PR_SET_PDEATHSIG)");
	if (getppid() != parent)
		die("the process that started clawshim is gone; not running the command");
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
		die_errno("prctl(PR_SET_CHILD_SUBREAPER)");

	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGPIPE);
	for (size_t i = 0; i < ARRAY_LEN(forwarded); i++)
		sigaddset(&mask, forwarded[i]);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0)
		die_errno("sigprocmask");
	int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		die_errno("signalfd");

	session_is_pgrp = cs->plan->seccomp & SC_NESTED;
	guards_init(cs->p);
	watch_cleanup = cs->plan->cleanup.n ? cs->plan->cleanup.v : NULL;
	cs->supervisor = getpid();
	cs->uid = getuid();
	cs->gid = getgid();
	cs->exec_errno = 0;
	cs->notify_fd = -1;
	cs->in_pidns = false;
	/* In-process backends run the command under an init (pidns.c): in a
	 * PID namespace where the host lets us make one, `cmd` is then its
	 * init, which dies with us and takes every process of the namespace
	 * with it; else a subreaper that outlives us to kill them.  A wrapper
	 * makes its own namespace (bwrap) or is not ours to nest. */
	struct pidns_run ns = { -1, -1, -1, -1, -1, 0, 0, 0, 0, false };
	pid_t watcher = -1;
	int how = START_DIRECT;
	pid_t cmd = start(cs, &ns, &watcher, &how);
	if (how == START_FAILED)
		return exit_code(ns.status); /* the init said why */
	bool in_ns = how == START_NS, via_init = how != START_DIRECT;
	/* The command's own PID here: its session's, for the scan. */
	pid_t sess = how == START_INIT ? ns.cmd : cmd;
	if (cmd < 0) {
		int e = errno;
		kill(watcher, SIGKILL);
		close(cs->watch_fd);
		/* A container's seccomp filter may refuse namespaces that the
		 * sysctls allow: the caller plans again without mounts. */
		if (cs->plan->mounts && (e == EPERM || e == EINVAL || e == ENOSPC || e == EUSERS))
			return SUPERVISE_NO_NAMESPACE;
		errno = e;
		die_errno("cannot start the command");
	}

	/* The command's PID on the host, for the audit log's end event: the
	 * kernel's Landlock records name it, not its PID in our namespace. */
	if (auditlog_on())
		audit_command_pid(cmd_pidfd >= 0 ? pidfd_pid(cmd_pidfd) : cmd);

	int status = 0;
	bool done = false, timed_out = false;
	if (cs->exec_errno) {
		waitpid(cmd, &status, 0);
		if (via_init)
			status = pidns_status(&ns, status);
		warn("%s: %s", cs->argv[0], strerror(cs->exec_errno));
		if (cs->exec_errno == ENOENT)
			hint("check the name and PATH; inside the sandbox PATH is the policy's");
		kill(watcher, SIGKILL);
		return exit_code(status);
	}

	struct notify_rules rules;
	if (cs->notify_fd >= 0) {
		notify_rules_init(&rules, cs->p);
		rules.domains = cs->p->net_domains.val;
		rules.proxy_port = cs->proxy ? cs->proxy->port : 0;
		rules.on_direct = direct_refused;
		rules.on_proxy = cs->proxy ? proxy_register : NULL;
		if (cs->plan->mounts || in_ns)
			notify_accept_namespaces(in_ns ? cmd : sess);
	}
	int tfd = -1, phase = 0;
	bool notify_fd_done = false;
	if (cs->p->timeout.val > 0)
		tfd = make_timer(cs->p->timeout.val);

	struct proxy *px = cs->proxy;
	reg_proxy = px;
	while (!done) {
		struct pollfd pfd[5] = {
			{ sfd, POLLIN, 0 }, { tfd, POLLIN, 0 }, { cs->notify_fd, POLLIN, 0 },
			{ px ? px->lfd : -1, POLLIN, 0 }, { px ? px->evfd : -1, POLLIN, 0 },
		};
		if (poll(pfd, 5, -1) < 0) {
			if (errno != EINTR)
				warn("poll: %s", strerror(errno));
			continue;
		}
		/* The first connection to the proxy starts it (proxy.h). */
		if (pfd[3].revents && proxy_start(px, cs->p) < 0) {
			close(px->lfd);
			px->lfd = -1;
		}
		if (pfd[4].revents)
			proxy_read_decisions(px);
		if (pfd[2].revents && notify_serve(cs->notify_fd, &rules) < 0) {
			close(cs->notify_fd);
			notify_fd_done = true;
			cs->notify_fd = -1;
		}
		if (pfd[1].revents & POLLIN) {
			timed_out = true;
			tfd = on_timer(cs, cmd, sess, in_ns, tfd, &phase);
		}
		struct signalfd_siginfo si;
		while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			if (si.ssi_signo == SIGCHLD || si.ssi_signo == SIGPIPE)
				continue;
			forward_signal(cs, cmd, (int)si.ssi_signo);
		}
		reap_all(cmd, &status, &done);
	}
	bool killed = kill_leftovers(sess, cmd, &status, &done);
	if (via_init) {
		status = pidns_status(&ns, status);
		killed = killed || ns.leftovers;
		pidns_close(&ns);
		cmd_pidfd = -1;
	}
	audit_exit(status, timed_out, killed);
	kill(watcher, SIGKILL);
	if (px) {
		proxy_read_decisions(px);
		netsum_print();
	}
	int guarded = guards_check(false);
	if (guarded)
		hint("a command that plants persistence (hooks, git redirections) is hostile; "
		     "inspect what it left");
	pids_cgroup_remove();
	/* A wrapper that exited by itself cleaned up (docker run --rm); one
	 * that was killed or timed out may have left its sandbox running. */
	if (cs->plan->cleanup.n && (timed_out || !WIFEXITED(status) || cs->plan->cleanup_always))
		run_cleanup(cs->plan->cleanup.v);
	if (cs->notify_fd >= 0 || notify_fd_done)
		notify_rules_free(&rules);
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
	if (wrapper_setup_failed(cs, status)) {
		warn("%s could not set up the sandbox (its message is above); the command did not run",
		     cs->be->name);
		return EXIT_SETUP;
	}
	return exit_code(status);
}
