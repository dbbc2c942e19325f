/*
 * request.c - one request's data: request-scoped memory, FastCGI params,
 * cookies, the query string, the JSON body, the request's actor (see
 * http.h). Routing is route.c, declared inputs validate.c, the response
 * response.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "audit.h"
#include "config.h"
#include "clock.h"
#include "http.h"
#include "log.h"
#include "parse.h"

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

const char *
http_method_name(enum http_method m)
{
	return method_names[m < HTTP_METHOD__MAX ? m : HTTP_OTHER];
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

	if (h == NULL)
		return NULL;
	while (*h != '\0') {
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
char *
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

/* ---- the request's actor (rule V3) --------------------------------- */

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

int
audit_write(struct req *r, const char *action, const char *entity,
    int64_t entity_id, json_t *before, json_t *after)
{
	struct actor a = actor_of(r);

	return audit_record(r->db, &a, action, entity, entity_id, before, after);
}

/* ---- a request's life ----------------------------------------------- */

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
	log_set_rid(r->rid);
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
	log_set_rid(NULL);
}

