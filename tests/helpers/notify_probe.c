/* SPDX-License-Identifier: MIT */
/*
 * notify_probe.c: end-to-end check of process/notify.c.
 *
 *   notify_probe DIR      (DIR: an empty directory this user can write)
 *
 * A child loads a filter with notify_add_rules(NOTIFY_UNIX|NOTIFY_META);
 * the parent takes the listener with pidfd_getfd (the child must not use
 * sendmsg, which is notified) and serves it with notify_serve(). The child
 * really tries each operation and prints TAP. As root, the child first
 * drops every capability, so the supervisor (all capabilities) must act
 * with the command's view. Exit status: the number of failures.
 *
 * Build: cc -std=gnu11 -D_GNU_SOURCE -o notify_probe notify_probe.c \
 *        ../../process/notify.c ../../util.c -lseccomp -lpthread
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utime.h>

#include "../../common.h"
#include "../../process/notify.h"

static char D[PATH_MAX];
static int failures, count;
static int other_listener; /* inherited: the child checks nothing reached it */
static int allowed_listener; /* inherited: the child drains its backlog */

static char *dp(const char *rel)
{
	static char buf[4][2 * PATH_MAX];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", D, rel);
	return buf[i];
}

/* rc is the call's return, want_err 0 for success. */
static void check(const char *what, long rc, int err, int want_err)
{
	bool ok = want_err ? (rc < 0 && err == want_err) : rc >= 0;
	count++;
	if (!ok)
		failures++;
	printf("%sok %d - %s", ok ? "" : "not ", count, what);
	if (!ok)
		printf(" (got %ld, %s; want %s)", rc, rc < 0 ? strerror(err) : "success",
		       want_err ? strerror(want_err) : "success");
	printf("\n");
	fflush(stdout);
}
#define TRY(what, call, want) do { errno = 0; long rc_ = (long)(call); check(what, rc_, errno, want); } while (0)

static void truth(const char *what, bool ok)
{
	check(what, ok ? 0 : -1, ok ? 0 : EIO, 0);
}

static int un_connect(int type, const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int s = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	int rc = connect(s, (struct sockaddr *)&a, sizeof(a));
	int e = errno;
	close(s);
	errno = e;
	return rc;
}

static int listener(int type, const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int s = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	unlink(path);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || (type == SOCK_STREAM && listen(s, 64) < 0))
		die_errno("bind %s", path);
	return s;
}

static mode_t mode_of(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}

static void *thread_connect(void *arg)
{
	(void)arg;
	return (void *)(long)(un_connect(SOCK_STREAM, dp("allowed.sock")) == 0 ? 0 : errno);
}

