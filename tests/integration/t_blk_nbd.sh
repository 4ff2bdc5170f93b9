#!/usr/bin/env bash
# Network disks: blkback as an NBD client (libnbd). A disk served by `nbdkit memory`
# on a Unix socket (multi-conn: two connections per ring) and one served by
# `qemu-nbd -x NAME` over TCP on loopback (one client: the rings share a
# connection) are written and read back by guests (app=blkcheck), the qemu-nbd one
# also checked in the image file by the host. Then a qemu-nbd killed while a guest
# writes through it: that guest gets I/O errors (never a hang) while another guest
# on another export verifies its disk, and blkback keeps running; and a qemu-nbd
# stopped (SIGSTOP) under I/O: blkback gives up on it after PVISOR_NBD_TIMEOUT
# seconds without a reply (10 here, 30 by default) and the guest gets errors. A URI
# with no server behind it and a read-only export asked for read-write are refused
# at create, with blkback's reason.
export PVISOR_NBD_TIMEOUT=10 # read by blkback, which pvx starts from this environment
. "$(dirname "$0")/lib.sh"
PAT=$BIN/blkpattern
[ -x "$PAT" ] && [ -x "$BIN/blkback" ] || fail "build first (missing blkpattern or blkback)"
command -v qemu-nbd >/dev/null || skip "qemu-nbd not installed (make deps)"
command -v nbdkit >/dev/null || skip "nbdkit not installed (make deps)"
log() { grep -E 'blkcheck|blkfront' "$PVISOR_RUNDIR/console/$1.log" | tail -n 5; }
pids=()
stop_servers() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; cleanup; }
trap stop_servers EXIT

# guest NAME OP SEED MIB QUEUES TARGET [PERSISTENT] : start app=blkcheck on an NBD
# target (PERSISTENT=0: grant copies, so blkback gathers and scatters its pages)
guest() {
	"$PVX" create -q "$(mkcfg "$1" "cmdline = \"app=blkcheck op=$2 seed=$3 mib=$4 queues=$5 persistent=${7:-1}\"" \
		'memory = 32' "disk = [ 'vdev=xvda, access=rw, target=$6' ]")" || fail "create $1"
}
pass() { # NAME SECONDS
	wait_for "$2" console_has "$1" "blkcheck: PASS" || fail "$1: $(log "$1"; tail -n 5 "$PVISOR_RUNDIR/blkback.log")"
	wait_for 20 bash -c "! '$PVX' list $1 >/dev/null 2>&1" || fail "$1 did not power off"
}
# serve_tcp IMAGE NAME : qemu-nbd -x NAME on a free loopback port, in $port (not
# in a subshell: its pid must reach pids for the clean-up)
serve_tcp() {
	for _ in 1 2 3 4 5; do
		port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		qemu-nbd --fork --persistent --pid-file="$PVISOR_RUNDIR/$2.pid" -b 127.0.0.1 -p "$port" \
			-x "$2" -f raw "$1" 2>"$PVISOR_RUNDIR/$2.err" && break
		port=""
	done
	[ -n "$port" ] || fail "qemu-nbd: $(cat "$PVISOR_RUNDIR/$2.err")"
	pids+=("$(cat "$PVISOR_RUNDIR/$2.pid")")
}

# no server there, and a read-only export asked for read-write: refused at create
out=$("$PVX" create -q "$(mkcfg none 'cmdline = "app=hello"' \
	"disk = [ 'vdev=xvda, target=nbd+unix:///?socket=$PVISOR_RUNDIR/nothere.sock' ]")" 2>&1) &&
	fail "a disk without a server was accepted"
grep -q "disk xvda: blkback: cannot reach NBD server nbd+unix:///?socket=.*nothere.sock" <<<"$out" ||
	fail "unclear refusal: $out"
nbdkit -U "$PVISOR_RUNDIR/ro.sock" -P "$PVISOR_RUNDIR/ro.pid" -r memory 1M || fail "nbdkit -r"
wait_for 10 test -s "$PVISOR_RUNDIR/ro.pid" || fail "nbdkit wrote no pid file"
pids+=("$(cat "$PVISOR_RUNDIR/ro.pid")")
out=$("$PVX" create -q "$(mkcfg rw 'cmdline = "app=hello"' \
	"disk = [ 'vdev=xvda, target=nbd+unix:///?socket=$PVISOR_RUNDIR/ro.sock' ]")" 2>&1) &&
	fail "a read-only export was attached read-write"
grep -q "is read-only: attach it read-only (access=ro)" <<<"$out" || fail "unclear refusal: $out"
ok "refused at create: $(sed 's/.*blkback: //' <<<"$out")"

