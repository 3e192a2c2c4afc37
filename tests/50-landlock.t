#!/bin/sh
# SPDX-License-Identifier: MIT
# 50-landlock.t: the landlock backend on the built-in default policy, as
# root and as uid 65534.  Each protection is a real attempt by a sandboxed
# process (secrets, writes outside, the git hooks, the network, unix and
# abstract sockets, signals, ptrace, the denied syscalls, TIOCSTI on a
# pty, setuid), and the ordinary work of an agent must keep working
# (compile and run, scripts, git, python, pipes, /tmp, exit codes, argv).
. "$(dirname "$0")/lib.sh"

# The helper lives under $TOP, which the default policy does not grant.
CS="$CLAWSHIM --read-only $TOP/tests/helpers"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3 2>/dev/null || echo python3-missing)

# A directory outside every path the default policy grants (not /tmp,
# where the test homes live): a realistic home with files to attack.
outside_dir clawshim-t50
LISTENERS=""
trap 'for _p in $LISTENERS; do kill "$_p" 2>/dev/null; done; rm -rf "$SCRATCH" "$OUTSIDE"' EXIT

# sb CMD...: run CMD in the sandbox from the workspace $W, with $ENVPRE
# (e.g. "env HOME=...") in front of clawshim.
ENVPRE=""
sb() { run_in "$W" $ENVPRE $CS -- "$@"; }
# t OP ARGS...: the try helper in the sandbox.
t() { sb "$TRY" "$@"; }

# A home outside /tmp for the test user, with a secret and a plain file.
realhome() {
	RH=$OUTSIDE/home-$WHO
	rm -rf "$RH"
	mkdir -p "$RH/.ssh"
	echo "REALHOME-SECRET-$WHO" >"$RH/.ssh/id_rsa"
	echo "notes of $WHO" >"$RH/notes.txt"
	echo "[user] name = $WHO" >"$RH/.gitconfig"
	echo "echo rc-of-$WHO" >"$RH/.bashrc"
	chmod 600 "$RH/.ssh/id_rsa"
	[ "$WHO" = root ] || chown -R 65534:65534 "$RH"
}

# The lib's scratch home (under /tmp, which the default grants read-write)
# gets a secret too: ~/.ssh is denied inside a granted tree.
scratch_secret() {
	mkdir -p "$HOMEDIR/.ssh"
	echo "SCRATCH-SECRET-$WHO" >"$HOMEDIR/.ssh/id_rsa"
	chmod 600 "$HOMEDIR/.ssh/id_rsa"
	[ "$WHO" = root ] || chown -R 65534:65534 "$HOMEDIR/.ssh"
}

# ---------------------------------------------------------------- secrets

