#!/usr/bin/env bash
# make test-asan: the tests that feed pvisor and its daemons bad input, run on the
# tree built with AddressSanitizer and UndefinedBehaviorSanitizer in build-asan/:
# every unit, ABI and fuzz-smoke test, and the integration tests of hostile ring
# requests (t_net_bad, t_blk_safety), bad configs and commands (t_badinput), a store
# daemon killed under running guests and malformed store messages (t_xs_guest,
# t_xs_tools), a monitor whose store dies (t_monitor_store), malformed privcmd
# messages (t_privcmd_bad), hostile descriptors (t_hostile_client), the run
# directory's traps (t_rundir_trust), the sandbox (t_domain_walls) and a live
# migration's faulty transport (t_migrate_fail: cut streams, a garbled go) and
# pvxweb's bad tokens, paths, bodies and headers (t_web_api).
# A sanitizer report anywhere -- a test's own process or a daemon it started --
# fails the run: the reports go to files under the run's log directory.
set -u
cd "$(dirname "$0")/.."
export PVISOR_BUILD=build-asan
reports=$(mktemp -d "${TMPDIR:-/tmp}/pvasan.XXXXXX")
trap 'rm -rf "$reports"' EXIT
# Leaks at exit are not bad input's doing (daemons stop on a signal): not checked.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:log_path=$reports/asan
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan
export TESTS=${TESTS:-"unit/* abi/* fuzz/* structure/* config/* integration/t_badinput
integration/t_net_bad integration/t_blk_safety integration/t_xs_guest integration/t_xs_tools
integration/t_monitor_store integration/t_privcmd_bad integration/t_hostile_client
integration/t_rundir_trust integration/t_domain_walls integration/t_migrate_fail
integration/t_web_api"}
export FUZZ_SECONDS=${FUZZ_SECONDS:-5}
t0=$SECONDS
tests/run.sh
rc=$?
# Reports, not the runtime's warnings (a guest kernel's stack switch in
# test_kernel_boot's child makes ASan warn about __asan_handle_no_return).
found=$(grep -lE "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$reports"/* 2>/dev/null)
if [ -n "$found" ]; then
	echo "sanitizer reports:"
	for f in $found; do
		echo "== $f"
		head -n 40 "$f"
	done
	rc=1
fi
echo "test-asan: $((SECONDS - t0)) s of tests"
exit $rc
