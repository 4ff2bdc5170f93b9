#!/usr/bin/env python3
"""fake_server.py PATH RECORD [UID]: a server of another user on a Unix socket path,
for tests of the clients' peer check. Binds PATH (as whoever runs it: root, so it
may create it in a root-owned run directory), then becomes UID (default 65534,
nobody) before listen() -- SO_PEERCRED reports the listener's credentials as of
listen() -- and accepts until killed. RECORD gets one line per connection: the
bytes the client sent before it closed ("conn 0" for a client that sent nothing).
RECORD.ready appears once it listens."""
import os
import socket
import sys


def main():
    path, record = sys.argv[1], sys.argv[2]
    uid = int(sys.argv[3]) if len(sys.argv) > 3 else 65534
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    os.chmod(path, 0o777)
    rec = open(record, "w")  # opened before we give up root
    ready = open(record + ".ready", "w")
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    s.listen(16)
    ready.write("listening\n")
    ready.close()
    while True:
        c, _ = s.accept()
        c.settimeout(5)
        got = 0
        try:
            while True:
                d = c.recv(4096)
                if not d:
                    break
                got += len(d)
        except OSError:
            pass
        c.close()
        rec.write("conn %d\n" % got)
        rec.flush()


if __name__ == "__main__":
    main()
