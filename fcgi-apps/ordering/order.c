/*
 * order.c - an enterprise's own orders: list, detail with its event
 * timeline, cancel before acceptance (O5), confirm completion and rate
 * the provider (C1), and the printable commitment form (R1).
 * Another enterprise's order answers 404, never 403 (no oracle).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "clock.h"
#include "db.h"
#include "money.h"
#include "ordering.h"
#include "orders.h"
#include "rules.h"

#define TX_NOT_MINE      (DB_APP + 1)
#define TX_INVALID_STATE (DB_APP + 2)
#define TX_CONFIRMED     (DB_APP + 3)

int
order_list_mine(struct req *r)
{
	const char *status;
	int64_t page, per_page;
	json_t *o;
	int rc;

	if (query_enum_or_400(r, "status", order_statuses, NULL, &status) < 0 ||
	    query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	o = order_list(r->db, false, r->sess.enterprise_id, status, page,
	    per_page, r->now, &rc);
	if (o == NULL)
		return http_db_error(r, rc);
	return http_json(r, 200, o);
}

/* The order as the enterprise sees it, or NULL after a 404/5xx reply. */
static json_t *
load_mine(struct req *r, int64_t id)
{
	int rc;
	json_t *o = order_view_owned(r->db, id, OWNER_ENTERPRISE, r->sess.enterprise_id,
	    r->now, &rc);

	if (o == NULL) {
		if (rc == DB_NOTFOUND)
			http_error(r, 404, "not_found", NULL, "订单不存在");
		else
			http_db_error(r, rc);
	}
	return o;
}

