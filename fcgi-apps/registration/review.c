/*
 * review.c - the verification queue (rules E9, E12): the reviewer or the
 * bureau reads a submitted certification with its licence and the
 * checks that help (the USCC, who holds it, the bureau's lists), and
 * approves, returns (to be corrected) or rejects it with a reason.
 *
 * An approval is one transaction: the certified row (enterprises or
 * providers) is created or changed from the submitted values, the
 * organisation's accounts follow it, an enterprise gets its tier from
 * its claims and the lists (E11), its credit state from the credit list
 * (E14) and the allowance of its tier for the current round at once (E7,
 * E8); the organisation holds the new certified values. A refused change
 * of a certified organisation leaves the old values as they were (E12).
 * The decision is guarded (WHERE status = 'pending'): of two racing
 * decisions one wins, the other answers 409. The organisation's
 * administrators get a message through the outbox.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "clocks.h"
#include "outbox.h"
#include "parties.h"
#include "registration.h"
#include "sizeclass.h"
#include "upload.h"

static const char *const statuses[] = { "pending", "approved", "returned",
    "rejected", NULL };
static const char *const kinds[] = { "enterprise", "provider", NULL };

static const char *
status_name(const char *s)
{
	if (s == NULL)
		return NULL;
	if (strcmp(s, "pending") == 0)
		return "待审核";
	if (strcmp(s, "approved") == 0)
		return "已通过";
	if (strcmp(s, "returned") == 0)
		return "退回修改";
	if (strcmp(s, "rejected") == 0)
		return "不予认证";
	return NULL;
}

static const char *
kind_name(const char *k)
{
	return k && strcmp(k, "provider") == 0 ? "服务机构" : "企业";
}

static const char *
size_name(const char *s)
{
	int sz = s ? rule_size_parse(s) : -1;

	return sz >= 0 ? size_class_name_zh((enum rule_size)sz) : NULL;
}

/* Issue 16: a certification's stage clock (clocks.h) at the clock's now
 * (T2): "deadline" and "clock". */
static void
cert_clock_set(json_t *o, const char *status, const char *kind,
    time_t submitted_at)
{
	struct clock_facts f = {
		.subject = CLOCK_CERTIFICATION, .state = status,
		.submitted_at = submitted_at,
		.applicant = kind != NULL && strcmp(kind, "provider") == 0 ?
		    WHO_PROVIDER : WHO_ENTERPRISE,
	};

	stage_clock_set(o, &f, clock_now());
}

/* One row of the queue as JSON (page_list). */
static json_t *
queue_row_json(const struct db_res *res, size_t i)
{
	json_t *o = db_row_json(res, i);
	const char *st = json_string_value(json_object_get(o, "status"));
	const char *k = json_string_value(json_object_get(o, "kind"));
	const char *sz = json_string_value(json_object_get(o, "size_class"));
	const char *at = json_string_value(json_object_get(o, "submitted_at"));
	time_t submitted = 0;

	if (at == NULL || clock_parse_iso8601(at, &submitted) != 0)
		submitted = 0;
	json_object_set_new(o, "status_name", json_string(status_name(st)));
	json_object_set_new(o, "kind_name", json_string(kind_name(k)));
	json_object_set_new(o, "size_class_name", sz && size_name(sz) ?
	    json_string(size_name(sz)) : json_null());
	cert_clock_set(o, st, k, submitted);
	return o;
}

/*
 * GET /api/review/certifications?status=pending|approved|returned|
 * rejected&kind=enterprise|provider&page=&per_page= -> the queue
 * {items, total, page, per_page}: pending ones oldest first, decided
 * ones newest first; each {id, kind, kind_name, status, status_name,
 * is_change, name, uscc, size_class, submitted_at, decided_at, reason}.
 */
