/*
 * db.c - all SQL of the catalog program, by statement id (catalog.h).
 */
#include "buf.h"
#include "catalog.h"
#include "orders.h"

/* category_name is filled in from the P1 table (rule_category_name), not
 * joined: the column holds its place in the JSON object. */
#define PRODUCT_COLS \
	"p.id, p.name, p.category, p.category AS category_name," \
	" p.provider_id, v.name AS provider_name, p.market_price," \
	" p.voucher_price, p.unit_subsidy," \
	" p.voucher_price - p.unit_subsidy AS enterprise_pays," \
	" p.remaining_units, p.units_total, p.units_sold, p.validity_days," \
	" p.rating_sum, p.rating_count, p.created_at"

#define PRODUCT_JOIN " JOIN providers v ON v.id = p.provider_id"
#define PRODUCT_FROM " FROM products p" PRODUCT_JOIN

/* With a category, the one index that fits the filter (the optimizer
 * otherwise weighs every index on listed/round/category on each run). */
#define PRODUCT_FROM_CATEGORY \
	" FROM products p FORCE INDEX (ix_products_listed_category)" PRODUCT_JOIN

/* The ORDER BY of each sort; every one ends on the id for a stable page. */
static const char *const sort_sql[SORT__MAX] = {
	"p.created_at DESC, p.id DESC",				/* SORT_NEWEST */
	"p.voucher_price ASC, p.id ASC",			/* SORT_PRICE */
	"p.voucher_price DESC, p.id DESC",			/* SORT_PRICE_DESC */
	"p.rating_sum / NULLIF(p.rating_count, 0) DESC,"	/* SORT_RATING */
	" p.rating_count DESC, p.id DESC",
	"p.units_sold DESC, p.id DESC",				/* SORT_SALES */
};

struct db_stmt catalog_stmts[STMT__MAX] = {
	/* STMT_CATEGORIES: round (P1: the twelve, in their fixed order) */
	DB_STMT(STMT_CATEGORIES,
	"SELECT c.code, c.name_zh, c.name_en, COUNT(p.id) AS product_count"
	" FROM categories c LEFT JOIN products p ON p.category = c.code"
	" AND p.listed = 1 AND p.round_year = ?"
	" GROUP BY c.code, c.name_zh, c.name_en, c.sort_order"
	" ORDER BY c.sort_order"),
	/* STMT_PRODUCT_GET: id */
	DB_STMT(STMT_PRODUCT_GET,
	"SELECT " PRODUCT_COLS ", p.description, p.round_year, p.listed,"
	" p.market_price - p.voucher_price AS discount, p.updated_at"
	PRODUCT_FROM " WHERE p.id = ?"),
	DB_STMT(STMT_PRODUCT_LOCK,
	"SELECT p.id, p.provider_id, p.name, p.description, p.market_price,"
	" p.voucher_price, p.unit_subsidy, p.units_total, p.remaining_units,"
	" p.units_sold, p.validity_days, p.listed"
	" FROM products p WHERE p.id = ? FOR UPDATE"),
	DB_STMT(STMT_PRODUCT_INSERT,
	"INSERT INTO products (round_year, provider_id, category, name,"
	" description, market_price, voucher_price, unit_subsidy, units_total,"
	" remaining_units, validity_days, listed, created_at, updated_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"),
	DB_STMT(STMT_PRODUCT_UPDATE,
	"UPDATE products SET name = ?, description = ?, market_price = ?,"
	" voucher_price = ?, unit_subsidy = ?, units_total = ?,"
	" remaining_units = ?, validity_days = ?, listed = ?, updated_at = ?"
	" WHERE id = ?"),
	/* STMT_PROVIDER_STATUS: id → barred_until (V2) */
	DB_STMT(STMT_PROVIDER_STATUS,
	"SELECT id, barred_until FROM providers WHERE id = ?"),
	/* STMT_DUE_UNITS: now, now (O4/O6 at read time) */
	DB_STMT(STMT_DUE_UNITS,
	PRODUCT_DUE_UNITS),
	/* STMT_NEXT_DUE: whether STMT_DUE_UNITS can find anything */
	DB_STMT(STMT_NEXT_DUE,
	ORDERS_NEXT_DUE),
	/* STMT_ROUND_RESOLVE: the configured (param) or current round, if it
	 * exists */
	DB_STMT(STMT_ROUND_RESOLVE,
	"SELECT year FROM rounds WHERE year ="
	" COALESCE(?, (SELECT MAX(year) FROM rounds WHERE is_current = 1))"),
	/* STMT_ROUND_CURRENT: the round the catalog shows (P2) */
	DB_STMT(STMT_ROUND_CURRENT,
	"SELECT MAX(year) FROM rounds WHERE is_current = 1"),
};

/* The WHERE of a filter set: round, then each filter's params in order. */
static void
where_sql(struct buf *b, int filters)
{
	buf_puts(b, " WHERE p.listed = 1 AND p.round_year = ?");
	if (filters & PF_CATEGORY)
		buf_puts(b, " AND p.category = ?");
	if (filters & PF_MIN)
		buf_puts(b, " AND p.voucher_price >= ?");
	if (filters & PF_MAX)
		buf_puts(b, " AND p.voucher_price <= ?");
	if (filters & PF_Q)
		buf_puts(b, " AND (p.name LIKE ? OR v.name LIKE ?)");
}

void
catalog_sql_init(void)
{
	for (int f = 0; f < PF__COMBOS; f++) {
		const char *from = f & PF_CATEGORY ? PRODUCT_FROM_CATEGORY :
		    PRODUCT_FROM;
		struct buf b = { 0 };

		for (int s = 0; s < SORT__MAX; s++) {
			buf_puts(&b, "SELECT " PRODUCT_COLS);
			buf_puts(&b, from);
			where_sql(&b, f);
			buf_printf(&b, " ORDER BY %s LIMIT ? OFFSET ?",
			    sort_sql[s]);
			catalog_stmts[STMT_LIST(f, s)].sql = xstrdup(b.p);
			buf_reset(&b);
			buf_printf(&b, "STMT_LIST(%d,%d)", f, s);
			catalog_stmts[STMT_LIST(f, s)].name = xstrdup(b.p);
			buf_reset(&b);
		}
		buf_puts(&b, "SELECT COUNT(*)");
		buf_puts(&b, from);
		where_sql(&b, f);
		catalog_stmts[STMT_COUNT(f)].sql = xstrdup(b.p);
		buf_reset(&b);
		buf_printf(&b, "STMT_COUNT(%d)", f);
		catalog_stmts[STMT_COUNT(f)].name = xstrdup(b.p);
		buf_free(&b);
	}
}
