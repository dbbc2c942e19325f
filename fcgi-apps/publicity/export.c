/*
 * export.c - the files of a published list (R5), public, no login:
 *   GET /api/publicity/batches/{id}.csv       the items for Excel
 *   GET /api/publicity/batches/{id}.json      the signed file, exactly as
 *                                             published (hash-chained)
 *   GET /api/publicity/batches/{id}.json.sig  its base64 Ed25519 signature
 *   GET /api/publicity/key                    the public key (PEM)
 *
 * Anyone can check a file with
 *   base64 -d batch.json.sig > sig.bin
 *   openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in batch.json \
 *       -sigfile sig.bin
 * and follow the chain: each file's prev_sha256 is the SHA-256 of the
 * previously published file, so a later silent edit of any file breaks
 * every link after it.
 */
#include <stdio.h>
#include <string.h>

#include "money.h"
#include "publicity.h"

/* The published bytes never change: cacheable for a day. */
#define FILE_CACHE "public, max-age=86400"

int
pub_etag_or_304(struct req *r, const char *sha)
{
	const char *inm = req_param(r, "HTTP_IF_NONE_MATCH");

	http_header(r, "ETag", "\"%s\"", sha);
	http_header(r, "Cache-Control", FILE_CACHE);
	if (inm != NULL && strstr(inm, sha) != NULL) {
		buf_reset(&r->out);
		r->status = 304;
	}
	return r->status;
}

/* Loads the signed file of a published batch into *f (strings kept by
 * *keep, freed by the caller); writes 404 or a database error and returns
 * -1. */
static int
load_file_or_404(struct req *r, struct pub_file_row *f, struct db_res **keep)
{
	int rc = db_pub_file(r->db_ro, r->ids[0], f, keep);

	if (rc == DB_OK)
		return 0;
	db_res_free(*keep);
	*keep = NULL;
	if (rc == DB_NOTFOUND)
		http_error(r, 404, "not_found", NULL, "公示批次不存在或未发布");
	else
		http_db_error(r, rc);
	return -1;
}

/* GET /api/publicity/batches/{id}.json → the exact bytes that were signed
 * at publish time: {format, batch_id, seq, title, published_at,
 * period_ends_at, period_days, prev_sha256, key_sha256, currency,
 * amount_unit, items: [{id, provider, product, category, amount}],
 * item_count, total_amount}. ETag = its SHA-256. */
int
pub_batch_json(struct req *r)
{
	struct db_res *keep = NULL;
	struct pub_file_row f;

	if (load_file_or_404(r, &f, &keep) < 0)
		return r->status;
	/* JSON text: no NUL byte inside */
	http_body(r, 200, "application/json; charset=utf-8", f.file_json,
	    strlen(f.file_json));
	http_header(r, "X-Content-SHA256", "%s", f.file_sha256);
	http_header(r, "Content-Disposition",
	    "inline; filename=\"publicity-batch-%lld.json\"",
	    (long long)r->ids[0]);
	pub_etag_or_304(r, f.file_sha256);
	db_res_free(keep);
	return r->status;
}

/* GET /api/publicity/batches/{id}.json.sig → the base64 Ed25519
 * signature of exactly the .json bytes, and a newline (text/plain). */
int
pub_batch_sig(struct req *r)
{
	struct db_res *keep = NULL;
	struct pub_file_row f;
	struct buf b = { 0 };

	if (load_file_or_404(r, &f, &keep) < 0)
		return r->status;
	buf_printf(&b, "%s\n", f.signature);
	http_body(r, 200, "text/plain; charset=us-ascii", b.p, b.len);
	buf_free(&b);
	pub_etag_or_304(r, f.file_sha256);
	db_res_free(keep);
	return r->status;
}

/* GET /api/publicity/key → the Ed25519 public key (PEM) that verifies the
 * files; 503 when the program has no usable signing key. */
int
pub_key(struct req *r)
{
	size_t len;
	const char *pem = sign_public_pem(&len);

	if (pem == NULL)
		return http_error(r, 503, "signing_key_unavailable", NULL,
		    "公示签名密钥不可用");
	http_body(r, 200, "text/plain; charset=us-ascii", pem, len);
	http_header(r, "Cache-Control", "public, max-age=300");
	return r->status;
}

/* Appends one CSV cell (RFC 4180): quoted when it holds a comma, a quote
 * or a line break, quotes doubled; a cell that a spreadsheet would take
 * for a formula (= + - @, tab, CR first) gets a leading apostrophe. */
