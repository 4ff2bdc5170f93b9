#!/usr/bin/env bash
# Destroy frees a domain: no process, no guest memory left in the hypervisor.
. "$(dirname "$0")/lib.sh"
cfg=$(mkcfg victim 'cmdline = "app=mem mib=8"' 'memory = 32')
"$PVX" create -q "$cfg" || fail "create"
wait_for 5 console_has victim "mem: touched 8 MiB" || fail "guest did not touch its memory"
pid=$(field victim pid)
[ -d "/proc/$pid" ] || fail "no domain process"
hv=$(pvisor_pid)
maps() { grep -c 'pvisor-guest' "/proc/$hv/maps"; }
[ "$(maps)" -ge 1 ] || fail "hypervisor has no mapping of guest memory"
"$PVX" destroy victim || fail "destroy"
[ ! -d "/proc/$pid" ] || fail "domain process $pid still exists"
[ "$(maps)" -eq 0 ] || fail "hypervisor still maps guest memory"
! "$PVX" list victim >/dev/null 2>&1 || fail "destroyed domain still listed"
ok "process $pid gone, guest memory unmapped"
out=$("$PVX" destroy victim 2>&1) && fail "destroying twice succeeded"
[ "$out" = "pvx: victim: no such domain; 'pvx list' shows the domains" ] || fail "message: $out"
ok "unknown domain: $out"
