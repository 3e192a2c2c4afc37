/* SPDX-License-Identifier: MIT */
/* common.h: error reporting and small allocation helpers shared by all of clawshim. */
#ifndef CLAWSHIM_COMMON_H
#define CLAWSHIM_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <sys/types.h>

#define EXIT_SETUP 125  /* clawshim could not set up: nothing ran */
#define EXIT_TIMEOUT 124
#define EXIT_NOEXEC 126
#define EXIT_NOTFOUND 127

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Print "clawshim: msg" on stderr and exit 125. */
__attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...);
/* Like die(), with ": strerror(errno)" appended. */
__attribute__((noreturn, format(printf, 1, 2))) void die_errno(const char *fmt, ...);
/* True in the vfork-style child: die() then uses _exit(). */
extern bool die_in_child;

/* Print "clawshim: msg" on stderr and go on. */
__attribute__((format(printf, 1, 2))) void warn(const char *fmt, ...);
/* Print "clawshim: hint: msg" on stderr. */
__attribute__((format(printf, 1, 2))) void hint(const char *fmt, ...);

/* Allocation that cannot fail: out of memory is a setup failure (exit 125). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
__attribute__((format(printf, 1, 2))) char *xasprintf(const char *fmt, ...);

/* The integer at the start of a small file (a sysctl), or `dflt`. */
long read_long_file(const char *path, long dflt);
/* Process `pid`'s command name (/proc/PID/comm) in out, "" if unknown. */
void proc_comm(pid_t pid, char *out, size_t cap);
/* Is `path` equal to `root` or below it, by whole components (both
 * absolute and canonical)? */
bool path_inside(const char *path, const char *root);

/* A growable, NULL-terminated array of owned strings (an argv or envp). */
struct strv {
	char **v;
	size_t n, cap;
};
void strv_push(struct strv *sv, char *s);      /* takes ownership of s */
void strv_pushf(struct strv *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strv_free(struct strv *sv);

#endif
