#!/usr/bin/env python3
"""Write the seed corpus of fuzz_privcmd and fuzz_hypercall (tests/fuzz/corpus/):
well-formed requests that reach the handlers' depths, for the fuzzers to mutate.
fuzz_privcmd input: records of u32 op, u16 length, payload. The harness makes
domain 1 (built, 1 MiB, vCPU 0's context) and domain 2 (bare) for each input.
fuzz_hypercall input: u8 number, five u64 arguments (top bit: a pointer into the
guest's memory at the low 20 bits), then the guest memory's first bytes."""
import os
import struct
import sys

ARG, BUF = 0x100000000000, 0x200000000000
DOMCTL_V = SYSCTL_V = 0x15
here = os.path.dirname(os.path.abspath(__file__))


def rec(op, payload):
    return struct.pack("<IH", op, len(payload)) + payload


def hypercall(nr, arg, buf=b"", a0=ARG, a1=0, a2=0):
    return rec(1, struct.pack("<IIII5Q", nr, len(arg), len(buf), 0, a0, a1, a2, 0, 0) + arg + buf)


def domctl(cmd, dom, body=b""):
    return hypercall(36, struct.pack("<IIH3H", cmd, DOMCTL_V, dom, 0, 0, 0) + body.ljust(128, b"\0"))


def sysctl(cmd, body=b""):
    return hypercall(35, struct.pack("<II", cmd, SYSCTL_V) + body.ljust(128, b"\0"))


def privcmd_seeds():
    wait = lambda dom: struct.pack("<HHI", dom, 0, 0)
    domid = lambda dom: struct.pack("<HHHH", dom, 0, 0, 0)
    return {
        "getdomaininfo": domctl(5, 1) + domctl(5, 2) + domctl(5, 7),
        "maxmem_pause": domctl(11, 2, struct.pack("<Q", 2048)) + domctl(3, 1) + domctl(2, 2),
        "create": domctl(1, 0, struct.pack("<I", 0) + b"\0" * 16 + struct.pack("<I", 2)),
        "physinfo": sysctl(3) + sysctl(6) + sysctl(1, struct.pack("<QII", BUF, 4096, 0)),
        "mapforeign": rec(2, domid(1)) + rec(2, domid(2)),
        "evtchn": rec(7, b"") + rec(8, b"") + rec(13, b"")
        + hypercall(32, struct.pack("<HHI", 0x7ff0, 1, 0), a0=6, a1=ARG),
        "grant": rec(11, struct.pack("<QQ", 4, 0)) + rec(9, struct.pack("<HHI", 1, 0, 8))
        + rec(10, struct.pack("<II", 0, 0)),
        "domext": rec(5, b"") + rec(4, struct.pack("<HHI", 1, 1, 0) + b"x" * 64 + b"\0" * 160)
        + rec(6, wait(1)) + rec(17, wait(1)) + rec(18, domid(1)) + rec(28, b""),
        "domstates": rec(24, struct.pack("<HHI", 1, 0, 0) + b"\0" * 224)
        + rec(24, struct.pack("<HHI", 0, 4, 0) + b"x" + b"\0" * 223)
        + rec(25, b"") + rec(26, struct.pack("<QQ", 0, 0))
        + rec(26, struct.pack("<QQ", 2**64 - 1, 0)),
        "dirtylog": rec(27, struct.pack("<HHIQ", 1, 1, 0, 0)) + rec(27, struct.pack("<HHIQ", 1, 2, 0, 0))
        + rec(27, struct.pack("<HHIQ", 1, 3, 0, 0)),
    }


def hypercall_seeds():
    ptr = lambda off: (1 << 63) | off
    call = lambda nr, *a, mem=b"": struct.pack("<B5Q", nr, *(list(a) + [0] * (5 - len(a)))) + mem
    return {
        "xen_version": call(17, 0) + b"",
        "console_io": call(18, 0, 12, ptr(0), mem=b"hello fuzz!\n"),
        "sched_yield": call(29, 0),
        "sched_shutdown": call(29, 2, ptr(0), mem=struct.pack("<I", 0)),
        "evtchn_alloc": call(32, 6, ptr(0), mem=struct.pack("<HHI", 0x7ff0, 0, 0)),
        "evtchn_send": call(32, 4, ptr(0), mem=struct.pack("<I", 1)),
        "gnttab_setup": call(20, 2, ptr(0), 1, mem=struct.pack("<HHIQ", 0x7ff0, 1, 0, ptr(64))),
        "gnttab_copy": call(20, 5, ptr(0), 1, mem=b"\0" * 40),
        "memory_decrease": call(12, 1, ptr(0), mem=struct.pack("<QQII", ptr(64), 1, 0, 0x7ff0)),
        "vcpu_up": call(24, 1, 1),
        "set_timer": call(15, 1000000),
        "set_callbacks": call(4, 0x40100000, 0x40100010),
    }


def write(name, seeds):
    d = os.path.join(here, "corpus", name)
    os.makedirs(d, exist_ok=True)
    for k, v in seeds.items():
        with open(os.path.join(d, "seed-" + k), "wb") as f:
            f.write(v)


if __name__ == "__main__":
    write("fuzz_privcmd", privcmd_seeds())
    write("fuzz_hypercall", hypercall_seeds())
    sys.exit(0)
