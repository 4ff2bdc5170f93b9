/* ABI conformance, device protocols: include/pvisor/io/ring.h layouts and entry
 * counts, io/console.h, io/blkif.h and io/netif.h against Debian's Xen 4.17
 * headers. The ring macros' behaviour is compared in abi_ring.c. */
#include "abi_check.h"

#ifdef ABI_HAVE_XEN
#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/io/ring.h>
#include <xen/io/console.h>
#include <xen/io/blkif.h>
#include <xen/io/netif.h>

#include "pvisor/io/blkif.h"
#include "pvisor/io/console.h"
#include "pvisor/io/netif.h"
#include "pvisor/io/ring.h"

static void check_ring_sizes(const char *name, unsigned long entry, unsigned long ours,
			     unsigned long xens)
{
	static const unsigned long bytes[] = { 4096, 8192, 16384, 65536 };
	char what[128];
	unsigned i;

	snprintf(what, sizeof(what), "%s entries per 4 KiB page", name);
	abi_eq(what, (long long)ours, (long long)xens);
	for (i = 0; i < sizeof(bytes) / sizeof(bytes[0]); i++) {
		unsigned long n = (bytes[i] - 64) / entry;

		snprintf(what, sizeof(what), "%s entries for %lu bytes", name, bytes[i]);
		abi_eq(what, (long long)PV_RING_ROUNDDOWN_POW2(n), (long long)__RD32(n));
		abi_eq(what, (long long)pv_ring_rounddown_pow2((uint32_t)n),
		       (long long)__RD32(n));
	}
}

/* Shared page header, private views and entry counts of ring type `name`
 * (struct pv_<name>_sring ...) against Xen's xen_<...>_sring. */
