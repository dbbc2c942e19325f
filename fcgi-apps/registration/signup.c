/*
 * signup.c - joining by oneself (rule E9): an account for a mobile
 * number with a password, confirmed by a one-time 6-digit code sent
 * through the outbox; the code again; and accepting an invitation to an
 * organisation (E13) with the code sent to the invited mobile.
 *
 * No enumeration: signup and resend answer the same (and do the same
 * work: one password hash and one code hash each) whether or not the
 * mobile has an account; a mobile that has a confirmed account gets a
 * notice instead of a code. The limits are per client address (nginx)
 * and per mobile (throttle.h), whoever holds it.
 *
 * Codes: 6 random digits, stored only as a PBKDF2 hash, valid 10
 * minutes, 5 tries. A try is spent (a guarded UPDATE) before the code is
 * compared, so that no concurrency allows a sixth guess; a right code is
 * consumed in the transaction that acts on it.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "clock.h"
#include "config.h"
#include "hashgate.h"
#include "outbox.h"
#include "password.h"
#include "registration.h"
#include "throttle.h"

static const char *const kinds[] = { "enterprise", "provider", NULL };

/* A new code: 6 decimal digits, uniform. 0 or -1 (no randomness). */
static int
code_new(char out[7])
{
	uint32_t v;

	do {
		if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
			return -1;
	} while (v >= 4294000000u);	/* a multiple of 10^6: no bias */
	snprintf(out, 7, "%06u", v % 1000000u);
	return 0;
}

static int
mobile_or_400(struct req *r, const char *mobile)
{
	if (mobile_valid(mobile))
		return 0;
	http_error(r, 400, "invalid_field", "mobile",
	    "手机号须为 11 位中国大陆手机号码");
	return -1;
}

static int
code_or_400(struct req *r, const char *code)
{
	for (size_t i = 0; code[i] != '\0'; i++)
		if (code[i] < '0' || code[i] > '9')
			goto bad;
	if (strlen(code) == 6)
		return 0;
bad:
	http_error(r, 400, "invalid_field", "code", "验证码为 6 位数字");
	return -1;
}

/* Both hashes a signup or a resend computes, whatever the mobile. */
struct hashes {
	char password[AUTH_HASH_MAX];
	char code[7];
	char code_hash[AUTH_HASH_MAX];
};

static int
hashes_or_503(struct req *r, const char *password, struct hashes *h)
{
	int bad;

	if (hash_gate_or_429(r) < 0)
		return -1;
	bad = (password != NULL && auth_password_hash(password,
	    g_config.pbkdf2_iter, h->password, sizeof(h->password)) < 0) ||
	    code_new(h->code) < 0 || auth_password_hash(h->code,
	    g_config.pbkdf2_iter, h->code_hash, sizeof(h->code_hash)) < 0;
	hashgate_leave();
	if (bad) {
		http_error(r, 503, "unavailable", NULL, "随机数生成失败");
		return -1;
	}
	return 0;
}

static void
hashes_clear(struct hashes *h)
{
	OPENSSL_cleanse(h, sizeof(*h));
}

static int
throttled_reply(struct req *r, int retry_after)
{
	http_header(r, "Retry-After", "%d", retry_after > 0 ? retry_after : 60);
	return http_error(r, 429, "too_many_codes", NULL,
	    "验证码发送过于频繁，请 %d 秒后再试", retry_after > 0 ?
	    retry_after : 60);
}

/* The reply of a signup or a resend: the same for every mobile. */
static int
sent_reply(struct req *r, int status, const char *mobile)
{
	char masked[16];

	outbox_mask(mobile, masked);
	return http_json(r, status, json_pack("{s:s,s:s,s:i,s:i}", "status",
	    "code_sent", "mobile", masked, "expires_in", CODE_TTL,
	    "resend_in", throttle_limit(THROTTLE_CODE)->interval));
}

/* ---- POST /api/signup ------------------------------------------------------ */

enum { SF_KIND, SF_MOBILE, SF_PASSWORD, SF_NAME, SF__MAX };

static const struct field signup_fields[SF__MAX] = {
	[SF_KIND]     = { "kind", FIELD_ENUM, true, 0, 0, kinds },
	[SF_MOBILE]   = { "mobile", FIELD_STRING, true, 1, 20, NULL },
	[SF_PASSWORD] = { "password", FIELD_STRING, true, PASSWORD_MIN, PASSWORD_MAX, NULL },
	[SF_NAME]     = { "name", FIELD_STRING, true, 1, 50, NULL },
};

