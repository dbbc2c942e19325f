/*
 * claim.c - an order's redemption claim: reading it (documents, figures,
 * the R2 checks with pass or fail and why, the duplicate flags for the
 * reviewer), recording the figures (R2) and submitting it (R3). The
 * provider's writes all go through claim_lock_writable(): the order row
 * locked first (order -> quota -> product, as everywhere), O4/O6 applied,
 * the claim not frozen.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "clocks.h"
#include "db.h"
#include "money.h"
#include "orders.h"
#include "parties.h"
#include "redemption.h"

const char *const claim_kinds[KIND__MAX + 1] = {
	"contract",       /* KIND_CONTRACT */
	"commitment",     /* KIND_COMMITMENT */
	"invoice",        /* KIND_INVOICE */
	"invoice_check",  /* KIND_INVOICE_CHECK */
	"receipt",        /* KIND_RECEIPT */
	NULL
};

static const char *const r2_codes[R2__MAX] = {
	"invoice_date",            /* R2_INVOICE_DATE */
	"receipt_date",            /* R2_RECEIPT_DATE */
	"invoice_voucher_amount",  /* R2_VOUCHER_AMOUNT */
	"invoice_self_paid",       /* R2_SELF_PAID */
	"invoice_total",           /* R2_INVOICE_TOTAL */
	"receipt_amount",          /* R2_RECEIPT_AMOUNT */
};

bool
claim_editable(const char *status)
{
	return strcmp(status, "draft") == 0 || strcmp(status, "returned") == 0;
}

int
claim_kind_parse(const char *s)
{
	for (int k = 0; k < KIND__MAX; k++)
		if (s != NULL && strcmp(s, claim_kinds[k]) == 0)
			return k;
	return -1;
}

bool
claim_readable(const struct req *r, int64_t enterprise_id, int64_t provider_id)
{
	switch (r->sess.role) {
	case ROLE_REVIEWER:
	case ROLE_BUREAU:
		return true;
	case ROLE_ENTERPRISE:
		return r->sess.enterprise_id == enterprise_id;
	case ROLE_PROVIDER:
		return r->sess.provider_id == provider_id;
	default:
		return false;
	}
}

/* ---- R2 ------------------------------------------------------------ */

/* y*10000+m*100+d (a DATE of the database, non-negative) as YYYY-MM-DD. */
static void
date_text(int64_t ymd, char out[11])
{
	uint64_t v = (uint64_t)ymd;

	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(v / 10000 % 10000),
	    (unsigned)(v / 100 % 100), (unsigned)(v % 100));
}

/* A date check: date >= the contract's signed date. */
static void
check_date(struct r2_result *res, const char *what, int64_t date,
    int64_t signed_on)
{
	char d[11], s[11];

	date_text(date, d);
	date_text(signed_on, s);
	res->pass = date >= signed_on;
	res->known = true;
	res->expected = signed_on;
	res->actual = date;
	snprintf(res->message, sizeof(res->message), res->pass ?
	    "%s %s 不早于合同签订日期 %s" :
	    "%s %s 早于合同签订日期 %s，不符合要求", what, d, s);
}

/* An amount check: actual == expected, to the fen. */
static void
check_amount(struct r2_result *res, const char *what, int64_t actual,
    const char *against, int64_t expected)
{
	char a[32], e[32];

	money_format_yuan(actual, a, sizeof(a));
	money_format_yuan(expected, e, sizeof(e));
	res->pass = actual == expected;
	res->known = res->amounts = true;
	res->expected = expected;
	res->actual = actual;
	snprintf(res->message, sizeof(res->message), "%s %s 元%s%s %s 元",
	    what, a, res->pass ? "等于" : "不等于", against, e);
}

