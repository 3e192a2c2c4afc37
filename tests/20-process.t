#!/bin/sh
# SPDX-License-Identifier: MIT
# 20-process.t: process semantics on every backend (DESIGN.md §4): new
# session without a terminal, TIOCSTI/TIOCLINUX and setsid refused,
# die-with-parent, signal forwarding, timeout, no_new_privs, setuid inert,
# core dumps off, descriptors closed, own variables removed, capabilities.
. "$(dirname "$0")/lib.sh"

BACKEND=${CLAWSHIM_TEST_BACKEND:-none}
# The helper's directory must be readable on a confining backend too.
CS="$CLAWSHIM --backend $BACKEND --read-only $(dirname "$TRY")"

# Unique sleep durations per run and user, so pgrep finds exactly our
# processes even when another run of this file is going on.
set_base() { SB=$((1000000 + ($$ % 40000) * 2000)); [ "$WHO" = root ] || SB=$((SB + 1000)); }
n() { echo $((SB + $1)); }

# pty CMDSTRING: run CMDSTRING (a sh command line) on a fresh pty via
# script(1) as the test user; $OUT (CRs removed) and $RC.
pty() {
	$AS env SHELL=/bin/sh script -qec "$1" /dev/null </dev/null >"$SCRATCH/out" 2>&1
	RC=$?
	OUT=$(tr -d '\r' <"$SCRATCH/out")
}
have_script() { command -v script >/dev/null 2>&1; }

# appear REGEX SECONDS: true once a process matches REGEX.
appear() {
	_i=0
	until pgrep -f "$1" >/dev/null 2>&1; do
		_i=$((_i + 1))
		[ "$_i" -gt $(($2 * 20)) ] && return 1
		sleep 0.05
	done
}

# cap VALUE-NAME: a capability set of the current process tree's command
# output ($OUT holds `grep ^Cap /proc/self/status`).
cap() { echo "$OUT" | awk -v k="$1:" '$1 == k { print $2 }'; }

t_session() {
	set_base
	W=$(newdir session)
	OUTSIDE=$(ps -o sid= -p $$ | tr -d ' ')
	run_in "$W" $CS -- sh -c 'echo $$; ps -o sid= -p $$; :'
	PID=$(echo "$OUT" | sed -n 1p)
	SID=$(echo "$OUT" | sed -n 2p | tr -d ' ')
	[ -n "$SID" ] && [ "$SID" != "$OUTSIDE" ]
	ok $? "$WHO: the command runs in a new session (inside $SID, caller $OUTSIDE)"
	is "$PID" "$SID" "$WHO: the command leads its session"
	# Without a terminal outside this proves nothing; script(1) below does.
	if $AS "$TRY" open /dev/tty >/dev/null 2>&1; then
		run_in "$W" $CS -- "$TRY" open /dev/tty
		is "ENXIO" "$OUT" "$WHO: no controlling terminal: open /dev/tty fails"
	fi

	if ! have_script; then
		skip "script(1) is missing: cannot test on a pty"
		return
	fi
	pty "sh -c 'ps -o tty= -p \$\$; $TRY open /dev/tty; :'"
	if [ "$(echo "$OUT" | sed -n 2p)" != ok ]; then
		skip "script(1) gives no controlling terminal here"
		return
	fi
	pty "$CS -- sh -c 'ps -o tty= -p \$\$; $TRY open /dev/tty; :'"
	has_line "$OUT" "?" "$WHO: on a pty: the command has no controlling tty (ps says ?)"
	has_line "$OUT" "ENXIO" "$WHO: on a pty: open /dev/tty fails with ENXIO"
}

