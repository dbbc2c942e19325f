/*
 * session.c - login (POST /api/session), logout (DELETE /api/session) and
 * the current account (GET /api/me).
 *
 * A session is a 256-bit random token, stored only as its SHA-256, with
 * an idle and an absolute expiry (VOUCHER_SESSION_IDLE / _MAX). Browsers
 * get it in an HttpOnly SameSite=Strict cookie and must echo the CSRF
 * token in X-CSRF-Token on writes; API clients send it as a Bearer token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "account.h"
#include "session.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "org.h"
#include "rules.h"
#include "throttle.h"

static const struct field login_fields[] = {
	{ "login",    FIELD_STRING, true, 1, 64, NULL },
	{ "password", FIELD_STRING, true, 1, 128, NULL },
};

/* The organisation of an account, for the login and /api/me replies.
 * Adds org_id, org_name and (enterprise) quota/eligibility (O1, E7) or
 * (provider) barred (V2) to o. */
static int
org_describe(struct req *r, const char *role, int64_t ent_id, int64_t prov_id,
    json_t *o)
{
	struct db_res *keep = NULL;
	int year = allowance_year(r);		/* Y3: the round's year */
	int rc = DB_OK;

	if ((strcmp(role, "enterprise") == 0 && ent_id == 0) ||
	    (strcmp(role, "provider") == 0 && prov_id == 0)) {
		/* E9: joined by itself, not certified yet (its certification
		 * follows in membership_describe) */
		json_object_set_new(o, "org_id", json_null());
		json_object_set_new(o, "org_name", json_null());
		json_object_set_new(o, "eligible", json_false());
		json_object_set_new(o, "ineligible_rule", json_null());
		return DB_OK;
	}
	if (strcmp(role, "enterprise") == 0) {
		struct enterprise_row e;
		const char *why;

		rc = db_enterprise_get(r->db, ent_id, year, r->now, false, &e,
		    &keep);
		if (rc != DB_OK)
			goto done;
		why = enterprise_ineligible(&e, r->now);
		json_object_set_new(o, "org_id", json_integer(ent_id));
		json_object_set_new(o, "org_name", json_string(e.name));
		json_object_set_new(o, "tier", json_string(e.tier));
		json_object_set_new(o, "quota", enterprise_quota_json(&e, year));
		json_object_set_new(o, "eligible", json_boolean(why == NULL));
		json_object_set_new(o, "ineligible_rule",
		    why ? json_string(why) : json_null());
	} else if (strcmp(role, "provider") == 0) {
		struct provider_brief p;

		rc = db_provider_brief(r->db, prov_id, &p, &keep);
		if (rc != DB_OK)
			goto done;
		json_object_set_new(o, "org_id", json_integer(prov_id));
		json_object_set_new(o, "org_name", json_string(p.name));
		json_object_set_new(o, "barred", json_boolean(
		    rule_barred_at(p.barred_until, r->now)));
	} else {
		json_object_set_new(o, "org_id", json_null());
		json_object_set_new(o, "org_name", json_string(
		    strcmp(role, "bureau") == 0 ? "北京市经济和信息化局" :
		    "评审机构"));
	}
done:
	db_res_free(keep);
	return rc;
}

/* E9, E13: an enterprise's or provider's member role and certification
 * state (with the reason of a return or a refusal), added to o. */
static int
membership_describe(struct req *r, const char *role, int64_t org_id,
    const char *member_role, bool certified, json_t *o)
{
	json_t *c = NULL;
	int rc;

	if (strcmp(role, "enterprise") != 0 && strcmp(role, "provider") != 0)
		return DB_OK;
	if ((rc = org_certification_json(r->db, org_id, certified, &c)) != DB_OK)
		return rc;
	if (!certified && json_is_string(json_object_get(c, "name")))
		json_object_set(o, "org_name", json_object_get(c, "name"));
	json_object_set_new(o, "certification", c);
	json_object_set_new(o, "member_role", json_string(member_role ?
	    member_role : "admin"));
	return DB_OK;
}

static void
set_cookie(struct req *r, const char *token, long max_age)
{
	http_header(r, "Set-Cookie", "%s=%s; Path=/; Max-Age=%ld; HttpOnly; "
	    "SameSite=Strict%s", AUTH_COOKIE, token, max_age,
	    g_config.cookie_secure ? "; Secure" : "");
}

/*
 * POST /api/session {login, password}
 * 200 {token, csrf_token, role, login, org_id, org_name, expires_at, …};
 * 400 bad input; 401 wrong login or password (never says which);
 * 503 database unavailable. nginx rate-limits this route (429).
 */
