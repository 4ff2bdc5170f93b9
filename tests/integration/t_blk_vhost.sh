#!/usr/bin/env bash
# qcow2 disks through qemu-storage-daemon's vhost-user-blk export, asked for by
# name (server=vhost-user): blkback hands the daemon the guest's persistently
# granted pages and it reads and writes them in place.
#  * data: a guest writes 48 MiB over 2 rings with persistent grants (zero copy),
#    another reads it back over 3 rings with grant copies (blkback's copy buffer,
#    which the daemon maps too); the host finds it in the image; discard reads back
#    as zeros; a hostile frontend (app=blkcheck op=bad, among its cases a read into
#    a page granted read-only) gets an error for every request;
#  * the daemon killed (SIGKILL) under I/O: its guest gets -EIO, never a hang, while
#    another guest verifies its own vhost-user disk and blkback runs on; the daemon
#    stopped (SIGSTOP) under I/O: blkback gives up after PVISOR_VHOST_TIMEOUT
#    seconds (4 here), kills it and the guest gets -EIO; no daemon is left; a guest
#    destroyed under I/O leaves no daemon and an image that passes qemu-img check;
#  * save and restore: a guest writing a counter to its qcow2 is saved, restored
#    (a new daemon for the new domain) and counts on; every acknowledged write is in
#    the image; live migration of such a domain is refused before anything is sent,
#    and the domain runs on;
#  * without qemu-storage-daemon (a PATH that lacks it), server=auto falls back to
#    qemu-nbd and server=vhost-user is refused at create with the reason.
export PVISOR_VHOST_TIMEOUT=4 # read by blkback, which pvx starts from this environment
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/migrate_lib.sh"
PAT=$BIN/blkpattern
[ -x "$PAT" ] && [ -x "$BIN/blkback" ] || fail "build first (missing blkpattern or blkback)"
for t in qemu-img qemu-nbd qemu-storage-daemon; do
	command -v $t >/dev/null || skip "$t not installed (make deps)"
done
R=$PVISOR_RUNDIR
log() { grep -E 'blkcheck|blkfront|count' "$R/console/$1.log" | tail -n 5; }
qsd_pid() { cat "$R/vhost/$("$PVX" domid "$1")-51712.pid"; }
declare -A imgs
# guest NAME OP SEED MIB QUEUES IMAGE [PERSISTENT [SERVER]]: app=blkcheck on a qcow2
guest() {
	imgs[$1]=$6
	"$PVX" create -q "$(mkcfg "$1" "cmdline = \"app=blkcheck op=$2 seed=$3 mib=$4 queues=$5 persistent=${7:-1}\"" \
		'memory = 32' "disk = [ 'format=qcow2, vdev=xvda, access=rw, server=${8:-vhost-user}, target=$6' ]")" ||
		fail "create $1"
}
# server_gone NAME : no disk server serves guest NAME's image any more (the monitor
# stops it once the domain is gone, a moment after `pvx list` stops showing it; until
# then it holds the image's lock)
server_gone() { [ -z "${imgs[$1]:-}" ] || ! pgrep -f "qemu-(storage-daemon|nbd).*${imgs[$1]}" >/dev/null; }
powered_off() { # NAME
	wait_for 20 bash -c "! '$PVX' list $1 >/dev/null 2>&1" || fail "$1 did not power off"
	wait_for 30 server_gone "$1" || fail "$1's disk server is left: $(leftovers)"
}
pass() { # NAME SECONDS
	wait_for "$2" console_has "$1" "blkcheck: PASS" || fail "$1: $(log "$1"; tail -n 5 "$R/blkback.log")"
	powered_off "$1"
}
leftovers() { ls "$R/vhost" "$R/nbd" 2>/dev/null | grep -E 'sock|pid'; pgrep -f "qemu-(storage-daemon|nbd).*$R/"; }
# (a function: wait_for must look again each time, not at one "$(leftovers)")
no_leftovers() { [ -z "$(leftovers)" ]; }

# ---- data, both ways -------------------------------------------------------------
qemu-img create -q -f qcow2 "$R/a.qcow2" 64M || fail "qemu-img create"
guest vw write 31 48 2 "$R/a.qcow2"
pass vw 120
grep -q "vhost/[0-9]*-51712.sock, 131072 sectors, read-write, vhost-user, zero copy, discard" \
	"$R/blkback.log" || fail "blkback did not serve a.qcow2 through vhost-user: $(grep sectors, "$R/blkback.log")"
