/* pvisor public ABI: ELF note types (owner "Xen") a PV kernel uses to tell the
 * domain builder its entry point, hypercall page and features; Xen 4.17's
 * elfnote.h numbers. Only #defines (and, for assembly, the macros that emit a note),
 * so assembly sources may include it. */
#ifndef PVISOR_ELFNOTE_H
#define PVISOR_ELFNOTE_H

#define PV_ELFNOTE_INFO               0
#define PV_ELFNOTE_ENTRY              1 /* virtual entry address */
#define PV_ELFNOTE_HYPERCALL_PAGE     2 /* virtual address the builder fills */
#define PV_ELFNOTE_VIRT_BASE          3
#define PV_ELFNOTE_PADDR_OFFSET       4
#define PV_ELFNOTE_XEN_VERSION        5 /* string, e.g. "xen-3.0" */
#define PV_ELFNOTE_GUEST_OS           6 /* string */
#define PV_ELFNOTE_GUEST_VERSION      7 /* string */
#define PV_ELFNOTE_LOADER             8 /* string, "generic" */
#define PV_ELFNOTE_PAE_MODE           9
#define PV_ELFNOTE_FEATURES           10 /* string, '|'-separated */
#define PV_ELFNOTE_BSD_SYMTAB         11
#define PV_ELFNOTE_HV_START_LOW       12
#define PV_ELFNOTE_L1_MFN_VALID       13
#define PV_ELFNOTE_SUSPEND_CANCEL     14
#define PV_ELFNOTE_INIT_P2M           15
#define PV_ELFNOTE_MOD_START_PFN      16
#define PV_ELFNOTE_SUPPORTED_FEATURES 17
#define PV_ELFNOTE_PHYS32_ENTRY       18
#define PV_ELFNOTE_MAX                PV_ELFNOTE_PHYS32_ENTRY

#define PV_ELFNOTE_CRASH_INFO              0x1000001
#define PV_ELFNOTE_CRASH_REGS              0x1000002
#define PV_ELFNOTE_DUMPCORE_NONE           0x2000000
#define PV_ELFNOTE_DUMPCORE_HEADER         0x2000001
#define PV_ELFNOTE_DUMPCORE_XEN_VERSION    0x2000002
#define PV_ELFNOTE_DUMPCORE_FORMAT_VERSION 0x2000003

#ifdef __ASSEMBLY__
/* gas macros, not C: */
/* clang-format off */
/* One note in section .note.Xen: owner "Xen" (namesz 4), the descriptor padded to 4
 * bytes. gas drops the quotes of a macro argument, so strings and numbers get a
 * macro each: xen_note_str TYPE, "text" and xen_note_quad TYPE, value. */
.macro xen_note_begin type
	.balign 4
	.long	4
	.long	2f - 1f
	.long	\type
	.asciz	"Xen"
	.balign 4
1:
.endm

.macro xen_note_str type, value
	xen_note_begin \type
	.asciz	"\value"
2:	.balign 4
.endm

.macro xen_note_quad type, value
	xen_note_begin \type
	.quad	\value
2:	.balign 4
.endm
/* clang-format on */
#endif

#endif
