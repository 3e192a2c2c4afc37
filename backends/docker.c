/* SPDX-License-Identifier: MIT */
/*
 * docker.c: the docker backend: `docker run` (or podman) of the policy's
 * [docker] image, hardened (dclaw's flags): all capabilities dropped,
 * no-new-privileges, a read-only root, noexec tmpfs on /tmp and /run (on
 * podman /run may exec: its init is there), the caller's uid:gid,
 * pids/memory/ulimit limits, no network unless allowed,
 * and only the policy's host paths bound in, each at its own path.
 *
 * The argv is data (never a shell string); every valued option is written
 * --opt=value so no value (a path, an env name) can be read as an option.
 *
 * Decisions a user would ask about:
 * - The image provides the system: system paths in the policy (/usr, /etc,
 *   /lib, /proc, /dev, ...) are not bound from the host, and /tmp and /run
 *   are the container's own tmpfs (not shared with the host).
 * - stdin is always forwarded (-i): `echo x | clawshim -- cat` works as on
 *   every other backend.  -t only when stdin and stdout are terminals.
 * - The container runs as the caller's uid:gid, whatever the image's USER
 *   says.  For a root caller that is uid 0, with every capability dropped
 *   and no-new-privileges, as root is treated on the other backends.
 * - The container's seccomp profile is clawshim's filter as JSON, handed to
 *   the CLI on a descriptor (--security-opt=seccomp=/proc/self/fd/N).
 * - --pull=never: running a command never downloads an image.
 */
#include "docker.h"
#include "seccomp.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
/* Where the CLI opens a descriptor clawshim hands it. */
#define FD_DIR "/proc/self/fd/"
#else
/* macOS's fdesc: opening /dev/fd/N duplicates N (host_posix.c rewinds it). */
#define FD_DIR "/dev/fd/"
#endif

/* ---- paths ---- */

/* Trees the image (or the engine: /proc, /sys, /dev) provides: binding the
 * host's over them would replace the image's system with the host's. */
static const char *const image_trees[] = {
	"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt",
	"/proc", "/sys", "/dev", "/boot", "/run/systemd", "/var/lib/dpkg",
};
/* Directories the container has its own of (tmpfs, or the image's). */
static const char *const own_dirs[] = { "/", "/tmp", "/var/tmp", "/run", "/var" };

/* NULL when the host path is bound; else how the container provides it. */
static const char *not_bound_why(const char *path)
{
	if (strcmp(path, "/tmp") == 0 || strcmp(path, "/run") == 0)
		return "the container's own tmpfs, not the host's";
	for (size_t i = 0; i < ARRAY_LEN(own_dirs); i++)
		if (strcmp(path, own_dirs[i]) == 0)
			return "the container's own directory (read-only image), not the host's";
	for (size_t i = 0; i < ARRAY_LEN(image_trees); i++)
		if (path_inside(path, image_trees[i]))
			return "the image's (or the engine's /proc, /sys, /dev), not the host's";
	return NULL;
}

/* ---- the mount table ---- */

enum mkind { MK_RW, MK_RO, MK_MASK };

struct dmount {
	const char *path;  /* canonical; owned by the policy */
	enum mkind kind;
	bool dir;          /* for MK_MASK: tmpfs, else /dev/null */
};

struct dplan {
	struct dmount *m;
	size_t n, cap;
	struct strv own;   /* strings the guarantees point to */
};

static const char *keep(struct dplan *d, char *s)
{
	strv_push(&d->own, s);
	return s;
}

static void dplan_free(void *v)
{
	struct dplan *d = v;
	if (!d)
		return;
	free(d->m);
	strv_free(&d->own);
	free(d);
}

static void madd(struct dplan *d, const char *path, enum mkind k, bool dir)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		d->m = xrealloc(d->m, d->cap * sizeof(*d->m));
	}
	d->m[d->n++] = (struct dmount){ path, k, dir };
}

