/* The typed, validated domain configuration built from an xl.cfg file, and its
 * JSON form (the shape of `xl create --dry-run` / `xl list -l`). */
#ifndef PVX_DOMCFG_H
#define PVX_DOMCFG_H

#include <stddef.h>
#include <stdint.h>

#include "libpvx/cfg.h"
#include "libpvx/diskspec.h"
#include "libpvx/vifspec.h"

#define DOMCFG_NAME_MAX       63      /* characters in a domain name */
#define DOMCFG_VCPUS_MAX      128     /* vcpus / maxvcpus */
#define DOMCFG_MEMORY_MAX     1048576 /* MiB (1 TiB) for memory / maxmem */
#define DOMCFG_MEMORY_DEFAULT 32      /* MiB, when neither memory nor maxmem is given */
#define DOMCFG_WEIGHT_DEFAULT 256
#define DOMCFG_CMDLINE_MAX    1023 /* start_info.cmd_line holds 1024 bytes with NUL */
#define DOMCFG_CPU_MAX        4095 /* highest CPU or node number in cpus= */
#define DOMCFG_GRANT_FRAMES   64   /* grant table frames pvisor gives every domain */
#define DOMCFG_EVENT_CHANNELS 4096 /* ports of the 2-level event channel ABI */

enum domcfg_type {
	DOMCFG_TYPE_PV,
	DOMCFG_TYPE_HVM,
	DOMCFG_TYPE_PVH, /* a PV kernel in a hardware VM: the hvm engine, as hvm */
};

/* What to do when the guest powers off, reboots, ... (xl's action names). */
enum domcfg_action {
	DOMCFG_ACTION_DESTROY,
	DOMCFG_ACTION_RESTART,
	DOMCFG_ACTION_RENAME_RESTART,
	DOMCFG_ACTION_PRESERVE,
	DOMCFG_ACTION_COREDUMP_DESTROY,
	DOMCFG_ACTION_COREDUMP_RESTART,
	DOMCFG_ACTION_SOFT_RESET,
};

enum domcfg_tsc {
	DOMCFG_TSC_DEFAULT, /* tsc_mode = "default" */
	DOMCFG_TSC_NATIVE,  /* "native": what pvisor does anyway, said explicitly */
};

/* cpus= / cpus_soft=: one CPU list for every vCPU, or xl's per-vCPU list form
 * (["2", "3-8,^5"]: vCPU 0 on CPU 2, vCPU 1 on 3-8 but 5; later vCPUs: all).
 * Lists are kept as written and checked with domcfg_cpus_check. */
struct domcfg_affinity {
	char *all;   /* the one-string form, or NULL */
	char **vcpu; /* the list form: vcpu[i] for vCPU i < n */
	size_t n;
};

struct domcfg {
	char name[DOMCFG_NAME_MAX + 1];
	enum domcfg_type type;
	uint8_t uuid[16];    /* from uuid=, else a random version-4 uuid */
	int uuid_given;      /* 1 when uuid= was in the config */
	uint64_t memory_mib; /* target at boot */
	uint64_t maxmem_mib; /* >= memory_mib */
	unsigned vcpus;      /* online at boot, 1..maxvcpus */
	unsigned maxvcpus;   /* 1..DOMCFG_VCPUS_MAX */
	char *kernel;        /* as written (resolve with domcfg_path_resolve); NULL
				 * when bootloader= will find it */
	char *ramdisk;       /* NULL when absent */
	char *cmdline;       /* cmdline=, else root= and extra= combined; NULL if none */
	enum domcfg_action on_poweroff, on_reboot, on_watchdog, on_crash, on_soft_reset;
	unsigned cpu_weight;              /* 1..65535 */
	unsigned cap;                     /* % of one CPU, 0 = no cap, at most 100 * maxvcpus */
	struct domcfg_affinity cpus;      /* hard affinity (pinning); empty = all */
	struct domcfg_affinity cpus_soft; /* soft affinity: shown, not enforced */
	char *bootloader;                 /* bootloader=: the program that finds the kernel */
	char **bootloader_args;           /* bootloader_args=, each one argument */
	size_t n_bootloader_args;
	long long rtc_timeoffset; /* seconds added to the guest's wallclock */
	int localtime;            /* add the host's offset from UTC too */
	int nomigrate;            /* the domain may not be saved or migrated */
	enum domcfg_tsc tsc_mode;
	struct disk_spec *disks; /* disk = [...], parsed once (each with its text) */
	size_t n_disks;
	struct vif_spec *vifs; /* vif = [...], parsed once: a vif without mac= has the
				 * random MAC drawn here, kept for the domain's life */
	size_t n_vifs;
	char *config_file; /* the path the config was read from, as given */
	char *config_dir;  /* its directory, absolute */
};

