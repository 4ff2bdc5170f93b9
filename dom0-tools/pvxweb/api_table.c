/* The API's routes (docs/API.md describes each). */
#include "api.h"

const struct api_route api_routes[] = {
	{ API_GET, "host", api_host_get },
	{ API_GET, "templates", api_templates_get },
	{ API_GET, "domains", api_domains_list },
	{ API_POST, "domains", api_domain_create },
	{ API_POST, "domains/restore", api_domain_restore },
	{ API_GET, "domains/:dom", api_domain_get },
	{ API_GET, "domains/:dom/devices", api_domain_devices },
	{ API_GET, "domains/:dom/counters", api_domain_counters },
	{ API_POST, "domains/:dom/pause", api_domain_pause },
	{ API_POST, "domains/:dom/unpause", api_domain_unpause },
	{ API_POST, "domains/:dom/shutdown", api_domain_shutdown },
	{ API_POST, "domains/:dom/reboot", api_domain_reboot },
	{ API_POST, "domains/:dom/destroy", api_domain_destroy },
	{ API_POST, "domains/:dom/save", api_domain_save },
	{ API_POST, "domains/:dom/migrate", api_domain_migrate },
	{ API_GET, NULL, NULL },
};
