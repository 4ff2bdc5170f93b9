#!/usr/bin/env bash
# The hvm engine runs the reference kernel unmodified -- only type = "hvm" differs:
# banner, the shell over pvx console, the store from inside (xstest), a tar disk
# listed through blkfront, a ping to a pv guest on the same switch; pause, unpause,
# quiesce, destroy; SMP and timers; on_crash = "preserve" after a triple fault. Skipped, saying why, where the
# host has no usable /dev/kvm.
. "$(dirname "$0")/lib.sh"
XS=$BIN/xs
"$PVX" daemons start >/dev/null || fail "daemons start"
hvm_require

log() { cat "$PVISOR_RUNDIR/console/$1.log" 2>/dev/null; }

# Banner and shell, and what pvx list -l says of it.
"$PVX" create -q "$(mkcfg hs 'type = "hvm"' 'cmdline = "app=shell"')" || fail "create hs"
wait_for 20 console_has hs "pvk>" || fail "no shell prompt: $(log hs)"
console_has hs "pvkernel 0.1:" || fail "no banner: $(log hs)"
out=$( (printf 'echo hvm answer 42\n'; sleep 1; printf '\035') | timeout 20 "$PVX" console hs)
grep -qx 'hvm answer 42' <<<"$(tr -d '\r' <<<"$out")" || fail "no answer over pvx console: $out"
[ "$(field hs engine)" = hvm ] || fail "list -l: engine $(field hs engine), not hvm"
"$PVX" list -l hs | grep -q '"type": "hvm"' || fail "list -l: no type hvm"
ok "banner, shell answers over pvx console, list -l shows the hvm engine"

# Pause freezes it, unpause lets it answer again.
"$PVX" pause hs || fail "pause"
[[ $(state_letters hs) == *p* ]] || fail "not paused: $(state_letters hs)"
t0=$(field hs cpu_time_ns)
sleep 0.3
[ "$(field hs cpu_time_ns)" = "$t0" ] || fail "CPU time moves while paused"
"$PVX" unpause hs || fail "unpause"
out=$( (printf 'echo after unpause\n'; sleep 1; printf '\035') | timeout 20 "$PVX" console hs)
grep -qx 'after unpause' <<<"$(tr -d '\r' <<<"$out")" || fail "no answer after unpause: $out"
ok "pause (--p---, CPU time frozen) and unpause"

# Save/restore's hooks: quiesced again and again, registers read and written back.
out=$("$BIN/vcpuctx" "$("$PVX" domid hs)" cycles=20 gap_ms=5 2>&1) || fail "vcpuctx: $out"
grep -q '^vcpuctx: vcpu 0: online rip=0x40' <<<"$out" || fail "vcpuctx: $out"
out=$( (printf 'echo after quiesce\n'; sleep 1; printf '\035') | timeout 20 "$PVX" console hs)
grep -qx 'after quiesce' <<<"$(tr -d '\r' <<<"$out")" || fail "no answer after quiesce: $out"
ok "20 quiesce cycles (registers read and written back), the shell answers after"

# The store from inside the VM.
hid=$("$PVX" domid hs)
"$PVX" create -q "$(mkcfg xst 'type = "hvm"' "cmdline = \"app=xstest op=check other=$hid\"")" ||
	fail "create xst"
xid=$("$PVX" domid xst)
wait_for 20 console_has xst "xstest: watching data/ping" || fail "xstest: $(log xst)"
"$XS" write "/local/domain/$xid/data/ping" hello || fail "dom0 write data/ping"
wait_for 20 console_has xst "xstest: idle" || fail "xstest did not finish: $(log xst)"
for l in "xstest: name = xst (OK)" "xstest: read other: EACCES" \
	"xstest: own write/read: OK world" "xstest: watch fired: OK data/ping"; do
	grep -qxF "$l" "$PVISOR_RUNDIR/console/xst.log" || fail "expected '$l': $(log xst)"
done
[ "$("$XS" read "/local/domain/$xid/data/hello")" = world ] || fail "dom0 cannot see the guest's write"
"$PVX" destroy xst
ok "store: own name, other guests refused, write/read, a watch dom0 fires"

