#!/usr/bin/env bash
# Benchmark section: save and restore (pvx save / restore, issue 14). A 64 MiB guest,
# idle (app=mem mib=0) and with 48 MiB written (app=mem mib=48), saved and restored
# N times in turn, raw and deflated (-z): the pvx command's wall time and the
# library's own total (--json), and the image's size. Lazy restore (--lazy) and the
# ordinary one, from `pvx restore` to the restored guest's first console line and to
# a running domain (the command's end). Beside them in the same run: the host writing
# and reading the same number of bytes to and from the same file system, and CRIU
# dumping and restoring a User-Mode Linux instance of the same memory size where it
# runs here (the row says why when it does not).
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"

n=$(bench_iters 10 3)
img=$work/save-bench.img
declare -A wall lib size first running inpvx

now_ns() { echo $((${EPOCHREALTIME/./} * 1000)); }
ms() { bench_div "$1" 1000000 2; }
json_ms() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "${2:-total_ms}"; }
# stat_cell KEY: "median (min-max)" in ms of the samples in wall[KEY] (ns) or lib[KEY]
stat_ns() { tr ' ' '\n' <<<"$1" | grep . | bench_stats | awk '{ printf "%.1f (%.1f-%.1f)", $1 / 1e6, $2 / 1e6, $3 / 1e6 }'; }
stat_ms() { tr ' ' '\n' <<<"$1" | grep . | bench_stats | awk '{ printf "%.1f (%.1f-%.1f)", $1, $2, $3 }'; }
console() { cat "$pv_rundir/console/$1.log" 2>/dev/null; }
resumes() { console "$1" | grep -c "resumed in a restored domain"; }

# wait_resumes NAME COUNT: the guest printed COUNT resume lines (it can suspend again)
wait_resumes() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ "$(resumes "$1")" -ge "$2" ] && { sleep 0.05; return 0; }
		sleep 0.025
	done
	return 1
}

# cycle KIND FLAG: save and restore the guest of KIND n times with FLAG (-z or -)
cycle() {
	local k=$1 key=$1$2 i t0 t1 j r=$(resumes "bench-$1") z=()
	[ "$2" = -z ] && z=(-z)
	for ((i = 1; i <= n; i++)); do
		t0=$(now_ns)
		pv_cmd save --json "${z[@]}" "bench-$k" "$img" >"$work/save.json" || return 1
		t1=$(now_ns)
		wall[save$key]+=" $((t1 - t0))" lib[save$key]+=" $(json_ms "$work/save.json")"
		size[$key]=$(stat -c %s "$img")
		t0=$(now_ns)
		pv_cmd restore --json "$img" >"$work/restore.json" || return 1
		t1=$(now_ns)
		wall[restore$key]+=" $((t1 - t0))" lib[restore$key]+=" $(json_ms "$work/restore.json")"
		r=$((r + 1))
		wait_resumes "bench-$k" $r || return 1
	done
	cp "$img" "$img.$key"
}

# to_first KEY IMG FLAGS: restore IMG (under another name) n times: ns to a running
# domain (the command's end) and to the guest's first console line.
to_first() {
	local key=$1 im=$2 i t0 t1 t2 name
	shift 2
	for ((i = 1; i <= n; i++)); do
		name=first-$key-$i
		t0=$(now_ns)
		pv_cmd restore --json -e "$@" "$im" name="$name" >"$work/first.json" || return 1
		t1=$(now_ns)
		for ((j = 0; j < 4000; j++)); do
			grep -q "resumed in a restored domain" "$pv_rundir/console/$name.log" 2>/dev/null && break
			sleep 0.001
		done
		t2=$(now_ns)
		running[$key]+=" $((t1 - t0))" first[$key]+=" $((t2 - t0))"
		inpvx[$key]+=" $(json_ms "$work/first.json" running_ms)"
		pv_cmd destroy "$name"
	done
}

pv_section() {
	local k mib
	for k in idle dirty; do
		mib=$([ $k = idle ] && echo 0 || echo 48)
		printf 'name = "bench-%s"\nkernel = "%s"\nmemory = 64\ncmdline = "app=mem mib=%s"\n' \
			"$k" "$pvkernel" "$mib" >"$work/save-$k.cfg"
		bench_on_exit "pv_cmd destroy bench-$k"
		pv_cmd create -q "$work/save-$k.cfg" || { pv_why="create failed"; return 1; }
		bench_wait_line "$pv_rundir/console/bench-$k.log" "mem: touched" 30 || { pv_why="guest did not start"; return 1; }
		cycle $k - && cycle $k -z || { pv_why="save/restore failed (see the log)"; return 1; }
		to_first "lazy-$k" "$img.$k-" --lazy && to_first "eager-$k" "$img.$k-" ||
			{ pv_why="restore to first line failed"; return 1; }
	done
}

