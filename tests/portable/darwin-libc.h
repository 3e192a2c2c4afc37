/* SPDX-License-Identifier: MIT */
/*
 * darwin-libc.h: forced into every file of `make OS=Darwin` by
 * tests/90-portable.t, so that glibc, in its POSIX + XSI + BSD mode
 * (-D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE, with
 * __linux__ undefined), stands in for macOS's libc:
 *
 *  - what macOS declares but glibc keeps for _GNU_SOURCE is declared here
 *    (vasprintf, asprintf, FNM_CASEFOLD: glibc has them, macOS too);
 *  - what Linux has and macOS does not, yet glibc shows outside
 *    _GNU_SOURCE, is poisoned: using it is a compile error.
 *
 * The system headers come first: poisoning applies from here on, to the
 * sources, whose own #includes of these headers are then no-ops.  Linux
 * only headers (sys/prctl.h, linux/...) fail in include/, which the test
 * puts first on the include path.
 */
#pragma GCC system_header
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <fcntl.h>
#include <signal.h>
#include <poll.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <pwd.h>
#include <time.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/time.h>
#include <sys/resource.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/ioctl.h>
#include <sched.h>

int vasprintf(char **strp, const char *fmt, va_list ap);
int asprintf(char **strp, const char *fmt, ...);
#ifndef FNM_CASEFOLD
#define FNM_CASEFOLD (1 << 4) /* glibc's value, honoured by its fnmatch() */
#endif

/* Linux (or glibc) only; macOS has none of these. */
#pragma GCC poison pipe2 dup3 accept4 ppoll epoll_create epoll_create1 epoll_wait
#pragma GCC poison signalfd timerfd_create timerfd_settime eventfd inotify_init1
#pragma GCC poison prctl memfd_create getauxval getrandom close_range clone unshare setns
#pragma GCC poison program_invocation_name program_invocation_short_name
#pragma GCC poison strchrnul mempcpy rawmemchr canonicalize_file_name get_current_dir_name
#pragma GCC poison secure_getenv euidaccess getresuid getresgid setresuid setresgid
#pragma GCC poison sigtimedwait sigwaitinfo clock_nanosleep timer_create sem_timedwait
#pragma GCC poison posix_fallocate fdatasync syscall getdents64 dirent64 sendfile splice
#pragma GCC poison SOCK_CLOEXEC SOCK_NONBLOCK MAP_STACK MAP_POPULATE MAP_NORESERVE
#pragma GCC poison O_PATH O_TMPFILE O_DIRECT O_NOATIME O_LARGEFILE
#pragma GCC poison CLONE_VM CLONE_NEWNS CLONE_NEWUSER AF_NETLINK AF_PACKET
