/* SPDX-License-Identifier: MIT */
/* env.c: the command's environment and executable lookup (pure). */
#include "process.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

static bool matches_any(const struct pol_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (fnmatch(l->v[i].raw, name, FNM_CASEFOLD) == 0)
			return true;
	return false;
}

static bool set_by(const struct pol_list *set, const char *name, size_t len)
{
	for (size_t i = 0; i < set->n; i++)
		if (strncmp(set->v[i].raw, name, len) == 0 && set->v[i].raw[len] == '=')
			return true;
	return false;
}

/* environ filtered by the policy, then `set`, CLAWSHIM_BACKEND and SHELL. */
void env_build(const struct policy *p, char **environ_in, const char *backend,
	       const char *shell, struct strv *out)
{
	for (char **e = environ_in; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!eq)
			continue;
		size_t len = (size_t)(eq - *e);
		char *name = strndup(*e, len);
		if (!name)
			die("out of memory");
		/* clawshim's own variables never reach the command; the secret
		 * patterns are removed unless the policy keeps the name. */
		bool drop = strncmp(name, "CLAWSHIM_", 9) == 0 ||
			    (matches_any(&p->env_remove, name) && !matches_any(&p->env_keep, name));
		if (shell && strcmp(name, "SHELL") == 0)
			drop = true;
		if (set_by(&p->env_set, name, len))
			drop = true;
		free(name);
		if (!drop)
			strv_push(out, xstrdup(*e));
	}
	for (size_t i = 0; i < p->env_set.n; i++)
		strv_push(out, xstrdup(p->env_set.v[i].raw));
	strv_pushf(out, "CLAWSHIM_BACKEND=%s", backend);
	if (shell)
		strv_pushf(out, "SHELL=%s", shell);
}

/* Like execvp(3): a name with a '/' is used as is, else each PATH entry
 * (empty entries mean the current directory) in order. */
void exec_candidates(const char *file, char **envp, struct strv *out)
{
	if (strchr(file, '/')) {
		strv_push(out, xstrdup(file));
		return;
	}
	const char *path = "/usr/local/bin:/usr/bin:/bin";
	for (char **e = envp; e && *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	const char *s = path;
	for (;;) {
		const char *colon = s + strcspn(s, ":");
		size_t n = (size_t)(colon - s);
		if (n == 0)
			strv_pushf(out, "%s", file);
		else
			strv_pushf(out, "%.*s/%s", (int)n, s, file);
		if (!*colon)
			break;
		s = colon + 1;
	}
}
