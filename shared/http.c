/*
 * http.c - request parsing, routing, declared inputs and the one response
 * path of every FastCGI program (see http.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "db_shared.h"
#include "http.h"
#include "log.h"
#include "sha256.h"

#define REQ_MAX_QUERY 64

static const char *const method_names[HTTP_METHOD__MAX] = {
	"GET",		/* HTTP_GET */
	"HEAD",		/* HTTP_HEAD */
	"POST",		/* HTTP_POST */
	"PUT",		/* HTTP_PUT */
	"DELETE",	/* HTTP_DELETE */
	"PATCH",	/* HTTP_PATCH */
	"OPTIONS",	/* HTTP_OPTIONS */
	"OTHER",	/* HTTP_OTHER */
};

static const struct {
	int         bit;
	const char *name;
} roles[] = {
	{ ROLE_ENTERPRISE, "enterprise" },
	{ ROLE_PROVIDER,   "provider" },
	{ ROLE_REVIEWER,   "reviewer" },
	{ ROLE_BUREAU,     "bureau" },
};

int
role_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (s != NULL && strcmp(s, roles[i].name) == 0)
			return roles[i].bit;
	return 0;
}

const char *
role_name(int role)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (roles[i].bit == role)
			return roles[i].name;
	return "public";
}

/* ---- request-scoped memory ------------------------------------------ */

void *
req_alloc(struct req *r, size_t n)
{
	void *p = xmalloc(n);

	if (r->nallocs == r->allocs_cap) {
		r->allocs_cap = r->allocs_cap ? r->allocs_cap * 2 : 16;
		r->allocs = xrealloc(r->allocs,
		    r->allocs_cap * sizeof(*r->allocs));
	}
	r->allocs[r->nallocs++] = p;
	return p;
}

