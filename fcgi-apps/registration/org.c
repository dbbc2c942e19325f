/*
 * org.c - an organisation's own pages (rules E9-E12; the guide's
 * attachment 2-3 企业身份及划型认证, and 企业信息 of attachment 2-2):
 *
 *   GET  /api/org                          everything the pages show
 *   PUT  /api/org/identity                 name, USCC, legal representative,
 *                                          registration (E1, E2, E6, E12)
 *   PUT  /api/org/classification           the size class (E10, E3)
 *   GET  /api/org/classification/preview   the class of figures, unsaved
 *   PUT  /api/org/qualifications           专精特新 / 小巨人 claimed (E11)
 *   GET|PUT /api/org/profile               企业信息: address, contacts, bank
 *   PUT|GET /api/org/files/licence         the business licence
 *   POST /api/org/certification/submit     into the verification queue
 *
 * What the organisation declares changes only its own row; the certified
 * values (enterprises / providers) change at an approval (E12), so that
 * the old values hold while a change waits. A submitted organisation is
 * frozen until the decision (409 submitted). Every change is audited in
 * its transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "clocks.h"
#include "parties.h"
#include "registration.h"
#include "sizeclass.h"
#include "upload.h"

#define LICENCE_TYPES (UPLOAD_PDF | UPLOAD_PNG | UPLOAD_JPEG)

static bool
is_provider(const struct org_row *o)
{
	return strcmp(o->kind, "provider") == 0;
}

static json_t *
flag_json(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

static json_t *
opt_int_json(int64_t v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static json_t *
str_json(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* The identity as declared (E9). */
static json_t *
identity_json(const struct org_row *o)
{
	json_t *j = json_pack("{s:o,s:o,s:o,s:o,s:o}", "name", str_json(o->name),
	    "uscc", str_json(o->uscc), "legal_representative",
	    str_json(o->legal_representative), "registered_district",
	    str_json(o->registered_district), "registered_in_beijing",
	    flag_json(o->registered_in_beijing));

	if (is_provider(o))
		json_object_set_new(j, "main_body_in_beijing",
		    flag_json(o->main_body_in_beijing));
	else
		json_object_set_new(j, "is_enterprise",
		    flag_json(o->is_enterprise));
	return j;
}

static json_t *
classification_json(const struct org_row *o)
{
	const struct size_industry *g = size_industry_find(o->industry);
	int sz = o->size_class ? rule_size_parse(o->size_class) : -1;

	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "industry",
	    str_json(o->industry), "industry_name", str_json(g ? g->name : NULL),
	    "employees", opt_int_json(o->employees), "revenue",
	    opt_int_json(o->revenue), "total_assets",
	    opt_int_json(o->total_assets), "year", o->figures_year > 0 ?
	    json_integer(o->figures_year) : json_null(), "size_class",
	    str_json(o->size_class), "size_class_name", str_json(sz >= 0 ?
	    size_class_name_zh((enum rule_size)sz) : NULL), "basis",
	    str_json(o->size_basis));
}

/* The values a submission certifies (E12): identity and, for an
 * enterprise, the classification. New reference. */
static json_t *
values_json(const struct org_row *o)
{
	json_t *v = identity_json(o);

	if (!is_provider(o)) {
		json_object_set_new(v, "industry", str_json(o->industry));
		json_object_set_new(v, "employees", opt_int_json(o->employees));
		json_object_set_new(v, "revenue", opt_int_json(o->revenue));
		json_object_set_new(v, "total_assets",
		    opt_int_json(o->total_assets));
		json_object_set_new(v, "year", o->figures_year > 0 ?
		    json_integer(o->figures_year) : json_null());
		json_object_set_new(v, "size_class", str_json(o->size_class));
		json_object_set_new(v, "size_basis", str_json(o->size_basis));
	}
	return v;
}

static void
missing(json_t *errors, const char *field, const char *code, const char *msg)
{
	json_array_append_new(errors, json_pack("{s:s,s:s,s:s}", "field", field,
	    "code", code, "message", msg));
}

/* What a submission still lacks, as {field, code, message} (E1-E3, E9). */
static void
missing_of(const struct org_row *o, bool has_licence, json_t *errors)
{
	bool prov = is_provider(o);

	if (o->name == NULL)
		missing(errors, "name", "required", "请填写单位名称");
	if (o->uscc == NULL)
		missing(errors, "uscc", "required", "请填写统一社会信用代码");
	if (o->legal_representative == NULL)
		missing(errors, "legal_representative", "required",
		    "请填写法定代表人");
	if (o->registered_district == NULL)
		missing(errors, "registered_district", "required",
		    "请填写注册所在区");
	if (o->registered_in_beijing < 0)
		missing(errors, "registered_in_beijing", "required",
		    "请选择是否在北京市登记注册");
	else if (o->registered_in_beijing == 0)
		missing(errors, "registered_in_beijing", "not_beijing", prov ?
		    "服务机构须在北京市登记注册（或为在京登记的分支机构）" :
		    "注册地不在北京市的企业不在服务券支持范围内");
	if (!prov && o->is_enterprise < 0)
		missing(errors, "is_enterprise", "required",
		    "请选择单位性质是否为企业");
	else if (!prov && o->is_enterprise == 0)
		missing(errors, "is_enterprise", "not_enterprise",
		    "非企业单位（如幼儿园、事业单位等）不在服务券支持范围内");
	if (!has_licence)
		missing(errors, "licence", "required", "请上传营业执照");
	if (!prov && o->size_class == NULL)
		missing(errors, "classification", "required",
		    "请完成企业划型（填写行业、从业人员、营业收入和资产总额）");
}