t_secrets() {
	W=$(newdir secrets)
	scratch_secret
	realhome
	ENVPRE=""
	S=$HOMEDIR/.ssh/id_rsa
	CTRL=$(as_user cat "$S")
	is "SCRATCH-SECRET-$WHO" "$CTRL" "$WHO: (control) the secret is readable outside the sandbox"

	sb sh -c 'echo $CLAWSHIM_BACKEND'
	is "landlock" "$OUT" "$WHO: auto picks landlock here (CLAWSHIM_BACKEND inside)"

	t read "$S"
	one_of "$OUT" "EACCES" "$WHO: read ~/.ssh/id_rsa (home under /tmp) is denied"
	t list "$HOMEDIR/.ssh"
	one_of "$OUT" "EACCES" "$WHO: list ~/.ssh is denied"
	sb cat "$S"
	lacks "$OUT" "SCRATCH-SECRET" "$WHO: cat ~/.ssh/id_rsa shows nothing"
	t read "/proc/self/root$S"
	one_of "$OUT" "EACCES" "$WHO: read via /proc/self/root is denied"
	t read "/proc/1/root$S"
	one_of "$OUT" "EACCES" "$WHO: read via /proc/1/root is denied"
	as_user ln -s "$S" "$W/planted"
	t read "$W/planted"
	one_of "$OUT" "EACCES" "$WHO: read through a symlink planted in the workspace is denied"
	t symlink "$S" "$W/planted2"
	t read "$W/planted2"
	one_of "$OUT" "EACCES" "$WHO: read through a symlink made inside is denied"
	t link "$S" "$W/hardlink"
	one_of "$OUT" "EACCES EXDEV EPERM" "$WHO: hardlink the secret into the workspace is denied"
	[ ! -e "$W/hardlink" ]; ok $? "$WHO: no hardlink of the secret appeared"
	t rename "$HOMEDIR/.ssh" "$HOMEDIR/ssh-moved"
	one_of "$OUT" "EACCES EBUSY EXDEV EPERM" "$WHO: renaming ~/.ssh away is denied"
	t rename "$HOMEDIR" "$SCRATCH/home-moved-$WHO"
	one_of "$OUT" "EACCES EBUSY EXDEV EPERM" "$WHO: renaming the home holding ~/.ssh is denied"
	if [ -d "$SCRATCH/home-moved-$WHO" ]; then
		# Renamed: the next run resolves ~/.ssh as absent ("?~/.ssh").
		sb cat "$SCRATCH/home-moved-$WHO/.ssh/id_rsa"
		lacks "$OUT" "SCRATCH-SECRET" "$WHO: after the home was renamed inside, the next run cannot read the secret at its new path"
		mv "$SCRATCH/home-moved-$WHO" "$HOMEDIR"
	fi
	[ -f "$S" ]; ok $? "$WHO: the secret is still in place"

	# The realistic home, outside every granted path.
	ENVPRE="env HOME=$RH"
	t read "$RH/.ssh/id_rsa"
	one_of "$OUT" "EACCES" "$WHO: read ~/.ssh/id_rsa (home outside /tmp) is denied"
	t list "$RH"
	one_of "$OUT" "EACCES" "$WHO: list the home is denied"
	t read "$RH/notes.txt"
	one_of "$OUT" "EACCES" "$WHO: read a plain file in the home is denied"
	t read "$RH/.gitconfig"
	is "ok" "$OUT" "$WHO: ~/.gitconfig is readable (default read_only)"
	as_user ln -s "$RH/.ssh/id_rsa" "$W/planted3"
	t read "$W/planted3"
	one_of "$OUT" "EACCES" "$WHO: a planted symlink to the real home's secret gives nothing"
	t link "$RH/.ssh/id_rsa" "$W/hardlink2"
	one_of "$OUT" "EACCES EXDEV EPERM" "$WHO: hardlink the real home's secret is denied"
	ENVPRE=""

	if [ "$WHO" = root ]; then
		t read /etc/shadow
		sb cat /etc/shadow
		[ -z "$OUT" ] || [ "$RC" -ne 0 ]
		ok $? "$WHO: /etc/shadow is unreadable or empty (rc $RC, ${#OUT} bytes)"
		lacks "$OUT" "root:" "$WHO: /etc/shadow shows no entries"
	fi
}

# -------------------------------------------------------- the environment

t_environ() {
	W=$(newdir environ)
	# The agent holds a secret variable; clawshim removes it from the
	# command, and the command must not read it from /proc either.
	cat >"$W/probe.sh" <<EOF
cat /proc/\$PPID/environ; cat /proc/\$1/environ; cat /proc/1/environ
$TRY read /proc/\$PPID/environ; $TRY read /proc/\$1/environ; $TRY read /proc/1/environ
env
EOF
	run_in "$W" env AGENT_API_TOKEN="hunter2-$WHO" sh -c "$CS -- sh probe.sh \$\$; :"
	lacks "$OUT" "hunter2" "$WHO: the agent's secret variable is not visible inside (env, /proc/PPID, /proc/AGENT)"
	# ENOENT: in clawshim's PID namespace the agent is not even visible.
	lines=$(printf '%s\n' "$OUT" | grep -c -E '^(EACCES|ENOENT)$')
	is 3 "$lines" "$WHO: reading /proc/PPID/environ, the agent's and /proc/1/environ: EACCES (or ENOENT) each"
}

# ------------------------------------------------------- writes outside

