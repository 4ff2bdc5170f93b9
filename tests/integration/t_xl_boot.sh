#!/usr/bin/env bash
# Configs people already have, on real guests: bootloader= runs the named
# program with xl's arguments and boots the kernel and command line it reads
# back (tests/tools/test-bootloader.sh, pygrub's way), also at a restart; a
# failing bootloader leaves no domain. vif script= runs as Xen's hotplug scripts
# run (tests/tools/test-vif-script.sh records its arguments and environment):
# online before the guest runs, offline at detach and destroy; a failing one
# fails the create. rtc_timeoffset moves the guest's wallclock.
. "$(dirname "$0")/lib.sh"
export XENSTORED_PATH=$PVISOR_RUNDIR/xenstored.sock
# Set before the daemons start: the domain monitor (pvmon, a daemon) runs the offline
# scripts of a domain that goes too, with the environment it was started with.
export PVTEST_HOTPLUG_LOG=$PVISOR_RUNDIR/hotplug.rec
BL=$TOP/tests/tools/test-bootloader.sh
VS=$TOP/tests/tools/test-vif-script.sh

mkdir -p "$PVISOR_RUNDIR/disk/boot"
cp "$KERNEL" "$PVISOR_RUNDIR/disk/boot/pvkernel"
echo "app=mem mib=1 found=bootloader" >"$PVISOR_RUNDIR/disk/boot/cmdline"
tar -cf "$PVISOR_RUNDIR/boot.tar" -C "$PVISOR_RUNDIR/disk" boot
cat >"$CFGDIR/bl.cfg" <<CFG
name = "bl"
memory = 16
bootloader = "$BL"
bootloader_args = [ "--entry=0", "-q" ]
disk = [ '$PVISOR_RUNDIR/boot.tar,raw,xvda,r' ]
CFG
"$PVX" create -q "$CFGDIR/bl.cfg" || fail "create bl"
wait_for 20 console_has bl 'cmdline "app=mem mib=1 found=bootloader"' || fail "bl did not boot what the bootloader found"
args=$PVISOR_RUNDIR/boot.tar.args
grep -qx -- "--output-format=simple0" "$args" && grep -q -- "^--output=$PVISOR_RUNDIR/" "$args" &&
	grep -q -- "^--output-directory=$PVISOR_RUNDIR/" "$args" || fail "xl's arguments: $(cat "$args")"
[ "$(tail -3 "$args" | tr '\n' ' ')" = "--entry=0 -q $PVISOR_RUNDIR/boot.tar " ] ||
	fail "bootloader_args then the disk, last: $(cat "$args")"
ls -d "$PVISOR_RUNDIR"/bootloader.*.d 2>/dev/null && fail "the bootloader's files were left"
: >"$args"
timeout 60 "$PVX" reboot -w bl 2>/dev/null || fail "reboot bl"
wait_for 20 test -s "$args" || fail "the bootloader did not run at the restart"
sed -i 's/"-q" ]/"-q", "--fail" ]/' "$CFGDIR/bl.cfg"
sed -i 's/name = "bl"/name = "bl2"/' "$CFGDIR/bl.cfg"
out=$("$PVX" create -q "$CFGDIR/bl.cfg" 2>&1) && fail "create with a failing bootloader succeeded"
grep -q "test-bootloader.sh failed (exit status 3)" <<<"$out" || fail "failing bootloader: $out"
"$PVX" list bl2 >/dev/null 2>&1 && fail "a failing bootloader left a domain"
ok "bootloader: xl's arguments, the kernel and cmdline it found, again at restart; a failure leaves nothing"

"$PVX" create -q "$(mkcfg hp 'cmdline = "app=mem mib=1"' \
	"vif = [ 'bridge=sw0,script=$VS,vifname=hpv0,model=e1000' ]")" 2>/dev/null || fail "create hp"
id=$("$PVX" domid hp)
grep -qx "online type_if=vif script=$VS type=vif path=backend/vif/$id/0 base=backend vif=hpv0 netdev= mac=.*" \
	"$PVTEST_HOTPLUG_LOG" || fail "online run: $(cat "$PVTEST_HOTPLUG_LOG")"
[ "$(xenstore-read /local/domain/0/backend/vif/$id/0/hotplug-status)" = connected ] ||
	fail "the script's hotplug-status"
"$PVX" network-attach hp bridge=sw0 "script=$VS" 2>/dev/null || fail "network-attach"
grep -q "^online .* path=backend/vif/$id/1 .* vif=vif$id.1 " "$PVTEST_HOTPLUG_LOG" || fail "attach online"
"$PVX" network-detach hp 1 || fail "network-detach"
grep -q "^offline .* path=backend/vif/$id/1 .* mac=00:16:3e" "$PVTEST_HOTPLUG_LOG" ||
	fail "detach offline (with the store still there): $(cat "$PVTEST_HOTPLUG_LOG")"
"$PVX" destroy hp
wait_for 10 grep -q "^offline .* path=backend/vif/$id/0 " "$PVTEST_HOTPLUG_LOG" || fail "destroy offline"
sleep 1
[ "$(grep -c "^offline .* path=backend/vif/$id/0 " "$PVTEST_HOTPLUG_LOG")" = 1 ] ||
	fail "offline ran more than once: $(cat "$PVTEST_HOTPLUG_LOG")"
out=$(PVTEST_HOTPLUG_FAIL=1 "$PVX" create -q "$(mkcfg hp2 "vif = [ 'bridge=sw0,script=$VS' ]")" 2>&1) &&
	fail "create with a failing hotplug script succeeded"
grep -q "hotplug script online" <<<"$out" || fail "failing script: $out"
"$PVX" list hp2 >/dev/null 2>&1 && fail "a failing hotplug script left a domain"
ok "vif script=: online / offline with Xen's arguments and environment; a failure fails the create"

"$PVX" create -q "$(mkcfg clk 'rtc_timeoffset = 3600' 'cmdline = "app=shell"')" || fail "create clk"
wait_for 20 console_has clk "pvkernel" || fail "clk did not boot"
sleep 1
echo date | timeout 20 "$PVX" console clk >"$PVISOR_RUNDIR/date.out"
guest=$(sed -n 's/.*date: \([0-9]*\)\..*/\1/p' "$PVISOR_RUNDIR/date.out" | head -1)
[ -n "$guest" ] || fail "no date from the guest: $(cat "$PVISOR_RUNDIR/date.out")"
d=$((guest - $(date +%s)))
[ "$d" -ge 3590 ] && [ "$d" -le 3610 ] || fail "guest clock is $d s ahead, expected 3600"
ok "rtc_timeoffset: the guest's wallclock is 3600 s ahead"
