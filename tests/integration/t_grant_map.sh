#!/usr/bin/env bash
# A dom0 process maps pages a guest granted it (app=grant, partner gnt_peer map): both
# see each other's writes; the guest's end_access is refused while the page is
# mapped and succeeds once it is unmapped -- by gnt_peer, or by the hypervisor when
# gnt_peer exits with the pages still mapped. gnt_peer also checks the refusals: a
# read-only grant mapped writable, a grant to another domain, a ref past the table;
# and that a read-only map cannot be written through a reopen (/proc/self/fd,
# /proc/self/map_files), a writable mmap or write() of its fd.
. "$(dirname "$0")/lib.sh"
PEER=$BIN/gnt_peer
[ -x "$PEER" ] || fail "build first (missing $PEER)"

# run_pair NAME [gnt_peer map options]: one guest and its dom0 partner
run_pair() {
	local name=$1 log line dom ref ro other out
	shift
	log=$PVISOR_RUNDIR/console/$name.log
	"$PVX" create -q "$(mkcfg "$name" 'cmdline = "app=grant"')" || fail "$name: create"
	wait_for 10 console_has "$name" "grant: ref=" || fail "$name: no refs: $(cat "$log")"
	line=$(grep -m1 '^grant: ref=' "$log")
	read -r ref ro other < <(sed -E 's/^grant: ref=([0-9]+) gfn=0x[0-9a-f]+ ro_ref=([0-9]+) other_ref=([0-9]+)$/\1 \2 \3/' <<<"$line")
	[ -n "$other" ] || fail "$name: cannot parse '$line'"
	dom=$("$PVX" domid "$name") || fail "$name: no domid"
	out=$(timeout 90 "$PEER" map "$@" "$dom" "$ref" "$ro" "$other" 2>&1) ||
		fail "$name: gnt_peer map $*: $out"
	echo "$out"
	grep -q '^gnt_peer: mapped ref .* refusals ok$' <<<"$out" || fail "$name: refusals: $out"
	grep -q '^gnt_peer: read-only map stays read-only' <<<"$out" || fail "$name: read-only: $out"
	grep -qF 'gnt_peer: guest wrote "guest-ack: end_access refused while mapped"' <<<"$out" ||
		fail "$name: dom0 did not see the guest's write: $out"
	wait_for 30 console_has "$name" "grant: done" || fail "$name: guest did not finish: $(cat "$log")"
	console_has "$name" 'grant: dom0 wrote "dom0-hello"' || fail "$name: guest did not see dom0's write"
	console_has "$name" "grant: end_access while mapped: refused (-16)" ||
		fail "$name: end_access was not refused while mapped: $(cat "$log")"
	console_has "$name" "grant: end_access after unmap: ok" || fail "$name: no end_access after unmap"
	wait_for 10 bash -c "! '$PVX' list '$name'" || fail "$name: still listed after poweroff"
}

run_pair granter
ok "map: both sides see each other's writes; end_access refused while mapped, ok after unmap"
run_pair granter2 -x
ok "maps left to the connection's close are dropped when gnt_peer exits"
