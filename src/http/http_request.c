/*
 * http_request.c: the request's headers, read from libmicrohttpd's
 * connection (the other accessors, pure, are in http_parse.c). Apart from
 * http.c so that the response (http_response.c) reads them without
 * depending on the server's request life.
 */
#include <microhttpd.h>

#include "http/http.h"
#include "http/server.h"

const char *http_header(const req *r, const char *name)
{
	const struct request *q = r->priv;
	if (!q || !q->conn || !name)
		return NULL;
	return MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, name);
}
