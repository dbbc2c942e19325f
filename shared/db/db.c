/*
 * db.c - MariaDB Connector/C behind a small typed interface (see db.h).
 *
 * Every statement is a server-side prepared statement, prepared on first
 * use on this connection and re-prepared after a reconnect. Results are
 * fetched whole (mysql_stmt_store_result) into a struct db_res owned by the
 * caller. Errors are classified once here, so callers see DB_OK /
 * DB_NOTFOUND / DB_CONFLICT / DB_RETRY / DB_ERROR only.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>

#include "buf.h"
#include "clock.h"
#include "db.h"
#include "log.h"

#define DB_TX_ATTEMPTS 5

struct db {
	const struct db_config *dc;
	MYSQL               *my;           /* NULL while disconnected     */
	bool                 in_tx;
	struct db_stmts      sets[2];      /* the program's, the library's */
	MYSQL_STMT         **slots[2];     /* one per statement of a set  */
	unsigned             seed;         /* back-off jitter             */
	struct db           *fallback;     /* read-only: the write handle */
	time_t               ro_down_until;/* replica skipped until then  */
};

static atomic_ullong db_errors;
static atomic_ullong db_retries;
static atomic_ullong db_ro_fallbacks;

/* Seconds a read-only handle whose server is unreachable sends its
 * statements to the write connection before trying the replica again. */
#define DB_RO_RETRY_SECONDS 5

uint64_t
db_error_count(void)
{
	return atomic_load(&db_errors);
}

uint64_t
db_retry_count(void)
{
	return atomic_load(&db_retries);
}

uint64_t
db_ro_fallback_count(void)
{
	return atomic_load(&db_ro_fallbacks);
}

void
db_set_fallback(struct db *ro, struct db *rw)
{
	ro->fallback = ro != rw ? rw : NULL;
}

/* What an error number means to a caller. */
enum db_errclass {
	ERRC_OTHER,
	ERRC_CONFLICT,
	ERRC_RETRY,
	ERRC_LOST,
	ERRC_REPREPARE
};

static enum db_errclass
db_classify(unsigned int err)
{
	switch (err) {
	case ER_DUP_ENTRY:              /* 1062 */
	case ER_ROW_IS_REFERENCED_2:    /* 1451 */
	case ER_NO_REFERENCED_ROW_2:    /* 1452 */
		return ERRC_CONFLICT;
	case ER_LOCK_DEADLOCK:          /* 1213 */
	case ER_CHECKREAD:              /* 1020: snapshot conflict */
	case ER_LOCK_WAIT_TIMEOUT:      /* 1205 */
		return ERRC_RETRY;
	case CR_SERVER_GONE_ERROR:      /* 2006 */
	case CR_SERVER_LOST:            /* 2013 */
	case CR_CONNECTION_ERROR:       /* 2002 */
	case CR_CONN_HOST_ERROR:        /* 2003 */
	case ER_CONNECTION_KILLED:      /* 1927 */
	case 4031:                      /* disconnected: inactivity */
	case 2055:                      /* lost connection at '%s' */
		return ERRC_LOST;
	case ER_NEED_REPREPARE:         /* 1615 */
		return ERRC_REPREPARE;
	default:
		return ERRC_OTHER;
	}
}

struct db *
db_open(const struct db_config *dc, const struct db_stmts *app,
    const struct db_stmts *lib)
{
	struct db *db = xcalloc(1, sizeof(*db));

	db->dc = dc;
	if (app != NULL)
		db->sets[0] = *app;
	if (lib != NULL)
		db->sets[1] = *lib;
	for (size_t s = 0; s < 2; s++) {
		if (db->sets[s].n >= DB_LIB_BASE) {
			log_msg(LOG_ERROR, NULL, "db: too many statements");
			abort();
		}
		db->slots[s] = xcalloc(db->sets[s].n ? db->sets[s].n : 1,
		    sizeof(*db->slots[s]));
	}
	db->seed = (unsigned)time(NULL) ^ (unsigned)(uintptr_t)db;
	return db;
}

static void
db_disconnect(struct db *db)
{
	for (size_t s = 0; s < 2; s++)
		for (size_t i = 0; i < db->sets[s].n; i++) {
			if (db->slots[s][i] != NULL)
				mysql_stmt_close(db->slots[s][i]);
			db->slots[s][i] = NULL;
		}
	if (db->my != NULL)
		mysql_close(db->my);
	db->my = NULL;
	db->in_tx = false;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	db_disconnect(db);
	free(db->slots[0]);
	free(db->slots[1]);
	free(db);
}