t_tiocsti() {
	set_base
	W=$(newdir tiocsti)
	# The real test: the command, a session leader without a terminal,
	# opens a fresh pty (it becomes its controlling terminal, where the
	# kernel allows TIOCSTI): only the seccomp filter can refuse it.
	CTRL=$($AS setsid "$TRY" pty-tiocsti 2>&1)
	if [ "$CTRL" != ok ]; then
		skip "TIOCSTI does not work on this kernel even unconfined ($CTRL)"
	else
		run_in "$W" $CS -- "$TRY" pty-tiocsti
		is "EPERM" "$OUT" "$WHO: TIOCSTI on the command's own controlling pty is refused"
		run_in "$W" $CS -- "$TRY" pty-tiocsti-hi
		is "EPERM" "$OUT" "$WHO: TIOCSTI with high bits set (CVE-2019-10063) is refused"
	fi
	run_in "$W" $CS -- "$TRY" tioclinux
	is "EPERM" "$OUT" "$WHO: TIOCLINUX is refused by the filter (not ENOTTY)"
	run_in "$W" $CS -- "$TRY" open /dev/null
	is "ok" "$OUT" "$WHO: ordinary work still succeeds"

	if ! have_script; then
		skip "script(1) is missing: cannot test TIOCSTI on the agent's pty"
		return
	fi
	pty "$TRY tioclinux"
	CTRL=$(echo "$OUT" | tail -n 1)
	[ "$CTRL" != EPERM ]
	ok $? "$WHO: (control) unconfined TIOCLINUX on a pty is not EPERM ($CTRL)"
	pty "$CS -- $TRY tiocsti"
	has_line "$OUT" "EPERM" "$WHO: on the agent's pty: TIOCSTI is refused"
	pty "$CS -- $TRY tiocsti-hi"
	has_line "$OUT" "EPERM" "$WHO: on the agent's pty: TIOCSTI with high bits is refused"
	pty "$CS -- $TRY tioclinux"
	has_line "$OUT" "EPERM" "$WHO: on the agent's pty: TIOCLINUX is refused"
}

t_setsid() {
	W=$(newdir setsid)
	# In a child that is not a group leader, where the kernel allows it.
	CTRL=$($AS sh -c "$TRY setsid; :" 2>&1)
	is "ok" "$CTRL" "$WHO: (control) unconfined, setsid works in a child"
	run_in "$W" $CS -- sh -c "$TRY setsid; :"
	is "EPERM" "$OUT" "$WHO: setsid is refused inside"
}

# The tree every die-with-parent test starts: a child, a grandchild, a
# double-forked daemon, a nohup'ed one, a setsid -f one (refused or not,
# it must not survive), then the command waits for them and sleeps.
make_tree() {
	set_base
	N1=$(n 1$1); N2=$(n 2$1); N3=$(n 3$1); N4=$(n 4$1); N5=$(n 5$1); N6=$(n 6$1)
	ALL="^sleep ($N1|$N2|$N3|$N4|$N5|$N6)\$|^sh -c sleep $N1"
	TREE="sleep $N1 &
sh -c 'sleep $N2; :' &
(sleep $N3 &)
nohup sleep $N4 >/dev/null 2>&1 &
setsid -f sleep $N5 >/dev/null 2>&1
until pgrep -f '^sleep $N1\$' && pgrep -f '^sleep $N2\$' && pgrep -f '^sleep $N3\$' && pgrep -f '^sleep $N4\$'; do sleep 0.01; done >/dev/null
echo ready >$W/ready
sleep $N6; :"
}

# started DESC: all of the tree is up (bounded wait).
started() {
	_ok=0
	for _p in "^sleep $N1\$" "^sleep $N2\$" "^sleep $N3\$" "^sleep $N4\$" "^sleep $N6\$"; do
		appear "$_p" 10 || { _ok=1; diag "never started: $_p"; }
	done
	ok $_ok "$1"
}

t_die_parent_killed() {
	W=$(newdir dwp-a)
	make_tree 1
	$AS sh -c 'echo $$ >"$0"; "$@"; :' "$W/ppid" $CS --timeout 60 -- sh -c "$TREE" </dev/null >/dev/null 2>&1 &
	BG=$!
	started "$WHO: (a) the tree started"
	kill -9 "$(cat "$W/ppid")"
	gone_within "$ALL" 15
	ok $? "$WHO: (a) the caller SIGKILLed: command, grandchild, daemons gone within 1.5 s"
	[ -n "$(pids_of "$ALL")" ] && diag "survivors: $(ps -o pid,sid,args -p "$(pids_of "$ALL" | tr ' ' ,)")"
	reap "$ALL"
	wait "$BG" 2>/dev/null
}

t_die_parent_exits() {
	W=$(newdir dwp-a2)
	make_tree 2
	$AS sh -c 'f=$0; "$@" & until [ -s "$f" ]; do sleep 0.05; done; exit 0' "$W/ready" \
		$CS --timeout 60 -- sh -c "$TREE" </dev/null >/dev/null 2>&1 &
	BG=$!
	# The parent exits as soon as the tree says it is up (all started).
	wait_file "$W/ready" 10
	ok $? "$WHO: (a') the tree started"
	wait "$BG"
	gone_within "$ALL" 15
	ok $? "$WHO: (a') the caller exits normally: everything gone within 1.5 s"
	[ -n "$(pids_of "$ALL")" ] && diag "survivors: $(ps -o pid,sid,args -p "$(pids_of "$ALL" | tr ' ' ,)")"
	reap "$ALL"
}

