# Shared helpers for tests/bench/b_*.sh sections (sourced, not run): iteration counts,
# key=value parsing, statistics, Markdown output, host memory (Pss) sums, clean-up
# traps, and starting/stopping pvisor daemons in a private run directory.
# shellcheck shell=bash
# Sections read pv_why, uml_why and the paths set here:
# shellcheck disable=SC2034

top=${PVISOR_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
bin=$top/build/bin
# Overridable so the harness itself can be tried against a stand-in.
pvx=${BENCH_PVX:-$bin/pvx}
pvkernel=${BENCH_PVKERNEL:-$top/build/guest/pvkernel}
work=${BENCH_WORK:-$top/build/bench}
mkdir -p "$work"

# ---- iterations and parsing -------------------------------------------------------

# bench_iters DEFAULT QUICK: the count for this run (BENCH_QUICK=1 picks QUICK).
bench_iters() { if [ "${BENCH_QUICK:-0}" = 1 ]; then echo "$2"; else echo "$1"; fi; }

# bench_kv KEY LINE: the value of KEY=value in LINE (empty when absent).
bench_kv() {
	local w
	for w in $2; do
		[ "${w%%=*}" = "$1" ] && { echo "${w#*=}"; return 0; }
	done
	return 1
}

# bench_stats: numbers on stdin -> "median min max count" (empty input -> nothing).
bench_stats() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)], v[1], v[NR], NR }'
}

# bench_ratio A B: A / B with two decimals, or "n/a" when either is missing or zero.
bench_ratio() {
	case "$1$2" in *[!0-9.]*|'') echo "n/a"; return;; esac
	awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 == 0 || b + 0 == 0) print "n/a";
		else printf "%.2f\n", a / b }'
}

# bench_div A B DECIMALS: A / B, or "n/a".
bench_div() {
	case "$1$2" in *[!0-9.]*|'') echo "n/a"; return;; esac
	awk -v a="$1" -v b="$2" -v d="$3" 'BEGIN { if (b + 0 == 0) print "n/a";
		else printf "%.*f\n", d, a / b }'
}

# blkbench_collect SYSTEM OUTPUT: append the figure of each `blkbench: test=` line
# of OUTPUT (MiB/s for sequential tests, IOPS for random ones) to the caller's
# associative array vals["SYSTEM TEST QD"]; a line with errors is reported and left
# out. A "UMLBENCH " prefix and a trailing CR (UML's console) are dropped.
blkbench_collect() {
	local l t q v
	while read -r l; do
		l=${l#UMLBENCH }
		l=${l%$'\r'}
		case $l in "blkbench: test="*) ;; *) continue;; esac
		t=$(bench_kv test "$l") q=$(bench_kv qd "$l")
		case $t in seq*) v=$(bench_kv mibps "$l");; *) v=$(bench_kv iops "$l");; esac
		[ "$(bench_kv errors "$l")" = 0 ] || { echo "$1: errors in: $l" >&2; continue; }
		vals["$1 $t $q"]+="$v"$'\n'
	done <<<"$2"
}

# ---- Markdown ---------------------------------------------------------------------

# bench_row CELL...: one table row.
bench_row() { local c out="|"; for c in "$@"; do out+=" $c |"; done; echo "$out"; }

# bench_table_head CELL...: header row and separator.
bench_table_head() {
	local c sep="|"
	bench_row "$@"
	for c in "$@"; do sep+="---|"; done
	echo "$sep"
}

# bench_command TEXT: the closing "Command:" line of a section.
bench_command() {
	local q=""
	[ "${BENCH_QUICK:-0}" = 1 ] && q="BENCH_QUICK=1 "
	echo
	echo "Command: \`${q}BENCH='$(basename "$0" .sh)' make bench\` ($1)"
	echo
}

# ---- clean-up ---------------------------------------------------------------------

