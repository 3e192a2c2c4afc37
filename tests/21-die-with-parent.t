#!/bin/sh
# SPDX-License-Identifier: MIT
# 21-die-with-parent.t: die-with-parent against what agents and hostile
# commands really do (DESIGN.md §4), on landlock and bwrap, as root and as
# uid 65534: the agent's SIGKILL to clawshim's whole process group (pi:
# spawn detached, then kill(-pid, SIGKILL)), processes that keep forking
# and exiting to outrun a scan (clawshim SIGKILLed alone, or the agent
# killed), each repeated; ordinary work (status, signals, timeout, pipes,
# a background job) unaffected; --explain names the mechanism.
. "$(dirname "$0")/lib.sh"

CHURN=$TOP/tests/helpers/churn
REPS=${DWP_REPS:-10}
MARK=dwp$$

# Unique sleep durations per run, backend and user (pgrep finds ours only).
set_base() {
	SB=$((2000000 + ($$ % 30000) * 3000))
	[ "$WHO" = root ] || SB=$((SB + 1000))
	[ "$B" = bwrap ] && SB=$((SB + 500))
	M="$MARK-$WHO-$B"
}
n() { echo $((SB + $1)); }

appear() {
	_i=0
	until pgrep -f "$1" >/dev/null 2>&1; do
		_i=$((_i + 1))
		[ "$_i" -gt $(($2 * 20)) ] && return 1
		sleep 0.05
	done
}

# survivors REGEX: "pid args" of every process left that matches.
survivors() {
	for _p in $(pids_of "$1"); do
		echo "$_p $(tr '\0' ' ' </proc/$_p/cmdline 2>/dev/null)"
	done
}

# reap_all REGEX: SIGKILL by pid, again and again (a churner moves on).
reap_all() {
	_i=0
	while [ -n "$(pids_of "$1")" ] && [ $_i -lt 200 ]; do
		for _p in $(pids_of "$1"); do kill -9 "$_p" 2>/dev/null; done
		_i=$((_i + 1))
		sleep 0.01
	done
}

usable() {
	W=$(newdir probe-$B)
	run_in "$W" $CS -- true
	[ "$RC" -eq 0 ] && return 0
	skip "$WHO: clawshim --backend $B cannot run here: $ERR"
	return 1
}

# (1) pi: the command in a session and process group of its own, the
# agent SIGKILLs the whole group on a timeout.
t_group_kill() {
	set_base
	W=$(newdir grp-$B)
	N1=$(n 1); N2=$(n 2); N3=$(n 3); N4=$(n 4); N5=$(n 5)
	ALL="^sleep ($N1|$N2|$N3|$N4|$N5)\$|^($CHURN|churn) $M"
	bad=0
	for i in $(seq 1 "$REPS"); do
		rm -f "$W/ready" "$W/pid"
		# setsid(1) in a process that leads no group: no fork, so the
		# PID written is clawshim's, and its process group's.
		$AS $PRE sh -c 'echo $$ >"$0"; exec setsid "$@"' "$W/pid" $CS -- sh -c \
			"sleep $N1 & sleep $N2 & (setsid sleep $N3 &) ; (sleep $N4 &)
$CHURN $M & sleep $N5 & echo ready >$W/ready; wait" </dev/null >/dev/null 2>&1 &
		BG=$!
		wait_file "$W/ready" 10 && appear "^sleep $N5\$" 10 && appear "^sleep $N4\$" 10 ||
			{ bad=$((bad + 1)); diag "round $i: the tree did not start"; }
		sleep 0.1
		PG=$(cat "$W/pid")
		/bin/kill -s KILL -- "-$PG"
		if ! gone_within "$ALL" 10; then
			bad=$((bad + 1))
			diag "round $i: survivors: $(survivors "$ALL")"
		fi
		reap_all "$ALL"
		wait "$BG" 2>/dev/null
	done
	is 0 "$bad" "$WHO/$B: (1) SIGKILL to clawshim's process group: nothing of the sandbox left after 1 s, $REPS rounds"
}

# (2) a churner (forks a copy and exits, forever) and a marked sleeper;
# clawshim SIGKILLed alone ($1 = cs) or the agent that started it ($1 =
# agent).
t_churn() {
	set_base
	W=$(newdir churn-$1-$B)
	N6=$(n 6)
	ALL="^sleep $N6\$|^($CHURN|churn) $M"
	bad=0
	for i in $(seq 1 "$REPS"); do
		rm -f "$W/ready" "$W/ppid"
		if [ "$1" = agent ]; then
			$AS $PRE sh -c 'echo $$ >"$0"; "$@"; :' "$W/ppid" $CS -- sh -c \
				"$CHURN $M & $CHURN $M & sleep $N6 & echo ready >$W/ready; wait" \
				</dev/null >/dev/null 2>&1 &
		else
			$AS $PRE sh -c 'echo $$ >"$0"; exec "$@"' "$W/ppid" $CS -- sh -c \
				"$CHURN $M & $CHURN $M & sleep $N6 & echo ready >$W/ready; wait" \
				</dev/null >/dev/null 2>&1 &
		fi
		BG=$!
		wait_file "$W/ready" 10 && appear "^sleep $N6\$" 10 && appear "churn $M" 10 ||
			{ bad=$((bad + 1)); diag "round $i: the tree did not start"; }
		sleep 0.2
		kill -9 "$(cat "$W/ppid")"
		if ! gone_within "$ALL" 10; then
			bad=$((bad + 1))
			diag "round $i: survivors: $(survivors "$ALL")"
		fi
		reap_all "$ALL"
		wait "$BG" 2>/dev/null
	done
	if [ "$1" = agent ]; then what="the agent SIGKILLed"; else what="clawshim SIGKILLed"; fi
	is 0 "$bad" "$WHO/$B: (2) fork churners and a sleeper, $what: none left after 1 s, $REPS rounds"
}

