/*
 * db.c - all SQL of the catalog program, by statement id (catalog.h), and
 * the typed functions over it: handlers see row structs, never a result
 * column by number nor a parameter array.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "catalog.h"
#include "orders.h"
#include "parties.h"
#include "search.h"

/* The columns of a product as the catalog shows it (struct product_row);
 * category_name comes from the P1 table (rule_category_name), not a join.
 * The provider's bar and credit flag come with its name from the same
 * joined row: whether the product may be ordered (P7). */
#define PRODUCT_COLS \
	"p.id, p.name, p.category," \
	" p.provider_id, v.name AS provider_name," \
	" v.barred_until AS provider_barred_until," \
	" v.credit_flagged AS provider_credit_flagged, p.market_price," \
	" p.voucher_price, p.unit_subsidy," \
	" p.voucher_price - p.unit_subsidy AS enterprise_pays," \
	" p.remaining_units, p.units_total, p.units_sold, p.validity_days," \
	" p.rating_sum, p.rating_count, p.created_at"

/* With the members of the detail (GET /api/products/{id}). */
#define PRODUCT_DETAIL_COLS \
	PRODUCT_COLS ", p.description, p.round_year, p.listed," \
	" p.market_price - p.voucher_price AS discount, p.updated_at"

#define PRODUCT_JOIN " JOIN providers v ON v.id = p.provider_id"
#define PRODUCT_FROM " FROM products p" PRODUCT_JOIN

/* The bureau's filters (struct bureau_product_query), each optional. */
#define BUREAU_WHERE \
	" WHERE (? = 0 OR p.provider_id = ?) AND (? < 0 OR p.listed = ?)" \
	" AND (? IS NULL OR p.name LIKE ? OR v.name LIKE ?)"

/* The ORDER BY of each sort; every one ends on the id for a stable page.
 * rating_key is the stored average (004_scale.sql), NULL (last) without
 * ratings. */
static const char *const sort_sql[SORT__MAX] = {
	"p.created_at DESC, p.id DESC",				/* SORT_NEWEST */
	"p.voucher_price ASC, p.id ASC",			/* SORT_PRICE */
	"p.voucher_price DESC, p.id DESC",			/* SORT_PRICE_DESC */
	"p.rating_key DESC, p.rating_count DESC, p.id DESC",	/* SORT_RATING */
	"p.units_sold DESC, p.id DESC",				/* SORT_SALES */
};

/* The index of each sort, without and with a category (004_scale.sql):
 * (listed, round_year, [category,] the sort's columns, id), read in order
 * and stopped by the LIMIT, so that no list sorts the round's products
 * and a deep page reads only the rows before it. Named in the statement:
 * the optimizer otherwise weighs a dozen indexes on every execution, and
 * with a price range it prefers the range and a sort. */
static const char *const sort_index[SORT__MAX][2] = {
	{ "ix_products_listed_created", "ix_products_listed_category" },
	{ "ix_products_price", "ix_products_cat_price" },
	{ "ix_products_price", "ix_products_cat_price" },
	{ "ix_products_rating", "ix_products_cat_rating" },
	{ "ix_products_sales", "ix_products_cat_sales" },
};

