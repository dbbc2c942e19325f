/*
 * clock.c - the injectable clock (rule T2) and the time formats of rule
 * T1 (see clock.h).
 *
 * clock_now() reads the clock file, when one is set, at every call with
 * open/read/close into a stack buffer: no static buffer, no lock, so any
 * thread may call it. Calendar arithmetic is done with integers (Howard
 * Hinnant's days_from_civil / civil_from_days): no libc time-zone
 * function, so nothing depends on TZ. Asia/Shanghai is UTC+8 without DST.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

_Static_assert(sizeof(time_t) == sizeof(int64_t), "time_t must be 64-bit");

#define CLOCK_DAY_SECONDS	86400
#define CLOCK_FILE_MAX		64	/* longest clock file content read */
#define CLOCK_FRAC_MAX		9	/* nanoseconds: the finest accepted */

/*
 * Instants are converted to civil time only within years 0000..9999;
 * outside that range they are clamped (no instant this system handles is
 * anywhere near, but a garbage time_t must not overflow the arithmetic).
 * Days from 1970-01-01 of 0000-01-01 and 9999-12-31.
 */
#define CLOCK_DAYS_MIN		(-719528L)
#define CLOCK_DAYS_MAX		2932896L

/* The clock file path (owned here), or NULL for the real clock. */
static char *clock_file;

/* T2 */
void
clock_set_file(const char *path)
{
	free(clock_file);
	clock_file = NULL;
	if (path != NULL && path[0] != '\0')
		clock_file = strdup(path);	/* NULL on ENOMEM: real clock */
}

/*
 * T2: reads the instant in path into *out. The content may end in
 * white space (a trailing newline). Returns 0, or -1 when the file is
 * missing, unreadable, too long or malformed.
 */
static int
clock_read_file(const char *path, time_t *out)
{
	char	 buf[CLOCK_FILE_MAX + 1];
	size_t	 len;
	ssize_t	 r = 0;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	len = 0;
	while (len < sizeof(buf) - 1) {
		r = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (r == -1 || len == sizeof(buf) - 1)
		return -1;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
	    buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	buf[len] = '\0';
	return clock_parse_iso8601(buf, out);
}

/* T2: the clock file's instant, or the real clock. */
time_t
clock_now(void)
{
	const char	*path = clock_file;
	time_t		 t;

	if (path != NULL && clock_read_file(path, &t) == 0)
		return t;
	return time(NULL);
}

/* Days since 1970-01-01 of y-m-d (proleptic Gregorian), all in long. */
static long
days_from_civil(long y, long m, long d)
{
	long	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;				/* [0, 399] */
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;	/* [0, 146096] */
	return era * 146097 + doe - 719468;
}

/* T1 */
long
clock_days_from_civil(int y, int m, int d)
{
	return days_from_civil(y, m, d);
}

/* The civil date of z days since 1970-01-01, z clamped to 0000..9999. */
static void
civil_from_days(long z, int *y, int *m, int *d)
{
	long	 era, doe, yoe, doy, mp, yy, mm;

	if (z < CLOCK_DAYS_MIN)
		z = CLOCK_DAYS_MIN;
	if (z > CLOCK_DAYS_MAX)
		z = CLOCK_DAYS_MAX;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;				/* [0, 146096] */
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);	/* [0, 365] */
	mp = (5 * doy + 2) / 153;			/* [0, 11] */
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	mm = mp < 10 ? mp + 3 : mp - 9;
	*m = (int)mm;
	*y = (int)(yy + (mm <= 2));
}

/* Floor division of t by a day: the day number and second of day. */
static void
split_day(time_t t, long *days, long *secs)
{
	int64_t	 q, r;

	q = (int64_t)t / CLOCK_DAY_SECONDS;
	r = (int64_t)t % CLOCK_DAY_SECONDS;
	if (r < 0) {
		r += CLOCK_DAY_SECONDS;
		q--;
	}
	*days = (long)q;
	*secs = (long)r;
}

static bool
is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(long y, long m)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && is_leap(y))
		return 29;
	return mdays[m - 1];
}

/* Reads exactly n digits at *s into *v and advances *s; -1 otherwise. */
static int
read_digits(const char **s, int n, long *v)
{
	const char	*p = *s;
	int		 i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		*v = *v * 10 + (p[i] - '0');
	}
	*s = p + n;
	return 0;
}

/*
 * "YYYY-MM-DD" at *s, a real date of 1970..9999; advances *s past it.
 * Returns 0 or -1.
 */
