/* Kernel image loader: the legacy "__xen_guest" section string of pre-ELF-note
 * kernels ("GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0x...,HYPERCALL_PAGE=0x2,..."). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libpvx/elfimg_priv.h"
#include "pvisor/pvisor.h"
#include "util.h"

#define LEGACY_ITEM_MAX 256

enum elfimg_legacy_kind { LEGACY_STRING, LEGACY_NUMBER, LEGACY_PFN };

static const struct elfimg_legacy_key {
	const char *key;
	enum elfimg_legacy_kind kind;
	uint32_t note; /* the Xen note type this key stands for */
} legacy_keys[] = {
	{ "GUEST_OS", LEGACY_STRING, XEN_NOTE_GUEST_OS },
	{ "GUEST_VER", LEGACY_STRING, XEN_NOTE_GUEST_VERSION },
	{ "XEN_VER", LEGACY_STRING, XEN_NOTE_XEN_VERSION },
	{ "LOADER", LEGACY_STRING, XEN_NOTE_LOADER },
	{ "FEATURES", LEGACY_STRING, XEN_NOTE_FEATURES },
	{ "VIRT_BASE", LEGACY_NUMBER, XEN_NOTE_VIRT_BASE },
	{ "ELF_PADDR_OFFSET", LEGACY_NUMBER, XEN_NOTE_PADDR_OFFSET },
	{ "VIRT_ENTRY", LEGACY_NUMBER, XEN_NOTE_ENTRY },
	/* A page number relative to VIRT_BASE, written in hex. */
	{ "HYPERCALL_PAGE", LEGACY_PFN, XEN_NOTE_HYPERCALL_PAGE },
};

static int elfimg_legacy_number(struct elfimg_ctx *ctx, const struct elfimg_legacy_key *k,
				const char *value, uint64_t *out)
{
	char *end;

	if (k->kind == LEGACY_NUMBER) {
		if (util_parse_u64(value, UINT64_MAX, out) == 0)
			return 0;
	} else if (*value && *value != '-' && *value != '+' && *value != ' ') {
		errno = 0;
		*out = strtoull(value, &end, 16);
		if (*end == '\0' && errno == 0)
			return 0;
	}
	return elfimg_fail(ctx, -ENOEXEC, "__xen_guest: %s=%s is not a number", k->key, value);
}

/* One "KEY=VALUE" item; returns 1 if the key is known, 0 if not, or -ENOEXEC. */
static int elfimg_legacy_item(struct elfimg_ctx *ctx, char *item, uint64_t *pfn)
{
	char *value = strchr(item, '=');
	uint64_t v;
	size_t i;
	int rc;

	if (value)
		*value++ = '\0';
	for (i = 0; i < ARRAY_SIZE(legacy_keys); i++) {
		if (strcmp(item, legacy_keys[i].key) == 0)
			break;
	}
	if (i == ARRAY_SIZE(legacy_keys))
		return 0; /* PAE=, BSD_SYMTAB, ...: not used by pvisor */
	if (!value)
		return elfimg_fail(ctx, -ENOEXEC, "__xen_guest: %s has no value", item);
	if (legacy_keys[i].kind == LEGACY_STRING) {
		rc = elfimg_notes_set_string(ctx, legacy_keys[i].note, value, strlen(value) + 1);
		return rc ? rc : 1;
	}
	rc = elfimg_legacy_number(ctx, &legacy_keys[i], value, &v);
	if (rc)
		return rc;
	if (legacy_keys[i].kind == LEGACY_PFN)
		*pfn = v;
	else
		ctx->notes.val[legacy_keys[i].note] = v;
	ctx->notes.have |= 1u << legacy_keys[i].note;
	return 1;
}

/* HYPERCALL_PAGE is a frame number: turn it into VIRT_BASE + pfn * page size. */
static int elfimg_legacy_hypercall(struct elfimg_ctx *ctx, uint64_t pfn)
{
	uint64_t base = ctx->notes.val[XEN_NOTE_VIRT_BASE]; /* 0 when absent */

	if (pfn > (UINT64_MAX >> PV_PAGE_SHIFT) || (pfn << PV_PAGE_SHIFT) > UINT64_MAX - base)
		return elfimg_fail(ctx, -ENOEXEC,
				   "__xen_guest: HYPERCALL_PAGE=0x%llx is out of range",
				   (unsigned long long)pfn);
	ctx->notes.val[XEN_NOTE_HYPERCALL_PAGE] = base + (pfn << PV_PAGE_SHIFT);
	return 0;
}

int elfimg_legacy_parse(struct elfimg_ctx *ctx, const char *s, size_t len)
{
	char item[LEGACY_ITEM_MAX];
	const char *nul = memchr(s, '\0', len), *comma;
	uint64_t pfn = 0;
	size_t n;
	int known = 0, rc;

	if (nul)
		len = (size_t)(nul - s);
	for (n = 0; n < len; n++) {
		if (!isprint((unsigned char)s[n]))
			return elfimg_fail(ctx, -ENOEXEC,
					   "__xen_guest holds a non-printable character");
	}
	while (len) {
		comma = memchr(s, ',', len);
		n = comma ? (size_t)(comma - s) : len;
		if (n >= sizeof(item))
			return elfimg_fail(ctx, -ENOEXEC,
					   "__xen_guest: an item is over %zu bytes",
					   sizeof(item) - 1);
		memcpy(item, s, n);
		item[n] = '\0';
		rc = n ? elfimg_legacy_item(ctx, item, &pfn) : 0;
		if (rc < 0)
			return rc;
		known += rc;
		s += comma ? n + 1 : n;
		len -= comma ? n + 1 : n;
	}
	if ((ctx->notes.have >> XEN_NOTE_HYPERCALL_PAGE) & 1u) {
		rc = elfimg_legacy_hypercall(ctx, pfn);
		if (rc)
			return rc;
	}
	return known;
}
