#!/usr/bin/env bash
# Quiesce, the save/restore hook of the engine seam: a 4-vCPU guest that computes and
# exchanges IPIs is stopped at consistent points again and again; each time every
# vCPU's registers are read, written back and read again; resumed, it finishes with
# exactly what an undisturbed run computes. A running vCPU's registers cannot be
# read; a paused guest quiesces and stays paused.
. "$(dirname "$0")/lib.sh"
work=60000000 rounds=5000
cfg=$(mkcfg qz "cmdline = \"app=smp rounds=$rounds work=$work\"" 'vcpus = 4' \
	'on_poweroff = "preserve"')
"$PVX" create -q "$cfg" || fail "create"
wait_for 10 console_has qz "smp: 4 vCPUs" || fail "guest did not start"
# the guest prints that line before it starts its secondary vCPUs: wait until all four
# are up (one quiesce cycle per look) before the cycles that expect them online
all_online() { [ "$("$BIN/vcpuctx" "$1" cycles=1 2>&1 | grep -c ': online rip=')" = 4 ]; }
wait_for 30 all_online "$("$PVX" domid qz)" || fail "the guest's 4 vCPUs did not come up"
# quiesce cycles until the guest is done (or 500 of them)
out=$("$BIN/vcpuctx" "$("$PVX" domid qz)" cycles=500 gap_ms=5 until_stop=1 2>&1) ||
	fail "vcpuctx: $out"
echo "$out"
grep -q '^vcpuctx: running vcpu 0: Device or resource busy$' <<<"$out" ||
	fail "a running vCPU's registers were not refused"
for v in 0 1 2 3; do
	rip=$(sed -n "s/^vcpuctx: vcpu $v: online rip=\(0x[0-9a-f]*\) .*/\1/p" <<<"$out")
	[ -n "$rip" ] || fail "vcpu $v not online in the first cycle"
	# guest RAM: 16 MiB at the physmap base
	((rip >= 0x40000000 && rip < 0x41000000)) || fail "vcpu $v stopped at rip $rip"
	t=$(sed -n "s/^vcpuctx: vcpu $v: cpu_time=\([0-9]*\)$/\1/p" <<<"$out")
	[ "${t:-0}" -gt 0 ] || fail "vcpu $v has no CPU time of its own"
done
n=$(sed -n 's/^vcpuctx: \([0-9]*\) cycles,.*/\1/p' <<<"$out")
[ "${n:-0}" -ge 10 ] || fail "only ${n:-0} quiesce cycles before the guest ended"
ok "$n quiesce cycles: every vCPU read and written back at a guest address"
wait_for 120 console_has qz "shutting down (poweroff)" || fail "guest did not finish"
log=$PVISOR_RUNDIR/console/qz.log
while read -r v want; do
	grep -q "^smp: vcpu $v: computed $want in" "$log" || fail "vcpu $v did not compute $want"
	grep -q "^smp: vcpu $v: $rounds IPIs," "$log" || fail "vcpu $v missed IPIs"
done < <(python3 "$(dirname "$0")/smp_expect.py" $work 4)
ok "resumed, the guest computed what it must and answered all $rounds IPI rounds"

"$PVX" create -q "$(mkcfg pq 'cmdline = "app=spin"' 'vcpus = 2')" || fail "create spin"
wait_for 10 console_has pq "spin: spinning" || fail "spin did not start"
"$PVX" pause pq || fail "pause"
out=$("$BIN/vcpuctx" "$("$PVX" domid pq)" cycles=3 2>&1) || fail "vcpuctx on a paused guest: $out"
[ "$(state_letters pq)" = "--p---" ] || fail "not paused after quiesce: $(state_letters pq)"
t1=$(field pq cpu_time_ns); sleep 0.3; t2=$(field pq cpu_time_ns)
[ "$t1" = "$t2" ] || fail "CPU time moved while paused: $t1 -> $t2"
"$PVX" unpause pq || fail "unpause"
sleep 0.3; t3=$(field pq cpu_time_ns)
[ "$t3" -gt "$t2" ] || fail "CPU time did not resume: $t2 -> $t3"
ok "a paused guest quiesces, stays paused, and runs on when unpaused"
