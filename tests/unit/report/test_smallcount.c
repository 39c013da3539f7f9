/*
 * test_smallcount.c: the small-count rule on hand-made groups whose masks
 * are written out, then on every group of three cells from 0 to 12, where
 * the rule's two promises are checked: no shown count below 5, and when
 * the total is shown, the hidden cells sum to 5 or more (or none is
 * hidden).
 */
#include "unit.h"

#include "report/smallcount.h"

enum { S = SMALLCOUNT_SHOWN, L = SMALLCOUNT_SMALL, X = SMALLCOUNT_SECRET };

/* Masks cells (additive, total their sum unless total >= 0) and compares
 * with the expected states. */
static void check(const int64_t *cells, size_t n, int64_t total, int additive, const int *want,
                  int want_total)
{
	int state[16], ts = -1;
	if (total < 0) {
		total = 0;
		for (size_t i = 0; i < n; i++)
			total += cells[i];
	}
	smallcount_mask(total, &ts, cells, state, n, additive);
	for (size_t i = 0; i < n; i++)
		if (state[i] != want[i])
			fail_msg("cell %zu (%lld): state %d, expected %d", i, (long long)cells[i], state[i],
			         want[i]);
	assert_int_equal(ts, want_total);
}

static void test_cell(void **state)
{
	(void)state;
	assert_int_equal(smallcount_cell(0), L);
	assert_int_equal(smallcount_cell(4), L);
	assert_int_equal(smallcount_cell(5), S);
	assert_int_equal(smallcount_cell(123456), S);
}

static void test_text(void **state)
{
	(void)state;
	char t[24];
	assert_string_equal(smallcount_text(t, 1234, S), "1234");
	assert_string_equal(smallcount_text(t, 3, L), "<5");
	assert_string_equal(smallcount_text(t, 40, X), "s");
	assert_string_equal(smallcount_text(t, 0, S), "0");
	assert_string_equal(smallcount_text(t, INT64_MAX, S), "9223372036854775807");
}

static void test_hand_cases(void **state)
{
	(void)state;
	/* Nothing small: nothing hidden. */
	check((int64_t[]){10, 20, 30}, 3, -1, 1, (int[]){S, S, S}, S);
	/* One small cell alone would be total minus the others: the smallest
	 * other goes too. */
	check((int64_t[]){3, 20, 30}, 3, -1, 1, (int[]){L, X, S}, S);
	/* A zero is hidden like any small count, and protected the same way. */
	check((int64_t[]){0, 7, 30}, 3, -1, 1, (int[]){L, X, S}, S);
	/* Two small cells summing to 5 or more protect each other. */
	check((int64_t[]){3, 4, 30}, 3, -1, 1, (int[]){L, L, S}, S);
	/* Two small cells summing to less than 5 do not. */
	check((int64_t[]){1, 2, 30, 8}, 4, -1, 1, (int[]){L, L, S, X}, S);
	/* Ties take the first smallest cell. */
	check((int64_t[]){2, 9, 9}, 3, -1, 1, (int[]){L, X, S}, S);
	/* One secondary cell always suffices: a shown cell is 5 or more. */
	check((int64_t[]){0, 0, 0, 5, 6}, 5, -1, 1, (int[]){L, L, L, X, S}, S);
	/* No shown cell left: the total goes. */
	check((int64_t[]){1, 2}, 2, 8, 1, (int[]){L, L}, X);
	/* A total below 5 is small, and so is every cell. */
	check((int64_t[]){1, 3, 0}, 3, -1, 1, (int[]){L, L, L}, L);
	check((int64_t[]){0, 0}, 2, -1, 1, (int[]){L, L}, L);
	/* The smallest shown cell is hidden; exactly 5 hidden is enough. */
	check((int64_t[]){5, 0, 9}, 3, -1, 1, (int[]){X, L, S}, S);
	check((int64_t[]){4, 1, 9}, 3, -1, 1, (int[]){L, L, S}, S);
	/* Not additive: each cell on its own, the total too. */
	check((int64_t[]){3, 20, 30}, 3, 40, 0, (int[]){L, S, S}, S);
	check((int64_t[]){3, 2}, 2, 4, 0, (int[]){L, L}, L);
	/* An empty group. */
	check(NULL, 0, 0, 1, (int[]){0}, L);
	check(NULL, 0, 12, 1, (int[]){0}, S);
	/* A single cell equal to its total: shown, or both small. */
	check((int64_t[]){12}, 1, -1, 1, (int[]){S}, S);
	check((int64_t[]){2}, 1, -1, 1, (int[]){L}, L);
}

/* Every group of three cells from 0 to 12 (and their sum as the total). */
static void test_property(void **state)
{
	(void)state;
	const int MAX = 12;
	for (int a = 0; a <= MAX; a++)
		for (int b = 0; b <= MAX; b++)
			for (int c = 0; c <= MAX; c++) {
				int64_t cells[3] = {a, b, c}, total = a + b + c, hidden = 0;
				int st[3], ts;
				smallcount_mask(total, &ts, cells, st, 3, 1);
				size_t nhidden = 0;
				for (int i = 0; i < 3; i++) {
					if (st[i] == S && cells[i] < SMALLCOUNT_MIN)
						fail_msg("%d %d %d: cell %d shown below 5", a, b, c, i);
					if (st[i] == L && cells[i] >= SMALLCOUNT_MIN)
						fail_msg("%d %d %d: cell %d marked small", a, b, c, i);
					if (st[i] != S) {
						hidden += cells[i];
						nhidden++;
					}
				}
				if (ts == S && total < SMALLCOUNT_MIN)
					fail_msg("%d %d %d: total shown below 5", a, b, c);
				if (ts == S && nhidden > 0 && hidden < SMALLCOUNT_MIN)
					fail_msg("%d %d %d: hidden sum %lld recoverable", a, b, c,
					         (long long)hidden);
				/* Cells adding up to their total never need the total hidden. */
				if (total >= SMALLCOUNT_MIN && ts != S)
					fail_msg("%d %d %d: total hidden", a, b, c);
				/* A secondary cell is hidden only when the small ones sum
				 * to less than 5, and then one suffices. */
				int64_t small = 0;
				int nsmall = 0, nsecret = 0;
				for (int i = 0; i < 3; i++) {
					nsmall += st[i] == L;
					small += st[i] == L ? cells[i] : 0;
					nsecret += st[i] == X;
				}
				int needed = nsmall > 0 && small < SMALLCOUNT_MIN && total >= SMALLCOUNT_MIN;
				if (nsecret != needed)
					fail_msg("%d %d %d: %d secondary cells, expected %d", a, b, c,
					         nsecret, needed);
			}
}

/* Non-additive groups over the same range: each cell judged alone. */
static void test_property_not_additive(void **state)
{
	(void)state;
	for (int a = 0; a <= 12; a++)
		for (int b = 0; b <= 12; b++) {
			int64_t cells[2] = {a, b};
			int st[2], ts;
			smallcount_mask(a + b, &ts, cells, st, 2, 0);
			assert_int_equal(st[0], smallcount_cell(a));
			assert_int_equal(st[1], smallcount_cell(b));
			assert_int_equal(ts, smallcount_cell(a + b));
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cell),
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_hand_cases),
	    cmocka_unit_test(test_property),
	    cmocka_unit_test(test_property_not_additive),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
