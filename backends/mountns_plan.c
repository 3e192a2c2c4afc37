/* SPDX-License-Identifier: MIT */
/* mountns_plan.c: which protections need a mount, and path helpers
 * (pure; see mountns_plan.h).  Built on every system: plans only. */
#include "mountns_plan.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common.h"

const char *mstep_how(enum mstep_op op)
{
	switch (op) {
	case MSTEP_ANCHOR: return "private mount namespace: pinned (no rename or removal)";
	case MSTEP_READONLY: return "private mount namespace: read-only bind";
	case MSTEP_NOEXEC: return "private mount namespace: noexec bind";
	case MSTEP_HIDE: return "private mount namespace: hidden under an empty mount";
	case MSTEP_DEVPTS: return "private mount namespace: a new devpts instance on /dev/pts";
	}
	return "?";
}

/* The outermost granted root of `l` containing `path`, or NULL. */
static const char *outer_root(const struct pol_list *const *lists, size_t nl, const char *path)
{
	const char *best = NULL;
	for (size_t i = 0; i < nl; i++)
		for (size_t j = 0; j < lists[i]->n; j++) {
			const char *r = lists[i]->v[j].path;
			if (r && path_inside(path, r) && (!best || strlen(r) < strlen(best)))
				best = r;
		}
	return best;
}

static void add(struct mount_plan *mp, enum mstep_op op, const char *path,
		const struct origin *from)
{
	for (size_t i = 0; i < mp->n; i++)
		if (strcmp(mp->v[i].path, path) == 0) {
			/* The strongest protection of a path wins. */
			if (op > mp->v[i].op)
				mp->v[i].op = op;
			return;
		}
	if (mp->n == mp->cap) {
		mp->cap = mp->cap ? mp->cap * 2 : 16;
		mp->v = xrealloc(mp->v, mp->cap * sizeof(*mp->v));
	}
	struct stat st;
	bool dir = lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
	mp->v[mp->n++] = (struct mstep){ op, xstrdup(path), dir, from };
}

/* Does the kernel's own permission check already keep this user out of
 * `path` for good?  Not root, the file root's, and no access of any kind
 * by mode, group or ACL: /etc/shadow for an ordinary user.  Then hiding
 * it needs no mount namespace (and none is made just for it). */
bool dac_denies(const char *path)
{
	struct stat st;
	/* Owned by root: no other user can open it up while the command
	 * runs (another owner could chmod it at any time). */
	if (geteuid() == 0 || lstat(path, &st) != 0 || st.st_uid != 0)
		return false;
	/* Judge by each access the command could use, not by "readable":
	 * an execute-only directory (0711, or /etc/ssl/private 0710 for a
	 * member of its group) cannot be listed, but a file of a known name
	 * inside it opens if its own mode allows.  Only a path this user may
	 * neither read, write nor search/execute is kept out by the kernel. */
	static const int modes[] = { R_OK, W_OK, X_OK };
	for (size_t i = 0; i < ARRAY_LEN(modes); i++)
		if (access(path, modes[i]) == 0 || errno != EACCES)
			return false;
	return true;
}

/* Anchor every directory strictly between `root` and `path`, so the
 * protected path cannot be renamed away or its parents replaced. */
static void anchor_between(struct mount_plan *mp, const char *root, const char *path,
			   const struct origin *from)
{
	char buf[PATH_MAX];
	size_t rl = strlen(root);
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *s = buf + (rl == 1 ? 1 : rl + 1); (s = strchr(s, '/')); s++) {
		*s = '\0';
		add(mp, MSTEP_ANCHOR, buf, from);
		*s = '/';
	}
}

static int by_depth(const void *a, const void *b)
{
	const struct mstep *x = a, *y = b;
	size_t lx = strlen(x->path), ly = strlen(y->path);
	return lx < ly ? -1 : lx > ly ? 1 : strcmp(x->path, y->path);
}