void
valid_until_text(time_t valid_until, char out[40])
{
	struct tm tm;
	time_t t = valid_until + CLOCK_SHANGHAI_OFFSET;

	gmtime_r(&t, &tm);
	snprintf(out, 40, "%04d年%02d月%02d日 %02d:%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

json_t *
order_contact_json(const struct order_contact *c)
{
	if (*c->mobile == '\0')
		return json_null();
	return json_pack("{s:s,s:s}", "name", c->name, "mobile", c->mobile);
}

/* GET /api/orders/{id} → the order with its events and its contact
 * (contact {name, mobile} or null: the enterprise's own data). */
int
order_get_mine(struct req *r)
{
	json_t *o = load_mine(r, r->ids[0]), *ev;
	struct order_contact c;
	int rc;

	if (o == NULL)
		return r->status;
	if ((ev = order_events_json(r->db, r->ids[0])) == NULL) {
		json_decref(o);
		return http_db_error(r, DB_ERROR);
	}
	json_object_set_new(o, "events", ev);
	rc = db_order_contact(r->db, r->ids[0], r->sess.enterprise_id, &c);
	if (rc != DB_OK) {
		json_decref(o);
		return http_db_error(r, rc == DB_NOTFOUND ? DB_ERROR : rc);
	}
	json_object_set_new(o, "contact", order_contact_json(&c));
	return http_json(r, 200, o);
}

struct mine_tx {
	struct req  *r;
	const char  *action;      /* "cancel" | "confirm"                 */
	int          q, t, a;     /* confirm: ratings                     */
	const char  *comment;
	char         state[16];   /* out: the state that refused it       */
	bool         swept;       /* out: a due O4/O6 transition was applied */
};

/* Locks the enterprise's own order (order_lock_owned: another's is
 * TX_NOT_MINE) and applies a due O4/O6 transition. */
static int
lock_mine(struct db *db, struct mine_tx *t, struct order_row *o)
{
	struct req *r = t->r;
	struct actor a = actor_of(r);
	int rc;

	rc = order_lock_owned(db, r->ids[0], OWNER_ENTERPRISE,
	    r->sess.enterprise_id, o);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? TX_NOT_MINE : rc;
	rc = order_apply_timeouts(db, &a, o);
	if (rc < 0 || rc == DB_RETRY)
		return rc;
	t->swept = rc == 1;
	return DB_OK;
}

static int
cancel_tx(struct db *db, void *arg)
{
	struct mine_tx *t = arg;
	struct actor a = actor_of(t->r);
	struct order_row o;
	int rc;

	t->swept = false;
	if ((rc = lock_mine(db, t, &o)) != DB_OK)
		return rc;
	snprintf(t->state, sizeof(t->state), "%s",
	    order_status_name(o.status));
	if (!order_is_pending(o.status))
		return t->swept ? DB_OK : TX_INVALID_STATE;
	/* O5: before acceptance; unit and reservation released */
	return order_close(db, &a, &o, ORDER_CANCELLED, "enterprise",
	    "企业在接单前取消订单", true);
}

static int
confirm_tx(struct db *db, void *arg)
{
	struct mine_tx *t = arg;
	struct req *r = t->r;
	struct actor a = actor_of(r);
	struct order_row o;
	struct evaluation ev;
	json_t *after;
	int rc;

	t->swept = false;
	if ((rc = lock_mine(db, t, &o)) != DB_OK)
		return rc;
	snprintf(t->state, sizeof(t->state), "%s",
	    order_status_name(o.status));
	/* C1: after the contract, until the claim is decided */
	if (o.status != ORDER_CONTRACTED &&
	    o.status != ORDER_SUBMITTED)
		return t->swept ? DB_OK : TX_INVALID_STATE;
	if (o.confirmed_at != 0)
		return TX_CONFIRMED;
	rc = db_order_confirm(db, o.id, r->now);
	if (rc == DB_NOTFOUND)
		return TX_CONFIRMED;
	ev = (struct evaluation){ .order_id = o.id, .product_id = o.product_id,
	    .quality = t->q, .timeliness = t->t, .attitude = t->a,
	    .comment = t->comment, .at = r->now };
	if (rc == DB_OK)
		rc = db_evaluation_insert(db, &ev);
	if (rc == DB_CONFLICT)
		return TX_CONFIRMED;
	if (rc == DB_OK)
		rc = db_product_rate(db, o.product_id, t->q + t->t + t->a);
	if (rc == DB_OK)
		rc = order_event(db, &a, o.id, order_status_name(o.status),
		    order_status_name(o.status),
		    "企业确认服务完成并评价");
	if (rc == DB_OK) {
		after = json_pack("{s:i,s:i,s:i,s:s?}", "quality", t->q,
		    "timeliness", t->t, "attitude", t->a, "comment", t->comment);
		rc = audit_record(db, &a, "order.confirm", "order", o.id, NULL,
		    after);
		json_decref(after);
	}
	return rc;
}

/* Runs an enterprise transaction and replies with the order or the
 * refusal. */
static int
run_mine(struct req *r, struct mine_tx *t, db_tx_fn fn)
{
	json_t *o;
	int rc = db_tx(r->db, fn, t);

	if (rc == TX_NOT_MINE)
		return http_error(r, 404, "not_found", NULL, "订单不存在");
	if (rc == TX_CONFIRMED)
		return http_error(r, 409, "already_confirmed", NULL,
		    "该订单已确认并评价过");
	if (rc == TX_INVALID_STATE || (rc == DB_OK && t->swept))
		return http_error(r, 409, "invalid_state", NULL,
		    "订单当前状态（%s）不允许此操作", t->state);
	if (rc != DB_OK)
		return http_db_error(r, rc);
	if ((o = load_mine(r, r->ids[0])) == NULL)
		return r->status;
	return http_json(r, 200, o);
}

/* POST /api/orders/{id}/cancel → 200 the order (cancelled); 409
 * invalid_state once accepted or closed (O5); 404 not this enterprise's. */
int
order_cancel(struct req *r)
{
	struct mine_tx t = { .r = r, .action = "cancel" };

	return run_mine(r, &t, cancel_tx);
}

static const struct field rating_fields[] = {
	{ "quality",    FIELD_INT, true, 1, 5, NULL },
	{ "timeliness", FIELD_INT, true, 1, 5, NULL },
	{ "attitude",   FIELD_INT, true, 1, 5, NULL },
};

/*
 * POST /api/orders/{id}/confirm {ratings: {quality, timeliness, attitude}
 * (1-5), comment?} → 200 the order with confirmed_at (C1); 409 before the
 * contract or already confirmed; 400 bad ratings.
 */
int
order_confirm(struct req *r)
{
	static const struct field fields[] = {
		{ "ratings", FIELD_OBJECT, true, 0, 0, NULL },
		{ "comment", FIELD_TEXT, false, 0, 500, NULL },
	};
	struct mine_tx t = { .r = r, .action = "confirm" };
	struct field_value v[2], rv[3];
	json_t *body;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, fields, 2, v) < 0 ||
	    req_fields_or_400(r, json_object_get(body, "ratings"), rating_fields,
	    3, rv) < 0)
		return r->status;
	t.q = (int)rv[0].i;
	t.t = (int)rv[1].i;
	t.a = (int)rv[2].i;
	t.comment = v[1].present && *v[1].s ? v[1].s : NULL;
	return run_mine(r, &t, confirm_tx);
}

/* Appends s to b with HTML's five special characters escaped. */
static void
html_escape(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		default: buf_append(b, s, 1); break;
		}
	}
}

