#!/usr/bin/env bash
# Benchmark section: live migration (pvx migrate, issue 15) between two pvisor hosts
# on this machine -- the second a run directory of its own reached through
# tests/tools/host2.sh, as ssh would reach a host. A 64 MiB guest idle (app=mem
# mib=0) and dirtying 32 MiB of memory round and round at 10 and at 100 MiB/s
# (app=dirty), each migrated there and back N times: the rounds, the pages sent
# against the guest's memory, the total time and the first round's (the memory
# copied once, while the guest runs), and the downtime as the sender measures it
# (the guest's suspend to the receiver's unpause) and as the guest's own clock does
# (the kernel's "resumed ... after the suspend call" line). Beside them: the same
# transport carrying 64 MiB (host2.sh and cat).
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"

n=$(bench_iters 10 3)
host2=$top/tests/tools/host2.sh
declare -A total first down gdown rounds sent

stat() { tr ' ' '\n' <<<"$1" | grep . | bench_stats | awk '{ printf "%.1f (%.1f-%.1f)", $1, $2, $3 }'; }
# pages KEY: "median pages (x memory)"
pages() { tr ' ' '\n' <<<"$1" | grep . | bench_stats | awk '{ printf "%d (%.3f x)", $1, $1 / 16384 }'; }
stat0() { tr ' ' '\n' <<<"$1" | grep . | bench_stats | awk '{ printf "%d (%d-%d)", $1, $2, $3 }'; }
# guest_downs FILE: the guest's own downtimes (ms) from its resume lines
guest_downs() {
	sed -n 's/^pvkernel: resumed in a restored domain (\([0-9]*\) us after.*/\1/p' "$1" |
		awk '{ printf " %.1f", $1 / 1000 }'
}

# one KEY FROM_RUNDIR TO_RUNDIR: one migration of bench-KEY, its figures recorded
one() {
	local out l1 l2 pages sum
	out=$(env PVISOR_RUNDIR="$2" "$pvx" migrate -s "$host2" "bench-$1" "$3" 2>&1) ||
		{ echo "migrate $1: $out" >&2; return 1; }
	l1=$(grep '^migration: [0-9]* rounds' <<<"$out") l2=$(grep '^migration: ms per round' <<<"$out")
	printf '%s: %s\n%s: %s\n' "$1" "$l1" "$1" "$l2" >&2 # the log keeps every migration's figures
	pages=$(sed -n 's/.*pages per round: \([0-9 ]*\) (memory.*/\1/p' <<<"$l1")
	sum=$(tr ' ' '\n' <<<"$pages" | awk '{ s += $1 } END { print s }')
	rounds[$1]+=" $(wc -w <<<"$pages")"
	sent[$1]+=" $sum"
	total[$1]+=" $(sed -n 's/.*, total \([0-9.]*\) ms.*/\1/p' <<<"$l1")"
	down[$1]+=" $(sed -n 's/.*, downtime \([0-9.]*\) ms$/\1/p' <<<"$l1")"
	first[$1]+=" $(sed -n 's/.*ms per round: \([0-9.]*\).*/\1/p' <<<"$l2")"
}

case_run() {
	local k=$1 cmd=$2 i
	printf 'name = "bench-%s"\nkernel = "%s"\nmemory = 64\ncmdline = "%s"\n' \
		"$k" "$pvkernel" "$cmd" >"$work/mig-$k.cfg"
	pv_cmd create -q "$work/mig-$k.cfg" || return 1
	bench_wait_line "$pv_rundir/console/bench-$k.log" "$3" 30 || return 1
	for ((i = 1; i <= n; i++)); do
		if ((i % 2)); then one "$k" "$pv_rundir" "$h2dir"; else one "$k" "$h2dir" "$pv_rundir"; fi ||
			return 1
	done
	gdown[$k]="$(guest_downs "$pv_rundir/console/bench-$k.log")$(guest_downs "$h2dir/console/bench-$k.log")"
	pv_cmd destroy "bench-$k" 2>/dev/null
	env PVISOR_RUNDIR="$h2dir" "$pvx" destroy "bench-$k" 2>/dev/null
	return 0
}

pv_section() {
	h2dir=$pv_rundir/host2
	mkdir -p "$h2dir"
	bench_on_exit "timeout 20 env PVISOR_RUNDIR='$h2dir' '$pvx' daemons stop"
	env PVISOR_RUNDIR="$h2dir" "$pvx" daemons start >/dev/null || { pv_why="host 2 failed"; return 1; }
	case_run idle "app=mem mib=0" "mem: touched" &&
		case_run 10MiB "app=dirty mib=32 rate=10" "dirty: pass 1" &&
		case_run 100MiB "app=dirty mib=32 rate=100" "dirty: pass 1" ||
		{ pv_why="migration failed (see the log)"; return 1; }
}

# transport: 64 MiB through host2.sh into cat (median of 5, ms)
transport_ms() {
	local i t0 t1 s=""
	for ((i = 0; i < 5; i++)); do
		t0=${EPOCHREALTIME/./}
		head -c 64M /dev/zero | "$host2" "$h2dir" cat >/dev/null
		t1=${EPOCHREALTIME/./}
		s+=" $(((t1 - t0) * 1000))"
	done
	tr ' ' '\n' <<<"$s" | grep . | bench_stats | awk '{ printf "%.1f", $1 / 1e6 }'
}

pv_setup
[ -z "$pv_why" ] && pv_section
copy=$([ -z "$pv_why" ] && transport_ms)

echo "## Live migration (issue 15)"
echo
echo "A 64 MiB guest migrated between two pvisor hosts on this machine (two run directories,"
echo "the second reached through tests/tools/host2.sh as ssh would reach a host), there and"
echo "back: $n migrations per row. Median (min-max). \"memory once\" is the first round: every"
echo "page with data copied once while the guest runs; \"64 MiB carried\" is the transport"
echo "alone carrying the guest's whole memory (last table). Downtime as the sender measures"
echo "it (the guest's suspend to the receiver's unpause) and as the guest's own clock does."
echo "Goals: downtime <= 50 ms with 10 MiB/s dirtied; total <= 2 x the memory copied once."
echo
if [ -n "$pv_why" ]; then
	echo "pvisor: not measured: $pv_why"
else
	bench_table_head "guest" "rounds" "pages sent (x memory)" "total (ms)" "memory once (ms)" \
		"total / once" "total / 64 MiB carried" "downtime (ms)" "downtime, guest's clock (ms)"
	for k in idle 10MiB 100MiB; do
		t=$(stat "${total[$k]}") f=$(stat "${first[$k]}")
		bench_row "$([ $k = idle ] && echo idle || echo "dirtying $k/s")" "$(stat0 "${rounds[$k]}")" \
			"$(pages "${sent[$k]}")" "$t" "$f" "$(bench_ratio "${t%% *}" "${f%% *}")" \
			"$(bench_ratio "${t%% *}" "$copy")" "$(stat "${down[$k]}")" "$(stat "${gdown[$k]}")"
	done
fi
echo
bench_table_head "beside it, same run" "ms"
bench_row "64 MiB through the same transport (host2.sh, cat), median of 5" "${copy:-n/a}"
bench_command "pvx migrate -s tests/tools/host2.sh, $n migrations per row"