int
session_create(struct req *r)
{
	struct field_value v[2];
	struct account_row acct;
	struct db_res *keep = NULL;
	json_t *body, *o = NULL;
	char token[AUTH_TOKEN_LEN + 1], csrf[AUTH_TOKEN_LEN + 1], ts[21];
	unsigned char th[32];
	const char *stored = NULL;
	time_t expires;
	bool allowed;
	int rc, status, retry;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, login_fields, 2, v) < 0)
		return r->status;
	/* E9: failed attempts per login, whoever holds it (no enumeration) */
	rc = throttle_check(r->db, THROTTLE_LOGIN, v[0].s, r->now, &allowed,
	    &retry);
	if (rc != DB_OK)
		return http_db_error(r, rc);
	if (!allowed) {
		http_header(r, "Retry-After", "%d", retry);
		return http_error(r, 429, "too_many_attempts", NULL,
		    "登录失败次数过多，请 %d 分钟后再试", (retry + 59) / 60);
	}
	rc = db_account_by_login(r->db, v[0].s, &acct, &keep);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return http_db_error(r, rc);
	if (rc == DB_OK && !acct.disabled)
		stored = acct.password_hash;
	/* always one full derivation: no timing oracle for logins */
	if (!auth_password_verify(v[1].s, stored)) {
		db_res_free(keep);
		throttle_take(r->db, THROTTLE_LOGIN, v[0].s, r->now, &allowed,
		    &retry);
		return http_error(r, 401, "invalid_credentials", NULL,
		    "账号或密码错误");
	}
	if (auth_token_new(token) < 0 || auth_token_new(csrf) < 0) {
		db_res_free(keep);
		return http_error(r, 503, "unavailable", NULL, "随机数生成失败");
	}
	auth_token_hash(token, th);
	expires = r->now + g_config.session_max;
	rc = db_session_insert(r->db, th, acct.id, csrf, r->now, expires);
	if (rc != DB_OK) {
		db_res_free(keep);
		return http_db_error(r, rc);
	}
	db_account_logged_in(r->db, acct.id, r->now);
	r->authed = true;	/* the audit record names the new session's owner */
	r->sess.account_id = acct.id;
	r->sess.role = role_parse(acct.role);
	audit_write(r, "session.create", "account", acct.id, NULL, NULL);

	clock_format_iso8601(expires, ts);
	o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "token", token, "csrf_token",
	    csrf, "role", acct.role, "login", v[0].s, "expires_at", ts);
	rc = org_describe(r, acct.role, acct.enterprise_id, acct.provider_id,
	    o);
	if (rc == DB_OK)
		rc = membership_describe(r, acct.role, acct.org_id,
		    acct.member_role, acct.enterprise_id > 0 ||
		    acct.provider_id > 0, o);
	db_res_free(keep);
	if (rc != DB_OK) {
		json_decref(o);
		return http_db_error(r, rc);
	}
	set_cookie(r, token, g_config.session_max);
	status = http_json(r, 200, o);
	OPENSSL_cleanse(token, sizeof(token));
	return status;
}

/*
 * DELETE /api/session: ends the caller's session and clears the cookie.
 * 204; 401 without a session.
 */
int
session_delete(struct req *r)
{
	int rc = db_session_delete(r->db, r->sess.token_hash);

	if (rc != DB_OK && rc != DB_NOTFOUND)
		return http_db_error(r, rc);
	audit_write(r, "session.delete", "account", r->sess.account_id, NULL,
	    NULL);
	set_cookie(r, "", 0);
	return http_body(r, 204, NULL, NULL, 0);
}

/*
 * GET /api/me → {login, role, org_id, org_name, and for an enterprise
 * tier, quota {year, cap, occupied, available} in fen (E7, O3) and
 * eligible / ineligible_rule (O1); for an enterprise or a provider its
 * member_role and certification {state, state_name, certified, reason}
 * (E9, E13)}. 401 without a session.
 */
int
me_get(struct req *r)
{
	json_t *o = json_pack("{s:I,s:s,s:s}", "account_id",
	    (json_int_t)r->sess.account_id, "login", r->sess.login, "role",
	    role_name(r->sess.role));
	int rc = org_describe(r, role_name(r->sess.role), r->sess.enterprise_id,
	    r->sess.provider_id, o);

	if (rc == DB_OK)
		rc = membership_describe(r, role_name(r->sess.role),
		    r->sess.org_id, member_role_name(
		    (enum member_role)r->sess.member_role),
		    auth_session_certified(r), o);
	if (rc != DB_OK) {
		json_decref(o);
		return http_db_error(r, rc);
	}
	return http_json(r, 200, o);
}
