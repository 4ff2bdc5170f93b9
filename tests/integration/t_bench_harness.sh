#!/usr/bin/env bash
# The benchmark harness works (it measures nothing here): bench_seccomp_rt prints its
# machine-readable lines, bench_firstline finds / times out / stops, bench_pss counts a
# shared address space once, and `make bench`'s sections, driven against the stub pvx
# without UML, produce complete tables and leave no process behind.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$top/build/bin
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

for b in bench_seccomp_rt bench_firstline bench_pss; do
	[ -x "$bin/$b" ] || { echo "skip: build/bin/$b not built (run make)"; exit 77; }
done
tmp=$(mktemp -d /tmp/t_bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

check_seccomp_rt() {
	local out line
	out=$("$bin/bench_seccomp_rt" -n 2000) || { fail "bench_seccomp_rt exited $?"; return; }
	echo "$out"
	for pat in '^seccomp_rt sync=[01] n=2000 ' '^seccomp_rt sync=0 n=2000 ' \
		'^getppid filter=0 n=2000 ' '^clock_overhead n=2000 '; do
		line=$(echo "$out" | grep -m1 -E "$pat") || { fail "no line matching '$pat'"; continue; }
		echo "$line" | grep -Eq 'median_ns=[0-9]+ p99_ns=[0-9]+ mean_ns=[0-9]+ min_ns=[0-9]+$' ||
			fail "malformed: $line"
	done
	"$bin/bench_seccomp_rt" -n 0 2>/dev/null && fail "bench_seccomp_rt accepted -n 0"
	"$bin/bench_seccomp_rt" -m bogus -n 10 2>/dev/null && fail "bench_seccomp_rt accepted mode bogus"
}

check_firstline() {
	local out
	out=$("$bin/bench_firstline" -t 10 MARK sh -c 'echo a; sleep 0.1; echo "MARK x"; exit 3')
	echo "$out"
	echo "$out" | grep -Eq '^firstline ns=[0-9]{9,} status=3$' || fail "firstline found: $out"
	out=$("$bin/bench_firstline" -t 1 MARK sh -c 'echo nothing; sleep 30')
	if [ $? != 1 ] || ! echo "$out" | grep -q '^firstline ns=none '; then
		fail "firstline timeout: $out"
	fi
	out=$("$bin/bench_firstline" -k -t 10 MARK sh -c 'echo MARK; exec sleep 31')
	echo "$out" | grep -Eq '^firstline ns=[0-9]+ status=143$' || fail "firstline -k: $out"
	"$bin/bench_firstline" -t 60 MARK sh -c 'exec sleep 32' 2>/dev/null &
	local p=$!
	sleep 0.3
	kill -TERM $p
	wait $p
	[ $? = 143 ] || fail "bench_firstline on SIGTERM did not exit 143"
	# killed children go at once, but this VM's init reaps orphans only every
	# ~2 s: look for live ones (not zombies), for up to 3 s
	local left=1
	for _ in $(seq 30); do
		ps -eo stat=,args= | awk '$1 !~ /^Z/ && / sleep 3[012]$/ { f = 1 } END { exit !f }' || { left=0; break; }
		sleep 0.1
	done
	[ $left = 0 ] || fail "bench_firstline left a process behind: $(ps -eo pid,stat,args | grep 'sleep 3[012]$')"
}

check_pss() {
	local out
	out=$("$bin/bench_pss" $$ $$)
	echo "$out"
	echo "$out" | grep -Eq '^pss_kib=[1-9][0-9]* processes=2 address_spaces=1$' ||
		fail "bench_pss did not count one address space once: $out"
	"$bin/bench_pss" 12x 2>/dev/null && fail "bench_pss accepted '12x'"
}

check_sections() {
	local res=$tmp/out/results.md after
	TMPDIR=$tmp BENCH_OUT=$tmp/out BENCH_QUICK=1 BENCH_NO_UML=1 BENCH='b_[123]*' \
		BENCH_PVX=$top/tests/bench/stub-pvx.sh BENCH_PVKERNEL=/dev/null \
		"$top/tests/bench/run.sh" || fail "run.sh exited $?"
	[ -s "$res" ] || { fail "no $res"; return; }
	[ "$(grep -c '^### ' "$res")" = 4 ] || fail "expected 3 sections and the run time in results.md"
	grep -Eq '^\| all \| [0-9]+ \|$' "$res" || fail "no run time table"
	grep -q 'stopped early' "$res" && fail "a section stopped early"
	grep -Eq '^\| median ms \| [0-9.]+ \| n/a \(skipped: BENCH_NO_UML=1\)' "$res" ||
		fail "boot table lacks the stub's pvisor time"
	grep -Eq '^\| median ns \| 4800 \| [0-9]+ \| n/a .* \| [0-9.]+ \| n/a \|$' "$res" ||
		fail "hypercall table lacks pvisor, floor or ratio"
	grep -Eq '^\| host memory \(Pss\), MiB \| [0-9.]+ \|' "$res" || fail "memory table"
	[ "$(grep -c '^Command: ' "$res")" = 3 ] || fail "every section ends with its command"
	# the stub's daemons and domains are `sleep 100000` carrying our TMPDIR (other
	# engineers' runs on the machine are not ours to count)
	after=0
	for p in $(pgrep -f '^sleep 100000$'); do
		tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "TMPDIR=$tmp" && after=$((after + 1))
	done
	[ "$after" = 0 ] || fail "stub daemons or domains left behind ($after)"
	for d in "$tmp"/pvbench.*; do [ -e "$d" ] && fail "private run directory $d left behind"; done
}

# A section that leaves a process its own clean-up cannot see: run.sh names it, kills
# it and fails (only processes of this run count: they carry our TMPDIR).
check_stray() {
	local out left=0 p
	out=$(TMPDIR=$tmp BENCH_OUT=$tmp/out2 BENCH_QUICK=1 BENCH_NO_UML=1 BENCH='b_10*' \
		BENCH_PVX=$top/tests/bench/stub-pvx.sh BENCH_PVKERNEL=/dev/null STUB_PVX_STRAY=1 \
		"$top/tests/bench/run.sh" 2>&1) && fail "run.sh passed with a process left behind"
	echo "$out" | grep -q 'bench: b_10_boot left processes behind, killed: [0-9]*(sleep)' ||
		fail "run.sh did not name the stray process: $(echo "$out" | tail -n 5)"
	for p in $(pgrep -f '^sleep 100001$'); do
		tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -q "^TMPDIR=$tmp/" && left=$((left + 1))
	done
	[ "$left" = 0 ] || fail "the stray process is still there"
}

check_seccomp_rt
check_firstline
check_pss
check_sections
check_stray
[ $fails = 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "bench harness: all checks passed"
