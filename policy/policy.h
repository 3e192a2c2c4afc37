/* SPDX-License-Identifier: MIT */
/*
 * policy.h: the clawshim policy, its layers, and how it is loaded.
 *
 * Pure code: loading reads files and the environment and resolves paths,
 * but never changes the process.  Errors are returned as "file:line: text"
 * (plus an optional hint); only shim.c decides to die.
 */
#ifndef CLAWSHIM_POLICY_H
#define CLAWSHIM_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Where a value came from: a layer name ("built-in", a file path,
 * "command line") and the line in it (0 when there is none). */
struct origin {
	const char *layer; /* owned by struct policy (see policy.layers) */
	unsigned line;
};

enum backend_id {
	BACKEND_AUTO,
	BACKEND_LANDLOCK,
	BACKEND_BWRAP,
	BACKEND_FIREJAIL,
	BACKEND_DOCKER,
	BACKEND_SANDBOX_EXEC,
	BACKEND_PATH,
	BACKEND_NONE,
};
#define BACKEND_COUNT (BACKEND_NONE + 1)
const char *backend_name(enum backend_id id);

/* How much a layer is trusted.  The workspace file comes from the
 * repository the agent works in and may only tighten. */
enum trust {
	TRUST_FULL,
	TRUST_TIGHTEN_ONLY,
};

enum limit_id {
	LIMIT_PROCESSES,  /* RLIMIT_NPROC */
	LIMIT_MEMORY,     /* RLIMIT_DATA, bytes */
	LIMIT_CPU,        /* RLIMIT_CPU, seconds */
	LIMIT_FILE_SIZE,  /* RLIMIT_FSIZE, bytes */
	LIMIT_OPEN_FILES, /* RLIMIT_NOFILE */
};
#define LIMIT_COUNT (LIMIT_OPEN_FILES + 1)
#define LIMIT_UNLIMITED (-1LL)

struct pol_num {
	long long val;
	bool set;
	struct origin from;
};

struct pol_bool {
	bool val;
	struct origin from;
};

struct pol_str {
	char *val; /* NULL: unset */
	struct origin from;
};

/* One entry of a list key. */
struct pol_item {
	char *raw;      /* as written, after the optional '?' was stripped */
	bool optional;  /* written with a leading '?': a missing path is skipped */
	char *path;     /* path lists, after policy_resolve(): canonical absolute
	                 * path, or NULL for an optional path that does not exist */
	char *absent;   /* an optional path missing at resolve time whose parent
	                 * exists: where it would be (canonical parent + name) */
	long long num;  /* port lists: the port */
	struct origin from;
};

struct pol_list {
	struct pol_item *v;
	size_t n, cap;
};

struct policy {
	/* [clawshim] */
	struct pol_num version;
	/* [sandbox] */
	struct pol_num backend;      /* enum backend_id */
	struct pol_num fallback;     /* BACKEND_PATH: what auto may fall back to */
	struct pol_bool best_effort;
	struct pol_num timeout;      /* seconds; 0 = none */
	struct pol_num kill_after;   /* seconds between TERM and KILL */
	struct pol_str shell;        /* the real shell for shell mode; NULL: passwd */
	struct pol_str profile;      /* the agent profile in force, or NULL */
	/* [filesystem] */
	struct pol_str workspace;    /* canonical after policy_resolve() */
	struct pol_list read_write, read_only, deny, deny_write, no_exec;
	/* [network] */
	struct pol_bool net_all;     /* allow = all */
	struct pol_bool net_domains; /* allow = domains (net_all false): policy/domains.h */
	struct pol_list domains, deny_domains; /* raw = pattern as written */
	struct pol_bool net_plain_http, net_private;
	struct pol_str net_upstream; /* http://HOST:PORT */
	struct pol_list connect_tcp, bind_tcp; /* num = port */
	struct pol_list unix_sockets;          /* key "unix"; path lists */
	/* [process] */
	struct pol_num limit[LIMIT_COUNT];     /* set=false: inherited */
	struct pol_list keep_capabilities;     /* raw = "CAP_NET_BIND_SERVICE" */
	/* [environment] */
	struct pol_list env_remove;  /* fnmatch patterns, case-insensitive */
	struct pol_list env_keep;    /* names or patterns kept despite remove */
	struct pol_list env_set;     /* "NAME=VALUE" */
	/* [seccomp] */
	struct pol_list seccomp_deny; /* syscall names */
	/* [docker] */
	struct pol_str docker_image, docker_engine;
	/* [log] */
	struct pol_str log_file;          /* as written; see policy_log_path() */
	struct pol_bool log_enabled;      /* from.layer NULL: not said */
	struct pol_bool log_quiet;        /* no summary line at exit */
	struct pol_num log_max_size;      /* bytes, or LIMIT_UNLIMITED */
	struct pol_num log_keep;          /* rotated files kept */

