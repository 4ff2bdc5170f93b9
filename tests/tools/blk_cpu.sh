#!/usr/bin/env bash
# blk_cpu.sh: dom0 CPU per disk request, the figures behind docs/BENCHMARKS.md's
# "Disk images ... vhost-user" CPU table. For each of seqread, seqwrite, randread,
# randwrite at QD32 (3 s of app=blkbench), on a 1 GiB raw image and the same data as a
# fully allocated qcow2 served through qemu-storage-daemon (server=vhost-user) and
# through qemu-nbd (server=nbd): utime+stime of blkback and of the disk server, from
# /proc, divided by the requests the guest made. A private run directory (the
# integration tests' lib.sh); run from the tree after make: tests/tools/blk_cpu.sh
. "$(dirname "$0")/../integration/lib.sh"
R=$PVISOR_RUNDIR
truncate -s 1024M "$R/raw.img"
"$BIN/blkpattern" write "$R/raw.img" 1 1024 >/dev/null || fail "blkpattern"
qemu-img convert -f raw -O qcow2 "$R/raw.img" "$R/full.qcow2" || fail "qemu-img convert"
tck=$(getconf CLK_TCK)
cpu() { if [ -n "$1" ]; then awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; else echo 0; fi; }
servers() { ls "$R/nbd" "$R/vhost" 2>/dev/null | grep -E 'sock|pid'; }
run() { # NAME DISK-SPEC TEST QD
	local n=$1-$3-$4 srv bb b0 s0 b1 s1 ops
	"$PVX" create -q -p "$(mkcfg "$n" "cmdline = \"app=blkbench ms=3000 tests=$3 qds=$4\"" \
		'memory = 64' "disk = [ '$2' ]")" || fail "create $n"
	srv=$(cat "$R"/vhost/*.pid "$R"/nbd/*.pid 2>/dev/null | head -n 1)
	bb=$(cat "$R/blkback.pid")
	b0=$(cpu "$bb") s0=$(cpu "$srv")
	"$PVX" unpause "$n"
	wait_for 120 console_has "$n" "blkbench: done" || fail "$n did not finish"
	b1=$(cpu "$bb") s1=$(cpu "$srv")
	ops=$(grep -o " ops=[0-9]*" "$R/console/$n.log" | head -n 1 | cut -d= -f2)
	echo "$1 $3 qd$4 ops=$ops blkback_us=$(((b1 - b0) * 1000000 / tck / ops))" \
		"server_us=$(((s1 - s0) * 1000000 / tck / ops))"
	"$PVX" destroy "$n" 2>/dev/null
	wait_for 10 test -z "$(servers)" || fail "a server outlived $n: $(servers)"
}
for t in seqread seqwrite randread randwrite; do
	run raw "$R/raw.img,raw,xvda,rw" $t 32
	run vhost "format=qcow2, vdev=xvda, direct-io-safe, server=vhost-user, target=$R/full.qcow2" $t 32
	run nbd "format=qcow2, vdev=xvda, direct-io-safe, server=nbd, target=$R/full.qcow2" $t 32
done
