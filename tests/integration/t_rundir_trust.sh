#!/usr/bin/env bash
# The run directory is trusted only when no other user could have put anything in it,
# files in it are never opened through a symbolic link, and clients talk only to a
# server of root or their own user (docs/SECURITY.md):
#  - a world-writable, a foreign-owned and a symlinked run directory are refused,
#    naming the directory and the fix; as root, also a squatted /tmp/pvisor-<uid> of
#    an unprivileged user (useradd pvtest);
#  - links planted in a run directory (pvisor.pid.tmp, xsd.log, console/NAME.log,
#    console/ itself, domains/ID.cfg) are not followed: the files they point at keep
#    their contents;
#  - a fake server of another user on privcmd.sock, xenstored.sock, pvconsoled.sock
#    and a backend's status socket gets nothing from pvx, xs, pvx console or
#    pvx daemons status.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root (other users' directories and servers)"
FAKE=$TOP/tests/tools/fake_server.py
WORK=$(mktemp -d /tmp/pvtrust.XXXXXX)
fakes=()
cleanup_trust() {
	for p in "${fakes[@]}"; do kill "$p" 2>/dev/null; done
	for d in "$WORK"/rd*; do PVISOR_RUNDIR=$d "$PVX" daemons stop >/dev/null 2>&1; done
	rm -rf "$WORK"
	[ -n "${squat:-}" ] && rm -rf "$squat"
	cleanup
}
trap cleanup_trust EXIT

# refused DIR WORDS...: pvx daemons start in DIR fails, and says WORDS and the dir
refused() {
	local dir=$1 out
	shift
	out=$(PVISOR_RUNDIR=$dir "$PVX" daemons start 2>&1) && fail "$dir was accepted: $out"
	grep -qF "$dir" <<<"$out" || fail "the message does not name $dir: $out"
	for w in "$@"; do grep -qF -- "$w" <<<"$out" || fail "no '$w' in: $out"; done
	[ -e "$dir/pvisor.pid" ] && fail "a daemon started in $dir"
	echo "$out"
}

mkdir -m 0777 "$WORK/rd-open"
chmod 0777 "$WORK/rd-open"
refused "$WORK/rd-open" "writable by others" "chmod 0700"
ok "a world-writable run directory is refused"
mkdir -m 0700 "$WORK/rd-foreign"
chown 65534:65534 "$WORK/rd-foreign"
refused "$WORK/rd-foreign" "owned by uid 65534" "remove it"
ok "a run directory of another user is refused"
mkdir -m 0700 "$WORK/real"
ln -s "$WORK/real" "$WORK/rd-link"
refused "$WORK/rd-link" "symbolic link"
ok "a symbolic link as run directory is refused"

# An unprivileged user without XDG_RUNTIME_DIR uses /tmp/pvisor-<uid>: another user
# (root here) who made it first, open to all, gets refused.
if id pvtest >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin pvtest 2>/dev/null; then
	uid=$(id -u pvtest)
	squat=/tmp/pvisor-$uid
	rm -rf "$squat"
	mkdir -m 0777 "$squat"
	chmod 0777 "$squat"
	ln -s /etc/passwd "$squat/xsd.log"
	out=$(runuser -u pvtest -- env -u XDG_RUNTIME_DIR -u PVISOR_RUNDIR \
		PVISOR_BINDIR="$BIN" "$PVX" daemons start 2>&1) && fail "squatted $squat accepted: $out"
	grep -qF "run directory $squat is owned by uid 0, not by you (uid $uid)" <<<"$out" ||
		fail "squatted $squat: $out"
	ok "a squatted /tmp/pvisor-$uid is refused: $out"
	rm -rf "$squat"
else
	echo "note: no second user (useradd failed): the squatted-/tmp case is not run"
fi

# still_serving DIR PID: pvconsoled PID went on without a log (it once crashed on the
# guest's first output then), and the guest's output still reaches the pty.
still_serving() {
	sleep 1
	kill -0 "$2" 2>/dev/null && [ "$(cat "$1/pvconsoled.pid")" = "$2" ] ||
		fail "pvconsoled $2 in $1 died without its log: $(tail -3 "$1/pvsup.log" 2>/dev/null)"
}

# Links planted in a trusted run directory are removed or refused, never followed.
rd=$WORK/rd-plant
mkdir -m 0700 "$rd" "$WORK/victim"
for f in pid log console cfg; do echo "victim $f" >"$WORK/victim/$f"; done
ln -s "$WORK/victim/pid" "$rd/pvisor.pid.tmp"
ln -s "$WORK/victim/log" "$rd/xsd.log"
out=$(PVISOR_RUNDIR=$rd "$PVX" daemons start 2>&1) && fail "xsd started with a linked log"
grep -qF "$rd/xsd.log is a symbolic link (not followed): remove it" <<<"$out" || fail "xsd.log: $out"
ok "a linked daemon log is refused: $out"
rm "$rd/xsd.log"
mkdir -m 0700 "$rd/console" "$rd/domains"
ln -s "$WORK/victim/console" "$rd/console/planted.log"
ln -s "$WORK/victim/cfg" "$rd/domains/1.cfg"
PVISOR_RUNDIR=$rd "$PVX" daemons start >/dev/null || fail "daemons start in $rd"
[ -L "$rd/pvisor.pid.tmp" ] && fail "the planted pvisor.pid.tmp link is still there"
kill -0 "$(cat "$rd/pvisor.pid")" || fail "pvisor.pid does not name pvisor"
pc=$(cat "$rd/pvconsoled.pid")
PVISOR_RUNDIR=$rd "$PVX" create -q "$(mkcfg planted 'cmdline = "app=spin"')" >/dev/null ||
	fail "create in $rd"
