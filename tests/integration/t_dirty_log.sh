#!/usr/bin/env bash
# The dirty-page log live migration reads (privcmd DIRTY_LOG): a guest dirtying a
# 4 MiB buffer round and round; the log, collected every 200 ms until the guest has
# gone round three more times, names every page of the buffer; a second log on the
# same domain and a collect from another connection are refused; once stopped, the
# guest runs on and its pages still read back what it wrote.
. "$(dirname "$0")/lib.sh"
"$PVX" create -q "$(mkcfg dt 'memory = 32' 'cmdline = "app=dirty mib=4 rate=8"')" ||
	fail "create"
wait_for 20 console_has dt "dirty: pass 1 verified" || fail "the guest did not start dirtying"
log=$PVISOR_RUNDIR/console/dt.log
pfn=$(sed -n 's/^dirty: 4 MiB at pfn \(0x[0-9a-f]*\),.*/\1/p' "$log")
[ -n "$pfn" ] || fail "no buffer address in the console"
passes=$(grep -c "verified" "$log")
out=$("$BIN/dirtylog" "$("$PVX" domid dt)" gap_ms=200 range="$pfn:1024" \
	until="$log:dirty: pass $((passes + 3)) verified" 2>&1) || fail "dirtylog: $out"
echo "$out"
grep -q '^refused: second start: Device or resource busy$' <<<"$out" ||
	fail "a second log on the domain was not refused"
grep -q '^refused: collect by another: Invalid argument$' <<<"$out" ||
	fail "another connection read the log"
grep -q '^dirtylog: range covered 1024 of 1024$' <<<"$out" ||
	fail "the log missed pages the guest wrote"
grep -q '^dirtylog: stop: ok$' <<<"$out" || fail "stop"
ok "every page the guest wrote was in the log; others were refused it"
passes=$(grep -c "verified" "$log")
wait_for 30 console_has dt "dirty: pass $((passes + 2)) verified" ||
	fail "the guest did not run on after the log stopped"
! grep -q "lost" "$log" || fail "$(grep lost "$log")"
ok "the log stopped, the guest runs on with its memory intact"
