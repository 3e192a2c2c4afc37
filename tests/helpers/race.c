/* SPDX-License-Identifier: MIT */
/*
 * race: attacks on the notification supervisor that need two threads,
 * and the ordinary socket work it must keep doing. Run inside the sandbox.
 *
 *   race dgram PATH SECONDS     swap a unix datagram socket onto the fd a
 *                               stream socket had while sendto()/sendmsg()
 *                               name PATH; prints "sent N"
 *   race connect PATH SECONDS   swap a unix stream socket onto the fd an
 *                               AF_INET socket had while connect() names
 *                               PATH; prints "connected N"
 *   race wedge-send             a blocking send on a full socket while a
 *                               thread keeps clearing O_NONBLOCK and
 *                               SO_SNDTIMEO; never returns by itself
 *   race wedge-connect PATH     the same for a connect to PATH (a unix
 *                               listener whose backlog is full)
 *   race nbconnect HOST PORT    non-blocking TCP connect: prints the first
 *                               answer (EINPROGRESS), the final one, and
 *                               those of two more connects (0, EISCONN)
 *   race eintr                  a blocking send interrupted by a signal:
 *                               prints "EINTR late 0" (nothing sent later)
 *   race pair                   socketpair work: sendmsg with SCM_RIGHTS,
 *                               sendmmsg of 3 datagrams, sendto on a
 *                               connected stream; prints "pair ok"
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define NUM 100 /* the descriptor number both threads fight over */

static atomic_int stop;
static int swap_a, swap_b;

static void *swapper(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		dup2(swap_a, NUM);
		dup2(swap_b, NUM);
	}
	return NULL;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static socklen_t un_addr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "%s", path);
	return (socklen_t)sizeof(*a);
}

static void start_swapper(pthread_t *th, int a, int b)
{
	swap_a = a;
	swap_b = b;
	dup2(a, NUM);
	if (pthread_create(th, NULL, swapper, NULL) != 0) {
		perror("pthread_create");
		exit(2);
	}
}

/* The datagram race: checked as a stream socket, sent as a datagram. */
static int race_dgram(const char *path, double secs)
{
	struct sockaddr_un a;
	socklen_t len = un_addr(&a, path);
	int st = socket(AF_UNIX, SOCK_STREAM, 0), dg = socket(AF_UNIX, SOCK_DGRAM, 0);
	pthread_t th;
	long tries = 0, sent = 0, eacces = 0;

	start_swapper(&th, st, dg);
	for (double end = now() + secs; now() < end; tries++) {
		ssize_t n;
		if (tries & 1) {
			struct iovec iov = {(void *)"x", 1};
			struct msghdr mh = {.msg_name = &a, .msg_namelen = len, .msg_iov = &iov,
					    .msg_iovlen = 1};
			n = sendmsg(NUM, &mh, MSG_DONTWAIT);
		} else {
			n = sendto(NUM, "x", 1, MSG_DONTWAIT, (struct sockaddr *)&a, len);
		}
		if (n == 1)
			sent++;
		else if (errno == EACCES)
			eacces++;
	}
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	printf("sent %ld\n# tries %ld, EACCES %ld\n", sent, tries, eacces);
	return 0;
}

/* The connect race: checked as AF_INET, connected as AF_UNIX. */
static int race_connect(const char *path, double secs)
{
	struct sockaddr_un a;
	socklen_t len = un_addr(&a, path);
	int in = socket(AF_INET, SOCK_STREAM, 0), un = socket(AF_UNIX, SOCK_STREAM, 0);
	pthread_t th;
	long tries = 0, connected = 0, eacces = 0;

	if (in < 0) {
		printf("socket AF_INET: %s\n", strerror(errno));
		return 1;
	}
	start_swapper(&th, in, un);
	for (double end = now() + secs; now() < end && !connected; tries++) {
		if (connect(NUM, (struct sockaddr *)&a, len) == 0)
			connected++;
		else if (errno == EACCES)
			eacces++;
	}
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	printf("connected %ld\n# tries %ld, EACCES %ld\n", connected, tries, eacces);
	return 0;
}

/* Keep clearing what bounded the supervisor's wait on a shared socket. */
static void *unbound(void *arg)
{
	int s = *(int *)arg;
	struct timeval zero = {0, 0};
	while (!atomic_load(&stop)) {
		fcntl(s, F_SETFL, fcntl(s, F_GETFL) & ~O_NONBLOCK);
		setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &zero, sizeof(zero));
	}
	return NULL;
}

