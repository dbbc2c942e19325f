/*
 * place.c - placing an order (O1-O3, P5) with an Idempotency-Key, and the
 * quote of what an order would give now.
 *
 * One order is one short transaction, rows locked in the fixed order
 * quota -> the enterprise's contact -> product: the quota row is locked
 * and the reservation computed by rule O3 (min(unit subsidy, cap -
 * occupied), nothing at or above a lowered cap: E8), the guarded UPDATE
 * adds it (occupied + x <= cap); the order, its event, its audit record
 * and the idempotency record are written, and a new contact kept as the
 * enterprise's default; last, the hot guarded UPDATE takes the unit
 * (remaining_units > 0), so the popular product's row is locked only from
 * there to the commit. The database, not C, enforces both limits.
 *
 * The order contact (contact_name, contact_mobile: guide attachment 2-3,
 * 三) goes into the order row only: never into the reply, the audit
 * record, the idempotency record or a log line.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "clock.h"
#include "db.h"
#include "log.h"
#include "money.h"
#include "ordering.h"
#include "org.h"
#include "orders.h"
#include "parties.h"
#include "rules.h"
#include "sha256.h"

#define IDEM_STALE_SECONDS 60   /* a running key older than this is abandoned */

#define TX_SOLD_OUT        (DB_APP + 1)
#define TX_QUOTA_EXHAUSTED (DB_APP + 2)

/* What an enterprise and a product are, read before the transaction. */
struct order_ctx {
	struct req              *r;
	int64_t                  enterprise_id;
	struct enterprise_facts  ef;        /* E1-E5, E7, the last contact */
	struct order_contact     contact;   /* this order's; "" when none  */
	bool                     contact_new; /* differs from ef's: keep it */
	struct product_for_order p;     /* strings borrowed from p_keep     */
	struct db_res           *p_keep;   /* freed by the handler          */
	int                      year;
	const char              *idem_key;
	/* out */
	int64_t                  order_id;
	int64_t                  reserved;
	char                    *reply;    /* the 201 body, malloc'd        */
};

/* The Asia/Shanghai date of now as y*10000+m*100+d (T1). */
static int64_t
today_of(time_t now)
{
	int y, m, d;

	clock_shanghai_date(now, &y, &m, &d);
	return (int64_t)y * 10000 + m * 100 + d;
}

/* E1-E5 (O1): reads the enterprise's facts into *ef; 0 when eligible,
 * else writes 403 not_eligible and -1. */
static int
check_eligible_or_403(struct req *r, int64_t enterprise_id,
    struct enterprise_facts *ef)
{
	const char *why;
	static const char *const why_text[] = {
		"E1", "注册地不在北京市的企业不在服务券补贴范围内",
		"E2", "非企业单位不在服务券补贴范围内",
		"E3", "未通过中小微企业划型认证（大型企业不适用）",
		"E4", "企业存在严重失信记录或被列入失信被执行人名单",
		"E5", "企业因违规被取消领券资格，期限未满",
	};
	int rc = db_enterprise_facts(r->db, enterprise_id, ef);

	if (rc != DB_OK) {
		http_db_error(r, rc == DB_NOTFOUND ? DB_ERROR : rc);
		return -1;
	}
	/* E14: the bureau's credit list counts as a credit flag */
	if (rule_credit_listed(ef->credit_list_until, today_of(r->now)))
		ef->f.credit_flagged = true;
	if ((why = rule_enterprise_ineligible(&ef->f, r->now)) == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(why_text) / sizeof(why_text[0]); i += 2)
		if (strcmp(why, why_text[i]) == 0) {
			json_t *e = json_pack("{s:s,s:s,s:s}", "code", "not_eligible",
			    "message", why_text[i + 1], "rule", why);

			http_json(r, 403, json_pack("{s:o}", "error", e));
			return -1;
		}
	http_error(r, 403, "not_eligible", NULL, "企业不符合用券条件（%s）", why);
	return -1;
}