# attack FILE: every way to change FILE from inside; each must fail and
# FILE stay unchanged.  $ME is the uid chown tries to give it.
attack() {
	F=$1; D=$(dirname "$F")
	BEFORE=$(fstate "$F")
	t write "$F"
	one_of "$OUT" "EACCES EROFS EPERM" "$WHO: write $F is denied"
	t truncate "$F"
	one_of "$OUT" "EACCES EROFS EPERM" "$WHO: truncate $F is denied"
	t chmod "$F" 777
	one_of "$OUT" "EACCES EROFS EPERM" "$WHO: chmod 777 $F is denied"
	t chmod "$F" 000
	one_of "$OUT" "EACCES EROFS EPERM" "$WHO: chmod 000 $F is denied"
	t chown "$F" "$ME"
	one_of "$OUT" "EACCES EROFS EPERM" "$WHO: chown $ME $F is denied"
	t utime "$F"
	one_of "$OUT" "EACCES EROFS EPERM" "$WHO: utime $F is denied"
	t rename "$F" "$F.moved"
	one_of "$OUT" "EACCES EROFS EPERM EXDEV EBUSY" "$WHO: rename $F is denied"
	t rename "$F" "$W/stolen"
	one_of "$OUT" "EACCES EROFS EPERM EXDEV EBUSY" "$WHO: rename $F into the workspace is denied"
	t unlink "$F"
	one_of "$OUT" "EACCES EROFS EPERM EBUSY" "$WHO: unlink $F is denied"
	t link "$F" "$W/linked"
	one_of "$OUT" "EACCES EROFS EPERM EXDEV" "$WHO: hardlink $F into the workspace is denied"
	[ -e "$W/linked" ] && { t write "$W/linked"; diag "write through the link: $OUT"; }
	t write "$D/new-$WHO"
	one_of "$OUT" "EACCES EROFS EPERM" "$WHO: create a file next to $F is denied"
	t mkdir "$D/newdir-$WHO"
	one_of "$OUT" "EACCES EROFS EPERM" "$WHO: mkdir next to $F is denied"
	sb sh -c "echo pwned > '$F'"
	[ "$RC" -ne 0 ]; ok $? "$WHO: a shell redirect into $F fails (rc $RC)"
	is "$BEFORE" "$(fstate "$F")" "$WHO: $F is unchanged (content, mode, owner, mtime)"
	[ ! -e "$D/new-$WHO" ] && [ ! -e "$F.moved" ] && [ ! -e "$W/stolen" ]
	ok $? "$WHO: nothing new appeared next to $F"
}

t_writes_outside() {
	W=$(newdir writes)
	realhome
	if [ "$WHO" = root ]; then ME=65534; else ME=65534; fi
	ENVPRE="env HOME=$RH"
	attack "$RH/notes.txt"
	attack "$RH/.gitconfig"
	attack "$RH/.bashrc"
	ENVPRE=""
	if [ "$WHO" = root ]; then
		SAVED=$(fstate /etc/hostname); cp -p /etc/hostname "$SCRATCH/hostname.saved"
		ME=0
		attack /etc/hostname
		if [ "$SAVED" != "$(fstate /etc/hostname)" ]; then
			diag "restoring /etc/hostname"
			cp -p "$SCRATCH/hostname.saved" /etc/hostname
		fi
		t write /usr/bin/clawshim-t50-planted
		one_of "$OUT" "EACCES EROFS EPERM" "$WHO: create a file in /usr/bin is denied"
		rm -f /usr/bin/clawshim-t50-planted
	fi
}

# ----------------------------------------------------------------- git

# git_ws: a git repository workspace with one commit, made by the user.
git_ws() {
	W=$(newdir "$1")
	as_user sh -c "cd '$W' && git init -q . && git config user.email t@example.com &&
		git config user.name tester && echo one >a && git add a && git commit -qm one" >/dev/null 2>&1
	[ -f "$W/.git/config" ]
}

