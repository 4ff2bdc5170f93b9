#!/usr/bin/env bash
# The credit scheduler's weight and cap on the host's cgroup CPU controller:
# two spinning guests pinned to one host CPU, weights 512 and 256, share it near
# 2:1; a cap of 50 holds a spinner to about half a CPU (checked against the same
# spinner uncapped right after, and in the cgroup's quota). The host is shared
# with other work: the test compares CPU times over the same windows, with
# generous bounds.
# pvtest: serial
. "$(dirname "$0")/lib.sh"

[ "$(nproc)" -ge 2 ] || skip "needs 2 host CPUs (one to pin the spinners to)"
"$PVX" info sched_cgroup | grep -q '^v[12] ' ||
	skip "no cgroup CPU controller for pvisor: $("$PVX" info sched_cgroup)"
CPU=1
# times DOMAIN... : CPU seconds of each one's vCPU 0
times() { "$PVX" vcpu-list --json "$@" | python3 -c '
import json, sys
print(" ".join("%.3f" % r["time"] for r in json.load(sys.stdin)))'; }
# measure SECONDS DOMAIN... : the CPU time each used over SECONDS of wall time,
# then the wall time, as "a [b] wall"
measure() {
	local secs=$1 t0 t1 w0 w1
	shift
	t0=$(times "$@"); w0=$(date +%s.%N)
	sleep "$secs"
	t1=$(times "$@"); w1=$(date +%s.%N)
	python3 -c "
t0 = [float(x) for x in '$t0'.split()]; t1 = [float(x) for x in '$t1'.split()]
print(' '.join('%.3f' % (y - x) for x, y in zip(t0, t1)), '%.3f' % ($w1 - $w0))"
}

"$PVX" create -q "$(mkcfg heavy 'cmdline = "app=spin"' "cpus = \"$CPU\"" 'cpu_weight = 512')" ||
	fail "create heavy"
"$PVX" create -q "$(mkcfg light 'cmdline = "app=spin"' "cpus = \"$CPU\"")" || fail "create light"
wait_for 20 console_has heavy "spin: spinning" && wait_for 20 console_has light "spin: spinning" ||
	fail "the spinners did not start"
[ "$("$PVX" sched-credit -d heavy | awk '$1 == "heavy" { print $3, $4 }')" = "512 0" ] ||
	fail "sched-credit -d heavy: $("$PVX" sched-credit -d heavy)"
sleep 1
read -r a b w < <(measure 6 heavy light)
echo "weights 512 / 256 on CPU $CPU: heavy ${a} s, light ${b} s in ${w} s"
python3 -c "
a, b = $a, $b
assert a + b > 0.5, 'the spinners barely ran (%.2f s): host too loaded' % (a + b)
assert 1.4 <= a / b <= 2.8, 'ratio %.2f, expected near 2' % (a / b)
" || fail "weights 512:256 did not share the CPU near 2:1"
ok "weights 512 and 256 on one CPU: CPU time $(python3 -c "print('%.2f' % ($a / $b))"):1"

# A cap of 50 on a spinner alone on the CPU, against the same spinner uncapped
# right after: the cap holds it at most near half a CPU. When the host leaves
# the spinner more than that uncapped, the cap must visibly bite.
"$PVX" destroy light || fail "destroy light"
"$PVX" sched-credit -d heavy -w 256 -c 50 || fail "sched-credit -d heavy -w 256 -c 50"
[ "$("$PVX" sched-credit -d heavy | awk '$1 == "heavy" { print $3, $4 }')" = "256 50" ] ||
	fail "sched-credit after setting: $("$PVX" sched-credit -d heavy)"
cg=$("$PVX" info sched_cgroup | awk '{ print $2 }')/dom$("$PVX" domid heavy)
case $("$PVX" info sched_cgroup) in
v1*) [ "$(cat "$cg/cpu.cfs_quota_us")" = 50000 ] || fail "cfs quota $(cat "$cg/cpu.cfs_quota_us")" ;;
v2*) [ "$(cat "$cg/cpu.max")" = "50000 100000" ] || fail "cpu.max $(cat "$cg/cpu.max")" ;;
esac
sleep 1
read -r c w < <(measure 5 heavy)
"$PVX" sched-credit -d heavy -c 0 || fail "sched-credit -d heavy -c 0"
sleep 1
read -r u w2 < <(measure 5 heavy)
echo "one spinner on CPU $CPU: capped at 50 ${c} s in ${w} s, uncapped ${u} s in ${w2} s"
python3 -c "
c, u = $c / $w, $u / $w2
assert c <= 0.6, 'the capped spinner used %.0f %% of a CPU' % (100 * c)
if u >= 0.65:
    assert c >= 0.3, 'capped at %.0f %%, expected near 50 %%' % (100 * c)
    assert c / u <= 0.8, 'the cap did not bite: %.0f %% capped, %.0f %% not' % (100 * c, 100 * u)
else:
    print('host busy: uncapped the spinner got %.0f %% of the CPU' % (100 * u))
" || fail "the cap of 50 did not hold the spinner near half a CPU"
ok "cap 50: $(python3 -c "print('%.0f' % (100 * $c / $w))") % of a CPU, $(python3 -c "print('%.0f' % (100 * $u / $w2))") % without the cap"

out=$("$PVX" sched-credit -w 300 2>&1) && fail "sched-credit -w without -d succeeded"
grep -q "must specify a domain" <<<"$out" || fail "sched-credit -w: $out"
out=$("$PVX" sched-credit -d heavy -c 500 2>&1) && fail "cap 500 on one vCPU succeeded"
out=$("$PVX" sched-credit -s -t 10 2>&1) && fail "sched-credit -s -t succeeded"
grep -q "not supported by pvisor" <<<"$out" || fail "sched-credit -s -t: $out"
ok "sched-credit: xl's option rules and bounds"