int
claim_checks(const struct claim *c, struct r2_result out[R2__MAX])
{
	int failed = 0;

	memset(out, 0, R2__MAX * sizeof(*out));
	for (int i = 0; i < R2__MAX; i++) {
		out[i].code = r2_codes[i];
		if (!c->has_contract)
			snprintf(out[i].message, sizeof(out[i].message),
			    "尚未录入服务合同，无法核对");
		else if (!c->has_figures)
			snprintf(out[i].message, sizeof(out[i].message),
			    "尚未填写发票和收款数据");
	}
	if (c->has_contract && c->has_figures) {
		check_date(&out[R2_INVOICE_DATE], "开票日期", c->invoice_date,
		    c->signed_on);
		check_date(&out[R2_RECEIPT_DATE], "收款日期", c->receipt_date,
		    c->signed_on);
		check_amount(&out[R2_VOUCHER_AMOUNT], "发票服务券抵用金额",
		    c->invoice_voucher, "合同补贴金额", c->contract_subsidy);
		check_amount(&out[R2_SELF_PAID], "发票企业自付金额",
		    c->invoice_self_paid, "合同企业自付金额", c->self_paid);
		/* the total is both the invoice's own sum and the contract's
		 * amount; the first difference found is reported */
		if (c->invoice_total != c->invoice_voucher + c->invoice_self_paid)
			check_amount(&out[R2_INVOICE_TOTAL], "发票总额",
			    c->invoice_total, "服务券抵用金额与企业自付金额之和",
			    c->invoice_voucher + c->invoice_self_paid);
		else
			check_amount(&out[R2_INVOICE_TOTAL], "发票总额",
			    c->invoice_total, "合同金额", c->amount);
		/* Decision: the bank receipt (银行回执单) is the provider's
		 * proof of the enterprise's own payment, so it must show the
		 * self-paid amount of the invoice (the subsidy is paid later
		 * by the bureau, R5). */
		check_amount(&out[R2_RECEIPT_AMOUNT], "银行收款金额",
		    c->receipt_amount, "发票企业自付金额",
		    c->invoice_self_paid);
	}
	for (int i = 0; i < R2__MAX; i++)
		failed += !out[i].pass;
	return failed;
}

/* ---- the JSON of a claim --------------------------------------------- */

/* Copies row[from] to o[to]. */
static void
pick(json_t *o, const char *to, json_t *row, const char *from)
{
	json_t *v = json_object_get(row, from);

	json_object_set(o, to, v ? v : json_null());
}

static json_t *
checks_json(const struct r2_result *res)
{
	json_t *a = json_array();

	for (int i = 0; i < R2__MAX; i++) {
		json_t *c = json_pack("{s:s,s:s,s:b,s:s}", "code", res[i].code,
		    "rule", "R2", "pass", res[i].pass, "message",
		    res[i].message);

		if (res[i].known && res[i].amounts) {
			json_object_set_new(c, "expected",
			    json_integer(res[i].expected));
			json_object_set_new(c, "actual",
			    json_integer(res[i].actual));
		} else if (res[i].known) {
			char e[11], a2[11];

			date_text(res[i].expected, e);
			date_text(res[i].actual, a2);
			json_object_set_new(c, "not_before", json_string(e));
			json_object_set_new(c, "actual", json_string(a2));
		}
		json_array_append_new(a, c);
	}
	return a;
}

/* The duplicate flags: the same invoice number in another order's claim,
 * the same file bytes among another order's documents. */
static json_t *
flags_json(struct db *db, const struct claim *c, int *rc)
{
	struct db_rows inv = { 0 }, dup = { 0 };
	const struct flag_invoice *fi;
	const struct flag_file *ff;
	json_t *flags = NULL, *f = NULL, *others = NULL;
	const char *kind = NULL;

	*rc = db_flags_invoice(db, c->order_id, &inv);
	if (*rc == DB_OK)
		*rc = db_flags_file(db, c->order_id, &dup);
	if (*rc != DB_OK)
		goto done;
	flags = json_array();
	fi = inv.v;
	if (inv.n > 0) {
		others = json_array();
		for (size_t i = 0; i < inv.n; i++)
			json_array_append_new(others, json_pack("{s:I,s:s,s:s}",
			    "order_id", (json_int_t)fi[i].order_id, "order_no",
			    fi[i].order_no, "claim_status", fi[i].status));
		json_array_append_new(flags, json_pack("{s:s,s:s,s:s,s:o}",
		    "code", "duplicate_invoice", "invoice_no", c->invoice_no,
		    "message", "发票号码已用于其他订单的兑付申请",
		    "orders", others));
	}
	ff = dup.v;
	for (size_t i = 0; i < dup.n; i++) {
		if (kind == NULL || strcmp(kind, ff[i].kind) != 0) {
			kind = ff[i].kind;
			others = json_array();
			f = json_pack("{s:s,s:s,s:s,s:s,s:o}", "code",
			    "duplicate_file", "kind", kind, "sha256",
			    ff[i].sha256, "message",
			    "相同的文件已作为其他订单的兑付材料上传",
			    "orders", others);
			json_array_append_new(flags, f);
		}
		json_array_append_new(others, json_pack("{s:I,s:s,s:s}",
		    "order_id", (json_int_t)ff[i].order_id, "order_no",
		    ff[i].order_no, "kind", ff[i].other_kind));
	}
done:
	db_rows_free(&inv);
	db_rows_free(&dup);
	return flags;
}

