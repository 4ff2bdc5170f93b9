#!/usr/bin/env bash
# The reference kernel runs in ring 3 of a sandboxed host process: any real system
# call or privileged instruction kills the domain. Disassemble build/guest/pvkernel
# and check that the only such instructions are the ones the badsys and forge apps
# make on purpose.
set -u
top=${PVISOR_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
img=$top/build/guest/pvkernel
[ -f "$img" ] || { echo "kernel image $img not built (make build/guest/pvkernel)"; exit 77; }
command -v objdump >/dev/null || { echo "objdump not installed (binutils)"; exit 77; }

dis=$(mktemp); trap 'rm -f "$dis"' EXIT
objdump -d --no-show-raw-insn "$img" >"$dis" || { echo "objdump failed on $img"; exit 1; }
grep -q '<kmain>:' "$dis" || { echo "no kmain in the disassembly of $img"; exit 1; }

# Instruction mnemonics that trap or are privileged in ring 3 (int3 and ud2 are
# allowed: they are how the kernel stops on purpose).
bad='syscall|sysenter|sysexit|sysret|int|into|hlt|cli|sti|in|out|ins[bwl]?|outs[bwl]?|lgdt|lidt|lldt|ltr|invlpg|wrmsr|rdmsr|iretq?|swapgs|wbinvd|clts|vmcall|vmmcall'
hits=$(awk -v bad="^($bad)\$" '
	/^[0-9a-f]+ <.*>:$/ { fn = $2 }
	/^ *[0-9a-f]+:\t/ { split($0, f, "\t"); split(f[2], w, " ");
		if (w[1] ~ bad) print fn, f[2] }' "$dis")
# mov to/from a control or debug register
hits+=$(grep -E $'\tmov +%[cd]r[0-9]|,%[cd]r[0-9]' "$dis" || true)
expected='<app_badsys_run>: syscall
<app_forge_run>: syscall'
echo "privileged or trapping instructions found:"
echo "${hits:-none}"
if [ "$hits" != "$expected" ]; then
	echo "FAIL: expected exactly: $expected"
	exit 1
fi
echo "ok: only the badsys and forge apps' deliberate syscalls"
