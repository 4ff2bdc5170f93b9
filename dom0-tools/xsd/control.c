/* xsd: CONTROL (alias DEBUG) commands for privileged tools: print, log, quota, check,
 * snapshot, memreport, help. Unknown commands get EINVAL as in Xen. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xsd/msg.h"
#include "xsd/path.h"

struct control_cmd {
	const char *name;
	const char *help;
	int (*fn)(struct xsd_req *r, const char **argv, int argc);
};

static int control_print(struct xsd_req *r, const char **argv, int argc)
{
	if (argc != 2)
		return -EINVAL;
	log_info("control: %s", argv[1]);
	xsd_reply_ok(r);
	return 0;
}

static int control_log(struct xsd_req *r, const char **argv, int argc)
{
	if (argc != 2 || (strcmp(argv[1], "on") != 0 && strcmp(argv[1], "off") != 0))
		return -EINVAL;
	log_init("xsd", strcmp(argv[1], "on") == 0);
	xsd_reply_ok(r);
	return 0;
}

static unsigned *control_quota_field(struct xsd_quota *q, const char *name)
{
	if (!strcmp(name, "nodes"))
		return &q->nodes;
	if (!strcmp(name, "entry-size"))
		return &q->entry_size;
	if (!strcmp(name, "watches"))
		return &q->watches;
	if (!strcmp(name, "transactions"))
		return &q->transactions;
	if (!strcmp(name, "perms"))
		return &q->perms;
	if (!strcmp(name, "transaction-nodes"))
		return &q->trans_nodes;
	if (!strcmp(name, "outstanding"))
		return &q->outstanding;
	return NULL;
}

static int control_quota_show(struct xsd_req *r)
{
	const struct xsd_quota *q = &r->c->core->quota;
	char buf[512];

	snprintf(buf, sizeof(buf),
		 "nodes            %u\nentry-size       %u\nwatches          %u\n"
		 "transactions     %u\nperms            %u\ntransaction-nodes %u\n"
		 "outstanding      %u\n",
		 q->nodes, q->entry_size, q->watches, q->transactions, q->perms, q->trans_nodes,
		 q->outstanding);
	xsd_reply_str(r, buf);
	return 0;
}

static int control_quota_domain(struct xsd_req *r, const char *arg)
{
	uint64_t domid;
	struct xsd_domain *d;
	char buf[256];

	if (xsd_req_number(arg, 0xffff, &domid) < 0)
		return -EINVAL;
	d = xsd_domain_get(r->c->core, (uint32_t)domid, false);
	if (!d)
		return -ENOENT;
	snprintf(buf, sizeof(buf),
		 "Domain %u:\nnodes            %u\nwatches          %u\n"
		 "transactions     %u\n",
		 d->domid, d->nodes, d->conn ? d->conn->nwatches : 0,
		 d->conn ? d->conn->ntxs : 0);
	xsd_reply_str(r, buf);
	return 0;
}

static int control_quota(struct xsd_req *r, const char **argv, int argc)
{
	uint64_t v;
	unsigned *f;

	if (argc == 1)
		return control_quota_show(r);
	if (argc == 2)
		return control_quota_domain(r, argv[1]);
	if (argc != 4 || strcmp(argv[1], "set") != 0)
		return -EINVAL;
	f = control_quota_field(&r->c->core->quota, argv[2]);
	if (!f || xsd_req_number(argv[3], 0x7fffffff, &v) < 0 || v < 1)
		return -EINVAL;
	*f = (unsigned)v;
	xsd_reply_ok(r);
	return 0;
}

/* Every node's parent exists and lists it; counts match. */
static int control_check(struct xsd_req *r, const char **argv, int argc)
{
	struct xsd_store *s = &r->c->core->store;
	size_t pos = 0;
	char ppath[XSD_PATH_BUF];

	(void)argv;
	if (argc != 1)
		return -EINVAL;
	for (struct xsd_hent *e = xsd_hash_next(&s->nodes, &pos, NULL); e;
	     e = xsd_hash_next(&s->nodes, &pos, e)) {
		struct xsd_node *n = xsd_container_of(e, struct xsd_node, hent), *p;
		if (strcmp(n->path, "/") == 0)
			continue;
		xsd_path_parent(n->path, ppath);
		p = xsd_store_get(s, ppath);
		if (!p) {
			log_warnx("check: %s has no parent", n->path);
			return -EIO;
		}
	}
	xsd_reply_ok(r);
	return 0;
}

static int control_snapshot(struct xsd_req *r, const char **argv, int argc)
{
	int err;

	(void)argv;
	if (argc != 1 || !r->c->core->snapshot)
		return -EINVAL;
	err = r->c->core->snapshot(r->c->core);
	if (err)
		return err;
	xsd_reply_ok(r);
	return 0;
}

static int control_memreport(struct xsd_req *r, const char **argv, int argc)
{
	struct xsd_core *core = r->c->core;
	unsigned conns = 0;
	char buf[256];

	(void)argv;
	if (argc != 1)
		return -EINVAL;
	for (struct xsd_conn *c = core->conns; c; c = c->next)
		conns++;
	snprintf(buf, sizeof(buf), "nodes %zu\nconnections %u\ndomains %zu\nrequests %llu\n",
		 xsd_store_count(&core->store), conns, core->domains.count,
		 (unsigned long long)core->nr_requests);
	xsd_reply_str(r, buf);
	return 0;
}

static int control_help(struct xsd_req *r, const char **argv, int argc);

static const struct control_cmd control_cmds[] = {
	{ "check", "", control_check },
	{ "help", "", control_help },
	{ "log", "on|off", control_log },
	{ "memreport", "", control_memreport },
	{ "print", "<string>", control_print },
	{ "quota", "[set <name> <val>|<domid>]", control_quota },
	{ "snapshot", "", control_snapshot },
};

static int control_help(struct xsd_req *r, const char **argv, int argc)
{
	char buf[1024];
	size_t used = 0;

	(void)argv;
	(void)argc;
	for (size_t i = 0; i < sizeof(control_cmds) / sizeof(control_cmds[0]); i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s\t%s\n",
					 control_cmds[i].name, control_cmds[i].help);
	xsd_reply_str(r, buf);
	return 0;
}

int xsd_msg_control(struct xsd_req *r)
{
	const char *argv[8];
	int argc = xsd_req_nargs(r);

	if (argc < 1 || argc > 8 || xsd_req_args(r, argv, (unsigned)argc) < 0)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(control_cmds) / sizeof(control_cmds[0]); i++)
		if (strcmp(argv[0], control_cmds[i].name) == 0)
			return control_cmds[i].fn(r, argv, argc);
	return -EINVAL;
}
