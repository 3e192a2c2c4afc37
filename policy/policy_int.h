/* SPDX-License-Identifier: MIT */
/*
 * policy_int.h: what the policy/ files share and nobody else uses: the key
 * table, list and layer helpers, error formatting, "did you mean".
 */
#ifndef CLAWSHIM_POLICY_INT_H
#define CLAWSHIM_POLICY_INT_H

#include "policy.h"

/* The longest line inih reads whole: its 200-byte buffer minus "\r\n\0". */
#define POLICY_INI_BUF 200
#define POLICY_MAX_LINE (POLICY_INI_BUF - 3)
#define POLICY_MAX_FILE (1024 * 1024)

enum ktype {
	K_VERSION,     /* integer, must be 1 */
	K_BACKEND,     /* enum backend_id */
	K_BOOL,
	K_SECONDS,     /* integer >= 0 */
	K_POSINT,      /* integer >= 1 */
	K_PATH,        /* scalar path (shell, workspace) */
	K_STR,         /* scalar string without blanks (docker image) */
	K_ENGINE,      /* docker | podman */
	K_NETALLOW,    /* none | all, into a pol_bool */
	K_LIMIT_COUNT, /* integer >= 1 or unlimited */
	K_LIMIT_SIZE,  /* size with K/M/G/T suffix or unlimited */
	K_LIMIT_SECS,  /* seconds >= 1 or unlimited */
	K_PATHLIST,
	K_PORTLIST,
	K_CAPLIST,
	K_PATTERNLIST, /* environment name patterns */
	K_ENVSET,      /* one NAME=VALUE per line, not comma-split */
	K_SYSCALLLIST,
};

/* What a TRUST_TIGHTEN_ONLY layer may do with a key. */
enum ktrust {
	KT_NEVER,   /* any use widens access */
	KT_ADD,     /* a list the layer may add to (but not reset) */
	KT_COMPARE, /* a scalar allowed when no wider than the current value */
	KT_ON,      /* a switch the layer may turn on only ([log] enabled) */
};

struct keydef {
	const char *section;
	const char *name;
	enum ktype type;
	enum ktrust trust;
	size_t off; /* offset of the pol_* member in struct policy */
};

extern const struct keydef policy_keys[];
extern const size_t policy_nkeys;
extern const char *const policy_sections[];
extern const size_t policy_nsections;

/* Member of struct policy at k->off, typed. */
#define KEY_MEMBER(p, k, type) ((type *)(void *)((char *)(p) + (k)->off))
#define KEY_CMEMBER(p, k, type) ((const type *)(const void *)((const char *)(p) + (k)->off))

/* Fill err with "layer:line: msg" ("layer: msg" when line is 0) and hint
 * (may be NULL). Always returns -1. */
__attribute__((format(printf, 5, 6)))
int pol_err(struct policy_error *err, const char *layer, unsigned line,
	    const char *hint, const char *fmt, ...);
/* Set the hint of err (printf style). */
__attribute__((format(printf, 2, 3)))
void pol_hint(struct policy_error *err, const char *fmt, ...);

/* The nearest of n candidates (Levenshtein distance <= 2, less for very
 * short words), or NULL. */
const char *pol_suggest(const char *word, const char *const *cands, size_t n);

/* Is `name` a system call clawshim can name in a filter here?  0; else -1
 * with the reason in msg and a suggestion (or "") in hint.  Linux asks
 * libseccomp (syscalls_linux.c); a build without it refuses every name
 * (syscalls_posix.c), since an unchecked typo would deny nothing. */
int pol_syscall_check(const char *name, char *msg, size_t msglen, char *hint, size_t hintlen);

/* Intern a layer name: the returned string lives as long as p. */
const char *pol_layer(struct policy *p, const char *name);

/* Append an item (raw taken over) to a list, or empty a list. */
struct pol_item *pol_list_push(struct pol_list *l, char *raw, struct origin from);
void pol_list_clear(struct pol_list *l);

/* The capability names, index = capability number. */
extern const char *const policy_caps[];
extern const size_t policy_ncaps;

/* Parse INI text (len bytes, may hold NULs, which are refused) as a layer. */
int pol_parse(struct policy *p, const char *text, size_t len, const char *layer,
	      enum trust trust, struct policy_error *err);

#endif
