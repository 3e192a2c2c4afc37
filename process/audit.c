/* SPDX-License-Identifier: MIT */
/*
 * audit.c: the audit log's configuration and its start and end events,
 * and `clawshim --last` (audit.h).  The file itself is audit_log.c's.
 */
#include "audit.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "../common.h"
#include "../json.h"
#include "../sha256.h"

#define ARG_MAX_LOGGED 4096      /* bytes of one argument in the start event */
#define ARGV_MAX_LOGGED 16384    /* bytes of all of them */
#define KEEP_MAX 1000

static char *log_path;           /* as configured (audit_prepare) */
static struct origin log_from;   /* the line that configured it */
static char *start_buf;          /* the start event up to the pid */
static size_t start_len;
static struct timespec t0;       /* when the start event was made */
/* Shared with the vfork-style child (CLONE_VM): it sets these. */
/* Set by the child that writes the start event.  That child may live in
 * another address space (forked by the init of clawshim's PID namespace,
 * process/pidns.c), so the flags sit in a shared page. */
struct start_flags { volatile bool started, failed; };
static struct start_flags local_flags, *sf = &local_flags;
static struct {
	bool seen, timed_out, leftovers;
	int status;
} ex;

const char *audit_path(void)
{
	return log_path;
}

/* Fill err with "layer:line: msg" and a hint. -1. */
__attribute__((format(printf, 4, 5)))
static int at_err(struct policy_error *err, const struct origin *o, const char *hint_text,
		  const char *fmt, ...)
{
	char where[300], msg[sizeof(err->msg) - 320];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err->msg, sizeof(err->msg), "%s: %s", origin_str(o, where, sizeof(where)), msg);
	snprintf(err->hint, sizeof(err->hint), "%s", hint_text ? hint_text : "");
	return -1;
}

/* Under another clawshim (its variable set, and a seccomp filter on us),
 * whose policy denies the log's directory to everything it runs. */
static bool nested(void)
{
#ifdef __linux__
	return getenv("CLAWSHIM_BACKEND") && prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2;
#else
	return false;
#endif
}

/* The log is out of reach under an outer clawshim: that one logs the
 * command that started us; this run goes unlogged, and says so. */
static int nested_off(void)
{
	warn("audit log %s: out of reach under an outer clawshim; this run is not logged "
	     "(the outer one logged the command that started it)", log_path);
	free(log_path);
	log_path = NULL;
	return 0;
}

/* mkdir -p, new directories 0700 (the log's, and its parents). */
static int mkdirs(const char *dir)
{
	char *d = xstrdup(dir);
	int rc = 0;
	for (char *s = d + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(d, 0700) != 0 && errno != EEXIST)
			rc = -1;
		*s = c;
		if (!c || rc)
			break;
	}
	free(d);
	return rc;
}

int audit_prepare(struct policy *p, bool dry, struct policy_error *err)
{
	audit_set_quiet(p->log_quiet.val);
	if (policy_log_path(p, &log_path, &log_from, err) != 0)
		return -1;
	if (!log_path)
		return 0;
	char *dir = xstrdup(log_path);
	*strrchr(dir, '/') = '\0';
	if (!*dir)
		strcpy(dir, "/");
	struct stat st;
	if (!dry && stat(dir, &st) != 0 && mkdirs(dir) != 0) {
		if (nested()) {
			free(dir);
			return nested_off();
		}
		at_err(err, &log_from, NULL, "audit log %s: cannot create %s: %s", log_path, dir,
		       strerror(errno));
		free(dir);
		return -1;
	}
	/* The command must not read, forge or erase the record: its whole
	 * directory is denied, like a deny path, on every backend (the
	 * rotated files and the lock file live there too). */
	char *item = xasprintf("%s%s", dry ? "?" : "", dir);
	int rc = policy_add_item(p, "filesystem", "deny", item, "audit log", err);
	free(item);
	free(dir);
	return rc;
}

/* The deny item audit_prepare added, resolved. */
static const struct pol_item *log_dir_item(const struct policy *p)
{
	for (size_t i = p->deny.n; i-- > 0;)
		if (p->deny.v[i].from.layer && strcmp(p->deny.v[i].from.layer, "audit log") == 0)
			return &p->deny.v[i];
	return NULL;
}

