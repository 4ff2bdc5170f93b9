#!/usr/bin/env bash
# A vif hotplug script for tests, run the way libxl runs Xen's (vif-bridge): its
# arguments are online|offline and type_if=vif, its environment names the
# device (script, XENBUS_TYPE, XENBUS_PATH, XENBUS_BASE_PATH, vif, netdev). It
# appends one line with all of them to $PVTEST_HOTPLUG_LOG, reads the backend's
# mac through XENBUS_PATH as Xen's scripts read their keys, and on online
# writes hotplug-status = connected as they do. PVTEST_HOTPLUG_FAIL=1 makes it
# fail.
set -u
log=${PVTEST_HOTPLUG_LOG:-/dev/null}
mac=$(xenstore-read "$XENBUS_PATH/mac" 2>/dev/null || echo "?")
echo "$1 $2 script=$script type=$XENBUS_TYPE path=$XENBUS_PATH base=$XENBUS_BASE_PATH" \
	"vif=$vif netdev=$netdev mac=$mac" >>"$log"
[ "${PVTEST_HOTPLUG_FAIL:-0}" = 1 ] && { echo "test-vif-script: failing as asked" >&2; exit 1; }
[ "$1" = online ] && xenstore-write "$XENBUS_PATH/hotplug-status" connected
exit 0
