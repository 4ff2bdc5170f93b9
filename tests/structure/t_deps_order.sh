#!/usr/bin/env bash
# `make test`, `make run` and `make bench` on a machine that lacks a package: nothing
# may compile before `deps` has installed it, whatever -j says. A scratch copy of the
# tree is built with shims first on PATH: dpkg-query says libyajl-dev is missing,
# apt-get "installs" it slowly (sleeps, then marks it done), and cc/gcc/clang note
# whether the package was there when they started. Each goal is stopped once a few
# compiles have run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "deps.sh installs only as root"; exit 77; }
tmp=$(mktemp -d /tmp/test_deps_order.XXXXXX)
pgid=
cleanup() {
	[ -n "$pgid" ] && kill -KILL -- "-$pgid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

shim=$tmp/shim
mkdir -p "$shim" "$tmp/tree"
(cd "$top" && git ls-files -co --exclude-standard | grep -v '^build/' | tar cf - -T -) |
	tar xf - -C "$tmp/tree" || fail "copy the tree"
real_path=$PATH

cat >"$shim/dpkg-query" <<EOF
#!/bin/bash
# libyajl-dev is missing until the apt-get shim has "installed" it
for a; do pkg=\$a; done
if [ "\$pkg" = libyajl-dev ] && [ ! -e "$shim/installed" ]; then
	printf 'deinstall ok config-files'; exit 0
fi
PATH="$real_path" exec dpkg-query "\$@"
EOF
cat >"$shim/apt-get" <<EOF
#!/bin/bash
case "\$*" in
*install*) echo "apt-get \$*" >>"$shim/log"; sleep 3; touch "$shim/installed" ;;
esac
exit 0
EOF
for c in cc gcc clang; do
	cat >"$shim/$c" <<EOF
#!/bin/bash
if [ -e "$shim/installed" ]; then echo "$c after deps" >>"$shim/log"
else echo "EARLY $c \$*" >>"$shim/log"; fi
PATH="$real_path" exec $c "\$@"
EOF
done
chmod +x "$shim"/*

# goal ARGS...: run make ARGS in the copy from a clean build/, stop it after 4 compiles
goal() {
	rm -rf "$tmp/tree/build" "$shim/installed" "$shim/log"
	PATH=$shim:$real_path TESTS=none BENCH=none PVISOR_RUNDIR=$tmp/run setsid make -C "$tmp/tree" "$@" \
		>"$tmp/make.log" 2>&1 </dev/null &
	pgid=$!
	local end=$((SECONDS + 300))
	while [ "$(cat "$shim/log" 2>/dev/null | grep -c 'after deps\|EARLY')" -lt 4 ]; do
		kill -0 "$pgid" 2>/dev/null || break
		[ $SECONDS -lt $end ] || fail "make $*: no compile in 300 s: $(tail -5 "$tmp/make.log")"
		sleep 0.2
	done
	kill -KILL -- "-$pgid" 2>/dev/null
	wait "$pgid" 2>/dev/null
	pgid=
	grep '^EARLY' "$shim/log" && fail "make $*: compiled before deps had finished"
	grep -q '^apt-get .*install.*libyajl-dev' "$shim/log" ||
		fail "make $*: deps did not install libyajl-dev: $(cat "$shim/log" "$tmp/make.log")"
	grep -q 'after deps' "$shim/log" || fail "make $*: nothing compiled: $(tail -5 "$tmp/make.log")"
	ok "make $*: deps installed first, then $(grep -c 'after deps' "$shim/log") compiles"
}
goal -j8 test
goal -j2 run
goal bench
goal -j8 all test
