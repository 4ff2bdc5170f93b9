/* The console byte sink (see console.h): console ring or console_io, and the
 * early output kept for the ring until it is up. */
#include <pvisor/errno.h>
#include <pvisor/xen.h>

#include "arch/x86_64/hypercall.h"
#include "console.h"
#include "console_ring.h"
#include "kernel.h"
#include "lib/format.h"
#include "lib/kstring.h"
#include "printk.h"

int console_io_write(const char *buf, size_t len)
{
	while (len > 0) {
		size_t n = len < CONSOLE_CHUNK ? len : CONSOLE_CHUNK;
		/* console_io takes a non-const buffer; a write only reads it. */
		int rc = HYPERVISOR_console_io(PV_CONSOLEIO_write, (int)n,
					       (char *)(uintptr_t)buf);

		if (rc < 0)
			return rc;
		/* Xen returns 0 for "all written"; pvisor returns the count, maybe short. */
		if (rc > 0 && (size_t)rc < n)
			n = (size_t)rc;
		buf += n;
		len -= n;
	}
	return 0;
}

/* What was written before the console ring was taken: it went to console_io (the
 * hypervisor log) and is kept here too, so it can be replayed into the ring and
 * reach the guest's console and its log like everything after it. Smaller than
 * out[] (2 KiB), so the replay never waits for the backend. */
#define CONSOLE_EARLY_MAX 1536
static struct {
	char buf[CONSOLE_EARLY_MAX];
	size_t len;
	size_t lost; /* bytes that did not fit */
	int closed;  /* the ring was taken (or will never be): keep no more */
} console_early;

static void console_early_keep(const char *buf, size_t len)
{
	size_t room = CONSOLE_EARLY_MAX - console_early.len, n = len < room ? len : room;

	memcpy(console_early.buf + console_early.len, buf, n);
	console_early.len += n;
	console_early.lost += len - n;
}

int console_write(const char *buf, size_t len)
{
	size_t done = 0;

	if (console_ring_active() && console_ring_write(buf, len, &done) == 0)
		return 0;
	if (!console_early.closed)
		console_early_keep(buf, len);
	/* No ring, or its page went bad midway: the rest goes where it still can. */
	return console_io_write(buf + done, len - done);
}

void console_early_replay(void)
{
	char note[80];
	size_t done;
	int n;

	if (console_early.closed)
		return;
	console_early.closed = 1;
	if (!console_ring_active())
		return;
	if (console_early.lost) {
		n = ksnprintf(note, sizeof(note), "[%llu bytes of early output not kept]\n",
			      (unsigned long long)console_early.lost);
		console_ring_write(note, (size_t)n, &done);
	}
	console_ring_write(console_early.buf, console_early.len, &done);
}

void console_announce_io(const struct pv_start_info *si)
{
	static const char note[] = KERNEL_NAME
		": console=io: this kernel writes to the "
		"hypervisor log (pvx dmesg), not to this console\n";
	size_t done;

	if (console_ring_init(si) < 0)
		return;
	console_ring_write(note, sizeof(note) - 1, &done);
	console_ring_release();
}

void console_drain(void)
{
	if (console_ring_active())
		console_ring_drain(CONSOLE_DRAIN_NS);
}

/* Echo through printk so the echo stays ordered with other output. */
static void console_echo(const char *s)
{
	printk("%s", s);
	printk_flush();
}

/* Apply one typed character to the line: 1 when it ends the line. */
static int console_edit(char *buf, size_t len, size_t *pos, int c, int *after_cr)
{
	int was_cr = *after_cr;

	*after_cr = c == '\r';
	if (c == '\n' && was_cr)
		return 0; /* the LF of a CR LF pair */
	if (c == '\r' || c == '\n') {
		console_echo("\n");
		return 1;
	}
	if (c == 0x7f || c == '\b') {
		if (*pos > 0) {
			(*pos)--;
			console_echo("\b \b");
		}
	} else if (c == 0x15) { /* Ctrl-U */
		for (; *pos > 0; (*pos)--)
			console_echo("\b \b");
	} else if (c == 0x03) { /* Ctrl-C */
		*pos = 0;
		console_echo("^C\n");
		return 1;
	} else if (c >= 0x20 && c < 0x7f && *pos + 1 < len) {
		char e[2] = { (char)c, '\0' };

		buf[(*pos)++] = (char)c;
		console_echo(e);
	} else if (c >= 0x20) {
		console_echo("\a");
	}
	return 0;
}

int console_readline(char *buf, size_t len, void (*idle)(void), uint64_t poll_ns)
{
	size_t pos = 0;
	int after_cr = 0;

	if (len == 0)
		return -PV_EINVAL;
	for (;;) {
		int c = console_ring_getc(poll_ns);

		if (c == -PV_ETIMEDOUT) {
			if (idle)
				idle();
			continue;
		}
		if (c < 0)
			return c;
		if (console_edit(buf, len, &pos, c, &after_cr))
			break;
	}
	buf[pos] = '\0';
	return (int)pos;
}
