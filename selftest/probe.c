/* SPDX-License-Identifier: MIT */
/*
 * clawshim-probe: attempt one operation and report what the kernel said.
 *
 *   clawshim-probe OP ARGS...   prints "ok" (exit 0) or the errno name
 *                               (exit 1); exit 2 for a usage error.
 *
 * `clawshim --selftest` runs it inside each backend's sandbox (and once
 * unconfined, as the control that shows the attempt works outside), so
 * every claim is checked by a process that really tries (bubblewrap's
 * try-syscall).  It is linked statically where the toolchain allows, so
 * it also runs in a container image that has no C library.
 *
 * Nothing here touches the host's state for good: mount happens in a
 * private mount namespace, ptrace seizes without stopping, the fork bomb
 * and the process tree are bounded and killed by their callers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <dirent.h>
#include <termios.h>
#include <unistd.h>

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif
#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif

static const char *errname(int e)
{
	static const struct { int e; const char *n; } t[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EACCES, "EACCES" },
		{ EBADF, "EBADF" }, { EEXIST, "EEXIST" }, { EXDEV, "EXDEV" },
		{ EINVAL, "EINVAL" }, { ENOSYS, "ENOSYS" }, { EROFS, "EROFS" },
		{ EBUSY, "EBUSY" }, { ENOTTY, "ENOTTY" }, { EAFNOSUPPORT, "EAFNOSUPPORT" },
		{ ECONNREFUSED, "ECONNREFUSED" }, { EAGAIN, "EAGAIN" }, { ESRCH, "ESRCH" },
		{ EIO, "EIO" }, { ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" },
		{ EPROTONOSUPPORT, "EPROTONOSUPPORT" }, { ENETUNREACH, "ENETUNREACH" },
		{ EFBIG, "EFBIG" }, { ENXIO, "ENXIO" }, { EMFILE, "EMFILE" },
		{ ENOMEM, "ENOMEM" }, { EFAULT, "EFAULT" }, { ENODEV, "ENODEV" },
		{ ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT" }, { EHOSTUNREACH, "EHOSTUNREACH" },
		{ ETIMEDOUT, "ETIMEDOUT" }, { EOPNOTSUPP, "EOPNOTSUPP" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].e == e)
			return t[i].n;
	static char buf[32];
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

static int report(long rc)
{
	if (rc < 0) {
		printf("%s\n", errname(errno));
		return 1;
	}
	printf("ok\n");
	return 0;
}

/* Connect to a named (or abstract) stream socket and say hello, so the
 * listener outside sees the attempt arrive. */
static int unix_connect(const char *path, int abstract)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0)
		return report(-1);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	socklen_t len;
	if (abstract) {
		strncpy(a.sun_path + 1, path, sizeof(a.sun_path) - 2);
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(path));
	} else {
		strncpy(a.sun_path, path, sizeof(a.sun_path) - 1);
		len = sizeof(a);
	}
	if (connect(s, (struct sockaddr *)&a, len) < 0)
		return report(-1);
	return report(write(s, "x", 1));
}

static int inet(const char *proto, const char *host, int port)
{
	int type = strcmp(proto, "udp") == 0 ? SOCK_DGRAM : SOCK_STREAM;
	int s = socket(AF_INET, type, 0);
	if (s < 0)
		return report(-1);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	inet_pton(AF_INET, host, &a.sin_addr);
	if (type == SOCK_DGRAM)
		return report(sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)));
	return report(connect(s, (struct sockaddr *)&a, sizeof(a)));
}

/* mount(2) a tmpfs on /tmp in a private mount namespace (a new user
 * namespace first when unprivileged, the way an attacker would): never on
 * the host's /tmp, whatever the outcome. */
static int try_mount(void)
{
	int flags = CLONE_NEWNS | (geteuid() ? CLONE_NEWUSER : 0);
	if (unshare(flags) < 0)
		return report(-1);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return report(-1);
	return report(mount("none", "/tmp", "tmpfs", 0, NULL));
}

/* setns(2) into a user namespace a child made (allowed to its owner);
 * when the child cannot make one, setns into our own UTS namespace. */