struct db_stmt catalog_stmts[STMT__MAX] = {
	/* STMT_CATEGORIES: round (P1: the twelve, in their fixed order) */
	DB_STMT(STMT_CATEGORIES,
	"SELECT c.code, c.name_zh, c.name_en,"
	" COALESCE(n.n, 0) AS product_count"
	" FROM categories c LEFT JOIN catalog_counts n ON n.category = c.code"
	" AND n.round_year = ?"
	" ORDER BY c.sort_order"),
	/* STMT_PRODUCT_GET: id */
	DB_STMT(STMT_PRODUCT_GET,
	"SELECT " PRODUCT_DETAIL_COLS PRODUCT_FROM " WHERE p.id = ?"),
	/* STMT_PRODUCT_LOCK: id */
	DB_STMT(STMT_PRODUCT_LOCK,
	"SELECT p.id, p.provider_id, p.name, p.description, p.market_price,"
	" p.voucher_price, p.unit_subsidy, p.units_total, p.remaining_units,"
	" p.units_sold, p.validity_days, p.listed"
	" FROM products p WHERE p.id = ? FOR UPDATE"),
	/* STMT_PRODUCT_INSERT: provider, category, name, description, market,
	 * voucher, subsidy, units, units, validity, now, now, round; inserts
	 * nothing when the round is not in the rounds table */
	DB_STMT(STMT_PRODUCT_INSERT,
	"INSERT INTO products (round_year, provider_id, category, name,"
	" description, market_price, voucher_price, unit_subsidy, units_total,"
	" remaining_units, validity_days, listed, created_at, updated_at)"
	" SELECT r.year, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?"
	" FROM rounds r WHERE r.year = ?"),
	/* STMT_PRODUCT_UPDATE: the change, now, id */
	DB_STMT(STMT_PRODUCT_UPDATE,
	"UPDATE products SET name = ?, description = ?, market_price = ?,"
	" voucher_price = ?, unit_subsidy = ?, units_total = ?,"
	" remaining_units = ?, validity_days = ?, listed = ?, updated_at = ?"
	" WHERE id = ?"),
	/* STMT_PROVIDER_STANDING: id (V2, P7: may it list products?) */
	DB_STMT(STMT_PROVIDER_STANDING,
	"SELECT barred_until, credit_flagged FROM providers WHERE id = ?"),
	/* STMT_DUE_UNITS: now, now (O4/O6 at read time) */
	DB_STMT(STMT_DUE_UNITS,
	PRODUCT_DUE_UNITS),
	/* STMT_NEXT_DUE: whether STMT_DUE_UNITS can find anything */
	DB_STMT(STMT_NEXT_DUE,
	ORDERS_NEXT_DUE),
	/* C1 ratings of a product (issue 11): off the hot list and product
	 * statements; the sums and the count from evaluation_sums (021: kept
	 * per connection slot by the evaluations' trigger), the page one
	 * index range of ix_evaluations_product; its total is the sums'
	 * count.
	 * STMT_EVAL_SUMS: product (no row: no such product) */
	DB_STMT(STMT_EVAL_SUMS,
	"SELECT COALESCE(SUM(e.n), 0) AS n, COALESCE(SUM(e.quality), 0) AS quality,"
	" COALESCE(SUM(e.timeliness), 0) AS timeliness,"
	" COALESCE(SUM(e.attitude), 0) AS attitude"
	" FROM products p LEFT JOIN evaluation_sums e ON e.product_id = p.id"
	" WHERE p.id = ? GROUP BY p.id"),
	/* STMT_EVAL_LIST: product, limit, offset - never the order */
	DB_STMT(STMT_EVAL_LIST,
	"SELECT quality, timeliness, attitude, comment, created_at"
	" FROM evaluations WHERE product_id = ?"
	" ORDER BY created_at DESC LIMIT ? OFFSET ?"),
	/* The bureau's list (issue 11), every round, listed or not.
	 * STMT_BUREAU_LIST: provider x2, listed x2, like x3, limit, offset */
	DB_STMT(STMT_BUREAU_LIST,
	"SELECT " PRODUCT_DETAIL_COLS ","
	" p.units_total - p.remaining_units AS units_taken"
	PRODUCT_FROM BUREAU_WHERE " ORDER BY p.id DESC LIMIT ? OFFSET ?"),
	/* STMT_BUREAU_COUNT: provider x2, listed x2, like x3 */
	DB_STMT(STMT_BUREAU_COUNT,
	"SELECT COUNT(*)" PRODUCT_FROM BUREAU_WHERE),
};

/* A search of one to four characters (PF_Q) reads product_grams (021,
 * 024: every gram of up to four characters but those holding a space or a
 * tab, which go by LIKE): the query is one gram, whose rows of the round
 * carry the relevance, the category and what
 * the newest and price sorts order by, so that each of those is one range
 * of its index, in order, stopped by the LIMIT. The sorts by rating and
 * sales (which change with every order) join the products and sort the
 * gram's matches. */
