/* SPDX-License-Identifier: MIT */
/*
 * guards_git.c: what may stay in a git directory of the workspace when a
 * run ends.  Existing config, hooks and the rest were read-only during the
 * run (policy/git.c); what the command created or changed since it
 * started is judged here, and moved aside unless it is what git itself
 * writes when it makes a repository, a submodule or a linked worktree:
 *
 *   config, config.worktree  only keys from a short list that cannot run
 *                            anything (core.bare, remote.*.url, ...);
 *                            core.fsmonitor, include.path, any *.command
 *                            and every other key is refused
 *   hooks/                   only regular files named *.sample
 *   commondir                only "../.." beneath modules/ or worktrees/
 *   info/attributes          never (it routes files to filter drivers)
 *   a symlink                never, beneath modules/ or worktrees/ or at
 *                            one of these names
 *
 * The same rules hold in every directory beneath modules/ (submodules,
 * nested at any depth) and worktrees/.  The command is gone when this
 * runs: nothing changes under it.  No allocation (see guards_int.h).
 */
#include "process.h"
#include "guards_int.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common.h"

/* As deep and as many entries as policy/git.c walks at the start. */
#define GIT_MAX_DEPTH 12
#define GIT_MAX_ENTRIES 200000

/* Keys git writes when it makes a repository, a submodule or a linked
 * worktree, and the user's name: none of them makes git run a program. */
static const char *const safe_keys[] = {
	"core.repositoryformatversion", "core.filemode", "core.bare", "core.logallrefupdates",
	"core.worktree", "core.symlinks", "core.ignorecase", "core.precomposeunicode",
	"core.sparsecheckout", "core.sparsecheckoutcone",
	"remote.url", "remote.pushurl", "remote.fetch", "remote.tagopt", "remote.promisor",
	"remote.partialclonefilter", "branch.remote", "branch.merge", "branch.rebase",
	"submodule.url", "submodule.active", "extensions.worktreeconfig",
	"extensions.objectformat", "extensions.partialclone", "lfs.repositoryformatversion",
	"user.name", "user.email",
};

static char cfg[64 * 1024];
static char why[200];
static long budget;

static bool safe_key(const char *section, size_t slen, const char *key, size_t klen)
{
	for (size_t i = 0; i < ARRAY_LEN(safe_keys); i++) {
		const char *k = safe_keys[i], *dot = strchr(k, '.');
		if ((size_t)(dot - k) == slen && !strncasecmp(k, section, slen) &&
		    strlen(dot + 1) == klen && !strncasecmp(dot + 1, key, klen))
			return true;
	}
	return false;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* One line of a git config file: NULL when it is harmless, else why not.
 * Anything this reader does not understand is refused. */
static const char *config_line(const char *s, const char *end, const char **sec, size_t *slen)
{
	while (s < end && is_blank(*s))
		s++;
	if (s == end || *s == '#' || *s == ';')
		return NULL;
	const char *e = end;
	while (e > s && is_blank(e[-1]))
		e--;
	if (e[-1] == '\\')
		return "a continued line";
	if (*s == '[') {
		const char *n = ++s;
		while (s < e && (isalnum((unsigned char)*s) || *s == '-'))
			s++;
		*sec = n;
		*slen = (size_t)(s - n);
		const char *close = memchr(s, ']', (size_t)(e - s));
		if (!*slen || !close)
			return "a section header it cannot read";
		for (s = close + 1; s < e && is_blank(*s); s++)
			;
		return s == e || *s == '#' || *s == ';' ? NULL : "text after a section header";
	}
	const char *k = s;
	while (s < e && (isalnum((unsigned char)*s) || *s == '-'))
		s++;
	size_t klen = (size_t)(s - k);
	while (s < e && is_blank(*s))
		s++;
	if (!klen || !*sec || (s < e && *s != '=' && *s != '#' && *s != ';'))
		return "a line it cannot read";
	if (safe_key(*sec, *slen, k, klen))
		return NULL;
	snprintf(why, sizeof(why), "it sets %.*s.%.*s, which a run may not leave",
		 (int)*slen, *sec, (int)(klen < 60 ? klen : 60), k);
	return why;
}

/* Config file `name` of `dirfd`: NULL when every line is harmless. */
static const char *config_unsafe(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return "not a regular file";
	}
	ssize_t n = 0, r;
	while (n < (ssize_t)sizeof(cfg) && (r = read(fd, cfg + n, sizeof(cfg) - (size_t)n)) > 0)
		n += r;
	close(fd);
	if (n >= (ssize_t)sizeof(cfg))
		return "too large to check";
	if (memchr(cfg, '\0', (size_t)n))
		return "a NUL byte";
	const char *sec = NULL, *s = cfg, *end = cfg + n;
	size_t slen = 0;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		const char *w = config_line(s, le, &sec, &slen);
		if (w)
			return w;
		s = nl ? nl + 1 : end;
	}
	return NULL;
}

/* Is commondir `name` of `dirfd` the "../.." git writes for a worktree? */
static bool commondir_plain(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	char b[16];
	ssize_t n = read(fd, b, sizeof(b));
	close(fd);
	return (n == 5 && !memcmp(b, "../..", 5)) || (n == 6 && !memcmp(b, "../..\n", 6));
}