static void test_unix(void)
{
	int fd, sv[2];
	char proc[64];
	struct sockaddr_un a = {.sun_family = AF_UNIX};

	TRY("connect allowed socket (absolute)", un_connect(SOCK_STREAM, dp("allowed.sock")), 0);
	TRY("connect other socket: EACCES", un_connect(SOCK_STREAM, dp("other.sock")), EACCES);
	TRY("connect via symlink to other: EACCES", un_connect(SOCK_STREAM, dp("link-other.sock")), EACCES);
	TRY("connect via symlink to allowed", un_connect(SOCK_STREAM, dp("link-allowed.sock")), 0);
	TRY("connect missing path: ENOENT", un_connect(SOCK_STREAM, dp("nope.sock")), ENOENT);
	if (chdir(D) == 0) {
		TRY("connect allowed socket (relative)", un_connect(SOCK_STREAM, "allowed.sock"), 0);
		TRY("connect other socket (relative, ./..): EACCES",
		    un_connect(SOCK_STREAM, "ok/../other.sock"), EACCES);
	}
	fd = open(dp("other.sock"), O_PATH | O_CLOEXEC);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	TRY("connect other via /proc/self/fd (O_PATH): EACCES", un_connect(SOCK_STREAM, proc), EACCES);
	snprintf(proc, sizeof(proc), "/dev/fd/%d", fd);
	TRY("connect other via /dev/fd: EACCES", un_connect(SOCK_STREAM, proc), EACCES);
	close(fd);
	fd = open(dp("allowed.sock"), O_PATH | O_CLOEXEC);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	TRY("connect allowed via /proc/self/fd (O_PATH)", un_connect(SOCK_STREAM, proc), 0);
	close(fd);

	/* Abstract: refused (the supervisor cannot keep Landlock's scope). */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	memcpy(a.sun_path, "\0clawshim-probe", 15);
	TRY("connect abstract: EACCES", connect(fd, (struct sockaddr *)&a,
		offsetof(struct sockaddr_un, sun_path) + 15), EACCES);
	close(fd);

	/* The socketpair + AF_UNSPEC retargeting trick. */
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	struct sockaddr unspec = {.sa_family = AF_UNSPEC};
	TRY("dgram socketpair: connect AF_UNSPEC", connect(sv[0], &unspec, sizeof(unspec)), 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", dp("other.dgram"));
	TRY("dgram socketpair: then connect other: EACCES",
	    connect(sv[0], (struct sockaddr *)&a, sizeof(a)), EACCES);
	TRY("dgram: sendto other: EACCES", sendto(sv[0], "x", 1, 0, (struct sockaddr *)&a, sizeof(a)), EACCES);
	struct iovec io = {"hello", 5};
	struct msghdr mh = {.msg_name = &a, .msg_namelen = sizeof(a), .msg_iov = &io, .msg_iovlen = 1};
	TRY("dgram: sendmsg named other: EACCES", sendmsg(sv[0], &mh, 0), EACCES);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", dp("allowed.dgram"));
	TRY("dgram: sendto allowed: EACCES (connect only)",
	    sendto(sv[0], "x", 1, 0, (struct sockaddr *)&a, sizeof(a)), EACCES);
	close(sv[0]);
	close(sv[1]);

	/* Unnamed datagrams on a pair: performed by the supervisor. */
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	mh.msg_name = NULL;
	mh.msg_namelen = 0;
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		die_errno("pipe");
	char cbuf[CMSG_SPACE(sizeof(int))] = {0};
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &pfd[1], sizeof(int));
	TRY("dgram pair: sendmsg with SCM_RIGHTS, no name", sendmsg(sv[0], &mh, 0), 0);
	char rb[16] = {0}, rc2[CMSG_SPACE(sizeof(int))];
	struct iovec rio = {rb, sizeof(rb)};
	struct msghdr rm = {.msg_iov = &rio, .msg_iovlen = 1, .msg_control = rc2, .msg_controllen = sizeof(rc2)};
	ssize_t got = recvmsg(sv[1], &rm, MSG_DONTWAIT);
	truth("dgram pair: data arrived", got == 5 && !memcmp(rb, "hello", 5));
	struct cmsghdr *rc = CMSG_FIRSTHDR(&rm);
	int passed = -1;
	if (rc && rc->cmsg_type == SCM_RIGHTS)
		memcpy(&passed, CMSG_DATA(rc), sizeof(int));
	char pb[4] = {0};
	truth("dgram pair: passed fd is our pipe", passed >= 0 && write(passed, "p", 1) == 1 &&
	      read(pfd[0], pb, 1) == 1 && pb[0] == 'p');
	struct mmsghdr mm[2] = {{.msg_hdr = {.msg_iov = &io, .msg_iovlen = 1}},
				{.msg_hdr = {.msg_iov = &io, .msg_iovlen = 1}}};
	TRY("dgram pair: sendmmsg sends (at least) one", sendmmsg(sv[0], mm, 2, 0), 0);
	truth("dgram pair: sendmmsg msg_len set", mm[0].msg_len == 5);
	close(sv[0]);
	close(sv[1]);

	/* Stream pairs and inet sockets: the supervisor performs them too. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	mh = (struct msghdr){.msg_iov = &io, .msg_iovlen = 1};
	TRY("stream pair: sendmsg", sendmsg(sv[0], &mh, 0), 0);
	close(sv[0]);
	close(sv[1]);
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(9), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	TRY("udp: sendto 127.0.0.1:9", sendto(fd, "x", 1, 0, (struct sockaddr *)&in, sizeof(in)), 0);
	close(fd);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	in.sin_port = htons(1);
	TRY("tcp: connect 127.0.0.1:1: ECONNREFUSED (kernel's answer)",
	    connect(fd, (struct sockaddr *)&in, sizeof(in)), ECONNREFUSED);
	close(fd);
	/* The port rules hold for the connect the supervisor performs. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	in.sin_port = htons(2);
	TRY("tcp: connect 127.0.0.1:2 (not in connect_tcp): EACCES",
	    connect(fd, (struct sockaddr *)&in, sizeof(in)), EACCES);
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons(2),
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	int fd6 = socket(AF_INET6, SOCK_STREAM, 0);
	TRY("tcp6: connect [::1]:2 (not in connect_tcp): EACCES",
	    connect(fd6, (struct sockaddr *)&in6, sizeof(in6)), EACCES);
	in6.sin6_port = htons(1);
	TRY("tcp6: connect [::1]:1: ECONNREFUSED",
	    connect(fd6, (struct sockaddr *)&in6, sizeof(in6)), ECONNREFUSED);
	close(fd6);
	in.sin_port = htons(2);
	fd6 = socket(AF_INET, SOCK_DGRAM, 0);
	TRY("udp: sendto 127.0.0.1:2 (not in connect_tcp): EACCES",
	    sendto(fd6, "x", 1, 0, (struct sockaddr *)&in, sizeof(in)), EACCES);
	close(fd6);
	TRY("tcp: connect AF_UNSPEC (disconnect) passes", connect(fd, &unspec, sizeof(unspec)), 0);
	struct sockaddr_storage big = {.ss_family = AF_UNIX};
	memcpy((char *)&big + offsetof(struct sockaddr_un, sun_path), "/x", 3);
	fd6 = socket(AF_UNIX, SOCK_STREAM, 0);
	TRY("unix: connect with an address longer than sockaddr_un: EINVAL",
	    connect(fd6, (struct sockaddr *)&big, sizeof(big)), EINVAL);
	close(fd6);
	close(fd);

	pthread_t th;
	void *res = (void *)-1L;
	pthread_create(&th, NULL, thread_connect, NULL);
	pthread_join(th, &res);
	check("connect allowed from a second thread", res ? -1 : 0, (int)(long)res, 0);
	TRY("io_uring_setup: ENOSYS", syscall(425, 1, NULL), ENOSYS);
}

static void test_meta(bool as_root)
{
	char proc[64];
	int fd, dfd;
	struct timespec ts[2] = {{1000000, 0}, {1000000, 0}};
	struct stat st;

	TRY("chmod inside", chmod(dp("ok/f"), 0600), 0);
	truth("chmod inside: mode is 0600", mode_of(dp("ok/f")) == 0600);
	TRY("chmod outside: EPERM", chmod(dp("out/f"), 0600), EPERM);
	truth("chmod outside: mode unchanged", mode_of(dp("out/f")) == 0644);
	TRY("chmod denied inside writable: EPERM", chmod(dp("ok/deny/f"), 0600), EPERM);
	TRY("chmod symlink inside -> outside: EPERM", chmod(dp("ok/to-out"), 0600), EPERM);
	truth("  ... outside mode unchanged", mode_of(dp("out/f")) == 0644);
	TRY("chmod missing: ENOENT", chmod(dp("ok/missing"), 0600), ENOENT);
	TRY("chmod file/ : ENOTDIR", chmod(dp("ok/f/"), 0600), ENOTDIR);
	fd = open(dp("ok/f"), O_RDONLY | O_CLOEXEC);
	TRY("fchmod inside", fchmod(fd, 0640), 0);
	truth("fchmod inside: mode is 0640", mode_of(dp("ok/f")) == 0640);
	TRY("futimens inside", futimens(fd, ts), 0);
	close(fd);
	fd = open(dp("out/f"), O_RDONLY | O_CLOEXEC);
	TRY("fchmod outside: EPERM", fchmod(fd, 0600), EPERM);
	TRY("futimens outside: EPERM", futimens(fd, ts), EPERM);
	close(fd);
	dfd = open(dp("ok"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	TRY("fchmodat(dirfd, \"f\")", fchmodat(dfd, "f", 0604, 0), 0);
	truth("fchmodat: mode is 0604", mode_of(dp("ok/f")) == 0604);
	TRY("fchmodat(dirfd, \"../out/f\"): EPERM", fchmodat(dfd, "../out/f", 0600, 0), EPERM);
	TRY("fchmodat2 NOFOLLOW on a symlink: EOPNOTSUPP",
	    syscall(452, dfd, "to-out", 0600, AT_SYMLINK_NOFOLLOW), EOPNOTSUPP);
	TRY("fchmodat2 bad flag: EINVAL", syscall(452, dfd, "f", 0600, 0x4), EINVAL);
	/* No setuid or setgid file comes out of a chmod we perform. */
	TRY("chmod 04755 succeeds", chmod(dp("ok/f"), 04755), 0);
	truth("  ... but the mode is 0755", mode_of(dp("ok/f")) == 0755);
	fd = open(dp("ok/f"), O_RDONLY | O_CLOEXEC);
	TRY("fchmod 06755 succeeds", fchmod(fd, 06755), 0);
	truth("  ... but the mode is 0755", mode_of(dp("ok/f")) == 0755);
	close(fd);
	TRY("fchmodat 02755 succeeds", fchmodat(dfd, "f", 02755, 0), 0);
	truth("  ... but the mode is 0755", mode_of(dp("ok/f")) == 0755);
	TRY("fchmodat2 04644 succeeds", syscall(452, dfd, "f", 04644, 0), 0);
	truth("  ... but the mode is 0644", mode_of(dp("ok/f")) == 0644);
	mkdir(dp("ok/shared"), 0755);
	TRY("chmod 02775 on a directory", chmod(dp("ok/shared"), 06775), 0);
	truth("  ... keeps setgid, drops setuid", mode_of(dp("ok/shared")) == 02775);
	TRY("setxattr security.capability: EPERM",
	    setxattr(dp("ok/f"), "security.capability", "\1\0\0\2", 4, 0), EPERM);
	close(dfd);
	/* glibc's lchmod emulation path: chmod("/proc/self/fd/N"). */
	fd = open(dp("out/f"), O_PATH | O_CLOEXEC);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	TRY("chmod /proc/self/fd/N (outside): EPERM", chmod(proc, 0600), EPERM);
	close(fd);
	fd = open(dp("ok/f"), O_PATH | O_CLOEXEC);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	TRY("chmod /proc/self/fd/N (inside)", chmod(proc, 0644), 0);
	truth("  ... mode is 0644", mode_of(dp("ok/f")) == 0644);
	close(fd);
	if (chdir(dp("ok")) == 0)
		TRY("chmod relative to cwd", chmod("f", 0664), 0);

	TRY("chown inside to own ids", chown(dp("ok/f"), geteuid(), getegid()), 0);
	TRY("chown outside: EPERM", chown(dp("out/f"), geteuid(), getegid()), EPERM);
	TRY("lchown symlink inside", lchown(dp("ok/to-out"), geteuid(), getegid()), 0);
	TRY("chown inside to uid 1: EPERM (no CAP_CHOWN)", chown(dp("ok/f"), 1, (gid_t)-1), EPERM);
	if (as_root) {
		TRY("chmod inside, file of another user: EPERM (no CAP_FOWNER)",
		    chmod(dp("ok/nobodys"), 0600), EPERM);
		truth("  ... mode unchanged", mode_of(dp("ok/nobodys")) == 0644);
	}

	TRY("utimensat inside", utimensat(AT_FDCWD, dp("ok/f"), ts, 0), 0);
	truth("  ... mtime set", stat(dp("ok/f"), &st) == 0 && st.st_mtime == 1000000);
	TRY("utimensat outside: EPERM", utimensat(AT_FDCWD, dp("out/f"), ts, 0), EPERM);
	struct timeval tv[2] = {{2000000, 0}, {2000000, 0}};
	TRY("utimes inside", utimes(dp("ok/f"), tv), 0);
	truth("  ... mtime set", stat(dp("ok/f"), &st) == 0 && st.st_mtime == 2000000);
	TRY("utime inside (now)", utime(dp("ok/f"), NULL), 0);
	TRY("utime outside: EPERM", utime(dp("out/f"), NULL), EPERM);

	int x = setxattr(dp("ok/f"), "user.probe", "v1", 2, 0);
	if (x < 0 && errno == EPERM)
		printf("# setxattr: EPERM: no user xattrs here?\n");
	check("setxattr inside", x, errno, 0);
	char v[8] = {0};
	truth("  ... value readable", getxattr(dp("ok/f"), "user.probe", v, sizeof(v)) == 2 && !memcmp(v, "v1", 2));
	TRY("setxattr outside: EPERM", setxattr(dp("out/f"), "user.probe", "v1", 2, 0), EPERM);
	TRY("removexattr inside", removexattr(dp("ok/f"), "user.probe"), 0);
	fd = open(dp("ok/f"), O_RDONLY | O_CLOEXEC);
	TRY("fsetxattr inside", fsetxattr(fd, "user.p2", "x", 1, 0), 0);
	TRY("fremovexattr inside", fremovexattr(fd, "user.p2"), 0);
	close(fd);
	TRY("removexattr outside: EPERM", removexattr(dp("out/f"), "user.probe"), EPERM);
	TRY("setxattrat: ENOSYS", syscall(463, AT_FDCWD, dp("ok/f"), 0, "user.x", NULL, 0), ENOSYS);
}

