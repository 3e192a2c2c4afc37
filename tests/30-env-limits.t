#!/bin/sh
# SPDX-License-Identifier: MIT
# 30-env-limits.t: environment scrubbing and resource limits (DESIGN.md §4).
. "$(dirname "$0")/lib.sh"

BACKEND=${CLAWSHIM_TEST_BACKEND:-none}
# The helper's directory must be readable on a confining backend too.
CS="$CLAWSHIM --backend $BACKEND --read-only $(dirname "$TRY")"

# Unique sleep durations per run and user (see 20-process.t).
set_base() { SB=$((2000000 + ($$ % 40000) * 2000)); [ "$WHO" = root ] || SB=$((SB + 1000)); }

# policy NAME SECTION LINES...: a policy file "[clawshim] version = 1",
# then [SECTION] and LINES (the first line of LINES is line 4).
policy() {
	_f=$SCRATCH/$WHO-$1.ini
	_s=$2
	shift 2
	{ printf '[clawshim]\nversion = 1\n[%s]\n' "$_s"; printf '%s\n' "$@"; } | mkpolicy "$_f"
}

# var NAME: NAME's line in $OUT (the output of env), or nothing.
var() { echo "$OUT" | grep "^$1=" ; }

SECRETS="GITHUB_TOKEN=gh-secret OPENAI_API_KEY=sk-secret AWS_SECRET_ACCESS_KEY=aws-secret
AWS_ACCESS_KEY_ID=AKIA DB_PASSWORD=hunter2 SSH_AUTH_SOCK=/tmp/agent.sock NPM_TOKEN_RO=x
GOOGLE_APPLICATION_CREDENTIALS=/x/key.json MY_SECRET_THING=s github_token=lower
KRB5CCNAME=FILE:/tmp/krb"

t_env_default() {
	W=$(newdir env)
	run_in "$W" env $SECRETS LANG=C.UTF-8 ORDINARY=kept $CS -- env
	is 0 "$RC" "$WHO: env runs"
	for v in $SECRETS; do
		is "" "$(var "${v%%=*}")" "$WHO: ${v%%=*} is removed by default"
	done
	like "$(var PATH)" "PATH=?*" "$WHO: PATH is kept"
	is "HOME=$HOMEDIR" "$(var HOME)" "$WHO: HOME is kept"
	is "LANG=C.UTF-8" "$(var LANG)" "$WHO: LANG is kept"
	is "ORDINARY=kept" "$(var ORDINARY)" "$WHO: an ordinary variable is kept"
}

# The secrets a first default missed: by name, and URLs with a password
# whatever the name (values are unique, so a leak anywhere shows).
SECRETS2="MYSQL_PWD=Vx9-mysql PGPASSWORD=Vx9-pg STRIPE_KEY=Vx9-stripe GITHUB_PAT=Vx9-pat
OP_SESSION_acme=Vx9-op BW_SESSION=Vx9-bw DOCKER_AUTH_CONFIG=Vx9-docker npm_config__auth=Vx9-npm1
NPM_CONFIG__AUTHTOKEN=Vx9-npm2 SLACK_WEBHOOK_URL=Vx9-slack SENTRY_DSN=Vx9-sentry
DATABASE_URL=postgres://app:Vx9-dburl@db/app HTTP_PROXY=http://u:Vx9-proxy@proxy:3128
PIP_INDEX_URL=https://u:Vx9-pip@pypi.example/simple UV_INDEX_URL=https://u:Vx9-uv@idx.example/simple"

