/*
 * log.c - JSON-lines logging (see log.h). Each line is built in memory and
 * written with one write(2), so lines from worker threads never interleave.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"

static const char *log_program = "voucher";
static enum log_level log_min = LOG_INFO;
static _Thread_local const char *log_rid;

static const char *const log_names[LOG__MAX] = {
	"debug",	/* LOG_DEBUG */
	"info",		/* LOG_INFO */
	"warn",		/* LOG_WARN */
	"error",	/* LOG_ERROR */
};

void
log_init(const char *program, enum log_level min_level)
{
	log_program = program;
	log_min = min_level;
}

int
log_enabled(enum log_level level)
{
	return level >= log_min;
}

int
log_level_parse(const char *s)
{
	for (int i = 0; i < LOG__MAX; i++)
		if (strcmp(s, log_names[i]) == 0)
			return i;
	return -1;
}

void
log_set_rid(const char *rid)
{
	log_rid = rid;
}

void
log_json(enum log_level level, const char *rid, const char *msg, json_t *obj)
{
	char ts[21];
	char *line;
	size_t n;

	if (level < log_min) {
		json_decref(obj);
		return;
	}
	if (obj == NULL)
		obj = json_object();
	clock_format_iso8601(time(NULL), ts);
	json_object_set_new(obj, "ts", json_string(ts));
	json_object_set_new(obj, "level", json_string(log_names[level]));
	json_object_set_new(obj, "prog", json_string(log_program));
	if (rid == NULL)
		rid = log_rid;
	if (rid != NULL && *rid != '\0')
		json_object_set_new(obj, "rid", json_string(rid));
	if (msg != NULL)
		json_object_set_new(obj, "msg", json_string(msg));
	line = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(obj);
	if (line == NULL)
		return;
	n = strlen(line);
	line[n] = '\n';		/* json_dumps' NUL becomes the newline */
	if (write(STDERR_FILENO, line, n + 1) < 0) {
		/* nowhere left to report it */
	}
	free(line);
}

void
log_msg(enum log_level level, const char *rid, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (level < log_min)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_json(level, rid, msg, NULL);
}
