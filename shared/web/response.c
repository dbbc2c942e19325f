/*
 * response.c - the one response path: JSON bodies, errors, headers, the
 * mapping of database failures, and writing it all to libfcgi (see
 * http.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "db.h"
#include "http.h"
#include "log.h"
#include "sha256.h"

/* ---- the response --------------------------------------------------- */

void
http_header(struct req *r, const char *name, const char *fmt, ...)
{
	va_list ap;

	buf_printf(&r->headers, "%s: ", name);
	va_start(ap, fmt);
	buf_vprintf(&r->headers, fmt, ap);
	va_end(ap);
	buf_puts(&r->headers, "\r\n");
	if (strcasecmp(name, "Cache-Control") == 0)
		r->cache_set = true;
}

int
http_body(struct req *r, int status, const char *content_type,
    const void *data, size_t len)
{
	r->status = status;
	r->content_type = content_type;
	buf_reset(&r->out);
	if (len > 0)
		buf_append(&r->out, data, len);
	return status;
}

int
http_json(struct req *r, int status, json_t *obj)
{
	char *s = json_dumps(obj, JSON_COMPACT | JSON_REAL_PRECISION(6));

	json_decref(obj);
	if (s == NULL)
		return http_body(r, 500, "application/json",
		    "{\"error\":{\"code\":\"internal\"}}", 29);
	http_body(r, status, "application/json; charset=utf-8", s, strlen(s));
	free(s);
	return status;
}

int
http_json_cached(struct req *r, json_t *obj, int max_age)
{
	const char *inm = req_param(r, "HTTP_IF_NONE_MATCH");
	char hex[2 * SHA256_LEN + 1], etag[40];

	http_json(r, 200, obj);
	if (r->status != 200)
		return r->status;
	sha256_hex(r->out.p, r->out.len, hex);
	snprintf(etag, sizeof(etag), "\"%.32s\"", hex);
	http_header(r, "ETag", "%s", etag);
	http_header(r, "Cache-Control", "public, max-age=%d", max_age);
	if (inm != NULL && (strstr(inm, etag) != NULL || strcmp(inm, "*") == 0)) {
		buf_reset(&r->out);
		r->status = 304;
	}
	return r->status;
}

int
http_error(struct req *r, int status, const char *code, const char *field,
    const char *fmt, ...)
{
	json_t *err = json_object();
	char msg[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(msg)) {
		/* cut at a whole UTF-8 character, never inside one */
		size_t end = sizeof(msg) - 1, lead = end, need;
		unsigned char c;

		while (lead > 0 && ((unsigned char)msg[lead - 1] & 0xc0) == 0x80)
			lead--;
		if (lead > 0) {
			lead--;
			c = (unsigned char)msg[lead];
			need = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
			if (lead + need > end)
				msg[lead] = '\0';
		}
	}
	json_object_set_new(err, "code", json_string(code));
	json_object_set_new(err, "message", json_string(msg));
	if (field != NULL)
		json_object_set_new(err, "field", json_string(field));
	return http_json(r, status, json_pack("{s:o}", "error", err));
}

int
http_db_error(struct req *r, int db_status)
{
	switch (db_status) {
	case DB_CONFLICT:
		return http_error(r, 409, "conflict", NULL,
		    "与现有数据冲突（重复或被引用）");
	case DB_RETRY:
		http_header(r, "Retry-After", "1");
		return http_error(r, 503, "busy", NULL,
		    "系统繁忙，请稍后重试");
	case DB_NOTFOUND:
		return http_error(r, 404, "not_found", NULL, "记录不存在");
	default:
		http_header(r, "Retry-After", "5");
		return http_error(r, 503, "database_unavailable", NULL,
		    "数据库暂不可用，请稍后重试");
	}
}

static const char *
status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default:  return "Status";
	}
}

/* The status line and headers; length < 0: no Content-Length. */
static void
send_head(struct req *r, int64_t length)
{
	FCGX_Stream *out = r->fcgi->out;

	FCGX_FPrintF(out, "Status: %d %s\r\n", r->status, status_text(r->status));
	if (r->content_type != NULL && r->status != 304)
		FCGX_FPrintF(out, "Content-Type: %s\r\n", r->content_type);
	if (r->status != 304 && length >= 0)
		/* libfcgi's printf knows no %zu */
		FCGX_FPrintF(out, "Content-Length: %lu\r\n",
		    (unsigned long)length);
	if (!r->cache_set)
		FCGX_PutS("Cache-Control: no-store\r\n", out);
	if (r->headers.len > 0)
		FCGX_PutStr(r->headers.p, (int)r->headers.len, out);
	FCGX_PutS("\r\n", out);
}

void
req_send(struct req *r)
{
	bool body = r->method != HTTP_HEAD && r->status != 304 &&
	    r->status != 204;

	if (r->streamed)	/* sent as it came (http_stream_begin) */
		return;
	send_head(r, body ? (int64_t)r->out.len : 0);
	if (body && r->out.len > 0)
		FCGX_PutStr(r->out.p, (int)r->out.len, r->fcgi->out);
}

int
http_stream_begin(struct req *r, int status, const char *content_type,
    int64_t length)
{
	r->status = status;
	r->content_type = content_type;
	buf_reset(&r->out);
	send_head(r, r->method == HTTP_HEAD ? 0 : length);
	r->streamed = true;
	if (FCGX_GetError(r->fcgi->out) != 0)
		r->stream_broken = true;
	return status;
}

int
http_stream_write(struct req *r, const void *data, size_t len)
{
	const char *p = data;

	if (r->stream_broken)
		return -1;
	if (r->method == HTTP_HEAD)
		return 0;
	while (len > 0) {
		int n = len > (1u << 30) ? 1 << 30 : (int)len;

		if (FCGX_PutStr(p, n, r->fcgi->out) != n) {
			r->stream_broken = true;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void
http_stream_abort(struct req *r)
{
	if (r->stream_broken)
		return;
	r->stream_broken = true;
	/* nginx reads EOF without FCGI_END_REQUEST: "upstream prematurely
	 * closed", and it breaks the client's transfer; libfcgi's later
	 * writes to the shut socket fail quietly */
	if (r->fcgi->ipcFd >= 0)
		shutdown(r->fcgi->ipcFd, SHUT_RDWR);
	log_msg(LOG_ERROR, r->rid, "%s %s: the streamed reply was cut short",
	    r->method_str, r->path);
}
