# Shared by the t_net_* tests (source after lib.sh): guests with a vif on a
# switch of this test's own name, and netback's status.
[ -x "$BIN/netback" ] || skip "netback not built (it needs backends/common/xenbus_be)"
# Built-in switches unless a test asks for the host bridge.
export PVISOR_NET_TAP=${PVISOR_NET_TAP:-0}
SW=pv$(( $$ % 100000 ))

# netguest NAME IP APP-ARGS [VIF-EXTRA] : create a guest with one vif on $SW
netguest() {
	local name=$1 ip=$2 args=$3 extra=${4:-}
	"$PVX" create -q "$(mkcfg "$name" "memory = ${NET_MEM:-8}" \
		"vif = [ 'bridge=$SW${extra:+,$extra}' ]" \
		"cmdline = \"ip=$ip $args\"")" || fail "$name: create"
}

# console NAME : the guest's console log
console() { cat "$PVISOR_RUNDIR/console/$1.log" 2>/dev/null; }

# netback_alive : the daemon still runs
netback_alive() { kill -0 "$(cat "$PVISOR_RUNDIR/netback.pid" 2>/dev/null)" 2>/dev/null; }
