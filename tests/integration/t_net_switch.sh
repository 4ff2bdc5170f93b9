#!/usr/bin/env bash
# Two guests on one built-in switch: B pings A (ARP request and reply, then ICMP
# echo), B's ARP cache holds A's configured MAC, network-list shows both vifs
# connected with xl's columns, and netback counted the traffic.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
MAC_A=00:16:3e:0a:00:01
netguest a 10.77.0.1/24 "app=netserve ms=30000" "mac=$MAC_A"
netguest b 10.77.0.2 "app=ping dst=10.77.0.1 count=3 interval_ms=100"
wait_for 30 console_has b "ping: 3 sent" || fail "b did not finish: $(console b)"
console_has b "ping: 3 sent, 3 received" || fail "pings lost: $(console b)"
ok "two guests on switch $SW ping each other"
grep -Eq "^arp: 10\.77\.0\.1 +$MAC_A" "$PVISOR_RUNDIR/console/b.log" ||
	fail "b's ARP cache lacks 10.77.0.1 at $MAC_A: $(console b)"
ok "ARP learnt A's address and MAC"
out=$("$PVX" network-list a) || fail "network-list: $out"
echo "$out"
head -1 <<<"$out" | grep -q '^Idx BE Mac Addr\. *handle state evt-ch *tx-/rx-ring-ref BE-path' ||
	fail "network-list header: $out"
grep -Eq "^0 +0 +$MAC_A +0 +4 +[0-9]+ +[0-9]+/[0-9]+ +/local/domain/0/backend/vif/[0-9]+/0" <<<"$out" ||
	fail "network-list row: $out"
ok "network-list shows the vif connected"
st=$(socat - UNIX-CONNECT:"$PVISOR_RUNDIR/netback.sock" 2>/dev/null ||
     python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print(s.makefile().read(), end="")' "$PVISOR_RUNDIR/netback.sock")
echo "$st"
grep -Eq "vif/[0-9]+/0 state 4 $SW - tx [1-9][0-9]* pkts" <<<"$st" || fail "netback status: $st"
ok "netback counted the traffic"
# multi-queue: C asks for 2 queues; its frames go out on both tx rings. C also
# does without persistent grants (as a Linux frontend): every packet to and from
# it is a grant copy.
netguest c 10.77.0.3 "net_queues=2 net_persistent=0 app=ping dst=10.77.0.1 count=20 interval_ms=10"
wait_for 30 console_has c "ping: 20 sent" || fail "c did not finish: $(console c)"
console_has c "ping: 20 sent, 20 received" || fail "c lost pings: $(console c)"
console_has c "up, 2 queue(s)" || fail "c did not get 2 queues: $(console c)"
grep -Eq "vif/[0-9]+/0: connected: .* 2 queue\(s\)" "$PVISOR_RUNDIR/netback.log" ||
	fail "netback did not connect 2 queues: $(cat "$PVISOR_RUNDIR/netback.log")"
grep -Eq "vif/[0-9]+/0: connected: .* 2 queue\(s\)$" "$PVISOR_RUNDIR/netback.log" ||
	fail "c's vif should use grant copies: $(cat "$PVISOR_RUNDIR/netback.log")"
grep -Eq "vif/[0-9]+/0: connected: .*, persistent grants$" "$PVISOR_RUNDIR/netback.log" ||
	fail "a's vif should use persistent grants"
ok "a frontend with 2 queues (multi-queue-num-queues) and grant copies works"
