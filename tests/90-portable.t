#!/bin/sh
# SPDX-License-Identifier: MIT
# 90-portable.t: the macOS build, checked on Linux.  A copy of the tree is
# built with `make OS=Darwin` (the portable source set, no libseccomp)
# under flags that make glibc stand in for macOS's libc: __linux__
# undefined, POSIX + XSI + BSD only, Linux-only headers and calls made
# compile errors (tests/portable/), warnings as errors.  The binary then
# runs black-box checks of the portable supervisor: exit status, signal
# forwarding, timeout, leftovers, die-with-parent, the guarantees
# --explain claims, and auto refusing when nothing kernel-enforced runs.
# What only a Mac can show (sandbox-exec itself, kqueue, sysctl) is not
# tested here.
. "$(dirname "$0")/lib.sh"

CC=${CC:-cc}
if ! command -v "$CC" >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1; then
	skip "no C compiler or make: cannot build the portable source set"
	done_testing
fi

P=$TOP/tests/portable
STRICT="-I$P/include -include $P/darwin-libc.h -U__linux__ -U__linux -Ulinux -U__gnu_linux__ \
-D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE"

# ------------------------------------------------ the flags catch GNU-isms
# Each of these compiles on Linux with _GNU_SOURCE and must not here, or
# the build below would prove nothing.
strict_cc() {   # strict_cc C-TEXT: compile it as the portable build does
	printf '%s\n' "$1" >"$SCRATCH/probe.c"
	# shellcheck disable=SC2086
	$CC -std=gnu11 -Wall -Werror -D_DARWIN_C_SOURCE $STRICT -c -o "$SCRATCH/probe.o" \
		"$SCRATCH/probe.c" >"$SCRATCH/cc.err" 2>&1
}
strict_cc '#include <unistd.h>
int f(void); int f(void) { return getpid() > 0; }'
ok $? "the strict flags compile plain POSIX code"
strict_cc '#include <stdio.h>
#include <stdarg.h>
int f(const char *s, ...); int f(const char *s, ...) { char *o; va_list a; va_start(a, s);
int r = vasprintf(&o, s, a); va_end(a); return r; }'
ok $? "they declare what macOS has and glibc hides (vasprintf)"
strict_cc '#if defined(__linux__) || defined(__gnu_linux__) || defined(_GNU_SOURCE)
#error a Linux macro is defined
#endif'
ok $? "__linux__ is not defined: the sources take their non-Linux branches"
for bad in 'int f(int *p); int f(int *p) { return pipe2(p, 0); }' \
	   'const char *f(const char *s); const char *f(const char *s) { return strchrnul(s, 58); }' \
	   'int f(void); int f(void) { return SOCK_CLOEXEC; }' \
	   'int f(void); int f(void) { return O_PATH; }' \
	   'int f(void); int f(void) { return MAP_STACK; }' \
	   'int f(void); int f(void) { return (int)syscall(0); }' \
	   '#include <sys/prctl.h>' '#include <sys/signalfd.h>' '#include <linux/filter.h>' \
	   '#include <seccomp.h>'; do
	strict_cc "#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/mman.h>
$bad"
	[ $? -ne 0 ]
	ok $? "the strict flags refuse: $(printf '%s' "$bad" | head -1 | cut -c1-60)"
done

# ------------------------------------------------------------- the build
B=$SCRATCH/tree
mkdir -p "$B"
(cd "$TOP" && tar cf - --exclude='*.o' --exclude=./tests/tmp --exclude=./.git .) | (cd "$B" && tar xf -)
rm -f "$B/clawshim" "$B/clawsh" "$B/clawshim-probe"
make -C "$B" OS=Darwin WERROR=1 CPPFLAGS="$STRICT" clawshim >"$SCRATCH/build.log" 2>&1
RC=$?
is 0 "$RC" "make OS=Darwin builds clawshim with the strict flags, warnings as errors"
[ "$RC" = 0 ] || sed 's/^/# /' "$SCRATCH/build.log" | tail -40
CS=$B/clawshim
chmod -R a+rX "$B"
LOG=$(cat "$SCRATCH/build.log")
lacks "$LOG" "seccomp.c" "the portable build compiles no libseccomp code"
lacks "$LOG" "-lseccomp" "and links no libseccomp"
lacks "$LOG" "-z,relro" "and passes no -z option (Apple's ld has none)"
lacks "$LOG" "_GNU_SOURCE" "and defines _DARWIN_C_SOURCE, not _GNU_SOURCE"
like "$LOG" "*supervise_posix.c*" "the portable supervisor is built"
if [ ! -x "$CS" ]; then
	ok 1 "no portable binary to test"
	done_testing
