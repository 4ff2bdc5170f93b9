/* The monitor's loop (pvmon.h): one @releaseDomain watch for every domain in the
 * table; each event is checked against one list of the hypervisor's domains. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libxs/xs.h"
#include "log.h"
#include "pvmon/pvmon.h"

#define STORE_RETRY_MS 100
#define STORE_RETRIES 300 /* 30 s for a restarting xsd */

int pvmon_open(struct pvmon *m)
{
	memset(m, 0, sizeof(*m));
	return pvctrl_open(&m->h);
}

int pvmon_add(struct pvmon *m, pv_domid_t domid, const char *config_name)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 4;
		struct pvmon_dom *d = realloc(m->doms, cap * sizeof(*d));

		if (!d)
			return -ENOMEM;
		m->doms = d;
		m->cap = cap;
	}
	pvmon_dom_load(&m->doms[m->n++], domid, config_name);
	return 0;
}

/* The hypervisor still answers. */
static int hv_alive(struct pvmon *m)
{
	struct pv_privcmd_domext *e = NULL;
	int n = pvctrl_domext_list(m->h, &e);

	free(e);
	return n >= 0;
}

/* (Re)connect to the store and watch @releaseDomain (the watch fires once at
 * once, so nothing that happened meanwhile is missed). xsd may be restarting:
 * keep trying for a while, as long as the hypervisor is there. */
static int mon_store(struct pvmon *m)
{
	struct timespec nap = { 0, STORE_RETRY_MS * 1000000L };

	for (int i = 0; i < STORE_RETRIES; i++) {
		if (xs_open(&m->xs) == 0) {
			if (xs_watch(m->xs, "@releaseDomain", "pvmon") == 0)
				return 0;
			xs_close(m->xs);
			m->xs = NULL; /* closed: never close it again */
		}
		if (!hv_alive(m))
			return -EPIPE; /* the hypervisor is gone too: stop */
		nanosleep(&nap, NULL);
	}
	return -ETIMEDOUT;
}

/* Check every domain against one list; drop the ones that need no watching. */
static int mon_check_all(struct pvmon *m)
{
	struct pv_privcmd_domext *list = NULL;
	int n = pvctrl_domext_list(m->h, &list);

	if (n < 0)
		return -EPIPE;
	for (size_t i = 0; i < m->n;) {
		if (pvmon_dom_check(&m->doms[i], m->h, list, n)) {
			i++;
			continue;
		}
		pvmon_dom_fini(&m->doms[i]);
		m->doms[i] = m->doms[--m->n];
	}
	free(list);
	return 0;
}

int pvmon_run(struct pvmon *m)
{
	int rc = mon_store(m);

	while (rc == 0 && m->n > 0) {
		struct xs_watch_event *ev = NULL;

		if (xs_read_watch(m->xs, &ev, -1) < 0) {
			/* the store went away: restarting, or the daemons are stopping */
			xs_close(m->xs);
			m->xs = NULL;
			rc = mon_store(m);
			if (rc == 0)
				log_info("reconnected to the store");
			continue;
		}
		free(ev);
		rc = mon_check_all(m);
	}
	return rc;
}

void pvmon_close(struct pvmon *m)
{
	for (size_t i = 0; i < m->n; i++)
		pvmon_dom_fini(&m->doms[i]);
	free(m->doms);
	xs_close(m->xs);
	pvctrl_close(m->h);
	memset(m, 0, sizeof(*m));
}
