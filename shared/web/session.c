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
#include "org.h"
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

/* The session of a token and its account (DBS_SESSION_GET). */
struct session_row {
	int64_t     account_id;
	const char *role;
	const char *login;
	int64_t     enterprise_id;     /* 0: none                           */
	int64_t     provider_id;
	int64_t     org_id;            /* 0: none recorded                  */
	const char *member_role;
	const char *csrf_token;
	time_t      created_at, last_seen_at, expires_at;
};

static const struct db_col session_cols[] = {
	DB_COL(struct session_row, account_id),
	DB_COL(struct session_row, role),
	DB_COL(struct session_row, login),
	DB_COL(struct session_row, enterprise_id),
	DB_COL(struct session_row, provider_id),
	DB_COL(struct session_row, org_id),
	DB_COL(struct session_row, member_role),
	DB_COL(struct session_row, csrf_token),
	DB_COL(struct session_row, created_at),
	DB_COL(struct session_row, last_seen_at),
	DB_COL(struct session_row, expires_at),
};
static const struct db_rowmap session_map =
    DB_ROWMAP(struct session_row, session_cols);

int
auth_session(struct req *r)
{
	struct db_res *keep = NULL;
	struct session_row s;
	const char *token;
	bool via_cookie;
	int rc, mr;

	r->authed = false;
	token = request_token(r, &via_cookie);
	if (token == NULL || strlen(token) != AUTH_TOKEN_LEN)
		return DB_OK;
	auth_token_hash(token, r->sess.token_hash);
	rc = db_one(r->db, DBS_SESSION_GET,
	    DB_ARGS(DB_BLOB(r->sess.token_hash, 32)), &session_map, &s, &keep);
	if (rc == DB_NOTFOUND) {
		db_res_free(keep);
		return DB_OK;
	}
	if (rc != DB_OK) {
		db_res_free(keep);
		return rc;
	}
	if (r->now >= s.expires_at ||
	    r->now >= s.last_seen_at + g_config.session_idle ||
	    r->now >= s.created_at + g_config.session_max) {
		/* expired: forget it */
		db_dml(r->db, DBS_SESSION_DELETE,
		    DB_ARGS(DB_BLOB(r->sess.token_hash, 32)),
		    NULL);
		db_res_free(keep);
		return DB_OK;
	}
	r->sess.account_id = s.account_id;
	r->sess.role = role_parse(s.role);
	snprintf(r->sess.login, sizeof(r->sess.login), "%s", s.login);
	r->sess.enterprise_id = s.enterprise_id;
	r->sess.provider_id = s.provider_id;
	r->sess.org_id = s.org_id;
	mr = member_role_parse(s.member_role);
	r->sess.member_role = mr < 0 ? MEMBER_VIEWER : mr;
	snprintf(r->sess.csrf, sizeof(r->sess.csrf), "%s",
	    s.csrf_token ? s.csrf_token : "");
	r->sess.via_cookie = via_cookie;
	r->authed = r->sess.role != 0;
	if (r->now - s.last_seen_at >= TOUCH_EVERY)
		db_dml(r->db, DBS_SESSION_TOUCH, DB_ARGS(
		    DB_TIME(r->now), DB_BLOB(r->sess.token_hash, 32)), NULL);
	db_res_free(keep);
	return DB_OK;
}

bool
auth_session_certified(const struct req *r)
{
	if ((r->sess.role & (ROLE_ENTERPRISE | ROLE_PROVIDER)) == 0)
		return true;
	return r->sess.enterprise_id > 0 || r->sess.provider_id > 0;
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