fi
if command -v ldd >/dev/null 2>&1; then
	lacks "$(ldd "$CS" 2>&1)" "libseccomp" "the binary does not load libseccomp"
fi

AS=""
run "$CS" --version
is "clawshim 0.1.0" "$OUT" "--version"

# Unique sleep durations per run and user, so pgrep finds only ours.
set_base() { SB=$((3000000 + ($$ % 40000) * 2000)); [ "$WHO" = root ] || SB=$((SB + 1000)); }
n() { echo $((SB + $1)); }

# A policy the supervisor can enforce for root too (root is exempt from
# RLIMIT_NPROC, and this build has no pids cgroup).
POL=$(mkpolicy "$SCRATCH/portable.ini" <<'EOF'
[clawshim]
version = 1
[process]
max_processes = unlimited
EOF
)
SECPOL=$(mkpolicy "$SCRATCH/seccomp.ini" <<'EOF'
[clawshim]
version = 1
[seccomp]
deny = ptrace
EOF
)

t_policy() {
	run "$CS" --check-policy "$POL"
	is 0 "$RC" "$WHO: --check-policy accepts a policy"
	is "$POL: ok" "$OUT" "$WHO: and says so"
	run "$CS" --check-policy "$SECPOL"
	is 125 "$RC" "$WHO: [seccomp] deny is refused without libseccomp"
	like "$ERR" "*seccomp.ini:4: system call 'ptrace': ?seccomp? deny cannot be checked or enforced*" \
		"$WHO: with the file, the line and why"
	all_prefixed "$ERR" "$WHO: every error line is clawshim's"
}

t_explain() {
	W=$(newdir explain)
	run_in "$W" "$CS" --policy "$POL" --explain --backend sandbox-exec -- true
	is 125 "$RC" "$WHO: --explain --backend sandbox-exec: exit 125 here (nothing could run)"
	like "$ERR" "*backend sandbox-exec cannot run here: sandbox-exec is macOS only*" \
		"$WHO: it says sandbox-exec is macOS only"
	has_line "$OUT" "NOT AVAILABLE HERE: sandbox-exec is macOS only (shown for inspection; nothing would run)" \
		"$WHO: and so does the explanation"
	like "$OUT" "*/usr/bin/sandbox-exec -p *(version 1)*(deny default)*" "$WHO: the SBPL profile is shown"
	like "$OUT" "*-D WS0=$W *" "$WHO: with the workspace as a -D parameter"
	like "$OUT" "*(subpath (param \"WS0\"))*" "$WHO: which the profile reads by name"
	like "$OUT" "*-- true*" "$WHO: then the command"
	lacks "$OUT" "PR_SET_NO_NEW_PRIVS" "$WHO: no_new_privs is not claimed"
	like "$OUT" "*not enforced*no new privileges*no_new_privs is Linux only*" \
		"$WHO: its absence is said"
	lacks "$OUT" "subreaper" "$WHO: no subreaper is claimed"
	lacks "$OUT" "seccomp filter" "$WHO: no seccomp filter is claimed"
	like "$OUT" "*not enforced*processes that leave the process group die with it too*nothing refuses setsid()*" \
		"$WHO: what escapes the session kill is said"

	run_in "$W" "$CS" --policy "$POL" --explain --backend none -- true
	is 0 "$RC" "$WHO: --explain --backend none"
	lacks "$OUT" "TIOCSTI/TIOCLINUX refused" "$WHO: none claims no TIOCSTI filter"
	lacks "$OUT" "prctl" "$WHO: nor prctl"

	run_in "$W" "$CS" --policy "$POL" --doctor
	like "$OUT" "*landlock*Linux only: not built on this system*" "$WHO: --doctor: landlock is Linux only"
	like "$OUT" "*sandbox-exec*sandbox-exec is macOS only*" "$WHO: --doctor: sandbox-exec is macOS only"
	run_in "$W" "$CS" --policy "$POL" --backend landlock -- true
	is 125 "$RC" "$WHO: --backend landlock refuses"
	like "$ERR" "*backend landlock cannot run here: Linux only*" "$WHO: saying why"
}

