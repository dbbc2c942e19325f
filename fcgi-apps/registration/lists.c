/*
 * lists.c - the bureau's lists (rules E11, E14): the specialized (专精特新)
 * and little-giant (小巨人) enterprises of a year, and the credit list
 * (严重失信 / 失信被执行人), each imported from a CSV file that replaces the
 * whole list.
 *
 *   GET /api/bureau/lists                          sizes and recent imports
 *   PUT /api/bureau/lists/{specialized|little_giant}/{year}
 *                                                  CSV: USCC, name
 *   PUT /api/bureau/lists/credit                   CSV: USCC, source,
 *                                                  listed_on, until
 *
 * The file: UTF-8 (with or without BOM) or GB18030 (Excel's GBK), decoded
 * by shared/base/csv.c; an optional header row; every row checked (its
 * columns, the USCC's check character, dates, duplicates). One bad row
 * and nothing is applied: the reply lists every bad row with its line
 * (422 invalid_rows). Otherwise one transaction: the list's rows locked,
 * replaced, the import recorded with what it added, removed and left
 * unchanged, and every enterprise it concerns re-derived: its tier and
 * cap for the current round (E8, E11) or its credit state (E4, E14),
 * each with its audit record. Importing the same file again changes
 * nothing (and says so).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "csv.h"
#include "parties.h"
#include "registration.h"
#include "sha256.h"

#define LIST_BODY_MAX   (8L << 20)   /* nginx: client_max_body_size 8m  */
#define REPORT_MAX      200          /* rows named in a report          */

static const char *const qual_lists[] = { "specialized", "little_giant",
    NULL };

/* ---- the body ------------------------------------------------------------ */

/* The charset parameter of a Content-Type, request-owned, or NULL. */
static const char *
charset_of(struct req *r, const char *ct)
{
	const char *p = strcasestr(ct, "charset=");
	size_t n;

	if (p == NULL)
		return NULL;
	p += 8;
	if (*p == '"')
		p++;
	n = strcspn(p, "\"; ");
	return n ? req_strndup(r, p, n) : NULL;
}

/* Reads the whole CSV body (request-owned). 415 another type, 400
 * empty or short, 413 too large. */
static int
body_or_4xx(struct req *r, char **data, size_t *len, const char **charset)
{
	static const char *const types[] = { "text/csv", "text/plain",
	    "application/vnd.ms-excel", "application/csv", NULL };
	const char *ct = req_param(r, "CONTENT_TYPE");
	const char *cl = req_param(r, "CONTENT_LENGTH");
	long long n;
	char *end;
	bool ok = false;

	for (size_t i = 0; ct != NULL && types[i] != NULL; i++) {
		size_t k = strlen(types[i]);

		if (strncasecmp(ct, types[i], k) == 0 &&
		    (ct[k] == '\0' || ct[k] == ';' || ct[k] == ' '))
			ok = true;
	}
	if (!ok) {
		http_error(r, 415, "unsupported_media_type", NULL,
		    "请上传 CSV 文件（Content-Type: text/csv）");
		return -1;
	}
	*charset = charset_of(r, ct);
	errno = 0;
	n = (cl != NULL && *cl) ? strtoll(cl, &end, 10) : -1;
	if (cl == NULL || *cl == '\0' || errno != 0 || *end != '\0' || n < 0) {
		http_error(r, 411, "length_required", NULL, "缺少请求体长度");
		return -1;
	}
	if (n > LIST_BODY_MAX) {
		http_error(r, 413, "body_too_large", NULL,
		    "名单文件过大（最多 %ld MB）", LIST_BODY_MAX >> 20);
		return -1;
	}
	*data = req_alloc(r, (size_t)n + 1);
	if (n > 0 && FCGX_GetStr(*data, (int)n, r->fcgi->in) != (int)n) {
		http_error(r, 400, "short_body", NULL, "请求体不完整");
		return -1;
	}
	(*data)[n] = '\0';
	*len = (size_t)n;
	return 0;
}

/* ---- checking the rows -------------------------------------------------- */

struct checked {
	struct list_entry  *v;
	size_t              n;
	json_t             *invalid;     /* [{line, code, message}]         */
	size_t              ninvalid;
};

