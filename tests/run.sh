#!/usr/bin/env bash
# Run every test pvisor has: unit (CUnit), config golden files, structure (rules the
# tree keeps, checked on the build), ABI, integration
# (real daemons, real guests), fuzz smoke. Prints one line per test and a summary.
# A test exits 0 (pass), 77 (skip, with its reason on the last line) or else (fail).
# Select with TESTS='glob ...' (matched against the test name; any of them).
# PVISOR_BUILD names the build directory (default build; make test-asan: build-asan).
# Tests of a stage run side by
# side (TEST_JOBS, default 3, for structure and integration; FUZZ_JOBS, default 2): each has
# its own run directory. A test whose file holds the line "# pvtest: serial" runs alone.
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

# A test runs in the background; its result (rc, seconds) lands in $out/NAME.rc and is
# printed by collect() as it finishes. Up to $jobs run at once (set per stage); a test
# whose file says "# pvtest: serial" runs alone, after the stage's others.
jobs=1
declare -A running=()

report() { # name rc dt
	local name=$1 rc=$2 dt=$3 log=$out/${1//\//_}.log
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1)); printf '  PASS  %-50s %6ss\n' "$name" "$dt"
	elif [ "$rc" -eq 77 ]; then
		skip=$((skip + 1)); printf '  SKIP  %-50s %s\n' "$name" "$(tail -n 1 "$log")"
	else
		fail=$((fail + 1)); failed+=("$name")
		printf '  FAIL  %-50s %6ss (rc %d, log %s)\n' "$name" "$dt" "$rc" "$log"
		tail -n 25 "$log" | sed 's/^/        | /'
	fi
}

collect() { # print every finished test
	local name f rc dt
	for name in "${!running[@]}"; do
		f=$out/${name//\//_}.rc
		[ -s "$f" ] || continue
		read -r rc dt <"$f"
		unset "running[$name]"
		report "$name" "$rc" "$dt"
	done
}

drain() { # wait until at most $1 tests run
	while [ "${#running[@]}" -gt "$1" ]; do
		wait -n 2>/dev/null || true
		collect
	done
}

run_one() { # name, command...
	local name=$1 g hit=0; shift
	for g in "${sel[@]}"; do
		# shellcheck disable=SC2053
		[[ $name == $g ]] && hit=1
	done
	[ $hit = 1 ] || return 0
	drain $((jobs - 1))
	local log=$out/${name//\//_}.log res=$out/${name//\//_}.rc
	rm -f "$res"
	(
		t0=$(date +%s.%N)
		timeout -k 5 "${TEST_TIMEOUT:-240}" "$@" >"$log" 2>&1 </dev/null
		rc=$?
		t1=$(date +%s.%N)
		printf '%d %.1f\n' "$rc" "$(echo "$t1 - $t0" | bc)" >"$res.tmp" && mv "$res.tmp" "$res"
	) &
	running[$name]=$!
	[ "$jobs" -gt 1 ] || drain 0
}

is_serial() { grep -q '^# pvtest: serial' "$1" 2>/dev/null; }

# run_stage JOBS PREFIX SUFFIX FILE... : the files' tests, parallel ones first
run_stage() {
	local n=$1 prefix=$2 suffix=$3 t; shift 3
	jobs=$n
	for t in "$@"; do
		[ -x "$t" ] && ! is_serial "$t" && run_one "$prefix$(basename "$t" "$suffix")" "$t"
	done
	drain 0
	jobs=1
	for t in "$@"; do
		[ -x "$t" ] && is_serial "$t" && run_one "$prefix$(basename "$t" "$suffix")" "$t"
	done
	drain 0
}

echo "== unit"
run_stage "${UNIT_JOBS:-2}" unit/ "" "$B"/tests/test_*
echo "== structure"
run_one structure/engine_seam tests/tools/check_seam.py
run_one structure/engine_seam_checker tests/tools/check_seam.py --self-test
echo "== config"
[ -x tests/config/run.sh ] && run_one config/golden tests/config/run.sh
echo "== structure"
run_stage "${TEST_JOBS:-3}" structure/ .sh tests/structure/t_*.sh
echo "== abi"
run_stage 2 abi/ "" "$B"/tests/abi_*
echo "== integration"
run_stage "${TEST_JOBS:-3}" integration/ .sh tests/integration/t_*.sh
echo "== fuzz (smoke)"
if ls "$B"/fuzz/* >/dev/null 2>&1; then
	jobs=${FUZZ_JOBS:-2}
	for f in "$B"/fuzz/*; do
		n=$(basename "$f"); corpus=tests/fuzz/corpus/$n
		mkdir -p "$out/fuzz-$n"
		run_one "fuzz/$n" "$f" -max_total_time="${FUZZ_SECONDS:-10}" -rss_limit_mb=1024 \
			"$out/fuzz-$n" $( [ -d "$corpus" ] && echo "$corpus")
	done
	drain 0
else
	skip=$((skip + 1)); echo "  SKIP  fuzz                                               clang not installed"
fi
echo
[ ${#failed[@]} -gt 0 ] && printf 'failed: %s\n' "${failed[*]}"
echo "tests: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
