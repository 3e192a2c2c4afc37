#!/bin/sh
# SPDX-License-Identifier: MIT
# 61-firejail.t: the firejail backend on the built-in default policy.  As
# root: the secret in the scratch HOME and files outside the policy stay
# unreadable, writes outside fail, no network, ordinary work and exit
# codes pass through, and SIGKILLing clawshim leaves nothing behind.  As
# uid 65534, which firejail never admits: clawshim's clear refusal.
. "$(dirname "$0")/lib.sh"

FJ=$(command -v firejail 2>/dev/null)
if [ -z "$FJ" ]; then
	skip "firejail is not installed"
	done_testing
fi

outside_dir clawshim-t61
echo "OUTSIDE-SECRET" >"$OUTSIDE/notes.txt"
chmod 644 "$OUTSIDE/notes.txt"
trap 'rm -rf "$SCRATCH" "$OUTSIDE"' EXIT

sb() { run_in "$W" $CLAWSHIM --backend firejail -- "$@"; }

t61() {
	W=$(newdir ws)
	mkdir -p "$HOMEDIR/.ssh"
	echo "FJ-SECRET-$WHO" >"$HOMEDIR/.ssh/id_rsa"
	[ "$WHO" = root ] || chown -R 65534:65534 "$HOMEDIR/.ssh"

	run_in "$W" $CLAWSHIM --backend firejail -- true
	if [ "$WHO" != root ] && [ "$RC" = 125 ]; then
		# firejail's own rule: never 'nobody', system users only when listed.
		like "$ERR" "clawshim: command line*: backend firejail cannot run here: firejail refuses user nobody (uid 65534): it allows only root and the users listed in /etc/firejail/firejail.users, never 'nobody'*" \
			"$WHO: firejail's refusal of the user is said clearly"
		all_prefixed "$ERR" "$WHO: nothing but clawshim's own lines (firejail never ran)"
		return
	fi
	if [ "$RC" = 125 ]; then
		skip "firejail cannot run here: $ERR"
		return
	fi
	is 0 "$RC" "$WHO: a command runs under firejail"

	sb sh -c 'echo $CLAWSHIM_BACKEND $container'
	is "firejail firejail" "$OUT" "$WHO: inside firejail, CLAWSHIM_BACKEND=firejail"

	sb cat "$HOMEDIR/.ssh/id_rsa"
	ok $([ "$RC" -ne 0 ] && echo 0 || echo 1) "$WHO: the secret in HOME cannot be read"
	case "$OUT" in *FJ-SECRET*) ok 1 "$WHO: the secret is not printed" ;; *) ok 0 "$WHO: the secret is not printed" ;; esac

	sb cat "$OUTSIDE/notes.txt"
	ok $([ "$RC" -ne 0 ] && echo 0 || echo 1) "$WHO: a file outside every granted path cannot be read"

	sb sh -c "echo x >$OUTSIDE/new"
	ok $([ "$RC" -ne 0 ] && [ ! -e "$OUTSIDE/new" ] && echo 0 || echo 1) "$WHO: a write outside fails"

	sb sh -c 'echo x >/etc/clawshim-t61'
	ok $([ "$RC" -ne 0 ] && [ ! -e /etc/clawshim-t61 ] && echo 0 || echo 1) "$WHO: /etc is read-only"

	sb sh -c 'echo work >out.txt && cat out.txt && mkdir -p d/e && ls d && echo x >/tmp/clawshim-t61-$$ && rm /tmp/clawshim-t61-$$'
	is 0 "$RC" "$WHO: ordinary work in the workspace and /tmp"
	is "work
