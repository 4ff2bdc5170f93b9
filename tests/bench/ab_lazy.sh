#!/usr/bin/env bash
# A/B of `pvx restore --lazy -e` (wall time until the command returns with the domain
# running; issue 14's --lazy figure) between two builds, side by side in one run:
# each build gets its own daemons in a private run directory and one image of an
# idle 64 MiB guest (app=mem mib=0); the restores alternate A B A B. Not a make
# bench section (it needs a second build).
#   tests/bench/ab_lazy.sh TOP_A TOP_B [RESTORES]
set -u
[ $# -ge 2 ] || { echo "usage: $0 TOP_A TOP_B [RESTORES]" >&2; exit 2; }
tops=("$(cd "$1" && pwd)" "$(cd "$2" && pwd)")
n=${3:-15}
rd=() res_0=() res_1=() v=()

# px K ARGS: build K's pvx in its run directory
px() { local k=$1; shift; env PVISOR_RUNDIR="${rd[$k]}" "${tops[$k]}/build/bin/pvx" "$@"; }

stop_all() {
	local k
	for k in 0 1; do
		[ -n "${rd[$k]:-}" ] || continue
		timeout 20 env PVISOR_RUNDIR="${rd[$k]}" "${tops[$k]}/build/bin/pvx" daemons stop \
			>/dev/null 2>&1
		rm -rf "${rd[$k]}"
	done
}
trap stop_all EXIT

for k in 0 1; do
	rd[k]=$(mktemp -d "${TMPDIR:-/tmp}/pvab.XXXXXX") || exit 1
	printf 'name = "lz"\nkernel = "%s"\nmemory = 64\ncmdline = "app=mem mib=0"\n' \
		"${tops[$k]}/build/guest/pvkernel" >"${rd[$k]}/lz.cfg"
	if ! px "$k" daemons start >/dev/null || ! px "$k" create -q "${rd[$k]}/lz.cfg"; then
		echo "ab_lazy: no guest for ${tops[$k]}" >&2
		exit 1
	fi
	for ((i = 0; i < 300; i++)); do
		grep -q "mem: touched" "${rd[$k]}/console/lz.log" 2>/dev/null && break
		sleep 0.1
	done
	px "$k" save lz "${rd[$k]}/lz.img" >/dev/null || { echo "ab_lazy: save failed" >&2; exit 1; }
done
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for ((i = 1; i <= n; i++)); do
	for k in 0 1; do
		a=$(date +%s%N)
		px "$k" restore -e --lazy "${rd[$k]}/lz.img" "name=r$i" >/dev/null 2>&1 ||
			echo "ab_lazy: restore $i of ${tops[$k]} failed" >&2
		b=$(date +%s%N)
		if [ "$k" = 0 ]; then res_0+=($(((b - a) / 1000))); else res_1+=($(((b - a) / 1000))); fi
		px "$k" destroy "r$i" >/dev/null 2>&1
		sleep 0.1
	done
done
for k in 0 1; do
	if [ "$k" = 0 ]; then v=("${res_0[@]}"); else v=("${res_1[@]}"); fi
	printf '%s\n' "${v[@]}" | sort -n | awk -v b="${tops[$k]}" '{ a[NR] = $1 } END {
		printf "build=%s lazy_restore_median_ms=%.2f min_ms=%.2f max_ms=%.2f restores=%d\n",
		b, a[int((NR + 1) / 2)] / 1000, a[1] / 1000, a[NR] / 1000, NR }'
done
echo "load_before=\"$load0\" load_after=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
