#!/usr/bin/env bash
# Golden-file tests of `pvx create --dry-run`: each pass-NAME.cfg must exit 0 with
# stdout equal to pass-NAME.json and stderr equal to pass-NAME.err (empty when
# there is no .err); each fail-NAME.cfg must exit 1 with no stdout and stderr
# equal to fail-NAME.err. NAME.args, when present, holds extra key=value
# arguments, one per line. Runs from this directory so messages name the bare
# file. Every key of xl.cfg(5) (xl-cfg-keys.txt) must be set in some case.
# Exit 0 pass, 77 skip (pvx missing), 1 fail.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bindir=${PVISOR_BINDIR:-$here/../../build/bin}
pvx=$bindir/pvx
if [ ! -x "$pvx" ]; then
	echo "pvx not built yet"
	exit 77
fi
cd "$here" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0 total=0

# compare EXPECTED-FILE ACTUAL-FILE LABEL: a missing expected file means empty.
compare() {
	local want=$1 got=$2 label=$3
	[ -f "$want" ] || want=/dev/null
	if ! diff -u --label "$label (expected)" --label "$label (got)" "$want" "$got"; then
		return 1
	fi
}

run_case() {
	local cfg=$1 base=${1%.cfg} want_rc rc ok=1
	local -a args=()
	[[ $cfg == fail-* ]] && want_rc=1 || want_rc=0
	[ -f "$base.args" ] && mapfile -t args <"$base.args"
	"$pvx" create --dry-run "$cfg" "${args[@]}" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	if [ $rc -ne $want_rc ]; then
		echo "$cfg: exit status $rc, expected $want_rc"
		ok=0
	fi
	if [ $want_rc -eq 0 ]; then
		compare "$base.json" "$tmp/out" "$base stdout" || ok=0
	else
		compare /dev/null "$tmp/out" "$base stdout" || ok=0
	fi
	compare "$base.err" "$tmp/err" "$base stderr" || ok=0
	total=$((total + 1))
	if [ $ok -eq 1 ]; then
		echo "ok   $cfg"
	else
		echo "FAIL $cfg"
		failed=$((failed + 1))
	fi
}

for cfg in pass-*.cfg fail-*.cfg; do
	[ -f "$cfg" ] && run_case "$cfg"
done
echo "config golden files: $((total - failed)) of $total passed"

# The corpus covers xl.cfg(5): every key it documents is set in some case, so each
# one's outcome (honoured, warned, refused, accepted as asking for nothing) is
# pinned by a golden file.
missing=0
while read -r key; do
	case $key in '' | '#'*) continue ;; esac
	if ! grep -qE "^$key[[:space:]]*=" pass-*.cfg fail-*.cfg; then
		echo "xl.cfg key not covered by any case: $key"
		missing=$((missing + 1))
	fi
done <xl-cfg-keys.txt
echo "xl.cfg(5) keys: $(grep -cv '^#' xl-cfg-keys.txt) listed, $missing not covered"
[ $failed -eq 0 ] && [ $total -gt 0 ] && [ $missing -eq 0 ]