static int
db_connect(struct db *db)
{
	const struct db_config *dc = db->dc;
	unsigned int timeout = 5, rwtimeout = 30;
	MYSQL *my;

	if (db->my != NULL)
		return DB_OK;
	if ((my = mysql_init(NULL)) == NULL)
		return DB_ERROR;
	mysql_options(my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(my, MYSQL_OPT_READ_TIMEOUT, &rwtimeout);
	mysql_options(my, MYSQL_OPT_WRITE_TIMEOUT, &rwtimeout);
	mysql_options(my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(my, MYSQL_INIT_COMMAND,
	    "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,"
	    "NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
	    "NO_ENGINE_SUBSTITUTION'");
	if (mysql_real_connect(my, dc->host, dc->user, dc->password, dc->name,
	    dc->port, dc->host ? NULL : dc->socket, CLIENT_FOUND_ROWS) == NULL) {
		log_msg(LOG_ERROR, NULL, "db connect (%s@%s): %s", dc->user,
		    dc->host ? dc->host : dc->socket, mysql_error(my));
		atomic_fetch_add(&db_errors, 1);
		mysql_close(my);
		return DB_ERROR;
	}
	db->my = my;
	return DB_OK;
}

int
db_ping(struct db *db)
{
	if (db_connect(db) != DB_OK)
		return db->fallback ? db_ping(db->fallback) : DB_ERROR;
	if (mysql_ping(db->my) != 0) {
		db_disconnect(db);
		if (db_connect(db) != DB_OK || mysql_ping(db->my) != 0)
			return db->fallback ? db_ping(db->fallback) : DB_ERROR;
	}
	return DB_OK;
}

bool
db_in_tx(const struct db *db)
{
	return db->in_tx;
}

/* The statement of id, or NULL when no table has it. */
static const struct db_stmt *
db_stmt_of(const struct db *db, int id)
{
	size_t set = id >= DB_LIB_BASE, i;

	if (id < 0)
		return NULL;
	i = (size_t)id - (set ? DB_LIB_BASE : 0);
	if (i >= db->sets[set].n || db->sets[set].v[i].sql == NULL)
		return NULL;
	return &db->sets[set].v[i];
}

const char *
db_stmt_name(const struct db *db, int id)
{
	const struct db_stmt *s = db_stmt_of(db, id);

	return s != NULL && s->name != NULL ? s->name : "?";
}

static const char *
db_sql(const struct db *db, int id)
{
	const struct db_stmt *s = db_stmt_of(db, id);

	return s != NULL ? s->sql : NULL;
}

static MYSQL_STMT **
db_slot(struct db *db, int id)
{
	size_t set = id >= DB_LIB_BASE;

	return &db->slots[set][(size_t)id - (set ? DB_LIB_BASE : 0)];
}

/* The prepared statement id, preparing it if needed; NULL with *err set. */
static MYSQL_STMT *
db_stmt(struct db *db, int id, unsigned int *err)
{
	const char *sql = db_sql(db, id);
	MYSQL_STMT **slot, *st;
	my_bool one = 1;

	*err = 0;
	if (sql == NULL) {
		log_msg(LOG_ERROR, NULL, "db: no statement %d", id);
		abort();	/* a programming error */
		return NULL;
	}
	if (db_connect(db) != DB_OK) {
		*err = CR_SERVER_GONE_ERROR;
		return NULL;
	}
	slot = db_slot(db, id);
	if (*slot != NULL)
		return *slot;
	if ((st = mysql_stmt_init(db->my)) == NULL) {
		*err = mysql_errno(db->my);
		return NULL;
	}
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		*err = mysql_stmt_errno(st);
		log_msg(LOG_ERROR, NULL, "db prepare %s: %s [%s]",
		    db_stmt_name(db, id), mysql_stmt_error(st), sql);
		mysql_stmt_close(st);
		return NULL;
	}
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &one);
	*slot = st;
	return st;
}

