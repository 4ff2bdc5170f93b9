/* The domains a listing verb shows (list, uptime, vcpu-list, sched-credit, top):
 * every one, or those named, as the hypervisor reports them. Domain-0, the host,
 * is not one of the hypervisor's domains: a flag says whether to show it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvx_cli.h"

static int domset_is_dom0(const char *spec)
{
	return strcmp(spec, "0") == 0 || strcmp(spec, "Domain-0") == 0;
}

/* Does entry e answer to spec (its name or its id)? */
static int domset_match(const struct pv_privcmd_domext *e, const char *spec)
{
	char id[16];

	snprintf(id, sizeof(id), "%u", e->domid);
	return strcmp(spec, e->name) == 0 || strcmp(spec, id) == 0;
}

/* Keep the entries some spec names; exit with a message for a spec naming none. */
static void domset_filter(struct cli_domset *s, int argc, char **argv)
{
	int k = 0;

	for (int i = 0; i < argc; i++) {
		int found = domset_is_dom0(argv[i]);

		for (int j = 0; j < s->n && !found; j++)
			found = domset_match(&s->e[j], argv[i]);
		if (!found)
			exit(cli_fail("%s: no such domain; 'pvx list' shows the domains",
				      argv[i]));
		s->dom0 |= domset_is_dom0(argv[i]);
	}
	for (int j = 0; j < s->n; j++) {
		int keep = 0;

		for (int i = 0; i < argc && !keep; i++)
			keep = domset_match(&s->e[j], argv[i]);
		if (keep)
			s->e[k++] = s->e[j];
	}
	s->n = k;
}

void cli_domset_get(struct pvctrl *h, int argc, char **argv, struct cli_domset *s)
{
	memset(s, 0, sizeof(*s));
	s->n = pvctrl_domext_list(h, &s->e);
	if (s->n < 0)
		exit(cli_fail("listing domains: %s", strerror(-s->n)));
	s->dom0 = argc == 0;
	if (argc > 0)
		domset_filter(s, argc, argv);
}

void cli_domset_free(struct cli_domset *s)
{
	free(s->e);
	memset(s, 0, sizeof(*s));
}
