/* SPDX-License-Identifier: MIT */
/*
 * clawshim: run a command under a sandbox policy.
 *
 * main() reads top to bottom: arguments -> policy -> backend -> process
 * setup -> exec.  Everything it calls either returns an error for main to
 * report (exit 125, nothing runs) or is the supervised command itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/backend.h"
#include "backends/seccomp.h"
#include "common.h"
#include "explain.h"
#include "host.h"
#include "policy/policy.h"
#include "process/process.h"
#include "process/audit.h"
#include "process/proxy.h"
#include "selftest/selftest.h"

extern char **environ;

struct options {
	bool shell_mode;        /* the rest of argv goes to the real shell */
	bool login;             /* invoked as a login shell (argv[0] "-...") */
	const char *shell_name; /* invoked under a shell's name: "bash", ... */
	bool dump, allow_net, explain, doctor, json, selftest;
	bool last;              /* --last: the latest run's audit events */
	const char *log;        /* --log FILE */
	const char *check;      /* --check-policy FILE */
	const char *backend, *workspace, *timeout;
	const char *profile;    /* --profile NAME */
	struct strv policies;   /* --policy FILE, in order */
	struct strv paths;      /* "key\0value" pairs: --read-only etc. */
	struct strv domains;    /* --allow-domain HOST */
	char **rest;            /* command, or shell arguments */
	int nrest;
};

static void usage(FILE *f)
{
	fputs("usage: clawshim [OPTIONS] [--] COMMAND [ARG...]\n"
	      "       clawshim -c 'STRING' [NAME [ARG...]]   (shell mode; also -lc, -i, --login, ...)\n"
	      "       clawshim                             (a shell under the policy)\n"
	      "       clawsh [SHELL-ARGUMENTS]             (always a shell; so are the links\n"
	      "                                             named bash, sh, zsh, dash, clawshim-bash)\n"
	      "       clawshim --check-policy FILE | --dump-policy | --version | --help\n"
	      "\n"
	      "In shell mode clawshim takes no options: its policy comes from the policy\n"
	      "files, and options are never followed by shell flags.\n"
	      "\n"
	      "options:\n"
	      "  --policy FILE       apply FILE on top of the system and user policies\n"
	      "  --profile NAME      an agent's profile (claude-code, codex, ...) beneath them\n"
	      "  --backend NAME      auto, landlock, bwrap, firejail, docker, sandbox-exec,\n"
	      "                      path or none\n"
	      "  --workspace DIR     the read-write workspace (default: the current directory)\n"
	      "  --read-only PATH    also allow reading and executing PATH\n"
	      "  --read-write PATH   also allow writing PATH\n"
	      "  --deny PATH         deny all access to PATH\n"
	      "  --allow-net         allow all network access\n"
	      "  --allow-domain HOST also allow HOST through the proxy (allow = domains)\n"
	      "  --timeout SECONDS   TERM the command after SECONDS, KILL later; exit 124\n"
	      "  --log FILE          write the audit log (NDJSON) to FILE\n"
	      "  --last [--json]     print the audit events of the latest run in this workspace\n"
	      "  --check-policy FILE validate FILE and exit\n"
	      "  --dump-policy       print the effective policy, each value with its origin\n"
	      "  --explain [--json]  show each guarantee, how the backend enforces it, and the\n"
	      "                      exact command line; runs nothing\n"
	      "  --doctor [--json]   what this host can enforce, per backend, and why not\n"
	      "  --selftest [--json] run the conformance corpus against each backend (or the\n"
	      "                      --backend) in a scratch directory; exit 0 if all hold\n"
	      "\n"
	      "Exit status: the command's; 124 timeout; 125 clawshim failed (nothing ran);\n"
	      "126 not executable; 127 not found; 128+N killed by signal N.\n"
	      "See clawshim(1) and clawshim.ini(5).\n", f);
}

static __attribute__((noreturn)) void usage_error(const char *what, const char *arg)
{
	warn("%s '%s'", what, arg);
	hint("see clawshim --help");
	exit(EXIT_SETUP);
}

/* Long options that belong to a shell (bash's own), never to clawshim. */
static bool is_shell_long_option(const char *a)
{
	static const char *const sh[] = {
		"--login", "--norc", "--noprofile", "--posix", "--noediting",
		"--restricted", "--verbose", "--rcfile", "--init-file", "--debugger",
		"--dump-strings", "--dump-po-strings", "--wordexp", "--pretty-print",
	};
	for (size_t i = 0; i < ARRAY_LEN(sh); i++)
		if (strcmp(a, sh[i]) == 0)
			return true;
	return false;
}

/* A shell's flag: -c, -lc, -e, +x, or one of bash's long options. */
static bool is_shell_flag(const char *a)
{
	if ((a[0] == '+' && a[1]) || (a[0] == '-' && a[1] && a[1] != '-'))
		return true;
	return is_shell_long_option(a);
}

