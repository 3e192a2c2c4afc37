#!/bin/sh
# SPDX-License-Identifier: MIT
# 51-landlock-policy.t: the landlock backend under policy variations, as
# root and as uid 65534: deny / deny_write / no_exec inside the workspace,
# read_only and read_write outside it, TCP ports, --allow-net, unix socket
# allowances, extra seccomp denials, best_effort, clawshim inside clawshim
# (where no mount namespace can be made, so the protections are built by
# expanding the Landlock grants), and --dump-policy's layers.
. "$(dirname "$0")/lib.sh"

CS="$CLAWSHIM --backend landlock --read-only $TOP/tests/helpers"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3 2>/dev/null || echo python3-missing)

outside_dir clawshim-t51
LISTENERS=""
trap 'for _p in $LISTENERS; do kill "$_p" 2>/dev/null; done; rm -rf "$SCRATCH" "$OUTSIDE"' EXIT

flat() { printf '%s' "$1" | tr '\n' ' '; }   # one line, for is
own() { [ "$WHO" = root ] || chown -R 65534:65534 "$@"; }

# sb OPTIONS... -- CMD...: clawshim with OPTIONS, from the workspace $W.
sb() { run_in "$W" $CS "$@"; }

# pol NAME: a policy file (mode 644) from stdin, [clawshim] prepended.
pol() {
	{ printf '[clawshim]\nversion = 1\n'; cat; } | mkpolicy "$SCRATCH/$WHO-$1.ini"
}

# A workspace with a secret file, a private directory, docs and bin.
mkws() {
	W=$(newdir "$1")
	echo "WS-SECRET-$WHO" >"$W/secret"
	mkdir -p "$W/private" "$W/docs" "$W/bin" "$W/src"
	echo "PRIVATE-$WHO" >"$W/private/key"
	echo "doc" >"$W/docs/readme"
	cp /bin/true "$W/bin/tool"
	cp /bin/true "$W/src/tool"
	printf '#!/bin/sh\necho script-ran\n' >"$W/bin/run.sh"
	chmod 755 "$W/bin/run.sh"
	own "$W"
}

# --------------------------------------------------- filesystem policy

t_deny_in_ws() {
	mkws deny
	BEFORE=$(fstate "$W/secret")
	sb --deny "$W/secret" -- cat secret
	lacks "$OUT" "WS-SECRET" "$WHO: --deny WS/secret: its content is not readable"
	sb --deny "$W/secret" -- "$TRY" read "$W/secret"
	diag "read of a denied file gives: $OUT"
	sb --deny "$W/secret" -- "$TRY" write "$W/secret"
	sb --deny "$W/secret" -- "$TRY" truncate "$W/secret"
	sb --deny "$W/secret" -- "$TRY" unlink "$W/secret"
	one_of "$OUT" "EACCES EBUSY EROFS EPERM" "$WHO: --deny WS/secret: unlink is denied"
	sb --deny "$W/secret" -- "$TRY" rename "$W/secret" "$W/s2"
	one_of "$OUT" "EACCES EBUSY EROFS EPERM EXDEV" "$WHO: --deny WS/secret: rename is denied"
	sb --deny "$W/secret" -- "$TRY" link "$W/secret" "$W/s3"
	one_of "$OUT" "EACCES EXDEV EPERM" "$WHO: --deny WS/secret: hardlink is denied"
	is "$BEFORE" "$(fstate "$W/secret")" "$WHO: --deny WS/secret: the file is unchanged after write/truncate/unlink/rename"
	sb --deny "$W/secret" -- sh -c 'echo w >other && cat other && cat docs/readme && mkdir -p n/m && rm -r n other'
	is "0:w doc" "$(flat "$RC:$OUT")" "$WHO: --deny WS/secret: the rest of the workspace works"

	sb --deny "$W/private" -- "$TRY" list "$W/private"
	one_of "$OUT" "EACCES" "$WHO: --deny WS/private: listing it is denied"
	sb --deny "$W/private" -- "$TRY" read "$W/private/key"
	one_of "$OUT" "EACCES ENOENT" "$WHO: --deny WS/private: a file in it is not readable"
	sb --deny "$W/private" -- "$TRY" write "$W/private/new"
	one_of "$OUT" "EACCES EROFS" "$WHO: --deny WS/private: creating in it is denied"
	sb --deny "$W/private" -- sh -c 'cat private/key; mv private p2 && cat p2/key; :'
	lacks "$OUT" "PRIVATE-" "$WHO: --deny WS/private: not readable, not even after moving it"
	sb --deny "$W/private" -- "$TRY" rename "$W/private" "$W/p3"
	one_of "$OUT" "EACCES EBUSY EXDEV EPERM" "$WHO: --deny WS/private: renaming it is denied"
	[ -f "$W/private/key" ]; ok $? "$WHO: --deny WS/private: it is still in place"
	# A parent of a denied path renamed in one run must not expose it in
	# the next ('?' makes a vanished path silently absent).
	mkdir -p "$W/conf/creds"; echo "NESTED-$WHO" >"$W/conf/creds/token"; own "$W/conf"
	sb --deny "?$W/conf/creds" -- "$TRY" rename "$W/conf" "$W/conf2"
	one_of "$OUT" "EACCES EBUSY EXDEV EPERM" "$WHO: --deny ?WS/conf/creds: renaming its parent conf is denied"
	sb --deny "?$W/conf/creds" -- sh -c 'cat conf2/creds/token 2>/dev/null; :'
	lacks "$OUT" "NESTED-" "$WHO: --deny ?WS/conf/creds: the next run cannot read it under the renamed parent"
}

