/*
 * application.c - the provider's side of collection (征集): a draft for
 * the current round, 临时保存 / 保存 / 提交 (A4), the list "我的申报" with
 * each one's state and last submission (A5), one application in full with
 * its history; and what the other files share (refusals, reads, locks,
 * events).
 *
 * Rules where the guide is silent or ambiguous (see README):
 *   - 保存 (mode=save) stores the form only when it passes every check;
 *     otherwise it answers all failing fields and keeps the stored form;
 *   - A1 is judged on the application's declared figures together with
 *     the bureau's record of the provider (credit flag, V2 bar);
 *   - a draft may be created outside the window (A2); only submission is
 *     refused there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "clocks.h"
#include "collection.h"
#include "parties.h"
#include "rules.h"

/* ---- shared helpers ------------------------------------------------- */

int
error_with(struct req *r, int status, const char *code, const char *field,
    const char *message, const char *key, json_t *extra)
{
	json_t *err = json_pack("{s:s,s:s}", "code", code, "message", message);

	if (field != NULL)
		json_object_set_new(err, "field", json_string(field));
	if (key != NULL && extra != NULL)
		json_object_set_new(err, key, extra);
	else
		json_decref(extra);
	return http_json(r, status, json_pack("{s:o}", "error", err));
}

int
tx_error(struct req *r, const struct tx_report *t, int rc)
{
	json_t *details = t->details ? json_incref(t->details) : NULL;
	const char *first = NULL;

	switch (rc) {
	case TX_NOT_FOUND:
		json_decref(details);
		return http_error(r, 404, "not_found", NULL, "申报不存在");
	case TX_FROZEN:
		json_decref(details);
		return http_error(r, 409, "application_frozen", NULL,
		    "申报当前状态为“%s”，已冻结，不能修改（提交之后不可修改，"
		    "《工作指南》四（三）2；退回修改后方可再次编辑）", state_name(t->state));
	case TX_INVALID_STATE:
		json_decref(details);
		return http_error(r, 409, "invalid_state", NULL,
		    "申报当前状态为“%s”，不在待审核状态", state_name(t->state));
	case TX_NO_ROUND:
		json_decref(details);
		return http_error(r, 409, "no_round", NULL,
		    "当前没有开放的征集年度");
	case TX_WINDOW_CLOSED:
		json_decref(details);
		return http_error(r, 403, "window_closed", NULL,
		    "不在申报时间内（%s），不能提交（《工作指南》四（三）1）", t->window);
	case TX_INVALID_FORM:
		if (json_array_size(details) > 0)
			first = json_string_value(json_object_get(
			    json_array_get(details, 0), "field"));
		return error_with(r, 400, "validation_failed",
		    first ? req_strdup(r, first) : NULL,
		    "申报表有未通过校验的字段，见 errors",
		    "errors", details);
	case TX_ATTACHMENTS:
		return error_with(r, 422, "attachments_missing", "attachments",
		    t->message, "missing", details);
	case TX_NOT_ELIGIBLE:
		return error_with(r, 403, "not_eligible", NULL, t->message,
		    "reasons", details);
	case TX_BARRED:
		json_decref(details);
		return http_error(r, 403, "provider_barred", NULL,
		    "服务机构已被取消资格（三年内不受理申请，《工作指南》七、5）");
	case TX_BAD_PRODUCTS:
		json_decref(details);
		return http_error(r, 400, "invalid_field", t->field[0] ?
		    t->field : NULL, "%s", t->message);
	default:
		json_decref(details);
		return http_db_error(r, rc);
	}
}

bool
app_readable(const struct req *r, int64_t provider_id, int64_t submit_count)
{
	if (r->sess.role == ROLE_PROVIDER)
		return r->sess.provider_id == provider_id;
	/* reviewers and the bureau: what was submitted at least once */
	return (r->sess.role == ROLE_REVIEWER || r->sess.role == ROLE_BUREAU)
	    && submit_count > 0;
}

