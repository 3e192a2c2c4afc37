/* SPDX-License-Identifier: MIT */
/*
 * notify_net.c: connect() and the send calls of the command, performed by
 * the notification supervisor on its own duplicate of the command's socket.
 *
 * Why we perform and never answer CONTINUE: CONTINUE makes the kernel look
 * up descriptor N again after our check, and another thread of the command
 * can dup2() a different socket onto N in between (an AF_INET socket at
 * check time, an AF_UNIX one that connects to docker.sock at use time).
 * The duplicate we take with pidfd_getfd() is the same open file
 * description as the command's socket, so connect()/sendmsg() on it act
 * on the command's socket, and its domain and type, which we check on the
 * duplicate, cannot change under us.  Addresses and data are copied first.
 *
 * Why a worker thread: the supervisor's loop also forwards signals and
 * runs the timeout, so it must never block on an object the command
 * controls.  A connect can block for minutes (a remote host dropping
 * SYNs, a unix listener whose backlog is full) whatever the socket's flags
 * were when we looked: the command can clear O_NONBLOCK or reset
 * SO_SNDTIMEO from another thread at any moment.  So connect() always runs
 * in a worker, which answers the notification itself.  A send is tried
 * once at once with MSG_DONTWAIT (a per-call flag the command cannot
 * change); only when that would block and the command asked to wait does
 * a worker wait, in poll() slices, checking between slices that the
 * notification is still pending, so a call the command abandoned (a
 * signal interrupted it) never sends later.  At most JOBS_MAX calls wait
 * at once: past that the call fails with EAGAIN.
 *
 * What the command sees is the kernel's own answer for its socket
 * (EINPROGRESS on a non-blocking connect, EISCONN, ECONNREFUSED, EPIPE
 * with SIGPIPE unless MSG_NOSIGNAL, the count of sendmmsg), except that:
 * a send copies at most DGRAM_MAX bytes (a stream socket gets a short
 * count, a datagram EMSGSIZE); a blocking send that found the socket full
 * may come back short on a stream; a blocking connect interrupted by a
 * signal goes on in the worker (TCP does the same in the kernel; a unix
 * connect may so complete after the command saw EINTR); the peer sees the
 * supervisor's pid in SO_PEERCRED and SCM_CREDENTIALS (same uid and gid).
 *
 * Landlock's TCP port rules confine the command, not the supervisor, so
 * an AF_INET/AF_INET6 connect (and a send with an address: TCP Fast
 * Open, a UDP socket passed in from outside) is checked against the same
 * rules here first (notify_may_connect_inet).  That check on a copied
 * address followed by connect_perform() on the duplicate is the path a
 * proxy-only policy uses too.
 */
#include "notify_int.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

#define JOBS_MAX 32          /* workers at once; then EAGAIN */
#define WAIT_SLICE_MS 100    /* a waiting send re-checks its notification */
#define MMSG_MAX 1024        /* UIO_MAXIOV: the kernel's cap on vlen */
#define RIGHTS_MAX 253       /* SCM_MAX_FD */

#define DUPS_HELD_MAX 256    /* SCM_RIGHTS copies held by all jobs at once */

/* Why a cap across jobs: waiting workers hold their copies of the
 * descriptors a message carries; without it a command could fill the
 * supervisor's descriptor table, which the loop needs to serve, kill
 * and clean up. Past it a send fails with ETOOMANYREFS, the kernel's
 * answer for too many descriptors in flight. */
static atomic_int dups_held;

/* One message, copied out of the command's memory. */
struct nt_msg {
	struct msghdr mh;               /* points at the fields below */
	struct iovec iov;
	struct sockaddr_storage name;
	char *data, *ctl;
	int dups[RIGHTS_MAX];           /* our copies of SCM_RIGHTS fds */
	size_t ndups;
};

