#!/usr/bin/env bash
# Benchmark section: pvisor at scale (issue 18). In one private run directory, idle
# guests (app=mem mib=0, memory=16) are added up to each level N (1, 100, 500,
# 1000); at each level K more guests are created and then destroyed one at a time
# (wall time of `pvx create -q` and of `pvx destroy`, medians) and `pvx list` is
# timed. At the top level: host memory per idle guest (Pss of every process of the
# run directory), the store from a guest beside a dom0 client, and `pvx daemons stop`
# with every guest still running. Then, on fresh daemons, C create+destroy cycles
# run concurrently. The curve is also drawn in build/bench/scale.png.
# pid lists are word-split on purpose:
# shellcheck disable=SC2046
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"

levels=${BENCH_SCALE_LEVELS:-$(bench_iters "1 100 500 1000" "1 20 50")}
k=$(bench_iters 20 4)               # timed creates and destroys per level
cycles=$(bench_iters 300 40)        # concurrent create+destroy cycles
par=${BENCH_SCALE_PAR:-4}           # creates in flight while filling a level
cpar=${BENCH_SCALE_CYCLE_PAR:-16}   # cycles in flight
xs_n=$(bench_iters 20000 2000)      # store operations of the guest and dom0 runs
cfg=$work/scale.cfg
tsv=$work/scale.tsv
png=$work/scale.png
have=0
declare -A c_ms d_ms l_ms rc_ms rd_ms
ref_rundir=""
top_n="" pss_total="" pss_base="" stop_s="" stop_kill="" cyc_s="" cyc_fail=""
g_read="" g_write="" d_read="" d_write="" why=""

us() { echo "${EPOCHREALTIME/./}"; }
med() { printf '%s\n' "$@" | bench_stats | awk '{ print ($1 == "" ? "n/a" : $1) }'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }

