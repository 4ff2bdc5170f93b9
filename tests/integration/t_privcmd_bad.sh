#!/usr/bin/env bash
# Malformed privcmd messages never hurt pvisor: a bad magic or an oversized length
# closes that connection; truncated payloads, unknown ops, hypercall frames whose
# lengths disagree, bogus domctl/sysctl commands and interface versions, and a
# thousand random payloads for every op that cannot stop a domain are answered with
# errors. A guest running beside them keeps running, and a new one still boots.
. "$(dirname "$0")/lib.sh"
"$PVX" daemons start >/dev/null || fail "daemons start"
"$PVX" create -q "$(mkcfg bystander 'cmdline = "app=spin"')" || fail "create bystander"
hv=$(pvisor_pid)

python3 - "$PVISOR_RUNDIR/privcmd.sock" <<'PY' || fail "the malformed messages: see above"
import os, random, socket, struct, sys

path = sys.argv[1]
MAGIC = 0x50564331
HDR = struct.Struct("<IIII")
answered = closed = 0

def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.settimeout(10)
    return s

def recv_reply(s):
    """The reply (ret), or None when pvisor closed the connection."""
    global answered, closed
    hdr = b""
    while len(hdr) < 16:
        try:
            d = s.recv(16 - len(hdr))
        except ConnectionResetError:
            d = b""
        if not d:
            closed += 1
            return None
        hdr += d
    magic, ret, ln, seq = struct.unpack("<IiII", hdr)
    assert magic == MAGIC, "reply magic %x" % magic
    left = ln
    while left:
        left -= len(s.recv(min(left, 65536)))
    answered += 1
    return ret

def send(s, op, payload, magic=MAGIC, ln=None):
    s.sendall(HDR.pack(magic, op, len(payload) if ln is None else ln, 1) + payload)

def must_close(what, magic, ln, payload=b""):
    s = conn()
    send(s, 1, payload, magic=magic, ln=ln)
    if recv_reply(s) is not None:
        sys.exit("%s: answered instead of closed" % what)
    s.close()

must_close("bad magic", 0xdeadbeef, 0)
must_close("length past the maximum", MAGIC, (4 << 20) + 1)
# a header promising more than comes, then the end
s = conn(); send(s, 1, b"\0" * 10, ln=100); s.shutdown(socket.SHUT_WR)
assert recv_reply(s) is None; s.close()

s = conn()
def expect_error(what, op, payload):
    send(s, op, payload)
    ret = recv_reply(s)
    if ret is None or ret >= 0:
        sys.exit("%s: got %r, expected an error" % (what, ret))

for op in (0, 3, 12, 14, 23, 99, 0x7fffffff, 0xffffffff):
    expect_error("unknown op %d" % op, op, b"")
expect_error("hypercall, short", 1, b"\0" * 8)
hc = struct.pack("<IIII5Q", 36, 100, 100, 0, 0x100000000000, 0, 0, 0, 0)
expect_error("hypercall, lengths disagree", 1, hc + b"\0" * 10)
for nr in (35, 36):  # domctl, sysctl: bogus commands, wrong interface versions
    for cmd in (0, 9999, 0xffffffff):
        for ver in (0, 0x12, 0xffffffff):
            arg = struct.pack("<III", cmd, ver, 0) + b"\0" * 132
            expect_error("hypercall %d cmd %d version %x" % (nr, cmd, ver), 1,
                         struct.pack("<IIII5Q", nr, len(arg), 0, 0, 0x100000000000, 0, 0, 0, 0) + arg)
expect_error("map foreign, short", 2, b"\0")
expect_error("map foreign, no domain", 2, struct.pack("<HHHH", 0x7eee, 0, 0, 0))
expect_error("grant map before a domain", 9, struct.pack("<HHI", 0x7eee, 0, 8))
expect_error("grant unmap of nothing", 10, struct.pack("<II", 12345, 0))
expect_error("grant buffer of 0 pages", 11, struct.pack("<QQ", 0, 0))
expect_error("grant buffer too big", 11, struct.pack("<QQ", 1 << 40, 0))
expect_error("doorbell before open", 13, b"")
expect_error("quiesce, no domain", 17, struct.pack("<HHI", 0x7eee, 0, 10))
expect_error("wait, no domain", 6, struct.pack("<HHI", 0x7eee, 0, 10))

# random payloads for ops that cannot stop or change a running domain
rnd = random.Random(1313)
for i in range(1000):
    op = rnd.choice([2, 5, 6, 7, 8, 9, 10, 11, 13, 24])
    ln = rnd.choice([0, 1, 4, 8, 16, 24, 64, rnd.randrange(0, 512)])
    payload = bytes(rnd.randrange(256) for _ in range(ln))
    if op == 6 and ln >= 8:  # wait: a short timeout
        payload = payload[:4] + struct.pack("<I", 1) + payload[8:]
    if op == 11 and ln >= 8:  # grant buffer: a small one at most
        payload = struct.pack("<Q", rnd.randrange(0, 8)) + payload[8:]
    send(s, op, payload)
    if recv_reply(s) is None:
        s = conn()
print("privcmd: %d answered, %d connections closed" % (answered, closed))
PY
kill -0 "$hv" || fail "pvisor died"
case $(state_letters bystander) in *r*|*b*) ;; *) fail "bystander stopped: $(state_letters bystander)";; esac
"$PVX" create -q "$(mkcfg after 'cmdline = "app=hello"')" || fail "create after"
wait_for 10 console_has after "pvkernel 0.1:" || fail "a new guest does not boot"
ok "pvisor answered every malformed message; the bystander runs; a new guest boots"
