#!/usr/bin/env bash
# The domain monitor (pvmon, one daemon for the run directory): a restart is the
# same domain (name from a command-line override, uuid, MAC drawn at create, kernel
# path relative to the config's folder); a guest that keeps rebooting is restarted 5
# times within 10 s, then kept for inspection; a domain that goes is cleaned up after
# (store entries, saved config); one pvmon serves every domain, whatever their number.
. "$(dirname "$0")/lib.sh"
export PVISOR_NET_TAP=0
X="$BIN/xs"
mon_log() { cat "$PVISOR_RUNDIR/pvmon.log" 2>/dev/null; }

# a config in its own folder with a relative kernel path and a vif without mac=
mkdir -p "$CFGDIR/sub"
cp "$KERNEL" "$CFGDIR/sub/kernel"
cat >"$CFGDIR/sub/m.cfg" <<CFG
name = "m-file"
kernel = "kernel"
memory = 16
cmdline = "app=sleep ms=1000 n=600"
vif = [ 'bridge=monsw' ]
CFG
(cd / && "$PVX" create -q "$CFGDIR/sub/m.cfg" name=mon) || fail "create mon"
id=$("$PVX" domid mon)
mac=$("$X" read "/local/domain/0/backend/vif/$id/0/mac") || fail "mon has no vif"
vm=$("$X" read "/local/domain/$id/vm")
wait_for 10 grep -q "dom$id (mon): watching it" "$PVISOR_RUNDIR/pvmon.log" || fail "no monitor: $(mon_log)"
wait_for 10 "$X" read "/local/domain/$id/control/feature-reboot" || fail "mon has no xenbus"
"$PVX" reboot mon || fail "pvx reboot mon"
wait_for 10 sh -c "n=\$('$PVX' domid mon 2>/dev/null) && [ -n \"\$n\" ] && [ \"\$n\" != $id ]" ||
	fail "mon was not restarted: $(mon_log)"
nid=$("$PVX" domid mon)
[ "$("$X" read "/local/domain/$nid/vm")" = "$vm" ] || fail "restarted mon changed uuid"
[ "$("$X" read "/local/domain/0/backend/vif/$nid/0/mac")" = "$mac" ] || fail "restarted mon changed MAC"
[ -f "$PVISOR_RUNDIR/domains/$id.cfg" ] && fail "the old domain's saved config is left"
wait_for 10 grep -q "dom$id (mon): restarted as dom$nid" "$PVISOR_RUNDIR/pvmon.log" ||
	fail "log: $(mon_log)"
ok "restart: same name (an override), uuid and MAC $mac; relative kernel path; new id $nid"

# gone: the hypervisor destroys it (on_poweroff = destroy), the monitor cleans up
"$PVX" shutdown -w mon || fail "pvx shutdown mon"
wait_for 10 sh -c "! '$X' read /local/domain/$nid/name" || fail "mon's store entries left: $(mon_log)"
wait_for 10 test ! -f "$PVISOR_RUNDIR/domains/$nid.cfg" || fail "mon's saved config left"
wait_for 10 grep -q "dom$nid (mon): gone" "$PVISOR_RUNDIR/pvmon.log" || fail "log: $(mon_log)"
ok "a gone domain's store entries and saved config are removed"

# a guest that reboots at once, forever: 5 restarts within 10 s, then it is kept
"$PVX" create -q "$(mkcfg looper 'cmdline = "app=reboot"')" || fail "create looper"
wait_for 30 grep -q "(looper): restarted 5 times within 10 s" "$PVISOR_RUNDIR/pvmon.log" ||
	fail "no restart limit: $(mon_log)"
[ "$(grep -c '(looper): restarted as' "$PVISOR_RUNDIR/pvmon.log")" -eq 5 ] ||
	fail "not 5 restarts: $(mon_log)"
[ "$(field looper state)" = shutdown ] || fail "looper not kept shut down: $(field looper state)"
ok "a rebooting guest is restarted 5 times, then kept for inspection"
"$PVX" destroy looper || fail "destroy looper"
wait_for 10 grep -q "(looper): gone" "$PVISOR_RUNDIR/pvmon.log" || fail "looper's monitor missed it"
mons() { # pvmon processes of this run directory
	local p
	for p in $(pgrep -x pvmon); do
		tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "PVISOR_RUNDIR=$PVISOR_RUNDIR" &&
			echo "$p"
	done
}
for i in 1 2 3; do "$PVX" create -q "$(mkcfg "many$i" 'cmdline = "app=sleep ms=1000 n=600"')" || fail "create many$i"; done
[ "$(mons | wc -l)" = 1 ] || fail "not one pvmon for 3 domains: $(mons)"
[ "$(mons)" = "$(cat "$PVISOR_RUNDIR/pvmon.pid")" ] || fail "pvmon.pid is not the monitor"
# killed, it comes back by itself (pvsup) and knows the running domains again
old=$(mons)
kill -9 "$old"
back() { [ "$(mons | wc -l)" = 1 ] && [ "$(mons)" != "$old" ] && [ "$(cat "$PVISOR_RUNDIR/pvmon.pid")" = "$(mons)" ]; }
wait_for 20 back || fail "pvmon did not come back after kill -9: $(tail -3 "$PVISOR_RUNDIR/pvsup.log")"
# the log since the newest pvmon started watches many3
new_watches() {
	awk '/monitoring the domains/ { b = "" } { b = b $0 "\n" } END { printf "%s", b }' \
		"$PVISOR_RUNDIR/pvmon.log" | grep -q '(many3): watching it'
}
wait_for 10 new_watches ||
	fail "the new pvmon does not watch many3: $(mon_log)"
ok "pvmon killed (-9): back as pid $(mons), watching the running domains"
for i in 1 2 3; do "$PVX" destroy "many$i" || fail "destroy many$i"; done
gone3() { [ "$(grep -c '(many[123]): gone' "$PVISOR_RUNDIR/pvmon.log")" = 3 ]; }
wait_for 10 gone3 ||
	fail "pvmon did not see the 3 go: $(mon_log)"
[ "$(mons | wc -l)" = 1 ] || fail "pvmon did not stay: $(mons)"
mon_pid=$(mons)
"$PVX" daemons stop >/dev/null || fail "daemons stop"
wait_for 10 proc_gone "$mon_pid" || fail "pvmon $mon_pid left running after daemons stop"
ok "one pvmon serves the run directory; it stops with the daemons"
