#!/usr/bin/env bash
# pvconsoled killed (SIGKILL) while guests print and wait for input, then started
# again: it finds the running guests in the store, binds their consoles again and
# their output resumes where it stopped (the ring held it meanwhile: the flooding
# guest's numbered lines have no gap; the few bytes logged but not yet consumed
# at the kill are logged again, see docs/NOTES-console.md), and the shell answers through the new
# daemon.
. "$(dirname "$0")/lib.sh"
[ -x "$BIN/pvconsoled" ] || skip "pvconsoled not built"
"$PVX" daemons start >/dev/null || fail "daemons start"
cpid() { cat "$PVISOR_RUNDIR/pvconsoled.pid"; }

"$PVX" create -q "$(mkcfg sh 'cmdline = "app=shell"')" || fail "create sh"
wait_for 10 console_has sh "pvk>" || fail "sh: no prompt"
"$PVX" create -q "$(mkcfg fl 'cmdline = "app=flood secs=5"' 'on_poweroff = "preserve"')" ||
	fail "create fl"
wait_for 10 console_has fl "flood: seq 100 " || fail "fl: not flooding"

old=$(cpid)
kill -9 "$old" || fail "kill pvconsoled"
sleep 2
grep -q 'flood: done' "$PVISOR_RUNDIR/console/fl.log" && fail "fl finished while nobody read its console?"
lines_before=$(cat "$PVISOR_RUNDIR"/console/fl.log* | grep -c 'flood: seq')
sleep 1
[ "$(cat "$PVISOR_RUNDIR"/console/fl.log* | grep -c 'flood: seq')" -eq "$lines_before" ] ||
	fail "the log grew with no pvconsoled"
ok "pvconsoled killed: output stopped at $lines_before lines, guest waits"

"$PVX" daemons start >/dev/null || fail "daemons start (restart pvconsoled)"
newpid() { [ "$(cpid)" != "$old" ]; }
wait_for 5 newpid || fail "pvconsoled pid did not change"
wait_for 30 console_has fl "flood: done" || fail "fl output did not resume"
wait_for 10 console_has fl "shutting down (poweroff)" || fail "fl: last line missing"
n=$(python3 "$TOP/tests/integration/seqcheck.py" --allow-repeat $(ls "$PVISOR_RUNDIR"/console/fl.log.1 2>/dev/null) \
	"$PVISOR_RUNDIR/console/fl.log") || fail "lines lost across the restart: $n"
ok "output resumed: $n lines, none lost"

out=$( (printf 'echo after restart\n'; sleep 1; printf '\035') | timeout 20 "$PVX" console sh)
grep -q '^after restart' <<<"$(tr -d '\r' <<<"$out")" || fail "no answer after restart: $out"
tty=$("$BIN/xs" read "/local/domain/$("$PVX" domid sh)/console/tty") || fail "no console/tty"
[ -c "$tty" ] || fail "console/tty $tty is not a device after the restart"
ok "shell answers through the new pvconsoled; tty $tty"
echo "PASS"
