/*
 * api_error.c: the frame of the JSON API's errors (api_error.h).
 */
#include "api/api_error.h"

void api_error_open(req *r, json_writer *w, int status, const char *code)
{
	buf_reset(&r->out);
	http_status(r, status);
	http_content_type(r, "application/json");
	json_begin(w, &r->out);
	json_object_open(w);
	json_key(w, "error");
	json_object_open(w);
	json_key(w, "code");
	json_str(w, code);
}

void api_error_close(json_writer *w)
{
	json_object_close(w);
	json_object_close(w);
}
