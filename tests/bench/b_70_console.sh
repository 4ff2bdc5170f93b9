#!/usr/bin/env bash
# Benchmark section: the console path. Throughput of a guest printing numbered
# lines flat out (app=flood) into pvconsoled with the log rate limit off, and the
# interactive round trip: a line typed into the guest shell through its pty until
# the answer comes back (guest echo + shell + printk + ring + pvconsoled both ways).
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"

secs=$(bench_iters 5 2)
n=$(bench_iters 300 50)
flood_line="" rtt_line="" why_flood="" why_rtt=""
pv_setup

# pvconsoled again, without the per-domain log rate limit or rotation.
consd_unlimited() {
	local pid
	pid=$(cat "$pv_rundir/pvconsoled.pid" 2>/dev/null) && kill "$pid" 2>/dev/null
	for _ in $(seq 50); do [ -e "$pv_rundir/pvconsoled.sock" ] || break; sleep 0.1; done
	env PVISOR_RUNDIR="$pv_rundir" setsid "$bin/pvconsoled" --log-rate 0 --log-max 0 \
		>>"$pv_rundir/pvconsoled.log" 2>&1 </dev/null &
	for _ in $(seq 50); do [ -S "$pv_rundir/pvconsoled.sock" ] && return 0; sleep 0.1; done
	return 1
}

if [ -z "$pv_why" ]; then
	consd_unlimited || why_flood="pvconsoled did not restart"
fi
if [ -z "$pv_why$why_flood" ]; then
	pv_cfg_write "$work/con-flood.cfg" con-flood "app=flood secs=$secs"
	pv_cmd create -q "$work/con-flood.cfg" >/dev/null 2>&1 || why_flood="create failed"
	log=$pv_rundir/console/con-flood.log
	if [ -z "$why_flood" ] && bench_wait_line "$log" "flood: done" $((secs + 60)); then
		lines=$(sed -n 's/^flood: done \([0-9]*\) lines.*/\1/p' "$log")
		bytes=$(stat -c %s "$log")
		flood_line="lines_per_s=$(bench_div "$lines" "$secs" 0) mib_per_s=$(bench_div "$bytes" $((secs * 1048576)) 2)"
	else
		why_flood=${why_flood:-"no 'flood: done' line"}
	fi
	pv_cmd destroy con-flood >/dev/null 2>&1
fi
if [ -z "$pv_why" ]; then
	pv_cfg_write "$work/con-sh.cfg" con-sh "app=shell"
	if pv_cmd create -q "$work/con-sh.cfg" >/dev/null 2>&1 &&
		bench_wait_line "$pv_rundir/console/con-sh.log" "shell: ready" 20; then
		tty=$(env PVISOR_RUNDIR="$pv_rundir" "$bin/xs" read \
			"/local/domain/$(pv_cmd domid con-sh)/console/tty" 2>/dev/null)
		rtt_line=$(python3 "$top/tests/bench/console_rtt.py" "$tty" "$n" 2>&1) ||
			{ why_rtt="console_rtt: $rtt_line"; rtt_line=""; }
	else
		why_rtt="shell guest did not start"
	fi
fi

echo "### Guest console"
echo
bench_table_head "" "result"
if [ -n "$pv_why$why_flood" ]; then
	bench_row "flood, log rate limit off" "n/a (${pv_why:-$why_flood})"
else
	bench_row "flood, 58-byte lines/s (log rate limit off)" "$(bench_kv lines_per_s "$flood_line")"
	bench_row "flood, MiB/s into the log" "$(bench_kv mib_per_s "$flood_line")"
fi
if [ -n "$pv_why$why_rtt" ]; then
	bench_row "typed line -> shell answer via the pty" "n/a (${pv_why:-$why_rtt})"
else
	bench_row "typed line -> shell answer via the pty, median us" "$(bench_kv median_us "$rtt_line")"
	bench_row "typed line -> shell answer via the pty, p99 us" "$(bench_kv p99_us "$rtt_line")"
fi
echo
echo "Flood: one guest, $secs s, every line a printk (one console ring write and one"
echo "EVTCHNOP_send); the default per-domain log limit (1 MiB/s) would cap it."
bench_command "app=flood secs=$secs into pvconsoled --log-rate 0 --log-max 0; tests/bench/console_rtt.py TTY $n against app=shell"
