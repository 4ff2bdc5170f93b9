#!/usr/bin/env bash
# A/B of `pvx create -c` to the banner (b_10's measurement) between two builds, side
# by side in one run: each build gets its own daemons in a private run directory and
# the boots alternate A B A B, so both see the same machine load. Not a make bench
# section (it needs a second build): for comparing a branch with main.
#   tests/bench/ab_create.sh TOP_A TOP_B [BOOTS]   (TOP: a built source tree)
# Prints median/min/max per build, the ratio of medians and the load average.
set -u
[ $# -ge 2 ] || { echo "usage: $0 TOP_A TOP_B [BOOTS]" >&2; exit 2; }
tops=("$(cd "$1" && pwd)" "$(cd "$2" && pwd)")
boots=${3:-30}
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
fl=$bin/bench_firstline
[ -x "$fl" ] || { echo "ab_create: $fl not built" >&2; exit 1; }

rundirs=() times_0=() times_1=() t=() med=()
stop_all() {
	local k
	for k in 0 1; do
		[ -n "${rundirs[$k]:-}" ] || continue
		pv_rundir=${rundirs[$k]} pvx=${tops[$k]}/build/bin/pvx
		pv_daemons_stop
	done
}
bench_on_exit stop_all
for k in 0 1; do
	rundirs[k]=$(mktemp -d "${TMPDIR:-/tmp}/pvab.XXXXXX") || exit 1
	env PVISOR_RUNDIR="${rundirs[$k]}" "${tops[$k]}/build/bin/pvx" daemons start >/dev/null ||
		{ echo "ab_create: daemons of ${tops[$k]} did not start" >&2; exit 1; }
done

# boot K I: one create -c of build K to the banner; the ns, or nothing.
boot() {
	local k=$1 i=$2 cfg=$work/ab-$1.cfg res
	pvkernel=${tops[$k]}/build/guest/pvkernel
	pv_cfg_write "$cfg" "ab-$k-$i" "app=hello"
	res=$("$fl" -k -t 30 -o "$work/ab-$k-$i.log" "pvkernel 0.1:" \
		env PVISOR_RUNDIR="${rundirs[$k]}" "${tops[$k]}/build/bin/pvx" create -c "$cfg")
	env PVISOR_RUNDIR="${rundirs[$k]}" "${tops[$k]}/build/bin/pvx" destroy "ab-$k-$i" \
		>/dev/null 2>&1
	bench_kv ns "$res" | grep -x '[0-9]*'
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
for ((i = 1; i <= boots; i++)); do
	ns=$(boot 0 "$i") && times_0+=("$ns")
	ns=$(boot 1 "$i") && times_1+=("$ns")
	sleep 0.1
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
for k in 0 1; do
	if [ "$k" = 0 ]; then t=("${times_0[@]}"); else t=("${times_1[@]}"); fi
	read -r "med[k]" min max n < <(printf '%s\n' "${t[@]}" | bench_stats)
	printf 'build=%s median_ms=%s min_ms=%s max_ms=%s boots=%s\n' "${tops[$k]}" \
		"$(bench_div "${med[$k]}" 1000000 2)" "$(bench_div "$min" 1000000 2)" \
		"$(bench_div "$max" 1000000 2)" "$n"
done
echo "ratio_b_over_a=$(bench_ratio "${med[1]}" "${med[0]}") load_before=\"$load0\" load_after=\"$load1\""
