/*
 * http.h - one request's life in a FastCGI program: the parsed request,
 * the route table, declared inputs, and the one response path.
 *
 * A handler is `int handler(struct req *r)`: it reads parsed inputs only,
 * and returns the HTTP status it produced through http_json(),
 * http_error() or http_body(). The `…_or_4xx` helpers write the error
 * themselves and return -1, so a handler just does
 *     if (query_i64_or_400(r, "page", 1, 100000, 1, &page) < 0)
 *             return r->status;
 * All memory a handler gets from req_* functions belongs to the request
 * and is freed when it ends.
 */
#ifndef VOUCHER_HTTP_H
#define VOUCHER_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <fcgiapp.h>
#include <jansson.h>

#include "audit.h"
#include "buf.h"
#include "db.h"
#include "page.h"

struct db;

enum http_method {
	HTTP_GET,
	HTTP_HEAD,
	HTTP_POST,
	HTTP_PUT,
	HTTP_DELETE,
	HTTP_PATCH,
	HTTP_OPTIONS,
	HTTP_OTHER,
	HTTP_METHOD__MAX
};

/* Roles, as bits of a route's `roles` mask. */
enum role {
	ROLE_ENTERPRISE = 1 << 0,
	ROLE_PROVIDER   = 1 << 1,
	ROLE_REVIEWER   = 1 << 2,
	ROLE_BUREAU     = 1 << 3
};
#define ROLE_PUBLIC  0            /* no login needed                   */
#define ROLE_ANY     0x0f         /* any logged-in account             */

/* "enterprise" → ROLE_ENTERPRISE …; 0 when unknown. */
int role_parse(const char *s);
const char *role_name(int role);

/* The logged-in account, filled by the shared layer before a handler. */
struct session {
	int64_t account_id;
	int     role;                 /* one ROLE_* bit                     */
	char    login[65];
	int64_t enterprise_id;        /* 0 unless role is enterprise and its
	                                 organisation is certified (E9)     */
	int64_t provider_id;          /* 0 unless role is provider and … */
	int64_t org_id;               /* its organisation (E13); 0: none
	                                 recorded (onboarded by the bureau) */
	int     member_role;          /* enum member_role (org.h): what the
	                                 member may do; staff are admin     */
	bool    via_cookie;           /* CSRF token required on writes      */
	char    csrf[48];             /* the session's CSRF token           */
	unsigned char token_hash[32];
};

struct req;
typedef int (*http_handler)(struct req *r);

/* One route: pattern segments are literal, `{id}` (a positive int64,
 * stored in r->ids[]) or `{s}` (any non-empty segment, r->segs[]). A
 * pattern may end in `.{s}` inside its last segment, e.g. "/x/{id}.csv"
 * is literal; only whole-segment captures are supported. */
struct route {
	enum http_method method;
	const char      *pattern;
	http_handler     handler;
	int              roles;       /* ROLE_PUBLIC or a mask of ROLE_*,
	                                 with enum route_flag bits          */
};

/* What a route allows beyond its roles (issue 12: E9, E13), or'ed into
 * its roles mask (ROLE_ENTERPRISE | ROUTE_UNCERTIFIED). By default an
 * enterprise or provider account must belong to a certified organisation
 * (403 not_certified), and a viewer member may only read (403
 * read_only_member on any other method). */
enum route_flag {
	ROUTE_UNCERTIFIED = 1 << 8,   /* also before the certification     */
	ROUTE_VIEWER_OK   = 1 << 9,   /* a write a viewer may make (logout) */
	ROUTE_ORG_ADMIN   = 1 << 10   /* enterprise / provider accounts:
	                                 administrators only (E13)          */
};

#define REQ_MAX_CAPTURES 4

