#!/usr/bin/env bash
# A bootloader for tests, called the way xl calls pygrub: --kernel=, --ramdisk=,
# --args= (from the config), --output=FILE, --output-format=simple0,
# --output-directory=DIR, the config's bootloader_args, then the first disk. The
# disk is a tar archive holding boot/pvkernel (or the --kernel= path) and
# boot/cmdline (the kernel command line unless --args= gives one). It extracts the
# kernel into DIR and writes "kernel PATH" and "args TEXT" records, each ended by
# a NUL. Every argument is also written, one per line, to DISK.args for the test
# to check; --fail makes it fail as a broken bootloader would.
set -u
kernel=boot/pvkernel args= have_args=0 out= fmt= dir= disk=
for a in "$@"; do
	case $a in
	--kernel=*) kernel=${a#--kernel=}; kernel=${kernel#/} ;;
	--args=*) args=${a#--args=}; have_args=1 ;;
	--output=*) out=${a#--output=} ;;
	--output-format=*) fmt=${a#--output-format=} ;;
	--output-directory=*) dir=${a#--output-directory=} ;;
	--fail) echo "test-bootloader: failing as asked" >&2; exit 3 ;;
	*) disk=$a ;;
	esac
done
printf '%s\n' "$@" >"$disk.args"
[ "$fmt" = simple0 ] || { echo "test-bootloader: output format '$fmt' is not simple0" >&2; exit 1; }
[ -n "$out" ] && [ -d "$dir" ] || { echo "test-bootloader: no --output or --output-directory" >&2; exit 1; }
tar -xf "$disk" -C "$dir" "$kernel" || exit 1
[ $have_args = 1 ] || args=$(tar -xOf "$disk" boot/cmdline 2>/dev/null)
printf 'kernel %s\0args %s\0' "$dir/$kernel" "$args" >"$out"
