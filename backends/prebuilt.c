/* SPDX-License-Identifier: MIT */
/* prebuilt.c: the flag sets compiled at build time, and their lookup. */
#include "prebuilt.h"

#include <linux/seccomp.h>
#include <string.h>

#include "seccomp.h"

#define LANDLOCK_SC (SC_TTY | SC_SESSION | SC_KERNEL | SC_UNIX)
#define BWRAP_SC (SC_TTY | SC_KERNEL)

/* The flag sets the backends ask for (see each plan()), SC_POLICY aside. */
const struct prebuilt_key prebuilt_variants[] = {
	{ SC_TTY | SC_SESSION, false, false },                      /* none, path */
	{ SC_TTY | SC_SESSION | SC_NESTED, false, false },
	{ LANDLOCK_SC | SC_NET, false, false },                      /* landlock */
	{ LANDLOCK_SC | SC_NET, true, false },
	{ LANDLOCK_SC, false, false },                              /* allow = all */
	{ LANDLOCK_SC | SC_NET | SC_NESTED, false, false },
	{ LANDLOCK_SC | SC_NET | SC_NESTED, true, false },
	{ LANDLOCK_SC | SC_NESTED, false, true },
	{ BWRAP_SC | SC_NET, false, false },                         /* bwrap */
	{ BWRAP_SC, false, false },
	{ SC_TTY | SC_NOSUID, false, false },                       /* firejail, root */
};
const size_t prebuilt_nvariants = sizeof(prebuilt_variants) / sizeof(prebuilt_variants[0]);

struct prebuilt_key prebuilt_key_of(unsigned flags, const struct policy *p)
{
	struct prebuilt_key k = { flags & ~(unsigned)SC_POLICY, false, false };
	/* Only what changes the program counts: TCP ports under SC_NET, and
	 * allow = all where the nested rules look at it. */
	if (flags & SC_NET)
		k.tcp = policy_tcp_sockets(p);
	if ((flags & SC_UNIX) && (flags & SC_NESTED))
		k.net_all = p->net_all.val;
	return k;
}

void prebuilt_policy(struct policy *p, const struct prebuilt_key *k)
{
	static struct pol_item port = { .raw = (char *)"443", .num = 443 };
	policy_init_empty(p);
	p->net_all.val = k->net_all;
	if (k->tcp) {
		p->connect_tcp.v = &port;
		p->connect_tcp.n = 1;
	}
}

#ifndef GENFILTERS /* the generator has no programs yet */
const struct prebuilt_filter *prebuilt_find(unsigned flags, const struct policy *p)
{
	if ((flags & SC_POLICY) && p->seccomp_deny.n)
		return NULL;
	struct prebuilt_key k = prebuilt_key_of(flags, p);
	for (size_t i = 0; i < prebuilt_nfilters; i++) {
		const struct prebuilt_key *v = &prebuilt_variants[prebuilt_filters[i].variant];
		if (v->flags == k.flags && v->tcp == k.tcp && v->net_all == k.net_all)
			return &prebuilt_filters[i];
	}
	return NULL;
}

bool prebuilt_notifies(const struct prebuilt_filter *f)
{
	return seccomp_program_notifies(f->prog, f->len);
}
#endif
