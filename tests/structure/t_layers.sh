#!/usr/bin/env bash
# Unit test of the layer check (tests/tools/layers.py) and of the per-component include
# paths it reads: in a scratch copy of the tree, a forbidden include in a scratch file
# makes the checker fail (and the compiler too), an allowed one passes.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d /tmp/test_layers.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

# The tree's sources and build files only (no build/), as git knows them.
(cd "$top" && git ls-files -co --exclude-standard -- Makefile '*.mk' '*.c' '*.h' '*.S' '*.lds' |
	tar cf - -T -) | tar xf - -C "$tmp" || fail "copy the tree"
make -s --no-print-directory -C "$tmp" layers >"$tmp/layers.txt" || fail "make layers"
check() { "$top/tests/tools/layers.py" --root "$tmp" --layers "${2:-$tmp/layers.txt}" >"$tmp/out" 2>&1; }

check || fail "the clean tree has violations: $(cat "$tmp/out")"
ok "the tree as it is passes"

# expect_bad FILE LINE PATTERN: with FILE holding LINE the check fails, naming PATTERN
expect_bad() {
	mkdir -p "$(dirname "$tmp/$1")" && printf '%s\nint layers_scratch;\n' "$2" >"$tmp/$1"
	check && fail "$1 with '$2' passed"
	grep -q -- "$3" "$tmp/out" || fail "$1 with '$2': no '$3' in: $(cat "$tmp/out")"
	rm -f "$tmp/$1"
	ok "$1: '$2' is refused ($3)"
}
expect_good() {
	mkdir -p "$(dirname "$tmp/$1")" && printf '%s\nint layers_scratch;\n' "$2" >"$tmp/$1"
	check || fail "$1 with '$2' failed: $(cat "$tmp/out")"
	rm -f "$tmp/$1"
	ok "$1: '$2' is allowed"
}
expect_bad backends/blkback/zz_scratch.c '#include "libpvx/pvx.h"' "not found on backends/blkback's include path"
expect_bad backends/blkback/zz_scratch.c '#include "libxs/xs_private.h"' "xs_private.h is private to dom0-tools/libxs"
expect_bad backends/blkback/zz_scratch.c '#include "netback/netback.h"' "not found"
expect_bad hypervisor/zz_scratch.c '#include "libxs/xs.h"' "not found on hypervisor's include path"
expect_bad frontends/kernel/kernel/zz_scratch.c '#include "log.h"' "not found on frontends/kernel's"
expect_bad frontends/kernel/kernel/zz_scratch.c '#include <stdio.h>' "frontends/kernel may use only the system headers"
expect_bad include/pvisor/zz_scratch.h '#include <stdlib.h>' "include/pvisor may use only the system headers stdint.h"
expect_bad include/pvisor/zz_scratch.h '#include "../../common/log.h"' "include/pvisor may not include common"
expect_bad dom0-tools/xs/zz_scratch.c '#include "../xsd/core.h"' "dom0-tools/xs may not include dom0-tools/xsd"
expect_bad zz_new/zz_scratch.c '#include <stdint.h>' "not in any component"
expect_good backends/blkback/zz_scratch.c '#include "libxs/xs.h"'
expect_good backends/blkback/zz_scratch.c '#include "common/xenbus_be.h"'
expect_good frontends/kernel/kernel/zz_scratch.c '#include <stdint.h>'
expect_good tests/unit/zz_scratch.c '#include "../../hypervisor/hv.h"'
rmdir "$tmp/zz_new"

# A build.mk cannot widen the rules: a declaration beyond them fails by itself.
sed 's|^backends/blkback: .*|& libpvx=dom0-tools/libpvx|' "$tmp/layers.txt" >"$tmp/wide.txt"
check x "$tmp/wide.txt" && fail "a blkback declaration with libpvx passed"
grep -q "backends/blkback: declares root dom0-tools/libpvx: backends/blkback may not include dom0-tools/libpvx" "$tmp/out" ||
	fail "no complaint about the declaration: $(cat "$tmp/out")"
ok "a declaration beyond the rules is refused"

# The compiler enforces the same include path: the wrong include does not compile.
printf '#include "libpvx/pvx.h"\nint layers_scratch;\n' >"$tmp/backends/blkback/zz_scratch.c"
make -s --no-print-directory -C "$tmp" build/obj/backends/blkback/zz_scratch.o >"$tmp/out" 2>&1 &&
	fail "blkback compiled an include of libpvx"
grep -q "libpvx/pvx.h: No such file" "$tmp/out" || fail "unexpected compiler output: $(cat "$tmp/out")"
printf '#include "libxs/xs.h"\nint layers_scratch;\n' >"$tmp/backends/blkback/zz_scratch.c"
make -s --no-print-directory -C "$tmp" build/obj/backends/blkback/zz_scratch.o >"$tmp/out" 2>&1 ||
	fail "blkback cannot compile an include of libxs: $(cat "$tmp/out")"
ok "the compiler refuses libpvx/pvx.h in blkback and takes libxs/xs.h"
