/* Exact integer and DECIMAL helpers shared by casts, arithmetic and aggregates (scaled int128 values). */
#ifndef CAIRN_EXEC_NUMERIC_H
#define CAIRN_EXEC_NUMERIC_H

#include <stdbool.h>

#include "types/datatype.h"

/* a / b rounded half away from zero (b != 0). */
int128_t i128_div_round(int128_t a, int128_t b);
/* v * 10^k; false on int128 overflow. */
bool i128_mul_pow10(int128_t v, int k, int128_t *out);
/* Changes the scale of a decimal value, rounding half away from zero when it shrinks; false on overflow. */
bool decimal_rescale(int128_t v, int from_scale, int to_scale, int128_t *out);
/* |v| < 10^precision */
bool decimal_fits(int128_t v, int precision);
double decimal_to_double(int128_t v, int scale);

#endif
