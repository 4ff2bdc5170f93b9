/* Xen ELF notes of the reference PV kernel: how a domain builder learns the guest's
 * name, addresses, entry point and where to write the hypercall page. */

#include <pvisor/elfnote.h>

	.section .note.Xen, "a", @note
	xen_note_str  PV_ELFNOTE_GUEST_OS,       "pvisor-ref"
	xen_note_str  PV_ELFNOTE_GUEST_VERSION,  "0.1"
	xen_note_str  PV_ELFNOTE_XEN_VERSION,    "xen-3.0"
	xen_note_str  PV_ELFNOTE_LOADER,         "generic"
	xen_note_quad PV_ELFNOTE_VIRT_BASE,      0x40000000
	xen_note_quad PV_ELFNOTE_PADDR_OFFSET,   0x40000000
	xen_note_quad PV_ELFNOTE_ENTRY,          _start
	xen_note_quad PV_ELFNOTE_HYPERCALL_PAGE, hypercall_page

	.section .note.GNU-stack, "", @progbits
