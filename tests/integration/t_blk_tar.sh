#!/usr/bin/env bash
# Something real on a disk: a tar archive made on the host with tar, attached
# read-only; the guest's shell commands list it (ls) and print a file (cat), lsblk
# shows the disk, blkwrite on it is refused and reported, blkread dumps a sector.
# Run through app=cmds (shell commands from the command line).
. "$(dirname "$0")/lib.sh"
[ -x "$BIN/blkback" ] || fail "build first (missing blkback)"
src=$PVISOR_RUNDIR/tree
mkdir -p "$src/docs"
echo "hello from the host's tar" >"$src/hello.txt"
seq 1 3000 >"$src/docs/numbers.txt"
head -c 70000 /dev/urandom >"$src/docs/blob.bin"
tar --format=ustar -C "$src" -cf "$PVISOR_RUNDIR/files.tar" hello.txt docs
log=$PVISOR_RUNDIR/console/tar.log
"$PVX" create -q "$(mkcfg tar 'memory = 32' \
	'cmdline = "app=cmds cmd1=lsblk cmd2=ls,xvdb cmd3=cat,xvdb,hello.txt cmd4=cat,xvdb,docs/numbers.txt cmd5=blkwrite,xvdb,0,oops cmd6=blkread,xvdb,0 cmd7=cat,xvdb,nothere"' \
	"disk = [ '$PVISOR_RUNDIR/files.tar,raw,xvdb,r' ]")" || fail "create"
wait_for 30 console_has tar "cmds: done" || fail "guest: $(cat "$log")"
cat "$log"
grep -Eq '^xvdb +51728 +[0-9]+ +[0-9]+ +1 ' "$log" || fail "lsblk does not show a read-only xvdb"
grep -Eq '^ +26 hello.txt$' "$log" || fail "ls: no hello.txt of 26 bytes"
grep -Eq '^ +0 docs/$' "$log" || fail "ls: no docs/"
grep -Eq "^ +$(stat -c %s "$src/docs/numbers.txt") docs/numbers.txt$" "$log" || fail "ls: numbers.txt"
grep -Eq '^ +70000 docs/blob.bin$' "$log" || fail "ls: blob.bin"
grep -q '^hello from the host.s tar$' "$log" || fail "cat hello.txt"
diff <(sed -n '/^cmds: cat -> 0$/,$p' "$log" | grep -E '^[0-9]+$' | head -n 3000) \
	"$src/docs/numbers.txt" >/dev/null || fail "cat docs/numbers.txt differs"
grep -q 'blkwrite: xvdb sector 0: error -5 (the disk is read-only)' "$log" || fail "blkwrite not refused"
grep -q '^00000000: 68 65 6c 6c 6f 2e 74 78 74' "$log" || fail "blkread: no tar header dump"
grep -q 'cat: nothere: no such file' "$log" || fail "cat of a missing file"
ok "tar made on the host: ls lists its 4 entries, cat prints files, writes refused"