static const char *const gram_sort_sql[SORT__MAX] = {
	"g.created_at DESC, g.product_id DESC",		/* SORT_NEWEST */
	"g.voucher_price ASC, g.product_id ASC",	/* SORT_PRICE */
	"g.voucher_price DESC, g.product_id DESC",	/* SORT_PRICE_DESC */
	"p.rating_key DESC, p.rating_count DESC, g.product_id DESC",
	"p.units_sold DESC, g.product_id DESC",		/* SORT_SALES */
};

/* The outer ORDER BY of a longer search (PF_QLONG) over its page's keys. */
static const char *const long_sort_sql[SORT__MAX] = {
	"k.created_at DESC, k.product_id DESC",		/* SORT_NEWEST */
	"k.voucher_price ASC, k.product_id ASC",	/* SORT_PRICE */
	"k.voucher_price DESC, k.product_id DESC",	/* SORT_PRICE_DESC */
	"k.rating_key DESC, k.rating_count DESC, k.product_id DESC",
	"k.units_sold DESC, k.product_id DESC",		/* SORT_SALES */
};

static const char *const gram_index[SORT__MAX] = {
	"ix_product_grams_newest", "ix_product_grams_price",
	"ix_product_grams_price_desc", "ix_product_grams_newest",
	"ix_product_grams_newest",
};

/* The WHERE of a filter set: round, then each filter's params in order
 * (query_params); a search adds its gram (PF_Q) or its two grams and LIKE
 * pattern (PF_QLONG). A search filters the rows of product_grams (g), the
 * others the products (p). */
static void
where_sql(struct buf *b, int filters)
{
	const char *t = filters & (PF_Q | PF_QLONG) ? "g" : "p";

	if (filters & (PF_Q | PF_QLONG))
		buf_puts(b, " WHERE g.round_year = ?");
	else
		buf_puts(b, " WHERE p.listed = 1 AND p.round_year = ?");
	if (filters & PF_CATEGORY)
		buf_printf(b, " AND %s.category = ?", t);
	if (filters & PF_MIN)
		buf_printf(b, " AND %s.voucher_price >= ?", t);
	if (filters & PF_MAX)
		buf_printf(b, " AND %s.voucher_price <= ?", t);
	if (filters & PF_Q)
		buf_puts(b, " AND g.gram = ?");
	if (filters & PF_QLONG)
		buf_puts(b, " AND g.gram = ? AND g2.gram = ? AND st.text LIKE ?");
}

/* The FROM of a search (s < 0: a count): the round's rows of the gram
 * (PF_Q), or of the rarer of its two grams (long_key) with the other's
 * and the text (PF_QLONG), joined in the order written. */
static void
search_from_sql(struct buf *b, int filters, int s)
{
	buf_printf(b, " FROM product_grams g FORCE INDEX (%s)",
	    s >= 0 ? gram_index[s] : filters & (PF_MIN | PF_MAX) ?
	    "ix_product_grams_price" : "ix_product_grams_newest");
	if (filters & PF_QLONG)
		buf_puts(b, " JOIN product_grams g2 FORCE INDEX (PRIMARY)"
		    " ON g2.product_id = g.product_id"
		    " JOIN search_texts st ON st.id = g.text_id");
	if (s >= 0)
		buf_puts(b, " JOIN products p ON p.id = g.product_id"
		    PRODUCT_JOIN);
}

/* Whether the count of filter set f is a sum of kept totals (021, 024):
 * a category or none, a gram of one to four characters (with or without
 * a category), a price range (with or without a category). */
static bool
count_kept(int f)
{
	return !(f & PF_QLONG) && !((f & PF_Q) && (f & (PF_MIN | PF_MAX)));
}

/* The count of filter set f: the kept totals where they answer it
 * (count_kept; a price range sums the counts of the distinct prices in
 * it), else the filters' covering index. */
