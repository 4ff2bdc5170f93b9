#!/usr/bin/env bash
# Benchmark section: the floor under a pvisor hypercall -- a raw seccomp
# user-notification round trip (with and without SYNC_WAKE_UP) and a plain getppid(),
# measured by build/bin/bench_seccomp_rt, free-running and pinned to one CPU.
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"

n=$(bench_iters 200000 20000)
echo "### Hypercall floor: seccomp user-notification round trip"
echo
if [ ! -x "$bin/bench_seccomp_rt" ]; then
	bench_table_head "measurement" "median ns" "p99 ns" "mean ns"
	bench_row "seccomp notification" "n/a" "n/a" "n/a: build/bin/bench_seccomp_rt not built (run make)"
	bench_command "needs make"
	exit 0
fi

floor_rows() { # placement, command prefix...
	local place=$1 line what out
	shift
	out=$("$@" "$bin/bench_seccomp_rt" -n "$n") || echo "floor: $place: bench_seccomp_rt failed" >&2
	while read -r line; do
		case $line in
		note:*) echo "$place: $line" >&2; notes+=("$place: ${line#note: }"); continue;;
		"seccomp_rt sync=1"*) what="seccomp notification, SYNC_WAKE_UP";;
		"seccomp_rt sync=0"*) what="seccomp notification, plain wake-up";;
		"getppid filter=0"*) what="getppid() (no filter)";;
		clock_overhead*) what="clock_gettime pair (included above)";;
		*) continue;;
		esac
		bench_row "$what" "$place" "$(bench_kv median_ns "$line")" \
			"$(bench_kv p99_ns "$line")" "$(bench_kv mean_ns "$line")" \
			"$(bench_kv min_ns "$line")"
	done <<<"$out"
	printf '%s\n' "$out" | sed "s/^/$place: /" >&2
}

notes=()
bench_table_head "measurement" "CPUs" "median ns" "p99 ns" "mean ns" "min ns"
floor_rows "any" env
if command -v taskset >/dev/null; then
	floor_rows "one (cpu 0)" taskset -c 0
fi
echo
for note in "${notes[@]+"${notes[@]}"}"; do echo "Note: $note"; echo; done
echo "$n timed calls per row, one clock_gettime pair per call; the supervisor answers"
echo "in an ioctl(NOTIF_RECV)/ioctl(NOTIF_SEND) loop. The trapped number is"
echo "PV_HCALL_SYSNR_BASE + 17, the one a pvisor xen_version hypercall uses."
bench_command "runs build/bin/bench_seccomp_rt -n $n, then taskset -c 0 build/bin/bench_seccomp_rt -n $n"