static void mdel(struct dplan *d, size_t i)
{
	memmove(&d->m[i], &d->m[i + 1], (d->n - i - 1) * sizeof(*d->m));
	d->n--;
}

/* The deepest bind (not mask) at or above `path`, or NULL. */
static struct dmount *bind_above(struct dplan *d, const char *path)
{
	struct dmount *best = NULL;
	for (size_t i = 0; i < d->n; i++)
		if (d->m[i].kind != MK_MASK && path_inside(path, d->m[i].path) &&
		    (!best || strlen(d->m[i].path) > strlen(best->path)))
			best = &d->m[i];
	return best;
}

static const char *in_list(const struct pol_list *l, const char *path)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].path && path_inside(path, l->v[i].path))
			return l->v[i].path;
	return NULL;
}

/* One granted list: bind what the host must provide; say what is not. */
static void add_binds(const struct policy *p, const struct pol_list *l, enum mkind k,
		      const char *label, struct dplan *d, struct plan *out)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *path = l->v[i].path, *why, *deny;
		if (!path)
			continue;
		const char *what = keep(d, xasprintf("%s %s", label, path));
		if ((why = not_bound_why(path)))
			plan_add(out, what, why, NULL, false);
		else if ((deny = in_list(&p->deny, path)))
			/* A protection covers a grant nested in it. */
			plan_add(out, what, NULL, keep(d, xasprintf("inside deny %s", deny)), false);
		else {
			madd(d, path, k, true);
			plan_add(out, what, k == MK_RW ? "bind mount" : "read-only bind mount "
				 "(submounts not bound: none writable)", NULL, true);
		}
	}
}

/* The bind that shows at `m` without it: the deepest one above it (or an
 * earlier one at the same path), or NULL. */
static const struct dmount *nearest(const struct dplan *d, size_t i)
{
	const struct dmount *m = &d->m[i], *best = NULL;
	for (size_t j = 0; j < d->n; j++) {
		const struct dmount *b = &d->m[j];
		if (j == i || b->kind == MK_MASK || !path_inside(m->path, b->path))
			continue;
		if (strcmp(b->path, m->path) == 0 && j > i && b->kind == m->kind)
			continue; /* of two equal ones, the first stays */
		if (!best || strlen(b->path) > strlen(best->path))
			best = b;
	}
	return best;
}

/* Drop binds that change nothing.  For the grants (`grants`), rights
 * union as on Landlock: a bind goes under one giving as much (read-write
 * gives all).  After the protections, only a bind under one of its own
 * kind goes: a read-only one under a writable one is a protection. */
static void dedupe(struct dplan *d, bool grants)
{
	for (size_t i = 0; i < d->n;) {
		const struct dmount *b = d->m[i].kind == MK_MASK ? NULL : nearest(d, i);
		bool same = b && strcmp(b->path, d->m[i].path) == 0;
		if (b && (b->kind == d->m[i].kind || ((grants || same) && b->kind == MK_RW)))
			mdel(d, i);
		else
			i++;
	}
}

/* deny_write inside a writable bind: bound again, read-only, over it;
 * writable binds beneath it become read-only too. */
static void protect_writes(const struct policy *p, struct dplan *d, struct plan *out)
{
	for (size_t i = 0; i < p->deny_write.n; i++) {
		const char *path = p->deny_write.v[i].path;
		if (!path)
			continue;
		const char *what = keep(d, xasprintf("no writes to %s", path));
		if (in_list(&p->deny, path)) {
			plan_add(out, what, "the deny around it", NULL, true);
			continue;
		}
		for (size_t j = 0; j < d->n; j++)
			if (d->m[j].kind == MK_RW && path_inside(d->m[j].path, path))
				d->m[j].kind = MK_RO;
		struct dmount *b = bind_above(d, path);
		if (!b)
			plan_add(out, what, "not mounting it in the container", NULL, true);
		else if (b->kind == MK_RO && strcmp(b->path, path) != 0)
			plan_add(out, what, "inside a read-only bind mount", NULL, true);
		else {
			if (strcmp(b->path, path) != 0)
				madd(d, path, MK_RO, true);
			plan_add(out, what, "read-only bind mount over it", NULL, true);
		}
	}
}

