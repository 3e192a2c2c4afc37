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
#include <strings.h>
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

static void protect_config_refs(struct policy *p, const char *file, int depth);

/* A git directory of the workspace: noted for the end-of-run check and
 * its existing protected paths made deny_write, when the command may
 * write there at all. */
static void add_gitdir(struct policy *p, const char *g)
{
	if (!writable(p, g))
		return; /* read-only or denied already */
	push(p, &p->git_dirs, g, NULL);
	protect_names(p, g);
	const char *cfgs[] = { "config", "config.worktree" };
	for (size_t i = 0; i < ARRAY_LEN(cfgs); i++) {
		char *c = xasprintf("%s/%s", g, cfgs[i]);
		protect_config_refs(p, c, 0);
		free(c);
	}
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

/* A path a git config names, as git reads it: "~/" is the home, a
 * relative hooksPath is relative to the worktree (`ws`), a relative
 * include to the including file's directory (`dir`). */
static char *config_path(const char *v, const char *ws, const char *dir, bool hooks)
{
	const char *home = getenv("HOME");
	if (!strncmp(v, "~/", 2) && home)
		return xasprintf("%s/%s", home, v + 2);
	if (v[0] == '/')
		return xstrdup(v);
	return xasprintf("%s/%s", hooks ? ws : dir, v);
}

/* Protect what config file `file` sends git to that lies in a writable
 * tree: a core.hooksPath (husky's .husky in the workspace) runs its hooks,
 * an included file (include.path, includeIf.*.path: a project's shared
 * .gitconfig) is configuration like any other.  Absent, it is guarded
 * for the run: created, it is moved aside at the end. */
static void protect_config_refs(struct policy *p, const char *file, int depth)
{
	FILE *f = depth < 4 ? fopen(file, "re") : NULL;
	if (!f)
		return;
	char *dir = xstrdup(file);
	char *sl = strrchr(dir, '/');
	if (sl)
		*sl = '\0';
	char line[PATH_MAX + 64], sec[64] = "";
	while (fgets(line, sizeof(line), f)) {
		char *s = line + strspn(line, " \t");
		s[strcspn(s, "\r\n")] = '\0';
		if (*s == '[') {
			size_t n = strcspn(s + 1, " \t\".]");
			snprintf(sec, sizeof(sec), "%.*s", (int)(n < 63 ? n : 63), s + 1);
			char *close = strchr(s, ']');
			if (!close)
				continue;
			s = close + 1 + strspn(close + 1, " \t");
		}
		char *eq = strchr(s, '=');
		if (!eq)
			continue;
		size_t kl = strcspn(s, " \t=");
		bool hooks = !strcasecmp(sec, "core") && kl == 9 && !strncasecmp(s, "hookspath", 9);
		bool inc = (!strcasecmp(sec, "include") || !strcasecmp(sec, "includeif")) && kl == 4 &&
			   !strncasecmp(s, "path", 4);
		if (!hooks && !inc)
			continue;
		char *v = eq + 1 + strspn(eq + 1, " \t");
		size_t vl = strcspn(v, "#;");
		while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
			vl--;
		if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
			v++;
			vl -= 2;
		}
		v[vl] = '\0';
		if (!*v)
			continue;
		char *raw = config_path(v, p->workspace.val, dir, hooks);
		char *real = realpath(raw, NULL);
		if (real && writable(p, real)) {
			push(p, &p->deny_write, real, NULL);
			if (inc)
				protect_config_refs(p, real, depth + 1);
		} else if (!real) {
			/* Where it would appear, canonical parent and name. */
			char *slash = strrchr(raw, '/');
			*slash = '\0';
			char *pd = realpath(*raw ? raw : "/", NULL);
			char *at = pd ? xasprintf("%s/%s", strcmp(pd, "/") ? pd : "", slash + 1) : NULL;
			if (at && slash[1] && strcmp(slash + 1, "..") && strcmp(slash + 1, ".") &&
			    writable(p, at))
				push(p, &p->deny_write, NULL, at);
			free(at);
			free(pd);
		}
		free(real);
		free(raw);
	}
	fclose(f);
	free(dir);
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
	/* The user's own configuration may send git into the workspace too. */
	const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");
	char *user[2] = {
		home ? xasprintf("%s/.gitconfig", home) : NULL,
		xdg && *xdg ? xasprintf("%s/git/config", xdg) :
		home ? xasprintf("%s/.config/git/config", home) : NULL,
	};
	for (size_t i = 0; i < ARRAY_LEN(user); i++) {
		if (user[i])
			protect_config_refs(p, user[i], 0);
		free(user[i]);
	}
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
