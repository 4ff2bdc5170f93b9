#!/usr/bin/env bash
# Benchmark section: qcow2 beside raw. The workload of the disk section (b_75_blk:
# app=blkbench, sequential 1 MiB and random 4 KiB, read and write, QD1 and QD32) runs
# in a pvisor guest on
#   - a raw image (blkback, io_uring, O_DIRECT),
#   - the same data as a fully allocated qcow2, served two ways, O_DIRECT in the
#     server (direct-io-safe) so both sides skip the page cache:
#       vhost-user: qemu-storage-daemon, which reads and writes the guest's granted
#                   pages in place (server=vhost-user),
#       NBD:        qemu-nbd, blkback as its NBD client (server=nbd),
#   - a copy of that qcow2 with pvx's default cache mode (the host page cache, as
#     Xen's qdisk; its own file, since O_DIRECT reads of a file with pages in the page
#     cache pay for dropping them), vhost-user,
#   - a fresh clone of that qcow2 (pvx image clone, made anew for each round: reads
#     go to the backing file, writes allocate 4 KiB sub-clusters), O_DIRECT,
#     vhost-user,
# and QEMU's own access to the fully allocated qcow2 (qemu-img bench, O_DIRECT,
# native AIO, the same matrix; its "random" is a stride of 7919 blocks through the
# image: qemu-img bench has no random offsets), taking turns. Each cell is the
# median over rounds; ratios are of medians.
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"

rounds=$(bench_iters 3 1)
ms=$(bench_iters 1000 400)
img_mib=$(bench_iters 1024 256)
raw=$work/img-raw.img
full=$work/img-full.qcow2
cached=$work/img-cached.qcow2
ovl=$work/img-overlay.qcow2
declare -A vals=() # "system test qd" -> newline-separated values
pv_why="" qemu_why="" img_why=""

pv_run() { # SYSTEM DISK-SPEC (a new name each round: the console log is per name)
	local name=bench-img-$1-$r cfg=$work/img.cfg log out
	log=$pv_rundir/console/$name.log
	pv_cfg_write "$cfg" "$name" "app=blkbench ms=$ms"
	sed -i "s/^memory = .*/memory = 64/" "$cfg"
	echo "disk = [ '$2' ]" >>"$cfg"
	bench_on_exit "pv_cmd destroy $name"
	out=$(pv_cmd create "$cfg" 2>&1) || { pv_why="pvx create failed: $(echo "$out" | tail -n 1)"; return 1; }
	bench_wait_line "$log" "blkbench: done" $((ms * 10 / 1000 + 60)) ||
		{ pv_why="the guest did not finish (see log)"; cat "$log" >&2; return 1; }
	grep 'blkbench:' "$log" | sed "s/^/$1 /" >&2
	blkbench_collect "$1" "$(cat "$log")"
	pv_cmd destroy "$name" >/dev/null 2>&1
	# the server of a qcow2 disk is gone with the domain (pvmon): wait for it (the
	# next system opens the same image, and QEMU locks it)
	for _ in $(seq 100); do
		[ -z "$(ls "$pv_rundir/nbd" "$pv_rundir/vhost" 2>/dev/null | grep -E 'sock|pid')" ] && break
		sleep 0.1
	done
}

# qemu_cell TEST QD: one qemu-img bench run on the fully allocated qcow2, as
# "blkbench: test=... qd=... mibps|iops=... errors=0" for blkbench_collect.
qemu_cell() {
	local t=$1 q=$2 bs=4096 n=20000 step=$((4096 * 7919)) w="" out secs
	case $t in seq*) bs=1048576 n=$((img_mib < 1024 ? img_mib : 1024)) step=1048576;; esac
	case $t in *write) w=-w;; esac
	out=$(qemu-img bench -f qcow2 -t none -i native -c "$n" -d "$q" -s "$bs" -S "$step" $w "$full" 2>&1) ||
		{ echo "qemu-img bench: $out" >&2; return 1; }
	secs=$(sed -n 's/^Run completed in \([0-9.]*\) seconds.*/\1/p' <<<"$out")
	[ -n "$secs" ] || return 1
	case $t in
	seq*) echo "blkbench: test=$t qd=$q mibps=$(bench_div "$((n * bs / 1048576))" "$secs" 0) errors=0";;
	*) echo "blkbench: test=$t qd=$q iops=$(bench_div "$n" "$secs" 0) errors=0";;
	esac
}

