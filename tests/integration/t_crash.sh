#!/usr/bin/env bash
# Guests that fault or make forbidden system calls end crashed with the reason
# recorded, while a neighbour keeps running.
. "$(dirname "$0")/lib.sh"
cfg=$(mkcfg neighbour 'cmdline = "app=spin"')
"$PVX" create -q "$cfg" || fail "create neighbour"
wait_for 5 console_has neighbour "spin: spinning" || fail "neighbour did not start"
t0=$(field neighbour cpu_time_ns)
for app in fault badsys ud forge; do
	cfg=$(mkcfg "c-$app" "cmdline = \"app=$app\"")
	"$PVX" create -q -c "$cfg" >/dev/null || fail "create c-$app"
	[ "$(state_letters c-$app)" = "---sc-" ] || fail "c-$app state $(state_letters c-$app)"
	[ "$(field c-$app state)" = crashed ] || fail "c-$app not crashed"
done
# The reason: what pvisor saw (which vCPU reported, from where), then the guest's
# claim, labelled; pvx list -l also gives the claim alone.
seen="^vCPU 0 reported a fault from the launcher's fault handler (rip 0x100[0-9a-f]*); the guest's claim: "
field c-fault crash_reason | grep -q "${seen}SIGSEGV (page fault) at rip 0x4010.*address 0x1000" ||
	fail "fault reason: $(field c-fault crash_reason)"
field c-badsys crash_reason | grep -q "${seen}forbidden system call 39 at rip 0x4010" ||
	fail "badsys reason: $(field c-badsys crash_reason)"
field c-ud crash_reason | grep -q "${seen}SIGILL" || fail "ud reason: $(field c-ud crash_reason)"
field c-ud crash_guest_claim | grep -q '^SIGILL (invalid or privileged instruction) at rip 0x4' ||
	fail "ud claim: $(field c-ud crash_guest_claim)"
field c-forge crash_reason | grep -q "^vCPU 0 reported a fault from guest code, not the launcher's handler (rip 0x4[0-9a-f]*); the guest's claim: SIGSEGV (page fault) at rip 0xfeedface, address 0xbad0add7, rsp 0x5ca1ab1e" ||
	fail "forged reason: $(field c-forge crash_reason)"
"$PVX" dmesg | grep -q "crashed: vCPU 0 reported a fault from guest code.*the guest's claim: SIGSEGV" ||
	fail "dmesg does not label the forged claim: $("$PVX" dmesg | grep c-forge)"
ok "crash reasons: $(field c-badsys crash_reason)"
ok "a forged report: $(field c-forge crash_reason)"
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
