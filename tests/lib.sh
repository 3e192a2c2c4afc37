# SPDX-License-Identifier: MIT
# lib.sh: a small TAP library for clawshim's black-box tests.
#
# Each test file sources this, calls its checks through `check`, and ends
# with `done_testing`.  `for_each_user FN` runs FN as the current user and,
# when that is root, again as uid 65534 via setpriv, with $AS set to the
# prefix that runs a command as that user and $WHO naming it.

set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
CLAWSHIM=${CLAWSHIM:-$TOP/clawshim}
# A relative $CLAWSHIM (CLAWSHIM=clawshim-static) names a file of the tree,
# so it still does when tests/run.sh tests a copy of the tree.
case $CLAWSHIM in /*) ;; *) CLAWSHIM=$TOP/$CLAWSHIM ;; esac
TRY=${TRY:-$TOP/tests/helpers/try}
_n=0
_failed=0
# A safety net in front of a command that might hang if clawshim is broken
# (its own --timeout failing): a failing test must not hang the suite.
SAFETY="timeout -s KILL 90"

ok() {            # ok COND-EXIT-STATUS DESCRIPTION
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $_n - $2"; else echo "not ok $_n - $2"; _failed=$((_failed + 1)); fi
}

skip() {          # skip REASON: a missing mechanism, fatal under CLAWSHIM_MUST_WORK
	_n=$((_n + 1))
	if [ "${CLAWSHIM_MUST_WORK:-0}" = 1 ]; then
		echo "not ok $_n - required but unavailable: $1"
		_failed=$((_failed + 1))
	else
		echo "ok $_n # SKIP $1"
	fi
}

diag() { echo "# $*"; }

# is EXPECTED ACTUAL DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; diag "expected: $1"; diag "     got: $2"; fi
}

# like STRING GLOB DESCRIPTION
like() {
	case "$1" in
	$2) ok 0 "$3" ;;
	*) ok 1 "$3"; diag "expected to match: $2"; diag "got: $1" ;;
	esac
}

done_testing() {
	echo "1..$_n"
	[ "$_failed" -eq 0 ]
	exit $?
}

# A scratch directory every test user can use; removed at exit.
SCRATCH=$(mktemp -d /tmp/clawshim-test.XXXXXX)
chmod 755 "$SCRATCH"
trap 'rm -rf "$SCRATCH"' EXIT

# outside_dir NAME: set OUTSIDE to a new directory (mode 755) outside what
# the default policy grants (/tmp, /var/tmp, /dev/shm), for a test's
# "outside" world: under /var when the test user may create one there
# (root), else under tests/tmp in the tree (make check as a packager's
# user).  Where neither is outside the grants, the test file skips whole.
outside_dir() {
	_o=$(mktemp -d "/var/$1.XXXXXX" 2>/dev/null) ||
		_o=$(mkdir -p "$TOP/tests/tmp" && mktemp -d "$TOP/tests/tmp/$1.XXXXXX") || _o=
	case $_o in
	"" | /tmp/* | /var/tmp/* | /dev/shm/*)
		[ -z "$_o" ] || rm -rf "$_o"
		skip "no directory outside /tmp, /var/tmp and /dev/shm to test with (not root, and the tree is under one)"
		done_testing ;;
	esac
	chmod 755 "$_o"
	OUTSIDE=$_o
}

# newdir NAME: a fresh directory owned by the current test user.
newdir() {
	_d=$SCRATCH/$WHO-$1
	rm -rf "$_d"
	mkdir -p "$_d"
	[ "$WHO" = root ] || chown 65534:65534 "$_d"
	echo "$_d"
}

for_each_user() {
	WHO=$(id -un); AS=""; HOMEDIR=$SCRATCH/home-$WHO
	mkdir -p "$HOMEDIR"
	export HOME=$HOMEDIR XDG_CONFIG_HOME=$HOMEDIR/.config
	"$1"
	if [ "$(id -u)" = 0 ]; then
		if command -v setpriv >/dev/null 2>&1; then
			WHO=nobody
			HOMEDIR=$SCRATCH/home-nobody
			mkdir -p "$HOMEDIR"
			chown 65534:65534 "$HOMEDIR"
			AS="setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=$HOMEDIR XDG_CONFIG_HOME=$HOMEDIR/.config"
			"$1"
		else
			skip "setpriv is missing: cannot test as an unprivileged user"
		fi
	fi
}

# run CMD...: run as the current test user; sets $OUT, $ERR and $RC.
run() {
	$AS "$@" >"$SCRATCH/out" 2>"$SCRATCH/err" </dev/null
	RC=$?
	OUT=$(cat "$SCRATCH/out")
	ERR=$(cat "$SCRATCH/err")
}

# run_in DIR CMD...: like run, in directory DIR.
run_in() {
	_dir=$1; shift
	(cd "$_dir" && $AS "$@" >"$SCRATCH/out" 2>"$SCRATCH/err" </dev/null)
	RC=$?
	OUT=$(cat "$SCRATCH/out")
	ERR=$(cat "$SCRATCH/err")
}

# wait_gone PATTERN SECONDS: true once no process matches PATTERN.
wait_gone() {
	_i=0
	while pgrep -f "$1" >/dev/null 2>&1; do
		_i=$((_i + 1))
		[ "$_i" -gt $(($2 * 20)) ] && return 1
		sleep 0.05
	done
	return 0
}

# has_line TEXT LINE DESCRIPTION: TEXT has a line exactly equal to LINE.
has_line() {
	if printf '%s\n' "$1" | grep -qxF -- "$2"; then ok 0 "$3"; else
		ok 1 "$3"; diag "expected a line: $2"; printf '%s\n' "$1" | sed 's/^/#      got: /'; fi
}

# all_prefixed TEXT DESCRIPTION: every non-empty line of TEXT (stderr)
# starts with "clawshim: ".
all_prefixed() {
	_bad=$(printf '%s\n' "$1" | grep -v '^$' | grep -v '^clawshim: ')
	if [ -z "$_bad" ]; then ok 0 "$2"; else ok 1 "$2"; printf '%s\n' "$_bad" | sed 's/^/# unprefixed: /'; fi
}

# mkpolicy FILE: write stdin to FILE, mode 644 (policy files must not be
# writable by group or others); prints FILE.
mkpolicy() {
	cat >"$1"
	chmod 644 "$1"
	echo "$1"
}

# wait_file FILE SECONDS: true once FILE exists and is not empty.
wait_file() {
	_i=0
	until [ -s "$1" ]; do
		_i=$((_i + 1))
		[ "$_i" -gt $(($2 * 20)) ] && return 1
		sleep 0.05
	done
	return 0
}

# pids_of REGEX: the pids of processes whose full command line matches
# REGEX (anchor it: "^sleep 7301$"), space separated.
pids_of() {
	pgrep -f "$1" 2>/dev/null | tr '\n' ' ' | sed 's/ $//'
}

# _now_cs: monotonic time in hundredths of a second (from /proc/uptime).
_now_cs() {
	read -r _up _rest </proc/uptime
	echo $(( ${_up%.*} * 100 + 1${_up#*.} - 100 ))
}

# gone_within REGEX TENTHS: true once no process matches REGEX, polling
# for at most TENTHS tenths of a second (measured, not counted).
gone_within() {
	_end=$(( $(_now_cs) + $2 * 10 ))
	while pgrep -f "$1" >/dev/null 2>&1; do
		[ "$(_now_cs)" -gt "$_end" ] && return 1
		sleep 0.02
	done
	return 0
}

# reap REGEX: SIGKILL survivors matching REGEX by pid, so a failing test
# does not poison the next one.
reap() {
	for _p in $(pids_of "$1"); do kill -9 "$_p" 2>/dev/null; done
	gone_within "$1" 20 || diag "could not reap: $1"
}

# diagm TEXT: diag, every line of TEXT.
diagm() { printf '%s\n' "$*" | sed 's/^/# /'; }

# one_of VALUE "A B ..." DESCRIPTION: VALUE is one of the words.
one_of() {
	for _v in $2; do
		if [ "$1" = "$_v" ]; then ok 0 "$3"; return; fi
	done
	ok 1 "$3"; diag "expected one of: $2"; diag "got: $1"
	[ -z "${ERR:-}" ] || printf '%s\n' "$ERR" | sed 's/^/# stderr: /'
}

# lacks TEXT NEEDLE DESCRIPTION: TEXT does not contain NEEDLE.
lacks() {
	case "$1" in
	*"$2"*) ok 1 "$3"; diag "leaked: $2" ;;
	*) ok 0 "$3" ;;
	esac
}

# fstate FILE: content, mode, owner, mtime and links, to show it unchanged.
fstate() { printf '%s|' "$(cat "$1" 2>&1)"; stat -c '%a %u:%g %y %h' "$1" 2>&1; }

# as_user CMD...: run CMD outside the sandbox as the test user.
as_user() { $AS "$@"; }

# user_policy LINE...: the test user's own policy file
# ($HOMEDIR/.config/clawshim/clawshim.ini): "[clawshim] version = 1", then
# each LINE.  Shell mode takes no options, so shell-mode tests choose the
# backend here: user_policy '[sandbox]' 'backend = path'.  no_user_policy
# removes it again.
user_policy() {
	mkdir -p "$HOMEDIR/.config/clawshim"
	{ printf '[clawshim]\nversion = 1\n'; printf '%s\n' "$@"; } |
		mkpolicy "$HOMEDIR/.config/clawshim/clawshim.ini" >/dev/null
}
no_user_policy() { rm -f "$HOMEDIR/.config/clawshim/clawshim.ini"; }
