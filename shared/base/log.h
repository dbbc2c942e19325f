/*
 * log.h - JSON-lines logs on stderr, one object per line, carrying the
 * program name and nginx's request id:
 *   {"ts":"2024-03-01T08:00:00Z","level":"info","prog":"catalog","rid":"…","msg":"…", …}
 */
#ifndef VOUCHER_LOG_H
#define VOUCHER_LOG_H

#include <jansson.h>

enum log_level {
	LOG_DEBUG,
	LOG_INFO,
	LOG_WARN,
	LOG_ERROR,
	LOG__MAX
};

/* Sets the program name and the lowest level written. Call once. */
void log_init(const char *program, enum log_level min_level);

/* Parses "debug" | "info" | "warn" | "error"; -1 if unknown. */
int log_level_parse(const char *s);

/* True when lines of level are written (to skip building them). */
int log_enabled(enum log_level level);

/* The request id of the calling thread's current request ("" or NULL:
 * none): lines written with a NULL rid carry it, so that lower layers
 * (the database driver) log the request they serve. */
void log_set_rid(const char *rid);

/* Writes one line; rid NULL: the thread's (log_set_rid). Thread-safe (one
 * write(2) per line). */
void log_msg(enum log_level level, const char *rid, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes one line with the extra fields of obj (stolen; may be NULL). */
void log_json(enum log_level level, const char *rid, const char *msg,
    json_t *obj);

#endif