"$PVX" destroy hs || fail "destroy hs"
wait_for 10 sh -c "! '$PVX' list hs" || fail "hs still listed after destroy"
ok "destroy"

# A tar archive made on the host, listed and read through blkfront.
src=$PVISOR_RUNDIR/tree
mkdir -p "$src"
echo "hello from the host's tar" >"$src/hello.txt"
tar --format=ustar -C "$src" -cf "$PVISOR_RUNDIR/files.tar" hello.txt
"$PVX" create -q "$(mkcfg tar 'type = "hvm"' 'memory = 32' \
	'cmdline = "app=cmds cmd1=ls,xvdb cmd2=cat,xvdb,hello.txt"' \
	"disk = [ '$PVISOR_RUNDIR/files.tar,raw,xvdb,r' ]")" || fail "create tar"
wait_for 30 console_has tar "cmds: done" || fail "tar guest: $(log tar)"
grep -Eq '^ +26 hello.txt$' "$PVISOR_RUNDIR/console/tar.log" || fail "ls: $(log tar)"
grep -q "^hello from the host.s tar$" "$PVISOR_RUNDIR/console/tar.log" || fail "cat: $(log tar)"
ok "tar disk listed and read through blkfront"

# Ping a pv guest on the same built-in switch.
if [ -x "$BIN/netback" ]; then
	export PVISOR_NET_TAP=0
	sw=hv$(($$ % 100000))
	"$PVX" create -q "$(mkcfg srv 'type = "pv"' 'memory = 8' "vif = [ 'bridge=$sw' ]" \
		'cmdline = "ip=10.78.0.1/24 app=netserve ms=30000"')" || fail "create pv server"
	"$PVX" create -q "$(mkcfg png 'type = "hvm"' 'memory = 8' "vif = [ 'bridge=$sw' ]" \
		'cmdline = "ip=10.78.0.2 app=ping dst=10.78.0.1 count=3 interval_ms=100"')" ||
		fail "create hvm pinger"
	wait_for 30 console_has png "ping: 3 sent" || fail "ping did not finish: $(log png)"
	console_has png "ping: 3 sent, 3 received" || fail "pings lost: $(log png)"
	"$PVX" destroy srv
	ok "the hvm guest pings a pv guest on switch $sw"
else
	echo "skipped: ping (netback not built)"
fi

# SMP: secondary vCPUs up, computing, IPIs answered in each vCPU's upcall, taken down;
# timers: app=sleep's timed sleeps.
out=$(timeout 60 "$PVX" create -c "$(mkcfg smp 'type = "hvm"' 'vcpus = 3' \
	'cmdline = "app=smp rounds=200 work=2000000"')" 2>&1) || fail "smp: $out"
for v in 1 2; do
	grep -q "^smp: vcpu $v: 200 IPIs, [0-9]* upcalls$" <<<"$out" || fail "smp vcpu $v: $out"
done
grep -q '^smp: all secondary vCPUs down$' <<<"$out" || fail "smp: vCPUs not down: $out"
out=$(timeout 60 "$PVX" create -c "$(mkcfg slp 'type = "hvm"' 'cmdline = "app=sleep ms=50"')" 2>&1)
slept=$(sed -n 's/^sleep: 0: asked 50000 us, slept \([0-9]*\) us$/\1/p' <<<"$out")
[ "${slept:-0}" -ge 50000 ] || fail "sleep: woken early or not at all: $out"
ok "3 vCPUs: computed, 200 IPI rounds each, taken down; a 50 ms timer sleep"

# A triple fault crashes it; on_crash = preserve keeps it, with the reason.
"$PVX" create -q "$(mkcfg flt 'type = "hvm"' 'cmdline = "app=fault"')" || fail "create flt"
wait_for 20 sh -c "'$PVX' list flt | grep -q -- '---sc-'" || fail "not crashed: $(state_letters flt)"
why=$(field flt crash_reason)
[[ $why == *"triple fault"*"#PF page fault"*"address 0x1000"* ]] || fail "crash reason: $why"
"$PVX" destroy flt || fail "destroy the crashed domain"
ok "triple fault: crashed, preserved, reason: $why"