/* R4: the rounds of the claim, oldest first: each decided one
 * {round, submitted_at, decision, approved_amount, reason, reviewer_role,
 * reviewed_at}, then the one waiting for a decision (decision null). */
static json_t *
history_json(struct db *db, const struct claim *c, int *rc)
{
	struct db_rows rows = { 0 };
	const struct claim_round *h;
	json_t *a;
	char sub[21], rev[21];
	size_t i;

	if ((*rc = db_claim_history(db, c->order_id, &rows)) != DB_OK)
		return NULL;
	a = json_array();
	h = rows.v;
	for (i = 0; i < rows.n; i++) {
		clock_format_iso8601(h[i].submitted_at, sub);
		clock_format_iso8601(h[i].reviewed_at, rev);
		json_array_append_new(a, json_pack("{s:I,s:s,s:s,s:o,s:s?,"
		    "s:b,s:s?,s:s,s:s}", "round", (json_int_t)(i + 1),
		    "submitted_at", sub, "decision", h[i].decision,
		    "approved_amount", h[i].no_amount ? json_null() :
		    json_integer(h[i].approved_amount), "reason", h[i].reason,
		    "unconfirmed", h[i].unconfirmed, "unconfirmed_reason",
		    h[i].unconfirmed_reason, "reviewer_role",
		    h[i].reviewer_role, "reviewed_at", rev));
	}
	if (strcmp(c->status, "submitted") == 0 && c->submitted_at != 0) {
		clock_format_iso8601(c->submitted_at, sub);
		json_array_append_new(a, json_pack("{s:I,s:s,s:n}", "round",
		    (json_int_t)(i + 1), "submitted_at", sub, "decision"));
	}
	db_rows_free(&rows);
	return a;
}

/* The guide's other files, by slot: [{slot, title, size, sha256,
 * uploaded_at}]. */
static json_t *
others_json(struct db *db, const struct claim *c, int *rc)
{
	struct db_rows rows = { 0 };
	const struct claim_other *f;
	json_t *a;
	char at[21];

	if ((*rc = db_other_list(db, c->order_id, &rows)) != DB_OK)
		return NULL;
	a = json_array();
	f = rows.v;
	for (size_t i = 0; i < rows.n; i++) {
		clock_format_iso8601(f[i].uploaded_at, at);
		json_array_append_new(a, json_pack("{s:I,s:s,s:I,s:s,s:s}",
		    "slot", (json_int_t)f[i].slot, "title", f[i].title, "size",
		    (json_int_t)f[i].size_bytes, "sha256", f[i].sha256,
		    "uploaded_at", at));
	}
	db_rows_free(&rows);
	return a;
}

/* The columns of STMT_CLAIM_VIEW shown as they are. */
static const char *const view_cols[] = { "order_no", "order_status",
    "status", "enterprise_id", "enterprise_name", "provider_id",
    "provider_name", "product_id", "product_name", "subsidy", "reserved",
    "valid_until", "confirmed_at", "submitted_at", "confirm_by",
    "unconfirmed_reason" };

/* The R2 figures, as recorded. */
static const char *const figure_cols[] = { "invoice_no", "invoice_date",
    "invoice_total", "invoice_voucher_amount", "invoice_self_paid",
    "receipt_date", "receipt_amount" };

/* An ISO instant member of row as time_t (0: null or absent). */
static time_t
instant_of(json_t *row, const char *key)
{
	const char *s = json_string_value(json_object_get(row, key));
	time_t t = 0;

	if (s == NULL || clock_parse_iso8601(s, &t) != 0)
		return 0;
	return t;
}

