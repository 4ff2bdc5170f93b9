#!/usr/bin/env bash
# The clang-format step of `make lint` (style: .clang-format at the top of the tree).
#   format.sh           check: every covered file is formatted (exit 1 and the list if not)
#   format.sh -i        reformat the covered files in place (`make format`)
#   format.sh --all ... the same over every C file of the tree, covered or not
#   format.sh FILE...   only these files
# Covered files: those under the paths listed in tests/tools/format.list (a path per
# line, a folder covers everything below it, `.` the whole tree). The tree was written
# by hand before the style file existed and was reformatted once (format.sh --all -i);
# since then the list is `.`, the whole tree.
# Generated or vendored files are never formatted: EXCLUDE below (none today).
set -u
cd "$(dirname "$0")/../.." || exit 1
EXCLUDE=()
mode=check all=0 files=()
for a; do
	case "$a" in
	-i) mode=fix ;;
	--all) all=1 ;;
	-h | --help) sed -n '2,11p' "$0"; exit 0 ;;
	*) files+=("$a") ;;
	esac
done
command -v clang-format >/dev/null || { echo "format: clang-format not installed (make deps)"; exit 1; }

covered() { # the tracked C files under the listed paths
	local paths=()
	if [ $all = 1 ]; then
		paths=(.)
	else
		mapfile -t paths < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' tests/tools/format.list | grep -v '^$')
	fi
	[ ${#paths[@]} -gt 0 ] || return 0
	git ls-files -co --exclude-standard -- "${paths[@]}" | grep -E '\.(c|h)$' | grep -v '^build/' |
		while read -r f; do
			for x in "${EXCLUDE[@]}"; do [[ $f == $x ]] && continue 2; done
			[ -f "$f" ] && echo "$f"
		done
}
[ ${#files[@]} -gt 0 ] || mapfile -t files < <(covered)
[ ${#files[@]} -gt 0 ] || exit 0
if [ $mode = fix ]; then
	printf '%s\0' "${files[@]}" | xargs -0 -n 50 clang-format -i
	exit
fi
bad=()
for f in "${files[@]}"; do
	clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
[ ${#bad[@]} -eq 0 ] && exit 0
for f in "${bad[@]}"; do
	echo "format: $f: not formatted as .clang-format says (tests/tools/format.sh -i $f)"
done
exit 1