char *
req_strndup(struct req *r, const char *s, size_t n)
{
	char *p = req_alloc(r, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
req_strdup(struct req *r, const char *s)
{
	return req_strndup(r, s, strlen(s));
}

/* ---- UTF-8 ---------------------------------------------------------- */

size_t
utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* True when s[0..len) is valid UTF-8 without NUL bytes. */
static bool
utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len;

	while (p < e) {
		unsigned c = *p;
		size_t n;
		unsigned cp;

		if (c == 0)
			return false;
		if (c < 0x80) {
			p++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
		} else
			return false;
		if ((size_t)(e - p) <= n)
			return false;
		for (size_t i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		p += n + 1;
	}
	return true;
}

/* ---- request data --------------------------------------------------- */

const char *
req_param(const struct req *r, const char *name)
{
	return FCGX_GetParam(name, r->fcgi->envp);
}

const char *
req_cookie(struct req *r, const char *name)
{
	const char *h = req_param(r, "HTTP_COOKIE");
	size_t nl = strlen(name);

	while (h != NULL && *h != '\0') {
		const char *end;

		while (*h == ' ' || *h == ';')
			h++;
		end = strchr(h, ';');
		if (end == NULL)
			end = h + strlen(h);
		if ((size_t)(end - h) > nl && strncmp(h, name, nl) == 0 &&
		    h[nl] == '=')
			return req_strndup(r, h + nl + 1,
			    (size_t)(end - h) - nl - 1);
		h = end;
	}
	return NULL;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes %XX and '+' of s[0..n); NULL on a bad escape or bad UTF-8. */
static char *
url_decode(struct req *r, const char *s, size_t n)
{
	char *out = req_alloc(r, n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+')
			*o++ = ' ';
		else if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return NULL;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return NULL;
			*o++ = (char)(hi * 16 + lo);
			i += 2;
		} else
			*o++ = s[i];
	}
	*o = '\0';
	if (!utf8_valid(out, (size_t)(o - out)))
		return NULL;
	return out;
}

static void
query_parse(struct req *r)
{
	const char *q = r->query;

	r->query_parsed = true;
	r->qnames = req_alloc(r, REQ_MAX_QUERY * sizeof(char *));
	r->qvalues = req_alloc(r, REQ_MAX_QUERY * sizeof(char *));
	while (*q != '\0' && r->nquery < REQ_MAX_QUERY) {
		const char *amp = strchr(q, '&'), *eq;
		size_t len = amp ? (size_t)(amp - q) : strlen(q);

		eq = memchr(q, '=', len);
		if (len > 0) {
			size_t nl = eq ? (size_t)(eq - q) : len;
			char *name = url_decode(r, q, nl);
			/* a bad value stays NULL so that the 400 can name it */
			char *val = eq ? url_decode(r, eq + 1, len - nl - 1) :
			    req_strdup(r, "");

			if (name != NULL) {
				r->qnames[r->nquery] = name;
				r->qvalues[r->nquery] = val;
				r->nquery++;
			}
		}
		q += len;
		if (*q == '&')
			q++;
	}
}

/* The raw lookup: *found tells presence; NULL value = bad encoding. */
static const char *
query_lookup(struct req *r, const char *name, bool *found)
{
	if (!r->query_parsed)
		query_parse(r);
	for (size_t i = 0; i < r->nquery; i++)
		if (strcmp(r->qnames[i], name) == 0) {
			*found = true;
			return r->qvalues[i];
		}
	*found = false;
	return NULL;
}

const char *
req_query(struct req *r, const char *name)
{
	bool found;

	return query_lookup(r, name, &found);
}

int
query_i64_or_400(struct req *r, const char *name, int64_t min, int64_t max,
    int64_t def, int64_t *out)
{
	bool found;
	const char *v = query_lookup(r, name, &found);
	char *end;
	long long n;

	if (!found || (v != NULL && *v == '\0')) {
		*out = def;
		return 0;
	}
	if (v == NULL || !(isdigit((unsigned char)v[0]) || v[0] == '-'))
		goto bad;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		goto bad;
	*out = n;
	return 0;
bad:
	http_error(r, 400, "invalid_query", name,
	    "查询参数 %s 必须是 %lld 到 %lld 之间的整数", name,
	    (long long)min, (long long)max);
	return -1;
}

int
query_str_or_400(struct req *r, const char *name, size_t maxlen,
    const char **out)
{
	bool found;
	const char *v = query_lookup(r, name, &found);

	*out = NULL;
	if (!found)
		return 0;
	if (v == NULL) {
		http_error(r, 400, "invalid_query", name,
		    "查询参数 %s 编码无效", name);
		return -1;
	}
	if (utf8_len(v) > maxlen) {
		http_error(r, 400, "invalid_query", name,
		    "查询参数 %s 过长（最多 %zu 个字符）", name, maxlen);
		return -1;
	}
	*out = *v ? v : NULL;
	return 0;
}

int
query_enum_or_400(struct req *r, const char *name, const char *const *choices,
    const char *def, const char **out)
{
	bool found;
	const char *v = query_lookup(r, name, &found);
	struct buf b = { 0 };

	if (!found || (v != NULL && *v == '\0')) {
		*out = def;
		return 0;
	}
	for (size_t i = 0; v != NULL && choices[i] != NULL; i++)
		if (strcmp(v, choices[i]) == 0) {
			*out = choices[i];
			return 0;
		}
	for (size_t i = 0; choices[i] != NULL; i++)
		buf_printf(&b, "%s%s", i ? "|" : "", choices[i]);
	http_error(r, 400, "invalid_query", name, "查询参数 %s 只能是 %s",
	    name, b.p);
	buf_free(&b);
	return -1;
}

int
query_page_or_400(struct req *r, int64_t *page, int64_t *per_page)
{
	if (query_i64_or_400(r, "page", 1, 100000, 1, page) < 0 ||
	    query_i64_or_400(r, "per_page", 1, 100, 20, per_page) < 0)
		return -1;
	return 0;
}

json_t *
http_page_json(json_t *items, int64_t total, int64_t page, int64_t per_page)
{
	return json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total",
	    (json_int_t)total, "page", (json_int_t)page, "per_page",
	    (json_int_t)per_page);
}

char *
req_like_contains(struct req *r, const char *q)
{
	size_t n = strlen(q);
	char *p = req_alloc(r, 2 * n + 3), *o = p;

	*o++ = '%';
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			*o++ = '\\';
		*o++ = *q;
	}
	*o++ = '%';
	*o = '\0';
	return p;
}

