/*
 * catalog.h - the catalog program: the public catalog of products in the
 * 12 categories (rules P1-P6) and the bureau's product management.
 *
 * db.c holds all of the program's SQL behind the typed functions below;
 * product.c the handlers, which see row structs only.
 */
#ifndef CATALOG_H
#define CATALOG_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "evaluation.h"
#include "http.h"

enum catalog_stmt {
	STMT_CATEGORIES,
	STMT_PRODUCT_GET,
	STMT_PRODUCT_LOCK,
	STMT_PRODUCT_INSERT,
	STMT_PRODUCT_UPDATE,
	STMT_PROVIDER_STANDING,
	STMT_DUE_UNITS,
	STMT_NEXT_DUE,
	STMT_EVAL_SUMS,
	STMT_EVAL_LIST,
	STMT_BUREAU_LIST,
	STMT_BUREAU_COUNT,
	STMT_FIXED__MAX
};

/* The product list has one statement per set of filters and sort, made
 * once at start-up (catalog_sql_init), so that each is a plain indexed
 * query the optimizer need not second-guess. */
enum product_filter {
	PF_CATEGORY = 1,	/* p.category = ?                    */
	PF_MIN      = 2,	/* p.voucher_price >= ?              */
	PF_MAX      = 4,	/* p.voucher_price <= ?              */
	PF_Q        = 8,	/* a search of one to four characters:
				   its gram in product_grams (021,
				   024)                             */
	PF_QLONG    = 16,	/* a longer search: the round's
				   candidates of the rarer of its
				   first and last four characters,
				   checked by LIKE (search.h)       */
	PF__COMBOS  = 24	/* never both PF_Q and PF_QLONG     */
};

enum product_sort {
	SORT_NEWEST,		/* newest first (the default)        */
	SORT_PRICE,		/* voucher price, ascending          */
	SORT_PRICE_DESC,	/* voucher price, descending         */
	SORT_RATING,		/* average rating, then most rated   */
	SORT_SALES,		/* units sold                        */
	SORT__MAX
};

#define STMT_LIST(filters, sort) \
	(STMT_FIXED__MAX + (filters) * SORT__MAX + (sort))
#define STMT_COUNT(filters) \
	(STMT_FIXED__MAX + PF__COMBOS * SORT__MAX + (filters))
#define STMT__MAX (STMT_FIXED__MAX + PF__COMBOS * (SORT__MAX + 1))

extern struct db_stmt catalog_stmts[STMT__MAX];

/* Builds the generated statements; call once before server_main(). */
void catalog_sql_init(void);

/* ---- typed access (db.c) ---------------------------------------------
 * Every function returns DB_OK or a DB_* status (DB_NOTFOUND as noted).
 * Strings of a row borrow from the struct db_res *keep the caller frees
 * with db_res_free(), or, for list callbacks, live during the call. */

/* A product as the catalog shows it; the detail members are filled by
 * db_product_get only (detail is then true). */
struct product_row {
	int64_t     id;
	const char *name;
	const char *category;		/* P1 code                          */
	int64_t     provider_id;
	const char *provider_name;
	time_t      provider_barred_until; /* V2: 0 when never barred     */
	bool        provider_credit_flagged; /* E4 for providers (P7)     */
	int64_t     market_price;	/* P2, fen                          */
	int64_t     voucher_price;	/* P3, fen                          */
	int64_t     unit_subsidy;	/* P4, fen                          */
	int64_t     enterprise_pays;	/* P4: voucher price - subsidy      */
	int64_t     remaining_units;	/* P5, as stored (without due units) */
	int64_t     units_total;
	int64_t     units_sold;
	int64_t     validity_days;	/* P6                               */
	int64_t     rating_sum;		/* C1: 3 aspects per evaluation     */
	int64_t     rating_count;
	time_t      created_at;
	bool        detail;
	const char *description;
	int64_t     round_year;
	bool        listed;
	int64_t     discount;		/* market price - voucher price     */
	time_t      updated_at;
	int64_t     units_taken;	/* P5: units_total - stored remaining:
					   the least total a change keeps
					   (the bureau's list only)         */
};

/* The public list's query: the shown round and the optional filters. */
struct product_query {
	int64_t           year;		/* the round shown (P2)             */
	const char       *category;	/* NULL: every category             */
	int64_t           min_price;	/* voucher price bounds, fen; -1:   */
	int64_t           max_price;	/* none                             */
	const char       *text;		/* the search as typed (q), or NULL */
	const char       *like;		/* NULL, or its LIKE pattern, checked
					   on the texts the index found     */
	enum product_sort sort;
};

/* One product row of the list as JSON (new reference). */
typedef json_t *(*product_json_fn)(void *ctx, const struct product_row *p);

/* The page of the public list q (rules P1, P2, P5): {items, total, page,
 * per_page}, each item fn(ctx, row). One statement with its total when
 * that is kept (021, 024: no search, or one of up to four characters
 * without a price range), else when the first page is short
 * (page_list_rows). NULL with *rc set on a failure. Read-only. */
