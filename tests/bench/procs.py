#!/usr/bin/env python3
"""The live processes of private directories, one pid a line: processes whose
environment puts PVISOR_RUNDIR or TMPDIR in (or below) one of the DIRs, or that hold a
file there open (or have their cwd there), and all their descendants. Zombies have
exited and are not listed. Pid files are not trusted: a stale one can name a pid that
now belongs to someone else. One pass over /proc, so it stays quick on a loaded
machine (the benchmark harness asks after every section).

usage: procs.py [--exclude PID]... DIR...
"""
import os
import sys


def under(path, dirs):
    return any(path == d or path.startswith(d + "/") for d in dirs)


def read(path, mode="r"):
    try:
        with open(path, mode) as f:
            return f.read()
    except OSError:
        return None


def stat_fields(pid):
    """(state, ppid) of a process, or None when it is gone."""
    s = read("/proc/%s/stat" % pid)
    if s is None:
        return None
    rest = s[s.rindex(")") + 2:].split()
    return rest[0], rest[1]


def is_root(pid, dirs):
    env = read("/proc/%s/environ" % pid, "rb")
    for var in (env or b"").split(b"\0"):
        name, _, val = var.partition(b"=")
        if name in (b"PVISOR_RUNDIR", b"TMPDIR") and under(val.decode(errors="replace"), dirs):
            return True
    links = ["cwd"]
    try:
        links += ["fd/" + fd for fd in os.listdir("/proc/%s/fd" % pid)]
    except OSError:
        pass
    for link in links:
        try:
            target = os.readlink("/proc/%s/%s" % (pid, link))
        except OSError:
            continue
        if under(target.replace(" (deleted)", ""), dirs):
            return True
    return False


def main(argv):
    exclude, dirs = set(), []
    it = iter(argv)
    for a in it:
        if a == "--exclude":
            exclude.add(next(it, ""))
        else:
            dirs.append(os.path.abspath(a).rstrip("/"))
    if not dirs:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    procs = {}
    for pid in os.listdir("/proc"):
        if pid.isdigit() and pid not in exclude:
            f = stat_fields(pid)
            if f:
                procs[pid] = f
    ours = {p for p in procs if is_root(p, dirs)}
    grew = True
    while grew:
        kids = {p for p, (_, ppid) in procs.items() if ppid in ours and p not in ours}
        ours |= kids
        grew = bool(kids)
    for p in sorted(ours, key=int):
        if procs[p][0] not in ("Z", "X"):
            print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
