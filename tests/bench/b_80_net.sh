#!/usr/bin/env bash
# Benchmark section: guest -> guest networking through netback's built-in switch.
# Two guests with one vif each: app=udpsend floods app=udprecv with UDP datagrams of
# 1472 bytes (throughput) and of 64 bytes (packets per second), and app=udprtt
# times UDP echo round trips against app=netserve (median and p99). The receiver's
# figures count what arrived. Each cell is the median over rounds.
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"

rounds=$(bench_iters 3 1)
secs=$(bench_iters 5 2)
echoes=$(bench_iters 5000 500)
export PVISOR_NET_TAP=0 # the built-in switch, as root too
declare -A lines=()
pv_why=""

# net_guest NAME MAC CMDLINE: a 16 MiB guest with one vif on switch bench.
net_guest() {
	local cfg=$work/$1.cfg out
	pv_cfg_write "$cfg" "$1" "$3"
	echo "vif = [ 'bridge=bench,mac=$2' ]" >>"$cfg"
	bench_on_exit "pv_cmd destroy $1"
	out=$(pv_cmd create "$cfg" 2>&1) || { pv_why="pvx create failed: $(echo "$out" | tail -n 1)"; return 1; }
}

# flood SIZE ROUND [MODE]: one sender/receiver pair; appends the receiver's line
# under key SIZE (MODE "copy": both guests without persistent grants, key copySIZE).
flood() {
	local rx="bench-rx-$1-$2${3:-}" tx="bench-tx-$1-$2${3:-}" log line opt="" key=${3:-}$1
	[ "${3:-}" = copy ] && opt="net_persistent=0 "
	log=$pv_rundir/console/$rx.log
	net_guest "$rx" 00:16:3e:80:00:01 "ip=10.99.0.1 ${opt}app=udprecv port=9000 idle_ms=1000" || return 1
	bench_wait_line "$log" "udprecv: ready" 20 || { pv_why="receiver did not come up (see log)"; cat "$log" >&2; return 1; }
	net_guest "$tx" 00:16:3e:80:00:02 "ip=10.99.0.2 ${opt}app=udpsend dst=10.99.0.1 size=$1 ms=$((secs * 1000))" || return 1
	bench_wait_line "$log" "udprecv: [0-9]" $((secs + 30)) || { pv_why="no receiver result (see log)"; cat "$log" >&2; }
	line=$(grep -m1 '^udprecv: [0-9]' "$log")
	echo "size $1 round $2 ${3:-persistent}: $line / $(grep -m1 '^udpsend: [0-9]' "$pv_rundir/console/$tx.log")" >&2
	pv_cmd destroy "$rx" >/dev/null 2>&1
	pv_cmd destroy "$tx" >/dev/null 2>&1
	[ -n "$line" ] || return 1
	# "udprecv: P packets B bytes in U us: M Mbit/s N pps" -> key=value
	lines[$key]+=$(sed -E 's/^udprecv: ([0-9]+) packets ([0-9]+) bytes in ([0-9]+) us: ([0-9]+) Mbit\/s ([0-9]+) pps.*/pkts=\1 bytes=\2 us=\3 mbit=\4 pps=\5/' <<<"$line")$'\n'
}

# rtt ROUND: echo round trips; appends the client's line.
rtt() {
	local srv="bench-echo-$1" cli="bench-rtt-$1" log line
	log=$pv_rundir/console/$cli.log
	net_guest "$srv" 00:16:3e:80:00:03 "ip=10.99.0.3 app=netserve port=7" || return 1
	bench_wait_line "$pv_rundir/console/$srv.log" "netserve: ready" 20 || { pv_why="echo server did not come up"; return 1; }
	net_guest "$cli" 00:16:3e:80:00:04 "ip=10.99.0.4 app=udprtt dst=10.99.0.3 port=7 count=$echoes size=64" || return 1
	bench_wait_line "$log" "udprtt: " 120 || pv_why="no round-trip result (see log)"
	line=$(grep -m1 '^udprtt: [0-9]' "$log")
	echo "rtt round $1: $line" >&2
	pv_cmd destroy "$srv" >/dev/null 2>&1
	pv_cmd destroy "$cli" >/dev/null 2>&1
	[ -n "$line" ] || return 1
	lines[rtt]+=$(sed -E 's/.*median ([0-9]+) ns p99 ([0-9]+) ns.*/median=\1 p99=\2/' <<<"$line")$'\n'
}

# med KEY LINES: the median of KEY's values over the lines (empty when none).
med() {
	local l
	while read -r l; do [ -n "$l" ] && bench_kv "$1" "$l"; done <<<"$2" | bench_stats | cut -d' ' -f1
}
cell() { if [ -n "$1" ]; then echo "$1"; else echo "n/a${2:+ ($2)}"; fi; }

pv_setup
[ -z "$pv_why" ] && [ ! -x "$bin/netback" ] && pv_why="build/bin/netback not built (run make)"
for ((r = 1; r <= rounds; r++)); do
	[ -z "$pv_why" ] && flood 1472 "$r"
	[ -z "$pv_why" ] && flood 64 "$r"
	[ -z "$pv_why" ] && flood 1472 "$r" copy
	[ -z "$pv_why" ] && flood 64 "$r" copy
	[ -z "$pv_why" ] && rtt "$r"
done

m1472=$(med mbit "${lines[1472]:-}") p64=$(med pps "${lines[64]:-}")
p1472=$(med pps "${lines[1472]:-}") m64=$(med mbit "${lines[64]:-}")
rm=$(med median "${lines[rtt]:-}") r99=$(med p99 "${lines[rtt]:-}")
c1472=$(med mbit "${lines[copy1472]:-}") c64=$(med pps "${lines[copy64]:-}")
echo "### Guest -> guest network (netback, built-in switch)"
echo
bench_table_head "guest -> guest over one switch" "value" "goal"
bench_row "UDP throughput, 1472-byte datagrams (Gbit/s of payload)" "$(cell "$(bench_div "$m1472" 1000 2)" "$pv_why")" ">= 5"
bench_row "... packets/s at 1472 bytes" "$(cell "$p1472" "$pv_why")" ""
bench_row "UDP packets/s, 64-byte datagrams" "$(cell "$p64" "$pv_why")" ">= 1000000"
bench_row "... Mbit/s of payload at 64 bytes" "$(cell "$m64" "$pv_why")" ""
bench_row "grant copies (no feature-persistent, as Linux frontends): Gbit/s at 1472 bytes" "$(cell "$(bench_div "$c1472" 1000 2)" "$pv_why")" ""
bench_row "grant copies: packets/s at 64 bytes" "$(cell "$c64" "$pv_why")" ""
bench_row "UDP echo round trip, 64 bytes, median (µs)" "$(cell "$(bench_div "$rm" 1000 1)" "$pv_why")" ""
bench_row "UDP echo round trip, 64 bytes, p99 (µs)" "$(cell "$(bench_div "$r99" 1000 1)" "$pv_why")" ""
echo
echo "Two 16 MiB guests (one vCPU each) with one vif on netback's learning switch. Every"
echo "packet is copied guest -> netback's buffer -> guest: with persistent grants (the"
echo "reference kernel's default) by memcpy through pages netback mapped once; without"
echo "(net_persistent=0) by batched grant copies, one privcmd request per batch. Floods run"
echo "$secs s; the receiver counts from its first to its last datagram. Round trips: $echoes"
echo "echoes one at a time. Medians over $rounds rounds."
bench_command "$rounds rounds of: udpsend/udprecv pairs at 1472 and 64 bytes for $secs s, with and without persistent grants; udprtt count=$echoes against netserve"
