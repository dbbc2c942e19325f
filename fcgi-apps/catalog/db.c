/*
 * db.c - all SQL of the catalog program, by statement id (catalog.h).
 */
#include "catalog.h"
#include "orders.h"

/* The round shown: VOUCHER_ROUND if set (param), else the current one. */
#define ROUND_EXPR \
	"COALESCE(?, (SELECT MAX(year) FROM rounds WHERE is_current = 1))"

#define PRODUCT_COLS \
	"p.id, p.name, p.category, c.name_zh AS category_name," \
	" p.provider_id, v.name AS provider_name, p.market_price," \
	" p.voucher_price, p.unit_subsidy," \
	" p.voucher_price - p.unit_subsidy AS enterprise_pays," \
	" p.remaining_units + COALESCE(due.n, 0) AS remaining_units," \
	" p.units_total, p.units_sold - COALESCE(due.n, 0) AS units_sold," \
	" p.validity_days," \
	" p.rating_sum, p.rating_count, p.created_at"

#define PRODUCT_FROM \
	" FROM products p JOIN providers v ON v.id = p.provider_id" \
	" JOIN categories c ON c.code = p.category"

/* params: round, category x2, min x2, max x2, q, like, like */
#define PRODUCT_WHERE \
	" WHERE p.listed = 1 AND p.round_year = " ROUND_EXPR \
	" AND (? IS NULL OR p.category = ?)" \
	" AND (? IS NULL OR p.voucher_price >= ?)" \
	" AND (? IS NULL OR p.voucher_price <= ?)" \
	" AND (? IS NULL OR p.name LIKE ? OR v.name LIKE ?)"

/* params: now, now (O4/O6 units), then PRODUCT_WHERE's, limit, offset */
#define PRODUCT_LIST(order) \
	"SELECT " PRODUCT_COLS PRODUCT_FROM PRODUCT_DUE_UNITS_JOIN("p") \
	PRODUCT_WHERE \
	" ORDER BY " order " LIMIT ? OFFSET ?"

const char *const catalog_stmts[STMT__MAX] = {
	/* STMT_CATEGORIES: round (P1: the twelve, in their fixed order) */
	[STMT_CATEGORIES] =
	"SELECT c.code, c.name_zh, c.name_en, COUNT(p.id) AS product_count"
	" FROM categories c LEFT JOIN products p ON p.category = c.code"
	" AND p.listed = 1 AND p.round_year = " ROUND_EXPR
	" GROUP BY c.code, c.name_zh, c.name_en, c.sort_order"
	" ORDER BY c.sort_order",
	[STMT_PRODUCTS_NEWEST] =
	PRODUCT_LIST("p.created_at DESC, p.id DESC"),
	[STMT_PRODUCTS_PRICE] =
	PRODUCT_LIST("p.voucher_price ASC, p.id ASC"),
	[STMT_PRODUCTS_PRICE_DESC] =
	PRODUCT_LIST("p.voucher_price DESC, p.id DESC"),
	[STMT_PRODUCTS_RATING] =
	PRODUCT_LIST("p.rating_sum / NULLIF(p.rating_count, 0) DESC,"
	    " p.rating_count DESC, p.id DESC"),
	[STMT_PRODUCTS_SALES] =
	PRODUCT_LIST("p.units_sold DESC, p.id DESC"),
	[STMT_PRODUCTS_COUNT] =
	"SELECT COUNT(*)" PRODUCT_FROM PRODUCT_WHERE,
	/* STMT_PRODUCT_GET: now, now, id */
	[STMT_PRODUCT_GET] =
	"SELECT " PRODUCT_COLS ", p.description, p.round_year, p.listed,"
	" p.market_price - p.voucher_price AS discount, p.updated_at"
	PRODUCT_FROM PRODUCT_DUE_UNITS_JOIN("p") " WHERE p.id = ?",
	[STMT_PRODUCT_LOCK] =
	"SELECT p.id, p.provider_id, p.name, p.description, p.market_price,"
	" p.voucher_price, p.unit_subsidy, p.units_total, p.remaining_units,"
	" p.units_sold, p.validity_days, p.listed"
	" FROM products p WHERE p.id = ? FOR UPDATE",
	[STMT_PRODUCT_INSERT] =
	"INSERT INTO products (round_year, provider_id, category, name,"
	" description, market_price, voucher_price, unit_subsidy, units_total,"
	" remaining_units, validity_days, listed, created_at, updated_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
	[STMT_PRODUCT_UPDATE] =
	"UPDATE products SET name = ?, description = ?, market_price = ?,"
	" voucher_price = ?, unit_subsidy = ?, units_total = ?,"
	" remaining_units = ?, validity_days = ?, listed = ?, updated_at = ?"
	" WHERE id = ?",
	/* STMT_PROVIDER_STATUS: id → barred_until (V2) */
	[STMT_PROVIDER_STATUS] =
	"SELECT id, barred_until FROM providers WHERE id = ?",
	/* STMT_ROUND_RESOLVE: the configured or current round, if it exists */
	[STMT_ROUND_RESOLVE] =
	"SELECT year FROM rounds WHERE year = " ROUND_EXPR,
};