static void
count_sql(struct buf *b, int f)
{
	int cat = (f & PF_CATEGORY) != 0;

	if (count_kept(f)) {
		buf_printf(b, "SELECT COALESCE(SUM(c.n), 0) AS n FROM %s"
		    " WHERE c.round_year = ?%s%s%s%s",
		    f & PF_Q ? "product_gram_counts c" :
		    !(f & (PF_MIN | PF_MAX)) ? "catalog_counts c" : cat ?
		    "catalog_price_counts c FORCE INDEX (PRIMARY)" :
		    "catalog_price_counts c FORCE INDEX"
		    " (ix_catalog_price_counts_price)",
		    cat ? " AND c.category = ?" : "",
		    f & PF_MIN ? " AND c.voucher_price >= ?" : "",
		    f & PF_MAX ? " AND c.voucher_price <= ?" : "",
		    f & PF_Q ? " AND c.gram = ?" : "");
		return;
	}
	buf_puts(b, "SELECT STRAIGHT_JOIN COUNT(*)");
	search_from_sql(b, f, -1);
	where_sql(b, f);
}

/* A list whose count is kept (count_kept) has its total as a last column,
 * its params first: one statement for the page and its total. */
static void
total_sql(struct buf *b, int f)
{
	if (!count_kept(f))
		return;
	buf_puts(b, ", (");
	count_sql(b, f);
	buf_puts(b, ") AS " PAGE_TOTAL_COL);
}

/* The list of filter set f in sort s. Without a search, the page's ids
 * are read from the sort's index (covering: a deep page reads index
 * entries only), then only those rows are joined. With its total
 * (total_sql) where it is kept. */
static void
list_sql(struct buf *b, int f, int s)
{
	int cat = (f & PF_CATEGORY) != 0;

	if (f & PF_Q) {
		buf_puts(b, "SELECT STRAIGHT_JOIN " PRODUCT_COLS);
		total_sql(b, f);
		search_from_sql(b, f, s);
		where_sql(b, f);
		buf_printf(b, " ORDER BY g.rel, %s LIMIT ? OFFSET ?",
		    gram_sort_sql[s]);
		return;
	}
	if (f & PF_QLONG) {
		/* relevance is the whole query's (its param first): the
		 * candidates' keys sorted, then only the page's rows read */
		buf_printf(b, "SELECT STRAIGHT_JOIN " PRODUCT_COLS " FROM"
		    " (SELECT g.product_id,%s AS rel, g.created_at,"
		    " g.voucher_price%s", SEARCH_RELEVANCE, s == SORT_RATING ||
		    s == SORT_SALES ? ", p.rating_key, p.rating_count,"
		    " p.units_sold" : "");
		search_from_sql(b, f, -1);
		if (s == SORT_RATING || s == SORT_SALES)
			buf_puts(b, " JOIN products p ON p.id = g.product_id");
		where_sql(b, f);
		buf_printf(b, " ORDER BY rel, %s LIMIT ? OFFSET ?) k"
		    " JOIN products p ON p.id = k.product_id" PRODUCT_JOIN
		    " ORDER BY k.rel, %s", gram_sort_sql[s], long_sort_sql[s]);
		return;
	}
	buf_puts(b, "SELECT STRAIGHT_JOIN " PRODUCT_COLS);
	total_sql(b, f);
	buf_printf(b, " FROM (SELECT p.id FROM products p FORCE INDEX (%s)",
	    sort_index[s][cat]);
	where_sql(b, f);
	buf_printf(b, " ORDER BY %s LIMIT ? OFFSET ?) k"
	    " JOIN products p ON p.id = k.id" PRODUCT_JOIN " ORDER BY %s",
	    sort_sql[s], sort_sql[s]);
}

void
catalog_sql_init(void)
{
	for (int f = 0; f < PF__COMBOS; f++) {
		struct buf b = { 0 };

		for (int s = 0; s < SORT__MAX; s++) {
			list_sql(&b, f, s);
			catalog_stmts[STMT_LIST(f, s)].sql = xstrdup(b.p);
			buf_reset(&b);
			buf_printf(&b, "STMT_LIST(%d,%d)", f, s);
			catalog_stmts[STMT_LIST(f, s)].name = xstrdup(b.p);
			buf_reset(&b);
		}
		count_sql(&b, f);
		catalog_stmts[STMT_COUNT(f)].sql = xstrdup(b.p);
		buf_reset(&b);
		buf_printf(&b, "STMT_COUNT(%d)", f);
		catalog_stmts[STMT_COUNT(f)].name = xstrdup(b.p);
		buf_free(&b);
	}
}

/* ---- products ------------------------------------------------------- */

