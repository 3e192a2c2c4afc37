#!/bin/sh
# SPDX-License-Identifier: MIT
# [network] allow = domains on the landlock backend, black-box, loopback
# only: real clients reach allowed names through clawshim's proxy and are
# refused for others; every way around the proxy fails with EACCES; a
# denied name is never looked up.
#
# The resolver seam: the test runs in its own mount namespace with its
# own /etc/hosts (the test names, all on 127.0.0.0/8) and /etc/resolv.conf
# (a DNS stub on 127.0.0.77 that records every query and answers
# NXDOMAIN).  Nothing in clawshim knows about it, so it cannot weaken a
# real run; no packet leaves loopback.
if [ "$(id -u)" = 0 ] && [ -z "${CLAWSHIM_DOMAINS_NS:-}" ] && command -v unshare >/dev/null 2>&1; then
	CLAWSHIM_DOMAINS_NS=1 exec unshare -m --propagation private sh "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
NETC="$PY $TOP/tests/netlib/netc.py"

if [ -z "${CLAWSHIM_DOMAINS_NS:-}" ]; then
	skip "needs root and unshare for a private /etc/hosts and resolv.conf"
	done_testing
fi
for t in curl openssl git "$PY"; do
	command -v "$t" >/dev/null 2>&1 || { skip "$t is missing"; done_testing; }
done

W=$SCRATCH/net
mkdir -p "$W/www"
echo hello >"$W/www/hello.txt"
truncate -s 100M "$W/www/big"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/key.pem" -out "$W/cert.pem" -days 2 \
	-subj /CN=tls.test >/dev/null 2>&1
# A repository git can clone over https (the "dumb" protocol, static files).
git init -q "$W/src" && echo one >"$W/src/f" && git -C "$W/src" add f &&
	git -C "$W/src" -c user.name=t -c user.email=t@t commit -qm one &&
	git clone -q --bare "$W/src" "$W/www/repo.git" && git -C "$W/www/repo.git" update-server-info
# A one-package npm registry: the package document and its tarball.
mkdir -p "$W/pkg/package" && printf '{"name":"demo-pkg","version":"1.0.0","main":"index.js"}\n' \
	>"$W/pkg/package/package.json" && echo 'module.exports = 42;' >"$W/pkg/package/index.js" &&
	tar -C "$W/pkg" -czf "$W/www/demo-pkg-1.0.0.tgz" package &&
	printf '{"name":"demo-pkg","dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{"name":"demo-pkg","version":"1.0.0","main":"index.js","dist":{"tarball":"https://tls.test/demo-pkg-1.0.0.tgz"}}}}\n' \
	>"$W/www/demo-pkg"
cat >"$W/hosts" <<'EOF'
127.0.0.1 localhost
::1 localhost
127.0.0.1 allowed.test echo.test banner.test
127.0.0.3 tls.test alt.test
EOF
printf 'nameserver 127.0.0.77\noptions timeout:1 attempts:1\n' >"$W/resolv.conf"
chmod -R a+rX "$W"
mount --bind "$W/hosts" /etc/hosts && mount --bind "$W/resolv.conf" /etc/resolv.conf ||
	{ skip "cannot bind-mount the test resolver files"; done_testing; }
$PY "$TOP/tests/netlib/servers.py" "$W" 2>"$W/servers.err" &
SRV=$!
trap 'kill $SRV 2>/dev/null; rm -rf "$SCRATCH"' EXIT
wait_file "$W/ports" 10 || { ok 1 "test servers started"; cat "$W/servers.err"; done_testing; }
read -r HP EP SP UP <"$W/ports"

P=$(mkpolicy "$SCRATCH/domains.ini" <<EOF
[clawshim]
version = 1
[sandbox]
backend = landlock
[filesystem]
read_only = $TOP
[network]
allow = domains
domains = allowed.test:$HP, tls.test, alt.test, echo.test:$EP, banner.test:$SP, missing.test, gh.test:22
deny_domains = **.denied.test
private = yes
EOF
)
# The same names, addresses checked: every test name is on loopback.
PNOPRIV=$(mkpolicy "$SCRATCH/nopriv.ini" <<EOF
[clawshim]
version = 1
[sandbox]
backend = landlock
[filesystem]
read_only = $TOP
[network]
allow = domains
domains = tls.test
EOF
)
PPLAIN=$(mkpolicy "$SCRATCH/plain.ini" <<EOF
[clawshim]
version = 1
[sandbox]
backend = landlock
[filesystem]
read_only = $TOP
[network]
allow = domains
domains = allowed.test:$HP
plain_http = yes
private = yes
upstream = http://127.0.0.1:$UP
EOF
)
CS="$SAFETY $CLAWSHIM --policy $P --"

