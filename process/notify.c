/* SPDX-License-Identifier: MIT */
/*
 * notify.c: the seccomp user-notification supervisor (see notify.h).
 *
 * Why: Landlock up to ABI 7 does not govern connect()/sendmsg() to named
 * unix sockets (docker.sock, ssh-agent) nor chmod/chown/utimes/xattrs.
 * The sandboxed thread waits in the kernel while we decide; where the
 * answer is yes we do the operation ourselves, on an O_PATH descriptor of
 * the very object we checked, because SECCOMP_USER_NOTIF_FLAG_CONTINUE
 * makes the kernel re-read the command's memory after our check, and any
 * other thread (or process sharing the memory) can change it meanwhile
 * (Documentation/userspace-api/seccomp_filter.rst, "unsafe to use").
 *
 * We never answer SECCOMP_USER_NOTIF_FLAG_CONTINUE.  Even a decision on
 * kernel state rather than memory races: the socket behind descriptor N
 * is looked up again by the kernel after CONTINUE, and another thread can
 * dup2() a different socket onto N in between (an AF_INET socket when we
 * look, an AF_UNIX one connecting to docker.sock when the kernel does).
 * So every notified call is performed by us, on objects we hold: the
 * socket as our pidfd_getfd() duplicate (the same open file description),
 * files as O_PATH descriptors we resolved.  The filter passes without
 * asking only what registers decide (sendto with no address).
 *
 * What the command gets:
 *  - connect() is performed by us with the copied address, in a worker
 *    thread (notify_net.c says why and what differs from the kernel).  On
 *    an AF_UNIX socket a named path is resolved as the command sees it
 *    and connected only when it is one of [network] unix; an abstract
 *    address is refused (EACCES): our connect would escape Landlock's
 *    abstract-socket scope, which binds only the sandbox.  On any other
 *    socket the address must pass Landlock's TCP port rules, which we
 *    apply ourselves (notify_may_connect_inet): ours is not confined.
 *  - listen() is performed by us on our duplicate of the socket: on an
 *    AF_INET/AF_INET6 socket only when it is bound to a bind_tcp port
 *    (or allow = all), else EACCES.  Why: listen() on an unbound socket
 *    binds an ephemeral port inside the kernel without the bind hook
 *    Landlock's LANDLOCK_ACCESS_NET_BIND_TCP checks, so a policy with
 *    connect_tcp and no bind_tcp would otherwise serve inbound TCP.  The
 *    filter cannot see the socket's family; we read it on the duplicate,
 *    which another thread cannot swap (notify_net.c).  A unix socket's
 *    listen() is performed as asked; its clients see our pid in
 *    SO_PEERCRED, as for connect().
 *  - unix = allows connect() only: datagrams to an explicit unix address
 *    (sendto/sendmsg/sendmmsg with a name on an AF_UNIX datagram socket)
 *    are refused with EACCES.  Every other send is performed by us from
 *    copies (SCM_RIGHTS translated, sendmmsg's count and msg_len kept).
 *  - metadata changes are performed by us when the object's canonical path
 *    is writable by the policy, else EPERM; chmod loses S_ISUID and, but
 *    on directories, S_ISGID; security.capability cannot be set.
 *    setxattrat, removexattrat and file_setattr (6.13+, 6.17+) get
 *    ENOSYS: not emulated.
 *
 * Credentials: we act with the command's view.  We refuse (EPERM) when the
 * command's fsuid, fsgid, supplementary groups, user or mount namespace or
 * root directory differ from ours, and for the duration of the operation
 * we lower our effective capabilities to the command's (capset on this
 * thread, restored after).  So when the supervisor is root with all
 * capabilities and the command root with none, the kernel's own checks
 * (owner or CAP_FOWNER for chmod, CAP_CHOWN for chown, group membership,
 * setgid clearing, write access for utimes, CAP_SYS_ADMIN for trusted.*)
 * decide exactly as for the command; nothing needs re-implementing.
 * The peer of a socket we connect sees our pid in SO_PEERCRED (same uid).
 */
#include "notify_int.h"

/* ---- rules: pure ---- */

static void push(char ***v, size_t *n, const char *s)
{
	if (!s)
		return; /* an optional path that does not exist */
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
}

static void push_list(char ***v, size_t *n, const struct pol_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		push(v, n, l->v[i].path);
}

void notify_rules_init(struct notify_rules *r, const struct policy *p)
{
	memset(r, 0, sizeof(*r));
	push(&r->writable, &r->nwritable, p->workspace.val);
	push_list(&r->writable, &r->nwritable, &p->read_write);
	push_list(&r->deny, &r->ndeny, &p->deny);
	push_list(&r->deny, &r->ndeny, &p->deny_write);
	/* The policy files are deny_write even inside the workspace. */
	push_list(&r->deny, &r->ndeny, &p->files);
	push_list(&r->unix_ok, &r->nunix, &p->unix_sockets);
	r->net_all = p->net_all.val;
	r->tcp_ok = xcalloc(p->connect_tcp.n + 1, sizeof(*r->tcp_ok));
	for (size_t i = 0; i < p->connect_tcp.n; i++)
		r->tcp_ok[r->ntcp++] = (unsigned)p->connect_tcp.v[i].num;
	r->bind_ok = xcalloc(p->bind_tcp.n + 1, sizeof(*r->bind_ok));
	for (size_t i = 0; i < p->bind_tcp.n; i++)
		r->bind_ok[r->nbind++] = (unsigned)p->bind_tcp.v[i].num;
}

