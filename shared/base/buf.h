/*
 * buf.h - a growable byte buffer (response bodies, headers, log lines),
 * allocation helpers and hex encoding.
 * Allocation failure aborts: it is not recoverable in a worker and cannot
 * be caused by input (every input is bounded before it reaches a buffer).
 */
#ifndef VOUCHER_BUF_H
#define VOUCHER_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct buf {
	char   *p;     /* NUL-terminated when len > 0 */
	size_t  len;
	size_t  cap;
};

void buf_append(struct buf *b, const void *data, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Empties b, keeping its memory. */
void buf_reset(struct buf *b);
/* Frees b's memory; b may be reused (it is left empty). */
void buf_free(struct buf *b);

/* out = the lower-case hex of the n bytes at in, NUL-terminated (out has
 * room for 2 * n + 1 characters). */
void hex_encode(const void *in, size_t n, char *out);

/* Allocation helpers that never return NULL (they abort on exhaustion). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* UTF-8 length in characters of a valid UTF-8 string. */
size_t utf8_len(const char *s);
/* True when s[0..len) is valid UTF-8 without NUL bytes. */
bool utf8_valid(const char *s, size_t len);

#endif
