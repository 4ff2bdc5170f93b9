#!/usr/bin/env bash
# Live migration of a guest under a write load of its own (app=dirty: 32 MiB
# dirtied round and round at 20 MiB/s, every page read back after each pass):
# pre-copy takes several rounds, far smaller than the first, until it converges; the
# receiver finds every page as the sender had it (--debug), and the guest's own
# check of its memory goes on passing on the new host.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/migrate_lib.sh"

"$PVX" create -q "$(mkcfg dl 'memory = 64' 'cmdline = "app=dirty mib=32 rate=20"')" ||
	fail "create"
wait_for 30 console_has dl "dirty: pass 2 verified" || fail "the guest did not start dirtying"
out=$("$PVX" migrate --debug -s "$HOST2" dl "$H2" 2>&1) || fail "migrate: $out"
echo "$out"
grep -q "^migration target: --debug: all [0-9]* pages match the sender's" <<<"$out" ||
	fail "pages differ (or were not checked)"
rounds=$(sed -n 's/^migration: .* pages per round: \([0-9 ]*\) (memory.*/\1/p' <<<"$out")
why=$(sed -n 's/.*pre-copy stopped: \([^)]*\)).*/\1/p' <<<"$out")
python3 - $rounds <<'PY' || fail "pre-copy did not run several shrinking rounds: $rounds"
import sys
p = [int(x) for x in sys.argv[1:]]
# round 0 is all memory; every round after it (the last holds what the guest wrote
# while it was asked to suspend) is far smaller: how much each is depends on how
# the host schedules the guest, the receiver and the sender round by round
sys.exit(0 if len(p) >= 3 and max(p[1:]) * 2 < p[0] else 1)
PY
case $why in
"few pages left dirty"|"the dirty set stopped shrinking") ;;
*) fail "pre-copy did not converge: it stopped because of: $why" ;;
esac
ok "several rounds, shrinking from all memory until $why: $rounds"
passes=$(grep -c "verified" "$PVISOR_RUNDIR/console/dl.log")
wait_for 30 console2_has dl "dirty: pass $((passes + 3)) verified" ||
	fail "the guest did not go on dirtying and checking on the new host"
! grep -q "lost" "$H2/console/dl.log" || fail "$(grep lost "$H2/console/dl.log")"
ok "the guest's memory checks go on passing on the new host"
