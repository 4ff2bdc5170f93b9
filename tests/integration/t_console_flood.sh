#!/usr/bin/env bash
# Console flow control: a guest printing sequence-numbered lines flat out for 10 s
# loses none of them (the log, rotated once on the way, holds every line in
# order), another guest's shell answers all along, and pvconsoled's memory stays
# flat.
. "$(dirname "$0")/lib.sh"
[ -x "$BIN/pvconsoled" ] || skip "pvconsoled not built"
"$PVX" daemons start >/dev/null || fail "daemons start"
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$(cat "$PVISOR_RUNDIR/pvconsoled.pid")/status"; }

"$PVX" create -q "$(mkcfg other 'cmdline = "app=shell"')" || fail "create other"
wait_for 10 console_has other "pvk>" || fail "other: no prompt"
"$PVX" create -q "$(mkcfg flood 'cmdline = "app=flood secs=10"' 'on_poweroff = "preserve"')" ||
	fail "create flood"
wait_for 10 console_has flood "flood: seq 1000 " || fail "flood: not flooding"
rss0=$(rss)

# The other guest answers while the flood runs: each answer is waited for in its
# console log (a loaded host may take longer than any guessed pause).
answered() { tr -d '\r' <"$PVISOR_RUNDIR/console/other.log" | grep -q "^ping $1\$"; }
for i in 1 2 3 4 5 6; do
	printf 'echo ping %s\n\035' "$i" | timeout 20 "$PVX" console other >/dev/null
	wait_for 20 answered "$i" || fail "other guest did not answer ping $i: $(tail -3 "$PVISOR_RUNDIR/console/other.log")"
done
ok "other guest answered 6 pings during the flood"
wait_for 30 console_has flood "flood: done" || fail "flood did not finish"
wait_for 10 console_has flood "shutting down (poweroff)" || fail "flood: last line missing"
rss1=$(rss)

logs=$PVISOR_RUNDIR/console/flood.log
[ -f "$logs.1" ] && logs="$logs.1 $logs"
n=$(python3 "$TOP/tests/integration/seqcheck.py" $logs) || fail "lines lost: $n"
ok "$n lines, none lost or repeated (files: $logs)"
[ "$n" -gt 10000 ] || fail "only $n lines in 10 s: the flood did not flood"
[ $((rss1 - rss0)) -lt 2048 ] || fail "pvconsoled RSS grew from $rss0 to $rss1 KiB"
ok "pvconsoled RSS $rss0 -> $rss1 KiB"
grep -q 'rate\|budget' "$PVISOR_RUNDIR/pvconsoled.log" || true
echo "PASS"
