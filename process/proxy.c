/* SPDX-License-Identifier: MIT */
/*
 * proxy.c: the egress proxy's life cycle (process/proxy.h): the
 * listener, the fork at the first connection, the confinement the proxy
 * applies to itself before it reads a byte, its accept loop, the
 * summary of refusals, and `clawshim connect`.
 *
 * Why a separate, confined process: the request parsers are the only
 * code in clawshim that reads network framing an attacker writes.  The
 * supervisor holds the notification fd, the command's pidfd and perhaps
 * root; a parser bug must land in a process that can open no file but
 * the resolver's, connect to no TCP port the policy does not name,
 * execute nothing, and signal nobody.
 */
#include "proxy.h"
#include "audit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../backends/landlock.h"
#include "../common.h"
#include "../policy/domains.h"

extern char **environ;

#define CONNS_MAX 256
#define CONN_STACK (256 * 1024)  /* getaddrinfo's DNS code wants room */

int proxy_listen(struct proxy *px, char *why, size_t whylen)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	px->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	px->evfd = -1;
	px->pid = 0;
	if (pipe2(px->reg, O_CLOEXEC) < 0) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		return -1;
	}
	fcntl(px->reg[1], F_SETFL, O_NONBLOCK);
	if (px->lfd < 0 || bind(px->lfd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(px->lfd, 512) < 0 || getsockname(px->lfd, (struct sockaddr *)&a, &len) < 0) {
		snprintf(why, whylen, "cannot listen on 127.0.0.1: %s", strerror(errno));
		if (px->lfd >= 0)
			close(px->lfd);
		px->lfd = -1;
		return -1;
	}
	px->port = ntohs(a.sin_port);
	return 0;
}

int proxy_register_sock(struct proxy *px, int sock, pid_t tgid)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len = sizeof(ss);
	if (!px || getsockname(sock, (struct sockaddr *)&ss, &len) < 0)
		return -EACCES;
	/* sin_port and sin6_port share their offset. */
	in_port_t port0;
	memcpy(&port0, (char *)&ss + offsetof(struct sockaddr_in, sin_port), sizeof(port0));
	if (!port0) {
		struct sockaddr_in a4 = { .sin_family = AF_INET,
					  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
		inet_pton(AF_INET6, "::ffff:127.0.0.1", &a6.sin6_addr);
		int rc = ss.ss_family == AF_INET6 ? bind(sock, (struct sockaddr *)&a6, sizeof(a6))
						  : bind(sock, (struct sockaddr *)&a4, sizeof(a4));
		len = sizeof(ss);
		if (rc < 0 || getsockname(sock, (struct sockaddr *)&ss, &len) < 0)
			return -errno;
		memcpy(&port0, (char *)&ss + offsetof(struct sockaddr_in, sin_port), sizeof(port0));
	}
	struct proxy_reg r = { .port = ntohs(port0), .pid = tgid };
	proc_comm(tgid, r.exe, sizeof(r.exe));
	/* Written before the connect is performed: the proxy finds it by
	 * the time it accepts.  A full pipe refuses the connect. */
	return write(px->reg[1], &r, sizeof(r)) == (ssize_t)sizeof(r) ? 0 : -EAGAIN;
}

/* ---- registrations, in the proxy ---- */

#define REGS_MAX 1024
static struct proxy_reg regs[REGS_MAX];
static size_t nregs_next;
static int regfd = -1;

static void regs_drain(void)
{
	struct proxy_reg r;
	while (read(regfd, &r, sizeof(r)) == (ssize_t)sizeof(r)) {
		r.exe[sizeof(r.exe) - 1] = '\0';
		regs[nregs_next++ % REGS_MAX] = r;
	}
}

/* The registration of a connection from 127.0.0.1:port, taken out of
 * the table; false for a process clawshim did not connect. */
static bool regs_take(uint16_t port, struct proxy_reg *out)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < REGS_MAX; i++)
			if (regs[i].port == port && regs[i].pid) {
				*out = regs[i];
				regs[i].port = 0;
				regs[i].pid = 0;
				return true;
			}
		regs_drain();
	}
	return false;
}

