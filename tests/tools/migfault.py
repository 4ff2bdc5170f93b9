#!/usr/bin/env python3
"""migfault.py MODE BYTES COMMAND...: a faulty transport for `pvx migrate -s`, for the
failure tests. It runs COMMAND (pvx migrate appends the host and `pvx
migrate-receive`, as it does to ssh) in a session of its own and carries the stream
both ways, then fails as MODE says:
  kill       once BYTES bytes went to the receiver, kill it (SIGKILL to its whole
             session) and end: the receiver died mid-stream
  cut        once BYTES bytes went to the receiver, close both directions and end
             while the receiver lives on: the connection was cut
  cut-ready  carry everything, but cut the connection instead of passing on the
             receiver's word that the domain arrived (the sender has suspended it)
  garble-go  carry everything, but turn the sender's permission to start the
             domain into nonsense (the receiver refuses it, the sender takes back)
BYTES is ignored by the last two."""
import os
import select
import signal
import subprocess
import sys

READY = b"domain received, ready to start it\n"
GO = b"domain is yours, start it\n"


def main():
    mode, limit, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    child = subprocess.Popen(' '.join(cmd), shell=True, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, start_new_session=True, bufsize=0)
    to_rx, from_rx = child.stdin.fileno(), child.stdout.fileno()
    sent, back, fwd = 0, b"", b""
    while True:
        ready, _, _ = select.select([0, from_rx], [], [])
        if 0 in ready:
            data = os.read(0, 65536)
            if not data:
                break
            fwd += data
            if mode == "garble-go" and GO in fwd:
                data = data.replace(GO, b"nonsense, says the network\n")
            fwd = fwd[-len(GO):]
            os.write(to_rx, data)
            sent += len(data)
            if mode in ("kill", "cut") and sent >= limit:
                if mode == "kill":
                    os.killpg(child.pid, signal.SIGKILL)
                return 0
        if from_rx in ready:
            data = os.read(from_rx, 65536)
            if not data:
                break
            back += data
            if mode == "cut-ready" and READY in back:
                return 0
            back = back[-len(READY):]
            os.write(1, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