works() {
	d=$(newdir domains)
	run_in "$d" $CS curl -sS -p "http://allowed.test:$HP/hello.txt"
	is "hello" "$OUT" "$WHO: curl CONNECT to an allowed name and port"
	run_in "$d" $CS curl -sS -k "https://tls.test/hello.txt"
	is "hello" "$OUT" "$WHO: curl https to an allowed name (SNI matches)"
	run_in "$d" $CS sh -c 'curl -sS --socks5-hostname "${CLAWSHIM_PROXY#http://}" "http://allowed.test:'"$HP"'/hello.txt"'
	is "hello" "$OUT" "$WHO: SOCKS5 with remote resolution on the same port"
	run_in "$d" $CS $NETC urllib "https://tls.test/hello.txt"
	is "ok hello" "$OUT" "$WHO: python urllib through HTTPS_PROXY"
	run_in "$d" $CS git -c http.sslVerify=false clone -q "https://tls.test/repo.git" "$d/clone"
	is "0 one" "$RC $(cat "$d/clone/f" 2>&1)" "$WHO: git clone over https"
	run_in "$d" $CS curl -sS -p -o /dev/null -w '%{size_download}' "http://allowed.test:$HP/big"
	is "104857600" "$OUT" "$WHO: a 100 MB transfer through the proxy"
	run_in "$d" $CS $NETC halfclose echo.test "$EP" 300000
	is "ok got 300000" "$OUT" "$WHO: half-close: the answer arrives after the client's EOF"
	run_in "$d" $CS "$CLAWSHIM" connect banner.test "$SP"
	is "SSH-2.0-clawshim_test_banner" "$(printf '%s' "$OUT" | tr -d '\r')" \
		"$WHO: clawshim connect (the ssh ProxyCommand) reaches an allowed host"
	run_in "$d" $CS sh -c 'echo "$GIT_SSH_COMMAND"'
	like "$OUT" "ssh -o ControlMaster=no -o ControlPath=none -o ProxyCommand='*$(basename "$CLAWSHIM") connect %h %p'" \
		"$WHO: GIT_SSH_COMMAND uses clawshim connect when a host:22 is allowed"
	if command -v npm >/dev/null 2>&1; then
		echo '{"name":"w","version":"1.0.0"}' >"$d/package.json"
		[ "$WHO" = root ] || chown 65534:65534 "$d/package.json"
		run_in "$d" $CS npm install --registry=https://tls.test/ --strict-ssl=false --no-audit \
			--no-fund --no-update-notifier --cache "$d/.npm" demo-pkg
		is "0 module.exports = 42;" "$RC $(cat "$d/node_modules/demo-pkg/index.js" 2>&1)" \
			"$WHO: npm install from a registry on an allowed host"
	else
		ok 1 "$WHO: npm is installed"
	fi
	if command -v ssh >/dev/null 2>&1; then
		run_in "$d" $CS ssh -v -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no \
			-o UserKnownHostsFile=/dev/null -o "ProxyCommand=$CLAWSHIM connect %h %p" \
			-p "$SP" banner.test true
		like "$ERR" "*remote software version clawshim_test_banner*" \
			"$WHO: ssh through the ProxyCommand reaches an allowed host"
	else
		ok 1 "$WHO: ssh is installed"
	fi
	nodev=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
	run_in "$d" $CS node -e 'fetch("https://tls.test/hello.txt").then(r=>r.text()).then(t=>console.log(t.trim())).catch(e=>console.log("failed "+(e.cause&&e.cause.code)))'
	if [ "$nodev" -ge 22 ]; then
		is "hello" "$OUT" "$WHO: node fetch with NODE_USE_ENV_PROXY"
	elif [ "$nodev" -gt 0 ]; then
		# Node before 22 ignores the proxy variables: it fails, and says
		# why, rather than going around the proxy.
		is "failed EACCES" "$OUT" "$WHO: node $nodev fetch (ignores the proxy variables): EACCES"
		like "$ERR" "clawshim: refused 127.0.0.3:443 (node: direct connect, not through the proxy)*" \
			"$WHO: the summary names node as the program that went direct"
	else
		ok 1 "$WHO: node is installed"
	fi
}