# host_io BYTES: the host writing (write + close, no fsync, as pvx save) and reading
# (page cache warm, as pvx restore after a save) that many bytes in the image's folder
host_io() {
	python3 - "$1" "$work/save-bench.host" <<'PY'
import os, sys, time
n, path = int(sys.argv[1]), sys.argv[2]
buf = os.urandom(n)
w, r = [], []
for _ in range(5):
    t = time.perf_counter_ns(); f = open(path, 'wb'); f.write(buf); f.close(); w.append(time.perf_counter_ns() - t)
    t = time.perf_counter_ns(); f = open(path, 'rb'); f.read(); f.close(); r.append(time.perf_counter_ns() - t)
os.unlink(path)
w.sort(); r.sort()
print(f"write={w[2]} read={r[2]}")
PY
}

# criu_row: CRIU dumping and restoring an idle UML instance of 64 MiB, or why not
criu_why=""
criu_section() {
	local out
	command -v criu >/dev/null || { criu_why="criu not installed (make deps)"; return 1; }
	out=$(criu check 2>&1) || { criu_why="\`criu check\` fails on this host ($(criu --version | head -n 1), kernel $(uname -r)): $(grep -m1 Error <<<"$out" | sed 's/^Error ([^)]*): //')"; return 1; }
	[ -n "$uml_why" ] && { criu_why="UML does not run here: $uml_why"; return 1; }
	criu_why="criu runs here but dumping UML is not measured yet"
	return 1
}

pv_setup
uml_setup
[ -z "$pv_why" ] && pv_section
criu_section
host_idle=$(host_io "${size[idle-]:-1}") host_dirty=$(host_io "${size[dirty-]:-1}")

echo "## Save and restore (issue 14)"
echo
echo "A 64 MiB guest, idle and with 48 MiB written; $n saves and restores each, in turn."
echo "Times in ms, median (min-max): the pvx command (wall) and the library's own total"
echo "(\`--json\` total_ms: without starting pvx). Goals: save <= 30 ms, restore <= 20 ms,"
echo "\`--lazy\` restore <= 5 ms to a running domain."
echo
if [ -n "$pv_why" ]; then
	echo "pvisor: not measured: $pv_why"
else
	bench_table_head "guest" "image" "save (pvx)" "save (library)" "restore (pvx)" "restore (library)"
	for key in idle- idle-z dirty- dirty-z; do
		bench_row "${key%-*}$([ "${key#*-}" = z ] && echo ", -z")" \
			"$(bench_div "${size[$key]}" 1048576 2) MiB" "$(stat_ns "${wall[save$key]}")" \
			"$(stat_ms "${lib[save$key]}")" "$(stat_ns "${wall[restore$key]}")" \
			"$(stat_ms "${lib[restore$key]}")"
	done
	echo
	echo
	echo "Restores from the images above under new names (-e: no monitor started): pvx's"
	echo "own time until the domain was let run (\`--json\` running_ms), the command's wall"
	echo "time, and the wall time to the restored guest's first console line (its resume"
	echo "message in the console log)."
	echo
	bench_table_head "restore" "to a running domain (pvx)" "pvx command" "to its first console line"
	for key in lazy-idle eager-idle lazy-dirty eager-dirty; do
		bench_row "$key" "$(stat_ms "${inpvx[$key]}")" "$(stat_ns "${running[$key]}")" \
			"$(stat_ns "${first[$key]}")"
	done
fi
echo
bench_table_head "beside it, same run" "ms"
bench_row "host: write $(bench_div "${size[idle-]:-0}" 1048576 2) MiB (idle image), close" "$(ms "$(bench_kv write "$host_idle")")"
bench_row "host: read it back (page cache)" "$(ms "$(bench_kv read "$host_idle")")"
bench_row "host: write $(bench_div "${size[dirty-]:-0}" 1048576 2) MiB (48 MiB image), close" "$(ms "$(bench_kv write "$host_dirty")")"
bench_row "host: read it back (page cache)" "$(ms "$(bench_kv read "$host_dirty")")"
bench_row "CRIU: dump / restore an idle 64 MiB UML instance" "not measured: $criu_why"
bench_command "pvx save/restore --json, $n cycles per row; host: python write/read, median of 5"
