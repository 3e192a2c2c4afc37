#!/bin/sh
# SPDX-License-Identifier: MIT
# 60-bwrap.t: `clawshim --backend bwrap` on the built-in default policy, as
# root and as uid 65534.  The same escapes as the landlock tests, each a
# real attempt by a sandboxed process (secrets, writes outside, git hooks,
# TCP, unix and abstract sockets, TIOCSTI on a pty, denied system calls),
# the policies bwrap must refuse (exact text), the ordinary work of an
# agent, die-with-parent, and --explain's exact bwrap command line.
. "$(dirname "$0")/lib.sh"

BWRAP=$(command -v bwrap 2>/dev/null || true)
[ -n "$BWRAP" ] || [ ! -x /usr/bin/bwrap ] || BWRAP=/usr/bin/bwrap
if [ -z "$BWRAP" ]; then
	skip "bwrap is missing: apt-get install bubblewrap"
	done_testing
fi

# The helper lives under $TOP, which the default policy does not grant.
CS="$CLAWSHIM --backend bwrap --read-only $TOP/tests/helpers"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3 2>/dev/null || echo python3-missing)

# Outside every path the default policy grants (not /tmp).
outside_dir clawshim-t60
LISTENERS=""
trap 'for _p in $LISTENERS; do kill "$_p" 2>/dev/null; done; rm -rf "$SCRATCH" "$OUTSIDE"' EXIT

ENVPRE=""
sb() { run_in "$W" $ENVPRE $CS -- "$@"; }
t() { sb "$TRY" "$@"; }

# Can this user run bwrap at all here?  (Checked once per user.)
usable() {
	W=$(newdir probe)
	sb true
	if [ "$RC" -ne 0 ]; then
		skip "$WHO: clawshim --backend bwrap cannot run here: $ERR"
		return 1
	fi
}

# ---------------------------------------------------------------- secrets

t_secrets() {
	usable || return
	W=$(newdir secrets)
	mkdir -p "$HOMEDIR/.ssh"
	echo "SCRATCH-SECRET-$WHO" >"$HOMEDIR/.ssh/id_rsa"
	chmod 600 "$HOMEDIR/.ssh/id_rsa"
	RH=$OUTSIDE/home-$WHO
	mkdir -p "$RH/.ssh"
	echo "REALHOME-SECRET-$WHO" >"$RH/.ssh/id_rsa"
	echo "notes of $WHO" >"$RH/notes.txt"
	[ "$WHO" = root ] || chown -R 65534:65534 "$HOMEDIR/.ssh" "$RH"
	S=$HOMEDIR/.ssh/id_rsa
	is "SCRATCH-SECRET-$WHO" "$(as_user cat "$S")" "$WHO: (control) the secret is readable outside"

	sb sh -c 'echo $CLAWSHIM_BACKEND'
	is "0:bwrap" "$RC:$OUT" "$WHO: CLAWSHIM_BACKEND=bwrap inside"
	t read "$S"
	is EACCES "$OUT" "$WHO: read ~/.ssh/id_rsa (home under /tmp, hidden by an empty mode-000 tmpfs)"
	t list "$HOMEDIR/.ssh"
	is EACCES "$OUT" "$WHO: list ~/.ssh is denied"
	sb cat "$S"
	lacks "$OUT" "SCRATCH-SECRET" "$WHO: cat ~/.ssh/id_rsa shows nothing"
	t write "$HOMEDIR/.ssh/planted"
	one_of "$OUT" "EACCES EROFS" "$WHO: nothing can be planted in the hidden ~/.ssh"
	t read "/proc/1/root$S"
	one_of "$OUT" "EACCES" "$WHO: read via /proc/1/root is denied"
	as_user ln -s "$S" "$W/planted"
	t read "$W/planted"
	is EACCES "$OUT" "$WHO: read through a symlink planted in the workspace is denied"
	t link "$S" "$W/hardlink"
	one_of "$OUT" "EACCES EXDEV EPERM" "$WHO: hardlink the secret into the workspace is denied"
	t rename "$HOMEDIR/.ssh" "$HOMEDIR/ssh-moved"
	is EBUSY "$OUT" "$WHO: renaming ~/.ssh away is denied (a mount point)"
	t rename "$HOMEDIR" "$SCRATCH/home-moved-$WHO"
	one_of "$OUT" "EBUSY EACCES" "$WHO: renaming the home holding ~/.ssh is denied (pinned)"
	[ -f "$S" ]; ok $? "$WHO: the secret is still in place"

	ENVPRE="env HOME=$RH"
	t read "$RH/.ssh/id_rsa"
	is ENOENT "$OUT" "$WHO: read ~/.ssh/id_rsa (home outside every grant): not even there"
	t read "$RH/notes.txt"
	is ENOENT "$OUT" "$WHO: a plain file of the real home is not there"
	as_user ln -s "$RH/.ssh/id_rsa" "$W/planted3"
	t read "$W/planted3"
	is ENOENT "$OUT" "$WHO: a planted symlink to the real home's secret leads nowhere"
	ENVPRE=""

	t read /etc/shadow
	is EACCES "$OUT" "$WHO: /etc/shadow is hidden under a nodev /dev/null"
	sb sh -c 'grep ^CapEff /proc/self/status'
	is "CapEff:	0000000000000000" "$OUT" "$WHO: no capabilities inside"
}

