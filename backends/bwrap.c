/* SPDX-License-Identifier: MIT */
/*
 * bwrap.c: the bwrap backend.  clawshim re-execs the command under
 * bubblewrap with an argument list built here as data (never a shell
 * string): a new, empty root holding only the policy's paths, bound
 * parent first with every protection on top; private user, PID, IPC, UTS,
 * cgroup and (unless allow = all) network namespaces; and clawshim's
 * seccomp filter handed over on a descriptor (--add-seccomp-fd).
 *
 * What bubblewrap 0.8 cannot do, and what this file does about it:
 *  - no noexec bind: no_exec over a path the sandbox can see is refused;
 *  - no TCP port rules: it shares the whole network or none, so
 *    connect_tcp and bind_tcp are refused;
 *  - named unix sockets: any granted tree (/tmp, the workspace) may hold
 *    one (an ssh-agent's lives in /tmp), and seccomp cannot see socket
 *    paths.  With no network, though, a named socket is all there is left
 *    to connect to, so connect() is refused outright, and so are AF_UNIX
 *    datagram sockets (sendmsg() reaches a named one without connect()).
 *    With allow = all or [network] unix entries that is impossible, and
 *    the policy is refused.
 */
#include "backend.h"
#include "seccomp.h"
#include "mountns_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Beyond this many options (or bytes) they go to bwrap on a descriptor
 * (--args FD), so no command line limit is reached; beyond the maximum
 * the policy is refused (that large is a mistake, not a use). */
#define ARGS_OPTIONS 500
#define ARGS_BYTES (64 * 1024)
#define MAX_OPTIONS 200000
#define MAX_OPTION_BYTES (16 * 1024 * 1024)

/* ---- probe ---- */

/* The bwrap to run: an absolute path along PATH, else /usr/bin/bwrap. */
static const char *bwrap_program(void)
{
	const char *p = backend_find_program("bwrap");
	return p ? p : "/usr/bin/bwrap";
}

/* As the first process of bwrap's namespaces: mount a procfs, which the
 * kernel refuses where the one we have is partly hidden by mounts (a
 * container's masked /proc files).  The mount cannot reach ours: a mount
 * namespace made with a new user namespace has its shared mounts turned
 * into slaves. */
static int mount_proc(void *arg)
{
	(void)arg;
	_exit(mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0 ? 0 :
	      errno & 0xff);
}

/* Can bwrap make its sandbox here?  The sysctls give the common reasons
 * by name; a throw-away child in new user, mount and PID namespaces
 * mounting a procfs, as bwrap will, catches the rest (a container's or an
 * outer clawshim's seccomp filter, a masked /proc). */
static int userns_works(char *why, size_t whylen)
{
	if (read_long_file("/proc/sys/kernel/unprivileged_userns_clone", 1) == 0 && getuid() != 0) {
		snprintf(why, whylen, "user namespaces are disabled: "
			 "kernel.unprivileged_userns_clone = 0 (sysctl -w kernel.unprivileged_userns_clone=1)");
		return -1;
	}
	if (read_long_file("/proc/sys/user/max_user_namespaces", 1) == 0) {
		snprintf(why, whylen, "user namespaces are disabled: user.max_user_namespaces = 0");
		return -1;
	}
	if (read_long_file("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", 0) == 1 &&
	    getuid() != 0) {
		snprintf(why, whylen, "user namespaces are restricted by AppArmor: "
			 "kernel.apparmor_restrict_unprivileged_userns = 1 (give bwrap an AppArmor profile)");
		return -1;
	}
	/* vfork-style: no page tables copied. */
	static char stack[16 * 1024] __attribute__((aligned(16)));
	pid_t pid = clone(mount_proc, stack + sizeof(stack),
			  CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_VM | CLONE_VFORK | SIGCHLD,
			  NULL);
	if (pid < 0) {
		int e = errno;
		bool refused = e == EPERM || e == EINVAL || e == ENOSPC || e == EUSERS;
		snprintf(why, whylen, "%s: clone(CLONE_NEWUSER|CLONE_NEWNS|CLONE_NEWPID): %s%s",
			 refused ? "user namespaces are refused here" :
				   "cannot make bwrap's namespaces", strerror(e),
			 getenv("CLAWSHIM_BACKEND") ? " (inside another clawshim sandbox)" : "");
		return -1;
	}
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	snprintf(why, whylen, "bwrap could not mount /proc in its sandbox here: %s%s",
		 WIFEXITED(st) ? strerror(WEXITSTATUS(st)) : "the test child was killed",
		 WIFEXITED(st) && WEXITSTATUS(st) == EPERM ?
		 " (parts of this /proc are hidden by mounts, as in a container, or a seccomp "
		 "filter refuses mount)" : "");
	return -1;
}

