# Shared by the t_migrate* tests (source after lib.sh): a second pvisor host on this
# machine -- its own run directory, reached through tests/tools/host2.sh the way
# pvx migrate reaches a host through ssh -- and, as root, its own network
# namespace joined to this host's bridge by a veth pair (host2_net).
H2=$PVISOR_RUNDIR/host2
HOST2=$TOP/tests/tools/host2.sh
mkdir -p "$H2"
NETNS="" BR="" VETH=""

# pvx2 ARGS... : pvx on the second host
pvx2() { "$HOST2" "$H2" pvx "$@"; }

# console2_has DOMAIN TEXT : the domain's console log on the second host holds TEXT
console2_has() { grep -qF -- "$2" "$H2/console/$1.log" 2>/dev/null; }

# count_last FILE : the last "count: N" value of a count guest's console log
count_last() { sed -n 's/^count: \([0-9][0-9]*\)$/\1/p' "$1" | tail -n 1; }

# count_seq FILE... : the count values of the logs, in order, must run on by one
# from the first with nothing missing or repeated; prints how many
count_seq() {
	sed -n 's/^count: \([0-9][0-9]*\)$/\1/p' "$@" | awk '
		NR > 1 && $1 != prev + 1 { print "count: " prev " then " $1 > "/dev/stderr"; bad = 1 }
		{ prev = $1 } END { print NR; exit bad }'
}

# host2_net : as root, a network namespace for the second host with a bridge $BR in
# each namespace and a veth pair between them: one Ethernet segment spanning both
# hosts, TAP vifs of each host's netback on its own side. Skips the test otherwise.
host2_net() {
	[ "$(id -u)" = 0 ] || skip "needs root (a network namespace and TAP devices)"
	[ -c /dev/net/tun ] || skip "no /dev/net/tun"
	NETNS=pvmig$$ BR=pvm$$ VETH=pvv$$
	ip netns add "$NETNS" || skip "cannot make a network namespace"
	# ip netns exec needs a mount namespace whose / is a mount point (it makes / a
	# slave mount): not so in a chroot into a plain directory
	local why
	why=$(ip netns exec "$NETNS" true 2>&1) || {
		ip netns del "$NETNS" 2>/dev/null; NETNS=""
		skip "ip netns exec does not work here (a chroot whose / is no mount point?): $why"
	}
	ip link add "$BR" type bridge && ip link set "$BR" up &&
		ip link add "$VETH" type veth peer name "${VETH}b" &&
		ip link set "${VETH}b" netns "$NETNS" &&
		ip link set "$VETH" master "$BR" up &&
		ip netns exec "$NETNS" ip link add "$BR" type bridge &&
		ip netns exec "$NETNS" ip link set "$BR" up &&
		ip netns exec "$NETNS" ip link set "${VETH}b" master "$BR" up ||
		fail "setting up the two hosts' network"
	echo "$NETNS" >"$H2/netns"
	export PVISOR_NET_TAP=1
}

cleanup() {
	"$HOST2" "$H2" pvx daemons stop >/dev/null 2>&1
	"$PVX" daemons stop >/dev/null 2>&1
	if [ -n "$NETNS" ]; then
		ip netns del "$NETNS" 2>/dev/null
		ip link del "$VETH" 2>/dev/null
		ip link del "$BR" 2>/dev/null
	fi
	rm -rf "$PVISOR_RUNDIR"
}