t_deny_write_no_exec() {
	mkws dwne
	P=$(printf '[filesystem]\ndeny_write = %s/docs\nno_exec = %s/bin\n' "$W" "$W" | pol dwne)
	BEFORE=$(fstate "$W/docs/readme")
	sb --policy "$P" -- cat docs/readme
	is "0:doc" "$RC:$OUT" "$WHO: deny_write docs: reading works"
	sb --policy "$P" -- "$TRY" write "$W/docs/readme"
	one_of "$OUT" "EROFS EACCES" "$WHO: deny_write docs: writing a file is denied"
	sb --policy "$P" -- "$TRY" write "$W/docs/new"
	one_of "$OUT" "EROFS EACCES" "$WHO: deny_write docs: creating a file is denied"
	sb --policy "$P" -- "$TRY" truncate "$W/docs/readme"
	one_of "$OUT" "EROFS EACCES" "$WHO: deny_write docs: truncating is denied"
	sb --policy "$P" -- "$TRY" unlink "$W/docs/readme"
	one_of "$OUT" "EROFS EACCES" "$WHO: deny_write docs: deleting is denied"
	sb --policy "$P" -- "$TRY" chmod "$W/docs/readme" 600
	one_of "$OUT" "EROFS EACCES EPERM" "$WHO: deny_write docs: chmod is denied"
	sb --policy "$P" -- "$TRY" rename "$W/docs" "$W/docs2"
	one_of "$OUT" "EBUSY EACCES EXDEV EPERM" "$WHO: deny_write docs: renaming it away is denied"
	sb --policy "$P" -- "$TRY" rename "$W/docs/readme" "$W/stolen"
	one_of "$OUT" "EROFS EACCES EXDEV" "$WHO: deny_write docs: moving a file out is denied"
	is "$BEFORE" "$(fstate "$W/docs/readme")" "$WHO: deny_write docs: the file is unchanged"

	sb --policy "$P" -- "$TRY" exec "$W/bin/tool"
	one_of "$OUT" "EACCES" "$WHO: no_exec bin: exec there is denied"
	sb --policy "$P" -- sh -c './bin/run.sh'
	[ "$RC" -ne 0 ] && [ "$OUT" != script-ran ]; ok $? "$WHO: no_exec bin: a script there does not run directly (rc $RC)"
	sb --policy "$P" -- sh -c 'cp src/tool bin/copied && '"$TRY"' exec bin/copied'
	one_of "$OUT" "EACCES" "$WHO: no_exec bin: a binary copied in does not run"
	sb --policy "$P" -- "$TRY" rename "$W/bin" "$W/bin2"
	one_of "$OUT" "EBUSY EACCES EXDEV EPERM" "$WHO: no_exec bin: renaming it away is denied"
	sb --policy "$P" -- "$TRY" rename "$W/bin/tool" "$W/escaped"
	one_of "$OUT" "EXDEV EACCES EBUSY" "$WHO: no_exec bin: moving a binary out is denied"
	sb --policy "$P" -- sh -c "$TRY exec src/tool; :"
	is "" "$OUT" "$WHO: no_exec bin: exec elsewhere in the workspace works"
	is 0 "$RC" "$WHO: no_exec bin: ... and exits 0"
	sb --policy "$P" -- sh -c 'echo x >newfile && rm newfile && echo ok'
	is "0:ok" "$RC:$OUT" "$WHO: deny_write/no_exec: the workspace root stays writable"
}