e" "$OUT" "$WHO: with its output"

	if command -v python3 >/dev/null 2>&1; then
		sb python3 -c 'import socket; s = socket.create_connection(("1.1.1.1", 53), timeout=3)'
		ok $([ "$RC" -ne 0 ] && echo 0 || echo 1) "$WHO: no network"
		sb python3 -c 'import socket; socket.socket(socket.AF_UNIX)'
		ok $([ "$RC" -ne 0 ] && echo 0 || echo 1) "$WHO: no unix sockets"
		sb python3 -c 'import os; os.setsid()'
		ok $([ "$RC" -ne 0 ] && echo 0 || echo 1) "$WHO: setsid() is refused"
	else
		skip "python3 is missing"
	fi

	sb sh -c 'exit 42'
	is 42 "$RC" "$WHO: the exit status passes through"
	sb sh -c 'kill -TERM $$'
	is 143 "$RC" "$WHO: death by a signal is 128+N"
	user_policy '[sandbox]' 'backend = firejail'
	run_in "$W" $CLAWSHIM -c 'printf "%s|" "$0" "$1"' name 'a b'
	no_user_policy
	is "name|a b|" "$OUT" "$WHO: shell mode passes arguments unchanged"

	# SIGKILL clawshim: nothing it started is left.
	MARK="sleep 3$$"
	(cd "$W" && exec $CLAWSHIM --backend firejail -- sh -c "$MARK; true" </dev/null >/dev/null 2>&1) &
	CPID=$!
	_i=0
	until pgrep -f "^$MARK" >/dev/null 2>&1 || [ $_i -gt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
	pgrep -f "^$MARK" >/dev/null 2>&1
	ok $? "$WHO: the sandboxed sleep is running"
	kill -KILL "$CPID" 2>/dev/null
	wait_gone "$MARK" 5
	ok $? "$WHO: SIGKILL of clawshim leaves nothing behind"
}

for_each_user t61

# As root no setuid file comes out of firejail: clawshim's filter, loaded
# before firejail, refuses the mode (a file's owner needs no capability
# to set its own setuid bit, and firejail's /tmp is the host's).
t_fj_suid() {
	[ "$WHO" = root ] || return 0
	W=$(newdir suid)
	sb sh -c 'cp /bin/true ./suid && chmod 4755 ./suid; echo chmod=$?; python3 -c "import os; os.open(\"./made\", os.O_CREAT | os.O_WRONLY, 0o4755)" 2>/dev/null; echo open=$?'
	is "chmod=1
open=1" "$OUT" "$WHO: chmod 4755 and open(O_CREAT, 04755) refused under firejail"
	_m=$(stat -c %a "$W/suid" 2>/dev/null)
	is 755 "$_m" "$WHO: the file outside has no setuid bit ($_m)"
	[ -e "$W/made" ] && ok 1 "$WHO: no file created with a setuid mode" || ok 0 "$WHO: no file created with a setuid mode"
	sb sh -c 'echo made >./plain && chmod 755 ./plain && cat ./plain'
	is "0 made" "$RC $OUT" "$WHO: ordinary files and chmod still work"
}
for_each_user t_fj_suid