/* A call performed for the command, by the loop or by a worker. */
struct nt_job {
	bool connect;                   /* else a send */
	int nfd;                        /* a worker's own dup of the listener */
	int loop_nfd;                   /* the loop's, while the loop runs it */
	uint64_t id;
	int sock;                       /* our dup of the command's socket */
	int ofd;                        /* connect: the checked unix socket, or -1 */
	uint64_t capeff;                /* the command's effective capabilities */
	pid_t tgid, tid;
	struct sockaddr_storage addr;   /* connect */
	socklen_t addrlen;
	int nr, flags;                  /* send */
	bool stream;
	struct nt_msg *msgs;
	size_t nmsgs;
	int memfd;                      /* sendmmsg: /proc/TID/mem for msg_len */
	uint64_t vec;
	struct nt_job *next;            /* the workers' queue */
};

static void job_free(struct nt_job *j)
{
	for (size_t i = 0; i < j->nmsgs; i++) {
		atomic_fetch_sub(&dups_held, (int)j->msgs[i].ndups);
		while (j->msgs[i].ndups)
			close(j->msgs[i].dups[--j->msgs[i].ndups]);
		free(j->msgs[i].data);
		free(j->msgs[i].ctl);
	}
	free(j->msgs);
	if (j->sock >= 0)
		close(j->sock);
	if (j->ofd >= 0)
		close(j->ofd);
	if (j->memfd >= 0)
		close(j->memfd);
	if (j->nfd >= 0)
		close(j->nfd);
	free(j);
}

/* Lower this thread's effective capabilities to the command's (capset
 * acts on the calling thread only); nt_creds_leave(cs) restores them. */
static int caps_lower(uint64_t capeff, struct capsave *cs)
{
	struct __user_cap_data_struct nd[2];

	cs->changed = false;
	cs->h = (struct __user_cap_header_struct){_LINUX_CAPABILITY_VERSION_3, 0};
	if (syscall(SYS_capget, &cs->h, cs->d) < 0)
		return -1;
	memcpy(nd, cs->d, sizeof(nd));
	nd[0].effective &= (uint32_t)capeff;
	nd[1].effective &= (uint32_t)(capeff >> 32);
	if (nd[0].effective == cs->d[0].effective && nd[1].effective == cs->d[1].effective)
		return 0;
	if (syscall(SYS_capset, &cs->h, nd) < 0)
		return -1;
	cs->changed = true;
	return 0;
}

/* ---- performing ---- */

/* connect() the duplicate: to the checked unix socket through
 * /proc/self/fd/N (the inode we checked, not a path that could be
 * swapped), or to the copied address. May block: workers only. */
static int64_t connect_perform(struct nt_job *j)
{
	struct sockaddr_un via = {.sun_family = AF_UNIX};
	const struct sockaddr *a = (const struct sockaddr *)&j->addr;
	socklen_t len = j->addrlen;

	if (j->ofd >= 0) {
		snprintf(via.sun_path, sizeof(via.sun_path), "/proc/self/fd/%d", j->ofd);
		a = (const struct sockaddr *)&via;
		len = sizeof(via);
	}
	return connect(j->sock, a, len) < 0 ? -errno : 0;
}

/* Is notification `id` still pending (its thread still waiting)? */
static bool still_pending(const struct nt_job *j)
{
	return ioctl(j->nfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &j->id) == 0;
}

/* Wait until the socket may take more, in slices; 0, -EAGAIN when the
 * socket's send timeout ran out, 1 when the command gave up the call. */
static int wait_writable(struct nt_job *j, const struct timespec *deadline)
{
	struct pollfd pf = {j->sock, POLLOUT, 0};
	struct timespec now;

	(void)poll(&pf, 1, WAIT_SLICE_MS);
	if (!still_pending(j))
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (deadline->tv_sec && (now.tv_sec > deadline->tv_sec ||
				 (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec)))
		return -EAGAIN;
	return 0;
}

/* The send timeout the command set (SO_SNDTIMEO), as a deadline; zero
 * seconds when none. Read once: a later change only shortens the call. */