/* O2: loads the product into c->p (its strings kept in c->p_keep, which
 * the caller frees whatever the result); writes 404/409 and returns -1
 * when it cannot be ordered now, 403 provider_not_eligible when its
 * provider is barred (V2) or credit-flagged (P7). */
static int
load_product_or_4xx(struct req *r, int64_t product_id, struct order_ctx *c)
{
	struct round_info ri = { 0 };
	int rc = db_product_for_order(r->db, product_id, &c->p, &c->p_keep);

	if (rc == DB_NOTFOUND) {
		http_error(r, 404, "product_not_found", "product_id",
		    "产品不存在");
		return -1;
	}
	/* O2, Y2: listed, of the current round (none: no product is) */
	if (rc == DB_OK && c->p.listed)
		rc = round_current_info(r->db, &ri);
	if (rc != DB_OK && rc != DB_NOTFOUND) {
		http_db_error(r, rc);
		return -1;
	}
	if (!c->p.listed || c->p.round_year != ri.year) {
		http_error(r, 409, "product_unavailable", "product_id",
		    "该产品未上架或不属于本年度服务券产品");
		return -1;
	}
	/* Y2: within the round's ordering period; Y3: its year's allowance */
	if (!round_ordering_open(&ri, today_of(r->now))) {
		char period[64];

		snprintf(period, sizeof(period), "%04d-%02d-%02d 至 %04d-%02d-%02d",
		    (int)(ri.order_opens_on / 10000),
		    (int)(ri.order_opens_on / 100 % 100),
		    (int)(ri.order_opens_on % 100),
		    (int)(ri.order_closes_on / 10000),
		    (int)(ri.order_closes_on / 100 % 100),
		    (int)(ri.order_closes_on % 100));
		http_error(r, 409, "ordering_closed", "product_id",
		    "%d 年度服务券的用券期为 %s，现在不在用券期内", ri.year,
		    ri.order_opens_on && ri.order_closes_on ? period :
		    ri.order_opens_on ? "尚未开始" : "已经结束");
		return -1;
	}
	c->year = ri.year;
	/* P7: the moment its provider is barred or flagged, not orderable */
	if (rule_barred_at(c->p.provider_barred_until, r->now)) {
		http_error(r, 403, "provider_not_eligible", "product_id",
		    "该产品的服务机构因违规已被取消服务券资格，暂停下单");
		return -1;
	}
	if (c->p.provider_credit_flagged) {
		http_error(r, 403, "provider_not_eligible", "product_id",
		    "该产品的服务机构存在严重失信记录，暂停下单");
		return -1;
	}
	return 0;
}

/* A new order number: SV + Shanghai date + 10 random digits. */
static int
order_number(time_t now, char out[32])
{
	unsigned char b[8];
	uint64_t v = 0;
	int y, m, d;

	if (RAND_bytes(b, sizeof(b)) != 1)
		return -1;
	for (size_t i = 0; i < sizeof(b); i++)
		v = (v << 8) | b[i];
	clock_shanghai_date(now, &y, &m, &d);
	snprintf(out, 32, "SV%04d%02d%02d%010llu", y, m, d,
	    (unsigned long long)(v % 10000000000ULL));
	return 0;
}

