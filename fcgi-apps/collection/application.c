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
#include "collection.h"
#include "config.h"
#include "log.h"
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
		    "申报当前状态为“%s”，已冻结，不能修改（规则 A4：提交之后"
		    "不可修改；退回修改后方可再次编辑）", state_name(t->state));
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
		    "不在申报时间内（%s），不能提交（规则 A2）", t->window);
	case TX_INVALID_FORM:
		if (json_array_size(details) > 0)
			first = json_string_value(json_object_get(
			    json_array_get(details, 0), "field"));
		return error_with(r, 400, "validation_failed",
		    first ? req_strdup(r, first) : NULL,
		    "申报表有未通过校验的字段，见 errors（规则 A4）",
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
		    "服务机构已被取消资格（三年内不受理申请，规则 V2）");
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
	return db_dml(db, STMT_EVENT_INSERT, DB_ARGS(DB_I64(id),
	    DB_TIME(r->now), DB_I64(r->sess.account_id),
	    DB_STR(role_name(r->sess.role)), DB_STR(action), DB_STR(opinion),
	    DB_STR(from), DB_STR(to), DB_STR(comment), DB_STR(r->rid)),
	    NULL);
}

int
app_lock_editable(struct db *db, struct req *r, struct tx_report *t,
    struct db_res **res)
{
	int rc;

	*res = NULL;
	t->state[0] = '\0';
	rc = db_query(db, STMT_APP_LOCK, DB_ARGS(
	    DB_I64(r->ids[0])), res);
	if (rc == DB_NOTFOUND || (rc == DB_OK &&
	    db_i64(*res, 0, 1) != r->sess.provider_id))
		rc = TX_NOT_FOUND;
	else if (rc == DB_OK) {
		const char *state = db_str(*res, 0, 2);

		snprintf(t->state, sizeof(t->state), "%s", state);
		if (strcmp(state, "draft") != 0 &&
		    strcmp(state, "returned") != 0)
			rc = TX_FROZEN;
	}
	if (rc != DB_OK) {
		db_res_free(*res);
		*res = NULL;
	}
	return rc;
}

/* The attachments of application id as JSON, in checklist order, and
 * the required items missing for nproducts products. */