t_die_clawshim_killed() {
	W=$(newdir dwp-b)
	make_tree 3
	$AS $CS --timeout 60 -- sh -c "$TREE" </dev/null >/dev/null 2>&1 &
	CSPID=$!
	started "$WHO: (b) the tree started"
	kill -9 "$CSPID"
	gone_within "$ALL" 15
	ok $? "$WHO: (b) clawshim SIGKILLed: command, grandchild, daemons gone within 1.5 s"
	[ -n "$(pids_of "$ALL")" ] && diag "survivors: $(ps -o pid,sid,args -p "$(pids_of "$ALL" | tr ' ' ,)")"
	reap "$ALL"
	wait "$CSPID" 2>/dev/null
}

t_die_command_exits() {
	W=$(newdir dwp-c)
	make_tree 4
	# The same tree, but the command returns once it is up.
	T=$(echo "$TREE" | sed '$d')
	run_in "$W" $SAFETY $CS --timeout 60 -- sh -c "$T
echo returned"
	is 0 "$RC" "$WHO: (c) the command exits 0 leaving children behind"
	is "returned" "$OUT" "$WHO: (c) it really got to the end"
	S=$(pids_of "$ALL")
	is "" "$S" "$WHO: (c) nothing it started survives clawshim's return"
	reap "$ALL"
}

signum() {
	case $1 in HUP) echo 1 ;; INT) echo 2 ;; QUIT) echo 3 ;; USR1) echo 10 ;;
	USR2) echo 12 ;; TERM) echo 15 ;; WINCH) echo 28 ;; esac
}

t_signals() {
	set_base
	W=$(newdir signals)
	for S in TERM INT HUP QUIT USR1 USR2 WINCH; do
		rm -f "$W/got" "$W/ready"
		$AS env --default-signal=INT,QUIT $CS --timeout 30 -- sh -c \
			"trap 'echo got $S >$W/got; exit 3' $S; echo r >$W/ready; while :; do sleep 0.05; done" \
			</dev/null >/dev/null 2>&1 &
		PID=$!
		wait_file "$W/ready" 10 || diag "$S: the command did not start"
		kill -s "$S" "$PID"
		wait "$PID"
		RC=$?
		is 3 "$RC" "$WHO: SIG$S to clawshim reaches the command's trap (it exits 3)"
		is "got $S" "$(cat "$W/got" 2>/dev/null)" "$WHO: SIG$S: the trap ran"
	done
	i=0
	for S in TERM INT HUP QUIT USR1 USR2; do
		i=$((i + 1))
		N=$(n 90$i)
		$AS env --default-signal=INT,QUIT $CS --timeout 30 -- "$TRY" sleep "$N" </dev/null >/dev/null 2>&1 &
		PID=$!
		appear "^$TRY sleep $N\$" 10 || diag "$S: the command did not start"
		kill -s "$S" "$PID"
		wait "$PID"
		RC=$?
		is $((128 + $(signum "$S"))) "$RC" "$WHO: the command killed by SIG$S: clawshim exits 128+$(signum "$S")"
		reap "^$TRY sleep $N\$"
	done
}

t_timeout() {
	set_base
	W=$(newdir timeout)
	KA=$(mkpolicy "$SCRATCH/$WHO-killafter.ini" <<EOF
[clawshim]
version = 1
[sandbox]
kill_after = 1
EOF
)
	N1=$(n 701); N2=$(n 702); N3=$(n 703)
	ALL="^sleep ($N1|$N2|$N3)\$"
	run_in "$W" $SAFETY $CS --timeout 1 --policy "$KA" -- sh -c \
		"trap '' TERM; sh -c 'sleep $N1; :' & (sleep $N2 &); until pgrep -f '^sleep $N1\$' && pgrep -f '^sleep $N2\$'; do sleep 0.01; done >/dev/null; echo up; sleep $N3; :"
	is 124 "$RC" "$WHO: --timeout 1 on a tree that ignores TERM exits 124"
	is "up" "$OUT" "$WHO: timeout: the tree was up"
	has_line "$ERR" "clawshim: timed out after 1 s" "$WHO: timeout: the message"
	all_prefixed "$ERR" "$WHO: timeout: every stderr line starts with clawshim:"
	is "" "$(pids_of "$ALL")" "$WHO: timeout: nothing survives"
	reap "$ALL"
	run_in "$W" $SAFETY $CS --timeout 1 -- "$TRY" sleep "$N3"
	is 124 "$RC" "$WHO: --timeout 1 on a plain sleep exits 124"
	has_line "$ERR" "clawshim: timed out after 1 s" "$WHO: timeout (plain): the message"
	reap "^$TRY sleep $N3\$"
	run_in "$W" $CS --timeout 30 -- sh -c 'exit 6'
	is 6 "$RC" "$WHO: a command faster than its timeout keeps its own status"
}

