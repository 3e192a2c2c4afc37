/* SPDX-License-Identifier: MIT */
/*
 * landlock.c: the landlock backend's process side. probe() asks the kernel
 * for its ABI, plan() adds the rules landlock_plan.c computes, apply()
 * builds one ruleset (files, TCP ports and scopes together: two rulesets
 * would break cross-directory renames with EXDEV) and restricts the
 * process. The seccomp filter is loaded later, by the caller, last.
 */
#include "landlock.h"
#include "mountns_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#endif
#ifndef __NR_landlock_add_rule
#define __NR_landlock_add_rule 445
#endif
#ifndef __NR_landlock_restrict_self
#define __NR_landlock_restrict_self 446
#endif

static int ll_create_ruleset(const struct ll_ruleset_attr *attr, size_t size, unsigned flags)
{
	return (int)syscall(__NR_landlock_create_ruleset, attr, size, flags);
}

static int ll_add_rule(int fd, int type, const void *attr)
{
	return (int)syscall(__NR_landlock_add_rule, fd, type, attr, 0);
}

static int ll_restrict_self(int fd, unsigned flags)
{
	return (int)syscall(__NR_landlock_restrict_self, fd, flags);
}

/* ABI 7: the kernel's audit records go on after execve (by default
 * Landlock stops logging a domain's refusals at the next exec). */
#define LL_LOG_NEW_EXEC_ON (1U << 1)

/* The kernel's Landlock ABI, or -1 with why it has none (sandboxer.c
 * tells "not built in" from "disabled at boot": the fixes differ). */
int landlock_probe_abi(char *why, size_t whylen, char *hintbuf, size_t hintlen)
{
	/* probe() and plan() both ask: once per process is enough. */
	static int known;
	if (known >= 1)
		return known;
	int abi = ll_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi >= 1)
		return known = abi;
	int e = errno;
	const char *w, *h;
	switch (e) {
	case ENOSYS:
		w = "Landlock is not built into this kernel";
		h = "Landlock needs Linux 5.13 or later built with CONFIG_SECURITY_LANDLOCK=y";
		break;
	case EOPNOTSUPP:
		w = "Landlock is disabled at boot";
		h = "add landlock to the lsm= kernel parameter";
		break;
	default:
		w = abi == 0 ? "Landlock reported ABI 0" : strerror(e);
		h = "a seccomp filter around clawshim (a container runtime?) may refuse "
		    "the Landlock system calls";
		break;
	}
	if (why && whylen) {
		if (e == ENOSYS || e == EOPNOTSUPP || abi == 0)
			snprintf(why, whylen, "%s", w);
		else
			snprintf(why, whylen, "Landlock probe failed: %s", w);
	}
	if (hintbuf && hintlen)
		snprintf(hintbuf, hintlen, "%s", h);
	return -1;
}

static int ll_probe(char *why, size_t whylen)
{
	char h[256];
	if (landlock_probe_abi(why, whylen, h, sizeof(h)) > 0)
		return 0;
	/* One line: the reason, then what to do. */
	size_t n = strlen(why);
	if (n + 3 < whylen)
		snprintf(why + n, whylen - n, " (%s)", h);
	return -1;
}

/* A string that lives as long as the process (plan lines point to it). */
static const char *keep_str(char *s)
{
	static struct strv kept;
	strv_push(&kept, s);
	return s;
}

/* The Landlock view of the terminals.  With a private devpts instance
 * (mp->devpts) the whole of /dev/pts is granted: it holds only the
 * ptys the command makes.  Without one, /dev/pts gets no rule unless the
 * policy names it: the command's own terminal stays usable through the
 * descriptors it inherits (Landlock does not restrict those; ttyname()
 * only stats the node), and opening /dev/ptmx still works, but the new
 * pts node cannot be opened (Landlock checks it even through
 * TIOCGPTPEER), so nothing here can allocate a pty.  Returns the array
 * to free. */