/* The organisation's page: GET /api/org. */
static json_t *
org_json(struct req *r, const struct org_row *o, const struct file_row *f,
    bool has_licence)
{
	json_t *j, *errors = json_array(), *cert = NULL;
	int64_t pending = 0;
	time_t submitted_at = 0;
	char at[21];
	bool editable = strcmp(o->state, "submitted") != 0 &&
	    strcmp(o->state, "rejected") != 0;
	bool show_reason = o->last_reason != NULL && o->last_decision != NULL &&
	    strcmp(o->last_decision, "approve") != 0 &&
	    strcmp(o->state, "submitted") != 0;

	missing_of(o, has_licence, errors);
	if (o->certified_json != NULL)
		cert = json_loads(o->certified_json, 0, NULL);
	db_cert_pending_of(r->db, o->id, &pending, &submitted_at);
	j = json_pack("{s:I,s:s,s:s,s:s,s:b,s:b,s:o,s:o,s:o,s:o,s:o,s:o}",
	    "id", (json_int_t)o->id, "kind", o->kind, "state", o->state,
	    "state_name", org_state_name_zh(o->state), "certified",
	    o->enterprise_id > 0 || o->provider_id > 0, "editable", editable,
	    "identity", identity_json(o), "certified_values",
	    cert ? cert : json_null(), "last_decision", str_json(o->last_decision),
	    "reason", str_json(show_reason ? o->last_reason : NULL),
	    "missing", errors, "member_role", json_string(member_role_name(
	    (enum member_role)r->sess.member_role)));
	json_object_set_new(j, "can_submit", json_boolean(editable &&
	    json_array_size(errors) == 0 && strcmp(o->state, "approved") != 0));
	if (pending > 0) {
		clock_format_iso8601(submitted_at, at);
		json_object_set_new(j, "pending", json_pack("{s:I,s:s}", "id",
		    (json_int_t)pending, "submitted_at", at));
	} else
		json_object_set_new(j, "pending", json_null());
	/* issue 16 §2: the certification's stage clock, as in the queue */
	stage_clock_set(j, &(struct clock_facts){
	    .subject = CLOCK_CERTIFICATION, .state = o->state,
	    .submitted_at = pending > 0 ? submitted_at : 0,
	    .applicant = is_provider(o) ? WHO_PROVIDER : WHO_ENTERPRISE },
	    clock_now());
	if (has_licence) {
		clock_format_iso8601(f->uploaded_at, at);
		json_object_set_new(j, "licence", json_pack(
		    "{s:s,s:s,s:I,s:s,s:s}", "name", f->original_name,
		    "content_type", f->content_type, "size",
		    (json_int_t)f->size_bytes, "sha256", f->sha256,
		    "uploaded_at", at));
	} else
		json_object_set_new(j, "licence", json_null());
	if (!is_provider(o)) {
		json_t *inds = json_array();

		json_object_set_new(j, "classification", classification_json(o));
		for (size_t i = 0; i < SIZE_INDUSTRY_COUNT; i++)
			json_array_append_new(inds, json_pack("{s:s,s:s}", "code",
			    size_industries[i].code, "name",
			    size_industries[i].name));
		json_object_set_new(j, "industries", inds);
		json_object_set_new(j, "enterprise_id", o->enterprise_id > 0 ?
		    json_integer(o->enterprise_id) : json_null());
	} else
		json_object_set_new(j, "provider_id", o->provider_id > 0 ?
		    json_integer(o->provider_id) : json_null());
	return j;
}

/* Adds the qualifications (E11) of an enterprise organisation to j. */
static int
quals_into(struct req *r, const struct org_row *o, json_t *j)
{
	struct db_res *keep = NULL;
	struct enterprise_row e;
	enum rule_tier derived;
	unsigned lists = 0;
	int year = 0, rc;
	const char *tier = "ordinary";

	rc = round_current(r->db, &year);
	if (rc == DB_OK && o->uscc != NULL)
		rc = tier_derive(r->db, o->uscc, year, o->claims_specialized,
		    o->claims_little_giant, &derived, &lists);
	if (rc == DB_NOTFOUND)
		rc = DB_OK;
	if (rc == DB_OK && o->enterprise_id > 0) {
		rc = db_enterprise_get(r->db, o->enterprise_id, false, &e, &keep);
		if (rc == DB_OK)
			tier = e.tier;
	}
	if (rc == DB_OK)
		json_object_set_new(j, "qualifications", json_pack(
		    "{s:b,s:b,s:b,s:s,s:s,s:o,s:{s:b,s:b}}", "specialized",
		    o->claims_specialized, "little_giant", o->claims_little_giant,
		    "declared", o->quals_declared, "tier", tier, "tier_name",
		    tier_name_zh(tier), "year", year > 0 ? json_integer(year) :
		    json_null(), "on_lists", "specialized", (lists & 1u) != 0,
		    "little_giant", (lists & 2u) != 0));
	db_res_free(keep);
	return rc;
}

/* Replies with the organisation id as GET /api/org shows it. */
static int
org_reply(struct req *r, int64_t id, int status)
{
	struct db_res *ok = NULL, *fk = NULL;
	struct org_row o;
	struct file_row f;
	json_t *j;
	int rc = db_org_get(r->db, id, false, &o, &ok), frc = DB_NOTFOUND;

	if (rc == DB_OK)
		frc = db_file_get(r->db, id, false, &f, &fk);
	if (rc == DB_OK && frc != DB_OK && frc != DB_NOTFOUND)
		rc = frc;
	if (rc != DB_OK) {
		db_res_free(ok);
		db_res_free(fk);
		return http_db_error(r, rc);
	}
	j = org_json(r, &o, &f, frc == DB_OK);
	if (!is_provider(&o) && (rc = quals_into(r, &o, j)) != DB_OK) {
		json_decref(j);
		db_res_free(ok);
		db_res_free(fk);
		return http_db_error(r, rc);
	}
	db_res_free(ok);
	db_res_free(fk);
	return http_json(r, status, j);
}

