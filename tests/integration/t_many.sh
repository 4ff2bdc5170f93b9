#!/usr/bin/env bash
# 20 guests at once: all start, all run, all go away.
. "$(dirname "$0")/lib.sh"
"$PVX" daemons start || fail "daemons"
pids=()
for i in $(seq 1 20); do
	cfg=$(mkcfg "m$i" 'cmdline = "app=mem mib=1"' 'memory = 8')
	"$PVX" create -q "$cfg" & pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a create failed"; done
n=$("$PVX" list | grep -c '^m[0-9]* ')
[ "$n" -eq 20 ] || fail "$n of 20 listed"
for i in $(seq 1 20); do
	wait_for 10 console_has "m$i" "mem: touched 1 MiB" || fail "m$i did not run"
done
ok "20 guests running"
for i in $(seq 1 20); do "$PVX" destroy "m$i" || fail "destroy m$i"; done
[ "$("$PVX" list | grep -c '^m[0-9]* ')" -eq 0 ] || fail "guests left"
[ "$(domain_procs)" -eq 0 ] || fail "domain processes left"
ok "20 guests destroyed"
