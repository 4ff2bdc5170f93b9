#!/usr/bin/env bash
# Disk hot-plug on a running guest: pvx block-attach adds a disk the guest brings up
# and checks against the host's pattern (app=blkhot), block-list shows it connected
# in xl's columns, block-detach unplugs it (the guest closes, the backend reaches
# Closed, the directories go), twice; then destroy removes a disk attached at create
# from the store and from blkback.
. "$(dirname "$0")/lib.sh"
PAT=$BIN/blkpattern
[ -x "$PAT" ] && [ -x "$BIN/blkback" ] || fail "build first (missing blkpattern or blkback)"
img=$PVISOR_RUNDIR/hot.img
truncate -s 8M "$img"
"$PAT" write "$img" 3 4 >/dev/null || fail "host write"
log=$PVISOR_RUNDIR/console/hot.log
"$PVX" create -q "$(mkcfg hot 'cmdline = "app=blkhot seed=3 mib=4 rounds=2"' 'memory = 32')" ||
	fail "create"
wait_for 20 console_has hot "blkhot: waiting for disks" || fail "guest: $(cat "$log")"
for round in 1 2; do
	# round 2 names the image relative to the current directory
	spec=$([ $round = 1 ] && echo "$img,raw,xvdb,rw" || echo "format=raw,vdev=xvdb,target=hot.img")
	(cd "$PVISOR_RUNDIR" && "$PVX" block-attach hot "$spec") || fail "block-attach round $round"
	wait_for 30 bash -c "[ \$(grep -c 'blkhot: xvdb attached, 16384 sectors, 4 MiB verified' '$log') -ge $round ]" ||
		fail "round $round: the guest did not bring up xvdb: $(grep blk "$log")"
	out=$("$PVX" block-list hot)
	echo "$out"
	head -n1 <<<"$out" | grep -q '^Vdev  BE  handle state evt-ch ring-ref BE-path' || fail "block-list header"
	dom=$("$PVX" domid hot)
	grep -Eq "^51728 +0 +$dom +4 +[0-9]+ +[0-9]+ +/local/domain/0/backend/vbd/$dom/51728" <<<"$out" ||
		fail "block-list row: $out"
	"$PVX" block-detach hot xvdb || fail "block-detach round $round"
	wait_for 10 bash -c "[ \$(grep -c 'blkhot: xvdb detached' '$log') -ge $round ]" ||
		fail "round $round: guest did not close: $(grep blk "$log")"
	# (after the last detach the guest may power off and go: no row either way)
	wait_for 10 bash -c "! '$PVX' block-list hot 2>/dev/null | grep -q '^51728 '" ||
		fail "disk still listed after detach"
	ok "round $round: attached, verified by the guest, listed, detached"
done
wait_for 20 console_has hot "blkhot: done after 2 detaches" || fail "guest: $(tail -n 3 "$log")"

"$PVX" create -q "$(mkcfg keep 'cmdline = "app=sleep ms=100000 n=1"' 'memory = 32' \
	"disk = [ '$img,raw,xvda,r' ]")" || fail "create keep"
dom=$("$PVX" domid keep)
wait_for 10 bash -c "grep -q 'vbd/$dom/51712: new device' '$PVISOR_RUNDIR/blkback.log'" || fail "blkback did not see it"
"$PVX" destroy keep || fail destroy
wait_for 10 bash -c "grep -q 'vbd/$dom/51712: removed' '$PVISOR_RUNDIR/blkback.log'" ||
	fail "blkback kept the destroyed domain's disk: $(tail -n 5 "$PVISOR_RUNDIR/blkback.log")"
wait_for 10 bash -c "! '$BIN/xs' ls /local/domain/0/backend/vbd/$dom" ||
	fail "backend directory left behind"
ok "destroy: blkback let the disk go and the store has no trace of it"
