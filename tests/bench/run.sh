#!/usr/bin/env bash
# `make bench`: run every tests/bench/b_*.sh section in order, each printing a Markdown
# section (title, table, the command); collect them under a machine header into
# build/bench/results.md and print it as it goes. Benchmarks assert nothing about time.
#   BENCH='glob'   select sections by name (e.g. BENCH='b_10*' or BENCH='*boot*')
#   BENCH_QUICK=1  fewer iterations, for smoke runs
#   BENCH_TIMEOUT  seconds one section may take (default 300)
#   BENCH_OUT      where results.md, logs and work files go (default build/bench)
# Each section runs with its own TMPDIR and PVISOR_RUNDIR under one private directory
# of this run, so nothing it starts can reach the default run directory (/run/pvisor)
# and everything it started can be found afterwards: whatever is still alive once a
# section has ended (its own clean-up traps should have stopped it) is reported and
# killed, and make bench fails. Interrupted (Ctrl-C, SIGTERM), run.sh stops the section
# and does the same. Other runs on the machine are never touched: only processes that
# carry this run's directory (environment, open files) and their descendants count.
set -u
cd "$(dirname "$0")/../.." || exit 1
top=$PWD
out=${BENCH_OUT:-$top/build/bench}
export PVISOR_TOP=$top BENCH_WORK=$out
results=$out/results.md
sel=${BENCH:-*}
mkdir -p "$out" || exit 1
base=$(mktemp -d "${TMPDIR:-/tmp}/pvbench.XXXXXX") || exit 1
section_pid= section_dir= leaked=0 timings=()

# reap NAME DIR: kill what the section left behind (reported) and remove its directory.
reap() {
	local p left i
	for ((i = 0; i < 50; i++)); do
		left=$(python3 tests/bench/procs.py --exclude $$ "$2")
		[ -n "$left" ] || break
		if [ $i = 0 ]; then
			leaked=1
			echo "bench: $1 left processes behind, killed:" \
				"$(for p in $left; do printf '%s(%s) ' "$p" "$(cat "/proc/$p/comm" 2>/dev/null)"; done)" |
				tee -a "$out/$1.log" >&2
		fi
		for p in $left; do kill -KILL "$p" 2>/dev/null; done
		sleep 0.1
	done
	rm -rf "$2"
}

interrupted() {
	trap '' INT TERM HUP
	echo "bench: interrupted; stopping ${section_dir:+the running section and }everything it started" >&2
	if [ -n "$section_pid" ]; then
		kill -TERM "$section_pid" 2>/dev/null
		for _ in $(seq 150); do kill -0 "$section_pid" 2>/dev/null || break; sleep 0.1; done
	fi
	[ -n "$section_dir" ] && reap "$(basename "$section_dir")" "$section_dir"
	rm -rf "$base" "$results.tmp"
	exit 130
}
trap interrupted INT TERM HUP

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
	local name log rc tmp t0 tee_pid
	name=$(basename "$1" .sh)
	log=$out/$name.log
	tmp=$out/$name.md
	section_dir=$base/$name
	mkdir -p "$section_dir/run"
	t0=$SECONDS
	rm -f "$base/out" && mkfifo "$base/out" || return 1
	tee -i "$tmp" <"$base/out" &
	tee_pid=$!
	TMPDIR=$section_dir PVISOR_RUNDIR=$section_dir/run \
		timeout -k 10 "${BENCH_TIMEOUT:-300}" "$1" 2>"$log" </dev/null >"$base/out" &
	section_pid=$!
	wait "$section_pid"
	rc=$?
	section_pid=
	wait "$tee_pid"
	if [ "$rc" -ne 0 ]; then
		bench_failed "$name" "$rc" "${log#"$top"/}" "$([ -s "$tmp" ] && echo 1 || echo 0)" |
			tee -a "$tmp"
	fi
	reap "$name" "$section_dir"
	section_dir=
	timings+=("$name $((SECONDS - t0))")
	cat "$tmp" >>"$results.tmp"
}

# The run time of each section, so BENCHMARKS.md can say what a run costs.
bench_timings() {
	local t total=0
	echo "### Run time"
	echo
	echo "| section | seconds |"
	echo "|---|---|"
	for t in "${timings[@]}"; do
		echo "| ${t% *} | ${t##* } |"
		total=$((total + ${t##* }))
	done
	echo "| all | $total |"
	echo
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
	rm -rf "$results.tmp" "$base"
	exit 1
fi
bench_timings | tee -a "$results.tmp"
rm -rf "$base"
mv "$results.tmp" "$results"
echo "bench: results in ${results#"$top"/}; logs in ${out#"$top"/}/*.log"
if [ $leaked = 1 ]; then
	echo "bench: a section left processes behind (see above): fix its clean-up" >&2
	exit 1
fi