t_git() {
	git_ws git || { ok 1 "$WHO: set up a git repository"; return; }
	CFG=$(fstate "$W/.git/config")
	t write "$W/.git/hooks/pre-commit"
	one_of "$OUT" "EACCES EROFS EPERM" "$WHO: write .git/hooks/pre-commit is denied"
	t write "$W/.git/hooks/post-checkout"
	one_of "$OUT" "EACCES EROFS EPERM" "$WHO: create .git/hooks/post-checkout is denied"
	t symlink /bin/true "$W/.git/hooks/pre-push"
	one_of "$OUT" "EACCES EROFS EPERM" "$WHO: symlink .git/hooks/pre-push is denied"
	t write "$W/.git/config"
	one_of "$OUT" "EACCES EROFS EPERM" "$WHO: modify .git/config is denied"
	sb git config core.hooksPath /tmp
	[ "$RC" -ne 0 ]; ok $? "$WHO: git config core.hooksPath fails inside (rc $RC)"
	t truncate "$W/.git/config"
	one_of "$OUT" "EACCES EROFS EPERM" "$WHO: truncate .git/config is denied"
	t chmod "$W/.git/config" 666
	one_of "$OUT" "EACCES EROFS EPERM" "$WHO: chmod .git/config is denied"
	t unlink "$W/.git/config"
	one_of "$OUT" "EACCES EROFS EPERM EBUSY" "$WHO: delete .git/config is denied"
	t rename "$W/.git/config" "$W/.git/config.old"
	one_of "$OUT" "EACCES EROFS EPERM EBUSY EXDEV" "$WHO: rename .git/config away is denied"
	t rename "$W/.git" "$W/git-moved"
	one_of "$OUT" "EACCES EROFS EPERM EBUSY EXDEV" "$WHO: rename .git away is denied"
	t rename "$W/.git/hooks" "$W/.git/hooks.old"
	one_of "$OUT" "EACCES EROFS EPERM EBUSY EXDEV" "$WHO: rename .git/hooks away is denied"
	sb rm -rf .git/hooks
	[ "$RC" -ne 0 ]; ok $? "$WHO: rm -rf .git/hooks fails (rc $RC)"
	[ -d "$W/.git/hooks" ] && [ ! -e "$W/.git/hooks/pre-commit" ] && [ ! -e "$W/.git/hooks/post-checkout" ]
	ok $? "$WHO: .git/hooks is still there, with no hook planted"
	is "$CFG" "$(fstate "$W/.git/config")" "$WHO: .git/config is unchanged"

	# The ordinary git work of an agent.
	sb sh -c 'echo two >b && git add b && git commit -qm two && git branch feature &&
		git checkout -qb topic && echo three >c && git add c && git commit -qm three &&
		git checkout -q feature && git log --oneline | wc -l'
	is "0:2" "$RC:$(echo "$OUT" | tr -d ' ')" "$WHO: git add, commit, branch, checkout -b, checkout work inside"
	[ -n "$ERR" ] && diagm "stderr: $ERR"
	BR=$(as_user git -C "$W" branch --format='%(refname:short)' 2>&1 | sort | tr '\n' ' ')
	is "feature master topic " "$BR" "$WHO: the branches made inside are there"
	[ -z "$(ls "$W/.git/hooks" | grep -v '\.sample$')" ]
	ok $? "$WHO: no hook appeared after the git work"

	# The workspace is writable, so .git's other contents may go; the
	# protected hooks and config must not.
	git_ws gitrm || { ok 1 "$WHO: set up a git repository"; return; }
	sb sh -c 'rm -rf .git; mv .git elsewhere; mv .git/hooks h; mv .git/config c; :'
	[ -d "$W/.git/hooks" ] && [ -f "$W/.git/config" ] && [ ! -e "$W/elsewhere" ]
	ok $? "$WHO: rm -rf .git, mv .git leave .git/hooks and .git/config in place"
}

# A hook need not be written into .git/hooks: .git/commondir redirects
# git's config and hooks to any directory, and the agent's next git
# command outside the sandbox runs what the command planted.
t_git_commondir() {
	git_ws gitcd || { ok 1 "$WHO: set up a git repository"; return; }
	EVIL=/tmp/clawshim-t50-evil-$WHO-$$
	MARK=/tmp/clawshim-t50-pwned-$WHO-$$
	rm -rf "$EVIL" "$MARK"
	# Landlock and mounts protect what exists: a protected path created
	# during the run is moved aside when the run ends, and said so.
	t write "$W/.git/commondir"
	[ ! -e "$W/.git/commondir" ] && ls "$W/.git" | grep -q '^commondir\.clawshim-quarantine\.'
	ok $? "$WHO: a .git/commondir created during the run is moved aside at its end"
	like "$ERR" "*clawshim: the command created $W/.git/commondir, which the policy protects; moved it to*" \
		"$WHO: ... and clawshim says so"
	as_user sh -c "rm -f '$W'/.git/commondir*"
	sb sh -c "mkdir -p $EVIL/hooks && cp -r .git/objects .git/refs .git/HEAD $EVIL/ &&
		printf '[core]\n\trepositoryformatversion = 0\n[user]\n\tname = x\n\temail = x@example.com\n' >$EVIL/config &&
		printf '#!/bin/sh\ntouch $MARK\n' >$EVIL/hooks/pre-commit && chmod +x $EVIL/hooks/pre-commit &&
		echo $EVIL >.git/commondir"
	diagm "planting .git/commondir inside: rc $RC ${ERR:+($ERR)}"
	# The agent, outside the sandbox, commits as usual.
	as_user sh -c "cd '$W' && echo x >x && git add x && git commit -qm x" >/dev/null 2>&1
	[ ! -e "$MARK" ]
	ok $? "$WHO: no hook planted via .git/commondir runs in the agent's next git commit"
	rm -rf "$EVIL" "$MARK"
}

