#!/usr/bin/env bash
# The guest shell through its console: pvx console over a pipe and on a terminal
# (raw mode, Ctrl-] detaches, the guest keeps running, reattaching shows the
# prompt), the pty pvconsoled publishes as console/tty, the log holding the
# session, pvx create -c driving a shell to poweroff, pvx console waiting for a
# domain created after it, and pvx shutdown reaching a shell that waits for input.
. "$(dirname "$0")/lib.sh"
[ -x "$BIN/pvconsoled" ] || skip "pvconsoled not built"
XS=$BIN/xs
PTYC=$TOP/tests/tools/ptyconsole.py
"$PVX" daemons start >/dev/null || fail "daemons start"

cfg=$(mkcfg sh1 'cmdline = "app=shell"')
"$PVX" create -q "$cfg" || fail "create sh1"
wait_for 10 console_has sh1 "pvk>" || fail "no shell prompt in the log"

# A command typed in over a pipe gets its answer on stdout; Ctrl-] (0x1d) detaches.
out=$( (printf 'echo pipe answer 42\n'; sleep 1; printf '\035') | timeout 20 "$PVX" console sh1)
rc=$?
[ $rc -eq 0 ] || fail "pvx console over a pipe exited $rc"
grep -qx 'pipe answer 42' <<<"$(tr -d '\r' <<<"$out")" || fail "no answer over the pipe: $out"
ok "pipe: command answered, detached"
case $(state_letters sh1) in *r*|*b*) ;; *) fail "sh1 not running after detach: $(state_letters sh1)";; esac
ok "guest keeps running after detach"

# Reattach: a bare Enter brings the prompt back.
out=$( (printf '\n'; sleep 1; printf '\035') | timeout 20 "$PVX" console sh1)
grep -q 'pvk>' <<<"$out" || fail "no prompt on reattach: $out"
ok "reattach shows the prompt"

# On a terminal: raw mode (the Enter key sends CR), Ctrl-] detaches, exit 0.
out=$(python3 "$PTYC" run 'uptime\r' 'up ' -- "$PVX" console sh1) || fail "tty console: $out"
up=$(tr -d '\r' <<<"$out" | sed -n 's/^up \([0-9]*\)\.[0-9]* s$/\1/p')
[ -n "$up" ] && [ "$up" -lt 60 ] || fail "uptime is not this guest's: $out"
grep -q 'exit status: 0' <<<"$out" || fail "pvx console on a tty did not detach cleanly: $out"
ok "terminal: uptime answered, Ctrl-] detached"

# pvconsoled.sock with hostile clients: a silent one holds nothing up, garbage and
# unknown domains get their answer, and the daemon serves on.
python3 - "$PVISOR_RUNDIR/pvconsoled.sock" >"$PVISOR_RUNDIR/greet.out" <<'PY' &
import socket, sys, time
silent = socket.socket(socket.AF_UNIX); silent.connect(sys.argv[1])
for req in (b'bogus\n', b'attach 99999\n', b'attach 77\n', b'x' * 200):
    c = socket.socket(socket.AF_UNIX); c.connect(sys.argv[1]); c.sendall(req)
    c.settimeout(5); print(c.recv(200).decode().strip())
silent.settimeout(5); print('silent:', silent.recv(200).decode().strip())
PY
out=$( (printf 'echo while a client is silent\n'; sleep 0.5; printf '\035') | timeout 20 "$PVX" console sh1)
grep -q '^while a client is silent' <<<"$(tr -d '\r' <<<"$out")" || fail "silent client blocked the console: $out"
wait
grep -c '^err bad request' "$PVISOR_RUNDIR/greet.out" | grep -qx 3 || fail "bad requests: $(cat "$PVISOR_RUNDIR/greet.out")"
grep -q '^wait domain 77 has no console' "$PVISOR_RUNDIR/greet.out" || fail "unknown domain: $(cat "$PVISOR_RUNDIR/greet.out")"
grep -q '^silent: err no request within' "$PVISOR_RUNDIR/greet.out" || fail "silent client not timed out: $(cat "$PVISOR_RUNDIR/greet.out")"
ok "pvconsoled.sock: silent client timed out, bad requests refused, consoles served meanwhile"

