/* pvlazy: the pager of a lazily restored domain (pvx restore --lazy). It indexes
 * the image's page records, takes the domain's userfaultfds from the hypervisor
 * (its own mapping of guest RAM, and the guest's), and answers each missing-page
 * fault with the page from the image (and its neighbours in the same record, a
 * small window), or zeros for a page the image does not hold. Untouched pages
 * never leave the image: domains restored from one image share them in the host's
 * page cache. When asked (a save, a dump-core: $RUNDIR/lazy/<domid>.sock, "fill")
 * it loads every page, tells the hypervisor it is done and exits; it also exits
 * when the domain goes. */
#ifndef PV_PVLAZY_H
#define PV_PVLAZY_H

#include <stdint.h>

#include "libpvctrl/pvctrl.h"
#include "libpvx/sr_image.h"

#define LAZY_NO_REC UINT32_MAX       /* not in the image: zeros */
#define LAZY_EAGER  (UINT32_MAX - 1) /* loaded by the restore already */

struct lazy_rec {
	uint64_t offset; /* the body in the image file */
	uint32_t length;
	int checked; /* its sum was found right */
};

struct lazy_image {
	int fd;
	uint64_t max_pages;
	struct sr_layout layout;
	uint32_t *rec_of; /* per RAM frame: the last record holding it, LAZY_NO_REC or
			    * LAZY_EAGER */
	struct lazy_rec *recs;
	uint32_t nrecs, cap;
	uint64_t in_image; /* RAM frames with data in the image, not loaded yet */
};

/* lazy_index.c: read the image's headers and records (every length checked, no
 * page data read). 0 or -errno with err set. */
int lazy_index(struct lazy_image *img, const char *path, struct pvx_err *err);
void lazy_image_fini(struct lazy_image *img);

/* lazy_serve.c: serve domid's faults until it goes or every page is in. */
struct lazy_pager;
int lazy_serve(struct pvctrl *h, pv_domid_t domid, struct lazy_image *img);

#endif