/* deny inside a bind: an empty read-only tmpfs over a directory,
 * /dev/null over anything else; a bind that is itself denied goes. */
static void protect_reads(const struct policy *p, struct dplan *d, struct plan *out)
{
	for (size_t i = 0; i < p->deny.n; i++) {
		const char *path = p->deny.v[i].path;
		if (!path)
			continue;
		const char *what = keep(d, xasprintf("no access to %s", path));
		for (size_t j = 0; j < d->n;)
			if (d->m[j].kind != MK_MASK && path_inside(d->m[j].path, path))
				mdel(d, j);
			else
				j++;
		if (!bind_above(d, path)) {
			plan_add(out, what, "not mounting it in the container", NULL, true);
			continue;
		}
		struct stat st;
		bool dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
		madd(d, path, MK_MASK, dir);
		plan_add(out, what, dir ? "empty read-only tmpfs over it" :
			 "/dev/null bound read-only over it", NULL, true);
	}
}

/* no_exec: the container's tmpfs are noexec (podman's /run is not: its
 * init runs from there), the image is read-only; a host bind cannot be
 * made noexec by the engine (no such bind option). */
static int protect_exec(const struct policy *p, const struct docker_host *h, struct dplan *d,
			struct plan *out, struct policy_error *err)
{
	for (size_t i = 0; i < p->no_exec.n; i++) {
		const char *path = p->no_exec.v[i].path;
		if (!path)
			continue;
		const char *what = keep(d, xasprintf("no exec in %s", path)), *bound = NULL;
		for (size_t j = 0; j < d->n && !bound; j++)
			if (d->m[j].kind != MK_MASK &&
			    (path_inside(d->m[j].path, path) || path_inside(path, d->m[j].path)))
				bound = d->m[j].path;
		if (!bound && h->podman && path_inside(path, "/run")) {
			const char *why = "podman runs its init from /run, which cannot be noexec";
			if (!p->best_effort.val)
				return plan_refuse(err, "remove it from no_exec, set best_effort = true, or "
					      "use engine = docker", "docker: no_exec %s cannot be "
					      "enforced on podman: %s", path, why);
			plan_add(out, what, NULL, why, true);
			continue;
		}
		if (!bound) {
			plan_add(out, what, path_inside(path, "/tmp") || path_inside(path, "/run") ?
				 "noexec tmpfs" : "not mounting it from the host (read-only image)",
				 NULL, true);
			continue;
		}
		const char *why = keep(d, xasprintf("the engine cannot bind %s noexec", bound));
		if (!p->best_effort.val)
			return plan_refuse(err, "remove it from no_exec, set best_effort = true, or use "
				      "backend = landlock or bwrap",
				      "docker: no_exec %s cannot be enforced: %s is bound from the "
				      "host and a bind cannot be noexec", path, bound);
		plan_add(out, what, NULL, why, true);
	}
	return 0;
}

/* A bound engine socket is root on the host: refused, even best_effort. */
static int check_sockets(struct dplan *d, char *const *sockets, struct policy_error *err)
{
	for (char *const *s = sockets; s && *s; s++)
		for (size_t i = 0; i < d->n; i++) {
			if (d->m[i].kind == MK_MASK || !path_inside(*s, d->m[i].path))
				continue;
			bool masked = false;
			for (size_t j = 0; j < d->n; j++)
				if (d->m[j].kind == MK_MASK && path_inside(*s, d->m[j].path))
					masked = true;
			if (!masked)
				return plan_refuse(err, "take it out of the policy's paths, or deny the "
					      "directory holding the socket",
					      "docker: %s would mount the container engine socket %s "
					      "(root on the host) into the container", d->m[i].path, *s);
		}
	return 0;
}

static int cmp_mount(const void *a, const void *b)
{
	return strcmp(((const struct dmount *)a)->path, ((const struct dmount *)b)->path);
}

