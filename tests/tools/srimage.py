#!/usr/bin/env python3
"""srimage.py: look into pvisor save images (include/pvisor/save.h) and make
damaged ones for the tests.

  srimage.py info FILE                  the header, the config, every record
  srimage.py set FILE OUT FIELD VALUE   a copy with the DOMAIN record's pvisor or
                                        engine field changed, its checksum made
                                        right again (an image of another pvisor
                                        version or engine, not a damaged one)
  srimage.py cut FILE OUT FRACTION      the first FRACTION of the file
  srimage.py flip FILE OUT WHERE        one bit flipped: WHERE is a byte offset, or
                                        header|config|domain|pages|state|end
  srimage.py shuffle FILE OUT           two 4 KiB blocks of the records swapped
"""
import struct
import sys

MASK = (1 << 64) - 1
P1, P2, P3 = 0x9e3779b185ebca87, 0xc2b2ae3d27d4eb4f, 0x165667b19e3779f9
NAMES = {0: 'END', 0x100: 'DOMAIN', 0x101: 'PAGE_DATA', 0x102: 'VCPU', 0x103: 'SHARED_INFO',
         0x104: 'GNTTAB', 0x105: 'EVTCHN', 0x106: 'TIMERS', 0x107: 'XENSTORE', 0x108: 'BOOT',
         0x109: 'DOMAIN_STATE'}


def rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & MASK


def sum64(b):
    """pvisor's record checksum (libpvx sr_stream.c)."""
    lane = [(P1 + P2) & MASK, P2, 0, (-P1) & MASK]
    n = len(b) // 32 * 32
    for off in range(0, n, 32):
        for i, v in enumerate(struct.unpack_from('<4Q', b, off)):
            lane[i] = (rotl((lane[i] + v * P2) & MASK, 31) * P1) & MASK
    h = (rotl(lane[0], 1) + rotl(lane[1], 7) + rotl(lane[2], 12) + rotl(lane[3], 18) + len(b)) & MASK
    for c in b[n:]:
        h = (rotl(h ^ ((c * P3) & MASK), 11) * P1) & MASK
    h ^= h >> 33
    h = (h * P2) & MASK
    h ^= h >> 29
    return h


def parse(data):
    """(records start, config text, [(offset of header, type, length)])"""
    if data[:32] != b'Xen saved domain, xl format\n \0 \r':
        raise SystemExit('not an xl save image')
    order, mflags, oflags, olen = struct.unpack_from('<4I', data, 32)
    clen = struct.unpack_from('<I', data, 48)[0]
    config = data[52:52 + clen - 1].decode()
    pos = 48 + olen + 24
    recs = []
    while pos + 8 <= len(data):
        typ, length = struct.unpack_from('<II', data, pos)
        recs.append((pos, typ, length))
        pos += 8 + (length + 7) // 8 * 8
        if typ == 0:
            break
    return 48 + olen, config, recs


def info(path):
    data = open(path, 'rb').read()
    start, config, recs = parse(data)
    print(f'{path}: {len(data)} bytes, config {len(config)} bytes, records from {start}')
    for pos, typ, length in recs:
        extra = ''
        if typ == 0x100:
            ver, eng = struct.unpack_from('<32s16s', data, pos + 16)
            extra = f' {ver.rstrip(bytes(1)).decode()} engine {eng.rstrip(bytes(1)).decode()}'
        if typ == 0x101:
            count, flags, dlen = struct.unpack_from('<3I', data, pos + 16)
            extra = f' {count} frames, flags {flags}, {dlen} data bytes'
        print(f'  {pos:10d} {NAMES.get(typ, hex(typ)):13s} {length:8d}{extra}')


def set_field(path, out, field, value):
    data = bytearray(open(path, 'rb').read())
    _, _, recs = parse(bytes(data))
    pos, typ, length = recs[0]
    assert typ == 0x100, 'the first record is not DOMAIN'
    off, size = {'pvisor': (16, 32), 'engine': (48, 16)}[field]
    data[pos + off:pos + off + size] = value.encode().ljust(size, b'\0')
    body = bytes(data[pos + 8:pos + 8 + length])
    struct.pack_into('<Q', data, pos + 8, sum64(body[8:]))
    open(out, 'wb').write(data)


def flip(path, out, where):
    data = bytearray(open(path, 'rb').read())
    start, _, recs = parse(bytes(data))
    kinds = {'header': 36, 'config': 60, 'domain': recs[0][0] + 60}
    pages = [r for r in recs if r[1] == 0x101]
    state = [r for r in recs if r[1] in (0x102, 0x103, 0x104)]
    if pages:
        kinds['pages'] = pages[len(pages) // 2][0] + 8 + pages[len(pages) // 2][2] // 2
    if state:
        kinds['state'] = state[0][0] + 8 + state[0][2] // 2
    kinds['end'] = recs[-1][0]
    off = int(where) if where.isdigit() else kinds[where]
    data[off] ^= 0x04
    open(out, 'wb').write(data)


def main():
    args = sys.argv[1:]
    if not args:
        raise SystemExit(__doc__)
    cmd = args[0]
    if cmd == 'info':
        info(args[1])
    elif cmd == 'set':
        set_field(args[1], args[2], args[3], args[4])
    elif cmd == 'cut':
        data = open(args[1], 'rb').read()
        open(args[2], 'wb').write(data[:int(len(data) * float(args[3]))])
    elif cmd == 'flip':
        flip(args[1], args[2], args[3])
    elif cmd == 'shuffle':
        data = bytearray(open(args[1], 'rb').read())
        start, _, _ = parse(bytes(data))
        a = (start + 4096) // 4096 * 4096
        b = a + (len(data) - a) // 8192 * 4096
        data[a:a + 4096], data[b:b + 4096] = data[b:b + 4096], data[a:a + 4096]
        open(args[2], 'wb').write(data)
    else:
        raise SystemExit(__doc__)


if __name__ == '__main__':
    main()
