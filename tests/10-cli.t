#!/bin/sh
# SPDX-License-Identifier: MIT
# 10-cli.t: the command line (DESIGN.md §6): exit statuses, command and
# shell mode, clawsh, login shells, the real shell, policy errors.
. "$(dirname "$0")/lib.sh"

BACKEND=${CLAWSHIM_TEST_BACKEND:-none}
# The helper's directory must be readable on a confining backend too.
CS="$CLAWSHIM --backend $BACKEND --read-only $(dirname "$TRY")"
BIN=$SCRATCH/bin
mkdir -p "$BIN"
ln -s "$CLAWSHIM" "$BIN/clawsh"

# A fake shell: if clawshim ever used $SHELL, its output would show it.
FAKESH=$SCRATCH/fakesh
printf '#!/bin/sh\necho FAKESHELL-USED\n' >"$FAKESH"
chmod 755 "$FAKESH"

# Shell mode takes no options (a tool's input may shape a shell's
# arguments), so the shell-mode tests configure clawshim as users do:
# with the user's policy file.  Root's passwd shell is used as is; a user
# whose passwd shell is not a shell (nobody: /usr/sbin/nologin) gets bash
# there, so the tests below still test clawshim (t_nologin_user checks
# the default for that user).
# shell_policy [SHELL]: the user's policy: the backend, the helpers
# readable and, if given, [sandbox] shell.
shell_policy() {
	mkdir -p "$HOMEDIR/.config/clawshim"
	{
		printf '[clawshim]\nversion = 1\n[sandbox]\nbackend = %s\n' "$BACKEND"
		[ -z "${1:-}" ] || printf 'shell = %s\n' "$1"
		printf '[filesystem]\nread_only = %s\n' "$(dirname "$TRY")"
	} | mkpolicy "$HOMEDIR/.config/clawshim/clawshim.ini" >/dev/null
}
no_shell_policy() { rm -f "$HOMEDIR/.config/clawshim/clawshim.ini"; }
user_shell() { getent passwd "$(if [ "$WHO" = root ] ; then id -u; else echo 65534; fi)" | cut -d: -f7; }
is_real_shell() { grep -qxF -- "$1" /etc/shells 2>/dev/null; }
set_shell_opts() {
	PWSHELL=$(user_shell)
	if is_real_shell "$PWSHELL"; then shell_policy; SH=""; else shell_policy /bin/bash; SH=/bin/bash; fi
}
SHM=$CLAWSHIM
CLAWSH=$BIN/clawsh
DASHPOL=$(mkpolicy "$SCRATCH/dash.ini" <<EOF
[clawshim]
version = 1
[sandbox]
shell = /bin/sh
EOF
)

# A directory neither test user may search (root runs without capabilities).
PRIVATE=$SCRATCH/private
mkdir -p "$PRIVATE"
chown 12345:12345 "$PRIVATE"
chmod 700 "$PRIVATE"

# run_input INPUT CMD...: like run, with INPUT on stdin.
run_input() {
	_in=$1; shift
	printf '%s' "$_in" >"$SCRATCH/in"
	$AS "$@" >"$SCRATCH/out" 2>"$SCRATCH/err" <"$SCRATCH/in"
	RC=$?
	OUT=$(cat "$SCRATCH/out")
	ERR=$(cat "$SCRATCH/err")
}