static void send_deadline(int sock, struct timespec *dl)
{
	struct timeval tv = {0, 0};
	socklen_t sl = sizeof(tv);

	dl->tv_sec = 0;
	dl->tv_nsec = 0;
	if (getsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tv, &sl) < 0 || (!tv.tv_sec && !tv.tv_usec))
		return;
	if (tv.tv_sec > (1L << 30))
		tv.tv_sec = 1L << 30; /* decades: no overflow below */
	clock_gettime(CLOCK_MONOTONIC, dl);
	dl->tv_sec += tv.tv_sec + (dl->tv_nsec + tv.tv_usec * 1000L) / 1000000000L;
	dl->tv_nsec = (dl->tv_nsec + tv.tv_usec * 1000L) % 1000000000L;
}

/* Send the copied messages, never blocking: MSG_DONTWAIT on every call.
 * With `wait`, the first message waits for room (see the top). Returns
 * what the syscall returns: bytes (sendto, sendmsg) or messages sent
 * (sendmmsg), -errno, or ANSWER_LATER when the command gave up the call
 * or, without `wait`, when the first message must wait. */
static int64_t send_perform(struct nt_job *j, bool wait)
{
	bool may_wait = !(j->flags & MSG_DONTWAIT) && !(fcntl(j->sock, F_GETFL) & O_NONBLOCK);
	struct timespec dl = {0, 0};
	size_t sent = 0;
	ssize_t n = 0;

	if (wait)
		send_deadline(j->sock, &dl);
	for (size_t i = 0; i < j->nmsgs; i++) {
		for (;;) {
			n = sendmsg(j->sock, &j->msgs[i].mh, j->flags | MSG_DONTWAIT | MSG_NOSIGNAL);
			if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK) || i > 0 || !may_wait)
				break;
			if (!wait)
				return ANSWER_LATER;
			int w = wait_writable(j, &dl);
			if (w == 1)
				return ANSWER_LATER;
			if (w < 0) {
				errno = -w;
				break;
			}
		}
		if (n < 0)
			break;
		if (j->nr == SYS_sendmmsg) {
			unsigned int len = (unsigned int)n;
			off_t at = (off_t)(j->vec + i * sizeof(struct mmsghdr) +
					   offsetof(struct mmsghdr, msg_len));
			if (pwrite(j->memfd, &len, sizeof(len), at) != (ssize_t)sizeof(len))
				return sent ? (int64_t)sent : -EFAULT;
		}
		sent++;
	}
	if (n < 0 && sent == 0) {
		int e = errno;
		/* The kernel would have raised SIGPIPE in the command. */
		if (e == EPIPE && j->stream && !(j->flags & MSG_NOSIGNAL) &&
		    ioctl(j->nfd >= 0 ? j->nfd : j->loop_nfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &j->id) == 0)
			syscall(SYS_tgkill, j->tgid, j->tid, SIGPIPE); /* still waiting: its tid */
		return -e;
	}
	return j->nr == SYS_sendmmsg ? (int64_t)sent : n;
}

/* The workers: a pool that grows to JOBS_MAX threads and keeps them, so
 * a connect costs a wake-up, not a thread. Under pool_mu. */
static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_cv = PTHREAD_COND_INITIALIZER;
static struct nt_job *pool_head, *pool_tail;
static int pool_threads, pool_idle, pool_queued, jobs_running;

/* Perform one job with the command's capabilities, answer, free it. */
static void run_job(struct nt_job *j)
{
	struct capsave cs;
	int64_t rc;

	if (caps_lower(j->capeff, &cs) < 0)
		rc = nt_internal(EACCES, "capset");
	else
		rc = j->connect ? connect_perform(j) : send_perform(j, true);
	nt_creds_leave(&cs); /* this thread's own capabilities back */
	if (rc != ANSWER_LATER)
		nt_respond(j->nfd, j->id, rc);
	job_free(j);
}

