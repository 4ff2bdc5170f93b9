#!/usr/bin/env python3
"""smp_expect.py WORK NR_VCPUS: what app=smp's vCPUs 1..NR-1 compute (apps/app_smp.c),
"ID HEX" a line. The xorshift step is linear over GF(2)^64, so WORK steps are one
matrix power, done by squaring: exact values for any WORK in milliseconds."""
import sys

MASK = (1 << 64) - 1


def step(x):
    x ^= (x << 13) & MASK
    x ^= x >> 7
    x ^= (x << 17) & MASK
    return x


def apply(cols, v):
    r, i = 0, 0
    while v:
        if v & 1:
            r ^= cols[i]
        v >>= 1
        i += 1
    return r


def power(n):
    result = [1 << i for i in range(64)]
    base = [step(1 << i) for i in range(64)]
    while n:
        if n & 1:
            result = [apply(base, c) for c in result]
        base = [apply(base, c) for c in base]
        n >>= 1
    return result


def main():
    work, nr = int(sys.argv[1]), int(sys.argv[2])
    p = power(work)
    for vid in range(1, nr):
        print("%d %016x" % (vid, apply(p, (0x9e3779b97f4a7c15 * (vid + 1)) & MASK)))


main()