int
attachments_json(struct db *db, int64_t id, size_t nproducts,
    json_t **items, json_t **missing)
{
	struct db_res *res = NULL;
	bool have[FORM_MAX_PRODUCTS + 1][RULE_A3_PROVIDER_ITEMS + 1];
	char at[21];
	int rc, product, k;

	memset(have, 0, sizeof(have));
	*items = json_array();
	*missing = json_array();
	rc = db_exec(db, STMT_ATT_LIST, DB_ARGS(DB_I64(id),
	    DB_NULLP, DB_NULLP), &res, NULL, NULL);
	if (rc != DB_OK)
		return rc;
	/* checklist order: provider items 1-10, then product 1's, 2's, ... */
	for (int p = 0; p <= FORM_MAX_PRODUCTS; p++) {
		for (int want = 1; want <= RULE_A3_PROVIDER_ITEMS; want++) {
			for (size_t i = 0; i < res->nrows; i++) {
				if (item_parse(db_str(res, i, 0), &product,
				    &k) < 0 || product != p || k != want)
					continue;
				have[product][k] = true;
				clock_format_iso8601(db_i64(res, i, 5), at);
				json_array_append_new(*items, json_pack(
				    "{s:s,s:s,s:b,s:s,s:s,s:I,s:s,s:s}",
				    "item", db_str(res, i, 0),
				    "label", item_label(product, k),
				    "required", item_required(product, k),
				    "name", db_str(res, i, 1),
				    "content_type", db_str(res, i, 2),
				    "size", (json_int_t)db_i64(res, i, 3),
				    "sha256", db_str(res, i, 4),
				    "uploaded_at", at));
			}
		}
	}
	db_res_free(res);
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
	struct db_res *res = NULL, *prods = NULL, *events = NULL;
	json_t *o, *form, *items = NULL, *missing = NULL, *history;
	const char *st;
	bool editable;
	int rc;

	rc = db_query(r->db, STMT_APP_VIEW, DB_ARGS(DB_I64(id)), &res);
	if (rc == DB_NOTFOUND || (rc == DB_OK && !app_readable(r,
	    db_i64(res, 0, 2), db_i64(res, 0, 9)))) {
		db_res_free(res);
		return http_error(r, 404, "not_found", NULL, "申报不存在");
	}
	if (rc == DB_OK)
		rc = db_exec(r->db, STMT_PRODUCTS_OF, DB_ARGS(
		    DB_I64(id)), &prods, NULL, NULL);
	if (rc == DB_OK)
		rc = db_exec(r->db, STMT_EVENTS_OF, DB_ARGS(
		    DB_I64(id)), &events, NULL, NULL);
	if (rc != DB_OK) {
		db_res_free(res);
		db_res_free(prods);
		db_res_free(events);
		return http_db_error(r, rc);
	}
	o = db_row_json(res, 0);
	form = json_loads(db_str(res, 0, db_col(res, "form_json")), 0, NULL);
	if (form == NULL)
		form = json_object();
	json_object_del(o, "form_json");
	rc = attachments_json(r->db, id, form_product_count(form), &items,
	    &missing);
	if (rc != DB_OK) {
		json_decref(o);
		json_decref(form);
		json_decref(items);
		json_decref(missing);
		db_res_free(res);
		db_res_free(prods);
		db_res_free(events);
		return http_db_error(r, rc);
	}
	st = db_str(res, 0, db_col(res, "status"));
	editable = strcmp(st, "draft") == 0 || strcmp(st, "returned") == 0;
	json_object_set_new(o, "status_name", json_string(state_name(st)));
	json_object_set_new(o, "editable", json_boolean(editable));
	json_object_set_new(o, "preferred", json_boolean(
	    db_i64(res, 0, db_col(res, "preferred")) != 0));
	json_object_set_new(o, "form", form);
	{
		json_t *pa = db_rows_json(prods);
		size_t i;
		json_t *p;

		json_array_foreach(pa, i, p) {
			json_object_set_new(p, "index", json_integer((json_int_t)i));
			json_object_set_new(p, "has_ip", json_is_integer(
			    json_object_get(p, "has_ip")) ? json_boolean(
			    json_integer_value(json_object_get(p, "has_ip"))) :
			    json_null());
		}
		json_object_set_new(o, "products", pa);
	}
	json_object_set_new(o, "attachments", items);
	json_object_set_new(o, "missing_attachments", missing);
	history = db_rows_json(events);
	json_object_set_new(o, "history", history);
	db_res_free(res);
	db_res_free(prods);
	db_res_free(events);
	return http_json(r, status, o);
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
	struct db_res *res = NULL;
	struct actor a = actor_of(r);
	uint64_t id = 0;
	int64_t year;
	json_t *after;
	int rc;

	c->id = 0;
	rc = db_query(db, STMT_ROUND_CURRENT, DB_ARGS(
	    g_config.round > 0 ? DB_I64(g_config.round) : DB_NULLP), &res);
	if (rc == DB_NOTFOUND)
		return TX_NO_ROUND;
	if (rc != DB_OK)
		return rc;
	year = db_i64(res, 0, 0);
	db_res_free(res);
	/* V2: a barred provider cannot apply */
	rc = db_query(db, STMT_PROVIDER_FACTS, DB_ARGS(
	    DB_I64(r->sess.provider_id)), &res);
	if (rc == DB_OK && !db_isnull(res, 0, 2) && db_i64(res, 0, 2) > r->now)
		rc = TX_BARRED;
	db_res_free(res);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? TX_NOT_FOUND : rc;
	rc = db_dml(db, STMT_APP_INSERT, DB_ARGS(DB_I64(year),
	    DB_I64(r->sess.provider_id), DB_STR(c->form), DB_TIME(r->now),
	    DB_TIME(r->now)), &id);
	if (rc != DB_OK)
		return rc;
	c->id = (int64_t)id;
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
	struct db_res *res = NULL, *cnt = NULL;
	struct db_param st;
	const char *status;
	int64_t page, per_page;
	json_t *items, *o;
	size_t i;
	int rc;

	if (query_enum_or_400(r, "status", statuses, "all", &status) < 0 ||
	    query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	st = strcmp(status, "all") == 0 ? DB_NULLP : DB_STR(status);
	rc = db_exec(r->db, STMT_APP_LIST_PROVIDER, DB_ARGS(
	    DB_I64(r->sess.provider_id), st, st, DB_I64(per_page),
	    DB_I64((page - 1) * per_page)), &res, NULL, NULL);
	if (rc == DB_OK)
		rc = db_query(r->db, STMT_APP_COUNT_PROVIDER, DB_ARGS(
		    DB_I64(r->sess.provider_id), st, st), &cnt);
	if (rc != DB_OK) {
		db_res_free(res);
		db_res_free(cnt);
		return http_db_error(r, rc);
	}
	items = db_rows_json(res);
	json_array_foreach(items, i, o)
		json_object_set_new(o, "status_name", json_string(state_name(
		    json_string_value(json_object_get(o, "status")))));
	rc = http_json(r, 200, page_json(items, db_i64(cnt, 0, 0), page,
	    per_page));
	db_res_free(res);
	db_res_free(cnt);
	return rc;
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
	int y = (int)(f->established_ymd / 10000);
	int m = (int)(f->established_ymd / 100 % 100);
	int d = (int)(f->established_ymd % 100);
	int rc;

	rc = db_dml(db, STMT_APP_FORM_SAVE, DB_ARGS(
	    DB_STR(text), DB_BOOL(f->beijing_registered),
	    DB_BOOL(f->main_body_beijing), DB_BOOL(f->has_premises),
	    DB_DATE(y, m, d), DB_BOOL(f->credit_ok),
	    DB_I64(f->revenue_year_before), DB_I64(f->revenue_last_year),
	    DB_I64(f->last_year_contracts),
	    DB_I64(f->beijing_clients_last_year),
	    DB_I64(f->national_clients_last_year), DB_BOOL(f->preferred),
	    DB_TIME(r->now), DB_TIME(r->now), DB_I64(id)), NULL);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? TX_FROZEN : rc;
	rc = db_exec(db, STMT_PRODUCTS_DELETE, DB_ARGS(
	    DB_I64(id)), NULL, NULL, NULL);
	for (size_t i = 0; rc == DB_OK && i < f->nproducts; i++) {
		const struct form_product *p = &f->products[i];

		rc = db_dml(db, STMT_PRODUCT_ROW_INSERT, DB_ARGS(
		    DB_I64(id), DB_I64(i + 1), DB_STR(p->category),
		    DB_STR(p->name), DB_STR(p->description),
		    DB_I64(p->market_price), DB_I64(p->voucher_price),
		    p->requested_units >= 0 ? DB_I64(p->requested_units) :
		    DB_NULLP, p->requested_validity_days >= 0 ?
		    DB_I64(p->requested_validity_days) : DB_NULLP,
		    DB_I64(p->beijing_revenue_year_before),
		    DB_I64(p->beijing_revenue_last_year),
		    DB_I64(p->beijing_clients_last_year),
		    DB_I64(p->premium_clients_served),
		    p->has_ip >= 0 ? DB_BOOL(p->has_ip) : DB_NULLP,
		    p->beijing_clients_served >= 0 ?
		    DB_I64(p->beijing_clients_served) : DB_NULLP,
		    DB_TIME(r->now), DB_TIME(r->now)), NULL);
	}
	return rc;
}

static int
save_tx(struct db *db, void *arg)
{
	struct save_tx *s = arg;
	struct req *r = s->r;
	struct actor a = actor_of(r);
	struct db_res *res = NULL;
	json_t *after;
	int rc;

	if ((rc = app_lock_editable(db, r, &s->t, &res)) != DB_OK)
		return rc;
	db_res_free(res);
	if (s->checked)
		rc = write_checked(db, r, r->ids[0], s->text, s->f);
	else {
		rc = db_dml(db, STMT_APP_FORM_DRAFT, DB_ARGS(
		    DB_STR(s->text), DB_TIME(r->now), DB_I64(r->ids[0])),
		    NULL);
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
	struct db_res *res = NULL;
	json_t *items = NULL, *missing = NULL;
	int rc, product, k;

	rc = attachments_json(db, id, s->f.nproducts, &items, &missing);
	json_decref(items);
	if (rc != DB_OK) {
		json_decref(missing);
		return rc;
	}
	rc = db_exec(db, STMT_ATT_ITEMS, DB_ARGS(DB_I64(id)),
	    &res, NULL, NULL);
	for (size_t i = 0; rc == DB_OK && i < res->nrows; i++)
		if (item_parse(db_str(res, i, 0), &product, &k) == 0 &&
		    product > (int)s->f.nproducts)
			json_array_append_new(missing, json_pack(
			    "{s:s,s:s,s:s}", "item", db_str(res, i, 0),
			    "label", item_label(product, k), "problem",
			    "orphaned"));
	db_res_free(res);
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
	    "（见 missing，规则 A3、A4）");
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
		return "已被取消服务机构资格，3年内不受理申请（规则 V2）";
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
	struct db_res *res = NULL;
	json_t *reasons;
	unsigned fail;
	int rc;

	rc = db_query(db, STMT_PROVIDER_FACTS, DB_ARGS(
	    DB_I64(provider_id)), &res);
	if (rc != DB_OK)
		return rc;
	facts.credit_flagged = db_i64(res, 0, 1) != 0;
	facts.barred_until = db_isnull(res, 0, 2) ? 0 : db_i64(res, 0, 2);
	db_res_free(res);
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
	    "不符合申请条件（规则 A1），见 reasons");
	return TX_NOT_ELIGIBLE;
}