t_status() {
	W=$(newdir status)
	run_in "$W" $CS -- true
	is 0 "$RC" "$WHO: true exits 0"
	run_in "$W" $CS -- false
	is 1 "$RC" "$WHO: false exits 1"
	run_in "$W" $CS -- sh -c 'exit 7'
	is 7 "$RC" "$WHO: exit 7 passes through"
	run_in "$W" $CS -- sh -c 'exit 255'
	is 255 "$RC" "$WHO: exit 255 passes through"

	run_in "$W" env PATH=/usr/local/bin:/usr/bin:/bin $CS -- no-such-command-4711
	is 127 "$RC" "$WHO: a command not found exits 127"
	has_line "$ERR" "clawshim: no-such-command-4711: No such file or directory" \
		"$WHO: not found: the message names the command"
	like "$ERR" "*clawshim: hint: *" "$WHO: not found: a hint line"
	all_prefixed "$ERR" "$WHO: not found: every stderr line starts with clawshim:"
	# A PATH entry the user cannot search does not make a missing command
	# "found but not executable".
	run_in "$W" env PATH="$PRIVATE:/usr/bin:/bin" $CS -- no-such-command-4711
	is 127 "$RC" "$WHO: not found with an unsearchable directory in PATH: still 127"
	has_line "$ERR" "clawshim: no-such-command-4711: No such file or directory" \
		"$WHO: unsearchable PATH entry: still 'No such file or directory'"
	run_in "$W" $CS -- "$W/absent"
	is 127 "$RC" "$WHO: an absent path exits 127"
	has_line "$ERR" "clawshim: $W/absent: No such file or directory" "$WHO: absent path: message"

	printf '#!/bin/sh\necho should-not-run\n' >"$W/notexec"
	chmod 644 "$W/notexec"
	run_in "$W" $CS -- "$W/notexec"
	is 126 "$RC" "$WHO: a file without x permission exits 126"
	has_line "$ERR" "clawshim: $W/notexec: Permission denied" "$WHO: not executable: message"
	is "" "$OUT" "$WHO: not executable: nothing ran"
	run_in "$W" $CS -- "$W"
	is 126 "$RC" "$WHO: a directory as the command exits 126"

	run_in "$W" $CS -- sh -c 'kill -KILL $$'
	is 137 "$RC" "$WHO: killed by SIGKILL exits 128+9"
	run_in "$W" $CS -- sh -c 'kill -TERM $$'
	is 143 "$RC" "$WHO: killed by SIGTERM exits 128+15"
	run_in "$W" $CS -- sh -c 'kill -SEGV $$'
	is 139 "$RC" "$WHO: killed by SIGSEGV exits 128+11"

	# A command after "--" is a command even when it starts with '-'.
	run_in "$W" $CS -- -no-such-4711
	is 127 "$RC" "$WHO: '-- -NAME' is a command named -NAME (127), not a shell"
}

t_command_mode() {
	W=$(newdir cmd)
	# The first non-option argument is the command (clawshim make test).
	run_in "$W" $CS printf '%s|' 'a  b' '$HOME' "c'd" 'e\f'
	is 0 "$RC" "$WHO: 'clawshim CMD ARGS' runs CMD"
	is 'a  b|$HOME|c'"'"'d|e\f|' "$OUT" "$WHO: command mode: arguments reach the command exactly (no shell)"
	run_in "$W" $CLAWSHIM --backend="$BACKEND" printf 'x%sx' y
	is "xyx" "$OUT" "$WHO: --backend=VALUE form, then the command"
	BIG=$(head -c 102400 /dev/zero | tr '\0' a)
	run_in "$W" $CS -- printf '%s' "$BIG"
	is 102400 "${#OUT}" "$WHO: a 100 KB argument reaches the command whole"
}

t_usage() {
	W=$(newdir usage)
	run_in "$W" $CLAWSHIM --no-such-option -- true
	is 125 "$RC" "$WHO: an unknown option exits 125"
	has_line "$ERR" "clawshim: unknown option '--no-such-option'" "$WHO: unknown option: message names it"
	like "$ERR" "*clawshim: hint: *" "$WHO: unknown option: a hint line"
	all_prefixed "$ERR" "$WHO: unknown option: every stderr line starts with clawshim:"
	run_in "$W" $CLAWSHIM --timeout
	is 125 "$RC" "$WHO: an option missing its value exits 125"
	like "$ERR" "clawshim: *--timeout*" "$WHO: missing value: message names the option"
	run_in "$W" $CLAWSHIM --backend no-such-backend -- true
	is 125 "$RC" "$WHO: an unknown backend exits 125"
	like "$ERR" "*clawshim: *no-such-backend*" "$WHO: unknown backend: message names it"

	run_in "$W" $CLAWSHIM --version
	is 0 "$RC" "$WHO: --version exits 0"
	like "$OUT" "clawshim *" "$WHO: --version prints 'clawshim VERSION'"
	run_in "$W" $CLAWSHIM --help
	is 0 "$RC" "$WHO: --help exits 0"
	like "$OUT" "*usage: clawshim*" "$WHO: --help prints the usage on stdout"
	is "" "$ERR" "$WHO: --help prints nothing on stderr"
}

