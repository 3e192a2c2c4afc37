/* SPDX-License-Identifier: MIT */
/*
 * corpus.c: the one table of conformance cases.  Every backend runs every
 * case under the same policy (the built-in default, plus a case's own
 * lines); the expected outcome is the same whatever enforces it: an
 * escape is blocked, ordinary work works, process semantics hold.  A case
 * a backend cannot run is "n/a" only when clawshim refuses it up front
 * (its plan, with the refusal's text) or the host itself lacks what the
 * case needs (the control shows it) -- never silently dropped.
 *
 * The world (selftest.c): HOME is a scratch home holding ~/.ssh/id_rsa;
 * the workspace is a scratch git repository; "outside" is a scratch
 * directory every run denies (--deny: the scratch lives under /tmp, which
 * the default grants); the listeners and the helper process are the
 * selftest's own, on loopback and in the scratch directory.
 */
#include "selftest.h"

#define PROBE "@PROBE@"
#define NOCTL { "-" }

const struct st_case st_corpus[] = {
	/* ---- escapes: files ---- */
	{ .name = "read-secret", .cat = ST_ESCAPE, .does = "read ~/.ssh/id_rsa", .check = CHK_PROBE,
	  .argv = { PROBE, "read", "@SECRET@" } },
	{ .name = "list-ssh", .cat = ST_ESCAPE, .does = "list ~/.ssh", .check = CHK_LIST,
	  .argv = { PROBE, "count", "@HOME@/.ssh" },
	  .proves = "listing fails, or shows an empty directory masking it" },
	{ .name = "symlink-secret", .cat = ST_ESCAPE, .does = "read ~/.ssh/id_rsa through a symlink planted in the workspace",
	  .check = CHK_PROBE, .argv = { PROBE, "read", "@WS@/planted-link" } },
	{ .name = "hardlink-secret", .cat = ST_ESCAPE, .does = "hardlink ~/.ssh/id_rsa into the workspace", .check = CHK_LINK,
	  .argv = { PROBE, "link", "@SECRET@", "@WS@/hardlink" },
	  .ctl = { PROBE, "link", "@SECRET@", "@HOME@/control-link" } },
	{ .name = "proc-root-secret", .cat = ST_ESCAPE, .does = "read ~/.ssh/id_rsa via /proc/self/root", .check = CHK_PROBE,
	  .argv = { PROBE, "read", "/proc/self/root@SECRET@" } },
	{ .name = "write-outside", .cat = ST_ESCAPE, .does = "append to a file outside the grants", .check = CHK_FILE,
	  .argv = { PROBE, "write", "@OFILE@" } },
	{ .name = "create-outside", .cat = ST_ESCAPE, .does = "create a file outside the grants", .check = CHK_FILE,
	  .argv = { PROBE, "write", "@OUTSIDE@/new" } },
	{ .name = "rename-outside", .cat = ST_ESCAPE, .does = "rename a file outside into the workspace", .check = CHK_FILE,
	  .argv = { PROBE, "rename", "@OFILE@", "@WS@/stolen" } },
	{ .name = "truncate-outside", .cat = ST_ESCAPE, .does = "truncate a file outside the grants", .check = CHK_FILE,
	  .argv = { PROBE, "truncate", "@OFILE@" } },
	{ .name = "chmod-outside", .cat = ST_ESCAPE, .does = "chmod 777 a file outside the grants", .check = CHK_FILE,
	  .argv = { PROBE, "chmod", "@OFILE@", "777" } },
	{ .name = "git-hooks", .cat = ST_ESCAPE, .does = "plant .git/hooks/pre-commit in the workspace (git commit works: see 'git')",
	  .check = CHK_FILE, .argv = { PROBE, "write", "@WS@/.git/hooks/pre-commit" }, .ctl = NOCTL },
	{ .name = "git-config", .cat = ST_ESCAPE, .does = "rewrite .git/config in the workspace", .check = CHK_FILE,
	  .argv = { PROBE, "write", "@WS@/.git/config" }, .ctl = NOCTL },

	/* ---- escapes: network ---- */
	{ .name = "tcp-loopback", .cat = ST_ESCAPE, .does = "TCP connect to the selftest's 127.0.0.1 listener", .check = CHK_TCP,
	  .argv = { PROBE, "tcp", "127.0.0.1", "@PORT@" }, .proves = "the listener accepted no connection" },
	{ .name = "udp-send", .cat = ST_ESCAPE, .does = "UDP send to the selftest's 127.0.0.1 socket", .check = CHK_UDP,
	  .argv = { PROBE, "udp", "127.0.0.1", "@UPORT@" }, .proves = "no datagram arrived" },
	{ .name = "raw-socket", .cat = ST_ESCAPE, .does = "open a raw AF_INET/ICMP socket", .check = CHK_PROBE,
	  .argv = { PROBE, "socket", "2", "3", "1" } },
	{ .name = "vsock", .cat = ST_ESCAPE, .does = "open an AF_VSOCK socket (the VM host)", .check = CHK_PROBE,
	  .argv = { PROBE, "socket", "40", "1", "0" } },
	{ .name = "unix-named", .cat = ST_ESCAPE, .does = "connect to a named unix socket outside the workspace", .check = CHK_UNIX,
	  .argv = { PROBE, "unix", "@USOCK@" }, .proves = "the listener accepted no connection" },
	{ .name = "unix-abstract", .cat = ST_ESCAPE, .does = "connect to an abstract unix socket of the host", .check = CHK_ABSTRACT,
	  .argv = { PROBE, "abstract", "@ABS@" }, .proves = "the listener accepted no connection" },

	/* ---- escapes: processes and kernel surface ---- */
	{ .name = "signal-outside", .cat = ST_ESCAPE, .does = "kill -TERM a process outside (same user)", .check = CHK_PROBE,
	  .argv = { PROBE, "kill", "@PID@", "15" }, .ctl = { PROBE, "kill", "@PID@", "0" } },
	{ .name = "ptrace-outside", .cat = ST_ESCAPE, .does = "ptrace (seize) a process outside (same user)", .check = CHK_PROBE,
	  .argv = { PROBE, "ptrace", "@PID@" } },
	{ .name = "mount", .cat = ST_ESCAPE, .does = "mount a tmpfs (in a new mount namespace, a new user namespace first when unprivileged)",
	  .check = CHK_PROBE, .argv = { PROBE, "mount" } },
	{ .name = "unshare", .cat = ST_ESCAPE, .does = "unshare(CLONE_NEWUSER)", .check = CHK_PROBE, .argv = { PROBE, "unshare" } },
	{ .name = "setns", .cat = ST_ESCAPE, .does = "setns into a user namespace its child made", .check = CHK_PROBE,
	  .argv = { PROBE, "setns" } },
	{ .name = "io_uring", .cat = ST_ESCAPE, .does = "io_uring_setup", .check = CHK_PROBE, .argv = { PROBE, "io_uring" } },
	{ .name = "keyctl", .cat = ST_ESCAPE, .does = "keyctl: the session keyring", .check = CHK_PROBE, .argv = { PROBE, "keyctl" } },
	{ .name = "bpf", .cat = ST_ESCAPE, .does = "bpf: create an array map", .check = CHK_PROBE, .argv = { PROBE, "bpf" } },
	{ .name = "perf_event_open", .cat = ST_ESCAPE, .does = "perf_event_open: a software clock on itself", .check = CHK_PROBE,
	  .argv = { PROBE, "perf" } },
	{ .name = "userfaultfd", .cat = ST_ESCAPE, .does = "userfaultfd (user mode only)", .check = CHK_PROBE,
	  .argv = { PROBE, "userfaultfd" } },
	{ .name = "tiocsti", .cat = ST_ESCAPE, .does = "TIOCSTI on a fresh pty that became its controlling terminal", .check = CHK_TTY,
	  .argv = { PROBE, "tiocsti" }, .ctl = { "setsid", PROBE, "tiocsti" },
	  .proves = "the seccomp filter refuses TIOCSTI where the kernel itself allows it "
		    "(a session leader's own controlling pty); the agent's terminal is never "
		    "the command's controlling terminal (new session)" },
	{ .name = "tiocsti-hi", .cat = ST_ESCAPE, .does = "TIOCSTI with high bits set (CVE-2019-10063)", .check = CHK_TTY,
	  .argv = { PROBE, "tiocsti-hi" }, .ctl = { "setsid", PROBE, "tiocsti-hi" },
	  .proves = "the filter compares the low 32 bits of the request" },
	{ .name = "tioclinux", .cat = ST_ESCAPE, .does = "TIOCLINUX on its controlling pty", .check = CHK_FILTER,
	  .argv = { PROBE, "tioclinux" }, .ctl = { "setsid", PROBE, "tioclinux" },
	  .proves = "EPERM from the filter before the tty driver answers (unconfined: the driver's error)" },
	{ .name = "tioclinux-hi", .cat = ST_ESCAPE, .does = "TIOCLINUX with high bits set", .check = CHK_FILTER,
	  .argv = { PROBE, "tioclinux-hi" }, .ctl = { "setsid", PROBE, "tioclinux-hi" },
	  .proves = "EPERM from the filter, low 32 bits compared" },
	{ .name = "setuid-gain", .cat = ST_ESCAPE, .does = "exec a setuid-root copy of the probe: euid or capabilities gained?",
	  .check = CHK_SUID, .argv = { "@SUID@", "suid-gain" } },
	{ .name = "fork-bomb", .cat = ST_ESCAPE, .does = "fork 500 processes under max_processes = 20 (plus the user's own, but for root)", .check = CHK_FORKBOMB,
	  .argv = { PROBE, "forkbomb", "500" }, .ctl = NOCTL,
	  /* For a user other than root the kernel's RLIMIT_NPROC counts
	   * all of the user's processes, so 20 is added to those it has. */
	  .policy = "[process]\nmax_processes = @NPROC+20@\n",
	  .proves = "fork fails before 500" },

	/* ---- ordinary work ---- */
	{ .name = "compile-c", .cat = ST_ORDINARY, .does = "compile and run a C program", .check = CHK_OUTPUT,
	  .argv = { "/bin/sh", "-c", "printf '#include <stdio.h>\\nint main(void){puts(\"hello from c\");return 0;}\\n' >hello.c && cc -o hello hello.c && ./hello" },
	  .ctl = NOCTL, .want = "hello from c\n", .needs = "cc" },
	{ .name = "git", .cat = ST_ORDINARY, .does = "git commit in the workspace; git init, add, commit, branch in a new repository",
	  .check = CHK_OUTPUT,
	  .argv = { "/bin/sh", "-c", "echo $$ >>b && git add b && git commit -qm two && "
	    "rm -rf fresh && mkdir fresh && cd fresh && git init -q && git config user.email a@example.com && "
	    "git config user.name t && echo x >x && git add x && git commit -qm x && git branch b2 && "
	    "git branch --format='%(refname:short)' | wc -l" },
	  .ctl = NOCTL, .want = "2\n", .needs = "git" },
	{ .name = "python3", .cat = ST_ORDINARY, .does = "python3 -c", .check = CHK_OUTPUT,
	  .argv = { "/bin/sh", "-c", "python3 -c 'print(sum(range(10)))'" }, .ctl = NOCTL, .want = "45\n", .needs = "python3" },
	{ .name = "pipes", .cat = ST_ORDINARY, .does = "a pipeline", .check = CHK_OUTPUT,
	  .argv = { "/bin/sh", "-c", "printf 'a\\nb\\nc\\n' | grep -v b | wc -l" }, .ctl = NOCTL, .want = "2\n" },
	{ .name = "tmp", .cat = ST_ORDINARY, .does = "write, read and remove a file in /tmp", .check = CHK_OUTPUT,
	  .argv = { "/bin/sh", "-c", "f=/tmp/clawshim-selftest.$$ && echo tmp-ok >$f && cat $f && rm $f" },
	  .ctl = NOCTL, .want = "tmp-ok\n" },
	{ .name = "deep-mkdir", .cat = ST_ORDINARY, .does = "mkdir -p 26 levels, write, read, rm -r", .check = CHK_OUTPUT,
	  .argv = { "/bin/sh", "-c", "d=deep/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z && mkdir -p $d && "
	    "echo deep >$d/f && cat $d/f && rm -r deep" }, .ctl = NOCTL, .want = "deep\n" },
	{ .name = "large-argv", .cat = ST_ORDINARY, .does = "a 100 KB argument and 5000 arguments arrive whole", .check = CHK_OUTPUT,
	  .argv = { "/bin/sh", "-c", "echo ${#1} $#", "sh", "@BIG@", "@MANY@" }, .ctl = NOCTL, .want = "100000 5001\n" },
	{ .name = "exit-code", .cat = ST_ORDINARY, .does = "exit 42 gives 42", .check = CHK_EXIT,
	  .argv = { "/bin/sh", "-c", "exit 42" }, .ctl = NOCTL, .want = "42" },
	{ .name = "stdio", .cat = ST_ORDINARY, .does = "read stdin, write stdout", .check = CHK_OUTPUT,
	  .argv = { "/bin/sh", "-c", "read l && echo \"got $l\"" }, .ctl = NOCTL, .want = "got hello\n",
	  .stdin_text = "hello\n" },

	/* ---- process semantics ---- */
	{ .name = "die-with-parent", .cat = ST_PROCESS,
	  .does = "the agent (clawshim's parent) SIGKILLed: child, grandchild, double-forked and setsid daemons gone",
	  .check = CHK_DIE_PARENT, .argv = { PROBE, "tree", "@MARK@" }, .ctl = NOCTL },
	{ .name = "clawshim-killed", .cat = ST_PROCESS, .does = "clawshim SIGKILLed: the whole tree gone", .check = CHK_DIE_SELF,
	  .argv = { PROBE, "tree", "@MARK@" }, .ctl = NOCTL },
	{ .name = "signal-forward", .cat = ST_PROCESS, .does = "SIGTERM to clawshim reaches the command: exit 143", .check = CHK_SIGNAL,
	  .argv = { PROBE, "ready-sleep", "600", "@MARK@" }, .ctl = NOCTL },
	{ .name = "timeout", .cat = ST_PROCESS, .does = "--timeout 1 ends the command: exit 124", .check = CHK_TIMEOUT,
	  .argv = { PROBE, "ready-sleep", "600", "@MARK@" }, .ctl = NOCTL },
};

const size_t st_ncorpus = ARRAY_LEN(st_corpus);
