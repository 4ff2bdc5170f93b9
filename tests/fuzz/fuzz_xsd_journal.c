/* libFuzzer harness for the store's persistence loader: the input becomes the journal
 * file (after its magic) of a fresh run directory, then xsd_journal_open replays it.
 * Corrupt or hostile files must load what is valid, never crash or leak, and leave a
 * consistent tree. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "xsd/core.h"
#include "xsd/journal.h"
#include "xsd/path.h"

static char fuzz_dir[64];

/* Every node's parent exists. */
static void fuzz_check(struct xsd_core *core)
{
	size_t pos = 0;
	char parent[XSD_PATH_BUF];

	for (struct xsd_hent *e = xsd_hash_next(&core->store.nodes, &pos, NULL); e;
	     e = xsd_hash_next(&core->store.nodes, &pos, e)) {
		struct xsd_node *n = xsd_container_of(e, struct xsd_node, hent);
		if (strcmp(n->path, "/") == 0)
			continue;
		xsd_path_parent(n->path, parent);
		if (!xsd_store_get(&core->store, parent))
			abort();
	}
}

static void fuzz_cleanup(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/xsd.journal", fuzz_dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/xsd.snap", fuzz_dir);
	unlink(path);
	rmdir(fuzz_dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[128];
	struct xsd_core *core;
	struct xsd_journal *j;
	FILE *f;

	if (!fuzz_dir[0]) {
		log_init("fuzz", 0);
		snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/fuzz_xsd_journal.%d", (int)getpid());
		mkdir(fuzz_dir, 0700);
		atexit(fuzz_cleanup);
	}
	snprintf(path, sizeof(path), "%s/xsd.journal", fuzz_dir);
	f = fopen(path, "w");
	if (!f)
		return 0;
	fwrite("PVXSJNL1", 1, 8, f);
	fwrite(data, 1, size, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/xsd.snap", fuzz_dir);
	unlink(path);
	core = xsd_core_create(NULL);
	if (core && xsd_journal_open(&j, core, fuzz_dir) == 0) {
		fuzz_check(core);
		xsd_journal_abandon(j);
	}
	xsd_core_destroy(core);
	return 0;
}
