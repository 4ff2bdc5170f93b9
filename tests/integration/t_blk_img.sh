#!/usr/bin/env bash
# Disk images through QEMU's block layer, on the server SERVER names (default
# vhost-user: pvx starts qemu-storage-daemon and blkback is its vhost-user front
# end; nbd: pvx starts qemu-nbd and blkback is its NBD client -- t_blk_img_nbd.sh
# runs this file so):
#  * a tar made on the host, converted to qcow2, VMDK and VDI with qemu-img
#    convert, is listed and printed in the guest from each format;
#  * pvx image clone/info: twenty guests (memory=16) start at once from clones of
#    one qcow2 template, each reads a file of the template and writes its own
#    marker; afterwards qemu-img check passes on every overlay, the template is
#    unchanged (checksum) and each overlay holds its own marker only;
#  * a template a running guest writes to is refused as a backing file (clone and
#    create), a domain restarted by pvmon gets a server for its new id and the old
#    one stops, block-attach/-detach of a VMDK starts and stops its server, and no
#    server or file is left in the run directory.
. "$(dirname "$0")/lib.sh"
[ -x "$BIN/blkback" ] || fail "build first (missing blkback)"
SERVER=${SERVER:-vhost-user}
case $SERVER in
vhost-user) sdir=vhost prog=qemu-storage-daemon ;;
nbd) sdir=nbd prog=qemu-nbd ;;
*) fail "SERVER=$SERVER is not vhost-user or nbd" ;;
esac
for t in qemu-img $prog; do command -v $t >/dev/null || skip "$t not installed (make deps)"; done
export PVISOR_DISK_SERVER=$SERVER # the servers pvx (and pvmon) start for server=auto
NCLONES=${NCLONES:-20}
log() { cat "$PVISOR_RUNDIR/console/$1.log"; }
nbd_files() { ls "$PVISOR_RUNDIR/$sdir" 2>/dev/null; }
other=$([ $sdir = nbd ] && echo vhost || echo nbd)
gone() { ! "$PVX" list "$1" >/dev/null 2>&1; }

# ---- one tar, three formats ------------------------------------------------------
src=$PVISOR_RUNDIR/tree
mkdir -p "$src/docs"
echo "hello from the host's tar" >"$src/hello.txt"
seq 1 2000 >"$src/docs/numbers.txt"
tar --format=ustar -C "$src" -cf "$PVISOR_RUNDIR/files.tar" hello.txt docs
# room after the archive for the clones' markers (sector 8192 on)
truncate -s 8M "$PVISOR_RUNDIR/files.tar"
for f in qcow2 vmdk vdi; do
	qemu-img convert -f raw -O $f "$PVISOR_RUNDIR/files.tar" "$PVISOR_RUNDIR/files.$f" ||
		fail "qemu-img convert to $f"
done
"$PVX" create -q "$(mkcfg fmts 'cmdline = "app=cmds cmd1=lsblk cmd2=ls,xvdb cmd3=cat,xvdb,hello.txt cmd4=ls,xvdc cmd5=cat,xvdc,hello.txt cmd6=ls,xvdd cmd7=cat,xvdd,docs/numbers.txt"' \
	"disk = [ '$PVISOR_RUNDIR/files.qcow2,qcow2,xvdb,r', 'format=vmdk, vdev=xvdc, access=ro, target=$PVISOR_RUNDIR/files.vmdk', '$PVISOR_RUNDIR/files.vdi,vdi,xvdd,r' ]")" ||
	fail "create with qcow2, vmdk and vdi disks"
wait_for 60 console_has fmts "cmds: done" || fail "guest: $(log fmts)"
[ "$(grep -c '^ \+26 hello.txt$' "$PVISOR_RUNDIR/console/fmts.log")" = 3 ] ||
	fail "ls does not show hello.txt on all three disks: $(log fmts)"
[ "$(grep -c '^hello from the host.s tar$' "$PVISOR_RUNDIR/console/fmts.log")" = 2 ] ||
	fail "cat hello.txt from qcow2 and vmdk: $(log fmts)"