static void
time_to_mysql(time_t t, MYSQL_TIME *tm)
{
	struct tm g;

	gmtime_r(&t, &g);
	memset(tm, 0, sizeof(*tm));
	tm->year = (unsigned)g.tm_year + 1900;
	tm->month = (unsigned)g.tm_mon + 1;
	tm->day = (unsigned)g.tm_mday;
	tm->hour = (unsigned)g.tm_hour;
	tm->minute = (unsigned)g.tm_min;
	tm->second = (unsigned)g.tm_sec;
	tm->time_type = MYSQL_TIMESTAMP_DATETIME;
}

static time_t
mysql_to_time(const MYSQL_TIME *tm)
{
	long days = clock_days_from_civil((int)tm->year, (int)tm->month,
	    (int)tm->day);

	return (time_t)days * 86400 + tm->hour * 3600 + tm->minute * 60 +
	    tm->second;
}

static enum db_ctype
db_ctype_of(const MYSQL_FIELD *f)
{
	switch (f->type) {
	case MYSQL_TYPE_TINY:
		return f->length == 1 ? DBC_BOOL : DBC_INT;
	case MYSQL_TYPE_SHORT:
	case MYSQL_TYPE_LONG:
	case MYSQL_TYPE_LONGLONG:
	case MYSQL_TYPE_INT24:
	case MYSQL_TYPE_YEAR:
		return DBC_INT;
	case MYSQL_TYPE_DECIMAL:
	case MYSQL_TYPE_NEWDECIMAL:
		/* SUM() of integers is a DECIMAL of scale 0: an integer */
		return f->decimals == 0 ? DBC_INT : DBC_TEXT;
	case MYSQL_TYPE_DATETIME:
	case MYSQL_TYPE_TIMESTAMP:
		return DBC_DATETIME;
	case MYSQL_TYPE_DATE:
		return DBC_DATE;
	case MYSQL_TYPE_TINY_BLOB:
	case MYSQL_TYPE_MEDIUM_BLOB:
	case MYSQL_TYPE_LONG_BLOB:
	case MYSQL_TYPE_BLOB:
	case MYSQL_TYPE_STRING:
	case MYSQL_TYPE_VAR_STRING:
	case MYSQL_TYPE_VARCHAR:
		return f->charsetnr == 63 ? DBC_BLOB : DBC_TEXT;
	default:
		return DBC_TEXT;
	}
}

