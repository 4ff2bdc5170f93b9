#!/usr/bin/env python3
"""icmp_ping.py ADDR [COUNT]: ICMP echo from the host with a raw socket (root), for
hosts without ping(8). Prints one line per reply; exits 0 when all came back."""
import os, socket, struct, sys, time


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def main():
    addr, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.settimeout(1.0)
    ident, got = os.getpid() & 0xFFFF, 0
    for seq in range(1, count + 1):
        payload = b"pvisor-host-ping" * 3
        hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
        pkt = struct.pack("!BBHHH", 8, 0, csum(hdr + payload), ident, seq) + payload
        t0 = time.monotonic()
        s.sendto(pkt, (addr, 0))
        while True:
            try:
                data, src = s.recvfrom(2048)
            except socket.timeout:
                print("icmp_ping: %s seq=%d no reply" % (addr, seq))
                break
            ihl = (data[0] & 15) * 4
            typ, _, _, rid, rseq = struct.unpack("!BBHHH", data[ihl:ihl + 8])
            if src[0] == addr and typ == 0 and rid == ident and rseq == seq:
                got += 1
                print("icmp_ping: reply from %s seq=%d time=%.0f us" %
                      (addr, seq, (time.monotonic() - t0) * 1e6))
                break
    print("icmp_ping: %d sent, %d received" % (count, got))
    return 0 if got == count else 1


sys.exit(main())