/* ---- confinement ---- */

/* Landlock: read the resolver's files only, connect only to the ports
 * the policy names, bind nothing, scoped signals and abstract sockets.
 * Returns the ABI used (0: Landlock unavailable). */
static int confine_landlock(const struct policy *p)
{
	int abi = (int)syscall(__NR_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi <= 0)
		return 0;
	if (abi > LL_ABI_MAX)
		abi = LL_ABI_MAX;
	struct ll_ruleset_attr attr = { .handled_access_fs = ll_fs_rights(abi) };
	if (abi >= 4)
		attr.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP;
	if (abi >= 6)
		attr.scoped = LANDLOCK_SCOPE_SIGNAL | LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
	int rs = (int)syscall(__NR_landlock_create_ruleset, &attr, ll_attr_size(abi), 0);
	if (rs < 0)
		return -1;
	/* What getaddrinfo reads (resolv.conf may be a link into /run:
	 * open() follows it, and the rule is on the file itself). */
	static const char *const files[] = { "/etc/hosts", "/etc/resolv.conf", "/etc/nsswitch.conf",
					     "/etc/host.conf", "/etc/gai.conf" };
	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		int fd = open(files[i], O_PATH | O_CLOEXEC);
		if (fd < 0)
			continue;
		struct landlock_path_beneath_attr pb = { LANDLOCK_ACCESS_FS_READ_FILE, fd };
		syscall(__NR_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
		close(fd);
	}
	if (abi >= 4) {
		unsigned ports[256];
		size_t n = dom_ports(p, ports, ARRAY_LEN(ports));
		for (size_t i = 0; i < n; i++) {
			struct ll_net_port_attr np = { LANDLOCK_ACCESS_NET_CONNECT_TCP, ports[i] };
			syscall(__NR_landlock_add_rule, rs, LANDLOCK_RULE_NET_PORT, &np, 0);
		}
	}
	int rc = (int)syscall(__NR_landlock_restrict_self, rs, 0);
	close(rs);
	return rc == 0 ? abi : -1;
}

#if defined(__x86_64__)
#define PX_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define PX_ARCH AUDIT_ARCH_AARCH64
#endif

#define ALLOW(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
		  BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

/* seccomp: an allow-list; no exec, no process creation but threads, no
 * AF_UNIX socket (the user's agents and daemons listen there).  The
 * rest answers EPERM. */
static int confine_seccomp(void)
{
#ifdef PX_ARCH
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PX_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		/* socket(): AF_INET, AF_INET6 (DNS over UDP, TCP upstreams),
		 * AF_NETLINK (getaddrinfo asks the kernel for the local
		 * addresses to sort the answers). */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 7),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET6, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EACCES),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EACCES),
		/* clone(): threads only (CLONE_THREAD in the flags). */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x00010000 /* CLONE_THREAD */, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		/* clone3's flags live in memory: ENOSYS, and glibc uses clone. */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		ALLOW(__NR_read), ALLOW(__NR_write), ALLOW(__NR_readv), ALLOW(__NR_writev),
		ALLOW(__NR_close), ALLOW(__NR_poll), ALLOW(__NR_ppoll), ALLOW(__NR_accept4),
		ALLOW(__NR_accept), ALLOW(__NR_connect), ALLOW(__NR_bind), ALLOW(__NR_recvfrom),
		ALLOW(__NR_sendto), ALLOW(__NR_recvmsg), ALLOW(__NR_sendmsg), ALLOW(__NR_sendmmsg),
		ALLOW(__NR_recvmmsg), ALLOW(__NR_shutdown), ALLOW(__NR_setsockopt),
		ALLOW(__NR_getsockopt), ALLOW(__NR_getsockname), ALLOW(__NR_getpeername),
		ALLOW(__NR_splice), ALLOW(__NR_pipe2), ALLOW(__NR_fcntl), ALLOW(__NR_futex),
		ALLOW(__NR_mmap), ALLOW(__NR_munmap), ALLOW(__NR_mprotect), ALLOW(__NR_madvise),
		ALLOW(__NR_mremap), ALLOW(__NR_brk), ALLOW(__NR_rt_sigprocmask),
		ALLOW(__NR_rt_sigaction), ALLOW(__NR_rt_sigreturn), ALLOW(__NR_exit),
		ALLOW(__NR_exit_group), ALLOW(__NR_set_robust_list), ALLOW(__NR_rseq),
		ALLOW(__NR_gettid), ALLOW(__NR_getpid), ALLOW(__NR_clock_gettime),
		ALLOW(__NR_clock_nanosleep), ALLOW(__NR_nanosleep), ALLOW(__NR_openat),
		ALLOW(__NR_newfstatat), ALLOW(__NR_fstat), ALLOW(__NR_lseek), ALLOW(__NR_pread64),
		ALLOW(__NR_getrandom), ALLOW(__NR_uname), ALLOW(__NR_sched_yield),
		ALLOW(__NR_sched_getaffinity), ALLOW(__NR_getuid), ALLOW(__NR_geteuid),
		ALLOW(__NR_getgid), ALLOW(__NR_getegid), ALLOW(__NR_ioctl), ALLOW(__NR_statx),