int audit_open(const struct policy *p, struct policy_error *err)
{
	if (!log_path)
		return 0;
#ifndef __linux__
	/* The start event is written by the Linux child (child.c). */
	return at_err(err, &log_from, "remove [log] from the policy",
		      "the audit log needs clawshim's Linux supervisor");
#endif
	const struct pol_item *it = log_dir_item(p);
	if (!it || !it->path)
		return at_err(err, &log_from, NULL, "audit log %s: its directory is missing", log_path);
	const char *dir = it->path;
	/* Denying a directory that holds what the command is granted would
	 * take the grant away (or be refused): the log needs its own. */
	const struct pol_list *grants[] = { &p->read_write, &p->read_only };
	const char *clash = path_inside(p->workspace.val, dir) ? p->workspace.val : NULL;
	for (size_t l = 0; !clash && l < ARRAY_LEN(grants); l++)
		for (size_t i = 0; !clash && i < grants[l]->n; i++)
			if (grants[l]->v[i].path && path_inside(grants[l]->v[i].path, dir))
				clash = grants[l]->v[i].path;
	if (clash)
		return at_err(err, &log_from, "give the log a directory of its own, outside every grant",
			      "audit log %s: its directory %s holds %s, which the command may use",
			      log_path, dir, clash);
	/* Whoever can write the directory can rename, delete or replace the
	 * log (rotation renames there too): only its owner, or root. */
	struct stat st;
	if (stat(dir, &st) != 0 || (st.st_uid != geteuid() && st.st_uid != 0) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)))
		return at_err(err, &log_from, "chmod go-w the directory, or choose one of your own",
			      "cannot log to %s: its directory %s is writable by others or not yours",
			      log_path, dir);
	if (p->log_keep.set && (p->log_keep.val == LIMIT_UNLIMITED || p->log_keep.val > KEEP_MAX))
		return at_err(err, &p->log_keep.from, NULL, "[log] keep: at most %d files", KEEP_MAX);
	const char *base = strrchr(log_path, '/') + 1;
	char *canon = xasprintf("%s/%s", strcmp(dir, "/") ? dir : "", base);
	char why[PATH_MAX + 64];
	int rc = auditlog_open(canon, p->log_max_size.set ? p->log_max_size.val : 10 << 20,
			       p->log_keep.set ? (int)p->log_keep.val : 5, why, sizeof(why));
	free(canon);
	if (rc != 0 && nested())
		return nested_off();
	if (rc != 0)
		return at_err(err, &log_from,
			      "the log must be a regular file of yours, not a symlink, mode 0600",
			      "cannot log to %s", why);
	free(log_path);
	log_path = xasprintf("%s/%s", strcmp(dir, "/") ? dir : "", base);
	/* Unique, not secret: our pid and the time, to the nanosecond (two
	 * runs share an id only with the same pid at the same nanosecond
	 * modulo 18 minutes). */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	unsigned long long ns = (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
	char run[24];
	snprintf(run, sizeof(run), "%06x%010llx", (unsigned)getpid() & 0xffffffu, ns & 0xffffffffffULL);
	auditlog_set_run(run);
	return 0;
}

/* `path`'s SHA-256 as hex in out, or "" when it cannot be read. */
static void file_sha256(const char *path, char out[65])
{
	out[0] = '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return;
	struct jbuf b = { 0 };
	char chunk[8192];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0 && b.n < (2u << 20))
		jb_raw(&b, chunk, (size_t)n);
	close(fd);
	if (n == 0)
		sha256_hex(b.s ? b.s : "", b.n, out);
	jb_free(&b);
}

static void guarantees(struct jbuf *b, const struct plan *pl, bool first)
{
	for (size_t i = 0; i < pl->ng; i++) {
		const struct guarantee *g = &pl->g[i];
		jb_lit(b, first && i == 0 ? "{\"what\":" : ",{\"what\":");
		jb_str(b, g->what);
		jb_lit(b, g->how ? ",\"enforced\":true" : ",\"enforced\":false");
		jb_lit(b, g->required ? ",\"required\":true,\"how\":" : ",\"required\":false,\"how\":");
		jb_str(b, g->how);
		jb_key(b, "why_not", false);
		jb_str(b, g->why_not);
		jb_lit(b, "}");
	}
}

/* A JSON array of `n` strings (all when n < 0), each cut at `cap` bytes
 * and `budget` in all; *cut set when anything was left out. */
static void str_array(struct jbuf *b, char *const *v, int n, size_t cap, size_t budget, bool *cut)
{
	size_t total = 0;
	jb_lit(b, "[");
	for (int i = 0; v[i] && (n < 0 || i < n); i++) {
		size_t len = strlen(v[i]);
		if (total >= budget) {
			*cut = true;
			break;
		}
		if (len > cap) {
			len = cap;
			*cut = true;
		}
		if (i)
			jb_lit(b, ",");
		jb_strn(b, v[i], len);
		total += len;
	}
	jb_lit(b, "]");
}

