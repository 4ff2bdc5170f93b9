#!/usr/bin/env bash
# The way out: with root, each vif is a TAP device on a Linux bridge named by
# bridge=. The guest pings the host's address on the bridge, the host pings the
# guest, and the TAP shows up on the bridge.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root for TAP devices and a Linux bridge"
[ -w /dev/net/tun ] || skip "no /dev/net/tun on this host"
command -v ip >/dev/null || skip "no ip command (iproute2)"
export PVISOR_NET_TAP=1
. "$(dirname "$0")/net_lib.sh"
BR=pvbr$(( $$ % 10000 ))
ip link add "$BR" type bridge 2>/dev/null || skip "cannot make a Linux bridge here"
trap 'ip link del "$BR" 2>/dev/null; cleanup' EXIT
ip addr add 10.84.0.254/24 dev "$BR" && ip link set "$BR" up || fail "bridge address"
SW=$BR netguest g 10.84.0.1 "app=pingall base=10.84.0.254 n=1 ms=20000 linger_ms=15000" \
	"vifname=pvt$(( $$ % 10000 ))"
wait_for 30 console_has g "pingall: reached" || fail "g: $(console g)"
console_has g "pingall: reached 1 of 1" || fail "the guest cannot reach the host: $(console g)"
ok "guest -> host ping over bridge $BR"
if command -v ping >/dev/null; then ping -c 3 -W 1 10.84.0.1; else python3 "$TOP/tests/tools/icmp_ping.py" 10.84.0.1 3; fi ||
	fail "the host cannot reach the guest"
ok "host -> guest ping"
bridge link show 2>/dev/null | grep -q "pvt$(( $$ % 10000 )).*master $BR" ||
	ip link show master "$BR" | grep -q "pvt" || fail "TAP not on the bridge"
ok "the vif's TAP is a port of $BR"
