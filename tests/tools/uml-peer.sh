#!/usr/bin/env bash
# User-Mode Linux peer for benchmarks: builds (cached under build/peers/uml/) the
# umlxstate.so preload, a static getppid timer and a busybox initramfs, and boots one
# UML instance whose /init does one job (docs/NOTES-bench.md, tests/tools/umlxstate.c).
#
#   uml-peer.sh check           exit 0 if UML can run here, else print why and exit 77
#   uml-peer.sh build           build the cache if stale; prints the cache directory
#   uml-peer.sh argv MODE [ARG] print the command that boots one instance, one word a
#                               line (callers that time the boot run it directly)
#   uml-peer.sh run MODE [ARG]  boot one instance in the foreground (exec: the caller's
#                               pid is UML's), console on stdout. MODEs:
#       hello                   /init prints "UMLBENCH hello" and powers off
#       idle                    /init prints "UMLBENCH idle", then blocks forever
#       getppid [N]             /init prints uml_getppid's result line, then powers off
#       blk IMAGE [MS [TESTS]]  IMAGE as ubd disk /dev/ubdb; /init runs bench_blkhost
#                               (psync engine, O_DIRECT) on it, MS per test, and
#                               prints each "blkbench: ..." line
#
# Every /init line of interest starts with "UMLBENCH ". Env: UML_MEM (default 64M;
# below 48M panics).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=$top/build/peers/uml
xstate_src=$top/tests/tools/umlxstate.c
getppid_src=$top/tests/bench/uml_getppid.c
blkhost_src=$top/tests/bench/bench_blkhost.c

die() { echo "uml-peer: $*" >&2; exit 1; }
skip() { echo "uml-peer: $*"; exit 77; }

uml_check() {
	command -v linux.uml >/dev/null || skip "linux.uml not installed (run 'make deps': package user-mode-linux)"
	[ -x /bin/busybox ] || skip "/bin/busybox missing (run 'make deps': package busybox-static)"
	file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' ||
		skip "/bin/busybox is not static (install busybox-static)"
	command -v cpio >/dev/null || skip "cpio not installed (run 'make deps')"
	command -v gcc >/dev/null || skip "gcc not installed"
	return 0
}

# The /init script: the kernel passes unknown cmdline words "k=v" to init as env.
uml_write_init() { # path
	cat >"$1" <<'EOF'
#!/bin/sh
# pvisor benchmark /init for User-Mode Linux: one job from $pvbench, then power off.
case "${pvbench:-hello}" in
hello)   echo "UMLBENCH hello" ;;
idle)    echo "UMLBENCH idle"; while :; do sleep 3600; done ;;
getppid) mount -t proc proc /proc; echo "UMLBENCH $(/bin/uml_getppid "${pvarg:-20000}")" ;;
blk)     mount -t proc proc /proc; mount -t devtmpfs dev /dev
         /bin/bench_blkhost -e psync -m "${pvarg:-2000}" -t "${pvtests:-seqread,seqwrite,randread,randwrite}" /dev/ubdb 2>&1 |
         while read -r l; do echo "UMLBENCH $l"; done ;;
*)       echo "UMLBENCH unknown mode '$pvbench'" ;;
esac
poweroff -f
EOF
	chmod 0755 "$1"
}

uml_build_initrd() {
	local root=$cache/root a
	rm -rf "$root" && mkdir -p "$root"/{bin,proc,sys,dev,tmp} || return 1
	cp /bin/busybox "$root/bin/busybox" || return 1
	for a in sh echo poweroff sleep mount cat; do ln -s busybox "$root/bin/$a"; done
	gcc -O2 -static -o "$root/bin/uml_getppid" "$getppid_src" ||
		die "building $getppid_src with gcc -static failed (is libc6-dev installed?)"
	gcc -O2 -static -DBLKHOST_NO_URING -pthread -o "$root/bin/bench_blkhost" "$blkhost_src" ||
		die "building $blkhost_src with gcc -static failed"
	uml_write_init "$root/init"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) \
		>"$cache/initrd.gz.tmp" && mv "$cache/initrd.gz.tmp" "$cache/initrd.gz"
}

# Rebuild when any input is newer than the product (or the script itself changed).
uml_stale() { # product inputs...
	local out=$1; shift
	[ -e "$out" ] || return 0
	local f
	for f in "$@"; do [ "$f" -nt "$out" ] && return 0; done
	return 1
}

uml_build() {
	uml_check || exit $?
	mkdir -p "$cache" "$cache/umldir" || die "cannot create $cache"
	if uml_stale "$cache/umlxstate.so" "$xstate_src"; then
		gcc -O2 -Wall -Wextra -shared -fPIC -o "$cache/umlxstate.so" "$xstate_src" -ldl ||
			die "building $xstate_src failed"
	fi
	if uml_stale "$cache/initrd.gz" "$getppid_src" "$blkhost_src" "$0" /bin/busybox; then
		uml_build_initrd || die "building the initramfs in $cache failed"
	fi
	echo "$cache"
}

uml_argv() { # mode [arg]
	local mode=${1:-hello} arg=${2:-20000} extra=()
	case $mode in hello|idle|getppid|blk) ;; *) die "unknown mode '$mode' (hello, idle, getppid, blk)";; esac
	if [ "$mode" = blk ]; then
		[ -f "$arg" ] || die "blk: image '$arg' is not a file"
		extra=(ubd1="$arg" pvtests="${4:-seqread,seqwrite,randread,randwrite}")
		arg=${3:-2000}
	fi
	case $arg in ''|*[!0-9]*) die "count '$arg' is not a number";; esac
	uml_build >/dev/null || exit $?
	printf '%s\n' env LD_PRELOAD="$cache/umlxstate.so" linux.uml mem="${UML_MEM:-64M}" \
		initrd="$cache/initrd.gz" rdinit=/init uml_dir="$cache/umldir" \
		con0=fd:0,fd:1 con=null quiet \
		initcall_blacklist=raid6_select_algo,init_btrfs_fs,calibrate_xor_blocks \
		pvbench="$mode" pvarg="$arg" "${extra[@]}"
}

uml_run() { # mode [arg]
	local cmd
	cmd=$(uml_argv "$@") || exit $?
	mapfile -t cmd <<<"$cmd"
	exec "${cmd[@]}" </dev/null
}

case ${1:-} in
check) uml_check ;;
build) uml_build ;;
argv)  shift; uml_argv "$@" ;;
run)   shift; uml_run "$@" ;;
*)     echo "usage: $0 check | build | argv|run hello|idle|getppid [N]" >&2; exit 2 ;;
esac
