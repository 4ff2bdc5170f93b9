/* ABI check: pvisor's io/xs_wire.h and io/xenbus.h against Debian's Xen 4.17 headers --
 * sizes, offsets, constants and the error-name table. Prints "abi_xs: N passed, N failed". */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <xen/io/xs_wire.h>
#include <xen/io/xenbus.h>

#include <pvisor/io/xenbus.h>
#include <pvisor/io/xs_wire.h>

static int passed, failed;

static void check_eq(const char *what, long ours, long xens)
{
	if (ours == xens) {
		passed++;
		return;
	}
	failed++;
	printf("abi_xs: FAIL %s: pvisor %ld, xen %ld\n", what, ours, xens);
}

#define EQ(a, b) check_eq(#a " == " #b, (long)(a), (long)(b))
#define OFF(ps, xs, f) \
	check_eq("offsetof " #ps "." #f, offsetof(struct ps, f), offsetof(struct xs, f))
#define SZ(ps, xs) check_eq("sizeof " #ps, sizeof(struct ps), sizeof(struct xs))

static void check_types(void)
{
	EQ(PV_XS_CONTROL, XS_CONTROL);
	EQ(PV_XS_DEBUG, XS_DEBUG);
	EQ(PV_XS_DIRECTORY, XS_DIRECTORY);
	EQ(PV_XS_READ, XS_READ);
	EQ(PV_XS_GET_PERMS, XS_GET_PERMS);
	EQ(PV_XS_WATCH, XS_WATCH);
	EQ(PV_XS_UNWATCH, XS_UNWATCH);
	EQ(PV_XS_TRANSACTION_START, XS_TRANSACTION_START);
	EQ(PV_XS_TRANSACTION_END, XS_TRANSACTION_END);
	EQ(PV_XS_INTRODUCE, XS_INTRODUCE);
	EQ(PV_XS_RELEASE, XS_RELEASE);
	EQ(PV_XS_GET_DOMAIN_PATH, XS_GET_DOMAIN_PATH);
	EQ(PV_XS_WRITE, XS_WRITE);
	EQ(PV_XS_MKDIR, XS_MKDIR);
	EQ(PV_XS_RM, XS_RM);
	EQ(PV_XS_SET_PERMS, XS_SET_PERMS);
	EQ(PV_XS_WATCH_EVENT, XS_WATCH_EVENT);
	EQ(PV_XS_ERROR, XS_ERROR);
	EQ(PV_XS_IS_DOMAIN_INTRODUCED, XS_IS_DOMAIN_INTRODUCED);
	EQ(PV_XS_RESUME, XS_RESUME);
	EQ(PV_XS_SET_TARGET, XS_SET_TARGET);
	EQ(PV_XS_RESET_WATCHES, XS_RESET_WATCHES);
	EQ(PV_XS_DIRECTORY_PART, XS_DIRECTORY_PART);
	EQ(PV_XS_TYPE_COUNT, XS_TYPE_COUNT);
	EQ(PV_XS_INVALID, XS_INVALID);
	EQ(PV_XS_WATCH_PATH, XS_WATCH_PATH);
	EQ(PV_XS_WATCH_TOKEN, XS_WATCH_TOKEN);
	EQ(strcmp(PV_XS_WRITE_NONE, XS_WRITE_NONE), 0);
	EQ(strcmp(PV_XS_WRITE_CREATE, XS_WRITE_CREATE), 0);
	EQ(strcmp(PV_XS_WRITE_CREATE_EXCL, XS_WRITE_CREATE_EXCL), 0);
}

static void check_layouts(void)
{
	SZ(pv_xsd_sockmsg, xsd_sockmsg);
	OFF(pv_xsd_sockmsg, xsd_sockmsg, type);
	OFF(pv_xsd_sockmsg, xsd_sockmsg, req_id);
	OFF(pv_xsd_sockmsg, xsd_sockmsg, tx_id);
	OFF(pv_xsd_sockmsg, xsd_sockmsg, len);
	SZ(pv_xenstore_domain_interface, xenstore_domain_interface);
#define RO(f) OFF(pv_xenstore_domain_interface, xenstore_domain_interface, f)
	RO(req);
	RO(rsp);
	RO(req_cons);
	RO(req_prod);
	RO(rsp_cons);
	RO(rsp_prod);
	RO(server_features);
	RO(connection);
	RO(error);
#undef RO
	EQ(sizeof(pv_xenstore_ring_idx_t), sizeof(XENSTORE_RING_IDX));
	EQ(PV_XENSTORE_RING_SIZE, XENSTORE_RING_SIZE);
	EQ(PV_MASK_XENSTORE_IDX(5000u), MASK_XENSTORE_IDX(5000u));
	EQ(PV_XENSTORE_PAYLOAD_MAX, XENSTORE_PAYLOAD_MAX);
	EQ(PV_XENSTORE_ABS_PATH_MAX, XENSTORE_ABS_PATH_MAX);
	EQ(PV_XENSTORE_REL_PATH_MAX, XENSTORE_REL_PATH_MAX);
	EQ(PV_XENSTORE_SERVER_FEATURE_RECONNECTION, XENSTORE_SERVER_FEATURE_RECONNECTION);
	EQ(PV_XENSTORE_SERVER_FEATURE_ERROR, XENSTORE_SERVER_FEATURE_ERROR);
	EQ(PV_XENSTORE_CONNECTED, XENSTORE_CONNECTED);
	EQ(PV_XENSTORE_RECONNECT, XENSTORE_RECONNECT);
	EQ(PV_XENSTORE_ERROR_NONE, XENSTORE_ERROR_NONE);
	EQ(PV_XENSTORE_ERROR_COMM, XENSTORE_ERROR_COMM);
	EQ(PV_XENSTORE_ERROR_RINGIDX, XENSTORE_ERROR_RINGIDX);
	EQ(PV_XENSTORE_ERROR_PROTO, XENSTORE_ERROR_PROTO);
}

static void check_errors(void)
{
	size_t n = sizeof(xsd_errors) / sizeof(xsd_errors[0]);

	EQ(sizeof(pv_xsd_errors) / sizeof(pv_xsd_errors[0]), n);
	for (size_t i = 0; i < n && i < sizeof(pv_xsd_errors) / sizeof(pv_xsd_errors[0]); i++) {
		char what[64];
		snprintf(what, sizeof(what), "error[%zu] %s number", i, xsd_errors[i].errstring);
		check_eq(what, pv_xsd_errors[i].errnum, xsd_errors[i].errnum);
		snprintf(what, sizeof(what), "error[%zu] %s name", i, xsd_errors[i].errstring);
		check_eq(what, strcmp(pv_xsd_errors[i].errstring, xsd_errors[i].errstring), 0);
	}
}

static void check_xenbus(void)
{
	EQ(PV_XenbusStateUnknown, XenbusStateUnknown);
	EQ(PV_XenbusStateInitialising, XenbusStateInitialising);
	EQ(PV_XenbusStateInitWait, XenbusStateInitWait);
	EQ(PV_XenbusStateInitialised, XenbusStateInitialised);
	EQ(PV_XenbusStateConnected, XenbusStateConnected);
	EQ(PV_XenbusStateClosing, XenbusStateClosing);
	EQ(PV_XenbusStateClosed, XenbusStateClosed);
	EQ(PV_XenbusStateReconfiguring, XenbusStateReconfiguring);
	EQ(PV_XenbusStateReconfigured, XenbusStateReconfigured);
	EQ(sizeof(enum pv_xenbus_state), sizeof(enum xenbus_state));
}

int main(void)
{
	check_types();
	check_layouts();
	check_errors();
	check_xenbus();
	printf("abi_xs: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