/* Build and validate dc from a parsed config (overrides already applied).
 * Unknown keys and keys pvisor does not implement produce warnings, never
 * errors: warn(ctx, "<file>:<line>: warning: <what>") once each (warn may be
 * NULL; the library never prints). On success returns 0 and dc owns allocations (release with
 * domcfg_fini). On failure returns -EINVAL (bad or missing value), -ENOMEM or
 * -EIO (no randomness for the uuid or a MAC), explains "<file>:<line>: <key>:
 * <what>" in err and leaves dc empty (domcfg_fini is still safe). */
int domcfg_from_cfg(const struct cfg_file *cf, struct domcfg *dc,
		    void (*warn)(void *ctx, const char *msg), void *ctx, struct pvx_err *err);

/* Free what dc owns and zero it. */
void domcfg_fini(struct domcfg *dc);

/* The xl.cfg spelling of an action ("rename-restart"), or "?" if out of range. */
const char *domcfg_action_name(enum domcfg_action a);
/* The libxl/JSON spelling of an action ("restart_rename"), or "?". */
const char *domcfg_action_json_name(enum domcfg_action a);
/* Parse either spelling. 0 or -EINVAL. */
int domcfg_action_parse(const char *s, enum domcfg_action *out);
/* "pv" or "hvm". */
const char *domcfg_type_name(enum domcfg_type t);

/* Parse "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (hex, either case). 0 or -EINVAL. */
int domcfg_uuid_parse(const char *s, uint8_t uuid[16]);
/* Format as 36 lower-case characters plus NUL. */
void domcfg_uuid_format(const uint8_t uuid[16], char out[37]);
/* Fill with a random version-4 uuid. 0 or a negative errno from getrandom. */
int domcfg_uuid_generate(uint8_t uuid[16]);

/* The CPU list of vCPU `vcpu` under a: its own (list form), the common one, or
 * NULL for all CPUs. */
const char *domcfg_affinity_of(const struct domcfg_affinity *a, unsigned vcpu);

/* Check a cpus= affinity string: comma-separated items, each "all", N, N-M,
 * "nodes:"/"node:" followed by N or N-M, optionally preceded by '^' (exclude),
 * numbers at most DOMCFG_CPU_MAX. 0 or -EINVAL. */
int domcfg_cpus_check(const char *s);
/* Check a domain name: 1..DOMCFG_NAME_MAX of [A-Za-z0-9_.-], not all digits,
 * not "Domain-0". 0 or -EINVAL. */
int domcfg_name_check(const char *name);

/* A key xl.cfg(5) documents that pvisor does not implement (domcfg_xlkeys.c). */
enum domcfg_xlkey_kind {
	XK_ANY,     /* every value asks for something */
	XK_BOOL,    /* false asks for nothing */
	XK_BOOL_ON, /* true is what pvisor does anyway */
	XK_LIST,    /* an empty list asks for nothing */
	XK_NUM,     /* 0 asks for nothing */
	XK_STR,     /* the string `neutral` asks for nothing */
};
enum domcfg_xlkey_treat {
	XK_WARN,   /* ignored with "<key>: not supported by pvisor, ignored: <why>" */
	XK_REJECT, /* an error: "<key>: not supported by pvisor: <why>; remove it" */
};
struct domcfg_xlkey {
	const char *key;
	enum domcfg_xlkey_kind kind;
	enum domcfg_xlkey_treat treat;
	const char *neutral; /* XK_STR only */
	const char *why;     /* what pvisor does not have, in words */
};
/* The entry of key, or NULL (a key pvisor implements, or one xl does not know). */
const struct domcfg_xlkey *domcfg_xlkey_find(const char *key);
/* 1 when v asks for nothing pvisor lacks (accepted silently), else 0. */
int domcfg_xlkey_neutral(const struct domcfg_xlkey *k, const struct cfg_value *v);

/* A path from the config (kernel, ramdisk, disk image) made absolute against the
 * config file's directory. Returns a malloc'd string (caller frees) or NULL. */
char *domcfg_path_resolve(const struct domcfg *dc, const char *path);

/* dc as pretty-printed JSON (4-space indent, trailing newline):
 * {"domid": domid (null when domid < 0), "config": {c_info, b_info, disks,
 * nics, on_*}}. *out is malloc'd (caller frees). 0, -ENOMEM or -EIO. */
int domcfg_to_json(const struct domcfg *dc, int domid, char **out);

struct yajl_gen_t;
/* Write the same object into an existing yajl generator, e.g. as one element
 * of the array that `pvx list -l` prints. 0 or -EIO. */
int domcfg_json_gen(const struct domcfg *dc, int domid, struct yajl_gen_t *g);
/* Only the "config" object ({c_info, b_info, disks, nics, on_*}). 0 or -EIO. */
int domcfg_json_gen_config(const struct domcfg *dc, struct yajl_gen_t *g);
/* The same object left open, for a caller that adds keys and closes it. */
int domcfg_json_gen_config_open(const struct domcfg *dc, struct yajl_gen_t *g);

#endif
