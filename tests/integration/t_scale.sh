#!/usr/bin/env bash
# Many guests at once (issue 18), untimed: 300 idle guests created concurrently (16
# pvx create in flight), all running together, then destroyed concurrently; nothing
# is left behind: no domain, no domain process, no descriptor more in any daemon
# (pvisor's first), no store node under /local/domain or /vm, no backend directory,
# no file in the run directory but the guests' console logs (kept, as xenconsoled's).
. "$(dirname "$0")/lib.sh"
n=${SCALE_GUESTS:-300}
par=16
X="$BIN/xs"

cfg=$CFGDIR/idle.cfg
printf 'kernel = "%s"\nmemory = 16\ncmdline = "app=mem mib=0"\n' "$KERNEL" >"$cfg"
"$PVX" daemons start >/dev/null || fail "daemons start"

# What the run directory holds with the daemons alone: each daemon's descriptor
# count, its processes, the files (console logs aside), the store's domain trees.
fds() {
	local f p
	for f in "$PVISOR_RUNDIR"/*.pid; do
		read -r p <"$f" && echo "$(basename "$f" .pid) $(ls "/proc/$p/fd" 2>/dev/null | wc -l)"
	done
}
procs() { # the daemons and their descendants (domain processes, launchers)
	local roots="" f p
	for f in "$PVISOR_RUNDIR"/*.pid; do read -r p <"$f" && roots+=" $p"; done
	ps -e -o pid=,ppid= | awk -v roots="$roots" '
		BEGIN { n = split(roots, r, " "); for (i = 1; i <= n; i++) want[r[i]] = 1 }
		{ parent[$1] = $2; pids[NR] = $1 }
		END { do { ch = 0; for (i in pids) { p = pids[i]
			if (!(p in want) && (parent[p] in want)) { want[p] = 1; ch = 1 } } } while (ch)
			k = 0; for (p in want) k++; print k }'
}
files() { (cd "$PVISOR_RUNDIR" && find . ! -path './console' ! -path './console/*' ! -path './cfg/*' | sort); }
store() { # domain directories, /vm entries, backend directories
	local t
	"$X" list /local/domain 2>/dev/null
	"$X" list /vm 2>/dev/null
	for t in $("$X" list /local/domain/0/backend 2>/dev/null); do
		"$X" list "/local/domain/0/backend/$t" 2>/dev/null
	done
}
count() { "$PVX" list | awk '$1 ~ /^s[0-9]+$/' | wc -l; }
idle() { [ "$("$PVX" list | awk '$1 ~ /^s[0-9]+$/ && index($5, "b")' | wc -l)" -ge "$n" ]; }

# a first guest settles the daemons (connections, handles, launchers) before the baseline
"$PVX" create -q "$cfg" name=warm || fail "create warm"
wid=$("$PVX" domid warm)
wait_for 30 sh -c "'$PVX' list warm | grep -q ' -b----'" || fail "warm did not idle"
"$PVX" destroy warm || fail "destroy warm"
gone() { ! "$X" read "/local/domain/$wid/name" && [ ! -e "$PVISOR_RUNDIR/domains/$wid.cfg" ]; }
wait_for 30 gone || fail "warm not cleaned up"
sleep 1
fds0=$(fds) procs0=$(procs) files0=$(files) store0=$(store)

seq "$n" | xargs -P "$par" -I{} "$PVX" create -q "$cfg" name=s{} 2>"$CFGDIR/create.err" ||
	fail "creates failed: $(sort "$CFGDIR/create.err" | uniq -c | head -5)"
[ "$(count)" = "$n" ] || fail "$(count) of $n guests exist after the creates"
wait_for 120 idle || fail "not every guest idles: $("$PVX" list | awk 'NR > 2 && !index($5, "b")' | head)"
[ "$(($(procs) - procs0))" -ge "$n" ] || fail "$n guests but $(($(procs) - procs0)) more processes"
ok "$n guests created $par at a time, all running at once"

seq "$n" | xargs -P "$par" -I{} "$PVX" destroy s{} 2>"$CFGDIR/destroy.err" ||
	fail "destroys failed: $(sort "$CFGDIR/destroy.err" | uniq -c | head -5)"
[ "$(count)" = 0 ] || fail "$(count) guests left after the destroys"
settled() { [ "$(procs)" = "$procs0" ] && [ "$(fds)" = "$fds0" ] && [ "$(store)" = "$store0" ] &&
	[ "$(files)" = "$files0" ]; }
wait_for 60 settled
[ "$(procs)" = "$procs0" ] || fail "processes: $procs0 before, $(procs) after"
[ "$(fds)" = "$fds0" ] || fail "descriptors before / after: $(echo $fds0) / $(echo $(fds))"
[ "$(store)" = "$store0" ] || fail "store (/local/domain ids, /vm entries, backends): $(echo $store0) / $(echo $(store))"
[ "$(files)" = "$files0" ] || fail "run directory files differ: $(diff <(echo "$files0") <(files) | head)"
ok "all destroyed $par at a time: no domain, process, daemon descriptor, store node or run-directory file left"
