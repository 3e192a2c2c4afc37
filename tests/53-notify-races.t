#!/bin/sh
# SPDX-License-Identifier: MIT
# 53-notify-races.t: the notification supervisor against a command with two
# threads (the landlock backend, as root and as uid 65534).
#  - a thread dup2()s another socket onto the descriptor the supervisor
#    checked: no datagram and no connection may reach a unix socket
#    outside (listeners outside count what arrives);
#  - a thread clears O_NONBLOCK and SO_SNDTIMEO of a socket the command
#    blocks on: --timeout must still end the run (124);
#  - no setuid/setgid file, no device node, no TIOCSETD;
#  - ordinary socket work still works.
. "$(dirname "$0")/lib.sh"
RACE=$TOP/tests/helpers/race
CS="$CLAWSHIM --backend landlock --read-only $TOP/tests/helpers"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3 2>/dev/null || echo python3-missing)
SECS=2

# Outside every path the default policy grants (not /tmp, /var/tmp, /dev/shm).
mkdir -p /var/lib/clawshim-test 2>/dev/null
OUTSIDE=$(mktemp -d /var/lib/clawshim-test/t53.XXXXXX) || { echo "1..0 # SKIP no /var/lib/clawshim-test"; exit 0; }
chmod 755 /var/lib/clawshim-test "$OUTSIDE"
PIDS=""
trap 'for _p in $PIDS; do kill "$_p" 2>/dev/null; done; rm -rf "$SCRATCH" "$OUTSIDE"' EXIT

# A listener outside: listen.py KIND PATH SECONDS COUNTFILE [BACKLOG ACCEPT].
cat >"$OUTSIDE/listen.py" <<'EOF'
import os, socket, sys, time
kind, path, secs, out = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
backlog = int(sys.argv[5]) if len(sys.argv) > 5 else 64
accept = len(sys.argv) <= 6 or sys.argv[6] == "1"
t = {"dgram": socket.SOCK_DGRAM, "stream": socket.SOCK_STREAM}[kind]
fam = socket.AF_INET if path.isdigit() else socket.AF_UNIX
s = socket.socket(fam, t)
if fam == socket.AF_INET:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(path)))
else:
    s.bind(path)
    os.chmod(path, 0o777)
if t == socket.SOCK_STREAM:
    s.listen(backlog)
n, end = 0, time.time() + secs
open(out + ".up", "w").close()
while accept and time.time() < end:
    s.settimeout(max(0.01, end - time.time()))
    try:
        if t == socket.SOCK_DGRAM:
            s.recv(16)
        else:
            s.accept()[0].close()
        n += 1
    except socket.timeout:
        pass
if not accept:
    time.sleep(secs)
open(out, "w").write("%d\n" % n)
EOF