bench_cleanups=()
# bench_on_exit CMD: run CMD (eval'd) when the section exits, in reverse order.
bench_on_exit() { bench_cleanups+=("$1"); }
bench_run_cleanups() {
	local i
	for ((i = ${#bench_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${bench_cleanups[$i]}" >/dev/null 2>&1
	done
	bench_cleanups=()
}
trap 'bench_run_cleanups' EXIT
trap 'exit 130' INT TERM HUP

# ---- processes and memory ---------------------------------------------------------

# bench_session_pids SID...: every live process in those sessions.
bench_session_pids() {
	local d f sid s
	for d in /proc/[0-9]*; do
		f=$(cat "$d/stat" 2>/dev/null) || continue
		f=${f##*) }
		# fields after comm: state ppid pgrp session
		read -r _ _ _ sid _ <<<"$f"
		for s in "$@"; do [ "$sid" = "$s" ] && echo "${d#/proc/}"; done
	done
}

# bench_pss_kib PID...: host memory (kB) of those processes: the sum of Pss over
# their smaps_rollup, each address space once (build/bin/bench_pss). Pss splits every
# shared page (shmem, memfd guest memory, libraries) among its mappers, so a sum over a
# group of processes counts each page once. Prints nothing on failure.
bench_pss_kib() {
	local out
	[ $# -gt 0 ] || { echo 0; return; }
	out=$("$bin/bench_pss" "$@") || return 1
	echo "bench_pss: $out" >&2
	bench_kv pss_kib "$out"
}
# bench_kill_sessions SID...: SIGKILL every process of those sessions and wait (up
# to 5 s) until none is left: UML's helpers outlive their parent for a moment.
bench_kill_sessions() {
	local p i left
	for ((i = 0; i < 50; i++)); do
		left=$(bench_session_pids "$@")
		[ -n "$left" ] || return 0
		for p in $left; do kill -KILL "$p" 2>/dev/null; done
		sleep 0.1
	done
	return 1
}

# bench_wait_line FILE PREFIX SECONDS: wait until a line of FILE starts with PREFIX.
bench_wait_line() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -q "^$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# ---- the UML peer -----------------------------------------------------------------

uml_peer=$top/tests/tools/uml-peer.sh
# uml_ready: 0 when UML can run; else sets bench_why to the reason.
uml_ready() {
	local out
	out=$("$uml_peer" check 2>&1) || { bench_why=${out##*uml-peer: }; return 1; }
	out=$("$uml_peer" build 2>&1) || { bench_why=${out##*uml-peer: }; return 1; }
	return 0
}
uml_version() { linux.uml --version 2>/dev/null | head -n 1; }

# ---- pvisor in a private run directory --------------------------------------------

pv_rundir=""
bench_why=""
# pv_ready: 0 when pvx and the reference kernel are built; else sets bench_why.
pv_ready() {
	[ -x "$pvx" ] && [ -e "$pvkernel" ] && return 0
	bench_why="not built yet"
	return 1
}

# pv_cmd ARGS: pvx in the private run directory; nothing once it is gone (pvx with an
# empty PVISOR_RUNDIR would start daemons in the default one, /run/pvisor).
pv_cmd() { [ -n "$pv_rundir" ] && env PVISOR_RUNDIR="$pv_rundir" "$pvx" "$@"; }

# pv_daemons_start: daemons in a fresh private run directory (stopped, and every
# process of it killed, when the section exits); else sets bench_why.
pv_daemons_start() {
	local out
	pv_rundir=$(mktemp -d "${TMPDIR:-/tmp}/pvbench.XXXXXX") || { bench_why="mktemp failed"; return 1; }
	bench_on_exit "pv_daemons_stop"
	out=$(pv_cmd daemons start 2>&1) && return 0
	echo "pvx daemons start: $out" >&2
	bench_why="pvx daemons start failed: $(echo "$out" | tail -n 1)"
	return 1
}

# pv_setup: pv_ready and pv_daemons_start; sets pv_why ("" when pvisor can run).
pv_setup() {
	pv_why=""
	{ pv_ready && pv_daemons_start; } || pv_why=$bench_why
}

# uml_setup: sets uml_why ("" when UML can run).
uml_setup() {
	uml_why=""
	if [ "${BENCH_NO_UML:-0}" = 1 ]; then
		uml_why="skipped: BENCH_NO_UML=1"
		return
	fi
	uml_ready || uml_why=$bench_why
}

# pv_pids: every process of our private pvisor instance: processes that carry our
# PVISOR_RUNDIR or hold a file in it open (logs), and all their descendants (domains).
pv_pids() {
	[ -n "$pv_rundir" ] || return 0
	python3 "$top/tests/bench/procs.py" --exclude $$ "$pv_rundir"
}

pv_daemons_stop() {
	[ -n "$pv_rundir" ] || return 0
	timeout 20 env PVISOR_RUNDIR="$pv_rundir" "$pvx" daemons stop >/dev/null 2>&1
	local p
	for p in $(pv_pids); do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$pv_rundir"
	pv_rundir=""
}

# pv_cfg_write FILE NAME CMDLINE: an xl.cfg for the reference kernel.
pv_cfg_write() {
	cat >"$1" <<EOF
name = "$2"
kernel = "$pvkernel"
memory = 16
cmdline = "$3"
EOF
}