static struct pol_item *with_devpts(struct policy *view, const struct mount_plan *mp,
				    struct plan *out)
{
	const char *tty = "no access to other terminals (/dev/pts)";
	for (size_t i = 0; i < view->read_write.n; i++)
		if (view->read_write.v[i].path && strcmp(view->read_write.v[i].path, "/dev/pts") == 0) {
			if (!mp || !mp->devpts)
				plan_add(out, tty, NULL, "read_write grants /dev/pts: every terminal of "
					 "this user is reachable", false);
			return NULL;
		}
	if (isatty(0) || isatty(1) || isatty(2))
		plan_add(out, "the terminal on fds 0-2 reopens by name (/dev/stderr); no other",
			 "Landlock: a rule for that one device node", NULL, true);
	if (!mp || !mp->devpts) {
		bool ptmx = false;
		for (size_t i = 0; i < view->read_write.n; i++)
			ptmx |= view->read_write.v[i].path &&
				strcmp(view->read_write.v[i].path, "/dev/ptmx") == 0;
		plan_add(out, tty, ptmx ?
			 "Landlock: no rule for /dev/pts (no mount namespace here for a private "
			 "one, so programs that allocate a pty fail: grant read_write = /dev/pts "
			 "for them)" :
			 "Landlock: no rule for /dev/pts (/dev/ptmx is not granted either, so "
			 "programs that allocate a pty fail)", NULL, true);
		return NULL;
	}
	struct pol_item *rw = xcalloc(view->read_write.n + 1, sizeof(*rw));
	memcpy(rw, view->read_write.v, view->read_write.n * sizeof(*rw));
	rw[view->read_write.n] = (struct pol_item){ .raw = "/dev/pts", .path = "/dev/pts",
						    .from = { "built-in", 0 } };
	view->read_write.v = rw;
	view->read_write.n++;
	return rw;
}

/* Protections inside granted trees go to a private mount namespace where
 * the host allows one: Landlock then grants whole trees, and nothing is
 * expanded entry by entry (which would also take away the rights to
 * create entries in every directory on the way, breaking `git commit`
 * under a read-only .git/hooks).  The rules Landlock still needs come
 * from the same policy with those protections taken out. */
static int ll_plan(const struct policy *p, const struct command *cmd, struct plan *out,
		   struct policy_error *err)
{
	int abi = landlock_probe_abi(err->msg, sizeof(err->msg), err->hint, sizeof(err->hint));
	if (abi < 0)
		return -1;
	struct mount_plan *mp = NULL;
	/* Under an outer clawshim its filter refuses new namespaces: plan
	 * without one from the start, so that --explain shows what will run
	 * (the spawn would fail and the run be planned again without). */
	if (!cmd->no_mounts && !getenv("CLAWSHIM_BACKEND") && mountns_possible()) {
		mp = xcalloc(1, sizeof(*mp));
		mountns_plan(p, mp);
		if (mp->n == 0) {
			free(mp);
			mp = NULL;
		}
	}
	struct policy view = *p;
	/* A deny_write path already on a read-only mount (an outer clawshim's
	 * bind) stays read-only: nothing inside can remount it.  Skipping it
	 * spares the expansion and its cost to the directories around it. */
	struct pol_item *dw = xcalloc(p->deny_write.n + 1, sizeof(*dw));
	view.deny_write.v = dw;
	view.deny_write.n = 0;
	for (size_t i = 0; i < p->deny_write.n; i++) {
		struct statvfs sv;
		const char *path = p->deny_write.v[i].path;
		if (path && statvfs(path, &sv) == 0 && (sv.f_flag & ST_RDONLY))
			continue;
		dw[view.deny_write.n++] = p->deny_write.v[i];
	}
	/* A denied path this user may not read anyway, nor chmod, needs no
	 * rule of ours (and no expansion of the tree around it). */
	struct pol_item *dn = xcalloc(p->deny.n + 1, sizeof(*dn));
	view.deny.v = dn;
	view.deny.n = 0;
	for (size_t i = 0; i < p->deny.n; i++) {
		const char *path = p->deny.v[i].path;
		if (path && dac_denies(path))
			plan_add(out, keep_str(xasprintf("no access to %s", path)),
				 "file permissions: owned by root; this user may not read, write or enter it",
				 NULL, true);
		else
			dn[view.deny.n++] = p->deny.v[i];
	}
	if (mp) {
		view.deny.n = view.deny_write.n = view.no_exec.n = view.files.n = 0;
		for (size_t i = 0; i < mp->n; i++)
			plan_add(out, mstep_what(mp, &mp->v[i]), mstep_how(mp->v[i].op), NULL, true);
	}
	struct pol_item *rw = with_devpts(&view, mp, out);
	int rc = landlock_plan_build(&view, abi, out, err);
	free(rw);
	free(dw);
	free(dn);
	if (rc < 0) {
		if (mp) {
			mount_plan_free(mp);
			free(mp);
		}
		return -1;
	}
	out->mounts = mp;
	/* best_effort: every guarantee dropped is said, never silent. */
	for (size_t i = 0; i < out->ng; i++)
		if (out->g[i].required && !out->g[i].how)
			warn("best_effort: running without \"%s\": %s", out->g[i].what,
			     out->g[i].why_not ? out->g[i].why_not : "not enforceable here");
	return 0;
}

