#!/usr/bin/env bash
# The store against real clients: Debian's xenstore-* tools and our xs CLI with exact
# outputs, a transaction conflict (EAGAIN, then a retry that succeeds), the output
# bound and quota options, peer credentials, kill -9 + restart keeping the tree, and
# malformed messages that never kill xsd.
. "$(dirname "$0")/xs_lib.sh"
command -v xenstore-read >/dev/null || skip "xenstore-utils not installed (make deps)"
command -v python3 >/dev/null || skip "python3 not installed"
xsd_start --quota-nodes=77 --out-max=65536

# --- Debian's tools
xenstore-write /vm/uuid abc /local/domain/0/name Domain-0 || fail "xenstore-write"
expect "xenstore-read" "$(xenstore-read /vm/uuid /local/domain/0/name)" $'abc\nDomain-0'
expect "xenstore-read relative" "$(xenstore-read name)" "Domain-0"
expect "xenstore-list" "$(xenstore-list /local/domain/0)" "name"
expect "xenstore-ls" "$(xenstore-ls /vm)" 'uuid = "abc"'
xenstore-chmod /vm n0 r5 || fail "xenstore-chmod"
expect "xenstore-ls -p" "$(xenstore-ls -p /local/domain | tr -s ' .' ' ')" \
	$'0 = "" (n0)\n name = "Domain-0" (n0)'
expect "perms after chmod" "$("$BIN/xs" ls -p / | grep '^vm')" 'vm = ""  (n0,r5)'
xenstore-rm /vm/uuid || fail "xenstore-rm"
xenstore-read /vm/uuid 2>/dev/null && fail "read after rm"
out=$(timeout 5 xenstore-watch -n 3 /w 2>&1 & sleep 0.3; xenstore-write /w/a 1; xenstore-rm /w; wait)
expect "xenstore-watch" "$out" $'/w\n/w/a\n/w'
ok "xenstore-read/-write/-ls/-list/-chmod/-rm/-watch"

# --- our CLI
X=$BIN/xs
$X write /t/a 1 /t/b 'say "hi"' || fail "xs write"
expect "xs read" "$($X read /t/a /t/b)" $'1\nsay "hi"'
expect "xs list" "$($X list /t)" $'a\nb'
expect "xs ls" "$($X ls /t)" $'a = "1"\nb = "say \\"hi\\""'
$X mkdir /t/c/d || fail "xs mkdir"
$X chmod /t/c n0 b7 || fail "xs chmod"
expect "xs ls -p" "$($X ls -p /t/c)" 'd = ""  (n0)'
expect "xs chmod shows" "$($X ls -p /t | grep '^c')" 'c = ""  (n0,b7)'
expect "xs read missing" "$($X read /nope 2>&1; echo "rc=$?")" \
	$'xs: read /nope: no such node (ENOENT)\nrc=1'
expect "xs bad path" "$($X read /a//b 2>&1)" "xs: read /a//b: invalid argument or path (EINVAL)"
expect "xs bad perm" "$($X chmod /t x1 2>&1; echo "rc=$?")" \
	$'xs: chmod /t: bad permission \'x1\' (want r|w|b|n + domid, e.g. b0 r5)\nrc=2'
$X rm /t/c || fail "xs rm"
expect "xs list after rm" "$($X list /t)" $'a\nb'
out=$(timeout 5 "$X" watch /t -n 2 & sleep 0.3; "$X" write /t/z 1; wait)
expect "xs watch" "$out" $'/t\n/t/z'
expect "xs control quota" "$($X control quota | head -1)" "nodes            77"
# a directory too big for one reply: both clients fall back to DIRECTORY_PART
mapfile -t kv < <(for i in $(seq 300); do echo "/bigdir/child-with-a-long-name-$i"; echo x; done)
$X write "${kv[@]}" || fail "xs write 300 nodes"
expect "xs list big" "$($X list /bigdir | wc -l) $($X list /bigdir | tail -1)" \
	"300 child-with-a-long-name-300"
expect "xenstore-list big" "$(xenstore-list /bigdir | wc -l)" "300"
$X rm /bigdir || fail "xs rm big"
ok "xs read/write/ls/list/mkdir/chmod/rm/watch/control"

# --- transactions: a conflicting commit gets EAGAIN, a retry succeeds
python3 - "$XENSTORED_PATH" "$XSWIRE" <<'PY' || fail "transaction conflict"
import sys, importlib.util
spec = importlib.util.spec_from_file_location("xswire", sys.argv[2])
x = importlib.util.module_from_spec(spec); spec.loader.exec_module(x)
a, b = x.Conn(sys.argv[1]), x.Conn(sys.argv[1])
def tx(c):
    t, p = c.call(6, b"\0"); assert t == 6, p
    return int(p[:-1])
t = tx(a)
assert a.call(2, b"/t/a\0", t) == (2, b"1")
assert a.call(11, b"/t/a\0two", t) == (11, b"OK\0")
assert b.call(11, b"/t/a\0other") == (11, b"OK\0")
assert a.call(7, b"T\0", t) == (16, b"EAGAIN\0"), "no conflict"
t = tx(a)
assert a.call(2, b"/t/a\0", t) == (2, b"other")
assert a.call(11, b"/t/a\0two", t) == (11, b"OK\0")
assert a.call(7, b"T\0", t) == (7, b"OK\0"), "retry failed"
assert b.call(2, b"/t/a\0") == (2, b"two")
PY
ok "transaction conflict: EAGAIN, retry succeeds"

