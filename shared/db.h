/*
 * db.h - one MariaDB connection per worker thread, with its statements
 * prepared once (lazily, at first use) and again after a reconnect;
 * typed parameters; results fetched whole into memory; transactions with
 * bounded retry on deadlock (1213), lock wait timeout (1205) and snapshot
 * conflict (1020).
 *
 * Statement ids: a program passes its own array of SQL strings to
 * db_open(); its ids are 0..n-1. The shared library's own statements
 * (sessions, audit) have negative ids, declared in db_shared.h.
 */
#ifndef VOUCHER_DB_H
#define VOUCHER_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
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
};

struct db;

/* Creates a connection handle for dc and the program's statements (the
 * array must outlive the handle). Connects lazily. Free with db_close(). */
struct db *db_open(const struct db_config *dc, const char *const *stmts,
    size_t nstmts);
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

/* Result access (row r, column c); out-of-range is a programming error. */
const struct db_val *db_val(const struct db_res *res, size_t r, size_t c);
int64_t     db_i64(const struct db_res *res, size_t r, size_t c);
const char *db_str(const struct db_res *res, size_t r, size_t c);
bool        db_isnull(const struct db_res *res, size_t r, size_t c);
/* Index of column name, or -1. */
int         db_col(const struct db_res *res, const char *name);

/* Row r as a JSON object keyed by column alias: integers as integers,
 * TINYINT(1) as booleans, DATETIME as "YYYY-MM-DDTHH:MM:SSZ", DATE as
 * "YYYY-MM-DD", BLOB as lowercase hex, NULL as null. New reference. */
json_t *db_row_json(const struct db_res *res, size_t r);
/* All rows as a JSON array of such objects. New reference. */
json_t *db_rows_json(const struct db_res *res);

void db_res_free(struct db_res *res);

/* Counters for /metrics (process-wide). */
uint64_t db_error_count(void);
uint64_t db_retry_count(void);

#endif
