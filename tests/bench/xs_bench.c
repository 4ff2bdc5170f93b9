/* Store benchmark client: times reads, writes, write+read pairs and transactions from
 * one dom0 client through libxs against any xenstore socket (xsd or C xenstored).
 *   bench_xs SOCKET MODE COUNT     MODE: read | write | writeread | tx
 * Prints "mode=M count=N ns=T per_s=R" (R: operations, pairs or transactions per
 * second). Asserts nothing about time. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxs/xs.h"
#include "util.h"

static int bench_die(const char *what, int err)
{
	fprintf(stderr, "bench_xs: %s: %s\n", what, strerror(-err));
	return 1;
}

static int bench_read(struct xs_handle *h, long i)
{
	char *v;
	size_t len;
	int err = xs_read(h, 0, "/bench/key", &v, &len);

	(void)i;
	if (!err)
		free(v);
	return err;
}

static int bench_write(struct xs_handle *h, long i)
{
	char path[64], val[32];
	int n = snprintf(val, sizeof(val), "value-%ld", i);

	snprintf(path, sizeof(path), "/bench/w/k%ld", i % 128);
	return xs_write(h, 0, path, val, (size_t)n);
}

static int bench_writeread(struct xs_handle *h, long i)
{
	char path[64], *v;
	size_t len;
	int err = bench_write(h, i);

	snprintf(path, sizeof(path), "/bench/w/k%ld", i % 128);
	if (!err)
		err = xs_read(h, 0, path, &v, &len);
	if (!err)
		free(v);
	return err;
}

static int bench_tx(struct xs_handle *h, long i)
{
	char path[64], *v;
	size_t len;
	uint32_t tx;
	int err;

	snprintf(path, sizeof(path), "/bench/t/k%ld", i % 128);
	do {
		err = xs_transaction_start(h, &tx);
		if (err)
			return err;
		err = xs_read(h, tx, "/bench/key", &v, &len);
		if (!err)
			free(v);
		if (!err)
			err = xs_write(h, tx, path, "tx", 2);
		err = err ? xs_transaction_end(h, tx, false) : xs_transaction_end(h, tx, true);
	} while (err == -EAGAIN);
	return err;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct xs_handle *h, long i);
	} modes[] = { { "read", bench_read },
		      { "write", bench_write },
		      { "writeread", bench_writeread },
		      { "tx", bench_tx } };
	struct xs_handle *h;
	long count;
	uint64_t t0, t1;
	int err;

	if (argc != 4 || (count = strtol(argv[3], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: bench_xs SOCKET read|write|writeread|tx COUNT\n");
		return 2;
	}
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		if (strcmp(argv[2], modes[m].name) != 0)
			continue;
		err = xs_open_path(&h, argv[1]);
		if (err)
			return bench_die(argv[1], err);
		err = xs_write(h, 0, "/bench/key", "some-value", 10);
		if (err)
			return bench_die("setup write", err);
		t0 = util_now_ns();
		for (long i = 0; i < count; i++) {
			err = modes[m].fn(h, i);
			if (err)
				return bench_die(argv[2], err);
		}
		t1 = util_now_ns();
		printf("mode=%s count=%ld ns=%llu per_s=%.0f\n", argv[2], count,
		       (unsigned long long)(t1 - t0), (double)count * 1e9 / (double)(t1 - t0));
		xs_close(h);
		return 0;
	}
	fprintf(stderr, "bench_xs: unknown mode %s\n", argv[2]);
	return 2;
}