static int wedge_send(void)
{
	int sv[2];
	char buf[4096] = {0};
	pthread_t th;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
		return perror("socketpair"), 2;
	while (send(sv[0], buf, sizeof(buf), MSG_DONTWAIT) > 0)
		; /* fill the peer's queue; sv[1] never reads */
	pthread_create(&th, NULL, unbound, &sv[0]);
	struct iovec iov = {buf, sizeof(buf)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	printf("sending\n");
	fflush(stdout);
	for (;;)
		sendmsg(sv[0], &mh, 0); /* blocks: notified, performed outside */
}

static int wedge_connect(const char *path)
{
	struct sockaddr_un a;
	socklen_t len = un_addr(&a, path);
	pthread_t th;
	int s = -1;

	/* Fill the listener's backlog with non-blocking connects. */
	for (int i = 0; i < 64; i++) {
		int f = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (connect(f, (struct sockaddr *)&a, len) < 0 && errno == EAGAIN) {
			close(f);
			break;
		}
	}
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	pthread_create(&th, NULL, unbound, &s);
	printf("connecting\n");
	fflush(stdout);
	for (;;)
		if (connect(s, (struct sockaddr *)&a, len) == 0)
			printf("connected\n");
	return 0;
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* A blocking send interrupted by a signal fails with EINTR and sends
 * nothing, not even later: prints "EINTR late 0". */
static int eintr(void)
{
	int sv[2];
	char buf[64];
	struct sigaction sa = {.sa_handler = on_alarm}; /* no SA_RESTART */
	struct itimerval it = {{0, 0}, {0, 200000}};

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
		return perror("socketpair"), 2;
	while (send(sv[0], "fill", 4, MSG_DONTWAIT) > 0)
		;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	struct iovec iov = {(void *)"LATE", 4};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n = sendmsg(sv[0], &mh, 0);
	printf("%s", n < 0 && errno == EINTR ? "EINTR" : "not-interrupted");
	int late = 0;
	for (int round = 0; round < 2; round++) {
		ssize_t r;
		while ((r = recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT)) > 0)
			late += r == 4 && !memcmp(buf, "LATE", 4);
		usleep(400000); /* room now: a send left waiting would go out */
	}
	printf(" late %d\n", late);
	return 0;
}

static int nbconnect(const char *host, int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), err = 0;
	socklen_t el = sizeof(err);

	inet_pton(AF_INET, host, &a.sin_addr);
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) == 0) {
		printf("0\n");
	} else {
		printf("%s\n", errno == EINPROGRESS ? "EINPROGRESS" : strerror(errno));
		if (errno != EINPROGRESS)
			return 1;
	}
	struct pollfd pf = {s, POLLOUT, 0};
	poll(&pf, 1, 5000);
	getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el);
	printf("%s\n", err ? strerror(err) : "connected");
	/* Linux answers 0 to the next connect (it completes the state
	 * change), then EISCONN. */
	for (int i = 0; !err && i < 2; i++)
		printf("%s\n", connect(s, (struct sockaddr *)&a, sizeof(a)) == 0 ? "0" :
		       errno == EISCONN ? "EISCONN" : strerror(errno));
	return err ? 1 : 0;
}

static int fail(const char *what)
{
	printf("pair: %s: %s\n", what, strerror(errno));
	return 1;
}

