/*
 * opendata.c - the published lists as open data in the 360Giving Data
 * Standard's shape (issue 16 §3), public, no login, on the read-only
 * connection, cacheable with an ETag like the batch API:
 *   GET /api/publicity/batches/{id}.360g.json   one package per batch
 *   GET /api/publicity/open-data.json           every batch, paginated,
 *                                               with its modified instant
 *                                               and a link to its package
 *
 * One grant per item of the published list that is not withdrawn (an
 * upheld objection or a violation withdrew it: it was never awarded, R5,
 * V2); the withdrawn ones are named in the package's extension, so
 * published = awarded + withdrawn to the fen, as on the batch's page
 * (R7). Never enterprise data: the grants come from the list's items
 * (provider, product, category, amount), the provider's USCC and the
 * product's round; no column of the order but its product.
 *
 * Amounts: the standard's amounts are decimal currency units (CNY); ours
 * are int64 fen (M1). They are printed from the integer as "%lld.%02lld"
 * straight into the JSON text, never through a double: jansson has no raw
 * number, so each grant object is dumped without them and the amounts are
 * appended before its closing brace.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "config.h"
#include "page.h"
#include "publicity.h"
#include "sha256.h"

#define OD_CACHE_SECONDS 1
#define OD_FUNDER_NAME "北京市经济和信息化局"
#define OD_CLASSIFICATION_VOCAB "北京市中小企业服务券服务类别"
#define OD_EXTENSION "beijingVoucher"

/* Appends fen as a decimal CNY amount with exactly two decimals (M1:
 * integer arithmetic only; amounts here are never negative). */
static void
od_put_cny(struct buf *b, int64_t fen)
{
	const char *sign = fen < 0 ? "-" : "";
	uint64_t a = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;

	buf_printf(b, "%s%llu.%02llu", sign, (unsigned long long)(a / 100),
	    (unsigned long long)(a % 100));
}

/* The stable grant id of item id: 360G-<prefix>-<item id>. */
static json_t *
od_grant_id(int64_t item_id)
{
	char id[96];

	snprintf(id, sizeof(id), "360G-%s-%lld", g_config.opendata_prefix,
	    (long long)item_id);
	return json_string(id);
}

static json_t *
od_iso(time_t t)
{
	char buf[21];

	clock_format_iso8601(t, buf);
	return json_string(buf);
}

/* The Asia/Shanghai calendar date of t (T1). */
static json_t *
od_date(time_t t)
{
	char buf[16];
	int y, m, d;

	clock_shanghai_date(t, &y, &m, &d);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
	return json_string(buf);
}

static json_t *
od_org(const char *uscc, const char *name)
{
	char id[40];

	snprintf(id, sizeof(id), "CN-USCI-%s", uscc);
	return json_pack("[{s:s,s:s}]", "id", id, "name", name);
}

/* Appends the JSON of one grant (the item g of batch b) to out. */
static void
od_put_grant(struct buf *out, const struct od_batch_row *b,
    const struct od_grant_row *g)
{
	const char *cat = pub_category_name(g->category);
	char programme[64], code[8], desc[2048];
	json_t *o;
	char *text;
	size_t len;

	snprintf(code, sizeof(code), "%d", g->round_year);
	snprintf(programme, sizeof(programme), "%d年度北京市中小企业服务券",
	    g->round_year);
	snprintf(desc, sizeof(desc), "%s：%s服务补贴（%s，%s）", programme,
	    cat, g->product, g->provider);
	o = json_object();
	json_object_set_new(o, "id", od_grant_id(g->id));
	json_object_set_new(o, "title", json_string(g->product));
	json_object_set_new(o, "description", json_string(desc));
	json_object_set_new(o, "currency", json_string("CNY"));
	json_object_set_new(o, "awardDate", od_date(b->published_at));
	json_object_set_new(o, "dateModified", od_iso(g->modified));
	json_object_set_new(o, "recipientOrganization",
	    od_org(g->provider_uscc, g->provider));
	json_object_set_new(o, "fundingOrganization",
	    od_org(g_config.funder_uscc, OD_FUNDER_NAME));
	json_object_set_new(o, "grantProgramme", json_pack("[{s:s,s:s}]",
	    "code", code, "title", programme));
	json_object_set_new(o, "classifications", json_pack("[{s:s,s:s,s:s}]",
	    "vocabulary", OD_CLASSIFICATION_VOCAB, "code", g->category,
	    "title", cat));
	json_object_set_new(o, OD_EXTENSION, json_pack("{s:I,s:I,s:o,s:o,s:s,"
	    "s:b,s:s?}", "batchId", (json_int_t)b->id, "itemId",
	    (json_int_t)g->id, "publicityStart", od_iso(b->published_at),
	    "publicityEnd", od_iso(b->period_ends_at), "objectionStatus",
	    g->objection_status, "unconfirmed", g->unconfirmed, "paidOn",
	    g->paid_on));
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	len = strlen(text);		/* ends with '}' */
	buf_append(out, text, len - 1);
	free(text);
	buf_puts(out, ",\"amountAwarded\":");
	od_put_cny(out, g->amount);
	if (g->paid_on != NULL) {	/* disbursed once paid (R5, R7) */
		buf_puts(out, ",\"amountDisbursed\":");
		od_put_cny(out, g->amount);
	}
	buf_puts(out, "}");
}

/* The totals of a batch as the batch page shows them (R7), in fen. */
static json_t *
od_totals(const struct od_batch_row *b)
{
	return json_pack("{s:{s:I,s:I},s:{s:I,s:I},s:{s:I,s:I}}",
	    "published", "count", (json_int_t)b->item_count, "amount_fen",
	    (json_int_t)b->published_amount,
	    "withdrawn", "count", (json_int_t)b->withdrawn_count, "amount_fen",
	    (json_int_t)b->withdrawn_amount,
	    "paid", "count", (json_int_t)b->paid_count, "amount_fen",
	    (json_int_t)b->paid_amount);
}

