#!/usr/bin/env bash
# Benchmark section: grant tables from dom0. A guest (app=gcopy) grants mib=N MiB;
# build/bin/gnt_peer copies them guest -> dom0 and dom0 -> guest with batched
# GNTTABOP_copy (two batch sizes), times map+unmap pairs of one granted page and a
# plain privcmd round trip (xen_version), and bench_seccomp_rt measures the raw trap
# floor in the same run. Each cell is the median over rounds.
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"

rounds=$(bench_iters 3 1)
mib=$(bench_iters 64 16)
maps=$(bench_iters 2000 200)
batches="16 1024"
n_floor=$(bench_iters 200000 20000)
peer=$bin/gnt_peer
declare -A lines=()
floor_lines=() floor_why=""
pv_why=""

# pv_gcopy BATCH ROUND: one guest and one gnt_peer copy run; appends its line.
pv_gcopy() {
	local name="bench-gcopy-$2-$1" cfg=$work/gcopy.cfg log ref out
	log=$pv_rundir/console/$name.log
	pv_cfg_write "$cfg" "$name" "app=gcopy mib=$mib"
	sed -i "s/^memory = .*/memory = $((2 * mib + 32))/" "$cfg"
	bench_on_exit "pv_cmd destroy $name"
	out=$(pv_cmd create "$cfg" 2>&1) || { pv_why="pvx create failed: $(echo "$out" | tail -n 1)"; return 1; }
	bench_wait_line "$log" "gcopy: src_refs=" 30 || { pv_why="guest published no grants (see log)"; cat "$log" >&2; return 1; }
	ref=$(sed -n 's/^gcopy: ctrl_ref=\([0-9]*\)$/\1/p' "$log")
	out=$(env PVISOR_RUNDIR="$pv_rundir" timeout 120 "$peer" copy -b "$1" -m "$maps" \
		"$(pv_cmd domid "$name")" "$ref" 2>&1)
	echo "batch $1: $out" >&2
	bench_wait_line "$log" "gcopy: result ok" 30 || echo "round $2 batch $1: guest: $(grep 'gcopy: result' "$log")" >&2
	pv_cmd destroy "$name" >/dev/null 2>&1
	out=$(grep -m1 '^gnt_peer: copy ' <<<"$out") || { pv_why="gnt_peer copy failed (see log)"; return 1; }
	lines[$1]+="$out"$'\n'
}

floor_measure() {
	local out
	[ -x "$bin/bench_seccomp_rt" ] || { floor_why="bench_seccomp_rt not built"; return; }
	out=$("$bin/bench_seccomp_rt" -n "$n_floor" -m sync)
	echo "$out" >&2
	out=$(grep -m1 '^seccomp_rt ' <<<"$out") && floor_lines+=("$out") ||
		floor_why="bench_seccomp_rt failed (see log)"
}

# med KEY LINES: the median of KEY's values over the lines (empty when none).
med() {
	local l
	while read -r l; do [ -n "$l" ] && bench_kv "$1" "$l"; done <<<"$2" | bench_stats | cut -d' ' -f1
}

cell() { # value why
	if [ -n "$1" ]; then echo "$1"; else echo "n/a${2:+ ($2)}"; fi
}

us() { [ -n "$1" ] && bench_div "$1" 1000 1; }

pv_setup
[ -z "$pv_why" ] && [ ! -x "$peer" ] && pv_why="build/bin/gnt_peer not built (run make)"
for ((r = 1; r <= rounds; r++)); do
	for b in $batches; do
		[ -z "$pv_why" ] && pv_gcopy "$b" "$r"
	done
	[ -z "$floor_why" ] && floor_measure
done

echo "### Grant copy and map from dom0"
echo
head=("guest <-> dom0, $mib MiB, 4 KiB per op")
for b in $batches; do head+=("batch of $b ops"); done
bench_table_head "${head[@]}"
for k in out_mib_s out_first_mib_s in_mib_s in_first_mib_s; do
	case $k in
	out_mib_s) what="guest -> dom0 MiB/s (steady)";;
	out_first_mib_s) what="guest -> dom0 MiB/s (first pass)";;
	in_mib_s) what="dom0 -> guest MiB/s (steady)";;
	in_first_mib_s) what="dom0 -> guest MiB/s (first pass)";;
	esac
	row=("$what")
	for b in $batches; do row+=("$(cell "$(med "$k" "${lines[$b]:-}")" "$pv_why")"); done
	bench_row "${row[@]}"
done
echo
all=$(printf '%s' "${lines[@]+"${lines[@]}"}")
pair=$(med map_unmap_ns "$all") rt=$(med privcmd_rt_ns "$all")
fl=""
[ ${#floor_lines[@]} -gt 0 ] && fl=$(printf '%s\n' "${floor_lines[@]}" | while read -r l; do bench_kv median_ns "$l"; done | bench_stats | cut -d' ' -f1)
bench_table_head "dom0 operation" "µs" "/ privcmd round trip"
bench_row "map + unmap of one granted page (pvctrl_gnttab_map/unmap, touch)" "$(cell "$(us "$pair")" "$pv_why")" "$(bench_ratio "$pair" "$rt")"
bench_row "privcmd round trip (xen_version through libpvctrl)" "$(cell "$(us "$rt")" "$pv_why")" "1.00"
bench_row "floor: seccomp notification round trip (guest trap)" "$(cell "$(us "$fl")" "$floor_why")" "$(bench_ratio "$fl" "$rt")"
echo
echo "Steady = the second pass over the same pages (a backend reusing its buffers);"
echo "the first pass also pays the first touches (faults in the hypervisor's mappings"
echo "and in dom0's fresh buffer). One map+unmap is two privcmd requests plus passing"
echo "the memory fd, mmap and munmap. Medians over $rounds rounds (one guest per batch size"
echo "and round, $maps map+unmap pairs each); floor: bench_seccomp_rt -n $n_floor -m sync."
bench_command "$rounds rounds of: for batch in $batches: pvx create (app=gcopy mib=$mib) + gnt_peer copy -b batch -m $maps; bench_seccomp_rt -n $n_floor -m sync"
