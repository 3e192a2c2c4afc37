#!/bin/sh
# SPDX-License-Identifier: MIT
# The notification supervisor acts only on what the command could reach:
# a chmod/utime/setxattr through the procfs links (root, cwd, fd/N) of a
# process in a mount namespace of its own is refused, while the command's
# own /proc/PID and /dev/fd links keep working; listen() on an inet
# socket needs a bind_tcp port (an unbound socket's listen() binds one
# itself, which Landlock's bind rule never sees).
. "$(dirname "$0")/lib.sh"
CS="$SAFETY $CLAWSHIM"
PY=/usr/bin/python3

# The python the command runs: try each operation on argv[1], one line each.
META='import os,sys
p=sys.argv[1]
for n,f in (("chmod",lambda:os.chmod(p,0o777)),("utime",lambda:os.utime(p,(1,1))),
            ("setxattr",lambda:os.setxattr(p,"user.pwn",b"1"))):
    try:
        f(); print(n,"done")
    except OSError as e:
        print(n,__import__("errno").errorcode[e.errno])'

# state PID: mode, atime and user.pwn of the victim in PID's namespace.
state() {
	"$PY" -c 'import os,sys
p="/proc/%s/root/tmp/victim"%sys.argv[1]
st=os.stat(p)
try: x=os.getxattr(p,"user.pwn").decode()
except OSError: x="-"
print("%o %d %s"%(st.st_mode&0o7777,int(st.st_atime),x))' "$1"
}

# A unix socket server at argv[1] that answers every client with argv[2].
SERVE='import socket,sys
s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8)
while True:
    c,_=s.accept(); c.send(sys.argv[2].encode()); c.close()'
export SERVE

# The command's unix client: what the server at argv[1] says, or the error.
CLIENT='import socket,sys,errno
c=socket.socket(socket.AF_UNIX)
try:
    c.connect(sys.argv[1]); print(c.recv(20).decode())
except OSError as e:
    print(errno.errorcode[e.errno])'

# wait_sock PATH: until PATH is a socket, for at most 5 seconds.
wait_sock() {
	_i=0
	until [ -S "$1" ] || [ "$_i" -gt 100 ]; do _i=$((_i + 1)); sleep 0.05; done
}

t_foreign() {
	W=$(newdir foreign)
	if [ ! -x "$PY" ]; then skip "python3 is missing"; return; fi
	# The outside process: a user and mount namespace of its own, with a
	# tmpfs on /tmp holding the victim; its cwd and its fd 7 lead there.
	rm -f "$W/ready"
	# (Our scratch is under /tmp: the marker is opened before the mount.)
	$AS unshare -Urm sh -c "exec 8>'$W/ready' && mount -t tmpfs t /tmp &&
		echo v >/tmp/victim && echo c >/tmp/control &&
		chmod 600 /tmp/victim /tmp/control && cd /tmp &&
		exec 7</tmp/victim && mkdir -p '$W' && echo ok >&8 && exec 8>&- &&
		exec $PY -c \"\$SERVE\" '$W/s.sock' outside" &
	VP=$!
	if ! wait_file "$W/ready" 5; then
		kill "$VP" 2>/dev/null
		skip "cannot make a user and mount namespace here (unshare -Urm)"
		return
	fi
	# Control: without clawshim the path really reaches the victim.
	CTRL=$(cd "$W" && $AS "$PY" -c 'import os,sys;os.chmod(sys.argv[1],0o640);print("ok")' \
		"/proc/$VP/root/tmp/control" 2>&1)
	is ok "$CTRL" "$WHO: (control) /proc/PID/root of the outside process reaches its tmpfs"
	for via in "root/tmp/victim" "cwd/victim" "fd/7"; do
		run_in "$W" $CS -- "$PY" -c "$META" "/proc/$VP/$via"
		is "chmod EACCES
utime EACCES
setxattr EACCES" "$OUT" "$WHO: chmod, utime, setxattr through /proc/PID/$via of another namespace are refused"
		is "600 $(state "$VP" | cut -d' ' -f2) -" "$(state "$VP")" "$WHO: /proc/PID/$via: the victim is unchanged"
	done
	# A symlink in the workspace to the same place: the same refusal.
	ln -sf "/proc/$VP/root/tmp/victim" "$W/lnk"
	run_in "$W" $CS -- "$PY" -c "$META" lnk
	has_line "$OUT" "chmod EACCES" "$WHO: chmod through a symlink to /proc/PID/root of another namespace is refused"
	is 600 "$(state "$VP" | cut -d' ' -f1)" "$WHO: ... the victim's mode is unchanged"

	# connect(): the same path names another socket in the other
	# namespace; only ours, the one the policy names, may be reached.
	(cd "$W" && exec $AS "$PY" -c "$SERVE" "$W/s.sock" inside >/dev/null 2>&1) &
	SP=$!
	wait_sock "$W/s.sock"
	wait_sock "/proc/$VP/root$W/s.sock"
	PU=$(printf '[clawshim]\nversion = 1\n[network]\nunix = %s\n' "$W/s.sock" | mkpolicy "$W/unix.ini")
	CTRL=$($AS "$PY" -c "$CLIENT" "/proc/$VP/root$W/s.sock" 2>&1)
	is outside "$CTRL" "$WHO: (control) the other namespace's socket answers through /proc/PID/root"
	run_in "$W" $CS --policy "$PU" -- "$PY" -c "$CLIENT" "$W/s.sock"
	is inside "$OUT" "$WHO: connect to the socket [network] unix names works"
	run_in "$W" $CS --policy "$PU" -- "$PY" -c "$CLIENT" "/proc/$VP/root$W/s.sock"
	is EACCES "$OUT" "$WHO: connect to the same path in another namespace (/proc/PID/root) is refused"
	kill "$SP" 2>/dev/null
	wait "$SP" 2>/dev/null
	kill "$VP" 2>/dev/null
	wait "$VP" 2>/dev/null
	# Ordinary work through the command's own links still succeeds.
	run_in "$W" $CS -- "$PY" -c 'import os
open("f","w").close(); fd=os.open("f",os.O_RDONLY)
for p in ("f","/dev/fd/%d"%fd,"/proc/self/fd/%d"%fd,"/proc/thread-self/fd/%d"%fd,"/proc/self/cwd/f"):
    os.chmod(p,0o640); os.utime(p,(5,5))
import tempfile; t=tempfile.TemporaryFile(dir="/tmp"); os.chmod(t.fileno(),0o600)
print("ok")'
	is ok "$OUT" "$WHO: chmod and utime through the command's own /proc/self and /dev/fd links, and of an unlinked file, work"
	[ "$WHO" = root ] || [ -z "$ERR" ]; ok $? "$WHO: ... without a warning"
	# Another process's links, even in our namespace: refused (the
	# command could not follow them under Landlock either).
	$AS sh -c "cd '$W' && exec 7<'$W/f' && exec sleep 30" &
	OP=$!
	sleep 0.3
	run_in "$W" $CS -- "$PY" -c "$META" "/proc/$OP/fd/7"
	has_line "$OUT" "chmod EACCES" "$WHO: chmod through /proc/PID/fd/N of a process outside the sandbox is refused"
	kill "$OP" 2>/dev/null
	wait "$OP" 2>/dev/null
}

