#!/usr/bin/env bash
# The network shell commands: a guest booted with ip= and a vif runs app=shell;
# through its console, ifconfig shows the configured address and MAC, ping
# reaches a neighbour, and arp then lists the neighbour's MAC.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
[ -x "$BIN/pvconsoled" ] || skip "pvconsoled not built"
netguest a 10.76.0.1 "app=netserve ms=60000" "mac=00:16:3e:76:00:01"
netguest sh 10.76.0.2/16 "app=shell" "mac=00:16:3e:76:00:02"
wait_for 15 console_has sh "pvk>" || fail "no shell prompt: $(console sh)"
out=$( (printf 'ifconfig\n'; sleep 0.5; printf 'ping 10.76.0.1 2\n'; sleep 3; printf 'arp\n';
	sleep 0.5; printf '\035') | timeout 30 "$PVX" console sh | tr -d '\r')
echo "$out"
grep -q '^eth0: inet 10.76.0.2/16 ether 00:16:3e:76:00:02 mtu 1500' <<<"$out" || fail "ifconfig: $out"
ok "ifconfig shows the address, prefix and MAC"
grep -q '^ping: 2 sent, 2 received' <<<"$out" || fail "ping: $out"
ok "ping from the shell"
grep -Eq '^arp: 10\.76\.0\.1 +00:16:3e:76:00:01' <<<"$out" || fail "arp: $out"
ok "arp lists the neighbour"
