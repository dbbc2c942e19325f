/*
 * orders.c - every order, as the bureau sees it (issue 11), bureau only:
 *   GET /api/bureau/orders       the filtered list, {items, total, page,
 *                                per_page}
 *   GET /api/bureau/orders.csv   the same filtered list for Excel
 *   GET /api/bureau/orders.xlsx  the same as an Excel workbook
 * Filters (all optional, combined): status (effective at now, O4 and O6
 * applied), product_id, provider_id, enterprise_id, category (P1),
 * from / to (Asia/Shanghai dates of the order, both included, T1) and
 * flag=overdue|unconfirmed:
 *   overdue      missed a deadline of the guide: not accepted within 48
 *                hours (O4) or the voucher ran out unclaimed (O6);
 *   unconfirmed  the claim is submitted and the enterprise has not
 *                confirmed the completion (C1, C2).
 *
 * The enterprise's order contact (contact_name, contact_mobile) is in no
 * statement of this program, so it is in no list and no export. The
 * exports hold at most EXPORT_MAX rows (the list tells how many match),
 * read in chunks and streamed: the program holds one chunk, never the
 * whole file (the CSV is sent as it is written; the workbook is written
 * by libxlsxwriter in its constant-memory mode to a temporary file, then
 * sent from it). Each chunk is a consistent read of its rows: an order
 * that changes during a long export shows its state when its chunk was
 * read, and no order is left out or written twice (keyset on the id).
 * A spreadsheet cell is text the way the bureau typed nothing into it:
 * CSV cells that a spreadsheet would run as formulas are neutralised
 * (csv_put_cell), and the workbook's cells are written as strings and
 * numbers, never formulas (libxlsxwriter's worksheet_write_string).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "clock.h"
#include "clocks.h"
#include "csv.h"
#include "log.h"
#include "money.h"
#include "orders.h"
#include "oversight.h"
#include "rules.h"

/* The most rows an export holds: a worksheet's rows but its header row
 * (Excel's 1,048,576); the CSV holds as many. Rows are read EXPORT_CHUNK
 * at a time along the primary key and sent as they are written (issue
 * #13 §2: a 150,000-row export in constant memory, measured by make
 * bench at Beijing's size). */
#define EXPORT_MAX   1048575
#define EXPORT_CHUNK 2000

/* The Chinese name of each O10 state, as the pages show it. */
static const char *const status_zh[ORDER__NSTATUS] = {
	[ORDER_PENDING]    = "待接单",
	[ORDER_ACCEPTED]   = "已接单",
	[ORDER_CONTRACTED] = "已签约",
	[ORDER_SUBMITTED]  = "待初审",
	[ORDER_APPROVED]   = "初审通过",
	[ORDER_PUBLICIZED] = "公示中",
	[ORDER_PAID]       = "已兑付",
	[ORDER_CANCELLED]  = "已取消",
	[ORDER_EXPIRED]    = "已过期作废",
	[ORDER_REJECTED]   = "初审不通过",
	[ORDER_REFUNDED]   = "已退款",
	[ORDER_REVOKED]    = "已撤销",
};

static const char *
status_name_zh(const char *status)
{
	int s = order_status_parse(status);

	return s >= 0 ? status_zh[s] : status;
}

static const char *const flags[] = { "overdue", "unconfirmed", NULL };

/* The instant an Asia/Shanghai date starts (T1). */
static time_t
shanghai_midnight(int y, int m, int d)
{
	return (time_t)clock_days_from_civil(y, m, d) * 86400 - 8 * 3600;
}

/* Query parameter name as a date (absent: *out 0); days is added to the
 * date first. 400 naming the parameter on a bad one. */
static int
query_date_or_400(struct req *r, const char *name, int days, time_t *out)
{
	const char *s;
	int y, m, d;

	*out = 0;
	if (query_str_or_400(r, name, 10, &s) < 0)
		return -1;
	if (s == NULL)
		return 0;
	if (clock_parse_date(s, &y, &m, &d) < 0) {
		http_error(r, 400, "invalid_query", name,
		    "查询参数 %s 应为日期 YYYY-MM-DD", name);
		return -1;
	}
	*out = shanghai_midnight(y, m, d) + (time_t)days * 86400;
	return 0;
}