/* Fetches the whole result of an executed statement into *out. */
static int
db_fetch(MYSQL_STMT *st, MYSQL_RES *meta, struct db_res **out)
{
	struct db_res *res = xcalloc(1, sizeof(*res));
	MYSQL_FIELD *fields;
	MYSQL_BIND *b = NULL;
	MYSQL_TIME *tms = NULL;
	int64_t *ints = NULL;
	char **bufs = NULL;
	unsigned long *lens = NULL;
	my_bool *nulls = NULL;
	size_t nc = 0, cap = 0;
	int rc = DB_ERROR, frc;

	if (mysql_stmt_store_result(st) != 0)
		goto fail;
	nc = mysql_num_fields(meta);
	fields = mysql_fetch_fields(meta);
	res->ncols = nc;
	res->names = xcalloc(nc, sizeof(*res->names));
	res->types = xcalloc(nc, sizeof(*res->types));
	b = xcalloc(nc, sizeof(*b));
	tms = xcalloc(nc, sizeof(*tms));
	ints = xcalloc(nc, sizeof(*ints));
	bufs = xcalloc(nc, sizeof(*bufs));
	lens = xcalloc(nc, sizeof(*lens));
	nulls = xcalloc(nc, sizeof(*nulls));
	for (size_t c = 0; c < nc; c++) {
		res->names[c] = xstrdup(fields[c].name);
		res->types[c] = db_ctype_of(&fields[c]);
		b[c].is_null = &nulls[c];
		b[c].length = &lens[c];
		switch (res->types[c]) {
		case DBC_INT:
		case DBC_BOOL:
			b[c].buffer_type = MYSQL_TYPE_LONGLONG;
			b[c].buffer = &ints[c];
			b[c].is_unsigned = (fields[c].flags & UNSIGNED_FLAG) != 0;
			break;
		case DBC_DATETIME:
			b[c].buffer_type = MYSQL_TYPE_DATETIME;
			b[c].buffer = &tms[c];
			break;
		case DBC_DATE:
			b[c].buffer_type = MYSQL_TYPE_DATE;
			b[c].buffer = &tms[c];
			break;
		case DBC_TEXT:
		case DBC_BLOB:
			b[c].buffer_type = res->types[c] == DBC_BLOB ?
			    MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING;
			bufs[c] = xmalloc(fields[c].max_length + 1);
			b[c].buffer = bufs[c];
			b[c].buffer_length = fields[c].max_length + 1;
			break;
		}
	}
	if (mysql_stmt_bind_result(st, b) != 0)
		goto fail;
	while ((frc = mysql_stmt_fetch(st)) == 0 || frc == MYSQL_DATA_TRUNCATED) {
		struct db_val *row;

		if (frc == MYSQL_DATA_TRUNCATED)
			goto fail;	/* max_length said otherwise: a bug */
		if (res->nrows == cap) {
			cap = cap ? cap * 2 : 16;
			res->vals = xrealloc(res->vals,
			    cap * nc * sizeof(*res->vals));
		}
		row = &res->vals[res->nrows * nc];
		for (size_t c = 0; c < nc; c++) {
			struct db_val *v = &row[c];
			const MYSQL_TIME *tm = &tms[c];

			memset(v, 0, sizeof(*v));
			if ((v->null = nulls[c]))
				continue;
			switch (res->types[c]) {
			case DBC_INT:
			case DBC_BOOL:
				v->i = ints[c];
				break;
			case DBC_DATETIME:
				v->i = (int64_t)mysql_to_time(tm);
				break;
			case DBC_DATE:
				v->i = (int64_t)tm->year * 10000 +
				    tm->month * 100 + tm->day;
				v->s = xmalloc(11);
				snprintf(v->s, 11, "%04u-%02u-%02u",
				    tm->year % 10000, tm->month % 100,
				    tm->day % 100);
				v->len = 10;
				break;
			case DBC_TEXT:
			case DBC_BLOB:
				v->len = lens[c];
				v->s = xstrndup(bufs[c], lens[c]);
				break;
			}
		}
		res->nrows++;
	}
	if (frc != MYSQL_NO_DATA)
		goto fail;
	*out = res;
	res = NULL;
	rc = DB_OK;
fail:
	if (rc != DB_OK)
		log_msg(LOG_ERROR, NULL, "db fetch: %s", mysql_stmt_error(st));
	mysql_stmt_free_result(st);
	for (size_t c = 0; bufs != NULL && c < nc; c++)
		free(bufs[c]);
	free(b);
	free(tms);
	free(ints);
	free(bufs);
	free(lens);
	free(nulls);
	db_res_free(res);
	return rc;
}