/*
 * GET /api/org -> 200 the organisation of the session: {id, kind, state,
 * state_name, certified, editable, can_submit, identity, classification
 * (enterprise, with industries), qualifications (enterprise), licence,
 * certified_values, pending, last_decision, reason (when returned or
 * rejected), missing [{field, code, message}], member_role}.
 */
int
org_get(struct req *r)
{
	int64_t id;

	if (session_org_or_4xx(r, &id) < 0)
		return r->status;
	return org_reply(r, id, 200);
}

/* ---- changing what is declared ------------------------------------------- */

/* The state after a change of a declared field of o (E12), or a refusal:
 * TX_FROZEN while submitted, TX_REJECTED after a first certification was
 * refused. A certified organisation's change waits for a submission. */
static int
state_after_change(const struct org_row *o, bool changed, const char **state)
{
	if (strcmp(o->state, "submitted") == 0)
		return TX_FROZEN;
	if (strcmp(o->state, "rejected") == 0)
		return TX_REJECTED;
	*state = changed && strcmp(o->state, "approved") == 0 ? "draft" :
	    o->state;
	return DB_OK;
}

/* Writes the refusal of an organisation transaction. */
static int
org_tx_error(struct req *r, int rc)
{
	switch (rc) {
	case TX_FROZEN:
		return http_error(r, 409, "submitted", NULL,
		    "认证申请正在审核中，审核结束前不能修改");
	case TX_REJECTED:
		return http_error(r, 409, "rejected", NULL,
		    "认证申请未获通过，如有疑问请联系北京市经济和信息化局");
	case TX_USCC_TAKEN:
		return http_error(r, 409, "uscc_taken", "uscc",
		    "该统一社会信用代码已由其他账号完成认证。请联系贵单位在本"
		    "平台的管理员，由管理员将您的手机号添加为成员");
	case TX_USCC_FIXED:
		return http_error(r, 409, "uscc_fixed", "uscc",
		    "认证通过后统一社会信用代码不能修改");
	case TX_NOTHING_TO_SUBMIT:
		return http_error(r, 409, "nothing_to_submit", NULL,
		    "认证信息没有变化，无需提交");
	case TX_NOT_FOUND:
		return http_error(r, 404, "not_found", NULL, "机构不存在");
	default:
		return http_db_error(r, rc);
	}
}

static bool
str_eq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* ---- PUT /api/org/identity ------------------------------------------------ */

enum { IF_NAME, IF_USCC, IF_LEGAL, IF_DISTRICT, IF_BEIJING, IF_IS_ENT,
    IF_MAIN_BODY, IF__MAX };

static const struct field identity_fields[IF__MAX] = {
	[IF_NAME]      = { "name", FIELD_STRING, true, 2, 200, NULL },
	[IF_USCC]      = { "uscc", FIELD_STRING, true, 18, 18, NULL },
	[IF_LEGAL]     = { "legal_representative", FIELD_STRING, true, 1, 50, NULL },
	[IF_DISTRICT]  = { "registered_district", FIELD_STRING, true, 1, 100, NULL },
	[IF_BEIJING]   = { "registered_in_beijing", FIELD_BOOL, true, 0, 0, NULL },
	[IF_IS_ENT]    = { "is_enterprise", FIELD_BOOL, false, 0, 0, NULL },
	[IF_MAIN_BODY] = { "main_body_in_beijing", FIELD_BOOL, false, 0, 0, NULL },
};

struct identity_tx {
	struct req        *r;
	int64_t            org_id;
	struct identity    v;
};

static int
identity_body(struct db *db, void *arg)
{
	struct identity_tx *t = arg;
	struct db_res *keep = NULL;
	struct org_row o;
	const char *state = NULL;
	int64_t holder = 0, own;
	bool changed, prov;
	json_t *before, *after;
	int rc;

	if ((rc = db_org_get(db, t->org_id, true, &o, &keep)) != DB_OK)
		goto done;
	prov = is_provider(&o);
	/* what the kind has not is kept as it was */
	if (prov)
		t->v.is_enterprise = o.is_enterprise;
	else
		t->v.main_body_in_beijing = o.main_body_in_beijing;
	own = prov ? o.provider_id : o.enterprise_id;
	if (own > 0 && o.uscc != NULL && strcmp(o.uscc, t->v.uscc) != 0) {
		rc = TX_USCC_FIXED;
		goto done;
	}
	/* E12: one organisation per USCC */
	rc = db_uscc_holder(db, prov, t->v.uscc, &holder);
	if (rc == DB_OK && holder != own) {
		rc = TX_USCC_TAKEN;
		goto done;
	}
	if (rc != DB_OK && rc != DB_NOTFOUND)
		goto done;
	changed = !str_eq(o.name, t->v.name) || !str_eq(o.uscc, t->v.uscc) ||
	    !str_eq(o.legal_representative, t->v.legal_representative) ||
	    !str_eq(o.registered_district, t->v.registered_district) ||
	    o.registered_in_beijing != t->v.registered_in_beijing ||
	    o.is_enterprise != t->v.is_enterprise ||
	    o.main_body_in_beijing != t->v.main_body_in_beijing;
	if ((rc = state_after_change(&o, changed, &state)) != DB_OK)
		goto done;
	rc = db_org_set_identity(db, o.id, &t->v, state, t->r->now);
	if (rc == DB_NOTFOUND)
		rc = DB_OK;
	if (rc != DB_OK)
		goto done;
	before = identity_json(&o);
	o.name = t->v.name;
	o.uscc = t->v.uscc;
	o.legal_representative = t->v.legal_representative;
	o.registered_district = t->v.registered_district;
	o.registered_in_beijing = t->v.registered_in_beijing;
	o.is_enterprise = t->v.is_enterprise;
	o.main_body_in_beijing = t->v.main_body_in_beijing;
	after = identity_json(&o);
	json_object_set_new(after, "state", json_string(state));
	rc = audit_write(t->r, "org.identity", "organisation", o.id, before,
	    after);
	json_decref(before);
	json_decref(after);
done:
	db_res_free(keep);
	return rc;
}

