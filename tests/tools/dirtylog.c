/* dirtylog: the dirty-page log of a running domain, as live migration reads it
 * (privcmd DIRTY_LOG through libpvctrl), for tests and for looking at a guest's
 * write rate.
 *   dirtylog DOMID [rounds=N] [gap_ms=T] [range=FIRST:COUNT] [until=FILE:TEXT]
 * starts the log, collects every gap_ms and prints each round's pages (all, and RAM
 * only); with range= it also prints how many of those frames were reported at
 * least once; with until= it keeps collecting until FILE holds TEXT (a guest's
 * console log) and then once more. The log is stopped at the end; a second start
 * while this one runs, and a collect from another connection, must be refused
 * (printed as "refused: ..."). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libpvctrl/pvctrl.h"

struct opts {
	unsigned long rounds, gap_ms;
	uint64_t first, count;
	const char *until_file, *until_text;
};

static int file_has(const char *path, const char *text)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int found = 0;

	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, text) != NULL;
	if (f)
		fclose(f);
	return found;
}

static void parse(int argc, char **argv, struct opts *o)
{
	o->rounds = 5;
	o->gap_ms = 100;
	for (int i = 2; i < argc; i++) {
		char *v = strchr(argv[i], '=');

		if (!v)
			continue;
		v++;
		if (!strncmp(argv[i], "rounds=", 7))
			o->rounds = strtoul(v, NULL, 0);
		else if (!strncmp(argv[i], "gap_ms=", 7))
			o->gap_ms = strtoul(v, NULL, 0);
		else if (!strncmp(argv[i], "range=", 6) &&
			 sscanf(v, "%li:%li", (long *)&o->first, (long *)&o->count) != 2)
			o->count = 0;
		else if (!strncmp(argv[i], "until=", 6) && strchr(v, ':')) {
			o->until_file = v;
			o->until_text = strchr(v, ':') + 1;
			*strchr(v, ':') = '\0';
		}
	}
}

/* Another connection may neither start a second log nor read this one. */
static void check_others(pv_domid_t domid, uint64_t *bm, uint64_t words)
{
	struct pvctrl *h2;
	int rc;

	if (pvctrl_open(&h2) < 0)
		return;
	rc = pvctrl_dirty_log_start(h2, domid, NULL);
	printf("refused: second start: %s\n", rc < 0 ? strerror(-rc) : "accepted");
	rc = (int)pvctrl_dirty_log_collect(h2, domid, bm, words);
	printf("refused: collect by another: %s\n", rc < 0 ? strerror(-rc) : "accepted");
	pvctrl_close(h2);
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct pvctrl *h;
	uint64_t nr_pages, words, *bm, *seen, covered = 0;
	pv_domid_t domid;
	int rc, last = 0;

	if (argc < 2)
		return fprintf(stderr, "usage: dirtylog DOMID [rounds=N] [gap_ms=T] "
				       "[range=FIRST:COUNT] [until=FILE:TEXT]\n"),
		       2;
	domid = (pv_domid_t)strtoul(argv[1], NULL, 0);
	parse(argc, argv, &o);
	rc = pvctrl_open(&h);
	if (rc < 0)
		return fprintf(stderr, "dirtylog: privcmd: %s\n", strerror(-rc)), 1;
	rc = pvctrl_dirty_log_start(h, domid, &nr_pages);
	if (rc < 0)
		return fprintf(stderr, "dirtylog: start: %s\n", strerror(-rc)), 1;
	words = (nr_pages + 63) / 64;
	bm = calloc(words, 8);
	seen = calloc(words, 8);
	printf("dirtylog: %llu pages\n", (unsigned long long)nr_pages);
	check_others(domid, bm, words);
	for (unsigned long r = 0; !last; r++) {
		long n, ram = 0;

		last = o.until_file ? file_has(o.until_file, o.until_text) : r + 1 >= o.rounds;
		usleep((useconds_t)(o.gap_ms * 1000));
		n = pvctrl_dirty_log_collect(h, domid, bm, words);
		if (n < 0)
			return fprintf(stderr, "dirtylog: collect: %s\n", strerror((int)-n)), 1;
		for (uint64_t p = 0; p < nr_pages; p++) {
			int bit = (int)(bm[p / 64] >> (p % 64) & 1);

			seen[p / 64] |= (uint64_t)bit << (p % 64);
			if (bit && p < o.first + o.count && p >= o.first)
				ram++;
		}
		printf("round %lu: %ld pages, %ld in range\n", r, n, ram);
	}
	for (uint64_t p = o.first; p < o.first + o.count && p < nr_pages; p++)
		covered += seen[p / 64] >> (p % 64) & 1;
	if (o.count)
		printf("dirtylog: range covered %llu of %llu\n", (unsigned long long)covered,
		       (unsigned long long)o.count);
	rc = pvctrl_dirty_log_stop(h, domid);
	printf("dirtylog: stop: %s\n", rc < 0 ? strerror(-rc) : "ok");
	pvctrl_close(h);
	return 0;
}