# (3) ordinary work is unaffected.
t_work() {
	set_base
	W=$(newdir work-$B)
	run_in "$W" $PRE $CS -- sh -c 'echo out; exit 3'
	is "3 out" "$RC $OUT" "$WHO/$B: (3) the command's exit status and output"
	run_in "$W" $PRE $CS -- sh -c 'printf "a\nb\nc\n" | grep -c . | tr 3 x'
	is "0 x" "$RC $OUT" "$WHO/$B: (3) a pipeline"
	run_in "$W" $PRE $CS -- sh -c '(sleep 0.3; echo bg) & wait; echo fg'
	is "0 bg
fg" "$RC $OUT" "$WHO/$B: (3) a background job the command waits for"
	run_in "$W" $PRE $CS -- sh -c 'kill -USR1 $$'
	is 138 "$RC" "$WHO/$B: (3) killed by a signal: 128+N"
	rm -f "$W/ready" "$W/got" "$W/pid"
	$AS $PRE sh -c 'echo $$ >"$0"; exec "$@"' "$W/pid" $CS -- sh -c \
		"trap 'echo got >$W/got; exit 7' TERM; echo r >$W/ready; while :; do sleep 0.05; done" \
		</dev/null >/dev/null 2>&1 &
	P=$!
	wait_file "$W/ready" 10
	kill -TERM "$(cat "$W/pid")"
	wait "$P"
	is "7 got" "$? $(cat "$W/got" 2>/dev/null)" "$WHO/$B: (3) TERM to clawshim reaches the command's trap"
	N7=$(n 7)
	run_in "$W" $SAFETY $PRE $CS --timeout 1 -- sh -c "sleep $N7 & sleep $N7; :"
	is 124 "$RC" "$WHO/$B: (3) --timeout: exit 124"
	is "" "$(pids_of "^sleep $N7\$")" "$WHO/$B: (3) --timeout: the tree is gone"
	reap_all "^sleep $N7\$"
	[ "$B" = landlock ] || return 0
	# The namespace's init: the command can neither kill nor stop it.
	run_in "$W" $PRE $CS -- sh -c "$TOP/tests/helpers/try kill 1 9; $TOP/tests/helpers/try kill 1 19; echo alive"
	is "0 EPERM
EPERM
alive" "$RC $OUT" "$WHO/$B: (3) the command cannot SIGKILL or SIGSTOP its init (PID 1)"
}

t_explain() {
	OUT=$($AS $CS --explain -- true 2>&1)
	case $B in
	bwrap) like "$OUT" "*kernel kills*namespace*" "$WHO/$B: --explain: bwrap's PID namespace holds die-with-parent" ;;
	*) like "$OUT" "*enforced      every process started dies with clawshim*PID namespace*" \
		"$WHO/$B: --explain: a PID namespace holds die-with-parent here" ;;
	esac
}

# Where no PID namespace can be made (here: an unprivileged user under
# bwrap --disable-userns, as in a container that refuses user
# namespaces): the subreaper init holds the same three attacks.
t_fallback() {
	[ "$WHO" = root ] && return 0
	if ! command -v bwrap >/dev/null 2>&1; then
		skip "bwrap is missing: cannot make a host without user namespaces"
		return 0
	fi
	B=landlock
	CS="$CLAWSHIM --backend $B --read-only $TOP/tests/helpers"
	PRE="bwrap --unshare-user --disable-userns --dev-bind / / --"
	OUT=$($AS $PRE $CS --explain -- true 2>&1)
	like "$OUT" "*not enforced  processes that keep forking*no PID namespace here*" \
		"$WHO/no-userns: --explain says plainly that no PID namespace holds it"
	like "$OUT" "*every process started dies with clawshim*by an init outside clawshim's process group*" \
		"$WHO/no-userns: --explain names the subreaper init"
	B=fallback
	t_work
	t_group_kill
	t_churn cs
	t_churn agent
	PRE=""
}

PRE=""
t_all() {
	for B in landlock bwrap; do
		[ "$B" = bwrap ] && ! command -v bwrap >/dev/null 2>&1 && { skip "bwrap is missing"; continue; }
		CS="$CLAWSHIM --backend $B --read-only $TOP/tests/helpers"
		usable || continue
		t_explain
		t_work
		t_group_kill
		t_churn cs
		t_churn agent
	done
}

for_each_user t_all
for_each_user t_fallback
done_testing
