/*
 * parse.h - parsers of outside bytes that are internal to the web layer,
 * declared here only so that the fuzz targets (tests/fuzz/) can call them
 * directly. Handlers use http.h instead.
 */
#ifndef VOUCHER_PARSE_H
#define VOUCHER_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"

/* route.c: parses s[0..n) as a positive int64 id (1..18 digits, no
 * leading 0) into *out. Returns false otherwise. */
bool route_parse_id(const char *s, size_t n, int64_t *out);

/* route.c: matches path against a route pattern (struct route), filling
 * r->ids / r->segs (request-owned) on success. Returns false when it does
 * not match. */
bool route_match(struct req *r, const char *pattern, const char *path);

/* request.c: decodes %XX and '+' of s[0..n) into request-owned memory.
 * Returns NULL on a bad escape, invalid UTF-8 or a NUL byte. */
char *url_decode(struct req *r, const char *s, size_t n);

#endif