#define PRODUCT_ROW_COLS \
	DB_COL(struct product_row, id), \
	DB_COL(struct product_row, name), \
	DB_COL(struct product_row, category), \
	DB_COL(struct product_row, provider_id), \
	DB_COL(struct product_row, provider_name), \
	DB_COL(struct product_row, provider_barred_until), \
	DB_COL(struct product_row, provider_credit_flagged), \
	DB_COL(struct product_row, market_price), \
	DB_COL(struct product_row, voucher_price), \
	DB_COL(struct product_row, unit_subsidy), \
	DB_COL(struct product_row, enterprise_pays), \
	DB_COL(struct product_row, remaining_units), \
	DB_COL(struct product_row, units_total), \
	DB_COL(struct product_row, units_sold), \
	DB_COL(struct product_row, validity_days), \
	DB_COL(struct product_row, rating_sum), \
	DB_COL(struct product_row, rating_count), \
	DB_COL(struct product_row, created_at)

static const struct db_col product_cols[] = {
	PRODUCT_ROW_COLS,
};
static const struct db_rowmap product_map = DB_ROWMAP(struct product_row,
    product_cols);

#define PRODUCT_DETAIL_ROW_COLS \
	PRODUCT_ROW_COLS, \
	DB_COL(struct product_row, description), \
	DB_COL(struct product_row, round_year), \
	DB_COL(struct product_row, listed), \
	DB_COL(struct product_row, discount), \
	DB_COL(struct product_row, updated_at)

static const struct db_col product_detail_cols[] = {
	PRODUCT_DETAIL_ROW_COLS,
};
static const struct db_rowmap product_detail_map =
    DB_ROWMAP(struct product_row, product_detail_cols);

static const struct db_col product_bureau_cols[] = {
	PRODUCT_DETAIL_ROW_COLS,
	DB_COL(struct product_row, units_taken),
};
static const struct db_rowmap product_bureau_map =
    DB_ROWMAP(struct product_row, product_bureau_cols);

/* The most params of a filter set: round, category, min, max, the
 * search's two grams and LIKE pattern, and its relevance; or those of a
 * list with its total (total_sql): twice round, category, min, max. */
#define QUERY_PARAMS_MAX 9

/* The two grams a longer search (PF_QLONG) reads its candidates by: its
 * first and its last four characters (024: grams of up to four
 * characters kept), or, when it holds a space or a tab (no such gram
 * kept), its first and last bigram (search_key). */
struct long_key {
	char g1[17];
	char g2[17];
};

static void
long_key(const char *q, struct long_key *k)
{
	struct search_key sk;
	size_t len = strlen(q), end4 = len, last4 = 0, n = 0, c, i;

	memset(k, 0, sizeof(*k));
	if (strpbrk(q, " \t") != NULL) {
		/* not UTF-8 (refused before here): empty grams match
		 * nothing */
		if (search_key(q, &sk) == 0) {
			memcpy(k->g1, sk.g1, sizeof(sk.g1));
			memcpy(k->g2, sk.g2, sizeof(sk.g2));
		}
		return;
	}
	for (i = 0; i < len; i++)	/* n characters, the fifth at end4 */
		if (((unsigned char)q[i] & 0xC0) != 0x80 && n++ == 4)
			end4 = i;
	for (i = 0, c = 0; n >= 4 && i < len; i++)	/* the last four's */
		if (((unsigned char)q[i] & 0xC0) != 0x80 && c++ == n - 4) {
			last4 = i;
			break;
		}
	if (n < 4 || end4 >= sizeof(k->g1) || len - last4 >= sizeof(k->g2))
		return;		/* not four characters of UTF-8 */
	memcpy(k->g1, q, end4);
	memcpy(k->g2, q + last4, len - last4);
}

/* The params of q in the order of where_sql from p[1]; returns how many,
 * and the filter set in *filters. A search's key is filled in *k (which
 * the params point into). p[0] is the query, the relevance param that a
 * longer search's list (PF_QLONG) starts with. */
static size_t
query_params(const struct product_query *q, struct long_key *k,
    struct db_param p[QUERY_PARAMS_MAX], int *filters)
{
	size_t n = 1;

