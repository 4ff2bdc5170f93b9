#!/usr/bin/env bash
# Ballooning on the real stack: a 128 MiB guest (app=balloon) touches most of its
# memory, then gives half of its reservation back. The host memory of its domain
# process (Rss and Pss from /proc/PID/smaps_rollup) must fall by at least 40 % of
# what the guest touched, and pvx list must show the lower reservation.
. "$(dirname "$0")/lib.sh"

MEM_MIB=128
DELAY_MS=4000

[ -r /proc/self/smaps_rollup ] || skip "this host's /proc has no smaps_rollup (Linux < 4.14)"

cat >"$CFGDIR/bal.cfg" <<CFG
name = "bal"
kernel = "$KERNEL"
memory = $MEM_MIB
cmdline = "app=balloon pct=50 delay_ms=$DELAY_MS"
on_crash = "preserve"
CFG

# mem_kib PID FIELD : a field of the process's smaps_rollup, in KiB
mem_kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/smaps_rollup"; }
# list_mib : the memory column of pvx list for bal
list_mib() { "$PVX" list bal | awk '$1 == "bal" { print $3 }'; }
# logline TEXT : the console line that starts with TEXT
logline() { grep -m1 -F -- "$1" "$PVISOR_RUNDIR/console/bal.log"; }
# ready_or_over TEXT : the line is there, or the guest has shut down
ready_or_over() { console_has bal "$1" || console_has bal "pvkernel: shutting down"; }
# value LINE KEY : N from KEY=N in LINE
value() { sed -n "s/.*[ ;]$2=\([0-9]*\).*/\1/p" <<<"$1"; }

"$PVX" create "$CFGDIR/bal.cfg" || fail "pvx create"
wait_for 60 ready_or_over "balloon: ready"
console_has bal "balloon: ready" ||
	fail "no ready line; console: $(cat "$PVISOR_RUNDIR/console/bal.log" 2>/dev/null)"
pid=$(field bal pid)
[ -n "$pid" ] && [ "$pid" -gt 0 ] || fail "no domain pid in pvx list -l"
[ -r "/proc/$pid/smaps_rollup" ] ||
	skip "cannot read /proc/$pid/smaps_rollup of the domain process (needs root)"
rss0=$(mem_kib "$pid" Rss); pss0=$(mem_kib "$pid" Pss); list0=$(list_mib)
console_has bal "balloon: down" &&
	fail "the guest ballooned before the first measurement; raise DELAY_MS"
ready=$(logline "balloon: ready")
touched=$(value "$ready" touched_kib); res0=$(value "$ready" reservation_kib)
echo "before: Rss ${rss0} KiB, Pss ${pss0} KiB, pvx list ${list0} MiB; $ready"
console_has bal "self-test ok" || fail "the driver's self-test did not pass"
[ "$list0" = "$MEM_MIB" ] || fail "pvx list shows ${list0} MiB before, expected $MEM_MIB"
[ "$res0" -eq $((MEM_MIB * 1024)) ] || fail "guest saw reservation ${res0} KiB before"
[ "$rss0" -ge $((touched * 9 / 10)) ] ||
	fail "Rss ${rss0} KiB before is below the ${touched} KiB the guest touched"

wait_for $((DELAY_MS / 1000 + 60)) ready_or_over "balloon: down"
console_has bal "balloon: down" ||
	fail "no down line; console: $(cat "$PVISOR_RUNDIR/console/bal.log")"
down=$(logline "balloon: down")
rss1=$(mem_kib "$pid" Rss); pss1=$(mem_kib "$pid" Pss); list1=$(list_mib)
res1=$(value "$down" reservation_kib)
echo "after:  Rss ${rss1} KiB, Pss ${pss1} KiB, pvx list ${list1} MiB; $down"

need=$((touched * 4 / 10))
[ $((rss0 - rss1)) -ge "$need" ] || fail "Rss fell by $((rss0 - rss1)) KiB, less than $need KiB"
[ $((pss0 - pss1)) -ge "$need" ] || fail "Pss fell by $((pss0 - pss1)) KiB, less than $need KiB"
[ "$res1" -eq $((res0 / 2)) ] || fail "guest reservation ${res1} KiB, expected $((res0 / 2))"
[ "$list1" -eq $((res1 / 1024)) ] || fail "pvx list shows ${list1} MiB, guest says $((res1 / 1024))"
[ "$(field bal tot_pages)" -eq $((res1 / 4)) ] || fail "pvx list -l tot_pages is not $((res1 / 4))"
case $(state_letters bal) in
-b----|r-----) ;;
*) fail "the guest is not idling: $(state_letters bal)" ;;
esac
ok "host memory fell $((rss0 - rss1)) KiB (Rss) for $((res0 - res1)) KiB given back; pvx list ${list0} -> ${list1} MiB"
"$PVX" destroy bal || fail "pvx destroy"
