#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# netc.py CHECK ARGS...: one network attempt from inside the sandbox,
# printing one line: "ok ...", or the errno name of the refusal.
import errno, os, socket, ssl, sys

def err(e):
    return errno.errorcode.get(e.errno, str(e.errno)) if e.errno else type(e).__name__

def proxy():
    return int(os.environ["CLAWSHIM_PROXY"].rsplit(":", 1)[1])

def connect_raw(fam, addr):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(5)
    try:
        s.connect(addr)
        print("ok connected")
    except OSError as e:
        print(err(e))

def head(s):
    b = b""
    while b"\r\n\r\n" not in b:
        c = s.recv(1)
        if not c:
            break
        b += c
    return b.decode("latin-1")

def tunnel(host, port):
    s = socket.create_connection(("127.0.0.1", proxy()), timeout=10)
    s.sendall(b"CONNECT %s:%d HTTP/1.1\r\nHost: %s:%d\r\n\r\n" % (host.encode(), port, host.encode(), port))
    return s, head(s)

c, a = sys.argv[1], sys.argv[2:]
try:
    if c == "direct":            # direct HOST PORT (v4)
        connect_raw(socket.AF_INET, (a[0], int(a[1])))
    elif c == "direct6":         # direct6 ADDR PORT
        connect_raw(socket.AF_INET6, (a[0], int(a[1])))
    elif c == "proxy-on":        # proxy-on ADDR: the proxy's port on another address
        fam = socket.AF_INET6 if ":" in a[0] else socket.AF_INET
        connect_raw(fam, (a[0], proxy()))
    elif c == "fastopen":        # fastopen HOST PORT
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.sendto(b"x", socket.MSG_FASTOPEN, (a[0], int(a[1])))
            print("ok sent")
        except OSError as e:
            print(err(e))
    elif c == "socket":          # socket udp|raw|mptcp|sctp|udp6
        kinds = {"udp": (socket.AF_INET, socket.SOCK_DGRAM, 0),
                 "udp6": (socket.AF_INET6, socket.SOCK_DGRAM, 0),
                 "raw": (socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP),
                 "mptcp": (socket.AF_INET, socket.SOCK_STREAM, 262),
                 "sctp": (socket.AF_INET, socket.SOCK_STREAM, 132)}
        try:
            socket.socket(*kinds[a[0]])
            print("ok created")
        except OSError as e:
            print(err(e))
    elif c == "connect-head":    # connect-head HOST PORT: the proxy's answer head
        s, h = tunnel(a[0], int(a[1]))
        print(h.replace("\r\n", "|"))
    elif c == "raw":             # raw REQUEST: sent as is ("|" for CRLF), the answer head
        s = socket.create_connection(("127.0.0.1", proxy()), timeout=10)
        s.sendall(a[0].replace("|", "\r\n").encode())
        print(head(s).replace("\r\n", "|"))
    elif c == "sni":             # sni CONNECT-HOST SNI: TLS through the tunnel
        s, h = tunnel(a[0], 443)
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        try:
            t = ctx.wrap_socket(s, server_hostname=a[1])
            t.sendall(b"GET /hello.txt HTTP/1.0\r\n\r\n")
            r = b""
            while True:
                c = t.recv(4096)
                if not c:
                    break
                r += c
            print("ok " + r.decode().split("\r\n\r\n", 1)[-1].strip())
        except (OSError, ssl.SSLError) as e:
            print("closed " + type(e).__name__)
    elif c == "halfclose":       # halfclose HOST PORT BYTES
        s, h = tunnel(a[0], int(a[1]))
        s.sendall(b"x" * int(a[2]))
        s.shutdown(socket.SHUT_WR)
        print("ok " + s.recv(100).decode().strip())
    elif c == "urllib":          # urllib URL
        import urllib.request
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        print("ok " + urllib.request.urlopen(a[0], context=ctx, timeout=10).read().decode().strip())
except OSError as e:
    print(err(e))
