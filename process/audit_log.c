/* SPDX-License-Identifier: MIT */
/*
 * audit_log.c: the audit log file (open, lock, rotate, append), the deny
 * events and the refusal summary printed at exit (audit.h).  Knows
 * nothing of the policy, so the notification supervisor's test helper
 * links it alone.
 */
#include "audit.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common.h"
#include "../json.h"

static struct {
	int fd, lockfd;          /* the log (O_APPEND) and PATH.lock; -1: no log */
	char path[PATH_MAX];
	long long max_size;      /* bytes; <= 0: never rotate */
	int keep;                /* rotated files kept: PATH.1 .. PATH.keep */
	char run[48];            /* the run id every event carries */
	int err;                 /* errno of the first failed write, 0 */
	unsigned failed;         /* events that could not be written */
	bool quiet;
} L = { .fd = -1, .lockfd = -1 };

/* What the supervisor refused, for the summary line. */
#define KINDS 12
#define OBJECTS 3
static struct {
	const char *kind;
	unsigned count;
	char *obj[OBJECTS];     /* the first few distinct objects */
	bool more;              /* and others */
} refused[KINDS];

bool auditlog_on(void)
{
	return L.fd >= 0;
}

void auditlog_set_run(const char *run)
{
	snprintf(L.run, sizeof(L.run), "%s", run);
}

const char *auditlog_run(void)
{
	return L.run;
}

void audit_set_quiet(bool quiet)
{
	L.quiet = quiet;
}

/* RFC 3339 UTC with milliseconds; no allocation (gmtime_r of UTC). */
void audit_time(char out[40])
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 40 - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

/* Is the open file `fd` one we may log into?  A symlink was refused by
 * O_NOFOLLOW already.  Why: a file another user can write, or owns, is
 * one they can forge or erase the record in. */
static const char *bad_file(int fd)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return strerror(errno);
	if (!S_ISREG(st.st_mode))
		return "not a regular file";
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return "writable by group or others";
	if (st.st_uid != geteuid())
		return "owned by another user";
	return NULL;
}

/* Open `path` for appending (created 0600), checked; -1 with errno. */
static int open_checked(const char *path, int flags, const char **why)
{
	/* O_NOFOLLOW: a symlink planted at the log's name must not redirect
	 * our writes into a file of the planter's choosing. */
	int fd = open(path, flags | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0) {
		*why = errno == ELOOP ? "a symbolic link" : strerror(errno);
		return -1;
	}
	if ((*why = bad_file(fd)) != NULL) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}

int auditlog_open(const char *path, long long max_size, int keep, char *why, size_t whylen)
{
	const char *w = NULL;
	char lock[PATH_MAX];
	if (snprintf(L.path, sizeof(L.path), "%s", path) >= (int)sizeof(L.path) - 8 ||
	    snprintf(lock, sizeof(lock), "%s.lock", path) >= (int)sizeof(lock)) {
		snprintf(why, whylen, "%s: name too long", path);
		return -1;
	}
	int fd = open_checked(path, O_WRONLY | O_APPEND, &w);
	if (fd < 0) {
		snprintf(why, whylen, "%s: %s", path, w);
		return -1;
	}
	int lfd = open_checked(lock, O_RDWR, &w);
	if (lfd < 0) {
		close(fd);
		snprintf(why, whylen, "%s: %s", lock, w);
		return -1;
	}
	L.fd = fd;
	L.lockfd = lfd;
	L.max_size = max_size;
	L.keep = keep;
	return 0;
}

/* Open the log's name again (after a rotation, ours or another
 * clawshim's) onto the same descriptor number. */
