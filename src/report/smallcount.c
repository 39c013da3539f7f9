/*
 * smallcount.c: the rule of published statistics (smallcount.h): counts
 * below 5 are written "<5", and in a group of cells adding up to a shown
 * total, further cells are hidden until the hidden ones cannot be recovered
 * by subtraction (primary and secondary suppression).
 */
#include <inttypes.h>
#include <stdio.h>

#include "report/smallcount.h"

int smallcount_cell(int64_t n)
{
	return n < SMALLCOUNT_MIN ? SMALLCOUNT_SMALL : SMALLCOUNT_SHOWN;
}

/* The smallest shown cell, or n when none is left. On a tie the first one
 * is taken, so that the same group is always masked the same way. */
static size_t smallest_shown(const int64_t *cells, const int *state, size_t n)
{
	size_t best = n;
	for (size_t i = 0; i < n; i++)
		if (state[i] == SMALLCOUNT_SHOWN && (best == n || cells[i] < cells[best]))
			best = i;
	return best;
}

void smallcount_mask(int64_t total, int *total_state, const int64_t *cells, int *state, size_t n,
                     int additive)
{
	int64_t hidden = 0;
	size_t nhidden = 0;
	for (size_t i = 0; i < n; i++) {
		state[i] = smallcount_cell(cells[i]);
		if (state[i] != SMALLCOUNT_SHOWN) {
			hidden += cells[i];
			nhidden++;
		}
	}
	*total_state = smallcount_cell(total);
	/* Without a sum to subtract from, or with a total below 5 (then every
	 * cell, being at most the total, is small already), each cell stands
	 * alone. */
	if (!additive || *total_state != SMALLCOUNT_SHOWN)
		return;
	/* A hidden sum below 5 would let the reader subtract the shown cells
	 * from the total and learn it: one hidden cell exactly, several within
	 * a range narrower than the rule allows. */
	while (nhidden > 0 && hidden < SMALLCOUNT_MIN) {
		size_t i = smallest_shown(cells, state, n);
		if (i == n) {
			/* Nothing left to hide but the total itself. */
			*total_state = SMALLCOUNT_SECRET;
			return;
		}
		state[i] = SMALLCOUNT_SECRET;
		hidden += cells[i];
		nhidden++;
	}
}

const char *smallcount_text(char out[24], int64_t n, int state)
{
	if (state == SMALLCOUNT_SMALL)
		snprintf(out, 24, "<%d", SMALLCOUNT_MIN);
	else if (state == SMALLCOUNT_SECRET)
		snprintf(out, 24, "s");
	else
		snprintf(out, 24, "%" PRId64, n);
	return out;
}
