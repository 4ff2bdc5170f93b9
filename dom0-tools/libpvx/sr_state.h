/* The hypervisor's part of a domain in image records (sr_state.c). */
#ifndef PV_LIBPVX_SR_STATE_H
#define PV_LIBPVX_SR_STATE_H

#include "libpvx/sr_image.h"

/* What privcmd SR_SAVE returned, checked and taken apart (pointers into it). */
struct sr_hvstate_view {
	const struct pv_sr_hvstate *h;
	const struct pv_sr_vcpu *vcpu[SR_MAX_VCPUS];
	const struct pv_sr_timer *timers;
	const struct pv_sr_evtchn *ports;
};
/* 0, or -EPROTO when the hypervisor's answer does not hold together. */
int sr_hvstate_parse(const uint8_t *hv, size_t len, struct sr_hvstate_view *v);
/* DOMAIN_STATE, TIMERS, EVTCHN and every VCPU record. 0 or -errno. */
int sr_state_write(struct sr_io *io, const struct sr_hvstate_view *v);
/* The SR_RESTORE payload for a read image (every vCPU present). *blob malloc'ed. */
int sr_state_blob(const struct sr_image *img, uint8_t **blob, size_t *len);

#endif