struct req {
	FCGX_Request      *fcgi;
	struct db         *db;        /* the write database                 */
	struct db         *db_ro;     /* read-only (may equal db)           */
	enum http_method   method;
	const char        *method_str;
	const char        *path;      /* nginx's normalised $uri            */
	const char        *query;     /* raw query string ("" if none)      */
	const char        *rid;       /* nginx request id ("" if none)      */
	const char        *remote_addr;
	time_t             now;       /* clock_now() at request start (T2)  */
	int                route_index; /* into the app's table, -1 if none */
	int64_t            ids[REQ_MAX_CAPTURES];
	char              *segs[REQ_MAX_CAPTURES];
	size_t             nids, nsegs;
	bool               authed;
	struct session     sess;

	/* parsed lazily */
	char             **qnames, **qvalues;
	size_t             nquery;
	bool               query_parsed;
	json_t            *body;

	/* the response */
	int                status;
	const char        *content_type;
	struct buf         headers;   /* extra "Name: value\r\n" lines       */
	struct buf         out;       /* body                               */
	bool               cache_set; /* handler set Cache-Control          */
	bool               streamed;  /* http_stream_begin sent the head    */
	bool               stream_broken; /* a write failed or was aborted  */

	/* request-scoped allocations, freed at the end */
	void             **allocs;
	size_t             nallocs, allocs_cap;
};

/* ---- request-scoped memory ------------------------------------------ */
void *req_alloc(struct req *r, size_t n);
char *req_strdup(struct req *r, const char *s);
char *req_strndup(struct req *r, const char *s, size_t n);

/* ---- request data --------------------------------------------------- */
/* A FastCGI param ("HTTP_X_CSRF_TOKEN", "CONTENT_TYPE"…) or NULL. */
const char *req_param(const struct req *r, const char *name);
/* The value of cookie name or NULL (request-owned). */
const char *req_cookie(struct req *r, const char *name);
/* Query parameter name, decoded, or NULL; a repeated name → the first. */
const char *req_query(struct req *r, const char *name);

/* Bounded integer query parameter: absent → def. Writes 400 naming the
 * parameter and returns -1 on a non-integer or out-of-range value. */
int query_i64_or_400(struct req *r, const char *name, int64_t min,
    int64_t max, int64_t def, int64_t *out);
/* String query parameter, at most maxlen UTF-8 characters: absent →
 * NULL. 400 on a longer or invalid value. */
int query_str_or_400(struct req *r, const char *name, size_t maxlen,
    const char **out);
/* One of choices (NULL-terminated): absent → def. 400 otherwise. */
int query_enum_or_400(struct req *r, const char *name,
    const char *const *choices, const char *def, const char **out);

/* The JSON object body (Content-Type application/json, at most
 * VOUCHER_BODY_MAX bytes, duplicate keys refused). On failure writes
 * 400/411/413/415 and returns NULL. Borrowed reference. */
json_t *req_json_or_4xx(struct req *r);

/* Pagination, the same for every list: page (1..100000, default 1) and
 * per_page (1..100, default 20). 400 naming the parameter otherwise. */
int query_page_or_400(struct req *r, int64_t *page, int64_t *per_page);

/* A LIKE pattern matching q anywhere, with %, _ and \ escaped
 * (request-owned). */
char *req_like_contains(struct req *r, const char *q);

/* ---- declared inputs ------------------------------------------------ */
enum field_type {
	FIELD_STRING,    /* min..max characters, no control characters   */
	FIELD_TEXT,      /* like STRING, newlines and tabs allowed        */
	FIELD_INT,       /* integer in min..max                           */
	FIELD_MONEY,     /* integer fen in min..max (rule M1)             */
	FIELD_BOOL,
	FIELD_ENUM,      /* one of choices                                */
	FIELD_DATE,      /* "YYYY-MM-DD" calendar date                     */
	FIELD_ID,        /* positive int64                                */
	FIELD_OBJECT     /* a JSON object, checked by a second field table */
};

struct field {
	const char        *name;
	enum field_type    type;
	bool               required;
	int64_t            min, max;  /* INT/MONEY value; STRING length    */
	const char *const *choices;   /* ENUM, NULL-terminated             */
};

struct field_value {
	bool        present;          /* given (and not null)              */
	int64_t     i;                /* INT, MONEY, ID, BOOL; DATE: y*10000+m*100+d */
	const char *s;                /* STRING, TEXT, ENUM, DATE (borrowed) */
	int         y, m, d;          /* DATE                              */
};

