#!/usr/bin/env bash
# Fetch, unpack and start Xen 4.17's own C xenstored (the store's reference peer) without a
# hypervisor, for differential tests and benchmarks. Cached under build/peers/.
#   tests/tools/xenstored-peer.sh prepare      download + unpack + build fakexen.so (once)
#   tests/tools/xenstored-peer.sh start DIR    start a private xenstored in DIR; prints
#                                              its socket path; pid in DIR/xenstored.pid
#   tests/tools/xenstored-peer.sh stop DIR     stop it
# Exit 77 (with the reason on the last line) when the peer cannot be had (no network).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
peers=$top/build/peers
root=$peers/xen-root
bin=$root/usr/lib/xen-4.17/bin/xenstored
fakesrc=$top/tests/tools   # fakexen.c and .map: xenstored without a hypervisor

prepare() {
	mkdir -p "$peers"
	if [ ! -x "$bin" ]; then
		local dl; dl=$(mktemp -d "$peers/dl.XXXXXX")
		if ! (cd "$dl" && apt-get download xen-utils-4.17 xen-utils-common) >"$dl/log" 2>&1; then
			tail -n 3 "$dl/log" >&2; rm -rf "$dl"
			echo "xenstored-peer: apt-get download xen-utils-4.17 failed (no network?)"
			exit 77
		fi
		mkdir -p "$root"
		for d in "$dl"/*.deb; do dpkg -x "$d" "$root"; done
		rm -rf "$dl"
	fi
	# rebuilt when the tree's preload is newer than the cached one
	if [ ! -f "$peers/fakexen.so" ] || [ "$fakesrc/fakexen.c" -nt "$peers/fakexen.so" ] ||
		[ "$fakesrc/fakexen.map" -nt "$peers/fakexen.so" ]; then
		gcc -O2 -Wall -Wextra -shared -fPIC -Wl,--version-script="$fakesrc/fakexen.map" \
			-o "$peers/fakexen.so.$$" "$fakesrc/fakexen.c" -ldl
		mv "$peers/fakexen.so.$$" "$peers/fakexen.so"
	fi
}

start() {
	local dir=$1
	prepare
	mkdir -p "$dir/run"
	printf 1 >"$dir/xsd_port"; truncate -s 4096 "$dir/xsd_kva"
	FAKEXEN_PORT=$dir/xsd_port FAKEXEN_KVA=$dir/xsd_kva XENSTORED_RUNDIR=$dir/run \
		LD_PRELOAD=$peers/fakexen.so LD_LIBRARY_PATH=$root/usr/lib/xen-4.17/lib \
		env -u XENSTORED_PATH "$bin" -N >"$dir/xenstored.log" 2>&1 </dev/null &
	echo $! >"$dir/xenstored.pid"
	for _ in $(seq 100); do
		[ -S "$dir/run/socket" ] && { echo "$dir/run/socket"; return 0; }
		sleep 0.05
	done
	echo "xenstored-peer: xenstored did not start (see $dir/xenstored.log)" >&2
	exit 1
}

stop() {
	local dir=$1
	[ -f "$dir/xenstored.pid" ] && kill "$(cat "$dir/xenstored.pid")" 2>/dev/null || true
	rm -f "$dir/xenstored.pid"
}

case ${1:-} in
prepare) prepare ;;
start) start "${2:?start DIR}" ;;
stop) stop "${2:?stop DIR}" ;;
*) echo "usage: $0 prepare | start DIR | stop DIR" >&2; exit 2 ;;
esac