static void *worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&pool_mu);
	for (;;) {
		while (!pool_head) {
			pool_idle++;
			pthread_cond_wait(&pool_cv, &pool_mu);
			pool_idle--;
		}
		struct nt_job *j = pool_head;
		pool_head = j->next;
		if (!pool_head)
			pool_tail = NULL;
		pool_queued--;
		pthread_mutex_unlock(&pool_mu);
		run_job(j);
		pthread_mutex_lock(&pool_mu);
		jobs_running--;
	}
	return NULL;
}

/* One more worker; 0 or an error number. Under pool_mu. */
static int spawn_worker(void)
{
	pthread_attr_t at;
	pthread_t th;
	sigset_t all, old;
	int rc;

	if ((rc = pthread_attr_init(&at)) != 0)
		return rc;
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&at, 128 * 1024);
	/* Signals stay the loop's (its signalfd): workers block them all. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&th, &at, worker, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&at);
	if (rc == 0)
		pool_threads++;
	return rc;
}

/* Hand `j` to a worker (which answers and frees it); ANSWER_LATER, or
 * -EAGAIN (j freed) when JOBS_MAX calls already wait or no worker can
 * start. */
static int64_t start_worker(struct nt_job *j, int nfd)
{
	j->nfd = fcntl(nfd, F_DUPFD_CLOEXEC, 3); /* the loop may close its own */
	if (j->nfd < 0) {
		job_free(j);
		return -EAGAIN;
	}
	pthread_mutex_lock(&pool_mu);
	/* Every idle worker may be spoken for by jobs queued before. */
	if (jobs_running >= JOBS_MAX ||
	    (pool_idle <= pool_queued && spawn_worker() != 0 && pool_threads == 0)) {
		pthread_mutex_unlock(&pool_mu);
		job_free(j);
		return -EAGAIN;
	}
	jobs_running++;
	pool_queued++;
	j->next = NULL;
	if (pool_tail)
		pool_tail->next = j;
	else
		pool_head = j;
	pool_tail = j;
	pthread_cond_signal(&pool_cv);
	pthread_mutex_unlock(&pool_mu);
	return ANSWER_LATER;
}

/* ---- connect ---- */

/* Resolve the named unix path as the target would and keep it when it is
 * one of [network] unix: j->ofd. 0 or -errno. */
static int check_named(struct target *t, const struct notify_rules *r,
		       struct nt_job *j, const char *path)
{
	struct capsave cs;
	struct stat st;
	char canon[PATH_MAX];
	int rc = 0;

	if ((rc = nt_creds_enter(t, &cs)) < 0)
		return rc;
	/* Follow every symlink, the socket's own too: the kernel would. */
	j->ofd = nt_open_object(t, AT_FDCWD, path, 0);
	nt_creds_leave(&cs);
	if (j->ofd < 0) {
		rc = j->ofd;
		j->ofd = -1;
		return rc;
	}
	if (fstat(j->ofd, &st) < 0)
		return -EACCES;
	if (nt_object_path(j->ofd, canon, sizeof(canon)) < 0) {
		audit_deny("unix-connect", "(not reachable from clawshim's root)", t->tid);
		return -EACCES;
	}
	if (!notify_may_connect(r, canon)) {
		audit_deny("unix-connect", canon, t->tid);
		return -EACCES; /* not one of [network] unix */
	}
	if (!S_ISSOCK(st.st_mode))
		return -ECONNREFUSED;
	return 0;
}

/* Decide a connect on the copied address; 0 when it may be performed. */
static int connect_decide(struct target *t, const struct notify_rules *r,
			  struct nt_job *j, int domain)
{
	const struct sockaddr_un *un = (const struct sockaddr_un *)&j->addr;
	size_t off = offsetof(struct sockaddr_un, sun_path);