/*
 * PUT /api/org/identity {name, uscc, legal_representative,
 * registered_district, registered_in_beijing, is_enterprise (an
 * enterprise), main_body_in_beijing (a provider: false for the Beijing
 * branch of a body registered elsewhere)} -> 200 the organisation.
 * 400 a field; 422 invalid_uscc (E6); 409 uscc_taken (E12: another
 * organisation is certified with it; ask its administrator to add you),
 * uscc_fixed (certified), submitted (frozen until decided), rejected.
 */
int
org_identity_put(struct req *r)
{
	struct field_value v[IF__MAX];
	struct identity_tx t = { .r = r };
	json_t *body;
	char uscc[19];
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, identity_fields, IF__MAX, v) < 0 ||
	    session_org_or_4xx(r, &t.org_id) < 0)
		return r->status;
	/* the code as printed on the licence, in capitals */
	for (size_t i = 0; i < 18; i++)
		uscc[i] = (char)((v[IF_USCC].s[i] >= 'a' && v[IF_USCC].s[i] <= 'z') ?
		    v[IF_USCC].s[i] - 32 : v[IF_USCC].s[i]);
	uscc[18] = '\0';
	if (!rule_uscc_valid(uscc))
		return http_error(r, 422, "invalid_uscc", "uscc",
		    "统一社会信用代码无效：应为 18 位，且校验位须正确");
	t.v = (struct identity){ .name = v[IF_NAME].s, .uscc = uscc,
	    .legal_representative = v[IF_LEGAL].s,
	    .registered_district = v[IF_DISTRICT].s,
	    .registered_in_beijing = (int)v[IF_BEIJING].i,
	    .is_enterprise = v[IF_IS_ENT].present ? (int)v[IF_IS_ENT].i : -1,
	    .main_body_in_beijing = v[IF_MAIN_BODY].present ?
	    (int)v[IF_MAIN_BODY].i : -1 };
	if ((rc = db_tx(r->db, identity_body, &t)) != DB_OK)
		return org_tx_error(r, rc);
	return org_reply(r, t.org_id, 200);
}

/* ---- PUT /api/org/classification (E10) --------------------------------- */

static const char *const industry_codes[SIZE_INDUSTRY_COUNT + 1] = {
	"agriculture", "industry", "construction", "wholesale", "retail",
	"transport", "warehousing", "postal", "hotel", "catering", "telecom",
	"software", "real_estate", "property", "leasing", "other", NULL
};

#define FIGURE_MAX_FEN   1000000000000000LL   /* 10^13 CNY: any real firm */
#define EMPLOYEES_MAX    10000000

enum { CF_INDUSTRY, CF_EMPLOYEES, CF_REVENUE, CF_ASSETS, CF_YEAR, CF__MAX };

static const struct field class_fields[CF__MAX] = {
	[CF_INDUSTRY]  = { "industry", FIELD_ENUM, true, 0, 0, industry_codes },
	[CF_EMPLOYEES] = { "employees", FIELD_INT, true, 0, EMPLOYEES_MAX, NULL },
	[CF_REVENUE]   = { "revenue", FIELD_MONEY, true, 0, FIGURE_MAX_FEN, NULL },
	[CF_ASSETS]    = { "total_assets", FIELD_MONEY, true, 0, FIGURE_MAX_FEN, NULL },
	[CF_YEAR]      = { "year", FIELD_INT, true, 2000, 2100, NULL },
};

/* {size_class, size_class_name, basis} of a result. */
static json_t *
class_result_json(const struct size_result *s)
{
	return json_pack("{s:s,s:s,s:s,s:b}", "size_class",
	    rule_size_name(s->size), "size_class_name",
	    size_class_name_zh(s->size), "basis", s->basis, "eligible",
	    s->size != RULE_SIZE_LARGE);
}

static int
large_reply(struct req *r, const struct size_result *s)
{
	json_t *e = json_pack("{s:s,s:s,s:s,s:s,s:s}", "code", "large_enterprise",
	    "message", "按划型标准属于大型企业，不在服务券支持范围内",
	    "field", "classification", "size_class", "large", "basis", s->basis);

	return http_json(r, 422, json_pack("{s:o}", "error", e));
}

struct class_tx {
	struct req             *r;
	int64_t                 org_id;
	struct classification   c;
};

