#!/usr/bin/env bash
# Devices across a save and restore: a guest with a disk and a vif counts, writing
# each value to its own sector and pinging another guest; it is saved and restored.
# Its blkfront and netfront reconnect to the new backends (Xen's resume path:
# Initialising, new grants and ports, what was in flight re-issued), the pings go
# on, and every write the guest saw acknowledged -- before the save and after the
# restore -- is in the disk image on the host.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
[ -x "$BIN/blkback" ] || skip "blkback not built"
disk=$PVISOR_RUNDIR/disk.img
IMG=$PVISOR_RUNDIR/img
truncate -s 16M "$disk"
log() { cat "$PVISOR_RUNDIR/console/$1.log" 2>/dev/null; }
last_count() { log "$1" | sed -n 's/^count: \([0-9][0-9]*\)$/\1/p' | tail -n 1; }
counted() { [ "$(last_count "$1")" -ge "$2" ] 2>/dev/null; }

netguest srv 10.9.0.2 "app=netserve"
"$PVX" create -q "$(mkcfg cli 'memory = 16' "vif = [ 'bridge=$SW' ]" \
	"disk = [ '$disk,raw,xvda,rw' ]" \
	'cmdline = "ip=10.9.0.1 app=count ms=40 disk=xvda ping=10.9.0.2"')" || fail "create cli"
wait_for 20 counted cli 25 || fail "cli does not count: $(log cli | tail -5)"
log cli | grep -q "ping .* lost" && fail "pings lost before the save: $(log cli | grep lost)"
"$PVX" save cli "$IMG" || fail "save"
saved=$(last_count cli)
"$PVX" restore "$IMG" || fail "restore"
wait_for 20 counted cli $((saved + 40)) || fail "cli does not count after the restore: $(log cli | tail -8)"
log cli | grep -q "blkfront: xvda: reconnected" || fail "blkfront did not reconnect: $(log cli | grep blkfront)"
log cli | grep -q "netfront: device/vif/0: reconnected" || fail "netfront did not reconnect: $(log cli | grep netfront)"
lost=$(log cli | grep -c "ping .* lost")
[ "$lost" -le 2 ] || fail "$lost pings lost across the restore: $(log cli | grep lost)"
ok "saved at $saved, restored: disk and vif reconnected, counting on, $lost ping(s) lost"

"$PVX" destroy cli
end=$(last_count cli)
python3 - "$disk" "$end" <<'PY' || fail "the disk misses acknowledged writes"
import sys
f = open(sys.argv[1], 'rb')
end = int(sys.argv[2])
for n in range(1, end + 1):
    f.seek(n * 512)
    want = f'count {n}\n'.encode()
    got = f.read(len(want))
    if got != want:
        sys.exit(f'sector {n}: {got!r}, the guest wrote {want!r}')
print(f'sectors 1..{end} hold what the guest wrote')
PY
ok "every acknowledged write (1..$end, the save at $saved) is in the disk image"
