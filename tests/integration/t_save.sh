#!/usr/bin/env bash
# Save and restore (pvx save / restore, Xen's suspend protocol): a guest counting in
# memory is saved, restored and counts on with no value lost and its memory intact;
# a checkpoint (-c) leaves it running; one image starts three domains under three
# names (a name in use is refused); cut, flipped, shuffled images and images of
# another pvisor or engine are refused and leave no domain; a guest that does not
# suspend is left running and pvx save says why.
. "$(dirname "$0")/lib.sh"
export PVISOR_NET_TAP=0
SR="python3 $TOP/tests/tools/srimage.py"
IMG=$PVISOR_RUNDIR/img

# count_ok NAME : the console's count lines run on by one (a line may repeat: the
# console daemon of the saved domain may log a line whose consumption the image
# does not show), at least MIN of them; prints the last value
count_ok() {
	python3 - "$PVISOR_RUNDIR/console/$1.log" "${2:-0}" <<'PY'
import re, sys
vals = [int(m.group(1)) for m in (re.match(r'count: (\d+)$', l.rstrip('\r\n'))
        for l in open(sys.argv[1], errors='replace')) if m]
rep = 0
for a, b in zip(vals, vals[1:]):
    if b == a:
        rep += 1
    elif b != a + 1:
        sys.exit(f'count jumped from {a} to {b}')
if rep > 2 or len(vals) < int(sys.argv[2]):
    sys.exit(f'{len(vals)} values, {rep} repeated')
print(vals[-1])
PY
}
counted() { [ "$(count_ok "$1" 2>/dev/null)" -ge "$2" ] 2>/dev/null; }
ndomains() { "$PVX" list | tail -n +3 | wc -l; }

cfg=$(mkcfg cnt 'cmdline = "app=count ms=20 mib=4"')
"$PVX" create -q "$cfg" || fail "create"
wait_for 10 counted cnt 20 || fail "guest did not count: $(tail -3 "$PVISOR_RUNDIR/console/cnt.log")"
out=$("$PVX" save cnt "$IMG" 2>&1) || fail "save: $out"
[ -z "$out" ] || fail "pvx save printed on a pipe: $out"
"$PVX" domid cnt 2>/dev/null && fail "the saved domain is still there"
before=$(count_ok cnt) || fail "count before the restore"
"$PVX" restore "$IMG" || fail "restore"
wait_for 10 console_has cnt "count: 4 MiB verified after restore 1" ||
	fail "memory not verified after the restore: $(tail -5 "$PVISOR_RUNDIR/console/cnt.log")"
wait_for 10 counted cnt $((before + 20)) || fail "no counting after the restore"
after=$(count_ok cnt 40) || fail "count lost a value: $after"
ok "saved at $before, restored, counting on to $after with no value lost, 4 MiB intact"

# a checkpoint: the same domain runs on (its suspend call said "cancelled")
id=$("$PVX" domid cnt)
"$PVX" save -c -z cnt "$IMG.z" || fail "save -c"
[ "$("$PVX" domid cnt)" = "$id" ] || fail "checkpoint: domain $id is gone"
wait_for 5 console_has cnt "suspend cancelled, running on" || fail "no cancelled suspend"
n=$(count_ok cnt); wait_for 5 counted cnt $((n + 10)) || fail "checkpointed guest stopped"
grep -q "restarting" "$PVISOR_RUNDIR/pvmon.log" 2>/dev/null && fail "the monitor restarted a suspended domain"
ok "save -c: the guest runs on ($(stat -c %s "$IMG.z") bytes deflated), its monitor left it alone"
# on a terminal: a progress bar with pages and bytes
out=$(python3 -c 'import pty, sys; pty.spawn(sys.argv[1:])' "$PVX" save -c cnt "$IMG.tty" 2>&1)
grep -q "saving .*\[#*\.*\] .* MiB .* pages" <<<"$out" || fail "no progress bar on a terminal: $out"
ok "a progress bar on a terminal: $(tr '\r' '\n' <<<"$out" | grep saving | tail -n 1)"

# one image, three domains; a name in use is refused
for n in 1 2 3; do
	"$PVX" restore "$IMG.z" name=copy$n || fail "restore as copy$n"
done
for n in 1 2 3; do
	wait_for 10 console_has copy$n "4 MiB verified after restore 2" || fail "copy$n did not resume"
done
[ "$("$BIN/xs" read "/local/domain/$("$PVX" domid copy1)/vm")" != \
  "$("$BIN/xs" read "/local/domain/$("$PVX" domid copy2)/vm")" ] || fail "copies share a uuid"
d=$(ndomains)
out=$("$PVX" restore "$IMG.z" name=copy2 2>&1) && fail "a second copy2 was restored"
grep -q "already exists" <<<"$out" || fail "no clear error for a name in use: $out"
[ "$(ndomains)" = "$d" ] || fail "a refused restore left a domain"
"$PVX" destroy copy1; "$PVX" destroy copy2; "$PVX" destroy copy3
ok "one image restored three times under three names; a name in use refused"

# damaged and foreign images: refused, nothing left behind
"$PVX" destroy cnt
d=$(ndomains); homes=$("$BIN/xs" ls /local/domain | grep -c '^[0-9]')
try_bad() { # FILE WHAT MESSAGE-PATTERN
	local out
	out=$("$PVX" restore "$1" name=bad 2>&1) && fail "$2 image was restored"
	grep -qE "$3" <<<"$out" || fail "$2 image: unclear message: $out"
	[ "$(ndomains)" = "$d" ] || fail "$2 image left a domain"
	ok "$2 image refused: ${out#pvx: }"
}
$SR cut "$IMG" "$IMG.cut" 0.5
try_bad "$IMG.cut" "a cut" "cut"
for where in header domain pages state end; do
	$SR flip "$IMG" "$IMG.flip" $where
	try_bad "$IMG.flip" "a flipped ($where)" "damaged|not a save image|another byte order|mandatory|needs features"
done
$SR shuffle "$IMG" "$IMG.shuf"
try_bad "$IMG.shuf" "a shuffled" "damaged"
$SR set "$IMG" "$IMG.ver" pvisor pvisor-0.9
try_bad "$IMG.ver" "another version's" "written by pvisor-0.9; this is pvisor-"
$SR set "$IMG" "$IMG.eng" engine hvm
try_bad "$IMG.eng" "another engine's" "hvm engine; this config makes a pv domain"
[ "$("$BIN/xs" ls /local/domain | grep -c '^[0-9]')" = "$homes" ] || fail "store entries left behind"

# a guest that does not suspend: left running, and pvx save says why
cfg=$(mkcfg stub 'cmdline = "app=count ms=20 suspend=0"')
"$PVX" create -q "$cfg" || fail "create stub"
wait_for 10 counted stub 5 || fail "stub did not count"
out=$("$PVX" save --timeout 2 stub "$IMG.stub" 2>&1) && fail "a guest without suspend was saved"
grep -q "did not suspend within 2 s" <<<"$out" || fail "unclear message: $out"
[ -e "$IMG.stub" ] && fail "a failed save left its file"
[ "$(state_letters stub)" != "---s--" ] || fail "stub was left shut down"
n=$(count_ok stub); wait_for 5 counted stub $((n + 10)) || fail "stub stopped counting"
ok "a guest that ignores the request runs on: ${out#pvx: }"
