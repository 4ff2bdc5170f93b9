#!/usr/bin/env bash
# Virtual disk safety: a read-only disk refuses the guest's write with an error the
# guest reports; a hostile frontend (app=blkcheck op=bad: bad segment counts, grant
# refs never granted, sectors out of range, bad first/last sectors, garbage
# operations, broken indirect and discard requests) gets an error for each while
# another guest keeps reading its own disk correctly and blkback keeps running; a
# flush is answered after the data is in the file (checked while the guest still
# runs); discard punches a hole (zeros in the guest and the file, blocks freed), and
# no-discard offers none; an image whose format is not the one the config names
# is refused at create with the reason (qemu-img's look at it), leaving nothing
# behind.
. "$(dirname "$0")/lib.sh"
PAT=$BIN/blkpattern
[ -x "$PAT" ] && [ -x "$BIN/blkback" ] || fail "build first (missing blkpattern or blkback)"
ro=$PVISOR_RUNDIR/ro.img good=$PVISOR_RUNDIR/good.img bad=$PVISOR_RUNDIR/bad.img
truncate -s 16M "$ro" "$bad"
truncate -s 64M "$good"
"$PAT" write "$good" 5 64 >/dev/null || fail "host write"
log() { cat "$PVISOR_RUNDIR/console/$1.log"; }

"$PVX" create -q "$(mkcfg ro 'cmdline = "app=blkcheck op=ro"' 'memory = 32' \
	"disk = [ 'format=raw, vdev=xvdb, access=ro, target=$ro' ]")" || fail "create ro"
wait_for 30 console_has ro "blkcheck: PASS" || fail "read-only: $(log ro | grep blk)"
grep -q "blkcheck: disk is read-only; write answered -5" "$PVISOR_RUNDIR/console/ro.log" ||
	fail "no read-only report: $(log ro | grep blk)"
ok "read-only disk: the guest's write is refused with an error ($(grep 'write answered' "$PVISOR_RUNDIR/console/ro.log"))"

# the victim reads its 64 MiB a few times while the attacker runs
"$PVX" create -q "$(mkcfg good 'cmdline = "app=blkcheck op=verify seed=5 mib=64"' 'memory = 32' \
	"disk = [ '$good,raw,xvda,rw' ]")" || fail "create good"
"$PVX" create -q "$(mkcfg bad 'cmdline = "app=blkcheck op=bad"' 'memory = 32' \
	"disk = [ '$bad,raw,xvda,w' ]")" || fail "create bad"
wait_for 60 console_has bad "blkcheck: PASS" || fail "hostile frontend: $(log bad | grep blk)"
grep -E 'blkcheck: (bad request|[0-9]+ of)' "$PVISOR_RUNDIR/console/bad.log"
wait_for 120 console_has good "blkcheck: PASS" || fail "victim: $(log good | grep blk)"
kill -0 "$(cat "$PVISOR_RUNDIR/blkback.pid")" || fail "blkback died"
ok "hostile requests all refused; the other guest verified its disk; blkback runs"

# flush: the data is in the file while the guest still runs
"$PVX" create -q "$(mkcfg fl 'cmdline = "app=blkcheck op=write seed=11 mib=8 hold=20000"' \
	'memory = 32' "disk = [ '$bad,raw,xvda,rw' ]")" || fail "create fl"
wait_for 30 console_has fl "blkcheck: PASS wrote 8 MiB and flushed" || fail "flush: $(log fl | grep blk)"
"$PVX" list fl >/dev/null || fail "the guest should still run"
out=$("$PAT" check "$bad" 11 8) || fail "after the flush the file lacks the data: $out"
"$PVX" destroy fl
ok "flushed data is in the file while the guest runs ($out)"

# discard punches holes: the guest reads zeros and the file gives the blocks back
"$PAT" write "$bad" 4 8 >/dev/null || fail "host write"
before=$(stat -c %b "$bad")
"$PVX" create -q "$(mkcfg dis 'cmdline = "app=blkcheck op=discard mib=4"' 'memory = 32' \
	"disk = [ '$bad,raw,xvda,rw' ]")" || fail "create dis"
wait_for 30 console_has dis "blkcheck: PASS discarded 4 MiB" || fail "discard: $(log dis | grep blk)"
after=$(stat -c %b "$bad")
cmp -n $((4 << 20)) "$bad" /dev/zero || fail "the discarded range is not zeros in the file"
[ "$after" -lt "$before" ] || fail "discard freed no blocks ($before -> $after)"
out=$(dd if="$bad" bs=1M skip=4 count=4 2>/dev/null | cmp - <(dd if=/dev/zero bs=1M count=4 2>/dev/null) 2>&1) &&
	fail "discard went past its range"
ok "discard: zeros in the guest and in the file, blocks $before -> $after (512-byte units)"

# no-discard (backend key discard-enable 0): the frontend is offered no discard
"$PVX" create -q "$(mkcfg nd 'cmdline = "app=cmds cmd1=lsblk"' \
	"disk = [ '$bad,raw,xvda,w,no-discard' ]")" || fail "create nd"
wait_for 30 console_has nd "cmds: done" || fail "nd: $(log nd)"
grep -q 'blkfront: xvda: .*flush, 256 segments' "$PVISOR_RUNDIR/console/nd.log" ||
	fail "no-discard still offers discard: $(grep 'blkfront: xvda' "$PVISOR_RUNDIR/console/nd.log")"
ok "no-discard: $(grep -o 'blkfront: xvda: .*' "$PVISOR_RUNDIR/console/nd.log")"

qemu-img create -q -f qcow2 "$PVISOR_RUNDIR/q.img" 16M || fail "qemu-img create"
out=$("$PVX" create -q "$(mkcfg q 'cmdline = "app=hello"' \
	"disk = [ 'format=vmdk, vdev=xvda, target=$PVISOR_RUNDIR/q.img' ]")" 2>&1) &&
	fail "a qcow2 image was served as vmdk"
grep -q "disk xvda: .*q.img is a qcow2 image, not vmdk" <<<"$out" || fail "unclear refusal: $out"
"$PVX" list q >/dev/null 2>&1 && fail "the domain of a refused disk is left behind"
[ -z "$(ls "$PVISOR_RUNDIR/nbd" 2>/dev/null)" ] || fail "files left in nbd/: $(ls "$PVISOR_RUNDIR/nbd")"
ok "an image whose format is not the one the config names is refused: $out"
