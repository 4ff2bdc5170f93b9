/* libpvctrl internals shared by its source files. */
#ifndef PV_PVCTRL_PRIV_H
#define PV_PVCTRL_PRIV_H

#include <stdint.h>

struct pvctrl {
	int fd;
	uint32_t seq;
};

#endif