environment() {
	d=$(newdir domains-env)
	run_in "$d" $CS sh -c 'port=${CLAWSHIM_PROXY##*:}; for v in http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY npm_config_proxy npm_config_https_proxy YARN_HTTP_PROXY YARN_HTTPS_PROXY PIP_PROXY CARGO_HTTP_PROXY; do eval "x=\${$v-}"; [ "$x" = "http://127.0.0.1:$port" ] || echo "bad $v=$x"; done; echo "$NO_PROXY|$no_proxy|$NODE_USE_ENV_PROXY|$GIT_CONFIG_KEY_0=$GIT_CONFIG_VALUE_0"; echo "$JAVA_TOOL_OPTIONS" | sed "s/$port/P/g"; env | grep -c YARN_NO_PROXY'
	port=$(printf '%s\n' "$OUT" | sed -n 's/.*http.proxy=http:\/\/127.0.0.1:\([0-9]*\).*/\1/p')
	is "localhost,127.0.0.1,::1|localhost,127.0.0.1,::1|1|http.proxy=http://127.0.0.1:$port
-Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort=P -Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort=P -Dhttp.nonProxyHosts=localhost|127.0.0.1
0" "$OUT" "$WHO: the proxy in every spelling, NO_PROXY loopback only, no YARN_NO_PROXY"
	run_in "$d" env HTTPS_PROXY=http://user:secret@corp:3128 $CS sh -c 'env | grep -ci "secret\|corp"'
	is "0" "$OUT" "$WHO: an inherited proxy (with credentials) is replaced"
}

refusals() {
	d=$(newdir domains-refuse)
	run_in "$d" $CS $NETC connect-head notlisted.test 443
	like "$OUT" "HTTP/1.1 403 Forbidden|X-Proxy-Error: blocked-by-allowlist|*" \
		"$WHO: a name not in domains: 403 blocked-by-allowlist"
	run_in "$d" $CS $NETC connect-head secret-data.denied.test 443
	like "$OUT" "HTTP/1.1 403 Forbidden|X-Proxy-Error: blocked-by-denylist|*" \
		"$WHO: a deny_domains name: 403 blocked-by-denylist"
	run_in "$d" $CS $NETC connect-head allowed.test 443
	like "$OUT" "HTTP/1.1 403 Forbidden|X-Proxy-Error: blocked-by-allowlist|*" \
		"$WHO: an allowed name on another port: 403"
	for lit in 127.0.0.1 2130706433 0x7f.1 "[::1]"; do
		run_in "$d" $CS $NETC connect-head "$lit" "$HP"
		like "$OUT" "HTTP/1.1 403 Forbidden|X-Proxy-Error: blocked-ip-literal|*" \
			"$WHO: IP literal $lit matches no name pattern: 403"
	done
	run_in "$d" $CS $NETC connect-head missing.test 443
	like "$OUT" "HTTP/1.1 403 Forbidden|X-Proxy-Error: dns-failed|*" \
		"$WHO: an allowed name that does not resolve: 403 dns-failed, at once"
	run_in "$d" $SAFETY "$CLAWSHIM" --policy "$PNOPRIV" -- $NETC connect-head tls.test 443
	like "$OUT" "HTTP/1.1 403 Forbidden|X-Proxy-Error: blocked-private-address|*" \
		"$WHO: private = no: an allowed name on a loopback address is refused"
	run_in "$d" $CS curl -sS -D- -o /dev/null "http://allowed.test:$HP/hello.txt"
	like "$OUT" "*X-Proxy-Error: plain-http-disabled*" "$WHO: plain http:// is refused by default"
	run_in "$d" $CS $NETC sni tls.test alt.test
	like "$OUT" "closed *" "$WHO: a TLS server name other than the CONNECT host: tunnel closed"
	run_in "$d" $CS $NETC sni tls.test tls.test
	is "ok hello" "$OUT" "$WHO: the same client with the matching server name works"
	run_in "$d" $CS "$CLAWSHIM" connect notlisted.test 22
	has_line "$ERR" "clawshim connect: notlisted.test:22 refused by the proxy: blocked-by-allowlist" \
		"$WHO: clawshim connect names the refusal"
	# The exit summary, word for word: one refused name, one direct connect.
	run_in "$d" $CS sh -c "curl -sS -p -o /dev/null http://notlisted.test:$HP/ 2>/dev/null; $NETC direct 127.0.0.1 $HP"
	is "EACCES" "$OUT" "$WHO: a direct connect to the server: EACCES"
	is "clawshim: refused notlisted.test:$HP (not in [network] domains), 127.0.0.1:$HP (python3: direct connect, not through the proxy)" \
		"$ERR" "$WHO: at exit, one line names the refused host and the program that went direct"
	run_in "$d" $CS curl -sS -k -o /dev/null "https://tls.test/hello.txt"
	is "0|" "$RC|$ERR" "$WHO: nothing refused, no summary line"
}