qemu_round() {
	local t q out=""
	for t in seqread seqwrite randread randwrite; do
		for q in 1 32; do out+=$(qemu_cell $t $q)$'\n' || { qemu_why="qemu-img bench failed (see log)"; return 1; }; done
	done
	echo "$out" | sed 's/^/qemu /' >&2
	blkbench_collect qemu "$out"
}

images_make() {
	command -v qemu-img >/dev/null && command -v qemu-nbd >/dev/null ||
		{ img_why="qemu-utils not installed (make deps)"; return 1; }
	command -v qemu-storage-daemon >/dev/null ||
		{ img_why="qemu-storage-daemon not installed (make deps)"; return 1; }
	rm -f "$raw" "$full" "$cached" "$ovl"
	truncate -s "${img_mib}M" "$raw" && "$bin/blkpattern" write "$raw" 1 "$img_mib" >/dev/null &&
		qemu-img convert -f raw -O qcow2 "$raw" "$full" && cp "$full" "$cached" ||
		{ img_why="cannot write the images"; return 1; }
}

settle() { sync -f "$raw" 2>/dev/null || sync; sleep 1; }
round() {
	settle; pv_run raw "$raw,raw,xvda,rw" || return
	settle; pv_run full "format=qcow2, vdev=xvda, direct-io-safe, server=vhost-user, target=$full" || return
	settle; pv_run nbd "format=qcow2, vdev=xvda, direct-io-safe, server=nbd, target=$full" || return
	settle; pv_run cached "format=qcow2, vdev=xvda, server=vhost-user, target=$cached" || return
	rm -f "$ovl"; pv_cmd image clone "$full" "$ovl" >/dev/null
	settle; pv_run overlay "format=qcow2, vdev=xvda, direct-io-safe, server=vhost-user, target=$ovl" || return
	[ -z "$qemu_why" ] && settle && qemu_round
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
images_make
bench_on_exit "rm -f '$raw' '$full' '$cached' '$ovl'"
pv_setup
for ((r = 1; r <= rounds; r++)); do
	[ -z "$pv_why$img_why" ] && round
done
pv_daemons_stop

med() { grep -v '^$' <<<"${vals[$1]:-}" | bench_stats | cut -d' ' -f1; }
cell() { if [ -n "$1" ]; then echo "$1"; else echo "n/a${2:+ ($2)}"; fi; }

echo "### Disk images: qcow2 through qemu-storage-daemon (vhost-user) and qemu-nbd beside raw (and beside qemu-img bench)"
echo
echo "Load average at the start: $load0; at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
bench_table_head "same ${img_mib} MiB of data" "raw" "qcow2 vhost-user" "qcow2 NBD" \
	"qcow2 vhost-user, page cache" "fresh clone (vhost-user)" "qemu-img bench qcow2" \
	"vhost-user / raw" "NBD / raw" "clone / raw" "vhost-user / qemu-img"
for t in seqread seqwrite randread randwrite; do
	for q in 1 32; do
		r=$(med "raw $t $q") f=$(med "full $t $q") n=$(med "nbd $t $q") c=$(med "cached $t $q")
		o=$(med "overlay $t $q") k=$(med "qemu $t $q")
		case $t in seq*) what="$t 1 MiB, QD$q, MiB/s";; *) what="$t 4 KiB, QD$q, IOPS";; esac
		w="$img_why$pv_why"
		bench_row "$what" "$(cell "$r" "$w")" "$(cell "$f" "$w")" "$(cell "$n" "$w")" \
			"$(cell "$c" "$w")" "$(cell "$o" "$w")" "$(cell "$k" "$img_why$qemu_why")" \
			"$(bench_ratio "$f" "$r")" "$(bench_ratio "$n" "$r")" "$(bench_ratio "$o" "$r")" \
			"$(bench_ratio "$f" "$k")"
	done
done
bench_command "$rounds rounds of: pvx create (app=blkbench ms=$ms) on raw, qcow2 (direct-io-safe) through qemu-storage-daemon (server=vhost-user) and through qemu-nbd (server=nbd), qcow2 (default cache, vhost-user), a fresh clone (pvx image clone, direct-io-safe, vhost-user); qemu-img bench -t none -i native on the qcow2; medians"
echo "Goals (issue 19): qcow2 sequential >= 0.80 x raw, random 4 KiB >= 0.60 x raw (through pvisor, both O_DIRECT)."
echo
