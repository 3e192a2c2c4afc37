#!/bin/sh
# SPDX-License-Identifier: MIT
# 57-tty.t: the command reaches its own terminal and the ptys it makes,
# never another terminal of the user.  A pty held open outside (owned by
# the test user, so file permissions alone would let it in) must not open
# from inside; the terminal clawshim was given still works, also reopened
# by name (/dev/stderr); a pty made inside works where a private devpts
# exists; with no /dev/ptmx grant (Landlock alone) other terminals stay
# out and --explain says what that costs.  As root and as uid 65534.
. "$(dirname "$0")/lib.sh"

H=$TOP/tests/helpers
PY=/usr/bin/python3
mkdir -p /var/lib/clawshim-test
OUTSIDE=$(mktemp -d /var/lib/clawshim-test/t57.XXXXXX)
chmod 755 "$OUTSIDE"
HOLDER=""
trap '[ -n "$HOLDER" ] && kill "$HOLDER" 2>/dev/null; rm -rf "$SCRATCH" "$OUTSIDE"' EXIT

# A policy without /dev/ptmx: no private devpts, Landlock rules only.
NOPTMX=$(printf '[clawshim]\nversion = 1\n[filesystem]\nread_write =\nread_write = /tmp, /dev/null\n' |
	mkpolicy "$OUTSIDE/noptmx.ini")

# A policy that grants the host's /dev/pts on purpose, without /dev/ptmx.
ALLPTS=$(printf '[clawshim]\nversion = 1\n[filesystem]\nread_write =\nread_write = /tmp, /dev/null, /dev/pts\n' |
	mkpolicy "$OUTSIDE/allpts.ini")

# hold: a pty held open by the test user outside any sandbox; sets $PTS.
hold() {
	[ -n "$HOLDER" ] && kill "$HOLDER" 2>/dev/null
	rm -f "$OUTSIDE/pts"
	$AS "$PY" -c 'import os,pty,time,sys
m,s=pty.openpty(); print(os.ttyname(s), flush=True); time.sleep(300)' >"$OUTSIDE/pts" &
	HOLDER=$!
	wait_file "$OUTSIDE/pts" 5 >/dev/null 2>&1 || sleep 1
	PTS=$(cat "$OUTSIDE/pts")
}

OPENRW='import os,sys
try:
    os.close(os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)); print("opened")
except OSError as e:
    print(__import__("errno").errorcode[e.errno])'
MKPTY='import os
m, s = os.openpty(); os.write(s, b"ping\n"); print(os.read(m, 16).decode().strip(), os.ttyname(s))'

