#!/bin/sh
# SPDX-License-Identifier: MIT
# The audit log, black-box: each event type with its fields (parsed by
# python3's json module), the command unable to read, append to,
# truncate, rename or delete the log, four clawshims rotating at once
# without a lost or split line, a symlinked or group-writable log refused
# with file:line, a full disk reported, the refusal summary on stderr.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || { skip "python3 is missing: the events cannot be parsed"; done_testing; }

BASE=/var/lib/clawshim-test/audit-$$
mkdir -p "$BASE"
chmod 755 /var/lib/clawshim-test "$BASE"
trap 'rm -rf "$SCRATCH" "$BASE"' EXIT

# The checker: python3 CHECK LOG MODE [ARGS]; prints "ok" or what is wrong.
CHECK=$BASE/check.py
cat >"$CHECK" <<'EOF'
import hashlib, json, sys
log, mode, args = sys.argv[1], sys.argv[2], sys.argv[3:]
ev = [json.loads(l) for l in open(log, encoding="ascii")]
def need(e, keys):
    miss = [k for k in keys if k not in e]
    if miss:
        sys.exit("%s event lacks %s" % (e.get("event"), miss))
START = ["run", "workspace", "time", "version", "backend", "uid", "gid", "clawshim_pid",
         "ppid", "parent_exe", "cwd", "argv", "options", "argv_truncated", "layers", "guarantees", "pid"]
END = ["run", "time", "status", "exit", "signal", "timed_out", "leftovers_killed", "denies_not_logged", "command_pid", "duration_ms"]
DENY = ["run", "time", "kind", "object", "pid", "exe"]
runs = {}
for e in ev:
    need(e, {"start": START, "end": END, "deny": DENY}[e["event"]])
    runs.setdefault(e["run"], []).append(e)
last = runs[ev[-1]["run"]]
if mode == "start":            # start ARGV-JSON POLICYFILE UID
    s = last[0]
    assert s["event"] == "start", s
    assert s["argv"] == json.loads(args[0]), s["argv"]
    assert s["options"] == ["--policy", args[1], "--"], s["options"]
    assert s["uid"] == int(args[2]) and isinstance(s["pid"], int) and s["pid"] > 1
    assert s["version"] and s["backend"] and s["time"].endswith("Z")
    assert "ENV_SECRET_VALUE" not in open(log).read()
    lay = [l for l in s["layers"] if l["path"] == args[1]]
    assert lay and lay[0]["sha256"] == hashlib.sha256(open(args[1], "rb").read()).hexdigest(), s["layers"]
    g = s["guarantees"]
    assert g and all(set(x) == {"what", "enforced", "required", "how", "why_not"} for x in g)
    assert last[-1]["event"] == "end" and last[-1]["status"] == 3 and last[-1]["exit"] == 3
elif mode == "end":            # end STATUS EXIT SIGNAL TIMED_OUT LEFTOVERS
    e = last[-1]
    want = [int(args[0]), None if args[1] == "-" else int(args[1]),
            None if args[2] == "-" else int(args[2]), args[3] == "1", args[4] == "1"]
    got = [e["status"], e["exit"], e["signal"], e["timed_out"], e["leftovers_killed"]]
    assert got == want, (got, want)
    # null only when the command ended before clawshim could read its PID
    assert e["duration_ms"] >= 0 and (e["command_pid"] is None or e["command_pid"] > 2), e
elif mode == "deny":           # deny KIND OBJECT...: these refusals, in order
    d = [(x["kind"], x["object"]) for x in last if x["event"] == "deny"]
    want = [(args[i], args[i + 1]) for i in range(0, len(args), 2)]
    assert d == want, (d, want)
    assert all(x["pid"] > 0 and x["exe"] for x in last if x["event"] == "deny" and x["kind"] != "protected-path")
elif mode == "trunc":          # trunc: the long argument was cut, and said so
    s = last[0]
    assert s["argv_truncated"] is True and len(s["argv"][-1]) == 4096, (s["argv_truncated"], len(s["argv"][-1]))