void audit_start_prepare(const struct policy *p, const struct backend *be,
			 const struct plan *pl, char *const *argv, char *const *opts,
			 int nopts, const char *cwd)
{
	clock_gettime(CLOCK_MONOTONIC, &t0);
	free(start_buf);
	start_buf = NULL;
	if (!auditlog_on())
		return;
	/* Nothing keeps the command from the log there: said on every run. */
	if (be->id == BACKEND_NONE || be->id == BACKEND_PATH)
		warn("audit log %s: backend %s does not protect it from the command", log_path, be->name);
	char t[40], proc[64], pexe[PATH_MAX];
	audit_time(t);
	pid_t ppid = getppid();
	snprintf(proc, sizeof(proc), "/proc/%d/exe", (int)ppid);
	ssize_t n = readlink(proc, pexe, sizeof(pexe) - 1);
	pexe[n > 0 ? n : 0] = '\0';

	struct jbuf b = { 0 };
	jb_lit(&b, "{\"event\":\"start\",\"run\":");
	jb_str(&b, auditlog_run());
	jb_key(&b, "workspace", false);
	jb_str(&b, p->workspace.val);
	jb_key(&b, "time", false);
	jb_str(&b, t);
	jb_key(&b, "version", false);
	jb_str(&b, CLAWSHIM_VERSION);
	jb_key(&b, "backend", false);
	jb_str(&b, be->name);
	jb_printf(&b, ",\"uid\":%u,\"gid\":%u,\"clawshim_pid\":%d,\"ppid\":%d,\"parent_exe\":",
		  (unsigned)getuid(), (unsigned)getgid(), (int)getpid(), (int)ppid);
	jb_str(&b, n > 0 ? pexe : NULL);
	jb_key(&b, "cwd", false);
	jb_str(&b, cwd);
	/* argv, capped: a command line can be megabytes.  Never the
	 * environment: that is where secrets are. */
	bool cut = false;
	jb_lit(&b, ",\"argv\":");
	str_array(&b, argv, -1, ARG_MAX_LOGGED, ARGV_MAX_LOGGED, &cut);
	jb_lit(&b, ",\"options\":");
	str_array(&b, opts, nopts, ARG_MAX_LOGGED, ARGV_MAX_LOGGED, &cut);
	jb_printf(&b, ",\"argv_truncated\":%s,\"layers\":[{\"path\":\"built-in\",\"sha256\":null}",
		  cut ? "true" : "false");
	for (size_t i = 0; i < p->files.n; i++) {
		char h[65];
		file_sha256(p->files.v[i].raw, h);
		jb_lit(&b, ",{\"path\":");
		jb_str(&b, p->files.v[i].raw);
		jb_key(&b, "sha256", false);
		jb_str(&b, h[0] ? h : NULL);
		jb_lit(&b, "}");
	}
	/* The guarantees as --explain --json lists them. */
	jb_lit(&b, "],\"guarantees\":[");
	guarantees(&b, pl, true);
	struct plan common = { .seccomp = pl->seccomp, .setup = pl->setup };
	plan_add_common(&common, p);
	guarantees(&b, &common, pl->ng == 0);
	free(common.g);
	jb_lit(&b, "],\"pid\":");
	start_len = b.n;
	jb_raw(&b, "                        ", 24); /* room for the pid, "}\n" */
	start_buf = b.s;
	void *pg = mmap(NULL, sizeof(*sf), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (pg != MAP_FAILED)
		sf = pg;
}

int audit_child_start(pid_t pid)
{
	if (!start_buf)
		return 0;
	/* No allocation here: this is the vfork-style child. */
	int k = snprintf(start_buf + start_len, 24, "%d}\n", (int)pid);
	if (auditlog_append_fd(start_buf, start_len + (size_t)k) != 0) {
		sf->failed = true;
		return -1;
	}
	sf->started = true;
	return 0;
}

static pid_t command_pid = -1;

void audit_command_pid(pid_t pid)
{
	command_pid = pid;
}

void audit_exit(int status, bool timed_out, bool leftovers)
{
	ex.seen = true;
	ex.status = status;
	ex.timed_out = timed_out;
	ex.leftovers = leftovers;
}

int audit_end(int rc)
{
	if (sf->started) {
		struct timespec t1;
		char t[40];
		clock_gettime(CLOCK_MONOTONIC, &t1);
		audit_time(t);
		double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		struct jbuf b = { 0 };
		jb_lit(&b, "{\"event\":\"end\",\"run\":");
		jb_str(&b, auditlog_run());
		jb_key(&b, "time", false);
		jb_str(&b, t);
		jb_printf(&b, ",\"status\":%d", rc);
		if (ex.seen && WIFEXITED(ex.status))
			jb_printf(&b, ",\"exit\":%d,\"signal\":null", WEXITSTATUS(ex.status));
		else if (ex.seen && WIFSIGNALED(ex.status))
			jb_printf(&b, ",\"exit\":null,\"signal\":%d", WTERMSIG(ex.status));
		else
			jb_lit(&b, ",\"exit\":null,\"signal\":null");
		if (command_pid > 0)
			jb_printf(&b, ",\"command_pid\":%d", (int)command_pid);
		else
			jb_lit(&b, ",\"command_pid\":null");
		jb_printf(&b, ",\"timed_out\":%s,\"leftovers_killed\":%s,\"denies_not_logged\":%u,"
			  "\"duration_ms\":%.3f}\n", ex.timed_out ? "true" : "false",
			  ex.leftovers ? "true" : "false", auditlog_denies_dropped(), ms);
		auditlog_append(b.s, b.n);
		jb_free(&b);
	}
	/* A start event that failed was reported by the child, and nothing ran. */
	if (!sf->failed)
		audit_report();
	return rc;
}
