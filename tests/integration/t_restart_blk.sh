#!/usr/bin/env bash
# blkback killed (kill -9) under a guest's write-and-verify load comes back by
# itself (pvsup), finds the disk in the store and serves the running guest again:
# the guest's blkfront sees the backend start over, sets its rings up again and
# issues the requests the dead backend had not answered once more. No round of the
# guest's load fails (each verifies what it wrote, acknowledged before and after
# the kill), the guest does not hang, and the image holds the last round's data.
. "$(dirname "$0")/lib.sh"
"$PVX" daemons start >/dev/null || fail "daemons start"
img=$PVISOR_RUNDIR/churn.img
truncate -s 16M "$img"
"$PVX" create -q "$(mkcfg churner 'cmdline = "app=blkcheck op=churn mib=8 rounds=30 seed=500"' \
	'memory = 32' "disk = [ '$img,raw,xvda,rw' ]")" || fail "create"
wait_for 30 console_has churner "blkcheck: round 2 ok" ||
	fail "no load: $(tail -5 "$PVISOR_RUNDIR/console/churner.log")"
old=$(cat "$PVISOR_RUNDIR/blkback.pid")
kill -9 "$old"
back() { p=$(cat "$PVISOR_RUNDIR/blkback.pid" 2>/dev/null) && [ "$p" != "$old" ] && kill -0 "$p"; }
wait_for 15 back || fail "blkback did not come back: $(tail -3 "$PVISOR_RUNDIR/pvsup.log")"
ok "blkback killed under load; back by itself as pid $(cat "$PVISOR_RUNDIR/blkback.pid")"
wait_for 120 console_has churner "blkcheck: PASS churned" ||
	fail "the guest did not finish: $(tail -8 "$PVISOR_RUNDIR/console/churner.log")"
log=$PVISOR_RUNDIR/console/churner.log
grep -q "blkcheck: FAIL" "$log" && fail "a round failed: $(grep FAIL "$log")"
grep -q "blkfront: xvda: reconnected; [0-9]* requests issued again" "$log" ||
	fail "the guest did not reconnect: $(grep blkfront "$log")"
line=$(grep "blkcheck: PASS churned" "$log")
seed=$(sed -n 's/.*last seed \([0-9]*\),.*/\1/p' <<<"$line")
ok "$line; $(grep -o 'reconnected; [0-9]* requests issued again' "$log" | head -1)"
wait_for 10 bash -c "! '$PVX' list churner" || fail "the guest did not power off"
out=$("$BIN/blkpattern" check "$img" "$seed" 8) || fail "the image does not hold the last round: $out"
ok "the image holds the last round's data (seed $seed): $out"