# The agent works in its home: the workspace holds the denied paths.  A
# run that renames a parent of one (~/.config for ~/.config/gh) must not
# leave the secret readable to the next run under the new name.
t_home_workspace() {
	W=$(newdir homews)
	mkdir -p "$W/.config/gh" "$W/.cargo" "$W/.ssh"
	echo "GH-TOKEN-$WHO" >"$W/.config/gh/hosts.yml"
	echo "CARGO-TOKEN-$WHO" >"$W/.cargo/credentials.toml"
	echo "SSH-KEY-$WHO" >"$W/.ssh/id_rsa"
	[ "$WHO" = root ] || chown -R 65534:65534 "$W"
	ENVPRE="env HOME=$W XDG_CONFIG_HOME=$W/.config"
	sb sh -c 'cat .config/gh/hosts.yml .cargo/credentials.toml .ssh/id_rsa; echo work >notes; cat notes'
	lacks "$OUT" "TOKEN" "$WHO: home as workspace: the tokens are not readable"
	lacks "$OUT" "SSH-KEY" "$WHO: home as workspace: ~/.ssh/id_rsa is not readable"
	has_line "$OUT" "work" "$WHO: home as workspace: ordinary files work"
	t rename "$W/.ssh" "$W/ssh2"
	one_of "$OUT" "EACCES EBUSY EXDEV EPERM" "$WHO: home as workspace: renaming ~/.ssh is denied"
	t rename "$W/.config" "$W/cfg2"
	one_of "$OUT" "EACCES EBUSY EXDEV EPERM" "$WHO: home as workspace: renaming ~/.config (holding ~/.config/gh) is denied"
	t rename "$W/.cargo" "$W/cargo2"
	one_of "$OUT" "EACCES EBUSY EXDEV EPERM" "$WHO: home as workspace: renaming ~/.cargo (holding credentials.toml) is denied"
	sb sh -c 'cat cfg2/gh/hosts.yml cargo2/credentials.toml 2>/dev/null; :'
	lacks "$OUT" "GH-TOKEN" "$WHO: home as workspace: the next run cannot read ~/.config/gh under a new name"
	lacks "$OUT" "CARGO-TOKEN" "$WHO: home as workspace: the next run cannot read ~/.cargo/credentials.toml under a new name"
	ENVPRE=""
}

t_policy_file() {
	W=$(newdir wsfile)
	printf '[clawshim]\nversion = 1\n[sandbox]\ntimeout = 600\n' >"$W/.clawshim.ini"
	chmod 644 "$W/.clawshim.ini"
	[ "$WHO" = root ] || chown 65534:65534 "$W/.clawshim.ini"
	BEFORE=$(fstate "$W/.clawshim.ini")
	sb true
	is 0 "$RC" "$WHO: a tightening .clawshim.ini in the workspace is accepted"
	[ -n "$ERR" ] && diagm "stderr: $ERR"
	t write "$W/.clawshim.ini"
	one_of "$OUT" "EACCES EROFS EPERM" "$WHO: .clawshim.ini cannot be written from inside"
	t truncate "$W/.clawshim.ini"
	one_of "$OUT" "EACCES EROFS EPERM" "$WHO: .clawshim.ini cannot be truncated from inside"
	t chmod "$W/.clawshim.ini" 666
	one_of "$OUT" "EACCES EROFS EPERM" "$WHO: .clawshim.ini cannot be chmod'ed from inside"
	t rename "$W/.clawshim.ini" "$W/old.ini"
	one_of "$OUT" "EACCES EROFS EPERM EBUSY EXDEV" "$WHO: .clawshim.ini cannot be renamed from inside"
	t unlink "$W/.clawshim.ini"
	one_of "$OUT" "EACCES EROFS EPERM EBUSY" "$WHO: .clawshim.ini cannot be deleted from inside"
	is "$BEFORE" "$(fstate "$W/.clawshim.ini")" "$WHO: .clawshim.ini is unchanged"
}

# ------------------------------------------------------------- network

