#!/usr/bin/env bash
# Benchmark section: boot time, start to the guest's first output line. pvisor:
# `pvx create -c` of the reference kernel with app=hello until "pvkernel 0.1:";
# User-Mode Linux: linux.uml start until its busybox /init prints. Boots alternate
# between the two so both see the same machine load.
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"

boots=$(bench_iters 20 5)
retries_max=3
uml_times=() pv_times=()
uml_retries=0 pv_fail=0 pv_fail_row=0

# uml_boot_one I: one boot, retried (staggered) when UML panics or prints nothing.
uml_boot_one() {
	local i=$1 try log res ns
	for ((try = 0; try <= retries_max; try++)); do
		log=$work/boot-uml-$i.log
		res=$("$bin/bench_firstline" -t 20 -o "$log" "UMLBENCH hello" "${uml_cmd[@]}")
		ns=$(bench_kv ns "$res")
		if [ -n "$ns" ] && [ "$ns" != none ] && ! grep -q 'Kernel panic' "$log"; then
			uml_times+=("$ns")
			return 0
		fi
		echo "uml boot $i try $try failed: $res; $(grep -m1 -i panic "$log")" >&2
		uml_retries=$((uml_retries + 1))
		sleep 0.5
	done
	return 1
}

# pv_boot_one I: create bench-I, time it to the banner, destroy it.
pv_boot_one() {
	local i=$1 res ns
	local cfg=$work/boot-pv.cfg log=$work/boot-pv-$1.log
	pv_cfg_write "$cfg" "bench-$i" "app=hello"
	res=$("$bin/bench_firstline" -k -t 30 -o "$log" "pvkernel 0.1:" \
		env PVISOR_RUNDIR="$pv_rundir" "$pvx" create -c "$cfg")
	pv_cmd destroy "bench-$i" >/dev/null 2>&1
	ns=$(bench_kv ns "$res")
	if [ -n "$ns" ] && [ "$ns" != none ]; then
		pv_times+=("$ns")
		pv_fail_row=0
		return 0
	fi
	pv_fail=$((pv_fail + 1)) pv_fail_row=$((pv_fail_row + 1))
	echo "pvisor boot $i failed: $res: $(tail -n 3 "$log" | tr '\n' ' ')" >&2
	[ $pv_fail_row -lt 3 ] || pv_why="3 boots in a row failed: $(tail -n 1 "$log")"
	return 1
}

# ms_cell NS-LIST-STAT-INDEX: one statistic of a list of ns times, in ms.
ms_stat() { # index(1=median,2=min,3=max) times...
	local k=$1 s
	shift
	[ $# -gt 0 ] || { echo ""; return; }
	s=$(printf '%s\n' "$@" | bench_stats)
	bench_div "$(echo "$s" | cut -d' ' -f"$k")" 1000000 1
}

cell() { # value why
	if [ -n "$1" ]; then echo "$1"; else echo "n/a${2:+ ($2)}"; fi
}

pv_setup
uml_setup
[ -x "$bin/bench_firstline" ] || { pv_why="bench_firstline not built"; uml_why=$pv_why; }
if [ -z "$uml_why" ]; then
	mapfile -t uml_cmd < <("$uml_peer" argv hello)
fi
for ((i = 1; i <= boots; i++)); do
	[ -z "$uml_why" ] && { uml_boot_one "$i" || uml_why="boot $i failed $((retries_max + 1)) times"; }
	[ -z "$pv_why" ] && pv_boot_one "$i"
	sleep 0.2
done
[ ${#uml_times[@]} -gt 0 ] && uml_why=""

echo "### Boot time: start to the guest's first output line"
echo
bench_table_head "" "pvisor: \`pvx create -c\` to \"pvkernel 0.1:\"" \
	"User-Mode Linux: start to /init's first line" "UML / pvisor"
pm=$(ms_stat 1 "${pv_times[@]+"${pv_times[@]}"}") um=$(ms_stat 1 "${uml_times[@]+"${uml_times[@]}"}")
bench_row "median ms" "$(cell "$pm" "$pv_why")" "$(cell "$um" "$uml_why")" "$(bench_ratio "$um" "$pm")"
for k in 2 3; do
	bench_row "$([ $k = 2 ] && echo min || echo max) ms" \
		"$(cell "$(ms_stat $k "${pv_times[@]+"${pv_times[@]}"}")")" \
		"$(cell "$(ms_stat $k "${uml_times[@]+"${uml_times[@]}"}")")" ""
done
pb="${#pv_times[@]} ($pv_fail failed)" ub="${#uml_times[@]} ($uml_retries retried)"
[ ${#pv_times[@]} -gt 0 ] || [ $pv_fail -gt 0 ] || pb="n/a"
[ ${#uml_times[@]} -gt 0 ] || [ $uml_retries -gt 0 ] || ub="n/a"
bench_row "boots (failed / retried)" "$pb" "$ub" ""
echo
echo "UML: linux.uml $(uml_version), mem=${UML_MEM:-64M}, busybox initramfs, the initcall blacklist"
echo "from /work/shared/peers/README.md; the time runs from fork+exec of linux.uml to"
echo "the read of /init's first line. pvisor: daemons started once, guest memory=16."
bench_command "alternates $boots boots of each: bench_firstline -k \"pvkernel 0.1:\" pvx create -c <cfg>; bench_firstline \"UMLBENCH hello\" \$(tests/tools/uml-peer.sh argv hello)"

# The same boot without starting a pvx process, and the cost of starting one: the
# end-to-end numbers above include a process start on both sides (pvx, linux.uml).
echo
echo "#### Create-to-banner inside one dom0 process, and the process-start floor"
echo
inproc="" floor="" inproc_create=""
if [ -z "$pv_why" ] && [ -x "$bin/bench_create" ]; then
	cfg=$work/boot-inproc.cfg
	# bench_create waits for the banner in the hypervisor log: the kernel prints it
	# with console_io before it takes its console ring (then replays it there).
	pv_cfg_write "$cfg" "bench-inproc" "app=hello"
	res=$(env PVISOR_RUNDIR="$pv_rundir" "$bin/bench_create" "$cfg" "$boots" 2>>"$work/inproc.log")
	inproc=$(bench_div "$(bench_kv median_ns "$res")" 1000000 2)
	inproc_create=$(bench_div "$(bench_kv create_median_ns "$res")" 1000000 2)
fi
floor_times=()
for ((i = 1; i <= boots; i++)); do
	ns=$(bench_kv ns "$("$bin/bench_firstline" -t 5 "pvkernel 0.1:" /bin/echo "pvkernel 0.1: floor")")
	[ -n "$ns" ] && [ "$ns" != none ] && floor_times+=("$ns")
done
floor=$(ms_stat 1 "${floor_times[@]+"${floor_times[@]}"}")
bench_table_head "" "median ms" "goal"
bench_row "pvisor create-to-banner through libpvx (parse, create, build, unpause, banner)" \
	"$(cell "$inproc" "${pv_why:-bench_create not built}")" "<= 5 ms"
bench_row "of which: create returned (domain built and running)" "$(cell "$inproc_create")" ""
bench_row "floor: start /bin/echo and read its first line" "$(cell "$floor")" ""
echo
echo "Measured by: bench_create <cfg> $boots; bench_firstline \"pvkernel 0.1:\" /bin/echo \"pvkernel 0.1: floor\""