static int
place_tx(struct db *db, void *arg)
{
	struct order_ctx *c = arg;
	struct req *r = c->r;
	struct actor a = actor_of(r);
	struct quota_row q;
	struct order_new o;
	char order_no[32];
	json_t *view = NULL;
	int rc;

	free(c->reply);
	c->reply = NULL;
	c->order_id = 0;
	/* 1. the quota row, locked: O3's reservation */
	rc = db_quota_lock(db, c->enterprise_id, c->year, &q);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? DB_ERROR : rc;
	c->reserved = rule_reservation(c->p.unit_subsidy, q.cap, q.occupied);
	if (c->reserved <= 0 && c->p.unit_subsidy > 0)
		return TX_QUOTA_EXHAUSTED;
	if (c->reserved < 0)
		return DB_ERROR;
	if (c->reserved > 0) {
		rc = quota_reserve(db, c->enterprise_id, c->year,
		    c->reserved);
		if (rc != DB_OK)
			return rc == DB_NOTFOUND ? TX_QUOTA_EXHAUSTED : rc;
	}
	/* 2. the order (O4 deadline, O6 validity), its event and audit */
	if (order_number(r->now, order_no) < 0)
		return DB_ERROR;
	o = (struct order_new){
		.order_no = order_no,
		.enterprise_id = c->enterprise_id,
		.product_id = c->p.id,
		.provider_id = c->p.provider_id,
		.year = c->year,
		.product_name = c->p.name,
		.voucher_price = c->p.voucher_price,
		.validity_days = c->p.validity_days,
		.unit_subsidy = c->p.unit_subsidy,
		.reserved = c->reserved,
		.ordered_at = r->now,
		.accept_deadline = rule_accept_deadline(r->now),
		.valid_until = rule_valid_until(r->now, c->p.validity_days),
		.contact_name = *c->contact.name ? c->contact.name : NULL,
		.contact_mobile = *c->contact.mobile ? c->contact.mobile : NULL,
	};
	rc = db_order_insert(db, &o, &c->order_id);
	if (rc == DB_CONFLICT)
		return DB_RETRY;	/* order number taken: draw another */
	if (rc != DB_OK)
		return rc;
	if ((rc = order_event(db, &a, c->order_id, NULL, "pending",
	    "企业下单")) != DB_OK)
		return rc;
	/* the contact given becomes the default of the next order */
	if (c->contact_new && (rc = db_contact_save(db, c->enterprise_id,
	    &c->contact, r->now)) != DB_OK)
		return rc;
	if ((view = order_view(db, c->order_id, r->now, &rc)) == NULL)
		return rc;
	if ((rc = audit_record(db, &a, "order.create", "order", c->order_id,
	    NULL, view)) != DB_OK) {
		json_decref(view);
		return rc;
	}
	c->reply = json_dumps(view, JSON_COMPACT);
	json_decref(view);
	/* 3. the idempotency record completes with the order, atomically */
	rc = db_idem_done(db, r->sess.account_id, c->idem_key, 201, c->reply,
	    r->now);
	if (rc != DB_OK)
		return rc;
	/* 4. last, the unit: the hot guarded UPDATE (P5), so that the
	 * product row is held only from here to the commit */
	rc = db_product_take_unit(db, c->p.id);
	return rc == DB_NOTFOUND ? TX_SOLD_OUT : rc;
}

/* Idempotency-Key: 1-128 printable ASCII characters. */
static const char *
idem_key_or_400(struct req *r)
{
	const char *k = req_param(r, "HTTP_IDEMPOTENCY_KEY");
	size_t n;

	if (k == NULL || *k == '\0') {
		http_error(r, 400, "missing_idempotency_key", "Idempotency-Key",
		    "下单请求必须带 Idempotency-Key 请求头");
		return NULL;
	}
	n = strlen(k);
	for (size_t i = 0; i < n; i++)
		if (!isprint((unsigned char)k[i]))
			n = 0;
	if (n == 0 || n > 128) {
		http_error(r, 400, "invalid_idempotency_key", "Idempotency-Key",
		    "Idempotency-Key 须为 1 到 128 个可打印 ASCII 字符");
		return NULL;
	}
	return k;
}

/*
 * Claims the key. Returns 1 when this request owns it and must run, 0
 * when the reply has been written (a replay, 409 in progress, 422 reuse
 * with another body), or -1 after a database error reply.
 */