# nbdkit memory, Unix socket: write, then read back in a second guest
sock=$PVISOR_RUNDIR/mem.sock
nbdkit -U "$sock" -P "$PVISOR_RUNDIR/mem.pid" memory 64M || fail "nbdkit did not start"
wait_for 10 test -s "$PVISOR_RUNDIR/mem.pid" || fail "nbdkit wrote no pid file"
pids+=("$(cat "$PVISOR_RUNDIR/mem.pid")")
guest mw write 21 48 2 "nbd+unix:///?socket=$sock"
pass mw 120
guest mr verify 21 48 3 "nbd+unix:///?socket=$sock" 0
pass mr 120
grep -q "nbd+unix:///?socket=$sock, 131072 sectors, read-write, NBD, multi-conn" \
	"$PVISOR_RUNDIR/blkback.log" || fail "blkback did not log a multi-conn NBD disk"
ok "nbdkit memory over a Unix socket: a guest wrote 48 MiB over 2 rings, another read it back over 3 (grant copies)"
# discard is NBD_CMD_TRIM (the range then reads as zeros); access=ro refuses writes
guest md discard 0 4 1 "nbd+unix:///?socket=$sock"
wait_for 60 console_has md "blkcheck: PASS discarded 4 MiB" || fail "discard: $(log md)"
"$PVX" create -q "$(mkcfg mro 'cmdline = "app=blkcheck op=ro"' 'memory = 32' \
	"disk = [ 'vdev=xvda, access=ro, target=nbd+unix:///?socket=$sock' ]")" || fail "create mro"
wait_for 60 console_has mro "blkcheck: PASS" || fail "read-only: $(log mro)"
grep -q "blkcheck: disk is read-only; write answered -5" "$PVISOR_RUNDIR/console/mro.log" ||
	fail "no read-only report: $(log mro)"
ok "NBD discard (trim) reads back as zeros; a read-only NBD disk refuses writes"

# qemu-nbd -x over TCP on loopback (one client allowed: the rings share it)
img=$PVISOR_RUNDIR/tcp.img
truncate -s 64M "$img"
serve_tcp "$img" export1
guest tw write 22 32 2 "nbd://127.0.0.1:$port/export1" 0
pass tw 120
out=$("$PAT" check "$img" 22 32) || fail "the image lacks the guest's data: $out"
"$PAT" write "$img" 23 32 >/dev/null || fail "host write"
guest tr verify 23 32 2 "nbd://127.0.0.1:$port/export1"
pass tr 120
ok "qemu-nbd -x export1 on 127.0.0.1:$port: guest writes (grant copies) reach the image ($out), host writes reach the guest"

# doomed NAME SIGNAL SEED QUEUES: a guest writing 2 GiB through a qemu-nbd of its own
# gets SIGNAL sent to that server once it runs, and must see a write fail with -EIO;
# the server's port is left in $port
doomed() {
	local img=$PVISOR_RUNDIR/$1.img
	truncate -s 2100M "$img"
	serve_tcp "$img" "$1"
	guest "$1" write "$3" 2048 "$4" "nbd://127.0.0.1:$port/$1"
	wait_for 60 console_has "$1" "blkfront: xvda" || fail "$1: $(log "$1")"
	kill "-$2" "$(cat "$PVISOR_RUNDIR/$1.pid")"
	wait_for 60 console_has "$1" "blkcheck: FAIL" || fail "no I/O error in $1: $(log "$1")"
	grep -q 'blkcheck: FAIL .*-5' "$PVISOR_RUNDIR/console/$1.log" || fail "$1: not an I/O error"
	! grep -q 'response producer .* is bogus' "$PVISOR_RUNDIR/console/$1.log" ||
		fail "$1: blkback answered more than it was asked: $(log "$1")"
}

# a server killed under I/O: errors for its guest, the other guest carries on
"$PAT" write "$PVISOR_RUNDIR/tcp.img" 24 64 >/dev/null || fail "host write"
guest other verify 24 64 1 "nbd://127.0.0.1:$port/export1"
doomed killed KILL 25 2
pass other 120
kill -0 "$(cat "$PVISOR_RUNDIR/blkback.pid")" || fail "blkback died"
grep -q "NBD server nbd://127.0.0.1:$port/killed is gone" "$PVISOR_RUNDIR/blkback.log" ||
	fail "blkback did not say the server is gone"
ok "qemu-nbd killed under I/O: its guest got -EIO ($(grep -o 'blkcheck: FAIL.*' "$PVISOR_RUNDIR/console/killed.log")), the other guest verified its disk, blkback runs"

# a server that stops answering: the watchdog gives up on it
doomed stalled STOP 26 1
grep -q "NBD server nbd://127.0.0.1:$port/stalled did not answer for [0-9]* s" \
	"$PVISOR_RUNDIR/blkback.log" || fail "blkback did not say why it gave up"
ok "qemu-nbd stopped under I/O: blkback says it $(grep -o 'did not answer for [0-9]* s' "$PVISOR_RUNDIR/blkback.log"); the guest: $(grep -o 'blkcheck: FAIL.*' "$PVISOR_RUNDIR/console/stalled.log")"