struct signup_tx {
	struct req               *r;
	const struct field_value *v;
	const struct hashes      *h;
	int                       retry_after;    /* out: TX_THROTTLED */
};

static int
signup_body(struct db *db, void *arg)
{
	struct signup_tx *t = arg;
	struct req *r = t->r;
	const char *mobile = t->v[SF_MOBILE].s, *kind = t->v[SF_KIND].s;
	struct db_res *keep = NULL;
	struct account_row a;
	json_t *fields, *after;
	int64_t org_id = 0, id = 0;
	bool allowed;
	int rc;

	rc = throttle_take(db, THROTTLE_CODE, mobile, r->now, &allowed,
	    &t->retry_after);
	if (rc != DB_OK)
		return rc;
	if (!allowed)
		return TX_THROTTLED;
	rc = db_account_by_mobile(db, mobile, &a, &keep);
	if (rc == DB_OK && a.verified) {
		/* the mobile has an account: a notice, no code, no change */
		rc = outbox_put(db, NOTIFY_SIGNUP_EXISTING, a.id, mobile, NULL,
		    r->now);
		db_res_free(keep);
		return rc;
	}
	if (rc == DB_OK) {
		/* not confirmed yet: the latest signup wins (only the
		 * mobile's holder gets the code) */
		id = a.id;
		org_id = a.org_id;
		rc = db_account_resign(db, id, t->h->password, kind,
		    t->v[SF_NAME].s);
		if (rc == DB_OK && org_id > 0)
			rc = db_org_set_kind(db, org_id, kind, r->now);
	} else if (rc == DB_NOTFOUND) {
		struct account_new n = { .mobile = mobile,
		    .hash = t->h->password, .role = kind,
		    .member_role = "admin", .display_name = t->v[SF_NAME].s };

		rc = db_org_insert(db, kind, r->now, &org_id);
		n.org_id = org_id;
		if (rc == DB_OK)
			rc = db_account_insert(db, &n, r->now, &id);
	}
	db_res_free(keep);
	if (rc == DB_OK)
		rc = db_code_upsert(db, mobile, "signup", 0, t->h->code_hash,
		    r->now);
	if (rc != DB_OK)
		return rc;
	fields = json_pack("{s:s}", "code", t->h->code);
	rc = outbox_put(db, NOTIFY_SIGNUP_CODE, id, mobile, fields, r->now);
	json_decref(fields);
	if (rc != DB_OK)
		return rc;
	after = json_pack("{s:s,s:I,s:b}", "role", kind, "org_id",
	    (json_int_t)org_id, "verified", 0);
	rc = audit_write(r, "account.signup", "account", id, NULL, after);
	json_decref(after);
	return rc;
}

/*
 * POST /api/signup {kind: enterprise|provider, mobile, password, name}
 * -> 201 {status: "code_sent", mobile (masked), expires_in, resend_in},
 * the same whether or not the mobile has an account: a new or
 * unconfirmed account gets a code (the latest signup's password and kind
 * win), a confirmed one a notice. 400 a field; 429 too_many_codes (per
 * mobile) or rate_limited (nginx, per address).
 */
int
signup_create(struct req *r)
{
	struct field_value v[SF__MAX];
	struct hashes h;
	struct signup_tx t = { .r = r, .v = v, .h = &h };
	json_t *body;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, signup_fields, SF__MAX, v) < 0 ||
	    mobile_or_400(r, v[SF_MOBILE].s) < 0)
		return r->status;
	if (hashes_or_503(r, v[SF_PASSWORD].s, &h) < 0)
		return r->status;
	rc = db_tx(r->db, signup_body, &t);
	hashes_clear(&h);
	if (rc == TX_THROTTLED)
		return throttled_reply(r, t.retry_after);
	if (rc == DB_CONFLICT)
		rc = DB_OK;	/* a login spelt like the mobile: nothing to do */
	if (rc != DB_OK)
		return http_db_error(r, rc);
	return sent_reply(r, 201, v[SF_MOBILE].s);
}

/* ---- the code: spent, compared, consumed --------------------------------- */

/* Spends a try of mobile's code and compares code with it (one PBKDF2
 * derivation whether or not there is a code). true when it is right and
 * of purpose; *hash (request-owned) is the code's hash to consume. */