t_outside_dirs() {
	W=$(newdir outws)
	D=$OUTSIDE/ro-$WHO; E=$OUTSIDE/rw-$WHO
	rm -rf "$D" "$E"; mkdir -p "$D" "$E"
	echo "ro data" >"$D/f"; echo "rw data" >"$E/f"
	own "$D" "$E"
	sb -- "$TRY" read "$D/f"
	one_of "$OUT" "EACCES" "$WHO: (control) an outside directory is not readable by default"
	sb --read-only "$D" -- cat "$D/f"
	is "0:ro data" "$RC:$OUT" "$WHO: --read-only DIR: reading works"
	P=$(printf '[filesystem]\nread_only = %s\n' "$D" | pol ro)
	sb --policy "$P" -- "$TRY" list "$D"
	is ok "$OUT" "$WHO: read_only = DIR in a policy file: listing works"
	BEFORE=$(fstate "$D/f")
	for op in "write $D/f" "write $D/new" "truncate $D/f" "unlink $D/f" "mkdir $D/sub" "chmod $D/f 666" "utime $D/f" "rename $D/f $D/g"; do
		# shellcheck disable=SC2086
		sb --policy "$P" -- "$TRY" $op
		one_of "$OUT" "EACCES EPERM EROFS" "$WHO: read_only DIR: $op is denied"
	done
	is "$BEFORE" "$(fstate "$D/f")" "$WHO: read_only DIR: the file is unchanged"

	sb --read-write "$E" -- sh -c "echo more >>'$E/f' && echo new >'$E/new' && mkdir '$E/sub' && mv '$E/new' '$E/sub/' && chmod 600 '$E/f' && cat '$E/f' '$E/sub/new'"
	is "0:rw data more new" "$(flat "$RC:$OUT")" "$WHO: --read-write DIR: write, create, mkdir, rename, chmod work"
	sb --read-write "$E" -- "$TRY" read "$D/f"
	one_of "$OUT" "EACCES" "$WHO: --read-write DIR grants nothing next to it"
}

# ---------------------------------------------------------- network

# listener: two TCP ports, a UDP port, two stream and one datagram unix
# socket, as the test user.  Sets P1 P2 UP SA SB SD LPID.
listener() {
	SA=$HOMEDIR/allowed.sock; SB=$HOMEDIR/other.sock; SD=$HOMEDIR/other.dgram
	PF=$HOMEDIR/ports
	rm -f "$SA" "$SB" "$SD" "$PF"
	$AS "$PY" -c '
import socket, sys, time, os
t1 = socket.socket(); t1.bind(("127.0.0.1", 0)); t1.listen(16)
t2 = socket.socket(); t2.bind(("127.0.0.1", 0)); t2.listen(16)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
a = socket.socket(socket.AF_UNIX); a.bind(sys.argv[1]); a.listen(16)
b = socket.socket(socket.AF_UNIX); b.bind(sys.argv[2]); b.listen(16)
d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); d.bind(sys.argv[3])
open(sys.argv[4] + ".tmp", "w").write("%d %d %d\n" % (t1.getsockname()[1], t2.getsockname()[1], u.getsockname()[1]))
os.rename(sys.argv[4] + ".tmp", sys.argv[4])
time.sleep(120)
' "$SA" "$SB" "$SD" "$PF" </dev/null >/dev/null 2>&1 &
	LPID=$!
	LISTENERS="$LISTENERS $LPID"
	wait_file "$PF" 10 || return 1
	read -r P1 P2 UP <"$PF"
}

