#!/usr/bin/env bash
# rate=10Mb/s (Xen's credit syntax) caps what a guest sends: a UDP flood of
# 1472-byte datagrams arrives at 10 Mbit/s of frames +-10 %. (The receiver
# counts UDP payload, 1472 of every 1514 frame bytes.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
netguest rx 10.82.0.1 "app=udprecv port=9000 idle_ms=1000 ms=30000"
wait_for 15 console_has rx "udprecv: ready" || fail "rx: $(console rx)"
netguest tx 10.82.0.2 "app=udpsend dst=10.82.0.1 port=9000 size=1472 ms=4000" "rate=10Mb/s"
wait_for 30 console_has rx "udprecv: " || fail "rx: $(console rx)"
wait_for 30 bash -c "grep -q 'udprecv: [0-9]* packets' '$PVISOR_RUNDIR/console/rx.log'" ||
	fail "no result: $(console rx)"
line=$(grep 'udprecv: [0-9]* packets' "$PVISOR_RUNDIR/console/rx.log")
echo "$line"
read -r pkts us < <(sed -E 's/.*: ([0-9]+) packets [0-9]+ bytes in ([0-9]+) us.*/\1 \2/' <<<"$line")
# frame bits per second, in kbit/s
kbps=$(( pkts * 1514 * 8 * 1000 / us ))
echo "measured $kbps kbit/s of frames"
[ "$kbps" -ge 9000 ] && [ "$kbps" -le 11000 ] || fail "rate $kbps kbit/s is not 10000 +-10 %"
ok "rate=10Mb/s gives $kbps kbit/s"