#define CHECK_RING(name, xen) \
	do { \
		CHECK_FIELDS(pv_##name##_sring, xen##_sring, req_prod, req_event, rsp_prod, \
			     rsp_event, pvt, pvt.netif.smartpoll_active, pvt.tapif_user.msg, \
			     pvt.pvt_pad, __pad); \
		abi_eq("offsetof pv_" #name "_sring.ring", \
		       (long long)offsetof(struct pv_##name##_sring, ring), \
		       (long long)offsetof(struct xen##_sring, ring)); \
		abi_eq("sizeof union pv_" #name "_sring_entry", \
		       (long long)sizeof(union pv_##name##_sring_entry), \
		       (long long)sizeof(union xen##_sring_entry)); \
		CHECK_SIZE(pv_##name##_front_ring, xen##_front_ring); \
		CHECK_FIELDS(pv_##name##_front_ring, xen##_front_ring, req_prod_pvt, rsp_cons, \
			     nr_ents, sring); \
		CHECK_SIZE(pv_##name##_back_ring, xen##_back_ring); \
		CHECK_FIELDS(pv_##name##_back_ring, xen##_back_ring, rsp_prod_pvt, req_cons, \
			     nr_ents, sring); \
		check_ring_sizes(#name, sizeof(union pv_##name##_sring_entry), \
				 PV_CONST_RING_SIZE(name, 4096), __CONST_RING_SIZE(xen, 4096)); \
	} while (0)

static void check_rings(void)
{
	CHECK_TYPE(pv_ring_idx_t, RING_IDX);
	CHECK_CONST(PV_RING_HDR_SIZE, offsetof(struct blkif_sring, ring));
	CHECK_RING(blkif, blkif);
	CHECK_RING(netif_tx, netif_tx);
	CHECK_RING(netif_rx, netif_rx);
	CHECK_RING(netif_ctrl, xen_netif_ctrl);
	/* The counts the protocols are known by. */
	CHECK_CONST(PV_BLKIF_RING_SIZE, 32);
	CHECK_CONST(PV_NETIF_TX_RING_SIZE, 256);
	CHECK_CONST(PV_NETIF_RX_RING_SIZE, 256);
	CHECK_CONST(PV_CONST_RING_SIZE(netif_ctrl, 4096), 128);
}

static void check_console(void)
{
	CHECK_TYPE(pv_xencons_ring_idx_t, XENCONS_RING_IDX);
	CHECK_SIZE(pv_xencons_interface, xencons_interface);
	CHECK_FIELDS(pv_xencons_interface, xencons_interface, in, out, in_cons, in_prod, out_cons,
		     out_prod);
	{
		struct pv_xencons_interface p;
		struct xencons_interface x;

		CHECK_CONST(PV_MASK_XENCONS_IDX(5000u, p.out), MASK_XENCONS_IDX(5000u, x.out));
		CHECK_CONST(PV_MASK_XENCONS_IDX(5000u, p.in), MASK_XENCONS_IDX(5000u, x.in));
	}
}

static void check_blkif_consts(void)
{
	CHECK_TYPE(pv_blkif_vdev_t, blkif_vdev_t);
	CHECK_TYPE(pv_blkif_sector_t, blkif_sector_t);
	CHECK_CONST(PV_BLKIF_OP_READ, BLKIF_OP_READ);
	CHECK_CONST(PV_BLKIF_OP_WRITE, BLKIF_OP_WRITE);
	CHECK_CONST(PV_BLKIF_OP_WRITE_BARRIER, BLKIF_OP_WRITE_BARRIER);
	CHECK_CONST(PV_BLKIF_OP_FLUSH_DISKCACHE, BLKIF_OP_FLUSH_DISKCACHE);
	CHECK_CONST(PV_BLKIF_OP_RESERVED_1, BLKIF_OP_RESERVED_1);
	CHECK_CONST(PV_BLKIF_OP_DISCARD, BLKIF_OP_DISCARD);
	CHECK_CONST(PV_BLKIF_OP_INDIRECT, BLKIF_OP_INDIRECT);
	CHECK_CONST(PV_BLKIF_MAX_SEGMENTS_PER_REQUEST, BLKIF_MAX_SEGMENTS_PER_REQUEST);
	CHECK_CONST(PV_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST,
		    BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST);
	CHECK_CONST(PV_BLKIF_SEGS_PER_INDIRECT_FRAME,
		    4096 / sizeof(struct blkif_request_segment));
	CHECK_CONST(PV_BLKIF_DISCARD_SECURE, BLKIF_DISCARD_SECURE);
	CHECK_CONST(PV_BLKIF_RSP_EOPNOTSUPP, BLKIF_RSP_EOPNOTSUPP);
	CHECK_CONST(PV_BLKIF_RSP_ERROR, BLKIF_RSP_ERROR);
	CHECK_CONST(PV_BLKIF_RSP_OKAY, BLKIF_RSP_OKAY);
	CHECK_CONST(PV_VDISK_CDROM, VDISK_CDROM);
	CHECK_CONST(PV_VDISK_REMOVABLE, VDISK_REMOVABLE);
	CHECK_CONST(PV_VDISK_READONLY, VDISK_READONLY);
}

static void check_blkif_structs(void)
{
	CHECK_SIZE(pv_blkif_request_segment, blkif_request_segment);
	CHECK_FIELDS(pv_blkif_request_segment, blkif_request_segment, gref, first_sect,
		     last_sect);
	CHECK_SIZE(pv_blkif_request, blkif_request);
	CHECK_FIELDS(pv_blkif_request, blkif_request, operation, nr_segments, handle, id,
		     sector_number, seg, seg[10].last_sect);
	CHECK_SIZE(pv_blkif_request_discard, blkif_request_discard);
	CHECK_FIELDS(pv_blkif_request_discard, blkif_request_discard, operation, flag, handle, id,
		     sector_number, nr_sectors);
	CHECK_SIZE(pv_blkif_request_indirect, blkif_request_indirect);
	CHECK_FIELDS(pv_blkif_request_indirect, blkif_request_indirect, operation, indirect_op,
		     nr_segments, id, sector_number, handle, indirect_grefs);
	CHECK_SIZE(pv_blkif_response, blkif_response);
	CHECK_FIELDS(pv_blkif_response, blkif_response, id, operation, status);
}

static void check_netif_ctrl(void)
{
	CHECK_CONST(PV_NETIF_NR_SLOTS_MIN, XEN_NETIF_NR_SLOTS_MIN);
	CHECK_CONST(PV_NETIF_MAX_TX_SIZE, XEN_NETIF_MAX_TX_SIZE);
	CHECK_CONST(PV_NETIF_CTRL_HASH_TYPE_IPV4, XEN_NETIF_CTRL_HASH_TYPE_IPV4);
	CHECK_CONST(PV_NETIF_CTRL_HASH_TYPE_IPV4_TCP, XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP);
	CHECK_CONST(PV_NETIF_CTRL_HASH_TYPE_IPV6, XEN_NETIF_CTRL_HASH_TYPE_IPV6);
	CHECK_CONST(PV_NETIF_CTRL_HASH_TYPE_IPV6_TCP, XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP);
	CHECK_CONST(PV_NETIF_CTRL_HASH_ALGORITHM_NONE, XEN_NETIF_CTRL_HASH_ALGORITHM_NONE);
	CHECK_CONST(PV_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ,
		    XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ);
	CHECK_CONST(PV_NETIF_CTRL_TYPE_INVALID, XEN_NETIF_CTRL_TYPE_INVALID);
	CHECK_CONST(PV_NETIF_CTRL_TYPE_GET_HASH_FLAGS, XEN_NETIF_CTRL_TYPE_GET_HASH_FLAGS);
	CHECK_CONST(PV_NETIF_CTRL_TYPE_SET_HASH_FLAGS, XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS);
	CHECK_CONST(PV_NETIF_CTRL_TYPE_SET_HASH_KEY, XEN_NETIF_CTRL_TYPE_SET_HASH_KEY);
	CHECK_CONST(PV_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE,
		    XEN_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE);
	CHECK_CONST(PV_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE,
		    XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE);
	CHECK_CONST(PV_NETIF_CTRL_TYPE_SET_HASH_MAPPING, XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING);
	CHECK_CONST(PV_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM,
		    XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM);
	CHECK_CONST(PV_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE,
		    XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE);
	CHECK_CONST(PV_NETIF_CTRL_TYPE_ADD_GREF_MAPPING, XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING);
	CHECK_CONST(PV_NETIF_CTRL_TYPE_DEL_GREF_MAPPING, XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING);
	CHECK_CONST(PV_NETIF_CTRL_STATUS_SUCCESS, XEN_NETIF_CTRL_STATUS_SUCCESS);
	CHECK_CONST(PV_NETIF_CTRL_STATUS_NOT_SUPPORTED, XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED);
	CHECK_CONST(PV_NETIF_CTRL_STATUS_INVALID_PARAMETER,
		    XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER);
	CHECK_CONST(PV_NETIF_CTRL_STATUS_BUFFER_OVERFLOW, XEN_NETIF_CTRL_STATUS_BUFFER_OVERFLOW);
	CHECK_CONST(PV_NETIF_CTRLF_GREF_readonly, XEN_NETIF_CTRLF_GREF_readonly);
	CHECK_SIZE(pv_netif_ctrl_request, xen_netif_ctrl_request);
	CHECK_FIELDS(pv_netif_ctrl_request, xen_netif_ctrl_request, id, type, data);
	CHECK_SIZE(pv_netif_ctrl_response, xen_netif_ctrl_response);
	CHECK_FIELDS(pv_netif_ctrl_response, xen_netif_ctrl_response, id, type, status, data);
	CHECK_SIZE(pv_netif_gref, xen_netif_gref);
	CHECK_FIELDS(pv_netif_gref, xen_netif_gref, ref, flags, status);
}

static void check_netif_consts(void)
{
	CHECK_CONST(PV_NETTXF_csum_blank, NETTXF_csum_blank);
	CHECK_CONST(PV_NETTXF_data_validated, NETTXF_data_validated);
	CHECK_CONST(PV_NETTXF_more_data, NETTXF_more_data);
	CHECK_CONST(PV_NETTXF_extra_info, NETTXF_extra_info);
	CHECK_CONST(PV_NETRXF_data_validated, NETRXF_data_validated);
	CHECK_CONST(PV_NETRXF_csum_blank, NETRXF_csum_blank);
	CHECK_CONST(PV_NETRXF_more_data, NETRXF_more_data);
	CHECK_CONST(PV_NETRXF_extra_info, NETRXF_extra_info);
	CHECK_CONST(PV_NETRXF_gso_prefix, NETRXF_gso_prefix);
	CHECK_CONST(PV_NETIF_EXTRA_TYPE_NONE, XEN_NETIF_EXTRA_TYPE_NONE);
	CHECK_CONST(PV_NETIF_EXTRA_TYPE_GSO, XEN_NETIF_EXTRA_TYPE_GSO);
	CHECK_CONST(PV_NETIF_EXTRA_TYPE_MCAST_ADD, XEN_NETIF_EXTRA_TYPE_MCAST_ADD);
	CHECK_CONST(PV_NETIF_EXTRA_TYPE_MCAST_DEL, XEN_NETIF_EXTRA_TYPE_MCAST_DEL);
	CHECK_CONST(PV_NETIF_EXTRA_TYPE_HASH, XEN_NETIF_EXTRA_TYPE_HASH);
	CHECK_CONST(PV_NETIF_EXTRA_TYPE_MAX, XEN_NETIF_EXTRA_TYPE_MAX);
	CHECK_CONST(PV_NETIF_EXTRA_FLAG_MORE, XEN_NETIF_EXTRA_FLAG_MORE);
	CHECK_CONST(PV_NETIF_GSO_TYPE_NONE, XEN_NETIF_GSO_TYPE_NONE);
	CHECK_CONST(PV_NETIF_GSO_TYPE_TCPV4, XEN_NETIF_GSO_TYPE_TCPV4);
	CHECK_CONST(PV_NETIF_GSO_TYPE_TCPV6, XEN_NETIF_GSO_TYPE_TCPV6);
	CHECK_CONST(PV_NETIF_RSP_DROPPED, NETIF_RSP_DROPPED);
	CHECK_CONST(PV_NETIF_RSP_ERROR, NETIF_RSP_ERROR);
	CHECK_CONST(PV_NETIF_RSP_OKAY, NETIF_RSP_OKAY);
	CHECK_CONST(PV_NETIF_RSP_NULL, NETIF_RSP_NULL);
}

static void check_netif_structs(void)
{
	CHECK_SIZE(pv_netif_tx_request, netif_tx_request);
	CHECK_FIELDS(pv_netif_tx_request, netif_tx_request, gref, offset, flags, id, size);
	CHECK_SIZE(pv_netif_tx_response, netif_tx_response);
	CHECK_FIELDS(pv_netif_tx_response, netif_tx_response, id, status);
	CHECK_SIZE(pv_netif_rx_request, netif_rx_request);
	CHECK_FIELDS(pv_netif_rx_request, netif_rx_request, id, pad, gref);
	CHECK_SIZE(pv_netif_rx_response, netif_rx_response);
	CHECK_FIELDS(pv_netif_rx_response, netif_rx_response, id, offset, flags, status);
	CHECK_SIZE(pv_netif_extra_info, netif_extra_info);
	CHECK_FIELDS(pv_netif_extra_info, netif_extra_info, type, flags, u, u.gso.size,
		     u.gso.type, u.gso.pad, u.gso.features, u.mcast.addr, u.hash.type,
		     u.hash.algorithm, u.hash.value, u.pad);
}

int main(void)
{
	check_rings();
	check_console();
	check_blkif_consts();
	check_blkif_structs();
	check_netif_ctrl();
	check_netif_consts();
	check_netif_structs();
	return abi_report("abi_io");
}
#else
int main(void)
{
	return abi_skip("abi_io");
}
#endif