# The pty pvconsoled publishes in the store.
tty=$("$XS" read "/local/domain/$("$PVX" domid sh1)/console/tty") || fail "no console/tty"
[ -c "$tty" ] || fail "console/tty $tty is not a character device"
out=$(python3 "$PTYC" tty "$tty" 'echo via the pty\r' 'via the pty') || fail "pty: $out"
ok "pty $tty: command answered"

# The log holds the whole session.
for s in 'pipe answer 42' 'echo via the pty' 'up '; do
	console_has sh1 "$s" || fail "log lacks '$s'"
done
ok "log holds the session"

# Unknown command, then pvx create -c driven over a pipe to poweroff.
cfg=$(mkcfg sh2 'cmdline = "app=shell"' 'on_poweroff = "destroy"')
out=$( (sleep 1; printf 'frobnicate\n'; printf 'poweroff\n') | timeout 30 "$PVX" create -c "$cfg" 2>&1)
rc=$?
[ $rc -eq 0 ] || fail "create -c exited $rc: $out"
grep -q 'frobnicate: unknown command' <<<"$out" || fail "no unknown-command message: $out"
grep -q 'pvkernel: shutting down (poweroff)' <<<"$out" || fail "no poweroff: $out"
grep -q 'pvkernel 0.1: 16 MiB memory' <<<"$out" || fail "create -c missed the banner: $out"
ok "create -c: whole boot shown, poweroff ends it"
# A guest that keeps to console_io (console=io): its output is the hypervisor's
# (pvx dmesg), not the console's; create -c with stdin at EOF still follows the
# domain until it stops.
cfg=$(mkcfg io1 'cmdline = "app=sleep ms=600 n=2 console=io"' 'on_poweroff = "destroy"')
out=$(timeout 30 "$PVX" create -c "$cfg" </dev/null 2>&1) || fail "create -c io1: $out"
grep -q 'sleep: 1: asked' <<<"$out" && fail "console_io output on the console: $out"
grep -q 'console=io: this kernel writes to the hypervisor log (pvx dmesg)' <<<"$out" ||
	fail "create -c io1: no pointer to pvx dmesg: $out"
"$PVX" dmesg | grep -q '^(d[0-9]*) sleep: 1: asked 600000 us' || fail "console_io output not in dmesg"
"$PVX" dmesg | grep -q '^(d[0-9]*) pvkernel: shutting down (poweroff)' ||
	fail "create -c stopped before the domain did"
ok "create -c: a console=io guest followed to the end, says where its output is: pvx dmesg"

# pvx console started before its domain exists waits for it, then attaches.
cfg=$(mkcfg late 'cmdline = "app=shell"')
( (sleep 3; printf 'help\n'; sleep 1; printf '\035') | timeout 30 "$PVX" console -w 20 late \
	>"$PVISOR_RUNDIR/late.out" 2>&1; echo "rc=$?" >>"$PVISOR_RUNDIR/late.out") &
sleep 1
"$PVX" create -q "$cfg" || fail "create late"
wait
grep -q 'rc=0' "$PVISOR_RUNDIR/late.out" || fail "pvx console -w: $(cat "$PVISOR_RUNDIR/late.out")"
grep -q '  uptime: seconds since boot' "$PVISOR_RUNDIR/late.out" ||
	fail "no help output after waiting: $(cat "$PVISOR_RUNDIR/late.out")"
ok "pvx console waited for a domain created after it started"
"$PVX" destroy late

# control/shutdown reaches a shell that sits waiting for input.
timeout 20 "$PVX" shutdown -w sh1 || fail "pvx shutdown -w sh1"
gone() { ! "$PVX" list sh1 >/dev/null 2>&1; }
wait_for 10 gone || fail "sh1 still listed 10 s after its poweroff (on_poweroff=destroy)"
console_has sh1 "control/shutdown asks for poweroff" || fail "sh1 log lacks the shutdown request"
ok "pvx shutdown: the waiting shell powers off"
echo "PASS"
