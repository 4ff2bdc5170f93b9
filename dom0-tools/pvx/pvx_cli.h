/* pvx: the xl-style command line. Shared pieces of the subcommands. */
#ifndef PV_PVX_CLI_H
#define PV_PVX_CLI_H

#include "libpvx/pvx.h"
#include "pvstart/pvstart.h"

struct pvx_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;
	const char *help;
};

/* Print "pvx: <msg>" on stderr. Returns 1 (the exit status of a failed command). */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
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
/* Shuttle stdin/stdout and the console until detach (Ctrl-]), the domain stops or
 * pvconsoled lets go; closes fd. When stdin (not a terminal) ends: follow = 0 stops
 * once the guest is quiet, follow = 1 goes on until the domain stops. Returns 0. */
int cli_console_run(struct pvctrl *h, pv_domid_t domid, int fd, int follow);

/* Run op on the one DOMAIN argument; prints errors; returns the exit status. */
int cli_domain_op(int argc, char **argv, const char *verb,
		  int (*op)(struct pvctrl *h, pv_domid_t id));

int cmd_create(int argc, char **argv);
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

#endif