# listen KIND PATH SECONDS NAME [BACKLOG ACCEPT]: start one; $OUTSIDE/NAME
# holds the count once it has ended.
listen() {
	_name=$4
	case $2 in /*) rm -f "$2" ;; esac
	rm -f "$OUTSIDE/$_name" "$OUTSIDE/$_name.up"
	shift 4
	"$PY" "$OUTSIDE/listen.py" "$_kind" "$_path" "$_secs" "$OUTSIDE/$_name" "$@" &
	PIDS="$PIDS $!"
	wait_file_any "$OUTSIDE/$_name.up" 5
}
wait_file_any() {
	_i=0
	until [ -e "$1" ]; do
		_i=$((_i + 1)); [ "$_i" -gt $(($2 * 20)) ] && return 1; sleep 0.05
	done
}
start() { _kind=$1; _path=$2; _secs=$3; listen "$@"; }
count() { wait_file "$OUTSIDE/$1" 10; cat "$OUTSIDE/$1" 2>/dev/null || echo missing; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

if ! [ -x "$PY" ]; then
	skip "python3 is missing (the listeners outside)"
	done_testing
fi
if ! $CLAWSHIM --backend landlock -- true 2>/dev/null; then
	skip "the landlock backend cannot run here"
	done_testing
fi

PORT=$((20000 + $$ % 20000))
PORT2=$((PORT + 1))          # in connect_tcp, nobody listens: refused
POL=$(mkpolicy "$OUTSIDE/tcp.ini" <<EOF
[clawshim]
version = 1
[network]
connect_tcp = $PORT, $PORT2
unix = $OUTSIDE/ok.sock, $OUTSIDE/full.sock
EOF
)

# (a) The default policy: a datagram to a named unix socket outside,
# with a stream socket checked and a datagram socket swapped in.
t_dgram() {
	start dgram "$OUTSIDE/d.sock" $((SECS + 3)) "dgram-$WHO"
	run_in "$W" $SAFETY $CS -- "$RACE" dgram "$OUTSIDE/d.sock" "$SECS"
	has_line "$OUT" "sent 0" "$WHO: default policy: no datagram sent through the dup2 race"
	is 0 "$(count "dgram-$WHO")" "$WHO: default policy: no datagram arrived outside"
	tries=$(printf '%s\n' "$OUT" | sed -n 's/^# tries \([0-9]*\), EACCES \([0-9]*\)/\1 \2/p')
	set -- $tries 0 0
	[ "$1" -gt 1000 ] && [ "$2" -gt 0 ]; ok $? "$WHO: the race really ran ($1 tries, $2 refused)"
}

# (b) A policy that lets AF_INET sockets exist: connect() to a unix
# stream socket outside, an AF_INET socket checked, AF_UNIX swapped in.
t_connect() {
	for how in "--allow-net" "--policy $POL"; do
		start stream "$OUTSIDE/s.sock" $((SECS + 3)) "conn-$WHO"
		run_in "$W" $SAFETY $CS $how -- "$RACE" connect "$OUTSIDE/s.sock" "$SECS"
		has_line "$OUT" "connected 0" "$WHO: $how: no connect through the dup2 race"
		is 0 "$(count "conn-$WHO")" "$WHO: $how: nothing accepted outside"
		tries=$(printf '%s\n' "$OUT" | sed -n 's/^# tries \([0-9]*\),.*/\1/p')
		[ "${tries:-0}" -gt 1000 ]; ok $? "$WHO: $how: the race really ran (${tries:-0} tries)"
	done
}

# (c) Ordinary work.
t_work() {
	run_in "$W" $SAFETY $CS --policy "$POL" -- "$TRY" tcp 127.0.0.1 "$PORT"
	is "ok" "$OUT" "$WHO: TCP connect to an allowed loopback port"
	run_in "$W" $SAFETY $CS --policy "$POL" -- "$RACE" nbconnect 127.0.0.1 "$PORT"
	is "EINPROGRESS connected 0 EISCONN" "$(echo $OUT)" \
		"$WHO: non-blocking connect: EINPROGRESS, then connected, then the kernel's answers"
	run_in "$W" $SAFETY $CS --policy "$POL" -- "$TRY" tcp 127.0.0.1 "$PORT2"
	is "ECONNREFUSED" "$OUT" "$WHO: an allowed port nobody listens on: ECONNREFUSED"
	run_in "$W" $SAFETY $CS --policy "$POL" -- "$TRY" tcp 127.0.0.1 $((PORT + 2))
	is "EACCES" "$OUT" "$WHO: a port outside connect_tcp: EACCES"
	run_in "$W" $SAFETY $CS --policy "$POL" -- "$TRY" unix "$OUTSIDE/ok.sock"
	is "ok" "$OUT" "$WHO: a socket listed in [network] unix connects"
	run_in "$W" $SAFETY $CS --policy "$POL" -- "$TRY" unix "$OUTSIDE/s.sock"
	is "EACCES" "$OUT" "$WHO: a socket not listed: EACCES"
	run_in "$W" $SAFETY $CS -- "$RACE" eintr
	is "EINTR late 0" "$OUT" "$WHO: a blocking send interrupted by a signal: EINTR, and nothing sent later"
	run_in "$W" $SAFETY $CS -- "$RACE" pair
	is "pair ok" "$OUT" "$WHO: socketpair: SCM_RIGHTS, sendmmsg count, EISCONN, EPIPE"
	run_in "$W" $SAFETY $CS -- "$RACE" bad-cmsg
	is "0 cmsg EINVAL 300" "$RC $OUT" \
		"$WHO: SCM_RIGHTS longer than the control buffer: EINVAL 300 times, the supervisor intact"
	run_in "$W" $SAFETY $CS --allow-net -- "$TRY" udp 127.0.0.1 "$PORT"
	is "ok" "$OUT" "$WHO: --allow-net: UDP sendto"
}