#ifdef __NR_stat
		ALLOW(__NR_stat),
#endif
#ifdef __NR_epoll_wait
		ALLOW(__NR_epoll_wait),
#endif
		ALLOW(__NR_prlimit64), ALLOW(__NR_getdents64),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	};
	struct sock_fprog prog = { (unsigned short)ARRAY_LEN(f), f };
	return (int)syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* Everything before the first byte is read.  Dies (the proxy process
 * only) when a layer cannot be applied: a half-confined proxy must not
 * serve. */
static __attribute__((noreturn)) void px_die(const char *what)
{
	warn("proxy: %s: %s", what, strerror(errno));
	_exit(EXIT_SETUP);
}

static void confine(const struct policy *p)
{
	/* No terminal: a tty on fd 0-2 would take TIOCSTI and friends. */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0)
		px_die("/dev/null");
	/* Load the resolver's modules and files while open() still works. */
	struct addrinfo *res = NULL, hints = { .ai_socktype = SOCK_STREAM };
	if (getaddrinfo("localhost", "1", &hints, &res) == 0)
		freeaddrinfo(res);
	/* Root needs none of its powers to relay bytes. */
	if (getuid() == 0 || geteuid() == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
		    setresuid(65534, 65534, 65534) < 0)
			px_die("cannot drop root");
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		px_die("no_new_privs");
	if (confine_landlock(p) < 0)
		px_die("Landlock");
	/* stderr too, before the filter (which has no dup2); a failure of
	 * the filter is still told, on a copy of stderr. */
	int err = dup(2);
	if (err < 0 || dup2(null, 2) < 0)
		px_die("/dev/null");
	close(null);
	if (confine_seccomp() < 0) {
		dup2(err, 2);
		px_die("seccomp");
	}
	close(err);
}

static atomic_int nconns;

/* Workers stay for the next connection (a thread costs tens of
 * microseconds to make); at most POOL_IDLE wait at once. */
#define POOL_IDLE 8
#define QUEUE_MAX CONNS_MAX
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_cond = PTHREAD_COND_INITIALIZER;
struct job {
	int c;
	struct proxy_reg reg;
};
static struct job queue[QUEUE_MAX];
static size_t qhead, qlen;
static int idle;
static const struct policy *pool_policy;
static int pool_evfd;

static void *conn_thread(void *arg)
{
	struct job j = *(struct job *)arg;
	free(arg);
	for (;;) {
		proxy_serve_conn(j.c, pool_policy, pool_evfd, &j.reg);
		atomic_fetch_sub(&nconns, 1);
		pthread_mutex_lock(&pool_lock);
		if (idle >= POOL_IDLE) {
			pthread_mutex_unlock(&pool_lock);
			return NULL;
		}
		idle++;
		while (!qlen)
			pthread_cond_wait(&pool_cond, &pool_lock);
		idle--;
		j = queue[qhead];
		qhead = (qhead + 1) % QUEUE_MAX;
		qlen--;
		pthread_mutex_unlock(&pool_lock);
	}
}

