#!/usr/bin/env python3
"""make_sr_seeds.py DIR: small, valid pvisor save images for fuzz_sr_image (a
one-vCPU domain of 16 pages with every record type: raw and deflated page data,
an eager batch, the state records, store keys), each as the reader checks it, and
a few near misses (a lazy-odd length, a cut one). Record layouts: include/pvisor/save.h."""
import os
import struct
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'tools'))
from srimage import sum64  # noqa: E402

VERSION = b'pvisor-0.14'
MAX_PAGES, NV = 16, 1
NR_SPECIAL = 1 + NV + 64 + NV * 16
PAGE = 4096


def rec(typ, body=b''):
    if body:
        body = struct.pack('<Q', sum64(body)) + body
    pad = (8 - len(body) % 8) % 8
    return struct.pack('<II', typ, len(body)) + body + bytes(pad)


def header(config):
    c = config.encode() + b'\0'
    opt = struct.pack('<I', len(c)) + c
    xl = b'Xen saved domain, xl format\n \0 \r' + struct.pack('<4I', 0x01020304, 3, 0, len(opt))
    image = struct.pack('>QII', 0xffffffffffffffff, 0x50565352, 1) + bytes(8)
    return xl + opt + image


def pages(frames, zflag=False, eager=False):
    data = b''.join(bytes([f + 1]) * PAGE for f in frames)
    flags = (1 if zflag else 0) | (2 if eager else 0)
    if zflag:
        data = zlib.compress(data)
    body = struct.pack('<III I', len(frames), flags, len(data), 0)
    body += b''.join(struct.pack('<Q', f) for f in frames) + data
    return rec(0x101, body)


def image():
    config = ('{"c_info": {"type": "pv", "name": "seed"}, "pvisor": {"config_file": '
              '"/tmp/seed.cfg", "config": "name = \\"seed\\"\\nkernel = \\"/k\\"\\nmemory = 1\\n"}}')
    dom = VERSION.ljust(32, b'\0') + b'pv'.ljust(16, b'\0')
    dom += struct.pack('<IIQQ', 12, NV, MAX_PAGES, NR_SPECIAL) + bytes(16) + struct.pack('<II', 0, 0)
    out = header(config) + rec(0x100, dom)
    out += pages([0, 1, 2]) + pages([5, 6], zflag=True)
    eng = MAX_PAGES + 1 + NV + 64
    out += pages([3, 4, eng], eager=True)
    out += rec(0x108, struct.pack('<QQQII', 3, 4, 5, 1, 2))
    out += rec(0x103, bytes(PAGE))
    out += rec(0x104, struct.pack('<II', 0, 0))
    out += rec(0x109, struct.pack('<QQQqII', MAX_PAGES, MAX_PAGES, 2, 0, 0, 0))
    out += rec(0x106, struct.pack('<II', NV, 0) + struct.pack('<IIqQq', 0, 1, 5000, 0, 0))
    out += rec(0x105, struct.pack('<II', 2, 0) + struct.pack('<IBBHII', 1, 2, 0, 0, 3, 0)
               + struct.pack('<IBBHII', 3, 4, 0, 0, 0, 0))
    vcpu = struct.pack('<IIQQ', 0, 3, 0x40100000, 0) + struct.pack('<20Q', *range(20))
    vcpu += struct.pack('<II', 1, 0) + bytes(512)
    out += rec(0x102, vcpu)
    xs = b''
    for path, value in ((b'data/x', b'1'), (b'control/feature-poweroff', b'1')):
        e = struct.pack('<IIII', len(path), len(value), 1, 0) + struct.pack('<HBB', 0xffff, ord('b'), 0)
        e += path + value
        xs += e + bytes((8 - len(e) % 8) % 8)
    out += rec(0x107, struct.pack('<II', 2, 0) + xs)
    return out + rec(0)


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    img = image()
    seeds = {'valid': img, 'valid-lazy': img + b'\0', 'cut': img[:len(img) * 2 // 3],
             'headers': img[:1200]}
    for name, data in seeds.items():
        open(os.path.join(d, name), 'wb').write(data)


if __name__ == '__main__':
    main()
