#!/usr/bin/env bash
# pvx trace records a guest running app=hcbench (op=send: every call an event on
# one port) from its first instruction to its power-off; the report counts exactly
# the n sends the guest says it made, has percentiles for the call, and draws the
# PNG histogram. The hypervisor's counters of the domain (privcmd COUNTERS, read
# through pvxweb's GET domains/DOM/counters) count the same hypercalls.
. "$(dirname "$0")/lib.sh"
n=20000
trace=$PVISOR_RUNDIR/hc.trace
png=$TOP/build/test-logs/trace-hcbench.png
cfg=$(mkcfg hc "cmdline = \"app=hcbench n=$n op=send\"" 'on_poweroff = "preserve"')
"$PVX" create -q -p "$cfg" || fail "create hc paused"
"$PVX" trace record -d hc "$trace" 2>"$PVISOR_RUNDIR/record.err" &
rec=$!
wait_for 20 grep -q "recording hc" "$PVISOR_RUNDIR/record.err" ||
	fail "trace record did not start: $(cat "$PVISOR_RUNDIR/record.err")"
"$PVX" unpause hc || fail "unpause"
wait "$rec" || fail "trace record failed: $(cat "$PVISOR_RUNDIR/record.err")"
grep -q "records (0 lost)" "$PVISOR_RUNDIR/record.err" || fail "records lost: $(cat "$PVISOR_RUNDIR/record.err")"
line=$(grep -a "^hcbench: n=$n " "$PVISOR_RUNDIR/console/hc.log") || fail "no hcbench line: $(tail -3 "$PVISOR_RUNDIR/console/hc.log")"
port=$(sed -n 's/.* port=\([0-9]*\).*/\1/p' <<<"$line")
[ -n "$port" ] || fail "hcbench said no port: $line"
ok "guest: $line"
mkdir -p "$(dirname "$png")"
"$PVX" trace report --png "$png" "$trace" >"$PVISOR_RUNDIR/report.txt" || fail "report: $(cat "$PVISOR_RUNDIR/report.txt")"
cat "$PVISOR_RUNDIR/report.txt"
got=$(awk -v p="$port" '/^events sent by/ { s = 1; next } s && NF == 3 && $2 == p { print $3 }' "$PVISOR_RUNDIR/report.txt")
[ "$got" = "$n" ] || fail "the report counts $got sends on port $port; the guest made $n"
ok "the report counts the guest's $n sends on port $port exactly"
sends=$(awk '$1 == "event_channel_op/send" { print $3 }' "$PVISOR_RUNDIR/report.txt")
[ "${sends:-0}" -ge "$n" ] || fail "event_channel_op/send: $sends calls, fewer than $n"
awk '$1 == "event_channel_op/send" && $4 > 0 && $5 >= $4 && $6 >= $5 { f = 1 } END { exit !f }' \
	"$PVISOR_RUNDIR/report.txt" || fail "no sane percentiles for event_channel_op/send"
ok "event_channel_op/send: $sends calls with p50 <= p90 <= p99"
[ "$(head -c 8 "$png" | od -An -c | tr -d ' ')" = "211PNG\r\n032\n" ] || fail "$png is not a PNG"
ok "histogram: $png"
# the counters: kept by the hypervisor since the domain was created (paused, so
# before its first hypercall, as the trace)
"$PVX" web --listen none >/dev/null 2>&1 || fail "pvx web"
total=$(/usr/bin/python3 - "$PVISOR_RUNDIR/pvxweb.sock" <<'PY'
import http.client, json, socket, sys
class U(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX); self.sock.connect(sys.argv[1])
c = U('localhost'); c.request('GET', '/api/v1/domains/hc/counters')
r = json.loads(c.getresponse().read())
print(r['hypervisor']['hypercalls'], r['hypervisor']['events_sent'])
PY
) || fail "GET counters"
traced=$(awk '$1 ~ /^hc\(/ && NF == 7 { print $2, $3; exit }' "$PVISOR_RUNDIR/report.txt")
[ "$total" = "$traced" ] || fail "counters say '$total' (hypercalls, events sent), the trace '$traced'"
ok "the hypervisor's counters agree with the trace: $total hypercalls, events sent"
