/* The engine registry: the engines built into pvisor, and those registered at run
 * time, found by name when a domain is created. */
#include <pthread.h>
#include <string.h>

#include "engines/engine.h"
#include "engines/hvm/hvm_engine.h"
#include "engines/pv/pv_engine.h"
#include "log.h"
#include "pvisor/errno.h"

#define ENGINE_MAX 8

/* Built in, always there: one that cannot start stops the daemon. */
static const struct engine_ops *const engine_builtin[] = { &engine_pv };
/* Built in, registered at start-up only where their init succeeds -- the host has what
 * they need (hvm: a working /dev/kvm); their domains are refused otherwise. */
static const struct engine_ops *const engine_optional[] = { &engine_hvm };

static const struct engine_ops *engine_extra[ENGINE_MAX];
static pthread_mutex_t engine_lock = PTHREAD_MUTEX_INITIALIZER;

const struct engine_ops *engine_find(const char *name)
{
	const struct engine_ops *found = NULL;

	for (size_t i = 0; i < sizeof(engine_builtin) / sizeof(engine_builtin[0]); i++)
		if (strcmp(engine_builtin[i]->name, name) == 0)
			return engine_builtin[i];
	pthread_mutex_lock(&engine_lock);
	for (unsigned i = 0; i < ENGINE_MAX && !found; i++)
		if (engine_extra[i] && strcmp(engine_extra[i]->name, name) == 0)
			found = engine_extra[i];
	pthread_mutex_unlock(&engine_lock);
	return found;
}

int engine_register(const struct engine_ops *ops)
{
	int rc = -PV_ENOSPC;

	if (engine_find(ops->name))
		return -PV_EEXIST;
	pthread_mutex_lock(&engine_lock);
	for (unsigned i = 0; i < ENGINE_MAX && rc; i++)
		if (!engine_extra[i]) {
			engine_extra[i] = ops;
			rc = 0;
		}
	pthread_mutex_unlock(&engine_lock);
	return rc;
}

int engines_init(const char **name)
{
	for (size_t i = 0; i < sizeof(engine_builtin) / sizeof(engine_builtin[0]); i++) {
		const struct engine_ops *e = engine_builtin[i];
		int rc = e->init ? e->init() : 0;

		if (rc) {
			*name = e->name;
			return rc;
		}
	}
	for (size_t i = 0; i < sizeof(engine_optional) / sizeof(engine_optional[0]); i++) {
		const struct engine_ops *e = engine_optional[i];

		if ((!e->init || e->init() == 0) && engine_register(e) != 0)
			log_warnx("%s engine: cannot register it", e->name);
	}
	return 0;
}

void engines_fini(void)
{
	for (size_t i = 0; i < sizeof(engine_builtin) / sizeof(engine_builtin[0]); i++)
		if (engine_builtin[i]->fini)
			engine_builtin[i]->fini();
	pthread_mutex_lock(&engine_lock);
	for (unsigned i = 0; i < ENGINE_MAX; i++)
		if (engine_extra[i] && engine_extra[i]->fini)
			engine_extra[i]->fini();
	pthread_mutex_unlock(&engine_lock);
}
