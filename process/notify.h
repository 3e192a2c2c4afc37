/* SPDX-License-Identifier: MIT */
/*
 * notify.h: the seccomp user-notification supervisor for what Landlock
 * (ABI <= 7) does not govern: connecting to named unix sockets, and
 * metadata changes (chmod, chown, utimes, xattrs).
 *
 * The filter (built by backends/seccomp.c) returns SCMP_ACT_NOTIFY for
 * those syscalls.  The supervisor, outside the sandbox, decides with the
 * pure functions below and, where allowed, performs the operation itself
 * on the object it checked (an O_PATH descriptor, its own duplicate of the
 * command's socket), so a thread of the command cannot swap the path or
 * the descriptor between the check and the use.  It never answers
 * SECCOMP_USER_NOTIF_FLAG_CONTINUE (notify.c says why).
 *
 * Wiring (for the supervisor and the child):
 *  - call notify_add_rules() before adding any other rule for the same
 *    syscalls: libseccomp keeps the first action given for a syscall;
 *  - keep the filter native-only (the libseccomp default); other
 *    architectures' notifications are refused;
 *  - deny io_uring_setup: io_uring connects and sets xattrs without
 *    syscalls (notify_add_rules adds ENOSYS for it);
 *  - in the child, after seccomp_load(): the parent must get the listener
 *    fd (seccomp_notify_fd()) with pidfd_getfd(), the child telling its
 *    number with write() on a pipe - NOT sendmsg(), which is notified and
 *    would deadlock - then the child CLOSES it before exec: a command
 *    holding its own listener could answer its own notifications;
 *  - the parent polls the fd for POLLIN and calls notify_serve() once per
 *    readiness; a return of -1 means the fd is finished (POLLHUP: every
 *    sandboxed process is gone) and must leave the poll set;
 *  - notify_serve() may start worker threads (notify_net.c) for calls
 *    that can block; they answer by themselves, block every signal, and
 *    hold their own copy of the listener, so the caller may close its
 *    own at any time.
 */
#ifndef CLAWSHIM_NOTIFY_H
#define CLAWSHIM_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <seccomp.h>

#include "../policy/policy.h"

/* Syscall groups for notify_add_rules(). */
enum {
	NOTIFY_UNIX = 1u << 0,  /* connect, sendto, sendmsg, sendmmsg, listen */
	NOTIFY_META = 1u << 1,  /* chmod, chown, utime*, *setxattr, *removexattr */
	NOTIFY_DENY = 1u << 2,  /* refuse the groups instead (nested clawshim) */
};

/* The decisions' input, built from a resolved policy only. Every string
 * is a canonical absolute path, owned here. */
struct notify_rules {
	char **writable;   /* workspace + read_write */
	size_t nwritable;
	char **deny;       /* deny + deny_write + the policy files in use */
	size_t ndeny;
	char **unix_ok;    /* [network] unix: sockets the command may connect to */
	size_t nunix;
	bool net_all;      /* allow = all: any TCP/UDP/... destination */
	unsigned *tcp_ok;  /* connect_tcp: the ports an AF_INET/6 connect may reach */
	size_t ntcp;
	unsigned *bind_ok; /* bind_tcp: the ports an AF_INET/6 socket may listen on */
	size_t nbind;
	/* allow = domains: TCP only to the proxy (127.0.0.1:proxy_port
	 * exactly) and to loopback connect_tcp ports; set by the caller. */
	bool domains;
	unsigned proxy_port;
	/* Called (the loop) before a connect to the proxy is performed, on
	 * our duplicate of the command's socket: 0, or a negative errno that
	 * refuses the connect.  NULL: nothing is called. */
	int (*on_proxy)(int sock, pid_t tgid);
	/* Told of each refused direct inet connect (any thread), or NULL. */
	void (*on_direct)(pid_t tgid, const void *addr, size_t len);
};

/* Collect the rules from `p` (after policy_resolve(); NULL paths, absent
 * optional items, are skipped). Cannot fail (allocation dies). */
void notify_rules_init(struct notify_rules *r, const struct policy *p);
void notify_rules_free(struct notify_rules *r);

/* Is `path` equal to `root` or below it, compared by whole components
 * ("/work/ab" is not inside "/work/a")? Both canonical absolute. */
bool notify_path_inside(const char *path, const char *root);

/* May the command change the metadata of `canonical_path`? Only inside a
 * writable root and neither inside nor equal to a deny or deny_write
 * path (nor a policy file). */
bool notify_may_change_meta(const struct notify_rules *r,
			    const char *canonical_path);

/* May the command connect() to the named unix socket `canonical_path`?
 * Exactly one of the [network] unix paths. */
bool notify_may_connect(const struct notify_rules *r,
			const char *canonical_path);

/* May the command connect() (or send with an explicit address, e.g. TCP
 * Fast Open) a socket that is not AF_UNIX to `addr` (`len` bytes, the
 * supervisor's copy)?  The supervisor performs the call itself, outside
 * the command's Landlock domain, so it applies the same TCP port rules
 * Landlock applies to the command: allow = all allows everything;
 * otherwise AF_UNSPEC (disconnect) passes, AF_INET/AF_INET6 only to a
 * connect_tcp port, and any other address family is refused.  An address
 * too short to hold a port passes: the kernel refuses it (EINVAL).
 * With r->domains only 127.0.0.1:proxy_port (or ::ffff:127.0.0.1, the
 * same listener) and a loopback address on a connect_tcp port pass. */
bool notify_may_connect_inet(const struct notify_rules *r, const void *addr,
			     size_t len);

/* May the command listen() on an AF_INET/AF_INET6 socket whose local
 * port (getsockname on the supervisor's duplicate) is `port`?  allow =
 * all allows it; otherwise only a port of bind_tcp, and never port 0:
 * listen() on an unbound socket binds an ephemeral port itself, a bind
 * Landlock's LANDLOCK_ACCESS_NET_BIND_TCP never sees. */
bool notify_may_listen_inet(const struct notify_rules *r, unsigned port);

/* Add the SCMP_ACT_NOTIFY rules (and the ENOSYS rules for syscalls that
 * the supervisor does not emulate) for the groups in `what`.
 * 0, or a negative errno from libseccomp. */
int notify_add_rules(scmp_filter_ctx ctx, unsigned what);

/* Accept the mount and user namespaces of `pid` - the ones clawshim
 * created for the command (process/mountns.c) - as the command's world,
 * besides our own. Call right after the spawn, before serving. */
void notify_accept_namespaces(pid_t pid);

/* Serve at most one pending notification on `notify_fd`: decide, perform,
 * answer. Never blocks (returns at once when nothing is pending) and never
 * dies: an internal failure is answered with EPERM/EACCES and a warning.
 * Returns 0, or -1 when the fd is finished (hung up or invalid). */
int notify_serve(int notify_fd, const struct notify_rules *r);

#endif