int64_t
today_ymd(const struct req *r)
{
	int y, m, d;

	clock_shanghai_date(r->now, &y, &m, &d);
	return (int64_t)y * 10000 + m * 100 + d;
}

int
app_event(struct db *db, struct req *r, int64_t id, const char *action,
    const char *opinion, const char *from, const char *to,
    const char *comment)
{
	const struct app_event_row e = {
		.application_id = id,
		.at = r->now,
		.account_id = r->sess.account_id,
		.role = role_name(r->sess.role),
		.action = action,
		.opinion = opinion,
		.from = from,
		.to = to,
		.comment = comment,
		.request_id = r->rid,
	};

	return db_app_event(db, &e);
}

int
app_lock_editable(struct db *db, struct req *r, struct tx_report *t,
    struct app_lock *a, struct db_res **keep)
{
	int rc;

	t->state[0] = '\0';
	rc = db_app_lock(db, r->ids[0], a, keep);
	if (rc == DB_NOTFOUND || (rc == DB_OK &&
	    a->provider_id != r->sess.provider_id))
		rc = TX_NOT_FOUND;
	else if (rc == DB_OK) {
		snprintf(t->state, sizeof(t->state), "%s", a->state);
		if (strcmp(a->state, "draft") != 0 &&
		    strcmp(a->state, "returned") != 0)
			rc = TX_FROZEN;
	}
	return rc;
}

/* Issue 16: the application's stage clock (clocks.h) at the clock's now
 * (T2), from its row: "deadline" and "clock". A draft's or a returned
 * one's A2 deadline is the end of its round's window: the last day
 * (window_closes_on, inclusive, Asia/Shanghai) ends at the next day's
 * 00:00 +08:00. The row's window_closes_on is dropped from the reply. */
static void
app_clock_set(json_t *o)
{
	const char *at = json_string_value(json_object_get(o,
	    "last_submitted_at"));
	const char *closes = json_string_value(json_object_get(o,
	    "window_closes_on"));
	struct clock_facts f = {
		.subject = CLOCK_APPLICATION,
		.state = json_string_value(json_object_get(o, "status")),
		.opinion = json_is_string(json_object_get(o, "reviewer_opinion")),
	};
	int y, m, d;

	if (at != NULL && clock_parse_iso8601(at, &f.submitted_at) != 0)
		f.submitted_at = 0;
	if (closes != NULL && clock_parse_date(closes, &y, &m, &d) == 0)
		f.window_end = (time_t)(clock_days_from_civil(y, m, d) + 1) *
		    86400 - 8 * 3600;
	stage_clock_set(o, &f, clock_now());
	json_object_del(o, "window_closes_on");
}

json_t *
app_item_json(const struct db_res *res, size_t i)
{
	json_t *o = db_row_json(res, i);

	json_object_set_new(o, "status_name", json_string(state_name(
	    json_string_value(json_object_get(o, "status")))));
	app_clock_set(o);
	return o;
}

/* The attachments of application id as JSON, in checklist order, and
 * the required items missing for nproducts products. */