/* One attempt; *errclass tells the caller whether to reconnect. */
static int
db_exec_once(struct db *db, int id, const struct db_param *params,
    size_t nparams, struct db_res **res, uint64_t *affected,
    uint64_t *insert_id, enum db_errclass *errclass)
{
	MYSQL_STMT *st;
	MYSQL_BIND *b = NULL;
	MYSQL_TIME *tms = NULL;
	MYSQL_RES *meta = NULL;
	unsigned int err;
	int rc = DB_ERROR;

	*errclass = ERRC_OTHER;
	if ((st = db_stmt(db, id, &err)) == NULL) {
		*errclass = db_classify(err);
		goto fail;
	}
	if (mysql_stmt_param_count(st) != nparams) {
		log_msg(LOG_ERROR, NULL, "db: statement %s wants %lu params, "
		    "got %zu", db_stmt_name(db, id),
		    mysql_stmt_param_count(st), nparams);
		goto fail;
	}
	b = xcalloc(nparams, sizeof(*b));
	tms = xcalloc(nparams, sizeof(*tms));
	for (size_t i = 0; i < nparams; i++) {
		const struct db_param *p = &params[i];

		switch (p->t) {
		case DBP_NULL:
			b[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		case DBP_I64:
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = (void *)(uintptr_t)&p->i;
			break;
		case DBP_STR:
		case DBP_BLOB:
			b[i].buffer_type = p->t == DBP_STR ?
			    MYSQL_TYPE_STRING : MYSQL_TYPE_BLOB;
			b[i].buffer = (void *)(uintptr_t)p->s;
			b[i].buffer_length = p->len;
			break;
		case DBP_TIME:
			time_to_mysql((time_t)p->i, &tms[i]);
			b[i].buffer_type = MYSQL_TYPE_DATETIME;
			b[i].buffer = &tms[i];
			break;
		case DBP_DATE:
			tms[i].year = (unsigned)(p->i / 10000);
			tms[i].month = (unsigned)(p->i / 100 % 100);
			tms[i].day = (unsigned)(p->i % 100);
			tms[i].time_type = MYSQL_TIMESTAMP_DATE;
			b[i].buffer_type = MYSQL_TYPE_DATE;
			b[i].buffer = &tms[i];
			break;
		}
	}
	if ((nparams > 0 && mysql_stmt_bind_param(st, b) != 0) ||
	    mysql_stmt_execute(st) != 0) {
		err = mysql_stmt_errno(st);
		*errclass = db_classify(err);
		switch (*errclass) {
		case ERRC_CONFLICT:
			rc = DB_CONFLICT;
			break;
		case ERRC_RETRY:
			atomic_fetch_add(&db_retries, 1);
			rc = DB_RETRY;
			break;
		default:
			log_msg(LOG_ERROR, NULL, "db exec %s: %u %s",
			    db_stmt_name(db, id), err, mysql_stmt_error(st));
			rc = DB_ERROR;
			break;
		}
		goto fail;
	}
	if ((meta = mysql_stmt_result_metadata(st)) == NULL) {
		if (affected != NULL)
			*affected = mysql_stmt_affected_rows(st);
		if (insert_id != NULL)
			*insert_id = mysql_stmt_insert_id(st);
		rc = DB_OK;
	} else if (res != NULL) {
		rc = db_fetch(st, meta, res);
		if (rc == DB_OK)
			(*res)->stmt = db_stmt_name(db, id);
		else
			log_msg(LOG_ERROR, NULL, "db fetch %s failed",
			    db_stmt_name(db, id));
	} else {
		mysql_stmt_free_result(st);
		rc = DB_OK;
	}
fail:
	if (meta != NULL)
		mysql_free_result(meta);
	free(b);
	free(tms);
	if (rc == DB_ERROR)
		atomic_fetch_add(&db_errors, 1);
	return rc;
}

/* A read-only handle whose server cannot be reached (the connection is
 * gone after db_exec's reconnect) runs the statement on the write
 * connection instead, counted (voucher_db_ro_fallback_total), and skips
 * the replica for DB_RO_RETRY_SECONDS before trying it again. */
static int
db_exec_ro(struct db *db, int id, const struct db_param *params,
    size_t nparams, struct db_res **res, uint64_t *affected,
    uint64_t *insert_id)
{
	struct db *rw = db->fallback;
	time_t now = time(NULL);
	int rc;

	if (now >= db->ro_down_until) {
		db->fallback = NULL;
		rc = db_exec(db, id, params, nparams, res, affected, insert_id);
		db->fallback = rw;
		if (rc != DB_ERROR || db->my != NULL)
			return rc;
		log_msg(LOG_WARN, NULL, "db: read-only server unreachable, "
		    "reading from the write connection for %d s",
		    DB_RO_RETRY_SECONDS);
		db->ro_down_until = now + DB_RO_RETRY_SECONDS;
	}
	atomic_fetch_add(&db_ro_fallbacks, 1);
	return db_exec(rw, id, params, nparams, res, affected, insert_id);
}

int
db_exec(struct db *db, int id, const struct db_param *params, size_t nparams,
    struct db_res **res, uint64_t *affected, uint64_t *insert_id)
{
	enum db_errclass ec;
	int rc;

	if (db->fallback != NULL && !db->in_tx)
		return db_exec_ro(db, id, params, nparams, res, affected,
		    insert_id);
	if (res != NULL)
		*res = NULL;
	if (db->in_tx && db->my == NULL)
		return DB_RETRY;	/* lost mid-transaction: db_tx re-runs it */
	rc = db_exec_once(db, id, params, nparams, res, affected, insert_id, &ec);
	if (rc == DB_OK || rc == DB_CONFLICT || rc == DB_RETRY)
		return rc;
	if (ec == ERRC_REPREPARE) {
		MYSQL_STMT **slot = db_slot(db, id);

		mysql_stmt_close(*slot);
		*slot = NULL;
		return db_exec_once(db, id, params, nparams, res, affected,
		    insert_id, &ec);
	}
	if (ec == ERRC_LOST) {
		bool was_tx = db->in_tx;

		db_disconnect(db);
		if (was_tx) {
			/* the transaction is gone; db_tx runs it again */
			db->in_tx = true;
			return DB_RETRY;
		}
		log_msg(LOG_WARN, NULL, "db: connection lost, reconnecting");
		return db_exec_once(db, id, params, nparams, res, affected,
		    insert_id, &ec);
	}
	return rc;
}

int
db_query(struct db *db, int id, const struct db_param *params, size_t nparams,
    struct db_res **res)
{
	int rc = db_exec(db, id, params, nparams, res, NULL, NULL);

	if (rc == DB_OK && (*res)->nrows == 0)
		return DB_NOTFOUND;
	return rc;
}

int
db_dml(struct db *db, int id, const struct db_param *params, size_t nparams,
    uint64_t *insert_id)
{
	uint64_t affected = 0;
	int rc = db_exec(db, id, params, nparams, NULL, &affected, insert_id);

	if (rc == DB_OK && affected == 0)
		return DB_NOTFOUND;
	return rc;
}

static int
db_simple(struct db *db, const char *sql, enum db_errclass *ec)
{
	*ec = ERRC_OTHER;
	if (db_connect(db) != DB_OK) {
		*ec = ERRC_LOST;
		return DB_ERROR;
	}
	if (mysql_real_query(db->my, sql, strlen(sql)) != 0) {
		*ec = db_classify(mysql_errno(db->my));
		if (*ec == ERRC_LOST)
			db_disconnect(db);
		return *ec == ERRC_RETRY ? DB_RETRY : DB_ERROR;
	}
	return DB_OK;
}

int
db_tx(struct db *db, db_tx_fn fn, void *ctx)
{
	enum db_errclass ec;
	int rc = DB_RETRY;

	for (int attempt = 0; attempt < DB_TX_ATTEMPTS; attempt++) {
		if (attempt > 0) {
			/* 1-10 ms, growing with each attempt */
			usleep((useconds_t)(1000 * (1 + rand_r(&db->seed) % 10)
			    * attempt));
		}
		if (db_simple(db, "START TRANSACTION", &ec) != DB_OK) {
			if (ec == ERRC_LOST && attempt == 0)
				continue;
			return DB_ERROR;
		}
		db->in_tx = true;
		rc = fn(db, ctx);
		if (db->my == NULL) {
			/* connection lost inside fn: nothing was committed */
			db->in_tx = false;
			if (rc == DB_OK || rc == DB_RETRY) {
				rc = DB_RETRY;
				continue;
			}
			return rc;
		}
		if (rc == DB_OK) {
			rc = db_simple(db, "COMMIT", &ec);
			db->in_tx = false;
			if (rc == DB_OK)
				return DB_OK;
			if (rc != DB_RETRY) {
				log_msg(LOG_ERROR, NULL, "db: commit failed");
				if (db->my != NULL)
					db_simple(db, "ROLLBACK", &ec);
				return DB_ERROR;
			}
			atomic_fetch_add(&db_retries, 1);
		}
		if (db->my != NULL)
			db_simple(db, "ROLLBACK", &ec);
		db->in_tx = false;
		if (rc != DB_RETRY)
			return rc;
	}
	log_msg(LOG_WARN, NULL, "db: transaction gave up after %d attempts",
	    DB_TX_ATTEMPTS);
	return DB_RETRY;
}

const struct db_val *
db_val(const struct db_res *res, size_t r, size_t c)
{
	if (res == NULL || r >= res->nrows || c >= res->ncols) {
		log_msg(LOG_ERROR, NULL, "db_val(%zu, %zu) outside the %zu x %zu "
		    "result of %s", r, c, res ? res->nrows : 0,
		    res ? res->ncols : 0, res && res->stmt ? res->stmt : "?");
		abort();
	}
	return &res->vals[r * res->ncols + c];
}

int64_t
db_i64(const struct db_res *res, size_t r, size_t c)
{
	return db_val(res, r, c)->i;
}

const char *
db_str(const struct db_res *res, size_t r, size_t c)
{
	const struct db_val *v = db_val(res, r, c);

	return v->null ? NULL : (v->s ? v->s : "");
}

bool
db_isnull(const struct db_res *res, size_t r, size_t c)
{
	return db_val(res, r, c)->null;
}

int
db_col_find(const struct db_res *res, const char *name)
{
	for (size_t c = 0; c < res->ncols; c++)
		if (strcmp(res->names[c], name) == 0)
			return (int)c;
	return -1;
}

size_t
db_col(const struct db_res *res, const char *name)
{
	int c = db_col_find(res, name);

	if (c < 0) {
		log_msg(LOG_ERROR, NULL, "db: the result of %s has no column %s",
		    res->stmt ? res->stmt : "?", name);
		abort();
	}
	return (size_t)c;
}

/* ---- typed rows ------------------------------------------------------ */

/* Whether a column of type t can fill a member of kind k. */
static bool
db_kind_fits(enum db_kind k, enum db_ctype t)
{
	switch (k) {
	case DBK_I64:
	case DBK_INT:
	case DBK_BOOL:
		return t == DBC_INT || t == DBC_BOOL || t == DBC_DATETIME ||
		    t == DBC_DATE;
	case DBK_STR:
		return t == DBC_TEXT || t == DBC_BLOB || t == DBC_DATE;
	case DBK_ISNULL:
		return true;
	}
	return false;
}

int
db_res_row(const struct db_res *res, size_t r, const struct db_rowmap *map,
    void *row)
{
	char *base = row;

	memset(row, 0, map->size);
	for (size_t f = 0; f < map->ncols; f++) {
		const struct db_col *col = &map->cols[f];
		/* a map usually lists the columns in the SELECT's order: one
		 * comparison per column then, not a search */
		int c = f < res->ncols && strcmp(res->names[f], col->name) == 0 ?
		    (int)f : db_col_find(res, col->name);
		const struct db_val *v;

		if (c < 0 || !db_kind_fits(col->kind, res->types[c])) {
			log_msg(LOG_ERROR, NULL, "db: %s: column %s %s",
			    res->stmt ? res->stmt : "?", col->name,
			    c < 0 ? "missing" : "of another type");
			return DB_ERROR;
		}
		v = db_val(res, r, (size_t)c);
		switch (col->kind) {
		case DBK_I64:
			*(int64_t *)(void *)(base + col->off) = v->null ? 0 : v->i;
			break;
		case DBK_INT:
			if (!v->null && (v->i < INT32_MIN || v->i > INT32_MAX)) {
				log_msg(LOG_ERROR, NULL, "db: %s: column %s out "
				    "of int range", res->stmt ? res->stmt : "?",
				    col->name);
				return DB_ERROR;
			}
			*(int *)(void *)(base + col->off) = v->null ? 0 :
			    (int)v->i;
			break;
		case DBK_BOOL:
			*(bool *)(base + col->off) = !v->null && v->i != 0;
			break;
		case DBK_STR:
			*(const char **)(void *)(base + col->off) = v->null ?
			    NULL : (v->s ? v->s : "");
			break;
		case DBK_ISNULL:
			*(bool *)(base + col->off) = v->null;
			break;
		}
	}
	return DB_OK;
}

int
db_all(struct db *db, int id, const struct db_param *params, size_t nparams,
    const struct db_rowmap *map, struct db_rows *rows)
{
	struct db_res *res = NULL;
	int rc;

	memset(rows, 0, sizeof(*rows));
	if ((rc = db_exec(db, id, params, nparams, &res, NULL, NULL)) != DB_OK) {
		db_res_free(res);
		return rc;
	}
	rows->v = xcalloc(res->nrows ? res->nrows : 1, map->size);
	for (size_t r = 0; r < res->nrows; r++)
		if (db_res_row(res, r, map, (char *)rows->v + r * map->size)
		    != DB_OK) {
			free(rows->v);
			rows->v = NULL;
			db_res_free(res);
			return DB_ERROR;
		}
	rows->n = res->nrows;
	rows->res = res;
	return DB_OK;
}

int
db_one(struct db *db, int id, const struct db_param *params, size_t nparams,
    const struct db_rowmap *map, void *row, struct db_res **keep)
{
	struct db_res *res = NULL;
	int rc = db_query(db, id, params, nparams, &res);

	memset(row, 0, map->size);
	if (keep != NULL)
		*keep = NULL;
	if (rc == DB_OK)
		rc = db_res_row(res, 0, map, row);
	if (rc == DB_OK && keep != NULL) {
		*keep = res;
		return DB_OK;
	}
	if (rc == DB_OK) {
		for (size_t f = 0; f < map->ncols; f++)
			if (map->cols[f].kind == DBK_STR) {
				log_msg(LOG_ERROR, NULL, "db_one %s: strings "
				    "need a result to keep",
				    db_stmt_name(db, id));
				abort();
			}
	}
	db_res_free(res);
	return rc;
}

int
db_each(struct db *db, int id, const struct db_param *params, size_t nparams,
    const struct db_rowmap *map, db_row_fn fn, void *ctx)
{
	struct db_res *res = NULL;
	void *row = xmalloc(map->size);
	int rc = db_exec(db, id, params, nparams, &res, NULL, NULL);

	for (size_t r = 0; rc == DB_OK && r < res->nrows; r++) {
		if ((rc = db_res_row(res, r, map, row)) == DB_OK)
			rc = fn(ctx, row);
	}
	free(row);
	db_res_free(res);
	return rc;
}

int
db_scalar(struct db *db, int id, const struct db_param *params,
    size_t nparams, int64_t *out)
{
	struct db_res *res = NULL;
	int rc = db_query(db, id, params, nparams, &res);

	*out = 0;
	if (rc == DB_OK) {
		if (res->ncols != 1 || (res->types[0] != DBC_INT &&
		    res->types[0] != DBC_BOOL)) {
			log_msg(LOG_ERROR, NULL, "db_scalar %s: not one integer "
			    "column", db_stmt_name(db, id));
			rc = DB_ERROR;
		} else
			*out = db_val(res, 0, 0)->i;
	}
	db_res_free(res);
	return rc;
}

void
db_rows_free(struct db_rows *rows)
{
	if (rows == NULL)
		return;
	free(rows->v);
	db_res_free(rows->res);
	memset(rows, 0, sizeof(*rows));
}

json_t *
db_row_json(const struct db_res *res, size_t r)
{
	json_t *o = json_object();

	for (size_t c = 0; c < res->ncols; c++) {
		const struct db_val *v = db_val(res, r, c);
		json_t *j;
		char ts[21];

		if (v->null) {
			json_object_set_new(o, res->names[c], json_null());
			continue;
		}
		switch (res->types[c]) {
		case DBC_INT:
			j = json_integer(v->i);
			break;
		case DBC_BOOL:
			j = json_boolean(v->i != 0);
			break;
		case DBC_DATETIME:
			clock_format_iso8601((time_t)v->i, ts);
			j = json_string(ts);
			break;
		case DBC_BLOB: {
			char *h = xmalloc(v->len * 2 + 1);

			hex_encode(v->s, v->len, h);
			j = json_string(h);
			free(h);
			break;
		}
		default:
			j = json_stringn(v->s, v->len);
			break;
		}
		json_object_set_new(o, res->names[c], j ? j : json_null());
	}
	return o;
}

json_t *
db_rows_json(const struct db_res *res)
{
	json_t *a = json_array();

	for (size_t r = 0; res != NULL && r < res->nrows; r++)
		json_array_append_new(a, db_row_json(res, r));
	return a;
}

void
db_res_free(struct db_res *res)
{
	if (res == NULL)
		return;
	for (size_t i = 0; i < res->nrows * res->ncols; i++)
		free(res->vals[i].s);
	for (size_t c = 0; c < res->ncols; c++)
		free(res->names[c]);
	free(res->names);
	free(res->types);
	free(res->vals);
	free(res);
}

int
db_stmts_dump(FILE *out, const char *origin, const struct db_stmts *stmts)
{
	for (size_t i = 0; i < stmts->n; i++) {
		const struct db_stmt *st = &stmts->v[i];
		json_t *o;
		char *line;

		if (st->sql == NULL)
			continue;	/* an id with no statement */
		o = json_pack("{s:s,s:s,s:s}", "program", origin, "name",
		    st->name ? st->name : "?", "sql", st->sql);
		line = o ? json_dumps(o, JSON_COMPACT) : NULL;
		json_decref(o);
		if (line == NULL || fprintf(out, "%s\n", line) < 0) {
			free(line);
			return -1;
		}
		free(line);
	}
	return fflush(out) == 0 ? 0 : -1;
}
