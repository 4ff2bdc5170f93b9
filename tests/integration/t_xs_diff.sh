#!/usr/bin/env bash
# Differential test: the same wire messages (valid, malformed, unknown types, empty and
# oversize payloads, watches, transactions) to xsd and to Xen 4.17's C xenstored; every
# difference must be one listed in docs/ABI.md ("Store differences from C xenstored").
. "$(dirname "$0")/xs_lib.sh"
command -v python3 >/dev/null || skip "python3 not installed"
peer=$TOP/tests/tools/xenstored-peer.sh
out=$("$peer" prepare 2>&1); rc=$?
[ $rc -eq 77 ] && skip "$(echo "$out" | tail -n 1)"
[ $rc -eq 0 ] || fail "xenstored peer: $out"
pdir=$PVISOR_RUNDIR/peer
XS_EXTRA_CLEANUP="\"$peer\" stop \"$pdir\""
theirs=$("$peer" start "$pdir") || fail "xenstored did not start: $(tail -3 "$pdir/xenstored.log")"
xsd_start --no-persist
python3 "$TOP/tests/tools/xs_diff.py" "$XENSTORED_PATH" "$theirs" "$TOP/docs/ABI.md" \
	>"$PVISOR_RUNDIR/diff.txt" 2>&1
rc=$?
grep -v '^ok ' "$PVISOR_RUNDIR/diff.txt"
[ $rc -eq 0 ] || fail "unexpected differences from C xenstored (see above)"
xsd_alive || fail "xsd died during the differential test"
ok "xsd matches C xenstored except for the documented differences"
