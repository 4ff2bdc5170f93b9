#!/usr/bin/env bash
# A 4-vCPU guest starts its secondary vCPUs (VCPUOP_initialise/up), computes on every
# vCPU, exchanges IPI round trips between vCPU 0 and each other vCPU (each answered
# in that vCPU's own upcall), takes them down (VCPUOP_down) and powers off.
. "$(dirname "$0")/lib.sh"
cfg=$(mkcfg smp 'cmdline = "app=smp rounds=500 work=2000000"' 'vcpus = 4')
out=$(timeout 60 "$PVX" create -c "$cfg" 2>&1) || fail "create -c: $out"
echo "$out" | grep '^smp:'
grep -q '^smp: 4 vCPUs$' <<<"$out" || fail "not 4 vCPUs: $out"
for v in 1 2 3; do
	grep -q "^smp: vcpu $v: computed [0-9a-f]\{16\} in" <<<"$out" || fail "vcpu $v did not compute"
	grep -q "^smp: vcpu $v: 500 IPIs, [0-9]* upcalls$" <<<"$out" || fail "vcpu $v IPIs: $out"
done
grep -q '^smp: 500 IPI rounds to 3 vCPUs in' <<<"$out" || fail "IPI rounds: $out"
grep -q '^smp: all secondary vCPUs down$' <<<"$out" || fail "vCPUs not down: $out"
grep -q 'shutting down (poweroff)' <<<"$out" || fail "no poweroff"
ok "4 vCPUs computed, 500 IPI rounds each answered, all taken down"
# the same values as a 1-vCPU computation would give: vCPU i's result only depends on i
"$PVX" create -q "$(mkcfg smp1 'cmdline = "app=smp"' 'vcpus = 1')" >/dev/null 2>&1
wait_for 10 console_has smp1 "smp: needs vcpus >= 2" || fail "1 vCPU not refused"
ok "a 1-vCPU guest is told to configure more vCPUs"