static int bwrap_probe(char *why, size_t whylen)
{
	const char *prog = backend_find_program("bwrap");
	if (!prog && access("/usr/bin/bwrap", X_OK) == 0)
		prog = "/usr/bin/bwrap";
	if (!prog) {
		snprintf(why, whylen, "bwrap not found; apt-get install bubblewrap");
		return -1;
	}
	/* A setuid bwrap would run under no_new_privs without its privileges;
	 * clawshim drives only the unprivileged (user namespace) mode. */
	struct stat st;
	if (stat(prog, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "%s is not a regular file", prog);
		return -1;
	}
	if (st.st_mode & S_ISUID) {
		snprintf(why, whylen, "%s is setuid; clawshim needs the unprivileged bwrap "
			 "(user namespaces)", prog);
		return -1;
	}
	return userns_works(why, whylen);
}

/* ---- the mount plan ---- */

enum op_kind {
	OP_SYMLINK,   /* --symlink TARGET PATH (a symlink on the way to a grant) */
	OP_DEV,       /* --dev /dev */
	OP_PROC,      /* --proc /proc */
	OP_BIND,      /* --bind P P */
	OP_DEV_BIND,  /* --dev-bind P P (a device node the policy makes writable) */
	OP_RO_BIND,   /* --ro-bind P P */
	OP_HIDE_FILE, /* --ro-bind /dev/null P */
	OP_HIDE_DIR,  /* --perms 0000 --tmpfs P --remount-ro P */
};

struct op {
	enum op_kind kind;
	const char *path;    /* canonical; owned by the policy or by bw->strs */
	const char *target;  /* OP_SYMLINK */
	bool anchor;         /* pins a directory on the way to a protection */
	bool dropped;        /* an enclosing bind already shows it the same way */
};

/* What one planning run needs; strs lives as long as the plan. */
struct bw {
	const struct policy *p;
	struct op *ops;
	size_t nops, opcap;
	struct strv *strs;
};

/* The plan's private data: strings for --explain, the connect filter. */
struct bw_priv {
	struct strv strs;
	bool connect;   /* load seccomp_connect_program() before bwrap */
};

static void priv_free(void *v)
{
	struct bw_priv *pv = v;
	if (!pv)
		return;
	strv_free(&pv->strs);
	free(pv);
}

static const char *keep(struct bw *b, char *s)
{
	strv_push(b->strs, s);
	return s;
}

static bool in_list(const struct pol_list *l, const char *path)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].path && path_inside(path, l->v[i].path))
			return true;
	return false;
}

enum mode { M_NONE, M_RO, M_RW, M_HIDDEN };

/* How the policy wants `path` seen: hidden (a deny at or above it wins
 * over any grant, as on every backend), writable, read-only, or not at
 * all.  Grants union along the path; deny_write and the policy files
 * take writing away from everything beneath them. */
static enum mode mode_at(const struct policy *p, const char *path)
{
	if (in_list(&p->deny, path))
		return M_HIDDEN;
	bool rw = (p->workspace.val && path_inside(path, p->workspace.val)) ||
		  in_list(&p->read_write, path);
	if (!rw && !in_list(&p->read_only, path) && !in_list(&p->unix_sockets, path))
		return M_NONE;
	if (rw && !in_list(&p->deny_write, path) && !in_list(&p->files, path))
		return M_RW;
	return M_RO;
}