t_env_more_secrets() {
	W=$(newdir env2)
	run_in "$W" env $SECRETS2 'npm_config_//registry.example/:_authToken=Vx9-npm3' \
		PLAIN_URL=postgres://db/app https_proxy=http://proxy:3128 TERM=xterm OLDPWD=/ \
		SSH_CONNECTION='1.2.3.4 5 6.7.8.9 22' $CS -- env
	is 0 "$RC" "$WHO: env runs"
	for v in $SECRETS2; do
		is "" "$(var "${v%%=*}")" "$WHO: ${v%%=*} is removed by default"
	done
	lacks "$OUT" "Vx9-" "$WHO: no secret value reaches the command (npm's //registry/:_authToken too)"
	is "PLAIN_URL=postgres://db/app" "$(var PLAIN_URL)" "$WHO: a URL without a password is kept"
	is "https_proxy=http://proxy:3128" "$(var https_proxy)" "$WHO: a proxy without credentials is kept"
	is "TERM=xterm" "$(var TERM)" "$WHO: TERM is kept"
	is "OLDPWD=/" "$(var OLDPWD)" "$WHO: OLDPWD is kept (not *_PWD)"
	is "SSH_CONNECTION=1.2.3.4 5 6.7.8.9 22" "$(var SSH_CONNECTION)" "$WHO: SSH_CONNECTION is kept"
	P=$(policy envkeep2 environment 'keep = DATABASE_URL')
	run_in "$W" env $SECRETS2 $CS --policy "$P" -- env
	is "DATABASE_URL=postgres://app:Vx9-dburl@db/app" "$(var DATABASE_URL)" \
		"$WHO: keep = DATABASE_URL wins over the password in its value"
	is "" "$(var HTTP_PROXY)" "$WHO: keep: the other URL with a password is still removed"
	run_in "$W" env "DEPLOY_MATERIAL=-----BEGIN OPENSSH PRIVATE KEY-----
Vx9-pem
-----END OPENSSH PRIVATE KEY-----" $CS -- env
	lacks "$OUT" "Vx9-pem" "$WHO: a PEM private key in any variable is removed"
}

# Secret words anywhere in a name, and bare user:pass@host values; the
# harmless names that contain those letters must stay.
SECRETS3="TOKEN=Vx7-a APIKEY=Vx7-b Authorization=Vx7-c MY_TOKEN2=Vx7-d ACCESS_KEY_ID=Vx7-e
npmAuthToken=Vx7-f SESSION_KEY=Vx7-g PROXY_CREDS=u:Vx7-h@proxy.example:3128"
KEEP3="TOKENIZERS_PARALLELISM=false KEYTIMEOUT=1 GPG_TTY=/dev/pts/9 HISTCONTROL=ignoreboth
DISPLAY=:0 WAYLAND_DISPLAY=wayland-0 COLORTERM=truecolor EDITOR=vi PAGER=less LC_ALL=C.UTF-8
XDG_RUNTIME_DIR=/run/user/9 npm_config_cache=/c DBUS_SESSION_BUS_ADDRESS=unix:path=/b
GIT_AUTHOR_NAME=A GIT_ASKPASS=/bin/true REPO=git@github.com:o/r.git OPENAI_MAX_TOKENS=9"

t_env_words() {
	W=$(newdir env3)
	run_in "$W" env $SECRETS3 $KEEP3 $CS -- env
	is 0 "$RC" "$WHO: env runs"
	for v in $SECRETS3; do
		is "" "$(var "${v%%=*}")" "$WHO: ${v%%=*} is removed by default"
	done
	lacks "$OUT" "Vx7-" "$WHO: no secret value of a secret word or a bare user:pass@host reaches the command"
	for v in $KEEP3; do
		is "$v" "$(var "${v%%=*}")" "$WHO: ${v%%=*} is kept"
	done
	P=$(policy envkeep3 environment 'keep = TOKEN')
	run_in "$W" env $SECRETS3 $CS --policy "$P" -- env
	is "TOKEN=Vx7-a" "$(var TOKEN)" "$WHO: keep = TOKEN wins over the word rule"
	is "" "$(var APIKEY)" "$WHO: keep: the others are still removed"
}

t_env_policy() {
	W=$(newdir envpol)
	P=$(policy envkeep environment 'keep = GITHUB_TOKEN' 'set = CI=1' 'remove = MY_VAR_*')
	run_in "$W" env $SECRETS CI=0 MY_VAR_X=1 $CS --policy "$P" -- env
	is "GITHUB_TOKEN=gh-secret" "$(var GITHUB_TOKEN)" "$WHO: [environment] keep = GITHUB_TOKEN keeps it"
	is "" "$(var OPENAI_API_KEY)" "$WHO: keep: the other secrets are still removed"
	is "CI=1" "$(var CI)" "$WHO: [environment] set = CI=1 sets it, over the caller's CI=0"
	is "" "$(var MY_VAR_X)" "$WHO: [environment] remove = MY_VAR_* adds to the built-in patterns"
}

