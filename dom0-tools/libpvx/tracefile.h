/* pvx trace's file: a header, the hypervisor's trace records as they were
 * (struct pv_trace_rec), then the names of the domains seen. Written by pvx trace
 * record, read by pvx trace report and any program that wants the raw records. */
#ifndef PV_LIBPVX_TRACEFILE_H
#define PV_LIBPVX_TRACEFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pvisor/privcmd.h"

#define TRACEFILE_MAGIC   "PVXTRACE"
#define TRACEFILE_VERSION 1u

struct tracefile_hdr {
	char magic[8];          /* TRACEFILE_MAGIC, no NUL */
	uint32_t version;       /* TRACEFILE_VERSION */
	uint32_t rec_size;      /* sizeof(struct pv_trace_rec) */
	uint64_t start_ns;      /* CLOCK_MONOTONIC when recording started */
	uint64_t start_real_ns; /* CLOCK_REALTIME at the same moment */
	uint64_t end_ns;        /* CLOCK_MONOTONIC when it stopped (0: cut short) */
	uint64_t records;       /* records that follow (0 when cut short: see the size) */
	uint64_t lost;          /* records the hypervisor overwrote before they were read */
	uint16_t domid;         /* the traced domain, or PV_TRACE_ALL_DOMAINS */
	uint16_t flags;         /* PV_TRACE_HCALLS | PV_TRACE_EVENTS */
	uint32_t nr_names;      /* struct tracefile_name entries after the records */
	uint64_t pad[2];
};

struct tracefile_name {
	uint16_t domid;
	uint16_t pad[3];
	char name[64]; /* NUL-terminated (a domain name has at most 63) */
};

/* A trace file read into memory (tracefile_read). */
struct tracefile {
	struct tracefile_hdr hdr;
	const struct pv_trace_rec *rec;
	size_t nrec;
	const struct tracefile_name *names;
	size_t nnames;
	void *map;
	size_t map_len;
};

/* Map the file at path and check it. 0, or -errno with err set (-EINVAL: not a
 * trace file, or a version or record size this pvx does not read). A file whose
 * recording was cut short (no end) gives the records its size holds. */
int tracefile_read(const char *path, struct tracefile *tf, char *err, size_t errlen);
void tracefile_close(struct tracefile *tf);
/* The name of domid in tf, or NULL. */
const char *tracefile_domain_name(const struct tracefile *tf, uint16_t domid);

#endif