t_shell_mode() {
	set_shell_opts
	W=$(newdir shell)
	HOMEDIR_NOW=${HOMEDIR:-$HOME}
	run_in "$W" $SHM -c 'echo "$0 $1"' name arg
	is "name arg" "$OUT" "$WHO: -c STRING NAME ARG: \$0 and \$1"
	is 0 "$RC" "$WHO: -c: exit 0"
	run_in "$W" $SHM -c 'exit 9'
	is 9 "$RC" "$WHO: -c 'exit 9' exits 9"

	# The string reaches the shell exactly: quotes, $, backslashes, tabs,
	# newlines, a here-document.
	S='printf "%s\n" "a  b" '"'c\"d'"' \$HOME '"'\$HOME'"' "x\\\\y" "tab	x"
v=2; echo "v=$v"
cat <<'"'EOF'"'
$v \t "q" '"'s'"'
EOF'
	run_in "$W" $SHM -c "$S"
	EXP=$(sh -c "$S")
	is "$EXP" "$OUT" "$WHO: -c: the string reaches the shell exactly (same output as sh -c)"
	like "$OUT" "*a  b*c\"d*\$HOME*v=2*" "$WHO: -c: the output is the expected one"
	has_line "$OUT" 'x\\y' "$WHO: -c: backslashes reach the shell"

	BIG=$(head -c 102400 /dev/zero | tr '\0' b)
	run_in "$W" $SHM -c "printf %s $BIG"
	is 102400 "${#OUT}" "$WHO: -c: a 100 KB command string"
	run_in "$W" $SHM -c 'printf %s "$1"' name "$BIG"
	is 102400 "${#OUT}" "$WHO: -c: a 100 KB argument"

	# Login shells read ~/.profile; plain -c does not.
	H=$SCRATCH/home-$WHO
	printf 'echo PROFILE-READ\n' >"$H/.profile"
	run_in "$W" $SHM -c 'echo body'
	is "body" "$OUT" "$WHO: -c is not a login shell (~/.profile not read)"
	run_in "$W" $SHM -lc 'echo body'
	has_line "$OUT" "PROFILE-READ" "$WHO: -lc is a login shell"
	has_line "$OUT" "body" "$WHO: -lc runs the string"
	run_in "$W" $SHM -l -c 'echo body'
	has_line "$OUT" "PROFILE-READ" "$WHO: -l -c is a login shell"
	has_line "$OUT" "body" "$WHO: -l -c runs the string"
	run_in "$W" $SHM --login -c 'echo body'
	has_line "$OUT" "PROFILE-READ" "$WHO: --login -c is a login shell"
	has_line "$OUT" "body" "$WHO: --login -c runs the string"
	rm -f "$H/.profile"

	run_in "$W" $SHM -ic 'case $- in *i*) echo INTERACTIVE;; esac'
	has_line "$OUT" "INTERACTIVE" "$WHO: -ic runs an interactive shell"
	run_in "$W" $SHM -e -c 'false; echo no'
	is 1 "$RC" "$WHO: -e -c 'false; echo no' exits 1"
	is "" "$OUT" "$WHO: -e -c: stops at the failure"
	run_in "$W" $SHM -x -c 'echo traced'
	like "$ERR" "*+ echo traced*" "$WHO: -x -c: the shell traces"
	run_in "$W" $SHM +x -c 'echo plus'
	is 0 "$RC" "$WHO: +x -c: a '+' flag means shell mode too"
	is "plus" "$OUT" "$WHO: +x -c runs the string"
	no_shell_policy
}

# The same flags with a POSIX sh (dash) as the real shell.
t_shell_mode_dash() {
	shell_policy /bin/sh
	W=$(newdir dash)
	H=$SCRATCH/home-$WHO
	printf 'echo PROFILE-READ\n' >"$H/.profile"
	run_in "$W" $SHM -c 'echo "$0 $1"' name arg
	is "name arg" "$OUT" "$WHO: dash: -c STRING NAME ARG"
	run_in "$W" $SHM -l -c 'echo body'
	has_line "$OUT" "PROFILE-READ" "$WHO: dash: -l -c is a login shell"
	run_in "$W" $SHM --login -c 'echo body'
	is 0 "$RC" "$WHO: dash: --login -c works (clawshim makes it a login shell)"
	has_line "$OUT" "body" "$WHO: dash: --login -c runs the string"
	[ "$RC" = 0 ] || diag "stderr: $ERR"
	rm -f "$H/.profile"
	no_shell_policy
}

