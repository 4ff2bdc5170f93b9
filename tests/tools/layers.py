#!/usr/bin/env python3
"""The layer check of `make lint`: which folder may include which (DESIGN.md section 2).

Every folder of C code is a component that declares its include path in its build.mk
(`$(call component,FOLDER,ROOTS)`, listed by `make layers`). This script
1. checks each declaration against the layer rules below (a build.mk cannot widen them),
2. resolves every #include of every .c/.h/.S file of a component the way the compiler
   does (the file's own folder, then the component's roots in order) and checks that the
   header it finds belongs to the component itself or to a folder the rules allow, and
   through a public header (not *_priv.h / *_private.h) when it is another component's.
tests/ may include anything and is not checked. Exit status 0 clean, 1 violations.

usage: layers.py [--root DIR] [--layers FILE]   (default: the tree this script is in,
       and `make -s -C DIR layers`)
"""
import argparse
import fnmatch
import os
import re
import subprocess
import sys

# The libraries of dom0-tools/: the only dom0 components another one may include.
DOM0_LIBS = ["dom0-tools/libpvctrl", "dom0-tools/libxs", "dom0-tools/libpvx", "dom0-tools/pvstart"]
# The rules of DESIGN.md section 2. Targets are components or patterns of them; ":public"
# admits only headers that are not private. A component may always include itself.
RULES = [
    ("include/pvisor", []),
    ("common", ["include/pvisor"]),
    ("hypervisor", ["include/pvisor", "common"]),
    ("dom0-tools/*", ["include/pvisor", "common"] + [lib + ":public" for lib in DOM0_LIBS]),
    ("backends/common", ["include/pvisor", "common", "dom0-tools/libpvctrl:public",
                         "dom0-tools/libxs:public"]),
    ("backends/*", ["include/pvisor", "common", "backends/common:public",
                    "dom0-tools/libpvctrl:public", "dom0-tools/libxs:public"]),
    ("frontends/*", ["include/pvisor"]),
]
# Arrows the rules forbid that the tree still has, each with the reason it may stay
# for now. Remove an entry as soon as its arrow is gone.
EXCEPTIONS = {}
# System headers a component may use: the ABI is plain C99 types; guest code is
# freestanding (the headers a freestanding C11 compiler provides).
FREESTANDING = {"float.h", "iso646.h", "limits.h", "stdalign.h", "stdarg.h", "stdbool.h",
                "stddef.h", "stdint.h", "stdnoreturn.h"}
SYSTEM = [
    ("include/pvisor", {"stdint.h"}),
    ("frontends/*", FREESTANDING),
]
ABI = "include/pvisor"  # not built on its own, so no build.mk declares it
PRIVATE = ("*_priv.h", "*_private.h")
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def rule_for(table, comp):
    for pattern, value in table:
        if fnmatch.fnmatchcase(comp, pattern):
            return value
    return None


def load_layers(root, path):
    if path:
        text = open(path).read()
    else:
        text = subprocess.run(["make", "-s", "--no-print-directory", "-C", root, "layers"],
                              check=True, capture_output=True, text=True).stdout
    layers = {}
    for line in text.splitlines():
        if ":" in line:
            comp, roots = line.split(":", 1)
            layers[comp.strip()] = [r.split("=", 1) if "=" in r else [None, r]
                                    for r in roots.split()]
    layers.setdefault(ABI, [])
    return layers


