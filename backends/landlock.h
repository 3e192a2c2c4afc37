/* SPDX-License-Identifier: MIT */
/*
 * landlock.h: private to the landlock backend (landlock.c applies,
 * landlock_plan.c computes) and its unit test.
 *
 * Debian 12's <linux/landlock.h> stops at ABI 2: the later constants are
 * defined here, and the attribute structs are our own so that a newer
 * header cannot clash with them.
 */
#ifndef CLAWSHIM_LANDLOCK_H
#define CLAWSHIM_LANDLOCK_H

#include <stdint.h>
#include <linux/landlock.h>

#include "backend.h"

/* ABI 3 (Linux 6.2) */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
/* ABI 4 (Linux 6.7) */
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)
#endif
#ifndef LANDLOCK_ACCESS_NET_CONNECT_TCP
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
#ifndef LANDLOCK_RULE_NET_PORT
#define LANDLOCK_RULE_NET_PORT 2 /* an enum constant in newer headers */
#endif
/* ABI 5 (Linux 6.10) */
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
/* ABI 6 (Linux 6.12) */
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#endif
#ifndef LANDLOCK_SCOPE_SIGNAL
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif

/* The newest ABI we know; a newer kernel is used as this one. */
#define LL_ABI_MAX 7

/* struct landlock_ruleset_attr as of ABI 6; pass ll_attr_size(abi). */
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI >= 4 */
	uint64_t scoped;             /* ABI >= 6 */
};

/* struct landlock_net_port_attribute (ABI 4). */
struct ll_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};

/* Rights of read_only (and what deny_write leaves). */
#define LL_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR | \
		 LANDLOCK_ACCESS_FS_EXECUTE)
/* The only rights a rule on a non-directory may carry (else EINVAL). */
#define LL_FILE (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
		 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | \
		 LANDLOCK_ACCESS_FS_IOCTL_DEV)

/* One path-beneath rule: open(path, O_PATH) gets `access`. */
struct ll_rule {
	char *path;
	uint64_t access;
	bool dir;       /* a directory when planned (else file rights only) */
};

/* One TCP port rule. */
struct ll_port {
	uint64_t port;
	uint64_t access; /* LANDLOCK_ACCESS_NET_* */
};

/* Everything apply() does: one ruleset for files, network and scopes. */
struct ll_rules {
	int abi;                 /* the ABI the ruleset is built for, 1..LL_ABI_MAX */
	uint64_t handled_fs;     /* every fs right this ABI has */
	uint64_t handled_net;    /* 0: TCP not restricted by Landlock */
	uint64_t scoped;         /* LANDLOCK_SCOPE_* */
	struct ll_rule *fs;
	size_t nfs, fscap;
	struct ll_port *net;
	size_t nnet, netcap;
	struct strv strs;        /* strings the plan's guarantees point into */
};

/* Every fs right Landlock ABI `abi` knows (1..LL_ABI_MAX). */
uint64_t ll_fs_rights(int abi);

/* Size of struct ll_ruleset_attr the kernel of ABI `abi` accepts. */
size_t ll_attr_size(int abi);

/*
 * Compute the rules for policy p (paths resolved) on Landlock ABI abi:
 * grants (workspace, read_write, read_only), protections (deny,
 * deny_write, no_exec, policy files) carved out of granted trees by
 * expansion, TCP port rules, scopes. Reads directories (opendir, lstat)
 * but changes nothing. Does not judge whether the ABI is enough; see
 * landlock_plan_build(). 0, or -1 with err set (a directory on the way
 * to a protected path cannot be listed, a granted path vanished).
 */
int landlock_plan_rules(const struct policy *p, int abi, struct ll_rules *out,
			struct policy_error *err);

/* Free what landlock_plan_rules() filled (not r itself). */
void ll_rules_free(struct ll_rules *r);

/*
 * The whole plan for Landlock ABI abi (> LL_ABI_MAX is used as
 * LL_ABI_MAX): rules in out->priv (an ll_rules, freed by out->priv_free),
 * the seccomp flags, one guarantee line per promise. Returns -1 with err
 * set when the policy asks for something this ABI cannot enforce and
 * best_effort is off; with best_effort the guarantee is recorded with
 * why_not instead. No side effects besides reading directories.
 */
int landlock_plan_build(const struct policy *p, int abi, struct plan *out,
			struct policy_error *err);

/*
 * Ask the kernel for its Landlock ABI. Returns the ABI (>= 1), or -1 with
 * a one-line reason in why and what to do in hintbuf (either may be NULL).
 */
int landlock_probe_abi(char *why, size_t whylen, char *hintbuf, size_t hintlen);

#endif