int
review_list(struct req *r)
{
	const char *status, *kind;
	int64_t page, per_page;
	json_t *out;
	int rc;

	if (query_enum_or_400(r, "status", statuses, "pending", &status) < 0 ||
	    query_enum_or_400(r, "kind", kinds, NULL, &kind) < 0 ||
	    query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	out = db_cert_page(r->db, status, kind, page, per_page, queue_row_json,
	    &rc);
	if (out == NULL)
		return http_db_error(r, rc);
	return http_json(r, 200, out);
}

/* The keys of values whose value differs in certified (a change, E12). */
static json_t *
changes_of(json_t *values, json_t *certified)
{
	json_t *out = json_array(), *v;
	const char *key;

	if (!json_is_object(certified))
		return out;
	json_object_foreach(values, key, v)
		if (!json_equal(v, json_object_get(certified, key)))
			json_array_append_new(out, json_string(key));
	return out;
}

/* The certification id in full, or NULL with *rc set. */
static json_t *
cert_view(struct req *r, int64_t id, int *rc)
{
	struct db_res *ck = NULL, *ok = NULL, *xk = NULL;
	struct cert_row c;
	struct org_row o;
	struct credit_row cr;
	json_t *j = NULL, *values, *certified = NULL, *checks;
	char at[21], dat[21], url[96];
	int64_t holder = 0;
	unsigned lists = 0;
	int year = 0, hrc;

	*rc = db_cert_get(r->db, id, false, &c, &ck);
	if (*rc == DB_OK)
		*rc = db_org_get(r->db, c.org_id, false, &o, &ok);
	if (*rc != DB_OK)
		goto done;
	values = json_loads(c.values_json, 0, NULL);
	if (values == NULL)
		values = json_object();
	if (c.is_change && o.certified_json != NULL)
		certified = json_loads(o.certified_json, 0, NULL);
	/* what helps the decision: E6, E12, E11, E14 */
	hrc = db_uscc_holder(r->db, strcmp(c.kind, "provider") == 0, c.uscc,
	    &holder);
	if (hrc != DB_OK && hrc != DB_NOTFOUND) {
		*rc = hrc;
		json_decref(values);
		json_decref(certified);
		goto done;
	}
	checks = json_pack("{s:b,s:b}", "uscc_valid", rule_uscc_valid(c.uscc),
	    "uscc_taken", holder > 0 && holder != (strcmp(c.kind, "provider")
	    == 0 ? o.provider_id : o.enterprise_id));
	if (strcmp(c.kind, "enterprise") == 0) {
		if (round_current(r->db, &year) == DB_OK)
			db_qual_of(r->db, c.uscc, year, &lists);
		json_object_set_new(checks, "qualifications", json_pack(
		    "{s:o,s:b,s:b,s:b,s:b}", "year", year > 0 ?
		    json_integer(year) : json_null(), "claims_specialized",
		    o.claims_specialized, "claims_little_giant",
		    o.claims_little_giant, "on_specialized_list",
		    (lists & 1u) != 0, "on_little_giant_list", (lists & 2u) != 0));
		if (db_credit_of(r->db, c.uscc, &cr, &xk) == DB_OK)
			json_object_set_new(checks, "credit_list", json_pack(
			    "{s:s,s:I,s:I}", "source", cr.source, "listed_on",
			    (json_int_t)cr.listed_on, "until",
			    (json_int_t)cr.until));
		else
			json_object_set_new(checks, "credit_list", json_null());
	}
	clock_format_iso8601(c.submitted_at, at);
	j = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:o,s:s,s:o,s:o,s:o}",
	    "id", (json_int_t)c.id, "org_id", (json_int_t)c.org_id, "kind",
	    c.kind, "kind_name", kind_name(c.kind), "status", c.status,
	    "status_name", status_name(c.status), "is_change", c.is_change,
	    "name", c.name, "uscc", c.uscc, "size_class",
	    c.size_class ? json_string(c.size_class) : json_null(),
	    "submitted_at", at, "values", values, "certified",
	    certified ? certified : json_null(), "checks", checks);
	json_object_set_new(j, "changes", changes_of(values, certified));
	cert_clock_set(j, c.status, c.kind, c.submitted_at);
	if (c.decided_at > 0) {
		clock_format_iso8601(c.decided_at, dat);
		json_object_set_new(j, "decided_at", json_string(dat));
	} else
		json_object_set_new(j, "decided_at", json_null());
	json_object_set_new(j, "decided_role", c.decided_role ?
	    json_string(c.decided_role) : json_null());
	json_object_set_new(j, "reason", c.reason ? json_string(c.reason) :
	    json_null());
	if (c.licence_stored != NULL) {
		snprintf(url, sizeof(url), "/api/review/certifications/%lld/licence",
		    (long long)c.id);
		json_object_set_new(j, "licence", json_pack(
		    "{s:s,s:s,s:I,s:s,s:s}", "name", c.licence_name ?
		    c.licence_name : "", "content_type", c.licence_type,
		    "size", (json_int_t)c.licence_size, "sha256",
		    c.licence_sha256, "url", url));
	} else
		json_object_set_new(j, "licence", json_null());