# scale_pids: the run directory's processes -- its daemons (pid files) and all their
# descendants (domain processes) -- from one `ps` (a /proc walk per process is slow
# with two thousand of them).
scale_pids() {
	local roots="" f p
	for f in "$pv_rundir"/*.pid; do
		[ -r "$f" ] && read -r p <"$f" && roots+=" $p"
	done
	ps -e -o pid=,ppid= | awk -v roots="$roots" '
		BEGIN { n = split(roots, r, " "); for (i = 1; i <= n; i++) want[r[i]] = 1 }
		{ parent[$1] = $2; pids[NR] = $1 }
		END {
			do {
				changed = 0
				for (i in pids) { p = pids[i]
					if (!(p in want) && (parent[p] in want)) { want[p] = 1; changed = 1 } }
			} while (changed)
			for (p in want) print p
		}'
}

# idle_count CMD PREFIX: guests named PREFIX<n> blocked (idle) in `CMD list`.
idle_count() {
	"$1" list 2>/dev/null | awk -v p="^$2[0-9]+\$" '$1 ~ p && index($5, "b")' | wc -l
}

# wait_idle_in CMD PREFIX N: until N such guests are idle (60 s).
wait_idle_in() {
	local i
	for ((i = 0; i < 600; i++)); do
		[ "$(idle_count "$1" "$2")" -ge "$3" ] && return 0
		sleep 0.1
	done
	echo "only $(idle_count "$1" "$2") of $3 $2* guests idle after 60 s" >&2
	return 1
}
wait_idle() { wait_idle_in pv_cmd "$@"; }

# fill_to N: guests g<have>..g<N-1>, par creates at a time, then wait until idle.
fill_to() {
	[ "$1" -gt "$have" ] || return 0
	seq "$have" $(($1 - 1)) | xargs -P "$par" -I{} env PVISOR_RUNDIR="$pv_rundir" \
		"$pvx" create -q "$cfg" name=g{} >/dev/null 2>>"$work/scale-fill.err"
	have=$1
	wait_idle g "$1"
}

# ref_start: a second private run directory with one idle guest: the reference
# every timed create and destroy alternates with (same moment, same machine load,
# one guest), so the ratio to it is the cost of the N guests, not of the load.
ref_start() {
	ref_rundir=$(mktemp -d "${TMPDIR:-/tmp}/pvbench-ref.XXXXXX") || return 1
	bench_on_exit "ref_stop"
	ref_cmd daemons start >/dev/null 2>&1 || return 1
	ref_cmd create -q "$cfg" name=base0 >/dev/null 2>&1 || return 1
	wait_idle_in ref_cmd base 1
}
ref_cmd() { env PVISOR_RUNDIR="$ref_rundir" "$pvx" "$@"; }
ref_stop() {
	[ -n "${ref_rundir:-}" ] || return 0
	timeout 20 env PVISOR_RUNDIR="$ref_rundir" "$pvx" daemons stop >/dev/null 2>&1
	rm -rf "$ref_rundir"
	ref_rundir=""
}

# timed US-VAR CMD...: run CMD, add its wall time (us) to the array named US-VAR.
timed() {
	local -n acc=$1
	local t0
	shift
	t0=$(us)
	"$@" >/dev/null 2>&1 || echo "failed: $*" >&2
	acc+=($(($(us) - t0)))
}

# time_level N: K creates, then K destroys, one at a time, each beside the same
# operation in the reference directory (in turn first and second); 5 x pvx list.
time_level() {
	local i c=() d=() rc=() rd=() l=()
	# which goes first swaps each time: the second runs into the work the first set
	# going (its guest booting, its daemons' events)
	for ((i = 0; i < k; i++)); do
		if ((i % 2)); then
			timed rc ref_cmd create -q "$cfg" name="r$i"
			timed c pv_cmd create -q "$cfg" name="x$i"
		else
			timed c pv_cmd create -q "$cfg" name="x$i"
			timed rc ref_cmd create -q "$cfg" name="r$i"
		fi
	done
	wait_idle x "$k"
	wait_idle_in ref_cmd r "$k"
	for ((i = 0; i < k; i++)); do
		if ((i % 2)); then
			timed rd ref_cmd destroy "r$i"
			timed d pv_cmd destroy "x$i"
		else
			timed d pv_cmd destroy "x$i"
			timed rd ref_cmd destroy "r$i"
		fi
	done
	for ((i = 0; i < 5; i++)); do
		timed l pv_cmd list
	done
	c_ms[$1]=$(ms "$(med "${c[@]}")") d_ms[$1]=$(ms "$(med "${d[@]}")") l_ms[$1]=$(ms "$(med "${l[@]}")")
	rc_ms[$1]=$(ms "$(med "${rc[@]}")") rd_ms[$1]=$(ms "$(med "${rd[@]}")")
	echo "level $1: create ${c[*]} us (reference ${rc[*]}); destroy ${d[*]} us (reference ${rd[*]}); list ${l[*]} us" >&2
}

# store_at_top: the guest store benchmark (app=xstest) and a dom0 client, same xsd.
store_at_top() {
	local log=$pv_rundir/console/xsb.log
	pv_cfg_write "$work/scale-xsb.cfg" xsb "app=xstest op=bench n=$xs_n"
	pv_cmd create -q "$work/scale-xsb.cfg" >/dev/null 2>&1 || { echo "xsb create failed" >&2; return; }
	bench_wait_line "$log" "xstest: bench transaction" 120
	g_read=$(sed -n 's/^xstest: bench read: .* = \([0-9]*\) ops\/s$/\1/p' "$log")
	g_write=$(sed -n 's/^xstest: bench write: .* = \([0-9]*\) ops\/s$/\1/p' "$log")
	pv_cmd destroy xsb >/dev/null 2>&1 # it powers off when done; in case it did not
	d_read=$(dom0_xs read) d_write=$(dom0_xs write)
}

# dom0_xs OP: bench_xs on the Unix socket, median of 3 runs (ops/s).
dom0_xs() {
	local i v=()
	for i in 1 2 3; do
		v+=($("$bin/bench_xs" "$pv_rundir/xenstored.sock" "$1" "$xs_n" 2>/dev/null |
			sed -n 's/.*per_s=\([0-9]*\).*/\1/p'))
	done
	echo "dom0 $1: ${v[*]} ops/s" >&2
	[ ${#v[@]} -gt 0 ] && med "${v[@]}"
}

# stop_at_top: pvx daemons stop with every guest running; was SIGKILL needed?
stop_at_top() {
	local t0 out
	t0=$(us)
	out=$(timeout 120 env PVISOR_RUNDIR="$pv_rundir" "$pvx" daemons stop 2>&1)
	stop_s=$(awk -v u=$(($(us) - t0)) 'BEGIN { printf "%.2f", u / 1e6 }')
	echo "daemons stop: $stop_s s: $out" >&2
	case "$out" in *killed*) stop_kill=yes ;; *) stop_kill=no ;; esac
	[ -z "$(scale_pids)" ] || echo "left after daemons stop: $(scale_pids | wc -l) processes" >&2
}

# cycles_run: C create+destroy cycles, cpar at a time, on fresh daemons.
cycles_run() {
	local t0 f=$work/scale-cycles.fail
	: >"$f"
	pv_cmd daemons start >/dev/null 2>&1 || { echo "daemons start failed" >&2; return; }
	t0=$(us)
	seq "$cycles" | xargs -P "$cpar" -I{} env PVISOR_RUNDIR="$pv_rundir" sh -c \
		'"$1" create -q "$2" name=c$3 >/dev/null 2>&1 && "$1" destroy c$3 >/dev/null 2>&1 || echo c$3 >>"$4"' \
		_ "$pvx" "$cfg" {} "$f"
	cyc_s=$(awk -v u=$(($(us) - t0)) 'BEGIN { printf "%.2f", u / 1e6 }')
	cyc_fail=$(wc -l <"$f")
}