t_other_tty() {
	hold
	case "$PTS" in /dev/pts/*) ;; *) skip "$WHO: no pty outside ($PTS)"; return ;; esac
	W=$(newdir ws)
	run_in "$W" "$PY" -c "$OPENRW" "$PTS"
	is "opened" "$OUT" "$WHO: without clawshim the other pty $PTS opens (the test is live)"
	for b in landlock bwrap firejail; do
		# firejail admits root only, never nobody (61-firejail.t checks
		# that refusal).
		[ "$b" = firejail ] && [ "$WHO" != root ] && continue
		run_in "$W" $CLAWSHIM --backend "$b" --read-only "$H" -- true
		if [ "$RC" != 0 ]; then skip "$WHO: backend $b unavailable here: $ERR"; continue; fi
		run_in "$W" $CLAWSHIM --backend "$b" --read-only "$H" -- "$PY" -c "$OPENRW" "$PTS"
		one_of "$OUT" "EACCES ENOENT" "$WHO: $b: another terminal of the user does not open"
		run_in "$W" $CLAWSHIM --backend "$b" --read-only "$H" -- "$H/try" open "$PTS"
		one_of "$OUT" "EACCES ENOENT" "$WHO: $b: not read-only either"
		run_in "$W" $CLAWSHIM --backend "$b" --read-only "$H" -- "$PY" -c "$MKPTY"
		like "$OUT" "ping /dev/pts/*" "$WHO: $b: a pty made inside works, named under /dev/pts"
	done
	# Landlock alone (no /dev/ptmx grant, no private devpts): the host's
	# /dev/pts is in view, and still no node of it opens.
	run_in "$W" $CLAWSHIM --backend landlock --policy "$NOPTMX" --read-only "$H" -- "$PY" -c "$OPENRW" "$PTS"
	is "EACCES" "$OUT" "$WHO: landlock without a private devpts: another terminal is refused (EACCES)"
	run_in "$W" $CLAWSHIM --backend landlock --policy "$NOPTMX" --read-only "$H" --explain
	like "$OUT" "*no access to other terminals (/dev/pts)*Landlock: no rule for /dev/pts (/dev/ptmx is not granted either, so programs that allocate a pty fail)*" \
		"$WHO: --explain says other terminals are out and what allocating a pty costs"
	run_in "$W" $CLAWSHIM --backend landlock --read-only "$H" --explain
	like "$OUT" "*no access to other terminals; new pseudo-terminals work*new devpts instance*" \
		"$WHO: --explain names the private devpts"
	# read_write = /dev/pts named on purpose: what it costs is said.
	run_in "$W" $CLAWSHIM --backend landlock --policy "$ALLPTS" --read-only "$H" --explain
	like "$OUT" "*not enforced  no access to other terminals (/dev/pts)*read_write grants /dev/pts: every terminal of this user is reachable*" \
		"$WHO: read_write = /dev/pts: --explain says every terminal is reachable"
	run_in "$W" $CLAWSHIM --backend landlock --policy "$ALLPTS" --read-only "$H" -- "$PY" -c "$OPENRW" "$PTS"
	is "opened" "$OUT" "$WHO: read_write = /dev/pts: and it is (what --explain says is true)"
	# clawshim under clawshim: no mount namespace, /dev/ptmx granted.
	# Allocating a pty fails as documented, and --explain says why.
	NEST="$CLAWSHIM --backend landlock --read-only $TOP --"
	run_in "$W" $NEST $CLAWSHIM --backend landlock --explain
	like "$OUT" "*no access to other terminals (/dev/pts)*Landlock: no rule for /dev/pts (no mount namespace here for a private one, so programs that allocate a pty fail*" \
		"$WHO: nested: --explain says allocating a pty fails without a mount namespace"
	run_in "$W" $NEST $CLAWSHIM --backend landlock -- "$PY" -c "$MKPTY"
	like "$ERR" "*PermissionError*" "$WHO: nested: allocating a pty fails (EACCES), as --explain says"
}

# The terminal clawshim is given: script(1) runs clawshim on a new pty.
t_own_tty() {
	command -v script >/dev/null 2>&1 || { skip "script(1) missing"; return; }
	W=$(newdir ws-tty)
	for pol in "" "--policy $NOPTMX"; do
		run_in "$W" script -qec "$CLAWSHIM --backend landlock $pol --read-only $H -- sh -c 'test -t 0 && test -t 1 && echo isatty; echo to-stdout >/dev/stdout; echo to-stderr >/dev/stderr; stty size >/dev/null && echo stty-ok'" /dev/null
		like "$OUT" "*isatty*" "$WHO: landlock${pol:+ (no ptmx)}: the given terminal is a tty inside"
		like "$OUT" "*to-stdout*to-stderr*" "$WHO: landlock${pol:+ (no ptmx)}: it reopens by name (/dev/stdout, /dev/stderr)"
		like "$OUT" "*stty-ok*" "$WHO: landlock${pol:+ (no ptmx)}: its termios ioctls work"
		# Reading: script(1) forwards its input to the pty; the command
		# reads it through the terminal, reopened by name.
		(cd "$W" && (sleep 1; printf 'typed-line\n') | $AS script -qec "$CLAWSHIM --backend landlock $pol --read-only $H -- sh -c 'read l </dev/stdin; echo got:\$l'" /dev/null) >"$SCRATCH/tty-out" 2>&1
		like "$(tr -d '\r' <"$SCRATCH/tty-out")" "*got:typed-line*" "$WHO: landlock${pol:+ (no ptmx)}: it reads what is typed on it"
	done
}

# The terminal the agent opened for this command (nobody's controlling
# terminal yet) must not become the command's: TIOCSCTTY is refused by
# the filter, by the low 32 bits of the request (CVE-2019-10063).
CTTY='import fcntl,termios,sys,errno
req=termios.TIOCSCTTY|(int(sys.argv[1])<<32)
try:
    fcntl.ioctl(0,req,0); print("ctty")
except OSError as e:
    print(errno.errorcode[e.errno])'

t_ctty() {
	W=$(newdir ctty)
	# run_pty CMD...: CMD with a fresh pty's slave as stdin, in a session
	# of its own; its output in $OUT.
	run_pty() {
		OUT=$(cd "$W" && $AS "$PY" -c 'import os,pty,subprocess as sp,sys
m,s=pty.openpty()
print(sp.run(sys.argv[1:],stdin=s,capture_output=True,start_new_session=True).stdout.decode().strip())' "$@" 2>&1)
	}
	run_pty "$PY" -c "$CTTY" 0
	is ctty "$OUT" "$WHO: (control) unconfined, a session leader takes a fresh pty as its terminal"
	run_pty $CLAWSHIM -- "$PY" -c "$CTTY" 0
	is EPERM "$OUT" "$WHO: TIOCSCTTY on the pty clawshim was given is refused"
	run_pty $CLAWSHIM -- "$PY" -c "$CTTY" 1
	is EPERM "$OUT" "$WHO: TIOCSCTTY with high bits set is refused"
	run_pty $CLAWSHIM -- "$PY" -c 'import os; print(os.isatty(0))'
	is True "$OUT" "$WHO: the pty still works as the command's stdin"
}

for_each_user t_other_tty
for_each_user t_ctty
for_each_user t_own_tty
done_testing