/* bwrap --dev makes these itself, with a private devpts. */
static bool dev_provided(const char *path)
{
	static const char *const nodes[] = { "/dev/null", "/dev/zero", "/dev/full", "/dev/random",
					     "/dev/urandom", "/dev/tty", "/dev/ptmx", "/dev/pts" };
	for (size_t i = 0; i < ARRAY_LEN(nodes); i++)
		if (path_inside(path, nodes[i]))
			return true;
	return false;
}

static struct op *find_op(struct bw *b, const char *path)
{
	for (size_t i = 0; i < b->nops; i++)
		if (strcmp(b->ops[i].path, path) == 0)
			return &b->ops[i];
	return NULL;
}

/* Record an operation on `path`; one per path, the strongest wins. */
static void add_op(struct bw *b, enum op_kind kind, const char *path, bool anchor)
{
	struct op *o = find_op(b, path);
	if (o) {
		if (kind > o->kind)
			o->kind = kind;
		o->anchor |= anchor;
		return;
	}
	if (b->nops == b->opcap) {
		b->opcap = b->opcap ? 2 * b->opcap : 32;
		b->ops = xrealloc(b->ops, b->opcap * sizeof(*b->ops));
	}
	b->ops[b->nops++] = (struct op){ .kind = kind, .path = path, .anchor = anchor };
}

/* A grant: bound as the policy wants it seen; /proc and /dev are fresh
 * ones of the sandbox's own (binding the host's /proc would show every
 * process of the host). */
static void plan_grant(struct bw *b, const char *path)
{
	enum mode m = mode_at(b->p, path);
	if (m == M_HIDDEN || m == M_NONE)
		return;
	bool proc = path_inside(path, "/proc"), dev = path_inside(path, "/dev");
	if (proc || path_inside("/proc", path))
		add_op(b, OP_PROC, "/proc", false);
	if (dev || path_inside("/dev", path))
		add_op(b, OP_DEV, "/dev", false);
	if (proc || (dev && (strcmp(path, "/dev") == 0 || dev_provided(path))))
		return;
	enum op_kind k = m == M_RW ? OP_BIND : OP_RO_BIND;
	/* bwrap's --bind adds nodev: a device the policy makes writable
	 * (beyond those --dev provides) needs --dev-bind. */
	struct stat st;
	if (m == M_RW && stat(path, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
		k = OP_DEV_BIND;
	add_op(b, k, path, false);
}

/* The outermost writable grant holding `path`, or NULL. */
static const char *writable_root(const struct policy *p, const char *path)
{
	const char *best = NULL;
	if (p->workspace.val && path_inside(path, p->workspace.val))
		best = p->workspace.val;
	for (size_t i = 0; i < p->read_write.n; i++) {
		const char *r = p->read_write.v[i].path;
		if (r && path_inside(path, r) && (!best || strlen(r) < strlen(best)))
			best = r;
	}
	return best;
}

/* Pin every writable directory strictly between the writable root and a
 * protected path: a mount point cannot be renamed (EBUSY), so the
 * protected path cannot be moved away and a fresh one put in its place
 * (a .git/hooks that the agent's next git command outside would run). */
static void plan_anchors(struct bw *b, const char *path)
{
	const char *root = writable_root(b->p, path);
	size_t rl = root ? strlen(root) : 0;
	if (!root || strlen(path) <= rl)
		return; /* the protected path is the root: a mount point already */
	char buf[PATH_MAX];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *s = buf + (rl == 1 ? 1 : rl + 1); (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mode_at(b->p, buf) == M_RW)
			add_op(b, OP_BIND, keep(b, xstrdup(buf)), true);
		*s = '/';
	}
}

/* Is `path` seen in the sandbox (at or beneath an operation that shows
 * something there)? */
static bool visible(struct bw *b, const char *path)
{
	for (size_t i = 0; i < b->nops; i++)
		if (b->ops[i].kind != OP_SYMLINK && path_inside(path, b->ops[i].path))
			return true;
	return false;
}

/* Symlinks on the way to a grant as written (/bin -> usr/bin, /lib64):
 * the canonical path is bound, and the link is made again in the new
 * root so the written path still works there. */
static void plan_symlinks(struct bw *b, const struct pol_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *raw = l->v[i].raw;
		if (!l->v[i].path || raw[0] != '/' || strchr(raw, '$'))
			continue;
		char buf[PATH_MAX], target[PATH_MAX];
		snprintf(buf, sizeof(buf), "%s", raw);
		for (char *s = buf + 1;; s++) {
			char *slash = strchr(s, '/');
			if (slash)
				*slash = '\0';
			struct stat st;
			ssize_t n;
			if (buf[1] && lstat(buf, &st) == 0 && S_ISLNK(st.st_mode) && !visible(b, buf) &&
			    !find_op(b, buf) && (n = readlink(buf, target, sizeof(target) - 1)) > 0) {
				target[n] = '\0';
				add_op(b, OP_SYMLINK, keep(b, xstrdup(buf)), false);
				find_op(b, buf)->target = keep(b, xstrdup(target));
			}
			if (!slash)
				break;
			*slash = '/';
			s = slash;
		}
	}
}

