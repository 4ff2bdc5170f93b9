#!/usr/bin/env bash
# Benchmark section: event-channel ping-pong latency between two guests and between
# a guest and a dom0 process, with the receiver sleeping (SCHEDOP_block / eventfd)
# or polling (masked port / the handle's ring), beside the raw trap floor (a seccomp
# user-notification round trip) measured in the same run. Rounds alternate the
# cases; each cell is the median over rounds of that round's median (or p99).
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"

n=$(bench_iters 20000 2000)
rounds=$(bench_iters 3 1)
peer=$bin/evtchn_peer
floor_lines=()
declare -A lines why

ep_cfg() { # file name
	pv_cfg_write "$1" "$2" "app=evtping"
}

# guest_pair MODE: two evtping guests joined by evtchn_peer; the connector's line.
guest_pair() {
	local mode=$1 a b log line
	log=$work/ev-gg-$mode.log
	ep_cfg "$work/ev-a.cfg" ev-a && ep_cfg "$work/ev-b.cfg" ev-b
	pv_cmd create -q "$work/ev-a.cfg" >/dev/null 2>&1 && pv_cmd create -q "$work/ev-b.cfg" >/dev/null 2>&1 ||
		{ why[gg-$mode]="create failed"; return; }
	a=$(pv_cmd domid ev-a) b=$(pv_cmd domid ev-b)
	PVISOR_RUNDIR=$pv_rundir "$peer" pair "$a" "$b" rounds="$n" mode="$mode" >&2
	bench_wait_line "$pv_rundir/console/ev-b.log" "evtping: $n round trips" 120
	line=$(grep -m1 "^evtping: $n round trips" "$pv_rundir/console/ev-b.log")
	cp "$pv_rundir/console/ev-b.log" "$log" 2>/dev/null
	pv_cmd destroy ev-a >/dev/null 2>&1
	pv_cmd destroy ev-b >/dev/null 2>&1
	rm -f "$pv_rundir"/console/ev-[ab].log
	[ -n "$line" ] && lines[gg-$mode]+="$line"$'\n' || why[gg-$mode]="no result (see $log)"
}

# guest_dom0 MODE: an evtping guest and evtchn_peer dom0; the tool's line.
guest_dom0() {
	local mode=$1 line
	ep_cfg "$work/ev-d.cfg" ev-d
	pv_cmd create -q "$work/ev-d.cfg" >/dev/null 2>&1 || { why[gd-$mode]="create failed"; return; }
	line=$(PVISOR_RUNDIR=$pv_rundir "$peer" dom0 "$(pv_cmd domid ev-d)" rounds="$n" mode="$mode" |
		grep -m1 "round trips")
	pv_cmd destroy ev-d >/dev/null 2>&1
	rm -f "$pv_rundir"/console/ev-d.log
	[ -n "$line" ] && lines[gd-$mode]+="$line"$'\n' || why[gd-$mode]="evtchn_peer failed"
}

floor_measure() {
	local out
	out=$("$bin/bench_seccomp_rt" -n "$n" -m sync) || return
	floor_lines+=("$(echo "$out" | grep -m1 '^seccomp_rt ')")
}

# stat CASE WORD: median over rounds of the number after WORD ("median", "p99").
stat() {
	printf '%s' "${lines[$1]-}" | sed -n "s/.* $2 \([0-9]*\) ns.*/\1/p" | bench_stats | cut -d' ' -f1
}

if [ ! -x "$peer" ]; then
	pv_why="evtchn_peer not built"
else
	pv_setup
fi
for ((r = 1; r <= rounds; r++)); do
	[ -z "$pv_why" ] || break
	guest_pair block
	guest_dom0 block
	floor_measure
	guest_pair poll
	guest_dom0 poll
done
fl=$(for l in "${floor_lines[@]+"${floor_lines[@]}"}"; do bench_kv median_ns "$l"; done |
	bench_stats | cut -d' ' -f1)

echo "### Event channel ping-pong"
echo
bench_table_head "" "round trip, median ns" "round trip, p99 ns" "one way (RTT/2), ns" \
	"one way / trap floor round trip"
for c in gg-block gd-block gg-poll gd-poll; do
	case $c in
	gg-block) label="guest <-> guest, receiver blocked";;
	gd-block) label="guest <-> dom0, receiver blocked";;
	gg-poll) label="guest <-> guest, receiver polling";;
	gd-poll) label="guest <-> dom0, receiver polling";;
	esac
	if [ -n "$pv_why" ] || [ -n "${why[$c]-}" ]; then
		bench_row "$label" "n/a (${pv_why:-${why[$c]}})" "" "" ""
		continue
	fi
	med=$(stat $c median) p99=$(stat $c p99)
	one=$(bench_div "$med" 2 0)
	bench_row "$label" "$med" "$p99" "$one" "$(bench_ratio "$one" "$fl")"
done
bench_row "trap floor: seccomp notification round trip" "${fl:-n/a}" "" "" ""
echo
echo "Each side waits for the other's event before sending: a round trip is two"
echo "notifications, each a trapped EVTCHNOP_send plus the wake-up of the receiver."
echo "Median of $rounds rounds of $n round trips each."
bench_command "$rounds rounds of: evtchn_peer pair A B rounds=$n mode=block|poll; evtchn_peer dom0 D rounds=$n mode=block|poll (guests: app=evtping); bench_seccomp_rt -n $n -m sync"
