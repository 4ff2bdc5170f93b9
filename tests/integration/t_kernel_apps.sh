#!/usr/bin/env bash
# Boot the reference kernel's apps on the real stack (pvx -> pvisor -> pv engine) in a
# private run directory and check what each prints and how the domain ends: hello and
# hcbench power off, crash/fault/badsys/ud crash (shown as "c" in pvx list), reboot
# shows "r", mem and spin keep running until destroyed.
set -u
top=${PVISOR_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${PVISOR_BINDIR:-$top/build/bin}
kernel=$top/build/guest/pvkernel.gz
for f in "$bin/pvx" "$bin/pvisor" "$bin/pvisor-launch" "$kernel"; do
	[ -e "$f" ] || { echo "$f not built (make all)"; exit 77; }
done
export PVISOR_BINDIR=$bin
PVISOR_RUNDIR=$(mktemp -d /tmp/pvisor-t-kernel.XXXXXX)
export PVISOR_RUNDIR
work=$PVISOR_RUNDIR/t
mkdir -p "$work"
cleanup() {
	"$bin/pvx" daemons stop >/dev/null 2>&1
	rm -rf "$PVISOR_RUNDIR"
}
trap cleanup EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# cfg NAME CMDLINE: write a config for the gzip'ed kernel.
cfg() {
	cat >"$work/$1.cfg" <<-CFG
	name = "$1"
	kernel = "$kernel"
	memory = 32
	cmdline = "$2"
	on_poweroff = "preserve"
	on_reboot = "preserve"
	on_crash = "preserve"
	CFG
}

# The state column of `pvx list NAME` (e.g. ---sc-).
state() { "$bin/pvx" list "$1" 2>/dev/null | awk -v n="$1" '$1 == n { print $5 }'; }

# run NAME CMDLINE STATE SENTINEL...: boot with -c, expect lines and a final state.
run() {
	local name=$1 line=$2 want=$3 out s
	shift 3
	cfg "$name" "$line"
	out=$(timeout 30 "$bin/pvx" create -c "$work/$name.cfg" 2>&1)
	echo "--- $name ($line)"; echo "$out"
	for s in "pvkernel 0.1: 32 MiB memory, cmdline \"$line\"" "$@"; do
		grep -qF -- "$s" <<<"$out" || bad "$name: no line '$s'"
	done
	s=$(state "$name")
	[[ $s == $want ]] || bad "$name: state '$s', expected '$want'"
	echo "state $s"
}

# follow NAME CMDLINE SENTINEL: boot, wait for the line while it keeps running.
follow() {
	local name=$1 line=$2 sentinel=$3 i
	cfg "$name" "$line"
	timeout 30 "$bin/pvx" create -c "$work/$name.cfg" >"$work/$name.out" 2>&1 &
	for i in $(seq 100); do
		grep -qF -- "$sentinel" "$work/$name.out" && break
		sleep 0.1
	done
	echo "--- $name ($line)"; cat "$work/$name.out"
	grep -qF -- "$sentinel" "$work/$name.out" || bad "$name: no line '$sentinel'"
	case $(state "$name") in
	r-----|-b----) ;;
	*) bad "$name: not running or blocked: '$(state "$name")'" ;;
	esac
	"$bin/pvx" destroy "$name" || bad "$name: destroy failed"
	wait
}

"$bin/pvx" daemons start >/dev/null || { echo "FAIL: pvx daemons start"; exit 1; }
run hello "app=hello" "---s--" "hello: Hello from the pvisor reference kernel" \
	"hello: capabilities \"xen-3.0-x86_64\"" "hello: current_reservation 8192 pages" \
	"hello: vcpu 0 is_up=1" "hello: done" "pvkernel: shutting down (poweroff)"
run hcbench "app=hcbench n=2000" "---s--" "hcbench: n=2000 total_ns="
run unknown "app=nope" "---sc-" "pvkernel: unknown app 'nope' (apps: hello"
run crash "app=crash" "---sc-" "crash: calling SCHEDOP_shutdown(crash)"
run reboot "app=reboot" "---sr-" "reboot: calling SCHEDOP_shutdown(reboot)"
run fault "app=fault" "---sc-" "fault: writing to unmapped address 0x1000"
run badsys "app=badsys" "---sc-" "badsys: making a forbidden system call (getpid)"
run ud "app=ud" "---sc-" "ud: executing ud2"
follow mem "app=mem mib=8" "mem: touched 8 MiB"
follow spin "app=spin" "spin: spinning"
for w in "getpid\|system call 39" "0x1000"; do
	"$bin/pvx" dmesg 2>/dev/null | grep -q "$w" || echo "note: pvx dmesg does not mention '$w'"
done
[ $fail -eq 0 ] && echo "ok: all apps behaved"
exit $fail