static int by_path(const void *x, const void *y)
{
	/* A parent is a prefix of its children, so it sorts first: binds are
	 * applied in order, and a later one lies on top. */
	return strcmp(((const struct op *)x)->path, ((const struct op *)y)->path);
}

/* Drop binds that show nothing an enclosing bind does not already show
 * the same way (read_only /usr/bin inside read_only /usr). */
static void prune(struct bw *b)
{
	for (size_t i = 0; i < b->nops; i++) {
		struct op *o = &b->ops[i];
		if (o->anchor || (o->kind != OP_BIND && o->kind != OP_RO_BIND && o->kind != OP_DEV_BIND))
			continue;
		for (size_t j = i; j-- > 0;) {
			const struct op *a = &b->ops[j];
			if (a->kind == OP_SYMLINK || !path_inside(o->path, a->path))
				continue;
			o->dropped = a->kind == o->kind;
			break;
		}
	}
}

static void build_ops(struct bw *b)
{
	const struct policy *p = b->p;
	if (p->workspace.val)
		plan_grant(b, p->workspace.val);
	const struct pol_list *grants[] = { &p->read_write, &p->read_only, &p->unix_sockets };
	for (size_t g = 0; g < ARRAY_LEN(grants); g++)
		for (size_t i = 0; i < grants[g]->n; i++)
			if (grants[g]->v[i].path)
				plan_grant(b, grants[g]->v[i].path);
	/* Writes taken away inside writable trees (in read-only ones they
	 * are not possible anyway). */
	const struct pol_list *ro[] = { &p->deny_write, &p->files };
	for (size_t g = 0; g < ARRAY_LEN(ro); g++)
		for (size_t i = 0; i < ro[g]->n; i++) {
			const char *path = ro[g]->v[i].path;
			if (!path || mode_at(p, path) != M_RO || !writable_root(p, path))
				continue;
			plan_anchors(b, path);
			add_op(b, OP_RO_BIND, path, false);
		}
	/* Denied paths the sandbox would see: an empty, read-only, mode 000
	 * tmpfs on a directory, the (nodev, so unopenable) /dev/null on
	 * anything else.  A deny inside another deny is covered by it. */
	for (size_t i = 0; i < p->deny.n; i++) {
		const char *path = p->deny.v[i].path;
		if (!path || !visible(b, path))
			continue;
		bool outer = false;
		for (size_t j = 0; j < p->deny.n; j++)
			if (j != i && p->deny.v[j].path && strcmp(p->deny.v[j].path, path) != 0 &&
			    path_inside(path, p->deny.v[j].path))
				outer = true;
		if (outer)
			continue;
		plan_anchors(b, path);
		struct stat st;
		bool dir = lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
		add_op(b, dir ? OP_HIDE_DIR : OP_HIDE_FILE, path, false);
	}
	const struct pol_list *written[] = { &p->read_write, &p->read_only };
	for (size_t g = 0; g < ARRAY_LEN(written); g++)
		plan_symlinks(b, written[g]);
	if (b->nops) /* qsort(NULL, 0, ...) is undefined */
		qsort(b->ops, b->nops, sizeof(*b->ops), by_path);
	prune(b);
}

static void push2(struct strv *v, const char *a, const char *x)
{
	strv_push(v, xstrdup(a));
	strv_push(v, xstrdup(x));
}

