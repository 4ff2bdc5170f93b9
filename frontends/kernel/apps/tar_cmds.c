/* Shell commands ls and cat over a tar archive (ustar) written raw on a disk: the
 * headers are read sector by sector from the start of the disk. */
#include <pvisor/errno.h>

#include "apps/shell_cmd.h"
#include "kernel/blkfront.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "lib/kstring.h"
#include "lib/ustar.h"

#define TAR_CHUNK_SECTORS 64u

typedef int (*tar_visit_fn)(struct blkfront *bf, const struct ustar_entry *e, uint64_t data,
			    void *arg);

/* Walk the archive; visit returns non-zero to stop (that value is returned). */
static int tar_walk(struct blkfront *bf, uint8_t *buf, tar_visit_fn visit, void *arg)
{
	uint64_t sector = 0, sectors = blkfront_info(bf)->sectors;
	struct ustar_entry e;

	while (sector < sectors) {
		int rc = blkfront_rw(bf, 0, sector, buf, 1), r;

		if (rc < 0)
			return printk("tar: read error %d at sector %llu\n", rc,
				      (unsigned long long)sector),
			       -1;
		r = ustar_parse(buf, &e);
		if (r == 1)
			return 0;
		if (r < 0)
			return printk("tar: sector %llu is not a tar header\n",
				      (unsigned long long)sector),
			       -1;
		if ((rc = visit(bf, &e, sector + 1, arg)) != 0)
			return rc;
		sector += 1 + ustar_data_blocks(&e);
	}
	return 0;
}

static struct blkfront *tar_disk(const char *name, uint8_t **buf)
{
	static uint8_t *b;
	struct blkfront *bf;

	if (!b)
		b = mm_alloc_pages(TAR_CHUNK_SECTORS / 8);
	*buf = b;
	blkfront_probe();
	bf = blkfront_find(name);
	if (!bf)
		printk("no disk %s (lsblk lists them)\n", name);
	return b ? bf : NULL;
}

static int ls_visit(struct blkfront *bf, const struct ustar_entry *e, uint64_t data, void *arg)
{
	(void)bf, (void)data, (void)arg;
	printk("%10llu %s%s\n", (unsigned long long)e->size, e->name,
	       e->type == '5' && e->name[0] && e->name[strlen(e->name) - 1] != '/' ? "/" : "");
	return 0;
}

static int cmd_ls(int argc, char **argv)
{
	struct blkfront *bf;
	uint8_t *buf;

	if (argc != 2)
		return printk("usage: ls DISK\n"), 1;
	if (!(bf = tar_disk(argv[1], &buf)))
		return 1;
	return tar_walk(bf, buf, ls_visit, NULL) < 0;
}
SHELL_COMMAND("ls", cmd_ls, "ls DISK: list the files of a tar archive on a disk");

struct cat_arg {
	const char *name;
	uint8_t *buf;
};

static int cat_visit(struct blkfront *bf, const struct ustar_entry *e, uint64_t data, void *arg)
{
	struct cat_arg *c = arg;
	uint64_t left = e->size;

	if (strcmp(e->name, c->name) != 0)
		return 0;
	while (left) {
		uint64_t want = (left + BLKFRONT_SECTOR - 1) / BLKFRONT_SECTOR;
		uint32_t n = want < TAR_CHUNK_SECTORS ? (uint32_t)want : TAR_CHUNK_SECTORS;
		uint64_t bytes = (uint64_t)n * BLKFRONT_SECTOR < left
					 ? (uint64_t)n * BLKFRONT_SECTOR
					 : left;

		if (blkfront_rw(bf, 0, data, c->buf, n) < 0)
			return printk("cat: read error in %s\n", c->name), -1;
		printk("%.*s", (int)bytes, (const char *)c->buf);
		data += n;
		left -= bytes;
	}
	return 1;
}

static int cmd_cat(int argc, char **argv)
{
	struct cat_arg c;
	struct blkfront *bf;
	int rc;

	if (argc != 3)
		return printk("usage: cat DISK FILE\n"), 1;
	if (!(bf = tar_disk(argv[1], &c.buf)))
		return 1;
	c.name = argv[2];
	rc = tar_walk(bf, c.buf, cat_visit, &c);
	if (rc == 0)
		printk("cat: %s: no such file in the archive on %s\n", argv[2], argv[1]);
	return rc != 1;
}
SHELL_COMMAND("cat", cmd_cat, "cat DISK FILE: print a file of a tar archive on a disk");