/* The filters of the request into *f; writes 400 naming the parameter and
 * returns -1 on a bad one. */
static int
filter_or_400(struct req *r, struct order_filter *f)
{
	const char *flag = NULL;

	memset(f, 0, sizeof(*f));
	if (query_enum_or_400(r, "status", order_statuses, NULL,
	    &f->status) < 0 ||
	    query_i64_or_400(r, "product_id", 1, INT64_MAX, 0,
	    &f->product_id) < 0 ||
	    query_i64_or_400(r, "provider_id", 1, INT64_MAX, 0,
	    &f->provider_id) < 0 ||
	    query_i64_or_400(r, "enterprise_id", 1, INT64_MAX, 0,
	    &f->enterprise_id) < 0 ||
	    query_enum_or_400(r, "category", rule_category_codes, NULL,
	    &f->category) < 0 ||
	    query_date_or_400(r, "from", 0, &f->from) < 0 ||
	    query_date_or_400(r, "to", 1, &f->until) < 0 ||
	    query_enum_or_400(r, "flag", flags, NULL, &flag) < 0)
		return -1;
	if (f->from != 0 && f->until != 0 && f->until <= f->from) {
		http_error(r, 400, "invalid_query", "to",
		    "结束日期不能早于开始日期");
		return -1;
	}
	f->overdue = flag != NULL && strcmp(flag, "overdue") == 0;
	f->unconfirmed = flag != NULL && strcmp(flag, "unconfirmed") == 0;
	return 0;
}

/* An instant as ISO-8601 UTC, or null for 0. New reference. */
static json_t *
instant_json(time_t t)
{
	char b[21];

	if (t == 0)
		return json_null();
	clock_format_iso8601(t, b);
	return json_string(b);
}

static json_t *
fen_json(int64_t v, bool null)
{
	return null ? json_null() : json_integer((json_int_t)v);
}

/* One order of the list (page_rowmap_fn). */
static json_t *
order_json(void *ctx, const void *row)
{
	const struct bureau_order_row *o = row;
	json_t *j = json_object();

	(void)ctx;
	json_object_set_new(j, "id", json_integer((json_int_t)o->id));
	json_object_set_new(j, "order_no", json_string(o->order_no));
	json_object_set_new(j, "status", json_string(o->status));
	json_object_set_new(j, "status_name",
	    json_string(status_name_zh(o->status)));
	json_object_set_new(j, "year", json_integer(o->year));
	json_object_set_new(j, "enterprise_id",
	    json_integer((json_int_t)o->enterprise_id));
	json_object_set_new(j, "enterprise_name",
	    json_string(o->enterprise_name));
	json_object_set_new(j, "enterprise_uscc",
	    o->enterprise_uscc ? json_string(o->enterprise_uscc) : json_null());
	json_object_set_new(j, "provider_id",
	    json_integer((json_int_t)o->provider_id));
	json_object_set_new(j, "provider_name", json_string(o->provider_name));
	json_object_set_new(j, "product_id",
	    json_integer((json_int_t)o->product_id));
	json_object_set_new(j, "product_name", json_string(o->product_name));
	json_object_set_new(j, "category", json_string(o->category));
	json_object_set_new(j, "category_name", json_string(o->category_name));
	json_object_set_new(j, "voucher_price", fen_json(o->voucher_price,
	    false));
	json_object_set_new(j, "unit_subsidy", fen_json(o->unit_subsidy,
	    false));
	json_object_set_new(j, "reserved", fen_json(o->reserved, false));
	json_object_set_new(j, "subsidy", fen_json(o->subsidy,
	    o->subsidy_null));
	json_object_set_new(j, "contract_amount", fen_json(o->contract_amount,
	    o->contract_null));
	json_object_set_new(j, "approved_amount", fen_json(o->approved_amount,
	    o->approved_null));
	json_object_set_new(j, "claim_status", o->claim_status ?
	    json_string(o->claim_status) : json_null());
	json_object_set_new(j, "ordered_at", instant_json(o->ordered_at));
	json_object_set_new(j, "accept_deadline",
	    instant_json(o->accept_deadline));
	json_object_set_new(j, "valid_until", instant_json(o->valid_until));
	json_object_set_new(j, "accepted_at", instant_json(o->accepted_at));
	json_object_set_new(j, "contracted_at",
	    instant_json(o->contracted_at));
	json_object_set_new(j, "confirmed_at", instant_json(o->confirmed_at));
	json_object_set_new(j, "submitted_at", instant_json(o->submitted_at));
	json_object_set_new(j, "paid_at", instant_json(o->paid_at));
	json_object_set_new(j, "closed_at", instant_json(o->closed_at));
	json_object_set_new(j, "overdue", json_boolean(o->overdue));
	json_object_set_new(j, "unconfirmed", json_boolean(o->unconfirmed));
	/* issue 16 §2: every order reply carries its stage clock */
	stage_clock_set(j, &(struct clock_facts){ .subject = CLOCK_ORDER,
	    .state = o->status, .accept_deadline = o->accept_deadline,
	    .valid_until = o->valid_until, .submitted_at = o->submitted_at,
	    .confirmed_at = o->confirmed_at, .approved_at = o->approved_at },
	    clock_now());
	return j;
}

