#!/usr/bin/env bash
# Daemons start on first use, report status, stop; several run directories side by
# side; killing the hypervisor takes its domains with it.
. "$(dirname "$0")/lib.sh"
"$PVX" daemons status | grep -q '^pvisor *stopped' || fail "pvisor running before first use"
cfg=$(mkcfg d1 'cmdline = "app=spin"')
"$PVX" create -q "$cfg" || fail "create started no daemons"
"$PVX" daemons status | grep -Eq '^pvisor *running \(pid [0-9]+\)' || fail "status"
ok "started on first use"

# a second, independent host in another run directory
other=$(mktemp -d /tmp/pvtest.XXXXXX)
PVISOR_RUNDIR=$other "$PVX" create -q "$cfg" || fail "second host"
PVISOR_RUNDIR=$other "$PVX" list | grep -q '^d1 ' || fail "d1 missing on second host"
[ "$(PVISOR_RUNDIR=$other "$PVX" domid d1)" = 1 ] || fail "second host numbering"
PVISOR_RUNDIR=$other "$PVX" daemons stop || fail "stop second"
rm -rf "$other"
"$PVX" list | grep -q '^d1 ' || fail "first host lost its domain"
ok "two run directories side by side"

pid=$(field d1 pid)
kill -9 "$(pvisor_pid)"
wait_for 5 test ! -d "/proc/$pid" || fail "domain process survived the hypervisor"
ok "domains die with the hypervisor"
"$PVX" create -q "$cfg" || fail "restart after kill: $(cat "$PVISOR_RUNDIR/pvsup.log")"
"$PVX" daemons stop || fail "stop"
"$PVX" daemons status | grep -q '^pvisor *stopped' || fail "still running after stop"
ok "restarted, stopped"

# a stale pid file that now names an unrelated process: stop must not signal it
sleep 60 & bystander=$!
echo "$bystander" >"$PVISOR_RUNDIR/xsd.pid"
"$PVX" daemons stop || fail "stop with a stale pid file"
kill -0 "$bystander" 2>/dev/null || fail "stop signalled an unrelated process"
kill "$bystander"
ok "stale pid file: the unrelated process was left alone"
