/*
 * members.c - the members of an organisation (rule E13): the certifying
 * account is its administrator; administrators invite members by mobile
 * with a role (admin, operator, viewer), the invited person confirms with
 * the code sent to that mobile (POST /api/signup/accept), roles change,
 * members are removed. A removed member's sessions end in the same
 * transaction; an organisation always keeps an administrator (the
 * organisation's row is locked first, then its admins are counted).
 *
 * Mobile numbers are shown masked ("138****8000") to whoever lists
 * members; the full number goes only to the outbox.
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

static const char *const roles[] = { "admin", "operator", "viewer", NULL };

static json_t *
member_json(const struct req *r, const struct member_row *m)
{
	char masked[16], at[21], last[21];
	int role = member_role_parse(m->member_role);

	outbox_mask(m->mobile, masked);
	clock_format_iso8601(m->created_at, at);
	if (m->last_login_at > 0)
		clock_format_iso8601(m->last_login_at, last);
	return json_pack("{s:I,s:s,s:s?,s:s,s:s,s:s,s:s?,s:b,s:b}", "id",
	    (json_int_t)m->id, "mobile", m->mobile ? masked : "",
	    "name", m->display_name, "role", m->member_role, "role_name",
	    role >= 0 ? member_role_name_zh((enum member_role)role) : "",
	    "joined_at", at, "last_login_at", m->last_login_at > 0 ? last : NULL,
	    "self", m->id == r->sess.account_id, "confirmed", !m->disabled);
}

static json_t *
invite_json(const struct invite_row *i)
{
	char masked[16], at[21], exp[21];
	int role = member_role_parse(i->member_role);

	outbox_mask(i->mobile, masked);
	clock_format_iso8601(i->invited_at, at);
	clock_format_iso8601(i->expires_at, exp);
	return json_pack("{s:I,s:s,s:s?,s:s,s:s,s:s,s:s}", "id",
	    (json_int_t)i->id, "mobile", masked, "name", i->name, "role",
	    i->member_role, "role_name",
	    role >= 0 ? member_role_name_zh((enum member_role)role) : "",
	    "invited_at", at, "expires_at", exp);
}

static int
members_reply(struct req *r, int64_t org_id, int status)
{
	struct db_rows m = { 0 }, inv = { 0 };
	const struct member_row *mv;
	const struct invite_row *iv;
	json_t *items, *invites;
	int rc = db_members_of(r->db, org_id, &m);

	if (rc == DB_OK)
		rc = db_invites_of(r->db, org_id, r->now, &inv);
	if (rc != DB_OK) {
		db_rows_free(&m);
		return http_db_error(r, rc);
	}
	items = json_array();
	invites = json_array();
	mv = m.v;
	iv = inv.v;
	for (size_t i = 0; i < m.n; i++)
		json_array_append_new(items, member_json(r, &mv[i]));
	for (size_t i = 0; i < inv.n; i++)
		json_array_append_new(invites, invite_json(&iv[i]));
	db_rows_free(&m);
	db_rows_free(&inv);
	return http_json(r, status, json_pack("{s:o,s:I,s:o,s:s}", "items",
	    items, "total", (json_int_t)json_array_size(items), "invites",
	    invites, "my_role", member_role_name(
	    (enum member_role)r->sess.member_role)));
}

/*
 * GET /api/org/members -> 200 {items: [{id, mobile (masked), name, role,
 * role_name, joined_at, last_login_at, self}], total, invites: [{id,
 * mobile (masked), name, role, invited_at, expires_at}], my_role}: every
 * member may read it.
 */
int
members_list(struct req *r)
{
	int64_t org_id;

	if (session_org_or_4xx(r, &org_id) < 0)
		return r->status;
	return members_reply(r, org_id, 200);
}

/* ---- POST /api/org/members: an invitation ---------------------------------- */

enum { MF_MOBILE, MF_ROLE, MF_NAME, MF__MAX };

static const struct field invite_fields[MF__MAX] = {
	[MF_MOBILE] = { "mobile", FIELD_STRING, true, 1, 20, NULL },
	[MF_ROLE]   = { "role", FIELD_ENUM, true, 0, 0, roles },
	[MF_NAME]   = { "name", FIELD_STRING, false, 1, 50, NULL },
};

struct invite_tx {
	struct req  *r;
	int64_t      org_id;
	const char  *mobile, *role, *name;
	const char  *code, *code_hash;
	int64_t      id;               /* out */
	int          retry_after;      /* out: TX_THROTTLED */
};

