#!/usr/bin/env bash
# `make bench`: run every tests/bench/b_*.sh section in order, each printing a Markdown
# section (title, table, the command); collect them under a machine header into
# build/bench/results.md and print it as it goes. Benchmarks assert nothing about time.
#   BENCH='glob'   select sections by name (e.g. BENCH='b_10*' or BENCH='*boot*')
#   BENCH_QUICK=1  fewer iterations, for smoke runs
#   BENCH_TIMEOUT  seconds one section may take (default 300)
#   BENCH_OUT      where results.md, logs and work files go (default build/bench)
set -u
cd "$(dirname "$0")/../.." || exit 1
top=$PWD
out=${BENCH_OUT:-$top/build/bench}
export PVISOR_TOP=$top BENCH_WORK=$out
results=$out/results.md
sel=${BENCH:-*}
mkdir -p "$out" || exit 1

bench_machine() {
	local cpu mem
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	echo "# pvisor benchmarks"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- host kernel: $(uname -r)"
	echo "- CPU: ${cpu:-unknown}, $(nproc) cores online"
	echo "- memory: $mem"
	echo "- tree: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(
		git diff --quiet HEAD 2>/dev/null || echo ' (with local changes)')"
	echo "- mode: $([ "${BENCH_QUICK:-0}" = 1 ] && echo 'quick (BENCH_QUICK=1)' || echo default)"
	echo
}

# A section that died still leaves a complete Markdown section behind.
bench_failed() { # name rc log printed-anything
	[ "$4" = 1 ] || printf '### %s\n\n' "$1"
	echo "| result |"
	echo "|---|"
	echo "| n/a: section stopped early (exit $2; $([ "$2" = 124 ] && echo 'timed out, ')log $3) |"
	echo
}

bench_section() { # script
	local name log rc tmp
	name=$(basename "$1" .sh)
	log=$out/$name.log
	tmp=$out/$name.md
	timeout -k 10 "${BENCH_TIMEOUT:-300}" "$1" 2>"$log" </dev/null | tee "$tmp"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -ne 0 ]; then
		bench_failed "$name" "$rc" "${log#"$top"/}" "$([ -s "$tmp" ] && echo 1 || echo 0)" |
			tee -a "$tmp"
	fi
	cat "$tmp" >>"$results.tmp"
}

bench_machine | tee "$results.tmp"
n=0
for s in tests/bench/b_*.sh; do
	name=$(basename "$s" .sh)
	# shellcheck disable=SC2053
	[[ $name == $sel ]] || continue
	[ -x "$s" ] || continue
	n=$((n + 1))
	bench_section "$s"
done
if [ $n -eq 0 ]; then
	echo "bench: no section matches BENCH='$sel' (sections: $(cd tests/bench && ls b_*.sh | tr '\n' ' '))" >&2
	rm -f "$results.tmp"
	exit 1
fi
mv "$results.tmp" "$results"
echo "bench: results in ${results#"$top"/}; logs in ${out#"$top"/}/*.log"
