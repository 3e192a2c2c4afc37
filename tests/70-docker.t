#!/bin/sh
# SPDX-License-Identifier: MIT
# 70-docker.t: the docker backend for real, against the engine at
# $DOCKER_HOST (or the default socket) and the local image
# clawshim-test:latest that tests/docker-setup.sh imports.  Ordinary work,
# escape attempts, signals, and the container dying with its parent.
# Skips without an engine (a failure under CLAWSHIM_MUST_WORK=1).
# With CLAWSHIM_TEST_ENGINE=podman (72-podman.t) the same tests run on
# rootless podman as uid 65534, with an image imported into its storage.
. "$(dirname "$0")/lib.sh"

ENGINE=${CLAWSHIM_TEST_ENGINE:-docker}
IMAGE=clawshim-test:latest
[ "$ENGINE" = podman ] && IMAGE=localhost/clawshim-test:latest
SOCK=${DOCKER_HOST:-unix:///var/run/docker.sock}
SOCK=${SOCK#unix://}

# The engine's CLI as the test user: rootless podman keeps per-user
# containers, the docker CLI talks to root's daemon.
eng() {
	if [ "$ENGINE" = podman ]; then $AS podman "$@"; else docker "$@"; fi
}

engine_ok() {
	if [ "$ENGINE" = podman ]; then
		command -v podman >/dev/null 2>&1 && [ -x /bin/busybox ]
		return
	fi
	command -v docker >/dev/null 2>&1 &&
		docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# containers clawshim started that are still there (running or not)
leftovers() { eng ps -aq --filter name=clawshim- 2>/dev/null | tr '\n' ' '; }

# gone_in TENTHS: true once no clawshim container is left
containers_gone_in() {
	_end=$(( $(_now_cs) + $1 * 10 ))
	while [ -n "$(leftovers)" ]; do
		[ "$(_now_cs)" -gt "$_end" ] && return 1
		sleep 0.1
	done
	return 0
}

# container_up TENTHS: true once a clawshim container runs
container_up() {
	_end=$(( $(_now_cs) + $1 * 10 ))
	until [ -n "$(eng ps -q --filter name=clawshim- 2>/dev/null)" ]; do
		[ "$(_now_cs)" -gt "$_end" ] && return 1
		sleep 0.1
	done
	return 0
}

# setup_ws: a workspace with a secret, a denied directory, git hooks;
# a policy file for it (mode 644, outside the workspace).
setup_ws() {
	WS=$(newdir ws)
	OUTSIDE=$(newdir outside)
	mkdir -p "$WS/.git/hooks" "$WS/private"
	echo TOPSECRET >"$WS/secret.txt"
	echo hidden >"$WS/private/key"
	echo original >"$WS/.git/hooks/pre-commit"
	[ "$WHO" = root ] || chown -R 65534:65534 "$WS"
	POL=$(mkpolicy "$SCRATCH/$WHO-docker.ini" <<EOF
[clawshim]
version = 1
[sandbox]
backend = docker
[filesystem]
deny = $WS/secret.txt, $WS/private
deny_write = $WS/.git/hooks
[docker]
image = $IMAGE
engine = $ENGINE
EOF
)
}

cs() { run_in "$WS" "$CLAWSHIM" --policy "$POL" "$@"; }

ordinary_work() {
	cs -- echo hello
	is "0 hello" "$RC $OUT" "$WHO: echo runs in the container"
	cs -- sh -c 'exit 3'
	is 3 "$RC" "$WHO: the exit status passes through"
	cs -- sh -c 'echo made >written; cat written'
	is "0 made" "$RC $OUT" "$WHO: a write in the workspace works"
	is made "$(cat "$WS/written" 2>/dev/null)" "$WHO: ... and is on the host"
	is "$(as_user id -u)" "$(stat -c %u "$WS/written" 2>/dev/null)" "$WHO: ... owned by the caller"
	cs -- sh -c 'pwd; echo "$CLAWSHIM_BACKEND"'
	is "$WS docker" "$(echo $OUT)" "$WHO: runs in the workspace, CLAWSHIM_BACKEND=docker"
	_out=$(cd "$WS" && printf 'a\nb\nc\n' | $AS "$CLAWSHIM" --policy "$POL" -- sh -c 'cat | wc -l' 2>&1)
	is 3 "$(echo $_out)" "$WHO: stdin is piped through to the command"
	cs -- sh -c 'echo t >/tmp/t && cat /tmp/t'
	is "0 t" "$RC $OUT" "$WHO: /tmp is writable (the container's own tmpfs)"
	cs -- nonexistent-command
	if [ "$ENGINE" = podman ]; then
		# podman's init (catatonit) reports a failed exec as 1.
		is 1 "$RC" "$WHO: a missing command is 1 (catatonit's status for a failed exec)"
		# Rootless: processes and memory are rlimits (built-in 4096, 8G).
		cs -- sh -c 'ulimit -u; ulimit -d'
		is "4096 8388608" "$(echo $OUT)" "$WHO: max_processes and max_memory are rlimits inside"
	else
		is 127 "$RC" "$WHO: a missing command is 127"
	fi
}

escapes() {
	cs -- sh -c 'echo x >/etc/evil'
	like "$ERR" "*Read-only file system*" "$WHO: the root filesystem is read-only"
	cs -- sh -c "echo x >'$OUTSIDE/evil'"
	ok "$([ "$RC" -ne 0 ] && [ ! -e "$OUTSIDE/evil" ]; echo $?)" \
		"$WHO: a host directory outside the policy cannot be written"
	cs -- cat "$WS/secret.txt"
	ok "$(case "$OUT" in *TOPSECRET*) echo 1 ;; *) echo 0 ;; esac)" "$WHO: a denied file in the workspace is unreadable"
	cs -- sh -c "ls -A '$WS/private'; cat '$WS/private/key'"
	ok "$(case "$OUT" in *hidden*|*key*) echo 1 ;; *) echo 0 ;; esac)" "$WHO: a denied directory in the workspace is empty"
	cs -- sh -c "echo evil >'$WS/.git/hooks/pre-commit'"
	is original "$(cat "$WS/.git/hooks/pre-commit")" "$WHO: deny_write holds inside the writable workspace"
	cs -- sh -c 'ls /sys/class/net'
	is lo "$(echo $OUT)" "$WHO: only a loopback interface"
	cs -- sh -c 'echo x | nc -w 2 10.0.0.1 80; echo rc=$?'
	like "$OUT$ERR" "*rc=1*" "$WHO: no route out (nc to 10.0.0.1 fails)"
	cs -- sh -c "ls -l '$SOCK' 2>&1; ls /var/run/docker.sock /run/docker.sock 2>&1"
	ok "$(case "$OUT" in *srw*) echo 1 ;; *) echo 0 ;; esac)" "$WHO: the engine socket is not in the container"
	cs -- sh -c 'id -u; grep -E "^(CapEff|NoNewPrivs)" /proc/self/status'
	is "$(as_user id -u) CapEff: 0000000000000000 NoNewPrivs: 1" "$(echo $OUT)" \
		"$WHO: the caller's uid, no capabilities, no new privileges"
	# The engine socket's directory named in the policy: refused (rootless
	# podman's is in the runtime directory, whether it listens or not).
	_sockdir=$(dirname "$SOCK")
	[ "$ENGINE" = podman ] && _sockdir=$XDG_RUNTIME_DIR
	_bad=$(mkpolicy "$SCRATCH/$WHO-docker-sock.ini" <<EOF
[clawshim]
version = 1
[sandbox]
backend = docker
best_effort = true
[filesystem]
read_only = $_sockdir
[docker]
image = $IMAGE
engine = $ENGINE
EOF
)
	run_in "$WS" "$CLAWSHIM" --policy "$_bad" -- true
	like "$RC $ERR" "125 *would mount the container engine socket*" \
		"$WHO: a policy path holding the engine socket is refused, even best_effort"
}

signals() {
	# TERM reaches the command (docker run proxies it; --init delivers it).
	(cd "$WS" && exec $AS "$CLAWSHIM" --policy "$POL" -- sleep 7701) </dev/null >/dev/null 2>&1 &
	_p=$!
	container_up 150 || diag "no container came up"
	kill -TERM "$_p"
	wait "$_p"
	is 143 "$?" "$WHO: SIGTERM to clawshim ends the command: 143"
	containers_gone_in 50
	ok $? "$WHO: ... and the container is gone"

	# clawshim SIGKILLed: its watcher removes the container.
	(cd "$WS" && exec $AS "$CLAWSHIM" --policy "$POL" -- sleep 7702) </dev/null >/dev/null 2>&1 &
	_p=$!
	container_up 150 || diag "no container came up"
	kill -KILL "$_p"
	wait "$_p" 2>/dev/null
	containers_gone_in 50
	ok $? "$WHO: clawshim SIGKILLed: the container is gone within 5 s"
	[ -z "$(leftovers)" ] || { diag "left: $(leftovers)"; eng rm -f $(leftovers) >/dev/null 2>&1; }

	# The agent (clawshim's parent) SIGKILLed.
	sh -c "cd '$WS' && $AS '$CLAWSHIM' --policy '$POL' -- sleep 7703 & wait" </dev/null >/dev/null 2>&1 &
	_p=$!
	container_up 150 || diag "no container came up"
	kill -KILL "$_p"
	wait "$_p" 2>/dev/null
	containers_gone_in 50
	ok $? "$WHO: the parent SIGKILLed: the container is gone within 5 s"
	[ -z "$(leftovers)" ] || { diag "left: $(leftovers)"; eng rm -f $(leftovers) >/dev/null 2>&1; }

	cs --timeout 2 -- sleep 7704
	is 124 "$RC" "$WHO: timeout: 124"
	containers_gone_in 50
	ok $? "$WHO: ... and the container is gone"
}

explained() {
	run_in "$WS" "$CLAWSHIM" --policy "$POL" --explain -- echo hi
	like "$OUT" "*command line:*$ENGINE run --rm -i --name=clawshim-*--cap-drop=ALL*--network=none*$IMAGE echo hi*" \
		"$WHO: --explain shows the $ENGINE command line"
	like "$OUT" "*enforced      no access to $WS/secret.txt*by /dev/null bound read-only over it*" \
		"$WHO: --explain says how a deny is enforced"
}

# Rootless podman for the test user: its runtime directory, and the test
# image imported into its storage from the busybox of the host.
podman_user() {
	export XDG_RUNTIME_DIR="$HOMEDIR/run"
	mkdir -p "$XDG_RUNTIME_DIR"
	chmod 700 "$XDG_RUNTIME_DIR"
	chown 65534:65534 "$XDG_RUNTIME_DIR"
	eng image exists "$IMAGE" && return
	_root=$(mktemp -d "$SCRATCH/rootfs.XXXXXX")
	chmod 755 "$_root"
	mkdir -p "$_root/bin" "$_root/etc" "$_root/tmp" "$_root/proc" "$_root/sys" "$_root/dev" "$_root/run"
	chmod 1777 "$_root/tmp"
	cp /bin/busybox "$_root/bin/busybox"
	for _a in sh cat ls id sleep echo true wget nc rm env test grep wc pwd; do
		ln -s busybox "$_root/bin/$_a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' \
		>"$_root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$_root/etc/group"
	tar -C "$_root" -cf "$SCRATCH/rootfs.tar" .
	chmod 644 "$SCRATCH/rootfs.tar"
	eng import -c 'ENV PATH=/bin' "$SCRATCH/rootfs.tar" "$IMAGE" >/dev/null 2>"$SCRATCH/err" ||
		diagm "podman import: $(cat "$SCRATCH/err")"
	rm -rf "$_root" "$SCRATCH/rootfs.tar"
}

per_user() {
	setup_ws
	if [ "$ENGINE" = podman ]; then
		if [ "$WHO" = root ]; then
			# Rootful podman 4.3 asks runc for rlimits above root's hard
			# limits where root lacks CAP_SYS_RESOURCE (a container), and
			# nothing starts; rootless is how podman is used.
			diag "root: podman runs rootless only in these tests (uid 65534)"
			return
		fi
		podman_user
		# podman's init runs from /run: no_exec there cannot hold.
		_nx=$(mkpolicy "$SCRATCH/$WHO-podman-noexec.ini" <<EOF
[clawshim]
version = 1
[sandbox]
backend = docker
[filesystem]
no_exec = /run
[docker]
image = $IMAGE
engine = podman
EOF
)
		run_in "$WS" "$CLAWSHIM" --policy "$_nx" -- sh -c 'echo ran >ran'
		like "$RC $ERR" "125 *no_exec /run cannot be enforced on podman*" \
			"$WHO: no_exec = /run is refused on podman (exit 125)"
		[ ! -e "$WS/ran" ]; ok $? "$WHO: ... and nothing ran"
		ordinary_work
		escapes
		explained
		signals
		is "" "$(leftovers)" "$WHO: no clawshim container is left behind"
		# Rootless podman keeps a pause process per runtime directory.
		_pause=$XDG_RUNTIME_DIR/libpod/tmp/pause.pid
		[ -s "$_pause" ] && kill "$(cat "$_pause")" 2>/dev/null
		return
	fi
	if [ "$WHO" != root ] && ! $AS docker version >/dev/null 2>&1; then
		# The engine's socket is root's: the unprivileged user cannot use
		# the backend, and must be told so clearly.
		diag "$WHO cannot reach the docker socket $SOCK (root only): checking the refusal only"
		cs -- true
		like "$RC $ERR" "125 *the docker engine is not reachable at *" \
			"$WHO: without access to the engine, clawshim refuses and says why"
		return
	fi
	ordinary_work
	escapes
	explained
	signals
}

if [ "$ENGINE" = podman ]; then
	if ! engine_ok; then
		skip "podman or busybox-static is missing (apt-get install podman catatonit uidmap busybox-static)"
		done_testing
	fi
	if ! grep -q '^nobody:' /etc/subuid 2>/dev/null || ! grep -q '^nobody:' /etc/subgid 2>/dev/null; then
		skip "rootless podman for uid 65534 needs subordinate ids (nobody:200000:65536 in /etc/subuid and /etc/subgid)"
		done_testing
	fi
	for_each_user per_user
	done_testing
fi
if ! engine_ok; then
	skip "no docker engine reachable at $SOCK (sh tests/docker-setup.sh start; export DOCKER_HOST)"
	done_testing
fi
if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
	skip "the image $IMAGE is missing (sh tests/docker-setup.sh start imports it)"
	done_testing
fi
for_each_user per_user
is "" "$(leftovers)" "no clawshim container is left behind"
done_testing