json_t *
req_json_or_4xx(struct req *r)
{
	const char *ct = req_param(r, "CONTENT_TYPE");
	const char *cl = req_param(r, "CONTENT_LENGTH");
	json_error_t jerr;
	char *data, *end;
	long long len;
	int got;

	if (r->body != NULL)
		return r->body;
	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0 ||
	    (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' ')) {
		http_error(r, 415, "unsupported_media_type", NULL,
		    "请求体必须是 JSON（Content-Type: application/json）");
		return NULL;
	}
	errno = 0;
	len = (cl != NULL && *cl) ? strtoll(cl, &end, 10) : 0;
	if (cl == NULL || *cl == '\0' || errno != 0 || *end != '\0' ||
	    len <= 0) {
		http_error(r, 400, "empty_body", NULL, "请求体不能为空");
		return NULL;
	}
	if ((unsigned long long)len > g_config.body_max) {
		http_error(r, 413, "body_too_large", NULL,
		    "请求体过大（最多 %zu 字节）", g_config.body_max);
		return NULL;
	}
	data = req_alloc(r, (size_t)len + 1);
	got = FCGX_GetStr(data, (int)len, r->fcgi->in);
	if (got != (int)len) {
		http_error(r, 400, "short_body", NULL, "请求体不完整");
		return NULL;
	}
	r->body = json_loadb(data, (size_t)len, JSON_REJECT_DUPLICATES, &jerr);
	if (r->body == NULL) {
		http_error(r, 400, "malformed_json", NULL,
		    "JSON 格式错误（第 %d 行第 %d 列）：%s", jerr.line,
		    jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(r->body)) {
		http_error(r, 400, "malformed_json", NULL,
		    "请求体必须是 JSON 对象");
		return NULL;
	}
	return r->body;
}

/* ---- declared inputs ------------------------------------------------ */

static const char *const field_type_names[] = {
	"字符串",	/* FIELD_STRING */
	"字符串",	/* FIELD_TEXT */
	"整数",		/* FIELD_INT */
	"整数（分）",	/* FIELD_MONEY */
	"布尔值",	/* FIELD_BOOL */
	"字符串",	/* FIELD_ENUM */
	"日期 YYYY-MM-DD", /* FIELD_DATE */
	"正整数编号",	/* FIELD_ID */
	"JSON 对象",	/* FIELD_OBJECT */
};

static bool
has_control(const char *s, bool allow_newlines)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (allow_newlines && (c == '\n' || c == '\r' || c == '\t'))
			continue;
		if (c < 0x20 || c == 0x7f)
			return true;
	}
	return false;
}

static int
field_check(struct req *r, const struct field *f, json_t *v,
    struct field_value *out)
{
	switch (f->type) {
	case FIELD_STRING:
	case FIELD_TEXT: {
		const char *s;
		size_t n;

		if (!json_is_string(v))
			break;
		s = json_string_value(v);
		if (strlen(s) != json_string_length(v) ||
		    has_control(s, f->type == FIELD_TEXT)) {
			http_error(r, 400, "invalid_field", f->name,
			    "字段 %s 含有不允许的控制字符", f->name);
			return -1;
		}
		n = utf8_len(s);
		if ((int64_t)n < f->min || (int64_t)n > f->max) {
			http_error(r, 400, "invalid_field", f->name,
			    "字段 %s 长度须在 %lld 到 %lld 个字符之间",
			    f->name, (long long)f->min, (long long)f->max);
			return -1;
		}
		out->s = s;
		return 0;
	}
	case FIELD_INT:
	case FIELD_MONEY:
	case FIELD_ID: {
		int64_t lo = f->type == FIELD_ID ? 1 : f->min;
		int64_t hi = f->type == FIELD_ID ? INT64_MAX : f->max;

		if (!json_is_integer(v))
			break;
		out->i = json_integer_value(v);
		if (out->i < lo || out->i > hi) {
			http_error(r, 400, "out_of_range", f->name,
			    "字段 %s 须在 %lld 到 %lld 之间", f->name,
			    (long long)lo, (long long)hi);
			return -1;
		}
		return 0;
	}
	case FIELD_BOOL:
		if (!json_is_boolean(v))
			break;
		out->i = json_is_true(v);
		return 0;
	case FIELD_ENUM: {
		struct buf b = { 0 };

		if (!json_is_string(v))
			break;
		for (size_t i = 0; f->choices[i] != NULL; i++)
			if (strcmp(json_string_value(v), f->choices[i]) == 0) {
				out->s = f->choices[i];
				return 0;
			}
		for (size_t i = 0; f->choices[i] != NULL; i++)
			buf_printf(&b, "%s%s", i ? "|" : "", f->choices[i]);
		http_error(r, 400, "invalid_field", f->name,
		    "字段 %s 只能是 %s", f->name, b.p);
		buf_free(&b);
		return -1;
	}
	case FIELD_OBJECT:
		if (!json_is_object(v))
			break;
		return 0;
	case FIELD_DATE:
		if (!json_is_string(v))
			break;
		if (clock_parse_date(json_string_value(v), &out->y, &out->m,
		    &out->d) < 0) {
			http_error(r, 400, "invalid_field", f->name,
			    "字段 %s 不是有效日期（YYYY-MM-DD）", f->name);
			return -1;
		}
		out->s = json_string_value(v);
		out->i = (int64_t)out->y * 10000 + out->m * 100 + out->d;
		return 0;
	}
	http_error(r, 400, "invalid_type", f->name, "字段 %s 类型错误，应为%s",
	    f->name, field_type_names[f->type]);
	return -1;
}