/* A second thread rewrites the address/path while the first one uses it:
 * the supervisor must act on what it checked, so nothing may ever reach
 * other.sock or change out/f. */
static struct sockaddr_un race_addr;
static char race_path[PATH_MAX];
static volatile int race_stop;

static void *flipper(void *arg)
{
	char a[108], b[108];
	(void)arg;
	snprintf(a, sizeof(a), "%s", dp("allowed.sock"));
	snprintf(b, sizeof(b), "%s", dp("other.sock"));
	for (unsigned i = 0; !race_stop; i++) {
		memcpy(race_addr.sun_path, i & 1 ? a : b, sizeof(a));
		snprintf(race_path, sizeof(race_path), "%s", dp(i & 1 ? "ok/f" : "out/f"));
	}
	return NULL;
}

static void test_races(void)
{
	pthread_t th;
	int okc = 0, deny = 0, other = 0;

	race_addr.sun_family = AF_UNIX;
	snprintf(race_addr.sun_path, sizeof(race_addr.sun_path), "%s", dp("allowed.sock"));
	snprintf(race_path, sizeof(race_path), "%s", dp("ok/f"));
	pthread_create(&th, NULL, flipper, NULL);
	for (int i = 0; i < 3000; i++) {
		int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int rc = connect(s, (struct sockaddr *)&race_addr, sizeof(race_addr));
		rc == 0 ? okc++ : errno == EACCES ? deny++ : other++;
		close(s);
		if (rc == 0)
			close(accept(allowed_listener, NULL, NULL));
		rc = chmod(race_path, i & 1 ? 0600 : 0644);
	}
	race_stop = 1;
	pthread_join(th, NULL);
	printf("# race: %d connected, %d refused, %d other\n", okc, deny, other);
	fcntl(other_listener, F_SETFL, O_NONBLOCK);
	int a = accept(other_listener, NULL, NULL);
	check("race: no connection ever reached other.sock", a, errno, EAGAIN);
	truth("race: out/f mode never changed", mode_of(dp("out/f")) == 0644);
}