t_privileges() {
	W=$(newdir privs)
	# The caller's own flag, as the test user: where it is already 1 the
	# check cannot tell clawshim's doing from the caller's.
	OUTSIDE=$($AS awk '$1 == "NoNewPrivs:" { print $2 }' /proc/self/status)
	run_in "$W" $CS -- grep NoNewPrivs /proc/self/status
	if [ "$OUTSIDE" != 0 ]; then
		skip "$WHO: NoNewPrivs is already $OUTSIDE outside: cannot tell whether clawshim sets it"
	else
		is "NoNewPrivs:	1" "$OUT" "$WHO: no_new_privs is set (outside: 0)"
	fi

	SU=$SCRATCH/suid
	if [ ! -d "$SU" ]; then
		mkdir -p "$SU"
		cp /usr/bin/id /bin/grep "$SU/"
		chown root:root "$SU/id" "$SU/grep"
		chmod 4755 "$SU/id" "$SU/grep"
	fi
	if [ "$WHO" = root ]; then
		CTRL=$("$SU/grep" ^CapEff /proc/self/status | awk '{ print $2 }')
		run_in "$W" $CS -- "$SU/grep" ^CapEff /proc/self/status
		is "CapEff:	0000000000000000" "$OUT" "$WHO: a setuid-root binary gets no capabilities (outside: $CTRL)"
		return
	fi
	CTRL=$($AS "$SU/id" -u)
	if [ "$CTRL" != 0 ]; then
		skip "setuid binaries do not work in $SU here (nosuid?): cannot test that they are inert"
		return
	fi
	run_in "$W" $CS -- "$SU/id" -u
	is 65534 "$OUT" "$WHO: a setuid-root id -u still says 65534 inside (outside: 0)"
	run_in "$W" $CS -- "$SU/grep" -E '^(Uid|CapEff):' /proc/self/status
	has_line "$OUT" "Uid:	65534	65534	65534	65534" "$WHO: setuid-root grep: all uids stay 65534"
	has_line "$OUT" "CapEff:	0000000000000000" "$WHO: setuid-root grep: no capabilities"
}