static int
read_date(const char **s, long *y, long *m, long *d)
{
	const char	*p = *s;

	if (read_digits(&p, 4, y) == -1 || *p++ != '-' ||
	    read_digits(&p, 2, m) == -1 || *p++ != '-' ||
	    read_digits(&p, 2, d) == -1)
		return -1;
	if (*y < 1970 || *y > 9999 || *m < 1 || *m > 12 ||
	    *d < 1 || *d > days_in_month(*y, *m))
		return -1;
	*s = p;
	return 0;
}

/* T1: "YYYY-MM-DD{T| }HH:MM:SS[.f{1,9}]{Z|+00:00}", UTC only. */
int
clock_parse_iso8601(const char *s, time_t *out)
{
	const char	*p = s;
	long		 y, mo, d, h, mi, sec;
	int		 nfrac;

	if (s == NULL || out == NULL)
		return -1;
	if (read_date(&p, &y, &mo, &d) == -1)
		return -1;
	if (*p != 'T' && *p != ' ')
		return -1;
	p++;
	if (read_digits(&p, 2, &h) == -1 || *p++ != ':' ||
	    read_digits(&p, 2, &mi) == -1 || *p++ != ':' ||
	    read_digits(&p, 2, &sec) == -1)
		return -1;
	if (h > 23 || mi > 59 || sec > 59)
		return -1;
	if (*p == '.') {
		p++;
		for (nfrac = 0; *p >= '0' && *p <= '9'; p++)
			if (++nfrac > CLOCK_FRAC_MAX)
				return -1;
		if (nfrac == 0)
			return -1;
	}
	if (*p == 'Z')
		p++;
	else if (strncmp(p, "+00:00", 6) == 0)
		p += 6;
	else
		return -1;
	if (*p != '\0')
		return -1;
	*out = (time_t)(days_from_civil(y, mo, d) * CLOCK_DAY_SECONDS +
	    h * 3600 + mi * 60 + sec);
	return 0;
}

/* Writes v as n decimal digits, zero-padded, at buf; returns buf + n. */
static char *
put_digits(char *buf, long v, int n)
{
	int	 i;

	for (i = n - 1; i >= 0; i--) {
		buf[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return buf + n;
}

/*
 * "YYYY-MM-DD<sep>HH:MM:SS" of t (UTC) at buf, 19 characters and a NUL.
 * Instants outside years 0000..9999 are clamped to the range's ends.
 */
static void
format_utc(time_t t, char sep, char *buf)
{
	long	 days, secs;
	int	 y, m, d;
	char	*p = buf;

	split_day(t, &days, &secs);
	if (days < CLOCK_DAYS_MIN) {
		days = CLOCK_DAYS_MIN;
		secs = 0;
	} else if (days > CLOCK_DAYS_MAX) {
		days = CLOCK_DAYS_MAX;
		secs = CLOCK_DAY_SECONDS - 1;
	}
	civil_from_days(days, &y, &m, &d);
	p = put_digits(p, y, 4);
	*p++ = '-';
	p = put_digits(p, m, 2);
	*p++ = '-';
	p = put_digits(p, d, 2);
	*p++ = sep;
	p = put_digits(p, secs / 3600, 2);
	*p++ = ':';
	p = put_digits(p, secs / 60 % 60, 2);
	*p++ = ':';
	p = put_digits(p, secs % 60, 2);
	*p = '\0';
}

/* T1 */
void
clock_format_iso8601(time_t t, char buf[21])
{
	format_utc(t, 'T', buf);
	buf[19] = 'Z';
	buf[20] = '\0';
}

/* T1 */
void
clock_format_sql(time_t t, char buf[20])
{
	format_utc(t, ' ', buf);
}

/* T1: exactly "YYYY-MM-DD", a real date of 1970..9999. */
int
clock_parse_date(const char *s, int *y, int *m, int *d)
{
	const char	*p = s;
	long		 yy, mm, dd;

	if (s == NULL || read_date(&p, &yy, &mm, &dd) == -1 || *p != '\0')
		return -1;
	*y = (int)yy;
	*m = (int)mm;
	*d = (int)dd;
	return 0;
}

/* T1: the civil date of t + 8 h. */
void
clock_shanghai_date(time_t t, int *y, int *m, int *d)
{
	long	 days, secs;

	split_day(t, &days, &secs);
	if (secs + CLOCK_SHANGHAI_OFFSET >= CLOCK_DAY_SECONDS)
		days++;
	civil_from_days(days, y, m, d);
}

/* T1 */
int
clock_shanghai_year(time_t t)
{
	int	 y, m, d;

	clock_shanghai_date(t, &y, &m, &d);
	return y;
}
