#!/usr/bin/env python3
"""seqcheck.py [--allow-repeat] FILE...: the 'flood: seq N' lines of the files, in
order, must run 0, 1, 2, ... with nothing missing or repeated, up to the count that
'flood: done N lines' reports. --allow-repeat accepts lines seen again (a console
daemon killed between logging bytes and consuming them logs them twice after its
restart) but still no gap. Prints the count; exit 1 with the first gap."""
import re
import sys

args = sys.argv[1:]
allow = args[:1] == ['--allow-repeat']
if allow:
    args = args[1:]
want, done, repeats = 0, None, 0
for name in args:
    with open(name, 'rb') as f:
        for raw in f:
            line = raw.decode('latin-1').rstrip('\r\n')
            m = re.match(r'flood: seq (\d+) \.+$', line)
            if m:
                n = int(m.group(1))
                if n > want or (n < want and not allow):
                    print(f'{name}: expected seq {want}, found {n}: {line!r}')
                    sys.exit(1)
                repeats += n < want
                want = max(want, n + 1)
            m = re.match(r'flood: done (\d+) lines', line)
            if m:
                done = int(m.group(1))
if done is None or done != want:
    print(f'{want} lines in order but the guest reported {done}')
    sys.exit(1)
print(want, f'({repeats} repeated)' if repeats else '')
