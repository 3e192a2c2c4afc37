/* SPDX-License-Identifier: MIT */
/* env.c: the command's environment and executable lookup (pure). */
#include "process.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_userinfo_char(char c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '~' || c == '%' || c == '+' || c == '-';
}

/* Is [s, e) exactly "user:pass@host[:port][/path]" (no scheme), with a
 * plain user name (a letter first, then letters, digits, . _ ~ % + -)
 * and a host name that has a dot or a port? */
static bool is_bare_credential(const char *s, const char *e)
{
	const char *p = s;

	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return false; /* "12:30@noon" */
	while (p < e && is_userinfo_char(*p))
		p++;
	if (p == s || p == e || *p != ':')
		return false;
	const char *pass = ++p;
	while (p < e && *p != '@' && *p != '/')
		p++;
	if (p == pass || p == e || *p != '@')
		return false;
	const char *host = ++p;
	while (p < e && (is_alnum(*p) || *p == '.' || *p == '-'))
		p++;
	if (p == host || !is_alnum(*host))
		return false;
	bool dotted = memchr(host, '.', (size_t)(p - host)) != NULL;
	if (p < e && *p == ':') {
		dotted = true; /* a port: host:3128 */
		const char *port = ++p;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
		if (p == port)
			return false;
	}
	return dotted && (p == e || *p == '/');
}

/* Does `value` hold a password without a URL scheme: a word (separated
 * by blanks or commas) that is all "user:pass@host[:port][/path]"?  Why
 * so strict: "git@host:repo" (no password), a prompt "\u@\h:\w" and
 * times "12:30" must pass; proxies and clients take the bare form. */
bool env_value_has_bare_password(const char *value)
{
	const char *p = value;

	for (;;) {
		p += strspn(p, " \t\n,");
		if (!*p)
			return false;
		const char *e = p + strcspn(p, " \t\n,");
		if (is_bare_credential(p, e))
			return true;
		p = e;
	}
}

/* Does the word [w, w+len) (case-insensitive, digits after allowed:
 * TOKEN2) equal `want`? */
static bool word_is(const char *w, size_t len, const char *want)
{
	size_t n = strlen(want);

	if (len < n || strncasecmp(w, want, n) != 0)
		return false;
	for (size_t i = n; i < len; i++)
		if (w[i] < '0' || w[i] > '9')
			return false;
	return true;
}

/* Does the variable name say it holds a secret, by a whole word: TOKEN,
 * APIKEY, SECRET, PASSWORD, PASSWD, AUTH, AUTHORIZATION, CREDENTIAL(S),
 * or API, PRIVATE, ACCESS, SESSION, SECRET followed by KEY?  Words are
 * split at anything but a letter or digit and where a lower-case letter
 * is followed by a capital (npm's authToken), case-insensitive.  Why
 * words: the patterns of the policy see only fixed positions (*_TOKEN),
 * so TOKEN, MY_TOKEN2 or Authorization got through, while a substring
 * match would remove harmless names: TOKENIZERS_PARALLELISM, XAUTHORITY,
 * GIT_AUTHOR_NAME, GIT_ASKPASS, MAX_TOKENS.  PWD is not a word here:
 * the working directory. */
bool env_name_is_secret(const char *name)
{
	static const char *const one[] = { "TOKEN", "APIKEY", "SECRET", "PASSWORD", "PASSWD",
					   "AUTH", "AUTHORIZATION", "CREDENTIAL", "CREDENTIALS",
					   "ACCESSKEY", "PRIVATEKEY", "SESSIONKEY" };
	static const char *const first[] = { "API", "PRIVATE", "ACCESS", "SESSION", "SECRET" };
	const char *prev = NULL, *p = name;
	size_t prev_len = 0;

	while (*p) {
		while (*p && !is_alnum(*p))
			p++;
		if (!*p)
			break;
		const char *w = p++;
		while (*p && is_alnum(*p) &&
		       !(p[-1] >= 'a' && p[-1] <= 'z' && *p >= 'A' && *p <= 'Z'))
			p++;
		size_t len = (size_t)(p - w);
		for (size_t i = 0; i < ARRAY_LEN(one); i++)
			if (word_is(w, len, one[i]))
				return true;
		if (prev && word_is(w, len, "KEY"))
			for (size_t i = 0; i < ARRAY_LEN(first); i++)
				if (prev_len == strlen(first[i]) && !strncasecmp(prev, first[i], prev_len))
					return true;
		prev = w;
		prev_len = len;
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
		drop = matches_any(&p->env_remove, name) || env_name_is_secret(name) ||
		       env_value_has_password(eq + 1) || env_value_has_bare_password(eq + 1) ||
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