static int pair(void)
{
	int st[2], dg[2];
	char buf[64];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, st) < 0 || socketpair(AF_UNIX, SOCK_DGRAM, 0, dg) < 0)
		return fail("socketpair");
	/* sendmsg with a descriptor: the peer receives a working copy. */
	union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } c;
	struct iovec iov = {(void *)"fd", 2};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.b,
			    .msg_controllen = sizeof(c.b)};
	struct cmsghdr *ch = CMSG_FIRSTHDR(&mh);
	ch->cmsg_level = SOL_SOCKET;
	ch->cmsg_type = SCM_RIGHTS;
	ch->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(ch), &dg[0], sizeof(int));
	if (sendmsg(st[0], &mh, 0) != 2)
		return fail("sendmsg SCM_RIGHTS");
	struct msghdr rh = {.msg_iov = &(struct iovec){buf, sizeof(buf)}, .msg_iovlen = 1,
			    .msg_control = c.b, .msg_controllen = sizeof(c.b)};
	if (recvmsg(st[1], &rh, 0) != 2 || !CMSG_FIRSTHDR(&rh))
		return fail("recvmsg SCM_RIGHTS");
	int got;
	memcpy(&got, CMSG_DATA(CMSG_FIRSTHDR(&rh)), sizeof(int));
	if (send(got, "via", 3, 0) != 3 || recv(dg[1], buf, sizeof(buf), 0) != 3)
		return fail("the passed descriptor");
	/* sendmmsg: three datagrams, the count is three, each msg_len set. */
	struct mmsghdr mm[3];
	struct iovec mi[3] = {{(void *)"a", 1}, {(void *)"bb", 2}, {(void *)"ccc", 3}};
	memset(mm, 0, sizeof(mm));
	for (int i = 0; i < 3; i++)
		mm[i].msg_hdr = (struct msghdr){.msg_iov = &mi[i], .msg_iovlen = 1};
	int n = sendmmsg(dg[0], mm, 3, 0);
	if (n != 3 || mm[0].msg_len != 1 || mm[1].msg_len != 2 || mm[2].msg_len != 3)
		return printf("pair: sendmmsg: %d (%s)\n", n, n < 0 ? strerror(errno) : "short"), 1;
	for (int i = 1; i <= 3; i++)
		if (recv(dg[1], buf, sizeof(buf), 0) != i)
			return fail("sendmmsg datagrams");
	/* sendto with an address on a connected stream: the kernel's EISCONN. */
	struct sockaddr_un a;
	socklen_t len = un_addr(&a, "/nonexistent");
	if (sendto(st[0], "x", 1, 0, (struct sockaddr *)&a, len) >= 0 || errno != EISCONN)
		return fail("sendto on a connected stream (want EISCONN)");
	/* EPIPE, with SIGPIPE ignored as a program would. */
	signal(SIGPIPE, SIG_IGN);
	close(st[1]);
	if (sendmsg(st[0], &mh, 0) >= 0 || errno != EPIPE)
		return fail("sendmsg to a closed peer (want EPIPE)");
	printf("pair ok\n");
	return 0;
}

/* sendmsg whose SCM_RIGHTS header claims more descriptors than the
 * control buffer holds (cmsg_len past msg_controllen), with many open
 * descriptors behind it, a few hundred times: the kernel says EINVAL,
 * and a supervisor that trusted the length would read and write past
 * its copy.  Prints "cmsg EINVAL N" (N rounds answered EINVAL). */
static int bad_cmsg(void)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return fail("socketpair");
	int dn = open("/dev/null", O_RDONLY);
	for (int i = 3; i < 512 && dn >= 0; i++)
		if (i != sv[0] && i != sv[1] && i != dn)
			dup2(dn, i);
	int einval = 0, rounds = 300;
	for (int r = 0; r < rounds; r++) {
		union { char b[4096]; struct cmsghdr align; } u;
		memset(&u, 0, sizeof(u));
		struct cmsghdr *cm = &u.align;
		cm->cmsg_len = CMSG_LEN((r % 2 ? 1028 : 300) * sizeof(int));
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(cm), &dn, sizeof(dn));
		char d = 'x';
		struct iovec io = { &d, 1 };
		struct msghdr mh = { .msg_iov = &io, .msg_iovlen = 1, .msg_control = u.b,
				     .msg_controllen = CMSG_SPACE(sizeof(int)) };
		if (sendmsg(sv[0], &mh, MSG_DONTWAIT) < 0 && errno == EINVAL)
			einval++;
	}
	printf("cmsg EINVAL %d\n", einval);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 4 && !strcmp(argv[1], "dgram"))
		return race_dgram(argv[2], atof(argv[3]));
	if (argc >= 4 && !strcmp(argv[1], "connect"))
		return race_connect(argv[2], atof(argv[3]));
	if (argc >= 2 && !strcmp(argv[1], "wedge-send"))
		return wedge_send();
	if (argc >= 3 && !strcmp(argv[1], "wedge-connect"))
		return wedge_connect(argv[2]);
	if (argc >= 4 && !strcmp(argv[1], "nbconnect"))
		return nbconnect(argv[2], atoi(argv[3]));
	if (argc >= 2 && !strcmp(argv[1], "pair"))
		return pair();
	if (argc >= 2 && !strcmp(argv[1], "eintr"))
		return eintr();
	if (argc >= 2 && !strcmp(argv[1], "bad-cmsg"))
		return bad_cmsg();
	fprintf(stderr, "usage: race dgram|connect PATH SECONDS | wedge-send | wedge-connect PATH |"
		" nbconnect HOST PORT | pair | eintr | bad-cmsg\n");
	return 2;
}
