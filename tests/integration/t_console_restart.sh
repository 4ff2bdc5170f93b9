#!/usr/bin/env bash
# pvconsoled killed (SIGKILL) while guests print and wait for input comes back by
# itself (pvsup, the run directory's supervisor, starts it again): it finds the
# running guests in the store, binds their consoles again and
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
newpid() { [ -n "$(cpid 2>/dev/null)" ] && [ "$(cpid)" != "$old" ] && kill -0 "$(cpid)"; }
wait_for 15 newpid || fail "pvconsoled did not come back: $(tail -3 "$PVISOR_RUNDIR/pvsup.log")"
grep -q "pvconsoled (pid $old) ended: starting it again" "$PVISOR_RUNDIR/pvsup.log" ||
	fail "pvsup did not say it restarted pvconsoled: $(cat "$PVISOR_RUNDIR/pvsup.log")"
ok "pvconsoled killed under console output: back by itself as pid $(cpid)"
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