	if (domain != AF_UNIX) {
		if (notify_may_connect_inet(r, &j->addr, j->addrlen)) {
			uint16_t port = 0;
			if (j->addrlen >= sizeof(struct sockaddr_in))
				memcpy(&port, (const char *)&j->addr + offsetof(struct sockaddr_in, sin_port),
				       sizeof(port));
			/* The proxy learns which process each of its
			 * connections comes from (and refuses the others). */
			if (r->domains && r->on_proxy && ntohs(port) == r->proxy_port)
				return r->on_proxy(j->sock, j->tgid);
			return 0;
		}
		if (r->on_direct)
			r->on_direct(j->tgid, &j->addr, j->addrlen);
		return -EACCES;
	}
	if (un->sun_family != AF_UNIX || j->addrlen <= off)
		return 0; /* AF_UNSPEC (a disconnect) or malformed: nothing is looked up */
	/* Abstract: our connect would escape Landlock's abstract-socket
	 * scope, which binds only the sandbox. */
	if (un->sun_path[0] == '\0') {
		audit_deny("unix-connect", "(abstract)", t->tid);
		return -EACCES;
	}
	if (j->addrlen > sizeof(struct sockaddr_un))
		return -EINVAL; /* what the kernel says */
	char path[sizeof(un->sun_path) + 1];
	memcpy(path, un->sun_path, j->addrlen - off);
	path[j->addrlen - off] = '\0';
	return check_named(t, r, j, path);
}

static int64_t handle_connect(struct target *t, const struct seccomp_notif *n,
			      const struct notify_rules *r, int nfd, struct nt_job *j,
			      int domain)
{
	int len = (int)n->data.args[2];
	int rc;

	if (len < 0 || (size_t)len > sizeof(j->addr))
		return -EINVAL;
	j->connect = true;
	j->addrlen = (socklen_t)len;
	if (len && (rc = nt_mem_read(t->tid, n->data.args[1], &j->addr, (size_t)len)) < 0)
		return rc;
	if ((rc = connect_decide(t, r, j, domain)) < 0)
		return rc;
	/* Everything came from the notifying thread only if it still waits. */
	if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &n->id) < 0)
		return -ESRCH;
	return ANSWER_LATER;
}

/* ---- send ---- */

/* Translate SCM_RIGHTS descriptors from the target's numbers to ours. */
static int translate_rights(struct target *t, struct nt_msg *m)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m->mh); c; c = CMSG_NXTHDR(&m->mh, c)) {
		/* The lengths are the command's: CMSG_FIRSTHDR checks none,
		 * and a cmsg_len past the copied buffer would have us read
		 * and write beyond it.  The kernel's answer is EINVAL. */
		size_t off = (size_t)((char *)c - (char *)m->mh.msg_control);
		if (c->cmsg_len < CMSG_LEN(0) || c->cmsg_len > m->mh.msg_controllen - off)
			return -EINVAL;
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue; /* anything else: the kernel judges it */
		size_t cnt = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		int *fds = (int *)CMSG_DATA(c);
		for (size_t i = 0; i < cnt; i++) {
			if (m->ndups == RIGHTS_MAX)
				return -ETOOMANYREFS;
			if (atomic_fetch_add(&dups_held, 1) >= DUPS_HELD_MAX) {
				atomic_fetch_sub(&dups_held, 1);
				return -ETOOMANYREFS;
			}
			int d = nt_target_getfd(t, fds[i]);
			if (d < 0) {
				atomic_fetch_sub(&dups_held, 1);
				return d;
			}
			m->dups[m->ndups++] = d;
			fds[i] = d;
		}
	}
	return 0;
}

/* Copy one message (a struct msghdr in the target at `at`, or the sendto
 * arguments, whose one iovec is ours: local_iov) into m, at most *budget data bytes (a stream takes a short
 * count, a datagram EMSGSIZE). 0 or -errno. */