int
req_fields_or_400(struct req *r, json_t *obj, const struct field *fields,
    size_t nfields, struct field_value *out)
{
	const char *key;
	json_t *v;

	memset(out, 0, nfields * sizeof(*out));
	json_object_foreach(obj, key, v) {
		size_t i;

		for (i = 0; i < nfields; i++)
			if (strcmp(key, fields[i].name) == 0)
				break;
		if (i == nfields) {
			http_error(r, 400, "unknown_field", key,
			    "未知字段：%s", key);
			return -1;
		}
	}
	for (size_t i = 0; i < nfields; i++) {
		v = json_object_get(obj, fields[i].name);
		if (v == NULL || json_is_null(v)) {
			if (fields[i].required) {
				http_error(r, 400, "missing_field",
				    fields[i].name, "缺少必填字段：%s",
				    fields[i].name);
				return -1;
			}
			continue;
		}
		if (field_check(r, &fields[i], v, &out[i]) < 0)
			return -1;
		out[i].present = true;
	}
	return 0;
}

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

/* ---- audit ---------------------------------------------------------- */

struct actor
actor_of(const struct req *r)
{
	struct actor a = {
		.account_id = r->authed ? r->sess.account_id : 0,
		.role = r->authed ? role_name(r->sess.role) : "public",
		.rid = r->rid,
		.now = r->now,
	};

	return a;
}

struct actor
actor_system(time_t now)
{
	struct actor a = { .account_id = 0, .role = "system", .rid = "",
	    .now = now };

	return a;
}

int
audit_record(struct db *db, const struct actor *a, const char *action,
    const char *entity, int64_t entity_id, json_t *before, json_t *after)
{
	char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *aj = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	struct db_param p[] = {
		DB_TIME(a->now),
		a->account_id > 0 ? DB_I64(a->account_id) : DB_NULLP,
		DB_STR(a->role),
		DB_STR(action),
		DB_STR(entity),
		entity_id > 0 ? DB_I64(entity_id) : DB_NULLP,
		DB_STR(b),
		DB_STR(aj),
		DB_STR(a->rid),
	};
	int rc = db_exec(db, DBS_AUDIT_INSERT, p, sizeof(p) / sizeof(p[0]),
	    NULL, NULL, NULL);

	free(b);
	free(aj);
	return rc;
}

int
audit_write(struct req *r, const char *action, const char *entity,
    int64_t entity_id, json_t *before, json_t *after)
{
	struct actor a = actor_of(r);

	return audit_record(r->db, &a, action, entity, entity_id, before, after);
}

/* ---- routing -------------------------------------------------------- */

static enum http_method
method_parse(const char *m)
{
	for (int i = 0; i < HTTP_OTHER; i++)
		if (m != NULL && strcmp(m, method_names[i]) == 0)
			return (enum http_method)i;
	return HTTP_OTHER;
}