static int try_setns(void)
{
	int p[2];
	if (pipe(p) < 0)
		return report(-1);
	pid_t c = fork();
	if (c < 0)
		return report(-1);
	if (c == 0) {
		char r = unshare(CLONE_NEWUSER) == 0 ? 'y' : 'n';
		if (write(p[1], &r, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	char r = 'n', path[64];
	if (read(p[0], &r, 1) != 1)
		r = 'n';
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)c, r == 'y' ? "user" : "uts");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	long rc = fd < 0 ? -1 : syscall(SYS_setns, fd, r == 'y' ? CLONE_NEWUSER : CLONE_NEWUTS);
	int e = errno;
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	errno = e;
	return report(rc);
}

static int try_bpf(void)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	return report(syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a)));
}

static int try_perf(void)
{
	struct perf_event_attr a;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_CPU_CLOCK;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	return report(syscall(SYS_perf_event_open, &a, 0, -1, -1, 0));
}

/* A session leader without a controlling terminal opens a fresh pty,
 * which becomes its controlling terminal: there the kernel allows TIOCSTI
 * (legacy_tiocsti), so only a seccomp filter can refuse it.  Exit 3
 * ("not-ctty") when the caller is not such a session leader: then the
 * kernel refuses TIOCSTI by itself and the attempt proves nothing.
 * TIOCLINUX needs no controlling terminal: a pty's driver answers it with
 * its own error, so an EPERM can only be a filter's (need_ctty false).
 * req: the ioctl request; high bits set make the CVE-2019-10063 variant. */
static int pty_ioctl(unsigned long req, void *arg, bool need_ctty)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0)
		return report(-1);
	int s = open(ptsname(m), O_RDWR);
	/* Without a private devpts the new pts node does not open (Landlock,
	 * EACCES): TIOCLINUX is then asked of the master, whose driver
	 * answers it the same way; TIOCSTI has no terminal to inject into. */
	if (s < 0 && !need_ctty)
		s = m;
	if (s < 0)
		return report(-1);
	if (need_ctty && tcgetsid(s) != getsid(0)) {
		printf("not-ctty\n");
		return 3;
	}
	return report(syscall(SYS_ioctl, s, req, arg));
}

/* Does a setuid-root binary (this one, when so installed) give anything?
 * "gained" (exit 0) when the effective uid differs from the real one or
 * any capability is effective; else "none" (exit 1). */
static int suid_gain(void)
{
	char line[256], cap[64] = "?";
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %63s", cap) == 1)
			break;
	if (f)
		fclose(f);
	bool gained = geteuid() != getuid() || strspn(cap, "0") != strlen(cap);
	printf("%s euid=%d capeff=%s\n", gained ? "gained" : "none", (int)geteuid(), cap);
	return gained ? 0 : 1;
}

/* Fork up to n children that wait to be killed; "ok N" when all could be
 * made, else "limited N ERRNO" (exit 1).  All are killed before return. */
static int forkbomb(int n)
{
	pid_t *kids = calloc((size_t)n, sizeof(*kids));
	int made = 0, err = 0;
	if (!kids)
		return report(-1);
	for (; made < n; made++) {
		pid_t c = fork();
		if (c < 0) {
			err = errno;
			break;
		}
		if (c == 0) {
			pause();
			_exit(0);
		}
		kids[made] = c;
	}
	for (int i = 0; i < made; i++)
		kill(kids[i], SIGKILL);
	for (int i = 0; i < made; i++)
		waitpid(kids[i], NULL, 0);
	free(kids);
	if (err) {
		printf("limited %d %s\n", made, errname(err));
		return 1;
	}
	printf("ok %d\n", made);
	return 0;
}

static void idle(void)
{
	for (;;)
		pause();
}

/* A child, a grandchild, a double-forked daemon and a setsid daemon (the
 * setsid may be refused; it must not survive either way), all idle; then
 * "ready" and idle.  Every process keeps this argv (no exec), so the
 * caller finds them all by a marker in it. */