static int copy_msg(struct target *t, struct nt_job *j, const struct msghdr *rmh,
		    bool local_iov, struct nt_msg *m, size_t *budget)
{
	struct iovec *riov = NULL;
	size_t total = 0;
	int rc = 0;

	if (rmh->msg_namelen > sizeof(m->name))
		return -EINVAL;
	if (rmh->msg_iovlen > IOV_MAX)
		return -EMSGSIZE;
	if (rmh->msg_controllen > CONTROL_MAX)
		return -ENOBUFS;
	if (rmh->msg_name && rmh->msg_namelen &&
	    (rc = nt_mem_read(t->tid, (uintptr_t)rmh->msg_name, &m->name, rmh->msg_namelen)) < 0)
		return rc;
	riov = calloc(rmh->msg_iovlen ? rmh->msg_iovlen : 1, sizeof(*riov));
	if (!riov)
		return (int)nt_internal(EACCES, "allocating");
	if (local_iov)
		memcpy(riov, rmh->msg_iov, rmh->msg_iovlen * sizeof(*riov));
	else if (rmh->msg_iovlen &&
		 (rc = nt_mem_read(t->tid, (uintptr_t)rmh->msg_iov, riov,
				   rmh->msg_iovlen * sizeof(*riov))) < 0)
		goto out;
	for (size_t i = 0; i < rmh->msg_iovlen; i++) {
		if (riov[i].iov_len > SSIZE_MAX - total) {
			rc = -EINVAL;
			goto out;
		}
		total += riov[i].iov_len;
	}
	if (total > *budget && !j->stream) {
		rc = -EMSGSIZE;
		goto out;
	}
	if (total > *budget)
		total = *budget;
	m->data = malloc(total ? total : 1);
	m->ctl = malloc(rmh->msg_controllen ? rmh->msg_controllen : 1);
	if (!m->data || !m->ctl) {
		rc = (int)nt_internal(EACCES, "allocating");
		goto out;
	}
	for (size_t i = 0, off = 0; i < rmh->msg_iovlen && off < total; i++) {
		size_t l = riov[i].iov_len < total - off ? riov[i].iov_len : total - off;
		if (l && (rc = nt_mem_read(t->tid, (uintptr_t)riov[i].iov_base, m->data + off, l)) < 0)
			goto out;
		off += l;
	}
	if (rmh->msg_controllen &&
	    (rc = nt_mem_read(t->tid, (uintptr_t)rmh->msg_control, m->ctl, rmh->msg_controllen)) < 0)
		goto out;
	*budget -= total;
	m->iov = (struct iovec){m->data, total};
	m->mh = (struct msghdr){.msg_name = rmh->msg_name && rmh->msg_namelen ? &m->name : NULL,
				.msg_namelen = rmh->msg_name ? rmh->msg_namelen : 0,
				.msg_iov = &m->iov, .msg_iovlen = 1,
				.msg_control = rmh->msg_controllen ? m->ctl : NULL,
				.msg_controllen = rmh->msg_controllen};
	rc = translate_rights(t, m);
out:
	free(riov);
	return rc;
}

/* May message m go out on a socket of `domain` and `type`? */
static int send_decide(const struct notify_rules *r, const struct nt_msg *m,
		       int domain, int type)
{
	if (!m->mh.msg_name)
		return 0; /* the connected peer, which connect() checked */
	if (domain == AF_UNIX)
		/* unix = allows connect() only; a stream or seqpacket socket
		 * ignores or refuses the address (the kernel answers). */
		return type == SOCK_DGRAM ? -EACCES : 0;
	/* allow = domains: a send with an address is a connect (TCP Fast
	 * Open) or a datagram; neither goes through the proxy. */
	if (r->domains)
		return -EACCES;
	return notify_may_connect_inet(r, &m->name, m->mh.msg_namelen) ? 0 : -EACCES;
}

