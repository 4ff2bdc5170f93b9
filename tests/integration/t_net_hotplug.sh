#!/usr/bin/env bash
# Hot attach and detach: B boots without a vif (app=nethot rounds=2), pvx
# network-attach gives it one, B reaches A; pvx network-detach unplugs it (B
# goes Closed and says so) and network-list shows it gone; then the same again
# with another devid. A vif nobody drives is detached too (xl's timeout path).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
netguest a 10.81.0.1 "app=netserve ms=90000"
"$PVX" create -q "$(mkcfg b "memory = 8" 'cmdline = "ip=10.81.0.2 app=nethot peer=10.81.0.1 rounds=2"')" ||
	fail "b: create"
wait_for 10 console_has b "nethot: waiting for a vif" || fail "b: $(console b)"
"$PVX" network-attach b bridge=$SW mac=00:16:3e:0b:00:02 || fail "network-attach"
wait_for 20 console_has b "nethot: attached, peer answers" || fail "b: $(console b)"
"$PVX" network-list b | grep -Eq '^0 +0 +00:16:3e:0b:00:02 +0 +4 ' || fail "list: $("$PVX" network-list b)"
ok "hot attach: the guest got the vif and reaches A"
"$PVX" network-detach b 00:16:3e:0b:00:02 || fail "network-detach"
wait_for 10 console_has b "nethot: detached" || fail "b: $(console b)"
out=$("$PVX" network-list b) || fail "network-list b: $out"
[ "$(wc -l <<<"$out")" -eq 1 ] || fail "still listed: $out"
ok "hot detach: the guest went down, the vif is gone"
"$PVX" network-attach b bridge=$SW devid=5 || fail "network-attach again"
wait_for 20 bash -c "[ \$(grep -c 'nethot: attached, peer answers' '$PVISOR_RUNDIR/console/b.log') = 2 ]" ||
	fail "b did not come up again: $(console b)"
"$PVX" network-list b | grep -Eq '^5 +0 .* 4 ' || fail "devid 5 not connected: $("$PVX" network-list b)"
"$PVX" network-detach b 5 || fail "detach devid 5"
wait_for 10 bash -c "[ \$(grep -c 'nethot: detached' '$PVISOR_RUNDIR/console/b.log') = 2 ]" ||
	fail "b did not go down again: $(console b)"
ok "attach and detach again (devid 5)"
"$PVX" network-attach a bridge=$SW devid=7 || fail "attach to a (nobody drives it)"
"$PVX" network-detach a 7 || fail "detach an undriven vif"
[ "$("$PVX" network-list a | grep -c '^7 ')" = 0 ] || fail "devid 7 still listed"
netback_alive || fail "netback died"
ok "a vif the guest never drove detaches too"