t_clawsh() {
	set_shell_opts
	W=$(newdir clawsh)
	run_in "$W" $CLAWSH -c 'echo "$0"' nm
	is "nm" "$OUT" "$WHO: clawsh -c STRING NAME"
	# clawsh SCRIPT: a shell reads the script (no x bit needed), whereas
	# clawshim SCRIPT executes it.
	printf 'echo "script $1"\n' >"$W/s.sh"
	chmod 644 "$W/s.sh"
	run_in "$W" $CLAWSH "$W/s.sh" a
	is "script a" "$OUT" "$WHO: clawsh SCRIPT ARG: a shell runs the script"
	no_shell_policy
	run_in "$W" $CS -- "$W/s.sh" a
	is 126 "$RC" "$WHO: (contrast) clawshim -- SCRIPT execs it: 126"
	run_input 'echo from-stdin; exit 4
' $CLAWSH
	is "from-stdin" "$OUT" "$WHO: clawsh with no arguments runs stdin"
	is 4 "$RC" "$WHO: clawsh stdin script: its exit status"
	# bash's own options, with bash as the real shell.
	shell_policy /bin/bash
	printf 'f() { echo "rc-$1"; }\n' >"$W/rc"
	chmod 644 "$W/rc"
	for o in --rcfile --init-file; do
		run_input 'f works
' $CLAWSH $o "$W/rc" -i
		has_line "$OUT" "rc-works" "$WHO: clawsh $o FILE -i: the shell reads FILE (VS Code's integration)"
		lacks "$ERR" "clawshim: unknown option" "$WHO: clawsh $o: not taken for clawshim's option"
	done
	no_shell_policy
}

t_stdin_and_login_argv0() {
	set_shell_opts
	W=$(newdir stdin)
	run_input 'echo one
echo "two $((1+1))"
exit 3
' $SHM
	is "one
two 2" "$OUT" "$WHO: no arguments, a script on stdin: it runs"
	is 3 "$RC" "$WHO: no arguments: the script's exit status"

	H=$SCRATCH/home-$WHO
	printf 'echo PROFILE-READ\n' >"$H/.profile"
	run_in "$W" bash -c 'exec -a -clawshim "$0" "$@"' "$CLAWSHIM" -c 'echo "body $0"' nm
	is 0 "$RC" "$WHO: argv[0] -clawshim -c: exit 0"
	has_line "$OUT" "PROFILE-READ" "$WHO: argv[0] -clawshim is a login shell"
	has_line "$OUT" "body nm" "$WHO: argv[0] -clawshim -c runs the string"
	run_input 'echo login-stdin
' bash -c 'exec -a -clawshim "$0" "$@"' "$CLAWSHIM"
	has_line "$OUT" "PROFILE-READ" "$WHO: argv[0] -clawshim, stdin: a login shell"
	has_line "$OUT" "login-stdin" "$WHO: argv[0] -clawshim, stdin: runs the script"
	rm -f "$H/.profile"
	no_shell_policy
}

t_tty() {
	set_shell_opts
	if ! command -v script >/dev/null 2>&1; then
		skip "script(1) is missing: cannot test the interactive shell on a pty"
		return
	fi
	W=$(newdir tty)
	printf '%s\n' 'case $- in *i*) echo INTERACTIVE-$((1+1));; esac' 'exit 5' >"$W/in"
	(cd "$W" && $AS script -qec "$SHM" /dev/null <"$W/in" >"$SCRATCH/out" 2>&1)
	RC=$?
	OUT=$(tr -d '\r' <"$SCRATCH/out")
	like "$OUT" "*INTERACTIVE-2*" "$WHO: no arguments on a tty: an interactive shell"
	is 5 "$RC" "$WHO: interactive shell: its exit status"
	no_shell_policy
}