done:
	db_res_free(ck);
	db_res_free(ok);
	db_res_free(xk);
	return j;
}

/* GET /api/review/certifications/{id} -> 200 {id, org_id, kind, status,
 * is_change, name, uscc, size_class, values, certified (a change: the
 * values in force), changes, checks {uscc_valid, uscc_taken,
 * qualifications, credit_list}, licence {name, content_type, size,
 * sha256, url}, submitted_at, decided_at, reason}; 404. */
int
review_get(struct req *r)
{
	int rc;
	json_t *j = cert_view(r, r->ids[0], &rc);

	if (j == NULL && rc == DB_NOTFOUND)
		return http_error(r, 404, "not_found", NULL, "认证申请不存在");
	if (j == NULL)
		return http_db_error(r, rc);
	return http_json(r, 200, j);
}

/* GET /api/review/certifications/{id}/licence[?inline=1] -> the licence
 * as it was submitted (sent by nginx). 404. */
int
review_licence(struct req *r)
{
	struct db_res *keep = NULL;
	struct cert_row c;
	char name[48];
	int rc = db_cert_get(r->db, r->ids[0], false, &c, &keep);

	if (rc == DB_OK && c.licence_stored == NULL)
		rc = DB_NOTFOUND;
	if (rc != DB_OK) {
		db_res_free(keep);
		if (rc == DB_NOTFOUND)
			return http_error(r, 404, "not_found", NULL,
			    "认证申请或营业执照不存在");
		return http_db_error(r, rc);
	}
	snprintf(name, sizeof(name), "licence-%lld.%s", (long long)c.id,
	    strrchr(c.licence_stored, '.') ? strrchr(c.licence_stored, '.') + 1 :
	    "bin");
	rc = upload_send(r, c.licence_stored, c.licence_type, name);
	db_res_free(keep);
	return rc;
}

/* ---- the decision --------------------------------------------------------- */

static const char *const decisions[] = { "approve", "return", "reject", NULL };

enum { DF_DECISION, DF_REASON, DF__MAX };

static const struct field decide_fields[DF__MAX] = {
	[DF_DECISION] = { "decision", FIELD_ENUM, true, 0, 0, decisions },
	[DF_REASON]   = { "reason", FIELD_TEXT, false, 1, REASON_MAX, NULL },
};

struct decide_tx {
	struct req  *r;
	int64_t      id;
	const char  *decision, *reason;
	char         status[16];       /* out: TX_INVALID_STATE */
};