bypasses() {
	d=$(newdir domains-bypass)
	run_in "$d" $CS curl -sS --noproxy '*' "http://allowed.test:$HP/hello.txt"
	is "7" "$RC" "$WHO: curl --noproxy '*' cannot connect directly"
	run_in "$d" $CS $NETC proxy-on ::ffff:127.0.0.1
	is "ok connected" "$OUT" "$WHO: the proxy as ::ffff:127.0.0.1 (a dual-stack socket, the JVM's) is the proxy"
	for a in 127.0.0.2 ::ffff:127.0.0.2 ::1; do
		run_in "$d" $CS $NETC proxy-on "$a"
		is "EACCES" "$OUT" "$WHO: the proxy's port on $a: EACCES"
	done
	run_in "$d" $CS $NETC direct6 ::ffff:127.0.0.1 "$HP"
	is "EACCES" "$OUT" "$WHO: a v4-mapped address to the server: EACCES"
	run_in "$d" $CS $NETC fastopen 127.0.0.1 "$HP"
	is "EACCES" "$OUT" "$WHO: sendto(MSG_FASTOPEN) to the server: EACCES"
	run_in "$d" $CS sh -c '$0 $1 fastopen 127.0.0.1 ${CLAWSHIM_PROXY##*:}' $NETC
	is "EACCES" "$OUT" "$WHO: sendto(MSG_FASTOPEN) even to the proxy: EACCES"
	for k in udp udp6 raw mptcp sctp; do
		run_in "$d" $CS $NETC socket $k
		is "EACCES" "$OUT" "$WHO: a $k socket is refused at socket()"
	done
	# A race: a thread flips the port in the sockaddr between the proxy's
	# and the server's while connect() runs (3 s or 2000 connects); a
	# connect that succeeds must have reached the proxy, never the server.
	run_in "$d" $CS $PY "$TOP/tests/netlib/race.py" "$HP"
	like "$OUT" "server 0 proxy *" "$WHO: address rewritten during connect(): never the server"
}

plain_upstream() {
	d=$(newdir domains-plain)
	rm -f "$W/upstream.log"
	run_in "$d" $SAFETY "$CLAWSHIM" --policy "$PPLAIN" -- curl -sS "http://allowed.test:$HP/hello.txt"
	is "hello" "$OUT" "$WHO: plain_http = yes: an absolute-form http:// request works"
	is "CONNECT allowed.test:$HP HTTP/1.1" "$(cat "$W/upstream.log" 2>&1)" \
		"$WHO: upstream = ...: the proxy chains through the user's own proxy, name checked first"
	run_in "$d" $SAFETY "$CLAWSHIM" --policy "$PPLAIN" -- $NETC raw "GET http://allowed.test:$HP/hello.txt HTTP/1.1|Host: other.test||"
	like "$OUT" "HTTP/1.1 400 Bad Request|X-Proxy-Error: host-mismatch|*" \
		"$WHO: plain http: a Host header naming another host is refused"
	run_in "$d" $SAFETY "$CLAWSHIM" --policy "$PPLAIN" -- $NETC raw "GET http://other.test:$HP/ HTTP/1.1||"
	like "$OUT" "HTTP/1.1 403 Forbidden|X-Proxy-Error: blocked-by-allowlist|*" \
		"$WHO: plain http: the URL's host is checked"
	run_in "$d" $SAFETY "$CLAWSHIM" --policy "$PPLAIN" -- $NETC raw "GET / HTTP/1.1|Host: allowed.test||"
	like "$OUT" "HTTP/1.1 400 Bad Request|X-Proxy-Error: bad-request|*" \
		"$WHO: an origin-form request (no host in the URL) is refused"
}

