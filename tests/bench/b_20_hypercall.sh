#!/usr/bin/env bash
# Benchmark section: one pvisor hypercall round trip (guest app=hcbench) beside its
# floor, a raw seccomp user-notification round trip measured in the same run, and a
# system call inside User-Mode Linux (getppid), with ratios. Rounds alternate the three
# so that each sees the same machine; each statistic is the median over rounds.
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"

n=$(bench_iters 200000 20000)
n_uml=$(bench_iters 20000 2000)
rounds=$(bench_iters 5 1)
pv_line="" floor_line="" uml_line="" floor_why="" note=""
pv_lines=() floor_lines=() uml_lines=()

# pv_hcbench: the guest's "hcbench: n=.. total_ns=.. avg_ns=.. median_ns=.. p99_ns=.."
pv_hcbench() {
	local cfg=$work/hc-pv.cfg log=$work/hc-pv.log res
	pv_cfg_write "$cfg" "bench-hc" "app=hcbench n=$n"
	res=$("$bin/bench_firstline" -k -t 120 -o "$log" "hcbench: " \
		env PVISOR_RUNDIR="$pv_rundir" "$pvx" create -c "$cfg")
	pv_cmd destroy bench-hc >/dev/null 2>&1
	pv_line=$(grep -m1 '^hcbench: ' "$log" | tr -d '\r')
	[ -n "$pv_line" ] && { pv_lines+=("$pv_line"); return 0; }
	echo "pvisor hcbench: $res: $(tail -n 5 "$log" | tr '\n' ' ')" >&2
	pv_why="no hcbench line: $(tail -n 1 "$log")"
}

floor_measure() {
	local out
	if [ ! -x "$bin/bench_seccomp_rt" ]; then
		floor_why="bench_seccomp_rt not built"
		return
	fi
	out=$("$bin/bench_seccomp_rt" -n "$n" -m sync)
	echo "$out" >&2
	floor_line=$(echo "$out" | grep -m1 '^seccomp_rt ')
	note=$(echo "$out" | sed -n 's/^note: //p')
	[ -n "$floor_line" ] && { floor_lines+=("$floor_line"); return; }
	floor_why="bench_seccomp_rt failed (see log)"
}

# uml_getppid: boots UML whose /init runs the static getppid timer; retried on panic.
uml_getppid() {
	local try log=$work/hc-uml.log cmd
	mapfile -t cmd < <("$uml_peer" argv getppid "$n_uml")
	for ((try = 0; try < 3; try++)); do
		"$bin/bench_firstline" -t 120 -o "$log" "UMLBENCH uml_getppid" "${cmd[@]}" >&2
		uml_line=$(grep -m1 '^UMLBENCH uml_getppid' "$log" | tr -d '\r')
		[ -n "$uml_line" ] && { uml_lines+=("$uml_line"); return 0; }
		echo "uml getppid try $try: $(grep -m1 -i panic "$log")" >&2
		sleep 0.5
	done
	uml_why="UML failed 3 boots (see log)"
}

# over KEY LINE...: the median over rounds of KEY's values (empty when none).
over() {
	local key=$1 l
	shift
	for l in "$@"; do bench_kv "$key" "$l"; done | bench_stats | cut -d' ' -f1
}

# summary LINE...: one line holding the per-round medians of every statistic.
summary() {
	local k out=""
	[ $# -gt 0 ] || return 0
	for k in n median_ns p99_ns mean_ns avg_ns sync; do
		out+=" $k=$(over $k "$@")"
	done
	echo "summary$out"
}

cell() { # line key why
	local v
	v=$(bench_kv "$2" "$1")
	if [ -n "$v" ]; then echo "$v"; else echo "n/a${3:+ ($3)}"; fi
}

pv_setup
uml_setup
for ((r = 1; r <= rounds; r++)); do
	[ -z "$pv_why" ] && pv_hcbench
	[ -z "$floor_why" ] && floor_measure
	[ -z "$uml_why" ] && uml_getppid
done
pv_line=$(summary "${pv_lines[@]+"${pv_lines[@]}"}")
floor_line=$(summary "${floor_lines[@]+"${floor_lines[@]}"}")
uml_line=$(summary "${uml_lines[@]+"${uml_lines[@]}"}")
[ -n "$pv_line" ] && pv_why=""
[ -n "$uml_line" ] && uml_why=""

echo "### Hypercall round trip"
echo
bench_table_head "" "pvisor hypercall (app=hcbench)" "floor: seccomp notification" \
	"User-Mode Linux getppid()" "pvisor / floor" "UML / pvisor"
for k in median_ns p99_ns mean_ns; do
	pk=$k
	[ $k = mean_ns ] && pk=avg_ns
	pv=$(bench_kv $pk "$pv_line") fl=$(bench_kv $k "$floor_line") um=$(bench_kv $k "$uml_line")
	bench_row "${k%_ns} ns" "$(cell "$pv_line" $pk "$pv_why")" \
		"$(cell "$floor_line" $k "$floor_why")" "$(cell "$uml_line" $k "$uml_why")" \
		"$(bench_ratio "$pv" "$fl")" "$(bench_ratio "$um" "$pv")"
done
bench_row "calls per round" "$(cell "$pv_line" n)" "$(cell "$floor_line" n)" "$(cell "$uml_line" n)" "" ""
bench_row "rounds" "${#pv_lines[@]}" "${#floor_lines[@]}" "${#uml_lines[@]}" "" ""
echo
floor_sync=$(bench_kv sync "$floor_line")
echo "Floor: build/bin/bench_seccomp_rt, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP" \
	"$([ "$floor_sync" = 1 ] && echo on || echo "off${note:+ ($note)}"), the same trapped number as xen_version."
echo "Each cell is the median over $rounds rounds that alternate pvisor, floor and UML."
echo "UML: linux.uml $(uml_version); its median and p99 are over 20-call batch averages"
echo "(a clock read is itself a system call under UML)."
bench_command "$rounds rounds of: pvx create -c with cmdline=\"app=hcbench n=$n\"; bench_seccomp_rt -n $n -m sync; tests/tools/uml-peer.sh run getppid $n_uml"
