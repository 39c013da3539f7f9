/*
 * qr.h: a QR code encoder (ISO/IEC 18004) for the short addresses printed
 * on the satisfaction poster: byte mode, error-correction level M, the
 * smallest of versions 1 to 10 that holds the data, and an SVG writer.
 * Nothing is allocated; a qr_code is a plain value.
 */
#ifndef GUICHET_QR_H
#define GUICHET_QR_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Version 10 (57 × 57 modules) holds 213 bytes at level M, more than twice
 * the longest public address. */
#define QR_MAX_VERSION 10
#define QR_MAX_SIZE (17 + 4 * QR_MAX_VERSION)

typedef struct qr_code {
	int version; /* 1 … QR_MAX_VERSION */
	int size;    /* 17 + 4 × version modules on a side */
	int mask;    /* 0 … 7, the mask pattern with the lowest penalty */
	/* dark[y][x] is 1 for a dark module; only size × size is used. */
	unsigned char dark[QR_MAX_SIZE][QR_MAX_SIZE];
} qr_code;

/* Encodes len bytes (UTF-8 text is written as its bytes) into out: 0, or
 * -1 when they do not fit in version QR_MAX_VERSION at level M. */
int qr_encode(const char *data, size_t len, qr_code *out);

/* An SVG of the code with a quiet zone of 4 modules, one unit per module
 * (the page sizes it with CSS), black on white, role="img" named by title. */
void qr_svg(const qr_code *q, buf *out, const char *title);

/* The pieces of the encoder, exposed for the unit tests. */
/* The number of data bytes version holds at level M in byte mode; 0 for
 * a version out of range. */
size_t qr_capacity(int version);
/* Multiplication in GF(256) modulo x^8 + x^4 + x^3 + x^2 + 1 (0x11D). */
uint8_t qr_gf_mul(uint8_t a, uint8_t b);
/* α^e and the logarithm of a non-zero element (α = 2). */
uint8_t qr_gf_exp(int e);
int qr_gf_log(uint8_t v);
/* The Reed–Solomon generator of degree n (1 … 30): gen[0] = 1 is the
 * coefficient of x^n, gen[n] the constant term. */
void qr_rs_generator(int n, uint8_t *gen);
/* The n error-correction codewords of len data codewords into ec. */
void qr_rs_ec(const uint8_t *data, size_t len, int n, uint8_t *ec);
/* The 15 format bits of level M with mask (already XORed with 0x5412). */
unsigned qr_format_bits(int mask);
/* The 18 version bits of version (7 and above). */
uint32_t qr_version_bits(int version);

#endif
