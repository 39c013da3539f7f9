/*
 * embedded.h: files compiled into the binary (migrations, translations,
 * static assets), generated from sql/, po/ and static/ by tools/embed.sh.
 */
#ifndef GUICHET_EMBEDDED_H
#define GUICHET_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name; /* path relative to the repository: "sql/001_foundation.sql" */
	const unsigned char *data; /* NUL-terminated */
	size_t len;
};

extern const struct embedded_file embedded_files[];
extern const size_t embedded_count;

/* Finds a file by name; NULL when absent. */
const struct embedded_file *embedded_find(const char *name);

#endif
