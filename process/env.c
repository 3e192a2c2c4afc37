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

static bool is_scheme_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '.' || c == '-';
}

/* Does `value` hold a URL with a password, "scheme://user:pass@host"
 * (DATABASE_URL, HTTP_PROXY, PIP_INDEX_URL, a list of index URLs)?  Why
 * by value: the name of a variable holding such a URL says nothing of
 * the secret in it, and a proxy or index URL is needed without one. */
bool env_value_has_password(const char *value)
{
	for (const char *at = strstr(value, "://"); at; at = strstr(at + 3, "://")) {
		/* A scheme: a letter, then letters, digits, + . - */
		const char *s = at;
		while (s > value && is_scheme_char(s[-1]))
			s--;
		while (s < at && !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
			s++;
		if (s == at)
			continue;
		/* The authority ends at the path, query, fragment or a blank. */
		const char *auth = at + 3;
		size_t alen = strcspn(auth, "/?# \t\n");
		const char *user_end = NULL;
		for (size_t i = 0; i < alen; i++)
			if (auth[i] == '@')
				user_end = auth + i;
		if (!user_end)
			continue;
		const char *colon = memchr(auth, ':', (size_t)(user_end - auth));
		if (colon && colon + 1 < user_end)
			return true;
	}
	return false;
}

/* Is the variable `entry` ("NAME=VALUE") one the command must not get:
 * clawshim's own, or a secret by name, by a password in a URL or by a
 * private key in its value, unless the policy keeps its name? */
bool env_is_removed(const struct policy *p, const char *entry)
{
	const char *eq = strchr(entry, '=');
	if (!eq)
		return false;
	size_t len = (size_t)(eq - entry);
	char *name = strndup(entry, len);
	if (!name)
		die("out of memory");
	bool drop = strncmp(name, "CLAWSHIM_", 9) == 0;
	/* A PEM private key (a deploy key, a service account's JSON) is a
	 * secret whatever the variable is called. */
	if (!drop && !matches_any(&p->env_keep, name))
		drop = matches_any(&p->env_remove, name) || env_value_has_password(eq + 1) ||
		       strstr(eq + 1, "PRIVATE KEY-----") != NULL;
	free(name);
	return drop;
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
		/* clawshim's own variables never reach the command; secrets
		 * are removed unless the policy keeps the name. */
		bool drop = env_is_removed(p, *e);
		if (shell && len == 5 && strncmp(*e, "SHELL", 5) == 0)
			drop = true;
		if (set_by(&p->env_set, *e, len))
			drop = true;
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