elif mode == "count":          # count RUNS: every run has one start and one end
    bad = [r for r, es in runs.items() if [x["event"] for x in es] != ["start", "end"]]
    assert not bad and len(runs) == int(args[0]), (len(runs), bad[:3])
print("ok")
EOF

# py LOG MODE ARGS...: the checker's verdict as a TAP result.
py() {
	_what=$1; shift
	_r=$(python3 "$CHECK" "$@" 2>&1 | tail -1)
	is ok "$_r" "$_what"
}

# newws NAME: a workspace and an outside directory under $BASE (not /tmp,
# which the default policy grants), owned by the test user.
newws() {
	_w=$BASE/$WHO-$1
	rm -rf "$_w"
	mkdir -p "$_w/ws" "$_w/out"
	[ "$WHO" = root ] || chown -R 65534:65534 "$_w"
	echo "$_w"
}

events() {
	d=$(newws events)
	log=$d/out/logs/audit.log
	pol=$(mkpolicy "$d/out/pol.ini" <<EOF
[clawshim]
version = 1
[log]
file = $log
EOF
)
	[ "$WHO" = root ] || chown 65534:65534 "$pol"
	# argv with control bytes and a byte that is not UTF-8.
	run_in "$d/ws" env ENV_SECRET_VALUE=1 "$CLAWSHIM" --policy "$pol" -- sh -c 'exit 3' "a
b" "$(printf 'tab\tesc\033\001')" "$(printf 'bad\377')"
	is 3 "$RC" "events as $WHO: the command's status"
	st=$($AS stat -c %a "$log" 2>&1)
	is 600 "$st" "events as $WHO: the log is created 0600"
	py "events as $WHO: start event fields, argv escaped, layer hash, no environment" \
		"$log" start '["sh","-c","exit 3","a\nb","tab\tesc\u001b\u0001","bad\ufffd"]' "$pol" "$($AS id -u)"

	run_in "$d/ws" "$CLAWSHIM" --policy "$pol" -- true "$(head -c 10000 /dev/zero | tr '\0' a)"
	py "events as $WHO: a 10000-byte argument is cut at 4096, argv_truncated" "$log" trunc
	run_in "$d/ws" "$CLAWSHIM" --policy "$pol" --timeout 1 -- sleep 30
	is 124 "$RC" "events as $WHO: timeout"
	py "events as $WHO: end event of a timeout" "$log" end 124 - 15 1 0
	run_in "$d/ws" "$CLAWSHIM" --policy "$pol" -- sh -c 'kill -9 $$'
	is 137 "$RC" "events as $WHO: killed by a signal"
	py "events as $WHO: end event of a signal" "$log" end 137 - 9 0 0
	run_in "$d/ws" "$CLAWSHIM" --policy "$pol" -- sh -c 'sleep 60 & exit 0'
	is 0 "$RC" "events as $WHO: leftovers"
	py "events as $WHO: end event says leftovers were killed" "$log" end 0 0 - 0 1

	# Refusals the supervisor sees: a unix connect, a chmod outside the
	# writable paths, a protected path created (moved aside).
	python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$d/out/s.sock"
	chmod 777 "$d/out/s.sock"
	: >"$d/out/file"
	mkdir "$d/ws/.git"
	[ "$WHO" = root ] || chown -R 65534:65534 "$d"
	run_in "$d/ws" "$CLAWSHIM" --policy "$pol" --read-only "$d/out" -- python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
try: s.connect(sys.argv[1]); print("connected")
except OSError as e: print("connect", e.errno)
try: os.chmod(sys.argv[2], 0o777); print("chmodded")
except OSError as e: print("chmod", e.errno)
os.mkdir(".git/hooks")
open(".git/hooks/pre-commit", "w").write("#!/bin/sh\n")
' "$d/out/s.sock" "$d/out/file"
	is "connect 13
chmod 1" "$OUT" "deny as $WHO: the connect and the chmod were refused"
	py "deny as $WHO: deny events for each, with pid and exe" "$log" deny \
		unix-connect "$d/out/s.sock" chmod "$d/out/file" protected-path "$d/ws/.git/hooks/pre-commit"
	has_line "$ERR" "clawshim: refused: 1 unix-connect ($d/out/s.sock); 1 chmod ($d/out/file); 1 protected-path ($d/ws/.git/hooks/pre-commit); see clawshim --last" \
		"deny as $WHO: one summary line on stderr"
	run_in "$d/ws" "$CLAWSHIM" --policy "$pol" --last
	like "$OUT" "*refused unix-connect $d/out/s.sock (pid *" "--last as $WHO: names the refused connect"
	like "$OUT" "* end: status 0*" "--last as $WHO: ends with the end event"
	run_in "$d/ws" "$CLAWSHIM" --policy "$pol" --last --json
	n=$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; print(sorted({json.loads(l)["event"] for l in sys.stdin}))')
	is "['deny', 'end', 'start']" "$n" "--last --json as $WHO: the latest run's events, as JSON"

	# The summary works without a log; quiet = yes turns it off.
	rm -rf "$d/ws/.git/hooks"* 
	run_in "$d/ws" "$CLAWSHIM" -- python3 -c 'import os,sys; os.chmod(sys.argv[1], 0o777)' "$d/out/file"
	has_line "$ERR" "clawshim: refused: 1 chmod ($d/out/file)" "summary as $WHO: without a log file"
	q=$(mkpolicy "$d/out/quiet.ini" <<EOF
[clawshim]
version = 1
[log]
quiet = yes
EOF
)
	run_in "$d/ws" "$CLAWSHIM" --policy "$q" -- python3 -c 'import os,sys; os.chmod(sys.argv[1], 0o777)' "$d/out/file"
	case $ERR in *refused:*) ok 1 "summary as $WHO: quiet = yes turns it off"; diag "$ERR" ;;
	*) ok 0 "summary as $WHO: quiet = yes turns it off" ;; esac
	printf '[clawshim]\nversion = 1\n[log]\nquiet = yes\n' >"$d/ws/.clawshim.ini"
	run_in "$d/ws" "$CLAWSHIM" -- true
	is 125 "$RC" "workspace as $WHO: quiet = yes refused"
	has_line "$ERR" "clawshim: $d/ws/.clawshim.ini:4: 'quiet' would widen access; the workspace policy may only tighten" \
		"workspace as $WHO: the refusal names file:line"
	printf '[clawshim]\nversion = 1\n[log]\nenabled = no\n' >"$d/ws/.clawshim.ini"
	run_in "$d/ws" "$CLAWSHIM" --policy "$pol" -- true
	is 125 "$RC" "workspace as $WHO: enabled = no refused"
	rm -f "$d/ws/.clawshim.ini"
}
for_each_user events