wait_for 10 grep -q "cannot open its console log.*planted.log" "$rd/pvconsoled.log" ||
	fail "pvconsoled did not say why it has no log: $(tail -3 "$rd/pvconsoled.log")"
for f in pid log console cfg; do
	[ "$(cat "$WORK/victim/$f")" = "victim $f" ] || fail "victim file $f was written: $(cat "$WORK/victim/$f")"
done
[ -L "$rd/console/planted.log" ] || fail "the planted console log link was replaced"
still_serving "$rd" "$pc"
ok "planted links (pvisor.pid.tmp, xsd.log, console/NAME.log, domains/ID.cfg) not followed"
PVISOR_RUNDIR=$rd "$PVX" daemons stop >/dev/null

# A linked console/ directory: pvconsoled writes no log into what it points at.
rd2=$WORK/rd-plant2
mkdir -m 0700 "$rd2" "$WORK/victimdir"
ln -s "$WORK/victimdir" "$rd2/console"
PVISOR_RUNDIR=$rd2 "$PVX" daemons start >/dev/null || fail "daemons start in $rd2"
pc=$(cat "$rd2/pvconsoled.pid")
PVISOR_RUNDIR=$rd2 "$PVX" create -q "$(mkcfg linked 'cmdline = "app=spin"')" >/dev/null ||
	fail "create in $rd2"
wait_for 10 grep -q "cannot open its console log.*/console/linked.log" "$rd2/pvconsoled.log" ||
	fail "pvconsoled: $(tail -3 "$rd2/pvconsoled.log")"
[ -z "$(ls -A "$WORK/victimdir")" ] || fail "a log was written through the linked console/: $(ls "$WORK/victimdir")"
still_serving "$rd2" "$pc"
ok "a linked console/ directory is not written through"
PVISOR_RUNDIR=$rd2 "$PVX" daemons stop >/dev/null

# fake NAME DIR: a server of uid 65534 on DIR/NAME; its record is $WORK/NAME.rec
fake() {
	python3 "$FAKE" "$2/$1" "$WORK/$1.rec" 65534 &
	fakes+=($!)
	wait_for 10 grep -q listening "$WORK/$1.rec.ready" || fail "fake $1 did not start"
}
# sent_nothing NAME: the client connected (the server saw it) and sent nothing
sent_nothing() {
	wait_for 10 grep -q '^conn' "$WORK/$1.rec" || fail "nothing connected to the fake $1"
	grep -v '^conn 0$' "$WORK/$1.rec" && fail "a client sent bytes to the fake $1"
	return 0
}
rd=$WORK/rd-fake
mkdir -m 0700 "$rd"
fake privcmd.sock "$rd"
out=$(PVISOR_RUNDIR=$rd "$PVX" list 2>&1) && fail "pvx list talked to the fake: $out"
grep -q "privcmd.sock is served by another user's process" <<<"$out" || fail "pvx list: $out"
sent_nothing privcmd.sock
ok "pvx refuses a fake privcmd server: $out"
fake xenstored.sock "$rd"
out=$(PVISOR_RUNDIR=$rd "$BIN/xs" ls / 2>&1) && fail "xs talked to the fake: $out"
grep -q "served by another user's process" <<<"$out" || fail "xs: $out"
sent_nothing xenstored.sock
ok "xs refuses a fake store: $out"
fake blkback.sock "$rd"
PVISOR_RUNDIR=$rd "$PVX" daemons status 2>&1 | grep -q 'blkback *stopped' ||
	fail "daemons status took the fake blkback for the daemon"
sent_nothing blkback.sock
ok "a fake backend status socket is not taken for the daemon"

# pvx console against a fake pvconsoled, beside the real other daemons.
rd=$WORK/rd-cons
mkdir -m 0700 "$rd"
PVISOR_RUNDIR=$rd "$PVX" daemons start >/dev/null || fail "daemons start in $rd"
PVISOR_RUNDIR=$rd "$PVX" create -q "$(mkcfg spinner 'cmdline = "app=spin"')" >/dev/null ||
	fail "create in $rd"
kill "$(cat "$rd/pvconsoled.pid")"
wait_for 10 bash -c "[ ! -e '$rd/pvconsoled.sock' ]" || fail "pvconsoled did not stop"
fake pvconsoled.sock "$rd"
out=$(PVISOR_RUNDIR=$rd timeout 30 "$PVX" console -w 1 spinner </dev/null 2>&1) &&
	fail "pvx console talked to the fake: $out"
grep -q "pvconsoled.sock is served by uid 65534, neither root nor you" <<<"$out" ||
	fail "pvx console: $out"
sent_nothing pvconsoled.sock
ok "pvx console refuses a fake pvconsoled: $out"