/* As root: drop every capability, like a command running as root with
 * none, while the supervisor keeps them all. */
static void drop_caps(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2] = {{0, 0, 0}, {0, 0, 0}};
	if (syscall(SYS_capset, &h, d) < 0)
		die_errno("capset");
}

static int child(int tell, int go)
{
	bool root = geteuid() == 0;
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	char b;

	if (!ctx || notify_add_rules(ctx, NOTIFY_UNIX | NOTIFY_META) < 0)
		die("building the filter");
	if (root)
		drop_caps();
	if (seccomp_load(ctx) < 0)
		die("seccomp_load");
	int nfd = seccomp_notify_fd(ctx);
	if (nfd < 0 || write(tell, &nfd, sizeof(nfd)) != sizeof(nfd) || read(go, &b, 1) != 1)
		die("handing over the listener");
	close(nfd); /* a command holding its listener could answer itself */
	printf("# child uid %d%s\n", (int)geteuid(), root ? ", no capabilities" : "");
	test_unix();
	test_meta(root);
	test_races();
	printf("1..%d\n", count);
	return failures > 125 ? 125 : failures;
}

static void mkfile(const char *p, mode_t m)
{
	int fd = open(p, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, m);
	if (fd < 0 || fchmod(fd, m) < 0)
		die_errno("%s", p);
	close(fd);
}

