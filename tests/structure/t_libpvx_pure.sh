#!/usr/bin/env bash
# libpvx is a library and nothing else (docs/NOTES-toolstack.md): no object in
# build/lib/libpvx.a starts a process, prints, logs or exits; it holds library code
# only (no main, no pvx subcommand); blkback and netback link none of it. Checked on
# the built objects with nm, so a call hidden behind a macro is caught too; a scratch
# library that forks and prints shows that the check can fail.
set -u
cd "$(dirname "$0")/../.."
lib=build/lib/libpvx.a
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

# Undefined symbols an object of a pure library may not refer to: process creation,
# output to stdout/stderr (gcc turns printf into puts or putchar, fprintf(stderr) into
# fwrite on stderr: the stream symbols catch those), the common log, exiting.
FORBIDDEN='fork|vfork|clone|clone3|posix_spawnp?|exec(l|lp|le|v|vp|vpe|ve)|fexecve|system|popen|daemon'
FORBIDDEN+='|printf|vprintf|__printf_chk|__vprintf_chk|puts|putchar|perror|stdout|stderr'
FORBIDDEN+='|log_(info|warn|warnx|debug)|fatalx?|exit|_exit|_Exit|errx?|warnx?'

# impure_refs ARCHIVE : "object: symbol" for each forbidden reference
impure_refs() {
	nm -u -A "$1" 2>/dev/null | awk '{ n = split($1, p, ":"); print p[n - 1] ": " $NF }' |
		grep -E ": ($FORBIDDEN)\$"
}

[ -f "$lib" ] || fail "build first ($lib missing)"

# 1. the check itself catches a library that forks and prints
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cat >"$scratch/bad.c" <<'C'
#include <stdio.h>
#include <unistd.h>
int bad(void) { printf("%d\n", (int)fork()); fprintf(stderr, "x\n"); return 0; }
C
${CC:-cc} -O2 -c -o "$scratch/bad.o" "$scratch/bad.c" && ar rcs "$scratch/libbad.a" "$scratch/bad.o" ||
	fail "cannot build the scratch library"
bad=$(impure_refs "$scratch/libbad.a")
for sym in fork printf stderr; do
	grep -q ": $sym\$" <<<"$bad" || fail "the check misses $sym in a scratch library: $bad"
done
ok "the check catches fork, printf and stderr in a scratch library"

# 2. libpvx: no process, no output, no log, no exit
refs=$(impure_refs "$lib")
[ -z "$refs" ] || fail "libpvx.a must not start processes, print, log or exit: $refs"
ok "libpvx.a refers to no fork/exec/spawn, printf/puts/perror, stdout/stderr, log_*, exit"

# 3. library code only: every member is built from dom0-tools/libpvx/*.c, no main,
#    no pvx subcommand
for o in $(ar t "$lib"); do
	[ -f "dom0-tools/libpvx/${o%.o}.c" ] || fail "libpvx.a holds $o, which is not libpvx code"
done
if nm -g --defined-only "$lib" | grep -Eq ' T (main|cmd_[a-z_]+|cli_[a-z_]+)$'; then
	fail "libpvx.a defines a program's symbols: $(nm -g --defined-only "$lib" |
		grep -E ' T (main|cmd_|cli_)')"
fi
ok "libpvx.a holds libpvx's own objects only (no main, cmd_*, cli_*)"

# 4. the backends link no libpvx object: none of libpvx's symbols is in them
defs=$(nm -g --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sort -u)
for prog in blkback netback; do
	bin=build/bin/$prog
	[ -x "$bin" ] || fail "build first ($bin missing)"
	shared=$(comm -12 <(echo "$defs") <(nm --defined-only "$bin" | awk 'NF == 3 { print $3 }' | sort -u))
	[ -z "$shared" ] || fail "$prog links libpvx code: $(echo $shared)"
done
ok "blkback and netback link no libpvx object"
