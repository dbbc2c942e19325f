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
#include "hashgate.h"
#include "org.h"
#include "outbox.h"
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

/* Issue 15: the device cookie of a browser that logged in before. */
#define DEVICE_COOKIE   "voucher_device"
#define DEVICE_MAX_AGE  (180L * 86400)	/* voucherctl tidy: the same */

/* Where a login attempt comes from, for its delay (issue 15). */
struct attempt {
	bool                known;        /* the account's own known browser */
	bool                has_cookie;   /* a well-formed device cookie     */
	unsigned char       device[32];   /* its token's SHA-256             */
	enum throttle_scope scope;        /* THROTTLE_DEVICE when known, else
	                                     THROTTLE_LOGIN                  */
	char                hex[65];      /* the device hash in hex          */
	const char         *subject;      /* hex, or the login as typed      */
	char                masked[16];   /* the login as audited            */
};

/* The login as the audit trail records it: a mobile number masked
 * (138****8000), any other login its first character and "***" (the
 * entity id names a known account; a failed login may be a password
 * typed in the wrong field). */
static void
login_masked(const char *login, char out[16])
{
	size_t n = strlen(login);
	bool mobile = n == 11;

	for (size_t i = 0; mobile && i < n; i++)
		mobile = login[i] >= '0' && login[i] <= '9';
	if (mobile)
		outbox_mask(login, out);
	else if ((unsigned char)login[0] < 0x80)
		snprintf(out, 16, "%c***", login[0]);
	else
		snprintf(out, 16, "***");
}

/* Fills a for an attempt at login by account_id (0: nobody, or a disabled
 * account): a device cookie of this very account makes it known. A DB_*
 * status. */
static int
attempt_of(struct req *r, const char *login, int64_t account_id,
    struct attempt *a)
{
	const char *cookie = req_cookie(r, DEVICE_COOKIE);
	int64_t owner = 0;
	int rc;

	memset(a, 0, sizeof(*a));
	login_masked(login, a->masked);
	a->scope = THROTTLE_LOGIN;
	a->subject = login;
	if (cookie == NULL || strlen(cookie) != AUTH_TOKEN_LEN)
		return DB_OK;
	a->has_cookie = true;
	auth_token_hash(cookie, a->device);
	if ((rc = db_device_account(r->db, a->device, &owner)) != DB_OK)
		return rc;
	if (account_id > 0 && owner == account_id) {
		a->known = true;
		a->scope = THROTTLE_DEVICE;
		hex_encode(a->device, sizeof(a->device), a->hex);
		a->subject = a->hex;
	}
	return DB_OK;
}

static int
too_many_attempts(struct req *r, int retry)
{
	http_header(r, "Retry-After", "%d", retry);
	if (retry < 60)
		return http_error(r, 429, "too_many_attempts", NULL,
		    "登录失败次数较多，请 %d 秒后再试", retry);
	return http_error(r, 429, "too_many_attempts", NULL,
	    "登录失败次数较多，请 %d 分钟后再试", (retry + 59) / 60);
}

/* The writes of a successful login, in one transaction. */
struct login_tx {
	struct req           *r;
	const struct attempt *a;
	int64_t               account_id;
	const unsigned char  *token_hash;
	const char           *csrf;
	time_t                expires;
	unsigned char         new_device[32];  /* when !a->known */
};

static int
login_tx(struct db *db, void *arg)
{
	struct login_tx *t = arg;
	struct req *r = t->r;
	json_t *after;
	int rc;

	rc = db_session_insert(db, t->token_hash, t->account_id, t->csrf,
	    r->now, t->expires);
	if (rc == DB_OK)
		rc = db_account_logged_in(db, t->account_id, r->now);
	/* a known browser is touched, another one becomes known */
	if (rc == DB_OK)
		rc = t->a->known ? db_device_touch(db, t->a->device, r->now) :
		    db_device_insert(db, t->new_device, t->account_id, r->now);
	/* the success forgets the failures of where it came from: its
	 * browser's, or the login's (never the login's from a known
	 * browser: those were made elsewhere) */
	if (rc == DB_OK)
		rc = throttle_clear(db, t->a->scope, t->a->subject);
	if (rc != DB_OK)
		return rc;
	after = json_pack("{s:s,s:b}", "login", t->a->masked, "known_device",
	    t->a->known);
	rc = audit_write(r, "session.create", "account", t->account_id, NULL,
	    after);
	json_decref(after);
	return rc;
}

