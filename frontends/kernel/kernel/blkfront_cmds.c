/* Shell commands of blkfront: lsblk, blkread, blkwrite. */
#include <pvisor/errno.h>

#include "apps/shell_cmd.h"
#include "kernel/blkfront.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "lib/cmdline.h"
#include "lib/kstring.h"

#define CMD_MAX_SECTORS 8

static uint8_t *cmd_buf(void)
{
	static uint8_t *buf;

	if (!buf)
		buf = mm_alloc_pages(1);
	return buf;
}

/* The disk named by arg, after bringing up any new ones. */
static struct blkfront *cmd_disk(const char *arg)
{
	struct blkfront *bf;

	blkfront_probe();
	bf = blkfront_find(arg);
	if (!bf)
		printk("no disk %s (lsblk lists them)\n", arg);
	return bf;
}

static int cmd_lsblk(int argc, char **argv)
{
	struct blkfront *bf;
	int n = blkfront_probe();

	(void)argc, (void)argv;
	if (n < 0)
		return printk("lsblk: the store is not readable (%d)\n", n), 1;
	printk("NAME  VDEV   SECTORS      SIZE_MIB RO FEATURES\n");
	for (unsigned i = 0; (bf = blkfront_get(i)); i++) {
		const struct blkfront_info *in = blkfront_info(bf);

		printk("%-5s %-6u %-12llu %-8llu %-2d %s%s%s\n", in->name, in->vdev,
		       (unsigned long long)in->sectors, (unsigned long long)(in->sectors >> 11),
		       in->readonly, in->flush ? "flush " : "", in->discard ? "discard " : "",
		       in->max_segs > PV_BLKIF_MAX_SEGMENTS_PER_REQUEST ? "indirect" : "");
	}
	return 0;
}
SHELL_COMMAND("lsblk", cmd_lsblk, "lsblk: list the virtual disks");

static void hexdump(const uint8_t *p, unsigned len, uint64_t base)
{
	for (unsigned off = 0; off < len; off += 16) {
		char ascii[17];

		printk("%08llx:", (unsigned long long)(base + off));
		for (unsigned i = 0; i < 16; i++) {
			printk(" %02x", p[off + i]);
			ascii[i] = p[off + i] >= 32 && p[off + i] < 127 ? (char)p[off + i] : '.';
		}
		ascii[16] = '\0';
		printk("  %s\n", ascii);
	}
}

static int cmd_blkread(int argc, char **argv)
{
	uint64_t sector, count = 1;
	struct blkfront *bf;
	uint8_t *buf = cmd_buf();
	int rc;

	if (argc < 3 || argc > 4 || cmdline_parse_u64(argv[2], &sector) < 0 ||
	    (argc == 4 && cmdline_parse_u64(argv[3], &count) < 0) || count == 0 ||
	    count > CMD_MAX_SECTORS)
		return printk("usage: blkread DISK SECTOR [COUNT (1..8)]\n"), 1;
	if (!(bf = cmd_disk(argv[1])) || !buf)
		return 1;
	rc = blkfront_rw(bf, 0, sector, buf, (uint32_t)count);
	if (rc < 0)
		return printk("blkread: %s sector %llu: error %d\n", argv[1],
			      (unsigned long long)sector, rc),
		       1;
	hexdump(buf, (unsigned)count * BLKFRONT_SECTOR, sector * BLKFRONT_SECTOR);
	return 0;
}
SHELL_COMMAND("blkread", cmd_blkread, "blkread DISK SECTOR [COUNT]: hex dump of sectors");

static int cmd_blkwrite(int argc, char **argv)
{
	uint8_t *buf = cmd_buf();
	struct blkfront *bf;
	uint64_t sector;
	size_t len;
	int rc;

	if (argc != 4 || cmdline_parse_u64(argv[2], &sector) < 0)
		return printk("usage: blkwrite DISK SECTOR TEXT\n"), 1;
	if (!(bf = cmd_disk(argv[1])) || !buf)
		return 1;
	len = strnlen(argv[3], BLKFRONT_SECTOR);
	memset(buf, 0, BLKFRONT_SECTOR);
	memcpy(buf, argv[3], len);
	rc = blkfront_rw(bf, 1, sector, buf, 1);
	if (rc == 0 && blkfront_info(bf)->flush)
		rc = blkfront_flush(bf);
	if (rc < 0)
		return printk("blkwrite: %s sector %llu: error %d%s\n", argv[1],
			      (unsigned long long)sector, rc,
			      blkfront_info(bf)->readonly ? " (the disk is read-only)" : ""),
		       1;
	printk("blkwrite: %zu bytes at sector %llu of %s, flushed\n", len,
	       (unsigned long long)sector, argv[1]);
	return 0;
}
SHELL_COMMAND("blkwrite", cmd_blkwrite,
	      "blkwrite DISK SECTOR TEXT: write TEXT (zero-padded) to a sector");