static int
invite_body(struct db *db, void *arg)
{
	struct invite_tx *t = arg;
	struct req *r = t->r;
	struct db_res *keep = NULL;
	struct org_row o;
	json_t *fields, *after;
	bool allowed;
	int role = member_role_parse(t->role), rc;

	t->id = 0;
	if ((rc = db_org_get(db, t->org_id, true, &o, &keep)) != DB_OK)
		goto done;
	rc = db_invite_insert(db, o.id, t->mobile, t->role, t->name,
	    r->sess.account_id, r->now, &t->id);
	if (rc != DB_OK)
		goto done;	/* DB_CONFLICT: an open one for that mobile */
	/* a code to that mobile: its limit, like any other code (E9) */
	rc = throttle_take(db, THROTTLE_CODE, t->mobile, r->now, &allowed,
	    &t->retry_after);
	if (rc == DB_OK && !allowed)
		rc = TX_THROTTLED;
	if (rc != DB_OK)
		goto done;
	rc = db_code_upsert(db, t->mobile, "invite", t->id, t->code_hash,
	    r->now);
	if (rc != DB_OK)
		goto done;
	fields = json_pack("{s:s,s:s,s:s}", "code", t->code, "org",
	    o.name ? o.name : "贵单位", "role",
	    member_role_name_zh((enum member_role)role));
	rc = outbox_put(db, NOTIFY_INVITE_CODE, 0, t->mobile, fields, r->now);
	json_decref(fields);
	if (rc != DB_OK)
		goto done;
	after = json_pack("{s:I,s:s}", "invite_id", (json_int_t)t->id,
	    "member_role", t->role);
	rc = audit_write(r, "member.invite", "organisation", o.id, NULL, after);
	json_decref(after);
done:
	db_res_free(keep);
	return rc;
}

/*
 * POST /api/org/members {mobile, role: admin|operator|viewer, name?} ->
 * 201 the members with the new invitation: a code goes to the mobile
 * (valid 10 minutes; POST /api/signup/resend sends another while the
 * invitation lasts, 7 days). Administrators only. 400 a field; 409
 * invite_open (one open invitation per mobile); 429 too_many_codes (the
 * mobile's limit of codes, like a signup's).
 */
int
members_invite(struct req *r)
{
	struct field_value v[MF__MAX];
	struct invite_tx t = { .r = r };
	char code[7], hash[AUTH_HASH_MAX];
	uint32_t x;
	json_t *body;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, invite_fields, MF__MAX, v) < 0)
		return r->status;
	if (!mobile_valid(v[MF_MOBILE].s))
		return http_error(r, 400, "invalid_field", "mobile",
		    "手机号须为 11 位中国大陆手机号码");
	if (session_org_or_4xx(r, &t.org_id) < 0)
		return r->status;
	do {
		if (RAND_bytes((unsigned char *)&x, sizeof(x)) != 1)
			return http_error(r, 503, "unavailable", NULL,
			    "随机数生成失败");
	} while (x >= 4294000000u);
	snprintf(code, sizeof(code), "%06u", x % 1000000u);
	if (hash_gate_or_429(r) < 0)
		return r->status;
	rc = auth_password_hash(code, g_config.pbkdf2_iter, hash, sizeof(hash));
	hashgate_leave();
	if (rc < 0)
		return http_error(r, 503, "unavailable", NULL, "随机数生成失败");
	t.mobile = v[MF_MOBILE].s;
	t.role = v[MF_ROLE].s;
	t.name = v[MF_NAME].s;
	t.code = code;
	t.code_hash = hash;
	rc = db_tx(r->db, invite_body, &t);
	OPENSSL_cleanse(code, sizeof(code));
	if (rc == DB_CONFLICT)
		return http_error(r, 409, "invite_open", "mobile",
		    "已向该手机号发出邀请，尚未接受；可撤销后重新邀请");
	if (rc == TX_THROTTLED) {
		http_header(r, "Retry-After", "%d", t.retry_after);
		return http_error(r, 429, "too_many_codes", "mobile",
		    "向该手机号发送验证码过于频繁，请 %d 秒后再试", t.retry_after);
	}
	if (rc != DB_OK)
		return http_db_error(r, rc);
	return members_reply(r, t.org_id, 201);
}

/* ---- PUT / DELETE /api/org/members/{id} --------------------------------- */

enum { UF_ROLE, UF__MAX };

static const struct field update_fields[UF__MAX] = {
	[UF_ROLE] = { "role", FIELD_ENUM, true, 0, 0, roles },
};

struct member_tx {
	struct req  *r;
	int64_t      org_id, id;
	const char  *role;             /* NULL: remove                      */
};

