/*
 * db.h - one MariaDB connection per worker thread, with its statements
 * prepared once (lazily, at first use) and again after a reconnect;
 * typed parameters; results fetched whole into memory; transactions with
 * bounded retry on deadlock (1213), lock wait timeout (1205) and snapshot
 * conflict (1020).
 *
 * Statements are named: a program declares its SQL as a table of
 * struct db_stmt indexed by its own enum (DB_STMT(STMT_X, "SELECT …")).
 * db_open() takes the program's table and the domain layer's; ids below
 * DB_LIB_BASE are the program's, ids from DB_LIB_BASE on the library's.
 * The driver knows no SQL of its own.
 *
 * Parameters are passed as DB_ARGS(DB_I64(id), DB_STR(name)): the count
 * is computed, never typed. Results are read into named row structs by
 * column alias (struct db_rowmap, DB_COL): a reordered SELECT still fills
 * the same fields, and a missing or mistyped column is an error naming
 * the statement and the column.
 */
#ifndef VOUCHER_DB_H
#define VOUCHER_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "config.h"

enum db_status {
	DB_ERROR    = -1,  /* server or programming error: logged, a 5xx    */
	DB_OK       = 0,
	DB_NOTFOUND = 1,   /* no row (query) or no row changed (guarded DML) */
	DB_CONFLICT = 2,   /* duplicate key (1062) or foreign key (1451/1452)*/
	DB_RETRY    = 3,   /* deadlock / snapshot conflict: retry the tx     */
	DB_APP      = 100  /* first value free for a program's tx results    */
};

enum db_ptype {
	DBP_NULL,
	DBP_I64,
	DBP_STR,       /* text; NULL s binds SQL NULL                        */
	DBP_BLOB,      /* bytes                                              */
	DBP_TIME,      /* time_t as a UTC DATETIME                           */
	DBP_DATE       /* calendar date: i = y*10000 + m*100 + d             */
};

/* One named statement of a table. */
struct db_stmt {
	const char *name;            /* "STMT_ORDER_INSERT": logs, metrics  */
	const char *sql;
};
#define DB_STMT(id, text) [id] = { #id, text }

/* A table of statements: the program's own, or the library's. */
struct db_stmts {
	const struct db_stmt *v;
	size_t                n;
};

/* Ids from here on name the library's statements (domain layer). */
#define DB_LIB_BASE 4096

struct db_param {
	enum db_ptype t;
	int64_t       i;
	const void   *s;
	size_t        len;
};

#define DB_I64(v)   ((struct db_param){ .t = DBP_I64, .i = (int64_t)(v) })
/* A text parameter; NULL binds SQL NULL. */
static inline struct db_param
db_param_str(const char *v)
{
	struct db_param p = { .t = v ? DBP_STR : DBP_NULL, .s = v,
	    .len = v ? strlen(v) : 0 };

	return p;
}
#define DB_STR(v)   db_param_str(v)
#define DB_STRN(v, n) ((struct db_param){ .t = DBP_STR, .s = (v), .len = (n) })
#define DB_BLOB(v, n) ((struct db_param){ .t = DBP_BLOB, .s = (v), .len = (n) })
#define DB_TIME(v)  ((struct db_param){ .t = DBP_TIME, .i = (int64_t)(v) })
#define DB_DATE(y, m, d) ((struct db_param){ .t = DBP_DATE, \
			.i = (int64_t)(y) * 10000 + (m) * 100 + (d) })
#define DB_NULLP    ((struct db_param){ .t = DBP_NULL })
#define DB_BOOL(v)  DB_I64((v) ? 1 : 0)

/* A parameter list with its computed length: DB_ARGS(DB_I64(a), …). */
#define DB_ARGS(...) \
	(const struct db_param[]){ __VA_ARGS__ }, \
	(sizeof((const struct db_param[]){ __VA_ARGS__ }) / \
	    sizeof(struct db_param))
#define DB_NOARGS   (const struct db_param *)NULL, (size_t)0

/* The kind of a result column, chosen from its SQL type. */
enum db_ctype {
	DBC_INT,       /* integer types, DECIMAL of scale 0 (SUM)          */
	DBC_BOOL,      /* TINYINT(1)                                        */
	DBC_TEXT,      /* strings, other DECIMAL, JSON, ENUM                */
	DBC_BLOB,      /* BINARY/VARBINARY/BLOB                             */
	DBC_DATETIME,  /* DATETIME/TIMESTAMP, UTC                           */
	DBC_DATE       /* DATE                                              */
};