# The proxy, seen from outside while a tunnel is open: confined before
# it served (no_new_privs, seccomp), root dropped, only its own fds.
confined() {
	d=$(newdir domains-conf)
	(cd "$d" && exec $AS $CS $PY -c 'import socket,os,time; p=os.environ["CLAWSHIM_PROXY"].rsplit(":",1)[1]; s=socket.create_connection(("127.0.0.1", int(p))); open("port","w").write(p); time.sleep(3)') &
	bg=$!
	px=""
	# $bg is the timeout (exec'd); its child the supervisor; the proxy is
	# the supervisor's child that loaded a seccomp filter and is no command.
	for i in $(seq 1 60); do
		for sup in $(pgrep -P $bg); do
			# (the binary's name: clawshim, or clawshim-static)
			for c in $(pgrep -P "$sup" -x "$(basename "$CLAWSHIM" | cut -c1-15)"); do
				# (the command too is a clawshim child until its execve:
				# the proxy is the one with its listener on fd 3)
				grep -q '^Seccomp:[[:space:]]*2' /proc/$c/status 2>/dev/null &&
					[ "$(readlink /proc/$c/fd/3 2>/dev/null | cut -c1-7)" = "socket:" ] &&
					[ "$(readlink /proc/$c/fd/5 2>/dev/null | cut -c1-5)" = "pipe:" ] && px=$c
			done
		done
		[ -n "$px" ] && break
		sleep 0.05
	done
	if [ -z "$px" ]; then
		ok 1 "$WHO: the proxy process was found"
	else
		st=$(grep -E '^(Uid|NoNewPrivs|Seccomp):' /proc/$px/status | tr -s '\t ' ' ' | tr '\n' ';')
		is "Uid: 65534 65534 65534 65534;NoNewPrivs: 1;Seccomp: 2;" "$st" \
			"$WHO: the proxy runs as 65534, no_new_privs, seccomp-filtered"
		fds=$(for f in $(ls /proc/$px/fd | sort -n); do
			readlink /proc/$px/fd/$f | sed 's/:\[.*//'; done | tr '\n' ' ')
		is "/dev/null /dev/null /dev/null socket pipe pipe socket " "$fds" \
			"$WHO: the proxy holds /dev/null, its listener, its two pipes and the open tunnel; nothing of the supervisor"
	fi
	# A process outside the sandbox on the proxy's port: not served.
	wait_file "$d/port" 5
	out=$($PY -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
try:
    s.sendall(b"CONNECT allowed.test:%s HTTP/1.1\r\n\r\n" % sys.argv[2].encode())
    print("closed" if s.recv(100) == b"" else "served")
except ConnectionResetError:
    print("closed")' "$(cat "$d/port")" "$HP" 2>&1)
	is "closed" "$out" "$WHO: a connection to the proxy from outside the sandbox is closed unserved"
	wait $bg
}

for_each_user works
for_each_user plain_upstream
for_each_user confined
for_each_user environment
for_each_user refusals
for_each_user bypasses

WHO=root AS=""
# The seam saw the allowed name that does not resolve, and nothing the
# policy refused: a refused name is decided before any lookup.
log=$(sort -u "$W/dns.log")
has_line "$log" "missing.test" "the resolver seam records the proxy's lookups"
lacks "$log" "denied.test" "a deny_domains name was never looked up"
lacks "$log" "notlisted" "a name not in domains was never looked up"

# The other backends refuse rather than run weaker.
for b in bwrap firejail docker none; do
	run "$CLAWSHIM" --policy "$P" --backend "$b" -- true
	like "$RC $ERR" "125 clawshim: backend $b cannot enforce \[network\] allow = domains: *" \
		"backend $b refuses allow = domains (125)"
done
# Nested (the outer clawshim holds the notification listener): refused.
run $CS "$CLAWSHIM" --policy "$P" -- true
like "$RC|$ERR" "125|clawshim: \[network\] allow = domains needs the seccomp notification supervisor, which is the outer clawshim's here*" \
	"nested: allow = domains refuses to run without its own notification supervisor"
done_testing
