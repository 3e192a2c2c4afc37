#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# servers.py DIR: the loopback servers of tests/63-domains.t, all on
# 127.0.0.0/8 only.  Writes DIR/ports when ready.
#  - a DNS stub on 127.0.0.77:53 that logs every query name to DIR/dns.log
#    and answers NXDOMAIN (the resolver seam: a name the proxy looks up
#    shows here);
#  - HTTP on 127.0.0.1:HP serving DIR/www; HTTPS on 127.0.0.3:443 (DIR/cert.pem);
#  - an echo on 127.0.0.1:EP that reads to EOF, then answers "got N" (half-close);
#  - an SSH-style banner on 127.0.0.1:SP;
#  - an upstream CONNECT proxy on 127.0.0.1:UP logging to DIR/upstream.log.
import http.server, os, socket, socketserver, ssl, struct, sys, threading

d = sys.argv[1]
log = open(os.path.join(d, "dns.log"), "a", buffering=1)

def dns():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.77", 53))
    while True:
        q, a = s.recvfrom(4096)
        if len(q) < 12:
            continue
        i, labels = 12, []
        while i < len(q) and q[i]:
            labels.append(q[i + 1:i + 1 + q[i]].decode("ascii", "replace"))
            i += 1 + q[i]
        log.write(".".join(labels) + "\n")
        # The question back, RCODE 3 (NXDOMAIN), no answers.
        r = q[:2] + struct.pack(">HHHHH", 0x8183, 1, 0, 0, 0) + q[12:i + 5]
        s.sendto(r, a)

class Quiet(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k):
        super().__init__(*a, directory=os.path.join(d, "www"), **k)
    def log_message(self, *a):
        pass

class TS(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

def serve(srv):
    threading.Thread(target=srv.serve_forever, daemon=True).start()

class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        n = 0
        while True:
            b = self.request.recv(65536)
            if not b:
                break
            n += len(b)
        self.request.sendall(b"got %d\n" % n)

class Banner(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.sendall(b"SSH-2.0-clawshim_test_banner\r\n")

class Upstream(socketserver.BaseRequestHandler):
    """A user's own CONNECT proxy ([network] upstream): logs, then relays."""
    def handle(self):
        c, b = self.request, b""
        while b"\r\n\r\n" not in b:
            x = c.recv(1)
            if not x:
                return
            b += x
        line = b.split(b"\r\n")[0].decode()
        with open(os.path.join(d, "upstream.log"), "a") as f:
            f.write(line + "\n")
        host, port = line.split()[1].rsplit(":", 1)
        u = socket.create_connection((host, int(port)))
        c.sendall(b"HTTP/1.1 200 OK\r\n\r\n")
        def pipe(a, z):
            while True:
                x = a.recv(65536)
                if not x:
                    z.shutdown(socket.SHUT_WR)
                    return
                z.sendall(x)
        t = threading.Thread(target=pipe, args=(u, c)); t.start()
        pipe(c, u); t.join()

class TCP(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

threading.Thread(target=dns, daemon=True).start()
h = TS(("127.0.0.1", 0), Quiet); serve(h)
t = TS(("127.0.0.3", 443), Quiet)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(os.path.join(d, "cert.pem"), os.path.join(d, "key.pem"))
t.socket = ctx.wrap_socket(t.socket, server_side=True)
serve(t)
e = TCP(("127.0.0.1", 0), Echo); serve(e)
b = TCP(("127.0.0.1", 0), Banner); serve(b)
u = TCP(("127.0.0.1", 0), Upstream); serve(u)
with open(os.path.join(d, "ports.tmp"), "w") as f:
    f.write("%d %d %d %d\n" % (h.server_address[1], e.server_address[1], b.server_address[1],
                             u.server_address[1]))
os.rename(os.path.join(d, "ports.tmp"), os.path.join(d, "ports"))
threading.Event().wait()