static int reopen(void)
{
	const char *why;
	int fd = open_checked(L.path, O_WRONLY | O_APPEND, &why);
	if (fd < 0)
		return -1;
	if (dup2(fd, L.fd) < 0 || fcntl(L.fd, F_SETFD, FD_CLOEXEC) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}

/* PATH -> PATH.1 -> ... -> PATH.keep (the oldest is replaced), then a
 * new PATH.  Called with the lock held. */
static int rotate(void)
{
	char from[PATH_MAX + 16], to[PATH_MAX + 16];
	for (int i = L.keep - 1; i >= 1; i--) {
		snprintf(from, sizeof(from), "%s.%d", L.path, i);
		snprintf(to, sizeof(to), "%s.%d", L.path, i + 1);
		if (rename(from, to) != 0 && errno != ENOENT)
			return -1;
	}
	snprintf(to, sizeof(to), "%s.1", L.path);
	if (L.keep > 0 ? rename(L.path, to) != 0 : unlink(L.path) != 0)
		return -1;
	return reopen();
}

/* Under the lock, so that a rotation by another clawshim never sees half
 * a line and never loses one: each writer first follows the name to the
 * current file, rotates if the line would pass max_size, writes once. */
static int append(const char *line, size_t len, bool by_name);

int auditlog_append(const char *line, size_t len)
{
	return append(line, len, true);
}

int auditlog_append_fd(const char *line, size_t len)
{
	return append(line, len, false);
}

/* One line under the lock; by_name: follow the log's name (another
 * clawshim rotated it) and rotate here when it is full. */
static int append(const char *line, size_t len, bool by_name)
{
	if (L.fd < 0)
		return 0;
	int e = 0;
	while (flock(L.lockfd, LOCK_EX) != 0)
		if (errno != EINTR) {
			e = errno;
			goto out;
		}
	struct stat a, b;
	if (fstat(L.fd, &a) != 0) {
		e = errno;
		goto unlock;
	}
	/* The child that writes the start event may already see the log's
	 * directory hidden (the mounts of clawshim's namespace, made before
	 * it): it writes on the descriptor as it is, and rotation waits for
	 * the supervisor's next event. */
	if (!by_name)
		goto write;
	if (lstat(L.path, &b) != 0 || a.st_ino != b.st_ino || a.st_dev != b.st_dev) {
		if (reopen() != 0 || fstat(L.fd, &a) != 0) {
			e = errno;
			goto unlock;
		}
	}
	if (L.max_size > 0 && a.st_size > 0 && (long long)a.st_size + (long long)len > L.max_size) {
		if (rotate() != 0) {
			e = errno;
			goto unlock;
		}
		a.st_size = 0;
	}
write:;
	ssize_t w = write(L.fd, line, len);
	if (w != (ssize_t)len) {
		e = w < 0 ? errno : ENOSPC;
		/* A short write (the disk filled): cut it off again, so the
		 * log holds whole lines only. */
		if (w > 0 && ftruncate(L.fd, a.st_size) != 0)
			e = errno;
	}
unlock:
	flock(L.lockfd, LOCK_UN);
out:
	if (!e)
		return 0;
	if (!L.err)
		L.err = e;
	L.failed++;
	errno = e;
	return -1;
}

/* Count a refusal of `kind` on `object` for the summary. */
static void count(const char *kind, const char *object)
{
	size_t i = 0;
	while (i < KINDS && refused[i].kind && strcmp(refused[i].kind, kind) != 0)
		i++;
	if (i == KINDS)
		i = KINDS - 1; /* more kinds than we name: lumped with the last */
	if (!refused[i].kind)
		refused[i].kind = kind;
	refused[i].count++;
	if (!object)
		return;
	/* The summary goes to the agent's terminal: no control bytes. */
	char *o = strdup(object);
	/* C1 controls (raw or UTF-8 encoded) are escapes to many terminals
	 * too: nothing but printable ASCII; the log has the exact bytes. */
	for (char *c = o; c && *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
	for (size_t j = 0; o && j < OBJECTS; j++) {
		if (!refused[i].obj[j]) {
			refused[i].obj[j] = o;
			return;
		}
		if (strcmp(refused[i].obj[j], o) == 0) {
			free(o);
			return;
		}
	}
	refused[i].more = true;
	free(o);
}

/* A command can be refused in a loop: past this many deny events a run
 * logs only their number (in its end event), or it would rotate every
 * other run's events out of the log. */
#define DENY_LOGGED_MAX 256
static unsigned deny_logged, deny_dropped;

unsigned auditlog_denies_dropped(void)
{
	return deny_dropped;
}

void audit_deny(const char *kind, const char *object, pid_t pid)
{
	count(kind, object);
	if (L.fd < 0)
		return;
	if (deny_logged >= DENY_LOGGED_MAX) {
		deny_dropped++;
		return;
	}
	deny_logged++;
	char t[40], proc[64], exe[PATH_MAX];
	ssize_t n = -1;
	if (pid > 0) {
		snprintf(proc, sizeof(proc), "/proc/%d/exe", (int)pid);
		n = readlink(proc, exe, sizeof(exe) - 1);
	}
	exe[n > 0 ? n : 0] = '\0';
	audit_time(t);
	struct jbuf b = { 0 };
	jb_lit(&b, "{\"event\":\"deny\",\"run\":");
	jb_str(&b, L.run);
	jb_key(&b, "time", false);
	jb_str(&b, t);
	jb_key(&b, "kind", false);
	jb_str(&b, kind);
	jb_key(&b, "object", false);
	jb_str(&b, object);
	jb_printf(&b, ",\"pid\":%d,\"exe\":", (int)pid);
	jb_str(&b, n > 0 ? exe : NULL);
	jb_lit(&b, "}\n");
	auditlog_append(b.s, b.n);
	jb_free(&b);
}

void audit_net(const struct audit_net *n)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	if (L.fd < 0)
		return;
	char t[40];
	audit_time(t);
	struct jbuf b = { 0 };
	jb_lit(&b, "{\"event\":\"net\",\"run\":");
	jb_str(&b, L.run);
	jb_key(&b, "time", false);
	jb_str(&b, t);
	jb_key(&b, "via", false);
	jb_str(&b, n->via);
	jb_key(&b, "verdict", false);
	jb_str(&b, n->allowed ? "allowed" : "refused");
	jb_key(&b, "host", false);
	jb_str(&b, n->host);
	jb_printf(&b, ",\"port\":%u", n->port);
	jb_key(&b, "rule", false);
	jb_str(&b, n->rule && n->rule[0] ? n->rule : NULL);
	jb_key(&b, "reason", false);
	jb_str(&b, n->reason && n->reason[0] ? n->reason : NULL);
	jb_key(&b, "address", false);
	jb_str(&b, n->addr && n->addr[0] ? n->addr : NULL);
	jb_printf(&b, ",\"pid\":%d,\"exe\":", (int)n->pid);
	jb_str(&b, n->exe && n->exe[0] ? n->exe : NULL);
	jb_printf(&b, ",\"bytes_up\":%llu,\"bytes_down\":%llu,\"duration_ms\":%u}\n",
		  (unsigned long long)n->up, (unsigned long long)n->down, n->ms);
	/* Refusals count against the same per-run cap as deny events. */
	pthread_mutex_lock(&mu);
	if (!n->allowed && deny_logged >= DENY_LOGGED_MAX)
		deny_dropped++;
	else {
		if (!n->allowed)
			deny_logged++;
		auditlog_append(b.s, b.n);
	}
	pthread_mutex_unlock(&mu);
	jb_free(&b);
}

void audit_report(void)
{
	if (L.failed)
		warn("audit log %s: %u event%s could not be written: %s", L.path, L.failed,
		     L.failed == 1 ? "" : "s", strerror(L.err));
	if (L.quiet || !refused[0].kind)
		return;
	/* One line, so an agent reading stderr can tell the sandbox's
	 * refusal from the command's own failure. */
	struct jbuf b = { 0 };
	for (size_t i = 0; i < KINDS && refused[i].kind; i++) {
		jb_printf(&b, "%s%u %s (", i ? "; " : "", refused[i].count, refused[i].kind);
		for (size_t j = 0; j < OBJECTS && refused[i].obj[j]; j++)
			jb_printf(&b, "%s%s", j ? ", " : "", refused[i].obj[j]);
		jb_lit(&b, refused[i].more ? ", ...)" : ")");
	}
	warn("refused: %s%s", b.s, L.fd >= 0 ? "; see clawshim --last" : "");
	jb_free(&b);
}