diff <(sed -n '/^cmds: ls -> 0$/,$p' "$PVISOR_RUNDIR/console/fmts.log" | grep -E '^[0-9]+$' | tail -n 2000) \
	"$src/docs/numbers.txt" >/dev/null || fail "cat docs/numbers.txt from vdi differs"
grep -Eq '^xvdc +51744 +[0-9]+ +[0-9]+ +1 ' "$PVISOR_RUNDIR/console/fmts.log" || fail "lsblk: no read-only xvdc"
wait_for 30 gone fmts || fail "fmts did not power off"
wait_for 30 test -z "$(nbd_files)" || fail "servers left after the guest stopped: $(nbd_files)"
[ -z "$(ls "$PVISOR_RUNDIR/$other" 2>/dev/null)" ] || fail "a server of the other kind ran: $(ls "$PVISOR_RUNDIR/$other")"
[ "$(grep -c "sectors, read-only, $([ $sdir = nbd ] && echo NBD || echo vhost-user)" "$PVISOR_RUNDIR/blkback.log")" = 3 ] ||
	fail "blkback did not serve the three images through $SERVER: $(grep sectors, "$PVISOR_RUNDIR/blkback.log")"
ok "a host tar as qcow2, VMDK and VDI: the guest lists and prints it from each"

# ---- a template and its clones ---------------------------------------------------
tpl=$PVISOR_RUNDIR/template.qcow2
cp "$PVISOR_RUNDIR/files.qcow2" "$tpl"
sum=$(sha256sum <"$tpl")
out=$("$PVX" image clone "$tpl" "$PVISOR_RUNDIR/c1.qcow2") || fail "image clone: $out"
info=$("$PVX" image info "$PVISOR_RUNDIR/c1.qcow2") || fail "image info: $info"
echo "$info"
grep -q "c1.qcow2: qcow2, 8 MiB virtual" <<<"$info" || fail "image info: no top line"
grep -q "^  backing $tpl: qcow2, 8 MiB virtual" <<<"$info" || fail "image info: no backing line"
"$PVX" image info --json "$PVISOR_RUNDIR/c1.qcow2" | python3 -c '
import json, sys
c = json.load(sys.stdin)
assert [l["format"] for l in c] == ["qcow2", "qcow2"], c
assert c[0]["backing-filename"] == sys.argv[1] and c[0]["virtual-size"] == 8 << 20, c' "$tpl" ||
	fail "image info --json"
for ((i = 2; i <= NCLONES; i++)); do
	"$PVX" image clone "$tpl" "$PVISOR_RUNDIR/c$i.qcow2" >/dev/null || fail "clone $i"
done
for ((i = 1; i <= NCLONES; i++)); do
	"$PVX" create -q "$(mkcfg "c$i" "cmdline = \"app=cmds cmd1=cat,xvda,hello.txt cmd2=blkwrite,xvda,$((8192 + i)),pvx-clone-marker-$i\"" \
		"disk = [ '$PVISOR_RUNDIR/c$i.qcow2,qcow2,xvda,rw' ]")" || fail "create clone $i"
done
for ((i = 1; i <= NCLONES; i++)); do
	wait_for 120 console_has "c$i" "cmds: done" || fail "clone $i: $(log "c$i")"
	grep -q '^hello from the host.s tar$' "$PVISOR_RUNDIR/console/c$i.log" || fail "clone $i: no template file"
	grep -q "blkwrite: .* at sector $((8192 + i)) of xvda, flushed" "$PVISOR_RUNDIR/console/c$i.log" ||
		fail "clone $i: marker not written: $(log "c$i")"
done
for ((i = 1; i <= NCLONES; i++)); do wait_for 60 gone "c$i" || fail "clone $i did not power off"; done
wait_for 60 test -z "$(nbd_files)" || fail "servers left after the clones stopped: $(nbd_files)"
for ((i = 1; i <= NCLONES; i++)); do
	ovl=$PVISOR_RUNDIR/c$i.qcow2
	qemu-img check -q "$ovl" || fail "qemu-img check c$i.qcow2"
	marks=$(grep -ao 'pvx-clone-marker-[0-9]*' "$ovl" | sort -u | tr '\n' ' ')
	[ "$marks" = "pvx-clone-marker-$i " ] || fail "c$i.qcow2 holds markers '$marks'"
	qemu-img convert -f qcow2 -O raw "$ovl" "$PVISOR_RUNDIR/view.raw"
	[ "$(dd if="$PVISOR_RUNDIR/view.raw" bs=512 skip=$((8192 + i)) count=1 2>/dev/null | tr -d '\0')" = \
		"pvx-clone-marker-$i" ] || fail "c$i: the marker is not at its sector"
