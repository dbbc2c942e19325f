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
#include "parties.h"
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
	const char *status;
	int64_t page, per_page;
	json_t *o;
	int rc;

	if (query_enum_or_400(r, "status", review_statuses, "pending",
	    &status) < 0 || query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	if ((o = db_review_page(r->db, status, page, per_page, app_item_json,
	    &rc)) == NULL)
		return http_db_error(r, rc);
	return http_json(r, 200, o);
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
    int round_year, int64_t provider_id, json_t *listed)
{
	struct req *r = d->r;
	struct actor a = actor_of(r);
	struct db_rows rows;
	const struct app_product *prod;
	bool seen[FORM_MAX_PRODUCTS] = { false };
	int rc;

	if ((rc = db_products_of(db, id, &rows)) != DB_OK)
		return rc;
	prod = rows.v;
	for (size_t i = 0; i < d->ngrants; i++) {
		const struct grant *g = &d->grants[i];

		if (g->index >= (int64_t)rows.n || seen[g->index]) {
			snprintf(d->t.field, sizeof(d->t.field),
			    "products[%zu].index", i);
			snprintf(d->t.message, sizeof(d->t.message),
			    g->index >= (int64_t)rows.n ?
			    "产品序号 %lld 不存在（本申报共 %zu 个产品，序号从 0 起）" :
			    "产品序号 %lld 重复", (long long)g->index, rows.n);
			db_rows_free(&rows);
			return TX_BAD_PRODUCTS;
		}
		seen[g->index] = true;
	}
	for (size_t i = 0; i < rows.n; i++)
		if (!seen[i]) {
			snprintf(d->t.field, sizeof(d->t.field), "products");
			snprintf(d->t.message, sizeof(d->t.message),
			    "通过时须为每个产品设定配券数量和有效期：缺少产品序号 %zu"
			    "", i);
			db_rows_free(&rows);
			return TX_BAD_PRODUCTS;
		}
	for (size_t i = 0; rc == DB_OK && i < d->ngrants; i++) {
		const struct grant *g = &d->grants[i];
		const struct app_product *p = &prod[g->index];
		const struct listing l = {
			.round_year = round_year,
			.provider_id = provider_id,
			.application_id = id,
			.p = p,
			.unit_subsidy = rule_unit_subsidy(p->voucher_price),
			.units = g->units,
			.validity_days = g->days,
		};
		int64_t pid = 0;
		json_t *after;

		rc = db_catalog_insert(db, &l, r->now, &pid);
		if (rc == DB_OK)
			rc = db_product_approve(db, id, p->seq, g->units,
			    g->days, pid, r->now);
		if (rc != DB_OK)
			break;
		after = json_pack("{s:I,s:I,s:s,s:I,s:I,s:I,s:I}", "application_id",
		    (json_int_t)id, "index", (json_int_t)g->index, "name",
		    p->name, "voucher_price", (json_int_t)p->voucher_price,
		    "units", (json_int_t)g->units, "validity_days",
		    (json_int_t)g->days, "product_id", (json_int_t)pid);
		rc = audit_record(db, &a, "product.create", "product", pid,
		    NULL, after);
		json_array_append(listed, after);
		json_decref(after);
	}
	db_rows_free(&rows);
	return rc;
}

static int
decide_tx(struct db *db, void *arg)
{
	struct decide_tx *d = arg;
	struct req *r = d->r;
	struct actor a = actor_of(r);
	struct db_res *keep = NULL;
	struct app_lock app;
	int64_t id = r->ids[0], provider_id = 0;
	int round_year = 0;
	bool bureau = r->sess.role == ROLE_BUREAU, barred;
	const char *to;
	json_t *before, *after, *listed = NULL;
	int rc;

	d->t.state[0] = '\0';
	d->t.field[0] = '\0';
	rc = db_app_lock(db, id, &app, &keep);
	if (rc == DB_NOTFOUND || (rc == DB_OK && app.submit_count == 0))
		rc = TX_NOT_FOUND;		/* never submitted: not theirs */
	if (rc == DB_OK) {
		snprintf(d->t.state, sizeof(d->t.state), "%s", app.state);
		provider_id = app.provider_id;
		round_year = app.round_year;
	}
	db_res_free(keep);
	if (rc != DB_OK)
		return rc;
	if (strcmp(d->t.state, "pending") != 0)
		return TX_INVALID_STATE;
	if (!bureau) {
		/* the reviewer's opinion: the application stays pending */
		rc = db_app_opinion(db, id, d->decision, d->comment,
		    r->sess.account_id, r->now);
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
	rc = db_app_decide(db, id, to, d->comment, r->sess.account_id, r->now);
	if (rc == DB_NOTFOUND)
		return TX_INVALID_STATE;
	if (rc != DB_OK)
		return rc;
	if (strcmp(to, "approved") == 0) {
		/* V2: a barred provider's products are not listed */
		rc = party_barred(db, PARTY_PROVIDER, provider_id, r->now,
		    &barred);
		if (rc == DB_OK && barred)
			rc = TX_BARRED;
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
			    "有效期须在 1 到 %d 天之间（默认 %d 天，《工作指南》五（二）5）", i,
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
		    "只有经信局审批通过时才设定产品的配券数量和有效期");
		goto out;
	}
	if (r->sess.role == ROLE_BUREAU && strcmp(d.decision, "approve") == 0) {
		if (products == NULL || json_is_null(products)) {
			rc = http_error(r, 400, "missing_field", "products",
			    "通过时须为每个产品设定配券数量和有效期"
			    "（products）");
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
