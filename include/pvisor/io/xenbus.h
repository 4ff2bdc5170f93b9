/* XenBus device states (Xen 4.17 io/xenbus.h, pvisor names): each side of a split
 * driver writes its state as a decimal string into its own `state` store key. */
#ifndef PVISOR_IO_XENBUS_H
#define PVISOR_IO_XENBUS_H

#include <stdint.h>

enum pv_xenbus_state {
	PV_XenbusStateUnknown = 0,
	PV_XenbusStateInitialising = 1,
	PV_XenbusStateInitWait = 2,    /* early init done, waiting for the peer or hotplug */
	PV_XenbusStateInitialised = 3, /* waiting for the peer to connect */
	PV_XenbusStateConnected = 4,
	PV_XenbusStateClosing = 5, /* closing after an error or an unplug */
	PV_XenbusStateClosed = 6,
	PV_XenbusStateReconfiguring = 7,
	PV_XenbusStateReconfigured = 8
};

#endif
