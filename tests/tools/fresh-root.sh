#!/usr/bin/env bash
# The fresh-machine check (docs/NOTES-fresh.md): does a clean clone build and test on a
# minimal Debian 12 with nothing but `make` and `git` added, everything else coming
# from `make deps`? CI cannot tell: its machine has every package already.
#   tests/tools/fresh-root.sh DIR [GOAL...]
# DIR: a new or reused root (made with debootstrap --variant=minbase on first use,
# from the mirror of this host's APT sources). GOALs default to the README's order:
# `deps` `-j2` `-j7 build-tests` `test`; each is one `make` line run in the root, e.g.
#   tests/tools/fresh-root.sh /var/tmp/fr '-j7 run' 'test -j2'
# The clone is of this checkout's HEAD (commit first). Runs as root. Everything is
# mounted in a private mount namespace whose / is a mount point (as on a machine, so
# `ip netns exec` works): nothing is left mounted afterwards. Needs network access to
# the Debian mirror and npm; the host's extra CA certificates (a proxy that re-signs
# TLS) are copied in, as an admin of such a network would install them.
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,15p' "$0"; exit 2; }
[ "$(id -u)" = 0 ] || { echo "fresh-root: run as root (debootstrap, chroot)" >&2; exit 1; }
root=$(realpath -m "$1"); shift
[ $# -gt 0 ] || set -- deps -j2 '-j7 build-tests' test
top=$(cd "$(dirname "$0")/../.." && pwd)

mirror() { # the first Debian mirror of this host's APT sources
	grep -hoE 'https?://[^ ]*/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/* \
		2>/dev/null | head -n 1 | tr -d ' ' || true
}

make_root() {
	command -v debootstrap >/dev/null || apt-get install -y -q debootstrap >/dev/null
	local m; m=$(mirror); m=${m:-http://deb.debian.org/debian}
	echo "fresh-root: debootstrap --variant=minbase bookworm $root $m"
	debootstrap --variant=minbase bookworm "$root" "$m" >"$root.debootstrap.log" 2>&1 ||
		{ tail -n 5 "$root.debootstrap.log"; exit 1; }
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then # updates and security too
		cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
		rm -f "$root/etc/apt/sources.list"
	fi
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	mkdir -p "$root/usr/local/share/ca-certificates"
	cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/" 2>/dev/null || true
	inroot 'apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends make git >/dev/null'
}

inroot() { # command line, run in the root with a clean environment
	unshare -m --propagation private /bin/bash -ec '
		r=$1; shift
		mount --rbind "$r" "$r"
		mount -t proc proc "$r/proc"
		mount --rbind /sys "$r/sys"
		mount --rbind /dev "$r/dev"
		mount -t tmpfs -o mode=755 tmpfs "$r/run"
		exec chroot "$r" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			DEBIAN_FRONTEND=noninteractive /bin/bash -c "$1"' inroot "$root" "$1"
}

[ -x "$root/usr/bin/apt-get" ] || make_root
rm -rf "$root/root/pvisor"
git clone -q "$top" "$root/root/pvisor"
git -C "$root/root/pvisor" log --oneline -1
# One namespace for every goal, so that `pvx daemons stop` after `make run` finds the
# run directory (/run is a tmpfs of this namespace); daemons are stopped at the end.
script='cd /root/pvisor; trap "[ -x build/bin/pvx ] && build/bin/pvx daemons stop >/dev/null 2>&1" EXIT'
for g in "$@"; do
	script+="; echo '== make $g'; make $g || { rc=\$?; echo 'fresh-root: make $g failed'; exit \$rc; }"
done
inroot "$script"
