/* SPDX-License-Identifier: MIT */
/*
 * profile.c: agent profiles, shipped policy layers found by name.
 *
 * A profile NAME is the file NAME.ini in the first of: the user's
 * $XDG_CONFIG_HOME/clawshim/profiles (~/.config/...), SYSCONFDIR's
 * clawshim/profiles, DATADIR's clawshim/profiles.  It is applied as a
 * trusted layer right above the built-in default, below every policy
 * file, so the user's own files and --policy override what it says.
 */
#include "policy_int.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#ifndef DATADIR
#define DATADIR "/usr/local/share"
#endif

/* The profile directories, most trusted-by-the-user first; n set. */
static size_t profile_dirs(char *dirs[3])
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	size_t n = 0;
	if (xdg && xdg[0] == '/')
		dirs[n++] = xasprintf("%s/clawshim/profiles", xdg);
	else if (home && home[0] == '/')
		dirs[n++] = xasprintf("%s/.config/clawshim/profiles", home);
	dirs[n++] = xstrdup(SYSCONFDIR "/clawshim/profiles");
	dirs[n++] = xstrdup(DATADIR "/clawshim/profiles");
	return n;
}

char *policy_user_profile_dir(void)
{
	char *dirs[3];
	size_t n = profile_dirs(dirs);
	for (size_t i = 1; i < n; i++)
		free(dirs[i]);
	/* Without XDG_CONFIG_HOME and HOME, the first is SYSCONFDIR's. */
	if (strncmp(dirs[0], SYSCONFDIR "/", strlen(SYSCONFDIR "/")) == 0) {
		free(dirs[0]);
		return NULL;
	}
	return dirs[0];
}

/* A name is a file name without a directory: letters, digits, '-', '_',
 * '.', not starting with '.', so "../x" never leaves the directories. */
static bool name_ok(const char *name)
{
	if (!*name || *name == '.' || strlen(name) > 64)
		return false;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.'))
			return false;
	return true;
}

/* Add the profile names of `dir` not yet in `names`. */
static void list_names(const char *dir, struct strv *names)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n <= 4 || strcmp(e->d_name + n - 4, ".ini") != 0 || e->d_name[0] == '.')
			continue;
		char *name = xasprintf("%.*s", (int)(n - 4), e->d_name);
		/* An earlier directory's file hides this one. */
		bool dup = false;
		for (size_t i = 0; i < names->n && !dup; i++)
			dup = strcmp(names->v[i], name) == 0;
		if (dup)
			free(name);
		else
			strv_push(names, name);
	}
	closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The known names, sorted, ", "-separated, in buf. */
static void known_names(char *const *dirs, size_t ndirs, char *buf, size_t len)
{
	struct strv names = { 0 };
	for (size_t i = 0; i < ndirs; i++)
		list_names(dirs[i], &names);
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	snprintf(buf, len, "%s", names.n ? "" : "none");
	for (size_t i = 0; i < names.n; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? ", " : "", names.v[i]);
	strv_free(&names);
}

int policy_profile_path(const char *name, char **path, struct policy_error *err)
{
	*path = NULL;
	if (!name_ok(name))
		return pol_err(err, "profile", 0, "a profile is named by its file's name without "
			       "\".ini\" (letters, digits, '-', '_', '.')",
			       "'%s' is not a profile name", name);
	char *dirs[3];
	size_t n = profile_dirs(dirs);
	for (size_t i = 0; i < n && !*path; i++) {
		char *f = xasprintf("%s/%s.ini", dirs[i], name);
		if (access(f, F_OK) == 0)
			*path = f;
		else
			free(f);
	}
	if (*path) {
		for (size_t i = 0; i < n; i++)
			free(dirs[i]);
		return 0;
	}
	char known[320];
	known_names(dirs, n, known, sizeof(known));
	pol_err(err, "profile", 0, NULL, "unknown profile '%s' (known: %s)", name, known);
	pol_hint(err, "profiles are NAME.ini in %s, %s or %s", dirs[0], dirs[1], n > 2 ? dirs[2] : "");
	for (size_t i = 0; i < n; i++)
		free(dirs[i]);
	return -1;
}

int policy_load_profile(struct policy *p, const char *name, struct policy_error *err)
{
	char *path;
	if (policy_profile_path(name, &path, err) != 0)
		return -1;
	int r = policy_load_file(p, path, TRUST_FULL, true, err);
	/* One layer: a profile naming another would hide what it grants. */
	if (r == 0 && p->profile.val)
		r = pol_err(err, path, p->profile.from.line, "write the base profile's lines into it",
			    "a profile may not name another profile");
	free(path);
	if (r != 0)
		return -1;
	p->profile.val = xstrdup(name);
	return 0;
}
