#!/usr/bin/env bash
# A guest sleeping 100 ms on its one-shot timer (set_timer_op + VIRQ_TIMER + block)
# wakes within scheduling noise: never early, at most 50 ms late.
. "$(dirname "$0")/lib.sh"
cfg=$(mkcfg sl 'cmdline = "app=sleep ms=100 n=5"')
out=$(timeout 30 "$PVX" create -c "$cfg" 2>&1) || fail "create -c: $out"
echo "$out" | grep '^sleep:'
n=0
while read -r asked slept; do
	[ "$slept" -ge "$asked" ] || fail "woke early: $slept us < $asked us"
	[ "$slept" -le $((asked + 50000)) ] || fail "woke late: $slept us for $asked us"
	n=$((n + 1))
done < <(sed -n 's/^sleep: [0-9]*: asked \([0-9]*\) us, slept \([0-9]*\) us$/\1 \2/p' <<<"$out")
[ $n -eq 5 ] || fail "expected 5 sleeps, saw $n: $out"
grep -q '^sleep: 5 timer interrupts$' <<<"$out" || fail "timer interrupts: $out"
ok "5 sleeps of 100 ms, none early, none more than 50 ms late"
# the CPU stays idle while the guest sleeps: the domain blocks
cfg=$(mkcfg sl2 'cmdline = "app=sleep ms=2000 n=1"')
"$PVX" create -q "$cfg" >/dev/null || fail "create sl2"
sleep 0.5
[ "$(state_letters sl2)" = "-b----" ] || fail "sleeping guest is $(state_letters sl2), not blocked"
t0=$(field sl2 cpu_time)
sleep 0.5
t1=$(field sl2 cpu_time)
[ $((t1 - t0)) -lt 50000000 ] || fail "sleeping guest used $((t1 - t0)) ns of CPU in 0.5 s"
ok "a sleeping guest is blocked and uses no CPU"