# listen_as_user NAME: start a python listener as the test user: a TCP
# and a UDP socket on 127.0.0.1, named stream and datagram unix sockets in
# the scratch home, an abstract socket.  Sets PORT, UPORT, USOCK, DSOCK,
# ABS, LPID.
listen_as_user() {
	USOCK=$HOMEDIR/agent-$1.sock; DSOCK=$HOMEDIR/agent-$1.dgram
	ABS=clawshim-t50-$1-$WHO-$$
	PF=$HOMEDIR/ports-$1
	rm -f "$USOCK" "$DSOCK" "$PF"
	$AS "$PY" -c '
import socket, sys, time
t = socket.socket(); t.bind(("127.0.0.1", 0)); t.listen(16)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(16)
d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); d.bind(sys.argv[2])
a = socket.socket(socket.AF_UNIX); a.bind("\0" + sys.argv[3]); a.listen(16)
tmp = sys.argv[4] + ".tmp"
open(tmp, "w").write("%d %d\n" % (t.getsockname()[1], u.getsockname()[1]))
import os; os.rename(tmp, sys.argv[4])
time.sleep(120)
' "$USOCK" "$DSOCK" "$ABS" "$PF" </dev/null >/dev/null 2>&1 &
	LPID=$!
	LISTENERS="$LISTENERS $LPID"
	if ! wait_file "$PF" 10; then
		return 1
	fi
	read -r PORT UPORT <"$PF"
}

t_network() {
	W=$(newdir net)
	if [ ! -x "$PY" ]; then skip "python3 is missing: no listener"; return; fi
	listen_as_user net || { ok 1 "$WHO: start a listener outside"; return; }
	CTRL=$(as_user "$TRY" tcp 127.0.0.1 "$PORT")
	is ok "$CTRL" "$WHO: (control) TCP connect to the listener works outside"
	CTRL=$(as_user "$TRY" unix "$USOCK")
	is ok "$CTRL" "$WHO: (control) unix connect to the listener works outside"
	CTRL=$(as_user "$TRY" abstract "$ABS")
	is ok "$CTRL" "$WHO: (control) abstract connect works outside"

	t tcp 127.0.0.1 "$PORT"
	one_of "$OUT" "EACCES EPERM" "$WHO: TCP connect to a 127.0.0.1 listener is denied"
	t udp 127.0.0.1 "$UPORT"
	one_of "$OUT" "EACCES EPERM" "$WHO: UDP send to 127.0.0.1 is denied"
	t tcp 127.0.0.1 1
	one_of "$OUT" "EACCES EPERM" "$WHO: TCP connect to a closed port: EACCES, not ECONNREFUSED"
	t socket 10 1 0
	one_of "$OUT" "EACCES EPERM EAFNOSUPPORT" "$WHO: an AF_INET6 TCP socket is denied"
	t socket 2 3 1
	one_of "$OUT" "EACCES EPERM EAFNOSUPPORT" "$WHO: a raw AF_INET socket is denied"
	t socket 17 3 768
	one_of "$OUT" "EACCES EPERM EAFNOSUPPORT" "$WHO: an AF_PACKET socket is denied"
	t socket 16 3 0
	one_of "$OUT" "EACCES EPERM EAFNOSUPPORT" "$WHO: an AF_NETLINK (route) socket is denied"
	t socket 16 3 9
	one_of "$OUT" "EACCES EPERM EAFNOSUPPORT" "$WHO: an AF_NETLINK (audit) socket is denied"
	t socket 40 1 0
	one_of "$OUT" "EACCES EPERM EAFNOSUPPORT" "$WHO: an AF_VSOCK socket is denied"
	t socket 38 5 0
	one_of "$OUT" "EACCES EPERM EAFNOSUPPORT" "$WHO: an AF_ALG socket is denied"
	t socket 1 1 0
	is ok "$OUT" "$WHO: an AF_UNIX socket can be made (pipes, socketpairs)"

	t unix "$USOCK"
	one_of "$OUT" "EACCES EPERM ECONNREFUSED" "$WHO: connect to a named unix socket outside is denied"
	t unix-dgram-send "$DSOCK"
	one_of "$OUT" "EACCES EPERM ECONNREFUSED" "$WHO: sendto a named unix datagram socket outside is denied"
	t retarget "$DSOCK"
	one_of "$OUT" "EACCES EPERM ECONNREFUSED" "$WHO: socketpair + AF_UNSPEC retarget to a named socket is denied"
	t abstract "$ABS"
	one_of "$OUT" "EACCES EPERM ECONNREFUSED" "$WHO: connect to an abstract unix socket outside is denied"
	sb "$PY" -c 'import socket; s = socket.socketpair(); s[0].send(b"hi"); print(s[1].recv(2).decode())'
	is "hi" "$OUT" "$WHO: a socketpair inside still works"
	kill "$LPID" 2>/dev/null
}

