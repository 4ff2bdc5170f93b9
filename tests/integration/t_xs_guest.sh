#!/usr/bin/env bash
# The store end to end with real guests: the toolstack's layout, a guest's xenbus
# (its own name, isolation from another guest, a transaction conflict and retry, a
# watch fired from dom0, the node quota), pvx shutdown and pvx reboot through
# control/shutdown, on_reboot=restart, and xsd killed and restarted under running
# guests. Deadlines are generous: the test waits for states, and a loaded host is slow.
. "$(dirname "$0")/lib.sh"
export XENSTORED_PATH=$PVISOR_RUNDIR/xenstored.sock
command -v xenstore-read >/dev/null || skip "xenstore-utils not installed (make deps)"
X="$BIN/xs"

# a victim guest the tester will try to reach
"$PVX" create -q "$(mkcfg victim 'cmdline = "app=sleep ms=1000 n=600"')" || fail "create victim"
vid=$("$PVX" domid victim)
[ "$(xenstore-read /local/domain/$vid/name)" = victim ] || fail "layout: name"
[ "$(xenstore-read /local/domain/$vid/domid)" = "$vid" ] || fail "layout: domid"
vm=$(xenstore-read /local/domain/$vid/vm)
[ "$(xenstore-read "$vm/name")" = victim ] || fail "layout: $vm/name"
[ "$(xenstore-read /local/domain/$vid/memory/target)" = 16384 ] || fail "layout: memory/target"
wait_for 30 xenstore-read /local/domain/$vid/control/feature-poweroff || fail "guest xenbus did not announce feature-poweroff"
[ "$(xenstore-ls -p /local/domain/$vid | grep -c '^control = .*(n'$vid')')" = 1 ] || fail "control/ not owned by the guest"
ok "toolstack layout (name, domid, vm, memory, control owned by the guest)"

"$X" control quota set nodes 120 >/dev/null || fail "quota set"
"$PVX" create -q "$(mkcfg tester "cmdline = \"app=xstest op=check other=$vid\"")" || fail "create tester"
tid=$("$PVX" domid tester)
wait_for 30 console_has tester "xstest: watching data/ping" || fail "tester did not reach its watch: $(cat $PVISOR_RUNDIR/console/tester.log)"
xenstore-write /local/domain/$tid/data/ping hello || fail "dom0 write data/ping"
wait_for 30 console_has tester "xstest: idle" || fail "tester did not finish: $(cat $PVISOR_RUNDIR/console/tester.log)"
log=$PVISOR_RUNDIR/console/tester.log
expect_line() { grep -qxF "$1" "$log" || fail "expected '$1' in the tester's console: $(cat "$log")"; }
expect_line "xstest: name = tester (OK)"
expect_line "xstest: domid = $tid"
expect_line "xstest: read other: EACCES"
expect_line "xstest: write other: EACCES"
expect_line "xstest: write dom0: EACCES"
expect_line "xstest: own write/read: OK world"
expect_line "xstest: transaction attempt 1: EAGAIN"
expect_line "xstest: transaction attempt 2: OK"
expect_line "xstest: counter after retry = 2"
expect_line "xstest: watch fired: OK data/ping" # relative watch, relative event path (as Xen)
grep -q "^xstest: quota: ENOSPC after [0-9]* nodes$" "$log" || fail "no quota error: $(cat "$log")"
[ "$(xenstore-read /local/domain/$tid/data/hello)" = world ] || fail "dom0 cannot see the guest's write"
ok "guest xenbus: own name, other guests refused, conflict EAGAIN then retry, watch, quota ENOSPC"
"$X" control quota set nodes 1000 >/dev/null

# xsd killed and restarted: running guests keep their store connection. daemons start
# must not take the killed xsd, whose socket answers until it is torn down, for running.
kill -9 "$(cat "$PVISOR_RUNDIR/xsd.pid")"
"$PVX" daemons start >/dev/null 2>&1 || fail "daemons start"
wait_for 30 xenstore-read /local/domain/$tid/name || fail "xsd did not come back"
grep -q "reconnected 2 running domain" "$PVISOR_RUNDIR/xsd.log" || fail "xsd did not reconnect the guests: $(tail -5 $PVISOR_RUNDIR/xsd.log)"
ok "xsd killed and restarted reconnects the running guests"