/* The mounts for the policy, parents before children. */
static int plan_mounts(const struct policy *p, const struct docker_host *h, struct dplan *d,
		       struct plan *out, struct policy_error *err)
{
	const char *ws = p->workspace.val;
	if (!ws || not_bound_why(ws) || in_list(&p->deny, ws))
		return plan_refuse(err, "choose a project directory as the workspace",
			      "docker: the workspace %s cannot be bound into the container",
			      ws ? ws : "(unset)");
	madd(d, ws, MK_RW, true);
	plan_add(out, keep(d, xasprintf("read-write workspace %s", ws)), "bind mount", NULL, true);
	add_binds(p, &p->read_write, MK_RW, "read-write", d, out);
	add_binds(p, &p->read_only, MK_RO, "read-only", d, out);
	add_binds(p, &p->unix_sockets, MK_RO, "connect to unix socket", d, out);
	dedupe(d, true);
	protect_writes(p, d, out);
	dedupe(d, false);
	protect_reads(p, d, out);
	if (protect_exec(p, h, d, out, err) < 0 || check_sockets(d, h->sockets, err) < 0)
		return -1;
	qsort(d->m, d->n, sizeof(*d->m), cmp_mount);
	plan_add(out, "no access to any other host path", "container mount namespace: only the "
		 "paths above are bound, the rest is the read-only image", NULL, true);
	plan_add(out, "engine sockets never mounted", "a check of every bind, symlinks resolved",
		 NULL, true);
	return 0;
}

/* ---- the command line ---- */

/* A --mount field "key=value", CSV-quoted when the value needs it (the
 * engine reads --mount as one CSV record). */
static char *field(const char *key, const char *val)
{
	if (!strpbrk(val, ",\"\n\r"))
		return xasprintf("%s=%s", key, val);
	size_t n = 0;
	for (const char *c = val; *c; c++)
		n += *c == '"' ? 2 : 1;
	char *s = xmalloc(strlen(key) + n + 5), *o = s;
	*o++ = '"';
	o = stpcpy(o, key);
	*o++ = '=';
	for (const char *c = val; *c; c++) {
		if (*c == '"')
			*o++ = '"';
		*o++ = *c;
	}
	*o++ = '"';
	*o = '\0';
	return s;
}

/* Is anything mounted beneath `path` (/proc/self/mountinfo)? */
static bool has_submounts(const char *path)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return true; /* cannot tell: the safe option */
	char *line = NULL;
	size_t cap = 0;
	bool found = false;
	while (!found && getline(&line, &cap, f) > 0) {
		char mnt[PATH_MAX];
		/* "id parent major:minor root mountpoint ..."; octal escapes
		 * (\040) only make a path look different, never equal. */
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1)
			found = strcmp(mnt, path) != 0 && path_inside(mnt, path);
	}
	free(line);
	fclose(f);
	return found;
}

static void push_mount(struct strv *a, const struct dmount *m, bool podman)
{
	char *dst = field("dst", m->path), *src = field("src", m->path);
	switch (m->kind) {
	case MK_RW:
		strv_pushf(a, "--mount=type=bind,%s,%s", src, dst);
		break;
	case MK_RO:
		/* A read-only recursive bind leaves its submounts writable on
		 * engines before Docker 25: where there are any, bind without
		 * them (newer CLIs warn that the option is deprecated). */
		strv_pushf(a, "--mount=type=bind,%s,%s,ro%s", src, dst,
			   has_submounts(m->path) ? ",bind-nonrecursive=true" : "");
		break;
	case MK_MASK:
		/* podman copies what a tmpfs covers into it unless told not
		 * to: the denied directory would be there, whole. */
		if (m->dir)
			strv_pushf(a, "--mount=type=tmpfs,%s,ro%s", dst,
				   podman ? ",notmpcopyup" : "");
		else
			strv_pushf(a, "--mount=type=bind,src=/dev/null,%s,ro", dst);
		break;
	}
	free(dst);
	free(src);
}