measure() {
	local n
	printf 'kernel = "%s"\nmemory = 16\ncmdline = "app=mem mib=0"\n' "$pvkernel" >"$cfg"
	: >"$work/scale-fill.err"
	sleep 1
	pss_base=$(bench_pss_kib $(scale_pids))
	ref_start || { why="the reference run directory did not start"; return 1; }
	for n in $levels; do
		fill_to "$n" || { why="level $n: guests did not come up (see ${work#"$top"/}/b_90_scale.log)"; return 1; }
		time_level "$n"
		top_n=$n
	done
	pss_total=$(bench_pss_kib $(scale_pids))
	echo "Pss: $pss_base kB before any guest, $pss_total kB with $top_n guests" >&2
	ref_stop
	store_at_top
	stop_at_top
	cycles_run
}

pv_setup
[ -z "$pv_why" ] && { measure || pv_why=$why; }

echo "### Scale: one more guest beside N running ones"
echo
if [ -n "$pv_why" ]; then
	echo "skipped: $pv_why"
	exit 0
fi
first=${levels%% *}
bench_table_head "guests running (N)" "pvx create, ms" "beside: 1 guest" "create / beside" \
	"pvx destroy, ms" "beside: 1 guest" "destroy / beside" "pvx list, ms"
echo "N create_ms destroy_ms list_ms create_ref_ms destroy_ref_ms" >"$tsv"
for n in $levels; do
	[ -n "${c_ms[$n]:-}" ] || continue
	bench_row "$n" "${c_ms[$n]}" "${rc_ms[$n]}" "$(bench_ratio "${c_ms[$n]}" "${rc_ms[$n]}")" \
		"${d_ms[$n]}" "${rd_ms[$n]}" "$(bench_ratio "${d_ms[$n]}" "${rd_ms[$n]}")" "${l_ms[$n]}"
	echo "$n ${c_ms[$n]} ${d_ms[$n]} ${l_ms[$n]} ${rc_ms[$n]} ${rd_ms[$n]}" >>"$tsv"
done
echo
py=python3; [ -x /usr/bin/python3 ] && py=/usr/bin/python3 # Debian's, with python3-matplotlib
plot="not drawn (python3-matplotlib missing: make deps)"
"$py" "$top/tests/bench/scale_plot.py" "$tsv" "$png" 2>>"$work/b_90_scale.log" &&
	plot="drawn in ${png#"$top"/}"
echo "Medians of $k creates and $k destroys one at a time (each created guest first idles), and of"
echo "5 \`pvx list\`; guests \`app=mem mib=0\`, memory=16, filled $par creates at a time. Each timed"
echo "create and destroy alternates with the same command in a second private run directory"
echo "holding one guest (\"beside\"): the ratio to it is what N guests cost, whatever the load"
echo "does meanwhile; the ratio of N=$first (ideally 1.00) shows the noise. Curve $plot."
echo
per=$(bench_div "$pss_total" "$((top_n * 1024))" 3)
inc=$(bench_div "$((pss_total - pss_base))" "$((top_n * 1024))" 3)
bench_table_head "at N = $top_n" "value" "goal"
bench_row "host memory per idle guest, everything counted (Pss of all run-directory processes / N), MiB" "$per" "<= 1"
bench_row "... of which the guests' increase over the daemons alone, MiB" "$inc" ""
bench_row "\`pvx daemons stop\` with every guest running, s" "${stop_s:-n/a}" "< 5"
bench_row "... SIGKILL needed" "${stop_kill:-n/a}" "no"
bench_row "$cycles create+destroy cycles, $cpar in flight, fresh daemons, s" "${cyc_s:-n/a}" "<= 4"
bench_row "... cycles failed" "${cyc_fail:-n/a}" "0"
bench_row "store from a guest (xenbus), reads/s" "${g_read:-n/a}" ">= 50000"
bench_row "store from a guest (xenbus), writes/s" "${g_write:-n/a}" ">= 50000"
bench_row "store from dom0 (libxs), reads/s" "${d_read:-n/a}" ""
bench_row "store from dom0 (libxs), writes/s" "${d_write:-n/a}" ""
bench_command "levels $levels; $k x (pvx create -q; pvx destroy) per level; bench_pss; app=xstest op=bench n=$xs_n and bench_xs beside $top_n guests; pvx daemons stop; $cycles cycles"
