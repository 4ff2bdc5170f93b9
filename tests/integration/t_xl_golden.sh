#!/usr/bin/env bash
# Golden output of the xl verbs, text and JSON, against real guests: each case's
# stdout, stderr and exit status, with what changes from run to run (times, CPU
# figures, the host's memory and topology, uptimes; tests/tools/xl_golden.py)
# replaced, must equal tests/golden/xl/CASE.out. UPDATE_GOLDEN=1 rewrites the
# files (review the diff before committing it).
. "$(dirname "$0")/lib.sh"
export PVISOR_TOP=$TOP
GOLD=$TOP/tests/golden/xl
NORM=$TOP/tests/tools/xl_golden.py
[ "$(nproc)" -ge 2 ] || skip "the cases pin vCPUs to host CPUs 0 and 1"
failed=0

# golden CASE ARGS... : run pvx ARGS, compare with CASE.out
golden() {
	local case=$1 out err rc
	shift
	out=$("$PVX" "$@" 2>"$PVISOR_RUNDIR/stderr"); rc=$?
	{
		echo "\$ pvx $*" | sed -e "s|$PVISOR_RUNDIR|\$PVISOR_RUNDIR|g" -e "s|$TOP|\$PVISOR_TOP|g"
		printf '%s\n' "$out" | python3 "$NORM" "$case"
		[ -s "$PVISOR_RUNDIR/stderr" ] &&
			sed -e "s|$PVISOR_RUNDIR|\$PVISOR_RUNDIR|g" -e "s|$TOP|\$PVISOR_TOP|g" \
				-e 's/^/stderr: /' "$PVISOR_RUNDIR/stderr"
		echo "[exit $rc]"
	} >"$PVISOR_RUNDIR/$case.out"
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		cp "$PVISOR_RUNDIR/$case.out" "$GOLD/$case.out"
	elif ! diff -u --label "$case (expected)" --label "$case (got)" "$GOLD/$case.out" \
		"$PVISOR_RUNDIR/$case.out"; then
		failed=$((failed + 1))
	fi
}

"$PVX" create -q "$(mkcfg g1 'uuid = "5a0b8c1e-0000-4000-8000-0000000000a1"' 'vcpus = 2' \
	'maxvcpus = 3' 'cpus = [ "0", "1" ]' 'cpus_soft = "0"' 'cpu_weight = 512' \
	'cmdline = "app=mem mib=1"')" 2>/dev/null || fail "create g1"
"$PVX" create -q "$(mkcfg g2 'uuid = "5a0b8c1e-0000-4000-8000-0000000000a2"' 'cpus = "1"' \
	'cmdline = "app=mem mib=1"')" || fail "create g2"
wait_for 20 console_has g1 "vcpu 1: online" && wait_for 20 console_has g2 "mem: touched" ||
	fail "the guests did not start"
# idle: every online vCPU blocked
wait_for 20 sh -c "! '$PVX' vcpu-list g1 g2 | awk 'NR > 1 && \$5 != \"-b-\" && \$5 != \"--p\"' | grep -q ." ||
	fail "the guests did not settle: $("$PVX" vcpu-list g1 g2)"

golden help help
golden help-mem-set help mem-set
golden list list
golden list-v list -v g1 g2
golden list-zcn list -Z -c -n g2
golden list-l list -l g2
golden list-json list --json g1
golden vcpu-list vcpu-list g1 g2
golden vcpu-list-json vcpu-list --json g1
golden vcpu-pin-dry -N vcpu-pin g1 0 0-1 1
golden sched-credit sched-credit
golden sched-credit-d sched-credit -d g1
golden uptime uptime g1 g2
golden uptime-s uptime -s g2
golden uptime-json uptime --json g1
golden info info
golden info-n info -n
golden info-field info xen_version
golden info-json info --json
golden top-b top -b -i 1 g1 g2
golden top-json top -b -i 1 --json g1
golden err-mem-set mem-set g1 100
golden err-mem-max mem-max g1 8
golden err-vcpu-set vcpu-set -i g1 9
golden err-rename rename g1 g2
golden err-sysrq sysrq g1 ab
golden err-console console -t serial g1
golden err-destroy destroy 0
golden err-dryrun -N list
golden err-shutdown shutdown
golden err-sched sched-credit -s -r 100
golden config-update-dry -N config-update g2 "$TOP/tests/config/pass-minimal.cfg"
golden create-dryrun create --dryrun "$TOP/tests/config/pass-xl-honoured.cfg"
[ "${UPDATE_GOLDEN:-0}" = 1 ] && skip "golden files rewritten in $GOLD"
[ $failed -eq 0 ] || fail "$failed golden outputs differ"
ok "every golden output matches"
