/*
 * review.c - reviewers and the bureau: the queue of applications in A7
 * order, one application with all its materials, and the decisions.
 *
 * Who decides (SPEC section 1, A6): the review agency (reviewer) gives its
 * opinion (初审意见: approve, return or reject, with a comment) and the
 * application stays pending; the bureau decides: approve (the products are
 * listed in the catalog with the unit counts and validity days it sets,
 * A6, P6), return (退回修改: the provider may edit and submit again) or
 * reject (审核不通过: closed). Every opinion and decision is an
 * application event (shown to the provider) and an audit record, in the
 * decision's transaction; the state change is a guarded UPDATE ... WHERE
 * state = 'pending', so of two racing decisions one wins.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collection.h"
#include "rules.h"

static const char *const review_statuses[] = {
	"pending", "approved", "returned", "rejected", NULL
};

/*
 * GET /api/review/applications?status=pending|approved|returned|rejected
 * (default pending)&page&per_page -> {items, total, page, per_page}:
 * preferred applications first (A7: a product served Beijing specialized
 * / little-giant SMEs), then the earliest submission.
 */
int
review_list(struct req *r)
{
	struct db_res *res = NULL, *cnt = NULL;
	const char *status;
	int64_t page, per_page;
	json_t *items, *o;
	size_t i;
	int rc;

	if (query_enum_or_400(r, "status", review_statuses, "pending",
	    &status) < 0 || query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	rc = db_exec(r->db, STMT_REVIEW_LIST, DB_ARGS(
	    DB_STR(status), DB_I64(per_page), DB_I64((page - 1) * per_page)), &res, NULL, NULL);
	if (rc == DB_OK)
		rc = db_query(r->db, STMT_REVIEW_COUNT, DB_ARGS(
		    DB_STR(status)), &cnt);
	if (rc != DB_OK) {
		db_res_free(res);
		db_res_free(cnt);
		return http_db_error(r, rc);
	}
	items = db_rows_json(res);
	json_array_foreach(items, i, o) {
		json_object_set_new(o, "status_name", json_string(state_name(
		    json_string_value(json_object_get(o, "status")))));
	}
	rc = http_json(r, 200, page_json(items, db_i64(cnt, 0, 0), page,
	    per_page));
	db_res_free(res);
	db_res_free(cnt);
	return rc;
}

/* GET /api/review/applications/{id} -> 200 the application with all its
 * materials; 404 no such application or never submitted. */
int
review_get(struct req *r)
{
	return app_reply(r, r->ids[0], 200);
}

/* One product of an approval (A6). */
struct grant {
	int64_t  index;          /* 0-based, the form's products[index]    */
	int64_t  units;
	int64_t  days;           /* P6                                      */
};

struct decide_tx {
	struct req        *r;
	const char        *decision;   /* approve | return | reject        */
	const char        *comment;    /* NULL when none                   */
	struct grant      *grants;
	size_t             ngrants;
	struct tx_report   t;
};

/* A6: lists every product of application id in the catalog. */
static int
approve_products(struct db *db, struct decide_tx *d, int64_t id,
    int64_t round_year, int64_t provider_id, json_t *listed)
{
	struct req *r = d->r;
	struct actor a = actor_of(r);
	struct db_res *res = NULL;
	bool seen[FORM_MAX_PRODUCTS] = { false };
	int rc;

	rc = db_exec(db, STMT_PRODUCTS_OF, DB_ARGS(DB_I64(id)), &res, NULL, NULL);
	if (rc != DB_OK)
		return rc;
	for (size_t i = 0; i < d->ngrants; i++) {
		const struct grant *g = &d->grants[i];

		if (g->index >= (int64_t)res->nrows || seen[g->index]) {
			snprintf(d->t.field, sizeof(d->t.field),
			    "products[%zu].index", i);
			snprintf(d->t.message, sizeof(d->t.message),
			    g->index >= (int64_t)res->nrows ?
			    "产品序号 %lld 不存在（本申报共 %zu 个产品，序号从 0 起）" :
			    "产品序号 %lld 重复", (long long)g->index,
			    res->nrows);
			db_res_free(res);
			return TX_BAD_PRODUCTS;
		}
		seen[g->index] = true;
	}
	for (size_t i = 0; i < res->nrows; i++)
		if (!seen[i]) {
			snprintf(d->t.field, sizeof(d->t.field), "products");
			snprintf(d->t.message, sizeof(d->t.message),
			    "通过时须为每个产品设定配券数量和有效期：缺少产品序号 %zu"
			    "（规则 A6）", i);
			db_res_free(res);
			return TX_BAD_PRODUCTS;
		}
	for (size_t i = 0; rc == DB_OK && i < d->ngrants; i++) {
		const struct grant *g = &d->grants[i];
		size_t row = (size_t)g->index;
		int64_t voucher = db_i64(res, row, 5);
		uint64_t pid = 0;
		json_t *after;

		rc = db_dml(db, STMT_CATALOG_INSERT, DB_ARGS(
		    DB_I64(round_year), DB_I64(provider_id),
		    DB_STR(db_str(res, row, 1)), DB_STR(db_str(res, row, 2)),
		    DB_STR(db_str(res, row, 3)), DB_I64(db_i64(res, row, 4)),
		    DB_I64(voucher), DB_I64(rule_unit_subsidy(voucher)),
		    DB_I64(g->units), DB_I64(g->units), DB_I64(g->days),
		    DB_I64(id), DB_TIME(r->now), DB_TIME(r->now)), &pid);
		if (rc == DB_OK)
			rc = db_dml(db, STMT_PRODUCT_APPROVE, DB_ARGS(
			    DB_I64(g->units), DB_I64(g->days), DB_I64(pid),
			    DB_TIME(r->now), DB_I64(id),
			    DB_I64(db_i64(res, row, 0))), NULL);
		if (rc != DB_OK)
			break;
		after = json_pack("{s:I,s:I,s:s,s:I,s:I,s:I,s:I}", "application_id",
		    (json_int_t)id, "index", (json_int_t)g->index, "name",
		    db_str(res, row, 2), "voucher_price", (json_int_t)voucher,
		    "units", (json_int_t)g->units, "validity_days",
		    (json_int_t)g->days, "product_id", (json_int_t)pid);
		rc = audit_record(db, &a, "product.create", "product",
		    (int64_t)pid, NULL, after);
		json_array_append(listed, after);
		json_decref(after);
	}
	db_res_free(res);
	return rc;
}

static int
decide_tx(struct db *db, void *arg)
{
	struct decide_tx *d = arg;
	struct req *r = d->r;
	struct actor a = actor_of(r);
	struct db_res *res = NULL, *prov = NULL;
	int64_t id = r->ids[0], round_year, provider_id;
	bool bureau = r->sess.role == ROLE_BUREAU;
	const char *to;
	json_t *before, *after, *listed = NULL;
	int rc;

	d->t.state[0] = '\0';
	d->t.field[0] = '\0';
	rc = db_query(db, STMT_APP_LOCK, DB_ARGS(DB_I64(id)),
	    &res);
	if (rc == DB_NOTFOUND || (rc == DB_OK && db_i64(res, 0, 5) == 0))
		rc = TX_NOT_FOUND;		/* never submitted: not theirs */
	if (rc != DB_OK) {
		db_res_free(res);
		return rc;
	}
	snprintf(d->t.state, sizeof(d->t.state), "%s", db_str(res, 0, 2));
	provider_id = db_i64(res, 0, 1);
	round_year = db_i64(res, 0, 3);
	db_res_free(res);
	if (strcmp(d->t.state, "pending") != 0)
		return TX_INVALID_STATE;
	if (!bureau) {
		/* the reviewer's opinion: the application stays pending */
		rc = db_dml(db, STMT_APP_OPINION, DB_ARGS(
		    DB_STR(d->decision), DB_STR(d->comment),
		    DB_I64(r->sess.account_id), DB_TIME(r->now),
		    DB_TIME(r->now), DB_I64(id)), NULL);
		if (rc == DB_NOTFOUND)
			return TX_INVALID_STATE;
		if (rc == DB_OK)
			rc = app_event(db, r, id, "opinion", d->decision,
			    "pending", "pending", d->comment);
		if (rc != DB_OK)
			return rc;
		after = json_pack("{s:s,s:s?}", "opinion", d->decision,
		    "comment", d->comment);
		rc = audit_record(db, &a, "application.opinion",
		    "product_application", id, NULL, after);
		json_decref(after);
		return rc;
	}
	to = strcmp(d->decision, "approve") == 0 ? "approved" :
	    strcmp(d->decision, "return") == 0 ? "returned" : "rejected";
	/* the guarded transition first: a racing decision finds no row */
	rc = db_dml(db, STMT_APP_DECIDE, DB_ARGS(DB_STR(to),
	    DB_STR(d->comment), DB_I64(r->sess.account_id), DB_TIME(r->now),
	    DB_TIME(r->now), DB_I64(id)), NULL);
	if (rc == DB_NOTFOUND)
		return TX_INVALID_STATE;
	if (rc != DB_OK)
		return rc;
	if (strcmp(to, "approved") == 0) {
		/* V2: a barred provider's products are not listed */
		rc = db_query(db, STMT_PROVIDER_FACTS, DB_ARGS(
		    DB_I64(provider_id)), &prov);
		if (rc == DB_OK && !db_isnull(prov, 0, 2) &&
		    db_i64(prov, 0, 2) > r->now)
			rc = TX_BARRED;
		db_res_free(prov);
		if (rc != DB_OK)
			return rc;
		listed = json_array();
		rc = approve_products(db, d, id, round_year, provider_id, listed);
		if (rc != DB_OK) {
			json_decref(listed);
			return rc;
		}
	}
	rc = app_event(db, r, id, d->decision, NULL, "pending", to,
	    d->comment);
	if (rc != DB_OK) {
		json_decref(listed);
		return rc;
	}
	before = json_pack("{s:s}", "state", "pending");
	after = json_pack("{s:s,s:s?,s:o?}", "state", to, "comment",
	    d->comment, "listed", listed);
	rc = audit_record(db, &a, strcmp(to, "approved") == 0 ?
	    "application.approve" : strcmp(to, "returned") == 0 ?
	    "application.return" : "application.reject",
	    "product_application", id, before, after);
	json_decref(before);
	json_decref(after);
	return rc;
}

/* Parses the decision's products [{index, units, validity_days}] (A6). */
static int
grants_or_400(struct req *r, json_t *arr, struct decide_tx *d)
{
	static const struct field fields[] = {
		{ "index", FIELD_INT, true, 0, FORM_MAX_PRODUCTS - 1, NULL },
		{ "units", FIELD_INT, true, 1, FORM_UNITS_MAX, NULL },
		{ "validity_days", FIELD_INT, false, -1000000, 1000000, NULL },
	};
	struct field_value v[3];

	if (!json_is_array(arr) || json_array_size(arr) == 0 ||
	    json_array_size(arr) > FORM_MAX_PRODUCTS)
		return http_error(r, 400, "invalid_field", "products",
		    "products 须为 1 到 %d 个 {index, units, validity_days}",
		    FORM_MAX_PRODUCTS), -1;
	d->ngrants = json_array_size(arr);
	d->grants = req_alloc(r, d->ngrants * sizeof(*d->grants));
	for (size_t i = 0; i < d->ngrants; i++) {
		json_t *o = json_array_get(arr, i);

		if (!json_is_object(o))
			return http_error(r, 400, "invalid_type", "products",
			    "products[%zu] 应为 JSON 对象", i), -1;
		if (req_fields_or_400(r, o, fields, 3, v) < 0)
			return -1;
		d->grants[i].index = v[0].i;
		d->grants[i].units = v[1].i;
		d->grants[i].days = v[2].present ? v[2].i :
		    RULE_VALIDITY_DEFAULT;
		if (!rule_validity_days_ok(d->grants[i].days))
			return http_error(r, 400, "out_of_range",
			    "validity_days", "products[%zu].validity_days "
			    "有效期须在 1 到 %d 天之间（默认 %d 天，规则 P6）", i,
			    RULE_VALIDITY_MAX, RULE_VALIDITY_DEFAULT), -1;
	}
	return 0;
}

/*
 * POST /api/review/applications/{id} {decision: approve|return|reject,
 * comment, products: [{index, units, validity_days}]} -> 200 the
 * application.
 *   reviewer: records its opinion; the application stays pending;
 *   bureau: approve lists every product in the catalog (products names
 *   each one by its 0-based index in the form, with its unit count and
 *   validity days, 30 by default, at most 60: A6, P6); return sends it
 *   back with the comment; reject closes it.
 * comment is required to return or reject; products only (and always)
 * with the bureau's approval. 404 no such submitted application; 409
 * invalid_state unless pending; 403 provider_barred (V2).
 */
int
review_decide(struct req *r)
{
	static const char *const decisions[] = { "approve", "return", "reject",
	    NULL };
	static const struct field fields[] = {
		{ "decision", FIELD_ENUM, true, 0, 0, decisions },
		{ "comment", FIELD_TEXT, false, 1, 2000, NULL },
		{ "products", FIELD_OBJECT, false, 0, 0, NULL },
	};
	struct decide_tx d = { .r = r };
	struct field_value v[3];
	json_t *body, *products;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL)
		return r->status;
	/* products is an array: checked by grants_or_400, not the table */
	products = json_object_get(body, "products");
	if (products != NULL) {
		json_incref(products);
		json_object_del(body, "products");
	}
	if (req_fields_or_400(r, body, fields, 3, v) < 0) {
		rc = r->status;
		goto out;
	}
	d.decision = v[0].s;
	d.comment = v[1].present ? v[1].s : NULL;
	if (strcmp(d.decision, "approve") != 0 && d.comment == NULL) {
		rc = http_error(r, 400, "missing_field", "comment",
		    "退回或不通过时须填写意见（comment）");
		goto out;
	}
	if (products != NULL && !json_is_null(products) &&
	    (r->sess.role != ROLE_BUREAU || strcmp(d.decision, "approve") != 0)) {
		rc = http_error(r, 400, "invalid_field", "products",
		    "只有经信局审批通过时才设定产品的配券数量和有效期（规则 A6）");
		goto out;
	}
	if (r->sess.role == ROLE_BUREAU && strcmp(d.decision, "approve") == 0) {
		if (products == NULL || json_is_null(products)) {
			rc = http_error(r, 400, "missing_field", "products",
			    "通过时须为每个产品设定配券数量和有效期"
			    "（products，规则 A6）");
			goto out;
		}
		if (grants_or_400(r, products, &d) < 0) {
			rc = r->status;
			goto out;
		}
	}
	rc = db_tx(r->db, decide_tx, &d);
	if (rc != DB_OK) {
		rc = tx_error(r, &d.t, rc);
		goto out;
	}
	rc = app_reply(r, r->ids[0], 200);
out:
	json_decref(products);
	return rc;
}
