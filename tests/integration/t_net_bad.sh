#!/usr/bin/env bash
# A misbehaving frontend (app=netbad): oversize and runt packets, reserved,
# out-of-range and ungranted grant refs, offsets past the page, unknown flags,
# GSO it was not offered, too many fragments -- each answered with an error --
# and finally a fragment chain without an end. netback keeps running, the
# attacker's peer keeps answering, and two other guests still reach each other.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
netguest a 10.79.0.1 "app=netserve ms=60000"
netguest bad 10.79.0.66 "app=netbad peer=10.79.0.1"
wait_for 40 console_has bad "netbad: done" || fail "netbad did not finish: $(console bad)"
console_has bad "bad requests answered with errors" || fail "errors: $(console bad)"
console_has bad "netbad: peer still answers" || fail "peer: $(console bad)"
netback_alive || fail "netback died"
grep -q "tx: grant ref out of range" "$PVISOR_RUNDIR/netback.log" || fail "netback did not log the bad refs"
grep -q "no longer served" "$PVISOR_RUNDIR/netback.log" || fail "netback did not stop the broken ring"
ok "bad requests answered with errors; netback carried on"
# the same attack from a frontend without persistent grants (the grant-copy path)
netguest bad2 10.79.0.67 "net_persistent=0 app=netbad peer=10.79.0.1"
wait_for 40 console_has bad2 "netbad: done" || fail "netbad (copies) did not finish: $(console bad2)"
console_has bad2 "bad requests answered with errors" || fail "errors (copies): $(console bad2)"
console_has bad2 "netbad: peer still answers" || fail "peer (copies): $(console bad2)"
netback_alive || fail "netback died"
ok "the same with grant copies"
netguest c 10.79.0.3 "app=ping dst=10.79.0.1 count=3 interval_ms=100"
wait_for 30 console_has c "ping: 3 sent" || fail "c: $(console c)"
console_has c "ping: 3 sent, 3 received" || fail "c lost pings: $(console c)"
netback_alive || fail "netback died"
ok "other guests still reach each other after the attack"
