#!/bin/sh
# SPDX-License-Identifier: MIT
# The allow = domains figures (run by `make bench` after run.sh, or alone:
# `make -C bench domains`).  Loopback only: a local server (netbench serve),
# the proxy reaching it as the IP entry 127.0.0.1:PORT.
#  1. a domains-mode command that never connects vs allow = none (spawn,
#     interleaved): the cost of the listener and the variables;
#  2. connection set-up (connect + CONNECT/200 + a one-byte round trip)
#     through the proxy vs a direct loopback connect outside the sandbox;
#  3. bulk throughput through the proxy vs direct;  4. 200 tunnels at once.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CS=${CLAWSHIM:-$here/../clawshim}
CS=$(cd "$(dirname "$CS")" && pwd)/$(basename "$CS")
ITER=${BENCH_ITER:-400}
NB=$here/netbench
S=$(mktemp -d /tmp/clawshim-bench-net.XXXXXX)
trap 'kill $SRV 2>/dev/null || true; rm -rf "$S"' EXIT INT TERM
mkdir -p "$S/home/.config" "$S/ws"
cp "$CS" "$S/clawshim" && CS=$S/clawshim
cp "$NB" "$S/netbench" && NB=$S/netbench
chmod -R a+rX "$S"
SINK_MB=1000 "$NB" serve "$S/port" & SRV=$!
while [ ! -s "$S/port" ]; do sleep 0.05; done
P=$(cat "$S/port")
pol() {  # pol NAME ALLOW [EXTRA]
	printf '[clawshim]\nversion = 1\n[sandbox]\nbackend = landlock\n[filesystem]\nread_only = %s\n[network]\nallow = %s\n%s' \
		"$S" "$2" "${3:-}" >"$S/$1.ini"
	chmod 644 "$S/$1.ini"
}
pol none none
pol domains domains "domains = 127.0.0.1:$P, example.org
"
pol direct none "connect_tcp = $P
"
E="env -i PATH=/usr/bin:/bin HOME=$S/home XDG_CONFIG_HOME=$S/home/.config"
echo "== allow = domains (loopback; $(nproc) CPUs)"
printf 'none\t0\t%s\t%s\t--policy\t%s\t--\t/bin/true\n' "$S/ws" "$CS" "$S/none.ini" >"$S/spec"
printf 'domains\t0\t%s\t%s\t--policy\t%s\t--\t/bin/true\n' "$S/ws" "$CS" "$S/domains.ini" >>"$S/spec"
$E "$here/spawn" -n "$ITER" -w 30 -B none "$S/spec"
echo "-- connection set-up (connect, CONNECT/200 through the proxy, 1-byte round trip)"
$E "$NB" connect 2000 127.0.0.1 "$P"
(cd "$S/ws" && $E "$CS" --policy "$S/direct.ini" -- "$NB" connect 2000 127.0.0.1 "$P" | sed 's/^connect/connect inside (connect_tcp, via the supervisor)/')
(cd "$S/ws" && $E "$CS" --policy "$S/domains.ini" -- "$NB" tunnel 2000 127.0.0.1 "$P")
echo "-- bulk (1000 MB)"
$E "$NB" bulk 1000 127.0.0.1 "$P"
(cd "$S/ws" && $E "$CS" --policy "$S/domains.ini" -- "$NB" bulk 1000 127.0.0.1 "$P" tunnel)
echo "-- concurrency"
(cd "$S/ws" && $E "$CS" --policy "$S/domains.ini" -- "$NB" many 200 127.0.0.1 "$P")