t_real_shell() {
	set_shell_opts
	W=$(newdir realshell)
	EXP=${SH:+/bin/bash}
	EXP=${EXP:-$PWSHELL}
	run_in "$W" env SHELL="$FAKESH" $SHM -c 'echo "$SHELL"; readlink /proc/$$/exe; :'
	is "$EXP" "$(echo "$OUT" | sed -n 1p)" "$WHO: SHELL inside is the real shell ($EXP), not \$SHELL"
	is "$(readlink -f "$EXP")" "$(echo "$OUT" | sed -n 2p)" "$WHO: the shell running -c is $EXP"
	run_in "$W" env SHELL="$FAKESH" $SHM -c 'echo "$0"'
	is "$EXP" "$OUT" "$WHO: \$SHELL outside (a fake shell) is never run"
	run_in "$W" env SHELL="$BIN/clawsh" $SHM -c 'echo "$SHELL"'
	is "$EXP" "$OUT" "$WHO: SHELL=clawsh outside: SHELL inside is still the real shell"
	shell_policy /bin/sh
	run_in "$W" env SHELL="$FAKESH" $SHM -c 'echo "$SHELL"; readlink /proc/$$/exe; :'
	no_shell_policy
	is "/bin/sh" "$(echo "$OUT" | sed -n 1p)" "$WHO: [sandbox] shell = /bin/sh: SHELL inside"
	is "$(readlink -f /bin/sh)" "$(echo "$OUT" | sed -n 2p)" "$WHO: [sandbox] shell = /bin/sh runs -c"
	run_in "$W" env SHELL="$FAKESH" $CS --policy "$DASHPOL" -- sh -c 'echo "$SHELL"'
	is "/bin/sh" "$OUT" "$WHO: command mode: SHELL inside is the real shell too"
}

# A user whose passwd shell is not a login shell (nologin, false) must
# still get a working shell in shell mode.
t_nologin_user() {
	PWSHELL=$(user_shell)
	if is_real_shell "$PWSHELL"; then
		return
	fi
	W=$(newdir nologin)
	shell_policy
	run_in "$W" $SHM -c 'echo works'
	is "works" "$OUT" "$WHO: passwd shell $PWSHELL: clawshim -c still runs a shell"
	is 0 "$RC" "$WHO: passwd shell $PWSHELL: clawshim -c exits 0"
	no_shell_policy
}

t_policy_errors() {
	W=$(newdir policy)
	P=$(mkpolicy "$SCRATCH/$WHO-unknown.ini" <<EOF
[clawshim]
version = 1
[sandbox]
shel = /bin/sh
EOF
)
	run_in "$W" $CS --policy "$P" -- touch "$W/ran"
	is 125 "$RC" "$WHO: --policy with an unknown key exits 125"
	like "$ERR" "*clawshim: $P:4: unknown key*shel*" "$WHO: unknown key: FILE:LINE named"
	like "$ERR" "*clawshim: hint: *shell*" "$WHO: unknown key: hint says 'did you mean shell'"
	all_prefixed "$ERR" "$WHO: unknown key: every stderr line starts with clawshim:"
	[ -e "$W/ran" ]; ok $((!$?)) "$WHO: unknown key: the command did not run"

	run_in "$W" $CLAWSHIM --check-policy "$P"
	is 125 "$RC" "$WHO: --check-policy BAD exits 125"
	like "$ERR" "*clawshim: $P:4: unknown key*" "$WHO: --check-policy BAD names FILE:LINE"

	G=$(mkpolicy "$SCRATCH/$WHO-good.ini" <<EOF
[clawshim]
version = 1
[process]
max_open_files = 64
EOF
)
	run_in "$W" $CLAWSHIM --check-policy "$G"
	is 0 "$RC" "$WHO: --check-policy GOOD exits 0"
	is "$G: ok" "$OUT" "$WHO: --check-policy GOOD says ok"
	run_in "$W" $CLAWSHIM --policy "$G" --timeout 9 --dump-policy
	is 0 "$RC" "$WHO: --dump-policy exits 0"
	has_line "$OUT" "max_open_files = 64 ; $G:4" "$WHO: --dump-policy: a --policy value with its file:line"
	has_line "$OUT" "timeout = 9 ; command line" "$WHO: --dump-policy: a command-line value with its layer"
	has_line "$OUT" "version = 1 ; $G:2" "$WHO: --dump-policy: the later layer wins"
	like "$OUT" "*; built-in*" "$WHO: --dump-policy: built-in values are labelled"

	cp "$G" "$SCRATCH/$WHO-gw.ini"
	chmod 664 "$SCRATCH/$WHO-gw.ini"
	run_in "$W" $CS --policy "$SCRATCH/$WHO-gw.ini" -- touch "$W/ran"
	is 125 "$RC" "$WHO: a group-writable policy file is refused (125)"
	like "$ERR" "*clawshim: $SCRATCH/$WHO-gw.ini*writable*" "$WHO: group-writable: message names the file"
	[ -e "$W/ran" ]; ok $((!$?)) "$WHO: group-writable: the command did not run"
	chmod 646 "$SCRATCH/$WHO-gw.ini"
	run_in "$W" $CS --policy "$SCRATCH/$WHO-gw.ini" -- true
	is 125 "$RC" "$WHO: an other-writable policy file is refused (125)"

	run_in "$W" $CS --policy "$SCRATCH/absent.ini" -- true
	is 125 "$RC" "$WHO: a missing --policy file exits 125"
	like "$ERR" "*clawshim: $SCRATCH/absent.ini*" "$WHO: missing --policy: message names it"
}

