#!/usr/bin/env bash
# Event channels between real guests and with dom0: dom0 allocates a port in guest A
# reserved for guest B, B binds to it, and they ping-pong (blocking upcalls, then
# polling masked ports); a dom0 process ping-pongs with a guest through its own
# event-channel handle; a guest's ports revert to unbound when its peer dies.
. "$(dirname "$0")/lib.sh"
PEER=$BIN/evtchn_peer
[ -x "$PEER" ] || fail "missing $PEER"

# pair MODE ROUNDS: two evtping guests joined by dom0
pair() {
	local mode=$1 n=$2 a b out
	"$PVX" create -q "$(mkcfg "ea-$mode" 'cmdline = "app=evtping"')" >/dev/null || fail "create ea"
	"$PVX" create -q "$(mkcfg "eb-$mode" 'cmdline = "app=evtping"')" >/dev/null || fail "create eb"
	a=$("$PVX" domid "ea-$mode") b=$("$PVX" domid "eb-$mode")
	out=$("$PEER" pair "$a" "$b" rounds="$n" mode="$mode" 2>&1) || fail "peer pair: $out"
	wait_for 30 console_has "eb-$mode" "evtping: $n round trips ($mode)" ||
		fail "$mode: connector did not finish: $(tail -n 3 "$PVISOR_RUNDIR/console/eb-$mode.log")"
	wait_for 10 console_has "ea-$mode" "evtping: answered $n pings" || fail "$mode: listener"
	wait_for 10 bash -c "! '$PVX' list ea-$mode && ! '$PVX' list eb-$mode" ||
		fail "$mode: guests did not power off"
	grep -h "round trips" "$PVISOR_RUNDIR/console/eb-$mode.log"
}
pair block 2000
ok "guest <-> guest ping-pong, blocking in SCHEDOP_block, 2000 rounds"
pair poll 2000
ok "guest <-> guest ping-pong, polling masked ports, 2000 rounds"

# guest <-> dom0 through an event-channel handle
"$PVX" create -q "$(mkcfg ed 'cmdline = "app=evtping"')" >/dev/null || fail "create ed"
out=$("$PEER" dom0 "$("$PVX" domid ed)" rounds=2000 2>&1) || fail "peer dom0: $out"
grep -q "^evtchn_peer: 2000 round trips (block): median" <<<"$out" || fail "dom0: $out"
echo "$out"
wait_for 10 console_has ed "evtping: answered 2000 pings" || fail "guest did not answer dom0"
ok "guest <-> dom0 ping-pong through a handle"

# a listener whose peer never comes stays waiting; destroying it leaves dom0 fine
"$PVX" create -q "$(mkcfg lone 'cmdline = "app=evtping"')" >/dev/null || fail "create lone"
wait_for 10 console_has lone "evtping: mailbox gfn=" || fail "lone: no mailbox"
"$PVX" destroy lone || fail "destroy lone"
"$PVX" list >/dev/null || fail "pvisor unhappy after destroy"
ok "a waiting guest is destroyed cleanly"