t_core() {
	W=$(newdir core)
	CTRL=$($AS sh -c 'ulimit -c unlimited && ulimit -c' 2>/dev/null)
	if [ "$CTRL" != unlimited ]; then
		skip "cannot raise the core limit here (hard limit $(ulimit -Hc)): the test could not fail"
		return
	fi
	run_in "$W" sh -c 'ulimit -c unlimited; exec "$@"' sh $CS -- sh -c 'ulimit -c; ulimit -Hc'
	is "0
0" "$OUT" "$WHO: core dumps off (soft and hard core limit 0, caller's unlimited)"
}

t_fds() {
	W=$(newdir fds)
	echo "top secret" >"$W/secret"
	chmod 600 "$W/secret"
	[ "$WHO" = root ] || chown 65534:65534 "$W/secret"
	OPEN='exec 5<"$0" 9<"$0" 200<"$0"; exec "$@"'
	CTRL=$($AS bash -c "$OPEN" "$W/secret" "$TRY" read /proc/self/fd/9)
	is "ok" "$CTRL" "$WHO: (control) unconfined, the inherited fd 9 reads the secret"
	run_in "$W" bash -c "$OPEN" "$W/secret" $CS -- "$TRY" read /proc/self/fd/9
	is "ENOENT" "$OUT" "$WHO: the caller's fd 9 (a secret) is not open inside"
	run_in "$W" bash -c "$OPEN" "$W/secret" $CS -- "$TRY" read /proc/self/fd/5
	is "ENOENT" "$OUT" "$WHO: the caller's fd 5 is not open inside"
	run_in "$W" bash -c "$OPEN" "$W/secret" $CS -- "$TRY" fds
	is "0 1 2" "$OUT" "$WHO: only fds 0 1 2 are open in the command"
	run_in "$W" bash -c "$OPEN" "$W/secret" $CS -- sh -c 'cat /proc/$$/fdinfo/200 2>/dev/null; echo end'
	is "end" "$OUT" "$WHO: the caller's fd 200 is not open inside"
}

t_own_env() {
	W=$(newdir ownenv)
	run_in "$W" env CLAWSHIM_FOO=1 CLAWSHIM_BACKEND=bogus CLAWSHIM_POLICY=/x $CS -- env
	is "" "$(echo "$OUT" | grep -E '^CLAWSHIM_(FOO|POLICY)=')" "$WHO: clawshim's own variables are removed"
	is "CLAWSHIM_BACKEND=$BACKEND" "$(echo "$OUT" | grep '^CLAWSHIM_BACKEND=')" \
		"$WHO: CLAWSHIM_BACKEND names the backend, once"
	# The default's "remove = CLAWSHIM_*" would hide the rule: a policy
	# that empties the list and keeps the name must not bring them back.
	KEEPALL=$(mkpolicy "$SCRATCH/$WHO-keepown.ini" <<EOF
[clawshim]
version = 1
[environment]
remove =
keep = CLAWSHIM_*, CLAWSHIM_FOO
EOF
)
	run_in "$W" env CLAWSHIM_FOO=1 CLAWSHIM_POLICY=/x GPG_AGENT_INFO=t $CS --policy "$KEEPALL" -- env
	is "0" "$RC" "$WHO: a policy with an empty remove list and keep = CLAWSHIM_* runs"
	is "GPG_AGENT_INFO=t" "$(echo "$OUT" | grep "^GPG_AGENT_INFO=")" \
		"$WHO: the emptied remove list is in force (GPG_AGENT_INFO is kept)"
	is "" "$(echo "$OUT" | grep -E '^CLAWSHIM_(FOO|POLICY)=')" \
		"$WHO: clawshim's own variables are removed whatever the policy says"
}

t_capabilities() {
	W=$(newdir caps)
	KEEP=$(mkpolicy "$SCRATCH/$WHO-keepcap.ini" <<EOF
[clawshim]
version = 1
[network]
allow = all
[process]
keep_capabilities = CAP_NET_BIND_SERVICE
EOF
)
	run_in "$W" $CS -- grep ^Cap /proc/self/status
	Z=0000000000000000
	for c in CapInh CapPrm CapEff CapAmb; do
		is "$Z" "$(cap $c)" "$WHO: $c is empty"
	done
	if [ "$WHO" != root ]; then
		diag "nobody: CapBnd inside is $(cap CapBnd) (inert under no_new_privs)"
		run_in "$W" $CS --policy "$KEEP" -- grep ^Cap /proc/self/status
		is "$Z" "$(cap CapEff)" "$WHO: keep_capabilities gives an unprivileged user nothing"
		return
	fi
	is "$Z" "$(cap CapBnd)" "$WHO: CapBnd is empty"
	# Really try what the capabilities would allow.
	echo data >"$W/f000"
	chmod 000 "$W/f000"
	echo data >"$W/mine"
	is "ok" "$("$TRY" read "$W/f000")" "$WHO: (control) outside, root reads a mode-000 file"
	run_in "$W" $CS -- "$TRY" read "$W/f000"
	is "EACCES" "$OUT" "$WHO: without CAP_DAC_OVERRIDE a mode-000 file is unreadable"
	run_in "$W" $CS -- "$TRY" chown "$W/mine" 65534
	is "EPERM" "$OUT" "$WHO: without CAP_CHOWN chown fails"
	is "ok" "$("$TRY" bind 1009)" "$WHO: (control) outside, root binds port 1009"
	run_in "$W" $CS --allow-net -- "$TRY" bind 1009
	is "EACCES" "$OUT" "$WHO: without CAP_NET_BIND_SERVICE binding port 1009 fails"

	run_in "$W" $CS --policy "$KEEP" -- grep ^Cap /proc/self/status
	is 0000000000000400 "$(cap CapBnd)" "$WHO: keep_capabilities = CAP_NET_BIND_SERVICE: exactly that bit in CapBnd"
	is 0000000000000400 "$(cap CapEff)" "$WHO: keep_capabilities: exactly that bit in CapEff"
	is "$Z" "$(cap CapInh)" "$WHO: keep_capabilities: CapInh still empty"
	run_in "$W" $CS --policy "$KEEP" -- "$TRY" bind 1009
	is "ok" "$OUT" "$WHO: keep_capabilities: binding port 1009 works"
	run_in "$W" $CS --policy "$KEEP" -- "$TRY" read "$W/f000"
	is "EACCES" "$OUT" "$WHO: keep_capabilities: CAP_DAC_OVERRIDE still dropped"
}

for_each_user t_session
for_each_user t_tiocsti
for_each_user t_setsid
for_each_user t_die_parent_killed
for_each_user t_die_parent_exits
for_each_user t_die_clawshim_killed
for_each_user t_die_command_exits
for_each_user t_signals
for_each_user t_timeout
for_each_user t_privileges
for_each_user t_core
for_each_user t_fds
for_each_user t_own_env
for_each_user t_capabilities
done_testing