static bool
jbool(json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

static const char *
jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* E9, E11, E14, E7: the certified row of an approved certification. */
static int
approve(struct db *db, const struct actor *a, const struct cert_row *c,
    struct org_row *o, json_t *v)
{
	bool prov = strcmp(c->kind, "provider") == 0;
	struct certified cv = { .name = jstr(v, "name"), .uscc = jstr(v, "uscc"),
	    .beijing_registered = jbool(v, "registered_in_beijing"),
	    .is_enterprise = prov || jbool(v, "is_enterprise"),
	    .main_body_beijing = !json_is_false(json_object_get(v,
	    "main_body_in_beijing")), .size_class = jstr(v, "size_class"),
	    .tier = "ordinary" };
	int64_t party = prov ? o->provider_id : o->enterprise_id;
	json_t *after;
	bool changed;
	enum rule_tier tier;
	int rc;

	if (cv.name == NULL || cv.uscc == NULL)
		return DB_ERROR;
	if (party == 0) {
		rc = prov ? db_provider_insert(db, &cv, a->now, &party) :
		    db_enterprise_insert(db, &cv, a->now, &party);
		if (rc == DB_CONFLICT)
			return TX_USCC_TAKEN;	/* certified meanwhile */
		if (rc == DB_OK)
			rc = db_org_set_certified(db, o->id, prov, party, a->now);
		if (prov)
			o->provider_id = party;
		else
			o->enterprise_id = party;
		after = json_pack("{s:s,s:s,s:I,s:b}", "name", cv.name, "uscc",
		    cv.uscc, "org_id", (json_int_t)o->id, "beijing_registered",
		    cv.beijing_registered);
		if (rc == DB_OK)
			rc = audit_record(db, a, prov ? "provider.create" :
			    "enterprise.create", prov ? "provider" : "enterprise",
			    party, NULL, after);
		json_decref(after);
	} else {
		rc = prov ? db_provider_update(db, party, &cv, a->now) :
		    db_enterprise_update(db, party, &cv, a->now);
		after = json_pack("{s:s,s:b,s:s?}", "name", cv.name,
		    "beijing_registered", cv.beijing_registered, "size_class",
		    cv.size_class);
		if (rc == DB_OK)
			rc = audit_record(db, a, prov ? "provider.recertify" :
			    "enterprise.recertify", prov ? "provider" : "enterprise",
			    party, NULL, after);
		json_decref(after);
	}
	/* the organisation's accounts act for the certified party now */
	if (rc == DB_OK)
		rc = db_accounts_certify(db, o->id, prov, party);
	if (rc != DB_OK || prov)
		return rc;
	/* E14, then E11 and the allowance of E7 for the current round */
	rc = credit_refresh(db, a, party, cv.uscc, today_ymd(a->now), &changed);
	if (rc == DB_OK)
		rc = tier_refresh_org(db, a, o, &changed, &tier);
	if (rc == DB_OK && !o->quals_declared)
		rc = tier_apply(db, a, party, tier, &changed);	/* the quota row */
	return rc;
}

/* The decision's message to the organisation's administrators. */
static int
notify_admins(struct db *db, const struct org_row *o, const char *decision,
    const char *reason, time_t now)
{
	struct db_rows rows;
	const struct admin_row *ad;
	json_t *fields;
	char why[1100];
	int rc = db_admin_mobiles(db, o->id, &rows);

	if (rc != DB_OK)
		return rc;
	snprintf(why, sizeof(why), "%s%s", reason ? "说明：" : "",
	    reason ? reason : "");
	fields = json_pack("{s:s,s:s,s:s}", "org", o->name ? o->name : "贵单位",
	    "decision", strcmp(decision, "approve") == 0 ? "已通过，现可使用服务券" :
	    strcmp(decision, "return") == 0 ? "被退回，请按说明修改后重新提交" :
	    "未获通过", "reason", why);
	ad = rows.v;
	for (size_t i = 0; i < rows.n && rc == DB_OK; i++)
		rc = outbox_put(db, NOTIFY_CERT_DECIDED, ad[i].id, ad[i].mobile,
		    fields, now);
	json_decref(fields);
	db_rows_free(&rows);
	return rc;
}

static int
decide_body(struct db *db, void *arg)
{
	struct decide_tx *t = arg;
	struct actor a = actor_of(t->r);
	struct db_res *ck = NULL, *ok = NULL;
	struct cert_row c;
	struct org_row o;
	const char *status, *org_state;
	json_t *v = NULL, *before, *after;
	int rc;

	t->status[0] = '\0';
	if ((rc = db_cert_get(db, t->id, true, &c, &ck)) != DB_OK)
		goto done;
	if (strcmp(c.status, "pending") != 0) {
		snprintf(t->status, sizeof(t->status), "%s", c.status);
		rc = TX_INVALID_STATE;
		goto done;
	}
	if ((rc = db_org_get(db, c.org_id, true, &o, &ok)) != DB_OK)
		goto done;
	if (strcmp(t->decision, "approve") == 0) {
		status = "approved";
		org_state = "approved";
		v = json_loads(c.values_json, 0, NULL);
		rc = v ? approve(db, &a, &c, &o, v) : DB_ERROR;
		if (rc == DB_OK)
			rc = db_org_decided(db, o.id, org_state, t->decision,
			    t->reason, c.values_json, a.now);
	} else if (strcmp(t->decision, "return") == 0) {
		status = "returned";
		org_state = "returned";
		rc = db_org_decided(db, o.id, org_state, t->decision, t->reason,
		    NULL, a.now);
	} else {
		status = "rejected";
		/* a refused change: the certified values stay (E12) */
		org_state = c.is_change ? "approved" : "rejected";
		if (c.is_change)
			rc = db_org_reset(db, o.id, a.now);
		if (rc == DB_OK)
			rc = db_org_decided(db, o.id, org_state, t->decision,
			    t->reason, NULL, a.now);
	}
	if (rc == DB_OK)
		rc = db_cert_decide(db, c.id, status, t->reason, a.account_id,
		    a.role, a.now);
	if (rc == DB_NOTFOUND)
		rc = TX_INVALID_STATE;	/* decided meanwhile */
	if (rc != DB_OK)
		goto done;
	before = json_pack("{s:s}", "status", "pending");
	after = json_pack("{s:s,s:s?,s:I,s:s}", "status", status, "reason",
	    t->reason, "org_id", (json_int_t)o.id, "org_state", org_state);
	rc = audit_record(db, &a, "certification.decide", "certification",
	    c.id, before, after);
	json_decref(before);
	json_decref(after);
	if (rc == DB_OK)
		rc = notify_admins(db, &o, t->decision, t->reason, a.now);
done:
	json_decref(v);
	db_res_free(ck);
	db_res_free(ok);
	return rc;
}

/*
 * POST /api/review/certifications/{id} {decision: approve|return|reject,
 * reason (required to return or reject, at most 1000 characters)} ->
 * 200 the certification as decided. By the reviewer or the bureau. On
 * approval the enterprise exists at once with its tier and its allowance
 * for the current round (E7, E9). 409 invalid_state (decided already),
 * uscc_taken (another organisation was certified with it meanwhile);
 * 404; 400 reason_required.
 */
int
review_decide(struct req *r)
{
	struct field_value v[DF__MAX];
	struct decide_tx t = { .r = r, .id = r->ids[0] };
	json_t *body, *j;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, decide_fields, DF__MAX, v) < 0)
		return r->status;
	t.decision = v[DF_DECISION].s;
	t.reason = v[DF_REASON].s;
	if (strcmp(t.decision, "approve") != 0 && t.reason == NULL)
		return http_error(r, 400, "reason_required", "reason",
		    "退回或不予认证时须填写理由，申请人将看到这段说明");
	rc = db_tx(r->db, decide_body, &t);
	if (rc == DB_NOTFOUND)
		return http_error(r, 404, "not_found", NULL, "认证申请不存在");
	if (rc == TX_INVALID_STATE)
		return http_error(r, 409, "invalid_state", NULL,
		    "该认证申请已处理（%s），不能再次决定",
		    status_name(t.status) ? status_name(t.status) : "已处理");
	if (rc == TX_USCC_TAKEN)
		return http_error(r, 409, "uscc_taken", NULL,
		    "该统一社会信用代码已由其他机构认证，请不予认证并说明理由");
	if (rc != DB_OK)
		return http_db_error(r, rc);
	if ((j = cert_view(r, t.id, &rc)) == NULL)
		return http_db_error(r, rc);
	return http_json(r, 200, j);
}
