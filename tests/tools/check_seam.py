#!/usr/bin/env python3
"""check_seam.py [ROOT] | --self-test: two rules of the hypervisor the compiler
cannot see (docs/DESIGN-NOTES.md, "The engine seam" and "One error space").

1. The core -- hypervisor/ outside engines/ -- names no engine: no pv_* name that is
   not the public ABI's (include/pvisor) or common/'s, no name an engine defines
   (its functions, structs, macros, ops table), and nothing of a process: pidfd,
   listener, seccomp, tgkill, wait4, SIGSTOP/SIGCONT/SIGKILL.
2. No host errno crosses the hypercall boundary: no code in hypervisor/ (engines
   included) negates a host E* constant, errno, or a pthread_* result; host errors
   become PV errno values through common/pv_errno.c.

Comments and string literals are not code. Exit 0 when both hold; else each
offence on a line "FILE:LINE: rule: text" and exit 1."""
import os
import re
import shutil
import sys
import tempfile

PROCESS_WORDS = ["pidfd", "listener", "seccomp", "tgkill", "wait4", "SIGSTOP", "SIGCONT",
                 "SIGKILL"]
HOST_ERRNO = re.compile(r"(?<![\w)\]])-\s*(E[A-Z0-9]+\b|errno\b|pthread_\w+\s*\()")


def strip(text):
    """Blank out comments and string/char literals, keeping line numbers."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (min(j, n) - i - 1) + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def sources(top, exts=(".c", ".h", ".S")):
    for base, _, files in os.walk(top):
        for f in sorted(files):
            if f.endswith(exts):
                yield os.path.join(base, f)


def words(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return set(re.findall(r"\b\w+\b", strip(f.read())))


def engine_names(engines):
    """What an engine defines: functions and globals at file scope, structs, macros."""
    names = set()
    for path in sources(engines):
        if os.path.dirname(path) == engines:
            continue  # engines/engine.[ch]: the seam itself, the core's to name
        with open(path, encoding="utf-8", errors="replace") as f:
            code = strip(f.read())
        names |= set(re.findall(r"^[A-Za-z_][\w \t*]*?\b(\w+)\s*[(\[=;]", code, re.M))
        names |= set(re.findall(r"\bstruct\s+(\w+)\s*\{", code))
        names |= set(re.findall(r"^\s*#\s*define\s+(\w+)", code, re.M))
    return names - {"main", "if", "for", "while", "switch", "return", "sizeof"}


def public_names(root):
    names = set()
    for top in ("include", "common"):
        for path in sources(os.path.join(root, top)):
            names |= words(path)
    return names


def check(root):
    hv = os.path.join(root, "hypervisor")
    engines = os.path.join(hv, "engines")
    public, private = public_names(root), engine_names(engines)
    bad = []
    for path in sources(hv):
        rel = os.path.relpath(path, root)
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = strip(f.read()).split("\n")
        in_core = not path.startswith(engines + os.sep)
        for no, line in enumerate(lines, 1):
            for m in HOST_ERRNO.finditer(line):
                bad.append("%s:%d: host errno: %s" % (rel, no, m.group(0).strip()))
            if not in_core:
                continue
            for w in re.findall(r"\b\w+\b", line):
                if w in PROCESS_WORDS:
                    bad.append("%s:%d: engine seam: %s (a process)" % (rel, no, w))
                elif w in private and w not in public:
                    bad.append("%s:%d: engine seam: %s (an engine's)" % (rel, no, w))
                elif w.startswith("pv_") and w not in public:
                    bad.append("%s:%d: engine seam: %s (not ABI)" % (rel, no, w))
    return bad


def self_test(root):
    """The checker must pass the tree and fail each planted offence."""
    plants = [("hypervisor/core/timer.c", "\tpv_complete(d, v, 0);\n", "engine seam"),
              ("hypervisor/core/domain.c", "\tint pidfd = -1;\n", "engine seam"),
              ("hypervisor/evtchn/evtchn.c", "\treturn -EINVAL;\n", "host errno"),
              ("hypervisor/engines/pv/pv.c", "\treturn -errno;\n", "host errno")]
    ok = not check(root)
    for rel, line, rule in plants:
        tmp = tempfile.mkdtemp()
        try:
            for top in ("hypervisor", "include", "common"):
                shutil.copytree(os.path.join(root, top), os.path.join(tmp, top))
            with open(os.path.join(tmp, rel), "a") as f:
                f.write("static void planted(void)\n{\n" + line + "}\n")
            found = [b for b in check(tmp) if b.startswith(rel) and rule in b]
            print("self-test: %s in %s: %s" % (line.strip(), rel,
                                                "caught" if found else "MISSED"))
            ok = ok and bool(found)
        finally:
            shutil.rmtree(tmp)
    return ok


def main():
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    if len(sys.argv) > 1 and sys.argv[1] == "--self-test":
        return 0 if self_test(root) else 1
    if len(sys.argv) > 1:
        root = os.path.abspath(sys.argv[1])
    bad = check(root)
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
