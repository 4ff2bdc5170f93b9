#!/usr/bin/env bash
# Run every test pvisor has: unit (CUnit), config golden files, structure (rules the
# tree keeps, checked on the build), ABI, integration
# (real daemons, real guests), fuzz smoke. Prints one line per test and a summary.
# A test exits 0 (pass), 77 (skip, with its reason on the last line) or else (fail).
# Select with TESTS='glob ...' (matched against the test name; any of them).
# PVISOR_BUILD names the build directory (default build; make test-asan: build-asan).
set -u
cd "$(dirname "$0")/.."
top=$PWD
export PVISOR_TOP=$top
export PVISOR_BUILD=${PVISOR_BUILD:-build}
B=$PVISOR_BUILD
export PVISOR_BINDIR=$top/$B/bin
# one log directory per run, so runs side by side do not delete each other's logs
mkdir -p "$top/$B/test-logs"
out=$(mktemp -d "$top/$B/test-logs/run.XXXXXX")
export PVISOR_TEST_LOGS=$out
find "$top/$B/test-logs" -mindepth 1 -maxdepth 1 -mmin +120 -exec rm -rf {} + 2>/dev/null
pass=0; fail=0; skip=0; failed=()
read -rd '' -a sel <<<"${TESTS:-*}" # globs (any blanks between), not expanded

run_one() { # name, command...
	local name=$1 g hit=0; shift
	for g in "${sel[@]}"; do
		# shellcheck disable=SC2053
		[[ $name == $g ]] && hit=1
	done
	[ $hit = 1 ] || return 0
	local log=$out/${name//\//_}.log t0 t1 rc
	t0=$(date +%s.%N)
	timeout -k 5 "${TEST_TIMEOUT:-240}" "$@" >"$log" 2>&1 </dev/null
	rc=$?
	t1=$(date +%s.%N)
	local dt; dt=$(printf '%.1f' "$(echo "$t1 - $t0" | bc)")
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1)); printf '  PASS  %-50s %6ss\n' "$name" "$dt"
	elif [ $rc -eq 77 ]; then
		skip=$((skip + 1)); printf '  SKIP  %-50s %s\n' "$name" "$(tail -n 1 "$log")"
	else
		fail=$((fail + 1)); failed+=("$name")
		printf '  FAIL  %-50s %6ss (rc %d, log %s)\n' "$name" "$dt" $rc "$log"
		tail -n 25 "$log" | sed 's/^/        | /'
	fi
}

echo "== unit"
for t in "$B"/tests/test_*; do
	[ -x "$t" ] && run_one "unit/$(basename "$t")" "$t"
done
echo "== structure"
run_one structure/engine_seam tests/tools/check_seam.py
run_one structure/engine_seam_checker tests/tools/check_seam.py --self-test
echo "== config"
[ -x tests/config/run.sh ] && run_one config/golden tests/config/run.sh
echo "== structure"
for t in tests/structure/t_*.sh; do
	[ -x "$t" ] && run_one "structure/$(basename "$t" .sh)" "$t"
done
echo "== abi"
for t in "$B"/tests/abi_*; do
	[ -x "$t" ] && run_one "abi/$(basename "$t")" "$t"
done
echo "== integration"
for t in tests/integration/t_*.sh; do
	[ -x "$t" ] && run_one "integration/$(basename "$t" .sh)" "$t"
done
echo "== fuzz (smoke)"
if ls "$B"/fuzz/* >/dev/null 2>&1; then
	for f in "$B"/fuzz/*; do
		n=$(basename "$f"); corpus=tests/fuzz/corpus/$n
		mkdir -p "$out/fuzz-$n"
		run_one "fuzz/$n" "$f" -max_total_time="${FUZZ_SECONDS:-10}" -rss_limit_mb=1024 \
			"$out/fuzz-$n" $( [ -d "$corpus" ] && echo "$corpus")
	done
else
	skip=$((skip + 1)); echo "  SKIP  fuzz                                               clang not installed"
fi
echo
[ ${#failed[@]} -gt 0 ] && printf 'failed: %s\n' "${failed[*]}"
echo "tests: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
