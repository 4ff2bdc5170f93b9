#!/usr/bin/env bash
# `pvx create -c` hands pvconsoled the console ring, port and name during the build
# (before the store has them) and libpvctrl pipelines the build's requests. Here:
#  * pipelined requests with failures in the middle of a batch (tests/tools/pvctrl_batch.c);
#  * create -c shows the banner and logs to console/<name>.log; console/tty is a pty;
#  * pvconsoled killed and started again: create -c works with the new daemon, and a
#    guest whose console the old daemon was handed early is found by the new one in
#    the store (its log goes on under its name, `pvx console` answers);
#  * a create -c that fails half-way (the store fails it after the console was
#    attached) leaves no domain and pvconsoled lets its console go at once;
#  * four create -c at once each get their own console.
. "$(dirname "$0")/lib.sh"
[ -x "$BIN/pvconsoled" ] || skip "pvconsoled not built"
"$PVX" daemons start >/dev/null || fail "daemons start"

out=$("$BIN/pvctrl_batch") || fail "pipelined requests: $(grep FAIL <<<"$out")"
ok "pipelined requests: $(grep -c '^pvctrl_batch: ok' <<<"$out") checks"

# hello NAME : create -c an app=hello guest; its console output on stdout
hello() { timeout 60 "$PVX" create -c "$(mkcfg "$1" 'cmdline = "app=hello"')" </dev/null; }
banner="pvkernel 0.1: 16 MiB memory"

o=$(hello h1) || fail "create -c h1: $o"
grep -qF "$banner" <<<"$o" || fail "create -c h1 printed no banner: $o"
wait_for 10 console_has h1 "$banner" || fail "console/h1.log has no banner"
ok "create -c: banner on the terminal and in console/h1.log"

# A shell guest created with -c (its console handed over early), left running
# (Ctrl-] detaches).
(printf 'echo before-restart\n'; sleep 1; printf '\035') | timeout 60 "$PVX" create -c \
	"$(mkcfg sh 'cmdline = "app=shell"')" >"$PVISOR_RUNDIR/sh.out" || fail "create -c sh"
grep -q '^before-restart' <(tr -d '\r' <"$PVISOR_RUNDIR/sh.out") ||
	fail "sh did not answer through create -c: $(cat "$PVISOR_RUNDIR/sh.out")"
wait_for 10 console_has sh "before-restart" || fail "console/sh.log misses the session"
id=$("$PVX" domid sh) || fail "no domid for sh"
# pvconsoled writes console/tty once the store has introduced the domain
tty_of() { "$BIN/xs" read "/local/domain/$id/console/tty"; }
wait_for 10 tty_of || fail "no console/tty for sh"
tty=$(tty_of)
[ -c "$tty" ] || fail "console/tty $tty is not a device"
ok "create -c of a shell: answers, logged, console/tty $tty"

old=$(cat "$PVISOR_RUNDIR/pvconsoled.pid")
kill -9 "$old" || fail "kill pvconsoled"
wait_for 10 proc_gone "$old" || fail "pvconsoled $old did not go"
"$PVX" daemons start >/dev/null || fail "daemons start (pvconsoled again)"
[ "$(cat "$PVISOR_RUNDIR/pvconsoled.pid")" != "$old" ] || fail "pvconsoled not restarted"
o=$(hello h2) || fail "create -c h2 after the restart: $o"
grep -qF "$banner" <<<"$o" || fail "create -c h2: no banner after the restart: $o"
wait_for 10 console_has h2 "$banner" || fail "console/h2.log has no banner"
out=$( (printf 'echo after-restart\n'; sleep 1; printf '\035') | timeout 20 "$PVX" console sh)
grep -q '^after-restart' <<<"$(tr -d '\r' <<<"$out")" || fail "sh: no answer after restart: $out"
wait_for 10 console_has sh "after-restart" || fail "console/sh.log not written after restart"
ok "pvconsoled restarted: create -c works, the early-attached shell is served from the store"

# The store fails the create once the console is attached: in this private run
# directory a stand-in takes the store's socket, accepts the create's connection
# and closes it (no answer) once pvconsoled has attached fl's console. The create
# fails, destroys the domain, and pvconsoled lets the console go when its creator
# leaves (the line below), not seconds later at its safety scan.
mv "$PVISOR_RUNDIR/xenstored.sock" "$PVISOR_RUNDIR/xs.aside" || fail "move the store socket"
python3 - "$PVISOR_RUNDIR/xenstored.sock" "$PVISOR_RUNDIR/pvconsoled.log" <<'PY' &
import os, socket, sys, time
path, log = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX)
s.bind(path)
s.listen(4)
c, _ = s.accept()
end = time.time() + 60
while time.time() < end and "(fl): console attached" not in open(log).read():
    time.sleep(0.05)
c.close()
s.close()
os.unlink(path)
PY
standin=$!
wait_for 20 test -S "$PVISOR_RUNDIR/xenstored.sock" || fail "the stand-in did not listen"
o=$(hello fl 2>&1) && fail "create -c fl succeeded without a store: $o"
wait "$standin"
mv "$PVISOR_RUNDIR/xs.aside" "$PVISOR_RUNDIR/xenstored.sock" || fail "store socket back"
"$PVX" list fl >/dev/null 2>&1 && fail "fl left behind: $("$PVX" list)"
grep -q "(fl): console attached" "$PVISOR_RUNDIR/pvconsoled.log" ||
	fail "fl's console was not attached early: $o"
gone_log() { grep -q "before the introduction and the domain is gone" "$PVISOR_RUNDIR/pvconsoled.log"; }
wait_for 30 gone_log || fail "pvconsoled did not let the failed fl's console go"
o=$(hello fl) || fail "create -c fl with the store back: $o"
grep -qF "$banner" <<<"$o" || fail "create -c fl: no banner: $o"
ok "failed create -c: no domain left, console let go at once; the next one works"

pids=()
for i in 1 2 3 4; do
	hello "par$i" >"$PVISOR_RUNDIR/par$i.out" 2>&1 &
	pids+=($!)
done
for i in 1 2 3 4; do
	wait "${pids[$((i - 1))]}" || fail "create -c par$i: $(cat "$PVISOR_RUNDIR/par$i.out")"
	grep -qF "$banner" "$PVISOR_RUNDIR/par$i.out" || fail "par$i: no banner"
	wait_for 10 console_has "par$i" "$banner" || fail "console/par$i.log has no banner"
done
ok "four create -c at once, each with its own console and log"
"$PVX" destroy sh || fail "destroy sh"
echo "PASS"