# The workspace's own .clawshim.ini may only tighten.
t_workspace_file() {
	W=$(newdir ws)
	printf '[clawshim]\nversion = 1\n[filesystem]\nread_write = /usr\n' >"$W/.clawshim.ini"
	chmod 644 "$W/.clawshim.ini"
	[ "$WHO" = root ] || chown 65534:65534 "$W/.clawshim.ini"
	run_in "$W" $CS -- touch "$W/ran"
	is 125 "$RC" "$WHO: a workspace .clawshim.ini that widens (read_write) exits 125"
	like "$ERR" "*clawshim: $W/.clawshim.ini:4: *read_write*" "$WHO: widening: the file:line is named"
	[ -e "$W/ran" ]; ok $((!$?)) "$WHO: widening: the command did not run"

	printf '[clawshim]\nversion = 1\n[network]\nallow = all\n' >"$W/.clawshim.ini"
	run_in "$W" $CS -- true
	is 125 "$RC" "$WHO: a workspace file with [network] allow = all exits 125"
	like "$ERR" "*clawshim: $W/.clawshim.ini:4: *" "$WHO: allow = all: the line is named"
	printf '[clawshim]\nversion = 1\n[sandbox]\nbackend = none\n' >"$W/.clawshim.ini"
	run_in "$W" $CS -- true
	is 125 "$RC" "$WHO: a workspace file cannot choose the backend (125)"
	like "$ERR" "*clawshim: $W/.clawshim.ini:4: *" "$WHO: backend in the workspace file: the line is named"

	printf '[clawshim]\nversion = 1\n[filesystem]\ndeny = /etc/hostname\n' >"$W/.clawshim.ini"
	run_in "$W" $CS -- touch "$W/ran"
	is 0 "$RC" "$WHO: a workspace file that tightens (deny) is accepted"
	[ -e "$W/ran" ]; ok $? "$WHO: tightening: the command ran"
	run_in "$W" $CLAWSHIM --dump-policy
	has_line "$OUT" "deny = /etc/hostname ; $W/.clawshim.ini:4 -> /etc/hostname" \
		"$WHO: --dump-policy shows the workspace layer"
}

