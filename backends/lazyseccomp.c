/* SPDX-License-Identifier: MIT */
/*
 * lazyseccomp.c: libseccomp, loaded when first needed.
 *
 * The common path loads a seccomp program compiled at build time and
 * calls no libseccomp function at all; mapping and relocating the library
 * on every command would cost more than the rest of clawshim's start.
 * Linked into clawshim only (the build tools and the unit tests link
 * libseccomp itself): these definitions forward to the real library,
 * opened with dlopen() the first time one of them is called.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <seccomp.h>

#include "../common.h"

#define LIBSECCOMP "libseccomp.so.2"

static void *sym(const char *name)
{
	static void *lib;
	if (!lib && !(lib = dlopen(LIBSECCOMP, RTLD_NOW | RTLD_LOCAL)))
		die("cannot load %s: %s", LIBSECCOMP, dlerror());
	void *f = dlsym(lib, name);
	if (!f)
		die("%s has no %s", LIBSECCOMP, name);
	return f;
}

/* Each forwarder looks its target up once. */
#define FORWARD(ret, name, params, args)                                  \
	ret name params                                                   \
	{                                                                 \
		static ret(*real) params;                                 \
		if (!real)                                                \
			*(void **)&real = sym(#name);                     \
		return real args;                                         \
	}

FORWARD(scmp_filter_ctx, seccomp_init, (uint32_t def_action), (def_action))
FORWARD(void, seccomp_release, (scmp_filter_ctx ctx), (ctx))
FORWARD(int, seccomp_attr_set, (scmp_filter_ctx ctx, enum scmp_filter_attr attr, uint32_t value),
	(ctx, attr, value))
FORWARD(int, seccomp_load, (const scmp_filter_ctx ctx), (ctx))
FORWARD(int, seccomp_export_bpf, (const scmp_filter_ctx ctx, int fd), (ctx, fd))
FORWARD(int, seccomp_export_pfc, (const scmp_filter_ctx ctx, int fd), (ctx, fd))
FORWARD(int, seccomp_syscall_resolve_name, (const char *name), (name))
FORWARD(char *, seccomp_syscall_resolve_num_arch, (uint32_t arch_token, int num),
	(arch_token, num))
FORWARD(uint32_t, seccomp_arch_native, (void), ())
FORWARD(int, seccomp_rule_add_array, (scmp_filter_ctx ctx, uint32_t action, int syscall,
				      unsigned int arg_cnt, const struct scmp_arg_cmp *arg_array),
	(ctx, action, syscall, arg_cnt, arg_array))
FORWARD(int, seccomp_rule_add_exact_array, (scmp_filter_ctx ctx, uint32_t action, int syscall,
					    unsigned int arg_cnt,
					    const struct scmp_arg_cmp *arg_array),
	(ctx, action, syscall, arg_cnt, arg_array))

/* The variadic forms, through the array forms: collect the comparisons. */
#define COLLECT(arr, n)                                                   \
	struct scmp_arg_cmp arr[6];                                       \
	do {                                                              \
		va_list ap;                                               \
		if ((n) > 6)                                              \
			return -EINVAL;                                   \
		va_start(ap, n);                                          \
		for (unsigned i_ = 0; i_ < (n); i_++)                     \
			arr[i_] = va_arg(ap, struct scmp_arg_cmp);        \
		va_end(ap);                                               \
	} while (0)

int seccomp_rule_add(scmp_filter_ctx ctx, uint32_t action, int syscall, unsigned int arg_cnt, ...)
{
	COLLECT(a, arg_cnt);
	return seccomp_rule_add_array(ctx, action, syscall, arg_cnt, a);
}

int seccomp_rule_add_exact(scmp_filter_ctx ctx, uint32_t action, int syscall,
			   unsigned int arg_cnt, ...)
{
	COLLECT(a, arg_cnt);
	return seccomp_rule_add_exact_array(ctx, action, syscall, arg_cnt, a);
}