done
[ "$(sha256sum <"$tpl")" = "$sum" ] || fail "the template changed"
ok "$NCLONES clones of one template ran at once: each overlay passes qemu-img check and holds only its own marker, the template is unchanged"

# ---- a template in use read-write is no backing file ------------------------------
"$PVX" create -q "$(mkcfg writer 'cmdline = "app=sleep ms=60000 n=1"' \
	"disk = [ '$tpl,qcow2,xvda,rw' ]")" || fail "create writer"
out=$("$PVX" image clone "$tpl" "$PVISOR_RUNDIR/late.qcow2" 2>&1) && fail "clone of a template in use was made"
grep -q "template.qcow2 is in use read-write by domain [0-9]* (disk xvda)" <<<"$out" || fail "unclear refusal: $out"
[ ! -e "$PVISOR_RUNDIR/late.qcow2" ] || fail "a refused clone left a file"
out=$("$PVX" create -q "$(mkcfg late 'cmdline = "app=hello"' \
	"disk = [ '$PVISOR_RUNDIR/c1.qcow2,qcow2,xvda,rw' ]")" 2>&1) && fail "a clone of a template in use started"
grep -q "disk xvda: .*template.qcow2 is in use read-write by domain" <<<"$out" || fail "unclear refusal at create: $out"
ok "a template in use read-write is refused: $out"

# ---- hot-plug: the server lives as long as the disk ------------------------------
"$PVX" block-attach writer "format=vmdk, vdev=xvdb, access=ro, target=$PVISOR_RUNDIR/files.vmdk" ||
	fail "block-attach of a vmdk"
did=$("$PVX" domid writer)
[ -S "$PVISOR_RUNDIR/$sdir/$did-51728.sock" ] || fail "no server socket for the attached disk: $(nbd_files)"
"$PVX" block-list writer | grep -q '^51728 ' || fail "block-list does not show xvdb"
"$PVX" block-detach -f writer xvdb || fail "block-detach"
[ ! -e "$PVISOR_RUNDIR/$sdir/$did-51728.sock" ] || fail "the detached disk's server is left: $(nbd_files)"
"$PVX" destroy writer || fail "destroy"
wait_for 30 test -z "$(nbd_files)" || fail "destroy left servers: $(nbd_files)"
pgrep -f "$prog.*$PVISOR_RUNDIR" && fail "$prog processes left"
ok "block-attach started a server for the VMDK, block-detach and destroy stopped them; nothing left"

# ---- a restart (pvmon) serves the disk of the new domain, not the old one --------
"$PVX" create -q "$(mkcfg rb 'cmdline = "app=reboot"' 'on_reboot = "restart"' \
	"disk = [ '$PVISOR_RUNDIR/c2.qcow2,qcow2,xvda,rw' ]")" || fail "create rb"
wait_for 60 grep -q "(rb): restarted 5 times within" "$PVISOR_RUNDIR/pvmon.log" ||
	fail "rb was not restarted until held: $(grep '(rb)' "$PVISOR_RUNDIR/pvmon.log")"
did=$("$PVX" domid rb)
[ "$(nbd_files | tr '\n' ' ')" = "$did-51712.pid $did-51712.sock " ] ||
	fail "after the restarts $sdir/ holds '$(nbd_files | tr '\n' ' ')', not only dom$did's server"
"$PVX" destroy rb
wait_for 30 test -z "$(nbd_files)" || fail "destroy of the held domain left: $(nbd_files)"
pgrep -f "$prog.*$PVISOR_RUNDIR" && fail "$prog processes left"
ok "5 restarts by pvmon each served the new domain's qcow2 and stopped the old server"
