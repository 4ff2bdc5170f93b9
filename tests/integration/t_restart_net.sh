#!/usr/bin/env bash
# netback killed (kill -9) under a ping stream comes back by itself (pvsup), finds
# both vifs in the store, and the two running guests' netfronts reconnect (the
# backend offers each vif again; the frontend sets its rings up anew on the same
# pages): the stream goes on, at most a few pings are lost.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
"$PVX" daemons start >/dev/null || fail "daemons start"
netguest srv 10.78.0.1/24 "app=netserve ms=60000"
netguest cli 10.78.0.2 "app=ping dst=10.78.0.1 count=60 interval_ms=100"
wait_for 30 console_has cli "seq=10 " || fail "no ping stream: $(console cli)"
old=$(cat "$PVISOR_RUNDIR/netback.pid")
kill -9 "$old"
back() { p=$(cat "$PVISOR_RUNDIR/netback.pid" 2>/dev/null) && [ "$p" != "$old" ] && netback_alive; }
wait_for 15 back || fail "netback did not come back: $(tail -3 "$PVISOR_RUNDIR/pvsup.log")"
ok "netback killed under a ping stream; back by itself as pid $(cat "$PVISOR_RUNDIR/netback.pid")"
wait_for 90 console_has cli "ping: 60 sent" || fail "the stream stopped: $(console cli | tail -5)"
for g in srv cli; do
	console_has "$g" "netfront: device/vif/0: reconnected" || fail "$g did not reconnect: $(console $g | grep netfront)"
done
got=$(sed -n 's/^ping: 60 sent, \([0-9]*\) received.*/\1/p' "$PVISOR_RUNDIR/console/cli.log")
[ -n "$got" ] && [ "$got" -ge 55 ] || fail "too many pings lost: $(grep 'ping: 60 sent' "$PVISOR_RUNDIR/console/cli.log")"
ok "both netfronts reconnected; $got of 60 pings answered"
