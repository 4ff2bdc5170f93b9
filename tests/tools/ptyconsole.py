#!/usr/bin/env python3
"""Drive a console through a terminal, for the console tests.

  ptyconsole.py tty PATH SEND EXPECT      open the guest's pty (console/tty), type
                                          SEND, wait for EXPECT in what comes back
  ptyconsole.py run SEND EXPECT -- CMD... run CMD (pvx console) on a new pty, type
                                          SEND, wait for EXPECT, then Ctrl-] and
                                          wait for CMD to exit; prints its status
SEND may hold \\r, \\n, \\x1d escapes. Exit 0 when EXPECT was seen within 10 s.
"""
import os
import pty
import select
import sys
import time


def unescape(s):
    return s.encode().decode('unicode_escape').encode('latin-1')


def wait_for(fd, expect, timeout=10.0):
    seen = b''
    end = time.time() + timeout
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if not r:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if expect in seen:
            return True, seen
    return False, seen


def main():
    mode = sys.argv[1]
    if mode == 'tty':
        path, send, expect = sys.argv[2], unescape(sys.argv[3]), unescape(sys.argv[4])
        fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        os.write(fd, send)
        ok, seen = wait_for(fd, expect)
        os.close(fd)
    else:
        send, expect = unescape(sys.argv[2]), unescape(sys.argv[3])
        cmd = sys.argv[sys.argv.index('--') + 1:]
        pid, fd = pty.fork()
        if pid == 0:
            os.execvp(cmd[0], cmd)
        time.sleep(0.3)
        os.write(fd, send)
        ok, seen = wait_for(fd, expect)
        os.write(fd, b'\x1d')
        status = None
        for _ in range(100):
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                status = os.waitstatus_to_exitcode(st)
                break
            time.sleep(0.05)
        print('exit status:', status)
        if status is None:
            os.kill(pid, 9)
            ok = False
    sys.stdout.write(seen.decode('latin-1'))
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
