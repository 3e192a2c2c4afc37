/* SPDX-License-Identifier: MIT */
/*
 * prebuilt.h: seccomp programs compiled at build time (tools/genfilters)
 * for the flag sets the backends use, so the common path loads a filter
 * with one seccomp() call and no libseccomp work.
 */
#ifndef CLAWSHIM_PREBUILT_H
#define CLAWSHIM_PREBUILT_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>

#include "../policy/policy.h"

/* What a filter depends on besides the [seccomp] deny list. */
struct prebuilt_key {
	unsigned flags; /* SC_* without SC_POLICY */
	bool tcp;       /* connect_tcp or bind_tcp listed (SC_NET) */
	bool net_all;   /* allow = all (SC_NESTED) */
};

struct prebuilt_filter {
	size_t variant; /* index in prebuilt_variants */
	const struct sock_filter *prog;
	unsigned short len;
};

extern const struct prebuilt_key prebuilt_variants[];
extern const size_t prebuilt_nvariants;
extern const struct prebuilt_filter prebuilt_filters[];   /* generated */
extern const size_t prebuilt_nfilters;

/* The key for (flags, policy): what selects a prebuilt program. */
struct prebuilt_key prebuilt_key_of(unsigned flags, const struct policy *p);
/* An empty policy with just what the key says (for the generator). */
void prebuilt_policy(struct policy *p, const struct prebuilt_key *k);
/* The prebuilt program for these flags and policy, or NULL when there is
 * none (a [seccomp] deny list, an unusual flag set). */
const struct prebuilt_filter *prebuilt_find(unsigned flags, const struct policy *p);
/* Does the program return SECCOMP_RET_USER_NOTIF anywhere? */
bool prebuilt_notifies(const struct prebuilt_filter *f);

#endif
