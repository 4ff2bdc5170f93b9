#!/usr/bin/env bash
# Grant copy moves 64 MiB guest -> dom0 -> guest (app=gcopy, partner gnt_peer copy):
# the guest grants its source read-only, dom0 copies it into its buffer with batched
# GNTTABOP_copy and checks the checksum, the guest revokes every source grant
# (copies leave nothing pinned), grants its destination, dom0 copies back, and the
# guest's checksum of the destination matches its source.
. "$(dirname "$0")/lib.sh"
PEER=$BIN/gnt_peer
[ -x "$PEER" ] || fail "build first (missing $PEER)"
log=$PVISOR_RUNDIR/console/gcopy.log
"$PVX" create -q "$(mkcfg gcopy 'cmdline = "app=gcopy mib=64"' 'memory = 160')" || fail "create"
wait_for 30 console_has gcopy "gcopy: src_refs=" || fail "guest published nothing: $(cat "$log")"
ref=$(sed -n 's/^gcopy: ctrl_ref=\([0-9]*\)$/\1/p' "$log")
sum=$(sed -n 's/^gcopy: src_refs=.* pages=16384 checksum=\([0-9a-f]*\)$/\1/p' "$log")
[ -n "$ref" ] && [ -n "$sum" ] || fail "cannot parse the console: $(cat "$log")"
dom=$("$PVX" domid gcopy) || fail "no domid"
out=$(timeout 120 "$PEER" copy -b 4096 -m 10 "$dom" "$ref" 2>&1) || fail "gnt_peer copy: $out"
echo "$out"
grep -q "^gnt_peer: copy pages=16384 .* checksum=$sum " <<<"$out" || fail "dom0's checksum differs: $out"
ok "64 MiB guest -> dom0, checksum $sum in dom0's buffer"
wait_for 60 console_has gcopy "gcopy: result" || fail "guest gave no result: $(cat "$log")"
grep -q "^gcopy: dst_refs=" "$log" || fail "no destination phase"
console_has gcopy "gcopy: result ok checksum=$sum" || fail "guest: $(grep 'gcopy: result' "$log")"
wait_for 10 bash -c "! '$PVX' list gcopy" || fail "guest did not power off: $(tail -n 3 "$log")"
ok "64 MiB dom0 -> guest, the guest's destination checksum matches its source"
