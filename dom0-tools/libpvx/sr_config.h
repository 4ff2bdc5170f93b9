/* Save images' config (sr_config.c): the JSON in xl's header, and the domain config
 * a restore builds from it (or from a CFG given instead) and the overrides. */
#ifndef PV_LIBPVX_SR_CONFIG_H
#define PV_LIBPVX_SR_CONFIG_H

#include "libpvx/domcfg.h"
#include "libpvx/pvx_err.h"

/* The JSON for an image of the domain configured by text (read from file): xl's
 * shape plus {"pvisor": {"config_file", "config"}}. *json malloc'ed; engine (16
 * bytes) gets the engine its type runs on ("pv", "hvm"). 0 or -errno. */
int sr_config_json(const char *text, const char *file, char **json, char *engine,
		   struct pvx_err *err);
/* The engine a config's type runs on. */
const char *sr_config_engine(const struct domcfg *dc);

/* The config of a restore: the image's (json), or the file cfg_path when given,
 * then the n key=value overrides. Another name than the image's draws a new uuid
 * unless uuid= is among the overrides. Fills dc (domcfg_fini it), *text (the
 * config as it ends up, for the run directory) and *file (its path: relative
 * paths in it resolve against its folder). 0 or -errno with err set. */
int sr_config_load(const char *json, const char *cfg_path, char *const *overrides, int n,
		   struct domcfg *dc, char **text, char **file, struct pvx_err *err);

#endif
