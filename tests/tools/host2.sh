#!/usr/bin/env bash
# host2.sh HOST COMMAND...: what ssh is to `pvx migrate -s`, for a second pvisor
# host on this machine. HOST is that host's run directory (its daemons, guests and
# logs); when it holds a file named netns, the command runs in the network
# namespace named there (ip netns exec, root only), so that the host's netback has
# TAP devices and bridges of its own. As ssh does, the command words are joined
# and run by a shell, here with pvx's directory first on PATH and stdin/stdout
# passed through: `pvx migrate -s tests/tools/host2.sh DOM /tmp/host2` runs
# `pvx migrate-receive` there.
set -u
[ $# -ge 2 ] || { echo "usage: host2.sh HOST COMMAND..." >&2; exit 255; }
host=$1; shift
[ -d "$host" ] || { echo "host2.sh: $host: no such host (a run directory)" >&2; exit 255; }
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bindir=${PVISOR_BINDIR:-$top/build/bin}
export PVISOR_RUNDIR=$host PVISOR_BINDIR=$bindir PATH=$bindir:$PATH
if [ -s "$host/netns" ]; then
	exec ip netns exec "$(cat "$host/netns")" sh -c "$*"
fi
exec sh -c "$*"
