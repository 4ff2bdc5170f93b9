#!/usr/bin/env bash
# make run: start the daemons of the run directory and boot the demo guest with its
# console attached. The daemons keep running afterwards for more pvx commands.
set -euo pipefail
cd "$(dirname "$0")/../.."
pvx=$PWD/build/bin/pvx
export PVISOR_BINDIR=$PWD/build/bin
"$pvx" daemons start
if "$pvx" list hello >/dev/null 2>&1; then
	"$pvx" destroy hello
fi
if [ -t 0 ]; then
	echo "Booting the demo guest; its shell is on this console (type help; Ctrl-] detaches)."
	"$pvx" create -c examples/hello.cfg
else
	# No terminal (a script, CI): show the shell answering a few commands, then power off.
	printf 'help\ninfo\nuptime\necho hello from the demo guest\npoweroff\n' |
		timeout 60 "$pvx" create -c examples/hello.cfg
fi
echo
echo "The daemons are still running in $("$pvx" daemons status | sed -n 's/^run directory: //p')."
echo "Try: build/bin/pvx create examples/hello.cfg cmdline=app=spin; build/bin/pvx list;"
echo "     build/bin/pvx dmesg; build/bin/pvx daemons stop"