t_auto() {
	W=$(newdir auto)
	# No [docker] image here: docker (when it runs at all) cannot plan,
	# and sandbox-exec is macOS only: nothing kernel-enforced is left.
	run_in "$W" env DOCKER_HOST=unix:///nonexistent "$CS" --policy "$POL" -- true
	is 125 "$RC" "$WHO: auto with nothing kernel-enforced: exit 125"
	like "$ERR" "*no backend can enforce this policy here:*" "$WHO: one line says so"
	like "$ERR" "*sandbox-exec: sandbox-exec is macOS only*" "$WHO: sandbox-exec first, with why"
	like "$ERR" "*docker: *" "$WHO: then docker, with why"
	lacks "$ERR" "landlock" "$WHO: auto tries only sandbox-exec and docker"
	all_prefixed "$ERR" "$WHO: every line is clawshim's"
	if [ "$WHO" = root ]; then
		run_in "$W" "$CS" --backend none -- true
		is 125 "$RC" "root: the built-in max_processes cannot hold for root: exit 125"
		like "$ERR" "*max_processes cannot be enforced for root here: the kernel exempts root*" \
			"root: and says why"
	fi
}

t_status() {
	set_base
	W=$(newdir status)
	run_in "$W" "$CS" --policy "$POL" --backend none -- sh -c 'exit 3'
	is 3 "$RC" "$WHO: the command's exit status passes through"
	run_in "$W" "$CS" --policy "$POL" --backend none -- sh -c 'kill -USR1 $$'
	is 138 "$RC" "$WHO: killed by signal 10: exit 138"
	run_in "$W" "$CS" --policy "$POL" --backend none -- /nonexistent/cmd
	is 127 "$RC" "$WHO: not found: 127"
	run_in "$W" "$CS" --policy "$POL" --backend none -- sh -c 'printf "%s\n" "$CLAWSHIM_BACKEND"; ps -o sid= -p $$; echo $$; ls /dev/fd'
	has_line "$OUT" "none" "$WHO: CLAWSHIM_BACKEND=none inside"
	SID=$(echo "$OUT" | sed -n 2p | tr -d ' ')
	PID=$(echo "$OUT" | sed -n 3p)
	is "$PID" "$SID" "$WHO: the command leads a new session"
	FDS=$(echo "$OUT" | sed -n '4,$p' | tr '\n' ' ')
	is "0 1 2 3 " "$FDS" "$WHO: no descriptor above 2 (3 is ls's own directory)"
}

t_signal() {
	set_base
	W=$(newdir signal)
	M=$W/ready
	(cd "$W" && $SAFETY $AS "$CS" --policy "$POL" --backend none -- \
		sh -c "trap 'exit 7' TERM; touch $M; while :; do sleep 0.05; done" >/dev/null 2>&1) &
	BG=$!
	wait_file "$M" 10 || true
	CSPID=$(pgrep -f "^$CS --policy $POL --backend none -- sh -c trap" | head -1)
	kill -TERM "$CSPID" 2>/dev/null
	wait "$BG"
	is 7 "$?" "$WHO: TERM to clawshim reaches the command (it exits 7 from its trap)"

	rm -f "$M"
	(cd "$W" && $SAFETY $AS "$CS" --policy "$POL" --backend none -- sh -c "touch $M; exec sleep $(n 1)" \
		>/dev/null 2>&1) &
	BG=$!
	wait_file "$M" 10 || true
	sleep 0.2
	CSPID=$(pgrep -f "^$CS --policy $POL --backend none -- sh -c touch $M" | head -1)
	kill -HUP "$CSPID" 2>/dev/null
	wait "$BG"
	is 129 "$?" "$WHO: HUP to clawshim kills the command by HUP: exit 129"
	gone_within "^sleep $(n 1)$" 20
	ok $? "$WHO: and it is gone"
}

