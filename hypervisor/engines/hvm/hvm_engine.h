/* The hvm engine as the registry sees it (engines/engine.c): registered at start-up
 * only where /dev/kvm works. */
#ifndef PV_ENGINE_HVM_ENGINE_H
#define PV_ENGINE_HVM_ENGINE_H

#include "engines/engine.h"

extern const struct engine_ops engine_hvm;

#endif
