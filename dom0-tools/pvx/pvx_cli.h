/* pvx: the xl-style command line. Shared pieces of the subcommands. */
#ifndef PV_PVX_CLI_H
#define PV_PVX_CLI_H

#include <yajl/yajl_gen.h>

#include "libpvx/pvx.h"
#include "pvstart/pvstart.h"

#define CLI_DRYRUN 1u /* the verb honours the global -N (xl's can_dryrun) */

/* One verb of the command table (cli_table.c). fn gets argv[0] = the verb's full
 * name, getopt's optind reset; returns the exit status (0, 1 failure, 2 usage). */
struct pvx_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	unsigned flags;      /* CLI_* */
	const char *args;    /* usage after the name */
	const char *summary; /* one line for `pvx help` */
	const char *help;    /* what `pvx help NAME` adds */
};

/* xl's global options: -v (count), -f, -N. */
struct cli_globals {
	int verbose;
	int force;
	int dryrun;
};
extern struct cli_globals cli;

/* The verb called name or the only one it is a prefix of; NULL (with *ambiguous
 * set when several match) otherwise. */
const struct pvx_cmd *cli_find(const char *name, int *ambiguous);
/* Usage and help of cmd on stdout (NULL: every verb, one line each). 0, or 1 for
 * an unknown verb. */
int cli_help_of(const char *cmd);