# pvx shutdown through control/shutdown (after the restart: the watch survived? no:
# the guest's watch is re-made by xsd's recovery only if the guest re-registers, so
# shutdown must work through the ring either way)
"$PVX" shutdown -w tester || fail "pvx shutdown tester"
wait_for 30 console_has tester "xenbus: control/shutdown asks for poweroff" || fail "guest did not see control/shutdown"
wait_for 30 sh -c "! '$PVX' list tester" || fail "tester still listed after poweroff"
wait_for 30 sh -c "! xenstore-read /local/domain/$tid/name" || fail "tester's store entries left behind"
ok "pvx shutdown powers the guest off through control/shutdown; its store entries go"

# pvx reboot with on_reboot = restart (the default): a new domain of the same name
"$PVX" reboot victim || fail "pvx reboot victim"
# one lookup per try: two could see the old domain, then none in between (destroyed,
# the new one not created yet), and pass on an empty id
wait_for 30 sh -c "id=\$('$PVX' domid victim 2>/dev/null) && [ -n \"\$id\" ] && [ \"\$id\" != $vid ]" ||
	fail "victim was not restarted: $("$PVX" list) $(cat $PVISOR_RUNDIR/pvmon.log)"
nid=$("$PVX" domid victim)
wait_for 30 xenstore-read /local/domain/$nid/control/feature-poweroff || fail "restarted victim has no xenbus"
[ "$(xenstore-read /local/domain/$nid/vm)" = "$vm" ] || fail "restarted victim changed uuid"
xenstore-read /local/domain/$vid/name >/dev/null 2>&1 && fail "old victim's entries left behind"
ok "pvx reboot restarts the guest as a new domain (same name and uuid)"

# on_reboot = destroy: a rebooting guest goes away
"$PVX" create -q "$(mkcfg rb 'cmdline = "app=sleep ms=1000 n=60"' 'on_reboot = "destroy"')" || fail "create rb"
wait_for 30 xenstore-read /local/domain/$("$PVX" domid rb)/control/feature-reboot || fail "rb has no xenbus"
"$PVX" reboot -w rb || fail "pvx reboot rb"
wait_for 30 sh -c "! '$PVX' list rb" || fail "rb with on_reboot=destroy still exists"
ok "on_reboot = destroy is honoured"

# a guest whose feature key is gone is still asked through control/shutdown, as
# libxl asks every PV guest (the key only sets how long pvx waits before -F)
"$PVX" destroy victim
"$PVX" create -q "$(mkcfg sp 'cmdline = "app=sleep ms=1000 n=60"')" || fail "create sp"
spid=$("$PVX" domid sp)
wait_for 30 xenstore-read /local/domain/$spid/control/feature-poweroff || fail "sp has no xenbus"
xenstore-rm /local/domain/$spid/control/feature-poweroff
timeout 60 "$PVX" shutdown -w sp || fail "shutdown without the feature key"
console_has sp "control/shutdown asks for poweroff" || fail "sp did not take the request"
ok "no feature key: the guest is asked all the same and powers off"

# a hostile guest breaks its own ring: xsd stops serving it, nobody else notices
"$PVX" create -q "$(mkcfg evil 'cmdline = "app=xstest op=evil"')" || fail "create evil"
wait_for 30 console_has evil "xstest: evil header sent" || fail "evil guest did not finish: $(cat $PVISOR_RUNDIR/console/evil.log)"
console_has evil "store error word = 3" || fail "xsd did not flag the ring as PROTO (3): $(cat $PVISOR_RUNDIR/console/evil.log)"
wait_for 30 grep -q "dom$("$PVX" domid evil): broke the store ring protocol" "$PVISOR_RUNDIR/xsd.log" || fail "no log line for the broken ring"
kill -0 "$(cat "$PVISOR_RUNDIR/xsd.pid")" || fail "xsd died"
"$PVX" create -q "$(mkcfg after 'cmdline = "app=sleep ms=1000 n=60"')" || fail "create after"
wait_for 30 xenstore-read /local/domain/$("$PVX" domid after)/control/feature-poweroff || fail "a guest started after the evil one has no store"
"$PVX" shutdown -w after || fail "shutdown after"
ok "a guest that breaks its store ring is cut off; xsd and other guests carry on"
