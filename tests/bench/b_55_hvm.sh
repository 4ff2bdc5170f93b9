#!/usr/bin/env bash
# Benchmark section: the hvm engine beside the pv engine, in one run. A hypercall round
# trip (guest app=hcbench) under each engine beside the raw KVM exit floor of this host
# (bench_kvm_floor: the same exit -- a store to a page without memory at the CPL the
# reference kernel runs at, registers copied out with KVM_SYNC_X86_REGS); and
# create-to-banner (pvx create -c until "pvkernel 0.1:") under each engine. Rounds
# alternate the sides so that each sees the same machine.
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"

n_pv=$(bench_iters 100000 10000)
n_hvm=$(bench_iters 5000 1000)
rounds=$(bench_iters 3 1)
boots=$(bench_iters 10 3)
hvm_why="" floor_why=""
pv_lines=() hvm_lines=() floor_lines=() pv_boot=() hvm_boot=()

# hcbench TYPE N: one guest run; appends its hcbench line to TYPE_lines.
hcbench() {
	local type=$1 cfg=$work/hc-$1.cfg log=$work/hc-$1.log line
	pv_cfg_write "$cfg" "bench-hc-$type" "app=hcbench n=$2"
	echo "type = \"$type\"" >>"$cfg"
	"$bin/bench_firstline" -k -t 300 -o "$log" "hcbench: " \
		env PVISOR_RUNDIR="$pv_rundir" "$pvx" create -c "$cfg" >/dev/null
	pv_cmd destroy "bench-hc-$type" >/dev/null 2>&1
	line=$(grep -m1 '^hcbench: ' "$log" | tr -d '\r')
	if [ -z "$line" ]; then
		echo "$type hcbench: $(tail -n 3 "$log" | tr '\n' ' ')" >&2
		return 1
	fi
	eval "${type}_lines+=(\"\$line\")"
}

floor_measure() {
	local out line
	out=$("$bin/bench_kvm_floor" -n "$n_hvm" -m mmio:3 -s)
	echo "$out" >&2
	line=$(grep -m1 '^kvm_floor exit=mmio cpl=3 sync_regs=1 n=' <<<"$out")
	[ -n "$line" ] && { floor_lines+=("$line"); return 0; }
	floor_why=$(sed -n 's/.*why="\(.*\)"/\1/p' <<<"$out" | head -n 1)
	floor_why=${floor_why:-bench_kvm_floor failed (see log)}
}

# boot TYPE I: create-to-banner of one app=hello guest, in ns.
boot() {
	local type=$1 cfg=$work/boot-$1.cfg res ns
	pv_cfg_write "$cfg" "bench-b$2-$type" "app=hello"
	echo "type = \"$type\"" >>"$cfg"
	res=$("$bin/bench_firstline" -k -t 30 -o "$work/boot-$1-$2.log" "pvkernel 0.1:" \
		env PVISOR_RUNDIR="$pv_rundir" "$pvx" create -c "$cfg")
	pv_cmd destroy "bench-b$2-$type" >/dev/null 2>&1
	ns=$(bench_kv ns "$res")
	[ -n "$ns" ] && [ "$ns" != none ] && eval "${type}_boot+=(\"\$ns\")"
}

over() { # KEY LINE...: median over rounds
	local key=$1 l
	shift
	for l in "$@"; do bench_kv "$key" "$l"; done | bench_stats | cut -d' ' -f1
}

ms_median() { # ns...
	[ $# -gt 0 ] || return 0
	bench_div "$(printf '%s\n' "$@" | bench_stats | cut -d' ' -f1)" 1000000 2
}

cell() { if [ -n "$1" ]; then echo "$1"; else echo "n/a${2:+ ($2)}"; fi; }

pv_setup
if [ -n "$pv_why" ]; then
	hvm_why=$pv_why
elif ! pv_cmd info 2>/dev/null | grep -Eq '^virt_caps +: .*\<hvm\>'; then
	hvm_why="no hvm engine here: $(pv_cmd dmesg 2>/dev/null | grep -o 'hvm engine: unavailable: .*' | tail -n 1)"
fi
[ -x "$bin/bench_kvm_floor" ] || floor_why="bench_kvm_floor not built"
for ((r = 1; r <= rounds; r++)); do
	[ -z "$pv_why" ] && hcbench pv "$n_pv"
	[ -z "$hvm_why" ] && hcbench hvm "$n_hvm"
	[ -z "$floor_why" ] && floor_measure
done
for ((i = 1; i <= boots; i++)); do
	[ -z "$pv_why" ] && boot pv "$i"
	[ -z "$hvm_why" ] && boot hvm "$i"
done

echo "### The hvm engine beside pv: hypercall round trip and create-to-banner"
echo
bench_table_head "" "pv hypercall" "hvm hypercall" "floor: KVM exit (store to the trap page, CPL 3)" "hvm / floor" "hvm / pv"
for k in median_ns p99_ns; do
	pv=$(over $k "${pv_lines[@]+"${pv_lines[@]}"}")
	hv=$(over $k "${hvm_lines[@]+"${hvm_lines[@]}"}")
	fl=$(over $k "${floor_lines[@]+"${floor_lines[@]}"}")
	bench_row "${k%_ns} ns" "$(cell "$pv" "$pv_why")" "$(cell "$hv" "$hvm_why")" \
		"$(cell "$fl" "$floor_why")" "$(bench_ratio "$hv" "$fl")" "$(bench_ratio "$hv" "$pv")"
done
bench_row "calls per round" "$n_pv" "$n_hvm" "$n_hvm" "" ""
bench_row "rounds" "${#pv_lines[@]}" "${#hvm_lines[@]}" "${#floor_lines[@]}" "" ""
echo
bench_table_head "" "pv" "hvm" "hvm / pv"
pb=$(ms_median "${pv_boot[@]+"${pv_boot[@]}"}")
hb=$(ms_median "${hvm_boot[@]+"${hvm_boot[@]}"}")
bench_row "create-to-banner, median ms" "$(cell "$pb" "$pv_why")" "$(cell "$hb" "$hvm_why")" \
	"$(bench_ratio "$hb" "$pb")"
bench_row "boots" "${#pv_boot[@]}" "${#hvm_boot[@]}" ""
echo
kvm_mods=$(cd /sys/module 2>/dev/null && ls -d kvm_intel kvm_amd kvm_pvm 2>/dev/null | tr '\n' ' ')
echo "KVM here: ${kvm_mods:-no kvm_intel, kvm_amd or kvm_pvm module}. The floor is the same exit as"
echo "an hvm hypercall; docs/NOTES-hvm.md explains what a CPL 3 exit costs on a PVM host."
bench_command "$rounds rounds of: pvx create -c app=hcbench n=$n_pv (type pv), n=$n_hvm (type hvm); bench_kvm_floor -n $n_hvm -m mmio:3 -s; then $boots boots of app=hello per type"