static int
class_body(struct db *db, void *arg)
{
	struct class_tx *t = arg;
	struct db_res *keep = NULL;
	struct org_row o;
	const char *state = NULL;
	json_t *before, *after;
	bool changed;
	int rc;

	if ((rc = db_org_get(db, t->org_id, true, &o, &keep)) != DB_OK)
		goto done;
	if (is_provider(&o)) {
		rc = TX_NOT_FOUND;
		goto done;
	}
	changed = !str_eq(o.industry, t->c.industry) ||
	    o.employees != t->c.employees || o.revenue != t->c.revenue ||
	    o.total_assets != t->c.total_assets ||
	    o.figures_year != t->c.year || !str_eq(o.size_class, t->c.size_class);
	if ((rc = state_after_change(&o, changed, &state)) != DB_OK)
		goto done;
	rc = db_org_set_classification(db, o.id, &t->c, state, t->r->now);
	if (rc == DB_NOTFOUND)
		rc = DB_OK;
	if (rc != DB_OK)
		goto done;
	before = classification_json(&o);
	o.industry = t->c.industry;
	o.employees = t->c.employees;
	o.revenue = t->c.revenue;
	o.total_assets = t->c.total_assets;
	o.figures_year = t->c.year;
	o.size_class = t->c.size_class;
	o.size_basis = t->c.basis;
	after = classification_json(&o);
	json_object_set_new(after, "state", json_string(state));
	rc = audit_write(t->r, "org.classification", "organisation", o.id,
	    before, after);
	json_decref(before);
	json_decref(after);
done:
	db_res_free(keep);
	return rc;
}

/*
 * PUT /api/org/classification {industry (the 16 codes of E10), employees,
 * revenue (fen), total_assets (fen), year (the last complete year)} ->
 * 200 {size_class, size_class_name, basis, eligible, state}: the class
 * by 工信部联企业〔2011〕300号 and the rule that decided it. 422
 * large_enterprise (E3: not stored); 400 a field (year: the last or the
 * year before); 409 submitted / rejected.
 */
int
org_classification_put(struct req *r)
{
	struct field_value v[CF__MAX];
	struct class_tx t = { .r = r };
	struct size_result s;
	json_t *body, *out;
	int y = clock_shanghai_year(r->now), rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, class_fields, CF__MAX, v) < 0)
		return r->status;
	if (v[CF_YEAR].i < y - 2 || v[CF_YEAR].i > y - 1)
		return http_error(r, 400, "out_of_range", "year",
		    "划型数据须为最近一个完整年度（%d 年或 %d 年）", y - 1, y - 2);
	if (size_classify(v[CF_INDUSTRY].s, v[CF_EMPLOYEES].i, v[CF_REVENUE].i,
	    v[CF_ASSETS].i, &s) < 0)
		return http_error(r, 400, "invalid_field", "industry",
		    "行业无效");
	if (s.size == RULE_SIZE_LARGE)
		return large_reply(r, &s);
	if (session_org_or_4xx(r, &t.org_id) < 0)
		return r->status;
	t.c = (struct classification){ .industry = v[CF_INDUSTRY].s,
	    .employees = v[CF_EMPLOYEES].i, .revenue = v[CF_REVENUE].i,
	    .total_assets = v[CF_ASSETS].i, .year = (int)v[CF_YEAR].i,
	    .size_class = rule_size_name(s.size), .basis = s.basis };
	if ((rc = db_tx(r->db, class_body, &t)) != DB_OK)
		return org_tx_error(r, rc);
	out = class_result_json(&s);
	return http_json(r, 200, out);
}

/*
 * GET /api/org/classification/preview?industry=&employees=&revenue=
 * &total_assets= -> 200 {size_class, size_class_name, basis, eligible}:
 * the class of the figures as they are typed, nothing stored. 400 a
 * parameter.
 */
int
org_classification_preview(struct req *r)
{
	const char *industry;
	int64_t employees, revenue, assets;
	struct size_result s;

	if (query_enum_or_400(r, "industry", industry_codes, NULL,
	    &industry) < 0 ||
	    query_i64_or_400(r, "employees", 0, EMPLOYEES_MAX, 0,
	    &employees) < 0 ||
	    query_i64_or_400(r, "revenue", 0, FIGURE_MAX_FEN, 0, &revenue) < 0 ||
	    query_i64_or_400(r, "total_assets", 0, FIGURE_MAX_FEN, 0,
	    &assets) < 0)
		return r->status;
	if (industry == NULL)
		return http_error(r, 400, "missing_field", "industry",
		    "缺少行业（industry）");
	if (size_classify(industry, employees, revenue, assets, &s) < 0)
		return http_error(r, 400, "invalid_field", "industry",
		    "行业无效");
	return http_json(r, 200, class_result_json(&s));
}

/* ---- PUT /api/org/qualifications (E11) ---------------------------------- */

enum { QF_SPEC, QF_LG, QF__MAX };

static const struct field quals_fields[QF__MAX] = {
	[QF_SPEC] = { "specialized", FIELD_BOOL, true, 0, 0, NULL },
	[QF_LG]   = { "little_giant", FIELD_BOOL, true, 0, 0, NULL },
};

struct quals_tx {
	struct req  *r;
	int64_t      org_id;
	bool         spec, lg;
};