/* The shell a program name stands for: "bash" for bash, -bash or
 * clawshim-bash; NULL for any other name (clawshim, clawsh). */
static const char *shell_of_name(const char *base)
{
	static const char *const shells[] = { "bash", "dash", "zsh", "ksh", "mksh",
					      "ash", "fish", "sh" };
	size_t bl = strlen(base);
	for (size_t i = 0; i < ARRAY_LEN(shells); i++) {
		size_t sl = strlen(shells[i]);
		/* Exactly the name, or "-NAME" at the end: "clawsh" and
		 * "fish" end in "sh" without being sh. */
		if (strcmp(base, shells[i]) == 0 ||
		    (bl > sl && base[bl - sl - 1] == '-' && strcmp(base + bl - sl, shells[i]) == 0))
			return shells[i];
	}
	return NULL;
}

/* Is clawshim in a shell's role by its name: clawsh, a shell's name, or
 * a login shell's "-..."?  Then argv[1..] belongs to the shell. */
static bool shell_by_name(const char *argv0, struct options *o)
{
	const char *base = strrchr(argv0, '/');
	base = base ? base + 1 : argv0;
	o->login = argv0[0] == '-';
	if (*base == '-')
		base++;
	o->shell_name = shell_of_name(base);
	return o->login || o->shell_name || strcmp(base, "clawsh") == 0;
}

/* Parse clawshim's own long options from argv[1]; stop after "--"
 * (*dashdash) or at the command.  Returns the index of what follows. */
static int parse_options(int argc, char **argv, struct options *o, bool *dashdash)
{
	enum { O_POLICY = 256, O_BACKEND, O_WORKSPACE, O_RO, O_RW, O_DENY, O_NET,
	       O_TIMEOUT, O_CHECK, O_DUMP, O_HELP, O_VERSION, O_EXPLAIN, O_DOCTOR, O_JSON,
	       O_SELFTEST, O_LOG, O_LAST, O_DOMAIN, O_PROFILE };
	static const struct option longopts[] = {
		{ "policy", required_argument, NULL, O_POLICY },
		{ "profile", required_argument, NULL, O_PROFILE },
		{ "backend", required_argument, NULL, O_BACKEND },
		{ "workspace", required_argument, NULL, O_WORKSPACE },
		{ "read-only", required_argument, NULL, O_RO },
		{ "read-write", required_argument, NULL, O_RW },
		{ "deny", required_argument, NULL, O_DENY },
		{ "allow-net", no_argument, NULL, O_NET },
		{ "allow-domain", required_argument, NULL, O_DOMAIN },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "check-policy", required_argument, NULL, O_CHECK },
		{ "dump-policy", no_argument, NULL, O_DUMP },
		{ "explain", no_argument, NULL, O_EXPLAIN },
		{ "doctor", no_argument, NULL, O_DOCTOR },
		{ "json", no_argument, NULL, O_JSON },
		{ "selftest", no_argument, NULL, O_SELFTEST },
		{ "log", required_argument, NULL, O_LOG },
		{ "last", no_argument, NULL, O_LAST },
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int i = 1;
	*dashdash = false;
	while (i < argc) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			*dashdash = true;
			break;
		}
		if (strncmp(a, "--", 2) != 0 || is_shell_long_option(a))
			break;
		/* One option at a time, so a shell flag ends our options. */
		const char *eq = strchr(a, '=');
		size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		const struct option *opt = NULL;
		for (const struct option *l = longopts; l->name; l++)
			if (strlen(l->name) == len && strncmp(l->name, a + 2, len) == 0)
				opt = l;
		if (!opt)
			usage_error("unknown option", a);
		const char *val = NULL;
		if (opt->has_arg == required_argument) {
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				usage_error("a value is needed by option", a);
		} else if (eq) {
			usage_error("no value is taken by option", a);
		}
		i++;
		switch (opt->val) {
		case O_POLICY: strv_push(&o->policies, xstrdup(val)); break;
		case O_PROFILE: o->profile = val; break;
		case O_BACKEND: o->backend = val; break;
		case O_WORKSPACE: o->workspace = val; break;
		case O_RO: strv_push(&o->paths, xasprintf("read_only=%s", val)); break;
		case O_RW: strv_push(&o->paths, xasprintf("read_write=%s", val)); break;
		case O_DENY: strv_push(&o->paths, xasprintf("deny=%s", val)); break;
		case O_NET: o->allow_net = true; break;
		case O_DOMAIN: strv_push(&o->domains, xstrdup(val)); break;
		case O_TIMEOUT: o->timeout = val; break;
		case O_CHECK: o->check = val; break;
		case O_DUMP: o->dump = true; break;
		case O_EXPLAIN: o->explain = true; break;
		case O_DOCTOR: o->doctor = true; break;
		case O_JSON: o->json = true; break;
		case O_SELFTEST: o->selftest = true; break;
		case O_LOG: o->log = val; break;
		case O_LAST: o->last = true; break;
		case O_HELP: usage(stdout); exit(0);
		case O_VERSION: printf("clawshim %s\n", CLAWSHIM_VERSION); exit(0);
		default: usage_error("unknown option", a);
		}
	}
	return i;
}