# ------------------------------------------------------------ listen()

LISTEN='import socket,sys
fam={"4":socket.AF_INET,"6":socket.AF_INET6}[sys.argv[1]]
try:
    s=socket.socket(fam)
    if len(sys.argv)>2: s.bind(("127.0.0.1" if fam==socket.AF_INET else "::1",int(sys.argv[2])))
    s.listen(); print("listening", s.getsockname()[1])
except OSError as e:
    print(__import__("errno").errorcode[e.errno])'

t_listen() {
	W=$(newdir listen)
	if [ ! -x "$PY" ]; then skip "python3 is missing"; return; fi
	P1=$(printf '[clawshim]
version = 1
[network]
allow = none
connect_tcp = 8080
' | mkpolicy "$W/connect.ini")
	run_in "$W" $CS --policy "$P1" -- "$PY" -c "$LISTEN" 4
	[ -z "$ERR" ] || diag "$ERR"
	is EACCES "$OUT" "$WHO: connect_tcp, no bind_tcp: listen() on an unbound TCP socket is refused"
	run_in "$W" $CS --policy "$P1" -- "$PY" -c "$LISTEN" 6
	is EACCES "$OUT" "$WHO: ... and on an unbound TCP6 socket"
	# The red-team case end to end: nothing outside can connect in.
	rm -f "$W/port"
	(cd "$W" && $AS $CS --policy "$P1" -- "$PY" -c 'import socket
s=socket.socket()
try: s.listen()
except OSError: open("port","w").write("refused"); raise SystemExit
open("port","w").write(str(s.getsockname()[1])); c,a=s.accept(); c.send(b"hi from sandbox\n")' \
		>/dev/null 2>&1 &)
	wait_file "$W/port" 5
	GOT=$(cat "$W/port" 2>/dev/null)
	case $GOT in
	[0-9]*) OUT=$($PY -c "import socket;print(socket.create_connection(('127.0.0.1',$GOT),2).recv(99))" 2>&1) ;;
	*) OUT=$GOT ;;
	esac
	is refused "$OUT" "$WHO: no inbound TCP server without bind_tcp"

	P2=$(printf '[clawshim]
version = 1
[network]
allow = none
connect_tcp = 8080
bind_tcp = 18471
' | mkpolicy "$W/bind.ini")
	run_in "$W" $CS --policy "$P2" -- "$PY" -c "$LISTEN" 4 18471
	is "listening 18471" "$OUT" "$WHO: listen() on a socket bound to a bind_tcp port works"
	run_in "$W" $CS --policy "$P2" -- "$PY" -c "$LISTEN" 4
	is EACCES "$OUT" "$WHO: with bind_tcp, listen() on an unbound socket (an ephemeral port) is refused"
	run_in "$W" $CS --policy "$P2" -- "$PY" -c 'import socket,os
s=socket.socket(socket.AF_UNIX); s.bind("u.sock"); s.listen(3)
print(s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN))'
	is 1 "$OUT" "$WHO: a unix socket still listens"
	run_in "$W" $CS -- "$PY" -c "$LISTEN" 4
	one_of "$OUT" "EACCES EPERM" "$WHO: default policy: no TCP socket to listen on"
	# Nested under allow = all: the outer supervisor would allow any
	# listen(), so the inner filter refuses it.
	PA=$(printf '[clawshim]\nversion = 1\n[network]\nallow = all\n' | mkpolicy "$W/all.ini")
	run_in "$W" $CS --read-only "$(dirname "$CLAWSHIM")" --policy "$PA" -- "$PY" -c "$LISTEN" 4
	like "$OUT" "listening [0-9]*" "$WHO: (control) allow = all: listen() works"
	run_in "$W" $CS --read-only "$(dirname "$CLAWSHIM")" --policy "$PA" -- \
		$CLAWSHIM --policy "$P1" -- "$PY" -c "$LISTEN" 4
	is EACCES "$OUT" "$WHO: nested in allow = all, connect_tcp without bind_tcp: listen() is refused"
}

for_each_user t_foreign
for_each_user t_listen
done_testing