static bool
code_right(struct req *r, const char *mobile, const char *code,
    const char *purpose, const char **hash, int64_t *invite_id, int *rc)
{
	struct db_res *keep = NULL;
	struct code_row c = { 0 };
	bool ok;

	*hash = NULL;
	*invite_id = 0;
	/* the hash gate first: a request refused busy spends no try */
	if (!hashgate_enter()) {
		*rc = TX_BUSY;
		return false;
	}
	*rc = db_code_try(r->db, mobile, r->now);
	if (*rc == DB_OK)
		*rc = db_code_get(r->db, mobile, &c, &keep);
	if (*rc != DB_OK && *rc != DB_NOTFOUND) {
		hashgate_leave();
		db_res_free(keep);
		return false;
	}
	ok = *rc == DB_OK;
	*rc = DB_OK;
	/* always one derivation (a NULL hash costs one too) */
	if (!auth_password_verify(code, ok ? c.code_hash : NULL) ||
	    strcmp(c.purpose ? c.purpose : "", purpose) != 0)
		ok = false;
	hashgate_leave();
	if (ok) {
		*hash = req_strdup(r, c.code_hash);
		*invite_id = c.invite_id;
	}
	db_res_free(keep);
	return ok;
}

static int
bad_code_reply(struct req *r)
{
	return http_error(r, 400, "invalid_code", "code",
	    "验证码错误或已过期，请重新获取");
}

/* ---- POST /api/signup/verify --------------------------------------------- */

enum { VF_MOBILE, VF_CODE, VF__MAX };

static const struct field verify_fields[VF__MAX] = {
	[VF_MOBILE] = { "mobile", FIELD_STRING, true, 1, 20, NULL },
	[VF_CODE]   = { "code", FIELD_STRING, true, 1, 10, NULL },
};

struct verify_tx {
	struct req  *r;
	const char  *mobile, *hash;
	int64_t      account_id;       /* out */
	char         role[16];         /* out */
};

static int
verify_body(struct db *db, void *arg)
{
	struct verify_tx *t = arg;
	struct db_res *keep = NULL;
	struct account_row a;
	json_t *after;
	int rc;

	t->account_id = 0;
	if ((rc = db_code_take(db, t->mobile, t->hash)) != DB_OK)
		return rc == DB_NOTFOUND ? TX_BAD_CODE : rc;
	rc = db_account_by_mobile(db, t->mobile, &a, &keep);
	if (rc == DB_OK) {
		t->account_id = a.id;
		snprintf(t->role, sizeof(t->role), "%s", a.role);
		if (!a.verified)
			rc = db_account_verify(db, a.id, t->r->now);
	}
	db_res_free(keep);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? TX_BAD_CODE : rc;
	after = json_pack("{s:b}", "verified", 1);
	rc = audit_write(t->r, "account.verify", "account", t->account_id,
	    NULL, after);
	json_decref(after);
	return rc;
}

/*
 * POST /api/signup/verify {mobile, code} -> 200 the login reply (a
 * session: the code proves the mobile): {token, csrf_token, role, login,
 * expires_at, org_name, member_role}. 400 invalid_code (wrong, expired,
 * spent, 5 tries gone, or no such signup: all alike).
 */
int
signup_verify(struct req *r)
{
	struct field_value v[VF__MAX];
	struct verify_tx t = { .r = r };
	int64_t invite_id;
	json_t *body;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, verify_fields, VF__MAX, v) < 0 ||
	    mobile_or_400(r, v[VF_MOBILE].s) < 0 ||
	    code_or_400(r, v[VF_CODE].s) < 0)
		return r->status;
	t.mobile = v[VF_MOBILE].s;
	if (!code_right(r, t.mobile, v[VF_CODE].s, "signup", &t.hash,
	    &invite_id, &rc))
		return rc == TX_BUSY ? busy_reply(r) :
		    rc != DB_OK ? http_db_error(r, rc) : bad_code_reply(r);
	rc = db_tx(r->db, verify_body, &t);
	if (rc == TX_BAD_CODE)
		return bad_code_reply(r);
	if (rc != DB_OK)
		return http_db_error(r, rc);
	return login_reply(r, t.account_id, t.role, t.mobile, 200, json_pack(
	    "{s:s,s:b}", "member_role", "admin", "verified", 1));
}

/* ---- POST /api/signup/resend ------------------------------------------------ */

enum { RF_MOBILE, RF__MAX };

static const struct field resend_fields[RF__MAX] = {
	[RF_MOBILE] = { "mobile", FIELD_STRING, true, 1, 20, NULL },
};

struct resend_tx {
	struct req           *r;
	const char           *mobile;
	const struct hashes  *h;
	int                   retry_after;
};

/* The invitation code of an open invitation (E13): the message names the
 * organisation and the role. */
