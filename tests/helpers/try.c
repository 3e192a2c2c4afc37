/* SPDX-License-Identifier: MIT */
/*
 * try: attempt one operation and report what the kernel said.
 *
 *   try OP ARGS...   prints "ok" (exit 0) or the errno name (exit 1);
 *                    exit 2 for a usage error.
 *
 * The black-box tests run it inside the sandbox, so every claim is checked
 * by a process that really tries (bubblewrap's try-syscall).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
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

static const char *errname(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EACCES: return "EACCES";
	case EBADF: return "EBADF";
	case EEXIST: return "EEXIST";
	case EXDEV: return "EXDEV";
	case EINVAL: return "EINVAL";
	case ENOSYS: return "ENOSYS";
	case EROFS: return "EROFS";
	case EBUSY: return "EBUSY";
	case ENOTTY: return "ENOTTY";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case ECONNREFUSED: return "ECONNREFUSED";
	case EAGAIN: return "EAGAIN";
	case ESRCH: return "ESRCH";
	case EIO: return "EIO";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case ENETUNREACH: return "ENETUNREACH";
	case EFBIG: return "EFBIG";
	case ENXIO: return "ENXIO";
	case EMFILE: return "EMFILE";
	case ENOMEM: return "ENOMEM";
	default: return strerror(e);
	}
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

static int unix_connect(const char *path, int abstract, int type)
{
	int s = socket(AF_UNIX, type, 0);
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
	return report(connect(s, (struct sockaddr *)&a, len));
}

/* socketpair(AF_UNIX, SOCK_DGRAM), then connect(AF_UNSPEC) to drop the
 * peer, then connect to a named socket: the retargeting trick. */