void
claim_clock_set(json_t *o, json_t *row)
{
	struct clock_facts f = {
		.subject = CLOCK_ORDER,
		.state = json_string_value(json_object_get(row, "order_status")),
		.accept_deadline = instant_of(row, "accept_deadline"),
		.valid_until = instant_of(row, "valid_until"),
		.submitted_at = instant_of(row, "order_submitted_at"),
		.confirmed_at = instant_of(row, "confirmed_at"),
		.approved_at = instant_of(row, "order_approved_at"),
	};

	stage_clock_set(o, &f, clock_now());
}

json_t *
claim_json(struct db *db, const struct claim *c, bool with_flags, int *rc)
{
	struct r2_result checks[R2__MAX];
	json_t *row = db_row_json(c->row, 0), *o = json_object(), *figures,
	    *files = json_array(), *missing = json_array(), *flags, *history,
	    *others;
	int failed = claim_checks(c, checks);
	char at[21];

	*rc = DB_OK;
	pick(o, "order_id", row, "id");
	for (size_t i = 0; i < sizeof(view_cols) / sizeof(view_cols[0]); i++)
		pick(o, view_cols[i], row, view_cols[i]);
	if (c->has_contract) {
		json_t *k = json_object();

		pick(k, "contract_no", row, "contract_no");
		pick(k, "signed_on", row, "signed_on");
		pick(k, "amount", row, "amount");
		pick(k, "subsidy", row, "contract_subsidy");
		pick(k, "self_paid", row, "self_paid");
		json_object_set_new(o, "contract", k);
	} else
		json_object_set_new(o, "contract", json_null());
	figures = json_object();
	for (size_t i = 0; i < sizeof(figure_cols) / sizeof(figure_cols[0]);
	    i++)
		pick(figures, figure_cols[i], row, figure_cols[i]);
	json_object_set_new(o, "figures", figures);
	for (int k = 0; k < KIND__MAX; k++) {
		if (!c->files[k].present) {
			json_array_append_new(missing, json_string(claim_kinds[k]));
			continue;
		}
		clock_format_iso8601(c->files[k].uploaded_at, at);
		json_array_append_new(files, json_pack("{s:s,s:I,s:s,s:s}",
		    "kind", claim_kinds[k], "size", (json_int_t)c->files[k].size,
		    "sha256", c->files[k].sha256, "uploaded_at", at));
	}
	/* C2: decided without the enterprise's confirmation */
	json_object_set_new(o, "unconfirmed", json_boolean(
	    json_integer_value(json_object_get(row, "unconfirmed")) != 0));
	json_object_set_new(o, "ready", json_boolean(
	    json_array_size(missing) == 0 && failed == 0 &&
	    claim_editable(c->status) &&
	    strcmp(c->order_status, "contracted") == 0));
	json_object_set_new(o, "files", files);
	claim_clock_set(o, row);		/* issue 16 §2: its order's */
	if ((others = others_json(db, c, rc)) == NULL) {
		json_decref(o);
		json_decref(row);
		return NULL;
	}
	json_object_set_new(o, "other_files", others);
	json_object_set_new(o, "missing_files", missing);
	json_object_set_new(o, "checks", checks_json(checks));
	if (json_is_null(json_object_get(row, "decision")))
		json_object_set_new(o, "review", json_null());
	else {
		json_t *rv = json_object();

		pick(rv, "decision", row, "decision");
		pick(rv, "approved_amount", row, "approved_amount");
		pick(rv, "reason", row, "reason");
		pick(rv, "reviewed_at", row, "reviewed_at");
		json_object_set_new(o, "review", rv);
	}
	json_decref(row);
	if ((history = history_json(db, c, rc)) == NULL) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "history", history);
	if (with_flags) {
		if ((flags = flags_json(db, c, rc)) == NULL) {
			json_decref(o);
			return NULL;
		}
		json_object_set_new(o, "flags", flags);
	}
	return o;
}