/* Quarantine entry `name` of dirfd, guard_path naming it. */
static void move(int dirfd, const char *name, const char *reason)
{
	size_t l = guard_path_push(name);
	guard_quarantine(dirfd, name, reason);
	guard_path_pop(l);
}

/* hooks/ of a git directory: only *.sample files may have appeared. */
static void check_hooks(int dirfd)
{
	int fd = guard_open_dir(dirfd, "hooks");
	if (fd < 0)
		return;
	size_t l = guard_path_push("hooks");
	struct guard_dir d;
	guard_dir_open(&d, fd);
	const char *name;
	unsigned char type;
	while ((name = guard_dir_next(&d, &type))) {
		struct stat st;
		size_t nl = strlen(name);
		if (guard_is_ours(name) || fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !guard_is_new(&st))
			continue;
		if (!S_ISREG(st.st_mode) || nl < 7 || strcmp(name + nl - 7, ".sample"))
			move(fd, name, "a hook runs outside the sandbox");
	}
	guard_dir_close(&d);
	guard_path_pop(l);
	close(fd);
}

/* The protected names of one (possible) git directory. */
static void check_names(int fd, bool root)
{
	struct stat st;
	const char *cfgs[] = { "config", "config.worktree" };
	for (size_t i = 0; i < ARRAY_LEN(cfgs); i++) {
		if (fstatat(fd, cfgs[i], &st, AT_SYMLINK_NOFOLLOW) != 0 || !guard_is_new(&st))
			continue;
		const char *w = config_unsafe(fd, cfgs[i]);
		if (w)
			move(fd, cfgs[i], w);
	}
	/* commondir sends git to another directory's config and hooks. */
	if (fstatat(fd, "commondir", &st, AT_SYMLINK_NOFOLLOW) == 0 && guard_is_new(&st) &&
	    (root || !S_ISREG(st.st_mode) || !commondir_plain(fd, "commondir")))
		move(fd, "commondir", "it points git at another directory");
	if (fstatat(fd, "hooks", &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISDIR(st.st_mode))
			check_hooks(fd);
		else if (guard_is_new(&st))
			move(fd, "hooks", "a hook runs outside the sandbox");
	}
	if (fstatat(fd, "gitdir", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode) &&
	    guard_is_new(&st))
		move(fd, "gitdir", "a symlink in git's metadata");
	if (fstatat(fd, "info", &st, AT_SYMLINK_NOFOLLOW) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		if (guard_is_new(&st) && S_ISLNK(st.st_mode))
			move(fd, "info", "a symlink in git's metadata");
		return;
	}
	int ifd = guard_open_dir(fd, "info");
	if (ifd < 0)
		return;
	size_t l = guard_path_push("info");
	if (fstatat(ifd, "attributes", &st, AT_SYMLINK_NOFOLLOW) == 0 && guard_is_new(&st))
		move(ifd, "attributes", "attributes send files through filter drivers");
	guard_path_pop(l);
	close(ifd);
}

/* A directory beneath modules/ or worktrees/: each may be a git
 * directory (a submodule's name may hold slashes), so all of them are
 * checked, at any depth up to the limit. */
static void scan_tree(int fd, int depth)
{
	check_names(fd, false);
	struct guard_dir d;
	guard_dir_open(&d, fd);
	const char *name;
	unsigned char type;
	while ((name = guard_dir_next(&d, &type))) {
		if (--budget == 0)
			guard_fail("too many entries beneath to check them all");
		if (budget <= 0)
			break;
		if (guard_is_ours(name) || !strcmp(name, "hooks") ||
		    (type != DT_DIR && type != DT_LNK && type != DT_UNKNOWN))
			continue;
		struct stat st;
		if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			if (guard_is_new(&st))
				move(fd, name, "a symlink in git's metadata");
			continue;
		}
		if (!S_ISDIR(st.st_mode))
			continue;
		if (depth >= GIT_MAX_DEPTH) {
			size_t l = guard_path_push(name);
			if (guard_is_new(&st))
				guard_quarantine(fd, name, "too deep to check");
			else
				guard_fail("too deep in git's metadata to check");
			guard_path_pop(l);
			continue;
		}
		int sub = guard_open_dir(fd, name);
		if (sub >= 0) {
			size_t l = guard_path_push(name);
			scan_tree(sub, depth + 1);
			guard_path_pop(l);
			close(sub);
		}
	}
	guard_dir_close(&d);
}

void guard_git_dir(int fd)
{
	budget = GIT_MAX_ENTRIES;
	check_names(fd, true);
	const char *subs[] = { "modules", "worktrees" };
	for (size_t i = 0; i < ARRAY_LEN(subs); i++) {
		struct stat st;
		if (fstatat(fd, subs[i], &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (!S_ISDIR(st.st_mode)) {
			if (guard_is_new(&st))
				move(fd, subs[i], "a symlink in git's metadata");
			continue;
		}
		int sub = guard_open_dir(fd, subs[i]);
		if (sub < 0)
			continue;
		size_t l = guard_path_push(subs[i]);
		scan_tree(sub, 1);
		guard_path_pop(l);
		close(sub);
	}
}
