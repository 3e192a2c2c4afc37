/* SPDX-License-Identifier: MIT */
/*
 * test_seccomp: the filter builder against a golden seccomp_export_pfc()
 * dump (x86_64), and the programs compiled at build time against what
 * libseccomp builds now from the same source.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../backends/prebuilt.h"
#include "../../backends/seccomp.h"
#include "../../common.h"

#ifndef GOLDEN_DIR
#define GOLDEN_DIR "tests/unit/golden"
#endif

static char *slurp_fd(int fd, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = xmalloc(cap + 1);
	ssize_t r;
	lseek(fd, 0, SEEK_SET);
	while ((r = read(fd, buf + n, cap - n)) > 0) {
		n += (size_t)r;
		if (n == cap)
			buf = xrealloc(buf, (cap *= 2) + 1);
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The landlock backend's default filter, as libseccomp's PFC text. */
static void test_golden_pfc(void **state)
{
	(void)state;
#ifndef __x86_64__
	skip();
#endif
	struct policy p;
	struct policy_error err;
	struct prebuilt_key k = { SC_TTY | SC_SESSION | SC_KERNEL | SC_UNIX | SC_NET, false, false };
	prebuilt_policy(&p, &k);
	scmp_filter_ctx ctx = seccomp_build(&p, k.flags | SC_POLICY, &err);
	assert_non_null(ctx);
	int fd = memfd_create("pfc", 0);
	assert_int_equal(seccomp_export_pfc(ctx, fd), 0);
	size_t len, glen;
	char *got = slurp_fd(fd, &len);
	close(fd);
	seccomp_release(ctx);

	const char *path = getenv("CLAWSHIM_GOLDEN_UPDATE");
	if (path) {
		/* Regenerate: CLAWSHIM_GOLDEN_UPDATE=1 tests/unit/test_seccomp */
		FILE *f = fopen(GOLDEN_DIR "/landlock.pfc", "w");
		assert_non_null(f);
		fwrite(got, 1, len, f);
		fclose(f);
	}
	FILE *f = fopen(GOLDEN_DIR "/landlock.pfc", "r");
	assert_non_null(f);
	char *want = slurp_fd(fileno(f), &glen);
	fclose(f);
	assert_string_equal(got, want);
	/* The properties the golden file must keep, named so a careless
	 * regeneration cannot drop them silently. */
	assert_non_null(strstr(got, "# filter for syscall \"ioctl\""));
	assert_non_null(strstr(got, "$a1.lo32 & 0xffffffff == 21522"));  /* TIOCSTI, low 32 bits */
	assert_non_null(strstr(got, "$a1.lo32 & 0xffffffff == 21532"));  /* TIOCLINUX */
	assert_non_null(strstr(got, "# filter for syscall \"setsid\""));
	assert_non_null(strstr(got, "# filter for syscall \"ptrace\""));
	assert_non_null(strstr(got, "# filter for syscall \"keyctl\""));
	assert_non_null(strstr(got, "# filter for syscall \"clone3\""));
	assert_non_null(strstr(got, "action KILL_PROCESS"));         /* foreign arches */
	free(got);
	free(want);
}

/* Every program compiled at build time equals today's libseccomp build. */
static void test_prebuilt_current(void **state)
{
	(void)state;
	assert_int_equal(prebuilt_nfilters, prebuilt_nvariants);
	for (size_t i = 0; i < prebuilt_nfilters; i++) {
		const struct prebuilt_filter *pf = &prebuilt_filters[i];
		const struct prebuilt_key *k = &prebuilt_variants[pf->variant];
		struct policy p;
		struct policy_error err;
		prebuilt_policy(&p, k);
		scmp_filter_ctx ctx = seccomp_build(&p, k->flags, &err);
		assert_non_null(ctx);
		int fd = seccomp_export_memfd(ctx);
		assert_true(fd >= 0);
		size_t len;
		char *bpf = slurp_fd(fd, &len);
		close(fd);
		seccomp_release(ctx);
		assert_int_equal(len, (size_t)pf->len * sizeof(struct sock_filter));
		assert_memory_equal(bpf, pf->prog, len);
		free(bpf);
		/* And the lookup finds it for that key. */
		assert_ptr_equal(prebuilt_find(k->flags | SC_POLICY, &p), pf);
		assert_int_equal(prebuilt_notifies(pf), (k->flags & SC_UNIX) && !(k->flags & SC_NESTED));
	}
}

/* A policy with its own [seccomp] deny list is built at run time. */
static void test_prebuilt_not_for_policy_lists(void **state)
{
	(void)state;
	struct policy p;
	struct prebuilt_key k = { SC_TTY | SC_SESSION, false, false };
	prebuilt_policy(&p, &k);
	struct pol_item it = { .raw = (char *)"uname" };
	p.seccomp_deny.v = &it;
	p.seccomp_deny.n = 1;
	assert_null(prebuilt_find(SC_TTY | SC_SESSION | SC_POLICY, &p));
	assert_non_null(prebuilt_find(SC_TTY | SC_SESSION, &p));
}

/* The container profile refuses what the in-process filter refuses. */
static void test_json_profile(void **state)
{
	(void)state;
	struct policy p;
	struct prebuilt_key k = { SC_TTY | SC_KERNEL | SC_NET, false, false };
	prebuilt_policy(&p, &k);
	char *j = seccomp_json(&p, k.flags | SC_POLICY);
	assert_non_null(strstr(j, "\"defaultAction\": \"SCMP_ACT_ALLOW\""));
	/* TIOCSTI (0x5412) and TIOCLINUX (0x541c) by the low 32 bits. */
	assert_non_null(strstr(j, "{\"names\": [\"ioctl\"], \"action\": \"SCMP_ACT_ERRNO\", "
				 "\"errnoRet\": 1, \"args\": [{\"index\": 1, \"value\": 4294967295, "
				 "\"valueTwo\": 21522, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}"));
	assert_non_null(strstr(j, "\"valueTwo\": 21532"));
	/* AF_VSOCK (40) and AF_INET (2) refused without network; AF_UNIX not. */
	assert_non_null(strstr(j, "{\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ERRNO\", "
				 "\"errnoRet\": 13, \"args\": [{\"index\": 0, \"value\": 4294967295, "
				 "\"valueTwo\": 40, "));
	assert_non_null(strstr(j, "\"valueTwo\": 2, "));
	assert_null(strstr(j, "\"valueTwo\": 1, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}"));
	assert_non_null(strstr(j, "\"io_uring_setup\""));
	assert_non_null(strstr(j, "\"keyctl\""));
	assert_non_null(strstr(j, "{\"names\": [\"clone3\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38}"));
	free(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_pfc),
		cmocka_unit_test(test_prebuilt_current),
		cmocka_unit_test(test_prebuilt_not_for_policy_lists),
		cmocka_unit_test(test_json_profile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
