#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# race.py SERVER_PORT: connect() with a sockaddr another thread rewrites
# (proxy port <-> server port); prints "server N proxy M refused K".
import ctypes, os, socket, struct, sys, threading, time

libc = ctypes.CDLL(None, use_errno=True)
proxy = int(os.environ["CLAWSHIM_PROXY"].rsplit(":", 1)[1])
srv = int(sys.argv[1])
addr = ctypes.create_string_buffer(struct.pack("<H", socket.AF_INET) + struct.pack(">H", proxy) +
                                   socket.inet_aton("127.0.0.1") + b"\0" * 8, 16)
ports = [struct.pack(">H", proxy), struct.pack(">H", srv)]
stop = False

def flip():
    i = 0
    while not stop:
        ctypes.memmove(ctypes.addressof(addr) + 2, ports[i & 1], 2)
        i += 1

threading.Thread(target=flip, daemon=True).start()
n = {"server": 0, "proxy": 0, "refused": 0}
end = time.monotonic() + 3
for _ in range(2000):
    if time.monotonic() > end:
        break
    s = socket.socket()
    if libc.connect(s.fileno(), addr, 16) == 0:
        n["proxy" if s.getpeername()[1] == proxy else "server"] += 1
    else:
        n["refused"] += 1
    s.close()
stop = True
print("server %(server)d proxy %(proxy)d refused %(refused)d" % n)