/* Copy and check the messages of a sendto/sendmsg/sendmmsg into j. */
static int collect_msgs(struct target *t, const struct seccomp_notif *n,
			const struct notify_rules *r, struct nt_job *j,
			int domain, int type)
{
	const __u64 *a = n->data.args;
	size_t want = 1, budget = DGRAM_MAX;
	struct msghdr rmh;
	struct iovec one;
	int rc;

	j->nr = n->data.nr;
	j->flags = (int)(n->data.nr == SYS_sendmmsg ? a[3] : n->data.nr == SYS_sendto ? a[3] : a[2]);
	if (j->nr == SYS_sendmmsg) {
		want = (unsigned)a[2] > MMSG_MAX ? MMSG_MAX : (unsigned)a[2];
		j->vec = a[1];
		if (!want)
			return 0;
	}
	j->msgs = calloc(want, sizeof(*j->msgs));
	if (!j->msgs)
		return (int)nt_internal(EACCES, "allocating");
	for (size_t i = 0; i < want && budget; i++) {
		if (j->nr == SYS_sendto) {
			one = (struct iovec){(void *)(uintptr_t)a[1], (size_t)a[2]};
			rmh = (struct msghdr){.msg_name = (void *)(uintptr_t)a[4],
					      .msg_namelen = (socklen_t)a[5],
					      .msg_iov = &one, .msg_iovlen = 1};
		} else {
			uint64_t at = j->nr == SYS_sendmsg ? a[1] : a[1] + i * sizeof(struct mmsghdr);
			if ((rc = nt_mem_read(t->tid, at, &rmh, sizeof(rmh))) < 0)
				return i ? 0 : rc;
		}
		struct nt_msg *m = &j->msgs[j->nmsgs++];
		rc = copy_msg(t, j, &rmh, j->nr == SYS_sendto, m, &budget);
		if (rc == 0)
			rc = send_decide(r, m, domain, type);
		if (rc < 0) {
			j->nmsgs--; /* so job_free leaves m alone */
			atomic_fetch_sub(&dups_held, (int)m->ndups);
			while (m->ndups)
				close(m->dups[--m->ndups]);
			free(m->data), free(m->ctl);
			m->data = m->ctl = NULL;
			return i ? 0 : rc; /* after one message: a short count */
		}
	}
	return 0;
}

/* Copy, check and perform a send; a worker waits when it must. */
static int64_t handle_send(struct target *t, const struct seccomp_notif *n,
			   const struct notify_rules *r, int nfd, struct nt_job *j,
			   int domain, int type)
{
	struct capsave cs = {.changed = false};
	int64_t rc;

	j->stream = type == SOCK_STREAM;
	if ((rc = collect_msgs(t, n, r, j, domain, type)) < 0)
		return rc;
	if (j->nmsgs == 0)
		return 0; /* sendmmsg of no message */
	if (j->nr == SYS_sendmmsg &&
	    (j->memfd = openat(t->procfd, "mem", O_WRONLY | O_CLOEXEC)) < 0)
		return nt_internal(EACCES, "opening the command's memory");
	/* A unix peer sees our credentials: only when they are the
	 * command's (nt_creds_enter refuses otherwise). */
	if (domain == AF_UNIX)
		rc = nt_creds_enter(t, &cs);
	else
		rc = caps_lower(j->capeff, &cs) < 0 ? nt_internal(EACCES, "capset") : 0;
	if (rc < 0)
		return rc;
	if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &n->id) < 0)
		rc = -ESRCH;
	else
		rc = send_perform(j, false);
	nt_creds_leave(&cs);
	return rc; /* ANSWER_LATER: the caller starts a worker */
}

/* ---- listen ---- */

/* The local port of an AF_INET/AF_INET6 socket, or -errno. */
static int local_port(int sock)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	uint16_t port;

	if (getsockname(sock, (struct sockaddr *)&ss, &len) < 0)
		return -errno;
	if (len < offsetof(struct sockaddr_in, sin_port) + sizeof(port))
		return 0;
	/* sin_port and sin6_port share their offset. */
	memcpy(&port, (const char *)&ss + offsetof(struct sockaddr_in, sin_port), sizeof(port));
	return ntohs(port);
}

