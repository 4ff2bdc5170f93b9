/* pvlazy DOMID IMAGE: the pager of a lazily restored domain (pvlazy.h), started by
 * `pvx restore --lazy` in a session of its own, logging to <rundir>/pvlazy.log. */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "log.h"
#include "pvisor/sched.h"
#include "pvlazy/pvlazy.h"
#include "util.h"

int main(int argc, char **argv)
{
	struct pvx_err err = { 0 };
	struct lazy_image img;
	struct pvctrl *h;
	uint64_t domid;
	int rc;

	log_init("pvlazy", 0);
	if (argc != 3 || util_parse_u64(argv[1], PV_DOMID_FIRST_RESERVED - 1, &domid) < 0)
		fatalx("usage: pvlazy DOMID IMAGE (started by pvx restore --lazy)");
	signal(SIGPIPE, SIG_IGN);
	if ((rc = pvctrl_open(&h)) < 0)
		fatalx("dom%u: cannot reach pvisor: %s", (unsigned)domid, strerror(-rc));
	if ((rc = lazy_index(&img, argv[2], &err)) < 0) {
		/* nobody else can give it its pages: it must not wait for them forever */
		pvctrl_domain_shutdown(h, (pv_domid_t)domid, PV_SHUTDOWN_crash);
		fatalx("dom%u: %s: %s: the domain is stopped", (unsigned)domid, argv[2],
		       pvx_err_text(&err, rc));
	}
	rc = lazy_serve(h, (pv_domid_t)domid, &img);
	if (rc < 0)
		log_warnx("dom%u: stopping: %s", (unsigned)domid, strerror(-rc));
	pvctrl_close(h);
	lazy_image_fini(&img);
	return rc < 0 ? 1 : 0;
}
