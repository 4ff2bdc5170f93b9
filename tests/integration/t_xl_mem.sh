#!/usr/bin/env bash
# pvx mem-set / mem-max on a real guest: a 64 MiB guest (app=mem give=1) touches 40
# MiB and hands it to its balloon; mem-set to half makes its balloon driver give
# memory back, so the host memory of its domain process (Pss) falls by most of
# the difference and pvx list shows the target; mem-set back takes it again.
# mem-max refuses less than the target and more than the domain was built with;
# xl's size syntax and its errors.
. "$(dirname "$0")/lib.sh"

[ -r /proc/self/smaps_rollup ] || skip "this host's /proc has no smaps_rollup (Linux < 4.14)"
export XENSTORED_PATH=$PVISOR_RUNDIR/xenstored.sock

"$PVX" create -q "$(mkcfg m1 'memory = 64' 'cmdline = "app=mem mib=40 give=1"')" || fail "create m1"
wait_for 30 console_has m1 "handed to the balloon" || fail "m1 did not touch its memory"
pid=$(field m1 pid)
pss() { awk '$1 == "Pss:" { print $2 }' "/proc/$pid/smaps_rollup"; }
[ -r "/proc/$pid/smaps_rollup" ] || skip "cannot read the domain process's smaps_rollup (root?)"
list_mib() { "$PVX" list m1 | awk '$1 == "m1" { print $3 }'; }
pss0=$(pss)
[ "$pss0" -ge $((38 * 1024)) ] || fail "Pss ${pss0} KiB before: the guest did not touch 40 MiB"

"$PVX" mem-set m1 32 || fail "mem-set m1 32"

wait_for 30 console_has m1 "balloon: target 32768 KiB: gave back" || fail "the guest did not follow memory/target"
wait_for 10 sh -c "[ \"\$('$PVX' list m1 | awk '\$1 == \"m1\" { print \$3 }')\" = 32 ]" ||
	fail "pvx list shows $(list_mib) MiB after mem-set 32"
pss1=$(pss)
echo "Pss before ${pss0} KiB, after mem-set 32: ${pss1} KiB"
[ $((pss0 - pss1)) -ge $((32 * 1024 * 8 / 10)) ] ||
	fail "Pss fell by $((pss0 - pss1)) KiB, expected most of 32768"
ok "mem-set to half: the balloon follows, Pss falls by $(((pss0 - pss1) / 1024)) MiB, list shows 32"

"$PVX" mem-set m1 64m || fail "mem-set m1 64m"
wait_for 30 console_has m1 "balloon: target 65536 KiB: took back" || fail "the guest did not take memory back"
wait_for 10 sh -c "[ \"\$('$PVX' list m1 | awk '\$1 == \"m1\" { print \$3 }')\" = 64 ]" ||
	fail "pvx list shows $(list_mib) MiB after mem-set 64m"
ok "mem-set back (64m, xl's suffix): the guest takes its memory back"

out=$("$PVX" mem-set m1 100 2>&1) && fail "mem-set above the maximum succeeded"
grep -q "more than the domain's maximum, 64 MiB" <<<"$out" || fail "mem-set 100: $out"
out=$("$PVX" mem-max m1 32 2>&1) && fail "mem-max below the target succeeded"
grep -q "less than the domain's balloon target" <<<"$out" || fail "mem-max 32: $out"
out=$("$PVX" mem-max m1 128 2>&1) && fail "mem-max above the built size succeeded"
grep -q "more than the domain was built with" <<<"$out" || fail "mem-max 128: $out"
out=$("$PVX" mem-set m1 12q 2>&1); rc=$?
[ $rc = 1 ] && grep -q 'invalid memory size "12q"' <<<"$out" || fail "mem-set 12q: rc $rc: $out"
"$PVX" mem-set m1 40 && "$PVX" mem-max m1 48 || fail "mem-set 40 then mem-max 48"
id=$("$PVX" domid m1)
[ "$(xenstore-read /local/domain/$id/memory/static-max)" = 49152 ] || fail "static-max not 48 MiB"
[ "$(xenstore-read /local/domain/$id/memory/target)" = 40960 ] || fail "target not 40 MiB"
ok "mem-max: xl's checks (target, built size), static-max written; bad sizes refused"
