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
	{ "read-secret", ST_ESCAPE, "read ~/.ssh/id_rsa", CHK_PROBE,
	  { PROBE, "read", "@SECRET@" } },
	{ "list-ssh", ST_ESCAPE, "list ~/.ssh", CHK_PROBE,
	  { PROBE, "list", "@HOME@/.ssh" } },
	{ "symlink-secret", ST_ESCAPE, "read ~/.ssh/id_rsa through a symlink planted in the workspace",
	  CHK_PROBE, { PROBE, "read", "@WS@/planted-link" } },
	{ "hardlink-secret", ST_ESCAPE, "hardlink ~/.ssh/id_rsa into the workspace", CHK_LINK,
	  { PROBE, "link", "@SECRET@", "@WS@/hardlink" },
	  { PROBE, "link", "@SECRET@", "@HOME@/control-link" } },
	{ "proc-root-secret", ST_ESCAPE, "read ~/.ssh/id_rsa via /proc/self/root", CHK_PROBE,
	  { PROBE, "read", "/proc/self/root@SECRET@" } },
	{ "write-outside", ST_ESCAPE, "append to a file outside the grants", CHK_FILE,
	  { PROBE, "write", "@OFILE@" }, { PROBE, "write", "@OUTSIDE@/control" } },
	{ "create-outside", ST_ESCAPE, "create a file outside the grants", CHK_FILE,
	  { PROBE, "write", "@OUTSIDE@/new" }, { PROBE, "write", "@OUTSIDE@/control" } },
	{ "rename-outside", ST_ESCAPE, "rename a file outside into the workspace", CHK_FILE,
	  { PROBE, "rename", "@OFILE@", "@WS@/stolen" }, { PROBE, "write", "@OUTSIDE@/control" } },
	{ "truncate-outside", ST_ESCAPE, "truncate a file outside the grants", CHK_FILE,
	  { PROBE, "truncate", "@OFILE@" }, { PROBE, "truncate", "@OUTSIDE@/control" } },
	{ "chmod-outside", ST_ESCAPE, "chmod 777 a file outside the grants", CHK_FILE,
	  { PROBE, "chmod", "@OFILE@", "777" }, { PROBE, "chmod", "@OUTSIDE@/control", "644" } },
	{ "git-hooks", ST_ESCAPE, "plant .git/hooks/pre-commit in the workspace (git commit works: see 'git')",
	  CHK_FILE, { PROBE, "write", "@WS@/.git/hooks/pre-commit" }, NOCTL },
	{ "git-config", ST_ESCAPE, "rewrite .git/config in the workspace", CHK_FILE,
	  { PROBE, "write", "@WS@/.git/config" }, NOCTL },

	/* ---- escapes: network ---- */
	{ "tcp-loopback", ST_ESCAPE, "TCP connect to the selftest's 127.0.0.1 listener", CHK_TCP,
	  { PROBE, "tcp", "127.0.0.1", "@PORT@" }, .proves = "the listener accepted no connection" },
	{ "udp-send", ST_ESCAPE, "UDP send to the selftest's 127.0.0.1 socket", CHK_UDP,
	  { PROBE, "udp", "127.0.0.1", "@UPORT@" }, .proves = "no datagram arrived" },
	{ "raw-socket", ST_ESCAPE, "open a raw AF_INET/ICMP socket", CHK_PROBE,
	  { PROBE, "socket", "2", "3", "1" } },
	{ "vsock", ST_ESCAPE, "open an AF_VSOCK socket (the VM host)", CHK_PROBE,
	  { PROBE, "socket", "40", "1", "0" } },
	{ "unix-named", ST_ESCAPE, "connect to a named unix socket outside the workspace", CHK_UNIX,
	  { PROBE, "unix", "@USOCK@" }, .proves = "the listener accepted no connection" },
	{ "unix-abstract", ST_ESCAPE, "connect to an abstract unix socket of the host", CHK_ABSTRACT,
	  { PROBE, "abstract", "@ABS@" }, .proves = "the listener accepted no connection" },

	/* ---- escapes: processes and kernel surface ---- */
	{ "signal-outside", ST_ESCAPE, "kill -TERM a process outside (same user)", CHK_PROBE,
	  { PROBE, "kill", "@PID@", "15" }, { PROBE, "kill", "@PID@", "0" } },
	{ "ptrace-outside", ST_ESCAPE, "ptrace (seize) a process outside (same user)", CHK_PROBE,
	  { PROBE, "ptrace", "@PID@" } },
	{ "mount", ST_ESCAPE, "mount a tmpfs (in a new mount namespace, a new user namespace first when unprivileged)",
	  CHK_PROBE, { PROBE, "mount" } },
	{ "unshare", ST_ESCAPE, "unshare(CLONE_NEWUSER)", CHK_PROBE, { PROBE, "unshare" } },
	{ "setns", ST_ESCAPE, "setns into a user namespace its child made", CHK_PROBE,
	  { PROBE, "setns" } },
	{ "io_uring", ST_ESCAPE, "io_uring_setup", CHK_PROBE, { PROBE, "io_uring" } },
	{ "keyctl", ST_ESCAPE, "keyctl: the session keyring", CHK_PROBE, { PROBE, "keyctl" } },
	{ "bpf", ST_ESCAPE, "bpf: create an array map", CHK_PROBE, { PROBE, "bpf" } },
	{ "perf_event_open", ST_ESCAPE, "perf_event_open: a software clock on itself", CHK_PROBE,
	  { PROBE, "perf" } },
	{ "userfaultfd", ST_ESCAPE, "userfaultfd (user mode only)", CHK_PROBE,
	  { PROBE, "userfaultfd" } },
	{ "tiocsti", ST_ESCAPE, "TIOCSTI on a fresh pty that became its controlling terminal", CHK_TTY,
	  { PROBE, "tiocsti" }, { "setsid", PROBE, "tiocsti" },
	  .proves = "the seccomp filter refuses TIOCSTI where the kernel itself allows it "
		    "(a session leader's own controlling pty); the agent's terminal is never "
		    "the command's controlling terminal (new session)" },
	{ "tiocsti-hi", ST_ESCAPE, "TIOCSTI with high bits set (CVE-2019-10063)", CHK_TTY,
	  { PROBE, "tiocsti-hi" }, { "setsid", PROBE, "tiocsti-hi" },
	  .proves = "the filter compares the low 32 bits of the request" },
	{ "tioclinux", ST_ESCAPE, "TIOCLINUX on its controlling pty", CHK_FILTER,
	  { PROBE, "tioclinux" }, { "setsid", PROBE, "tioclinux" },
	  .proves = "EPERM from the filter before the tty driver answers (unconfined: the driver's error)" },
	{ "tioclinux-hi", ST_ESCAPE, "TIOCLINUX with high bits set", CHK_FILTER,
	  { PROBE, "tioclinux-hi" }, { "setsid", PROBE, "tioclinux-hi" },
	  .proves = "EPERM from the filter, low 32 bits compared" },
	{ "setuid-gain", ST_ESCAPE, "exec a setuid-root copy of the probe: euid or capabilities gained?",
	  CHK_SUID, { "@SUID@", "suid-gain" } },
	{ "fork-bomb", ST_ESCAPE, "fork 500 processes under max_processes = 20", CHK_FORKBOMB,
	  { PROBE, "forkbomb", "500" }, .policy = "[process]\nmax_processes = 20\n",
	  .proves = "fork fails before 500" },

	/* ---- ordinary work ---- */
	{ "compile-c", ST_ORDINARY, "compile and run a C program", CHK_OUTPUT,
	  { "/bin/sh", "-c", "printf '#include <stdio.h>\\nint main(void){puts(\"hello from c\");return 0;}\\n' >hello.c && cc -o hello hello.c && ./hello" },
	  NOCTL, .want = "hello from c\n", .needs = "cc" },
	{ "git", ST_ORDINARY, "git commit in the workspace; git init, add, commit, branch in a new repository",
	  CHK_OUTPUT,
	  { "/bin/sh", "-c", "echo two >b && git add b && git commit -qm two && "
	    "mkdir fresh && cd fresh && git init -q && git config user.email a@example.com && "
	    "git config user.name t && echo x >x && git add x && git commit -qm x && git branch b2 && "
	    "git branch --format='%(refname:short)' | wc -l" },
	  NOCTL, .want = "2\n", .needs = "git" },
	{ "python3", ST_ORDINARY, "python3 -c", CHK_OUTPUT,
	  { "/bin/sh", "-c", "python3 -c 'print(sum(range(10)))'" }, NOCTL, .want = "45\n", .needs = "python3" },
	{ "pipes", ST_ORDINARY, "a pipeline", CHK_OUTPUT,
	  { "/bin/sh", "-c", "printf 'a\\nb\\nc\\n' | grep -v b | wc -l" }, NOCTL, .want = "2\n" },
	{ "tmp", ST_ORDINARY, "write, read and remove a file in /tmp", CHK_OUTPUT,
	  { "/bin/sh", "-c", "f=/tmp/clawshim-selftest.$$ && echo tmp-ok >$f && cat $f && rm $f" },
	  NOCTL, .want = "tmp-ok\n" },
	{ "deep-mkdir", ST_ORDINARY, "mkdir -p 26 levels, write, read, rm -r", CHK_OUTPUT,
	  { "/bin/sh", "-c", "d=a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z && mkdir -p $d && "
	    "echo deep >$d/f && cat $d/f && rm -r a" }, NOCTL, .want = "deep\n" },
	{ "large-argv", ST_ORDINARY, "a 100 KB argument and 5000 arguments arrive whole", CHK_OUTPUT,
	  { "/bin/sh", "-c", "echo ${#1} $#", "sh", "@BIG@", "@MANY@" }, NOCTL, .want = "100000 5001\n" },
	{ "exit-code", ST_ORDINARY, "exit 42 gives 42", CHK_EXIT,
	  { "/bin/sh", "-c", "exit 42" }, NOCTL, .want = "42" },
	{ "stdio", ST_ORDINARY, "read stdin, write stdout", CHK_OUTPUT,
	  { "/bin/sh", "-c", "read l && echo \"got $l\"" }, NOCTL, .want = "got hello\n",
	  .stdin_text = "hello\n" },

	/* ---- process semantics ---- */
	{ "die-with-parent", ST_PROCESS,
	  "the agent (clawshim's parent) SIGKILLed: child, grandchild, double-forked and setsid daemons gone",
	  CHK_DIE_PARENT, { PROBE, "tree", "@MARK@" }, NOCTL },
	{ "clawshim-killed", ST_PROCESS, "clawshim SIGKILLed: the whole tree gone", CHK_DIE_SELF,
	  { PROBE, "tree", "@MARK@" }, NOCTL },
	{ "signal-forward", ST_PROCESS, "SIGTERM to clawshim reaches the command: exit 143", CHK_SIGNAL,
	  { PROBE, "ready-sleep", "600", "@MARK@" }, NOCTL },
	{ "timeout", ST_PROCESS, "--timeout 1 ends the command: exit 124", CHK_TIMEOUT,
	  { PROBE, "ready-sleep", "600", "@MARK@" }, NOCTL },
};

const size_t st_ncorpus = ARRAY_LEN(st_corpus);
