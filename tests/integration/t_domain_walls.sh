#!/usr/bin/env bash
# The second wall (docs/SECURITY.md): a domain process runs without root -- as root,
# a uid of its own from the range; as another user, a user namespace of that user's
# uid -- with no capabilities, no_new_privs, its own mount (one empty read-only tmpfs),
# network, IPC, UTS, PID and cgroup namespaces, small rlimits and, where the host has
# the controllers, a cgroup of its own with the pids and memory limits its config
# decides. Read from /proc/<pid>/status, /proc/<pid>/ns/*, /proc/<pid>/mountinfo,
# /proc/<pid>/limits and the cgroup files; pvx info says the same.
. "$(dirname "$0")/lib.sh"
"$PVX" daemons start >/dev/null || fail "daemons start"
hv=$(pvisor_pid)

"$PVX" create -q "$(mkcfg w1 'cmdline = "app=spin"' 'vcpus = 2' 'memory = 32')" || fail "create w1"
"$PVX" create -q "$(mkcfg w2 'cmdline = "app=spin"')" || fail "create w2"
wait_for 30 console_has w1 "spin: spinning" || fail "w1 does not run: $(tail -5 "$PVISOR_RUNDIR/pvisor.log")"
wait_for 30 console_has w2 "spin: spinning" || fail "w2 does not run: $(tail -5 "$PVISOR_RUNDIR/pvisor.log")"
p1=$(field w1 pid) p2=$(field w2 pid)
[ "$p1" -gt 0 ] && [ "$p2" -gt 0 ] || fail "no domain processes ($p1, $p2)"

# status ID KEY: the value of KEY in /proc/ID/status
status() { awk -v k="$2:" '$1 == k { $1 = ""; print substr($0, 2) }' "/proc/$1/status"; }

uids=() root=0
[ "$(id -u)" = 0 ] && root=1
for p in "$p1" "$p2"; do
	read -r ru eu su fu <<<"$(status "$p" Uid)"
	[ "$ru" = "$eu" ] && [ "$eu" = "$su" ] && [ "$su" = "$fu" ] || fail "$p: mixed uids: $ru $eu $su $fu"
	[ "$eu" != 0 ] || fail "$p runs as root"
	[ $root = 0 ] || [ "$eu" -ge 1879048192 ] || fail "$p: uid $eu is not from the range"
	uids+=("$eu")
	for c in CapInh CapPrm CapEff CapBnd CapAmb; do
		[ "$(status "$p" $c)" = 0000000000000000 ] || fail "$p: $c $(status "$p" $c)"
	done
	[ "$(status "$p" NoNewPrivs)" = 1 ] || fail "$p: no no_new_privs"
	[ "$(status "$p" Seccomp)" = 2 ] || fail "$p: no seccomp filter"
	[ -z "$(status "$p" Groups)" ] || fail "$p: supplementary groups $(status "$p" Groups)"
	for ns in mnt net ipc uts pid cgroup; do
		[ "$(readlink "/proc/$p/ns/$ns")" != "$(readlink "/proc/$hv/ns/$ns")" ] ||
			fail "$p shares pvisor's $ns namespace"
	done
	n=$(wc -l <"/proc/$p/mountinfo")
	[ "$n" = 1 ] && grep -q ' / / ro,.* - tmpfs ' "/proc/$p/mountinfo" ||
		fail "$p: mounts: $(cat "/proc/$p/mountinfo")"
	grep -q '^Max core file size  *0  *0 ' "/proc/$p/limits" || fail "$p: core dumps allowed"
	grep -q '^Max open files  *8  *8 ' "/proc/$p/limits" || fail "$p: nofile: $(grep files /proc/$p/limits)"
	grep -q '^Max locked memory  *0  *0 ' "/proc/$p/limits" || fail "$p: memlock"
	grep -q '^Max address space  *[0-9]' "/proc/$p/limits" || fail "$p: no address-space limit"
done
[ "${uids[0]}" != "${uids[1]}" ] || [ $root = 0 ] || fail "two domains share uid ${uids[0]}"
for ns in mnt net ipc uts pid; do
	[ "$(readlink "/proc/$p1/ns/$ns")" != "$(readlink "/proc/$p2/ns/$ns")" ] ||
		fail "w1 and w2 share a $ns namespace"
