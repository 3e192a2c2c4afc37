/* SPDX-License-Identifier: MIT */
/*
 * resolve.c: policy paths as written -> canonical absolute paths.
 *
 * Backends compare and bind paths; Landlock checks the resolved path, so a
 * symlink left unresolved (e.g. /etc/resolv.conf -> /run/...) would grant
 * or deny the wrong file. Everything is canonicalised here, once.
 */
#include "policy_int.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common.h"

struct buf {
	char *s;
	size_t n, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (!b->s || b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

/* An error at an origin ("layer:line: ..."). Returns -1. */
__attribute__((format(printf, 4, 5)))
static int oerr(struct policy_error *err, const struct origin *from,
		const char *hint_text, const char *fmt, ...)
{
	char msg[sizeof(err->msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pol_err(err, from->layer ? from->layer : "policy", from->line,
		       hint_text, "%s", msg);
}

/* The home directory for "~": $HOME, else the passwd entry. */
static const char *home_dir(void)
{
	const char *h = getenv("HOME");
	if (h && *h)
		return h;
	struct passwd *pw = getpwuid(geteuid());
	return pw ? pw->pw_dir : NULL;
}

/* Expand a leading ~ or ~user, then $VAR and ${VAR}. Returns a new string,
 * or NULL: *unset is true when a variable was unset (err set either way). */
static char *expand(const char *raw, const struct origin *from, bool *unset,
		    struct policy_error *err)
{
	struct buf b = { 0 };
	const char *s = raw;
	*unset = false;
	if (s[0] == '~') {
		size_t n = strcspn(s + 1, "/");
		const char *dir;
		if (n == 0) {
			dir = home_dir();
		} else {
			char *user = xasprintf("%.*s", (int)n, s + 1);
			struct passwd *pw = getpwnam(user);
			dir = pw ? pw->pw_dir : NULL;
			if (!dir) {
				oerr(err, from, NULL, "unknown user '%s' (in '%s')", user, raw);
				free(user);
				return NULL;
			}
			free(user);
		}
		if (!dir) {
			oerr(err, from, "set $HOME", "%s: no home directory", raw);
			return NULL;
		}
		buf_add(&b, dir, strlen(dir));
		s += 1 + n;
	}
	while (*s) {
		size_t lit = strcspn(s, "$");
		buf_add(&b, s, lit);
		s += lit;
		if (!*s)
			break;
		const char *name = s + 1;
		bool brace = *name == '{';
		if (brace)
			name++;
		size_t n = 0;
		if (isalpha((unsigned char)name[0]) || name[0] == '_')
			while (isalnum((unsigned char)name[n]) || name[n] == '_')
				n++;
		if (brace && (n == 0 || name[n] != '}')) {
			oerr(err, from, NULL, "bad variable reference in '%s'", raw);
			free(b.s);
			return NULL;
		}
		if (n == 0) { /* "$" before a non-name character is literal */
			buf_add(&b, "$", 1);
			s++;
			continue;
		}
		char *var = xasprintf("%.*s", (int)n, name);
		const char *val = getenv(var);
		if (!val || !*val) {
			oerr(err, from, NULL, "$%s is not set (in '%s')", var, raw);
			*unset = true;
			free(var);
			free(b.s);
			return NULL;
		}
		free(var);
		buf_add(&b, val, strlen(val));
		s = name + n + brace;
	}
	if (!b.s)
		buf_add(&b, "", 0);
	return b.s;
}

/* expanded, made absolute against base. */
static char *absolute(char *path, const char *base)
{
	if (path[0] == '/')
		return path;
	char *abs = xasprintf("%s/%s", base, path);
	free(path);
	return abs;
}

/* realpath(3), with a shortcut for the common case: a clean absolute
 * path whose parent was the last one resolved (the policy lists many
 * siblings: /dev/null, /dev/zero, ...) and whose last component is not a
 * symlink costs one lstat() instead of a readlink() per component. */
/* Directories resolved lately, missing ones too: a policy lists many
 * siblings (/dev/null, /dev/zero; ~/.ssh, ~/.aws; .git/hooks, .git/config). */
#define DIR_CACHE 8
static struct dir_entry {
	char *dir, *canon; /* canon NULL: missing, with err */
	int err;
} dir_cache[DIR_CACHE];
static unsigned dir_next;

/* realpath() of a directory, through the cache; a malloc'd string, or
 * NULL with errno. */
static char *canonical_dir(const char *dir)
{
	for (unsigned i = 0; i < DIR_CACHE; i++) {
		struct dir_entry *e = &dir_cache[i];
		if (e->dir && strcmp(e->dir, dir) == 0) {
			if (e->canon)
				return xstrdup(e->canon);
			errno = e->err;
			return NULL;
		}
	}
	char *canon = realpath(dir, NULL);
	struct dir_entry *e = &dir_cache[dir_next++ % DIR_CACHE];
	free(e->dir);
	free(e->canon);
	e->dir = xstrdup(dir);
	e->canon = canon ? xstrdup(canon) : NULL;
	e->err = errno;
	return canon;
}

/* Forget the cache: the filesystem may have changed since. */
static void dir_cache_clear(void)
{
	for (unsigned i = 0; i < DIR_CACHE; i++) {
		free(dir_cache[i].dir);
		free(dir_cache[i].canon);
		dir_cache[i] = (struct dir_entry){ 0 };
	}
}

/* realpath(3), with a shortcut for the common case: a clean absolute
 * path whose parent directory was resolved lately and whose last
 * component is not a symlink costs one lstat() instead of a readlink()
 * per component. */
static char *canonical(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (path[0] != '/' || !slash || !slash[1] || strstr(path, "//") ||
	    strstr(path, "/./") || strstr(path, "/../") || strcmp(slash, "/.") == 0 ||
	    strcmp(slash, "/..") == 0 || (size_t)(slash - path) >= PATH_MAX)
		return realpath(path, NULL);
	char dir[PATH_MAX];
	size_t plen = slash == path ? 1 : (size_t)(slash - path);
	memcpy(dir, path, plen);
	dir[plen] = '\0';
	char *pc = canonical_dir(dir);
	if (!pc)
		return NULL;
	struct stat st;
	if (lstat(path, &st) != 0) {
		free(pc);
		return NULL;
	}
	if (S_ISLNK(st.st_mode)) {
		free(pc);
		return realpath(path, NULL);
	}
	char *r = xasprintf("%s/%s", strcmp(pc, "/") ? pc : "", slash + 1);
	free(pc);
	return r;
}

/* Where missing absolute `path` would appear: its nearest existing
 * ancestor made canonical, and the rest as written (no "." or ".."
 * beyond it, at most 16 missing levels); NULL if none. */
static char *absent_place(const char *path)
{
	char *cut = xstrdup(path), *r = NULL;
	for (int level = 0; level < 16 && !r; level++) {
		char *slash = strrchr(cut, '/');
		if (!slash)
			break;
		const char *rest = path + (slash - cut) + 1;
		if (!*rest || !strcmp(slash + 1, ".") || !strcmp(slash + 1, ".."))
			break;
		*slash = '\0';
		char *dir = canonical_dir(*cut ? cut : "/");
		if (dir) {
			r = xasprintf("%s/%s", strcmp(dir, "/") ? dir : "", rest);
			free(dir);
		} else if (errno != ENOENT) {
			break;
		}
	}
	free(cut);
	return r;
}

/* Resolve one item (or scalar) to *out: canonical path, or NULL when
 * optional and missing. */
static int resolve_one(const char *raw, bool optional, const struct origin *from,
		       const char *base, char **out, char **absent, const char *untrusted,
		       struct policy_error *err)
{
	bool unset;
	*out = NULL;
	if (absent)
		*absent = NULL;
	char *path = expand(raw, from, &unset, err);
	if (!path)
		/* "?$SSH_AUTH_SOCK" with the variable unset: nothing to name. */
		return optional && unset ? 0 : -1;
	path = absolute(path, base);
	char *canon = canonical(path);
	if (!canon) {
		int e = errno;
		if ((e == ENOENT || e == ENOTDIR) && optional) {
			/* Where it would appear: a protected path that does not
			 * exist yet must not be created (process/guards.c). */
			if (absent)
				*absent = absent_place(path);
			free(path);
			return 0;
		}
		char hint_text[256] = "";
		if (e == ENOENT || e == ENOTDIR)
			snprintf(hint_text, sizeof(hint_text),
				 "create it, or write '?%s' to make it optional", raw);
		/* An untrusted layer's path is quoted as written, never
		 * expanded: the expansion is clawshim's environment. */
		if (untrusted && from->layer == untrusted)
			oerr(err, from, *hint_text ? hint_text : NULL, "'%s': %s", raw, strerror(e));
		else
			oerr(err, from, *hint_text ? hint_text : NULL, "%s: %s", path, strerror(e));
		free(path);
		return -1;
	}
	free(path);
	*out = canon;
	return 0;
}

int policy_resolve_workspace(struct policy *p, const char *cwd,
			     struct policy_error *err)
{
	char *here = NULL;
	if (!cwd) {
		here = getcwd(NULL, 0);
		if (!here)
			return pol_err(err, "workspace", 0, NULL, "cannot get the current "
				       "directory: %s", strerror(errno));
		cwd = here;
	}
	struct pol_str *ws = &p->workspace;
	const char *raw = ws->val ? ws->val : ".";
	struct origin from = ws->val ? ws->from : (struct origin){ "workspace", 0 };
	char *canon;
	int r = resolve_one(raw, false, &from, cwd, &canon, NULL, p->untrusted_layer, err);
	free(here);
	if (r < 0) {
		/* The '?' of resolve_one()'s hint means nothing here. */
		if (err && *err->hint)
			pol_hint(err, "create the directory, or set 'workspace' to one");
		return -1;
	}
	struct stat st;
	if (stat(canon, &st) < 0 || !S_ISDIR(st.st_mode)) {
		oerr(err, &from, NULL, "workspace %s: not a directory", canon);
		free(canon);
		return -1;
	}
	free(ws->val);
	ws->val = canon;
	return 0;
}

static int resolve_shell(struct policy *p, struct policy_error *err)
{
	struct pol_str *sh = &p->shell;
	if (!sh->val)
		return 0;
	bool unset;
	char *path = expand(sh->val, &sh->from, &unset, err);
	if (!path)
		return -1;
	if (path[0] != '/') {
		oerr(err, &sh->from, NULL, "'shell' must be an absolute path, not '%s'",
		     path);
		free(path);
		return -1;
	}
	/* The shell keeps the name it was given (a link like /bin/sh may
	 * behave differently from its target), but it must exist and be an
	 * executable file. */
	struct stat st;
	if (stat(path, &st) < 0) {
		oerr(err, &sh->from, NULL, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0) {
		oerr(err, &sh->from, NULL, "%s: not an executable file", path);
		free(path);
		return -1;
	}
	free(sh->val);
	sh->val = path;
	return 0;
}

int policy_resolve(struct policy *p, const char *cwd, struct policy_error *err)
{
	if (policy_resolve_workspace(p, cwd, err) < 0)
		return -1;
	struct pol_list *lists[] = {
		&p->read_write, &p->read_only, &p->deny, &p->deny_write,
		&p->no_exec, &p->unix_sockets,
	};
	dir_cache_clear();
	for (size_t i = 0; i < ARRAY_LEN(lists); i++) {
		struct pol_list *l = lists[i];
		for (size_t j = 0; j < l->n; j++) {
			struct pol_item *it = &l->v[j];
			free(it->path);
			free(it->absent);
			it->path = NULL;
			if (resolve_one(it->raw, it->optional, &it->from,
					p->workspace.val, &it->path, &it->absent,
					p->untrusted_layer, err) < 0)
				return -1;
		}
	}
	dir_cache_clear();
	if (resolve_shell(p, err) < 0)
		return -1;
	p->resolved = true;
	return 0;
}

bool policy_log_on(const struct policy *p)
{
	return p->log_enabled.from.layer ? p->log_enabled.val : p->log_file.val != NULL;
}

int policy_log_path(const struct policy *p, char **path, struct origin *from,
		    struct policy_error *err)
{
	*path = NULL;
	if (!policy_log_on(p))
		return 0;
	const struct pol_str *f = &p->log_file;
	if (!f->val) {
		/* The XDG base directory specification's place for state. */
		const char *st = getenv("XDG_STATE_HOME"), *home = home_dir();
		*from = p->log_enabled.from;
		if (st && st[0] == '/')
			*path = xasprintf("%s/clawshim/audit.log", st);
		else if (home && home[0] == '/')
			*path = xasprintf("%s/.local/state/clawshim/audit.log", home);
		else
			return oerr(err, from, "set file = PATH in [log]",
				    "enabled = yes: no home directory for the audit log");
		return 0;
	}
	*from = f->from;
	bool unset;
	char *x = expand(f->val, &f->from, &unset, err);
	if (!x)
		return -1;
	size_t n = strlen(x);
	if (x[0] != '/' || n < 2 || x[n - 1] == '/') {
		oerr(err, &f->from, NULL, "[log] file must be an absolute path to a file, not '%s'", x);
		free(x);
		return -1;
	}
	*path = x;
	return 0;
}