static void emit_ops(const struct bw *b, struct strv *v)
{
	for (size_t i = 0; i < b->nops; i++) {
		const struct op *o = &b->ops[i];
		if (o->dropped)
			continue;
		switch (o->kind) {
		case OP_SYMLINK:
			strv_push(v, xstrdup("--symlink"));
			push2(v, o->target, o->path);
			break;
		case OP_DEV:
			push2(v, "--dev", o->path);
			break;
		case OP_PROC:
			push2(v, "--proc", o->path);
			break;
		case OP_BIND:
		case OP_DEV_BIND:
		case OP_RO_BIND:
			strv_push(v, xstrdup(o->kind == OP_BIND ? "--bind" :
					     o->kind == OP_DEV_BIND ? "--dev-bind" : "--ro-bind"));
			push2(v, o->path, o->path);
			break;
		case OP_HIDE_FILE:
			strv_push(v, xstrdup("--ro-bind"));
			push2(v, "/dev/null", o->path);
			break;
		case OP_HIDE_DIR:
			/* Empty, unreadable, and read-only so nothing can be
			 * planted in it for a later process to find. */
			push2(v, "--perms", "0000");
			push2(v, "--tmpfs", o->path);
			push2(v, "--remount-ro", o->path);
			break;
		}
	}
}

/* ---- refusals ---- */

#define HINT_OTHER "use backend = landlock, or set best_effort = true to run without it"

/* The first guarantee bwrap cannot give, unless best_effort (then each
 * is recorded as not enforced, and said, by plan_limits()). */
static int check_refusals(struct bw *b, struct policy_error *err)
{
	const struct policy *p = b->p;
	if (p->best_effort.val)
		return 0;
	for (size_t i = 0; i < p->no_exec.n; i++) {
		const char *path = p->no_exec.v[i].path;
		if (path && visible(b, path) && mode_at(p, path) != M_HIDDEN)
			return plan_refuse(err, HINT_OTHER, "bwrap cannot enforce no_exec = %s: "
				      "bubblewrap has no noexec bind", path);
	}
	if (!p->net_all.val && p->connect_tcp.n)
		return plan_refuse(err, "use backend = landlock, allow = all, or best_effort = true "
			      "(then no TCP port is reachable)",
			      "bwrap cannot enforce connect_tcp = %lld: bubblewrap shares the whole "
			      "network or none", p->connect_tcp.v[0].num);
	if (!p->net_all.val && p->bind_tcp.n)
		return plan_refuse(err, "use backend = landlock, allow = all, or best_effort = true "
			      "(then no TCP port can be bound)",
			      "bwrap cannot enforce bind_tcp = %lld: bubblewrap shares the whole "
			      "network or none", p->bind_tcp.v[0].num);
	if (p->net_all.val)
		return plan_refuse(err, HINT_OTHER, "bwrap cannot refuse unix sockets with allow = all: "
			      "the host's abstract sockets and the named sockets under the granted "
			      "paths stay reachable");
	for (size_t i = 0; i < p->unix_sockets.n; i++)
		if (p->unix_sockets.v[i].path)
			return plan_refuse(err, HINT_OTHER, "bwrap cannot allow unix = %s alone: the "
				      "other named sockets under the granted paths would be reachable "
				      "too", p->unix_sockets.v[i].path);
	return 0;
}

/* ---- the connect filter ---- */

/* In the child, before exec'ing bwrap: connect() refused, and AF_UNIX
 * sockets of any type but stream and seqpacket (SOCK_RAW is a datagram
 * socket for AF_UNIX), which are connection-based: with no network
 * namespace of the host's, nothing is left to reach.  bwrap creates none
 * of these, and the command inherits the filter.  A fixed program
 * (seccomp_connect_program): no libseccomp on this path. */
static void bwrap_apply(const struct policy *p, const struct plan *pl)
{
	(void)p;
	const struct bw_priv *pv = pl->priv;
	if (!pv || !pv->connect)
		return;
	size_t len;
	const struct sock_filter *f = seccomp_connect_program(&len);
	struct sock_fprog fp = { (unsigned short)len, (struct sock_filter *)f };
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) != 0)
		die_errno("bwrap: cannot load the connect filter");
}

/* ---- guarantees ---- */

