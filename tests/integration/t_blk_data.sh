#!/usr/bin/env bash
# Virtual disk data path: the guest writes a seeded pattern over 256 MiB of a raw
# image in random order and random request sizes (app=blkcheck op=write), the host
# checks every sector of the file (blkpattern check); then the host writes another
# pattern and the guest reads it back and checks it (op=verify). Byte for byte both
# ways, through blkfront, blkback and io_uring; once with persistent grants (blkback
# does the I/O in mapped guest pages) on one ring, once with grants per request
# (grant copies) spread over three rings (multi-queue).
. "$(dirname "$0")/lib.sh"
PAT=$BIN/blkpattern
[ -x "$PAT" ] && [ -x "$BIN/blkback" ] || fail "build first (missing blkpattern or blkback)"
img=$PVISOR_RUNDIR/disk.img
truncate -s 300M "$img"

run_guest() { # name op seed persistent queues
	local log=$PVISOR_RUNDIR/console/$1.log
	"$PVX" create -q "$(mkcfg "$1" "cmdline = \"app=blkcheck op=$2 seed=$3 mib=256 persistent=$4 queues=$5\"" \
		'memory = 32' "disk = [ '$img,raw,xvda,rw' ]")" || fail "create $1"
	wait_for 240 console_has "$1" "blkcheck: PASS" ||
		fail "$1: $(grep -E 'blkcheck|blkfront' "$log" | tail -n 5; tail -n 5 "$PVISOR_RUNDIR/blkback.log")"
	wait_for 20 bash -c "! '$PVX' list $1 >/dev/null 2>&1" || fail "$1 did not power off"
	grep -E 'blkcheck: PASS|blkfront: xvda' "$log"
}

for p in 1 0; do
	how=$([ $p = 1 ] && echo "persistent grants, one queue" || echo "grant copies, 3 queues")
	nq=$([ $p = 1 ] && echo 1 || echo 3)
	run_guest gw$p write $((7 + p)) $p $nq
	grep -q "persistent pages, $nq queue" "$PVISOR_RUNDIR/console/gw$p.log" || fail "not $how"
	out=$("$PAT" check "$img" $((7 + p)) 256) || fail "host check of the guest's data: $out"
	ok "guest wrote 256 MiB ($how), host reads it back byte for byte ($out)"

	"$PAT" write "$img" $((9 + p)) 256 >/dev/null || fail "host write"
	run_guest gr$p verify $((9 + p)) $p $nq
	ok "host wrote 256 MiB, guest reads it back byte for byte ($how)"
done
grep -q 'errors' "$PVISOR_RUNDIR/blkback.log" && grep 'errors' "$PVISOR_RUNDIR/blkback.log"
true
