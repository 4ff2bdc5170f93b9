# Shared by the integration tests: a private run directory with real daemons, real
# guests, helpers to wait for console lines and domain states, and cleanup.
set -u
TOP=${PVISOR_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=$TOP/${PVISOR_BUILD:-build}
BIN=$BUILD/bin
export PVISOR_BINDIR=$BIN
PVX=$BIN/pvx
KERNEL=$BUILD/guest/pvkernel
export PVISOR_RUNDIR=$(mktemp -d /tmp/pvtest.XXXXXX)
CFGDIR=$PVISOR_RUNDIR/cfg
mkdir -p "$CFGDIR"

cleanup() {
	"$PVX" daemons stop >/dev/null 2>&1
	rm -rf "$PVISOR_RUNDIR"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "$*"; exit 77; }
ok() { echo "ok: $*"; }

[ -x "$PVX" ] && [ -f "$KERNEL" ] || fail "build first (missing $PVX or $KERNEL)"

# mkcfg NAME KEY=VALUE... : write $CFGDIR/NAME.cfg for the reference kernel. With
# PVISOR_TEST_TYPE=hvm every such guest gets that type (a test's own type= wins):
# the suite then runs the reference kernel under the hvm engine.
mkcfg() {
	local name=$1; shift
	{
		echo "name = \"$name\""
		echo "kernel = \"$KERNEL\""
		echo "memory = 16"
		echo "on_crash = \"preserve\""
		[ -n "${PVISOR_TEST_TYPE:-}" ] && echo "type = \"$PVISOR_TEST_TYPE\""
		for kv in "$@"; do echo "$kv"; done
	} >"$CFGDIR/$name.cfg"
	echo "$CFGDIR/$name.cfg"
}

# field DOMAIN KEY : a value from pvx list -l's "pvisor" object
field() {
	"$PVX" list -l "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d[0]["pvisor"][sys.argv[1]] if d else "")' "$2"
}

# hvm_require : skip the test, saying why, unless the hypervisor runs hvm domains
# (pvx info's virt_caps; the reason is in pvx dmesg). Daemons must be running.
hvm_require() {
	local why
	"$PVX" info 2>/dev/null | grep -Eq '^virt_caps +: .*\<hvm\>' && return 0
	why=$("$PVX" dmesg 2>/dev/null | grep -o 'hvm engine: unavailable: .*' | tail -n 1)
	skip "no hvm engine here (pvx info: virt_caps without hvm)${why:+: $why}"
}

# dmesg_has DOMAIN TEXT : the guest wrote TEXT with console_io (pvx dmesg, "(dN) TEXT")
dmesg_has() {
	local id
	id=$("$PVX" domid "$1" 2>/dev/null) || return 1
	"$PVX" dmesg 2>/dev/null | grep -qF -- "(d$id) $2"
}

# state_letters DOMAIN : the six xl state letters
state_letters() { "$PVX" list "$1" | awk -v n="$1" '$1 == n { print $5 }'; }

# wait_for SECONDS COMMAND... : retry until the command succeeds
wait_for() {
	local t=$1; shift
	local end=$((SECONDS + t))
	while ! "$@" >/dev/null 2>&1; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.05
	done
}

# proc_gone PID : the process has exited (a zombie counts: it holds no socket or
# file any more, and some inits reap late)
proc_gone() {
	local st
	st=$(sed -n 's/.*) \([A-Z]\).*/\1/p' "/proc/$1/stat" 2>/dev/null) || return 0
	[ -z "$st" ] || [ "$st" = Z ] || [ "$st" = X ]
}

# console_has DOMAIN TEXT : the domain's console log contains TEXT
console_has() { grep -qF -- "$2" "$PVISOR_RUNDIR/console/$1.log" 2>/dev/null; }

pvisor_pid() { cat "$PVISOR_RUNDIR/pvisor.pid"; }

# domain_procs : launcher processes of the hypervisor that run a domain (pvisor keeps
# one more launcher started ahead of need, waiting for the next domain: not counted)
domain_procs() {
	local n
	n=$(pgrep -c -P "$(pvisor_pid)" pvisor-launch)
	echo $((n > 0 ? n - 1 : 0))
}

# cgdir PID CONTROLLER : PID's cgroup directory in the v1 hierarchy of CONTROLLER
cgdir() {
	local path mnt
	path=$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$1/cgroup")
	mnt=$(awk -v c="$2" '/ - cgroup / { n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) print $5 }' /proc/self/mountinfo | head -1)
	[ -n "$path" ] && [ -n "$mnt" ] && echo "$mnt$path"
}

# walls_held PID HVPID DOMID VCPUS MIB : the domain process PID (of hypervisor HVPID,
# domain DOMID) stands behind the second wall (docs/SECURITY.md): not root, no
# capabilities, no_new_privs, none of HVPID's namespaces, and -- where this host has
# v1 pids and memory controllers -- its cgroup dom<DOMID> with pids.max VCPUS and a
# memory limit of MIB + 16 MiB. Says what is wrong on stderr and returns 1 then.
walls_held() {
	local p=$1 hv=$2 st ns pids mem lim
	st=$(cat "/proc/$p/status") || { echo "no process $p" >&2; return 1; }
	awk '$1 == "Uid:" { exit !($2 != 0 && $2 == $3 && $3 == $4 && $4 == $5) }' <<<"$st" ||
		{ echo "$p: uids $(grep Uid: <<<"$st")" >&2; return 1; }
	grep -q '^CapEff:[[:space:]]*0000000000000000$' <<<"$st" &&
		grep -q '^NoNewPrivs:[[:space:]]*1$' <<<"$st" ||
		{ echo "$p: capabilities or no_new_privs: $(grep -E 'CapEff|NoNew' <<<"$st")" >&2; return 1; }
	for ns in mnt net ipc uts pid; do
		[ "$(readlink "/proc/$p/ns/$ns")" != "$(readlink "/proc/$hv/ns/$ns")" ] ||
			{ echo "$p shares its hypervisor's $ns namespace" >&2; return 1; }
	done
	[ "$(id -u)" = 0 ] && pids=$(cgdir "$p" pids) && mem=$(cgdir "$p" memory) || return 0
	wait_for 10 bash -c "grep -q ':/.*/dom$3\$' /proc/$p/cgroup" || true
	pids=$(cgdir "$p" pids) mem=$(cgdir "$p" memory)
	lim=$(cat "$mem/memory.limit_in_bytes" 2>/dev/null)
	[[ $pids == */dom$3 ]] && [ "$(cat "$pids/pids.max" 2>/dev/null)" = "$4" ] &&
		[ "${lim:-0}" -ge $((($5 + 16) << 20)) ] && [ "$lim" -le $((($5 + 17) << 20)) ] ||
		{ echo "$p: cgroup $pids (pids.max $(cat "$pids/pids.max" 2>/dev/null)), memory limit $lim" >&2; return 1; }
}