static int retarget(const char *path)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
		return report(-1);
	struct sockaddr un = { .sa_family = AF_UNSPEC };
	connect(sv[0], &un, sizeof(un));
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	strncpy(a.sun_path, path, sizeof(a.sun_path) - 1);
	return report(connect(sv[0], (struct sockaddr *)&a, sizeof(a)));
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

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: try OP ARGS...\n");
		return 2;
	}
	const char *op = argv[1];
	const char *a = argc > 2 ? argv[2] : "";
	const char *b = argc > 3 ? argv[3] : "";
	char buf[256];

	if (!strcmp(op, "read")) {
		int fd = open(a, O_RDONLY);
		if (fd < 0)
			return report(-1);
		return report(read(fd, buf, sizeof(buf)));
	}
	if (!strcmp(op, "open")) {
		/* Open only (a tty would block a read). */
		return report(open(a, O_RDONLY | O_NOCTTY));
	}
	if (!strcmp(op, "openmany")) {
		/* Hold N more descriptors open at once (RLIMIT_NOFILE). */
		for (int i = 0; i < atoi(a); i++)
			if (open("/dev/null", O_RDONLY) < 0)
				return report(-1);
		return report(0);
	}
	if (!strcmp(op, "fds")) {
		/* The open descriptors, space separated (none opened to list them). */
		const char *sep = "";
		for (int fd = 0; fd < 65536; fd++)
			if (fcntl(fd, F_GETFD) != -1) {
				printf("%s%d", sep, fd);
				sep = " ";
			}
		printf("\n");
		return 0;
	}
	if (!strcmp(op, "write")) {
		int fd = open(a, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd < 0)
			return report(-1);
		return report(write(fd, "x\n", 2));
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
	if (!strcmp(op, "exec"))
		return report(execl(a, a, (char *)NULL));
	if (!strcmp(op, "mkdir"))
		return report(mkdir(a, 0755));
	if (!strcmp(op, "unlink"))
		return report(unlink(a));
	if (!strcmp(op, "rename"))
		return report(rename(a, b));
	if (!strcmp(op, "link"))
		return report(link(a, b));
	if (!strcmp(op, "symlink"))
		return report(symlink(a, b));
	if (!strcmp(op, "truncate"))
		return report(truncate(a, 0));
	if (!strcmp(op, "chmod"))
		return report(chmod(a, (mode_t)strtol(b, NULL, 8)));
	if (!strcmp(op, "chown"))
		return report(chown(a, (uid_t)atoi(b), (gid_t)-1));
	if (!strcmp(op, "utime"))
		return report(utimensat(AT_FDCWD, a, NULL, 0));
	if (!strcmp(op, "unix"))
		return unix_connect(a, 0, SOCK_STREAM);
	if (!strcmp(op, "unix-dgram-send")) {
		int s = socket(AF_UNIX, SOCK_DGRAM, 0);
		struct sockaddr_un u = { .sun_family = AF_UNIX };
		strncpy(u.sun_path, a, sizeof(u.sun_path) - 1);
		return report(s < 0 ? -1 : sendto(s, "x", 1, 0, (struct sockaddr *)&u, sizeof(u)));
	}
	if (!strcmp(op, "abstract"))
		return unix_connect(a, 1, SOCK_STREAM);
	if (!strcmp(op, "retarget"))
		return retarget(a);
	if (!strcmp(op, "tcp") || !strcmp(op, "udp"))
		return inet(op, a, atoi(b));
	if (!strcmp(op, "socket"))
		return report(socket(atoi(a), atoi(b), argc > 4 ? atoi(argv[4]) : 0));
	if (!strcmp(op, "tiocsti")) {
		char c = '#';
		return report(ioctl(0, TIOCSTI, &c));
	}
	if (!strcmp(op, "tiocsti-hi")) {
		/* High bits set: a 64-bit compare would miss it (CVE-2019-10063). */
		char c = '#';
		return report(syscall(SYS_ioctl, 0, 0x100000000UL | TIOCSTI, &c));
	}
	if (!strcmp(op, "pty-tiocsti") || !strcmp(op, "pty-tiocsti-hi")) {
		/* A session leader without a controlling terminal opens a fresh
		 * pty, which becomes its controlling terminal: there the kernel
		 * allows TIOCSTI, so only a seccomp filter can refuse it.  Exit 3
		 * ("not-ctty") when the caller is not such a session leader. */
		int m = posix_openpt(O_RDWR | O_NOCTTY);
		if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0)
			return report(-1);
		int s = open(ptsname(m), O_RDWR);
		if (s < 0)
			return report(-1);
		if (tcgetsid(s) != getsid(0)) {
			printf("not-ctty\n");
			return 3;
		}
		char c = '#';
		unsigned long req = TIOCSTI;
		if (!strcmp(op, "pty-tiocsti-hi"))
			req |= 0x100000000UL; /* CVE-2019-10063 */
		return report(syscall(SYS_ioctl, s, req, &c));
	}
	if (!strcmp(op, "bind")) {
		/* Bind TCP 127.0.0.1:PORT (ports < 1024 need CAP_NET_BIND_SERVICE). */
		int s = socket(AF_INET, SOCK_STREAM, 0);
		if (s < 0)
			return report(-1);
		int one = 1;
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(a)) };
		in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return report(bind(s, (struct sockaddr *)&in, sizeof(in)));
	}
	if (!strcmp(op, "tioclinux")) {
		char sub = 2;
		return report(ioctl(0, TIOCLINUX, &sub));
	}
	if (!strcmp(op, "setsid"))
		return report(setsid());
	if (!strcmp(op, "kill"))
		return report(kill(atoi(a), argc > 3 ? atoi(b) : 0));
	if (!strcmp(op, "ptrace"))
		return report(ptrace(PTRACE_ATTACH, atoi(a), NULL, NULL));
	if (!strcmp(op, "mount"))
		return report(mount("none", a[0] ? a : "/tmp", "tmpfs", 0, NULL));
	if (!strcmp(op, "unshare"))
		return report(unshare(CLONE_NEWUSER));
	if (!strcmp(op, "unshare-ns"))
		return report(unshare(CLONE_NEWNS));
	if (!strcmp(op, "setns"))
		return report(syscall(SYS_setns, -1, 0));
	if (!strcmp(op, "keyctl"))
		return report(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
	if (!strcmp(op, "bpf"))
		return report(syscall(SYS_bpf, 0, NULL, 0));
	if (!strcmp(op, "perf"))
		return report(syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
	if (!strcmp(op, "userfaultfd"))
		return report(syscall(SYS_userfaultfd, 0));
	if (!strcmp(op, "io_uring"))
		return report(syscall(425 /* io_uring_setup */, 1, buf));
	if (!strcmp(op, "clone3"))
		return report(syscall(435 /* clone3 */, NULL, 0));
	if (!strcmp(op, "personality"))
		return report(syscall(SYS_personality, 0x0040000));
#ifdef __x86_64__
	if (!strcmp(op, "int80")) {
		/* The i386 ABI from a 64-bit process: getpid (20) via int $0x80. */
		long ret;
		__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
		return report(ret < 0 ? (errno = (int)-ret, -1) : 0);
	}
#endif
	if (!strcmp(op, "syscall"))
		return report(syscall(atol(a), 0, 0, 0, 0, 0, 0));
	if (!strcmp(op, "getuid")) {
		printf("%d\n", (int)getuid());
		return 0;
	}
	if (!strcmp(op, "sleep")) {
		sleep((unsigned)atoi(a));
		return 0;
	}
	fprintf(stderr, "try: unknown operation '%s'\n", op);
	return 2;
}
