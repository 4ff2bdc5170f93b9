#!/usr/bin/env bash
# vCPUs through pvx on real guests: vcpu-set brings vCPUs online and offline
# through cpu/<n>/availability (the reference kernel follows, as Linux's
# cpu-hotplug driver does) and vcpu-list shows it; cpus= in both forms and
# vcpu-pin confine the vCPU threads of the domain process (their host affinity);
# cpus_soft and vcpu-pin's soft map are kept and shown; xl's errors.
. "$(dirname "$0")/lib.sh"

[ "$(nproc)" -ge 2 ] || skip "needs 2 host CPUs"
# states DOMAIN : the State column of vcpu-list, one word per vCPU ("-b-r--p")
states() { "$PVX" vcpu-list "$1" | awk -v n="$1" '$1 == n { printf "%s ", $5 }'; }
# affinities PID : every thread's allowed CPU list, sorted
affinities() { grep -h Cpus_allowed_list /proc/"$1"/task/*/status | awk '{ print $2 }' | sort | tr '\n' ' '; }

"$PVX" create -q "$(mkcfg v1 'vcpus = 1' 'maxvcpus = 3' 'cpus = [ "0", "1" ]' 'cpus_soft = "1"' \
	'cmdline = "app=mem mib=0"')" || fail "create v1"
wait_for 20 console_has v1 "mem: touched" || fail "v1 did not start"
[ "$(states v1)" = "-b- --p --p " ] || fail "at boot: states '$(states v1)', expected one online vCPU"
"$PVX" vcpu-set v1 3 2>/dev/null && fail "vcpu-set 3 on a 2-CPU host without -i succeeded"
"$PVX" vcpu-set -i v1 3 || fail "vcpu-set -i v1 3"
wait_for 20 sh -c "[ \"\$('$PVX' list v1 | awk '\$1 == \"v1\" { print \$4 }')\" = 3 ]" ||
	fail "3 vCPUs not online: $(states v1)"
wait_for 10 console_has v1 "vcpu 2: online" || fail "the guest did not bring vCPU 2 up"
"$PVX" vcpu-set v1 2 || fail "vcpu-set v1 2"
wait_for 20 sh -c "'$PVX' vcpu-list v1 | awk '\$1 == \"v1\" && \$3 == 2 { print \$5 }' | grep -qx -- --p" ||
	fail "vCPU 2 did not go offline: $(states v1)"
wait_for 10 console_has v1 "vcpu 2: offline" || fail "the guest did not take vCPU 2 down"
ok "vcpu-set: the guest brings vCPUs up and down, vcpu-list and list follow"

pid=$(field v1 pid)
[ "$(affinities "$pid" | grep -o '\b[01]\b' | sort -u | tr '\n' ' ')" = "0 1 " ] ||
	fail "cpus = [\"0\", \"1\"]: thread affinities $(affinities "$pid")"
line=$("$PVX" vcpu-list v1 | awk '$1 == "v1" && $3 == 1')
[ "$(awk '{ print $7, $8, $9 }' <<<"$line")" = "1 / 1" ] || fail "vcpu 1 affinity: $line"
"$PVX" vcpu-pin v1 all 1 - || fail "vcpu-pin v1 all 1"
# the vCPU threads move; the process's other threads keep their affinity
n1=$(grep -h Cpus_allowed_list /proc/"$pid"/task/*/status | awk '$2 == "1"' | wc -l)
[ "$n1" -ge 2 ] || fail "after vcpu-pin all 1: $n1 threads on CPU 1 ($(affinities "$pid"))"
"$PVX" vcpu-pin v1 0 all 0 || fail "vcpu-pin v1 0 all 0"
[ "$("$PVX" vcpu-list v1 | awk '$1 == "v1" && $3 == 0 { print $7, $8, $9 }')" = "all / 0" ] ||
	fail "vcpu-list after vcpu-pin 0 all 0: $("$PVX" vcpu-list v1)"
[ "$("$PVX" -N vcpu-pin v1 0 0-1 ^1)" = "cpumap: all none" ] || fail "-N vcpu-pin output"
out=$("$PVX" vcpu-pin v1 7 0 2>&1) && fail "vcpu-pin of vCPU 7 succeeded"
grep -q "invalid argument 7 as VCPU" <<<"$out" || fail "vcpu-pin 7: $out"
out=$("$PVX" vcpu-pin -f v1 all 0 2>&1) && fail "vcpu-pin -f all succeeded"
grep -q -- "--force and 'all'" <<<"$out" || fail "vcpu-pin -f all: $out"
ok "cpus= lists and vcpu-pin set the vCPU threads' host affinity; vcpu-list shows hard / soft"

"$PVX" vcpu-list --json v1 | python3 -c '
import json, sys
v = json.load(sys.stdin)
assert [r["vcpu"] for r in v] == [0, 1, 2], v
assert v[0]["affinity_hard"] == "all" and v[0]["affinity_soft"] == "0", v[0]
assert v[2]["online"] is False and v[2]["cpu"] == -1, v[2]
' || fail "vcpu-list --json"
ok "vcpu-list --json"