int
claim_reply(struct req *r, int64_t id)
{
	struct claim c;
	json_t *o;
	int rc = claim_load(r->db, id, r->now, &c);

	if (rc == DB_NOTFOUND || (rc == DB_OK &&
	    !claim_readable(r, c.enterprise_id, c.provider_id))) {
		claim_free(&c);
		return http_error(r, 404, "not_found", NULL, "订单不存在");
	}
	if (rc != DB_OK)
		return http_db_error(r, rc);
	o = claim_json(r->db, &c, r->sess.role == ROLE_REVIEWER ||
	    r->sess.role == ROLE_BUREAU, &rc);
	claim_free(&c);
	if (o == NULL)
		return http_db_error(r, rc);
	return http_json(r, 200, o);
}

/* ---- the provider's writes ------------------------------------------- */

int
claim_lock_writable(struct db *db, struct claim_tx *t, struct order_row *o)
{
	struct req *r = t->r;
	struct actor a = actor_of(r);
	struct db_res *keep = NULL;
	struct claim_lock cl;
	bool barred;
	int rc;

	t->swept = false;
	t->state[0] = t->detail[0] = '\0';
	json_decref(t->before);
	t->before = NULL;
	rc = order_lock_owned(db, r->ids[0], OWNER_PROVIDER,
	    r->sess.provider_id, o);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? TX_NOT_FOUND : rc;
	/* R1 "before valid-until": a due O6 expiry is applied and committed
	 * first, then the write is refused */
	rc = order_apply_timeouts(db, &a, o);
	if (rc < 0 || rc == DB_RETRY)
		return rc;
	t->swept = rc == 1;
	snprintf(t->state, sizeof(t->state), "%s",
	    order_status_name(o->status));
	if (t->swept)
		return DB_OK;
	rc = db_claim_lock(db, o->id, &cl, &keep);
	/* R3: frozen once submitted; R4: a claim returned for correction
	 * (退回补正) is the provider's again */
	if (rc == DB_OK && !claim_editable(cl.status))
		rc = TX_FROZEN;
	else if (rc == DB_OK)
		t->before = db_row_json(keep, 0);	/* the figures, as stored */
	else if (rc == DB_NOTFOUND)
		rc = DB_OK;
	db_res_free(keep);
	if (rc != DB_OK)
		return rc;
	/* the claim is made once the contract is recorded (O8), whose
	 * figures R2 compares with */
	if (o->status != ORDER_CONTRACTED)
		return TX_INVALID_STATE;
	rc = party_barred(db, PARTY_PROVIDER, o->provider_id, r->now, &barred);
	if (rc != DB_OK)
		return rc;
	return barred ? TX_BARRED : DB_OK;		/* V2 */
}

int
claim_tx_error(struct req *r, const struct claim_tx *t, int rc)
{
	switch (rc) {
	case DB_OK:		/* t->swept: O4/O6 closed the order first */
	case TX_INVALID_STATE:
		if (strcmp(t->state, "expired") == 0)
			return http_error(r, 409, "order_expired", NULL,
			    "服务券已过有效期，不能再上传或修改兑付材料"
			    "（《工作指南》六、1：在服务券有效期内申请兑券）");
		return http_error(r, 409, "invalid_state", NULL,
		    "订单当前状态（%s）不允许此操作", t->state);
	case TX_NOT_FOUND:
		return http_error(r, 404, "not_found", NULL, "订单不存在");
	case TX_FROZEN:
		return http_error(r, 409, "claim_frozen", NULL,
		    "兑付申请已提交，材料和数据已冻结");
	case TX_BARRED:
		return http_error(r, 403, "provider_barred", NULL,
		    "服务机构已被取消资格，不能申请兑付");
	case TX_FILES_MISSING:
		return http_error(r, 422, "files_missing", NULL,
		    "缺少兑付材料：%s", t->detail);
	case TX_CHECKS_FAILED:
		return http_error(r, 422, "claim_checks_failed", NULL,
		    "兑付数据核对未通过：%s（金额不符，不予兑付）",
		    t->detail);
	case TX_NOT_CONFIRMED:
		return http_error(r, 409, "not_confirmed", NULL,
		    "企业尚未确认服务完成：企业可在提交兑付申请后 15 天内确认，"
		    "%s（北京时间）后可不经企业确认作出决定；"
		    "市经济和信息化局可写明理由提前决定", t->detail);
	case TX_ABOVE_SUBSIDY:
		return http_error(r, 422, "amount_above_subsidy", "amount",
		    "核定金额不得超过订单补贴金额");
	case TX_REASON_REQUIRED:
		return http_error(r, 422, "reason_required", "reason",
		    "驳回或核减金额时必须说明理由");
	default:
		return http_db_error(r, rc);
	}
}

