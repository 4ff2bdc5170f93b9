/* The engine registry: the engines built into pvisor, and those registered at run
 * time, found by name when a domain is created. */
#include <pthread.h>
#include <string.h>

#include "engines/engine.h"
#include "engines/pv/pv_engine.h"
#include "pvisor/errno.h"

#define ENGINE_MAX 8

/* Built in; engines/hvm adds itself here. */
static const struct engine_ops *const engine_builtin[] = { &engine_pv };

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
	return 0;
}