t_nofile() {
	W=$(newdir nofile)
	P=$(policy nofile process 'max_open_files = 64')
	run_in "$W" $CS --policy "$P" -- sh -c 'ulimit -n; ulimit -Hn'
	is "64
64" "$OUT" "$WHO: max_open_files = 64: soft and hard limits 64 inside"
	run_in "$W" $CS --policy "$P" -- sh -c 'ulimit -n 128 2>/dev/null && echo raised; ulimit -n'
	is "64" "$OUT" "$WHO: max_open_files: the command cannot raise it back"
	run_in "$W" $CS --policy "$P" -- "$TRY" openmany 100
	is "EMFILE" "$OUT" "$WHO: max_open_files: opening 100 files fails with EMFILE"
	run_in "$W" $CS --policy "$P" -- "$TRY" openmany 50
	is "ok" "$OUT" "$WHO: max_open_files: 50 open files still work"
}

t_fsize() {
	W=$(newdir fsize)
	P=$(policy fsize process 'max_file_size = 1M')
	run_in "$W" $CS --policy "$P" -- sh -c "head -c 2097152 /dev/zero >$W/big; echo \$?"
	is 153 "$OUT" "$WHO: max_file_size = 1M: writing 2 MB dies of SIGXFSZ (153)"
	S=$(wc -c <"$W/big" 2>/dev/null | tr -d ' ')
	[ "${S:-0}" -le 1048576 ]
	ok $? "$WHO: max_file_size: the file stopped at 1 MB ($S bytes)"
	run_in "$W" $CS --policy "$P" -- sh -c "trap '' XFSZ; head -c 2097152 /dev/zero >$W/big2 2>$W/err; echo \$?; cat $W/err"
	like "$OUT" "1*File too large*" "$WHO: max_file_size: with SIGXFSZ ignored, the write fails with EFBIG"
	run_in "$W" $CS --policy "$P" -- sh -c "head -c 100000 /dev/zero >$W/small; echo \$?"
	is 0 "$OUT" "$WHO: max_file_size: a 100 KB file is written"
}

t_cpu() {
	W=$(newdir cpu)
	P=$(policy cpu process 'max_cpu = 1')
	run_in "$W" $CS --policy "$P" -- sh -c 'ulimit -t'
	is 1 "$OUT" "$WHO: max_cpu = 1: ulimit -t is 1 inside"
	# The --timeout is only a safety net: the CPU limit must end it first.
	# (timeout(1) with SIGALRM only as a safety net: 142 would mean both failed.)
	run_in "$W" timeout -s ALRM 90 $CS --timeout 60 --policy "$P" -- sh -c 'while :; do :; done'
	case $RC in 152|137) ok 0 "$WHO: max_cpu = 1: a busy loop is killed by the CPU limit ($RC)" ;;
	*) ok 1 "$WHO: max_cpu = 1: a busy loop is killed by the CPU limit"; diag "got status $RC (124: the safety timeout)" ;;
	esac
}

t_memory() {
	W=$(newdir mem)
	P=$(policy mem process 'max_memory = 64M')
	run_in "$W" $CS --policy "$P" -- sh -c 'ulimit -d'
	is 65536 "$OUT" "$WHO: max_memory = 64M: ulimit -d is 65536 KB inside"
	run_in "$W" $CS --policy "$P" -- perl -e '$x = "a" x (256 * 1024 * 1024); print "allocated\n"'
	[ "$RC" -ne 0 ] && [ "$OUT" != allocated ]
	ok $? "$WHO: max_memory = 64M: allocating 256 MB fails (rc $RC)"
	run_in "$W" $CS --policy "$P" -- perl -e '$x = "a" x (8 * 1024 * 1024); print "allocated\n"'
	is "allocated" "$OUT" "$WHO: max_memory = 64M: allocating 8 MB works"
}