/*
 * POST /api/session {login, password}
 * 200 {token, csrf_token, role, login, org_id, org_name, expires_at, …}
 * and the device cookie; 400 bad input; 401 wrong login or password
 * (never says which); 429 too_many_attempts (the login's growing delay,
 * or the known browser's: Retry-After) or busy (no hashing slot soon:
 * Retry-After 1); 503 database unavailable. nginx rate-limits this route
 * per address (429 rate_limited). Issue 15: a login nobody holds goes
 * through the same steps, delays and hash as one that exists.
 */
int
session_create(struct req *r)
{
	struct field_value v[2];
	struct account_row acct;
	struct attempt a;
	struct login_tx t = { .r = r, .a = &a };
	struct db_res *keep = NULL;
	json_t *body, *o = NULL, *after;
	char token[AUTH_TOKEN_LEN + 1], csrf[AUTH_TOKEN_LEN + 1], ts[21];
	char device[AUTH_TOKEN_LEN + 1];
	unsigned char th[32];
	const char *stored = NULL;
	int64_t account_id = 0, entity_id = 0;
	bool allowed, ok;
	int rc, status, retry;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, login_fields, 2, v) < 0)
		return r->status;
	rc = db_account_by_login(r->db, v[0].s, &acct, &keep);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return http_db_error(r, rc);
	if (rc == DB_OK)
		entity_id = acct.id;	/* audited; the reply never tells */
	if (rc == DB_OK && !acct.disabled) {
		stored = acct.password_hash;
		account_id = acct.id;
	}
	if ((rc = attempt_of(r, v[0].s, account_id, &a)) != DB_OK)
		goto db_fail;
	/* E9: the delay of the login (or of the known browser), whoever
	 * holds the login: refused before any hashing */
	rc = throttle_check(r->db, a.scope, a.subject, r->now, &allowed,
	    &retry);
	if (rc != DB_OK)
		goto db_fail;
	if (!allowed) {
		db_res_free(keep);
		return too_many_attempts(r, retry);
	}
	/* issue 15: at most a few hashes at once; never wait long */
	if (!hashgate_enter()) {
		db_res_free(keep);
		http_header(r, "Retry-After", "1");
		return http_error(r, 429, "busy", NULL,
		    "登录的人较多，请稍后再试");
	}
	/* the attempt counts before it is tried: concurrent guesses at one
	 * login are delayed one by one */
	rc = throttle_take(r->db, a.scope, a.subject, r->now, &allowed,
	    &retry);
	if (rc != DB_OK || !allowed) {
		hashgate_leave();
		if (rc != DB_OK)
			goto db_fail;
		db_res_free(keep);
		return too_many_attempts(r, retry);
	}
	/* always one full derivation: no timing oracle for logins */
	ok = auth_password_verify(v[1].s, stored);
	hashgate_leave();
	if (!ok) {
		db_res_free(keep);
		after = json_pack("{s:s,s:b,s:s}", "login", a.masked,
		    "known_device", a.known, "reason", "invalid_credentials");
		audit_write(r, "session.fail", "account", entity_id, NULL,
		    after);
		json_decref(after);
		return http_error(r, 401, "invalid_credentials", NULL,
		    "账号或密码错误");
	}
	if (auth_token_new(token) < 0 || auth_token_new(csrf) < 0 ||
	    (!a.known && auth_token_new(device) < 0)) {
		db_res_free(keep);
		return http_error(r, 503, "unavailable", NULL, "随机数生成失败");
	}
	auth_token_hash(token, th);
	if (!a.known)
		auth_token_hash(device, t.new_device);
	t.account_id = acct.id;
	t.token_hash = th;
	t.csrf = csrf;
	t.expires = r->now + g_config.session_max;
	r->authed = true;	/* the audit record names the new session's owner */
	r->sess.account_id = acct.id;
	r->sess.role = role_parse(acct.role);
	if ((rc = db_tx(r->db, login_tx, &t)) != DB_OK)
		goto db_fail;

	clock_format_iso8601(t.expires, ts);
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
	/* the browser is known from now on (for 180 days from its last
	 * login): its logins skip the delays of failures made elsewhere */
	http_header(r, "Set-Cookie", "%s=%s; Path=/api/session; Max-Age=%ld; "
	    "HttpOnly; SameSite=Strict%s", DEVICE_COOKIE, a.known ?
	    req_cookie(r, DEVICE_COOKIE) : device, DEVICE_MAX_AGE,
	    g_config.cookie_secure ? "; Secure" : "");
	set_cookie(r, token, g_config.session_max);
	status = http_json(r, 200, o);
	OPENSSL_cleanse(token, sizeof(token));
	OPENSSL_cleanse(device, sizeof(device));
	return status;
db_fail:
	db_res_free(keep);
	return http_db_error(r, rc);
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
