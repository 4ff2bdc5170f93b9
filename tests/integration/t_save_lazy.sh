#!/usr/bin/env bash
# Lazy restore (pvx restore --lazy): a 256 MiB guest's image starts domains whose
# pages come from the image on first touch (pvlazy, userfaultfd). Three domains
# from one image count on and find their 64 MiB of pattern intact; a guest that
# does not look at its memory after the restore has only what it touched in RAM;
# saving a lazily restored domain loads the rest first (the new image is whole).
. "$(dirname "$0")/lib.sh"
export PVISOR_NET_TAP=0
IMG=$PVISOR_RUNDIR/img
last_count() { sed -n 's/^count: \([0-9][0-9]*\)$/\1/p' "$PVISOR_RUNDIR/console/$1.log" | tail -n 1; }
counted() { [ "$(last_count "$1")" -ge "$2" ] 2>/dev/null; }
# guest_rss_kib NAME : KiB of the guest's RAM mapping resident in its process
guest_rss_kib() {
	awk '/^40000000-/ { m = 1; next } m && /^Rss:/ { print $2; exit }' \
		"/proc/$(field "$1" pid)/smaps"
}

"$PVX" create -q "$(mkcfg big 'memory = 256' 'cmdline = "app=count ms=20 mib=64"')" || fail "create"
wait_for 20 counted big 10 || fail "big does not count"
"$PVX" save big "$IMG" || fail "save"
saved=$(last_count big)
for n in 1 2 3; do
	"$PVX" restore --lazy "$IMG" name=lazy$n || fail "restore --lazy as lazy$n"
done
for n in 1 2 3; do
	wait_for 20 console_has lazy$n "count: 64 MiB verified after restore 1" ||
		fail "lazy$n: $(tail -n 3 "$PVISOR_RUNDIR/console/lazy$n.log"; tail -n 3 "$PVISOR_RUNDIR/pvlazy.log")"
	wait_for 10 counted lazy$n $((saved + 10)) || fail "lazy$n does not count"
done
grep -q "^count: $((saved + 1))$" "$PVISOR_RUNDIR/console/lazy1.log" || fail "lazy1 did not go on from $saved"
ok "three domains lazily restored from one 256 MiB guest's image count on from $saved, memory intact"
"$PVX" destroy lazy1; "$PVX" destroy lazy2; "$PVX" destroy lazy3

# untouched pages stay in the image
"$PVX" create -q "$(mkcfg idle 'memory = 256' 'cmdline = "app=count ms=20 mib=128 verify=0"')" ||
	fail "create idle"
wait_for 20 counted idle 10 || fail "idle does not count"
"$PVX" save idle "$IMG.idle" || fail "save idle"
"$PVX" restore --lazy "$IMG.idle" || fail "restore --lazy idle"
n=$(last_count idle)
wait_for 10 counted idle $((n + 20)) || fail "idle does not count after a lazy restore"
rss=$(guest_rss_kib idle)
[ -n "$rss" ] && [ "$rss" -lt 32768 ] || fail "$rss KiB of its 128 MiB image in RAM after a lazy restore"
ok "a lazily restored guest holds $rss KiB of RAM, not the 128 MiB it had written"

# a save of it loads the rest first: the new image is whole
"$PVX" save idle "$IMG.again" || fail "save a lazy domain"
data=$(python3 "$TOP/tests/tools/srimage.py" info "$IMG.again" | awk '$2 == "PAGE_DATA" { s += $3 } END { print int(s / 1048576) }')
[ "$data" -ge 128 ] || fail "the image of a lazily restored domain holds $data MiB"
grep -q "every page is in" "$PVISOR_RUNDIR/pvlazy.log" || fail "the pager did not finish"
"$PVX" restore "$IMG.again" || fail "restore the second image"
n=$(last_count idle)
wait_for 10 counted idle $((n + 10)) || fail "idle does not count after the second restore"
ok "saving it loaded the rest: $data MiB in the new image, which restores"
