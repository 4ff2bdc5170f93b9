/* pvisor public ABI: the network device protocol between netfront and netback
 * (Xen 4.17 io/netif.h: tx/rx/ctrl requests and responses, extra info slots,
 * flags; tx and rx rings of 256 entries per page). */
#ifndef PVISOR_IO_NETIF_H
#define PVISOR_IO_NETIF_H

#include <stdint.h>
#include "ring.h"
#include "../grant_table.h"

/* A packet may use at least this many tx slots; backends must accept them. */
#define PV_NETIF_NR_SLOTS_MIN 18
#define PV_NETIF_MAX_TX_SIZE  0xFFFF

/* Control ring: hash configuration and gref mappings. */
#define PV_NETIF_CTRL_HASH_TYPE_IPV4          (1 << 0)
#define PV_NETIF_CTRL_HASH_TYPE_IPV4_TCP      (1 << 1)
#define PV_NETIF_CTRL_HASH_TYPE_IPV6          (1 << 2)
#define PV_NETIF_CTRL_HASH_TYPE_IPV6_TCP      (1 << 3)
#define PV_NETIF_CTRL_HASH_ALGORITHM_NONE     0
#define PV_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ 1

#define PV_NETIF_CTRL_TYPE_INVALID               0
#define PV_NETIF_CTRL_TYPE_GET_HASH_FLAGS        1
#define PV_NETIF_CTRL_TYPE_SET_HASH_FLAGS        2
#define PV_NETIF_CTRL_TYPE_SET_HASH_KEY          3
#define PV_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE 4
#define PV_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE 5
#define PV_NETIF_CTRL_TYPE_SET_HASH_MAPPING      6
#define PV_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM    7
#define PV_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE 8
#define PV_NETIF_CTRL_TYPE_ADD_GREF_MAPPING      9
#define PV_NETIF_CTRL_TYPE_DEL_GREF_MAPPING      10

#define PV_NETIF_CTRL_STATUS_SUCCESS           0
#define PV_NETIF_CTRL_STATUS_NOT_SUPPORTED     1
#define PV_NETIF_CTRL_STATUS_INVALID_PARAMETER 2
#define PV_NETIF_CTRL_STATUS_BUFFER_OVERFLOW   3

struct pv_netif_ctrl_request {
	uint16_t id;
	uint16_t type; /* PV_NETIF_CTRL_TYPE_* */
	uint32_t data[3];
};

struct pv_netif_ctrl_response {
	uint16_t id;
	uint16_t type;
	uint32_t status; /* PV_NETIF_CTRL_STATUS_* */
	uint32_t data;
};

#define PV_NETIF_CTRLF_GREF_readonly (1U << 0)

struct pv_netif_gref {
	pv_grant_ref_t ref;
	uint16_t flags; /* PV_NETIF_CTRLF_GREF_* */
	uint16_t status;
};

PV_DEFINE_RING_TYPES(netif_ctrl, struct pv_netif_ctrl_request, struct pv_netif_ctrl_response);

/* tx request flags */
#define PV_NETTXF_csum_blank     (1U << 0)
#define PV_NETTXF_data_validated (1U << 1)
#define PV_NETTXF_more_data      (1U << 2) /* another slot of this packet follows */
#define PV_NETTXF_extra_info     (1U << 3) /* a pv_netif_extra_info slot follows */

/* One slot of an outgoing packet (guest -> backend). */
struct pv_netif_tx_request {
	pv_grant_ref_t gref; /* page holding the data */
	uint16_t offset;     /* of the data within the page */
	uint16_t flags;      /* PV_NETTXF_* */
	uint16_t id;         /* echoed in the response */
	uint16_t size;       /* first slot: whole packet length; others: this slot's */
};

#define PV_NETIF_EXTRA_TYPE_NONE      0
#define PV_NETIF_EXTRA_TYPE_GSO       1
#define PV_NETIF_EXTRA_TYPE_MCAST_ADD 2
#define PV_NETIF_EXTRA_TYPE_MCAST_DEL 3
#define PV_NETIF_EXTRA_TYPE_HASH      4
#define PV_NETIF_EXTRA_TYPE_MAX       5

#define PV_NETIF_EXTRA_FLAG_MORE (1U << 0)

#define PV_NETIF_GSO_TYPE_NONE  0
#define PV_NETIF_GSO_TYPE_TCPV4 1
#define PV_NETIF_GSO_TYPE_TCPV6 2

/* Takes the place of a request/response in the ring after *_extra_info. */
struct pv_netif_extra_info {
	uint8_t type;  /* PV_NETIF_EXTRA_TYPE_* */
	uint8_t flags; /* PV_NETIF_EXTRA_FLAG_* */
	union {
		struct {
			uint16_t size; /* MSS */
			uint8_t type;  /* PV_NETIF_GSO_TYPE_* */
			uint8_t pad;
			uint16_t features;
		} gso;
		struct {
			uint8_t addr[6];
		} mcast;
		struct {
			uint8_t type;
			uint8_t algorithm;
			uint8_t value[4];
		} hash;
		uint16_t pad[3];
	} u;
};

struct pv_netif_tx_response {
	uint16_t id;
	int16_t status; /* PV_NETIF_RSP_* */
};

/* A page the guest offers for one incoming packet (or fragment). */
struct pv_netif_rx_request {
	uint16_t id; /* echoed; the response must use the same slot */
	uint16_t pad;
	pv_grant_ref_t gref;
};

/* rx response flags */
#define PV_NETRXF_data_validated (1U << 0)
#define PV_NETRXF_csum_blank     (1U << 1)
#define PV_NETRXF_more_data      (1U << 2)
#define PV_NETRXF_extra_info     (1U << 3)
#define PV_NETRXF_gso_prefix     (1U << 4)

struct pv_netif_rx_response {
	uint16_t id;
	uint16_t offset; /* of the data in the page */
	uint16_t flags;  /* PV_NETRXF_* */
	int16_t status;  /* > 0: bytes received; else PV_NETIF_RSP_* */
};

PV_DEFINE_RING_TYPES(netif_tx, struct pv_netif_tx_request, struct pv_netif_tx_response);
PV_DEFINE_RING_TYPES(netif_rx, struct pv_netif_rx_request, struct pv_netif_rx_response);

/* Ring entries in one 4 KiB page: 256 each. */
#define PV_NETIF_TX_RING_SIZE PV_CONST_RING_SIZE(netif_tx, 4096)
#define PV_NETIF_RX_RING_SIZE PV_CONST_RING_SIZE(netif_rx, 4096)

#define PV_NETIF_RSP_DROPPED -2
#define PV_NETIF_RSP_ERROR   -1
#define PV_NETIF_RSP_OKAY    0
#define PV_NETIF_RSP_NULL    1 /* no response: a slot used by extra info */

#endif
