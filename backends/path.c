/* SPDX-License-Identifier: MIT */
/*
 * path.c: the application-layer backend, the weakest there is.
 *
 * It refuses a command whose arguments (or, in shell mode, whose shell
 * string) name a denied path after expansion of ~, $HOME and ${HOME},
 * relative paths against the working directory, "." and ".." - and a
 * glob that would match one.  Nothing stops the command from building
 * the name at run time (cat $(echo ~)/.ssh/id_rsa, a script, a program
 * that opens it), so every run says so.  The command then runs with
 * process semantics only, as with backend none.  Chosen only by name.
 */
#include "backend.h"
#include "seccomp.h"

#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int path_scan(const struct policy *p, char *const *argv, bool shell, const char *cwd,
	      const char *home, struct policy_error *err);

/* Lexical normalisation in place: "//", "/./" and "/x/.." removed. */
static void normalise(char *path)
{
	char *out = path, *s = path;
	while (*s) {
		while (*s == '/')
			s++;
		char *e = s + strcspn(s, "/");
		size_t n = (size_t)(e - s);
		if (n == 0 || (n == 1 && s[0] == '.')) {
			/* nothing */
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (out > path && *--out != '/')
				;
		} else {
			*out++ = '/';
			memmove(out, s, n);
			out += n;
		}
		s = e;
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
}

/* The word as an absolute path: ~ and $HOME expanded, relative words
 * against cwd.  NULL when it cannot name a file (empty, an option). */
static char *expand(const char *w, const char *cwd, const char *home)
{
	const char *rest = NULL;
	if (w[0] == '~' && (w[1] == '/' || w[1] == '\0'))
		rest = w + 1;
	else if (!strncmp(w, "$HOME", 5) && (w[5] == '/' || w[5] == '\0'))
		rest = w + 5;
	else if (!strncmp(w, "${HOME}", 7) && (w[7] == '/' || w[7] == '\0'))
		rest = w + 7;
	char *abs;
	if (rest)
		abs = home ? xasprintf("%s/%s", home, rest) : NULL;
	else if (w[0] == '/')
		abs = xstrdup(w);
	else if (w[0] && w[0] != '-')
		abs = xasprintf("%s/%s", cwd, w);
	else
		abs = NULL;
	if (abs)
		normalise(abs);
	return abs;
}

/* `abs` with symlinks resolved as far as it exists (the rest appended):
 * a symlink in the workspace may point into a denied tree. */
static bool resolve(const char *abs, char *real)
{
	char *copy = xstrdup(abs);
	for (;;) {
		char *slash = strrchr(copy, '/');
		if (realpath(copy, real)) {
			const char *rest = abs + strlen(copy);
			bool fits = strlen(real) + strlen(rest) < PATH_MAX;
			if (fits)
				strcat(real, rest);
			free(copy);
			return fits;
		}
		if (!slash || slash == copy) {
			free(copy);
			return false;
		}
		*slash = '\0';
	}
}

/* The denied path `abs` names, or NULL: the word's own spelling, its
 * resolved form (a symlink into a denied tree), or as a glob. */
static const char *denied(const struct policy *p, const char *abs)
{
	char real[PATH_MAX];
	bool has_real = resolve(abs, real);
	bool glob = strpbrk(abs, "*?[") != NULL;
	for (size_t i = 0; i < p->deny.n; i++) {
		const char *d = p->deny.v[i].path;
		if (!d)
			continue;
		if (path_inside(abs, d) || (has_real && path_inside(real, d)))
			return d;
		/* ~/.ss* or ~/.s*h/id_rsa: would the glob reach d or a
		 * path inside it?  The pattern's first components against d. */
		if (glob) {
			size_t cd = 0;
			for (const char *c = d; *c; c++)
				cd += *c == '/';
			const char *e = abs;
			for (size_t k = 0; *e; e++)
				if (*e == '/' && ++k > cd)
					break;
			size_t ca = 0;
			for (const char *c = abs; *c; c++)
				ca += *c == '/';
			if (ca < cd)
				continue;
			char *head = strndup(abs, (size_t)(e - abs));
			bool m = fnmatch(head, d, FNM_PATHNAME) == 0;
			free(head);
			if (m)
				return d;
		}
	}
	return NULL;
}

static int refuse(struct policy_error *err, int argi, const char *arg, const char *word,
		  const char *d)
{
	snprintf(err->msg, sizeof(err->msg),
		 "backend path: argument %d '%.120s' names the denied path %s%s%.120s",
		 argi, arg, d, strcmp(arg, word) ? " (as '" : "", strcmp(arg, word) ? word : "");
	if (strcmp(arg, word))
		strncat(err->msg, "')", sizeof(err->msg) - strlen(err->msg) - 1);
	snprintf(err->hint, sizeof(err->hint),
		 "the command was not run; a kernel-enforced backend (landlock, bwrap) would "
		 "let it run and refuse the file itself");
	return -1;
}

/* Shell words, roughly: split on blanks, quotes and operators; an
 * assignment or option value (x=PATH, --opt=PATH) is a word too. */
static const char word_sep[] = " \t\n;|&<>()`\"'=:,{}";

static int scan_text(const struct policy *p, int argi, const char *arg, const char *sep,
		     const char *cwd, const char *home, struct policy_error *err)
{
	char *copy = xstrdup(arg), *save = NULL;
	int rc = 0;
	for (char *w = strtok_r(copy, sep, &save); w && !rc; w = strtok_r(NULL, sep, &save)) {
		/* A backslash-escaped character is that character. */
		for (char *s = w; (s = strchr(s, '\\'));)
			memmove(s, s + 1, strlen(s));
		char *abs = expand(w, cwd, home);
		const char *d = abs ? denied(p, abs) : NULL;
		if (d)
			rc = refuse(err, argi, arg, w, d);
		free(abs);
	}
	free(copy);
	return rc;
}

/* Refuse (-1, err set) when an argument names a denied path.  In shell
 * mode every argument is scanned as shell text; otherwise each argument
 * whole, and its parts after '=' or ':' (--key=PATH, PATH lists). */
int path_scan(const struct policy *p, char *const *argv, bool shell, const char *cwd,
	      const char *home, struct policy_error *err)
{
	for (int i = 0; argv[i]; i++) {
		if (shell && i == 0)
			continue; /* the real shell itself */
		const char *sep = shell ? word_sep : "=:,";
		if (scan_text(p, i, argv[i], shell ? sep : "\n", cwd, home, err) ||
		    scan_text(p, i, argv[i], sep, cwd, home, err))
			return -1;
	}
	return 0;
}

static int path_probe(char *why, size_t whylen)
{
	(void)why;
	(void)whylen;
	return 0;
}

static int path_plan(const struct policy *p, const struct command *cmd, struct plan *out,
		     struct policy_error *err)
{
	if (plan_refuse_domains(p, "path", "it does not confine the network", err))
		return -1;
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd))) {
		snprintf(err->msg, sizeof(err->msg), "backend path: cannot find the current directory");
		err->hint[0] = '\0';
		return -1;
	}
	if (path_scan(p, cmd->argv, cmd->shell != NULL, cwd, getenv("HOME"), err) != 0)
		return -1;
	out->id = BACKEND_PATH;
	/* As with none: the terminal and the session stay guarded. */
	out->seccomp = SC_TTY | SC_SESSION | SC_POLICY;
	plan_add(out, "arguments naming a denied path refused",
		 "clawshim reads the command line (application layer only)", NULL, true);
#ifdef __linux__
	/* The portable build says what it gives in plan_add_common() alone. */
	plan_add(out, "new session, no controlling terminal", "setsid()", NULL, true);
	plan_add(out, "TIOCSTI/TIOCLINUX refused", "seccomp (low 32 bits compared)", NULL, true);
	plan_add(out, "no new privileges, capabilities dropped", "prctl, capset", NULL, true);
#endif
	plan_add(out, "filesystem and network confinement", NULL,
		 "backend path: nothing kernel-enforced protects this command", false);
	return 0;
}

/* Not a confinement: the one place that runs once per command, in the
 * child, to say that nothing kernel-enforced protects it. */
static void path_apply(const struct policy *p, const struct plan *plan)
{
	(void)p;
	(void)plan;
	static const char msg[] = "clawshim: backend path: nothing kernel-enforced protects this command\n";
	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
}

const struct backend backend_path = {
	.name = "path",
	.id = BACKEND_PATH,
	.probe = path_probe,
	.plan = path_plan,
	.apply = path_apply,
};
