/*
 * api_error.h: the shape of every error the JSON API answers (docs/api.md):
 * {"error":{"code":…,"message":…[, more members]}} with its HTTP status.
 */
#ifndef GUICHET_API_ERROR_H
#define GUICHET_API_ERROR_H

#include "http/http.h"
#include "util/json.h"

/* Replaces the answer with the status and {"error":{"code":code, leaving
 * the inner object open for "message" and what the handler adds. */
void api_error_open(req *r, json_writer *w, int status, const char *code);
/* Closes the two objects api_error_open opened. */
void api_error_close(json_writer *w);
/* The whole error: status, code, the message msgid in the request's
 * language, and "field" when field is not NULL. Returns 0. */
int api_error_answer(req *r, int status, const char *code, const char *msgid, const char *field);
/* 503 with Retry-After: the store cannot be reached; the request may be
 * sent again as it is. */
int api_error_unavailable(req *r);
/* 500 server_error, "try again in a moment". Returns 0. */
int api_error_server(req *r);
/* 1 when the request's bearer token is valid; otherwise answers 401
 * unauthorized (with WWW-Authenticate), or 503 unavailable (with
 * Retry-After) when the store could not check it, and returns 0. */
int api_require_token(req *r);

#endif