# The probe's `firejail --version` is remembered in $XDG_RUNTIME_DIR, keyed
# by the binary, /etc/firejail and the user: not run again while they are
# the same, run again when the entry does not match.
# Legit work firejail used to break: a workspace under /var/tmp (firejail
# hides /var/tmp under its own tmpfs unless told to keep it), a long
# argument (firejail's own exit 1), a workspace under a directory firejail
# always replaces (/var/log: a copy).  Root only: firejail refuses nobody.
t_fj_legit() {
	[ "$WHO" = root ] || return 0
	run_in "$SCRATCH" $CLAWSHIM --backend firejail -- true
	if [ "$RC" != 0 ]; then skip "firejail cannot run here: $ERR"; return; fi
	VT=$(mktemp -d /var/tmp/clawshim-t61.XXXXXX)
	echo "in-var-tmp" >"$VT/marker"
	run_in "$VT" $CLAWSHIM --backend firejail -- sh -c 'pwd; cat marker; echo new >made'
	is "0:$VT in-var-tmp" "$(printf '%s' "$RC:$OUT" | tr '\n' ' ')" \
		"workspace under /var/tmp: the command starts in it and sees its files"
	is "new" "$(cat "$VT/made" 2>&1)" "workspace under /var/tmp: writes reach the host's directory"
	echo "VT-OTHER" >"$VT/../clawshim-t61-other.$$"
	run_in "$VT" $CLAWSHIM --backend firejail --read-write "$VT" -- cat "/var/tmp/clawshim-t61-other.$$"
	is "0:VT-OTHER" "$RC:$OUT" "/var/tmp granted by the default: the host's /var/tmp, not a private tmpfs"
	rm -f "/var/tmp/clawshim-t61-other.$$"
	run_in "$VT" $CLAWSHIM --backend firejail --explain
	like "$OUT" "*read-write workspace $VT*by firejail (host mount, --read-write)*" "--explain's host mount is true"
	rm -rf "$VT"

	W=$(newdir ws-long)
	LONG=$(head -c 100000 /dev/zero | tr '\0' a)
	run_in "$W" $CLAWSHIM --backend firejail -- sh -c 'echo ${#1}' x "$LONG"
	is 125 "$RC" "a 100000-byte argument: clawshim's 125, not firejail's 1"
	like "$ERR" "clawshim: firejail: an argument of 100000 bytes; firejail takes at most 4127 bytes per argument*hint: *" \
		"a 100000-byte argument: one line naming the limit, and a hint"
	all_prefixed "$ERR" "a 100000-byte argument: nothing but clawshim's own lines (firejail never ran)"
	MID=$(head -c 4000 /dev/zero | tr '\0' a)
	run_in "$W" $CLAWSHIM --backend firejail -- sh -c 'echo ${#1}' x "$MID"
	is "0:4000" "$RC:$OUT" "a 4000-byte argument passes through"

	LW=$(mktemp -d /var/log/clawshim-t61.XXXXXX)
	run_in "$LW" $CLAWSHIM --backend firejail -- true
	is 125 "$RC" "workspace under /var/log (replaced by firejail): refused with 125"
	like "$ERR" "clawshim: firejail replaces /var/log with its own copy: $LW would not be the host's directory*" \
		"workspace under /var/log: the refusal names the path firejail replaces"
	rm -rf "$LW"
	if [ -d "/run/user/$(id -u)" ]; then
		made=""
		[ -d "/run/user/$(id -u)/gnupg" ] || { mkdir -m 700 "/run/user/$(id -u)/gnupg"; made=1; }
		GW=$(mktemp -d "/run/user/$(id -u)/gnupg/clawshim-t61.XXXXXX")
		run_in "$GW" $CLAWSHIM --backend firejail -- true
		is 125 "$RC" "workspace under /run/user/UID/gnupg (hidden by firejail): refused with 125"
		like "$ERR" "clawshim: firejail hides /run/user/$(id -u)/gnupg: $GW would not be visible*" \
			"workspace under /run/user/UID/gnupg: the refusal names what firejail hides"
		rm -rf "$GW"
		[ -n "$made" ] && rmdir "/run/user/$(id -u)/gnupg"
	fi
}

t_probe_cache() {
	W=$(newdir cache)
	RT=$(newdir rt)
	chmod 700 "$RT"
	[ "$WHO" = root ] || chown 65534:65534 "$RT"
	if ! command -v strace >/dev/null 2>&1; then
		skip "$WHO: strace is missing (apt-get install strace)"
		return
	fi
	versions() {
		(cd "$W" && $AS env XDG_RUNTIME_DIR="$RT" strace -f -qq -e trace=execve -o "$SCRATCH/trace" \
			$CLAWSHIM --backend firejail -- true >/dev/null 2>&1)
		grep -c '"--version"' "$SCRATCH/trace"
	}
	if [ "$WHO" != root ]; then
		# firejail refuses uid 65534: nothing is remembered.
		is 1 "$(versions)" "$WHO: a refused user: firejail --version runs"
		[ ! -e "$RT/clawshim-firejail-probe" ]; ok $? "$WHO: ... and nothing is remembered"
		return
	fi
	is 1 "$(versions)" "$WHO: the first run asks firejail --version"
	[ -f "$RT/clawshim-firejail-probe" ]; ok $? "$WHO: ... and remembers the answer"
	is 0 "$(versions)" "$WHO: the next run does not ask again"
	echo "firejail-ok 1 2 3 4.0 5.0 6.0 0" >"$RT/clawshim-firejail-probe"
	is 1 "$(versions)" "$WHO: an entry for another binary is not used"
}
for_each_user t_probe_cache
for_each_user t_fj_legit
done_testing