# ---------------------------------------------------- signals and ptrace

t_signals() {
	W=$(newdir sig)
	if [ "$WHO" = root ]; then N=7501; else N=7502; fi
	$AS sleep "$N" </dev/null >/dev/null 2>&1 &
	SP=$!
	CTRL=$(as_user "$TRY" kill "$SP" 0)
	is ok "$CTRL" "$WHO: (control) the outside sleep can be signalled outside"
	t kill "$SP" 0
	one_of "$OUT" "EPERM ESRCH" "$WHO: kill -0 of a process outside is denied (ESRCH: not visible)"
	t kill "$SP" 15
	one_of "$OUT" "EPERM ESRCH" "$WHO: kill -TERM of a process outside is denied"
	t kill "$SP" 9
	one_of "$OUT" "EPERM ESRCH" "$WHO: kill -KILL of a process outside is denied"
	t ptrace "$SP"
	one_of "$OUT" "EPERM ESRCH" "$WHO: ptrace attach to a process outside is denied"
	sb sh -c "kill -9 $SP; :"
	kill -0 "$SP" 2>/dev/null
	ok $? "$WHO: the outside sleep $N still runs"
	sb sh -c 'sleep 7509 & kill $!; wait $!; echo $?'
	is 143 "$OUT" "$WHO: signalling its own children works inside"
	kill "$SP" 2>/dev/null
	wait "$SP" 2>/dev/null
}

# ---------------------------------------------------------- syscalls

t_syscalls() {
	W=$(newdir sys)
	for op in mount unshare unshare-ns setns keyctl bpf perf userfaultfd personality; do
		t "$op"
		one_of "$OUT" "EPERM" "$WHO: $op is refused"
	done
	t io_uring
	one_of "$OUT" "EPERM ENOSYS" "$WHO: io_uring_setup is refused"
	t clone3
	one_of "$OUT" "ENOSYS" "$WHO: clone3 gives ENOSYS (libc falls back to clone)"
	sb sh -c "$TRY setsid; :"
	one_of "$OUT" "EPERM" "$WHO: setsid in a child is refused"
	t syscall 169   # reboot
	one_of "$OUT" "EPERM" "$WHO: reboot is refused"
	t syscall 246   # kexec_load
	one_of "$OUT" "EPERM" "$WHO: kexec_load is refused"
	t syscall 304   # open_by_handle_at
	one_of "$OUT" "EPERM" "$WHO: open_by_handle_at is refused"
	t syscall 310   # process_vm_readv
	one_of "$OUT" "EPERM" "$WHO: process_vm_readv is refused"
}

# ---------------------------------------------------------------- tty

pty() {
	(cd "$W" && $AS env SHELL=/bin/sh script -qec "$1" /dev/null </dev/null >"$SCRATCH/out" 2>&1)
	RC=$?
	OUT=$(tr -d '\r' <"$SCRATCH/out")
}

t_tty() {
	W=$(newdir tty)
	CTRL=$($AS setsid "$TRY" pty-tiocsti 2>&1)
	if [ "$CTRL" = ok ]; then
		t pty-tiocsti
		is EPERM "$OUT" "$WHO: TIOCSTI on its own fresh controlling pty is refused"
		t pty-tiocsti-hi
		is EPERM "$OUT" "$WHO: TIOCSTI with high bits on its own pty is refused"
	else
		skip "TIOCSTI does not work here even unconfined ($CTRL)"
	fi
	if ! command -v script >/dev/null 2>&1; then
		skip "script(1) is missing: cannot test on the agent's pty"
		return
	fi
	for op in tiocsti tiocsti-hi tioclinux; do
		pty "$CS -- $TRY $op"
		has_line "$OUT" "EPERM" "$WHO: on the agent's pty: $op is refused"
	done
}

# ------------------------------------------------------------- setuid