static int
invite_code_put(struct db *db, struct req *r, const struct invite_row *i,
    const char *code)
{
	struct db_res *keep = NULL;
	struct org_row o;
	json_t *fields;
	int role = member_role_parse(i->member_role);
	int rc = db_org_get(db, i->org_id, false, &o, &keep);

	if (rc != DB_OK) {
		db_res_free(keep);
		return rc;
	}
	fields = json_pack("{s:s,s:s,s:s}", "code", code, "org",
	    o.name ? o.name : "贵单位", "role",
	    role >= 0 ? member_role_name_zh((enum member_role)role) : "成员");
	rc = outbox_put(db, NOTIFY_INVITE_CODE, 0, i->mobile, fields, r->now);
	json_decref(fields);
	db_res_free(keep);
	return rc;
}

static int
resend_body(struct db *db, void *arg)
{
	struct resend_tx *t = arg;
	struct req *r = t->r;
	struct db_res *keep = NULL;
	struct account_row a;
	struct invite_row i;
	json_t *fields;
	bool allowed;
	int rc;

	rc = throttle_take(db, THROTTLE_CODE, t->mobile, r->now, &allowed,
	    &t->retry_after);
	if (rc != DB_OK)
		return rc;
	if (!allowed)
		return TX_THROTTLED;
	rc = db_account_by_mobile(db, t->mobile, &a, &keep);
	if (rc == DB_OK && !a.verified) {
		int64_t id = a.id;

		db_res_free(keep);
		rc = db_code_upsert(db, t->mobile, "signup", 0,
		    t->h->code_hash, r->now);
		if (rc != DB_OK)
			return rc;
		fields = json_pack("{s:s}", "code", t->h->code);
		rc = outbox_put(db, NOTIFY_SIGNUP_CODE, id, t->mobile, fields,
		    r->now);
		json_decref(fields);
		return rc;
	}
	db_res_free(keep);
	keep = NULL;
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return rc;
	rc = db_invite_open_by_mobile(db, t->mobile, r->now, &i, &keep);
	if (rc == DB_OK) {
		rc = db_code_upsert(db, t->mobile, "invite", i.id,
		    t->h->code_hash, r->now);
		if (rc == DB_OK)
			rc = invite_code_put(db, r, &i, t->h->code);
	} else if (rc == DB_NOTFOUND)
		rc = DB_OK;	/* nothing to confirm: nothing is sent */
	db_res_free(keep);
	return rc;
}

/*
 * POST /api/signup/resend {mobile} -> 202 {status, mobile (masked),
 * expires_in, resend_in}, the same for every mobile: a new code for an
 * unconfirmed signup or an open invitation, nothing otherwise. 429
 * too_many_codes: at most one a minute and ten a day per mobile.
 */
int
signup_resend(struct req *r)
{
	struct field_value v[RF__MAX];
	struct hashes h;
	struct resend_tx t = { .r = r, .h = &h };
	json_t *body;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, resend_fields, RF__MAX, v) < 0 ||
	    mobile_or_400(r, v[RF_MOBILE].s) < 0)
		return r->status;
	t.mobile = v[RF_MOBILE].s;
	if (hashes_or_503(r, NULL, &h) < 0)
		return r->status;
	rc = db_tx(r->db, resend_body, &t);
	hashes_clear(&h);
	if (rc == TX_THROTTLED)
		return throttled_reply(r, t.retry_after);
	if (rc != DB_OK)
		return http_db_error(r, rc);
	return sent_reply(r, 202, t.mobile);
}

/* ---- POST /api/signup/accept (E13) ------------------------------------------ */

enum { AF_MOBILE, AF_CODE, AF_PASSWORD, AF_NAME, AF__MAX };

static const struct field accept_fields[AF__MAX] = {
	[AF_MOBILE]   = { "mobile", FIELD_STRING, true, 1, 20, NULL },
	[AF_CODE]     = { "code", FIELD_STRING, true, 1, 10, NULL },
	[AF_PASSWORD] = { "password", FIELD_STRING, true, PASSWORD_MIN, PASSWORD_MAX, NULL },
	[AF_NAME]     = { "name", FIELD_STRING, false, 1, 50, NULL },
};

struct accept_tx {
	struct req  *r;
	const char  *mobile, *hash, *password_hash, *name;
	int64_t      invite_id;
	int64_t      account_id;       /* out */
	char         role[16];         /* out: the organisation's kind */
	char         member_role[16];  /* out */
	char         org_name[256];    /* out */
};

