#!/usr/bin/env bash
# A guest that needs its own CPU (build/guest/privguest: supervisor_mode_kernel; its
# own page tables, GDT and IDT, cli/sti, exceptions through its IDT) runs under the
# hvm engine and is killed as crashed under the pv engine, at its first privileged
# instruction. It speaks through console_io (pvx dmesg). The hvm half is skipped,
# saying why, without a usable /dev/kvm.
. "$(dirname "$0")/lib.sh"
PRIV=$TOP/build/guest/privguest
[ -f "$PRIV" ] || fail "build first (missing $PRIV)"
"$PVX" daemons start >/dev/null || fail "daemons start"

privcfg() { # NAME TYPE
	printf 'name = "%s"\ntype = "%s"\nkernel = "%s"\nmemory = 16\non_crash = "preserve"\non_poweroff = "preserve"\n' \
		"$1" "$2" "$PRIV" >"$CFGDIR/$1.cfg"
	echo "$CFGDIR/$1.cfg"
}

"$PVX" create -q "$(privcfg ppv pv)" || fail "create under pv"
wait_for 20 sh -c "'$PVX' list ppv | grep -q -- '---sc-'" || fail "pv: not crashed: $(state_letters ppv)"
dmesg_has ppv "privguest: started" || fail "pv: it did not even start: $("$PVX" dmesg | tail -n 5)"
dmesg_has ppv "privguest: ok" && fail "pv: a ring-3 guest passed its ring-0 test"
why=$(field ppv crash_reason)
[ -n "$why" ] || fail "pv: no crash reason"
ok "pv: killed as crashed at its first privileged instruction ($why)"

hvm_require
"$PVX" create -q "$(privcfg phv hvm)" || fail "create under hvm"
wait_for 60 dmesg_has phv "privguest: ok" || fail "hvm: $("$PVX" dmesg | grep privguest)"
for l in "privguest: started, cs 0x0000000000000010" "privguest: own page tables" \
	"privguest: own GDT and IDT" "privguest: cli/sti, #DE and #UD through our IDT: ok"; do
	dmesg_has phv "$l" || fail "hvm: no '$l'"
done
ok "hvm: ring 0, own page tables, GDT and IDT, cli/sti, exceptions through its IDT"
