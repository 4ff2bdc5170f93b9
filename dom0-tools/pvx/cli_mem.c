/* The shape of pvx mem-set and mem-max: DOMAIN SIZE, xl's size syntax, one
 * libpvx call. */
#include "libxs/xs.h"
#include "pvx_cli.h"

int cli_mem_op(int argc, char **argv,
	       int (*op)(struct pvctrl *h, struct xs_handle *xs, pv_domid_t id, uint64_t kb,
			 struct pvx_err *err))
{
	struct pvx_err err = { 0 };
	struct xs_handle *xs;
	struct pvctrl *h;
	pv_domid_t id;
	uint64_t kb;
	int rc;

	if (argc != 3)
		return cli_usage(argv[0]);
	if (pvx_mem_parse_kb(argv[2], &kb) < 0)
		return cli_fail("%s: invalid memory size \"%s\" (a number of MiB, or with a "
				"suffix b, k, m, g, t)",
				argv[0], argv[2]);
	h = cli_connect();
	id = cli_domain(h, argv[1]);
	xs = cli_store();
	rc = op(h, xs, id, kb, &err);
	xs_close(xs);
	pvctrl_close(h);
	if (rc < 0)
		return cli_fail("%s %s: %s", argv[0], argv[1], pvx_err_text(&err, rc));
	cli_note(1, "%s: %s is %llu KiB", argv[1],
		 argv[0][4] == 's' ? "memory/target" : "memory/static-max",
		 (unsigned long long)kb);
	return 0;
}