static int
submit_tx(struct db *db, void *arg)
{
	struct submit_tx *s = arg;
	struct req *r = s->r;
	struct actor a = actor_of(r);
	struct db_res *res = NULL, *win = NULL;
	int64_t id = r->ids[0], provider_id, opens, closes;
	json_t *errors, *before, *after;
	char *text = NULL;
	char from[16];
	int rc;

	json_decref(s->form);
	s->form = NULL;
	json_decref(s->t.details);
	s->t.details = NULL;
	if ((rc = app_lock_editable(db, r, &s->t, &res)) != DB_OK)
		return rc;
	snprintf(from, sizeof(from), "%s", s->t.state);
	provider_id = db_i64(res, 0, 1);
	/* A2: the window of the application's round */
	rc = db_query(db, STMT_ROUND_OF, DB_ARGS(
	    DB_I64(db_i64(res, 0, 3))), &win);
	if (rc == DB_OK) {
		opens = db_i64(win, 0, 0);
		closes = db_i64(win, 0, 1);
		if (!rule_a2_window_open(opens, closes, today_ymd(r))) {
			snprintf(s->t.window, sizeof(s->t.window), "%s 至 %s",
			    db_str(win, 0, 0), db_str(win, 0, 1));
			rc = TX_WINDOW_CLOSED;
		}
	}
	db_res_free(win);
	if (rc == DB_OK && (s->form = json_loads(db_str(res, 0, 4), 0,
	    NULL)) == NULL)
		s->form = json_object();
	db_res_free(res);
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
	rc = db_dml(db, STMT_APP_SUBMIT, DB_ARGS(DB_TIME(r->now),
	    DB_TIME(r->now), DB_I64(id)), NULL);
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
