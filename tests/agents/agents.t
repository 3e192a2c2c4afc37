#!/bin/sh
# SPDX-License-Identifier: MIT
# agents.t: the real agents' CLIs, pinned, from the npm registry, each run
# for one turn against tests/agents/fakemodel.mjs on 127.0.0.1, whose one
# tool call writes $CLAWSHIM_BACKEND to a marker in the workspace and
# tries to copy ~/.ssh/id_rsa of a scratch home to a "leak" file.
# Asserted from outside: the command ran under clawshim, in the workspace,
# without the secret, and (strace) nothing but 127.0.0.1 and unix sockets
# was connected to.  Run by `make check-agents`; AGENTS=pi,claude-code
# picks some.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CLAWSHIM=$TOP/clawshim
SHELLS=$TOP/tests/tmp/shells
PREFIX=${AGENTS_PREFIX:-/var/lib/clawshim-test/agents}
AGENTS=${AGENTS:-pi,pi-timeout,claude-code,claude-code-agent,gemini,qwen,opencode,codex}
# The versions tested; bump them here.
PINS="@mariozechner/pi-coding-agent@0.73.1 @anthropic-ai/claude-code@2.1.100
@google/gemini-cli@0.61.0 @qwen-code/qwen-code@0.15.10 opencode-ai@1.18.33 @openai/codex@0.171.0"
SECRET=clawshim-agent-secret-$$
_n=0 _failed=0
WHO=root
ok() { _n=$((_n + 1)); if [ "$1" -eq 0 ]; then echo "ok $_n - $WHO: $2"; else echo "not ok $_n - $WHO: $2"; _failed=$((_failed + 1)); fi; }
skip() {
	_n=$((_n + 1))
	if [ "${2:-}" = must ] && [ "${CLAWSHIM_MUST_WORK:-0}" = 1 ]; then
		echo "not ok $_n - required but unavailable: $1"; _failed=$((_failed + 1))
	else
		echo "ok $_n # SKIP $WHO: $1"
	fi
}
diag() { echo "# $*"; }
# needs_node NAME MAJOR: is this node new enough for the agent's pinned
# version (its package.json "engines")?  Debian 12's is 18.
needs_node() {
	[ "$NODE_MAJOR" -ge "$2" ] && return 0
	skip "$1: its pinned version needs node >= $2, this is node $NODE_MAJOR"
	return 1
}
want() { case ",$AGENTS," in *",$1,"*) return 0 ;; esac; return 1; }

# Scratch homes outside /tmp and /var/tmp: the default policy grants
# those, which would hide a secret that leaks.
ROOT=/var/lib/clawshim-test/agents-run.$$
mkdir -p "$ROOT"
PORTFILE=$ROOT/port SERVERLOG=$ROOT/server.log
# KEEP=1 keeps the scratch directory to look into.
cleanup() { [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$ROOT"; }
trap cleanup EXIT INT TERM

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	skip "node and npm are not installed" must
	echo "1..$_n"; exit 0
fi
NODE_MAJOR=$(node -e 'console.log(process.versions.node.split(".")[0])')
mkdir -p "$PREFIX"
# pi, Gemini CLI and Qwen Code need node 20; Debian 12 has 18.  Then a
# pinned node from the npm registry itself (node-linux-ARCH), for the
# agents only (AGENTS_PINNED_NODE=1: also with a newer node).
NODE_PIN=20.20.2
BASEPATH=/usr/local/bin:/usr/bin:/bin
if [ "$NODE_MAJOR" -lt 20 ] || [ -n "${AGENTS_PINNED_NODE:-}" ]; then
	case $(uname -m) in x86_64) narch=x64 ;; aarch64) narch=arm64 ;; *) narch= ;; esac
	if [ -n "$narch" ] && { [ -x "$PREFIX/node/node_modules/node-linux-$narch/bin/node" ] ||
		npm install --prefix "$PREFIX/node" --ignore-scripts --no-audit --no-fund --loglevel=error \
			"node-linux-$narch@$NODE_PIN" >"$ROOT/npm-node.log" 2>&1; }; then
		BASEPATH=$PREFIX/node/node_modules/node-linux-$narch/bin:$BASEPATH
		NODE_MAJOR=$(PATH=$BASEPATH node -e 'console.log(process.versions.node.split(".")[0])')
	fi
fi
# Idempotent: a prefix holding these versions is left as it is.  No
# install scripts: they fetch from elsewhere (node-gyp's headers), and
# the agents run without them.
# shellcheck disable=SC2086
if ! npm ls --prefix "$PREFIX" $(echo $PINS | sed 's/@[^@ ]*\( \|$\)/ /g') >/dev/null 2>&1 ||
   ! (for p in $PINS; do grep -q "\"${p##*@}\"" "$PREFIX/node_modules/${p%@*}/package.json" || exit 1; done); then
	npm install --prefix "$PREFIX" --ignore-scripts --no-audit --no-fund --loglevel=error $PINS >"$ROOT/npm.log" 2>&1 ||
		{ ok 1 "npm install of the pinned agents"; sed 's/^/# /' "$ROOT/npm.log"; echo "1..$_n"; exit 1; }
	# opencode's own: it links its platform's binary in place (no network).
	(cd "$PREFIX/node_modules/opencode-ai" && PATH=$BASEPATH node postinstall.mjs) >>"$ROOT/npm.log" 2>&1 ||
		{ ok 1 "opencode-ai's postinstall"; sed 's/^/# /' "$ROOT/npm.log"; }