int main(int argc, char **argv)
{
	int tell[2], go[2], nfd = -1, status;
	struct policy p;
	struct notify_rules r;

	if (argc != 2 || !realpath(argv[1], D))
		die("usage: notify_probe DIR");
	setvbuf(stdout, NULL, _IOLBF, 0);
	mkdir(dp("ok"), 0755);
	mkdir(dp("ok/deny"), 0755);
	mkdir(dp("out"), 0755);
	mkfile(dp("ok/f"), 0644);
	mkfile(dp("ok/deny/f"), 0644);
	mkfile(dp("out/f"), 0644);
	unlink(dp("ok/to-out"));
	if (symlink(dp("out/f"), dp("ok/to-out")) < 0)
		die_errno("symlink");
	if (geteuid() == 0) {
		mkfile(dp("ok/nobodys"), 0644);
		if (chown(dp("ok/nobodys"), 65534, 65534) < 0)
			die_errno("chown");
	}
	int l1 = listener(SOCK_STREAM, dp("allowed.sock"));
	int l2 = listener(SOCK_STREAM, dp("other.sock"));
	other_listener = l2;
	allowed_listener = l1;
	int l3 = listener(SOCK_DGRAM, dp("other.dgram"));
	int l4 = listener(SOCK_DGRAM, dp("allowed.dgram"));
	unlink(dp("link-other.sock"));
	unlink(dp("link-allowed.sock"));
	if (symlink("other.sock", dp("link-other.sock")) < 0 ||
	    symlink(dp("allowed.sock"), dp("link-allowed.sock")) < 0)
		die_errno("symlink");

	memset(&p, 0, sizeof(p));
	p.workspace.val = xstrdup(dp("ok"));
	struct pol_item deny = {.path = xstrdup(dp("ok/deny"))};
	struct pol_item un[2] = {{.path = xstrdup(dp("allowed.sock"))}, {.path = xstrdup(dp("allowed.dgram"))}};
	p.deny = (struct pol_list){&deny, 1, 1};
	p.unix_sockets = (struct pol_list){un, 2, 2};
	struct pol_item ports[2] = {{.num = 1}, {.num = 9}};
	p.connect_tcp = (struct pol_list){ports, 2, 2};
	notify_rules_init(&r, &p);

	if (pipe2(tell, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0)
		die_errno("pipe");
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit(child(tell[1], go[0]));
	}
	int num;
	if (read(tell[0], &num, sizeof(num)) != sizeof(num))
		die("the child did not hand over its listener");
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	nfd = (int)syscall(SYS_pidfd_getfd, pidfd, num, 0);
	if (nfd < 0)
		die_errno("pidfd_getfd");
	if (write(go[1], "g", 1) != 1)
		die_errno("write");
	for (;;) {
		struct pollfd pf = {nfd, POLLIN, 0};
		if (poll(&pf, 1, 200) > 0 && notify_serve(nfd, &r) < 0)
			break;
		if (waitpid(pid, &status, WNOHANG) == pid)
			goto done;
	}
	waitpid(pid, &status, 0);
done:
	close(l1), close(l2), close(l3), close(l4);
	notify_rules_free(&r);
	free(p.workspace.val);
	free(deny.path);
	free(un[0].path);
	free(un[1].path);
	if (!WIFEXITED(status)) {
		printf("not ok - the child died: status %#x\n", status);
		return 1;
	}
	return WEXITSTATUS(status);
}
