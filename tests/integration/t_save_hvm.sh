#!/usr/bin/env bash
# Save and restore under the hvm engine (KVM): the same image format, the engine's
# own vCPU state carried beside its name. A counting hvm guest is saved and restored
# (eagerly and lazily: KVM faults on the hypervisor's mapping, one userfaultfd) and
# counts on with its memory intact; its image is refused for a pv domain. Skipped,
# saying why, where the host runs no hvm domains.
. "$(dirname "$0")/lib.sh"
export PVISOR_NET_TAP=0
"$PVX" daemons start >/dev/null || fail "daemons start"
hvm_require
IMG=$PVISOR_RUNDIR/img
last_count() { sed -n 's/^count: \([0-9][0-9]*\)$/\1/p' "$PVISOR_RUNDIR/console/$1.log" | tail -n 1; }
counted() { [ "$(last_count "$1")" -ge "$2" ] 2>/dev/null; }

"$PVX" create -q "$(mkcfg hc 'type = "hvm"' 'memory = 32' 'cmdline = "app=count ms=20 mib=4"')" ||
	fail "create"
wait_for 20 counted hc 10 || fail "hvm guest does not count"
"$PVX" save hc "$IMG" || fail "save"
saved=$(last_count hc)
"$PVX" restore "$IMG" || fail "restore"
wait_for 20 console_has hc "count: 4 MiB verified after restore 1" || fail "not resumed: $(tail -3 "$PVISOR_RUNDIR/console/hc.log")"
wait_for 10 counted hc $((saved + 10)) || fail "no counting after the restore"
grep -qx "count: $((saved + 1))" "$PVISOR_RUNDIR/console/hc.log" || fail "count did not go on from $saved"
ok "hvm guest saved at $saved, restored, counting on, memory intact"
"$PVX" restore --lazy "$IMG" name=hl || fail "restore --lazy"
wait_for 20 console_has hl "count: 4 MiB verified after restore 1" || fail "lazy hvm restore did not resume"
ok "the same image lazily restored under the hvm engine"
out=$("$PVX" restore "$IMG" name=hp type=pv 2>&1) && fail "an hvm image was restored as pv"
grep -q "hvm engine; this config makes a pv domain" <<<"$out" || fail "unclear: $out"
ok "refused for a pv domain: ${out#pvx: }"