void
req_init(struct req *r, FCGX_Request *fcgi, struct db *db, struct db *db_ro)
{
	const char *p;

	memset(r, 0, sizeof(*r));
	r->fcgi = fcgi;
	r->db = db;
	r->db_ro = db_ro;
	r->method_str = req_param(r, "REQUEST_METHOD");
	if (r->method_str == NULL)
		r->method_str = "";
	r->method = method_parse(r->method_str);
	p = req_param(r, "DOCUMENT_URI");
	if (p == NULL || *p == '\0') {
		/* without nginx's $uri: the request URI up to '?' */
		const char *uri = req_param(r, "REQUEST_URI");
		const char *q;

		uri = uri ? uri : "/";
		q = strchr(uri, '?');
		p = q ? req_strndup(r, uri, (size_t)(q - uri)) : uri;
	}
	r->path = p;
	p = req_param(r, "QUERY_STRING");
	r->query = p ? p : "";
	p = req_param(r, "REQUEST_ID");
	r->rid = p ? p : "";
	p = req_param(r, "REMOTE_ADDR");
	r->remote_addr = p ? p : "";
	r->now = clock_now();
	r->route_index = -1;
}

/* Parses a positive int64 id of s[0..n): 1..18 digits, no leading 0. */
static bool
parse_id(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;

	if (n == 0 || n > 18 || s[0] == '0')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Matches path against pattern, filling r's captures on success. */
static bool
route_match(struct req *r, const char *pattern, const char *path)
{
	const char *p = pattern, *s = path;

	r->nids = r->nsegs = 0;
	while (*p != '\0' && *s != '\0') {
		const char *pe = strchr(p, '/'), *se = strchr(s, '/');
		size_t pl, sl;

		if (*p == '/' || *s == '/') {
			if (*p != *s)
				return false;
			p++;
			s++;
			continue;
		}
		pl = pe ? (size_t)(pe - p) : strlen(p);
		sl = se ? (size_t)(se - s) : strlen(s);
		if (pl >= 4 && (strncmp(p, "{id}", 4) == 0 ||
		    strncmp(p, "{s}", 3) == 0)) {
			bool is_id = p[1] == 'i';
			size_t cl = is_id ? 4 : 3;
			size_t suffix = pl - cl, vl;

			if (sl <= suffix ||
			    strncmp(s + sl - suffix, p + cl, suffix) != 0)
				return false;
			vl = sl - suffix;
			if (is_id) {
				if (r->nids == REQ_MAX_CAPTURES ||
				    !parse_id(s, vl, &r->ids[r->nids]))
					return false;
				r->nids++;
			} else {
				if (r->nsegs == REQ_MAX_CAPTURES)
					return false;
				r->segs[r->nsegs++] = req_strndup(r, s, vl);
			}
		} else if (pl == 3 && strncmp(p, "{s}", 3) == 0) {
			if (r->nsegs == REQ_MAX_CAPTURES || sl == 0)
				return false;
			r->segs[r->nsegs++] = req_strndup(r, s, sl);
		} else if (pl != sl || strncmp(p, s, pl) != 0)
			return false;
		p += pl;
		s += sl;
	}
	return *p == '\0' && *s == '\0';
}

static int
health_handler(struct req *r)
{
	bool ok = db_ping(r->db) == DB_OK;

	if (ok && r->db_ro != r->db)
		ok = db_ping(r->db_ro) == DB_OK;
	if (!ok)
		return http_error(r, 503, "database_unavailable", NULL,
		    "数据库不可达");
	return http_json(r, 200, json_pack("{s:s,s:s}", "status", "ok",
	    "program", g_config.program));
}

int metrics_handler(struct req *r);	/* metrics.c */
static const struct route *route_at(const struct app *app, size_t i);

/* Routes every program serves besides its own (nginx: localhost only). */
static const struct route builtin_routes[] = {
	{ HTTP_GET, "/healthz", health_handler, ROLE_PUBLIC },
	{ HTTP_GET, "/metrics", metrics_handler, ROLE_PUBLIC },
};
#define NBUILTIN (sizeof(builtin_routes) / sizeof(builtin_routes[0]))

size_t
http_route_count(const struct app *app)
{
	return app->nroutes + NBUILTIN;
}

const char *
http_method_name(enum http_method m)
{
	return method_names[m < HTTP_METHOD__MAX ? m : HTTP_OTHER];
}

const struct route *
http_route_at(const struct app *app, size_t i)
{
	return route_at(app, i);
}

static const struct route *
route_at(const struct app *app, size_t i)
{
	return i < app->nroutes ? &app->routes[i] :
	    &builtin_routes[i - app->nroutes];
}

void
req_dispatch(struct req *r, const struct app *app)
{
	size_t n = app->nroutes + NBUILTIN;
	const struct route *rt = NULL;
	unsigned allowed = 0;
	struct buf allow = { 0 };
	int rc;

	for (size_t i = 0; i < n; i++) {
		const struct route *c = route_at(app, i);

		if (!route_match(r, c->pattern, r->path))
			continue;
		if (c->method == r->method ||
		    (c->method == HTTP_GET && r->method == HTTP_HEAD)) {
			rt = c;
			r->route_index = (int)i;
			break;
		}
		allowed |= 1u << c->method;
	}
	if (rt == NULL) {
		if (allowed == 0) {
			http_error(r, 404, "not_found", NULL,
			    "没有这个接口：%s", r->path);
			return;
		}
		for (int m = 0; m < HTTP_OTHER; m++)
			if (allowed & (1u << m))
				buf_printf(&allow, "%s%s", allow.len ? ", " : "",
				    method_names[m]);
		http_header(r, "Allow", "%s", allow.p);
		buf_free(&allow);
		http_error(r, 405, "method_not_allowed", NULL,
		    "接口 %s 不支持 %s 方法", r->path, r->method_str);
		return;
	}
	/* route_match of later candidates may have clobbered captures */
	route_match(r, rt->pattern, r->path);

	if (rt->roles != ROLE_PUBLIC) {
		rc = auth_session(r);
		if (rc == DB_ERROR || rc == DB_RETRY) {
			http_db_error(r, rc);
			return;
		}
		if (!r->authed) {
			http_error(r, 401, "unauthenticated", NULL,
			    "请先登录");
			return;
		}
		if ((rt->roles & r->sess.role) == 0) {
			http_error(r, 403, "forbidden", NULL,
			    "当前账号（%s）无权访问此接口",
			    role_name(r->sess.role));
			return;
		}
		if (r->sess.via_cookie && r->method != HTTP_GET &&
		    r->method != HTTP_HEAD && !auth_csrf_ok(r)) {
			http_error(r, 403, "csrf_failed", NULL,
			    "缺少或错误的 X-CSRF-Token 请求头");
			return;
		}
	}
	rc = rt->handler(r);
	if (r->status == 0 || rc != r->status) {
		log_msg(LOG_ERROR, r->rid, "handler for %s %s returned %d "
		    "without a response", r->method_str, rt->pattern, rc);
		http_error(r, 500, "internal", NULL, "内部错误");
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

void
req_send(struct req *r)
{
	FCGX_Stream *out = r->fcgi->out;
	bool body = r->method != HTTP_HEAD && r->status != 304 &&
	    r->status != 204;

	FCGX_FPrintF(out, "Status: %d %s\r\n", r->status, status_text(r->status));
	if (r->content_type != NULL && r->status != 304)
		FCGX_FPrintF(out, "Content-Type: %s\r\n", r->content_type);
	if (r->status != 304)
		/* libfcgi's printf knows no %zu */
		FCGX_FPrintF(out, "Content-Length: %lu\r\n",
		    (unsigned long)(body ? r->out.len : 0));
	if (!r->cache_set)
		FCGX_PutS("Cache-Control: no-store\r\n", out);
	if (r->headers.len > 0)
		FCGX_PutStr(r->headers.p, (int)r->headers.len, out);
	FCGX_PutS("\r\n", out);
	if (body && r->out.len > 0)
		FCGX_PutStr(r->out.p, (int)r->out.len, out);
}

void
req_end(struct req *r)
{
	for (size_t i = 0; i < r->nallocs; i++)
		free(r->allocs[i]);
	free(r->allocs);
	json_decref(r->body);
	buf_free(&r->headers);
	buf_free(&r->out);
	OPENSSL_cleanse(r->sess.token_hash, sizeof(r->sess.token_hash));
}
