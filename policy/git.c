/* SPDX-License-Identifier: MIT */
/*
 * git.c: the workspace's git metadata that configures git or runs code.
 *
 * The agent runs git outside the sandbox after the command: whatever the
 * command could leave in a git directory that makes git run a program
 * (core.fsmonitor, core.hooksPath, a hook, a filter driver, a commondir
 * redirecting all of it) would run unconfined.  So in every git directory
 * of the workspace that lies in a writable tree, the paths below are
 * deny_write when they exist at the start, and the supervisor checks
 * what was created in their place when the run ends (process/guards_git.c):
 *
 *   config  config.worktree  commondir  hooks  info/attributes  gitdir
 *
 * in the git directory itself and in every directory beneath its
 * modules/ (submodules, nested at any depth, names with slashes) and
 * worktrees/ (linked worktrees).  A workspace whose .git is a file (a
 * linked worktree or a submodule) gets that file protected and the
 * directories it names (and their commondir) treated the same way.
 */
#include "policy_int.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common.h"

const char *const git_protected_names[] = {
	"config", "config.worktree", "commondir", "hooks", "info/attributes", "gitdir",
};
const size_t git_nprotected = ARRAY_LEN(git_protected_names);

/* Beyond these the start walk stops: the end-of-run check refuses the
 * same trees (so nothing deeper goes unchecked, process/guards_git.c). */
#define GIT_MAX_DEPTH 12
#define GIT_MAX_ENTRIES 200000

/* Is canonical `path` inside a tree the command may write? */
static bool writable(const struct policy *p, const char *path)
{
	if (path_inside(path, p->workspace.val))
		return true;
	for (size_t i = 0; i < p->read_write.n; i++)
		if (p->read_write.v[i].path && path_inside(path, p->read_write.v[i].path))
			return true;
	return false;
}

/* A resolved item of list `l` from the layer "git metadata"; canonical
 * path, or NULL path and `absent` for a git directory still to come. */
static void push(struct policy *p, struct pol_list *l, const char *path, const char *absent)
{
	for (size_t i = 0; i < l->n; i++)
		if ((path && l->v[i].path && !strcmp(l->v[i].path, path)) ||
		    (absent && l->v[i].absent && !strcmp(l->v[i].absent, absent)))
			return;
	struct pol_item *it = pol_list_push(l, xstrdup(path ? path : absent),
					    (struct origin){ pol_layer(p, "git metadata"), 0 });
	it->path = path ? xstrdup(path) : NULL;
	it->absent = absent ? xstrdup(absent) : NULL;
	it->optional = true;
}

/* The protected names existing in directory `dir` become deny_write. */
static void protect_names(struct policy *p, const char *dir)
{
	for (size_t i = 0; i < git_nprotected; i++) {
		char *path = xasprintf("%s/%s", dir, git_protected_names[i]);
		struct stat st;
		/* A symlink is not made read-only (a bind would follow it);
		 * the end-of-run check moves a new one aside. */
		if (lstat(path, &st) == 0 && !S_ISLNK(st.st_mode))
			push(p, &p->deny_write, path, NULL);
		free(path);
	}
}

/* Every directory beneath `dir` (modules/ or worktrees/) may be a git
 * directory: protect its names, and go on down. */
static void walk(struct policy *p, const char *dir, int depth, long *budget)
{
	if (depth > GIT_MAX_DEPTH)
		return;
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) && --*budget > 0) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		char *sub = xasprintf("%s/%s", dir, de->d_name);
		struct stat st;
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
			protect_names(p, sub);
			walk(p, sub, depth + 1, budget);
		}
		free(sub);
	}
	closedir(d);
}

/* A git directory of the workspace: noted for the end-of-run check and
 * its existing protected paths made deny_write, when the command may
 * write there at all. */
static void add_gitdir(struct policy *p, const char *g)
{
	if (!writable(p, g))
		return; /* read-only or denied already */
	push(p, &p->git_dirs, g, NULL);
	protect_names(p, g);
	long budget = GIT_MAX_ENTRIES;
	const char *subs[] = { "modules", "worktrees" };
	for (size_t i = 0; i < ARRAY_LEN(subs); i++) {
		char *s = xasprintf("%s/%s", g, subs[i]);
		struct stat st;
		if (lstat(s, &st) == 0 && S_ISDIR(st.st_mode))
			walk(p, s, 1, &budget);
		free(s);
	}
}

/* The path named by a "gitdir: X" file or the text of a commondir
 * file, relative to `base`; canonical, or NULL. */
static char *read_pointer(const char *file, const char *prefix, const char *base)
{
	FILE *f = fopen(file, "re");
	if (!f)
		return NULL;
	char line[PATH_MAX + 16];
	char *r = NULL;
	if (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		size_t pl = strlen(prefix);
		if (!strncmp(line, prefix, pl) && line[pl]) {
			const char *t = line + pl;
			char *abs = t[0] == '/' ? xstrdup(t) : xasprintf("%s/%s", base, t);
			r = realpath(abs, NULL);
			free(abs);
		}
	}
	fclose(f);
	return r;
}

void policy_git(struct policy *p)
{
	const char *ws = p->workspace.val;
	char *dot = xasprintf("%s/.git", ws);
	struct stat st;
	if (lstat(dot, &st) != 0) {
		/* Not a repository yet: "git init" may make one, which the
		 * end-of-run check reads like any other. */
		if (errno == ENOENT && writable(p, ws))
			push(p, &p->git_dirs, NULL, dot);
	} else if (S_ISDIR(st.st_mode)) {
		add_gitdir(p, dot);
	} else {
		/* A linked worktree or a submodule: .git names the git
		 * directory; rewritten, it would point git at a planted one. */
		if (S_ISREG(st.st_mode) && writable(p, dot))
			push(p, &p->deny_write, dot, NULL);
		/* A .git symlink cannot be made read-only (a bind follows
		 * it): the end-of-run check moves one that was replaced. */
		if (S_ISLNK(st.st_mode) && writable(p, dot))
			push(p, &p->git_dirs, dot, NULL);
		char *real = realpath(dot, NULL);
		char *g = real && stat(real, &st) == 0 && S_ISDIR(st.st_mode) ? xstrdup(real)
			  : read_pointer(dot, "gitdir: ", ws);
		free(real);
		if (g) {
			add_gitdir(p, g);
			char *cd = xasprintf("%s/commondir", g);
			char *common = read_pointer(cd, "", g);
			if (common)
				add_gitdir(p, common);
			free(common);
			free(cd);
		}
		free(g);
	}
	free(dot);
}
