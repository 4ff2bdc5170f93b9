/* The pv engine as the registry sees it (engines/engine.c). */
#ifndef PV_ENGINE_PV_ENGINE_H
#define PV_ENGINE_PV_ENGINE_H

#include "engines/engine.h"

extern const struct engine_ops engine_pv;

#endif