t_network() {
	W=$(newdir net)
	if [ ! -x "$PY" ]; then skip "python3 is missing: no listener"; return; fi
	listener || { ok 1 "$WHO: start a listener"; return; }
	P=$(printf '[network]\nconnect_tcp = %s\nunix = %s\n' "$P1" "$SA" | pol net)
	sb --policy "$P" -- "$TRY" tcp 127.0.0.1 "$P1"
	is ok "$OUT" "$WHO: connect_tcp = PORT: connecting to it works"
	sb --policy "$P" -- "$TRY" tcp 127.0.0.1 "$P2"
	one_of "$OUT" "EACCES" "$WHO: connect_tcp = PORT: another port is denied"
	sb --policy "$P" -- "$TRY" udp 127.0.0.1 "$UP"
	one_of "$OUT" "EACCES EPERM" "$WHO: connect_tcp = PORT: UDP is still denied"
	sb --policy "$P" -- "$TRY" socket 2 3 1
	one_of "$OUT" "EACCES EPERM" "$WHO: connect_tcp = PORT: raw sockets still denied"
	sb --policy "$P" -- "$TRY" bind "$P2"
	one_of "$OUT" "EACCES EPERM" "$WHO: connect_tcp = PORT: binding a TCP port is denied"
	sb --policy "$P" -- "$TRY" unix "$SA"
	is ok "$OUT" "$WHO: unix = PATH: connecting to that socket works"
	sb --policy "$P" -- "$TRY" unix "$SB"
	one_of "$OUT" "EACCES EPERM" "$WHO: unix = PATH: another named socket is denied"
	sb --policy "$P" -- "$TRY" unix-dgram-send "$SD"
	one_of "$OUT" "EACCES EPERM" "$WHO: unix = PATH: sendto another datagram socket is denied"
	sb --policy "$P" -- "$TRY" retarget "$SD"
	one_of "$OUT" "EACCES EPERM" "$WHO: unix = PATH: the retarget trick to another socket is denied"
	# A symlink to the allowed socket is the allowed socket; a symlink
	# named like it pointing elsewhere is not.
	$AS ln -sf "$SB" "$W/fake.sock"
	sb --policy "$P" -- "$TRY" unix "$W/fake.sock"
	one_of "$OUT" "EACCES EPERM" "$WHO: unix = PATH: a symlink to another socket is denied"

	sb --allow-net -- "$TRY" tcp 127.0.0.1 "$P2"
	is ok "$OUT" "$WHO: --allow-net: TCP to 127.0.0.1 works"
	sb --allow-net -- "$TRY" udp 127.0.0.1 "$UP"
	is ok "$OUT" "$WHO: --allow-net: UDP to 127.0.0.1 works"
	sb --allow-net -- "$TRY" unix "$SB"
	diag "--allow-net: a named unix socket: $OUT"
	kill "$LPID" 2>/dev/null
}

# --------------------------------------------------- seccomp, best_effort

t_seccomp_best_effort() {
	W=$(newdir sc)
	sb -- uname
	is "0:Linux" "$RC:$OUT" "$WHO: (control) uname works by default"
	P=$(printf '[seccomp]\ndeny = uname\n' | pol sc)
	sb --policy "$P" -- uname
	[ "$RC" -ne 0 ] && [ "$OUT" != Linux ]; ok $? "$WHO: [seccomp] deny = uname: uname fails (rc $RC)"
	like "$ERR" "*Operation not permitted*" "$WHO: [seccomp] deny = uname: with EPERM"
	sb --policy "$P" -- "$TRY" syscall 63
	is EPERM "$OUT" "$WHO: [seccomp] deny = uname: the raw syscall gives EPERM"
	P=$(printf '[seccomp]\ndeny = no_such_syscall\n' | pol sc2)
	sb --policy "$P" -- true
	is 125 "$RC" "$WHO: [seccomp] deny = an unknown name is refused (125)"

	mkdir -p "$HOMEDIR/.ssh"; echo "HOME-SECRET-$WHO" >"$HOMEDIR/.ssh/id_rsa"; own "$HOMEDIR/.ssh"
	P=$(printf '[sandbox]\nbest_effort = true\n' | pol be)
	sb --policy "$P" -- sh -c 'echo ran'
	is "0:ran" "$RC:$OUT" "$WHO: best_effort = true runs"
	case "$ERR" in
	*best_effort:*) ok 1 "$WHO: best_effort = true on ABI 7: no guarantee dropped"; diagm "$ERR" ;;
	*) ok 0 "$WHO: best_effort = true on ABI 7: no guarantee dropped" ;;
	esac
	sb --policy "$P" -- "$TRY" read "$HOMEDIR/.ssh/id_rsa"
	one_of "$OUT" "EACCES" "$WHO: best_effort = true: ~/.ssh still denied"
	sb --policy "$P" -- "$TRY" tcp 127.0.0.1 1
	one_of "$OUT" "EACCES" "$WHO: best_effort = true: network still denied"
}