/*
 * GET /api/orders/{id}/commitment → a printable HTML page of the SME
 * classification and voucher-use commitment (中小微企业划型及用券承诺)
 * filled with this enterprise's and order's data, to print, stamp and
 * scan (R1). The validity is the exact instant the voucher expires at
 * (O6, valid_until_text), as the pages and the sweeper have it. 404 for
 * another enterprise's order.
 */
int
order_commitment(struct req *r)
{
	static const char *const sizes[][2] = {
		{ "micro", "微型企业" }, { "small", "小型企业" },
		{ "medium", "中型企业" }, { "large", "大型企业" },
	};
	struct commitment_row c;
	struct db_res *keep = NULL;
	struct buf b = { 0 };
	const char *size = "未划型";
	char when[40], until[40], price[32], subsidy[32];
	int rc;

	rc = db_commitment(r->db, r->ids[0], r->sess.enterprise_id, &c, &keep);
	if (rc == DB_NOTFOUND)		/* or another enterprise's */
		return http_error(r, 404, "not_found", NULL, "订单不存在");
	if (rc != DB_OK)
		return http_db_error(r, rc);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (c.size_class != NULL && strcmp(c.size_class,
		    sizes[i][0]) == 0)
			size = sizes[i][1];
	valid_until_text(c.ordered_at, when);	/* the same form of instant */
	valid_until_text(c.valid_until, until);
	money_format_yuan(c.voucher_price, price, sizeof(price));
	money_format_yuan(c.unit_subsidy, subsidy, sizeof(subsidy));

	buf_puts(&b, "<!doctype html>\n<html lang=\"zh-CN\"><head>"
	    "<meta charset=\"utf-8\"><title>中小微企业划型及用券承诺</title>"
	    "<link rel=\"stylesheet\" href=\"/css/print.css\"></head><body>"
	    "<main class=\"sheet\"><h1>中小微企业划型及用券承诺</h1>"
	    "<table class=\"facts\">");
	buf_puts(&b, "<tr><th>企业名称</th><td>");
	html_escape(&b, c.enterprise_name);
	buf_puts(&b, "</td></tr><tr><th>统一社会信用代码</th><td>");
	html_escape(&b, c.uscc);
	buf_puts(&b, "</td></tr><tr><th>企业规模（划型结果）</th><td>");
	html_escape(&b, size);
	buf_puts(&b, "</td></tr><tr><th>订单编号</th><td>");
	html_escape(&b, c.order_no);
	buf_puts(&b, "</td></tr><tr><th>下单时间（北京时间）</th><td>");
	html_escape(&b, when);
	buf_puts(&b, "</td></tr><tr><th>服务产品</th><td>");
	html_escape(&b, c.product_name);
	buf_puts(&b, "</td></tr><tr><th>服务机构</th><td>");
	html_escape(&b, c.provider_name);
	buf_printf(&b, "</td></tr><tr><th>配券价</th><td>%s 元</td></tr>"
	    "<tr><th>单位补贴上限</th><td>%s 元</td></tr>"
	    "<tr><th>服务券有效期至（北京时间）</th><td>", price, subsidy);
	html_escape(&b, until);
	buf_puts(&b, "</td></tr></table>"
	    "<h2>承诺事项</h2><ol>"
	    "<li>本企业注册地在北京市，属于中小微企业，已通过企业划型认证，"
	    "划型结果真实有效。</li>"
	    "<li>本企业近 3 年在经营、环保、纳税等方面无严重失信行为记录，"
	    "未被纳入失信被执行人名单。</li>"
	    "<li>本企业使用的服务券仅用于购买上述服务产品，不转让、赠送、买卖"
	    "服务券，与服务机构不存在影响公平公正市场交易的关联关系。</li>"
	    "<li>本企业与服务机构签订的服务合同真实，不虚构合同或提高合同金额"
	    "套取服务券资金；如有退款或未开展实质服务，将配合退回补贴资金。</li>"
	    "<li>如有违反，自愿承担终止交易、追回补贴、取消领券资格、3 年内不再"
	    "受理相关政策资金申请及纳入信用惩戒体系等后果。</li></ol>"
	    "<div class=\"sign\"><p>企业（盖章）：</p><p>法定代表人或授权代表（签字）：</p>"
	    "<p>日期：　　　　年　　月　　日</p></div>"
	    "</main></body></html>\n");
	db_res_free(keep);
	http_body(r, 200, "text/html; charset=utf-8", b.p, b.len);
	buf_free(&b);
	return 200;
}
