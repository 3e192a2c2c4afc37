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
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
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
	assert_non_null(strstr(got, "$a1.lo32 & 0xffffffff == 21539"));  /* TIOCSETD */
	assert_non_null(strstr(got, "$a1.lo32 & 0xffffffff == 21518"));  /* TIOCSCTTY */
	/* No device nodes, no setuid/setgid file at creation (S_IFCHR,
	 * S_IFBLK; S_ISUID, S_ISGID under O_CREAT); openat2 unreadable. */
	assert_non_null(strstr(got, "# filter for syscall \"mknodat\""));
	assert_non_null(strstr(got, "$a2.lo32 & 0x0000f000 == 8192"));
	assert_non_null(strstr(got, "$a2.lo32 & 0x0000f000 == 24576"));
	assert_non_null(strstr(got, "$a1.lo32 & 0x0000f000 == 8192"));
	assert_non_null(strstr(got, "# filter for syscall \"openat\""));
	assert_non_null(strstr(got, "$a2.lo32 & 0x00000040 == 64"));
	assert_non_null(strstr(got, "$a3.lo32 & 0x00000800 == 2048"));
	assert_non_null(strstr(got, "$a3.lo32 & 0x00000400 == 1024"));
	assert_non_null(strstr(got, "# filter for syscall \"creat\""));
	assert_non_null(strstr(got, "# filter for syscall \"openat2\""));
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
		struct sock_filter *prog;
		size_t len;
		assert_int_equal(seccomp_program(ctx, &p, k->flags, &prog, &len), 0);
		seccomp_release(ctx);
		assert_int_equal(len, pf->len);
		assert_memory_equal(prog, pf->prog, len * sizeof(*prog));
		free(prog);
		/* And the lookup finds it for that key. */
		assert_ptr_equal(prebuilt_find(k->flags | SC_POLICY, &p), pf);
		assert_int_equal(prebuilt_notifies(pf), (k->flags & SC_UNIX) && !(k->flags & SC_NESTED));
	}
}

/* A classic-BPF interpreter for what libseccomp and the prefix emit, so
 * the programs' answers are checked, not only their bytes. */
static uint32_t run(const struct sock_filter *f, size_t len, uint32_t arch, int nr,
		    uint64_t a0, uint64_t a1)
{
	struct seccomp_data d = { .nr = nr, .arch = arch, .args = { a0, a1 } };
	uint32_t A = 0, X = 0, M[16] = { 0 };
	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *i = &f[pc];
		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			memcpy(&A, (const char *)&d + i->k, 4);
			break;
		case BPF_LD | BPF_MEM: A = M[i->k & 15]; break;
		case BPF_LDX | BPF_MEM: X = M[i->k & 15]; break;
		case BPF_ST: M[i->k & 15] = A; break;
		case BPF_STX: M[i->k & 15] = X; break;
		case BPF_ALU | BPF_AND | BPF_K: A &= i->k; break;
		case BPF_MISC | BPF_TAX: X = A; break;
		case BPF_MISC | BPF_TXA: A = X; break;
		case BPF_JMP | BPF_JA: pc += i->k; break;
		case BPF_JMP | BPF_JEQ | BPF_K: pc += A == i->k ? i->jt : i->jf; break;
		case BPF_JMP | BPF_JGT | BPF_K: pc += A > i->k ? i->jt : i->jf; break;
		case BPF_JMP | BPF_JGE | BPF_K: pc += A >= i->k ? i->jt : i->jf; break;
		case BPF_JMP | BPF_JSET | BPF_K: pc += (A & i->k) ? i->jt : i->jf; break;
		case BPF_RET | BPF_K: return i->k;
		default:
			fail_msg("unexpected BPF opcode 0x%x at %zu", i->code, pc);
		}
	}
	fail_msg("fell off the end of the program");
	return 0;
}

/* What the landlock backend's program answers: the prefix's socket and
 * future-number rules, the tty rules, and foreign ABIs. */
