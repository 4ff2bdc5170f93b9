#!/usr/bin/env bash
# One writer per console log (docs/NOTES-console.md): pvconsoled writes
# console/<name>.log, the hypervisor keeps console_io to its own log (pvx dmesg).
#  * A guest writing each line to its ring and to console_io (app=dualcons, as
#    Mini-OS does) shows each line once in `pvx create -c`, once in the console log
#    and once in `pvx dmesg` with the "(dN)" prefix; the kernel's early lines (the
#    banner, printed before it takes its ring) are there once too.
#  * A console=io guest's output is in `pvx dmesg` and not in the console log; one
#    that floods console_io is rate-limited there, with a note of what it lost.
#  * A console log rotation (pvconsoled --log-max) leaves the old file alone while
#    the guest goes on writing both ways.
#  * `pvx console` of a domain without a console ring points at `pvx dmesg`.
. "$(dirname "$0")/lib.sh"
[ -x "$BIN/pvconsoled" ] || skip "pvconsoled not built"
"$PVX" daemons start >/dev/null || fail "daemons start"

# count FILE TEXT : lines of FILE that contain TEXT
count() { grep -cF -- "$2" "$1"; }

# once FILE PREFIX N : "PREFIXdualcons: line I of N" once for every I, the done line
# once, and the banner once
once() {
	local f=$1 p=$2 n=$3 i c
	for ((i = 1; i <= n; i++)); do
		c=$(grep -cxF -- "${p}dualcons: line $i of $n" "$f")
		[ "$c" = 1 ] || { echo "line $i of $n: $c times in $f"; return 1; }
	done
	c=$(grep -cxF -- "${p}dualcons: done $n lines" "$f")
	[ "$c" = 1 ] || { echo "done line: $c times in $f"; return 1; }
	c=$(grep -cF -- "${p}pvkernel 0.1: 16 MiB memory" "$f")
	[ "$c" = 1 ] || { echo "banner: $c times in $f"; return 1; }
}

out=$PVISOR_RUNDIR/dual.out
timeout 60 "$PVX" create -c "$(mkcfg dual 'cmdline = "app=dualcons lines=50"' \
	'on_poweroff = "preserve"')" </dev/null | tr -d '\r' >"$out" || fail "create -c dual"
id=$("$PVX" domid dual) || fail "no domid for dual"
r=$(once "$out" "" 50) || fail "pvx create -c: $r"
ok "create -c: the banner (early, replayed into the ring) and 50 dual lines, each once"
wait_for 10 console_has dual "shutting down (poweroff)" || fail "dual: log incomplete"
r=$(once "$PVISOR_RUNDIR/console/dual.log" "" 50) || fail "console log: $r"
ok "console log: banner and each line once"
"$PVX" dmesg >"$PVISOR_RUNDIR/dmesg.out" || fail "pvx dmesg"
r=$(once "$PVISOR_RUNDIR/dmesg.out" "(d$id) " 50) || fail "pvx dmesg: $r"
[ "$(count "$PVISOR_RUNDIR/dmesg.out" "(d$id) pvkernel: shutting down")" = 0 ] ||
	fail "ring-only output in dmesg"
ok "pvx dmesg: each console_io line once, prefixed (d$id)"

# console=io: the hypervisor log, not the console
"$PVX" create -q "$(mkcfg io1 'cmdline = "app=sleep ms=100 n=2 console=io"' \
	'on_poweroff = "destroy"')" || fail "create io1"
io_id=$("$PVX" domid io1)
dm_has() { "$PVX" dmesg | grep -qF -- "$1"; }
wait_for 20 dm_has "(d$io_id) pvkernel: shutting down (poweroff)" || fail "io1: no dmesg lines"
dm_has "(d$io_id) sleep: 1: asked 100000 us" || fail "io1: sleep line not in dmesg"
! console_has io1 "sleep: 1:" || fail "io1: console_io output in the console log"
ok "console=io: output in pvx dmesg (d$io_id), not in the console log"

# A guest flooding console_io is cut off by the hypervisor's rate limit: dmesg says
# so, and keeps what others wrote before.
"$PVX" create -q "$(mkcfg fio 'cmdline = "app=flood secs=2 console=io"' \
	'on_poweroff = "destroy"')" || fail "create fio"