# -------------------------------------------------------------- nested

t_nested() {
	mkws nest
	mkdir -p "$HOMEDIR/.ssh"; echo "HOME-SECRET-$WHO" >"$HOMEDIR/.ssh/id_rsa"; own "$HOMEDIR/.ssh"
	OUTER="$CLAWSHIM --read-only $TOP"
	INNER="$CLAWSHIM --read-only $TOP/tests/helpers"
	nest() { run_in "$W" $OUTER -- sh -c "$1"; }

	nest "echo \$CLAWSHIM_BACKEND; $INNER -- sh -c 'echo \$CLAWSHIM_BACKEND; echo inner-ran'"
	is "0:landlock landlock inner-ran" "$(flat "$RC:$OUT")" "$WHO: nested: the inner clawshim runs"
	[ -n "$ERR" ] && diagm "stderr: $ERR"

	nest "$INNER -- sh -c '$TRY read $HOMEDIR/.ssh/id_rsa; $TRY tcp 127.0.0.1 1; $TRY mount; $TRY write $W/.git-less-file'"
	is "EACCES EACCES EPERM ok" "$(flat "$OUT")" "$WHO: nested: the outer protections hold inside the inner (secret, network, mount), work goes on"

	nest "$INNER --deny $W/secret -- sh -c 'cat secret; $TRY read $W/secret'; echo outer-reads=\$(cat secret)"
	lacks "$(echo "$OUT" | grep -v outer-reads)" "WS-SECRET" "$WHO: nested: the inner --deny WS/secret holds"
	has_line "$OUT" "outer-reads=WS-SECRET-$WHO" "$WHO: nested: the outer still reads it (inner narrower)"

	nest "$INNER --read-write $OUTSIDE -- true"
	diagm "nested: inner --read-write of a path the outer does not grant: rc $RC ${ERR:+($ERR)}"
	nest "$INNER --read-write $OUTSIDE -- $TRY write $OUTSIDE/nested-$WHO"
	[ ! -e "$OUTSIDE/nested-$WHO" ]; ok $? "$WHO: nested: an inner grant cannot widen the outer"

	nest "unset CLAWSHIM_BACKEND; $INNER -- echo inner-ran; echo rc=\$?"
	has_line "$OUT" "rc=125" "$WHO: nested without CLAWSHIM_BACKEND: the inner refuses (125)"
	lacks "$OUT" "inner-ran" "$WHO: nested without CLAWSHIM_BACKEND: nothing runs weaker"
	like "$ERR" "clawshim: *" "$WHO: nested without CLAWSHIM_BACKEND: says why ($ERR)"

	# No mount namespace inside: the protections are Landlock expansions.
	P=$(printf '[filesystem]\ndeny_write = %s/docs\nno_exec = %s/bin\ndeny = %s/private\n' "$W" "$W" "$W" | pol nest)
	nest "$INNER --policy $P -- sh -c '
		cat docs/readme; $TRY write $W/docs/readme; $TRY write $W/docs/new; $TRY unlink $W/docs/readme;
		$TRY rename $W/docs $W/docs2; $TRY exec $W/bin/tool; $TRY rename $W/bin $W/bin2;
		$TRY read $W/private/key; $TRY list $W/private; $TRY rename $W/private $W/p2'"
	is "doc EACCES EACCES EACCES EACCES EACCES EACCES EACCES EACCES EACCES" "$(flat "$OUT")" "$WHO: nested (no mount namespace): deny_write, no_exec and deny hold, renames refused"
	[ -n "$ERR" ] && diagm "stderr: $ERR"
	[ -f "$W/docs/readme" ] && [ -d "$W/bin" ] && [ -f "$W/private/key" ] && [ "$(cat "$W/docs/readme")" = doc ]
	ok $? "$WHO: nested: docs, bin and private are unchanged"
	nest "$INNER --policy $P -- sh -c 'echo x >src/new && cat src/new && $TRY exec $W/src/tool'"
	is "0:x" "$RC:$OUT" "$WHO: nested (no mount namespace): work in a sibling directory goes on (write, exec)"
	# The documented cost of the expansion: no new entries directly in a
	# directory on the way to a protected path (here the workspace root).
	nest "$INNER --policy $P -- sh -c 'echo x >newfile && rm newfile && echo root-writable'"
	diagm "nested (no mount namespace), protections under the workspace root: creating a file at the root: rc $RC ${ERR:+($ERR)}"

	# An agent in a sandbox whose shell is clawshim clones a repository
	# and works in it: the inner protects that repository's .git/hooks.
	nest "mkdir -p repo && cd repo && git init -q && git config user.email t@example.com &&
		git config user.name t && echo a >a && git add a && git commit -qm a &&
		$INNER -- sh -c '$TRY write .git/hooks/pre-commit; $TRY write .git/config;
			echo b >b && git add b && git commit -qm b && git checkout -qb topic && echo inner-git-ok'"
	# Without a mount namespace the inner protects .git/hooks by Landlock
	# expansion, which also takes the right to create entries in .git
	# (index.lock): the documented cost (clawshim.ini(5)); the protections
	# below are what must hold.
	diagm "nested, new repository (documented cost): git in the inner: $(echo "$OUT" | tail -1) ${ERR:+($ERR)}"
	set -- $OUT
	one_of "${1:-}" "EACCES EROFS" "$WHO: nested, new repository: .git/hooks/pre-commit not writable"
	one_of "${2:-}" "EACCES EROFS" "$WHO: nested, new repository: .git/config not writable"
}