static void
csv_cell(struct buf *b, const char *s)
{
	bool formula = strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0';
	bool quote = strpbrk(s, ",\"\r\n") != NULL;

	if (quote)
		buf_puts(b, "\"");
	if (formula)
		buf_puts(b, "'");
	for (; *s; s++) {
		if (*s == '"')
			buf_puts(b, "\"\"");
		else
			buf_append(b, s, 1);
	}
	if (quote)
		buf_puts(b, "\"");
}

static const char *
objection_text(const char *status, bool withdrawn)
{
	if (strcmp(status, "open") == 0)
		return "异议处理中";
	if (strcmp(status, "upheld") == 0)
		return "异议成立，已撤回";
	if (withdrawn)
		return "已撤回";
	if (strcmp(status, "dismissed") == 0)
		return "异议不成立";
	return "无";
}

/*
 * GET /api/publicity/batches/{id}.csv → the items as CSV for Excel:
 * UTF-8 with a BOM, CRLF lines, a Chinese header (序号, 服务机构, 服务产品,
 * 服务类别, 补贴金额（元）, 异议状态, 兑付日期), amounts in yuan with two
 * decimals, formula injection neutralised. Shows the objection status and
 * the payment at now, then (R7) the totals told apart after a blank
 * line: published (公示合计, as signed), withdrawn (已撤回), paid (已兑付).
 */
int
pub_batch_csv(struct req *r)
{
	struct db_res *batch = NULL;
	struct db_rows items = { 0 };
	const struct pub_item_row *it;
	struct buf b = { 0 };
	char num[32], yuan[32];
	int64_t n[3] = { 0 }, sum[3] = { 0 };	/* published, withdrawn, paid */
	int rc;

	rc = db_pub_batch(r->db_ro, r->ids[0], r->now, &batch);
	db_res_free(batch);
	if (rc == DB_NOTFOUND)
		return http_error(r, 404, "not_found", NULL, "公示批次不存在");
	if (rc == DB_OK)
		rc = db_pub_items_all(r->db_ro, r->ids[0], &items);
	if (rc != DB_OK)
		return http_db_error(r, rc);
	buf_puts(&b, "\xEF\xBB\xBF");
	buf_puts(&b, "序号,服务机构,服务产品,服务类别,补贴金额（元）,异议状态,"
	    "兑付日期\r\n");
	it = items.v;
	for (size_t i = 0; i < items.n; i++) {
		snprintf(num, sizeof(num), "%lld", (long long)it[i].id);
		money_format_yuan(it[i].amount, yuan, sizeof(yuan));
		csv_cell(&b, num);
		buf_puts(&b, ",");
		csv_cell(&b, it[i].provider);
		buf_puts(&b, ",");
		csv_cell(&b, it[i].product);
		buf_puts(&b, ",");
		csv_cell(&b, pub_category_name(it[i].category));
		buf_puts(&b, ",");
		csv_cell(&b, yuan);
		buf_puts(&b, ",");
		csv_cell(&b, objection_text(it[i].objection_status,
		    it[i].withdrawn));
		buf_puts(&b, ",");
		csv_cell(&b, it[i].paid_on != NULL ? it[i].paid_on : "");
		buf_puts(&b, "\r\n");
		n[0]++;
		sum[0] += it[i].amount;
		if (it[i].withdrawn) {
			n[1]++;
			sum[1] += it[i].amount;
		}
		if (it[i].paid_on != NULL) {
			n[2]++;
			sum[2] += it[i].amount;
		}
	}
	/* R7: the totals told apart */
	buf_puts(&b, "\r\n");
	for (int k = 0; k < 3; k++) {
		static const char *const what[3] = { "公示合计", "已撤回",
		    "已兑付" };

		money_format_yuan(sum[k], yuan, sizeof(yuan));
		buf_printf(&b, ",%s,%lld 条,,%s,,\r\n", what[k],
		    (long long)n[k], yuan);
	}
	db_rows_free(&items);
	http_body(r, 200, "text/csv; charset=utf-8", b.p, b.len);
	buf_free(&b);
	http_header(r, "Content-Disposition",
	    "attachment; filename=\"publicity-batch-%lld.csv\"",
	    (long long)r->ids[0]);
	http_header(r, "Cache-Control", "public, max-age=1");
	return r->status;
}
