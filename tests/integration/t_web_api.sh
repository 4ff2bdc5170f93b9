#!/usr/bin/env bash
# pvxweb's JSON API and WebSocket streams against real guests: every route, bad
# tokens, bad bodies, bad paths, unknown domains (clear JSON errors), and pvxweb
# still running at the end (tests/integration/web_api_check.py does the checks).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/migrate_lib.sh" # a second host for POST domains/DOM/migrate
export PVISOR_NET_TAP=0
PY=/usr/bin/python3 # Debian's, with python3-websocket
[ -x "$BIN/pvxweb" ] || skip "pvxweb not built (it needs libwebsockets-dev: make deps)"
"$PY" -c 'import websocket' 2>/dev/null || skip "python3-websocket missing (make deps installs it)"
disk=$PVISOR_RUNDIR/wb.img
truncate -s 8M "$disk"
"$PVX" create -q "$(mkcfg wa 'cmdline = "app=shell"')" || fail "create wa"
"$PVX" create -q "$(mkcfg wb 'cmdline = "ip=10.99.0.2/24 app=shell"' "disk = [ '$disk,raw,xvda,rw' ]" \
	"vif = [ 'bridge=web$$' ]")" || fail "create wb"
wait_for 20 console_has wa "pvk>" || fail "wa: no prompt"
wait_for 20 console_has wb "pvk>" || fail "wb: no prompt"
# the shell connects its disk on first use: read a little, for the counters
echo "blkread xvda 0 2" | "$PVX" console wb >/dev/null || fail "console wb"
wait_for 20 console_has wb "blkread xvda 0 2" || fail "wb: no blkread"
url=$("$PVX" web --listen 127.0.0.1:0 2>"$PVISOR_RUNDIR/web.err") || fail "pvx web: $(cat "$PVISOR_RUNDIR/web.err")"
[[ $url =~ ^http://127\.0\.0\.1:[0-9]+/#token=[0-9a-f]{32}$ ]] || fail "pvx web printed '$url'"
ok "pvx web: $url"
pid=$(cat "$PVISOR_RUNDIR/pvxweb.pid")
WEB_URL=${url%%/#*} WEB_TOKEN=${url##*token=} WEB_SOCK=$PVISOR_RUNDIR/pvxweb.sock PVX=$PVX \
	PVISOR_RUNDIR=$PVISOR_RUNDIR H2=$H2 HOST2=$HOST2 \
	KERNEL=$KERNEL DISK=$disk GUEST_A=wa GUEST_B=wb "$PY" "$(dirname "$0")/web_api_check.py" ||
	fail "API checks (pvxweb.log: $(tail -5 "$PVISOR_RUNDIR/pvxweb.log"))"
[ "$(cat "$PVISOR_RUNDIR/pvxweb.pid")" = "$pid" ] && kill -0 "$pid" || fail "pvxweb restarted or died"
ok "pvxweb ($pid) served everything and still runs"
# The Unix socket serves without a token: only root or our user is let in, even where
# the file modes would let another user reach it (run directory 0711, socket 0777).
if [ "$(id -u)" = 0 ]; then
	chmod 0711 "$PVISOR_RUNDIR" && chmod 0777 "$PVISOR_RUNDIR/pvxweb.sock"
	got=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(10)
try:
    s.sendall(b"GET /api/v1/host HTTP/1.1\r\nHost: x\r\n\r\n")
    print(len(s.recv(4096)))
except OSError as e:
    print("error", e)' "$PVISOR_RUNDIR/pvxweb.sock" 2>&1)
	chmod 0700 "$PVISOR_RUNDIR"
	[ "$got" = 0 ] || [[ $got == error* ]] || fail "uid 65534 was served on pvxweb.sock: $got"
	grep -q "refused a connection on pvxweb.sock from another user" "$PVISOR_RUNDIR/pvxweb.log" ||
		fail "pvxweb did not say it refused uid 65534"
	ok "a connection of uid 65534 on pvxweb.sock is refused"
fi
# pvx daemons restarts it with the same token; pvx web --stop disables it
"$PVX" daemons stop && "$PVX" daemons start || fail "daemons stop/start"
[ "$("$PVX" web 2>/dev/null | sed 's/.*token=//')" = "${url##*token=}" ] || fail "token changed"
"$PVX" daemons status | grep -Eq '^pvxweb +running' || fail "pvx daemons did not start pvxweb"
"$PVX" web --stop 2>/dev/null || fail "web --stop"
"$PVX" daemons status | grep -q '^pvxweb *not enabled' || fail "pvxweb still enabled"
ok "pvx daemons start brings pvxweb back (same token); pvx web --stop disables it"