static const char *op_how(const struct op *o)
{
	switch (o->kind) {
	case OP_SYMLINK: return "bwrap --symlink";
	case OP_DEV: return "bwrap --dev (a private /dev)";
	case OP_PROC: return "bwrap --proc (the sandbox's own procfs)";
	case OP_BIND: return "bwrap --bind";
	case OP_DEV_BIND: return "bwrap --dev-bind";
	case OP_RO_BIND: return "bwrap --ro-bind";
	case OP_HIDE_FILE: return "bwrap --ro-bind /dev/null (nodev: cannot be opened)";
	case OP_HIDE_DIR: return "bwrap --tmpfs (empty, mode 000, read-only)";
	}
	return "?";
}

/* How a grant is given: its own operation, or an enclosing one. */
static const char *grant_how(struct bw *b, const char *path)
{
	switch (mode_at(b->p, path)) {
	case M_HIDDEN: return "not bound: a denied path covers it";
	case M_NONE: return "not bound";
	case M_RO:
	case M_RW: break;
	}
	if (path_inside(path, "/proc"))
		return op_how(find_op(b, "/proc"));
	if (path_inside(path, "/dev") && dev_provided(path))
		return op_how(find_op(b, "/dev"));
	const struct op *o = find_op(b, path);
	const char *how = o ? op_how(o) : "?";
	if (o && !o->dropped)
		return how;
	for (size_t j = b->nops; j-- > 0;)
		if (b->ops[j].kind != OP_SYMLINK && strcmp(b->ops[j].path, path) != 0 &&
		    path_inside(path, b->ops[j].path) && !b->ops[j].dropped)
			return keep(b, xasprintf("%s of %s", op_how(&b->ops[j]), b->ops[j].path));
	return how;
}

static void grant_lines(struct bw *b, struct plan *out, const struct pol_list *l, const char *what)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].path)
			plan_add(out, keep(b, xasprintf("%s %s", what, l->v[i].path)),
				 grant_how(b, l->v[i].path), NULL, true);
}

/* deny, deny_write, no_exec, policy files. */
static void protect_lines(struct bw *b, struct plan *out, const struct pol_list *l,
			  const char *what, bool no_exec)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *path = l->v[i].path;
		if (!path)
			continue;
		const char *w = keep(b, xasprintf("%s %s", what, path));
		const struct op *o = find_op(b, path);
		if (!visible(b, path))
			plan_add(out, w, "not bound into the sandbox", NULL, true);
		else if (no_exec)
			plan_add(out, w, NULL, "bubblewrap has no noexec bind", true);
		else if (mode_at(b->p, path) == M_HIDDEN && !o)
			plan_add(out, w, "inside a hidden path", NULL, true);
		else if (o && !o->dropped && o->kind >= OP_RO_BIND)
			plan_add(out, w, o->anchor || l == &b->p->deny_write || l == &b->p->files ?
				 keep(b, xasprintf("%s, on top of the writable tree; the directories "
						   "on the way pinned", op_how(o))) : op_how(o), NULL, true);
		else
			plan_add(out, w, grant_how(b, path), NULL, true);
	}
}

static char *port_list(const struct pol_list *l)
{
	struct strv s = { 0 };
	size_t len = 1;
	for (size_t i = 0; i < l->n; i++) {
		strv_pushf(&s, "%s%lld", i ? ", " : "", l->v[i].num);
		len += strlen(s.v[i]);
	}
	char *out = xcalloc(1, len);
	for (size_t i = 0; i < s.n; i++)
		strcat(out, s.v[i]);
	strv_free(&s);
	return out;
}

/* A guarantee bwrap cannot give: recorded and said (best_effort only;
 * check_refusals() has failed the plan otherwise). */
static void not_enforced(struct plan *out, const char *what, const char *why)
{
	plan_add(out, what, NULL, why, true);
	warn("best_effort: running without \"%s\": %s", what, why);
}

