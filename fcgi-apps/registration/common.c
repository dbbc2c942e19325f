/*
 * common.c - what the handlers of the registration program share: the
 * session's organisation (adopting one the bureau onboarded), logging a
 * session in, error replies with details, small formats.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "clock.h"
#include "config.h"
#include "hashgate.h"
#include "password.h"
#include "registration.h"
#include "session.h"

bool
mobile_valid(const char *s)
{
	if (s == NULL || strlen(s) != MOBILE_LEN || s[0] != '1' ||
	    s[1] < '3' || s[1] > '9')
		return false;
	for (size_t i = 2; i < MOBILE_LEN; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

int64_t
today_ymd(time_t now)
{
	int y, m, d;

	clock_shanghai_date(now, &y, &m, &d);
	return (int64_t)y * 10000 + m * 100 + d;
}

const char *
tier_name_zh(const char *tier)
{
	if (tier == NULL)
		return NULL;
	if (strcmp(tier, "specialized") == 0)
		return "专精特新中小企业";
	if (strcmp(tier, "little_giant") == 0)
		return "专精特新“小巨人”企业";
	return "普通中小微企业";
}

int
error_with(struct req *r, int status, const char *code, const char *field,
    const char *message, const char *key, json_t *extra)
{
	json_t *e = json_pack("{s:s,s:s}", "code", code, "message", message);

	if (field != NULL)
		json_object_set_new(e, "field", json_string(field));
	if (key != NULL && extra != NULL)
		json_object_set_new(e, key, extra);
	else
		json_decref(extra);
	return http_json(r, status, json_pack("{s:o}", "error", e));
}

/* ---- the session's organisation ----------------------------------------- */

struct adopt_tx {
	struct actor  a;
	bool          provider;
	int64_t       party_id;
	int64_t       org_id;       /* out */
};

static int
adopt_tx(struct db *db, void *arg)
{
	struct adopt_tx *t = arg;
	bool created;
	json_t *after;
	int rc;

	t->org_id = 0;
	rc = db_org_adopt(db, t->provider, t->party_id, t->a.now, &t->org_id,
	    &created);
	if (rc != DB_OK || !created)
		return rc;
	after = json_pack("{s:s,s:I}", "kind", t->provider ? "provider" :
	    "enterprise", "party_id", (json_int_t)t->party_id);
	rc = audit_record(db, &t->a, "org.adopt", "organisation", t->org_id,
	    NULL, after);
	json_decref(after);
	return rc;
}

int
session_org_or_4xx(struct req *r, int64_t *org_id)
{
	struct adopt_tx t = { .a = actor_of(r) };
	int rc;

	*org_id = r->sess.org_id;
	if (*org_id > 0)
		return 0;
	if (r->sess.enterprise_id == 0 && r->sess.provider_id == 0) {
		http_error(r, 403, "forbidden", NULL, "当前账号不属于任何机构");
		return -1;
	}
	/* onboarded by the bureau: its record becomes the organisation,
	 * certified (E9), and every account of it a member (E13) */
	t.provider = r->sess.provider_id > 0;
	t.party_id = t.provider ? r->sess.provider_id : r->sess.enterprise_id;
	rc = db_org_id_of(r->db, t.provider, t.party_id, org_id);
	if (rc == DB_NOTFOUND) {
		rc = db_tx(r->db, adopt_tx, &t);
		*org_id = t.org_id;
	}
	if (rc != DB_OK) {
		http_db_error(r, rc);
		return -1;
	}
	r->sess.org_id = *org_id;
	return 0;
}

/* ---- logging in ----------------------------------------------------------- */

int
login_reply(struct req *r, int64_t account_id, const char *role,
    const char *login, int status, json_t *extra)
{
	char token[AUTH_TOKEN_LEN + 1], csrf[AUTH_TOKEN_LEN + 1], ts[21];
	unsigned char th[32];
	time_t expires = r->now + g_config.session_max;
	json_t *o;
	int rc;

	if (auth_token_new(token) < 0 || auth_token_new(csrf) < 0) {
		json_decref(extra);
		return http_error(r, 503, "unavailable", NULL, "随机数生成失败");
	}
	auth_token_hash(token, th);
	rc = db_session_insert(r->db, th, account_id, csrf, r->now, expires);
	if (rc != DB_OK) {
		json_decref(extra);
		OPENSSL_cleanse(token, sizeof(token));
		return http_db_error(r, rc);
	}
	db_account_logged_in(r->db, account_id, r->now);
	clock_format_iso8601(expires, ts);
	o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "token", token, "csrf_token", csrf,
	    "role", role, "login", login, "expires_at", ts);
	if (extra != NULL) {
		json_object_update(o, extra);
		json_decref(extra);
	}
	http_header(r, "Set-Cookie", "%s=%s; Path=/; Max-Age=%ld; HttpOnly; "
	    "SameSite=Strict%s", AUTH_COOKIE, token, g_config.session_max,
	    g_config.cookie_secure ? "; Secure" : "");
	OPENSSL_cleanse(token, sizeof(token));
	return http_json(r, status, o);
}

int
busy_reply(struct req *r)
{
	http_header(r, "Retry-After", "1");
	return http_error(r, 429, "busy", NULL, "提交的人较多，请稍后再试");
}

int
hash_gate_or_429(struct req *r)
{
	if (hashgate_enter())
		return 0;
	busy_reply(r);
	return -1;
}