static int
accept_body(struct db *db, void *arg)
{
	struct accept_tx *t = arg;
	struct req *r = t->r;
	struct db_res *ik = NULL, *ok = NULL, *ak = NULL;
	struct invite_row i;
	struct org_row o;
	struct account_row a;
	struct account_new n;
	json_t *after;
	int rc;

	t->account_id = 0;
	if ((rc = db_code_take(db, t->mobile, t->hash)) != DB_OK)
		return rc == DB_NOTFOUND ? TX_BAD_CODE : rc;
	rc = db_invite_lock(db, t->invite_id, &i, &ik);
	if (rc == DB_OK && (strcmp(i.status, "open") != 0 ||
	    i.expires_at <= r->now || strcmp(i.mobile, t->mobile) != 0))
		rc = TX_BAD_CODE;	/* cancelled or expired meanwhile */
	if (rc == DB_OK)
		rc = db_org_get(db, i.org_id, true, &o, &ok);
	if (rc != DB_OK)
		goto done;
	n = (struct account_new){ .mobile = t->mobile, .hash = t->password_hash,
	    .role = o.kind, .org_id = o.id, .enterprise_id = o.enterprise_id,
	    .provider_id = o.provider_id, .member_role = i.member_role,
	    .display_name = t->name ? t->name : i.name, .verified = true };
	rc = db_account_by_mobile(db, t->mobile, &a, &ak);
	if (rc == DB_OK && a.verified) {
		rc = TX_MOBILE_TAKEN;	/* one account per mobile */
		goto done;
	}
	if (rc == DB_OK) {
		t->account_id = a.id;	/* an unconfirmed signup becomes this */
		rc = db_account_join(db, a.id, &n, r->now);
	} else if (rc == DB_NOTFOUND)
		rc = db_account_insert(db, &n, r->now, &t->account_id);
	if (rc == DB_OK)
		rc = db_invite_close(db, i.id, "accepted", t->account_id, r->now);
	if (rc != DB_OK)
		goto done;
	snprintf(t->role, sizeof(t->role), "%s", o.kind);
	snprintf(t->member_role, sizeof(t->member_role), "%s", i.member_role);
	snprintf(t->org_name, sizeof(t->org_name), "%s", o.name ? o.name : "");
	after = json_pack("{s:I,s:s,s:I}", "account_id",
	    (json_int_t)t->account_id, "member_role", i.member_role,
	    "invite_id", (json_int_t)i.id);
	rc = audit_write(r, "member.join", "organisation", o.id, NULL, after);
	json_decref(after);
done:
	db_res_free(ik);
	db_res_free(ok);
	db_res_free(ak);
	return rc;
}

/*
 * POST /api/signup/accept {mobile, code, password, name?} -> 200 the
 * login reply of the new member (its role in member_role). 400
 * invalid_code (wrong, expired, spent, or the invitation cancelled); 409
 * mobile_taken: the mobile already has a confirmed account.
 */
int
signup_accept(struct req *r)
{
	struct field_value v[AF__MAX];
	char hash[AUTH_HASH_MAX];
	struct accept_tx t = { .r = r };
	json_t *body;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, accept_fields, AF__MAX, v) < 0 ||
	    mobile_or_400(r, v[AF_MOBILE].s) < 0 ||
	    code_or_400(r, v[AF_CODE].s) < 0)
		return r->status;
	if (hash_gate_or_429(r) < 0)
		return r->status;
	rc = auth_password_hash(v[AF_PASSWORD].s, g_config.pbkdf2_iter, hash,
	    sizeof(hash));
	hashgate_leave();
	if (rc < 0)
		return http_error(r, 503, "unavailable", NULL, "密码处理失败");
	t.mobile = v[AF_MOBILE].s;
	t.password_hash = hash;
	t.name = v[AF_NAME].s;
	if (!code_right(r, t.mobile, v[AF_CODE].s, "invite", &t.hash,
	    &t.invite_id, &rc)) {
		OPENSSL_cleanse(hash, sizeof(hash));
		return rc == TX_BUSY ? busy_reply(r) :
		    rc != DB_OK ? http_db_error(r, rc) : bad_code_reply(r);
	}
	rc = db_tx(r->db, accept_body, &t);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (rc == TX_BAD_CODE)
		return bad_code_reply(r);
	if (rc == TX_MOBILE_TAKEN)
		return http_error(r, 409, "mobile_taken", "mobile",
		    "此手机号已注册账号，一个手机号只能属于一个机构。"
		    "请用其他手机号接受邀请，或联系邀请您的管理员");
	if (rc != DB_OK)
		return http_db_error(r, rc);
	return login_reply(r, t.account_id, t.role, t.mobile, 200, json_pack(
	    "{s:s,s:s}", "member_role", t.member_role, "org_name", t.org_name));
}