struct db_val {
	bool     null;
	int64_t  i;      /* INT, BOOL; DATETIME: time_t; DATE: y*10000+m*100+d */
	char    *s;      /* TEXT/BLOB bytes, NUL-terminated; DATE "YYYY-MM-DD" */
	size_t   len;
};

/* A whole result set. Free with db_res_free(). */
struct db_res {
	size_t          nrows;
	size_t          ncols;
	char          **names;     /* column aliases                          */
	enum db_ctype  *types;
	struct db_val  *vals;      /* nrows * ncols, row-major                */
	const char     *stmt;      /* the statement's name, for errors        */
};

struct db;

/* ---- typed rows ------------------------------------------------------
 * A row struct's fields are bound to result columns by alias:
 *
 *     struct quota_row { int64_t cap, occupied; };
 *     static const struct db_col quota_cols[] = {
 *             DB_COL(struct quota_row, cap),
 *             DB_COL(struct quota_row, occupied),
 *     };
 *     static const struct db_rowmap quota_map = DB_ROWMAP(struct quota_row,
 *         quota_cols);
 *
 * Member kinds follow the member's C type: int64_t (and time_t) takes an
 * integer, DATETIME (time_t, UTC) or DATE (y*10000+m*100+d) column; int
 * the same, range-checked; bool an integer or TINYINT(1); const char * a
 * text, blob or DATE ("YYYY-MM-DD") column, borrowed from the result that
 * owns the row. SQL NULL gives 0, false or NULL; DB_COL_NULL records
 * whether a column was NULL. Any other member type does not compile. */
enum db_kind {
	DBK_I64,
	DBK_INT,
	DBK_BOOL,
	DBK_STR,
	DBK_ISNULL      /* bool: the column is SQL NULL                      */
};

struct db_col {
	const char   *name;          /* the column alias                      */
	enum db_kind  kind;
	size_t        off;           /* offsetof the member                   */
};

#define DB_KIND_OF(x) _Generic((x), \
	long: DBK_I64, long long: DBK_I64, int: DBK_INT, bool: DBK_BOOL, \
	const char *: DBK_STR)
/* Member m filled from the column of the same name / of alias col. */
#define DB_COL(T, m)        { #m, DB_KIND_OF(((T *)0)->m), offsetof(T, m) }
#define DB_COL_AS(T, m, col) { col, DB_KIND_OF(((T *)0)->m), offsetof(T, m) }
/* bool member m: whether column col is NULL. */
#define DB_COL_NULL(T, m, col) { col, \
	_Generic(((T *)0)->m, bool: DBK_ISNULL), offsetof(T, m) }

struct db_rowmap {
	const struct db_col *cols;
	size_t               ncols;
	size_t               size;   /* sizeof the row struct                  */
};
#define DB_ROWMAP(T, cols) { (cols), sizeof(cols) / sizeof((cols)[0]), \
	sizeof(T) }

/* Rows of one row struct, with the result that owns their strings.
 * Free with db_rows_free(). */
struct db_rows {
	size_t          n;
	void           *v;           /* n row structs                          */
	struct db_res  *res;
};

/* Creates a connection handle for dc with the program's statements and
 * the library's (lib may be NULL; both tables must outlive the handle).
 * Connects lazily. Free with db_close(). */
struct db *db_open(const struct db_config *dc, const struct db_stmts *app,
    const struct db_stmts *lib);
void db_close(struct db *db);

/* Connects if needed and pings. Returns DB_OK or DB_ERROR. */
int db_ping(struct db *db);

/* Runs statement id with params. For a SELECT, *res receives the rows
 * (res may be NULL to discard them); for DML, affected / insert_id are
 * set when non-NULL. Returns DB_OK, DB_CONFLICT, DB_RETRY or DB_ERROR.
 * Outside a transaction a lost connection is re-opened and the statement
 * run once more. */
int db_exec(struct db *db, int id, const struct db_param *params,
    size_t nparams, struct db_res **res, uint64_t *affected,
    uint64_t *insert_id);

/* db_exec for a SELECT: DB_NOTFOUND when it returned no row. */
int db_query(struct db *db, int id, const struct db_param *params,
    size_t nparams, struct db_res **res);

