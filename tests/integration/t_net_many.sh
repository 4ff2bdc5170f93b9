#!/usr/bin/env bash
# 64 guests (8 MiB each) on one switch: each pings all 63 others (app=pingall)
# and keeps answering until the last has finished.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
N=${NET_MANY:-64}
for i in $(seq 1 "$N"); do
	netguest g$i 10.83.0.$i "app=pingall base=10.83.0.1 n=$N ms=60000 linger_ms=60000"
done
ok "$N guests created"
for i in $(seq 1 "$N"); do
	wait_for 80 console_has g$i "pingall: reached" || fail "g$i: $(console g$i | tail -5)"
	console_has g$i "pingall: reached $((N - 1)) of $((N - 1))" ||
		fail "g$i: $(grep pingall "$PVISOR_RUNDIR/console/g$i.log")"
done
netback_alive || fail "netback died"
ok "all $N guests reached each other"