static int
idem_claim(struct req *r, const char *key, const unsigned char hash[32])
{
	struct db_res *keep = NULL;
	struct idem_row k;
	int64_t acct = r->sess.account_id;
	int rc;

	rc = db_idem_insert(r->db, acct, key, hash, r->now);
	if (rc == DB_OK)
		return 1;
	if (rc != DB_CONFLICT) {
		http_db_error(r, rc);
		return -1;
	}
	rc = db_idem_get(r->db, acct, key, hash, &k, &keep);
	if (rc == DB_NOTFOUND) {	/* deleted meanwhile: try once more */
		if (db_idem_insert(r->db, acct, key, hash, r->now) == DB_OK)
			return 1;
		http_error(r, 409, "request_in_progress", "Idempotency-Key",
		    "相同 Idempotency-Key 的请求正在处理中");
		return 0;
	}
	if (rc != DB_OK) {
		http_db_error(r, rc);
		return -1;
	}
	if (!k.same_request) {
		db_res_free(keep);
		http_error(r, 422, "idempotency_key_reused", "Idempotency-Key",
		    "该 Idempotency-Key 已用于内容不同的请求");
		return 0;
	}
	if (k.done) {
		const char *body = k.response_body ? k.response_body : "";

		http_body(r, k.response_status,
		    "application/json; charset=utf-8", body, strlen(body));
		http_header(r, "Idempotent-Replayed", "true");
		db_res_free(keep);
		return 0;
	}
	db_res_free(keep);
	/* running: in flight elsewhere, unless its worker died long ago */
	rc = db_idem_takeover(r->db, acct, key, hash, r->now,
	    r->now - IDEM_STALE_SECONDS);
	if (rc == DB_OK)
		return 1;
	http_error(r, 409, "request_in_progress", "Idempotency-Key",
	    "相同 Idempotency-Key 的请求正在处理中");
	return 0;
}

/* Records the final reply of a refused request (4xx) under its key, or
 * forgets the key after a failure (5xx) so that the client may retry. */
static void
idem_finish(struct req *r, const char *key)
{
	if (r->status >= 500)
		db_idem_delete(r->db, r->sess.account_id, key);
	else
		db_idem_done(r->db, r->sess.account_id, key, r->status,
		    r->out.p ? r->out.p : "", r->now);
}

enum { OF_PRODUCT, OF_CONTACT_NAME, OF_CONTACT_MOBILE, OF__MAX };

static const struct field order_fields[OF__MAX] = {
	[OF_PRODUCT]        = { "product_id", FIELD_ID, true, 0, 0, NULL },
	[OF_CONTACT_NAME]   = { "contact_name", FIELD_STRING, false, 1,
	    CONTACT_NAME_MAX, NULL },
	[OF_CONTACT_MOBILE] = { "contact_mobile", FIELD_STRING, false, 1, 32,
	    NULL },
};

/* The order contact of the body into *c: both or neither, a name that is
 * not blank, a mainland mobile number. 0 (c empty when neither was
 * given), or -1 after a 400 naming the field. */
static int
contact_or_400(struct req *r, const struct field_value *v,
    struct order_contact *c)
{
	const char *name = v[OF_CONTACT_NAME].present ?
	    v[OF_CONTACT_NAME].s : NULL;
	const char *mobile = v[OF_CONTACT_MOBILE].present ?
	    v[OF_CONTACT_MOBILE].s : NULL;
	bool blank = true;

	memset(c, 0, sizeof(*c));
	if (name == NULL && mobile == NULL)
		return 0;
	if (name == NULL || mobile == NULL) {
		http_error(r, 400, "missing_field", name ? "contact_mobile" :
		    "contact_name", "联系人和联系电话须一并填写");
		return -1;
	}
	for (const char *p = name; *p; p++)
		if (!isspace((unsigned char)*p))
			blank = false;
	if (blank) {
		http_error(r, 400, "invalid_field", "contact_name",
		    "请填写联系人姓名");
		return -1;
	}
	if (!rule_mobile_valid(mobile)) {
		http_error(r, 400, "invalid_field", "contact_mobile",
		    "联系电话须为 11 位手机号码（如 13800138000）");
		return -1;
	}
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->mobile, sizeof(c->mobile), "%s", mobile);
	return 0;
}

/* Ensures this year's quota row exists with the tier's cap (E7). */
static int
quota_ensure(struct req *r, int64_t enterprise_id, int year, int tier)
{
	return db_quota_ensure(r->db, enterprise_id, year,
	    rule_tier_cap((enum rule_tier)tier)) == DB_ERROR ? DB_ERROR : DB_OK;
}