static int
quals_body(struct db *db, void *arg)
{
	struct quals_tx *t = arg;
	struct actor a = actor_of(t->r);
	struct db_res *keep = NULL;
	struct org_row o;
	enum rule_tier tier;
	json_t *before, *after;
	bool changed;
	int rc;

	if ((rc = db_org_get(db, t->org_id, true, &o, &keep)) != DB_OK)
		goto done;
	if (is_provider(&o)) {
		rc = TX_NOT_FOUND;
		goto done;
	}
	before = json_pack("{s:b,s:b,s:b}", "specialized", o.claims_specialized,
	    "little_giant", o.claims_little_giant, "declared", o.quals_declared);
	rc = db_org_set_quals(db, o.id, t->spec, t->lg, t->r->now);
	if (rc == DB_NOTFOUND)
		rc = DB_OK;
	o.claims_specialized = t->spec;
	o.claims_little_giant = t->lg;
	o.quals_declared = true;
	after = json_pack("{s:b,s:b,s:b}", "specialized", t->spec,
	    "little_giant", t->lg, "declared", 1);
	if (rc == DB_OK)
		rc = audit_write(t->r, "org.qualifications", "organisation",
		    o.id, before, after);
	json_decref(before);
	json_decref(after);
	/* E11: a certified enterprise's tier follows at once (E8) */
	if (rc == DB_OK)
		rc = tier_refresh_org(db, &a, &o, &changed, &tier);
done:
	db_res_free(keep);
	return rc;
}

/*
 * PUT /api/org/qualifications {specialized, little_giant} -> 200 the
 * organisation: the claims are matched against the bureau's lists of the
 * current round's year by USCC (E11); an unmatched claim counts as
 * ordinary. A certified enterprise's tier and cap follow at once (E8).
 */
int
org_qualifications_put(struct req *r)
{
	struct field_value v[QF__MAX];
	struct quals_tx t = { .r = r };
	json_t *body;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, quals_fields, QF__MAX, v) < 0 ||
	    session_org_or_4xx(r, &t.org_id) < 0)
		return r->status;
	t.spec = v[QF_SPEC].i;
	t.lg = v[QF_LG].i;
	if ((rc = db_tx(r->db, quals_body, &t)) != DB_OK)
		return org_tx_error(r, rc);
	return org_reply(r, t.org_id, 200);
}

/* ---- GET|PUT /api/org/profile (企业信息) -------------------------------- */

enum { PF_ADDRESS, PF_CONTACT, PF_PHONE, PF_WEBSITE, PF_BANK,
    PF_ACCOUNT_NAME, PF_ACCOUNT, PF__MAX };

static const struct field profile_fields[PF__MAX] = {
	[PF_ADDRESS]      = { "address", FIELD_STRING, false, 1, 200, NULL },
	[PF_CONTACT]      = { "contact_name", FIELD_STRING, false, 1, 50, NULL },
	[PF_PHONE]        = { "contact_phone", FIELD_STRING, false, 5, 20, NULL },
	[PF_WEBSITE]      = { "website", FIELD_STRING, false, 4, 200, NULL },
	[PF_BANK]         = { "bank_name", FIELD_STRING, false, 2, 100, NULL },
	[PF_ACCOUNT_NAME] = { "bank_account_name", FIELD_STRING, false, 2, 200, NULL },
	[PF_ACCOUNT]      = { "bank_account", FIELD_STRING, false, 6, 40, NULL },
};

static json_t *
profile_json(const struct org_row *o)
{
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "address",
	    str_json(o->address), "contact_name", str_json(o->contact_name),
	    "contact_phone", str_json(o->contact_phone), "website",
	    str_json(o->website), "bank_name", str_json(o->bank_name),
	    "bank_account_name", str_json(o->bank_account_name),
	    "bank_account", str_json(o->bank_account));
}

/* True when s holds only the characters of allowed. */
static bool
only(const char *s, const char *allowed)
{
	return s == NULL || strspn(s, allowed) == strlen(s);
}

static int
profile_reply(struct req *r, int64_t id)
{
	struct db_res *keep = NULL;
	struct org_row o;
	json_t *j;
	int rc = db_org_get(r->db, id, false, &o, &keep);

	if (rc != DB_OK) {
		db_res_free(keep);
		return http_db_error(r, rc);
	}
	j = profile_json(&o);
	json_object_set_new(j, "name", str_json(o.name));
	json_object_set_new(j, "uscc", str_json(o.uscc));
	json_object_set_new(j, "kind", json_string(o.kind));
	db_res_free(keep);
	return http_json(r, 200, j);
}

/* GET /api/org/profile -> 200 {name, uscc, kind, address, contact_name,
 * contact_phone, website, bank_name, bank_account_name, bank_account}. */
int
org_profile_get(struct req *r)
{
	int64_t id;

	if (session_org_or_4xx(r, &id) < 0)
		return r->status;
	return profile_reply(r, id);
}

struct profile_tx {
	struct req      *r;
	int64_t          org_id;
	struct profile   p;
};

static int
profile_body(struct db *db, void *arg)
{
	struct profile_tx *t = arg;
	struct db_res *keep = NULL;
	struct org_row o;
	json_t *before, *after;
	int rc;

	if ((rc = db_org_get(db, t->org_id, true, &o, &keep)) != DB_OK) {
		db_res_free(keep);
		return rc;
	}
	rc = db_org_set_profile(db, o.id, &t->p, t->r->now);
	if (rc == DB_NOTFOUND)
		rc = DB_OK;
	before = profile_json(&o);
	o.address = t->p.address;
	o.contact_name = t->p.contact_name;
	o.contact_phone = t->p.contact_phone;
	o.website = t->p.website;
	o.bank_name = t->p.bank_name;
	o.bank_account_name = t->p.bank_account_name;
	o.bank_account = t->p.bank_account;
	after = profile_json(&o);
	if (rc == DB_OK)
		rc = audit_write(t->r, "org.profile", "organisation", o.id,
		    before, after);
	json_decref(before);
	json_decref(after);
	db_res_free(keep);
	return rc;
}

/*
 * PUT /api/org/profile {address?, contact_name?, contact_phone?,
 * website?, bank_name?, bank_account_name?, bank_account?} -> 200 the
 * profile: the whole 企业信息 as given (a missing field is cleared),
 * audited. Not certified: no review. 400 a field.
 */
