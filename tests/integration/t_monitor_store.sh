#!/usr/bin/env bash
# The domain monitor outlives its store: xsd killed (kill -9, no restart), then the
# hypervisor stopped. pvmon notices the store is gone, retries, and when pvisor goes
# too it exits cleanly -- closing its store handle once (the old mon_store closed it
# without forgetting it, and the exit closed it again: a double free, which
# AddressSanitizer reports under make test-asan and glibc's checks often catch).
. "$(dirname "$0")/lib.sh"
"$PVX" create -q "$(mkcfg watched 'cmdline = "app=spin"')" || fail "create"
id=$("$PVX" domid watched)
wait_for 10 grep -q "dom$id (watched): watching it" "$PVISOR_RUNDIR/pvmon.log" ||
	fail "no monitor: $(cat "$PVISOR_RUNDIR/pvmon.log")"
mon=$(cat "$PVISOR_RUNDIR/pvmon.pid") && [ "$mon" -gt 0 ] || fail "no pvmon pid file"
kill "$(cat "$PVISOR_RUNDIR/pvsup.pid")" # the supervisor would start xsd again
wait_for 10 test ! -e "$PVISOR_RUNDIR/pvsup.pid" || fail "pvsup did not stop"
kill -9 "$(cat "$PVISOR_RUNDIR/xsd.pid")"
sleep 0.5 # the monitor sees its store connection drop and starts retrying
kill "$(pvisor_pid)"
wait_for 20 proc_gone "$mon" || fail "pvmon still runs after the store and pvisor went"
log=$(cat "$PVISOR_RUNDIR/pvmon.log")
echo "$log"
grep -q "stopping: the hypervisor is gone" <<<"$log" || fail "pvmon did not stop cleanly"
grep -Eqi "double free|AddressSanitizer|runtime error|free\(\): invalid" <<<"$log" &&
	fail "pvmon's exit was not clean"
ok "pvmon exits once its store and pvisor are gone, closing its store handle once"