/* Print "pvx: <msg>" on stderr. Returns 1 (the exit status of a failed command). */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "pvx: <msg>" on stderr when -v was given at least `level` times. */
void cli_note(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Connect, starting the daemons when needed; exits with a message on failure. */
struct pvctrl *cli_connect(void);
/* Open the store, starting the daemons when needed; exits with a message on
 * failure. */
struct xs_handle *cli_store(void);
/* A domain given by name or id; exits with a message when there is none. */
pv_domid_t cli_domain(struct pvctrl *h, const char *spec);
/* Print a command's usage line and return 2. */
int cli_usage(const char *cmd);

/* Attach to domid's console through pvconsoled, waiting up to wait_s seconds for
 * a domain that is still starting: the socket, or -errno after printing why. */
int cli_console_attach(struct pvctrl *h, pv_domid_t domid, int wait_s);
/* Ask for the console of a domain being created, handing pvconsoled its ring and
 * port (so it serves the console before the store has them), without waiting for
 * the answer: the socket, or -errno with why in err. Prints nothing. */
int cli_console_ask_ring(pv_domid_t domid, const char *name, uint64_t gfn, uint32_t port,
			 char *err, size_t errlen);
/* pvconsoled's answer on fd: fd, positioned at the console's output ("ok"), or
 * -errno with the daemon's words in err (-EAGAIN: "wait"); fd is closed then. */
int cli_console_answer(int fd, char *err, size_t errlen);
/* Shuttle stdin/stdout and the console until detach (Ctrl-]), the domain stops or
 * pvconsoled lets go; closes fd. When stdin (not a terminal) ends: follow = 0 stops
 * once the guest is quiet, follow = 1 goes on until the domain stops. Returns 0. */
int cli_console_run(struct pvctrl *h, pv_domid_t domid, int fd, int follow);

struct xs_handle;
struct cfg_file;
/* Parse file, apply the n KEY=VALUE overrides and build dc, printing warnings
 * ("pvx: <file>:<line>: warning: ...") and, on failure, the error. *cf stays
 * (the caller frees it with cfg_free, and dc with domcfg_fini). 0 or -errno. */
int cli_config_load(const char *file, char **overrides, int n, struct cfg_file **cf,
		    struct domcfg *dc);
/* dc as xl's dry-run JSON on stdout ({"domid": null, "config": ...}). 0, or 1 after
 * printing why not. */
int cli_config_print(const struct domcfg *dc);
/* A config given instead of the kept one (save CFG, migrate -C): file's text as
 * parsed and written out again (*text) and its absolute path (*path, NULL if
 * realpath fails), both malloc'ed; 0, or 1 after saying why (verb: first word). */
int cli_config_text(const char *verb, const char *file, char **text, char **path);
/* pvx mem-set / mem-max: DOMAIN SIZE parsed, op called with KiB; the exit status. */
int cli_mem_op(int argc, char **argv,
	       int (*op)(struct pvctrl *h, struct xs_handle *xs, pv_domid_t id, uint64_t kb,
			 struct pvx_err *err));

/* The domains a listing verb shows (cli_domset.c): all (Domain-0 too) when argc is
 * 0, else those named (by name or id; "0" / "Domain-0" sets dom0), in id order.
 * Exits with a message for a name that matches none. */
struct cli_domset {
	struct pv_privcmd_domext *e;
	int n;
	int dom0; /* show the host's line too */
};
void cli_domset_get(struct pvctrl *h, int argc, char **argv, struct cli_domset *s);
void cli_domset_free(struct cli_domset *s);

/* JSON output (cli_json.c). open: a generator set up as xl prints JSON (exits
 * without memory); close: print it with a newline and free it (the exit status). */
yajl_gen cli_json_open(void);
int cli_json_close(yajl_gen g);
void cli_json_str(yajl_gen g, const char *s);
void cli_json_kstr(yajl_gen g, const char *key, const char *value); /* NULL: null */
void cli_json_kint(yajl_gen g, const char *key, long long value);
void cli_json_kdouble(yajl_gen g, const char *key, double value); /* 3 decimals */
void cli_json_kbool(yajl_gen g, const char *key, int value);

/* Run op on the one DOMAIN argument; prints errors; returns the exit status. */
int cli_domain_op(int argc, char **argv, const char *verb,
		  int (*op)(struct pvctrl *h, pv_domid_t id));

/* Save/restore progress (cli_progress.c): a bar on stderr when it is a terminal
 * (and not --json), the figures as JSON on stdout. */
struct cli_progress {
	const char *verb;
	int tty, drawn;
	uint64_t last_ns;
	enum pvx_sr_phase last_phase;
};
void cli_progress_init(struct cli_progress *p, const char *verb, int json);
void cli_progress_cb(void *ctx, const struct pvx_sr_report *r);
void cli_progress_end(struct cli_progress *p, const struct pvx_sr_report *r, int ok);
void cli_progress_json(const char *op, const char *name, pv_domid_t domid, const char *file,
		       const struct pvx_sr_report *r);

int cmd_create(int argc, char **argv);
int cmd_save(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_dump_core(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_migrate_receive(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_destroy(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_unpause(int argc, char **argv);
int cmd_shutdown(int argc, char **argv);
int cmd_reboot(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_dmesg(int argc, char **argv);
int cmd_domid(int argc, char **argv);
int cmd_domname(int argc, char **argv);
int cmd_daemons(int argc, char **argv);
int cmd_block_attach(int argc, char **argv);
int cmd_block_detach(int argc, char **argv);
int cmd_block_list(int argc, char **argv);
int cmd_image(int argc, char **argv);
int cmd_network_attach(int argc, char **argv);
int cmd_network_detach(int argc, char **argv);
int cmd_network_list(int argc, char **argv);
int cmd_console(int argc, char **argv);
int cmd_mem_set(int argc, char **argv);
int cmd_mem_max(int argc, char **argv);
int cmd_uptime(int argc, char **argv);
int cmd_rename(int argc, char **argv);
int cmd_sysrq(int argc, char **argv);
int cmd_config_update(int argc, char **argv);
int cmd_vcpu_set(int argc, char **argv);
int cmd_vcpu_list(int argc, char **argv);
int cmd_vcpu_pin(int argc, char **argv);
int cmd_sched_credit(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_web(int argc, char **argv);
int cmd_trace(int argc, char **argv);
/* pvx trace report (trace_report.c). */
int trace_report(int argc, char **argv);

#endif