static int
member_body(struct db *db, void *arg)
{
	struct member_tx *t = arg;
	struct req *r = t->r;
	struct db_res *ok = NULL, *mk = NULL;
	struct org_row o;
	struct member_row m;
	json_t *before, *after, *fields;
	int64_t admins = 0;
	int rc;

	/* the organisation first: member changes of one organisation are
	 * serialised, so the count of administrators below holds */
	if ((rc = db_org_get(db, t->org_id, true, &o, &ok)) != DB_OK)
		goto done;
	if ((rc = db_member_lock(db, o.id, t->id, &m, &mk)) != DB_OK) {
		rc = rc == DB_NOTFOUND ? TX_NOT_FOUND : rc;
		goto done;
	}
	if (strcmp(m.member_role, "admin") == 0 &&
	    (t->role == NULL || strcmp(t->role, "admin") != 0)) {
		if ((rc = db_admins_count(db, o.id, &admins)) != DB_OK)
			goto done;
		if (admins <= 1) {
			rc = TX_LAST_ADMIN;	/* E13: always an administrator */
			goto done;
		}
	}
	before = json_pack("{s:I,s:s}", "account_id", (json_int_t)m.id,
	    "member_role", m.member_role);
	if (t->role != NULL) {
		rc = db_member_set_role(db, m.id, t->role);
		after = json_pack("{s:I,s:s}", "account_id", (json_int_t)m.id,
		    "member_role", t->role);
	} else {
		rc = db_member_remove(db, m.id, r->now);
		/* its sessions end at once */
		if (rc == DB_OK)
			rc = db_member_sessions_end(db, m.id);
		after = json_pack("{s:I,s:b}", "account_id", (json_int_t)m.id,
		    "removed", 1);
	}
	if (rc == DB_OK)
		rc = audit_write(r, t->role ? "member.role" : "member.remove",
		    "organisation", o.id, before, after);
	json_decref(before);
	json_decref(after);
	if (rc == DB_OK && m.mobile != NULL && m.id != r->sess.account_id) {
		int role = t->role ? member_role_parse(t->role) : -1;
		char change[64];

		snprintf(change, sizeof(change), "%s%s", role >= 0 ?
		    "改为" : "被移除", role >= 0 ?
		    member_role_name_zh((enum member_role)role) : "");
		fields = json_pack("{s:s,s:s}", "org", o.name ? o.name : "贵单位",
		    "change", change);
		rc = outbox_put(db, NOTIFY_MEMBER_CHANGED, m.id, m.mobile, fields,
		    r->now);
		json_decref(fields);
	}
done:
	db_res_free(ok);
	db_res_free(mk);
	return rc;
}

static int
member_tx_error(struct req *r, int rc)
{
	if (rc == TX_NOT_FOUND)
		return http_error(r, 404, "not_found", NULL, "成员不存在");
	if (rc == TX_LAST_ADMIN)
		return http_error(r, 409, "last_admin", NULL,
		    "机构至少要有一名管理员：请先指定另一名管理员");
	return http_db_error(r, rc);
}

/*
 * PUT /api/org/members/{id} {role} -> 200 the members. Administrators
 * only; 404 not a member of this organisation; 409 last_admin (the last
 * administrator keeps its role).
 */
int
members_update(struct req *r)
{
	struct field_value v[UF__MAX];
	struct member_tx t = { .r = r, .id = r->ids[0] };
	json_t *body;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, update_fields, UF__MAX, v) < 0 ||
	    session_org_or_4xx(r, &t.org_id) < 0)
		return r->status;
	t.role = v[UF_ROLE].s;
	if ((rc = db_tx(r->db, member_body, &t)) != DB_OK)
		return member_tx_error(r, rc);
	return members_reply(r, t.org_id, 200);
}

/*
 * DELETE /api/org/members/{id} -> 204: the member can no longer log in,
 * its sessions end at once, its mobile is free again; the trails keep its
 * name. 404; 409 last_admin.
 */
int
members_remove(struct req *r)
{
	struct member_tx t = { .r = r, .id = r->ids[0] };
	int rc;

	if (session_org_or_4xx(r, &t.org_id) < 0)
		return r->status;
	if ((rc = db_tx(r->db, member_body, &t)) != DB_OK)
		return member_tx_error(r, rc);
	return http_body(r, 204, NULL, NULL, 0);
}

struct cancel_tx {
	struct req  *r;
	int64_t      org_id, id;
};

static int
cancel_body(struct db *db, void *arg)
{
	struct cancel_tx *t = arg;
	struct db_res *keep = NULL;
	struct invite_row i;
	json_t *after;
	int rc = db_invite_lock(db, t->id, &i, &keep);

	if (rc == DB_OK && (i.org_id != t->org_id ||
	    strcmp(i.status, "open") != 0))
		rc = TX_NOT_FOUND;
	if (rc == DB_OK)
		rc = db_invite_close(db, i.id, "cancelled", 0, t->r->now);
	if (rc == DB_OK) {
		after = json_pack("{s:I,s:s}", "invite_id", (json_int_t)i.id,
		    "status", "cancelled");
		rc = audit_write(t->r, "member.invite_cancel", "organisation",
		    t->org_id, NULL, after);
		json_decref(after);
	}
	db_res_free(keep);
	return rc == DB_NOTFOUND ? TX_NOT_FOUND : rc;
}

/* DELETE /api/org/invites/{id} -> 204: the invitation (and its code) no
 * longer works. 404 not an open invitation of this organisation. */
int
invites_cancel(struct req *r)
{
	struct cancel_tx t = { .r = r, .id = r->ids[0] };
	int rc;

	if (session_org_or_4xx(r, &t.org_id) < 0)
		return r->status;
	rc = db_tx(r->db, cancel_body, &t);
	if (rc == TX_NOT_FOUND)
		return http_error(r, 404, "not_found", NULL, "邀请不存在或已失效");
	if (rc != DB_OK)
		return http_db_error(r, rc);
	return http_body(r, 204, NULL, NULL, 0);
}