int
org_profile_put(struct req *r)
{
	struct field_value v[PF__MAX];
	struct profile_tx t = { .r = r };
	json_t *body;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, profile_fields, PF__MAX, v) < 0)
		return r->status;
	if (!only(v[PF_PHONE].s, "0123456789+- "))
		return http_error(r, 400, "invalid_field", "contact_phone",
		    "联系电话只能包含数字、空格、加号和连字符");
	if (!only(v[PF_ACCOUNT].s, "0123456789 "))
		return http_error(r, 400, "invalid_field", "bank_account",
		    "银行账号只能包含数字和空格");
	if (v[PF_WEBSITE].s != NULL && strncmp(v[PF_WEBSITE].s, "https://", 8)
	    != 0 && strncmp(v[PF_WEBSITE].s, "http://", 7) != 0)
		return http_error(r, 400, "invalid_field", "website",
		    "网址须以 http:// 或 https:// 开头");
	if (session_org_or_4xx(r, &t.org_id) < 0)
		return r->status;
	t.p = (struct profile){ .address = v[PF_ADDRESS].s,
	    .contact_name = v[PF_CONTACT].s, .contact_phone = v[PF_PHONE].s,
	    .website = v[PF_WEBSITE].s, .bank_name = v[PF_BANK].s,
	    .bank_account_name = v[PF_ACCOUNT_NAME].s,
	    .bank_account = v[PF_ACCOUNT].s };
	if ((rc = db_tx(r->db, profile_body, &t)) != DB_OK)
		return org_tx_error(r, rc);
	return profile_reply(r, t.org_id);
}

/* ---- the licence ------------------------------------------------------------ */

struct licence_tx {
	struct req           *r;
	int64_t               org_id;
	const char           *name;
	const struct upload  *up;      /* NULL: the check before the body  */
	bool                  replaced;                /* out */
	char                  old[UPLOAD_STORED_MAX];  /* out */
};

static int
licence_body(struct db *db, void *arg)
{
	struct licence_tx *t = arg;
	struct db_res *ok = NULL, *fk = NULL;
	struct org_row o;
	struct file_row f;
	const char *state = NULL;
	json_t *before = NULL, *after;
	int rc;

	t->replaced = false;
	t->old[0] = '\0';
	if ((rc = db_org_get(db, t->org_id, true, &o, &ok)) != DB_OK)
		goto done;
	if ((rc = state_after_change(&o, true, &state)) != DB_OK ||
	    t->up == NULL)
		goto done;
	rc = db_file_get(db, o.id, true, &f, &fk);
	if (rc == DB_OK) {
		t->replaced = true;
		snprintf(t->old, sizeof(t->old), "%s", f.stored_name);
		before = json_pack("{s:s,s:I,s:s}", "name", f.original_name,
		    "size", (json_int_t)f.size_bytes, "sha256", f.sha256);
	} else if (rc != DB_NOTFOUND)
		goto done;
	rc = db_file_upsert(db, o.id, t->name, t->up, t->r->sess.account_id,
	    t->r->now);
	if (rc == DB_OK && strcmp(state, o.state) != 0)
		rc = db_org_set_state(db, o.id, state, t->r->now);
	if (rc != DB_OK) {
		json_decref(before);
		goto done;
	}
	after = json_pack("{s:s,s:I,s:s,s:s}", "name", t->name, "size",
	    (json_int_t)t->up->size, "sha256", t->up->sha256, "state", state);
	rc = audit_write(t->r, "org.licence", "organisation", o.id, before,
	    after);
	json_decref(before);
	json_decref(after);
done:
	db_res_free(ok);
	db_res_free(fk);
	return rc;
}

/* The name given in ?name=: at most 255 characters, no path separators
 * or control characters. */
static int
name_or_400(struct req *r, const char **name)
{
	if (query_str_or_400(r, "name", 255, name) < 0)
		return -1;
	if (*name == NULL)
		return 0;
	for (const unsigned char *p = (const unsigned char *)*name; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\') {
			http_error(r, 400, "invalid_query", "name",
			    "文件名不能含有路径分隔符或控制字符");
			return -1;
		}
	return 0;
}

/*
 * PUT /api/org/files/licence[?name=营业执照.pdf], the body the file (PDF,
 * PNG or JPEG; VOUCHER_UPLOAD_MAX) -> 201 {name, content_type, size,
 * sha256, uploaded_at, replaced: false}, or 200 replacing the last one.
 * The type is sniffed (422 invalid_file, file_has_markup), 413 too
 * large, 415 another type; 409 submitted / rejected. A refused upload
 * leaves nothing on disk.
 */
int
org_licence_put(struct req *r)
{
	struct licence_tx t = { .r = r };
	struct upload up;
	char at[21], fallback[32];
	int rc;

	if (name_or_400(r, &t.name) < 0 || session_org_or_4xx(r, &t.org_id) < 0)
		return r->status;
	/* refuse before storing anything while frozen */
	if ((rc = db_tx(r->db, licence_body, &t)) != DB_OK)
		return org_tx_error(r, rc);
	if (upload_receive_or_4xx(r, LICENCE_TYPES, &up) < 0)
		return r->status;
	if (t.name == NULL) {
		snprintf(fallback, sizeof(fallback), "营业执照.%s",
		    strrchr(up.stored, '.') + 1);
		t.name = fallback;
	}
	t.up = &up;
	if ((rc = db_tx(r->db, licence_body, &t)) != DB_OK) {
		upload_remove(up.stored, r->rid);
		return org_tx_error(r, rc);
	}
	/* the old file goes unless a certification keeps it as evidence */
	if (t.replaced && strcmp(t.old, up.stored) != 0 &&
	    db_file_referenced(r->db, t.old) == DB_NOTFOUND)
		upload_remove(t.old, r->rid);
	clock_format_iso8601(r->now, at);
	return http_json(r, t.replaced ? 200 : 201, json_pack(
	    "{s:s,s:s,s:I,s:s,s:s,s:b}", "name", t.name, "content_type",
	    up.content_type, "size", (json_int_t)up.size, "sha256", up.sha256,
	    "uploaded_at", at, "replaced", t.replaced));
}