	/* The policy files in use, canonical paths (deny_write inside). */
	struct pol_list files;
	/* The workspace's file's layer name (interned), or NULL: errors
	 * quote its paths as written, never expanded. */
	const char *untrusted_layer;
	/* The workspace's git directories in writable trees (policy_git()):
	 * path, or absent for a .git that may appear. */
	struct pol_list git_dirs;
	/* Layer names, owned here; origins point into them. */
	char **layers;
	size_t nlayers;
	/* Set by policy_resolve(): item.path and workspace are canonical. */
	bool resolved;
};

/* May the command create TCP sockets at all (ports, or the proxy)? */
static inline bool policy_tcp_sockets(const struct policy *p)
{
	return p->connect_tcp.n || p->bind_tcp.n || p->net_domains.val;
}

/* An error: "file:line: message" and an optional "what to do". */
struct policy_error {
	char msg[640];
	char hint[320];
};

/* Start from the built-in default policy (the layer "built-in"). */
int policy_init_default(struct policy *p, struct policy_error *err);
/* Start from an empty policy (nothing set, nothing allowed). */
void policy_init_empty(struct policy *p);

/* Apply one INI text as a layer named `layer`. Any error (syntax, unknown
 * section or key, bad value, duplicate scalar in this layer, over-long line,
 * or, for TRUST_TIGHTEN_ONLY, a line that would widen access) fails the
 * whole call; the caller must then not use the policy. */
int policy_load_string(struct policy *p, const char *text, const char *layer,
		       enum trust trust, struct policy_error *err);

/* Apply a policy file as a layer. Returns 0 when applied, 1 when the file
 * does not exist and !must_exist, -1 on error (including a file writable by
 * group or others, or owned by someone other than root or the caller). */
int policy_load_file(struct policy *p, const char *path, enum trust trust,
		     bool must_exist, struct policy_error *err);

/* Set one key as if it were a line of layer `layer` (command-line options:
 * policy_set(p, "filesystem", "read_only", "/srv", "command line", ...)). */
int policy_set(struct policy *p, const char *section, const char *key,
	       const char *value, const char *layer, unsigned line,
	       enum trust trust, struct policy_error *err);

/* Resolve only the workspace (against `cwd`), so the caller can find the
 * workspace file before the last layer; policy_resolve() calls it too. */
int policy_resolve_workspace(struct policy *p, const char *cwd,
			     struct policy_error *err);

/* Add `value` as ONE item of a list key, commas and all (a path given on
 * the command line), as a trusted layer. */
int policy_add_item(struct policy *p, const char *section, const char *key,
		    const char *value, const char *layer, struct policy_error *err);

/* "layer:line", or just "layer" when there is no line, in buf. */
const char *origin_str(const struct origin *o, char *buf, size_t len);

/* Expand ~, ~user, $VAR and ${VAR} in every path, make relative paths
 * absolute against the workspace (itself against `cwd`), canonicalise
 * (symlinks followed) and check they exist (optional ones may not).
 * Call once, after every layer but before use. */
int policy_resolve(struct policy *p, const char *cwd, struct policy_error *err);

/* Grant reading each policy file in use (after policy_resolve()), unless
 * a deny covers it: a clawshim started inside (a script's
 * "#!/usr/bin/env bash" finding the bash link) reads the same layers.
 * They stay unwritable (deny_write). */
void policy_read_files(struct policy *p);
/* Is the audit log on?  enabled = yes/no as last said, else whether a
 * file is named.  *path: where (~ and $VAR expanded, absolute; the
 * default $XDG_STATE_HOME/clawshim/audit.log), *from: the line that
 * decided.  0 (path NULL when off), or -1 and err. */
bool policy_log_on(const struct policy *p);
int policy_log_path(const struct policy *p, char **path, struct origin *from,
		    struct policy_error *err);

/* The file of profile `name`: the first NAME.ini of the user's, the
 * system's and the shipped profile directories (*path malloc'ed).  An
 * unknown name: -1, the error listing the known ones. */
int policy_profile_path(const char *name, char **path, struct policy_error *err);
/* The user's profile directory ($XDG_CONFIG_HOME/clawshim/profiles or
 * ~/.config/...), malloc'ed, or NULL when neither variable says. */
char *policy_user_profile_dir(void);
/* Apply profile `name` as a trusted layer (which may not name another
 * profile); profile.val becomes `name`. */
int policy_load_profile(struct policy *p, const char *name, struct policy_error *err);

/* Print the effective policy as INI, each value with its layer:line. */
void policy_dump(const struct policy *p, FILE *out);

void policy_free(struct policy *p);

/* After policy_resolve(): the workspace's git metadata that configures
 * git or runs code becomes deny_write where it exists, and its git
 * directories are noted in git_dirs for the end-of-run check (git.c). */
void policy_git(struct policy *p);
/* The names protected in each git directory ("info/attributes" too). */
extern const char *const git_protected_names[];
extern const size_t git_nprotected;

#endif
