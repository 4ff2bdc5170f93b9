# Shared by the store's integration tests: a private run directory with its own xsd,
# started and stopped here, plus small assertion helpers.
set -u
TOP=${PVISOR_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BIN=$TOP/${PVISOR_BUILD:-build}/bin
XSWIRE=$TOP/tests/tools/xswire.py
export PVISOR_RUNDIR=$(mktemp -d /tmp/xstest.XXXXXX)
export XENSTORED_PATH=$PVISOR_RUNDIR/xenstored.sock
XSD_PID=

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "$*"; exit 77; }
ok() { echo "ok: $*"; }

xs_cleanup() {
	[ -n "$XSD_PID" ] && kill -9 "$XSD_PID" 2>/dev/null
	[ -n "${XS_EXTRA_CLEANUP:-}" ] && eval "$XS_EXTRA_CLEANUP"
	rm -rf "$PVISOR_RUNDIR"
}
trap xs_cleanup EXIT

[ -x "$BIN/xsd" ] && [ -x "$BIN/xs" ] || fail "build first (missing $BIN/xsd or $BIN/xs)"

# xsd_start [OPTIONS]: start xsd in the background and wait for its pid file
xsd_start() {
	rm -f "$PVISOR_RUNDIR/xsd.pid"
	"$BIN/xsd" "$@" 2>>"$PVISOR_RUNDIR/xsd.log" &
	XSD_PID=$!
	for _ in $(seq 200); do
		[ -s "$PVISOR_RUNDIR/xsd.pid" ] && return 0
		kill -0 "$XSD_PID" 2>/dev/null || fail "xsd exited at start: $(tail -3 "$PVISOR_RUNDIR/xsd.log")"
		sleep 0.02
	done
	fail "xsd wrote no pid file"
}

# xsd_stop SIGNAL: stop xsd and wait for it
xsd_stop() {
	kill "-$1" "$XSD_PID" 2>/dev/null
	wait "$XSD_PID" 2>/dev/null
	XSD_PID=
}

xsd_alive() { [ -n "$XSD_PID" ] && kill -0 "$XSD_PID" 2>/dev/null; }

# expect WHAT GOT WANT: exact comparison with a readable diff on failure
expect() {
	if [ "$2" != "$3" ]; then
		echo "FAIL: $1" >&2
		diff <(printf '%s\n' "$3") <(printf '%s\n' "$2") | sed 's/^/    /' >&2
		exit 1
	fi
}