/* listen() on our duplicate of the command's socket, when allowed.
 * Never CONTINUE: the kernel would look descriptor N up again, and
 * another thread could dup2() an unbound inet socket onto it after we
 * looked at a unix one.  listen() does not block: the loop performs it. */
int64_t nt_handle_listen(struct target *t, const struct seccomp_notif *n,
			 const struct notify_rules *r, int nfd)
{
	struct capsave cs = {.changed = false};
	int domain, sock, port;
	socklen_t sl = sizeof(domain);
	uint64_t capeff;
	int64_t rc;

	if ((sock = nt_target_getfd(t, (int)n->data.args[0])) < 0)
		return sock;
	if (getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &domain, &sl) < 0) {
		rc = errno == ENOTSOCK ? -ENOTSOCK : nt_internal(EACCES, "SO_DOMAIN");
		goto out;
	}
	if (domain == AF_INET || domain == AF_INET6) {
		/* Unbound (port 0) or bound outside bind_tcp: refused, as
		 * Landlock refuses the bind() it would have needed. */
		if ((port = local_port(sock)) < 0 || !notify_may_listen_inet(r, (unsigned)port)) {
			char what[32];
			snprintf(what, sizeof(what), "tcp port %d", port);
			if (port >= 0)
				audit_deny("listen", port ? what : "(an unbound tcp socket)", t->tid);
			rc = port < 0 ? port : -EACCES;
			goto out;
		}
		rc = nt_target_capeff(t, &capeff);
		if (rc == 0 && caps_lower(capeff, &cs) < 0)
			rc = nt_internal(EACCES, "capset");
	} else {
		/* A unix listener records our credentials for its clients:
		 * only when they are the command's. */
		rc = nt_creds_enter(t, &cs);
	}
	if (rc < 0)
		goto out;
	if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &n->id) < 0)
		rc = -ESRCH;
	else
		rc = listen(sock, (int)n->data.args[1]) < 0 ? -errno : 0;
	nt_creds_leave(&cs);
out:
	close(sock);
	return rc;
}

/* The entry for connect, sendto, sendmsg and sendmmsg (notify_serve.c). */
int64_t nt_handle_net(struct target *t, const struct seccomp_notif *n,
			  const struct notify_rules *r, int nfd)
{
	int domain, type;
	socklen_t sl = sizeof(domain), tl = sizeof(type);
	int64_t rc;
	struct nt_job *j = calloc(1, sizeof(*j));

	if (!j)
		return nt_internal(EACCES, "allocating");
	*j = (struct nt_job){.nfd = -1, .loop_nfd = nfd, .ofd = -1, .memfd = -1,
			     .id = n->id, .tid = t->tid};
	j->sock = nt_target_getfd(t, (int)n->data.args[0]);
	if (j->sock < 0) {
		rc = j->sock;
		j->sock = -1;
	} else if (getsockopt(j->sock, SOL_SOCKET, SO_DOMAIN, &domain, &sl) < 0 ||
		   getsockopt(j->sock, SOL_SOCKET, SO_TYPE, &type, &tl) < 0) {
		rc = errno == ENOTSOCK ? -ENOTSOCK : nt_internal(EACCES, "SO_DOMAIN");
	} else if ((rc = nt_target_capeff(t, &j->capeff)) == 0) {
		j->tgid = t->tgid;
		/* The domain and type are those of the socket we act on: our
		 * duplicate, whatever descriptor N names by now. */
		if (n->data.nr == SYS_connect)
			rc = handle_connect(t, n, r, nfd, j, domain);
		else
			rc = handle_send(t, n, r, nfd, j, domain, type);
		/* Started only now, with our own capabilities back: a new
		 * thread starts with ours and lowers its own. */
		if (rc == ANSWER_LATER)
			return start_worker(j, nfd);
	}
	job_free(j);
	return rc;
}