/* Hand j to an idle worker, or start one; false when neither works. */
static bool dispatch(const struct job *j, const pthread_attr_t *at)
{
	pthread_mutex_lock(&pool_lock);
	if (idle > (int)qlen && qlen < QUEUE_MAX) {
		queue[(qhead + qlen) % QUEUE_MAX] = *j;
		qlen++;
		pthread_cond_signal(&pool_cond);
		pthread_mutex_unlock(&pool_lock);
		return true;
	}
	pthread_mutex_unlock(&pool_lock);
	pthread_t t;
	struct job *copy = malloc(sizeof(*copy));
	if (!copy)
		return false;
	*copy = *j;
	if (pthread_create(&t, at, conn_thread, copy) == 0)
		return true;
	free(copy);
	return false;
}

static void busy(int c)
{
	static const char msg[] = "HTTP/1.1 503 Service Unavailable\r\nX-Proxy-Error: too-many-"
				  "connections\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
	(void)!send(c, msg, sizeof(msg) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(c);
}

static __attribute__((noreturn)) void proxy_main(int lfd, int evfd, const struct policy *p)
{
	signal(SIGPIPE, SIG_IGN);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	confine(p);
	pool_policy = p;
	pool_evfd = evfd;
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&at, CONN_STACK);
	for (;;) {
		int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOMEM)
				usleep(10000);
			continue;
		}
		if (atomic_fetch_add(&nconns, 1) >= CONNS_MAX) {
			atomic_fetch_sub(&nconns, 1);
			busy(c);
			continue;
		}
		/* Why refuse the unregistered: another local process (outside
		 * the sandbox) could otherwise use the command's proxy. */
		struct sockaddr_storage peer = { 0 };
		socklen_t plen = sizeof(peer);
		struct job j = { .c = c };
		in_port_t pport = 0;
		if (getpeername(c, (struct sockaddr *)&peer, &plen) == 0)
			memcpy(&pport, (char *)&peer + offsetof(struct sockaddr_in, sin_port),
			       sizeof(pport));
		if (!pport || !regs_take(ntohs(pport), &j.reg)) {
			atomic_fetch_sub(&nconns, 1);
			close(c);
			continue;
		}
		if (dispatch(&j, &at))
			continue;
		atomic_fetch_sub(&nconns, 1);
		busy(c);
	}
}

int proxy_start(struct proxy *px, const struct policy *p)
{
	int ev[2];
	if (pipe2(ev, O_CLOEXEC) < 0) {
		warn("proxy: pipe: %s", strerror(errno));
		return -1;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		warn("proxy: fork: %s", strerror(errno));
		close(ev[0]);
		close(ev[1]);
		return -1;
	}
	if (pid == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(125);
		close(ev[0]);
		/* Only the listener and the decision pipe stay open: none of
		 * the supervisor's descriptors (the notification listener,
		 * the command's sockets) reaches the code that parses. */
		/* Out of the way first: a source may be 3, 4 or 5 itself. */
		int l = fcntl(px->lfd, F_DUPFD, 64), e = fcntl(ev[1], F_DUPFD, 64);
		int g = fcntl(px->reg[0], F_DUPFD, 64);
		if (l < 0 || e < 0 || g < 0 || dup2(l, 3) < 0 || dup2(e, 4) < 0 || dup2(g, 5) < 0 ||
		    syscall(__NR_close_range, 6, ~0U, 0) < 0)
			_exit(EXIT_SETUP);
		fcntl(4, F_SETFL, O_NONBLOCK);
		/* The agent's environment (tokens the command never sees) is
		 * in this copy of clawshim's memory: wiped before parsing. */
		for (char **v = environ; v && *v; v++)
			explicit_bzero(*v, strlen(*v));
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		regfd = 5;
		fcntl(5, F_SETFL, O_NONBLOCK);
		proxy_main(3, 4, p);
	}
	close(ev[1]);
	fcntl(ev[0], F_SETFL, O_NONBLOCK);
	close(px->reg[0]);
	px->reg[0] = -1;
	close(px->lfd);
	px->lfd = -1;
	px->evfd = ev[0];
	px->pid = pid;
	return 0;
}

