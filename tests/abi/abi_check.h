/* ABI conformance helpers: compare sizes, offsets and constants of pvisor's
 * public headers with Debian's Xen headers and count the mismatches. Each abi_*.c
 * program includes this once, calls the CHECK_* macros, then abi_report(). */
#ifndef PVISOR_TESTS_ABI_CHECK_H
#define PVISOR_TESTS_ABI_CHECK_H

#define __XEN_TOOLS__ 1 /* makes Xen's domctl.h and sysctl.h visible */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Without libxen-dev there is nothing to compare with: the program skips. */
#if defined(__has_include)
#if __has_include(<xen/xen.h>)
#define ABI_HAVE_XEN 1
#endif
#endif

static unsigned abi_passed, abi_failed;

static inline void abi_eq(const char *what, long long ours, long long xens)
{
	if (ours == xens) {
		abi_passed++;
		return;
	}
	abi_failed++;
	printf("MISMATCH %s: pvisor %lld, xen %lld\n", what, ours, xens);
}

/* sizeof(struct pv) == sizeof(struct xen) */
#define CHECK_SIZE(pv, xen) \
	abi_eq("sizeof " #pv " vs " #xen, (long long)sizeof(struct pv), \
	       (long long)sizeof(struct xen))

/* Same for scalar typedefs (pv_domid_t vs domid_t). */
#define CHECK_TYPE(pv, xen) \
	abi_eq("sizeof " #pv " vs " #xen, (long long)sizeof(pv), (long long)sizeof(xen))

#define ABI_FSIZE(s, f) sizeof(((struct s *)0)->f)

/* Offset and size of field pf of struct pv against field xf of struct xen. */
#define CHECK_OFF(pv, pf, xen, xf) \
	do { \
		abi_eq("offsetof " #pv "." #pf " vs " #xen "." #xf, \
		       (long long)offsetof(struct pv, pf), (long long)offsetof(struct xen, xf)); \
		abi_eq("sizeof " #pv "." #pf " vs " #xen "." #xf, (long long)ABI_FSIZE(pv, pf), \
		       (long long)ABI_FSIZE(xen, xf)); \
	} while (0)

#define CHECK_CONST(pv, xen) abi_eq(#pv " vs " #xen, (long long)(pv), (long long)(xen))

/* CHECK_FIELDS(pv, xen, f1, f2, ...): CHECK_OFF for fields of the same name. */
#define ABI_F1(p, x, f)       CHECK_OFF(p, f, x, f);
#define ABI_F2(p, x, f, ...)  ABI_F1(p, x, f) ABI_F1(p, x, __VA_ARGS__)
#define ABI_F3(p, x, f, ...)  ABI_F1(p, x, f) ABI_F2(p, x, __VA_ARGS__)
#define ABI_F4(p, x, f, ...)  ABI_F1(p, x, f) ABI_F3(p, x, __VA_ARGS__)
#define ABI_F5(p, x, f, ...)  ABI_F1(p, x, f) ABI_F4(p, x, __VA_ARGS__)
#define ABI_F6(p, x, f, ...)  ABI_F1(p, x, f) ABI_F5(p, x, __VA_ARGS__)
#define ABI_F7(p, x, f, ...)  ABI_F1(p, x, f) ABI_F6(p, x, __VA_ARGS__)
#define ABI_F8(p, x, f, ...)  ABI_F1(p, x, f) ABI_F7(p, x, __VA_ARGS__)
#define ABI_F9(p, x, f, ...)  ABI_F1(p, x, f) ABI_F8(p, x, __VA_ARGS__)
#define ABI_F10(p, x, f, ...) ABI_F1(p, x, f) ABI_F9(p, x, __VA_ARGS__)
#define ABI_F11(p, x, f, ...) ABI_F1(p, x, f) ABI_F10(p, x, __VA_ARGS__)
#define ABI_F12(p, x, f, ...) ABI_F1(p, x, f) ABI_F11(p, x, __VA_ARGS__)
#define ABI_F13(p, x, f, ...) ABI_F1(p, x, f) ABI_F12(p, x, __VA_ARGS__)
#define ABI_F14(p, x, f, ...) ABI_F1(p, x, f) ABI_F13(p, x, __VA_ARGS__)
#define ABI_F15(p, x, f, ...) ABI_F1(p, x, f) ABI_F14(p, x, __VA_ARGS__)
#define ABI_F16(p, x, f, ...) ABI_F1(p, x, f) ABI_F15(p, x, __VA_ARGS__)
#define ABI_F17(p, x, f, ...) ABI_F1(p, x, f) ABI_F16(p, x, __VA_ARGS__)
#define ABI_F18(p, x, f, ...) ABI_F1(p, x, f) ABI_F17(p, x, __VA_ARGS__)
#define ABI_F19(p, x, f, ...) ABI_F1(p, x, f) ABI_F18(p, x, __VA_ARGS__)
#define ABI_F20(p, x, f, ...) ABI_F1(p, x, f) ABI_F19(p, x, __VA_ARGS__)
#define ABI_NTH(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, \
		a19, a20, n, ...) \
	n
#define ABI_PICK(...) \
	ABI_NTH(__VA_ARGS__, ABI_F20, ABI_F19, ABI_F18, ABI_F17, ABI_F16, ABI_F15, ABI_F14, \
		ABI_F13, ABI_F12, ABI_F11, ABI_F10, ABI_F9, ABI_F8, ABI_F7, ABI_F6, ABI_F5, \
		ABI_F4, ABI_F3, ABI_F2, ABI_F1, none)
#define CHECK_FIELDS(pv, xen, ...) \
	do { \
		ABI_PICK(__VA_ARGS__)(pv, xen, __VA_ARGS__) \
	} while (0)

/* Print the summary line; the exit status is non-zero on any mismatch. */
static inline int abi_report(const char *prog)
{
	printf("%s: %u passed, %u failed\n", prog, abi_passed, abi_failed);
	return abi_failed ? 1 : 0;
}

/* Exit status and last line for a host without the Xen headers. */
static inline int abi_skip(const char *prog)
{
	printf("%s: Xen headers missing: install libxen-dev (make deps)\n", prog);
	return 77;
}

#endif