# (d) The supervisor is never wedged: the timeout fires within seconds.
t_wedge() {
	t0=$(now_ms)
	run_in "$W" $SAFETY $CS --timeout 2 -- "$RACE" wedge-send
	t1=$(now_ms)
	is 124 "$RC" "$WHO: a send blocked on a full socket, bounds cleared: --timeout 2 ends it (124)"
	[ $((t1 - t0)) -lt 8000 ]; ok $? "$WHO: ... within seconds ($((t1 - t0)) ms)"
	like "$ERR" "*clawshim: timed out after 2 s*" "$WHO: ... and says so"
	t0=$(now_ms)
	run_in "$W" $SAFETY $CS --policy "$POL" --timeout 2 -- "$RACE" wedge-connect "$OUTSIDE/full.sock"
	t1=$(now_ms)
	is 124 "$RC" "$WHO: a connect blocked on a full backlog: --timeout 2 ends it (124)"
	[ $((t1 - t0)) -lt 8000 ]; ok $? "$WHO: ... within seconds ($((t1 - t0)) ms)"
}

# (e) No setuid or setgid file, no device node; FIFOs still work.
t_nosuid() {
	cp /bin/true "$W/t1" && chown "$(as_user id -u)" "$W/t1"
	run_in "$W" $SAFETY $CS -- sh -c '
		chmod 4755 t1; echo "chmod $?"
		chmod g+s t1; echo "chmod-gs $?"
		install -m 4755 /bin/true t2; echo "install $?"
		python3 -c "import os; os.open(\"t3\", os.O_CREAT | os.O_WRONLY, 0o4755)" 2>/dev/null; echo "open $?"
		python3 -c "import os; os.open(\".\", os.O_TMPFILE | os.O_WRONLY, 0o2755)" 2>/dev/null; echo "tmpfile $?"
		python3 -c "import os; os.mknod(\"t4\", 0o104755)" 2>/dev/null; echo "mknod-reg $?"
		mknod t5 c 1 3 2>&1; echo "mknod-c $?"
		mknod t6 b 8 0 2>&1; echo "mknod-b $?"
		mkfifo t7; echo "mkfifo $?"
		mkdir -m 2775 d1; echo "mkdir $?"'
	is "chmod 0|chmod-gs 0|install 0|open 1|tmpfile 1|mknod-reg 1|mknod: t5: Operation not permitted|mknod-c 1|mknod: t6: Operation not permitted|mknod-b 1|mkfifo 0|mkdir 0" \
		"$(printf '%s\n' "$OUT" | paste -sd'|')" "$WHO: creation and chmod answers"
	is "-rwxr-xr-x -rwxr-xr-x" "$(stat -c %A "$W/t1" "$W/t2" | paste -sd' ')" \
		"$WHO: chmod 4755, g+s and install -m 4755 leave no setuid/setgid bit (stat outside)"
	[ ! -e "$W/t3" ] && [ ! -e "$W/t4" ] && [ ! -e "$W/t5" ] && [ ! -e "$W/t6" ]
	ok $? "$WHO: no file made with a setuid mode, no device node"
	is "fifo 2775" "$(stat -c '%F' "$W/t7" | cut -c1-4) $(stat -c %a "$W/d1")" \
		"$WHO: mkfifo works; a setgid directory keeps its setgid bit"
}

# (f) TIOCSETD (line discipline) is refused; outside it works on a pty.
t_tiocsetd() {
	code='import fcntl, os, struct, termios
m, s = os.openpty()
try:
    fcntl.ioctl(s, termios.TIOCSETD, struct.pack("i", 0)); print("ok")
except OSError as e:
    print(os.strerror(e.errno))'
	CTRL=$(as_user "$PY" -c "$code")
	run_in "$W" $SAFETY $CS -- "$PY" -c "$code"
	if [ "$CTRL" = ok ]; then
		is "Operation not permitted" "$OUT" "$WHO: TIOCSETD refused (it works outside)"
	else
		skip "TIOCSETD does not work outside here ($CTRL)"
	fi
}

t_all() {
	W=$(newdir work)
	t_dgram
	t_connect
	t_work
	t_wedge
	t_nosuid
	t_tiocsetd
}

# Long-lived listeners: an allowed one, a TCP one, one whose backlog is full.
start stream "$OUTSIDE/ok.sock" 600 ok
start stream "$PORT" 600 tcp
start stream "$OUTSIDE/full.sock" 600 full 0 0
for_each_user t_all
done_testing
