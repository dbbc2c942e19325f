/*
 * money.h - exact conversion between decimal yuan text and int64 fen
 * (rule M1). Never uses floating point.
 */
#ifndef VOUCHER_MONEY_H
#define VOUCHER_MONEY_H

#include <stddef.h>
#include <stdint.h>

/* Largest amount accepted anywhere: 10^13 fen (100 billion CNY). */
#define MONEY_MAX_FEN 10000000000000LL

/* Parses len bytes of s as non-negative yuan: digits, optionally '.' and
 * one or two digits ("12", "12.3", "12.34"). No sign, no spaces, no
 * exponent, no thousands separators, no leading '.', at most MONEY_MAX_FEN.
 * Returns 0 and sets *fen, or -1 (leaving *fen untouched). */
int money_parse_yuan(const char *s, size_t len, int64_t *fen);

/* Writes fen as yuan with two decimals ("1234.50", "-0.01") into buf of
 * size n, NUL-terminated. Returns the length written, or -1 if n is too
 * small. Handles INT64_MIN. */
int money_format_yuan(int64_t fen, char *buf, size_t n);

#endif
