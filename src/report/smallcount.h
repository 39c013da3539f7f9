/*
 * smallcount.h: the rule of published statistics. A count from 0 to 4 is
 * never shown: it is written "<5" (SMALL). Where cells add up to a shown
 * total, the hidden cells must not be recoverable by subtraction: if the
 * cells hidden in a group sum to less than 5 (one hidden cell, or several
 * small ones), the smallest shown cells are hidden too (SECRET, written
 * "s") until they sum to 5 or more; if no cell is left, the total is
 * hidden. A zero is hidden like any small count, since writing it would
 * tell the reader the other hidden cells' sum.
 */
#ifndef GUICHET_SMALLCOUNT_H
#define GUICHET_SMALLCOUNT_H

#include <stddef.h>
#include <stdint.h>

#define SMALLCOUNT_MIN 5
enum { SMALLCOUNT_SHOWN = 0, SMALLCOUNT_SMALL = 1, SMALLCOUNT_SECRET = 2 };

/* One cell on its own (no total): SHOWN or SMALL. */
int smallcount_cell(int64_t n);
/* A group of n cells that add up to total (additive); fills state[i] and
 * *total_state. With additive 0 (cells that overlap, like a visit in
 * several publics), each cell and the total are judged on their own. */
void smallcount_mask(int64_t total, int *total_state, const int64_t *cells, int *state, size_t n, int additive);
/* The text of a cell: the number, "<5" or "s". */
const char *smallcount_text(char out[24], int64_t n, int state);

#endif