# A command refused in a loop: the run logs at most 256 deny events and
# counts the rest in its end event, so it cannot rotate other runs' events
# away; an object's C1 control bytes never reach the summary on stderr.
flood() {
	d=$(newws flood)
	log=$d/out/logs/audit.log
	f=$(printf '%s/out/x\302\2332J\233' "$d")
	: >"$f"
	[ "$WHO" = root ] || chown -R 65534:65534 "$d"
	run_in "$d/ws" "$CLAWSHIM" --log "$log" --read-only "$d/out" -- python3 -c '
import os, sys
for i in range(300):
    try: os.chmod(sys.argv[1], 0o777)
    except OSError: pass
' "$f"
	is 0 "$RC" "flood as $WHO: runs"
	r=$(python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
print(sum(e["event"] == "deny" for e in ev), ev[-1]["event"], ev[-1]["denies_not_logged"],
      isinstance(ev[-1]["command_pid"], int) and ev[-1]["command_pid"] > 2)' "$log" 2>&1)
	is "256 end 44 True" "$r" "flood as $WHO: 256 deny events logged, 44 counted in the end event, the host PID named"
	case $ERR in *"$(printf '\302')"*|*"$(printf '\233')"*) ok 1 "flood as $WHO: no C1 byte on stderr"; diag "$ERR" ;;
	*) ok 0 "flood as $WHO: no C1 byte on stderr" ;; esac
	like "$ERR" "*refused: 300 chmod ($d/out/x\\?\\?2J\\?)*" "flood as $WHO: the summary counts all 300, object in ASCII"
}
for_each_user flood