/* GET /api/redemptions/{id} -> 200 the claim (files, figures, R2 checks);
 * the order's enterprise and provider, reviewers and the bureau (who also
 * see the duplicate flags); 404 for anyone else. */
int
claim_get(struct req *r)
{
	return claim_reply(r, r->ids[0]);
}

enum { FG_NO, FG_INVOICE_DATE, FG_TOTAL, FG_VOUCHER, FG_SELF_PAID,
    FG_RECEIPT_DATE, FG_RECEIPT_AMOUNT, FG__MAX };

static const struct field figure_fields[FG__MAX] = {
	[FG_NO]             = { "invoice_no", FIELD_STRING, true, 1, 32, NULL },
	[FG_INVOICE_DATE]   = { "invoice_date", FIELD_DATE, true, 0, 0, NULL },
	[FG_TOTAL]          = { "invoice_total", FIELD_MONEY, true, 0,
	    MONEY_MAX_FEN, NULL },
	[FG_VOUCHER]        = { "invoice_voucher_amount", FIELD_MONEY, true, 0,
	    MONEY_MAX_FEN, NULL },
	[FG_SELF_PAID]      = { "invoice_self_paid", FIELD_MONEY, true, 0,
	    MONEY_MAX_FEN, NULL },
	[FG_RECEIPT_DATE]   = { "receipt_date", FIELD_DATE, true, 0, 0, NULL },
	[FG_RECEIPT_AMOUNT] = { "receipt_amount", FIELD_MONEY, true, 0,
	    MONEY_MAX_FEN, NULL },
};

struct figures_tx {
	struct claim_tx           c;
	const struct field_value *v;
	char                      invoice_no[33];
};

static int
figures_tx(struct db *db, void *arg)
{
	struct figures_tx *t = arg;
	const struct field_value *v = t->v;
	const struct claim_figures f = {
		.invoice_no = t->invoice_no,
		.invoice_date = v[FG_INVOICE_DATE].i,
		.invoice_total = v[FG_TOTAL].i,
		.invoice_voucher = v[FG_VOUCHER].i,
		.invoice_self_paid = v[FG_SELF_PAID].i,
		.receipt_date = v[FG_RECEIPT_DATE].i,
		.receipt_amount = v[FG_RECEIPT_AMOUNT].i,
	};
	struct req *r = t->c.r;
	struct actor a = actor_of(r);
	struct order_row o;
	json_t *after;
	int rc;

	if ((rc = claim_lock_writable(db, &t->c, &o)) != DB_OK || t->c.swept)
		return rc;
	if ((rc = db_figures_upsert(db, o.id, &f, r->now)) != DB_OK)
		return rc;
	after = json_pack("{s:s,s:s,s:I,s:I,s:I,s:s,s:I}", "invoice_no",
	    f.invoice_no, "invoice_date", v[FG_INVOICE_DATE].s,
	    "invoice_total", (json_int_t)f.invoice_total,
	    "invoice_voucher_amount", (json_int_t)f.invoice_voucher,
	    "invoice_self_paid", (json_int_t)f.invoice_self_paid,
	    "receipt_date", v[FG_RECEIPT_DATE].s,
	    "receipt_amount", (json_int_t)f.receipt_amount);
	rc = audit_record(db, &a, "claim.figures", "redemption_claim", o.id,
	    t->c.before, after);
	json_decref(after);
	return rc;
}

/*
 * PUT /api/redemptions/{id} {invoice_no, invoice_date, invoice_total,
 * invoice_voucher_amount, invoice_self_paid, receipt_date, receipt_amount}
 * -> 200 the claim with its R2 checks (a figure that does not match is
 * stored and reported as a failed check; it refuses the submission).
 * Amounts in fen, dates YYYY-MM-DD. 400 a bad field; 404 not the
 * provider's order; 409 claim_frozen (R3), order_expired (R1),
 * invalid_state (not contracted); 403 provider_barred (V2).
 */
