/* The keys xl.cfg(5) documents that pvisor does not implement, and what each
 * one gets: ignored with a warning (nothing the guest relies on is lost: a
 * display, an emulated platform device, a device model setting) or refused (the
 * guest would miss a device or a guarantee it was configured for). A value that
 * asks for nothing -- false, an empty list, "disabled" -- is accepted silently.
 * Each entry says why pvisor does not do it. Keys pvisor does implement are the
 * handlers in domcfg.c; keys xl does not know are "unknown key". */
#include "libpvx/domcfg.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define R_DM "it runs no device model (QEMU)"
#define R_DISPLAY \
	"it has no graphical console; the guest's console is the PV console (pvx console)"
#define R_HVM \
	"it emulates no PC platform devices or firmware; type = \"hvm\" boots the kernel directly"
#define R_PT \
	"guests are host processes with no access to host hardware, so nothing is passed through"
#define R_XSM \
	"it has no XSM/FLASK security module; domains are confined by seccomp and namespaces"
#define R_ARM       "it is an ARM option and pvisor runs x86-64 guests"
#define R_PVH       "it has no PV shim: a PV guest runs on pvisor as it is"
#define R_DEV(what) "it has no " what " backend (it serves vbd, vif and the PV console)"

static const struct domcfg_xlkey xlkeys[] = {
	/* CPU allocation and NUMA */
	{ "vnuma", XK_LIST, XK_WARN, NULL, "it gives guests no virtual NUMA topology" },
	/* boot */
	{ "firmware", XK_ANY, XK_REJECT, NULL,
	  "it has no firmware or PV-GRUB image; boot with kernel= or bootloader=" },
	{ "firmware_override", XK_ANY, XK_REJECT, NULL,
	  "it has no firmware or PV-GRUB image; boot with kernel= or bootloader=" },
	{ "pvshim", XK_BOOL, XK_WARN, NULL, R_PVH },
	{ "pvshim_path", XK_ANY, XK_WARN, NULL, R_PVH },
	{ "pvshim_cmdline", XK_ANY, XK_WARN, NULL, R_PVH },
	{ "pvshim_extra", XK_ANY, XK_WARN, NULL, R_PVH },
	/* other options */
	{ "seclabel", XK_ANY, XK_WARN, NULL, R_XSM },
	{ "init_seclabel", XK_ANY, XK_WARN, NULL, R_XSM },
	{ "max_maptrack_frames", XK_ANY, XK_WARN, NULL,
	  "only dom0 maps grants under pvisor: a guest has no maptrack table to size" },
	{ "driver_domain", XK_BOOL, XK_REJECT, NULL,
	  "backends run in dom0 as host processes; a guest cannot serve devices" },
	{ "device_tree", XK_ANY, XK_WARN, NULL, R_ARM },
	{ "passthrough", XK_STR, XK_REJECT, "disabled", R_PT },
	{ "xend_suspend_evtchn_compat", XK_BOOL, XK_WARN, NULL,
	  "it has no xend suspend event channel; guests suspend through control/shutdown" },
	{ "vmtrace_buf_kb", XK_NUM, XK_WARN, NULL, "it gives guests no processor trace buffers" },
	{ "vpmu", XK_BOOL, XK_WARN, NULL, "it gives guests no virtual PMU" },
	/* devices */
	{ "vtpm", XK_LIST, XK_REJECT, NULL, R_DEV("vTPM") },
	{ "p9", XK_LIST, XK_REJECT, NULL, R_DEV("9pfs") },
	{ "pvcalls", XK_LIST, XK_REJECT, NULL, R_DEV("PV calls") },
	{ "vfb", XK_LIST, XK_WARN, NULL, R_DISPLAY },
	{ "vnc", XK_BOOL, XK_WARN, NULL, R_DISPLAY },
	{ "vnclisten", XK_ANY, XK_WARN, NULL, R_DISPLAY },
	{ "vncdisplay", XK_ANY, XK_WARN, NULL, R_DISPLAY },
	{ "vncunused", XK_BOOL, XK_WARN, NULL, R_DISPLAY },
	{ "vncpasswd", XK_ANY, XK_WARN, NULL, R_DISPLAY },
	{ "vncviewer", XK_ANY, XK_WARN, NULL, R_DISPLAY },
	{ "sdl", XK_BOOL, XK_WARN, NULL, R_DISPLAY },
	{ "display", XK_ANY, XK_WARN, NULL, R_DISPLAY },
	{ "xauthority", XK_ANY, XK_WARN, NULL, R_DISPLAY },
	{ "opengl", XK_BOOL, XK_WARN, NULL, R_DISPLAY },
	{ "keymap", XK_ANY, XK_WARN, NULL, R_DISPLAY },
	{ "channel", XK_LIST, XK_REJECT, NULL, R_DEV("channel") },
	{ "rdm", XK_ANY, XK_WARN, NULL, "reserved device memory is for passthrough, and " R_PT },
	{ "usbctrl", XK_LIST, XK_REJECT, NULL, R_DEV("USB") },
	{ "usbdev", XK_LIST, XK_REJECT, NULL, R_PT },
	{ "pci", XK_LIST, XK_REJECT, NULL, R_PT },
	{ "pci_permissive", XK_BOOL, XK_WARN, NULL, R_PT },
	{ "pci_msitranslate", XK_BOOL, XK_WARN, NULL, R_PT },
	{ "pci_seize", XK_BOOL, XK_WARN, NULL, R_PT },
	{ "pci_power_mgmt", XK_BOOL, XK_WARN, NULL, R_PT },
	{ "gfx_passthru", XK_BOOL, XK_REJECT, NULL, R_PT },
	{ "rdm_mem_boundary", XK_ANY, XK_WARN, NULL, R_PT },
	{ "dtdev", XK_LIST, XK_REJECT, NULL, R_PT },
	{ "ioports", XK_LIST, XK_REJECT, NULL, R_PT },
	{ "iomem", XK_LIST, XK_REJECT, NULL, R_PT },
	{ "irqs", XK_LIST, XK_REJECT, NULL, R_PT },
	{ "vdispl", XK_LIST, XK_REJECT, NULL, R_DEV("virtual display") },
	{ "dm_restrict", XK_BOOL, XK_WARN, NULL, R_DM },
	{ "device_model_user", XK_ANY, XK_WARN, NULL, R_DM },
	{ "vsnd", XK_LIST, XK_REJECT, NULL, R_DEV("sound") },
	{ "vkb", XK_LIST, XK_WARN, NULL,
	  R_DEV("keyboard") "; input goes through the PV console" },
	{ "tee", XK_STR, XK_REJECT, "none", R_ARM },
	/* PV */
	{ "e820_host", XK_BOOL, XK_WARN, NULL,
	  "guests get no copy of the host's memory map (it is for PCI passthrough)" },
	/* HVM platform */
	{ "boot", XK_ANY, XK_WARN, NULL, R_HVM },
	{ "hdtype", XK_ANY, XK_WARN, NULL, R_HVM },
	{ "hap", XK_BOOL_ON, XK_WARN, NULL,
	  "hvm guests always use the CPU's nested paging (KVM); there is no shadow paging" },
	{ "oos", XK_BOOL_ON, XK_WARN, NULL, "it has no shadow paging" },
	{ "shadow_memory", XK_ANY, XK_WARN, NULL, "it has no shadow paging" },
	{ "bios", XK_ANY, XK_WARN, NULL, R_HVM },
	{ "bios_path_override", XK_ANY, XK_WARN, NULL, R_HVM },
	{ "pae", XK_BOOL_ON, XK_WARN, NULL, "guests are 64-bit and always have PAE" },
	{ "acpi", XK_BOOL, XK_WARN, NULL, R_HVM },
	{ "acpi_s3", XK_BOOL, XK_WARN, NULL, R_HVM },
	{ "acpi_s4", XK_BOOL, XK_WARN, NULL, R_HVM },
	{ "acpi_laptop_slate", XK_BOOL, XK_WARN, NULL, R_HVM },
	{ "apic", XK_BOOL, XK_WARN, NULL, R_HVM },
	{ "nx", XK_BOOL_ON, XK_WARN, NULL,
	  "guests get the host CPU's NX bit, which cannot be hidden" },
	{ "hpet", XK_BOOL, XK_WARN, NULL, R_HVM },
	{ "altp2m", XK_STR, XK_WARN, "disabled", "it has no alternate p2m views" },
	{ "altp2mhvm", XK_BOOL, XK_WARN, NULL, "it has no alternate p2m views" },
	{ "nestedhvm", XK_BOOL, XK_WARN, NULL, "it offers guests no nested virtualisation" },
	{ "cpuid", XK_ANY, XK_WARN, NULL,
	  "it does not filter CPUID: a guest sees the host CPU's features" },
	{ "acpi_firmware", XK_ANY, XK_WARN, NULL, R_HVM },
	{ "smbios_firmware", XK_ANY, XK_WARN, NULL, R_HVM },
	{ "ms_vm_genid", XK_STR, XK_WARN, "none", R_HVM },
	{ "vpt_align", XK_BOOL, XK_WARN, NULL, R_HVM },
	{ "timer_mode", XK_ANY, XK_WARN, NULL, R_HVM },
	{ "mmio_hole", XK_ANY, XK_WARN, NULL, R_HVM },
	{ "xen_platform_pci", XK_BOOL, XK_WARN, NULL, R_HVM },
	{ "viridian", XK_ANY, XK_WARN, NULL, "it offers no Hyper-V enlightenments" },
	{ "videoram", XK_ANY, XK_WARN, NULL, R_DISPLAY },
	{ "stdvga", XK_BOOL, XK_WARN, NULL, R_DISPLAY },
	{ "vga", XK_STR, XK_WARN, "none", R_DISPLAY },
	{ "nographic", XK_BOOL_ON, XK_WARN, NULL, R_DISPLAY },
	{ "spice", XK_BOOL, XK_WARN, NULL, R_DISPLAY },
	{ "spicehost", XK_ANY, XK_WARN, NULL, R_DISPLAY },
	{ "spiceport", XK_ANY, XK_WARN, NULL, R_DISPLAY },
	{ "spicetls_port", XK_ANY, XK_WARN, NULL, R_DISPLAY },
	{ "spicedisable_ticketing", XK_BOOL, XK_WARN, NULL, R_DISPLAY },
	{ "spicepasswd", XK_ANY, XK_WARN, NULL, R_DISPLAY },
	{ "spiceagent_mouse", XK_BOOL, XK_WARN, NULL, R_DISPLAY },
	{ "spicevdagent", XK_BOOL, XK_WARN, NULL, R_DISPLAY },
	{ "spice_clipboard_sharing", XK_BOOL, XK_WARN, NULL, R_DISPLAY },
	{ "spiceusbredirection", XK_ANY, XK_WARN, NULL, R_DISPLAY },
	{ "spice_image_compression", XK_ANY, XK_WARN, NULL, R_DISPLAY },
	{ "spice_streaming_video", XK_ANY, XK_WARN, NULL, R_DISPLAY },
	{ "serial", XK_STR, XK_WARN, "none",
	  "it emulates no serial port; the guest's console is the PV console (pvx console)" },
	{ "soundhw", XK_ANY, XK_WARN, NULL, R_HVM },
	{ "vkb_device", XK_BOOL, XK_WARN, NULL, R_HVM },
	{ "usb", XK_BOOL, XK_WARN, NULL, R_HVM },
	{ "usbversion", XK_ANY, XK_WARN, NULL, R_HVM },
	{ "usbdevice", XK_ANY, XK_WARN, NULL, R_HVM },
	{ "vendor_device", XK_STR, XK_WARN, "none", R_HVM },
	/* device model */
	{ "device_model_version", XK_ANY, XK_WARN, NULL, R_DM },
	{ "device_model_override", XK_ANY, XK_WARN, NULL, R_DM },
	{ "stubdomain_kernel", XK_ANY, XK_WARN, NULL, R_DM },
	{ "stubdomain_cmdline", XK_ANY, XK_WARN, NULL, R_DM },
	{ "stubdomain_ramdisk", XK_ANY, XK_WARN, NULL, R_DM },
	{ "stubdomain_memory", XK_ANY, XK_WARN, NULL, R_DM },
	{ "device_model_stubdomain_override", XK_BOOL, XK_WARN, NULL, R_DM },
	{ "device_model_stubdomain_seclabel", XK_ANY, XK_WARN, NULL, R_DM },
	{ "device_model_args", XK_LIST, XK_WARN, NULL, R_DM },
	{ "device_model_args_pv", XK_LIST, XK_WARN, NULL, R_DM },
	{ "device_model_args_hvm", XK_LIST, XK_WARN, NULL, R_DM },
	/* architecture */
	{ "gic_version", XK_ANY, XK_WARN, NULL, R_ARM },
	{ "vuart", XK_ANY, XK_WARN, NULL, R_ARM },
	{ "mca_caps", XK_LIST, XK_WARN, NULL, "it injects no machine checks" },
	{ "msr_relaxed", XK_BOOL, XK_WARN, NULL,
	  "a pv guest cannot read MSRs at all (it runs in ring 3)" },
};

const struct domcfg_xlkey *domcfg_xlkey_find(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(xlkeys); i++)
		if (strcmp(xlkeys[i].key, key) == 0)
			return &xlkeys[i];
	return NULL;
}

/* A boolean as xl reads one: a number (strings holding a number count). -1 when
 * it is not one. */
static int xlkey_bool(const struct cfg_value *v)
{
	char *end;
	long n;

	if (v->type == CFG_LIST)
		return -1;
	n = strtol(v->str, &end, 0);
	return *v->str && !*end ? n != 0 : -1;
}

int domcfg_xlkey_neutral(const struct domcfg_xlkey *k, const struct cfg_value *v)
{
	switch (k->kind) {
	case XK_BOOL:
		return xlkey_bool(v) == 0;
	case XK_BOOL_ON:
		return xlkey_bool(v) == 1;
	case XK_LIST:
		return v->type == CFG_LIST && v->n_items == 0;
	case XK_NUM:
		return v->type != CFG_LIST && strcmp(v->str, "0") == 0;
	case XK_STR:
		return v->type != CFG_LIST && k->neutral && strcmp(v->str, k->neutral) == 0;
	default:
		return 0;
	}
}