json_t *db_product_page(struct db *db, const struct product_query *q,
    int64_t page, int64_t per_page, product_json_fn fn, void *ctx, int *rc);

/* The bureau's product list (issue 11): every round, listed or not,
 * newest first. */
struct bureau_product_query {
	int64_t     provider_id;	/* 0: every provider                */
	int         listed;		/* 1 listed, 0 delisted, -1 both    */
	const char *like;		/* NULL, or a LIKE pattern on the
					   product's or provider's name     */
};

/* The page of the bureau's list q: {items, total, page, per_page}, each
 * item fn(ctx, row) with the detail members and units_taken filled (detail
 * itself is left false: the callback sets it). NULL with *rc set on a
 * failure. */
json_t *db_bureau_product_page(struct db *db,
    const struct bureau_product_query *q, int64_t page, int64_t per_page,
    product_json_fn fn, void *ctx, int *rc);

/* Product id with its detail members. DB_NOTFOUND when there is none. */
int db_product_get(struct db *db, int64_t id, struct product_row *out,
    struct db_res **keep);

/* The twelve categories of P1 in their order, with the number of listed
 * products of round year in each: a JSON array of {code, name_zh,
 * name_en, product_count} (new reference) in *items. */
int db_category_list(struct db *db, int64_t year, json_t **items);

/* The round the catalog shows (P2, Y2): round_current(), read at most
 * every two seconds per worker thread (the bureau's switch shows at
 * once); 0 when there is no current round. */
int db_shown_round(struct db *db, int64_t *year);

/* The units that timed-out orders still hold (O4, O6), per product: they
 * are back on sale at read time even before the sweeper runs. */
struct due_row {
	int64_t product_id;
	int64_t n;
};

/* The due units at now as struct due_row rows; none when no deadline
 * has passed (the usual case, known from one cheap statement that a
 * public read (reuse) takes from what this thread read within the same
 * second). Free with db_rows_free(). */
int db_due_units(struct db *db, time_t now, bool reuse, struct db_rows *due);
/* The due units of product id in due (0 when none). */
int64_t due_units_of(const struct db_rows *due, int64_t id);

/* Whether a provider may have listed products (P7): its bar (V2) and
 * credit flag (E4, E14). */
struct provider_standing {
	time_t barred_until;		/* 0 when never barred              */
	bool   credit_flagged;
};
/* Provider id's standing. DB_NOTFOUND when there is none. */
int db_provider_standing(struct db *db, int64_t id,
    struct provider_standing *out);

/* A product row locked for a change (STMT_PRODUCT_LOCK). */
struct product_lock_row {
	int64_t     id;
	int64_t     provider_id;
	const char *name;
	const char *description;
	int64_t     market_price, voucher_price, unit_subsidy;
	int64_t     units_total, remaining_units, units_sold;
	int64_t     validity_days;
	bool        listed;
};

/* Product id, FOR UPDATE. DB_NOTFOUND when there is none. */
int db_product_lock(struct db *db, int64_t id, struct product_lock_row *out,
    struct db_res **keep);

/* A new product (P2-P4, P6), listed at once (A6). */
struct product_new {
	int64_t     round_year;
	int64_t     provider_id;
	const char *category;
	const char *name;
	const char *description;
	int64_t     market_price, voucher_price, unit_subsidy;
	int64_t     units;		/* total and remaining              */
	int64_t     validity_days;
};

/* Inserts p at now into *id. DB_NOTFOUND when its round is not in the
 * rounds table; DB_CONFLICT on an unknown provider or category. */
int db_product_insert(struct db *db, const struct product_new *p, time_t now,
    int64_t *id);

/* What a change sets on a product. */
struct product_change {
	const char *name;
	const char *description;
	int64_t     market_price, voucher_price, unit_subsidy;
	int64_t     units_total, remaining_units;
	int64_t     validity_days;
	bool        listed;
};

/* Writes c on product id at now. DB_NOTFOUND when nothing changed. */
int db_product_update(struct db *db, int64_t id,
    const struct product_change *c, time_t now);

/* product.c */
/* C1 ratings of product id (issue 11), on the read-only database:
 * *sums what they add up to (DB_NOTFOUND: no such product), and a page
 * of them, newest first, as {items: [{quality, timeliness, attitude,
 * comment, created_at}], total, page, per_page} - never the enterprise
 * or the order; total is the sums' n (one statement for the page). */
int db_product_evaluation_sums(struct db *db, int64_t id,
    struct evaluation_sums *sums);
json_t *db_product_evaluations(struct db *db, int64_t id, int64_t total,
    int64_t page, int64_t per_page, int *rc);

int category_list(struct req *r);
int product_list(struct req *r);
int product_get(struct req *r);
int product_evaluations(struct req *r);
int product_create(struct req *r);
int product_update(struct req *r);
int product_bureau_list(struct req *r);

#endif