# --- output bound: a client that never reads its replies is dropped; others go on
python3 - "$XENSTORED_PATH" "$XSWIRE" <<'PY' || fail "output bound"
import sys, socket, struct, time, importlib.util
spec = importlib.util.spec_from_file_location("xswire", sys.argv[2])
x = importlib.util.module_from_spec(spec); spec.loader.exec_module(x)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(sys.argv[1]); s.settimeout(5)
req = struct.pack("<IIII", 1, 1, 0, 2) + b"/\0"   # DIRECTORY / : small request, reply
dropped = False
try:
    for i in range(200000):
        s.send(req)
except (BrokenPipeError, ConnectionResetError, socket.timeout):
    dropped = True
assert dropped, "never dropped"
c = x.Conn(sys.argv[1])
assert c.call(2, b"/t/a\0") == (2, b"two")
PY
grep -q "output queue full" "$PVISOR_RUNDIR/xsd.log" || fail "no log line for the dropped client"
ok "client not reading its replies dropped at the bound"

# --- peer credentials: another uid is refused
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 755 "$PVISOR_RUNDIR"; chmod 777 "$XENSTORED_PATH"
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN/xs" read /t/a 2>&1)
	[ $? -ne 0 ] || fail "uid 65534 was served: $out"
	grep -q "refusing store client .* uid 65534" "$PVISOR_RUNDIR/xsd.log" || fail "no refusal logged"
	chmod 700 "$PVISOR_RUNDIR"; chmod 755 "$XENSTORED_PATH"
	ok "client with another uid refused"
else
	echo "note: not root, peer-credential refusal not exercised"
fi

# --- malformed messages never kill xsd
python3 - "$XENSTORED_PATH" "$XSWIRE" <<'PY' || fail "malformed messages"
import sys, socket, struct, random, importlib.util
spec = importlib.util.spec_from_file_location("xswire", sys.argv[2])
x = importlib.util.module_from_spec(spec); spec.loader.exec_module(x)
def exchange(raw):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.settimeout(1)
    s.connect(sys.argv[1])
    try:
        s.sendall(raw); s.shutdown(socket.SHUT_WR)
        while s.recv(65536): pass
    except OSError: pass
    s.close()
H = lambda t, n, tx=0: struct.pack("<IIII", t, 1, tx, n)
cases = [H(2, 5000), H(2, 0xffffffff), H(11, 3) + b"/a\0", H(2, 2) + b"/a",
         H(99, 0), H(0xffff, 4) + b"abc\0", H(7, 2, 12345) + b"T\0", H(14, 3) + b"/\0x",
         H(4, 1) + b"\0", H(1, 10) + b"/" + b"a" * 9, b"\xff" * 10, b"\x00" * 15,
         H(2, 4096) + b"/" * 4096]
rnd = random.Random(7)
cases += [bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(1, 300))) for _ in range(200)]
for c in cases:
    exchange(c)
c = x.Conn(sys.argv[1])
assert c.call(2, b"/t/a\0") == (2, b"two")
assert c.call(0, b"check\0") == (0, b"OK\0")
PY
xsd_alive || fail "xsd died on malformed input"
ok "malformed messages answered or dropped; xsd alive"

# --- a stalled client (half a message) blocks nobody; concurrent transactions
# incrementing one counter with retries lose no update
python3 - "$XENSTORED_PATH" "$XSWIRE" <<'PY' || fail "concurrency"
import sys, socket, struct, threading, importlib.util
spec = importlib.util.spec_from_file_location("xswire", sys.argv[2])
x = importlib.util.module_from_spec(spec); spec.loader.exec_module(x)
stall = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); stall.connect(sys.argv[1])
stall.sendall(struct.pack("<IIII", 2, 1, 0, 10) + b"/t")      # 8 payload bytes never come
c = x.Conn(sys.argv[1])
assert c.call(11, b"/ctr\x000") == (11, b"OK\0")
def worker(n):
    w = x.Conn(sys.argv[1], timeout=10)
    for _ in range(n):
        while True:
            t, p = w.call(6, b"\0"); tx = int(p[:-1])
            t, v = w.call(2, b"/ctr\0", tx)
            w.call(11, b"/ctr\0" + str(int(v) + 1).encode(), tx)
            t, p = w.call(7, b"T\0", tx)
            if t == 7: break
            assert p == b"EAGAIN\0", p
ths = [threading.Thread(target=worker, args=(150,)) for _ in range(3)]
[t.start() for t in ths]; [t.join() for t in ths]
assert c.call(2, b"/ctr\0") == (2, b"450"), c.call(2, b"/ctr\0")
stall.close()
PY
ok "stalled client harmless; 3 x 150 transactional increments = 450"

# --- persistence: kill -9 and restart keeps the tree; a clean stop leaves a snapshot
$X write /persist/k v1 || fail "write"
$X chmod /persist/k n0 r3 || fail "chmod"
xsd_stop 9
xsd_start --quota-nodes=77
expect "after kill -9" "$($X ls -p /persist)" 'k = "v1"  (n0,r3)'
expect "after kill -9 (2)" "$($X read /t/a)" "two"
xsd_stop TERM
[ -s "$PVISOR_RUNDIR/xsd.snap" ] || fail "no snapshot after SIGTERM"
[ -e "$PVISOR_RUNDIR/xenstored.sock" ] && fail "socket left behind after SIGTERM"
xsd_start
expect "after restart" "$($X read /persist/k)" "v1"
ok "tree survives kill -9 and restart"