# ------------------------------------------------------- writes outside

t_writes_outside() {
	usable || return
	W=$(newdir writes)
	RH=$OUTSIDE/home-$WHO
	mkdir -p "$RH"
	echo "notes of $WHO" >"$RH/notes.txt"
	[ "$WHO" = root ] || chown -R 65534:65534 "$RH"
	BEFORE=$(fstate "$RH/notes.txt")
	t write "$RH/notes.txt"
	one_of "$OUT" "ENOENT EACCES EROFS" "$WHO: write a file outside the grants fails"
	t write "$OUTSIDE/new-$WHO"
	one_of "$OUT" "ENOENT EACCES EROFS" "$WHO: create a file outside the grants fails"
	is "$BEFORE" "$(fstate "$RH/notes.txt")" "$WHO: the file outside is unchanged"
	[ ! -e "$OUTSIDE/new-$WHO" ]; ok $? "$WHO: nothing appeared outside"
	t write /etc/hostname
	one_of "$OUT" "EROFS EACCES" "$WHO: write /etc/hostname is denied (read-only bind)"
	t write /usr/bin/clawshim-t60-planted
	is EROFS "$OUT" "$WHO: create a file in /usr/bin: read-only bind"
	rm -f /usr/bin/clawshim-t60-planted
	# A read-only grant inside a writable one adds nothing (rights
	# combine, as on every backend): only outside /tmp is it read-only.
	case $TOP/ in
	/tmp/*) diag "$WHO: the build tree is under /tmp, which is writable: not a read-only check" ;;
	*)	t write "$TOP/tests/helpers/planted"
		is EROFS "$OUT" "$WHO: the --read-only path is read-only" ;;
	esac
}

# ----------------------------------------------------------------- git

git_ws() {
	W=$(newdir "$1")
	as_user sh -c "cd '$W' && git init -q . && git config user.email t@example.com &&
		git config user.name tester && echo one >a && git add a && git commit -qm one" >/dev/null 2>&1
	[ -f "$W/.git/config" ]
}

t_git() {
	usable || return
	git_ws git || { ok 1 "$WHO: set up a git repository"; return; }
	CFG=$(fstate "$W/.git/config")
	t write "$W/.git/hooks/pre-commit"
	is EROFS "$OUT" "$WHO: write .git/hooks/pre-commit is denied"
	t write "$W/.git/config"
	is EROFS "$OUT" "$WHO: modify .git/config is denied"
	t rename "$W/.git" "$W/git-moved"
	is EBUSY "$OUT" "$WHO: rename .git away is denied (pinned)"
	t rename "$W/.git/hooks" "$W/.git/hooks.old"
	is EBUSY "$OUT" "$WHO: rename .git/hooks away is denied"
	sb rm -rf .git/hooks
	[ "$RC" -ne 0 ] && [ -d "$W/.git/hooks" ]; ok $? "$WHO: rm -rf .git/hooks fails (rc $RC)"
	is "$CFG" "$(fstate "$W/.git/config")" "$WHO: .git/config is unchanged"
	sb sh -c 'echo two >b && git add b && git commit -qm two && git checkout -qb topic &&
		git log --oneline | wc -l'
	is "0:2" "$RC:$(echo "$OUT" | tr -d ' ')" "$WHO: git add, commit, checkout -b work inside"
	[ -n "$ERR" ] && diag "stderr: $ERR"
	[ -z "$(ls "$W/.git/hooks" | grep -v '\.sample$')" ]
	ok $? "$WHO: no hook appeared after the git work"
}

# ------------------------------------------------------------- network

t_network() {
	usable || return
	W=$(newdir net)
	if [ ! -x "$PY" ]; then skip "python3 is missing: no listener"; return; fi
	USOCK=$HOMEDIR/agent.sock; DSOCK=$HOMEDIR/agent.dgram
	ABS=clawshim-t60-$WHO-$$
	PF=$HOMEDIR/ports
	rm -f "$USOCK" "$DSOCK" "$PF"
	$AS "$PY" -c '
import socket, sys, time, os
t = socket.socket(); t.bind(("127.0.0.1", 0)); t.listen(16)
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(16)
d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); d.bind(sys.argv[2])
a = socket.socket(socket.AF_UNIX); a.bind("\0" + sys.argv[3]); a.listen(16)
open(sys.argv[4] + ".tmp", "w").write("%d\n" % t.getsockname()[1])
os.rename(sys.argv[4] + ".tmp", sys.argv[4])
time.sleep(120)
' "$USOCK" "$DSOCK" "$ABS" "$PF" </dev/null >/dev/null 2>&1 &
	LPID=$!
	LISTENERS="$LISTENERS $LPID"
	wait_file "$PF" 10 || { ok 1 "$WHO: start a listener outside"; return; }
	read -r PORT <"$PF"
	is ok "$(as_user "$TRY" unix "$USOCK")" "$WHO: (control) unix connect works outside"
	is ok "$(as_user "$TRY" tcp 127.0.0.1 "$PORT")" "$WHO: (control) TCP connect works outside"

	t tcp 127.0.0.1 "$PORT"
	is EACCES "$OUT" "$WHO: TCP connect to a 127.0.0.1 listener is denied"
	t socket 2 1 0
	is EACCES "$OUT" "$WHO: an AF_INET socket is refused"
	t unix "$USOCK"
	is EACCES "$OUT" "$WHO: connect to a named unix socket in /tmp (a granted tree) is denied"
	t unix-dgram-send "$DSOCK"
	is EACCES "$OUT" "$WHO: send to a named unix datagram socket in /tmp is denied"
	t retarget "$DSOCK"
	is EACCES "$OUT" "$WHO: socketpair + AF_UNSPEC retarget to a named socket is denied"
	t abstract "$ABS"
	is EACCES "$OUT" "$WHO: connect to an abstract unix socket is denied"
	sb "$PY" -c 'import socket; s = socket.socketpair(); s[0].send(b"hi"); print(s[1].recv(2).decode())'
	is "hi" "$OUT" "$WHO: a stream socketpair inside still works"
	kill "$LPID" 2>/dev/null

	# What bwrap cannot enforce is refused, exactly.
	P=$(mkpolicy "$SCRATCH/unix-$WHO.ini" <<EOF
[clawshim]
version = 1
[network]
unix = $USOCK
EOF
)
	[ "$WHO" = root ] || chown 65534:65534 "$P"
	run_in "$W" $CS --policy "$P" -- true
	is 125 "$RC" "$WHO: a [network] unix entry is refused (exit 125)"
	has_line "$ERR" "clawshim: bwrap cannot allow unix = $USOCK alone: the other named sockets under the granted paths would be reachable too" "$WHO: ... saying why"
	has_line "$ERR" "clawshim: hint: use backend = landlock, or set best_effort = true to run without it" "$WHO: ... and what to do"
	run_in "$W" $CS --allow-net -- true
	is 125 "$RC" "$WHO: allow = all is refused (exit 125)"
	has_line "$ERR" "clawshim: bwrap cannot refuse unix sockets with allow = all: the host's abstract sockets and the named sockets under the granted paths stay reachable" "$WHO: ... saying why"
	P=$(mkpolicy "$SCRATCH/tcp-$WHO.ini" <<EOF
[clawshim]
version = 1
[network]
connect_tcp = 443
EOF
)
	[ "$WHO" = root ] || chown 65534:65534 "$P"
	run_in "$W" $CS --policy "$P" -- true
	is 125 "$RC" "$WHO: connect_tcp is refused (exit 125)"
	has_line "$ERR" "clawshim: bwrap cannot enforce connect_tcp = 443: bubblewrap shares the whole network or none" "$WHO: ... saying why"
	P=$(mkpolicy "$SCRATCH/noexec-$WHO.ini" <<EOF
[clawshim]
version = 1
[filesystem]
no_exec = /tmp
EOF
)
	[ "$WHO" = root ] || chown 65534:65534 "$P"
	run_in "$W" $CS --policy "$P" -- true
	is 125 "$RC" "$WHO: no_exec = /tmp is refused (exit 125)"
	has_line "$ERR" "clawshim: bwrap cannot enforce no_exec = /tmp: bubblewrap has no noexec bind" "$WHO: ... saying why"
}

# ---------------------------------------------------- signals, syscalls

t_syscalls() {
	usable || return
	W=$(newdir sys)
	if [ "$WHO" = root ]; then N=7611; else N=7612; fi
	$AS sleep "$N" </dev/null >/dev/null 2>&1 &
	SP=$!
	t kill "$SP" 15
	is ESRCH "$OUT" "$WHO: a process outside is not even visible (PID namespace)"
	t ptrace "$SP"
	one_of "$OUT" "ESRCH EPERM" "$WHO: ptrace of a process outside fails"
	kill -0 "$SP" 2>/dev/null; ok $? "$WHO: the outside sleep still runs"
	kill "$SP" 2>/dev/null; wait "$SP" 2>/dev/null
	for op in mount unshare keyctl bpf userfaultfd; do
		t "$op"
		is EPERM "$OUT" "$WHO: $op is refused (the filter bwrap loads)"
	done
	t clone3
	is ENOSYS "$OUT" "$WHO: clone3 gives ENOSYS"
}

# bwrap forwards no signals; clawshim sends them to the command inside.
t_signals() {
	usable || return
	W=$(newdir signals)
	for S in TERM INT HUP QUIT USR1 USR2 WINCH; do
		rm -f "$W/got" "$W/ready"
		$AS env -C "$W" --default-signal=INT,QUIT $CS -- sh -c \
			"trap 'echo got $S >got; exit 3' $S; echo r >ready; while :; do sleep 0.05; done" \
			</dev/null >/dev/null 2>&1 &
		PID=$!
		wait_file "$W/ready" 10 || diag "$S: the command did not start"
		kill -s "$S" "$PID"
		wait "$PID"
		RC=$?
		is 3 "$RC" "$WHO: SIG$S to clawshim reaches the command's trap inside bwrap (exit 3)"
		is "got $S" "$(cat "$W/got" 2>/dev/null)" "$WHO: SIG$S: the trap ran"
	done
	# The timeout's TERM too, before the KILL.
	rm -f "$W/got"
	run_in "$W" $CS --timeout 1 -- sh -c 'trap "echo got TERM >got; exit 3" TERM; while :; do sleep 0.05; done'
	is 124 "$RC" "$WHO: --timeout 1 inside bwrap: exit 124"
	is "got TERM" "$(cat "$W/got" 2>/dev/null)" "$WHO: ... after the command's TERM trap ran"
}

# A bwrap that cannot complete its sandbox is a setup failure: 125 and
# bwrap's reason, never exit 1 as if the command had failed.  Here it may
# not create a single process (max_processes = 1: RLIMIT_NPROC, for root
# a pids cgroup).
t_setup_fails() {
	usable || return
	W=$(newdir setup)
	NP=$(mkpolicy "$SCRATCH/$WHO-np1.ini" <<EOF
[clawshim]
version = 1
[process]
max_processes = 1
EOF
)
	[ "$WHO" = root ] || chown 65534:65534 "$NP"
	run_in "$W" $CS --policy "$NP" -- sh -c 'echo ran >ran'
	case $ERR in *"max_processes cannot be enforced for root"*)
		skip "$WHO: no writable pids cgroup for root's max_processes"
		return ;;
	esac
	is 125 "$RC" "$WHO: bwrap cannot create its namespaces: exit 125"
	has_line "$ERR" "clawshim: bwrap could not set up the sandbox (its message is above); the command did not run" \
		"$WHO: ... saying the command did not run"
	case $ERR in *"bwrap: "*) ok 0 "$WHO: ... after bwrap's own reason" ;;
	*) ok 1 "$WHO: ... after bwrap's own reason"; diagm "$ERR" ;; esac
	[ ! -e "$W/ran" ]; ok $? "$WHO: nothing ran"
	sb sh -c 'exit 1'
	is 1 "$RC" "$WHO: (control) the command's own exit 1 is still 1"
}

# Where a procfs cannot be mounted in bwrap's namespaces (parts of /proc
# hidden by mounts, as in containers), the probe says so: nothing runs.
t_masked_proc() {
	usable || return
	W=$(newdir masked)
	if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null 2>&1; then
		skip "$WHO: needs root and unshare(1) to mask /proc"
		return
	fi
	(cd "$W" && unshare --mount --propagation private sh -c \
		'mount --bind /dev/null /proc/uptime && exec "$@"' sh $AS $CS -- sh -c 'echo ran >ran' \
		>"$SCRATCH/out" 2>"$SCRATCH/err" </dev/null)
	RC=$?
	ERR=$(cat "$SCRATCH/err")
	is 125 "$RC" "$WHO: /proc partly hidden: exit 125"
	like "$ERR" "*backend bwrap cannot run here: bwrap could not mount /proc in its sandbox here: *hidden by mounts*" \
		"$WHO: ... saying bwrap could not mount /proc"
	[ ! -e "$W/ran" ]; ok $? "$WHO: nothing ran"
}

t_tty() {
	usable || return
	W=$(newdir tty)
	if ! command -v script >/dev/null 2>&1; then
		skip "script(1) is missing: cannot test on the agent's pty"
		return
	fi
	for op in tiocsti tiocsti-hi tioclinux; do
		(cd "$W" && $AS env SHELL=/bin/sh script -qec "$CS -- $TRY $op" /dev/null </dev/null >"$SCRATCH/out" 2>&1)
		OUT=$(tr -d '\r' <"$SCRATCH/out")
		has_line "$OUT" "EPERM" "$WHO: on the agent's pty: $op is refused"
	done
}

# -------------------------------------------------------- ordinary work

t_work() {
	usable || return
	W=$(newdir work)
	if command -v cc >/dev/null 2>&1; then
		printf '#include <stdio.h>\nint main(void){puts("hello from c");return 0;}\n' >"$W/hello.c"
		[ "$WHO" = root ] || chown 65534:65534 "$W/hello.c"
		sb sh -c 'cc -O2 -o hello hello.c && ./hello'
		is "0:hello from c" "$RC:$OUT" "$WHO: compile and run a C program in the workspace"
		[ -n "$ERR" ] && diag "stderr: $ERR"
	else
		skip "cc is missing: cannot compile"
	fi
	sb sh -c 'rm -rf fresh && mkdir fresh && cd fresh && git init -q && git config user.email a@b &&
		git config user.name t && echo x >x && git add x && git commit -qm x && git branch b2 &&
		git branch | wc -l'
	is "0:2" "$RC:$(echo "$OUT" | tr -d ' ')" "$WHO: git init, add, commit, branch inside"
	sb sh -c 'seq 1 1000 | sort -rn | head -1'
	is "1000" "$OUT" "$WHO: a pipeline works"
	sb sh -c 'f=$(mktemp) && echo tmp-ok >"$f" && cat "$f" && rm "$f"'
	is "0:tmp-ok" "$RC:$OUT" "$WHO: /tmp: mktemp, write, read, rm"
	sb sh -c 'exit 42'
	is 42 "$RC" "$WHO: exit 42 gives 42"
	sb sh -c 'kill -TERM $$'
	is 143 "$RC" "$WHO: killed by SIGTERM gives 143"
	BIG=$(head -c 100000 /dev/zero | tr '\0' a)
	sb sh -c 'echo ${#1}' _ "$BIG"
	is "0:100000" "$RC:$OUT" "$WHO: a 100 KB argument arrives whole"
	# shellcheck disable=SC2046
	sb sh -c 'echo $#' _ $(seq 1 5000)
	is "0:5000" "$RC:$OUT" "$WHO: 5000 arguments arrive"
	sb sh -c 'ls /usr/bin >/dev/null && echo >/dev/null && head -c 4 /dev/urandom | wc -c'
	is "0:4" "$RC:$(echo "$OUT" | tr -d ' ')" "$WHO: /usr, /dev/null and /dev/urandom work"
	# bwrap itself reports a command it cannot find, with its own status
	# 1 (clawshim's 127 needs a check before the wrapper runs).
	sb no-such-command-t60
	has_line "$ERR" "clawshim: no-such-command-t60: No such file or directory" \
		"$WHO: a missing command is reported"
	[ "$RC" -ne 0 ]; ok $? "$WHO: ... and fails (rc $RC)"
}

# ------------------------------------------------------ die with parent

t_die() {
	usable || return
	W=$(newdir die)
	if [ "$WHO" = root ]; then N=7601; else N=7602; fi
	(cd "$W" && exec $AS $CS -- sleep "$N" </dev/null >/dev/null 2>&1) &
	CPID=$!
	_i=0
	until pgrep -fx "sleep $N" >/dev/null 2>&1; do
		_i=$((_i + 1)); [ "$_i" -gt 100 ] && break; sleep 0.05
	done
	pgrep -fx "sleep $N" >/dev/null 2>&1; ok $? "$WHO: the sandboxed sleep $N runs"
	kill -9 "$CPID"
	gone_within "^sleep $N\$" 15
	ok $? "$WHO: SIGKILL of clawshim: the sandboxed sleep is gone within 1.5 s"
	reap "^sleep $N\$"
	wait "$CPID" 2>/dev/null
}

# -------------------------------------------------------------- explain

t_explain() {
	W=$(newdir explain)
	git_ws explain-git || true
	mkdir -p "$HOMEDIR/.ssh"
	run_in "$W" $CLAWSHIM --explain --backend bwrap -- make -j4
	is 0 "$RC" "$WHO: --explain --backend bwrap succeeds"
	LINE=$(printf '%s\n' "$OUT" | sed -n '/^command line:$/{n;p;}')
	like "$LINE" "  $BWRAP --unshare-all --cap-drop ALL --die-with-parent --new-session --symlink usr/bin /bin --dev /dev *" \
		"$WHO: the bwrap command line starts with the fixed options, then the sorted binds"
	like "$LINE" "* --chdir $W --add-seccomp-fd @SECCOMP_FD@ --block-fd @READY_FD@ -- make -j4" \
		"$WHO: ... and ends with --chdir, the filter and ready descriptors and the command"
	like "$LINE" "* --bind $W $W --bind $W/.git $W/.git --ro-bind $W/.git/config $W/.git/config --ro-bind $W/.git/hooks $W/.git/hooks *" \
		"$WHO: ... the workspace bound, .git pinned, its config and hooks read-only on top"
	like "$LINE" "* --perms 0000 --tmpfs $HOMEDIR/.ssh --remount-ro $HOMEDIR/.ssh *" \
		"$WHO: ... ~/.ssh hidden under an empty read-only tmpfs"
	like "$LINE" "* --ro-bind /dev/null /etc/shadow *" "$WHO: ... /etc/shadow hidden"
	like "$LINE" "* --proc /proc * --bind /tmp /tmp * --ro-bind /usr /usr *" \
		"$WHO: ... a fresh /proc, /tmp read-write, /usr read-only, parents first"
	has_line "$OUT" "                by seccomp: connect() and AF_UNIX datagram sockets refused (loaded before bwrap, inherited)" \
		"$WHO: ... the named-socket guarantee and its mechanism"
}

# A policy of many paths: bwrap's options go on a descriptor (--args FD)
# instead of the command line, and every grant still holds.
# Outside every grant (/tmp is writable: binds under it add nothing).
MANY=$(mktemp -d /var/lib/clawshim-t60-many.XXXXXX 2>/dev/null || mktemp -d "$TOP/tests/tmp-many.XXXXXX")
chmod 755 "$MANY"
i=0
while [ $i -lt 600 ]; do mkdir "$MANY/d$i"; i=$((i + 1)); done
chmod -R 755 "$MANY"
MANYPOL=$( { printf '[clawshim]\nversion = 1\n[filesystem]\n'
	i=0; while [ $i -lt 600 ]; do echo "read_only = $MANY/d$i"; i=$((i + 1)); done; } |
	mkpolicy "$SCRATCH/many.ini")
t_many() {
	W=$(newdir many)
	run_in "$W" $CLAWSHIM --explain --backend bwrap --policy "$MANYPOL" -- true
	has_line "$OUT" "  $BWRAP --args @ARGS_FD@ -- true" "$WHO: 600 paths: bwrap reads its options from a descriptor"
	run_in "$W" $CS --policy "$MANYPOL" -- sh -c "ls $MANY | wc -l; $TRY write $MANY/d599/x; $TRY keyctl"
	is "1:600 EROFS EPERM" "$RC:$(echo $OUT)" "$WHO: 600 paths: all bound read-only, and the filter still loaded"
	[ ! -e "$MANY/d599/x" ]; ok $? "$WHO: 600 paths: nothing written"
}

for_each_user t_secrets
for_each_user t_many
for_each_user t_writes_outside
for_each_user t_git
for_each_user t_network
for_each_user t_syscalls
for_each_user t_signals
for_each_user t_setup_fails
for_each_user t_masked_proc
for_each_user t_tty
for_each_user t_work
for_each_user t_die
for_each_user t_explain
rm -rf "$MANY"
done_testing
