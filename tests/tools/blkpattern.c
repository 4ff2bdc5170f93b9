/* blkpattern: the host side of the disk tests. Writes or checks the pattern of
 * frontends/kernel/lib/blkpattern.h over the first MIB MiB of a file or device,
 * in 1 MiB pieces visited in a random order.
 *   blkpattern write FILE SEED MIB   (then fdatasync)
 *   blkpattern check FILE SEED MIB   exit 0 and "blkpattern: match" when every
 *                                    sector matches, else 1 and the first bad one */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../frontends/kernel/lib/blkpattern.h"
#include "util.h"

#define PIECE         (1u << 20)
#define PIECE_SECTORS (PIECE / 512)

static int usage(void)
{
	fprintf(stderr, "usage: blkpattern write|check FILE SEED MIB\n");
	return 2;
}

int main(int argc, char **argv)
{
	uint64_t seed, mib, rnd;
	unsigned *order;
	int fd, wr;
	void *buf;

	if (argc != 5 || util_parse_u64(argv[3], UINT64_MAX, &seed) < 0 ||
	    util_parse_u64(argv[4], 1u << 20, &mib) < 0 || mib == 0)
		return usage();
	wr = strcmp(argv[1], "write") == 0;
	if (!wr && strcmp(argv[1], "check") != 0)
		return usage();
	fd = open(argv[2], wr ? O_RDWR : O_RDONLY);
	order = calloc(mib, sizeof(*order));
	buf = malloc(PIECE);
	if (fd < 0 || !order || !buf) {
		fprintf(stderr, "blkpattern: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	rnd = seed + 1;
	for (unsigned i = 0; i < mib; i++)
		order[i] = i;
	for (unsigned i = (unsigned)mib - 1; i > 0; i--) {
		unsigned j = (unsigned)(blkpattern_rand(&rnd) % (i + 1)), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (unsigned k = 0; k < mib; k++) {
		uint64_t sector = (uint64_t)order[k] * PIECE_SECTORS, bad;
		off_t off = (off_t)order[k] * PIECE;

		if (wr) {
			blkpattern_fill(seed, sector, PIECE_SECTORS, buf);
			if (pwrite(fd, buf, PIECE, off) != PIECE) {
				perror("blkpattern: pwrite");
				return 1;
			}
			continue;
		}
		if (pread(fd, buf, PIECE, off) != PIECE) {
			perror("blkpattern: pread");
			return 1;
		}
		bad = blkpattern_check(seed, sector, PIECE_SECTORS, buf);
		if (bad != PIECE_SECTORS) {
			printf("blkpattern: mismatch at sector %llu\n",
			       (unsigned long long)(sector + bad));
			return 1;
		}
	}
	if (wr && fdatasync(fd) < 0) {
		perror("blkpattern: fdatasync");
		return 1;
	}
	printf("blkpattern: %s %llu MiB\n", wr ? "wrote" : "match", (unsigned long long)mib);
	return 0;
}