/*
 * GET /api/bureau/orders?status=&product_id=&provider_id=&enterprise_id=
 * &category=&from=&to=&flag=&page=&per_page= → 200 {items: [{id,
 * order_no, status, status_name, year, enterprise_id, enterprise_name,
 * enterprise_uscc, provider_id, provider_name, product_id, product_name,
 * category, category_name, voucher_price, unit_subsidy, reserved,
 * subsidy, contract_amount, approved_amount (fen or null), claim_status,
 * ordered_at, accept_deadline, valid_until, accepted_at, contracted_at,
 * confirmed_at, submitted_at, paid_at, closed_at (ISO or null), overdue,
 * unconfirmed}], total, page, per_page}, newest first. 400 naming a bad
 * filter.
 */
int
bureau_orders_list(struct req *r)
{
	struct order_filter f;
	int64_t page, per_page;
	json_t *o;
	int rc = DB_OK;

	if (filter_or_400(r, &f) < 0 ||
	    query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	o = db_bureau_orders(r->db, &f, r->now, page, per_page, order_json,
	    NULL, &rc);
	if (o == NULL)
		return http_db_error(r, rc);
	return http_json(r, 200, o);
}

/* ---- the exports -------------------------------------------------------- */

/* The columns of both exports, in order. */
enum export_col {
	XC_ORDER_NO, XC_STATUS, XC_FLAGS, XC_ENTERPRISE, XC_USCC, XC_PROVIDER,
	XC_PRODUCT, XC_CATEGORY, XC_ORDERED_AT, XC_VALID_UNTIL,
	XC_VOUCHER_PRICE, XC_UNIT_SUBSIDY, XC_RESERVED, XC_CONTRACT_AMOUNT,
	XC_SUBSIDY, XC_APPROVED, XC_CONFIRMED_AT, XC_PAID_AT,
	XC__MAX
};

static const char *const export_head[XC__MAX] = {
	[XC_ORDER_NO]        = "订单号",
	[XC_STATUS]          = "状态",
	[XC_FLAGS]           = "提示",
	[XC_ENTERPRISE]      = "企业",
	[XC_USCC]            = "统一社会信用代码",
	[XC_PROVIDER]        = "服务机构",
	[XC_PRODUCT]         = "服务产品",
	[XC_CATEGORY]        = "类别",
	[XC_ORDERED_AT]      = "下单时间（北京时间）",
	[XC_VALID_UNTIL]     = "有效期至（北京时间）",
	[XC_VOUCHER_PRICE]   = "服务券价格（元）",
	[XC_UNIT_SUBSIDY]    = "单位补贴（元）",
	[XC_RESERVED]        = "占用额度（元）",
	[XC_CONTRACT_AMOUNT] = "合同金额（元）",
	[XC_SUBSIDY]         = "补贴金额（元）",
	[XC_APPROVED]        = "初审核定金额（元）",
	[XC_CONFIRMED_AT]    = "企业确认时间（北京时间）",
	[XC_PAID_AT]         = "兑付时间（北京时间）",
};

/* Whether a column holds money (fen, a number in the workbook). */
static bool
export_is_money(enum export_col c)
{
	return c >= XC_VOUCHER_PRICE && c <= XC_APPROVED;
}

/* One export cell: text, or money in fen (is_null: empty). */
struct cell {
	const char *s;
	int64_t     fen;
	bool        null;
};

/* Beijing time to the minute, "" for 0. */
static void
beijing_minute(time_t t, char out[20])
{
	struct tm tm;
	time_t b = t + 8 * 3600;

	out[0] = '\0';
	if (t == 0)
		return;
	gmtime_r(&b, &tm);
	if (strftime(out, 20, "%Y-%m-%d %H:%M", &tm) == 0)
		out[0] = '\0';
}

/* The cells of one order; texts live in tbuf (XC__MAX * 20 bytes). */
static void
export_cells(const struct bureau_order_row *o, struct cell c[XC__MAX],
    char tbuf[][20])
{
	memset(c, 0, sizeof(struct cell) * XC__MAX);
	c[XC_ORDER_NO].s = o->order_no;
	c[XC_STATUS].s = status_name_zh(o->status);
	c[XC_FLAGS].s = o->overdue ? (o->unconfirmed ? "逾期；企业未确认" :
	    "逾期") : o->unconfirmed ? "企业未确认" : "";
	c[XC_ENTERPRISE].s = o->enterprise_name;
	c[XC_USCC].s = o->enterprise_uscc ? o->enterprise_uscc : "";
	c[XC_PROVIDER].s = o->provider_name;
	c[XC_PRODUCT].s = o->product_name;
	c[XC_CATEGORY].s = o->category_name;
	beijing_minute(o->ordered_at, tbuf[XC_ORDERED_AT]);
	c[XC_ORDERED_AT].s = tbuf[XC_ORDERED_AT];
	beijing_minute(o->valid_until, tbuf[XC_VALID_UNTIL]);
	c[XC_VALID_UNTIL].s = tbuf[XC_VALID_UNTIL];
	beijing_minute(o->confirmed_at, tbuf[XC_CONFIRMED_AT]);
	c[XC_CONFIRMED_AT].s = tbuf[XC_CONFIRMED_AT];
	beijing_minute(o->paid_at, tbuf[XC_PAID_AT]);
	c[XC_PAID_AT].s = tbuf[XC_PAID_AT];
	c[XC_VOUCHER_PRICE].fen = o->voucher_price;
	c[XC_UNIT_SUBSIDY].fen = o->unit_subsidy;
	c[XC_RESERVED].fen = o->reserved;
	c[XC_CONTRACT_AMOUNT].fen = o->contract_amount;
	c[XC_CONTRACT_AMOUNT].null = o->contract_null;
	c[XC_SUBSIDY].fen = o->subsidy;
	c[XC_SUBSIDY].null = o->subsidy_null;
	c[XC_APPROVED].fen = o->approved_amount;
	c[XC_APPROVED].null = o->approved_null;
}

/* The export's file name: 服务券订单-YYYYMMDD-HHMM (Beijing time). */
static void
export_disposition(struct req *r, const char *ext)
{
	char t[20];

	beijing_minute(r->now, t);
	/* "YYYY-MM-DD HH:MM" → YYYYMMDD-HHMM */
	http_header(r, "Content-Disposition", "attachment; filename=\"orders-"
	    "%.4s%.2s%.2s-%.2s%.2s.%s\"", t, t + 5, t + 8, t + 11, t + 14,
	    ext);
	http_header(r, "Cache-Control", "no-store");
}

/* An export's walk over the filtered orders, chunk by chunk. */
struct export_walk {
	const struct order_filter *f;
	int64_t    before;          /* the next chunk's ids are below it      */
	int64_t    left;            /* rows the export may still hold         */
	bool       more;            /* the last chunk was full: read on       */
	db_row_fn  fn;
	void      *ctx;
	int64_t    n;               /* rows of the chunk being read           */
};

static int
export_walk_row(void *arg, const void *row)
{
	struct export_walk *w = arg;

	w->before = ((const struct bureau_order_row *)row)->id;
	w->n++;
	return w->fn(w->ctx, row);
}

/* Reads the next chunk into w->fn. Returns DB_OK, a DB_* failure, or
 * fn's non-zero return. */
static int
export_chunk(struct req *r, struct export_walk *w)
{
	int64_t want = w->left < EXPORT_CHUNK ? w->left : EXPORT_CHUNK;
	int rc;

	w->more = false;
	if (want <= 0)
		return DB_OK;
	w->n = 0;
	rc = db_bureau_orders_each(r->db, w->f, r->now, w->before, want,
	    export_walk_row, w);
	if (rc != DB_OK)
		return rc;
	w->left -= w->n;
	w->more = w->n == want && w->left > 0;
	return DB_OK;
}

struct csv_ctx {
	struct buf b;
};

static int
csv_row(void *arg, const void *row)
{
	struct csv_ctx *x = arg;
	struct cell c[XC__MAX];
	char tbuf[XC__MAX][20];
	char yuan[32];

	export_cells(row, c, tbuf);
	for (int i = 0; i < XC__MAX; i++) {
		if (i > 0)
			buf_puts(&x->b, ",");
		if (export_is_money(i)) {
			if (!c[i].null) {
				money_format_yuan(c[i].fen, yuan, sizeof(yuan));
				csv_put_cell(&x->b, yuan);
			}
		} else {
			csv_put_cell(&x->b, c[i].s);
		}
	}
	buf_puts(&x->b, "\r\n");
	return 0;
}

/*
 * GET /api/bureau/orders.csv?<the list's filters> → 200 text/csv: UTF-8
 * with a BOM (Excel), CRLF lines, a Chinese header, money in yuan with
 * two decimals, instants in Beijing time; newest first, at most EXPORT_MAX
 * rows, sent chunk by chunk (chunked transfer when it is longer than one).
 * 400 naming a bad filter; a database failure before the first row is
 * sent is a JSON 503/500, after it the transfer is cut (http_stream_abort).
 */
int
bureau_orders_csv(struct req *r)
{
	struct order_filter f;
	struct csv_ctx x = { { 0 } };
	struct export_walk w = { .f = &f, .before = INT64_MAX,
	    .left = EXPORT_MAX, .fn = csv_row, .ctx = &x };
	int rc;

	if (filter_or_400(r, &f) < 0)
		return r->status;
	buf_puts(&x.b, "\xEF\xBB\xBF");
	for (int i = 0; i < XC__MAX; i++) {
		if (i > 0)
			buf_puts(&x.b, ",");
		csv_put_cell(&x.b, export_head[i]);
	}
	buf_puts(&x.b, "\r\n");
	if ((rc = export_chunk(r, &w)) != DB_OK) {
		buf_free(&x.b);
		return http_db_error(r, rc);
	}
	export_disposition(r, "csv");
	http_stream_begin(r, 200, "text/csv; charset=utf-8",
	    w.more ? -1 : (int64_t)x.b.len);
	while (http_stream_write(r, x.b.p, x.b.len) == 0 && w.more) {
		buf_reset(&x.b);
		if ((rc = export_chunk(r, &w)) != DB_OK) {
			http_stream_abort(r);
			break;
		}
	}
	buf_free(&x.b);
	return r->status;
}

struct xlsx_ctx {
	lxw_worksheet *ws;
	lxw_format    *money;
	lxw_row_t      row;
	bool           failed;
};

static int
xlsx_row(void *arg, const void *row)
{
	struct xlsx_ctx *x = arg;
	struct cell c[XC__MAX];
	char tbuf[XC__MAX][20];
	lxw_error e = LXW_NO_ERROR;

	export_cells(row, c, tbuf);
	x->row++;
	for (int i = 0; i < XC__MAX && e == LXW_NO_ERROR; i++) {
		if (export_is_money(i)) {
			if (!c[i].null)
				/* fen to yuan: exact in a double below 2^53 */
				e = worksheet_write_number(x->ws, x->row,
				    (lxw_col_t)i, (double)c[i].fen / 100.0,
				    x->money);
		} else if (c[i].s[0] != '\0') {
			/* always a string cell, never a formula */
			e = worksheet_write_string(x->ws, x->row,
			    (lxw_col_t)i, c[i].s, NULL);
		}
	}
	if (e != LXW_NO_ERROR) {
		log_msg(LOG_ERROR, NULL, "xlsx row %u: %s", (unsigned)x->row,
		    lxw_strerror(e));
		x->failed = true;
		return 1;
	}
	return 0;
}

/* Sends the file at path as the body, 64 KiB at a time. 0, or -1 when it
 * cannot be opened (nothing sent: the caller answers 500). */
static int
send_file(struct req *r, const char *path, const char *content_type)
{
	FILE *fp = fopen(path, "rb");
	char chunk[65536];
	struct stat st;
	size_t n;

	if (fp == NULL || fstat(fileno(fp), &st) != 0) {
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	http_stream_begin(r, 200, content_type, (int64_t)st.st_size);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (http_stream_write(r, chunk, n) < 0)
			break;
	if (ferror(fp))
		http_stream_abort(r);
	fclose(fp);
	return 0;
}

/*
 * GET /api/bureau/orders.xlsx?<the list's filters> → 200 an Excel
 * workbook (libxlsxwriter; written to a temporary file, sent, removed)
 * with one sheet 订单 of the CSV's columns: money as numbers in yuan,
 * texts as string cells. 400 naming a bad filter; 500 when the workbook
 * cannot be written.
 */
int
bureau_orders_xlsx(struct req *r)
{
	struct order_filter f;
	struct xlsx_ctx x = { 0 };
	struct export_walk w = { .f = &f, .before = INT64_MAX,
	    .left = EXPORT_MAX, .fn = xlsx_row, .ctx = &x };
	const char *dir = getenv("TMPDIR");
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE };
	lxw_workbook *wb;
	lxw_format *head;
	char path[512];
	lxw_error e;
	int fd, rc;

	if (filter_or_400(r, &f) < 0)
		return r->status;
	if (dir == NULL || dir[0] == '\0')
		dir = "/tmp";
	snprintf(path, sizeof(path), "%s/voucher-orders-XXXXXX.xlsx", dir);
	if ((fd = mkstemps(path, 5)) < 0) {
		log_msg(LOG_ERROR, NULL, "xlsx: mkstemps %s: %m", path);
		return http_error(r, 500, "internal", NULL, "导出失败，请稍后重试");
	}
	close(fd);
	/* constant memory: each row goes to the sheet's temporary file as it
	 * is written (rows in order, strings inline), in the same folder */
	opt.tmpdir = (char *)dir;
	wb = workbook_new_opt(path, &opt);
	if (wb == NULL) {
		unlink(path);
		return http_error(r, 500, "internal", NULL, "导出失败，请稍后重试");
	}
	x.ws = workbook_add_worksheet(wb, "订单");
	head = workbook_add_format(wb);
	format_set_bold(head);
	x.money = workbook_add_format(wb);
	format_set_num_format(x.money, "#,##0.00");
	for (int i = 0; i < XC__MAX; i++) {
		worksheet_set_column(x.ws, (lxw_col_t)i, (lxw_col_t)i,
		    export_is_money(i) ? 14 : 18, NULL);
		worksheet_write_string(x.ws, 0, (lxw_col_t)i, export_head[i],
		    head);
	}
	worksheet_freeze_panes(x.ws, 1, 0);
	do
		rc = export_chunk(r, &w);
	while (rc == DB_OK && w.more);
	e = workbook_close(wb);
	if (rc == DB_OK && !x.failed && e == LXW_NO_ERROR) {
		export_disposition(r, "xlsx");
		if (send_file(r, path, "application/vnd.openxmlformats-"
		    "officedocument.spreadsheetml.sheet") < 0)
			http_error(r, 500, "internal", NULL,
			    "导出失败，请稍后重试");
	} else if (rc != DB_OK && !x.failed) {
		http_db_error(r, rc);
	} else {
		if (e != LXW_NO_ERROR)
			log_msg(LOG_ERROR, NULL, "xlsx: %s", lxw_strerror(e));
		http_error(r, 500, "internal", NULL, "导出失败，请稍后重试");
	}
	unlink(path);
	return r->status;
}