/* db_exec for DML: DB_NOTFOUND when no row changed (guarded UPDATE). */
int db_dml(struct db *db, int id, const struct db_param *params,
    size_t nparams, uint64_t *insert_id);

/* A transaction body: returns DB_OK to commit, DB_RETRY to retry, or
 * anything else to roll back and return it from db_tx(). */
typedef int (*db_tx_fn)(struct db *db, void *ctx);

/* Runs fn in a transaction, retrying up to 5 times on DB_RETRY (with a
 * short randomised back-off). fn must reset its outputs on entry. */
int db_tx(struct db *db, db_tx_fn fn, void *ctx);

/* True while a transaction is open. */
bool db_in_tx(const struct db *db);

/* Runs SELECT id and fills every row into rows (zero rows: DB_OK, n 0).
 * Returns DB_OK or a DB_* failure; rows is empty unless DB_OK. */
int db_all(struct db *db, int id, const struct db_param *params,
    size_t nparams, const struct db_rowmap *map, struct db_rows *rows);

/* Runs SELECT id and fills its first row into *row. Strings borrow from
 * *keep, which the caller frees with db_res_free(); keep may be NULL for
 * a map without strings. Returns DB_OK, DB_NOTFOUND or a failure. */
int db_one(struct db *db, int id, const struct db_param *params,
    size_t nparams, const struct db_rowmap *map, void *row,
    struct db_res **keep);

/* Runs SELECT id and calls fn for each row (strings valid during the
 * call); a non-zero return from fn stops and is returned. */
typedef int (*db_row_fn)(void *ctx, const void *row);
int db_each(struct db *db, int id, const struct db_param *params,
    size_t nparams, const struct db_rowmap *map, db_row_fn fn, void *ctx);

/* Fills row r of res into *row by map. DB_OK or DB_ERROR (a column of the
 * map missing or of another kind: logged, naming it). */
int db_res_row(const struct db_res *res, size_t r, const struct db_rowmap *map,
    void *row);

void db_rows_free(struct db_rows *rows);

/* The single integer of a one-column, one-row SELECT (COUNT(*) …). */
int db_scalar(struct db *db, int id, const struct db_param *params,
    size_t nparams, int64_t *out);

/* Prints every statement of stmts to out as JSON lines {"program":
 * origin, "name", "sql"} (the --dump-sql of the programs and voucherctl:
 * tests/integration/test_explain.py EXPLAINs them). Returns 0, or -1 on
 * a write error. */
int db_stmts_dump(FILE *out, const char *origin, const struct db_stmts *stmts);

/* The name of statement id, for logs ("STMT_ORDER_INSERT"). */
const char *db_stmt_name(const struct db *db, int id);

/* Result access (row r, column c); out of range aborts (a programming
 * error, never a silent out-of-bounds read). */
const struct db_val *db_val(const struct db_res *res, size_t r, size_t c);
int64_t     db_i64(const struct db_res *res, size_t r, size_t c);
const char *db_str(const struct db_res *res, size_t r, size_t c);
bool        db_isnull(const struct db_res *res, size_t r, size_t c);
/* Index of column name; an unknown name aborts (a programming error). */
size_t      db_col(const struct db_res *res, const char *name);
/* Index of column name, or -1 when the result has no such column. */
int         db_col_find(const struct db_res *res, const char *name);

/* Row r as a JSON object keyed by column alias: integers as integers,
 * TINYINT(1) as booleans, DATETIME as "YYYY-MM-DDTHH:MM:SSZ", DATE as
 * "YYYY-MM-DD", BLOB as lowercase hex, NULL as null. New reference. */
json_t *db_row_json(const struct db_res *res, size_t r);
/* All rows as a JSON array of such objects. New reference. */
json_t *db_rows_json(const struct db_res *res);

void db_res_free(struct db_res *res);

/* A read-only handle (VOUCHER_DB_RO_*) whose server cannot be reached
 * runs its statements on rw instead, and tries its own again after a few
 * seconds; db_ping falls back the same way. */
void db_set_fallback(struct db *ro, struct db *rw);

/* Counters for /metrics (process-wide). */
uint64_t db_error_count(void);
uint64_t db_retry_count(void);
uint64_t db_ro_fallback_count(void);   /* statements moved off the replica */

#endif