t_setuid() {
	[ "$WHO" = root ] && return
	W=$(newdir suid)
	cp /usr/bin/id "$W/suid-id"
	chown 0:0 "$W/suid-id"
	chmod 4755 "$W/suid-id"
	CTRL=$(as_user "$W/suid-id" -u)
	if [ "$CTRL" != 0 ]; then
		skip "a setuid binary does not work here even unconfined (euid $CTRL)"
	else
		sb ./suid-id -u
		is 65534 "$OUT" "$WHO: a setuid-root binary is inert inside (euid stays 65534)"
	fi
}

# -------------------------------------------------------- ordinary work

t_work() {
	W=$(newdir work)
	if command -v cc >/dev/null 2>&1; then
		printf '#include <stdio.h>\nint main(void){puts("hello from c");return 0;}\n' >"$W/hello.c"
		[ "$WHO" = root ] || chown 65534:65534 "$W/hello.c"
		sb sh -c 'cc -O2 -o hello hello.c && ./hello'
		is "0:hello from c" "$RC:$OUT" "$WHO: compile and run a C program in the workspace"
		[ -n "$ERR" ] && diagm "stderr: $ERR"
	else
		skip "cc is missing: cannot compile"
	fi
	sb sh -c 'printf "#!/bin/sh\necho built\n" >build.sh && chmod +x build.sh && ./build.sh'
	is "0:built" "$RC:$OUT" "$WHO: chmod +x build.sh && ./build.sh"

	sb sh -c 'rm -rf fresh && mkdir fresh && cd fresh && git init -q && git config user.email a@b &&
		git config user.name t && echo x >x && git add x && git commit -qm x && git branch b2 &&
		git checkout -qb b3 && git branch | wc -l'
	is "0:3" "$RC:$(echo "$OUT" | tr -d ' ')" "$WHO: git init, add, commit, branch in a new repository inside"
	[ -n "$ERR" ] && diagm "stderr: $ERR"

	if [ -x "$PY" ]; then
		sb "$PY" -c 'import json, os; print(json.dumps({"n": sum(range(10))}))'
		is '0:{"n": 45}' "$RC:$OUT" "$WHO: python3 -c runs"
		sb python3 -c 'print(6*7)'
		is "0:42" "$RC:$OUT" "$WHO: python3 from PATH runs"
		[ -n "$ERR" ] && diagm "stderr: $ERR"
	else
		skip "python3 is missing"
	fi
	sb sh -c 'seq 1 1000 | sort -rn | head -1'
	is "1000" "$OUT" "$WHO: a pipeline works"
	sb sh -c 'mkdir -p a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z && echo deep >a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z/f && cat a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z/f && rm -r a'
	is "0:deep" "$RC:$OUT" "$WHO: deep mkdir -p, write, read, rm -r"
	sb sh -c 'f=$(mktemp) && echo tmp-ok >"$f" && cat "$f" && rm "$f" && d=$(mktemp -d) && touch "$d/x" && rm -r "$d"'
	is "0:tmp-ok" "$RC:$OUT" "$WHO: /tmp: mktemp, write, read, rm"
	sb sh -c 'exit 42'
	is 42 "$RC" "$WHO: exit 42 gives 42"
	BIG=$(head -c 100000 /dev/zero | tr '\0' a)
	sb sh -c 'echo ${#1}' _ "$BIG"
	is "0:100000" "$RC:$OUT" "$WHO: a 100 KB argument arrives whole"
	# shellcheck disable=SC2046
	sb sh -c 'echo $#' _ $(seq 1 5000)
	is "0:5000" "$RC:$OUT" "$WHO: 5000 arguments arrive"
	sb sh -c 'echo $CLAWSHIM_BACKEND'
	is "landlock" "$OUT" "$WHO: CLAWSHIM_BACKEND=landlock inside"
	sb sh -c 'cat /etc/os-release >/dev/null && ls /usr/bin >/dev/null && echo >/dev/null && head -c 4 /dev/urandom | wc -c'
	is "0:4" "$RC:$(echo "$OUT" | tr -d ' ')" "$WHO: system files, /dev/null and /dev/urandom work"
}

for_each_user t_secrets
for_each_user t_environ
for_each_user t_writes_outside
for_each_user t_git
for_each_user t_git_commondir
for_each_user t_home_workspace
for_each_user t_policy_file
for_each_user t_network
for_each_user t_signals
for_each_user t_syscalls
for_each_user t_tty
for_each_user t_setuid
for_each_user t_work
done_testing