int
attachments_json(struct db *db, int64_t id, size_t nproducts,
    json_t **items, json_t **missing)
{
	struct db_rows rows;
	const struct att_row *f;
	bool have[FORM_MAX_PRODUCTS + 1][RULE_A3_PROVIDER_ITEMS + 1];
	char at[21];
	int rc, product, k;

	memset(have, 0, sizeof(have));
	*items = json_array();
	*missing = json_array();
	if ((rc = db_att_list(db, id, NULL, &rows)) != DB_OK)
		return rc;
	f = rows.v;
	/* checklist order: provider items 1-10, then product 1's, 2's, ... */
	for (int p = 0; p <= FORM_MAX_PRODUCTS; p++) {
		for (int want = 1; want <= RULE_A3_PROVIDER_ITEMS; want++) {
			for (size_t i = 0; i < rows.n; i++) {
				if (item_parse(f[i].item_code, &product,
				    &k) < 0 || product != p || k != want)
					continue;
				have[product][k] = true;
				clock_format_iso8601(f[i].uploaded_at, at);
				json_array_append_new(*items, json_pack(
				    "{s:s,s:s,s:b,s:s,s:s,s:I,s:s,s:s}",
				    "item", f[i].item_code,
				    "label", item_label(product, k),
				    "required", item_required(product, k),
				    "name", f[i].original_name,
				    "content_type", f[i].content_type,
				    "size", (json_int_t)f[i].size_bytes,
				    "sha256", f[i].sha256,
				    "uploaded_at", at));
			}
		}
	}
	db_rows_free(&rows);
	for (int p = 0; p <= (int)nproducts; p++) {
		int n = p == 0 ? RULE_A3_PROVIDER_ITEMS : RULE_A3_PRODUCT_ITEMS;

		for (k = 1; k <= n; k++) {
			char code[24];

			if (!item_required(p, k) || have[p][k])
				continue;
			if (p == 0)
				snprintf(code, sizeof(code), "provider.%d", k);
			else
				snprintf(code, sizeof(code), "product.%d.%d", p, k);
			json_array_append_new(*missing, json_pack("{s:s,s:s}",
			    "item", code, "label", item_label(p, k)));
		}
	}
	return DB_OK;
}

int
app_reply(struct req *r, int64_t id, int status)
{
	struct db_res *keep = NULL;
	struct db_rows prods = { 0 };
	struct app_view v;
	json_t *o = NULL, *form = NULL, *items = NULL, *missing = NULL,
	    *history = NULL, *pa, *p;
	size_t i;
	int rc;

	rc = db_app_view(r->db, id, &v, &keep);
	if (rc == DB_NOTFOUND || (rc == DB_OK && !app_readable(r,
	    v.provider_id, v.submit_count))) {
		rc = http_error(r, 404, "not_found", NULL, "申报不存在");
		goto done;
	}
	if (rc == DB_OK)
		rc = db_products_of(r->db, id, &prods);
	if (rc == DB_OK)
		rc = db_app_events_json(r->db, id, &history);
	if (rc == DB_OK) {
		if ((form = json_loads(v.form_json ? v.form_json : "", 0,
		    NULL)) == NULL)
			form = json_object();
		rc = attachments_json(r->db, id, form_product_count(form),
		    &items, &missing);
	}
	if (rc != DB_OK) {
		rc = http_db_error(r, rc);
		goto done;
	}
	o = db_row_json(keep, 0);
	json_object_del(o, "form_json");
	json_object_set_new(o, "status_name", json_string(state_name(
	    v.status)));
	json_object_set_new(o, "editable", json_boolean(
	    strcmp(v.status, "draft") == 0 || strcmp(v.status, "returned") == 0));
	json_object_set_new(o, "preferred", json_boolean(v.preferred));
	app_clock_set(o);
	json_object_set_new(o, "form", form);
	form = NULL;
	pa = db_rows_json(prods.res);
	json_array_foreach(pa, i, p) {
		json_t *ip = json_object_get(p, "has_ip");

		/* item 6: true, false, or null when not declared (a
		 * TINYINT(1) column comes as a boolean already) */
		json_object_set_new(p, "index", json_integer((json_int_t)i));
		if (!json_is_boolean(ip))
			json_object_set_new(p, "has_ip", json_is_integer(ip) ?
			    json_boolean(json_integer_value(ip)) : json_null());
	}
	json_object_set_new(o, "products", pa);
	json_object_set_new(o, "attachments", items);
	json_object_set_new(o, "missing_attachments", missing);
	json_object_set_new(o, "history", history);
	items = missing = history = NULL;
	rc = http_json(r, status, o);
done:
	json_decref(form);
	json_decref(items);
	json_decref(missing);
	json_decref(history);
	db_rows_free(&prods);
	db_res_free(keep);
	return rc;
}

/* ---- POST /api/applications ------------------------------------------ */

struct create_tx {
	struct req        *r;
	const char        *form;       /* the initial form, JSON text        */
	struct tx_report   t;
	int64_t            id;         /* out                                */
};

