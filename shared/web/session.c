/*
 * session.c - the logged-in account of a request: the session token from
 * the bearer header or the cookie, idle and absolute expiry, the CSRF
 * check (see session.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "config.h"
#include "db.h"
#include "lib_sql.h"
#include "log.h"
#include "password.h"
#include "session.h"

#define TOUCH_EVERY 60   /* seconds between last_seen_at writes */

/* The token of the request, and whether it came from the cookie. */
static const char *
request_token(struct req *r, bool *via_cookie)
{
	const char *h = req_param(r, "HTTP_AUTHORIZATION");

	*via_cookie = false;
	if (h != NULL && strncasecmp(h, "Bearer ", 7) == 0)
		return h + 7;
	*via_cookie = true;
	return req_cookie(r, AUTH_COOKIE);
}

int
auth_session(struct req *r)
{
	struct db_res *res = NULL;
	const char *token, *csrf;
	bool via_cookie;
	time_t created, last_seen, expires;
	int rc;

	r->authed = false;
	token = request_token(r, &via_cookie);
	if (token == NULL || strlen(token) != AUTH_TOKEN_LEN)
		return DB_OK;
	auth_token_hash(token, r->sess.token_hash);
	rc = db_query(r->db, DBS_SESSION_GET,
	    DB_ARGS(DB_BLOB(r->sess.token_hash, 32)), &res);
	if (rc == DB_NOTFOUND) {
		db_res_free(res);
		return DB_OK;
	}
	if (rc != DB_OK)
		return rc;
	created = (time_t)db_i64(res, 0, 6);
	last_seen = (time_t)db_i64(res, 0, 7);
	expires = (time_t)db_i64(res, 0, 8);
	if (r->now >= expires || r->now >= last_seen + g_config.session_idle ||
	    r->now >= created + g_config.session_max) {
		/* expired: forget it */
		db_dml(r->db, DBS_SESSION_DELETE,
		    DB_ARGS(DB_BLOB(r->sess.token_hash, 32)),
		    NULL);
		db_res_free(res);
		return DB_OK;
	}
	r->sess.account_id = db_i64(res, 0, 0);
	r->sess.role = role_parse(db_str(res, 0, 1));
	snprintf(r->sess.login, sizeof(r->sess.login), "%s", db_str(res, 0, 2));
	r->sess.enterprise_id = db_isnull(res, 0, 3) ? 0 : db_i64(res, 0, 3);
	r->sess.provider_id = db_isnull(res, 0, 4) ? 0 : db_i64(res, 0, 4);
	csrf = db_str(res, 0, 5);
	snprintf(r->sess.csrf, sizeof(r->sess.csrf), "%s", csrf ? csrf : "");
	r->sess.via_cookie = via_cookie;
	r->authed = r->sess.role != 0;
	if (r->now - last_seen >= TOUCH_EVERY)
		db_dml(r->db, DBS_SESSION_TOUCH, DB_ARGS(
		    DB_TIME(r->now), DB_BLOB(r->sess.token_hash, 32)), NULL);
	db_res_free(res);
	return DB_OK;
}

bool
auth_csrf_ok(struct req *r)
{
	const char *h = req_param(r, "HTTP_X_CSRF_TOKEN");
	size_t n = strlen(r->sess.csrf);

	if (h == NULL || n == 0 || strlen(h) != n)
		return false;
	return CRYPTO_memcmp(h, r->sess.csrf, n) == 0;
}