/* Which role, then clawshim's options if any.
 * Why shell mode parses nothing: a tool builds a shell's arguments from
 * its input (make's .SHELLFLAGS comes from the Makefile), so an option
 * taken from them ("--backend=none -c") would let a repository choose
 * clawshim's policy.  Options and shell mode therefore never mix. */
static void parse_args(int argc, char **argv, struct options *o)
{
	/* A shell by name, a first argument that is a shell flag, or no
	 * argument at all (a shell reading its input): all of argv[1..] is
	 * the shell's, exactly. */
	if (shell_by_name(argv[0], o) || argc == 1 || is_shell_flag(argv[1])) {
		o->shell_mode = true;
		o->rest = argv + 1;
		o->nrest = argc - 1;
		return;
	}

	bool dashdash;
	int i = parse_options(argc, argv, o, &dashdash);
	o->rest = argv + i;
	o->nrest = argc - i;
	/* Options then a shell flag is how "--backend=none -c" reaches a
	 * tool's shell: refused, so the policy stays the files' (the
	 * argument after "--" is always a command). */
	if (!dashdash && i < argc && is_shell_flag(argv[i])) {
		warn("'%s' after clawshim's options: shell mode takes no options", argv[i]);
		hint("write 'clawshim OPTIONS -- bash -c STRING'; as a tool's shell use 'clawsh' or "
		     "'clawshim -c', configured by policy files (see clawshim(1), Shell mode)");
		exit(EXIT_SETUP);
	}
	bool runs = !o->check && !o->dump && !o->explain && !o->doctor && !o->selftest && !o->last;
	if (o->nrest == 0 && runs) {
		warn("no command after clawshim's options: a shell under the policy takes no options");
		hint("write 'clawshim OPTIONS -- COMMAND', or run 'clawsh' with the policy in a file");
		exit(EXIT_SETUP);
	}
	if (o->json && !o->explain && !o->doctor && !o->selftest && !o->last)
		usage_error("--json goes with --explain, --doctor, --selftest or --last:", "--json");
}

static __attribute__((noreturn)) void die_policy(const struct policy_error *err)
{
	warn("%s", err->msg);
	if (err->hint[0])
		hint("%s", err->hint);
	exit(EXIT_SETUP);
}

/* Is `path` this very binary: the same file as /proc/self/exe, whatever
 * links or copies-by-hardlink lead to it? */