void net_log(const struct net_decision *d)
{
	audit_net(&(struct audit_net){
		.via = d->via, .host = d->host, .rule = d->rule, .reason = d->reason,
		.addr = d->addr, .exe = d->exe, .allowed = d->allowed, .port = d->port,
		.pid = d->pid, .up = d->up, .down = d->down, .ms = d->ms });
}

void proxy_read_decisions(struct proxy *px)
{
	struct net_decision d;
	while (px->evfd >= 0) {
		ssize_t n = read(px->evfd, &d, sizeof(d));
		if (n == (ssize_t)sizeof(d)) {
			d.host[sizeof(d.host) - 1] = d.reason[sizeof(d.reason) - 1] = '\0';
			d.rule[sizeof(d.rule) - 1] = d.via[sizeof(d.via) - 1] = '\0';
			d.exe[sizeof(d.exe) - 1] = d.addr[sizeof(d.addr) - 1] = '\0';
			netsum_add(&d);
			net_log(&d);
			continue;
		}
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
			close(px->evfd);
			px->evfd = -1;
		}
		break;
	}
}

/* ---- the exit summary ---- */

#define SUM_MAX 8
struct sum_ent {
	char what[320];
	unsigned count;
};
static struct sum_ent sums[SUM_MAX];
static size_t nsums;
static unsigned sums_dropped;
static pthread_mutex_t sum_lock = PTHREAD_MUTEX_INITIALIZER;

void netsum_add(const struct net_decision *d)
{
	if (d->allowed)
		return;
	char what[320];
	if (!strcmp(d->via, "direct"))
		snprintf(what, sizeof(what), "%.64s (%.32s: direct connect, not through the proxy)",
			 d->host, d->exe[0] ? d->exe : "?");
	else if (!strcmp(d->reason, "blocked-by-allowlist"))
		snprintf(what, sizeof(what), "%.253s:%u (not in [network] domains)", d->host, d->port);
	else if (!strcmp(d->reason, "blocked-by-denylist"))
		snprintf(what, sizeof(what), "%.253s:%u (in [network] deny_domains)", d->host, d->port);
	else
		snprintf(what, sizeof(what), "%.253s:%u (%.31s)", d->host, d->port, d->reason);
	pthread_mutex_lock(&sum_lock);
	size_t i = 0;
	while (i < nsums && strcmp(sums[i].what, what))
		i++;
	if (i < nsums)
		sums[i].count++;
	else if (nsums < SUM_MAX)
		sums[nsums++] = (struct sum_ent){ .count = 1 }, snprintf(sums[i].what, sizeof(sums[i].what), "%s", what);
	else
		sums_dropped++;
	pthread_mutex_unlock(&sum_lock);
}

void netsum_print(void)
{
	pthread_mutex_lock(&sum_lock);
	if (nsums) {
		char line[SUM_MAX * 340 + 64];
		size_t n = (size_t)snprintf(line, sizeof(line), "refused");
		for (size_t i = 0; i < nsums; i++) {
			char cnt[24] = "";
			if (sums[i].count > 1)
				snprintf(cnt, sizeof(cnt), " %ux", sums[i].count);
			n += (size_t)snprintf(line + n, sizeof(line) - n, "%s %s%s", i ? "," : "",
					      sums[i].what, cnt);
		}
		if (sums_dropped)
			snprintf(line + n, sizeof(line) - n, ", and %u more", sums_dropped);
		warn("%s", line);
	}
	pthread_mutex_unlock(&sum_lock);
}