	*filters = 0;
	p[0] = DB_STR(q->text);
	p[n++] = DB_I64(q->year);
	if (q->category != NULL) {
		*filters |= PF_CATEGORY;
		p[n++] = DB_STR(q->category);
	}
	if (q->min_price >= 0) {
		*filters |= PF_MIN;
		p[n++] = DB_I64(q->min_price);
	}
	if (q->max_price >= 0) {
		*filters |= PF_MAX;
		p[n++] = DB_I64(q->max_price);
	}
	if (q->like != NULL) {
		if (search_is_gram(q->text, 4)) {
			*filters |= PF_Q;
			p[n++] = DB_STR(q->text);
			return n - 1;
		}
		long_key(q->text, k);
		*filters |= PF_QLONG;
		p[n++] = DB_STR(k->g1);
		p[n++] = DB_STR(k->g2);
		p[n++] = DB_STR(q->like);
	}
	assert(n <= QUERY_PARAMS_MAX);
	return n - 1;
}

/* The caller's typed callback behind page_list_rows' untyped one. */
struct product_page_ctx {
	product_json_fn fn;
	void           *ctx;
};

static json_t *
product_page_row(void *arg, const void *row)
{
	const struct product_page_ctx *c = arg;

	return c->fn(c->ctx, row);
}

json_t *
db_product_page(struct db *db, const struct product_query *q, int64_t page,
    int64_t per_page, product_json_fn fn, void *ctx, int *rc)
{
	struct product_page_ctx c = { fn, ctx };
	struct db_param p[QUERY_PARAMS_MAX];
	struct long_key k;
	int filters;
	size_t n = query_params(q, &k, p, &filters);

	/* a longer search starts from the rarer of its two grams in the
	 * round (their totals: STMT_COUNT(PF_Q)) */
	if ((filters & PF_QLONG) && strcmp(k.g1, k.g2) != 0) {
		int64_t n1, n2;
		int r = db_scalar(db, STMT_COUNT(PF_Q), DB_ARGS(DB_I64(q->year),
		    DB_STR(k.g1)), &n1);

		if (r == DB_OK)
			r = db_scalar(db, STMT_COUNT(PF_Q), DB_ARGS(
			    DB_I64(q->year), DB_STR(k.g2)), &n2);
		if (r != DB_OK) {
			*rc = r;
			return NULL;
		}
		if (n2 < n1) {	/* p[n - 2], p[n - 1]: the grams, p[n] LIKE */
			struct db_param t = p[n - 2];

			p[n - 2] = p[n - 1];
			p[n - 1] = t;
		}
	}
	if (count_kept(filters)) {
		/* the total's params, then the list's (the same) */
		memcpy(p + n + 1, p + 1, n * sizeof(*p));
		return page_list_rows_total(db, STMT_LIST(filters, q->sort),
		    p + 1, 2 * n, STMT_COUNT(filters), p + 1, n, page,
		    per_page, &product_map, product_page_row, &c, rc);
	}
	/* the count has the list's params without the relevance, LIMIT and
	 * OFFSET */
	return page_list_rows(db, STMT_LIST(filters, q->sort),
	    filters & PF_QLONG ? p : p + 1, filters & PF_QLONG ? n + 1 : n,
	    STMT_COUNT(filters), p + 1, n, page,
	    per_page, &product_map, product_page_row, &c, rc);
}

json_t *
db_bureau_product_page(struct db *db, const struct bureau_product_query *q,
    int64_t page, int64_t per_page, product_json_fn fn, void *ctx, int *rc)
{
	struct product_page_ctx c = { fn, ctx };
	const struct db_param p[] = {
		DB_I64(q->provider_id), DB_I64(q->provider_id),
		DB_I64(q->listed), DB_I64(q->listed),
		DB_STR(q->like), DB_STR(q->like), DB_STR(q->like),
	};
	size_t n = sizeof(p) / sizeof(p[0]);

	return page_list_rows(db, STMT_BUREAU_LIST, p, n, STMT_BUREAU_COUNT,
	    p, n, page, per_page, &product_bureau_map, product_page_row, &c,
	    rc);
}

