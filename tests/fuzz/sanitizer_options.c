/* SPDX-License-Identifier: MIT */
/*
 * sanitizer_options.c: linked into the ASan+UBSan clawshim of
 * `make check-asan` only (not into its unit tests, not into the normal
 * build).  Compiled-in defaults, so they hold however a test starts
 * clawshim; ASAN_OPTIONS and UBSAN_OPTIONS still override them.
 */
#include <fcntl.h>
#include <ucontext.h>
#include <unistd.h>

#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>

const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

/*
 * detect_leaks=0: clawshim frees nothing on the way to execve (STYLE.md),
 *   and LeakSanitizer's exit-time scan would also stop the world of a
 *   process whose vfork-style child and CLONE_VM watcher share its memory.
 *   Leaks are checked where the code frees: the unit tests and the fuzz
 *   targets run with detection on.
 * allocator_may_return_null=1: between spawn and execve the child runs
 *   under the policy's RLIMIT_DATA, which ASan's shadow mappings already
 *   exceed; an allocation failing there then fails like a plain malloc
 *   (clawshim's "out of memory", exit 125) instead of an ASan abort.
 * abort_on_error=0, exitcode=1: a report ends clawshim with status 1,
 *   which no test expects from clawshim itself, so the test fails.
 */
const char *__asan_default_options(void)
{
	return "detect_leaks=0:allocator_may_return_null=1:abort_on_error=0:"
	       "exitcode=1:print_summary=1:strict_string_checks=1";
}

/* Any UBSan finding is fatal (the build uses -fno-sanitize-recover too). */
const char *__ubsan_default_options(void)
{
	return "print_stacktrace=1:halt_on_error=1";
}

/*
 * ASan prints a warning ("ignoring requested __asan_handle_no_return")
 * the first time code on a stack it does not know (the spawn's clone
 * stack) calls a noreturn function, as the child does with _exit() when
 * execve fails.  In the child that warning would land on the command's
 * stderr, and printing it allocates ASan's 64 KiB message buffer with
 * mmap, which the child's RLIMIT_DATA refuses: ASan dies there (status 1
 * instead of 126/127).  So take the warning here, once per process and
 * into /dev/null, by calling the hook on a stack of our own: ASan prints
 * it at most once, and the child shares this memory.
 */
static ucontext_t main_ctx, warm_ctx;

static void take_warning(void)
{
	__asan_handle_no_return();
}

__attribute__((constructor)) static void take_stack_warning_early(void)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null < 0 || getcontext(&warm_ctx) != 0)
		goto out;
	warm_ctx.uc_stack.ss_sp = stack;
	warm_ctx.uc_stack.ss_size = sizeof(stack);
	warm_ctx.uc_link = &main_ctx;
	makecontext(&warm_ctx, take_warning, 0);
	__sanitizer_set_report_fd((void *)(long)null);
	swapcontext(&main_ctx, &warm_ctx);
	__sanitizer_set_report_fd((void *)2L);
out:
	if (null >= 0)
		close(null);
}
