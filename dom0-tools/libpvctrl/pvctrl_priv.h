/* libpvctrl internals shared by its source files. */
#ifndef PV_PVCTRL_PRIV_H
#define PV_PVCTRL_PRIV_H

#include <stdint.h>

struct pvctrl {
	int fd;
	uint32_t seq;
};

struct pvctrl_slot;
/* A slot's done: the descriptor passed with the answer goes to *(int *)out. */
void pvctrl_slot_take_fd(struct pvctrl_slot *s, void *out);

#endif