int
figures_put(struct req *r)
{
	struct field_value v[FG__MAX];
	struct figures_tx t = { .c = { .r = r }, .v = v };
	json_t *body;
	size_t i;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, figure_fields, FG__MAX, v) < 0)
		return r->status;
	/* invoice numbers are letters and digits, compared in upper case
	 * (so that the duplicate check cannot be dodged by case) */
	for (i = 0; v[FG_NO].s[i] != '\0'; i++) {
		unsigned char ch = (unsigned char)v[FG_NO].s[i];

		if (!isalnum(ch) || ch >= 0x80)
			return http_error(r, 400, "invalid_field", "invoice_no",
			    "发票号码只能由字母和数字组成");
		t.invoice_no[i] = (char)toupper(ch);
	}
	t.invoice_no[i] = '\0';
	rc = db_tx(r->db, figures_tx, &t);
	json_decref(t.c.before);
	if (rc != DB_OK || t.c.swept)
		return claim_tx_error(r, &t.c, rc);
	return claim_reply(r, r->ids[0]);
}

/* Joins the names of the missing kinds / failing checks into out. */
static void
join_names(char *out, size_t n, const char *name)
{
	size_t len = strlen(out);

	snprintf(out + len, n - len, "%s%s", len ? ", " : "", name);
}

static int
submit_tx(struct db *db, void *arg)
{
	struct claim_tx *t = arg;
	struct r2_result checks[R2__MAX];
	struct req *r = t->r;
	struct actor a = actor_of(r);
	struct order_row o;
	struct claim c;
	json_t *after;
	int rc;

	if ((rc = claim_lock_writable(db, t, &o)) != DB_OK || t->swept)
		return rc;
	if ((rc = claim_load(db, o.id, r->now, &c)) != DB_OK)
		return rc;
	for (int k = 0; k < KIND__MAX; k++)
		if (!c.files[k].present)
			join_names(t->detail, sizeof(t->detail), claim_kinds[k]);
	if (t->detail[0] != '\0') {
		claim_free(&c);
		return TX_FILES_MISSING;
	}
	if (claim_checks(&c, checks) > 0) {
		for (int i = 0; i < R2__MAX; i++)
			if (!checks[i].pass)
				join_names(t->detail, sizeof(t->detail),
				    checks[i].code);
		claim_free(&c);
		return TX_CHECKS_FAILED;
	}
	after = json_pack("{s:s,s:I,s:I,s:I}", "invoice_no", c.invoice_no,
	    "invoice_total", (json_int_t)c.invoice_total,
	    "invoice_voucher_amount", (json_int_t)c.invoice_voucher,
	    "receipt_amount", (json_int_t)c.receipt_amount);
	for (int k = 0; k < KIND__MAX; k++)
		json_object_set_new(after, claim_kinds[k],
		    json_string(c.files[k].sha256));
	claim_free(&c);
	rc = db_claim_submit(db, o.id, r->now);
	if (rc == DB_NOTFOUND)
		rc = TX_FROZEN;
	if (rc == DB_OK)
		rc = db_order_submitted(db, o.id, r->now);
	if (rc == DB_OK)
		rc = order_transition(db, &a, &o, ORDER_SUBMITTED,
		    "服务机构完成服务，提交兑付申请");
	if (rc == DB_OK)
		rc = audit_record(db, &a, "claim.submit", "redemption_claim",
		    o.id, NULL, after);
	json_decref(after);
	return rc;
}

/*
 * POST /api/redemptions/{id}/submit -> 200 the claim, now submitted and
 * frozen; the order goes to submitted (R3). 422 files_missing (all five
 * documents of R1 are needed), 422 claim_checks_failed (every R2 check
 * must pass), 409 order_expired (past valid-until), claim_frozen (already
 * submitted), invalid_state; 404 not the provider's order.
 */
int
claim_submit(struct req *r)
{
	struct claim_tx t = { .r = r };
	int rc = db_tx(r->db, submit_tx, &t);

	json_decref(t.before);
	if (rc != DB_OK || t.swept)
		return claim_tx_error(r, &t, rc);
	return claim_reply(r, r->ids[0]);
}
