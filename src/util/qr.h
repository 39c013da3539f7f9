/*
 * qr.h: QR codes (ISO/IEC 18004) for the short addresses printed on
 * posters and tickets, encoded by libqrencode: byte mode, error-correction
 * level M, the smallest of versions 1 to 10 that holds the data; and an SVG
 * writer. A qr_code is a plain value: nothing to free.
 */
#ifndef GUICHET_QR_H
#define GUICHET_QR_H

#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

/* Version 10 (57 × 57 modules) holds 213 bytes at level M, more than twice
 * the longest public address. */
#define QR_MAX_VERSION 10
#define QR_MAX_SIZE (17 + 4 * QR_MAX_VERSION)

typedef struct qr_code {
	int version; /* 1 … QR_MAX_VERSION */
	int size;    /* 17 + 4 × version modules on a side */
	/* dark[y][x] is 1 for a dark module; only size × size is used. */
	unsigned char dark[QR_MAX_SIZE][QR_MAX_SIZE];
} qr_code;

/* Encodes len bytes (UTF-8 text is written as its bytes) into out: 0, or
 * -1 when there are none or they do not fit in version QR_MAX_VERSION at
 * level M. */
int qr_encode(const char *data, size_t len, qr_code *out);

/* An SVG of the code with a quiet zone of 4 modules, one unit per module
 * (the page sizes it with CSS), black on white, role="img" named by title. */
void qr_svg(const qr_code *q, buf *out, const char *title);

#endif
