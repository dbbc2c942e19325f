/*
 * clock.h - the injectable clock (rule T2) and time formats (rule T1).
 *
 * clock_now() returns the real UTC time unless VOUCHER_CLOCK_FILE is set:
 * then it reads the file at every call; the file holds one ISO-8601 UTC
 * instant ("2024-03-01T08:00:00Z"). Production never sets it. A missing or
 * unreadable file falls back to the real clock (and logs nothing: callers
 * may call this per request).
 */
#ifndef VOUCHER_CLOCK_H
#define VOUCHER_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define CLOCK_SHANGHAI_OFFSET (8 * 3600)   /* UTC+8, no DST (T1) */

/* Sets the clock file path (NULL: real clock). Called once at start-up
 * from config; not thread-safe against concurrent clock_now(). */
void clock_set_file(const char *path);

/* "now" as UTC seconds: real, or from the clock file. Thread-safe. */
time_t clock_now(void);

/* Parses "YYYY-MM-DDTHH:MM:SSZ" (also accepts a space for 'T', optional
 * fractional seconds ".ffffff" which are dropped, and "+00:00" for 'Z').
 * Validates field ranges (month days, leap years). Returns 0 or -1. */
int clock_parse_iso8601(const char *s, time_t *out);

/* Formats t as "YYYY-MM-DDTHH:MM:SSZ" into buf (>= 21 bytes). */
void clock_format_iso8601(time_t t, char buf[21]);

/* Formats t as "YYYY-MM-DD HH:MM:SS" UTC (for SQL DATETIME params), buf >= 20. */
void clock_format_sql(time_t t, char buf[20]);

/* Parses a calendar date "YYYY-MM-DD" (strictly, real dates only, year
 * 1970..9999). Returns 0 and sets *y, *m, *d, or -1. */
int clock_parse_date(const char *s, int *y, int *m, int *d);

/* Days since 1970-01-01 of a calendar date (proleptic Gregorian). */
long clock_days_from_civil(int y, int m, int d);

/* The Asia/Shanghai calendar date of instant t (T1). */
void clock_shanghai_date(time_t t, int *y, int *m, int *d);

/* The Asia/Shanghai calendar year of instant t (T1: "year" of an order). */
int clock_shanghai_year(time_t t);

#endif
