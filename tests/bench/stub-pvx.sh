#!/usr/bin/env bash
# A stand-in for build/bin/pvx that lets the benchmark harness's pvisor side be tried
# before (or without) the real one: BENCH_PVX=tests/bench/stub-pvx.sh. It fakes only
# what the sections use -- daemons start/stop, create [-c], list, destroy -- with
# idle `sleep` processes as "daemons" and "domains", and canned console lines.
set -u
rd=${PVISOR_RUNDIR:?stub-pvx: PVISOR_RUNDIR must be set}
mkdir -p "$rd"

stub_spawn() { # pidfile: an idle process that keeps PVISOR_RUNDIR in its environment
	setsid sleep 100000 </dev/null >/dev/null 2>&1 &
	echo $! >"$1"
}

stub_cfg() { # file key
	sed -n "s/^$2 *= *\"\\(.*\\)\"/\\1/p" "$1" | head -n 1
}

stub_create() {
	local console=0 cfg name cmdline n
	[ "${1:-}" = -c ] && { console=1; shift; }
	cfg=${1:?usage: pvx create [-c] cfg}
	[ -r "$cfg" ] || { echo "pvx: $cfg: cannot read config" >&2; exit 1; }
	name=$(stub_cfg "$cfg" name) cmdline=$(stub_cfg "$cfg" cmdline)
	[ -e "$rd/dom-$name.pid" ] && { echo "pvx: domain '$name' exists" >&2; exit 1; }
	stub_spawn "$rd/dom-$name.pid"
	[ $console = 1 ] || exit 0
	echo "pvkernel 0.1: stub kernel, cmdline '$cmdline'"
	case $cmdline in
	app=hello*) echo "hello"; rm -f "$rd/dom-$name.pid" ;;
	app=hcbench*)
		n=${cmdline##*n=}
		echo "hcbench: n=$n total_ns=$((n * 5000)) avg_ns=5000 median_ns=4800 p99_ns=9100"
		sleep 100000 ;;
	*) sleep 100000 ;;
	esac
}

stub_list() {
	local f name
	echo "Name                                        ID   Mem VCPUs	State	Time(s)"
	for f in "$rd"/dom-*.pid; do
		[ -e "$f" ] || continue
		name=${f##*/dom-}; name=${name%.pid}
		printf '%-40s %5d %5d %5d     -b----       0.0\n' "$name" "$(cat "$f")" 16 1
	done
}

stub_destroy() {
	local f=$rd/dom-${1:?usage: pvx destroy name}.pid
	[ -e "$f" ] || { echo "pvx: no domain '$1'" >&2; exit 1; }
	kill "$(cat "$f")" 2>/dev/null
	rm -f "$f"
}

case "${1:-} ${2:-}" in
"daemons start")
	stub_spawn "$rd/daemon.pid"
	# STUB_PVX_STRAY=1: also leave a process the section's clean-up cannot see (no
	# PVISOR_RUNDIR, no file in the run directory): run.sh must find and kill it.
	if [ "${STUB_PVX_STRAY:-0}" = 1 ]; then
		(cd / && exec env -u PVISOR_RUNDIR setsid sleep 100001) </dev/null >/dev/null 2>&1 &
	fi ;;
"daemons stop")
	for f in "$rd"/*.pid; do [ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null; rm -f "$f"; done ;;
create*)  shift; stub_create "$@" ;;
list*)    stub_list ;;
destroy*) stub_destroy "${2:-}" ;;
*) echo "stub-pvx: unsupported: $*" >&2; exit 2 ;;
esac