/* Validates obj against fields: an unknown key, a missing required field,
 * a wrong type or an out-of-range value writes 400 naming the field and
 * returns -1. out has one slot per field. */
int req_fields_or_400(struct req *r, json_t *obj, const struct field *fields,
    size_t nfields, struct field_value *out);

/* The same checks, collecting every failure instead of stopping at the
 * first (a form that answers all its failing fields at once): appends one
 * {field, code, message} to errors per unknown key, missing required
 * field, wrong type or out-of-range value, in that order, each field named
 * "prefix.name" (name alone when prefix is NULL). out has one slot per
 * field, filled for the fields that passed. Returns the number of
 * failures appended. obj must be a JSON object (otherwise every required
 * field is reported missing). */
size_t req_fields_collect(json_t *obj, const char *prefix,
    const struct field *fields, size_t nfields, struct field_value *out,
    json_t *errors);

/* ---- the response --------------------------------------------------- */
/* Adds a response header line. */
void http_header(struct req *r, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Sends obj (stolen) as JSON with status. Returns status. */
int http_json(struct req *r, int status, json_t *obj);

/* Like http_json for 200, public and cacheable for max_age seconds, with
 * an ETag; answers 304 when If-None-Match matches. Returns the status. */
int http_json_cached(struct req *r, json_t *obj, int max_age);

/* Sends {"error":{"code","message","field"}}; field may be NULL. */
int http_error(struct req *r, int status, const char *code,
    const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Sends raw bytes with a content type. */
int http_body(struct req *r, int status, const char *content_type,
    const void *data, size_t len);

/* Maps a DB_* failure to 409/503/500 with a JSON error. */
int http_db_error(struct req *r, int db_status);

/* A body too long to hold (an export of 150,000 rows, issue #13 §2):
 * http_stream_begin sends the status and the headers added so far at
 * once, with a Content-Length when length >= 0 and none otherwise (nginx
 * then sends the body chunked); each http_stream_write goes to libfcgi's
 * buffer as it comes, so the program holds one buffer, not the body.
 * req_send sends nothing more. The status cannot change once begun: a
 * failure after it calls http_stream_abort, which cuts the connection to
 * nginx without ending the request, so the client sees a broken transfer
 * (never a short file that looks whole). A HEAD request gets the head
 * only. http_stream_write returns 0, or -1 once the stream is broken (the
 * client went away, or aborted): the caller stops producing. */
int http_stream_begin(struct req *r, int status, const char *content_type,
    int64_t length);
int http_stream_write(struct req *r, const void *data, size_t len);
void http_stream_abort(struct req *r);

/* ---- the request's actor (rule V3) ---------------------------------- */
/* The actor of request r (its session, or "public"). */
struct actor actor_of(const struct req *r);

/* Appends an audit record on r->db (inside the caller's transaction
 * when there is one): actor from the session, before/after borrowed
 * (may be NULL). Returns a DB_* status. */
int audit_write(struct req *r, const char *action, const char *entity,
    int64_t entity_id, json_t *before, json_t *after);

/* ---- used by server.c and metrics.c ---------------------------------- */
struct app;
/* The app's routes followed by the built-in /healthz and /metrics. */
size_t http_route_count(const struct app *app);
const struct route *http_route_at(const struct app *app, size_t i);
const char *http_method_name(enum http_method m);
/* Writes one JSON line per route of app (its own, then the built-in
 * /healthz and /metrics, flagged "internal") to out: {program, method,
 * path, roles: ["public"] or role names, flags: ["uncertified",
 * "viewer_ok", "org_admin", "internal"]} (issue 16 §6: the OpenAPI
 * description is checked against it). Returns 0, or -1 on a write
 * error. */
int http_dump_routes(const struct app *app, FILE *out);
void req_init(struct req *r, FCGX_Request *fcgi, struct db *db,
    struct db *db_ro);
void req_dispatch(struct req *r, const struct app *app);
void req_send(struct req *r);
void req_end(struct req *r);

#endif