static void
bad(struct checked *c, size_t line, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
bad(struct checked *c, size_t line, const char *code, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	c->ninvalid++;
	if (json_array_size(c->invalid) >= REPORT_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(c->invalid, json_pack("{s:I,s:s,s:s}", "line",
	    (json_int_t)line, "code", code, "message", msg));
}

/* A header row: its first field names the USCC column. */
static bool
header_row(const struct csv_row *row)
{
	const char *f = row->fields[0];

	return strcasecmp(f, "uscc") == 0 || strstr(f, "信用代码") != NULL;
}

/* The columns a row uses: the given ones minus empty trailing ones
 * (Excel adds empty columns). */
static size_t
used_columns(const struct csv_row *row)
{
	size_t n = row->nfields;

	while (n > 0 && row->fields[n - 1][0] == '\0')
		n--;
	return n;
}

/* "2024-03-01", "2024/3/1", "2024.3.1" as y*10000+m*100+d, or 0. */
static int64_t
date_of(const char *s)
{
	int y, m, d;
	char sep, sep2, norm[16];

	if (sscanf(s, "%4d%c%2d%c%2d", &y, &sep, &m, &sep2, &d) != 5 ||
	    sep != sep2 || (sep != '-' && sep != '/' && sep != '.'))
		return 0;
	snprintf(norm, sizeof(norm), "%04d-%02d-%02d", y, m, d);
	if (strlen(s) > 10 || clock_parse_date(norm, &y, &m, &d) < 0)
		return 0;
	return (int64_t)y * 10000 + m * 100 + d;
}

/* The USCC of a field: spaces trimmed by the parser, letters in
 * capitals; NULL when it is not a valid code (E6). Request-owned. */
static const char *
uscc_of(struct req *r, const char *f)
{
	char *u;

	if (strlen(f) != 18)
		return NULL;
	u = req_strdup(r, f);
	for (char *p = u; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
	return rule_uscc_valid(u) ? u : NULL;
}

static int
by_uscc(const void *a, const void *b)
{
	const struct list_entry *x = a, *y = b;
	int c = strcmp(x->uscc, y->uscc);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Checks every row of a qualification (credit false) or credit list;
 * the good ones sorted by USCC in c->v, every bad one in c->invalid. */
static void
check_rows(struct req *r, const struct csv_rows *rows, bool credit,
    int64_t today, struct checked *c)
{
	size_t want = credit ? 4 : 2, first = 0;

	c->v = req_alloc(r, (rows->n + 1) * sizeof(*c->v));
	c->n = 0;
	c->invalid = json_array();
	c->ninvalid = 0;
	if (rows->n > 0 && header_row(&rows->v[0])) {
		if (used_columns(&rows->v[0]) < (credit ? 3 : 2) ||
		    used_columns(&rows->v[0]) > want)
			bad(c, rows->v[0].line, "wrong_columns",
			    "表头应为 %s 共 %zu 列", credit ?
			    "统一社会信用代码、来源、列入日期、截止日期" :
			    "统一社会信用代码、企业名称", want);
		first = 1;
	}
	for (size_t i = first; i < rows->n; i++) {
		const struct csv_row *row = &rows->v[i];
		size_t n = used_columns(row);
		struct list_entry e = { .line = row->line };

		if (n < (credit ? 3 : 2) || n > want) {
			bad(c, row->line, "wrong_columns",
			    "应有 %zu 列（%s），实有 %zu 列", want, credit ?
			    "统一社会信用代码、来源、列入日期、截止日期" :
			    "统一社会信用代码、企业名称", n);
			continue;
		}
		if ((e.uscc = uscc_of(r, row->fields[0])) == NULL) {
			bad(c, row->line, "invalid_uscc",
			    "统一社会信用代码“%.40s”无效（18 位，校验位须正确）",
			    row->fields[0]);
			continue;
		}
		if (!credit) {
			e.name = row->fields[1];
			if (e.name[0] == '\0' || utf8_len(e.name) > 200) {
				bad(c, row->line, "invalid_name",
				    "企业名称须为 1 到 200 个字符");
				continue;
			}
		} else {
			e.source = row->fields[1];
			e.listed_on = date_of(row->fields[2]);
			e.until = n == 4 ? date_of(row->fields[3]) : 0;
			if (e.source[0] == '\0' || utf8_len(e.source) > 200) {
				bad(c, row->line, "invalid_source",
				    "来源须为 1 到 200 个字符");
				continue;
			}
			if (e.listed_on == 0) {
				bad(c, row->line, "invalid_date",
				    "列入日期“%.20s”无效（例如 2024-03-01）",
				    row->fields[2]);
				continue;
			}
			if (e.listed_on > today) {
				bad(c, row->line, "future_date",
				    "列入日期不能晚于今天");
				continue;
			}
			if (n == 4 && e.until == 0) {
				bad(c, row->line, "invalid_date",
				    "截止日期“%.20s”无效（例如 2027-03-01，"
				    "无截止日期请留空）", row->fields[3]);
				continue;
			}
			if (e.until > 0 && e.until < e.listed_on) {
				bad(c, row->line, "invalid_date",
				    "截止日期早于列入日期");
				continue;
			}
		}
		c->v[c->n++] = e;
	}
	qsort(c->v, c->n, sizeof(*c->v), by_uscc);
	for (size_t i = 1; i < c->n; i++)
		if (strcmp(c->v[i].uscc, c->v[i - 1].uscc) == 0)
			bad(c, c->v[i].line, "duplicate_uscc",
			    "统一社会信用代码 %s 与第 %zu 行重复", c->v[i].uscc,
			    c->v[i - 1].line);
}

/* ---- the import --------------------------------------------------------- */

struct import_tx {
	struct req          *r;
	const char          *list;      /* specialized, little_giant, credit */
	int                  year;      /* qualification lists               */
	const struct checked *c;
	const char          *encoding, *sha256;
	/* out */
	int64_t              import_id;
	long                 added, removed, unchanged, changed;
	json_t              *changes, *added_uscc, *removed_uscc;
};

static void
sample(json_t *a, const char *uscc)
{
	if (json_array_size(a) < REPORT_MAX)
		json_array_append_new(a, json_string(uscc));
}

/* Whether uscc is in the sorted set (bsearch over a sorted array of
 * pointers). */
static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool
in_set(const char **set, size_t n, const char *uscc)
{
	return n > 0 && bsearch(&uscc, set, n, sizeof(*set), str_cmp) != NULL;
}

/* E11: every declared enterprise on the affected USCCs re-derived. */
static int
retier(struct db *db, struct import_tx *t, const char **set, size_t n)
{
	struct actor a = actor_of(t->r);
	struct db_rows rows;
	const struct declared_row *d;
	int year = 0, rc = round_current(db, &year);

	if (rc == DB_NOTFOUND || year != t->year)
		return DB_OK;	/* not the current round's list: no tier moves */
	if (rc != DB_OK)
		return rc;
	if ((rc = db_declared_enterprises(db, &rows)) != DB_OK)
		return rc;
	d = rows.v;
	for (size_t i = 0; i < rows.n && rc == DB_OK; i++) {
		struct db_res *keep = NULL;
		struct org_row o;
		enum rule_tier tier;
		bool changed = false;

		if (!in_set(set, n, d[i].uscc))
			continue;
		rc = db_org_get(db, d[i].org_id, true, &o, &keep);
		if (rc == DB_OK)
			rc = tier_refresh_org(db, &a, &o, &changed, &tier);
		if (rc == DB_OK && changed) {
			t->changed++;
			if (json_array_size(t->changes) < REPORT_MAX)
				json_array_append_new(t->changes, json_pack(
				    "{s:I,s:s,s:s,s:s}", "enterprise_id",
				    (json_int_t)d[i].enterprise_id, "uscc",
				    d[i].uscc, "name", o.name ? o.name : "",
				    "tier", rule_tier_name(tier)));
		}
		db_res_free(keep);
	}
	db_rows_free(&rows);
	return rc;
}

/* E14: every enterprise with an affected USCC re-derived. */
static int
recredit(struct db *db, struct import_tx *t, const char **set, size_t n)
{
	struct actor a = actor_of(t->r);
	int64_t today = today_ymd(t->r->now);
	int rc = DB_OK;

	for (size_t i = 0; i < n && rc == DB_OK; i++) {
		int64_t id = 0;
		bool changed = false;

		rc = db_enterprise_by_uscc(db, set[i], &id);
		if (rc == DB_NOTFOUND) {
			rc = DB_OK;
			continue;
		}
		if (rc == DB_OK)
			rc = credit_refresh(db, &a, id, set[i], today, &changed);
		if (rc == DB_OK && changed) {
			t->changed++;
			if (json_array_size(t->changes) < REPORT_MAX)
				json_array_append_new(t->changes, json_pack(
				    "{s:I,s:s}", "enterprise_id", (json_int_t)id,
				    "uscc", set[i]));
		}
	}
	return rc;
}

static bool
entry_same(const struct list_entry *a, const struct list_entry *b, bool credit)
{
	if (!credit)
		return strcmp(a->name, b->name) == 0;
	return strcmp(a->source, b->source) == 0 &&
	    a->listed_on == b->listed_on && a->until == b->until;
}

static int
import_body(struct db *db, void *arg)
{
	struct import_tx *t = arg;
	struct req *r = t->r;
	bool credit = strcmp(t->list, "credit") == 0;
	struct db_rows old = { 0 };
	const struct list_entry *ov, *nv = t->c->v;
	const char **set;
	size_t i = 0, j = 0, nset = 0, no = 0, nn = t->c->n;
	json_t *after;
	int rc;

	t->added = t->removed = t->unchanged = t->changed = 0;
	json_decref(t->changes);
	json_decref(t->added_uscc);
	json_decref(t->removed_uscc);
	t->changes = json_array();
	t->added_uscc = json_array();
	t->removed_uscc = json_array();
	/* 1. the list's rows, locked (ordered by USCC, like the new ones) */
	rc = credit ? db_credit_lock(db, &old) : db_qual_lock(db, t->list,
	    t->year, &old);
	if (rc != DB_OK)
		return rc;
	ov = old.v;
	no = old.n;
	/* 2. what changes: a merge of two sorted lists */
	set = req_alloc(r, (no + nn + 1) * sizeof(*set));
	while (i < no || j < nn) {
		int c = i == no ? 1 : j == nn ? -1 : strcmp(ov[i].uscc,
		    nv[j].uscc);

		if (c < 0) {
			t->removed++;
			sample(t->removed_uscc, ov[i].uscc);
			set[nset++] = req_strdup(r, ov[i].uscc);
			i++;
		} else if (c > 0) {
			t->added++;
			sample(t->added_uscc, nv[j].uscc);
			set[nset++] = nv[j].uscc;
			j++;
		} else {
			if (entry_same(&ov[i], &nv[j], credit))
				t->unchanged++;
			else {
				t->unchanged++;	/* still listed */
				if (credit)	/* its window moved */
					set[nset++] = nv[j].uscc;
			}
			i++;
			j++;
		}
	}
	db_rows_free(&old);
	qsort(set, nset, sizeof(*set), str_cmp);
	/* 3. the import, then the list replaced */
	rc = db_import_insert(db, t->list, credit ? 0 : t->year, r->now,
	    r->sess.account_id, t->encoding, t->sha256, (long)nn, t->added,
	    t->removed, t->unchanged, &t->import_id);
	if (rc == DB_OK)
		rc = credit ? db_credit_delete(db) : db_qual_delete(db, t->list,
		    t->year);
	for (size_t k = 0; k < nn && rc == DB_OK; k++)
		rc = credit ? db_credit_insert(db, &nv[k], t->import_id) :
		    db_qual_insert(db, t->list, t->year, &nv[k], t->import_id);
	if (rc != DB_OK)
		return rc;
	/* 4. the enterprises it concerns */
	rc = credit ? recredit(db, t, set, nset) : retier(db, t, set, nset);
	if (rc == DB_OK)
		rc = db_import_counts(db, t->import_id, t->changed);
	if (rc != DB_OK)
		return rc;
	after = json_pack("{s:s,s:o,s:I,s:I,s:I,s:I,s:I,s:s,s:s}", "list",
	    t->list, "year", credit ? json_null() : json_integer(t->year),
	    "rows", (json_int_t)nn, "added", (json_int_t)t->added, "removed",
	    (json_int_t)t->removed, "unchanged", (json_int_t)t->unchanged,
	    "enterprises_changed", (json_int_t)t->changed, "encoding",
	    t->encoding, "sha256", t->sha256);
	rc = audit_write(r, "list.import", "list_import", t->import_id, NULL,
	    after);
	json_decref(after);
	return rc;
}

/* Reads, decodes, checks and imports a list; replies with the report. */
static int
import(struct req *r, const char *list, int year)
{
	struct import_tx t = { .r = r, .list = list, .year = year };
	bool credit = strcmp(list, "credit") == 0;
	struct csv_rows rows = { 0 };
	struct checked c;
	enum csv_charset used;
	enum csv_error e;
	const char *charset;
	char *data, *text = NULL, hex[65];
	size_t len, tlen, line;
	json_t *out;
	int rc;

	if (body_or_4xx(r, &data, &len, &charset) < 0)
		return r->status;
	e = csv_decode(data, len, charset, &text, &tlen, &used, &line);
	if (e == CSV_OK)
		e = csv_parse(text, tlen, &rows, &line);
	free(text);
	if (e != CSV_OK) {
		json_t *inv = json_pack("[{s:I,s:s,s:s}]", "line",
		    (json_int_t)line, "code", e == CSV_BAD_QUOTE ? "bad_quote" :
		    "bad_encoding", "message", csv_error_text(e));
		char msg[300];

		snprintf(msg, sizeof(msg), "%s%s，名单未导入", csv_error_text(e),
		    line > 0 ? "（见所列行号）" : "");
		return error_with(r, 422, e == CSV_BAD_QUOTE || e ==
		    CSV_FIELD_TOO_LONG || e == CSV_TOO_MANY_ROWS ? "invalid_csv" :
		    "unsupported_encoding", "file", msg, "invalid", inv);
	}
	check_rows(r, &rows, credit, today_ymd(r->now), &c);
	if (c.ninvalid > 0) {
		char msg[200];

		csv_rows_free(&rows);
		snprintf(msg, sizeof(msg), "共 %zu 行有误，名单未导入，请改正后重新"
		    "上传", c.ninvalid);
		out = json_pack("{s:s,s:s,s:s,s:o,s:I}", "code", "invalid_rows",
		    "message", msg, "field", "file", "invalid", c.invalid,
		    "invalid_count", (json_int_t)c.ninvalid);
		return http_json(r, 422, json_pack("{s:o}", "error", out));
	}
	json_decref(c.invalid);
	sha256_hex(data, len, hex);
	t.c = &c;
	t.sha256 = hex;
	t.encoding = used == CSV_UTF8 ? "utf-8" : "gb18030";
	rc = db_tx(r->db, import_body, &t);
	csv_rows_free(&rows);
	if (rc != DB_OK) {
		json_decref(t.changes);
		json_decref(t.added_uscc);
		json_decref(t.removed_uscc);
		return http_db_error(r, rc);
	}
	out = json_pack("{s:I,s:s,s:o,s:s,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:o}",
	    "import_id", (json_int_t)t.import_id, "list", list, "year",
	    credit ? json_null() : json_integer(year), "encoding", t.encoding,
	    "rows", (json_int_t)c.n, "added", (json_int_t)t.added, "removed",
	    (json_int_t)t.removed, "unchanged", (json_int_t)t.unchanged,
	    "enterprises_changed", (json_int_t)t.changed, "changes", t.changes,
	    "added_uscc", t.added_uscc, "removed_uscc", t.removed_uscc);
	json_object_set_new(out, "invalid", json_array());
	return http_json(r, 200, out);
}

/*
 * PUT /api/bureau/lists/{specialized|little_giant}/{year}, the body a CSV
 * file (USCC, name; a header row optional) -> 200 {import_id, list, year,
 * encoding, rows, added, removed, unchanged, enterprises_changed,
 * changes: [{enterprise_id, uscc, name, tier}], added_uscc, removed_uscc,
 * invalid: []}. 422 invalid_rows (error.invalid: [{line, code,
 * message}], nothing applied), unsupported_encoding, invalid_csv; 415;
 * 413; 404 no such list; 400 year outside 2000-2100.
 */
int
lists_put_qualification(struct req *r)
{
	const char *list = r->segs[0];
	bool known = false;

	for (size_t i = 0; qual_lists[i] != NULL; i++)
		if (strcmp(list, qual_lists[i]) == 0)
			known = true;
	if (!known)
		return http_error(r, 404, "not_found", NULL,
		    "没有这个名单：只有 specialized（专精特新）、little_giant"
		    "（小巨人）和 credit（信用）");
	if (r->ids[0] < 2000 || r->ids[0] > 2100)
		return http_error(r, 400, "out_of_range", "year",
		    "年度须在 2000 到 2100 之间");
	return import(r, list, (int)r->ids[0]);
}

/*
 * PUT /api/bureau/lists/credit, the body a CSV file (USCC, source,
 * listed_on, until — until empty when the entry has no end) -> 200 the
 * report as above; every enterprise whose entry appeared, went or
 * changed gets its credit state re-derived (E14: an entry counts for
 * three years from listed_on and not past until).
 */
int
lists_put_credit(struct req *r)
{
	return import(r, "credit", 0);
}

/* GET /api/bureau/lists -> 200 {sizes: [{list, year, n}], imports: [the
 * last 20: {id, list, year, imported_at, encoding, row_count, added,
 * removed, unchanged, enterprises_changed, imported_by}]}. */
int
lists_get(struct req *r)
{
	json_t *sizes = NULL, *imports = NULL;
	int rc = db_list_sizes_json(r->db, &sizes);

	if (rc == DB_OK)
		rc = db_imports_recent_json(r->db, &imports);
	if (rc != DB_OK) {
		json_decref(sizes);
		return http_db_error(r, rc);
	}
	return http_json(r, 200, json_pack("{s:o,s:o}", "sizes", sizes,
	    "imports", imports));
}