static void net_lines(struct bw *b, struct plan *out, bool connect_filter_on)
{
	const struct policy *p = b->p;
	const char *un = "no named unix sockets but those in [network] unix";
	const char *abs = "no abstract unix sockets outside the sandbox";
	if (p->net_all.val) {
		plan_add(out, "network: all", "bwrap --share-net", NULL, true);
		not_enforced(out, un, "with the host network, connect() must stay open");
		not_enforced(out, abs, "the sandbox shares the host's network namespace");
		return;
	}
	plan_add(out, "no network (a loopback of its own only)",
		 "bwrap --unshare-net; seccomp socket families via bwrap --add-seccomp-fd", NULL, true);
	plan_add(out, abs, "bwrap --unshare-net (abstract sockets belong to the network namespace)",
		 NULL, true);
	if (connect_filter_on)
		plan_add(out, un, "seccomp: connect() and AF_UNIX datagram sockets refused "
			 "(loaded before bwrap, inherited)", NULL, true);
	else
		not_enforced(out, un, "bubblewrap cannot refuse the other named sockets "
			     "under the granted paths");
	if (p->connect_tcp.n) {
		char *ports = port_list(&p->connect_tcp);
		not_enforced(out, keep(b, xasprintf("TCP connect to ports %s", ports)),
			     "bubblewrap shares the whole network or none: none is shared");
		free(ports);
	}
	if (p->bind_tcp.n) {
		char *ports = port_list(&p->bind_tcp);
		not_enforced(out, keep(b, xasprintf("TCP bind to ports %s", ports)),
			     "bubblewrap shares the whole network or none: none is shared");
		free(ports);
	}
}

static void build_lines(struct bw *b, struct plan *out, bool connect_filter_on)
{
	const struct policy *p = b->p;
	if (p->workspace.val)
		plan_add(out, keep(b, xasprintf("read-write workspace %s", p->workspace.val)),
			 grant_how(b, p->workspace.val), NULL, true);
	grant_lines(b, out, &p->read_write, "read-write");
	grant_lines(b, out, &p->read_only, "read-only");
	protect_lines(b, out, &p->deny, "deny", false);
	protect_lines(b, out, &p->deny_write, "no writes to", false);
	protect_lines(b, out, &p->no_exec, "no exec in", true);
	protect_lines(b, out, &p->files, "no writes to policy file", false);
	for (size_t i = 0; i < p->no_exec.n; i++)
		if (p->no_exec.v[i].path && visible(b, p->no_exec.v[i].path))
			warn("best_effort: running without \"no exec in %s\": bubblewrap has no "
			     "noexec bind", p->no_exec.v[i].path);
	plan_add(out, "no access to any other path", "bwrap: a new root holding only these binds",
		 NULL, true);
	net_lines(b, out, connect_filter_on);
	plan_add(out, "no signals to or ptrace of processes outside the sandbox",
		 "bwrap --unshare-pid (no process outside is visible)", NULL, true);
	plan_add(out, "no SysV IPC with processes outside", "bwrap --unshare-ipc", NULL, true);
	plan_add(out, "the command's own session inside the sandbox", "bwrap --new-session", NULL, true);
	plan_add(out, "the sandbox ends with bwrap", "bwrap --die-with-parent and a PID namespace",
		 NULL, true);
	plan_add(out, "no capabilities, even as root", "bwrap --cap-drop ALL", NULL, true);
}

/* ---- plan ---- */

static int bwrap_plan(const struct policy *p, const struct command *cmd, struct plan *out,
		      struct policy_error *err)
{
	if (plan_refuse_domains(p, "bwrap", "its private network namespace has no relay to clawshim's proxy", err))
		return -1;
	struct bw_priv *pv = xcalloc(1, sizeof(*pv));
	struct bw b = { .p = p, .strs = &pv->strs };
	build_ops(&b);
	int rc = check_refusals(&b, err);
	char cwd[PATH_MAX];
	if (rc == 0 && !getcwd(cwd, sizeof(cwd)))
		rc = plan_refuse(err, "", "bwrap: cannot find the current directory: %s", strerror(errno));
	/* The command starts where clawshim was started; a directory the
	 * sandbox cannot see would leave it somewhere else. */
	if (rc == 0 && (mode_at(p, cwd) == M_NONE || mode_at(p, cwd) == M_HIDDEN))
		rc = plan_refuse(err, "start clawshim in the workspace, or grant the directory "
			    "(--read-only DIR)", "bwrap: the current directory %s is not inside "
			    "any path the policy grants", cwd);
	bool filter_on = !p->net_all.val;
	for (size_t i = 0; i < p->unix_sockets.n; i++)
		if (p->unix_sockets.v[i].path)
			filter_on = false;
	pv->connect = filter_on;
	if (rc < 0) {
		free(b.ops);
		priv_free(pv);
		return -1;
	}