t_hard_limit() {
	W=$(newdir hard)
	P=$(policy nofile1000 process 'max_open_files = 1000')
	run_in "$W" prlimit --nofile=100:100 $CS --policy "$P" -- touch "$W/ran"
	is 125 "$RC" "$WHO: max_open_files above the hard limit (100) exits 125"
	like "$ERR" "*clawshim: $P:4: *max_open_files*" "$WHO: above the hard limit: message names the key and file:line"
	like "$ERR" "*clawshim: hint: *" "$WHO: above the hard limit: a hint line"
	all_prefixed "$ERR" "$WHO: above the hard limit: every stderr line starts with clawshim:"
	[ -e "$W/ran" ]; ok $((!$?)) "$WHO: above the hard limit: the command did not run"

	P=$(policy nofile64 process 'max_open_files = 64')
	run_in "$W" prlimit --nofile=100:100 $CS --policy "$P" -- sh -c 'ulimit -n'
	is 64 "$OUT" "$WHO: lowering below the hard limit (100 -> 64) works"

	# The built-in defaults (max_processes, max_memory) must not make
	# clawshim unusable under a caller whose hard limits are already lower:
	# the lower inherited limit already enforces the guarantee.
	run_in "$W" prlimit --nproc=1000:1000 $CS -- true
	is 0 "$RC" "$WHO: a caller's hard nproc limit below the built-in default: still runs"
	[ "$RC" = 0 ] || diag "stderr: $ERR"
	run_in "$W" prlimit --nproc=1000:1000 $CS -- bash -c 'ulimit -u'
	is 1000 "$OUT" "$WHO: ... and keeps the caller's lower limit"
	if [ "${CLAWSHIM_TEST_ASAN:-0}" = 1 ]; then
		# make check-asan: ASan's shadow memory alone is far above any
		# data limit below max_memory, so no ASan binary starts under it.
		ok 0 "$WHO: a caller's hard data limit below the built-in max_memory (not run: ASan build)"
	else
	run_in "$W" prlimit --data=1073741824:1073741824 $CS -- true
	is 0 "$RC" "$WHO: a caller's hard data limit below the built-in max_memory: still runs"
	[ "$RC" = 0 ] || diag "stderr: $ERR"
	fi

	# unlimited: clawshim sets no limit, the inherited one stays (it
	# cannot raise a hard limit, and must not refuse to run for it).
	P=$(policy nofileunl process 'max_open_files = unlimited')
	run_in "$W" prlimit --nofile=100:100 $CS --policy "$P" -- sh -c 'ulimit -n'
	is "0:100" "$RC:$OUT" "$WHO: max_open_files = unlimited keeps the inherited limit (100)"
}

t_nproc() {
	set_base
	# RLIMIT_NPROC counts every process of the user (clawshim.ini(5)):
	# a user already running 30 (a packager's desktop session) forks none.
	if [ "$WHO" != root ]; then
		_mine=$(ps -u "$($AS id -u)" --no-headers 2>/dev/null | wc -l)
		if [ "$_mine" -ge 20 ]; then
			skip "$WHO: max_processes = 30: this user runs $_mine processes already, which RLIMIT_NPROC counts"
			return
		fi
	fi
	W=$(newdir nproc)
	N=$((SB + 1)); M=$((SB + 2))
	P=$(policy nproc process 'max_processes = 30')
	# A bounded fork bomb: 100 sleeps; fork failures are counted, not fatal.
	$AS $CS --timeout 60 --policy "$P" -- perl -e '
		my $n = 0;
		for (1 .. 100) {
			my $p = fork;
			next unless defined $p;
			if ($p == 0) { exec "sleep", "'"$N"'"; exit 127 }
			$n++;
		}
		open my $f, ">", "'"$W/ready"'" or die; print $f "$n\n"; close $f;
		exec "'"$TRY"'", "sleep", "'"$M"'"' </dev/null >/dev/null 2>&1 &
	PID=$!
	wait_file "$W/ready" 20 || diag "the fork bomb did not report"
	# A forked child is perl until it has exec'd sleep: count once the
	# number of sleeps stops changing (bounded), not at the first look.
	C=0
	for _i in $(seq 1 50); do
		_c=$(pgrep -f "^sleep $N\$" | wc -l)
		[ "$_c" -gt 0 ] && [ "$_c" -eq "$C" ] && [ -z "$(pgrep -f "^perl -e.*$N")" ] && break
		C=$_c
		sleep 0.1
	done
	diag "$WHO: forks that succeeded: $(cat "$W/ready" 2>/dev/null), sleeps alive: $C"
	[ "$C" -ge 1 ] && [ "$C" -le 30 ]
	ok $? "$WHO: max_processes = 30: a fork bomb of 100 gets at most 30 processes ($C)"
	kill -TERM "$PID"
	wait "$PID"
	is 143 "$?" "$WHO: max_processes: TERM ends the command"
	is "" "$(pids_of "^sleep $N\$")" "$WHO: max_processes: all of the bomb is gone after"
	reap "^sleep $N\$"
	reap "^$TRY sleep $M\$"
}

for_each_user t_env_default
for_each_user t_env_policy
for_each_user t_env_more_secrets
for_each_user t_env_words
for_each_user t_nofile
for_each_user t_fsize
for_each_user t_cpu
for_each_user t_memory
for_each_user t_hard_limit
for_each_user t_nproc
done_testing