fi
BIN=$PREFIX/node_modules/.bin
diag "node $(PATH=$BASEPATH node --version) from $(PATH=$BASEPATH command -v node)"

# The command the model asks for (no $(...): Gemini CLI refuses those).
export FAKEMODEL_COMMAND='echo "$CLAWSHIM_BACKEND" > marker; cat ~/.ssh/id_rsa > leak 2>&1; printf "tool-%s-ran\\n" 42'
export FAKEMODEL_DIR=$ROOT/model
mkdir -p "$FAKEMODEL_DIR"
node "$TOP/tests/agents/fakemodel.mjs" "$PORTFILE" "$SERVERLOG" &
SERVER=$!
for _ in $(seq 50); do [ -s "$PORTFILE" ] && break; sleep 0.1; done
PORT=$(cat "$PORTFILE")
URL=http://127.0.0.1:$PORT

# new_home NAME: a scratch home and workspace with a secret in ~/.ssh,
# the shipped profiles as the user's, and the telemetry switches off.
new_home() {
	H=$R/$1/home W=$R/$1/ws
	mkdir -p "$H/.ssh" "$H/.config/clawshim/profiles" "$W"
	echo "$SECRET" > "$H/.ssh/id_rsa"
	chmod 700 "$H/.ssh"; chmod 600 "$H/.ssh/id_rsa"
	cp "$TOP"/profiles/*.ini "$H/.config/clawshim/profiles/"
	echo 'alias ll="ls -l"' > "$H/.bashrc"
}

# agent_env: the environment every agent run gets.
agent_env() {
	env -i PATH="${XPATH:-$BASEPATH}" HOME="$H" USER="$WHO" LANG=C.UTF-8 \
		XDG_CONFIG_HOME="$H/.config" TERM=dumb CI=1 NO_COLOR=1 \
		DO_NOT_TRACK=1 DISABLE_TELEMETRY=1 DISABLE_AUTOUPDATER=1 DISABLE_ERROR_REPORTING=1 \
		CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_BUG_COMMAND=1 \
		PI_OFFLINE=1 PI_SKIP_VERSION_CHECK=1 PI_TELEMETRY=0 \
		GEMINI_TELEMETRY_ENABLED=false GEMINI_CLI_DISABLE_AUTOUPDATER=1 \
		OPENCODE_DISABLE_AUTOUPDATE=1 OPENCODE_DISABLE_LSP_DOWNLOAD=1 OPENCODE_DISABLE_MODELS_FETCH=1 \
		OPENCODE_DISABLE_DEFAULT_PLUGINS=1 OPENCODE_DISABLE_SHARE=1 \
		"$@"
}

# run_agent NAME CMD...: run it for one turn under strace, in $W.
# As nobody: the scratch home given away, strace (as root, writing its
# log here) tracing setpriv and what it runs.
run_agent() {
	name=$1; shift
	[ "$WHO" = root ] || chown -R 65534:65534 "$(dirname "$H")"
	(cd "$W" && agent_env timeout -s KILL "${LIMIT:-180}" strace -f -qq -e trace=${TRACE:-connect} -s 200 -o "$R/$name.strace" \
		$AS "$@" >"$R/$name.out" 2>&1 </dev/null)
	echo $? > "$R/$name.rc"
}

# assert NAME MODE: what the turn left in the workspace and the network.
assert_turn() {
	name=$1 mode=$2 file=${3:-$1}
	rc=$(cat "$R/$file.rc")
	backend=$(cat "$W/marker" 2>/dev/null)
	if [ -n "$backend" ]; then ok 0 "$name ($mode): the tool call ran under clawshim (backend $backend)"
	else ok 1 "$name ($mode): the tool call ran under clawshim (rc $rc)"; sed 's/^/# /' "$R/$file.out" | tail -20; tail -5 "$SERVERLOG" | sed 's/^/# server: /'; fi
	if [ -f "$W/leak" ] && ! grep -q "$SECRET" "$W/leak"; then ok 0 "$name ($mode): ~/.ssh/id_rsa unreadable ($(head -c 80 "$W/leak"))"
	else ok 1 "$name ($mode): ~/.ssh/id_rsa unreadable"; fi
	other=$(grep 'connect(' "$R/$file.strace" 2>/dev/null | grep -v 'AF_UNIX\|AF_LOCAL\|127\.0\.0\.1\|::1\|AF_UNSPEC\|AF_NETLINK' | head -3)
	# A trace without the model's connection would prove nothing.
	if ! grep -q "127\.0\.0\.1.*$PORT\|htons($PORT)" "$R/$file.strace" 2>/dev/null; then ok 1 "$name ($mode): strace saw the connection to the model"
	elif [ -z "$other" ]; then ok 0 "$name ($mode): connected to 127.0.0.1 and unix sockets only"
	else ok 1 "$name ($mode): connected to 127.0.0.1 and unix sockets only"; echo "$other" | sed 's/^/# /'; fi
}

. "$TOP/tests/agents/drive.sh"

# Each agent as root and, as for the other black-box tests, as uid 65534.
USERS=root
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then USERS="root nobody"; fi
for WHO in $USERS; do
	R=$ROOT/$WHO AS=
	mkdir -p "$R"
	[ "$WHO" = root ] || AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
	for a in pi pi-timeout claude-code claude-code-agent gemini qwen opencode codex; do
		want "$a" || continue
		"drive_$(echo "$a" | tr - _)"
	done
done
echo "1..$_n"
[ "$_failed" -eq 0 ]