class Checker:
    def __init__(self, root, layers):
        self.root, self.layers, self.errors = root, layers, []
        self.comps = sorted((c for c in layers if c != "tests"), key=len, reverse=True)

    def component_of(self, rel):
        for c in self.comps:
            if rel == c or rel.startswith(c + "/"):
                return c
        return None

    def allowed(self, src, dst, header):
        """None if src may include header of component dst, else the reason why not."""
        if src == dst:
            return None
        for target in rule_for(RULES, src) or []:
            pattern, _, public = target.partition(":")
            if fnmatch.fnmatchcase(dst, pattern):
                if public and any(fnmatch.fnmatchcase(os.path.basename(header), p)
                                  for p in PRIVATE):
                    return "%s is private to %s" % (os.path.basename(header), dst)
                return None
        if (src, dst) in EXCEPTIONS:
            return None
        return "%s may not include %s (DESIGN.md section 2)" % (src, dst)

    def error(self, where, msg):
        self.errors.append("%s: %s" % (where, msg))

    def check_declarations(self):
        for comp, roots in sorted(self.layers.items()):
            if comp == "tests":
                continue
            if rule_for(RULES, comp) is None:
                self.error(comp + "/build.mk", "no layer rule for component %s: add it to "
                           "tests/tools/layers.py and DESIGN.md" % comp)
                continue
            for name, folder in roots:
                dst = self.component_of(folder) or (ABI if folder == "include" else None)
                if dst is None:
                    self.error(comp, "include root %s is not a component" % folder)
                    continue
                why = self.allowed(comp, dst, "")
                if why:
                    self.error(comp, "declares root %s: %s" % (folder, why))

    def resolve(self, comp, rel_dir, kind, name):
        cands = [os.path.join(rel_dir, name)] if kind == '"' else []
        for label, folder in self.layers[comp]:
            if label is None:
                cands.append(os.path.join(folder, name))
            elif name.startswith(label + "/"):
                cands.append(os.path.join(folder, name[len(label) + 1:]))
        for c in cands:
            path = os.path.normpath(c)
            if os.path.isfile(os.path.join(self.root, path)):
                return path
        return None

    def check_file(self, rel):
        comp = self.component_of(rel)
        if comp is None:
            self.error(rel, "not in any component: declare its folder in a build.mk "
                       "($(call component,...))")
            return
        system = rule_for(SYSTEM, comp)
        with open(os.path.join(self.root, rel), errors="replace") as f:
            for n, line in enumerate(f, 1):
                m = INCLUDE_RE.match(line)
                if not m:
                    continue
                kind, name = m.groups()
                where = "%s:%d: #include %s%s%s" % (rel, n, kind, name,
                                                  '"' if kind == '"' else ">")
                found = self.resolve(comp, os.path.dirname(rel), kind, name)
                if found is None and kind == '"':
                    self.error(where, "not found on %s's include path" % comp)
                elif found is None:
                    if system is not None and name not in system:
                        self.error(where, "%s may use only the system headers %s" %
                                   (comp, " ".join(sorted(system))))
                else:
                    dst = self.component_of(found)
                    if dst is None or dst == "tests":
                        self.error(where, "resolves to %s, outside every component" % found)
                        continue
                    why = self.allowed(comp, dst, found)
                    if why:
                        self.error(where, why)

    def sources(self):
        for top in sorted(os.listdir(self.root)):
            if top.startswith(".") or top in ("build", "tests", "docs", "examples"):
                continue
            for d, dirs, files in os.walk(os.path.join(self.root, top)):
                dirs.sort()
                for f in sorted(files):
                    if f.endswith((".c", ".h", ".S")):
                        yield os.path.relpath(os.path.join(d, f), self.root)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=os.path.normpath(os.path.join(here, "../..")))
    ap.add_argument("--layers", help="a `make layers` listing (default: run make)")
    args = ap.parse_args()
    chk = Checker(args.root, load_layers(args.root, args.layers))
    chk.check_declarations()
    nfiles = 0
    for rel in chk.sources():
        chk.check_file(rel)
        nfiles += 1
    for e in chk.errors:
        print("layers: " + e)
    for (src, dst), why in sorted(EXCEPTIONS.items()):
        print("layers: note: %s still includes %s: %s" % (src, dst, why), file=sys.stderr)
    print("layers: %d files of %d components, %d violations" %
          (nfiles, len(chk.comps), len(chk.errors)), file=sys.stderr)
    return 1 if chk.errors else 0


if __name__ == "__main__":
    sys.exit(main())
