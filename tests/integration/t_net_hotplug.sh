#!/usr/bin/env bash
# Hot attach and detach: B boots without a vif (app=nethot), pvx network-attach
# gives it one, B reaches A; pvx network-detach unplugs it (B goes Closed and
# says so), network-list shows it gone; attaching again works.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
netguest a 10.81.0.1 "app=netserve ms=60000"
"$PVX" create -q "$(mkcfg b "memory = 8" 'cmdline = "ip=10.81.0.2 app=nethot peer=10.81.0.1"')" ||
	fail "b: create"
wait_for 10 console_has b "nethot: waiting for a vif" || fail "b: $(console b)"
"$PVX" network-attach b bridge=$SW mac=00:16:3e:0b:00:02 || fail "network-attach"
wait_for 20 console_has b "nethot: attached, peer answers" || fail "b: $(console b)"
"$PVX" network-list b | grep -Eq '^0 +0 +00:16:3e:0b:00:02 +0 +4 ' || fail "list: $("$PVX" network-list b)"
ok "hot attach: the guest got the vif and reaches A"
"$PVX" network-detach b 00:16:3e:0b:00:02 || fail "network-detach"
wait_for 10 console_has b "nethot: detached" || fail "b: $(console b)"
[ "$("$PVX" network-list b | wc -l)" -eq 1 ] || fail "still listed: $("$PVX" network-list b)"
ok "hot detach: the guest went down, the vif is gone"
"$PVX" network-attach b bridge=$SW devid=5 || fail "network-attach again"
"$PVX" network-list b | grep -Eq '^5 +0 ' || fail "devid 5 not listed"
"$PVX" network-detach b 5 || fail "detach devid 5 (nobody drives it: xl's timeout path)"
netback_alive || fail "netback died"
ok "attach/detach again"
