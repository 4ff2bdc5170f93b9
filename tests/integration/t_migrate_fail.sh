#!/usr/bin/env bash
# Live migration that fails (tests/tools/migfault.py is a faulty transport): the
# receiver killed mid-stream, the connection cut mid-stream, the connection cut
# when the guest was already suspended for the last round, and the receiver
# refusing the sender's go after the disk was handed over -- each time the domain
# runs on on the first host where it was, counting on with no value lost and its
# disk written on, and nothing is left on the second host. A receiver sent garbage,
# or a damaged stream, refuses it and leaves no domain.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/migrate_lib.sh"
FAULT="python3 $TOP/tests/tools/migfault.py"
disk=$PVISOR_RUNDIR/cnt.img
truncate -s 64M "$disk"
"$PVX" create -q "$(mkcfg cnt 'memory = 64' 'cmdline = "app=count ms=10 mib=32 disk=xvda"' \
	"disk = [ '$disk,raw,xvda,rw' ]")" || fail "create"
wait_for 20 console_has cnt "count: 20" || fail "the guest did not count"
log=$PVISOR_RUNDIR/console/cnt.log

# h2_empty : no domain on the second host (its daemons may not even run)
h2_empty() { [ -z "$(pvx2 list 2>/dev/null | awk 'NR > 2')" ]; }

# try_fault MODE BYTES WHAT : the migration fails, the domain counts on here
try_fault() {
	local out last
	out=$("$PVX" migrate -s "$FAULT $1 $2 $HOST2" cnt "$H2" 2>&1) && fail "$3: it succeeded"
	echo "$out" | tail -n 3
	grep -q "the domain runs on here" <<<"$out" || fail "$3: no word of the domain: $out"
	case $(state_letters cnt) in *r*|*b*) ;; *) fail "$3: cnt is not running: $(state_letters cnt)";; esac
	last=$(count_last "$log")
	wait_for 30 console_has cnt "count: $((last + 20))" || fail "$3: it does not count on"
	wait_for 30 h2_empty || fail "$3: left on the second host: $(pvx2 list)"
	ok "$3: the domain runs on here, nothing left there"
}
try_fault kill 4000000 "receiver killed mid-stream"
try_fault cut 4000000 "connection cut mid-stream"
try_fault cut-ready 0 "connection cut with the guest suspended"
try_fault garble-go 0 "the receiver refused the go after the disk was handed over"
n=$(count_seq "$log") || fail "values lost or repeated"
console_has cnt "count: 32 MiB verified" &&
	fail "a restore happened on the first host (the failed migrations must cancel)"
ok "counted on through four failed migrations, $n values, none lost"
grep -q "handed over (closed)" "$PVISOR_RUNDIR/blkback.log" &&
	grep -q "taken back" "$PVISOR_RUNDIR/blkback.log" || fail "the disk was not handed over and back"
last=$(count_last "$log")
"$PVX" shutdown -w cnt || fail "shutdown"
python3 - "$disk" "$last" <<'PY' || fail "the disk misses values the guest counted"
import sys
img, last = sys.argv[1], int(sys.argv[2])
with open(img, 'rb') as f:
    for n in range(1, last + 1):
        f.seek(n * 512)
        want = ('count %d\n' % n).encode()
        if f.read(len(want)) != want:
            sys.exit('sector %d does not say %r' % (n, want))
PY
ok "every value up to $last is on the disk"

"$PVX" daemons start >/dev/null
out=$(head -c 300000 /dev/urandom | pvx2 migrate-receive 2>&1 >/dev/null) &&
	fail "garbage was received"
echo "$out" | tail -n 1
grep -q "not an xl save image\|not.*save\|damaged" <<<"$out" || fail "no clear refusal: $out"
h2_empty || fail "garbage left a domain: $(pvx2 list)"
"$PVX" create -q "$(mkcfg small 'cmdline = "app=count ms=50"')" || fail "create small"
wait_for 20 console_has small "count: 3" || fail "small did not count"
"$PVX" save small "$PVISOR_RUNDIR/small.img" || fail "save"
python3 - "$PVISOR_RUNDIR/small.img" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
b[len(b) // 2] ^= 0x40
open(sys.argv[1] + '.bad', 'wb').write(b)
PY
out=$(pvx2 migrate-receive <"$PVISOR_RUNDIR/small.img.bad" 2>&1 >/dev/null) &&
	fail "a damaged stream was received"
echo "$out" | tail -n 1
grep -q "damaged" <<<"$out" || fail "no clear refusal of the damaged stream: $out"
h2_empty || fail "a damaged stream left a domain: $(pvx2 list)"
ok "garbage and a damaged stream are refused, nothing left"
