/*
 * slot_fold.c - the sweeper folds the small kept totals' per-connection
 * slots (slot_fold.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "db.h"
#include "lib_sql.h"
#include "slot_fold.h"

/* A table's row as its DBS_FOLD_*_LOCK statement returns it: up to three
 * key columns as text (NULL past the table's own), the slot, up to
 * FOLD_VALUES additive values (0 past the table's own). */
#define FOLD_VALUES 13

struct fold_row {
	const char *k1, *k2, *k3;
	int64_t     slot;
	int64_t     v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13;
};

static const struct db_col fold_cols[] = {
	DB_COL(struct fold_row, k1),
	DB_COL(struct fold_row, k2),
	DB_COL(struct fold_row, k3),
	DB_COL(struct fold_row, slot),
	DB_COL(struct fold_row, v1),
	DB_COL(struct fold_row, v2),
	DB_COL(struct fold_row, v3),
	DB_COL(struct fold_row, v4),
	DB_COL(struct fold_row, v5),
	DB_COL(struct fold_row, v6),
	DB_COL(struct fold_row, v7),
	DB_COL(struct fold_row, v8),
	DB_COL(struct fold_row, v9),
	DB_COL(struct fold_row, v10),
	DB_COL(struct fold_row, v11),
	DB_COL(struct fold_row, v12),
	DB_COL(struct fold_row, v13),
};
static const struct db_rowmap fold_map = DB_ROWMAP(struct fold_row,
    fold_cols);

/* The tables: their statements (lib_sql.c) and how many key columns and
 * values each has. */
static const struct fold_table {
	int lock, add, drop;
	int nk, nv;
} tables[] = {
	{ DBS_FOLD_STATS_ORDERS_LOCK, DBS_FOLD_STATS_ORDERS_ADD,
	  DBS_FOLD_STATS_ORDERS_DROP, 3, 2 },
	{ DBS_FOLD_STATS_QUOTA_LOCK, DBS_FOLD_STATS_QUOTA_ADD,
	  DBS_FOLD_STATS_QUOTA_DROP, 2, 3 },
	{ DBS_FOLD_STATS_STAGES_LOCK, DBS_FOLD_STATS_STAGES_ADD,
	  DBS_FOLD_STATS_STAGES_DROP, 1, 13 },
	{ DBS_FOLD_CLAIM_COUNTS_LOCK, DBS_FOLD_CLAIM_COUNTS_ADD,
	  DBS_FOLD_CLAIM_COUNTS_DROP, 1, 1 },
	{ DBS_FOLD_CERT_COUNTS_LOCK, DBS_FOLD_CERT_COUNTS_ADD,
	  DBS_FOLD_CERT_COUNTS_DROP, 2, 1 },
	{ DBS_FOLD_APP_COUNTS_LOCK, DBS_FOLD_APP_COUNTS_ADD,
	  DBS_FOLD_APP_COUNTS_DROP, 1, 1 },
	{ DBS_FOLD_AUDIT_COUNTS_LOCK, DBS_FOLD_AUDIT_COUNTS_ADD,
	  DBS_FOLD_AUDIT_COUNTS_DROP, 1, 1 },
};

static const char *
key_of(const struct fold_row *r, int i)
{
	return i == 0 ? r->k1 : i == 1 ? r->k2 : r->k3;
}

static int64_t *
value_of(struct fold_row *r, int i)
{
	int64_t *v[FOLD_VALUES] = { &r->v1, &r->v2, &r->v3, &r->v4, &r->v5,
	    &r->v6, &r->v7, &r->v8, &r->v9, &r->v10, &r->v11, &r->v12,
	    &r->v13 };

	return v[i];
}

/* Whether rows a and b hold the same key (nk columns). */
static bool
same_key(const struct fold_row *a, const struct fold_row *b, int nk)
{
	for (int i = 0; i < nk; i++) {
		const char *x = key_of(a, i), *y = key_of(b, i);

		if (x == NULL || y == NULL ? x != y : strcmp(x, y) != 0)
			return false;
	}
	return true;
}

struct fold_tx {
	const struct fold_table *t;
	long                     rows;   /* out: slot rows folded away */
};

/* One table: every row no writer holds, locked in key order; each key's
 * other locked slots added into its first and deleted (by their primary
 * key: nothing else is read or locked). */
static int
fold_tx(struct db *db, void *arg)
{
	struct fold_tx *x = arg;
	const struct fold_table *t = x->t;
	struct db_rows rows;
	struct fold_row *r;
	int rc;

	x->rows = 0;
	rc = db_all(db, t->lock, NULL, 0, &fold_map, &rows);
	if (rc != DB_OK)
		return rc;
	r = rows.v;
	for (size_t i = 0, j; i < rows.n && rc == DB_OK; i = j) {
		struct fold_row sum = { 0 };
		struct db_param p[FOLD_VALUES + 4];
		size_t np = 0;

		for (j = i + 1; j < rows.n && same_key(&r[i], &r[j], t->nk); j++)
			for (int v = 0; v < t->nv; v++)
				*value_of(&sum, v) += *value_of(&r[j], v);
		if (j == i + 1)
			continue;               /* one slot: nothing to fold */
		for (int v = 0; v < t->nv; v++)
			p[np++] = DB_I64(*value_of(&sum, v));
		for (int k = 0; k < t->nk; k++)
			p[np++] = DB_STR(key_of(&r[i], k));
		p[np++] = DB_I64(r[i].slot);
		rc = db_exec(db, t->add, p, np, NULL, NULL, NULL);
		for (size_t d = i + 1; d < j && rc == DB_OK; d++) {
			np = 0;
			for (int k = 0; k < t->nk; k++)
				p[np++] = DB_STR(key_of(&r[d], k));
			p[np++] = DB_I64(r[d].slot);
			rc = db_exec(db, t->drop, p, np, NULL, NULL, NULL);
			x->rows++;
		}
	}
	db_rows_free(&rows);
	return rc;
}

long
slot_fold(struct db *db)
{
	long total = 0;

	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		struct fold_tx x = { .t = &tables[i] };

		if (db_tx(db, fold_tx, &x) != DB_OK)
			return -1;
		total += x.rows;
	}
	return total;
}