/* Runs the order transaction. The enterprise's own due orders (O4/O6)
 * are swept first — an order timed out no longer counts against the
 * year, so the new reservation (O3) must see the whole remainder (one
 * indexed read when nothing is due) — and the product's once if it is
 * refused for want of units. */
static int
place(struct order_ctx *c)
{
	struct req *r = c->r;
	int rc, swept;

	if (order_sweep_enterprise(r->db, c->enterprise_id, c->year, r->now,
	    r->rid) < 0)
		return DB_ERROR;
	for (int attempt = 0; ; attempt++) {
		rc = db_tx(r->db, place_tx, c);
		if (attempt > 0 || (rc != TX_SOLD_OUT && rc != TX_QUOTA_EXHAUSTED))
			return rc;
		swept = rc == TX_SOLD_OUT ?
		    order_sweep_product(r->db, c->p.id, r->now, r->rid) :
		    order_sweep_enterprise(r->db, c->enterprise_id, c->year,
		    r->now, r->rid);
		if (swept <= 0)
			return rc;
	}
}

/*
 * POST /api/orders {product_id, contact_name?, contact_mobile?}, header
 * Idempotency-Key. The contact defaults to the one of the enterprise's
 * last order (none on a first order without one); given, it must be both
 * a name and a mainland mobile number (400 naming the field).
 * 201 the order {id, order_no, status, product_id, reserved, ordered_at,
 * accept_deadline, valid_until, …} (without the contact); 409 sold_out /
 * quota_exhausted / product_unavailable; 403 not_eligible {rule: E1..E5};
 * 403 provider_not_eligible (P7); 400 missing key; 422 the key reused
 * with another body; 409 request_in_progress; a finished key replays the
 * first reply byte for byte.
 */
int
order_create(struct req *r)
{
	struct order_ctx c;
	struct order_contact given;
	struct field_value v[OF__MAX];
	unsigned char hash[32];
	const char *key;
	json_t *body;
	char *canon;
	int rc;

	if ((key = idem_key_or_400(r)) == NULL ||
	    (body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, order_fields, OF__MAX, v) < 0 ||
	    contact_or_400(r, v, &given) < 0)
		return r->status;
	canon = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
	sha256(canon, strlen(canon), hash);
	free(canon);
	if ((rc = idem_claim(r, key, hash)) <= 0)
		return r->status;

	memset(&c, 0, sizeof(c));
	c.r = r;
	c.idem_key = key;
	c.enterprise_id = r->sess.enterprise_id;
	/* c.year: the round's (Y3), set by load_product_or_4xx */
	if (check_eligible_or_403(r, c.enterprise_id, &c.ef) < 0 ||
	    load_product_or_4xx(r, v[OF_PRODUCT].i, &c) < 0)
		goto refused;
	if (*given.mobile) {
		c.contact = given;
		c.contact_new = strcmp(given.name, c.ef.last_contact.name) != 0 ||
		    strcmp(given.mobile, c.ef.last_contact.mobile) != 0;
	} else
		c.contact = c.ef.last_contact;	/* the last one, if any */
	if (quota_ensure(r, c.enterprise_id, c.year, c.ef.tier) != DB_OK) {
		http_db_error(r, DB_ERROR);
		goto refused;
	}
	rc = place(&c);
	if (rc == DB_OK) {
		http_body(r, 201, "application/json; charset=utf-8", c.reply,
		    strlen(c.reply));
		free(c.reply);
		db_res_free(c.p_keep);
		return 201;
	}
	free(c.reply);
	if (rc == TX_SOLD_OUT)
		http_error(r, 409, "sold_out", "product_id",
		    "该产品的优惠名额已用完（先用先得）");
	else if (rc == TX_QUOTA_EXHAUSTED)
		http_error(r, 409, "quota_exhausted", NULL,
		    "本年度服务券补贴额度已用完，暂不能下单");
	else
		http_db_error(r, rc);
refused:
	db_res_free(c.p_keep);
	idem_finish(r, key);
	return r->status;
}