int
db_product_get(struct db *db, int64_t id, struct product_row *out,
    struct db_res **keep)
{
	int rc = db_one(db, STMT_PRODUCT_GET, DB_ARGS(DB_I64(id)),
	    &product_detail_map, out, keep);

	out->detail = rc == DB_OK;
	return rc;
}

static const struct db_col product_lock_cols[] = {
	DB_COL(struct product_lock_row, id),
	DB_COL(struct product_lock_row, provider_id),
	DB_COL(struct product_lock_row, name),
	DB_COL(struct product_lock_row, description),
	DB_COL(struct product_lock_row, market_price),
	DB_COL(struct product_lock_row, voucher_price),
	DB_COL(struct product_lock_row, unit_subsidy),
	DB_COL(struct product_lock_row, units_total),
	DB_COL(struct product_lock_row, remaining_units),
	DB_COL(struct product_lock_row, units_sold),
	DB_COL(struct product_lock_row, validity_days),
	DB_COL(struct product_lock_row, listed),
};
static const struct db_rowmap product_lock_map =
    DB_ROWMAP(struct product_lock_row, product_lock_cols);

int
db_product_lock(struct db *db, int64_t id, struct product_lock_row *out,
    struct db_res **keep)
{
	return db_one(db, STMT_PRODUCT_LOCK, DB_ARGS(DB_I64(id)),
	    &product_lock_map, out, keep);
}

int
db_product_insert(struct db *db, const struct product_new *p, time_t now,
    int64_t *id)
{
	uint64_t insert_id = 0;
	int rc = db_dml(db, STMT_PRODUCT_INSERT, DB_ARGS(
	    DB_I64(p->provider_id), DB_STR(p->category), DB_STR(p->name),
	    DB_STR(p->description), DB_I64(p->market_price),
	    DB_I64(p->voucher_price), DB_I64(p->unit_subsidy),
	    DB_I64(p->units), DB_I64(p->units), DB_I64(p->validity_days),
	    DB_TIME(now), DB_TIME(now), DB_I64(p->round_year)), &insert_id);

	*id = (int64_t)insert_id;
	return rc;
}

int
db_product_update(struct db *db, int64_t id, const struct product_change *c,
    time_t now)
{
	return db_dml(db, STMT_PRODUCT_UPDATE, DB_ARGS(
	    DB_STR(c->name), DB_STR(c->description), DB_I64(c->market_price),
	    DB_I64(c->voucher_price), DB_I64(c->unit_subsidy),
	    DB_I64(c->units_total), DB_I64(c->remaining_units),
	    DB_I64(c->validity_days), DB_BOOL(c->listed), DB_TIME(now),
	    DB_I64(id)), NULL);
}

/* ---- providers --------------------------------------------------------- */

static const struct db_col provider_standing_cols[] = {
	DB_COL(struct provider_standing, barred_until),
	DB_COL(struct provider_standing, credit_flagged),
};
static const struct db_rowmap provider_standing_map =
    DB_ROWMAP(struct provider_standing, provider_standing_cols);

int
db_provider_standing(struct db *db, int64_t id, struct provider_standing *out)
{
	return db_one(db, STMT_PROVIDER_STANDING, DB_ARGS(DB_I64(id)),
	    &provider_standing_map, out, NULL);
}

/* ---- categories and the round ---------------------------------------- */

int
db_category_list(struct db *db, int64_t year, json_t **items)
{
	struct db_res *res = NULL;
	int rc = db_exec(db, STMT_CATEGORIES, DB_ARGS(DB_I64(year)), &res,
	    NULL, NULL);

	/* the reply is the rows as they are, keyed by column alias */
	*items = rc == DB_OK ? db_rows_json(res) : NULL;
	db_res_free(res);
	return rc;
}

int
db_shown_round(struct db *db, int64_t *year)
{
	static __thread int cached;
	static __thread time_t fetched;
	struct timespec ts;
	int y, rc;

	/* read again every two seconds: the bureau's switch of the current
	 * round (Y1) shows at once (one indexed read per thread and 2 s) */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (fetched != 0 && ts.tv_sec - fetched < 2) {
		*year = cached;
		return DB_OK;
	}
	rc = round_current(db, &y);
	if (rc == DB_NOTFOUND) {
		y = 0;		/* no current round: an empty catalog */
		rc = DB_OK;
	}
	if (rc == DB_OK) {
		cached = y;
		fetched = ts.tv_sec;
		*year = y;
	}
	return rc;
}

