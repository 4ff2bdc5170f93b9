/* netback: finish the checksum of a packet a frontend sent with NETTXF_csum_blank
 * (Linux netfront leaves TCP/UDP checksums to the other end). netback hands every
 * receiver complete checksums, so it fills them in here. */
#ifndef NETBACK_NB_CSUM_H
#define NETBACK_NB_CSUM_H

#include <stdint.h>

/* Compute the TCP or UDP checksum of the IPv4 (or IPv6) packet in frame[0..len)
 * in place. 0 when filled (or nothing to fill: not TCP/UDP), -1 when the
 * headers are truncated or malformed (the caller drops the packet). */
int nb_csum_fill(uint8_t *frame, uint32_t len);

#endif
