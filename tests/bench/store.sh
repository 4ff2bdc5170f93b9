#!/usr/bin/env bash
# Store benchmark: reads, writes, write+read pairs and transactions per second from one
# dom0 client through libxs, against xsd and against Xen's C xenstored in the same run.
# Prints a Markdown section (table with the ratio). Standalone; asserts nothing about time.
#   BENCH_QUICK=1   fewer operations
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$top/build/bin
count=$([ "${BENCH_QUICK:-0}" = 1 ] && echo 5000 || echo 50000)
runs=3
# Server and client share one CPU: a request/reply ping-pong is then a direct hand-off,
# and the numbers do not depend on what else runs on the other cores.
cpu=$(($(nproc) - 1))
pin=()
command -v taskset >/dev/null && pin=(taskset -c "$cpu")
work=$(mktemp -d /tmp/xsbench.XXXXXX)
peer=$top/tests/tools/xenstored-peer.sh
xsd_pid=
cleanup() {
	[ -n "$xsd_pid" ] && kill "$xsd_pid" 2>/dev/null && wait "$xsd_pid" 2>/dev/null
	"$peer" stop "$work/peer" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

[ -x "$bin/xsd" ] && [ -x "$bin/bench_xs" ] || { echo "store.sh: build first (make all)" >&2; exit 1; }

# median ops/s of $runs runs: SOCKET MODE
measure() {
	local i out vals=()
	for ((i = 0; i < runs; i++)); do
		out=$("${pin[@]}" "$bin/bench_xs" "$1" "$2" "$count" 2>>"$work/bench.err") ||
			{ echo "n/a"; return; }
		vals+=("$(sed -n 's/.*per_s=\([0-9]*\).*/\1/p' <<<"$out")")
	done
	printf '%s\n' "${vals[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}

ratio() {
	case "$1$2" in *[!0-9]*|'') echo "n/a"; return;; esac
	awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0 ? "%.2f" : "n/a"), a / b }'
}

PVISOR_RUNDIR=$work/xsd "${pin[@]}" "$bin/xsd" 2>"$work/xsd.log" &
xsd_pid=$!
for _ in $(seq 200); do [ -s "$work/xsd/xsd.pid" ] && break; sleep 0.02; done
ours=$work/xsd/xenstored.sock

theirs=
why=
if out=$("$peer" prepare 2>&1); then
	theirs=$("$peer" start "$work/peer" 2>&1) || { why="xenstored did not start"; theirs=; }
	[ -n "$theirs" ] && [ ${#pin[@]} -gt 0 ] &&
		taskset -cp "$cpu" "$(cat "$work/peer/xenstored.pid")" >/dev/null
else
	why=$(tail -n 1 <<<"$out")
fi

echo "### Store: one dom0 client through libxs"
echo
echo "| operation | xsd (ops/s) | C xenstored 4.17 (ops/s) | ratio xsd / xenstored |"
echo "|---|---|---|---|"
for mode in read write writeread tx; do
	a=$(measure "$ours" "$mode")
	if [ -n "$theirs" ]; then b=$(measure "$theirs" "$mode"); else b="n/a ($why)"; fi
	case $mode in
	read) label="read";;
	write) label="write";;
	writeread) label="write+read pair";;
	tx) label="transaction (start, read, write, commit)";;
	esac
	echo "| $label | $a | $b | $(ratio "$a" "$b") |"
done
echo
pinned="pinned to CPU $cpu"
[ ${#pin[@]} -eq 0 ] && pinned="not pinned (no taskset)"
echo "$count operations per run, median of $runs runs; daemon and client $pinned;"
echo "xsd with its journal on (the default); C xenstored without a hypervisor"
echo "(tests/tools/xenstored-peer.sh)."
echo
echo "Command: tests/bench/store.sh"