static bool is_self(const char *path)
{
	struct stat a, b;
	if (stat(path, &a) != 0 || stat("/proc/self/exe", &b) != 0)
		return false;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* An executable regular file that is not clawshim itself. */
static bool other_executable(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0 &&
	       !is_self(path);
}

/* The real shell called `name` (clawshim invoked as bash: the real bash):
 * the first on PATH that is not clawshim (a link, or a file in the links'
 * own directory `skipdir`), else /bin/NAME or /usr/bin/NAME.  Why never
 * clawshim: `#!/usr/bin/env bash` with the links first on PATH would
 * find clawshim again, for ever. */
static char *named_shell(const char *name, const char *skipdir)
{
	const char *path = getenv("PATH");
	char dir[PATH_MAX];
	for (const char *s = path ? path : ""; path && *s;) {
		size_t n = strcspn(s, ":");
		/* An empty entry (the current directory) is a repository's
		 * choice, not the user's: it is not searched for a shell. */
		if (n > 0 && n < sizeof(dir) && s[0] == '/') {
			memcpy(dir, s, n);
			dir[n] = '\0';
			char real[PATH_MAX];
			bool own = skipdir && realpath(dir, real) && strcmp(real, skipdir) == 0;
			char *cand = xasprintf("%s/%s", dir, name);
			if (!own && other_executable(cand))
				return cand;
			free(cand);
		}
		s += n;
		if (*s == ':')
			s++;
	}
	static const char *const fixed[] = { "/bin", "/usr/bin" };
	for (size_t i = 0; i < ARRAY_LEN(fixed); i++) {
		char *cand = xasprintf("%s/%s", fixed[i], name);
		if (other_executable(cand))
			return cand;
		free(cand);
	}
	warn("%s: no real %s on PATH, in /bin or in /usr/bin (only clawshim itself)", name, name);
	hint("install %s, or put the directory that holds it on PATH", name);
	exit(EXIT_NOTFOUND);
}

/* The real directory of argv[0] when it names one (the links' own). */
static char *own_dir(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');
	if (!slash)
		return NULL;
	char *d = xasprintf("%.*s", (int)(slash - argv0), argv0);
	char *r = realpath(*d ? d : "/", NULL);
	free(d);
	return r;
}

/* The real shell: the policy's, else the user's passwd shell unless that
 * is clawshim itself, else /bin/sh.  Never $SHELL: it may be clawshim. */
static const char *real_shell(const struct policy *p)
{
	if (p->shell.val)
		return p->shell.val;
	struct passwd *pw = getpwuid(getuid());
	/* nologin and false are how passwd says "no shell", not shells. */
	const char *base = pw && pw->pw_shell ? strrchr(pw->pw_shell, '/') : NULL;
	if (pw && pw->pw_shell && pw->pw_shell[0] == '/' && access(pw->pw_shell, X_OK) == 0 &&
	    strcmp(base, "/nologin") != 0 && strcmp(base, "/false") != 0) {
		if (!is_self(pw->pw_shell))
			return xstrdup(pw->pw_shell);
		/* A login shell of clawshim's bash link: the real bash. */
		const char *named = shell_of_name(base + 1);
		if (named)
			return named_shell(named, NULL);
	}
	return "/bin/sh";
}

/* The system and the user policy files. */
static void policy_files(struct strv *f, const struct options *o)
{
	strv_push(f, xstrdup(SYSCONFDIR "/clawshim/clawshim.ini"));
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (xdg && xdg[0] == '/')
		strv_push(f, xasprintf("%s/clawshim/clawshim.ini", xdg));
	else if (home && home[0] == '/')
		strv_push(f, xasprintf("%s/.config/clawshim/clawshim.ini", home));
	for (size_t i = 0; i < o->policies.n; i++)
		strv_push(f, xstrdup(o->policies.v[i]));
}

/* The profile in force: --profile, else the last "profile =" of the
 * system, user and --policy files (read aside, nothing applied). */
static char *profile_name(const struct options *o, const struct strv *files, size_t nsys)
{
	if (o->profile)
		return xstrdup(o->profile);
	struct policy aside;
	struct policy_error err = { { 0 }, { 0 } };
	policy_init_empty(&aside);
	for (size_t i = 0; i < files->n; i++)
		if (policy_load_file(&aside, files->v[i], TRUST_FULL, i >= nsys, &err) < 0)
			die_policy(&err);
	char *name = aside.profile.val ? xstrdup(aside.profile.val) : NULL;
	policy_free(&aside);
	return name;
}

/* A profile saying "allow = all" (whole-agent mode, until the agent's
 * API host can be named alone) is said on every run, never a surprise:
 * layers [from, to) are the profile's. */
static void warn_profile_net(const struct policy *p, size_t from, size_t to)
{
	for (size_t i = from; p->net_all.val && i < to && i < p->nlayers; i++)
		if (p->layers[i] == p->net_all.from.layer)
			warn("profile %s allows ALL network access (%s): the agent and every "
			     "command it runs may reach any host", p->profile.val, p->layers[i]);
}

/* Layers: built-in, the profile, system, user, each --policy, the command
 * line, then the workspace's own file, which may only tighten. */
static void load_policy(struct policy *p, const struct options *o, const char *cwd)
{
	struct policy_error err = { { 0 }, { 0 } };
	struct strv files = { 0 };
	policy_files(&files, o);
	size_t nsys = files.n - o->policies.n;
	char *profile = profile_name(o, &files, nsys);
	if (policy_init_default(p, &err) != 0)
		die_policy(&err);
	size_t before = p->nlayers;
	if (profile && policy_load_profile(p, profile, &err) != 0)
		die_policy(&err);
	size_t after = p->nlayers;
	for (size_t i = 0; i < files.n; i++)
		if (policy_load_file(p, files.v[i], TRUST_FULL, i >= nsys, &err) < 0)
			die_policy(&err);
	/* A file naming a profile names the one applied; --profile wins. */
	if (o->profile && policy_set(p, "sandbox", "profile", profile, "command line", 0,
				     TRUST_FULL, &err))
		die_policy(&err);
	free(profile);
	strv_free(&files);
	warn_profile_net(p, before, after);

	const char *cl = "command line";
	if (o->backend && policy_set(p, "sandbox", "backend", o->backend, cl, 0, TRUST_FULL, &err))
		die_policy(&err);
	if (o->workspace && policy_set(p, "filesystem", "workspace", o->workspace, cl, 0, TRUST_FULL, &err))
		die_policy(&err);
	if (o->timeout && policy_set(p, "sandbox", "timeout", o->timeout, cl, 0, TRUST_FULL, &err))
		die_policy(&err);
	if (o->allow_net && policy_set(p, "network", "allow", "all", cl, 0, TRUST_FULL, &err))
		die_policy(&err);
	/* --log FILE: relative to the current directory, as a shell's would be. */
	char *log = o->log && o->log[0] != '/' ? xasprintf("%s/%s", cwd, o->log) : NULL;
	if (o->log && (policy_set(p, "log", "file", log ? log : o->log, cl, 0, TRUST_FULL, &err) ||
		       policy_set(p, "log", "enabled", "yes", cl, 0, TRUST_FULL, &err)))
		die_policy(&err);
	free(log);
	/* --allow-domain: the caller's grant on top of the files (deny_domains
	 * still wins); with allow = none it turns domains mode on. */
	if (o->domains.n && !p->net_all.val && !p->net_domains.val &&
	    policy_set(p, "network", "allow", "domains", cl, 0, TRUST_FULL, &err))
		die_policy(&err);
	for (size_t i = 0; i < o->domains.n; i++)
		if (policy_add_item(p, "network", "domains", o->domains.v[i], cl, &err))
			die_policy(&err);
	for (size_t i = 0; i < o->paths.n; i++) {
		char *kv = xstrdup(o->paths.v[i]), *eq = strchr(kv, '=');
		*eq = '\0';
		/* A command-line path is one path, even with commas in it. */
		if (policy_add_item(p, "filesystem", kv, eq + 1, cl, &err))
			die_policy(&err);
		free(kv);
	}

	if (policy_resolve_workspace(p, cwd, &err) != 0)
		die_policy(&err);
	char *wsfile = xasprintf("%s/.clawshim.ini", p->workspace.val);
	if (policy_load_file(p, wsfile, TRUST_TIGHTEN_ONLY, false, &err) < 0)
		die_policy(&err);
	free(wsfile);
	/* The audit log's directory is denied to the command. */
	if (audit_prepare(p, o->explain || o->dump || o->doctor || o->last, &err) != 0)
		die_policy(&err);
	/* Policy files in use are never writable from inside. */
	for (size_t i = 0, n = p->files.n; i < n; i++)
		if (policy_set(p, "filesystem", "deny_write", p->files.v[i].path,
			       "policy files in use", 0, TRUST_FULL, &err))
			die_policy(&err);
	/* The user's profiles: a profile planted there would widen a later
	 * run, so never writable from inside; readable, so a clawshim
	 * started inside (the shell links) finds the profile it is told. */
	char *pdir = policy_user_profile_dir(), *opt = pdir ? xasprintf("?%s", pdir) : NULL;
	if (opt && (policy_add_item(p, "filesystem", "deny_write", opt, "policy files in use", &err) ||
		    policy_add_item(p, "filesystem", "read_only", opt, "policy files in use", &err)))
		die_policy(&err);
	free(opt);
	free(pdir);
	if (policy_resolve(p, cwd, &err) != 0)
		die_policy(&err);
	policy_git(p);
	policy_read_files(p);
	/* Nothing runs unlogged when the policy asks for a log. */
	if (!o->explain && !o->dump && !o->doctor && !o->last && audit_open(p, &err) != 0)
		die_policy(&err);
}

/* The backend named by the policy, or for auto the first that can enforce
 * all of it here.  A named backend that cannot run is an error; auto says
 * nothing unless no backend can run, and then gives every reason. */
static const struct backend *choose_backend(const struct policy *p, const struct command *cmd,
					    struct plan *pl, char *unavailable, size_t ulen)
{
	struct policy_error err = { { 0 }, { 0 } };
	char why[512];
	enum backend_id id = (enum backend_id)p->backend.val;
	if (p->fallback.set && p->fallback.val != BACKEND_PATH) {
		char o[300];
		warn("%s: fallback = %s: only path may be a fallback",
		     origin_str(&p->fallback.from, o, sizeof(o)), backend_name((enum backend_id)p->fallback.val));
		hint("name the backend with backend = instead");
		exit(EXIT_SETUP);
	}
	if (id != BACKEND_AUTO) {
		const struct backend *be = backend_get(id);
		if (be->probe(why, sizeof(why)) != 0) {
			char o[300];
			/* --explain shows a backend that cannot run here too
			 * (the sandbox-exec profile on Linux), saying so. */
			if (unavailable) {
				snprintf(unavailable, ulen, "%s", why);
			} else {
				warn("%s: backend %s cannot run here: %s",
				     origin_str(&p->backend.from, o, sizeof(o)), be->name, why);
				hint("see clawshim --doctor, or choose another backend");
				exit(EXIT_SETUP);
			}
		}
		if (be->plan(p, cmd, pl, &err) != 0)
			die_policy(&err);
		return be;
	}
	struct strv reasons = { 0 };
	for (size_t i = 0; backend_auto_order[i] != BACKEND_NONE; i++) {
		const struct backend *be = backend_get(backend_auto_order[i]);
		if (be->probe(why, sizeof(why)) != 0) {
			strv_pushf(&reasons, "%s: %s", be->name, why);
			continue;
		}
		if (be->plan(p, cmd, pl, &err) == 0) {
			strv_free(&reasons);
			return be;
		}
		strv_pushf(&reasons, "%s: %s", be->name, err.msg);
		plan_free(pl);
	}
	/* fallback = path: the policy accepts an application-layer check
	 * where no kernel-enforced backend can run; said on every run. */
	if (p->fallback.set && p->fallback.val == BACKEND_PATH) {
		const struct backend *be = backend_get(BACKEND_PATH);
		if (be->probe(why, sizeof(why)) == 0 && be->plan(p, cmd, pl, &err) == 0) {
			warn("auto: no kernel-enforced backend can run here; falling back to path "
			     "(fallback = path): nothing but argument checks protects this command");
			for (size_t i = 0; i < reasons.n; i++)
				warn("  %s", reasons.v[i]);
			strv_free(&reasons);
			return be;
		}
		strv_pushf(&reasons, "path: %s", err.msg);
	}
	warn("no backend can enforce this policy here:");
	for (size_t i = 0; i < reasons.n; i++)
		warn("  %s", reasons.v[i]);
	hint("see clawshim --doctor; best_effort = true runs with what can be enforced, and says what not");
	exit(EXIT_SETUP);
}

/* Has a -c (or -xc style cluster with c) come before argument i?  After
 * it, arguments are the command string and $0, $1..., not options. */
static bool login_seen_c(char **rest, int i)
{
	for (int j = 0; j < i; j++)
		if (rest[j][0] == '-' && rest[j][1] != '-' && strchr(rest[j], 'c'))
			return true;
	return false;
}

/* The argv to exec: the command, or the real shell with the shell flags
 * passed exactly as given (never re-quoted or joined). */
static char **command_argv(const struct options *o, const char *shell)
{
	if (!o->shell_mode)
		return o->rest;
	char **av = xcalloc((size_t)o->nrest + 2, sizeof(*av));
	const char *base = strrchr(shell, '/');
	base = base ? base + 1 : shell;
	if (o->shell_name) {
		/* Invoked as bash, it is bash: every argument exactly as
		 * given, a login shell by argv[0] as it was given. */
		for (int i = 0; i < o->nrest; i++)
			av[i + 1] = o->rest[i];
		av[0] = o->login ? xasprintf("-%s", base) : xstrdup(shell);
		return av;
	}
	/* A login shell is told so the traditional way, by argv[0]. */
	/* --login is bash's spelling; every sh knows argv[0] "-sh". */
	bool login = o->login;
	int n = 1;
	for (int i = 0; i < o->nrest; i++) {
		if (strcmp(o->rest[i], "--login") == 0 && !login_seen_c(o->rest, i)) {
			login = true;
			continue;
		}
		av[n++] = o->rest[i];
	}
	av[0] = login ? xasprintf("-%s", base) : xstrdup(shell);
	return av;
}

/* Keep the PATH candidates that exist (as execvp, a directory we may not
 * search hides nothing: the name is not found there); none left is 127
 * before anything starts.  What exists but cannot be executed, on the
 * host or in the sandbox, is left for execve to report (126). */
static void require_found(struct strv *cand, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < cand->n; i++) {
		struct stat st;
		if (stat(cand->v[i], &st) == 0)
			cand->v[n++] = cand->v[i];
		else
			free(cand->v[i]);
	}
	cand->n = n;
	cand->v[n] = NULL;
	if (n == 0) {
		warn("%s: No such file or directory", name);
		hint("check the name and PATH; inside the sandbox PATH is the policy's");
		exit(EXIT_NOTFOUND);
	}
}