/* Is `path` itself in `l`? */
static bool listed(const struct pol_list *l, const char *path)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].path && strcmp(l->v[i].path, path) == 0)
			return true;
	return false;
}

/* A grant of /dev/ptmx (new pseudo-terminals) gets a private devpts.
 * Why: the host's /dev/pts holds every terminal of the user (as root,
 * of everyone); granted, the command could read another terminal's
 * input, write to it, turn its echo off.  Not granted, nothing new
 * opens either: Landlock checks the new pts node when it is opened,
 * even by TIOCGPTPEER, and a rule on one node cannot cover nodes made
 * later.  A new instance holds only the ptys the command makes. */
static void devpts_plan(const struct policy *p, struct mount_plan *mp)
{
	struct stat st;
	if (!listed(&p->read_write, "/dev/ptmx") || lstat("/dev/pts", &st) != 0 ||
	    !S_ISDIR(st.st_mode))
		return;
	add(mp, MSTEP_DEVPTS, "/dev/pts", NULL);
	mp->devpts = true;
}

/* Which protections need a mount; parents come before children. */
void mountns_plan(const struct policy *p, struct mount_plan *mp)
{
	const struct pol_list *granted[] = { &p->read_write, &p->read_only };
	const struct pol_list *writable[] = { &p->read_write };
	const struct pol_item ws = { .path = p->workspace.val };
	const struct pol_list wsl = { .v = (struct pol_item *)&ws, .n = 1 };
	const struct pol_list *g3[] = { &wsl, granted[0], granted[1] };
	const struct pol_list *w2[] = { &wsl, writable[0] };

	for (size_t i = 0; i < p->deny.n; i++) {
		const struct pol_item *it = &p->deny.v[i];
		if (!it->path || !outer_root(g3, 3, it->path) || dac_denies(it->path))
			continue;
		/* Pin the directories above it too: renamed, a parent would
		 * carry the secret to a name the next run does not deny. */
		const char *w = outer_root(w2, 2, it->path);
		if (w)
			anchor_between(mp, w, it->path, &it->from);
		add(mp, MSTEP_HIDE, it->path, &it->from);
	}
	for (size_t i = 0; i < p->deny_write.n; i++) {
		const struct pol_item *it = &p->deny_write.v[i];
		const char *r = it->path ? outer_root(w2, 2, it->path) : NULL;
		if (!r)
			continue;
		anchor_between(mp, r, it->path, &it->from);
		add(mp, MSTEP_READONLY, it->path, &it->from);
	}
	for (size_t i = 0; i < p->no_exec.n; i++) {
		const struct pol_item *it = &p->no_exec.v[i];
		if (it->path && outer_root(g3, 3, it->path))
			add(mp, MSTEP_NOEXEC, it->path, &it->from);
	}
	devpts_plan(p, mp);
	if (mp->n) /* qsort(NULL, 0, ...) is undefined */
		qsort(mp->v, mp->n, sizeof(*mp->v), by_depth);
}

const char *mstep_what(struct mount_plan *mp, const struct mstep *s)
{
	switch (s->op) {
	case MSTEP_ANCHOR: strv_pushf(&mp->texts, "%s cannot be renamed or removed", s->path); break;
	case MSTEP_READONLY: strv_pushf(&mp->texts, "no writes to %s", s->path); break;
	case MSTEP_NOEXEC: strv_pushf(&mp->texts, "no execution under %s", s->path); break;
	case MSTEP_HIDE: strv_pushf(&mp->texts, "no access to %s", s->path); break;
	case MSTEP_DEVPTS:
		strv_pushf(&mp->texts, "no access to other terminals; new pseudo-terminals work");
		break;
	}
	return mp->texts.v[mp->texts.n - 1];
}

void mount_plan_free(struct mount_plan *mp)
{
	strv_free(&mp->texts);
	for (size_t i = 0; i < mp->n; i++)
		free(mp->v[i].path);
	free(mp->v);
	memset(mp, 0, sizeof(*mp));
}