/* ---- units due back (O4, O6) ----------------------------------------- */

/* The earliest O4 deadline and O6 end among open orders (ORDERS_NEXT_DUE)
 * as this thread last read it. Public reads reuse it within the same
 * second of "now" and for at most a second of real time (the injectable
 * clock of rule T2 may stand still or jump), so a unit comes back on sale
 * in the catalog within a second of its deadline: the freshness the
 * micro-cache in front promises anyway. Writes always read it afresh. */
struct next_due {
	bool            valid;
	time_t          now;		/* the "now" it was read at      */
	struct timespec read_at;	/* CLOCK_MONOTONIC               */
	bool            any_by_now;	/* some deadline <= now          */
};

struct next_due_row {
	time_t next_accept_deadline;
	bool   no_pending;		/* next_accept_deadline is NULL  */
	time_t next_valid_until;
};

static const struct db_col next_due_cols[] = {
	DB_COL(struct next_due_row, next_accept_deadline),
	DB_COL_NULL(struct next_due_row, no_pending, "next_accept_deadline"),
	DB_COL(struct next_due_row, next_valid_until),
};
static const struct db_rowmap next_due_map = DB_ROWMAP(struct next_due_row,
    next_due_cols);

/* Whether some O4 deadline or O6 end is at or before now. */
static int
next_due_read(struct db *db, time_t now, bool reuse, bool *any)
{
	static __thread struct next_due nd;
	struct next_due_row row;
	struct timespec ts;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (reuse && nd.valid && nd.now == now &&
	    (ts.tv_sec - nd.read_at.tv_sec) * 1000000000L +
	    (ts.tv_nsec - nd.read_at.tv_nsec) < 1000000000L) {
		*any = nd.any_by_now;
		return DB_OK;
	}
	rc = db_one(db, STMT_NEXT_DUE, DB_NOARGS, &next_due_map, &row, NULL);
	if (rc != DB_OK)
		return rc;
	*any = (!row.no_pending && row.next_accept_deadline <= now) ||
	    row.next_valid_until <= now;
	nd = (struct next_due){ true, now, ts, *any };
	return DB_OK;
}

static const struct db_col due_cols[] = {
	DB_COL(struct due_row, product_id),
	DB_COL(struct due_row, n),
};
static const struct db_rowmap due_map = DB_ROWMAP(struct due_row, due_cols);

int
db_due_units(struct db *db, time_t now, bool reuse, struct db_rows *due)
{
	bool any;
	int rc = next_due_read(db, now, reuse, &any);

	memset(due, 0, sizeof(*due));
	if (rc != DB_OK || !any)
		return rc;
	return db_all(db, STMT_DUE_UNITS, DB_ARGS(DB_TIME(now), DB_TIME(now)),
	    &due_map, due);
}

int64_t
due_units_of(const struct db_rows *due, int64_t id)
{
	const struct due_row *d = due->v;

	for (size_t i = 0; i < due->n; i++)
		if (d[i].product_id == id)
			return d[i].n;
	return 0;
}

/* ---- C1 ratings (issue 11) --------------------------------------------- */

int
db_product_evaluation_sums(struct db *db, int64_t id,
    struct evaluation_sums *sums)
{
	return db_one(db, STMT_EVAL_SUMS, DB_ARGS(DB_I64(id)),
	    &evaluation_sums_map, sums, NULL);
}

json_t *
db_product_evaluations(struct db *db, int64_t id, int64_t total,
    int64_t page, int64_t per_page, int *rc)
{
	struct db_res *res = NULL;
	json_t *o = NULL;

	*rc = db_exec(db, STMT_EVAL_LIST, DB_ARGS(DB_I64(id),
	    DB_I64(per_page), DB_I64((page - 1) * per_page)), &res, NULL,
	    NULL);
	if (*rc == DB_OK)
		o = page_json(db_rows_json(res), total, page, per_page);
	db_res_free(res);
	return o;
}