/* Limits: pids and memory by the container's cgroup, the rest by rlimits
 * the engine sets in the container (hard = soft: no raising them back).
 * Rootless podman has no cgroup limits (it warns and ignores them on
 * cgroup v1, and without a delegated controller on v2): there processes
 * and memory are rlimits too, as on the in-process backends. */
static void push_limits(const struct policy *p, const struct docker_host *h, struct strv *a,
			struct dplan *d, struct plan *out)
{
	static const char *const ulimit[LIMIT_COUNT] = {
		[LIMIT_CPU] = "cpu", [LIMIT_FILE_SIZE] = "fsize", [LIMIT_OPEN_FILES] = "nofile",
	};
	bool rootless = h->podman && h->uid != 0;
	const struct pol_num *np = &p->limit[LIMIT_PROCESSES];
	long long pids = np->set ? np->val : 256;
	if (pids != LIMIT_UNLIMITED && rootless) {
		strv_pushf(a, "--ulimit=nproc=%lld:%lld", pids, pids);
		plan_add(out, keep(d, xasprintf("at most %lld processes of the user", pids)),
			 "--ulimit nproc (RLIMIT_NPROC, counting all of the user's processes; "
			 "rootless podman has no pids cgroup)", NULL, true);
	} else if (pids != LIMIT_UNLIMITED) {
		strv_pushf(a, "--pids-limit=%lld", pids);
		plan_add(out, keep(d, xasprintf("at most %lld processes", pids)),
			 "--pids-limit (the container's pids cgroup)", NULL, true);
	}
	const struct pol_num *mem = &p->limit[LIMIT_MEMORY];
	if (mem->set && mem->val != LIMIT_UNLIMITED && rootless) {
		strv_pushf(a, "--ulimit=data=%lld:%lld", mem->val, mem->val);
		plan_add(out, keep(d, xasprintf("at most %lld bytes of data per process", mem->val)),
			 "--ulimit data (RLIMIT_DATA; rootless podman has no memory cgroup)", NULL,
			 true);
	} else if (mem->set && mem->val != LIMIT_UNLIMITED) {
		strv_pushf(a, "--memory=%lld", mem->val);
		plan_add(out, keep(d, xasprintf("at most %lld bytes of memory", mem->val)),
			 "--memory (the container's memory cgroup)", NULL, true);
	}
	for (int i = 0; i < LIMIT_COUNT; i++) {
		const struct pol_num *l = &p->limit[i];
		if (!ulimit[i] || !l->set || l->val == LIMIT_UNLIMITED)
			continue;
		strv_pushf(a, "--ulimit=%s=%lld:%lld", ulimit[i], l->val, l->val);
		plan_add(out, keep(d, xasprintf("limit %s = %lld", ulimit[i], l->val)),
			 "--ulimit (setrlimit in the container)", NULL, true);
	}
}

/* Variables the container must not get from the host: the engine's own
 * (where its socket is), and what only makes sense on the host. */
static bool env_for_host_only(const char *name, size_t len, const struct dplan *d,
			      const char *home)
{
	static const char *const host_only[] = { "PATH", "HOSTNAME", "PWD", "OLDPWD", "_",
						 "XDG_RUNTIME_DIR", "CONTAINER_HOST",
						 "CONTAINER_CONNECTION" };
	for (size_t i = 0; i < ARRAY_LEN(host_only); i++)
		if (strlen(host_only[i]) == len && strncmp(name, host_only[i], len) == 0)
			return true;
	if (len >= 7 && strncmp(name, "DOCKER_", 7) == 0)
		return true;
	if (len == 4 && strncmp(name, "HOME", 4) == 0) {
		/* HOME only when it is there: else the engine's default. */
		for (size_t i = 0; home && i < d->n; i++)
			if (d->m[i].kind != MK_MASK && path_inside(home, d->m[i].path))
				return false;
		return true;
	}
	return false;
}

