#!/usr/bin/env bash
# Create-to-banner with and without the second wall (issue 13: within 10 %),
# measured side by side: three pvisor daemon sets at once, each in its own run
# directory -- OTHER (a build of another tree, usually main, given as its bin/ and
# guest kernel), this tree, and this tree with every wall left out
# (PVISOR_SANDBOX_SKIP) -- and boots alternated one by one between them, the order
# rotated every round, so all three see the same machine load. One boot: `pvx create
# -c` of the reference kernel (app=hello) until "pvkernel 0.1:", then `pvx destroy`
# and a pause (GAP_MS, as between real creates: a launcher is made ahead of need).
# Prints each set's median, min and max in ms and the pairwise (boot by boot) median
# ratios. Not part of make bench (it needs the other build).
# Usage: tests/bench/walls_ab.sh OTHER_BIN OTHER_KERNEL [BOOTS]   (root: uids, cgroups)
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
[ $# -ge 2 ] || { sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 2; }
other_bin=$1 other_kernel=$2 boots=${3:-60} gap_ms=${GAP_MS:-200}
skip_all=net,pid,ipc,uts,cgroupns,mount,uids,caps,cgroups,userns
sets=(other walls nowalls)
declare -A sbin skern rd times

sbin[other]=$other_bin skern[other]=$other_kernel
sbin[walls]=$bin skern[walls]=$pvkernel
sbin[nowalls]=$bin skern[nowalls]=$pvkernel
for s in "${sets[@]}"; do
	rd[$s]=$(mktemp -d /tmp/pvab.XXXXXX)
done
stop_all() {
	for s in "${sets[@]}"; do
		PVISOR_RUNDIR=${rd[$s]} PVISOR_BINDIR=${sbin[$s]} "${sbin[$s]}/pvx" daemons stop \
			>/dev/null 2>&1
		rm -rf "${rd[$s]}"
	done
}
trap stop_all EXIT

# with SET CMD... : CMD with SET's run directory and binaries (and, for nowalls, no walls)
with() {
	local s=$1
	shift
	env PVISOR_RUNDIR="${rd[$s]}" PVISOR_BINDIR="${sbin[$s]}" \
		PVISOR_SANDBOX_SKIP="$([ "$s" = nowalls ] && echo "$skip_all")" "$@"
}

for s in "${sets[@]}"; do
	with "$s" "${sbin[$s]}/pvx" daemons start >/dev/null || { echo "$s: daemons start failed" >&2; exit 1; }
done
with walls "$bin/pvx" info | grep -E '^domain_(walls_pv|cgroups)' | sed 's/^/walls:   /'
with nowalls "$bin/pvx" info | grep -E '^domain_walls_pv' | sed 's/^/nowalls: /'

# boot SET I: one create-to-banner in ns (or nothing when it failed)
boot() {
	local s=$1 i=$2 cfg=${rd[$1]}/ab.cfg res
	cat >"$cfg" <<EOF
name = "ab$i"
kernel = "${skern[$s]}"
memory = 16
cmdline = "app=hello"
EOF
	res=$(with "$s" "$bin/bench_firstline" -k -t 30 "pvkernel 0.1:" "${sbin[$s]}/pvx" create -c "$cfg")
	with "$s" "${sbin[$s]}/pvx" destroy "ab$i" >/dev/null 2>&1
	bench_kv ns "$res"
}

for ((i = 0; i < boots; i++)); do
	for ((k = 0; k < 3; k++)); do
		s=${sets[$(((i + k) % 3))]}
		ns=$(boot "$s" "$i")
		case $ns in '' | none) ns=x ;; esac
		times[$s]+="$ns "
		sleep "$(bench_div "$gap_ms" 1000 3)"
	done
done

for s in "${sets[@]}"; do
	st=$(tr ' ' '\n' <<<"${times[$s]}" | grep -x '[0-9]*' | grep . | bench_stats)
	read -r med min max n <<<"$st"
	printf '%-8s median %s ms  min %s  max %s  (%s boots)\n' "$s" "$(bench_div "$med" 1000000 1)" \
		"$(bench_div "$min" 1000000 1)" "$(bench_div "$max" 1000000 1)" "$n"
done
# pairwise A B: the median over boots i of A_i / B_i
pairwise() {
	paste <(tr ' ' '\n' <<<"${times[$1]}") <(tr ' ' '\n' <<<"${times[$2]}") |
		awk '$1 ~ /^[0-9]+$/ && $2 ~ /^[0-9]+$/ && $2 > 0 { print $1 / $2 }' | sort -g |
		awk '{ v[NR] = $1 } END { if (NR) printf "%.2f\n", v[int((NR + 1) / 2)]; else print "n/a" }'
}
echo "pairwise median ratios: walls/other $(pairwise walls other), nowalls/other $(pairwise nowalls other), walls/nowalls $(pairwise walls nowalls)"