static int
create_tx(struct db *db, void *arg)
{
	struct create_tx *c = arg;
	struct req *r = c->r;
	struct actor a = actor_of(r);
	struct round_window w;
	bool barred;
	int year;
	json_t *after;
	int rc;

	c->id = 0;
	/* the round in force (VOUCHER_ROUND, else the current one), which
	 * must be a round of the rounds table */
	rc = round_current(db, &year);
	if (rc == DB_OK)
		rc = db_round_window(db, year, &w);
	if (rc == DB_NOTFOUND)
		return TX_NO_ROUND;
	if (rc != DB_OK)
		return rc;
	/* V2: a barred provider cannot apply */
	rc = party_barred(db, PARTY_PROVIDER, r->sess.provider_id, r->now,
	    &barred);
	if (rc == DB_OK && barred)
		rc = TX_BARRED;
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? TX_NOT_FOUND : rc;
	rc = db_app_insert(db, year, r->sess.provider_id, c->form, r->now,
	    &c->id);
	if (rc != DB_OK)
		return rc;
	after = json_pack("{s:s,s:I}", "state", "draft", "round_year",
	    (json_int_t)year);
	rc = audit_record(db, &a, "application.create", "product_application",
	    c->id, NULL, after);
	json_decref(after);
	return rc;
}

/*
 * POST /api/applications [body: an initial form, stored unchecked] ->
 * 201 the new draft (待提交) of the current round. 403 provider_barred
 * (V2); 409 no_round; 400 on a body that is not a JSON object.
 */
int
app_create(struct req *r)
{
	struct create_tx c = { .r = r, .form = "{}" };
	const char *cl = req_param(r, "CONTENT_LENGTH");
	char *text = NULL;
	int rc;

	if (cl != NULL && *cl != '\0' && strcmp(cl, "0") != 0) {
		json_t *body = req_json_or_4xx(r);

		if (body == NULL)
			return r->status;
		text = json_dumps(body, JSON_COMPACT);
		c.form = text;
	}
	rc = db_tx(r->db, create_tx, &c);
	free(text);
	if (rc != DB_OK)
		return tx_error(r, &c.t, rc);
	http_header(r, "Location", "/api/applications/%lld", (long long)c.id);
	return app_reply(r, c.id, 201);
}

/* ---- GET /api/applications ------------------------------------------- */

static const char *const statuses[] = {
	"all", "draft", "pending", "approved", "returned", "rejected", NULL
};

/*
 * GET /api/applications?status=draft|pending|approved|returned|rejected|all
 * &page&per_page -> {items, total, page, per_page}, newest first, each
 * with status, status_name, last_submitted_at, submit_count (A5).
 */
