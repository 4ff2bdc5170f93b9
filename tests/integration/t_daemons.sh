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

# kill -9 then daemons start: a killed daemon keeps accepting on its socket until the
# kernel has torn it down (late on a loaded host); start must wait for it to be gone and
# start a new one, not take it for running. A task frozen in a cgroup-v1 freezer holds
# its SIGKILL until thawed: a kill that takes as long as we like.
fz=/sys/fs/cgroup/freezer
if [ -w "$fz" ] && [ -e "$fz/cgroup.procs" ] && mkdir "$fz/pvtest.$$" 2>/dev/null; then
	g=$fz/pvtest.$$
	trap 'echo THAWED >"$g/freezer.state" 2>/dev/null; cleanup; rmdir "$g" 2>/dev/null' EXIT
	"$PVX" daemons start || fail "daemons start"
	old=$(cat "$PVISOR_RUNDIR/xsd.pid")
	echo "$old" >"$g/cgroup.procs" && echo FROZEN >"$g/freezer.state" || fail "freeze xsd"
	wait_for 30 grep -qx FROZEN "$g/freezer.state" || fail "xsd did not freeze"
	kill -9 "$old"
	grep -q '^SigPnd:.*100$' "/proc/$old/status" || fail "no SIGKILL pending: $(cat /proc/$old/status)"
	(sleep 2; echo THAWED >"$g/freezer.state") &
	"$PVX" daemons start || fail "daemons start after kill -9"
	new=$(cat "$PVISOR_RUNDIR/xsd.pid")
	[ "$new" != "$old" ] && kill -0 "$new" || fail "the dying xsd $old was taken for running"
	"$BIN/xs" ls / >/dev/null || fail "the new xsd does not answer"
	ok "kill -9 then daemons start: the dying xsd is waited for and replaced"
else
	echo "no writable cgroup-v1 freezer: the dying-daemon case is not tried"
fi