static void test_program_answers(void **state)
{
	(void)state;
#ifndef __x86_64__
	skip();
#endif
	struct policy p;
	struct prebuilt_key k = { SC_TTY | SC_SESSION | SC_KERNEL | SC_UNIX | SC_NET, false, false };
	prebuilt_policy(&p, &k);
	const struct prebuilt_filter *pf = prebuilt_find(k.flags, &p);
	assert_non_null(pf);
	const uint32_t X86_64 = 0xc000003e, I386 = 0x40000003;
	const uint32_t ALLOW = SECCOMP_RET_ALLOW, KILL = SECCOMP_RET_KILL_PROCESS;
	const uint32_t EACCES_ = SECCOMP_RET_ERRNO | EACCES, EPERM_ = SECCOMP_RET_ERRNO | EPERM;
	const uint32_t ENOSYS_ = SECCOMP_RET_ERRNO | ENOSYS;
#define ANSWER(nr, a0, a1) run(pf->prog, pf->len, X86_64, (nr), (a0), (a1))
	assert_int_equal(ANSWER(__NR_socket, AF_UNIX, 1), ALLOW);
	assert_int_equal(ANSWER(__NR_socket, AF_INET, 1), EACCES_);
	assert_int_equal(ANSWER(__NR_socket, AF_INET6, 2), EACCES_);
	assert_int_equal(ANSWER(__NR_socket, 40 /* AF_VSOCK */, 1), EACCES_);
	assert_int_equal(ANSWER(__NR_socket, 0x100000000ULL | AF_UNIX, 1), ALLOW);
	assert_int_equal(ANSWER(__NR_socket, 0x100000000ULL | AF_INET, 1), EACCES_);
	assert_int_equal(ANSWER(__NR_socketpair, AF_INET, 1), EACCES_);
	assert_int_equal(ANSWER(__NR_socketpair, AF_UNIX, 1), ALLOW);
	assert_int_equal(ANSWER(470, 0, 0), ENOSYS_);
	assert_int_equal(ANSWER(599, 0, 0), ENOSYS_);
	assert_int_equal(ANSWER(452 /* fchmodat2 */, 0, 0) & SECCOMP_RET_ACTION_FULL, SECCOMP_RET_USER_NOTIF);
	assert_int_equal(ANSWER(__NR_listen, 3, 1) & SECCOMP_RET_ACTION_FULL, SECCOMP_RET_USER_NOTIF);
	assert_int_equal(ANSWER(__NR_getpid, 0, 0), ALLOW);
	assert_int_equal(ANSWER(__NR_ioctl, 0, 0x5412 /* TIOCSTI */), EPERM_);
	assert_int_equal(ANSWER(__NR_ioctl, 0, 0x100005412ULL), EPERM_);
	assert_int_equal(ANSWER(__NR_ioctl, 0, 0x541c /* TIOCLINUX */), EPERM_);
	assert_int_equal(ANSWER(__NR_ioctl, 0, 0x5423 /* TIOCSETD */), EPERM_);
	assert_int_equal(ANSWER(__NR_ioctl, 0, 0x540e /* TIOCSCTTY */), EPERM_);
	assert_int_equal(ANSWER(__NR_ioctl, 0, 0x10000540eULL), EPERM_);
	assert_int_equal(ANSWER(__NR_ioctl, 0, 0x5401 /* TCGETS */), ALLOW);
	assert_int_equal(ANSWER(__NR_setsid, 0, 0), EPERM_);
	assert_int_equal(ANSWER(__NR_keyctl, 0, 0), EPERM_);
	assert_int_equal(ANSWER(0x40000000 | __NR_getpid, 0, 0), KILL); /* x32 */
	assert_int_equal(run(pf->prog, pf->len, I386, 20, 0, 0), KILL);
	assert_int_equal(ANSWER(__NR_connect, 3, 0) & SECCOMP_RET_ACTION_FULL, SECCOMP_RET_USER_NOTIF);
	/* With TCP ports: AF_INET streams pass, UDP does not. */
	k.tcp = true;
	prebuilt_policy(&p, &k);
	pf = prebuilt_find(k.flags, &p);
	assert_non_null(pf);
	assert_int_equal(ANSWER(__NR_socket, AF_INET, SOCK_STREAM), ALLOW);
	assert_int_equal(ANSWER(__NR_socket, AF_INET, SOCK_DGRAM), EACCES_);
	assert_int_equal(ANSWER(__NR_socket, 40, SOCK_STREAM), EACCES_);
#undef ANSWER
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
	assert_non_null(strstr(j, "\"valueTwo\": 21539"));  /* TIOCSETD */
	assert_non_null(strstr(j, "\"valueTwo\": 21518"));  /* TIOCSCTTY */
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

/* The bwrap backend's fixed connect program. */
static void test_connect_program(void **state)
{
	(void)state;
#ifndef __x86_64__
	skip();
#endif
	size_t len;
	const struct sock_filter *f = seccomp_connect_program(&len);
	const uint32_t X86_64 = 0xc000003e, I386 = 0x40000003;
	const uint32_t ALLOW = SECCOMP_RET_ALLOW, KILL = SECCOMP_RET_KILL_PROCESS;
	const uint32_t EACCES_ = SECCOMP_RET_ERRNO | EACCES;
	assert_int_equal(run(f, len, X86_64, __NR_connect, 3, 0), EACCES_);
	assert_int_equal(run(f, len, X86_64, __NR_socket, AF_UNIX, SOCK_STREAM), ALLOW);
	assert_int_equal(run(f, len, X86_64, __NR_socket, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC),
			 ALLOW);
	assert_int_equal(run(f, len, X86_64, __NR_socket, AF_UNIX, SOCK_DGRAM), EACCES_);
	assert_int_equal(run(f, len, X86_64, __NR_socket, AF_UNIX, SOCK_RAW | SOCK_NONBLOCK),
			 EACCES_);
	assert_int_equal(run(f, len, X86_64, __NR_socketpair, AF_UNIX, SOCK_DGRAM), EACCES_);
	assert_int_equal(run(f, len, X86_64, __NR_socketpair, AF_UNIX, SOCK_STREAM), ALLOW);
	/* The family compared on its low 32 bits, as the kernel reads it. */
	assert_int_equal(run(f, len, X86_64, __NR_socket, 0x100000000ull | AF_UNIX, SOCK_DGRAM),
			 EACCES_);
	assert_int_equal(run(f, len, X86_64, __NR_socket, AF_INET, SOCK_DGRAM), ALLOW);
	assert_int_equal(run(f, len, X86_64, __NR_openat, 0, 0), ALLOW);
	assert_int_equal(run(f, len, X86_64, 0x40000000 | __NR_connect, 0, 0), KILL);
	assert_int_equal(run(f, len, I386, 102 /* socketcall */, 3, 0), KILL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_pfc),
		cmocka_unit_test(test_prebuilt_current),
		cmocka_unit_test(test_prebuilt_not_for_policy_lists),
		cmocka_unit_test(test_json_profile),
		cmocka_unit_test(test_program_answers),
		cmocka_unit_test(test_connect_program),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
