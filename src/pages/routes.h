/* routes.h: the route table of the web server. */
#ifndef GUICHET_ROUTES_H
#define GUICHET_ROUTES_H

#include <stddef.h>

#include "http/http.h"

const http_route *routes_table(size_t *n);
/* The routes of the metrics-listen address: /metrics and /healthz. */
const http_route *routes_metrics_table(size_t *n);

#endif