static int tree(void)
{
	if (fork() == 0) {
		if (fork() == 0)
			idle();
		idle();
	}
	pid_t d1 = fork();
	if (d1 == 0) {
		if (fork() == 0)
			idle();
		_exit(0);
	}
	pid_t d2 = fork();
	if (d2 == 0) {
		(void)setsid();
		if (fork() == 0)
			idle();
		_exit(0);
	}
	waitpid(d1, NULL, 0);
	waitpid(d2, NULL, 0);
	printf("ready\n");
	fflush(stdout);
	idle();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: clawshim-probe OP ARGS...\n");
		return 2;
	}
	const char *op = argv[1];
	const char *a = argc > 2 ? argv[2] : "";
	const char *b = argc > 3 ? argv[3] : "";
	char buf[256];
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (!strcmp(op, "read")) {
		int fd = open(a, O_RDONLY);
		return fd < 0 ? report(-1) : report(read(fd, buf, sizeof(buf)));
	}
	if (!strcmp(op, "list")) {
		DIR *d = opendir(a);
		if (!d)
			return report(-1);
		errno = 0;
		while (readdir(d))
			;
		return report(errno ? -1 : 0);
	}
	if (!strcmp(op, "count")) {
		/* "ok N": the entries of a directory, . and .. not counted. */
		DIR *d = opendir(a);
		if (!d)
			return report(-1);
		int n = 0;
		struct dirent *e;
		while ((e = readdir(d)))
			n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
		printf("ok %d\n", n);
		return 0;
	}
	if (!strcmp(op, "write")) {
		int fd = open(a, O_WRONLY | O_CREAT | O_APPEND, 0644);
		return fd < 0 ? report(-1) : report(write(fd, "x\n", 2));
	}
	if (!strcmp(op, "rename"))
		return report(rename(a, b));
	if (!strcmp(op, "link"))
		return report(link(a, b));
	if (!strcmp(op, "truncate"))
		return report(truncate(a, 0));
	if (!strcmp(op, "chmod"))
		return report(chmod(a, (mode_t)strtol(b, NULL, 8)));
	if (!strcmp(op, "unix"))
		return unix_connect(a, 0);
	if (!strcmp(op, "abstract"))
		return unix_connect(a, 1);
	if (!strcmp(op, "tcp") || !strcmp(op, "udp"))
		return inet(op, a, atoi(b));
	if (!strcmp(op, "socket"))
		return report(socket(atoi(a), atoi(b), argc > 4 ? atoi(argv[4]) : 0));
	if (!strcmp(op, "kill"))
		return report(kill(atoi(a), atoi(b)));
	if (!strcmp(op, "ptrace"))
		/* SEIZE, not ATTACH: the control run outside must not leave the
		 * target stopped. */
		return report(ptrace(PTRACE_SEIZE, atoi(a), NULL, NULL));
	if (!strcmp(op, "mount"))
		return try_mount();
	if (!strcmp(op, "unshare"))
		return report(unshare(CLONE_NEWUSER));
	if (!strcmp(op, "setns"))
		return try_setns();
	if (!strcmp(op, "keyctl"))
		return report(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
	if (!strcmp(op, "bpf"))
		return try_bpf();
	if (!strcmp(op, "perf"))
		return try_perf();
	if (!strcmp(op, "userfaultfd"))
		return report(syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY));
	if (!strcmp(op, "io_uring"))
		return report(syscall(__NR_io_uring_setup, 1, memset(buf, 0, sizeof(buf))));
	if (!strcmp(op, "tiocsti")) {
		char c = '#';
		return pty_ioctl(TIOCSTI, &c, true);
	}
	if (!strcmp(op, "tiocsti-hi")) {
		char c = '#';
		return pty_ioctl(0x100000000UL | TIOCSTI, &c, true); /* CVE-2019-10063 */
	}
	if (!strcmp(op, "tioclinux")) {
		char sub = 2;
		return pty_ioctl(TIOCLINUX, &sub, false);
	}
	if (!strcmp(op, "tioclinux-hi")) {
		char sub = 2;
		return pty_ioctl(0x100000000UL | TIOCLINUX, &sub, false);
	}
	if (!strcmp(op, "suid-gain"))
		return suid_gain();
	if (!strcmp(op, "forkbomb"))
		return forkbomb(atoi(a));
	if (!strcmp(op, "tree"))
		return tree();
	if (!strcmp(op, "ready-sleep")) {
		printf("ready\n");
		fflush(stdout);
		sleep((unsigned)atoi(a));
		return 0;
	}
	fprintf(stderr, "clawshim-probe: unknown operation '%s'\n", op);
	return 2;
}