/* -w: the current directory when the container has it, else the workspace. */
static const char *workdir(const struct policy *p, const struct docker_host *h,
			   const struct dplan *d)
{
	bool seen = false;
	for (size_t i = 0; h->cwd && i < d->n; i++)
		if (path_inside(h->cwd, d->m[i].path))
			seen = d->m[i].kind != MK_MASK;
	return seen ? h->cwd : p->workspace.val;
}

/* What every container gets, and the guarantees that come with it. */
static void push_hardening(const struct policy *p, const struct docker_host *h,
			   struct strv *a, struct dplan *d, struct plan *out)
{
	strv_push(a, xstrdup("--cap-drop=ALL"));
	for (size_t i = 0; i < p->keep_capabilities.n; i++)
		strv_pushf(a, "--cap-add=%s", p->keep_capabilities.v[i].raw);
	strv_push(a, xstrdup("--security-opt=no-new-privileges"));
	/* clawshim's filter as the container's seccomp profile: the engine's
	 * default lets AF_VSOCK, io_uring (before docker 25) and TIOCLINUX
	 * through, and every backend must refuse the same things. */
	strv_push(a, xstrdup("--security-opt=seccomp=" FD_DIR SECCOMP_FD_ARG));
	strv_push(a, xstrdup("--read-only"));
	strv_push(a, xstrdup("--tmpfs=/tmp:rw,noexec,nosuid,nodev"));
	/* podman runs its --init from /run/podman-init: exec stays allowed. */
	strv_push(a, xstrdup(h->podman ? "--tmpfs=/run:rw,nosuid,nodev" :
				       "--tmpfs=/run:rw,noexec,nosuid,nodev"));
	strv_pushf(a, "--user=%u:%u", (unsigned)h->uid, (unsigned)h->gid);
	/* Rootless podman maps the caller to root inside and --user to a
	 * subordinate id: keep-id makes the caller's uid the same inside, so
	 * the workspace is theirs there too. */
	if (h->podman && h->uid != 0)
		strv_push(a, xstrdup("--userns=keep-id"));
	plan_add(out, "capabilities dropped", "--cap-drop=ALL", NULL, true);
	plan_add(out, "no new privileges (setuid/file caps inert)",
		 "--security-opt=no-new-privileges", NULL, true);
	plan_add(out, "read-only root filesystem",
		 h->podman ? "--read-only; /tmp is a noexec tmpfs, /run a tmpfs (podman's init is there)" :
			     "--read-only; /tmp and /run are noexec tmpfs", NULL, true);
	plan_add(out, keep(d, xasprintf("runs as uid %u, gid %u (never the image's user)",
					(unsigned)h->uid, (unsigned)h->gid)), "--user", NULL, true);
	if (!p->net_all.val) {
		strv_push(a, xstrdup("--network=none"));
		plan_add(out, "no network", "--network=none (own network namespace, loopback only)",
			 NULL, true);
		plan_add(out, "no abstract unix sockets outside the sandbox",
			 "own network namespace", NULL, true);
	}
	plan_add(out, "no signals or ptrace to processes outside the sandbox",
		 "own PID namespace", NULL, true);
	plan_add(out, "TIOCSTI/TIOCLINUX into the agent's terminal", "the container never has "
		 "it open (pipes, or the engine's own pty with -t)", NULL, true);
	plan_add(out, "dies with its parent, whole container", keep(d, xasprintf(
		 "--init; supervisor and watcher run `%s rm -f %s` if the engine CLI is killed",
		 h->engine, h->name)), NULL, true);
}

/* What the engine cannot do at all: refused unless best_effort. */
static int unenforceable(const struct policy *p, struct plan *out, struct policy_error *err)
{
	const char *hint = "set best_effort = true to run without it, or use backend = landlock";
	if (!p->net_all.val && (p->connect_tcp.n || p->bind_tcp.n)) {
		if (!p->best_effort.val)
			return plan_refuse(err, "set allow = all, remove the ports, or use backend = landlock",
				      "docker: [network] %s cannot be enforced: the engine has no "
				      "per-port rules (--network=none allows no port)",
				      p->connect_tcp.n ? "connect_tcp" : "bind_tcp");
		plan_add(out, "TCP port rules", NULL, "no per-port rules: no port is reachable", true);
	}
	(void)hint;
	return 0;
}