/*
 * GET /api/quote?product_id= → what the enterprise would get if it
 * ordered now: unit subsidy (P4), reservable against its remaining
 * allowance (O3; quota_available = max(0, cap - occupied): E8), what it
 * pays, the formula spelled out, the instant the voucher would be valid
 * until (O6: valid_until, and valid_until_text in Beijing time as the
 * commitment form prints it), and the contact of the enterprise's last
 * order (contact {name, mobile} or null: the default of this one).
 */
int
quote_get(struct req *r)
{
	struct order_ctx c;
	struct enterprise_facts ef;
	struct quota_row q;
	int64_t pid, reservable, available;
	char buf[512], a[32], b[32], d[32], e[32], until[21], until_text[40];
	time_t valid_until;
	int rc;
	json_t *o;

	if (query_i64_or_400(r, "product_id", 1, INT64_MAX, 0, &pid) < 0)
		return r->status;
	if (pid == 0)
		return http_error(r, 400, "invalid_query", "product_id",
		    "缺少查询参数 product_id");
	memset(&c, 0, sizeof(c));
	c.r = r;
	if (load_product_or_4xx(r, pid, &c) < 0)
		goto done;
	/* eligibility is reported, not refused, in a quote: only the tier */
	if ((rc = db_enterprise_facts(r->db, r->sess.enterprise_id, &ef)) !=
	    DB_OK) {
		http_db_error(r, rc);
		goto done;
	}
	rc = db_quota_effective(r->db, r->sess.enterprise_id, c.year, r->now,
	    &q);
	if (rc == DB_NOTFOUND) {
		q.cap = rule_tier_cap((enum rule_tier)ef.tier);
		q.occupied = 0;
	} else if (rc != DB_OK) {
		http_db_error(r, rc);
		goto done;
	}
	reservable = rule_reservation(c.p.unit_subsidy, q.cap, q.occupied);
	if (reservable < 0)
		reservable = 0;
	available = rule_quota_available(q.cap, q.occupied);	/* E8 */
	if (available < 0)
		available = 0;
	valid_until = rule_valid_until(r->now, c.p.validity_days);
	clock_format_iso8601(valid_until, until);
	valid_until_text(valid_until, until_text);
	money_format_yuan(c.p.voucher_price, a, sizeof(a));
	money_format_yuan(c.p.unit_subsidy, b, sizeof(b));
	money_format_yuan(available, d, sizeof(d));
	money_format_yuan(reservable, e, sizeof(e));
	snprintf(buf, sizeof(buf), "单位补贴 = min(配券价 %s × 30%%（向下取整到分）,"
	    " 50000.00) = %s 元；可占用额度 = min(单位补贴 %s, 剩余额度 %s) = %s 元；"
	    "企业先按配券价签约，签约后补贴 = min(合同额 × 30%%, 50000.00, 已占用额度)",
	    a, b, b, d, e);
	o = json_pack("{s:I,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:s,s:b,s:s,"
	    "s:o}",
	    "product_id", (json_int_t)pid, "product_name", c.p.name,
	    "voucher_price", (json_int_t)c.p.voucher_price,
	    "unit_subsidy", (json_int_t)c.p.unit_subsidy,
	    "quota_cap", (json_int_t)q.cap,
	    "quota_available", (json_int_t)available,
	    "reservable", (json_int_t)reservable,
	    "enterprise_pays", (json_int_t)(c.p.voucher_price - reservable),
	    "validity_days", (json_int_t)c.p.validity_days,
	    "valid_until", until, "valid_until_text", until_text,
	    "can_order", (reservable > 0 || c.p.unit_subsidy == 0) &&
	    r->sess.member_role != MEMBER_VIEWER,
	    "formula", buf,
	    "contact", order_contact_json(&ef.last_contact));
	/* E13: a viewer reads the quote but cannot order */
	json_object_set_new(o, "member_role", json_string(member_role_name(
	    (enum member_role)r->sess.member_role)));
	http_json(r, 200, o);
done:
	db_res_free(c.p_keep);
	return r->status;
}
