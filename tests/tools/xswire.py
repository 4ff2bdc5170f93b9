#!/usr/bin/env python3
"""Minimal xenstore wire-protocol client for tests: send raw (even malformed) messages to a
store socket and print the replies in a stable text form.

  xswire.py SOCK script...   each argument is one request:  TYPE[:TX]=PAYLOAD
      TYPE is a name (READ, WRITE, ...) or a number; PAYLOAD uses Python escapes
      (\\0 for NUL, \\xff ...). A bare word RAW=hex sends raw bytes. Prints one line
      per reply: "TYPE payload" with NULs shown as '|'.
"""
import os
import socket
import struct
import sys

TYPES = ["CONTROL", "DIRECTORY", "READ", "GET_PERMS", "WATCH", "UNWATCH",
         "TRANSACTION_START", "TRANSACTION_END", "INTRODUCE", "RELEASE",
         "GET_DOMAIN_PATH", "WRITE", "MKDIR", "RM", "SET_PERMS", "WATCH_EVENT",
         "ERROR", "IS_DOMAIN_INTRODUCED", "RESUME", "SET_TARGET", "RESTRICT",
         "RESET_WATCHES", "DIRECTORY_PART"]


def type_num(name):
    if name in TYPES:
        return TYPES.index(name)
    return int(name, 0)


def type_name(num):
    return TYPES[num] if num < len(TYPES) else str(num)


class Conn:
    def __init__(self, path, timeout=2.0):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(path)
        self.buf = b""
        self.req = 0

    def send(self, typ, payload, tx=0, req=None, length=None):
        if req is None:
            self.req += 1
            req = self.req
        n = len(payload) if length is None else length
        self.s.sendall(struct.pack("<IIII", typ, req, tx, n) + payload)

    def raw(self, data):
        self.s.sendall(data)

    def recv(self):
        """One message as (type, req_id, tx_id, payload); None on EOF/timeout."""
        try:
            while len(self.buf) < 16 or len(self.buf) < 16 + struct.unpack_from("<I", self.buf, 12)[0]:
                d = self.s.recv(65536)
                if not d:
                    return None
                self.buf += d
        except (socket.timeout, ConnectionResetError):
            return None
        typ, req, tx, n = struct.unpack_from("<IIII", self.buf)
        body = self.buf[16:16 + n]
        self.buf = self.buf[16 + n:]
        return typ, req, tx, body

    def call(self, typ, payload, tx=0):
        """Send one request; return (type, payload), queuing watch events aside."""
        self.send(typ, payload, tx)
        while True:
            m = self.recv()
            if m is None:
                return None
            if m[0] == 15:
                continue
            return m[0], m[3]

    def close(self):
        self.s.close()


def fmt(m):
    if m is None:
        return "EOF"
    return "%s %s" % (type_name(m[0]), m[1].decode("latin-1").replace("\0", "|"))


def main():
    c = Conn(sys.argv[1])
    for arg in sys.argv[2:]:
        name, _, payload = arg.partition("=")
        if name == "RAW":
            c.raw(bytes.fromhex(payload))
            m = c.recv()
            print(fmt(None if m is None else (m[0], m[3])))
            continue
        tx = 0
        if ":" in name:
            name, txs = name.split(":")
            tx = int(txs)
        data = payload.encode("latin-1").decode("unicode_escape").encode("latin-1")
        c.send(type_num(name), data, tx)
        while True:
            m = c.recv()
            print(fmt(None if m is None else (m[0], m[3])))
            if m is None or m[0] != 15:
                break
        if m is None:
            break


if __name__ == "__main__":
    main()
