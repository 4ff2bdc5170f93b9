#!/usr/bin/env bash
# Guests that fault or make forbidden system calls end crashed with the reason
# recorded, while a neighbour keeps running.
. "$(dirname "$0")/lib.sh"
cfg=$(mkcfg neighbour 'cmdline = "app=spin"')
"$PVX" create -q "$cfg" || fail "create neighbour"
wait_for 5 console_has neighbour "spin: spinning" || fail "neighbour did not start"
t0=$(field neighbour cpu_time_ns)
for app in fault badsys ud; do
	cfg=$(mkcfg "c-$app" "cmdline = \"app=$app\"")
	"$PVX" create -q -c "$cfg" >/dev/null || fail "create c-$app"
	[ "$(state_letters c-$app)" = "---sc-" ] || fail "c-$app state $(state_letters c-$app)"
	[ "$(field c-$app state)" = crashed ] || fail "c-$app not crashed"
done
field c-fault crash_reason | grep -q 'SIGSEGV (page fault) at rip 0x4010.*address 0x1000' ||
	fail "fault reason: $(field c-fault crash_reason)"
field c-badsys crash_reason | grep -q '^forbidden system call 39 at rip 0x4010' ||
	fail "badsys reason: $(field c-badsys crash_reason)"
field c-ud crash_reason | grep -q '^SIGILL' || fail "ud reason: $(field c-ud crash_reason)"
ok "crash reasons: $(field c-badsys crash_reason)"
sleep 0.3
t1=$(field neighbour cpu_time_ns)
[ "$t1" -gt "$t0" ] || fail "neighbour stopped running"
[ "$(state_letters neighbour)" = "r-----" ] || fail "neighbour state $(state_letters neighbour)"
ok "neighbour kept running ($t0 -> $t1 ns)"
# on_crash = destroy (the default) removes a crashed domain
cfg=$(mkcfg gone 'cmdline = "app=fault"' 'on_crash = "destroy"')
"$PVX" create -q -c "$cfg" >/dev/null
wait_for 5 bash -c "! '$PVX' list gone" || fail "on_crash=destroy left the domain"
ok "on_crash=destroy"
