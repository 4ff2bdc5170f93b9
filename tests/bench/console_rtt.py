#!/usr/bin/env python3
"""console_rtt.py TTY N: type 'echo rtK' into a guest shell through its pty N times
and time each until the answer line comes back; prints median_us= p99_us= n=."""
import os
import select
import sys
import time


def main():
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
    n = int(sys.argv[2])
    while select.select([fd], [], [], 0.3)[0]:  # what the pty held before us
        os.read(fd, 65536)
    times = []
    for k in range(n):
        want = b'\nrt%d\n' % k
        seen = b''
        t0 = time.perf_counter_ns()
        os.write(fd, b'echo rt%d\r' % k)
        while want not in seen:
            if not select.select([fd], [], [], 5)[0]:
                sys.exit('no answer to echo rt%d' % k)
            seen += os.read(fd, 4096)
        times.append(time.perf_counter_ns() - t0)
    times.sort()
    print('median_us=%d p99_us=%d n=%d' % (times[len(times) // 2] // 1000,
                                            times[min(len(times) - 1, len(times) * 99 // 100)] // 1000, n))


if __name__ == '__main__':
    main()