done
[ $root = 0 ] || grep -q '^Max processes  *2  *2 ' "/proc/$p1/limits" ||
	fail "w1 (2 vCPUs): nproc $(grep processes /proc/$p1/limits)"
ok "uids ${uids[*]}, no capabilities, no_new_privs, own namespaces, one empty mount, rlimits"

info=$("$PVX" info)
grep -q '^domain_walls_pv *: seccomp filter, .*mount namespace (empty root), network namespace, IPC namespace, UTS namespace, PID namespace' <<<"$info" ||
	fail "pvx info: $(grep domain_ <<<"$info")"
cg=$(awk -F' *: ' '$1 == "domain_cgroups" { print $2 }' <<<"$info")
echo "pvx info: $cg"

# The cgroup: in every hierarchy with one of our controllers, .../pvisor.<pid>/dom<domid>
# (the spawner thread moves a started domain there, right after the start).
d1=$("$PVX" domid w1)
wait_for 10 bash -c "grep -q ':/.*/dom$d1\$' /proc/$p1/cgroup" || true
if grep -q '^pids memory' <<<"$cg" && pids=$(cgdir "$p1" pids) && mem=$(cgdir "$p1" memory); then
	for d in "$pids" "$mem"; do
		[[ $d == */pvisor.$hv/dom$d1 ]] || fail "w1's cgroup $d is not pvisor.$hv/dom$d1"
		grep -qx "$p1" "$d/cgroup.procs" || fail "w1's process is not in $d"
	done
	[ "$(cat "$pids/pids.max")" = 2 ] || fail "w1 (2 vCPUs): pids.max $(cat "$pids/pids.max")"
	lim=$(cat "$mem/memory.limit_in_bytes")
	[ "$lim" -ge $(((32 + 16) << 20)) ] && [ "$lim" -le $(((32 + 17) << 20)) ] ||
		fail "w1 (32 MiB): memory limit $lim"
	ok "w1's cgroup dom$d1: pids.max 2, memory limit $lim"
else
	pids=
	ok "no v1 pids and memory controllers here (pvx info says: $cg)"
fi

# The cpu controller (a v1 hierarchy of its own): a domain joins its group there
# only once some domain has a weight or a cap that is not the default -- a group of
# its own there costs every hypercall round trip ~18 % (docs/BENCHMARKS.md).
d2=$("$PVX" domid w2)
if c2=$(cgdir "$p2" cpu) && ! grep -E '^[0-9]+:[^:]*(pids|memory)[^:]*:' /proc/$p2/cgroup | grep -qw cpu; then
	[[ $c2 != */dom$d2 ]] || fail "w2 (default weight) is in its cpu group $c2 already"
	"$PVX" sched-credit -d w2 -w 512 || fail "sched-credit -w 512"
	c2=$(cgdir "$p2" cpu)
	[[ $c2 == */pvisor.$hv/dom$d2 ]] || fail "w2 with weight 512 is not in its cpu group: $c2"
	[ "$(cat "$c2/cpu.shares")" = 2048 ] || fail "w2's cpu.shares $(cat "$c2/cpu.shares")"
	c1=$(cgdir "$p1" cpu)
	[[ $c1 == */pvisor.$hv/dom$d1 ]] || fail "w1 did not join its cpu group with w2: $c1"
	ok "the cpu group is joined once a weight is set (w2: $c2), by every domain"
else
	ok "no v1 cpu controller of its own here: nothing to check"
fi

"$PVX" destroy w1 || fail "destroy w1"
if [ -n "${pids:-}" ]; then
	wait_for 10 bash -c "[ ! -d '$pids' ]" || fail "w1's cgroup $pids stays after destroy"
	ok "a destroyed domain's cgroup goes"
fi

# A restored domain (and a migrated-in one: t_migrate) is walled the same way: its
# process is a new launcher, its cgroup limits come from the image's domain.
"$PVX" create -q "$(mkcfg wr 'cmdline = "app=count ms=50"')" || fail "create wr"
wait_for 30 console_has wr "count: 2" || fail "wr does not count"
"$PVX" save wr "$PVISOR_RUNDIR/wr.img" >/dev/null || fail "save wr"
"$PVX" restore "$PVISOR_RUNDIR/wr.img" || fail "restore wr"
pr=$(field wr pid)
walls_held "$pr" "$hv" "$("$PVX" domid wr)" 1 16 || fail "the restored wr is not walled"
ok "the restored wr (process $pr) is walled: uid $(status "$pr" Uid | awk '{print $1}'), its own namespaces and cgroup"
"$PVX" destroy wr || fail "destroy wr"

