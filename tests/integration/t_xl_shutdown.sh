#!/usr/bin/env bash
# Shutting down like libxl: pvx shutdown writes control/shutdown whatever feature
# keys the guest wrote. A guest whose kernel writes no feature-* keys (ctl=nofeat)
# still powers off, closing its disk first (the backend sees Closed before the
# domain goes: on_poweroff = preserve keeps the store to look at). A guest that
# ignores the toolstack (ctl=off): -w suggests -F after the grace time, -F has the
# hypervisor stop it. -a asks every domain; reboot -a restarts them; sysrq keys
# reach the guest; destroy of domain 0 needs -f, as xl, and is refused anyway.
. "$(dirname "$0")/lib.sh"
export XENSTORED_PATH=$PVISOR_RUNDIR/xenstored.sock

truncate -s 8M "$PVISOR_RUNDIR/nf.img"
"$PVX" create -q "$(mkcfg nf 'cmdline = "app=mem mib=1 disks=1 ctl=nofeat"' \
	"disk = [ '$PVISOR_RUNDIR/nf.img,raw,xvda,rw' ]" 'on_poweroff = "preserve"')" || fail "create nf"
wait_for 20 console_has nf "mem: 1 disk(s) open" || fail "nf did not open its disk"
id=$("$PVX" domid nf)
xenstore-ls /local/domain/$id/control | grep -q "^feature-" && fail "ctl=nofeat wrote feature keys"
timeout 60 "$PVX" shutdown -w nf || fail "pvx shutdown -w nf"
[ "$(state_letters nf)" = "---s--" ] || fail "nf is '$(state_letters nf)' after shutdown -w"
wait_for 10 console_has nf "devices closed; shutting down" || fail "the guest did not close its devices: $(cat "$PVISOR_RUNDIR/console/nf.log")"
console_has nf "blkfront: xvda: closed" || fail "the guest did not close its disk"
[ "$(xenstore-read /local/domain/$id/device/vbd/51712/state)" = 6 ] || fail "frontend not Closed"
wait_for 10 sh -c "[ \"\$(xenstore-read /local/domain/0/backend/vbd/$id/51712/state)\" = 6 ]" ||
	fail "backend not Closed"
[ "$(grep -n 'blkfront: xvda: closed' "$PVISOR_RUNDIR/console/nf.log" | cut -d: -f1)" -lt \
  "$(grep -n 'shutting down (poweroff)' "$PVISOR_RUNDIR/console/nf.log" | cut -d: -f1)" ] ||
	fail "the disk closed after the shutdown"
"$PVX" destroy nf
ok "no feature-* keys: pvx shutdown still powers the guest off, its disk closed first"

"$PVX" create -q "$(mkcfg off 'cmdline = "app=mem mib=1 ctl=off"')" || fail "create off"
wait_for 20 console_has off "ctl=off" || fail "off did not start"
t0=$SECONDS
out=$(timeout 60 "$PVX" shutdown -F off 2>&1) || fail "shutdown -F off: $out"
grep -q "has not taken the poweroff request" <<<"$out" || fail "-F said: $out"
wait_for 10 sh -c "! '$PVX' list off" || fail "off still exists after -F"
echo "-F took $((SECONDS - t0)) s"
"$PVX" create -q "$(mkcfg off2 'cmdline = "app=mem mib=1 ctl=off"')" || fail "create off2"
wait_for 20 console_has off2 "ctl=off" || fail "off2 did not start"
timeout 14 "$PVX" shutdown -w off2 >"$PVISOR_RUNDIR/w.out" 2>&1
grep -q "'pvx shutdown -F off2' makes the hypervisor stop it" "$PVISOR_RUNDIR/w.out" ||
	fail "-w did not suggest -F: $(cat "$PVISOR_RUNDIR/w.out")"
"$PVX" destroy off2
ok "a guest that ignores control/shutdown: -w suggests -F after the grace time, -F stops it"

"$PVX" create -q "$(mkcfg a1 'cmdline = "app=mem mib=1"')" &&
	"$PVX" create -q "$(mkcfg a2 'cmdline = "app=mem mib=1"' 'on_reboot = "restart"')" ||
	fail "create a1 a2"
wait_for 20 console_has a2 "mem: touched" || fail "a2 did not start"
"$PVX" sysrq a1 h && "$PVX" sysrq a1 m || fail "pvx sysrq"
wait_for 10 console_has a1 "sysrq: HELP" || fail "the guest did not answer sysrq h"
wait_for 10 console_has a1 "sysrq: memory:" || fail "the guest did not answer sysrq m"
out=$("$PVX" sysrq a1 xy 2>&1) && fail "sysrq with two letters succeeded"
ok "sysrq: the guest answers h and m"
old=$("$PVX" domid a2)
timeout 60 "$PVX" reboot -a -w 2>/dev/null || fail "reboot -a -w"
wait_for 20 sh -c "'$PVX' domid a2 && [ \"\$('$PVX' domid a2)\" != $old ]" || fail "a2 did not restart"
ok "reboot -a: every domain asked, a2 restarted"
wait_for 20 console_has a1 "mem: touched" || fail "a1 not up again"
timeout 60 "$PVX" shutdown -a -w 2>/dev/null || fail "shutdown -a -w"
wait_for 20 sh -c "[ \"\$('$PVX' list | wc -l)\" = 2 ]" || fail "domains left: $("$PVX" list)"
ok "shutdown -a -w: every domain powered off"

out=$("$PVX" destroy 0 2>&1) && fail "destroy 0 succeeded"
grep -q "use -f to force" <<<"$out" || fail "destroy 0: $out"
out=$("$PVX" destroy -f Domain-0 2>&1) && fail "destroy -f Domain-0 succeeded"
grep -q "host's own user space" <<<"$out" || fail "destroy -f 0: $out"
ok "destroy: domain 0 needs -f and is refused all the same"