int
app_list(struct req *r)
{
	const char *status;
	int64_t page, per_page;
	json_t *o;
	int rc;

	if (query_enum_or_400(r, "status", statuses, "all", &status) < 0 ||
	    query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	if ((o = db_app_page(r->db, r->sess.provider_id,
	    strcmp(status, "all") == 0 ? NULL : status, page, per_page,
	    app_item_json, &rc)) == NULL)
		return http_db_error(r, rc);
	return http_json(r, 200, o);
}

/* GET /api/applications/{id} -> 200 the provider's own application in
 * full (form, products, attachments, missing items, history); 404 for
 * anyone else's. */
int
app_get(struct req *r)
{
	return app_reply(r, r->ids[0], 200);
}

/* ---- PUT /api/applications/{id}?mode=draft|save ---------------------- */

struct save_tx {
	struct req        *r;
	bool               checked;    /* mode=save                          */
	const char        *text;       /* the form as stored                 */
	const struct form *f;          /* checked: its values                */
	struct tx_report   t;
};

/* Writes the checked form's key figures and product rows (A1, A3, A7). */
static int
write_checked(struct db *db, struct req *r, int64_t id, const char *text,
    const struct form *f)
{
	int rc;

	rc = db_app_form_save(db, id, text, f, r->now);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? TX_FROZEN : rc;
	rc = db_products_delete(db, id);
	for (size_t i = 0; rc == DB_OK && i < f->nproducts; i++)
		rc = db_product_insert(db, id, (int)i + 1, &f->products[i],
		    r->now);
	return rc;
}

static int
save_tx(struct db *db, void *arg)
{
	struct save_tx *s = arg;
	struct req *r = s->r;
	struct actor a = actor_of(r);
	struct db_res *keep = NULL;
	struct app_lock app;
	json_t *after;
	int rc;

	rc = app_lock_editable(db, r, &s->t, &app, &keep);
	db_res_free(keep);
	if (rc != DB_OK)
		return rc;
	if (s->checked)
		rc = write_checked(db, r, r->ids[0], s->text, s->f);
	else {
		rc = db_app_form_draft(db, r->ids[0], s->text, r->now);
		if (rc == DB_NOTFOUND)
			rc = TX_FROZEN;
	}
	if (rc != DB_OK)
		return rc;
	after = json_pack("{s:s,s:s,s:I}", "mode", s->checked ? "save" :
	    "draft", "state", s->t.state, "bytes",
	    (json_int_t)strlen(s->text));
	rc = audit_record(db, &a, s->checked ? "application.save" :
	    "application.draft_save", "product_application", r->ids[0], NULL,
	    after);
	json_decref(after);
	return rc;
}

/*
 * PUT /api/applications/{id}?mode=draft|save, the body the whole form
 * {provider, products} -> 200 the application.
 *   mode=draft (临时保存): stored as it is, without any check (A4);
 *   mode=save (保存): every field checked (P3 per product); 400
 *   validation_failed with error.errors = every failing field, nothing
 *   stored.
 * 409 application_frozen once submitted (until returned); 404 not theirs.
 */
int
app_put(struct req *r)
{
	static const char *const modes[] = { "draft", "save", NULL };
	struct save_tx s = { .r = r };
	struct form *f = NULL;
	const char *mode;
	json_t *body, *errors;
	char *text;
	int rc;

	if (query_enum_or_400(r, "mode", modes, NULL, &mode) < 0)
		return r->status;
	if (mode == NULL)
		return http_error(r, 400, "missing_query", "mode",
		    "须指定 mode=draft（临时保存）或 mode=save（保存）");
	if ((body = req_json_or_4xx(r)) == NULL)
		return r->status;
	s.checked = strcmp(mode, "save") == 0;
	if (s.checked) {
		f = xcalloc(1, sizeof(*f));
		errors = json_array();
		if (form_check(body, today_ymd(r), f, errors) > 0) {
			free(f);
			s.t.details = errors;
			rc = tx_error(r, &s.t, TX_INVALID_FORM);
			json_decref(errors);
			return rc;
		}
		json_decref(errors);
		s.f = f;
	}
	text = json_dumps(body, JSON_COMPACT);
	s.text = text;
	rc = db_tx(r->db, save_tx, &s);
	free(text);
	free(f);
	if (rc != DB_OK)
		return tx_error(r, &s.t, rc);
	return app_reply(r, r->ids[0], 200);
}

/* ---- POST /api/applications/{id}/submit ------------------------------ */

struct submit_tx {
	struct req        *r;
	struct tx_report   t;
	json_t            *form;       /* the stored form, parsed            */
	struct form        f;
};

/* A3: every required item of the provider and of each product, and no
 * file of a product the form no longer has. */
static int
check_attachments(struct db *db, struct submit_tx *s, int64_t id)
{
	struct db_rows rows = { 0 };
	const struct att_row *f;
	json_t *items = NULL, *missing = NULL;
	int rc, product, k;

	rc = attachments_json(db, id, s->f.nproducts, &items, &missing);
	json_decref(items);
	if (rc == DB_OK)
		rc = db_att_list(db, id, NULL, &rows);
	f = rows.v;
	for (size_t i = 0; rc == DB_OK && i < rows.n; i++)
		if (item_parse(f[i].item_code, &product, &k) == 0 &&
		    product > (int)s->f.nproducts)
			json_array_append_new(missing, json_pack(
			    "{s:s,s:s,s:s}", "item", f[i].item_code,
			    "label", item_label(product, k), "problem",
			    "orphaned"));
	db_rows_free(&rows);
	if (rc != DB_OK) {
		json_decref(missing);
		return rc;
	}
	if (json_array_size(missing) == 0) {
		json_decref(missing);
		return DB_OK;
	}
	s->t.details = missing;
	snprintf(s->t.message, sizeof(s->t.message), "%s",
	    "申报材料不全：缺少必上传的附件，或有附件对应的产品已不在申报表中"
	    "（见 missing；材料清单见《工作指南》附件1）");
	return TX_ATTACHMENTS;
}

/* The Chinese sentence of one failing A1 condition. */
static const char *
a1_message(unsigned bit)
{
	switch (bit) {
	case RULE_A1_BEIJING:
		return "申报机构（或其分支机构）须在北京市登记注册";
	case RULE_A1_PREMISES:
		return "须有固定经营场所";
	case RULE_A1_YEARS:
		return "成立须满2年（含）";
	case RULE_A1_CREDIT:
		return "近3年须无严重失信行为记录，且未被纳入失信被执行人名单";
	case RULE_A1_CONTRACTS:
		return "上年度合同量须不少于25份";
	case RULE_A1_REVENUE:
		return "上年度营业收入须不低于300万元";
	case RULE_A1_BARRED:
		return "已被取消服务机构资格，3年内不受理申请（《工作指南》七、5）";
	default:
		return "";
	}
}

/* A1: every failing condition of the provider and of each product. */
static int
check_eligibility(struct db *db, struct submit_tx *s, int64_t provider_id)
{
	struct req *r = s->r;
	struct rule_provider_facts facts = {
		.beijing_registered = s->f.beijing_registered,
		.has_premises = s->f.has_premises,
		.established_ymd = s->f.established_ymd,
		.credit_declared_ok = s->f.credit_ok,
		.last_year_contracts = s->f.last_year_contracts,
		.last_year_revenue = s->f.revenue_last_year,
	};
	struct provider_facts pf;
	json_t *reasons;
	unsigned fail;
	int rc;

	if ((rc = db_provider_facts(db, provider_id, &pf)) != DB_OK)
		return rc;
	facts.credit_flagged = pf.credit_flagged;
	facts.barred_until = pf.barred_until;	/* V2: rule_barred_at */
	fail = rule_provider_a1(&facts, today_ymd(r), r->now);
	reasons = json_array();
	for (unsigned bit = 1; bit <= RULE_A1__ALL; bit <<= 1)
		if (fail & bit)
			json_array_append_new(reasons, json_pack("{s:s,s:s,s:s}",
			    "rule", bit == RULE_A1_BARRED ? "V2" : "A1",
			    "condition", rule_a1_condition_code(bit),
			    "message", a1_message(bit)));
	/* a Beijing branch of a main body registered elsewhere: each product
	 * must have served more than 150 Beijing enterprises (item 7) */
	if (s->f.beijing_registered)
		for (size_t i = 0; i < s->f.nproducts; i++) {
			const struct form_product *p = &s->f.products[i];
			char msg[200];

			if (rule_a1_product_ok(s->f.main_body_beijing,
			    p->beijing_clients_served))
				continue;
			snprintf(msg, sizeof(msg), "主体机构不在北京注册时，"
			    "产品须在北京地区服务企业超过%d家（产品 %zu：%s）",
			    RULE_A1_BRANCH_MIN_CLIENTS, i + 1, p->name);
			json_array_append_new(reasons, json_pack(
			    "{s:s,s:s,s:I,s:s}", "rule", "A1", "condition",
			    "branch_beijing_clients", "product_index",
			    (json_int_t)i, "message", msg));
		}
	if (json_array_size(reasons) == 0) {
		json_decref(reasons);
		return DB_OK;
	}
	s->t.details = reasons;
	snprintf(s->t.message, sizeof(s->t.message), "%s",
	    "不符合申请条件（《工作指南》四（二）），见 reasons");
	return TX_NOT_ELIGIBLE;
}

/* y*10000+m*100+d as YYYY-MM-DD. */
static void
ymd_text(int64_t ymd, char out[16])
{
	snprintf(out, 16, "%04d-%02d-%02d", (int)(ymd / 10000 % 10000),
	    (int)(ymd / 100 % 100), (int)(ymd % 100));
}

static int
submit_tx(struct db *db, void *arg)
{
	struct submit_tx *s = arg;
	struct req *r = s->r;
	struct actor a = actor_of(r);
	struct db_res *keep = NULL;
	struct app_lock app;
	struct round_window w;
	int64_t id = r->ids[0], provider_id;
	json_t *errors, *before, *after;
	char *text = NULL;
	char from[16], opens[16], closes[16];
	int rc;

	json_decref(s->form);
	s->form = NULL;
	json_decref(s->t.details);
	s->t.details = NULL;
	if ((rc = app_lock_editable(db, r, &s->t, &app, &keep)) != DB_OK) {
		db_res_free(keep);
		return rc;
	}
	snprintf(from, sizeof(from), "%s", s->t.state);
	provider_id = app.provider_id;
	/* A2: the window of the application's round */
	rc = db_round_window(db, app.round_year, &w);
	if (rc == DB_OK && !rule_a2_window_open(w.apply_opens_on,
	    w.apply_closes_on, today_ymd(r))) {
		ymd_text(w.apply_opens_on, opens);
		ymd_text(w.apply_closes_on, closes);
		snprintf(s->t.window, sizeof(s->t.window), "%s 至 %s", opens,
		    closes);
		rc = TX_WINDOW_CLOSED;
	}
	if (rc == DB_OK && (s->form = json_loads(app.form_json ?
	    app.form_json : "", 0, NULL)) == NULL)
		s->form = json_object();
	db_res_free(keep);
	if (rc != DB_OK)
		return rc;
	/* A4: the whole form, as 保存 checks it */
	errors = json_array();
	if (form_check(s->form, today_ymd(r), &s->f, errors) > 0) {
		s->t.details = errors;
		return TX_INVALID_FORM;
	}
	json_decref(errors);
	if ((rc = check_attachments(db, s, id)) != DB_OK ||
	    (rc = check_eligibility(db, s, provider_id)) != DB_OK)
		return rc;
	text = json_dumps(s->form, JSON_COMPACT);
	rc = write_checked(db, r, id, text, &s->f);
	free(text);
	if (rc != DB_OK)
		return rc;
	/* the freeze: a guarded UPDATE, so of two racing submits one wins */
	rc = db_app_submit(db, id, r->now);
	if (rc == DB_NOTFOUND)
		return TX_FROZEN;
	if (rc == DB_OK)
		rc = app_event(db, r, id, "submit", NULL, from, "pending", NULL);
	if (rc != DB_OK)
		return rc;
	before = json_pack("{s:s}", "state", from);
	after = json_pack("{s:s,s:I,s:b}", "state", "pending", "products",
	    (json_int_t)s->f.nproducts, "preferred", s->f.preferred);
	rc = audit_record(db, &a, "application.submit", "product_application",
	    id, before, after);
	json_decref(before);
	json_decref(after);
	return rc;
}

/*
 * POST /api/applications/{id}/submit -> 200 the application, now pending
 * (待审核) and frozen (A4). Refusals, in this order: 404 not theirs; 409
 * application_frozen (not draft or returned); 403 window_closed (A2); 400
 * validation_failed with every failing field; 422 attachments_missing
 * with the missing required items (A3); 403 not_eligible with every
 * failing A1 condition in error.reasons.
 */
int
app_submit(struct req *r)
{
	struct submit_tx s = { .r = r };
	int rc;

	rc = db_tx(r->db, submit_tx, &s);
	json_decref(s.form);
	if (rc != DB_OK) {
		rc = tx_error(r, &s.t, rc);
		json_decref(s.t.details);
		return rc;
	}
	json_decref(s.t.details);
	return app_reply(r, r->ids[0], 200);
}
