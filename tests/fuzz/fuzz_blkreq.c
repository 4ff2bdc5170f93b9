/* libFuzzer harness for blkback's request validation: the first 112 bytes are a
 * ring entry as a hostile frontend may write it, the next 9 choose the disk (size,
 * read-only, discard), the rest are indirect descriptor pages. Whatever is
 * accepted must stay inside the disk, use valid segments and fit the buffers. */
#include "blkback/blkback.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_accepted(const struct blkreq *r, const struct blk_limits *lim)
{
	uint64_t total = 0;

	if (r->nr_segs > BLK_MAX_INDIRECT_SEGS || r->nr_indirect)
		abort();
	for (unsigned i = 0; i < r->nr_segs; i++) {
		if (r->seg[i].first_sect > r->seg[i].last_sect || r->seg[i].last_sect > 7)
			abort();
		total += r->seg[i].last_sect - r->seg[i].first_sect + 1u;
	}
	if (r->nr_segs && total != r->nr_sectors)
		abort();
	if (r->op == PV_BLKIF_OP_WRITE && lim->readonly)
		abort();
	if ((r->nr_segs || r->op == PV_BLKIF_OP_DISCARD) &&
	    (r->sector >= lim->sectors || r->nr_sectors > lim->sectors - r->sector))
		abort();
	if (r->op != PV_BLKIF_OP_READ && r->op != PV_BLKIF_OP_WRITE &&
	    r->op != PV_BLKIF_OP_FLUSH_DISKCACHE && r->op != PV_BLKIF_OP_DISCARD)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pv_blkif_request_segment segs[BLK_MAX_INDIRECT_SEGS];
	struct pv_blkif_request raw;
	struct blk_limits lim = { .max_indirect = BLK_MAX_INDIRECT_SEGS };
	struct blkreq *r = malloc(sizeof(*r));
	int st;

	if (!r || size < sizeof(raw) + 9) {
		free(r);
		return 0;
	}
	memcpy(&raw, data, sizeof(raw));
	memcpy(&lim.sectors, data + sizeof(raw), 8);
	lim.readonly = data[sizeof(raw) + 8] & 1;
	lim.discard = (data[sizeof(raw) + 8] >> 1) & 1;
	data += sizeof(raw) + 9;
	size -= sizeof(raw) + 9;
	memset(segs, 0, sizeof(segs));
	memcpy(segs, data, size < sizeof(segs) ? size : sizeof(segs));
	st = blkreq_parse(&raw, &lim, r);
	if (st == PV_BLKIF_RSP_OKAY && r->nr_indirect) {
		if (r->nr_indirect > BLK_MAX_INDIRECT_PAGES)
			abort();
		st = blkreq_set_indirect_segs(r, segs, &lim);
	}
	if (st == PV_BLKIF_RSP_OKAY)
		check_accepted(r, &lim);
	else if (st != PV_BLKIF_RSP_ERROR && st != PV_BLKIF_RSP_EOPNOTSUPP)
		abort();
	if (r->id != raw.id || r->ring_op != raw.operation)
		abort();
	free(r);
	return 0;
}