/* Add one path rule; dies naming the path. */
static void add_path_rule(int rs, const struct ll_rule *rule)
{
	/* O_NOFOLLOW: planned paths are canonical or were not symlinks when
	 * listed; one that became a symlink since must not redirect a grant
	 * to its target. */
	int fd = open(rule->path, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		die_errno("landlock: %s", rule->path);
	struct stat st;
	if (fstat(fd, &st) < 0)
		die_errno("landlock: %s", rule->path);
	if (S_ISLNK(st.st_mode) || (bool)S_ISDIR(st.st_mode) != rule->dir)
		die("landlock: %s: changed since the policy was planned", rule->path);
	struct landlock_path_beneath_attr pb = {
		.allowed_access = rule->access,
		.parent_fd = fd,
	};
	if (ll_add_rule(rs, LANDLOCK_RULE_PATH_BENEATH, &pb) < 0)
		die_errno("landlock: %s: cannot add the rule", rule->path);
	close(fd);
}

/* A rule for the command's own terminal: the device node behind each of
 * fds 0-2 that is a tty, by its inode (through /proc/self/fd, which
 * still reaches the host's devpts under a private one).  Why: shells
 * reopen it (echo >/dev/stderr walks /proc/self/fd/2 to /dev/pts/N),
 * and without a rule on /dev/pts that open is refused.  One node, not
 * the directory: the user's other terminals stay out of reach. */
static void own_tty_rules(int rs, __u64 handled)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (!isatty(fd))
			continue;
		char proc[32];
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		int pfd = open(proc, O_PATH | O_CLOEXEC);
		if (pfd < 0)
			die_errno("landlock: the terminal on fd %d", fd);
		struct landlock_path_beneath_attr pb = {
			.allowed_access = handled & (LANDLOCK_ACCESS_FS_READ_FILE |
						     LANDLOCK_ACCESS_FS_WRITE_FILE |
						     LANDLOCK_ACCESS_FS_TRUNCATE |
						     LANDLOCK_ACCESS_FS_IOCTL_DEV),
			.parent_fd = pfd,
		};
		if (ll_add_rule(rs, LANDLOCK_RULE_PATH_BENEATH, &pb) < 0)
			die_errno("landlock: the terminal on fd %d: cannot add the rule", fd);
		close(pfd);
	}
}

/* In the child, just before exec: confine this process. Allocates nothing. */
static void ll_apply(const struct policy *p, const struct plan *pl)
{
	const struct ll_rules *r = pl->priv;
	if (!r)
		die("landlock: no plan to apply");
	struct ll_ruleset_attr attr = {
		.handled_access_fs = r->handled_fs,
		.handled_access_net = r->handled_net,
		.scoped = r->scoped,
	};
	int rs = ll_create_ruleset(&attr, ll_attr_size(r->abi), 0);
	if (rs < 0)
		die_errno("landlock: cannot create a ruleset for ABI %d", r->abi);
	for (size_t i = 0; i < r->nfs; i++)
		add_path_rule(rs, &r->fs[i]);
	own_tty_rules(rs, r->handled_fs);
	for (size_t i = 0; i < r->nnet; i++) {
		struct ll_net_port_attr np = {
			.allowed_access = r->net[i].access,
			.port = r->net[i].port,
		};
		if (ll_add_rule(rs, LANDLOCK_RULE_NET_PORT, &np) < 0)
			die_errno("landlock: TCP port %llu: cannot add the rule",
				  (unsigned long long)r->net[i].port);
	}
	/* landlock_restrict_self() needs no_new_privs (or CAP_SYS_ADMIN);
	 * process setup sets it already, setting it twice is harmless. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_errno("landlock: cannot set no_new_privs");
	/* With clawshim's audit log on, the kernel's records of what Landlock
	 * refused the command are kept too (clawshim.ini(5), THE AUDIT LOG). */
	unsigned flags = r->abi >= 7 && policy_log_on(p) ? LL_LOG_NEW_EXEC_ON : 0;
	if (ll_restrict_self(rs, flags) < 0)
		die_errno("landlock: cannot restrict the process");
	close(rs);
}

const struct backend backend_landlock = {
	.name = "landlock",
	.id = BACKEND_LANDLOCK,
	.probe = ll_probe,
	.plan = ll_plan,
	.apply = ll_apply,
};
