#!/usr/bin/env bash
# Benchmark section: virtual disk throughput. One raw image file (filled with data
# first, so reads hit the device and not holes) is read and written by
#   - a pvisor guest (app=blkbench: blkfront -> blkback, io_uring + O_DIRECT in dom0),
#   - the host itself (build/bin/bench_blkhost: io_uring + O_DIRECT, the same matrix),
#   - User-Mode Linux on a ubd disk backed by the same file (bench_blkhost built
#     static, psync threads, O_DIRECT on /dev/ubdb),
# taking turns, for sequential 1 MiB and random 4 KiB, read and write, at queue depth
# 1 and 32. Each cell is the median over rounds; ratios are of medians.
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"

rounds=$(bench_iters 3 1)
ms=$(bench_iters 2000 500)
img_mib=$(bench_iters 1024 256)
img=$work/blk.img
host=$bin/bench_blkhost
declare -A vals=()  # "system test qd" -> newline-separated values
pv_why="" uml_why="" host_why=""

pv_round() { # round
	local name=bench-blk-$1 cfg=$work/blk.cfg log out
	log=$pv_rundir/console/$name.log
	pv_cfg_write "$cfg" "$name" "app=blkbench ms=$ms"
	sed -i "s/^memory = .*/memory = 64/" "$cfg"
	echo "disk = [ '$img,raw,xvda,rw' ]" >>"$cfg"
	bench_on_exit "pv_cmd destroy $name"
	out=$(pv_cmd create "$cfg" 2>&1) || { pv_why="pvx create failed: $(echo "$out" | tail -n 1)"; return 1; }
	bench_wait_line "$log" "blkbench: done" $((ms * 10 / 1000 + 60)) ||
		{ pv_why="the guest did not finish (see log)"; cat "$log" >&2; return 1; }
	grep 'blkbench:' "$log" >&2
	blkbench_collect pvisor "$(cat "$log")"
	pv_cmd destroy "$name" >/dev/null 2>&1
}

host_round() {
	local out
	out=$("$host" -m "$ms" "$img" 2>&1) || { host_why="bench_blkhost failed: $out"; return 1; }
	echo "$out" >&2
	blkbench_collect host "$out"
}

uml_round() {
	local out
	out=$(UML_MEM=192M timeout $((ms * 10 / 1000 + 120)) "$uml_peer" run blk "$img" "$ms" </dev/null 2>&1)
	grep -a 'UMLBENCH' <<<"$out" >&2
	grep -aq 'UMLBENCH blkbench: done' <<<"$out" || { uml_why="UML run failed (see log)"; return 1; }
	blkbench_collect uml "$(grep -a 'UMLBENCH blkbench:' <<<"$out")"
}

med() { grep -v '^$' <<<"${vals[$1]:-}" | bench_stats | cut -d' ' -f1; }
cell() { if [ -n "$1" ]; then echo "$1"; else echo "n/a${2:+ ($2)}"; fi; }

[ -x "$host" ] || host_why="build/bin/bench_blkhost not built (run make)"
if [ -z "$host_why" ]; then
	rm -f "$img"
	"$bin/blkpattern" write "$img" 1 "$img_mib" >/dev/null 2>&1 ||
		{ truncate -s "${img_mib}M" "$img" && "$bin/blkpattern" write "$img" 1 "$img_mib" >/dev/null; } ||
		host_why="cannot write $img"
fi
bench_on_exit "rm -f '$img'"
pv_setup
uml_setup
# Write-back of one system's writes (UML's go through the host page cache) must not
# land in the next system's time.
settle() { sync -f "$img" 2>/dev/null || sync; sleep 1; }
for ((r = 1; r <= rounds; r++)); do
	[ -z "$pv_why" ] && [ -z "$host_why" ] && settle && pv_round "$r"
	[ -z "$host_why" ] && settle && host_round
	[ -z "$uml_why" ] && [ -z "$host_why" ] && settle && uml_round
done
pv_daemons_stop

echo "### Virtual disk throughput (blkfront/blkback vs host O_DIRECT vs UML ubd)"
echo
bench_table_head "same ${img_mib} MiB image file" "pvisor guest" "host O_DIRECT" "UML ubd" \
	"guest / host" "guest / UML"
for t in seqread seqwrite randread randwrite; do
	for q in 1 32; do
		g=$(med "pvisor $t $q") h=$(med "host $t $q") u=$(med "uml $t $q")
		case $t in seq*) what="$t 1 MiB, QD$q, MiB/s";; *) what="$t 4 KiB, QD$q, IOPS";; esac
		bench_row "$what" "$(cell "$g" "$pv_why$host_why")" "$(cell "$h" "$host_why")" \
			"$(cell "$u" "$uml_why$host_why")" "$(bench_ratio "$g" "$h")" "$(bench_ratio "$g" "$u")"
	done
done
bench_command "$rounds rounds of: pvx create (app=blkbench ms=$ms, disk = the image) + bench_blkhost -m $ms IMAGE + uml-peer.sh run blk IMAGE $ms; medians"
echo "Goals (issue 6): sequential >= 0.90 x host, random 4 KiB IOPS >= 0.50 x host, >= 2 x UML."
echo