t_timeout() {
	set_base
	W=$(newdir timeout)
	START=$(_now_cs)
	run_in "$W" $SAFETY "$CS" --policy "$POL" --backend none --timeout 1 -- \
		sh -c "sleep $(n 2) & sleep $(n 3)"
	END=$(_now_cs)
	is 124 "$RC" "$WHO: --timeout 1: exit 124"
	like "$ERR" "*timed out after 1 s*" "$WHO: and it says so"
	[ $((END - START)) -lt 400 ]
	ok $? "$WHO: within a few seconds ($((END - START)) cs)"
	gone_within "^sleep $(n 2)$" 20
	ok $? "$WHO: the background process of the tree is gone"
	gone_within "^sleep $(n 3)$" 20
	ok $? "$WHO: the foreground one too"

	TPOL=$(mkpolicy "$SCRATCH/timeout-$WHO.ini" <<EOF
[clawshim]
version = 1
[sandbox]
timeout = 1
kill_after = 1
[process]
max_processes = unlimited
EOF
)
	START=$(_now_cs)
	run_in "$W" $SAFETY "$CS" --policy "$TPOL" --backend none -- sh -c "trap '' TERM; sleep $(n 4); :"
	END=$(_now_cs)
	is 124 "$RC" "$WHO: policy timeout, TERM ignored: KILL after the grace, exit 124"
	[ $((END - START)) -ge 150 ] && [ $((END - START)) -lt 600 ]
	ok $? "$WHO: after timeout + kill_after ($((END - START)) cs)"
	gone_within "^sleep $(n 4)$" 20
	ok $? "$WHO: nothing of the tree is left"
	for i in 2 3 4; do reap "^sleep $(n $i)$"; done
}

t_leftovers() {
	set_base
	W=$(newdir leftovers)
	run_in "$W" $SAFETY "$CS" --policy "$POL" --backend none -- sh -c "sleep $(n 5) & exit 0"
	is 0 "$RC" "$WHO: the command exits 0, leaving a background process"
	gone_within "^sleep $(n 5)$" 10
	ok $? "$WHO: what it left is killed when it exits"
	reap "^sleep $(n 5)$"
}

t_parent_death() {
	set_base
	W=$(newdir parent)
	# The parent: a shell that starts clawshim and waits; SIGKILLed.
	(cd "$W" && $AS sh -c "\"$CS\" --policy \"$POL\" --backend none -- sleep $(n 6); :" \
		>/dev/null 2>&1) &
	PARENT=$!
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		pgrep -f "^sleep $(n 6)$" >/dev/null && break
		sleep 0.1
	done
	pgrep -f "^sleep $(n 6)$" >/dev/null
	ok $? "$WHO: the command runs under clawshim under a parent"
	kill -KILL "$PARENT"
	gone_within "^sleep $(n 6)$" 20
	ok $? "$WHO: the parent SIGKILLed: the command is gone within 2 s (getppid polled)"
	reap "^sleep $(n 6)$"

	# clawshim itself SIGKILLed: the watcher kills the session.
	(cd "$W" && $AS "$CS" --policy "$POL" --backend none -- sh -c "sleep $(n 7) & sleep $(n 8)" \
		>/dev/null 2>&1) &
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		pgrep -f "^sleep $(n 8)$" >/dev/null && break
		sleep 0.1
	done
	CSPID=$(pgrep -f "^$CS --policy $POL --backend none -- sh -c sleep $(n 7)" | head -1)
	[ -n "$CSPID" ]
	ok $? "$WHO: clawshim runs"
	kill -KILL "$CSPID" 2>/dev/null
	gone_within "^sleep $(n 7)$" 20
	ok $? "$WHO: clawshim SIGKILLed: the watcher kills the background process"
	gone_within "^sleep $(n 8)$" 20
	ok $? "$WHO: and the command"
	for i in 6 7 8; do reap "^sleep $(n $i)$"; done
	wait
}

t_all() {
	t_policy
	t_explain
	t_auto
	t_status
	t_signal
	t_timeout
	t_leftovers
	t_parent_death
}
for_each_user t_all
done_testing