guest vr verify 31 48 3 "$R/a.qcow2" 0
pass vr 120
qemu-img convert -f qcow2 -O raw "$R/a.qcow2" "$R/a.raw" || fail "qemu-img convert"
out=$("$PAT" check "$R/a.raw" 31 48) || fail "the image lacks the guest's data: $out"
ok "server=vhost-user: a guest wrote 48 MiB over 2 rings in place (persistent grants), another read it back over 3 (grant copies); the image holds it ($out)"
cp "$R/a.qcow2" "$R/d.qcow2"
guest vd discard 0 4 1 "$R/d.qcow2"
wait_for 60 console_has vd "blkcheck: PASS discarded 4 MiB" || fail "discard: $(log vd)"
powered_off vd
wait_for 60 no_leftovers || fail "vd's daemon left behind: $(leftovers)"
qemu-img convert -f qcow2 -O raw "$R/d.qcow2" "$R/d.raw" || fail "qemu-img convert"
cmp -n $((4 << 20)) "$R/d.raw" /dev/zero || fail "the discarded range is not zeros in the image"
cmp -i $((4 << 20)) -n $((4 << 20)) "$R/d.raw" "$R/a.raw" || fail "discard went past its range"
qemu-img create -q -f qcow2 "$R/bad.qcow2" 16M
guest vb bad 0 0 1 "$R/bad.qcow2"
pass vb 60
grep -q "blkcheck: bad request 'read into a page granted read-only': status -1" "$R/console/vb.log" ||
	fail "no read-only grant case: $(log vb)"
ok "discard reads back as zeros in the image; $(grep -o '[0-9]* of [0-9]* bad requests refused' "$R/console/vb.log")"

# ---- the daemon killed or stopped under I/O ------------------------------------------
# doomed NAME SIGNAL SEED: a guest writing 2 GiB through its own daemon, which gets
# SIGNAL once the guest runs; the guest must see a write fail with -EIO
doomed() {
	qemu-img create -q -f qcow2 "$R/$1.qcow2" 2100M
	guest "$1" write "$3" 2048 2 "$R/$1.qcow2"
	wait_for 60 console_has "$1" "blkfront: xvda" || fail "$1: $(log "$1")"
	pid=$(qsd_pid "$1")
	kill "-$2" "$pid"
	wait_for 60 console_has "$1" "blkcheck: FAIL" || fail "no I/O error in $1: $(log "$1")"
	grep -q 'blkcheck: FAIL .*-5' "$R/console/$1.log" || fail "$1: not an I/O error: $(log "$1")"
	! grep -q 'response producer .* is bogus' "$R/console/$1.log" ||
		fail "$1: blkback answered more than it was asked: $(log "$1")"
	wait_for 30 bash -c "! kill -0 $pid 2>/dev/null" || fail "$1: the daemon $pid is still there"
}
guest other verify 31 48 1 "$R/a.qcow2" 0
doomed killed KILL 32
pass other 120
kill -0 "$(cat "$R/blkback.pid")" || fail "blkback died"
grep -q "vhost-user server .*vhost/[0-9]*-51712.sock closed its socket" "$R/blkback.log" ||
	fail "blkback did not say the server is gone: $(tail -n 5 "$R/blkback.log")"
ok "qemu-storage-daemon killed under I/O: its guest got -EIO ($(grep -o 'blkcheck: FAIL.*' "$R/console/killed.log")), the other guest verified its disk, blkback runs"
doomed stalled STOP 33
grep -q "vhost-user server .* did not answer for too long" "$R/blkback.log" ||
	fail "blkback did not say why it gave up: $(tail -n 5 "$R/blkback.log")"
"$PVX" destroy killed; "$PVX" destroy stalled
wait_for 60 no_leftovers || fail "left behind: $(leftovers)"
ok "qemu-storage-daemon stopped under I/O: blkback gave up on it after ${PVISOR_VHOST_TIMEOUT} s and killed it; the guest got $(grep -o 'blkcheck: FAIL.*' "$R/console/stalled.log"); nothing left"

# a guest destroyed while it writes: the daemon stops, blkback lets go and runs on
qemu-img create -q -f qcow2 "$R/gone.qcow2" 2100M
guest gone write 35 2048 2 "$R/gone.qcow2"
wait_for 60 console_has gone "blkfront: xvda" || fail "gone: $(log gone)"
"$PVX" destroy gone || fail "destroy under I/O"
wait_for 30 no_leftovers || fail "left behind after a destroy under I/O: $(leftovers)"
kill -0 "$(cat "$R/blkback.pid")" || fail "blkback died"
qemu-img check -q "$R/gone.qcow2" || fail "the image of the guest destroyed under I/O is damaged"
ok "a guest destroyed under I/O: its daemon stopped, the image passes qemu-img check, blkback runs"