/* A pipe holding one byte, for the wrapper to read once its sandbox is
 * complete (bwrap --block-fd); the supervisor looks at what is left. */
static int ready_pipe(void)
{
	int fds[2];
	if (pipe(fds) != 0 || fcntl(fds[0], F_SETFD, FD_CLOEXEC) != 0 ||
	    write(fds[1], "r", 1) != 1)
		die_errno("cannot make the wrapper's ready pipe");
	close(fds[1]);
	return fds[0];
}

/* Replace the descriptor placeholders in each argument of `v` by their
 * descriptors, made on first use: clawshim's filter, the ready pipe. */
static void put_fds(struct child_spec *cs, struct strv *v)
{
	static const char *const mark[] = { [KEEP_FILTER] = SECCOMP_FD_ARG,
					    [KEEP_READY] = READY_FD_ARG };
	for (size_t i = 0; i < v->n; i++)
		for (int k = 0; k < KEEP_N; k++) {
			char *at = mark[k] ? strstr(v->v[i], mark[k]) : NULL;
			if (!at)
				continue;
			if (k == KEEP_READY && cs->keep_fd[k] < 0)
				cs->keep_fd[k] = ready_pipe();
			if (k == KEEP_FILTER && cs->keep_fd[k] < 0 &&
			    (cs->keep_fd[k] = host_export_filter(cs)) < 0)
				die_errno("cannot export the seccomp filter");
			char *arg = xasprintf("%.*s%d%s", (int)(at - v->v[i]), v->v[i],
					      cs->keep_fd[k], at + strlen(mark[k]));
			free(v->v[i]);
			v->v[i] = arg;
		}
}

