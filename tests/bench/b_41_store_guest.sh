#!/usr/bin/env bash
# Benchmark section: the store from inside a guest (the reference kernel's xenbus over
# its store ring, event channel both ways) beside a dom0 client of the same xsd
# (bench_xs on the Unix socket), in the same run. C xenstored cannot serve pvisor
# guests (it maps rings through Xen), so the guest column has no peer; the dom0
# comparison with C xenstored is the section above.
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"

n=$(bench_iters 20000 2000)
rounds=$(bench_iters 3 1)
declare -A g d

pv_setup
echo "### Store from a guest (xenbus over the ring) and from dom0, same xsd"
echo
if [ -n "$pv_why" ]; then
	echo "skipped: $pv_why"
	exit 0
fi
sock=$pv_rundir/xenstored.sock
for ((r = 0; r < rounds; r++)); do
	pv_cfg_write "$work/xsb.cfg" xsb "app=xstest op=bench n=$n"
	pv_cmd create -q "$work/xsb.cfg" >/dev/null 2>&1 || { echo "create failed" >&2; break; }
	bench_wait_line "$pv_rundir/console/xsb.log" "xstest: bench transaction" 120
	for op in read write transaction; do
		v=$(sed -n "s/^xstest: bench $op: .* = \([0-9]*\) ops\/s$/\1/p" "$pv_rundir/console/xsb.log")
		[ -n "$v" ] && g[$op]+="$v"$'\n'
	done
	cp "$pv_rundir/console/xsb.log" "$work/xsb-$r.log" 2>/dev/null
	pv_cmd destroy xsb >/dev/null 2>&1
	rm -f "$pv_rundir/console/xsb.log"
	for op in read write tx; do
		v=$("$bin/bench_xs" "$sock" "$op" "$n" 2>/dev/null | sed -n 's/.*per_s=\([0-9]*\).*/\1/p')
		[ -n "$v" ] && d[$op]+="$v"$'\n'
	done
done
med() { printf '%s' "${1:-}" | bench_stats | awk '{ print ($1 == "" ? "n/a" : $1) }'; }
echo "| operation | guest via xenbus (ops/s) | dom0 via libxs (ops/s) | guest / dom0 |"
echo "|---|---|---|---|"
for op in read write transaction; do
	dop=$op; [ "$op" = transaction ] && dop=tx
	a=$(med "${g[$op]:-}") b=$(med "${d[$dop]:-}")
	bench_row "$op" "$a" "$b" "$(bench_ratio "$a" "$b")"
done
echo
echo "$n operations per run (transactions: n/10, each start + read + write + commit),"
echo "median of $rounds runs; guest: \`app=xstest op=bench n=$n\`, one vCPU; neither pinned."
echo
