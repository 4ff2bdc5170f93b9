#!/usr/bin/env bash
# Benchmark section: host memory per idle guest. pvisor: K guests with app=mem mib=0
# (touches nothing, blocks); the increase of the Pss sum over every daemon and domain
# process of a private run directory, divided by K. User-Mode Linux: the Pss sum over
# all host processes of an instance whose /init sleeps.
# pid lists are word-split on purpose:
# shellcheck disable=SC2046
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"

k=$(bench_iters 10 3)
k_uml=${UML_MEM_K:-1}
# What an idle guest runs: touches nothing past the kernel and blocks.
mem_cmdline=${BENCH_MEM_CMDLINE:-app=mem mib=0}
pv_base="" pv_per="" pv_note="" uml_per="" uml_sids=()

mib() { bench_div "$1" 1024 2; }

# pv_count_guests [STATE-LETTER]: bench-mem-* guests in `pvx list` (with that letter
# in the state column: b = blocked, s = shut down, c in column 5 = crashed).
pv_count_guests() {
	pv_cmd list 2>/dev/null | awk -v l="${1:-}" '$1 ~ /^bench-mem-/ && index($5, l)' | wc -l
}

# pv_wait_idle: until all K guests block (15 s); sets pv_why when guests are gone.
pv_wait_idle() {
	local i
	for ((i = 0; i < 150; i++)); do
		[ "$(pv_count_guests b)" -eq "$k" ] && return 0
		sleep 0.1
	done
	pv_cmd list >&2
	if [ "$(pv_count_guests)" -lt "$k" ] || [ "$(pv_count_guests s)" -gt 0 ]; then
		pv_why="guests with '$mem_cmdline' did not stay up (see ${work#"$top"/}/b_30_memory.log)"
		return 1
	fi
	pv_note="not all guests showed state b in pvx list after 15 s"
}

pv_measure() {
	local i cfg=$work/mem-pv.cfg out total
	sleep 1
	pv_base=$(bench_pss_kib $(pv_pids))
	for ((i = 1; i <= k; i++)); do
		pv_cfg_write "$cfg" "bench-mem-$i" "$mem_cmdline"
		bench_on_exit "pv_cmd destroy bench-mem-$i"
		out=$(pv_cmd create "$cfg" 2>&1) || {
			pv_why="pvx create bench-mem-$i failed: $(echo "$out" | tail -n 1)"
			echo "$out" >&2
			return 1
		}
	done
	pv_wait_idle || return 1
	sleep 1
	total=$(bench_pss_kib $(pv_pids))
	echo "pvisor: baseline ${pv_base} kB, with $k guests ${total} kB" >&2
	pv_per=$(mib $(((total - pv_base) / k)))
}

uml_start_idle() { # index
	local log=$work/mem-uml-$1.log cmd
	mapfile -t cmd < <("$uml_peer" argv idle)
	setsid "${cmd[@]}" >"$log" 2>&1 </dev/null &
	uml_sids+=("$!")
	bench_on_exit "bench_kill_sessions $!"
	bench_wait_line "$log" "UMLBENCH idle" 30
}

uml_measure() {
	local i total
	for ((i = 1; i <= k_uml; i++)); do
		uml_start_idle "$i" || { uml_why="instance $i printed nothing in 30 s (see log)"; return 1; }
		sleep 0.5
	done
	sleep 1
	total=$(bench_pss_kib $(bench_session_pids "${uml_sids[@]}"))
	echo "uml: $k_uml instances, $(bench_session_pids "${uml_sids[@]}" | wc -l) host processes, ${total} kB" >&2
	uml_per=$(mib $((total / k_uml)))
}

cell() { if [ -n "$1" ]; then echo "$1"; else echo "n/a${2:+ ($2)}"; fi; }

pv_setup
uml_setup
[ -z "$pv_why" ] && pv_measure
[ -z "$uml_why" ] && uml_measure

echo "### Host memory per idle guest"
echo
bench_table_head "" "pvisor, per idle guest ($mem_cmdline)" \
	"User-Mode Linux, per idle instance" "UML / pvisor"
bench_row "host memory (Pss), MiB" "$(cell "$pv_per" "$pv_why")" "$(cell "$uml_per" "$uml_why")" \
	"$(bench_ratio "$uml_per" "$pv_per")"
bench_row "instances measured" "$([ -z "$pv_why" ] && echo "$k" || echo n/a)" "$([ -z "$uml_why" ] && echo "$k_uml" || echo n/a)" ""
bench_row "fixed cost: daemons before any guest, MiB" "$(cell "${pv_base:+$(mib "$pv_base")}" "$pv_why")" "none" ""
echo
[ -n "$pv_note" ] && { echo "Note: $pv_note."; echo; }
echo "Pss from /proc/<pid>/smaps_rollup, summed: shared pages (guest memory in a memfd,"
echo "libraries) are split among the processes that map them, so each counts once."
echo "pvisor: every daemon and domain process of a private run directory, guests with"
echo "memory=16. UML: linux.uml $(uml_version), mem=${UML_MEM:-64M}, every host process of the instance."
bench_command "$k x pvx create ($mem_cmdline) in a private run dir; $k_uml x tests/tools/uml-peer.sh run idle"
