#!/usr/bin/env bash
# Live migration of a guest with a disk and a vif (root: the second host has a
# network namespace of its own, its bridge joined to this host's by a veth pair):
# the disk, on storage both hosts see, is handed over -- the first host's blkback
# flushes and closes it before the second opens it -- and every value the guest
# counted is written on it; a third guest on the first host pings the migrating
# one all along and loses at most one ping (the guest's gratuitous ARP moves it to
# its new port). The migrating guest pings the third too: the reference kernel
# answers pings only while an app polls its network, which count's own pings do.
# pvtest: serial
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/migrate_lib.sh"
host2_net
disk=$PVISOR_RUNDIR/mv.img
truncate -s 16M "$disk"
# TAP names are the host's: name them after this test (vif<domid>.0 may be another's)
"$PVX" create -q "$(mkcfg pinger "vif = [ 'bridge=$BR,vifname=pvp$$' ]" \
	'cmdline = "ip=10.77.0.3 app=ping dst=10.77.0.2 count=400 interval_ms=25"')" ||
	fail "create the pinger"
"$PVX" create -q "$(mkcfg mv "vif = [ 'bridge=$BR,vifname=pvmv$$' ]" "disk = [ '$disk,raw,xvda,rw' ]" \
	'cmdline = "ip=10.77.0.2 app=count ms=20 disk=xvda ping=10.77.0.3"')" ||
	fail "create the guest to migrate"
wait_for 30 console_has pinger "seq=40 " || fail "the pinger got no answers: $(tail -n 3 \
	"$PVISOR_RUNDIR/console/pinger.log")"
out=$("$PVX" migrate -s "$HOST2" mv "$H2" 2>&1) || fail "migrate: $out"
echo "$out" | tail -n 1
grep -q "^migration: " <<<"$out" || fail "no report"
wait_for 60 console_has pinger "ping: 400 sent" || fail "the pinger did not finish"
plog=$PVISOR_RUNDIR/console/pinger.log
grep "ping: 400 sent" "$plog"
lost=$(grep -c "no reply" "$plog")
[ "$lost" -le 1 ] || fail "the pinger lost $lost pings: $(grep 'no reply' "$plog")"
ok "the third guest's ping stream survived the migration ($lost lost)"
wait_for 20 console2_has mv "netfront: device/vif/0: reconnected" || fail "no vif on the new host"
last=$(count_last "$H2/console/mv.log")
wait_for 30 console2_has mv "count: $((last + 20))" || fail "it does not count on there"
n=$(count_seq "$PVISOR_RUNDIR/console/mv.log" "$H2/console/mv.log") || fail "values lost"
ok "it counts on there ($n values, none lost)"
grep -q "handed over (closed)" "$PVISOR_RUNDIR/blkback.log" || fail "the disk was not handed over"
pvx2 shutdown -w mv || fail "shutdown there"
last=$(count_last "$H2/console/mv.log")
python3 - "$disk" "$last" <<'PY' || fail "the disk misses values the guest counted"
import sys
img, last = sys.argv[1], int(sys.argv[2])
with open(img, 'rb') as f:
    for n in range(1, last + 1):
        f.seek(n * 512)
        want = ('count %d\n' % n).encode()
        if f.read(len(want)) != want:
            sys.exit('sector %d does not say %r' % (n, want))
PY
ok "every value up to $last is on the disk, written from both hosts"