/* Sends body as JSON with a strong ETag of its SHA-256 and a short
 * max-age (a withdrawal or a payment changes a package); 304 when the
 * client has it. Returns the status. */
static int
od_send(struct req *r, const struct buf *body)
{
	const char *inm = req_param(r, "HTTP_IF_NONE_MATCH");
	char hex[2 * SHA256_LEN + 1];

	sha256_hex(body->p, body->len, hex);
	http_body(r, 200, "application/json; charset=utf-8", body->p,
	    body->len);
	http_header(r, "ETag", "\"%.32s\"", hex);
	http_header(r, "Cache-Control", "public, max-age=%d",
	    OD_CACHE_SECONDS);
	if (inm != NULL) {
		char tag[40];

		snprintf(tag, sizeof(tag), "\"%.32s\"", hex);
		if (strstr(inm, tag) != NULL || strcmp(inm, "*") == 0) {
			buf_reset(&r->out);
			r->status = 304;
		}
	}
	return r->status;
}

/*
 * GET /api/publicity/batches/{id}.360g.json → 200 {grants: [grant…],
 * beijingVoucher: {batchId, title, publishedAt, publicityEnd, modified,
 * totals {published, withdrawn, paid: {count, amount_fen}}, withdrawn:
 * [{itemId, withdrawnAt, objectionStatus}]}, extensions: […]}; 404
 * not_found for an unknown or unpublished batch. README maps each field.
 */
int
od_package(struct req *r)
{
	struct db_res *keep = NULL;
	struct db_rows grants = { 0 };
	const struct od_grant_row *g;
	struct od_batch_row b;
	struct buf out = { 0 };
	json_t *ext, *withdrawn, *tail;
	char *text;
	bool first = true;
	int rc;

	rc = db_od_batch(r->db_ro, r->ids[0], &b, &keep);
	if (rc == DB_OK)
		rc = db_od_grants(r->db_ro, b.id, &grants);
	if (rc != DB_OK) {
		db_res_free(keep);
		return rc == DB_NOTFOUND ? http_error(r, 404, "not_found",
		    NULL, "公示批次不存在或未发布") : http_db_error(r, rc);
	}
	withdrawn = json_array();
	buf_puts(&out, "{\"grants\":[");
	g = grants.v;
	for (size_t i = 0; i < grants.n; i++) {
		if (g[i].withdrawn) {
			json_array_append_new(withdrawn, json_pack("{s:I,s:o,"
			    "s:s}", "itemId", (json_int_t)g[i].id,
			    "withdrawnAt", od_iso(g[i].withdrawn_at),
			    "objectionStatus", g[i].objection_status));
			continue;
		}
		if (!first)
			buf_puts(&out, ",");
		first = false;
		od_put_grant(&out, &b, &g[i]);
	}
	ext = json_pack("{s:I,s:s,s:o,s:o,s:o,s:o,s:o}", "batchId",
	    (json_int_t)b.id, "title", b.title, "publishedAt",
	    od_iso(b.published_at), "publicityEnd", od_iso(b.period_ends_at),
	    "modified", od_iso(b.modified), "totals", od_totals(&b),
	    "withdrawn", withdrawn);
	tail = json_pack("{s:o,s:[{s:s,s:s}]}", OD_EXTENSION, ext,
	    "extensions", "name", OD_EXTENSION, "description",
	    "北京市中小企业服务券的公示信息：公示期、异议状态、撤回与兑付记录；"
	    "金额字段单位为分");
	/* JSON_EMBED: the object's members without its braces */
	text = json_dumps(tail, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_EMBED);
	json_decref(tail);
	buf_puts(&out, "],");
	buf_puts(&out, text);
	buf_puts(&out, "}");
	free(text);
	db_rows_free(&grants);
	db_res_free(keep);
	rc = od_send(r, &out);
	buf_free(&out);
	return rc;
}

/*
 * GET /api/publicity/open-data.json?page=&per_page= → 200 {items: [{id,
 * title, published_at, period_ends_at, modified, grant_count, totals,
 * url}], total, page, per_page}: every published batch, newest first,
 * each with the instant it last changed and the link to its package.
 */
int
od_feed(struct req *r)
{
	struct db_rows rows = { 0 };
	const struct od_batch_row *b;
	int64_t page, per_page, total;
	json_t *items;
	int rc;

	if (query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	rc = db_od_batches(r->db_ro, per_page, (page - 1) * per_page, &rows,
	    &total);
	if (rc != DB_OK) {
		db_rows_free(&rows);
		return http_db_error(r, rc);
	}
	items = json_array();
	b = rows.v;
	for (size_t i = 0; i < rows.n; i++) {
		char url[80];

		snprintf(url, sizeof(url), "/api/publicity/batches/%lld.360g.json",
		    (long long)b[i].id);
		json_array_append_new(items, json_pack("{s:I,s:s,s:o,s:o,s:o,"
		    "s:I,s:o,s:s}", "id", (json_int_t)b[i].id, "title",
		    b[i].title, "published_at", od_iso(b[i].published_at),
		    "period_ends_at", od_iso(b[i].period_ends_at), "modified",
		    od_iso(b[i].modified), "grant_count",
		    (json_int_t)(b[i].item_count - b[i].withdrawn_count),
		    "totals", od_totals(&b[i]), "url", url));
	}
	db_rows_free(&rows);
	return http_json_cached(r, page_json(items, total, page, per_page),
	    OD_CACHE_SECONDS);
}
