/*
 * route.c - matching a request to the program's route table (and the
 * built-in /healthz and /metrics), authentication and roles before any
 * handler (see http.h).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "config.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "org.h"
#include "parse.h"
#include "session.h"

/* Parses a positive int64 id of s[0..n): 1..18 digits, no leading 0. */
bool
route_parse_id(const char *s, size_t n, int64_t *out)
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
bool
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
				    !route_parse_id(s, vl, &r->ids[r->nids]))
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

/* E9, E13: an enterprise or provider account before its organisation is
 * certified, a viewer's write, a non-administrator on an administrators'
 * route: answers 403 and returns true. */
static bool
member_refused(struct req *r, const struct route *rt)
{
	bool org = (r->sess.role & (ROLE_ENTERPRISE | ROLE_PROVIDER)) != 0;
	bool write = r->method != HTTP_GET && r->method != HTTP_HEAD;

	if (!org)
		return false;
	if (!(rt->roles & ROUTE_UNCERTIFIED) && !auth_session_certified(r)) {
		http_error(r, 403, "not_certified", NULL,
		    "请先完成机构认证，认证通过后才能使用此功能");
		return true;
	}
	if (write && r->sess.member_role == MEMBER_VIEWER &&
	    !(rt->roles & ROUTE_VIEWER_OK)) {
		http_error(r, 403, "read_only_member", NULL,
		    "您是本机构的查看者，只能查看，不能进行操作");
		return true;
	}
	if ((rt->roles & ROUTE_ORG_ADMIN) &&
	    r->sess.member_role != MEMBER_ADMIN) {
		http_error(r, 403, "admin_only", NULL,
		    "只有本机构的管理员可以进行此操作");
		return true;
	}
	return false;
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

int
http_dump_routes(const struct app *app, FILE *out)
{
	static const struct { int bit; const char *name; } flags[] = {
		{ ROUTE_UNCERTIFIED, "uncertified" },
		{ ROUTE_VIEWER_OK,   "viewer_ok" },
		{ ROUTE_ORG_ADMIN,   "org_admin" },
	};
	static const int role_bits[] = { ROLE_ENTERPRISE, ROLE_PROVIDER,
	    ROLE_REVIEWER, ROLE_BUREAU };
	size_t n = http_route_count(app);

	for (size_t i = 0; i < n; i++) {
		const struct route *rt = route_at(app, i);
		json_t *roles = json_array(), *fl = json_array();
		json_t *line;
		char *s;
		int rc;

		if (rt->roles == ROLE_PUBLIC)
			json_array_append_new(roles, json_string("public"));
		for (size_t k = 0; k < sizeof(role_bits) / sizeof(role_bits[0]);
		    k++)
			if (rt->roles & role_bits[k])
				json_array_append_new(roles,
				    json_string(role_name(role_bits[k])));
		for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]); k++)
			if (rt->roles & flags[k].bit)
				json_array_append_new(fl,
				    json_string(flags[k].name));
		if (i >= app->nroutes)
			json_array_append_new(fl, json_string("internal"));
		line = json_pack("{s:s,s:s,s:s,s:o,s:o}", "program", app->name,
		    "method", http_method_name(rt->method), "path", rt->pattern,
		    "roles", roles, "flags", fl);
		s = line ? json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER) :
		    NULL;
		json_decref(line);
		if (s == NULL)
			return -1;
		rc = fprintf(out, "%s\n", s);
		free(s);
		if (rc < 0)
			return -1;
	}
	return fflush(out) == 0 ? 0 : -1;
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
				    http_method_name((enum http_method)m));
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
		if (member_refused(r, rt))
			return;
	}
	rc = rt->handler(r);
	if (r->status == 0 || rc != r->status) {
		log_msg(LOG_ERROR, r->rid, "handler for %s %s returned %d "
		    "without a response", r->method_str, rt->pattern, rc);
		http_error(r, 500, "internal", NULL, "内部错误");
	}
}