	struct strv *v = &out->wrapper;
	strv_push(v, xstrdup(bwrap_program()));
	strv_push(v, xstrdup("--unshare-all"));
	if (p->net_all.val)
		strv_push(v, xstrdup("--share-net"));
	/* Root runs bwrap with its capabilities: mapping uid 0 into a user
	 * namespace needs CAP_SETFCAP (Linux 5.12).  bwrap gives the command
	 * none of them; for everyone else clawshim drops them first. */
	push2(v, "--cap-drop", "ALL");
	strv_push(v, xstrdup("--die-with-parent"));
	/* A new session: no TIOCSTI into the agent's terminal (CVE-2017-5226). */
	strv_push(v, xstrdup("--new-session"));
	emit_ops(&b, v);
	push2(v, "--chdir", cwd);
	push2(v, "--add-seccomp-fd", SECCOMP_FD_ARG);
	/* Read by bwrap after its mounts, before the filter and the exec: a
	 * failed setup shows as a byte left unread (exit 125, not bwrap's 1). */
	push2(v, "--block-fd", READY_FD_ARG);
	size_t bytes = 0;
	for (size_t i = 0; i < v->n; i++)
		bytes += strlen(v->v[i]) + 1;
	if (v->n > MAX_OPTIONS || bytes > MAX_OPTION_BYTES) {
		plan_refuse(err, "grant whole directories instead of many paths",
		       "bwrap: the policy needs %zu bwrap options (%zu bytes); at most %d "
		       "(%d bytes) are passed", v->n, bytes, MAX_OPTIONS, MAX_OPTION_BYTES);
		strv_free(v);
		free(b.ops);
		priv_free(pv);
		return -1;
	}
	if (v->n > ARGS_OPTIONS || bytes > ARGS_BYTES) {
		/* Everything but the program goes to --args FD, in order. */
		for (size_t i = 1; i < v->n; i++)
			strv_push(&out->wrapper_args, v->v[i]);
		v->n = 1;
		v->v[1] = NULL;
		push2(v, "--args", ARGS_FD_ARG);
	}
	strv_push(v, xstrdup("--"));
	for (char **a = cmd->argv; a && *a; a++) {
		/* A login shell ("-bash"): bwrap 0.8 cannot set argv[0] apart
		 * from the program, so the shell is run with -l instead. */
		if (a == cmd->argv && (*a)[0] == '-' && cmd->shell) {
			push2(v, cmd->shell, "-l");
			continue;
		}
		strv_push(v, xstrdup(*a));
	}

	out->id = BACKEND_BWRAP;
	/* Not SC_SESSION: bwrap's --new-session calls setsid() inside, and
	 * the PID namespace is the handle on everything started.  Not
	 * SC_UNIX: a listener would end up in bwrap, not in clawshim. */
	out->seccomp = SC_TTY | SC_KERNEL | SC_POLICY | (p->net_all.val ? 0 : SC_NET);
	/* bwrap 0.8 forwards no signals: clawshim sends them to the command,
	 * the child of bwrap's init in the PID namespace. */
	out->signal_inside = true;
	plan_add(out, "TERM, INT, HUP, QUIT, USR1, USR2, WINCH reach the command",
		 "clawshim signals the command under bwrap's PID-namespace init", NULL, true);
	/* No filter in process: bwrap must still mount and unshare. */
	out->setup = SETUP_NNP | (getuid() == 0 ? 0 : SETUP_CAPS);
	out->priv = pv;
	out->priv_free = priv_free;
	build_lines(&b, out, filter_on);
	free(b.ops);
	return 0;
}

const struct backend backend_bwrap = {
	.name = "bwrap",
	.id = BACKEND_BWRAP,
	.probe = bwrap_probe,
	.plan = bwrap_plan,
	.apply = bwrap_apply,
};
