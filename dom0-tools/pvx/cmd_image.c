/* pvx image clone TEMPLATE NEW | image info [--json] FILE: disk images through
 * QEMU's tools. clone makes NEW a qcow2 overlay whose backing file is TEMPLATE
 * (qemu-img create -b, sub-cluster allocation): NEW starts empty and holds only
 * what its guest writes,
 * reads of the rest come from the template, so many guests start from one
 * installed disk. A template a running guest writes to is refused: its clones
 * would see it change under them. info shows the format, sizes and backing chain
 * (qemu-img info --backing-chain), compactly or as JSON. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "libpvx/image.h"
#include "libxs/xs.h"
#include "pvx_cli.h"

#define CLONE_TIMEOUT_MS 60000

/* A running guest writing to any layer of the template: refused. No store (no
 * daemons) means no guest. */
static int clone_check_template(const struct pvx_image_info *info)
{
	struct pvx_err err = { 0 };
	struct xs_handle *xs;
	int rc;

	if (pvx_store_open(&xs, NULL) < 0)
		return 0;
	rc = pvx_image_check_backing(xs, info, 0, &err);
	xs_close(xs);
	return rc < 0 ? cli_fail("image clone: %s", pvx_err_text(&err, rc)) : 0;
}

/* Sub-cluster allocation (extended L2 entries, 32 sub-clusters of 4 KiB in a
 * 128 KiB cluster): a guest's 4 KiB write to a clone allocates 4 KiB instead of
 * copying a whole 64 KiB cluster from the template first (QEMU >= 5.2 opens it). */
#define CLONE_OPTS "extended_l2=on,cluster_size=128k"

static int clone_create(const char *tpl, const char *fmt, const char *dst)
{
	char f[32], *const argv[] = { "qemu-img", "create",    "-q", "-f",        "qcow2",
				      "-o",       CLONE_OPTS,  "-b", (char *)tpl, "-F",
				      f,          (char *)dst, NULL };
	struct pvstart_output o;
	int rc;

	snprintf(f, sizeof(f), "%s", fmt);
	rc = pvstart_run(argv, NULL, CLONE_TIMEOUT_MS, &o);
	if (rc < 0)
		rc = cli_fail("image clone: qemu-img: %s", rc == -ENOENT
								   ? "not installed (Debian: "
								     "apt-get install qemu-utils)"
								   : strerror(-rc));
	else if (o.status != 0)
		rc = cli_fail("image clone: %s", o.err ? strtok(o.err, "\n") : "qemu-img failed");
	pvstart_output_free(&o);
	return rc;
}

static int image_clone(int argc, char **argv)
{
	struct pvx_image_info info;
	struct pvx_err err = { 0 };
	char tpl[PATH_MAX], size[32];
	struct stat st;
	int rc;

	if (argc != 3)
		return cli_usage("image");
	if (!realpath(argv[1], tpl)) /* the overlay records it: absolute, wherever it goes */
		return cli_fail("image clone: template %s: %s", argv[1], strerror(errno));
	if (lstat(argv[2], &st) == 0)
		return cli_fail("image clone: %s exists; choose a new file name", argv[2]);
	if ((rc = pvstart_image_info(tpl, &info, &err)) < 0)
		return cli_fail("image clone: %s", pvx_err_text(&err, rc));
	rc = clone_check_template(&info);
	if (rc == 0)
		rc = clone_create(tpl, info.layers[0].format, argv[2]);
	if (rc == 0) {
		pvx_image_size_text(info.layers[0].virtual_size, size, sizeof(size));
		printf("%s: qcow2, %s, backing file %s (%s)\n", argv[2], size, tpl,
		       info.layers[0].format);
	}
	pvx_image_info_free(&info);
	return rc;
}

static void layer_print(const struct pvx_image_layer *l, int depth)
{
	char vsize[32], asize[32], csize[32] = "";

	pvx_image_size_text(l->virtual_size, vsize, sizeof(vsize));
	pvx_image_size_text(l->actual_size, asize, sizeof(asize));
	if (l->cluster_size)
		pvx_image_size_text(l->cluster_size, csize, sizeof(csize));
	printf("%*s%s%s: %s, %s virtual, %s on disk%s%s%s%s\n", depth * 2, "",
	       depth ? "backing " : "", l->filename, l->format, vsize, asize,
	       csize[0] ? ", clusters of " : "", csize, l->dirty ? ", dirty" : "",
	       l->corrupt ? ", CORRUPT" : "");
}

static int image_info(int argc, char **argv)
{
	static const struct option lo[] = { { "json", no_argument, NULL, 'j' },
					    { NULL, 0, NULL, 0 } };
	struct pvx_image_info info;
	struct pvx_err err = { 0 };
	char *json = NULL;
	int c, as_json = 0, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "j", lo, NULL)) != -1) {
		if (c != 'j')
			return cli_usage("image");
		as_json = 1;
	}
	if (argc - optind != 1)
		return cli_usage("image");
	if ((rc = pvstart_image_info(argv[optind], &info, &err)) < 0)
		return cli_fail("image info: %s", pvx_err_text(&err, rc));
	if (as_json && (rc = pvx_image_info_to_json(&info, &json)) == 0)
		printf("%s%s", json, json[0] && json[strlen(json) - 1] == '\n' ? "" : "\n");
	else if (as_json)
		rc = cli_fail("image info: %s", strerror(-rc));
	for (size_t i = 0; !as_json && i < info.n; i++)
		layer_print(&info.layers[i], (int)i);
	free(json);
	pvx_image_info_free(&info);
	return rc ? 1 : 0;
}

int cmd_image(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "clone"))
		return image_clone(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "info"))
		return image_info(argc - 1, argv + 1);
	return cli_usage("image");
}