# ---- save and restore; live migration refused ---------------------------------------
last_count() { sed -n 's/^count: \([0-9][0-9]*\)$/\1/p' "$R/console/$1.log" | tail -n 1; }
counted() { [ "$(last_count "$1")" -ge "$2" ] 2>/dev/null; }
qemu-img create -q -f qcow2 "$R/c.qcow2" 16M
"$PVX" create -q "$(mkcfg cnt 'memory = 16' 'cmdline = "app=count ms=20 disk=xvda"' \
	"disk = [ 'format=qcow2, vdev=xvda, access=rw, server=vhost-user, target=$R/c.qcow2' ]")" ||
	fail "create cnt"
wait_for 30 counted cnt 25 || fail "cnt does not count: $(log cnt)"
out=$("$PVX" migrate -s "$HOST2" cnt "$H2" 2>&1) && fail "a domain with a vhost-user disk migrated: $out"
grep -q "c.qcow2 is served through qemu-storage-daemon (vhost-user): live migration hands over raw" <<<"$out" ||
	fail "unclear refusal: $out"
now=$(last_count cnt)
wait_for 30 counted cnt $((now + 20)) || fail "cnt stopped after the refused migration: $(log cnt)"
"$PVX" save cnt "$R/cnt.sav" || fail "save"
saved=$(last_count cnt)
wait_for 30 no_leftovers || fail "the saved domain's daemon is left: $(leftovers)"
"$PVX" restore "$R/cnt.sav" || fail "restore"
wait_for 30 counted cnt $((saved + 40)) || fail "cnt does not count after the restore: $(log cnt)"
grep -q "blkfront: xvda: reconnected" "$R/console/cnt.log" || fail "blkfront did not reconnect: $(log cnt)"
"$PVX" destroy cnt
end=$(last_count cnt)
qemu-img convert -f qcow2 -O raw "$R/c.qcow2" "$R/c.raw" || fail "qemu-img convert"
python3 - "$R/c.raw" "$end" <<'PY' || fail "the image misses acknowledged writes"
import sys
f = open(sys.argv[1], 'rb')
for n in range(1, int(sys.argv[2]) + 1):
    f.seek(n * 512)
    want = f'count {n}\n'.encode()
    if f.read(len(want)) != want:
        sys.exit(f'sector {n}: not what the guest wrote')
PY
ok "migration refused up front ($(grep -o 'disk .*block devices only' <<<"$out")), the domain ran on; saved at $saved, restored with a new daemon, counted on to $end: every write in the image"

# ---- without qemu-storage-daemon ------------------------------------------------------
noqsd=$R/noqsd
mkdir -p "$noqsd"
for f in /usr/bin/* /usr/sbin/*; do
	[ "${f##*/}" = qemu-storage-daemon ] || ln -sf "$f" "$noqsd/"
done
out=$(PATH=$noqsd "$PVX" create -q "$(mkcfg nq 'cmdline = "app=hello"' \
	"disk = [ 'format=qcow2, vdev=xvda, server=vhost-user, target=$R/a.qcow2' ]")" 2>&1) &&
	fail "server=vhost-user without qemu-storage-daemon was accepted"
grep -q "qemu-storage-daemon is not installed (Debian: apt-get install qemu-system-common)" <<<"$out" ||
	fail "unclear refusal: $out"
"$PVX" list nq >/dev/null 2>&1 && fail "the refused domain is left"
truncate -s 8M "$R/fb.raw"
"$PAT" write "$R/fb.raw" 34 8 >/dev/null || fail "host write"
qemu-img convert -f raw -O qcow2 "$R/fb.raw" "$R/fb.qcow2" || fail "qemu-img convert"
imgs[fb]=$R/fb.qcow2
PATH=$noqsd "$PVX" create -q "$(mkcfg fb "cmdline = \"app=blkcheck op=verify seed=34 mib=8 hold=3000\"" \
	'memory = 32' "disk = [ '$R/fb.qcow2,qcow2,xvda,rw' ]")" || fail "create fb"
wait_for 30 test -S "$R/nbd/$("$PVX" domid fb 2>/dev/null)-51712.sock" || fail "no qemu-nbd for fb: $(leftovers)"
pass fb 60
grep -q "nbd/[0-9]*-51712.sock, 16384 sectors, read-write, NBD" "$R/blkback.log" ||
	fail "fb was not served through NBD: $(grep sectors, "$R/blkback.log" | tail -n 2)"
wait_for 60 no_leftovers || fail "left behind: $(leftovers)"
ok "without qemu-storage-daemon: server=vhost-user refused ($(grep -o 'qemu-storage-daemon is not installed[^,]*' <<<"$out")); server=auto fell back to qemu-nbd and the guest verified its disk"
