/* The pv engine's private interface between its files. */
#ifndef PV_ENGINE_PV_H
#define PV_ENGINE_PV_H

#include "core/hv.h"

/* The reaper (pv_reaper.c): one thread waiting on every domain process's pidfd. */
int reaper_start(void);
int reaper_watch(struct domain *d);

#endif