/*
 * GET /api/org/files/licence[?inline=1] -> 200 the licence (sent by
 * nginx); any member of the organisation. 404 none uploaded.
 */
int
org_licence_get(struct req *r)
{
	struct db_res *keep = NULL;
	struct file_row f;
	char name[32];
	int64_t id;
	int rc;

	if (session_org_or_4xx(r, &id) < 0)
		return r->status;
	rc = db_file_get(r->db, id, false, &f, &keep);
	if (rc == DB_NOTFOUND) {
		db_res_free(keep);
		return http_error(r, 404, "file_not_found", NULL,
		    "尚未上传营业执照");
	}
	if (rc != DB_OK) {
		db_res_free(keep);
		return http_db_error(r, rc);
	}
	snprintf(name, sizeof(name), "licence.%s",
	    strrchr(f.stored_name, '.') ? strrchr(f.stored_name, '.') + 1 :
	    "bin");
	rc = upload_send(r, f.stored_name, f.content_type, name);
	db_res_free(keep);
	return rc;
}

/* ---- POST /api/org/certification/submit ------------------------------------ */

struct submit_tx {
	struct req  *r;
	int64_t      org_id;
	int64_t      cert_id;          /* out */
	json_t      *errors;           /* out: TX_INCOMPLETE */
};

static int
submit_body(struct db *db, void *arg)
{
	struct submit_tx *t = arg;
	struct db_res *ok = NULL, *fk = NULL;
	struct org_row o;
	struct file_row f;
	struct cert_new c;
	json_t *values = NULL, *after;
	char *vs = NULL;
	int64_t holder = 0, own;
	bool prov, has_licence;
	int rc;

	t->cert_id = 0;
	json_decref(t->errors);
	t->errors = json_array();
	if ((rc = db_org_get(db, t->org_id, true, &o, &ok)) != DB_OK)
		goto done;
	if (strcmp(o.state, "submitted") == 0)
		rc = TX_FROZEN;
	else if (strcmp(o.state, "rejected") == 0)
		rc = TX_REJECTED;
	else if (strcmp(o.state, "approved") == 0)
		rc = TX_NOTHING_TO_SUBMIT;
	if (rc != DB_OK)
		goto done;
	rc = db_file_get(db, o.id, true, &f, &fk);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		goto done;
	has_licence = rc == DB_OK;
	missing_of(&o, has_licence, t->errors);
	if (json_array_size(t->errors) > 0) {
		rc = TX_INCOMPLETE;
		goto done;
	}
	prov = is_provider(&o);
	own = prov ? o.provider_id : o.enterprise_id;
	rc = db_uscc_holder(db, prov, o.uscc, &holder);
	if (rc == DB_OK && holder != own) {
		rc = TX_USCC_TAKEN;
		goto done;
	}
	if (rc != DB_OK && rc != DB_NOTFOUND)
		goto done;
	values = values_json(&o);
	vs = json_dumps(values, JSON_COMPACT | JSON_SORT_KEYS);
	c = (struct cert_new){ .org_id = o.id, .kind = o.kind,
	    .is_change = own > 0, .name = o.name, .uscc = o.uscc,
	    .size_class = o.size_class, .values_json = vs, .licence = &f,
	    .by = t->r->sess.account_id };
	rc = db_cert_insert(db, &c, t->r->now, &t->cert_id);
	if (rc == DB_CONFLICT)
		rc = TX_FROZEN;	/* a pending one already */
	if (rc == DB_OK)
		rc = db_org_set_state(db, o.id, "submitted", t->r->now);
	if (rc != DB_OK)
		goto done;
	after = json_pack("{s:I,s:O,s:b}", "certification_id",
	    (json_int_t)t->cert_id, "values", values, "is_change", own > 0);
	rc = audit_write(t->r, "org.submit", "organisation", o.id, NULL, after);
	json_decref(after);
done:
	json_decref(values);
	free(vs);
	db_res_free(ok);
	db_res_free(fk);
	return rc;
}

/*
 * POST /api/org/certification/submit -> 201 the organisation, submitted
 * (待审核) with its pending certification: into the verification queue
 * of the reviewer and the bureau. 422 incomplete (error.errors: every
 * missing or disqualifying field: E1, E2, E3, the licence); 409 submitted
 * (already), nothing_to_submit (certified and unchanged), rejected,
 * uscc_taken (E12).
 */
int
org_submit(struct req *r)
{
	struct submit_tx t = { .r = r };
	int rc;

	if (session_org_or_4xx(r, &t.org_id) < 0)
		return r->status;
	rc = db_tx(r->db, submit_body, &t);
	if (rc == TX_INCOMPLETE) {
		json_t *errors = t.errors;

		t.errors = NULL;
		return error_with(r, 422, "incomplete", NULL,
		    "认证信息不完整或不符合条件，请按提示补充后再提交", "errors",
		    errors);
	}
	json_decref(t.errors);
	if (rc != DB_OK)
		return org_tx_error(r, rc);
	return org_reply(r, t.org_id, 201);
}