# ----------------------------------------------------------- dump-policy

t_dump() {
	W=$(newdir dump)
	P=$(printf '[filesystem]\ndeny = %s/x\n[network]\nconnect_tcp = 8443\n' "$W" | pol dump)
	XCH=$HOMEDIR/.config
	mkdir -p "$XCH/clawshim"
	printf '[clawshim]\nversion = 1\n[filesystem]\nno_exec = %s/y\n' "$W" | mkpolicy "$XCH/clawshim/clawshim.ini" >/dev/null
	printf '[clawshim]\nversion = 1\n[filesystem]\ndeny_write = %s/z\n' "$W" | mkpolicy "$W/.clawshim.ini" >/dev/null
	own "$XCH" "$W"
	mkdir -p "$W/x" "$W/y" "$W/z"; own "$W"
	mkdir -p "$W/cl"; own "$W"
	sb --policy "$P" --deny "$W/cl" --dump-policy
	is 0 "$RC" "$WHO: --dump-policy exits 0"
	has_line "$OUT" "deny = ?~/.ssh ; built-in -> $HOMEDIR/.ssh" "$WHO: --dump-policy: a built-in value says built-in"
	has_line "$OUT" "deny = $W/x ; $P:4 -> $W/x" "$WHO: --dump-policy: a --policy value names file:line"
	has_line "$OUT" "connect_tcp = 8443 ; $P:6" "$WHO: --dump-policy: a network value names file:line"
	has_line "$OUT" "no_exec = $W/y ; $XCH/clawshim/clawshim.ini:4 -> $W/y" "$WHO: --dump-policy: the user file's value names it"
	has_line "$OUT" "deny_write = $W/z ; $W/.clawshim.ini:4 -> $W/z" "$WHO: --dump-policy: the workspace file's value names it"
	has_line "$OUT" "deny = $W/cl ; command line -> $W/cl" "$WHO: --dump-policy: a command-line value says command line"
	echo "$OUT" | grep -q "^deny_write = .*\.clawshim\.ini ; policy files in use"
	ok $? "$WHO: --dump-policy: the policy files in use are deny_write"
	rm -rf "$XCH/clawshim"
}

for_each_user t_deny_in_ws
for_each_user t_deny_write_no_exec
for_each_user t_outside_dirs
for_each_user t_network
for_each_user t_seccomp_best_effort
if [ "${CLAWSHIM_TEST_ASAN:-0}" = 1 ]; then
	# make check-asan: the inner ASan clawshim cannot start under the
	# outer's RLIMIT_DATA (max_memory), which its shadow memory exceeds.
	ok 0 "nested clawshim (not run: ASan build)"
else
for_each_user t_nested
fi
for_each_user t_dump
done_testing
