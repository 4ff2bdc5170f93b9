#!/usr/bin/env bash
# Pause stops a guest's CPU time; unpause resumes it.
. "$(dirname "$0")/lib.sh"
cfg=$(mkcfg pz 'cmdline = "app=spin"')
"$PVX" create -q "$cfg" || fail "create"
wait_for 5 console_has pz "spin: spinning" || fail "guest did not start"
sleep 0.3
"$PVX" pause pz || fail "pause"
[ "$(state_letters pz)" = "--p---" ] || fail "paused state is $(state_letters pz)"
t1=$(field pz cpu_time_ns); sleep 0.5; t2=$(field pz cpu_time_ns)
[ "$t1" = "$t2" ] || fail "CPU time moved while paused: $t1 -> $t2"
ok "paused: --p---, CPU time frozen at $t1 ns"
"$PVX" unpause pz || fail "unpause"
# wait for the state (100 ms of CPU more), not a guessed time: beside other tests
# the spinning guest may get a fraction of a core
resumed() { t3=$(field pz cpu_time_ns); [ "$t3" -gt $((t2 + 100000000)) ]; }
wait_for 20 resumed || fail "CPU time did not resume: $t2 -> $(field pz cpu_time_ns)"
t3=$(field pz cpu_time_ns)
[ "$(state_letters pz)" = "r-----" ] || fail "state after unpause is $(state_letters pz)"
ok "unpaused: CPU time $t2 -> $t3 ns"