# Hostile workspace files: refused at once with what they are, never
# waited on, never followed, never quoting clawshim's environment.
t_workspace_hostile() {
	W=$(newdir wshostile)
	F=$W/.clawshim.ini
	mkfifo "$F"
	for i in 1 2; do
		_t0=$(_now_cs)
		run_in "$W" timeout -s KILL 20 $CS -- touch "$W/ran"
		_dt=$(( $(_now_cs) - _t0 ))
		is 125 "$RC" "$WHO: a FIFO .clawshim.ini: refused (125), run $i"
		[ "$_dt" -lt 300 ]; ok $? "$WHO: a FIFO .clawshim.ini: refused at once (${_dt}0 ms), run $i"
	done
	has_line "$ERR" "clawshim: $F: a FIFO, not a regular file; refusing it" "$WHO: FIFO: the message says what it is"
	like "$ERR" "*clawshim: hint: *remove $F*" "$WHO: FIFO: the hint says what to do"
	[ -e "$W/ran" ]; ok $((!$?)) "$WHO: FIFO: the command did not run"
	# The workspace's file is the one of the workspace in force
	# (--workspace), not of the directory clawshim starts in.
	W2=$(newdir wshostile2)
	printf '[clawshim]\nversion = 1\n[sandbox]\ntimeout = 30\n' | mkpolicy "$W2/.clawshim.ini" >/dev/null
	[ "$WHO" = root ] || chown 65534:65534 "$W2/.clawshim.ini"
	run_in "$W" timeout -s KILL 20 $CS --workspace "$W2" --dump-policy
	is 0 "$RC" "$WHO: --workspace elsewhere: the FIFO in the current directory is not read"
	has_line "$OUT" "timeout = 30 ; $W2/.clawshim.ini:4" "$WHO: --workspace DIR: DIR's .clawshim.ini is the workspace layer"
	rm -f "$F"
	mkdir "$F"
	run_in "$W" $CS -- true
	has_line "$ERR" "clawshim: $F: a directory, not a regular file; refusing it" "$WHO: a directory .clawshim.ini: refused"
	rmdir "$F"
	ln -s /dev/zero "$F"
	run_in "$W" timeout -s KILL 20 $CS -- true
	is 125 "$RC" "$WHO: .clawshim.ini -> /dev/zero: refused (125)"
	has_line "$ERR" "clawshim: $F: a symbolic link; refusing it (the workspace policy must be a regular file)" \
		"$WHO: a symbolic link: the message"
	rm -f "$F"
	# A link to a file elsewhere: refused, and nothing of it is quoted.
	O=/var/lib/clawshim-test/cli-$$-$WHO
	mkdir -p "$O"
	printf '[clawshim]\nversion = 1\n[Vx9-other-file]\n' | mkpolicy "$O/x.ini" >/dev/null
	[ "$WHO" = root ] || chown -R 65534:65534 "$O"
	ln -s "$O/x.ini" "$F"
	run_in "$W" $CS -- true
	is 125 "$RC" "$WHO: .clawshim.ini -> a file outside: refused (125)"
	lacks "$ERR" "Vx9" "$WHO: link outside: the other file is not quoted"
	rm -f "$F"
	printf '[clawshim]\nversion = 1\n' | mkpolicy "$F" >/dev/null
	[ "$WHO" = root ] || chown 65534:65534 "$F"
	as_user ln "$F" "$W/second-name"
	run_in "$W" $CS -- true
	has_line "$ERR" "clawshim: $F: has 2 hard links; refusing it" "$WHO: a hard-linked .clawshim.ini: refused"
	rm -f "$F" "$W/second-name" "$O/x.ini"
	rmdir "$O"
	head -c 2000000 /dev/zero | tr '\0' ';' >"$F"
	chmod 644 "$F"
	run_in "$W" $CS -- true
	has_line "$ERR" "clawshim: $F: larger than 1048576 bytes; refusing it" "$WHO: a 2 MB .clawshim.ini: refused"
	# $VAR: the workspace may name where things are, not a secret.
	for ref in '$MY_TEST_TOKEN' '${MY_TEST_TOKEN}'; do
		printf '[clawshim]\nversion = 1\n[filesystem]\ndeny = /nonexistent/%s/x\n' "$ref" >"$F"
		run_in "$W" env MY_TEST_TOKEN=Vx9-token-value $CS -- touch "$W/ran"
		is 125 "$RC" "$WHO: deny = /nonexistent/$ref in the workspace file: refused (125)"
		lacks "$ERR" "Vx9-token-value" "$WHO: $ref: the secret is not printed"
		like "$ERR" "*clawshim: $F:4: \$MY_TEST_TOKEN in the workspace policy: only \$HOME*" \
			"$WHO: $ref: the message names the variable and the line"
	done
	printf '[clawshim]\nversion = 1\n[filesystem]\ndeny = $HOME/nonexistent-x\n' >"$F"
	run_in "$W" env HOME=/nonexistent-home-Vx9 $CS -- true
	has_line "$ERR" "clawshim: $F:4: '\$HOME/nonexistent-x': No such file or directory" \
		"$WHO: a path error of the workspace file quotes it as written"
	printf '[clawshim]\nversion = 1\n[filesystem]\ndeny = ?$HOME/.nothing-here\n' >"$F"
	run_in "$W" $CS -- touch "$W/ran"
	is 0 "$RC" "$WHO: deny = ?\$HOME/... in the workspace file: accepted"
	rm -f "$F" "$W/ran"
}

for_each_user t_status
for_each_user t_command_mode
for_each_user t_usage
for_each_user t_shell_mode
for_each_user t_shell_mode_dash
for_each_user t_clawsh
for_each_user t_stdin_and_login_argv0
for_each_user t_tty
for_each_user t_real_shell
for_each_user t_nologin_user
for_each_user t_policy_errors
for_each_user t_workspace_file
for_each_user t_workspace_hostile
done_testing