# A uid let go is not the next one taken: a pvisor that exits leaves its launchers'
# zombies (until init reaps them), and they count against their uid's RLIMIT_NPROC
# (= vCPUs). Stand-in: a process of w1's and one of w2's uid outlive them; two 2-vCPU
# domains after them (the second on a launcher started after both went) start all
# their vCPUs.
if [ $root = 1 ]; then
	"$PVX" destroy w2 || fail "destroy w2"
	lingers=()
	for u in "${uids[@]}"; do
		setpriv --reuid="$u" --regid="$u" --clear-groups sleep 60 &
		lingers+=($!)
	done
	for w in w3 w4; do
		"$PVX" create -q "$(mkcfg $w 'cmdline = "app=smp rounds=50 work=1000"' 'vcpus = 2' \
			'on_poweroff = "preserve"')" || fail "create $w"
		wait_for 30 console_has $w "smp: all secondary vCPUs down" ||
			fail "$w did not run its 2 vCPUs: $(tail -3 "$PVISOR_RUNDIR/console/$w.log")"
	done
	kill "${lingers[@]}"
	ok "with processes of w1's and w2's uids left, w3 and w4 (2 vCPUs each) ran"
fi

# A stopped pvisor leaves no cgroup behind: at its exit the waiting launcher is killed
# and its launch.<pid> removed (the engine's fini) before the daemon's directories go.
if [ -n "${pids:-}" ]; then
	bases=("$(dirname "$pids")" "$(dirname "$mem")")
	"$PVX" daemons stop >/dev/null || fail "daemons stop"
	for b in "${bases[@]}"; do
		wait_for 20 bash -c "[ ! -d '$b' ]" || fail "$b stays after pvisor stopped: $(find "$b" -mindepth 1 -maxdepth 1 -type d)"
	done
	ok "a stopped pvisor leaves no cgroup behind (${bases[*]})"
fi

# Not root: a user namespace of that user's uid; what is missing is said.
if [ $root = 1 ] && { id pvtest >/dev/null 2>&1 ||
	useradd --system --no-create-home --shell /usr/sbin/nologin pvtest 2>/dev/null; }; then
	u=$(mktemp -d /tmp/pvwall.XXXXXX)
	trap '"$PVX" daemons stop >/dev/null 2>&1; runuser -u pvtest -- env PVISOR_RUNDIR="$u" PVISOR_BINDIR="$BIN" "$PVX" daemons stop >/dev/null 2>&1; rm -rf "$u" "$PVISOR_RUNDIR"' EXIT
	chown pvtest "$u"
	sed "s|^name = .*|name = \"uw\"|" "$CFGDIR/w2.cfg" >"$u/uw.cfg"
	chown pvtest "$u/uw.cfg"
	asuser() { runuser -u pvtest -- env PVISOR_RUNDIR="$u" PVISOR_BINDIR="$BIN" "$@"; }
	asuser "$PVX" create -q "$u/uw.cfg" || fail "create as pvtest: $(tail -3 "$u/pvisor.log")"
	pu=$(asuser "$PVX" list -l uw | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["pvisor"]["pid"])')
	[ "$(status "$pu" Uid | awk '{print $2}')" = "$(id -u pvtest)" ] || fail "uw: uid $(status "$pu" Uid)"
	[ "$(status "$pu" CapEff)" = 0000000000000000 ] || fail "uw: CapEff $(status "$pu" CapEff)"
	[ "$(readlink "/proc/$pu/ns/user")" != "$(readlink /proc/self/ns/user)" ] || fail "uw: no user namespace"
	[ "$(readlink "/proc/$pu/ns/net")" != "$(readlink /proc/self/ns/net)" ] || fail "uw: no network namespace"
	uinfo=$(asuser "$PVX" info)
	grep -q '^domain_walls_pv *: .*user namespace.*(no uid of its own' <<<"$uinfo" || fail "pvx info as pvtest: $uinfo"
	grep -q '^domain_cgroups *: none; missing: pids memory cpu' <<<"$uinfo" || fail "pvx info cgroups as pvtest: $uinfo"
	ok "as pvtest: a user namespace, no capabilities; pvx info: $(grep domain_cgroups <<<"$uinfo")"
else
	echo "note: not root or no second user: the unprivileged case is not run"
fi
