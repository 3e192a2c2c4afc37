#!/bin/sh
# SPDX-License-Identifier: MIT
#
# docker-setup.sh start|stop|status: a private dockerd for the docker
# backend's tests, and a tiny local image (clawshim-test:latest) built
# from Debian's busybox-static: no registry is ever contacted.
#
#   eval "$(sh tests/docker-setup.sh start)"   # prints: export DOCKER_HOST=unix://...
#   sh tests/docker-setup.sh stop
#
# start and stop are idempotent and quick when there is nothing to do.
# The daemon has its own data root, exec root, socket and pid file, and
# touches no host firewall or bridge (--iptables=false --bridge=none), so
# it can run next to a system dockerd.  Root only (dockerd needs it).
set -eu

BASE=${CLAWSHIM_DOCKER_BASE:-/var/lib/clawshim-test/docker}
RUN=${CLAWSHIM_DOCKER_RUN:-/run/clawshim-docker}
SOCK=$RUN/docker.sock
PIDFILE=$RUN/dockerd.pid
LOG=$BASE/dockerd.log
IMAGE=clawshim-test:latest
DOCKER_HOST=unix://$SOCK
export DOCKER_HOST

say() { echo "docker-setup: $*" >&2; }
die() { say "$*"; exit 1; }

running() {
	[ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

# The docker CLI and dockerd, from Debian (docker.io), and busybox-static
# (static: the image has no loader or libc).
need_packages() {
	command -v dockerd >/dev/null 2>&1 && command -v docker >/dev/null 2>&1 &&
		dpkg -s busybox-static >/dev/null 2>&1 && return 0
	command -v apt-get >/dev/null 2>&1 || die "dockerd or a static busybox is missing and apt-get is not here"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io busybox-static >&2 ||
		die "cannot install docker.io busybox-static"
}

wait_up() {
	i=0
	until docker version --format '{{.Server.Version}}' >/dev/null 2>&1; do
		i=$((i + 1))
		running || { tail -20 "$LOG" >&2 2>/dev/null; die "dockerd exited; log: $LOG"; }
		[ "$i" -lt 300 ] || die "dockerd did not answer on $SOCK within 30 s; log: $LOG"
		sleep 0.1
	done
}

# rootfs: /bin/busybox and its applets, root and nobody, an empty /tmp.
build_image() {
	docker image inspect "$IMAGE" >/dev/null 2>&1 && return 0
	root=$(mktemp -d /tmp/clawshim-rootfs.XXXXXX)
	mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/proc" "$root/sys" "$root/dev" "$root/run"
	chmod 1777 "$root/tmp"
	cp /bin/busybox "$root/bin/busybox"
	for a in sh ash cat ls id sleep echo true false touch wget nc mkdir rm env printf \
		 test grep sed head tail wc kill ps readlink stat chmod cp mv ln pwd dd; do
		ln -s busybox "$root/bin/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' \
		>"$root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
	tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' - "$IMAGE" >/dev/null
	rm -rf "$root"
}

start() {
	[ "$(id -u)" = 0 ] || die "start needs root (dockerd)"
	need_packages
	mkdir -p "$BASE" "$RUN"
	chmod 711 "$RUN"
	if ! running; then
		rm -f "$PIDFILE" "$SOCK"
		# setsid: the daemon must not share the caller's process group
		# (a test harness killing its group would take it down).
		setsid dockerd --iptables=false --ip6tables=false --bridge=none \
			--data-root "$BASE/data" --exec-root "$RUN/exec" \
			-H "$DOCKER_HOST" --pidfile "$PIDFILE" \
			</dev/null >"$LOG" 2>&1 &
		i=0
		until [ -s "$PIDFILE" ]; do
			i=$((i + 1))
			[ "$i" -lt 100 ] || die "dockerd wrote no pid file; log: $LOG"
			sleep 0.1
		done
	fi
	wait_up
	build_image
	echo "export DOCKER_HOST=$DOCKER_HOST"
}

stop() {
	if running; then
		pid=$(cat "$PIDFILE")
		kill "$pid"
		i=0
		while kill -0 "$pid" 2>/dev/null; do
			i=$((i + 1))
			if [ "$i" -gt 200 ]; then
				say "dockerd $pid did not stop in 20 s: SIGKILL"
				kill -9 "$pid" 2>/dev/null || true
			fi
			sleep 0.1
		done
	fi
	rm -f "$PIDFILE"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status)
	if running && docker version >/dev/null 2>&1; then
		echo "export DOCKER_HOST=$DOCKER_HOST"
	else
		exit 1
	fi
	;;
*) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