static bool image_ok(const char *img)
{
	if (!img || !*img || img[0] == '-')
		return false;
	for (const char *c = img; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f)
			return false;
	return true;
}

int docker_plan_build(const struct policy *p, const struct command *cmd,
		      const struct docker_host *h, struct plan *out, struct policy_error *err)
{
	const char *img = p->docker_image.val;
	if (!img)
		return plan_refuse(err, "add [docker] image = NAME (a local image) to the policy",
			      "docker: set [docker] image");
	if (!image_ok(img))
		return plan_refuse(err, "name a local image, e.g. debian:bookworm-slim",
			      "docker: [docker] image '%s' is not an image name", img);
	struct dplan *d = xcalloc(1, sizeof(*d));
	out->id = BACKEND_DOCKER;
	out->priv = d;
	out->priv_free = dplan_free;
	if (unenforceable(p, out, err) < 0 || plan_mounts(p, h, d, out, err) < 0) {
		plan_free(out);
		return -1;
	}

	struct strv *a = &out->wrapper;
	strv_push(a, xstrdup(h->engine));
	strv_push(a, xstrdup("run"));
	strv_push(a, xstrdup("--rm"));
	strv_push(a, xstrdup("-i"));
	if (h->tty)
		strv_push(a, xstrdup("-t"));
	strv_pushf(a, "--name=%s", h->name);
	strv_push(a, xstrdup("--init"));
	strv_push(a, xstrdup("--pull=never"));
	/* The output goes to the caller, not also to the engine's disk. */
	strv_push(a, xstrdup("--log-driver=none"));
	push_hardening(p, h, a, d, out);
	push_limits(p, h, a, d, out);
	for (size_t i = 0; i < d->n; i++)
		push_mount(a, &d->m[i], h->podman);
	strv_pushf(a, "--workdir=%s", workdir(p, h, d));
	/* Names only: the engine copies each value from its own environment,
	 * so no value (a kept token) is ever in an argv others can read. */
	for (char *const *e = h->envp; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		size_t len = eq ? (size_t)(eq - *e) : 0;
		if (len && !env_for_host_only(*e, len, d, h->home))
			strv_pushf(a, "--env=%.*s", (int)len, *e);
	}
	strv_push(a, xstrdup(img));
	char **av = cmd->argv;
	if (av[0] && av[0][0] == '-' && cmd->shell) {
		/* A login shell: the image cannot exec "-bash"; say it with -l. */
		strv_push(a, xstrdup(cmd->shell));
		strv_push(a, xstrdup("-l"));
		av++;
	}
	for (; *av; av++)
		strv_push(a, xstrdup(*av));

	strv_push(&out->cleanup, xstrdup(h->engine));
	strv_push(&out->cleanup, xstrdup("rm"));
	strv_push(&out->cleanup, xstrdup("-f"));
	strv_push(&out->cleanup, xstrdup(h->name));
	/* podman runs the container itself (no daemon): it needs root's
	 * capabilities, or setuid newuidmap when rootless.  The docker CLI
	 * only talks to its daemon and needs neither. */
	out->setup = (h->podman ? SETUP_WRAPPER_ONLY : SETUP_NNP | SETUP_CAPS) | SETUP_NO_LIMITS;
	/* With a terminal the user can detach (ctrl-p ctrl-q): the CLI exits 0
	 * and the container would run on. */
	out->cleanup_always = h->tty;
	/* The container gets clawshim's filter as its profile; the session
	 * and notification parts stay with the in-process backends. */
	out->seccomp = SC_TTY | SC_KERNEL | SC_POLICY | (p->net_all.val ? 0 : SC_NET);
	out->filter_json = true;
	return 0;
}