/* A re-exec backend: exec its wrapper (absolute path, found by probe),
 * handing it clawshim's filter on a descriptor where it asks for one,
 * and its long option lists on another (bwrap --args). */
static void use_wrapper(struct child_spec *cs, struct plan *pl)
{
	put_fds(cs, &pl->wrapper);
	put_fds(cs, &pl->wrapper_args);
	for (size_t i = 0; i < pl->wrapper.n; i++) {
		if (strcmp(pl->wrapper.v[i], ARGS_FD_ARG) != 0)
			continue;
		int fd = host_anon_file("clawshim-args");
		for (size_t j = 0; fd >= 0 && j < pl->wrapper_args.n; j++) {
			size_t n = strlen(pl->wrapper_args.v[j]) + 1; /* NUL-separated */
			if (write(fd, pl->wrapper_args.v[j], n) != (ssize_t)n)
				die_errno("cannot write the wrapper's options");
		}
		if (fd < 0 || lseek(fd, 0, SEEK_SET) != 0)
			die_errno("cannot hand the wrapper its options");
		cs->keep_fd[KEEP_ARGS] = fd;
		free(pl->wrapper.v[i]);
		pl->wrapper.v[i] = xasprintf("%d", fd);
	}
	cs->argv = pl->wrapper.v;
	cs->candidates = xcalloc(2, sizeof(char *));
	cs->candidates[0] = pl->wrapper.v[0];
}