fio_id=$("$PVX" domid fio)
wait_for 30 dm_has "d$fio_id: " || fail "fio: no drop report in dmesg"
wait_for 30 bash -c "! '$PVX' list fio" || fail "fio did not finish"
"$PVX" dmesg >"$PVISOR_RUNDIR/dmesg.out"
grep -q "^(XEN) warning: d$fio_id: [0-9]* console_io lines* dropped" "$PVISOR_RUNDIR/dmesg.out" ||
	fail "fio: drop report: $(grep "d$fio_id" "$PVISOR_RUNDIR/dmesg.out" | tail -n 3)"
grep -qxF "(d$id) dualcons: line 1 of 50" "$PVISOR_RUNDIR/dmesg.out" ||
	fail "the flood pushed older lines out of dmesg"
n=$(grep -c "^(d$fio_id) flood: seq" "$PVISOR_RUNDIR/dmesg.out")
ok "console_io flood: $n lines kept, the rest dropped and reported; older lines kept"

# Rotation: pvconsoled again with a 4 KiB limit; the guest writes ~7 KiB both ways
# over ~3 s, so the log turns over once mid-stream.
cpid=$(cat "$PVISOR_RUNDIR/pvconsoled.pid")
kill "$cpid" || fail "stop pvconsoled"
gone() { ! kill -0 "$cpid" 2>/dev/null; }
wait_for 10 gone || fail "pvconsoled did not stop"
"$BIN/pvconsoled" --log-max 4096 >>"$PVISOR_RUNDIR/pvconsoled.log" 2>&1 &
cpid=$!
up() { [ -S "$PVISOR_RUNDIR/pvconsoled.sock" ] && [ "$(cat "$PVISOR_RUNDIR/pvconsoled.pid")" = "$cpid" ]; }
wait_for 10 up || fail "pvconsoled --log-max did not start"
"$PVX" create -q "$(mkcfg rot 'cmdline = "app=dualcons lines=200 ms=15"')" || fail "create rot"
log=$PVISOR_RUNDIR/console/rot.log
wait_for 30 test -f "$log.1" || fail "rot: the log did not rotate"
snap() { stat -c '%s %Y %i' "$log.1"; md5sum <"$log.1"; }
before=$(snap) size_at_rotation=$(stat -c %s "$log")
grep -qF "dualcons: done 200 lines" "$log.1" && fail "rot: finished before the rotation was seen"
wait_for 30 console_has rot "shutting down (poweroff)" || fail "rot: did not finish"
[ "$(stat -c %s "$log")" -gt "$size_at_rotation" ] || fail "rot: no output after the rotation"
[ "$(snap)" = "$before" ] || fail "rot: the old file changed after the rotation: $before -> $(snap)"
cat "$log.1" "$log" >"$PVISOR_RUNDIR/rot.all"
r=$(once "$PVISOR_RUNDIR/rot.all" "" 200) || fail "rot: across the two files: $r"
ok "rotation: rot.log.1 untouched after it was rotated; each line once across the files"

# A domain without a console ring (its console keys gone from the store before
# pvconsoled saw it): pvx console says where its output is.
kill "$cpid" || fail "stop pvconsoled --log-max"
wait_for 10 gone || fail "pvconsoled did not stop"
# (pvx create starts the installed daemons: give it a bin dir without pvconsoled)
nobin=$PVISOR_RUNDIR/bin-noconsoled
mkdir -p "$nobin"
for f in "$BIN"/*; do [ "$(basename "$f")" = pvconsoled ] || ln -s "$f" "$nobin/"; done
PVISOR_BINDIR=$nobin "$PVX" create -q -p "$(mkcfg noring 'cmdline = "app=spin"')" ||
	fail "create noring"
[ -S "$PVISOR_RUNDIR/pvconsoled.sock" ] && fail "pvconsoled runs: cannot test a domain without a ring"
nr=$("$PVX" domid noring)
"$BIN/xs" rm "/local/domain/$nr/console" || fail "xs rm console"
"$PVX" daemons start >/dev/null || fail "daemons start"
msg=$("$PVX" console -w 1 noring 2>&1 </dev/null) && fail "pvx console of noring succeeded: $msg"
grep -q "no console ring.*pvx dmesg" <<<"$msg" || fail "pvx console message: $msg"
"$PVX" destroy noring || fail "destroy noring"
"$PVX" destroy dual || fail "destroy dual"
ok "pvx console of a domain without a ring: '$msg'"
echo "PASS"