# allow = domains: a direct connect the supervisor refused is a "net"
# event with the program that tried.
netev() {
	d=$(newws net)
	log=$d/out/logs/audit.log
	run_in "$d/ws" "$CLAWSHIM" --log "$log" --allow-domain example.invalid -- python3 -c '
import socket
try: socket.create_connection(("127.0.0.1", 9), timeout=5)
except OSError as e: print("direct", e.errno)'
	is "direct 13" "$OUT" "net as $WHO: a direct connect is refused (EACCES)"
	r=$(python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
n = [e for e in ev if e["event"] == "net"]
print(len(n), n[0]["via"], n[0]["verdict"], n[0]["host"], n[0]["reason"], n[0]["exe"], n[0]["pid"] > 0)' "$log" 2>&1)
	is "1 direct refused 127.0.0.1:9 not-via-proxy python3 True" "$r" "net as $WHO: one net event, with host, reason and program"
}
for_each_user netev

# attack LOG WS OUT: from inside, try to read, append to, truncate, rename
# and delete the log and its lock; all must fail and the log stay whole.
attack() {
	_log=$1 _ws=$2 _how=$3; shift 3
	_before=$(wc -l <"$_log")
	_sum=$(head -n "$_before" "$_log" | sha256sum)
	run_in "$_ws" "$CLAWSHIM" "$@" -- sh -c '
		cat "$1" >/dev/null 2>&1 && echo read
		echo forged >>"$1" 2>/dev/null && echo appended
		(: >"$1") 2>/dev/null && echo truncated
		truncate -s 0 "$1" 2>/dev/null && echo truncated
		mv "$1" "$1.x" 2>/dev/null && echo renamed
		rm "$1" 2>/dev/null && echo deleted
		ls "$(dirname "$1")" >/dev/null 2>&1 && echo listed
		(: >"$1.lock") 2>/dev/null && echo lock
		ln "$1" "$1.hard" 2>/dev/null && echo linked
		for f in /proc/$$/fd/*; do case $(readlink "$f") in *audit*) echo "fd $f";; esac; done
		echo inside' sh "$_log"
	is inside "$OUT" "protect $_how as $WHO: no read, append, truncate, rename, delete, link or inherited fd"
	_after=$(wc -l <"$_log")
	is $((_before + 2)) "$_after" "protect $_how as $WHO: the log grew by exactly its two events"
	is "$_sum" "$(head -n "$_before" "$_log" | sha256sum)" "protect $_how as $WHO: earlier lines intact"
}

protect() {
	d=$(newws protect)
	# A custom location outside every grant.
	log=$d/out/logs/audit.log
	run_in "$d/ws" "$CLAWSHIM" --log "$log" -- true
	attack "$log" "$d/ws" "custom" --log "$log"
	# The wrapper backends hide it as they hide a deny path.
	for b in bwrap firejail; do
		# firejail admits root only (never 'nobody'): not a missing mechanism.
		[ "$b" = firejail ] && [ "$WHO" != root ] && continue
		run_in "$d/ws" "$CLAWSHIM" --backend "$b" -- true
		if [ "$RC" = 0 ]; then
			attack "$log" "$d/ws" "custom, $b" --backend "$b" --log "$log"
		else
			skip "backend $b cannot run here as $WHO"
		fi
	done
	# Inside the workspace: denied like a deny path inside a grant.
	log=$d/ws/.audit/audit.log
	run_in "$d/ws" "$CLAWSHIM" --log "$log" -- true
	is 0 "$RC" "protect in-workspace as $WHO: runs"
	[ "$RC" = 0 ] && attack "$log" "$d/ws" "in-workspace" --log "$log"
	# The default location: enabled = yes, $XDG_STATE_HOME unset.
	home=$d/home
	mkdir -p "$home"
	[ "$WHO" = root ] || chown 65534:65534 "$home"
	printf '[clawshim]\nversion = 1\n[log]\nenabled = yes\n' >"$d/ws/.clawshim.ini"
	[ "$WHO" = root ] || chown 65534:65534 "$d/ws/.clawshim.ini"
	chmod 644 "$d/ws/.clawshim.ini"
	SAVED_AS=$AS
	AS="${AS:-env} HOME=$home XDG_STATE_HOME="
	run_in "$d/ws" "$CLAWSHIM" -- true
	is 0 "$RC" "default location as $WHO: the workspace turns the log on"
	log=$home/.local/state/clawshim/audit.log
	[ -f "$log" ]; ok $? "default location as $WHO: $log"
	attack "$log" "$d/ws" "default"
	run_in "$d/ws" "$CLAWSHIM" --explain -- true
	like "$OUT" "*deny = ?$home/.local/state/clawshim ; audit log*" "explain as $WHO: the log's directory is denied"
	AS=$SAVED_AS
	rm -f "$d/ws/.clawshim.ini"
}
for_each_user protect

refuse() {
	d=$(newws refuse)
	mkdir -p "$d/out/logs"
	ln -s "$d/out/target" "$d/out/logs/audit.log"
	[ "$WHO" = root ] || chown -R 65534:65534 "$d"
	pol=$(mkpolicy "$d/out/pol.ini" <<EOF
[clawshim]
version = 1
[log]
file = $d/out/logs/audit.log
EOF
)
	run_in "$d/ws" "$CLAWSHIM" --policy "$pol" -- touch "$d/ws/ran"
	is 125 "$RC" "refuse as $WHO: a symlinked log"
	has_line "$ERR" "clawshim: $pol:4: cannot log to $d/out/logs/audit.log: a symbolic link" \
		"refuse as $WHO: symlink, file:line"
	[ ! -e "$d/ws/ran" ] && [ ! -e "$d/out/target" ]; ok $? "refuse as $WHO: nothing ran, nothing written"
	rm "$d/out/logs/audit.log"
	$AS sh -c "umask 0; : >'$d/out/logs/audit.log'; chmod 620 '$d/out/logs/audit.log'"
	run_in "$d/ws" "$CLAWSHIM" --policy "$pol" -- touch "$d/ws/ran"
	is 125 "$RC" "refuse as $WHO: a group-writable log"
	has_line "$ERR" "clawshim: $pol:4: cannot log to $d/out/logs/audit.log: writable by group or others" \
		"refuse as $WHO: group-writable, file:line"
	[ ! -e "$d/ws/ran" ]; ok $? "refuse as $WHO: nothing ran"
	rm "$d/out/logs/audit.log"
	chmod 770 "$d/out/logs"
	run_in "$d/ws" "$CLAWSHIM" --policy "$pol" -- touch "$d/ws/ran"
	is 125 "$RC" "refuse as $WHO: a group-writable directory"
	like "$ERR" "clawshim: $pol:4: cannot log to $d/out/logs/audit.log: its directory $d/out/logs is writable by others or not yours*" \
		"refuse as $WHO: group-writable directory, file:line"
	[ ! -e "$d/ws/ran" ]; ok $? "refuse as $WHO: nothing ran"
}
for_each_user refuse

# Four clawshims at once, 25 runs each, rotating every event or two.
concurrent() {
	d=$(newws conc)
	log=$d/out/logs/audit.log
	pol=$(mkpolicy "$d/out/pol.ini" <<EOF
[clawshim]
version = 1
[log]
file = $log
max_size = 8k
keep = 1000
EOF
)
	for i in 1 2 3 4; do
		(cd "$d/ws" && for j in $(seq 25); do $AS "$CLAWSHIM" --policy "$pol" -- true; done) &
	done
	wait
	cat "$log".* "$log" 2>/dev/null | grep -c . >"$d/n"
	n=$(ls "$log".* | wc -l)
	[ "$n" -gt 20 ]; ok $? "concurrent as $WHO: the log rotated ($n files)"
	cat $(ls "$log".* | sort -t. -k3 -n -r) "$log" >"$d/all"
	py "concurrent as $WHO: 100 runs, each one start and one end, every line whole" "$d/all" count 100
}
for_each_user concurrent

# Under another clawshim the log is out of reach: the inner one runs
# unlogged and says so; without the outer's variable it refuses.
nested() {
	d=$(newws nested)
	log=$d/out/logs/audit.log
	run_in "$d/ws" "$CLAWSHIM" --read-only "$TOP" --log "$log" -- "$CLAWSHIM" --log "$log" -- sh -c 'echo inner ran'
	is "inner ran" "$OUT" "nested as $WHO: the inner command runs"
	has_line "$ERR" "clawshim: audit log $log: out of reach under an outer clawshim; this run is not logged (the outer one logged the command that started it)" \
		"nested as $WHO: ... and says it is not logged"
	run_in "$d/ws" "$CLAWSHIM" --read-only "$TOP" --log "$log" -- env -u CLAWSHIM_BACKEND "$CLAWSHIM" --log "$log" -- sh -c 'echo inner ran'
	is 125 "$RC" "nested as $WHO: without CLAWSHIM_BACKEND the inner one refuses"
	like "$ERR" "*clawshim: command line: cannot log to $log: Permission denied*" "nested as $WHO: ... because the log is out of reach"
	is 4 "$(wc -l <"$log")" "nested as $WHO: the outer runs are logged"
}
for_each_user nested

# A full disk: a 64k tmpfs in a private mount namespace.
full() {
	d=$(newws full)
	mkdir -p "$d/fs"
	AS=$AS unshare -m sh -c '
		mount -t tmpfs -o size=64k,mode=755 tmpfs "$1" || exit 99
		mkdir -p "$1/data" "$1/logs"; chmod 700 "$1/logs"
		[ "$2" = root ] || chown 65534:65534 "$1/data" "$1/logs"
		cd "$3"
		# The disk fills while the command runs: said at exit.
		$AS "$4" --log "$1/logs/audit.log" --read-write "$1/data" -- \
			python3 -c "$6" "$1" \
			>"$5/out1" 2>"$5/err1"
		echo $? >"$5/rc1"
		cp "$1/logs/audit.log" "$5/log1"
		# Full before it starts: nothing runs.
		$AS "$4" --log "$1/logs/audit.log" -- touch "$3/ran" >"$5/out2" 2>"$5/err2"
		echo $? >"$5/rc2"
	' sh "$d/fs" "$WHO" "$d/ws" "$CLAWSHIM" "$d/out" '
import os, sys
# Fill the disk, then make the supervisor log refusals it has no room for.
try:
    with open(sys.argv[1] + "/data/fill", "wb") as f:
        while True:
            f.write(bytes(4096)); f.flush()
except OSError:
    pass
for i in range(60):
    try: os.chmod("/etc/hostname", 0o777)
    except OSError: pass
'
	if [ "$(cat "$d/out/rc1" 2>/dev/null)" = "" ]; then
		skip "cannot mount a tmpfs in a private mount namespace here"
		return
	fi
	is 0 "$(cat "$d/out/rc1")" "full disk as $WHO: the command's status is kept"
	like "$(cat "$d/out/err1")" "*clawshim: audit log $d/fs/logs/audit.log: * events could not be written: No space left on device*" \
		"full disk as $WHO: reported on stderr at exit"
	python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]; print("ok")' "$d/out/log1" >"$d/out/v" 2>&1
	is ok "$(cat "$d/out/v")" "full disk as $WHO: the log holds whole lines only"
	is 125 "$(cat "$d/out/rc2")" "full disk as $WHO: no room for the start event: 125"
	like "$(cat "$d/out/err2")" "clawshim: audit log $d/fs/logs/audit.log: cannot write the start event: No space left on device*" \
		"full disk as $WHO: says why"
	[ ! -e "$d/ws/ran" ]; ok $? "full disk as $WHO: nothing ran"
}
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1; then
	for_each_user full
else
	skip "the full-disk test mounts a tmpfs: needs root and unshare"
fi

done_testing