/* allow = domains: bind the proxy's listener now (the port goes into
 * the environment), after the checks that the run is airtight. */
static void start_listener(struct policy *p, struct proxy *px, const struct plan *pl,
			   struct strv *env)
{
	char why[160], self[PATH_MAX];
	/* Why refuse: without the notification supervisor nothing checks
	 * connect() addresses, and Landlock alone allows any host on the
	 * proxy's port (nono#1631). */
	if (!(pl->seccomp & SC_UNIX) || (pl->seccomp & SC_NESTED)) {
		const char *whose = (pl->seccomp & SC_NESTED) ? "the outer clawshim's" : "not in use";
		if (!p->best_effort.val) {
			warn("[network] allow = domains needs the seccomp notification supervisor, "
			     "which is %s here", whose);
			hint("run it outside the other sandbox, or set best_effort = true for no network");
			exit(EXIT_SETUP);
		}
		/* best_effort degrades to no network, never to "variables only". */
		warn("best_effort: no network (allow = domains needs the notification "
		     "supervisor, which is %s here)", whose);
		p->net_domains.val = false;
		return;
	}
	if (proxy_listen(px, why, sizeof(why)) < 0)
		die("[network] allow = domains: %s", why);
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = '\0';
	env_add_proxy(env, p, px->port, n > 0 ? self : "clawshim");
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	/* execve() may pass no argv[0] at all: no name, no role. */
	if (argc < 1 || !argv[0])
		die("started without an argv[0]");
	/* The ssh ProxyCommand of allow = domains (`clawshim -- connect`
	 * runs a program of that name). */
	struct options as_shell = { 0 };
	if (argc >= 2 && !strcmp(argv[1], "connect") && !shell_by_name(argv[0], &as_shell))
		return proxy_connect_main(argc, argv);
	parse_args(argc, argv, &o);
	if (o.selftest)
		return selftest(o.backend, &o.policies, o.json);

	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd)))
		die_errno("cannot find the current directory");

	if (o.check) {
		struct policy p;
		struct policy_error err = { { 0 }, { 0 } };
		if (policy_init_default(&p, &err) || policy_load_file(&p, o.check, TRUST_FULL, true, &err) ||
		    policy_resolve(&p, cwd, &err))
			die_policy(&err);
		/* A profile named must be one that exists. */
		char *ppath = NULL;
		if (p.profile.val && policy_profile_path(p.profile.val, &ppath, &err) != 0)
			die_policy(&err);
		free(ppath);
		printf("%s: ok\n", o.check);
		policy_free(&p);
		return 0;
	}

	struct policy p;
	load_policy(&p, &o, cwd);
	if (o.dump) {
		policy_dump(&p, stdout);
		return 0;
	}
	if (o.last)
		return audit_last(&p, o.json);

	/* The real shell is looked up only where it is used: shell mode runs
	 * it, and sets SHELL to it inside (the password database is slow). */
	const char *shell = p.shell.val;
	if (o.shell_name) {
		/* Invoked as bash, it runs bash, whatever the policy's or the
		 * user's shell: agents send bash syntax to a shell named bash. */
		char *own = own_dir(argv[0]);
		shell = named_shell(o.shell_name, own);
		free(own);
	} else if (o.shell_mode) {
		shell = real_shell(&p);
	}
	struct command cmd = { .argv = command_argv(&o, shell), .shell = shell };
	if (o.doctor)
		return doctor(&p, &cmd, o.json);
	struct plan pl = { 0 };
	char unavailable[512] = "";
	const struct backend *be = choose_backend(&p, &cmd, &pl, o.explain && p.backend.val != BACKEND_AUTO ?
						  unavailable : NULL, sizeof(unavailable));
	/* Inside another clawshim (it sets CLAWSHIM_BACKEND; a command that
	 * unsets it gets EBUSY at load, and nothing runs). */
	if (getenv("CLAWSHIM_BACKEND"))
		pl.seccomp |= SC_NESTED;
	if (o.explain) {
		/* Whether die-with-parent is held by a PID namespace or only by
		 * a scan, said for this host (tried: a container may refuse). */
		char why[256] = "under an outer clawshim, whose filter refuses namespaces";
		char pidns_why[400];
		pl.pidns = !pl.wrapper.n && !(pl.seccomp & SC_NESTED) &&
			   pidns_probe(why, sizeof(why)) == 0 ? 1 : -1;
		snprintf(pidns_why, sizeof(pidns_why), "no PID namespace here (%s): the init kills "
			 "child after child, and a process that forks faster than it kills could in "
			 "principle outrun it; the kernel's namespace kill cannot be outrun", why);
		pl.pidns_why = pidns_why;
		plan_add_common(&pl, &p);
		int rc = explain(&p, be, &pl, cmd.argv, o.json, unavailable[0] ? unavailable : NULL);
		if (unavailable[0]) {
			warn("backend %s cannot run here: %s", be->name, unavailable);
			return EXIT_SETUP;
		}
		return rc;
	}
	if (be->id == BACKEND_NONE)
		warn("backend none: the command runs unconfined (process semantics only)");

	struct policy_error err = { { 0 }, { 0 } };
	if (limits_check(&p, &err) != 0)
		die_policy(&err);
	struct strv env = { 0 }, cand = { 0 };
	env_build(&p, environ, be->name, shell, &env);
	struct proxy px = { .lfd = -1, .evfd = -1 };
	if (p.net_domains.val)
		start_listener(&p, &px, &pl, &env);
	/* A login shell's argv[0] is "-bash": the file to run is the shell. */
	exec_candidates(o.shell_mode ? shell : cmd.argv[0], env.v, &cand);
	if (be->id != BACKEND_DOCKER)
		require_found(&cand, cmd.argv[0]);
	struct child_spec cs = {
		.p = &p, .be = be, .plan = &pl, .argv = cmd.argv, .candidates = cand.v,
		.envp = env.v, .cwd = cwd, .pids_cgroup_fd = -1, .keep_fd = { -1, -1, -1 },
		.proxy = p.net_domains.val ? &px : NULL,
	};
	host_set_filter(&cs, &p, &pl);
	if (pl.wrapper.n)
		use_wrapper(&cs, &pl);
	cs.pids_cgroup_fd = host_root_process_limit(&p);
	audit_start_prepare(&p, be, &pl, cmd.argv, argv + 1, (int)(o.rest - argv) - 1, cwd);
	int rc = supervise(&cs);
	if (rc == SUPERVISE_NO_NAMESPACE) {
		/* Nothing ran: the same backend, with its protections made
		 * without a mount namespace. */
		plan_free(&pl);
		cmd.no_mounts = true;
		if (be->plan(&p, &cmd, &pl, &err) != 0)
			die_policy(&err);
		if (getenv("CLAWSHIM_BACKEND"))
			pl.seccomp |= SC_NESTED;
		cs.plan = &pl;
		host_set_filter(&cs, &p, &pl);
		audit_start_prepare(&p, be, &pl, cmd.argv, argv + 1, (int)(o.rest - argv) - 1, cwd);
		rc = supervise(&cs);
		if (rc == SUPERVISE_NO_NAMESPACE)
			die("cannot start the command without a mount namespace");
	}
	return audit_end(rc);
}