static void free_v(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void notify_rules_free(struct notify_rules *r)
{
	free_v(r->writable, r->nwritable);
	free_v(r->deny, r->ndeny);
	free_v(r->unix_ok, r->nunix);
	free(r->tcp_ok);
	free(r->bind_ok);
	memset(r, 0, sizeof(*r));
}

bool notify_path_inside(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (path[0] != '/' || root[0] != '/')
		return false; /* not canonical: never inside anything */
	while (n > 1 && root[n - 1] == '/')
		n--; /* "/" stays "/", "/a/" is "/a" */
	if (n == 1)
		return true;
	/* Whole components: "/work/ab" is not inside "/work/a". */
	return strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

bool notify_may_change_meta(const struct notify_rules *r,
			    const char *canonical_path)
{
	bool inside = false;

	if (!canonical_path || canonical_path[0] != '/')
		return false;
	for (size_t i = 0; i < r->nwritable && !inside; i++)
		inside = notify_path_inside(canonical_path, r->writable[i]);
	if (!inside)
		return false;
	/* A deny or deny_write inside a writable tree still wins. */
	for (size_t i = 0; i < r->ndeny; i++)
		if (notify_path_inside(canonical_path, r->deny[i]))
			return false;
	return true;
}

bool notify_may_connect(const struct notify_rules *r,
			const char *canonical_path)
{
	if (!canonical_path || canonical_path[0] != '/')
		return false;
	for (size_t i = 0; i < r->nunix; i++)
		if (strcmp(canonical_path, r->unix_ok[i]) == 0)
			return true;
	return false;
}

/* In domains mode, the only addresses a command's TCP may reach: the
 * proxy at 127.0.0.1 exactly, also written ::ffff:127.0.0.1 (a dual-stack
 * IPv6 socket, as the JVM uses, reaches the same listener that way);
 * why exactly: Landlock sees ports only, so 127.0.0.2:P or [::1]:P would
 * be "the proxy's port" on a listener that is not the proxy.  And
 * loopback for the connect_tcp ports (127/8, ::1, 127/8 v4-mapped). */
static bool inet_loopback(const void *addr, sa_family_t fam, unsigned proxy_port, uint16_t port)
{
	if (fam == AF_INET) {
		struct sockaddr_in in;
		memcpy(&in, addr, sizeof(in));
		uint32_t a = ntohl(in.sin_addr.s_addr);
		if (port == proxy_port)
			return a == INADDR_LOOPBACK;
		return (a >> 24) == 127;
	}
	struct in6_addr a6;
	memcpy(&a6, (const char *)addr + offsetof(struct sockaddr_in6, sin6_addr), sizeof(a6));
	if (port == proxy_port)
		return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127 && a6.s6_addr[13] == 0 &&
		       a6.s6_addr[14] == 0 && a6.s6_addr[15] == 1;
	return IN6_IS_ADDR_LOOPBACK(&a6) || (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
}

bool notify_may_connect_inet(const struct notify_rules *r, const void *addr,
			     size_t len)
{
	sa_family_t fam;
	uint16_t port;

	if (r->net_all)
		return true;
	if (len < sizeof(fam))
		return true; /* the kernel: EINVAL */
	memcpy(&fam, addr, sizeof(fam));
	if (fam == AF_UNSPEC)
		return true; /* a disconnect; Landlock allows it too */
	if (fam != AF_INET && fam != AF_INET6)
		return false;
	if ((fam == AF_INET && len < sizeof(struct sockaddr_in)) ||
	    (fam == AF_INET6 && len < 24 /* SIN6_LEN_RFC2133 */))
		return true; /* the kernel: EINVAL */
	/* sin_port and sin6_port share their offset. */
	memcpy(&port, (const char *)addr + offsetof(struct sockaddr_in, sin_port), sizeof(port));
	port = ntohs(port);
	if (r->domains && !inet_loopback(addr, fam, r->proxy_port, port))
		return false;
	if (r->domains && port == r->proxy_port)
		return true; /* inet_loopback() checked the address: 127.0.0.1 */
	for (size_t i = 0; i < r->ntcp; i++)
		if (r->tcp_ok[i] == port)
			return true;
	return false;
}

bool notify_may_listen_inet(const struct notify_rules *r, unsigned port)
{
	if (r->net_all)
		return true;
	if (port == 0)
		return false; /* unbound: listen() would pick a port itself */
	for (size_t i = 0; i < r->nbind; i++)
		if (r->bind_ok[i] == port)
			return true;
	return false;
}

/* ---- filter rules: pure ---- */

struct sc {
	const char *name;
	int nr; /* when libseccomp does not know the name; 0: skip */
};

static int add_one(scmp_filter_ctx ctx, uint32_t action, const struct sc *s)
{
	int nr = seccomp_syscall_resolve_name(s->name);
	int rc;

	if (nr != __NR_SCMP_ERROR)
		rc = seccomp_rule_add(ctx, action, nr, 0);
	else if (s->nr > 0) /* exact: fails (fail closed) on multi-arch filters */
		rc = seccomp_rule_add_exact(ctx, action, s->nr, 0);
	else
		return -ENOSYS; /* a name we rely on is unknown: fail closed */
	/* -EACCES: the action equals the filter's default (an allow-list
	 * filter whose default is ENOSYS): the syscall is denied already. */
	return rc == -EACCES && action != SCMP_ACT_NOTIFY ? 0 : rc;
}

int notify_add_rules(scmp_filter_ctx ctx, unsigned what)
{
	/* chown32 & co. and utimensat_time64 exist on 32-bit architectures
	 * only; libseccomp ignores them on the others. socketcall too: on
	 * i386 it multiplexes connect and sendmsg. */
	static const struct sc meta[] = {
		{"chmod", 0}, {"fchmod", 0}, {"fchmodat", 0},
		{"fchmodat2", NR_FCHMODAT2},
		{"chown", 0}, {"fchown", 0}, {"lchown", 0}, {"fchownat", 0},
		{"chown32", 0}, {"fchown32", 0}, {"lchown32", 0},
		{"utime", 0}, {"utimes", 0}, {"futimesat", 0}, {"utimensat", 0},
		{"utimensat_time64", 0},
		{"setxattr", 0}, {"lsetxattr", 0}, {"fsetxattr", 0},
		{"removexattr", 0}, {"lremovexattr", 0}, {"fremovexattr", 0},
	};
	static const struct sc meta_enosys[] = {
		{"setxattrat", NR_SETXATTRAT}, {"removexattrat", NR_REMOVEXATTRAT},
		{"file_setattr", NR_FILE_SETATTR},
	};
	static const struct sc net[] = {
		{"connect", 0}, {"sendmsg", 0}, {"sendmmsg", 0}, {"socketcall", 0},
		{"listen", 0},
	};
	/* io_uring connects and sets xattrs without a syscall to notify. */
	static const struct sc uring = {"io_uring_setup", 0};
	int rc;

	/* NOTIFY_DENY: under an outer clawshim, whose filter already holds
	 * the one listener a filter chain may have (EBUSY otherwise), refuse
	 * instead of asking: stricter than the policy, never weaker. */
	bool deny = what & NOTIFY_DENY;
	if (what & NOTIFY_META) {
		uint32_t act = deny ? SCMP_ACT_ERRNO(EPERM) : SCMP_ACT_NOTIFY;
		for (size_t i = 0; i < ARRAY_LEN(meta); i++) {
			/* Denying, timestamps stay with the outer supervisor's
			 * check: `touch` must keep working. */
			if (deny && strstr(meta[i].name, "utime"))
				continue;
			if ((rc = add_one(ctx, act, &meta[i])) < 0)
				return rc;
		}
		for (size_t i = 0; i < ARRAY_LEN(meta_enosys); i++)
			if ((rc = add_one(ctx, SCMP_ACT_ERRNO(ENOSYS), &meta_enosys[i])) < 0)
				return rc;
	}
	if (what & NOTIFY_UNIX) {
		/* Denying: connect() is refused outright; sendmsg keeps the
		 * outer supervisor's check of named datagram addresses. */
		for (size_t i = 0; i < ARRAY_LEN(net); i++) {
			if (deny && strcmp(net[i].name, "connect") != 0)
				continue;
			rc = add_one(ctx, deny ? SCMP_ACT_ERRNO(EACCES) : SCMP_ACT_NOTIFY, &net[i]);
			if (rc < 0)
				return rc;
		}
		/* sendto(fd, buf, len, flags, dest, addrlen): with no address
		 * the socket's connected peer is used, which connect() checked;
		 * both are registers, so this filter test cannot be raced. */
		rc = seccomp_rule_add(ctx, deny ? SCMP_ACT_ERRNO(EACCES) : SCMP_ACT_NOTIFY,
				      SCMP_SYS(sendto), 2,
				      SCMP_A4(SCMP_CMP_NE, 0), SCMP_A5(SCMP_CMP_NE, 0));
		if (rc < 0)
			return rc;
	}
	if (what & (NOTIFY_META | NOTIFY_UNIX))
		if ((rc = add_one(ctx, SCMP_ACT_ERRNO(ENOSYS), &uring)) < 0)
			return rc;
	return 0;
}
