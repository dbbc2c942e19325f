/*
 * bare.c - the bare C peer of make bench (issue #13 §5): the least C that
 * answers the catalog's uncached category list, GET /api/products?
 * category=C[&page=N][&per_page=N], with the same JSON, so that the
 * catalog program can be measured against it through the same nginx.
 *
 * libfcgi, MariaDB Connector/C (prepared statements) and jansson, nothing
 * else: no shared/ code. N threads (the catalog's worker count), one
 * database connection each, the statements prepared once per connection.
 *
 * The SQL is the catalog's own: at start it runs `CATALOG --dump-sql` (the
 * program's statements as JSON lines {program, name, sql}) and takes the
 * statements it needs by name, so a change of the catalog's SQL changes
 * this peer. It runs them as the catalog does for this route
 * (fcgi-apps/catalog/product.c product_list): the current round
 * (DBS_ROUND_CURRENT, read again every 2 s per thread, db_shown_round),
 * whether any unit is due back (STMT_NEXT_DUE, reused within the same
 * second, next_due_read) and if so which (STMT_DUE_UNITS), then the page
 * (STMT_LIST(1,0): a category, newest first, carrying its list's total
 * from the kept counts in its page_total column, page_list_rows_total),
 * and the count (STMT_COUNT(1)) only for an empty page past the first
 * (page_query). Result columns are found by name, not position.
 *
 *   bare CATALOG_BIN
 * Environment: PEER_LISTEN (the socket path), PEER_THREADS [4],
 * PEER_DB_SOCKET, PEER_DB_USER, PEER_DB_PASSWORD, PEER_DB_NAME [voucher].
 *
 * What it does not do, against the catalog: the ETag (a SHA-256 of the
 * body: OpenSSL is not among its libraries), the request metrics and log,
 * validation beyond what the route needs (an unknown category or a bad
 * page is a plain 400), every other route and parameter.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <fcgiapp.h>
#include <jansson.h>
#include <mysql.h>

/* The statements this route runs, by their names in --dump-sql. */
enum { S_ROUND, S_NEXT_DUE, S_DUE, S_LIST, S_COUNT, S__MAX };
static const char *const stmt_names[S__MAX] = {
	"DBS_ROUND_CURRENT", "STMT_NEXT_DUE", "STMT_DUE_UNITS",
	"STMT_LIST(1,0)", "STMT_COUNT(1)",
};
static char *stmt_sql[S__MAX];

/* rules.c: the twelve categories of P1 and their names */
static const char *const cat_codes[] = {
	"digital", "cloud", "talent", "innovation", "transfer", "design", "it",
	"ipo", "finance", "market", "legal", "other",
};
static const char *const cat_names[] = {
	"数字化赋能", "上云用云", "人才与培训", "科技创新", "成果转化", "工业设计",
	"信息化开发", "上市培育", "财税审计", "市场开拓", "法律咨询",
	"其他创新创业服务",
};
#define NCAT (sizeof(cat_codes) / sizeof(cat_codes[0]))

static int listen_fd;
static int nthreads = 4;
static const char *db_socket, *db_user, *db_password, *db_name;
static pthread_mutex_t accept_lock = PTHREAD_MUTEX_INITIALIZER;

static void
die(const char *what)
{
	fprintf(stderr, "bare: %s\n", what);
	exit(1);
}

/* Reads the statements of stmt_names from `bin --dump-sql`. */
static void
load_sql(const char *bin)
{
	char cmd[4096], *line = NULL;
	size_t cap = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "'%s' --dump-sql", bin);
	if ((f = popen(cmd, "r")) == NULL)
		die("cannot run the catalog's --dump-sql");
	while (getline(&line, &cap, f) > 0) {
		json_t *o = json_loads(line, 0, NULL);
		const char *name = json_string_value(json_object_get(o, "name"));
		const char *sql = json_string_value(json_object_get(o, "sql"));

		for (int i = 0; name != NULL && sql != NULL && i < S__MAX; i++)
			if (strcmp(name, stmt_names[i]) == 0)
				stmt_sql[i] = strdup(sql);
		json_decref(o);
	}
	free(line);
	if (pclose(f) != 0)
		die("the catalog's --dump-sql failed");
	for (int i = 0; i < S__MAX; i++)
		if (stmt_sql[i] == NULL) {
			fprintf(stderr, "bare: %s is not in the catalog's SQL\n",
			    stmt_names[i]);
			exit(1);
		}
}

/* ---- a prepared statement with its result bound by column type -------- */

enum ctype { C_INT, C_TIME, C_STR };

struct col {
	const char   *name;
	enum ctype    type;
	long long     i;
	MYSQL_TIME    t;
	char         *s;
	unsigned long len, cap;
	my_bool       null, err;
};

struct stmt {
	MYSQL_STMT *st;
	unsigned    ncols;
	struct col *cols;
	MYSQL_BIND *bind;
};

static int
stmt_prepare(MYSQL *my, const char *sql, struct stmt *s)
{
	MYSQL_RES *meta;
	MYSQL_FIELD *f;

	memset(s, 0, sizeof(*s));
	if ((s->st = mysql_stmt_init(my)) == NULL ||
	    mysql_stmt_prepare(s->st, sql, strlen(sql)) != 0)
		return -1;
	if ((meta = mysql_stmt_result_metadata(s->st)) == NULL)
		return -1;
	s->ncols = mysql_num_fields(meta);
	f = mysql_fetch_fields(meta);
	s->cols = calloc(s->ncols, sizeof(*s->cols));
	s->bind = calloc(s->ncols, sizeof(*s->bind));
	for (unsigned i = 0; i < s->ncols; i++) {
		struct col *c = &s->cols[i];
		MYSQL_BIND *b = &s->bind[i];

		c->name = strdup(f[i].name);
		switch (f[i].type) {
		case MYSQL_TYPE_TINY: case MYSQL_TYPE_SHORT:
		case MYSQL_TYPE_LONG: case MYSQL_TYPE_LONGLONG:
		case MYSQL_TYPE_INT24: case MYSQL_TYPE_YEAR:
		case MYSQL_TYPE_NEWDECIMAL: case MYSQL_TYPE_DECIMAL:
			c->type = C_INT;
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = &c->i;
			break;
		case MYSQL_TYPE_DATETIME: case MYSQL_TYPE_TIMESTAMP:
		case MYSQL_TYPE_DATE:
			c->type = C_TIME;
			b->buffer_type = MYSQL_TYPE_DATETIME;
			b->buffer = &c->t;
			break;
		default:
			c->type = C_STR;
			c->cap = f[i].length + 1;
			c->s = malloc(c->cap);
			b->buffer_type = MYSQL_TYPE_STRING;
			b->buffer = c->s;
			b->buffer_length = c->cap;
			b->length = &c->len;
			break;
		}
		b->is_null = &c->null;
		b->error = &c->err;
	}
	mysql_free_result(meta);
	return mysql_stmt_bind_result(s->st, s->bind) == 0 ? 0 : -1;
}

/* The index of column name in s (the statement must have it). */
static unsigned
col_of(const struct stmt *s, const char *name)
{
	for (unsigned i = 0; i < s->ncols; i++)
		if (strcmp(s->cols[i].name, name) == 0)
			return i;
	fprintf(stderr, "bare: no column %s in the catalog's statement\n", name);
	exit(1);
}

static int
stmt_run(struct stmt *s, MYSQL_BIND *params)
{
	if (params != NULL && mysql_stmt_bind_param(s->st, params) != 0)
		return -1;
	return mysql_stmt_execute(s->st) == 0 &&
	    mysql_stmt_store_result(s->st) == 0 ? 0 : -1;
}

/* The next row, 0; none left, 1; an error, -1. */
static int
stmt_next(struct stmt *s)
{
	int rc = mysql_stmt_fetch(s->st);

	if (rc == MYSQL_NO_DATA)
		return 1;
	return rc == 0 ? 0 : -1;	/* MYSQL_DATA_TRUNCATED: cannot be */
}

static time_t
col_time(const struct col *c)
{
	struct tm tm = { 0 };

	if (c->null)
		return 0;
	tm.tm_year = (int)c->t.year - 1900;
	tm.tm_mon = (int)c->t.month - 1;
	tm.tm_mday = (int)c->t.day;
	tm.tm_hour = (int)c->t.hour;
	tm.tm_min = (int)c->t.minute;
	tm.tm_sec = (int)c->t.second;
	return timegm(&tm);
}

static MYSQL_BIND
bind_i64(long long *v)
{
	return (MYSQL_BIND){ .buffer_type = MYSQL_TYPE_LONGLONG, .buffer = v };
}

static MYSQL_BIND
bind_time(MYSQL_TIME *t, time_t v)
{
	struct tm tm;

	gmtime_r(&v, &tm);
	*t = (MYSQL_TIME){ .year = (unsigned)tm.tm_year + 1900,
	    .month = (unsigned)tm.tm_mon + 1, .day = (unsigned)tm.tm_mday,
	    .hour = (unsigned)tm.tm_hour, .minute = (unsigned)tm.tm_min,
	    .second = (unsigned)tm.tm_sec, .time_type = MYSQL_TIMESTAMP_DATETIME };
	return (MYSQL_BIND){ .buffer_type = MYSQL_TYPE_DATETIME, .buffer = t };
}

/* ---- one thread ---------------------------------------------------------- */

/* The list's columns, by name. */
enum { L_ID, L_NAME, L_CAT, L_PROV, L_PROV_NAME, L_BARRED, L_CREDIT, L_MARKET,
    L_VOUCHER, L_SUBSIDY, L_PAYS, L_REMAINING, L_TOTAL, L_SOLD, L_VALIDITY,
    L_RSUM, L_RCOUNT, L_CREATED, L_PAGE_TOTAL, L__MAX };
static const char *const list_cols[L__MAX] = {
	"id", "name", "category", "provider_id", "provider_name",
	"provider_barred_until", "provider_credit_flagged", "market_price",
	"voucher_price", "unit_subsidy", "enterprise_pays", "remaining_units",
	"units_total", "units_sold", "validity_days", "rating_sum",
	"rating_count", "created_at", "page_total",
};

struct worker {
	MYSQL      *my;
	struct stmt s[S__MAX];
	unsigned    lc[L__MAX];		/* list column of each L_*   */
	unsigned    due_pid, due_n, nd_acc, nd_valid;
	/* db_shown_round and next_due_read of the catalog, per thread */
	long long   year;
	time_t      year_at;
	bool        nd_ok, nd_any;
	time_t      nd_now;
	struct timespec nd_read;
	/* the due units of this request */
	size_t      ndue;
	long long   due_id[256], due_units[256];
};

static int
worker_connect(struct worker *w)
{
	unsigned int timeout = 5;

	w->my = mysql_init(NULL);
	mysql_options(w->my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(w->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(w->my, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
	if (mysql_real_connect(w->my, NULL, db_user, db_password, db_name, 0,
	    db_socket, 0) == NULL) {
		fprintf(stderr, "bare: connect: %s\n", mysql_error(w->my));
		return -1;
	}
	for (int i = 0; i < S__MAX; i++)
		if (stmt_prepare(w->my, stmt_sql[i], &w->s[i]) < 0) {
			fprintf(stderr, "bare: prepare %s: %s\n", stmt_names[i],
			    mysql_error(w->my));
			return -1;
		}
	for (int i = 0; i < L__MAX; i++)
		w->lc[i] = col_of(&w->s[S_LIST], list_cols[i]);
	w->due_pid = col_of(&w->s[S_DUE], "product_id");
	w->due_n = col_of(&w->s[S_DUE], "n");
	w->nd_acc = col_of(&w->s[S_NEXT_DUE], "next_accept_deadline");
	w->nd_valid = col_of(&w->s[S_NEXT_DUE], "next_valid_until");
	return 0;
}

/* The round shown: read again every 2 s (catalog db_shown_round). */
static int
shown_round(struct worker *w)
{
	struct timespec ts;
	struct stmt *s = &w->s[S_ROUND];
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (w->year_at != 0 && ts.tv_sec - w->year_at < 2)
		return 0;
	if (stmt_run(s, NULL) < 0)
		return -1;
	rc = stmt_next(s);
	if (rc < 0)
		return -1;
	w->year = rc == 0 ? s->cols[col_of(s, "year")].i : 0;
	mysql_stmt_free_result(s->st);
	w->year_at = ts.tv_sec;
	return 0;
}

/* The units due back at now (catalog db_due_units with reuse). */
static int
due_units(struct worker *w, time_t now)
{
	struct timespec ts;
	struct stmt *s = &w->s[S_NEXT_DUE];
	MYSQL_TIME t[2];
	MYSQL_BIND p[2];

	w->ndue = 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (!(w->nd_ok && w->nd_now == now &&
	    (ts.tv_sec - w->nd_read.tv_sec) * 1000000000L +
	    (ts.tv_nsec - w->nd_read.tv_nsec) < 1000000000L)) {
		if (stmt_run(s, NULL) < 0 || stmt_next(s) != 0)
			return -1;
		w->nd_any = (!s->cols[w->nd_acc].null &&
		    col_time(&s->cols[w->nd_acc]) <= now) ||
		    col_time(&s->cols[w->nd_valid]) <= now;
		mysql_stmt_free_result(s->st);
		w->nd_ok = true;
		w->nd_now = now;
		w->nd_read = ts;
	}
	if (!w->nd_any)
		return 0;
	s = &w->s[S_DUE];
	p[0] = bind_time(&t[0], now);
	p[1] = bind_time(&t[1], now);
	if (stmt_run(s, p) < 0)
		return -1;
	while (stmt_next(s) == 0 && w->ndue < 256) {
		w->due_id[w->ndue] = s->cols[w->due_pid].i;
		w->due_units[w->ndue++] = s->cols[w->due_n].i;
	}
	mysql_stmt_free_result(s->st);
	return 0;
}

static json_t *
str_col(const struct col *c)
{
	return c->null ? json_null() : json_stringn(c->s, c->len);
}

/* product_json of the catalog for a list row (no detail members). */
static json_t *
item_json(const struct worker *w, time_t now)
{
	const struct col *c = w->s[S_LIST].cols;
#define COL(k) (&c[w->lc[k]])
#define I(k) (COL(k)->i)
	json_t *o = json_object(), *avg = json_null();
	long long back = 0, left, rsum = I(L_RSUM), rcount = I(L_RCOUNT);
	time_t created = col_time(COL(L_CREATED)), barred = col_time(COL(L_BARRED));
	const char *cat_name = NULL, *code = NULL, *msg = NULL;
	struct tm tm;
	char ts[21];

	for (size_t i = 0; i < w->ndue; i++)
		if (w->due_id[i] == I(L_ID))
			back = w->due_units[i];
	left = I(L_REMAINING) + back;
	for (size_t i = 0; i < NCAT; i++)
		if (!COL(L_CAT)->null && COL(L_CAT)->len == strlen(cat_codes[i]) &&
		    memcmp(COL(L_CAT)->s, cat_codes[i], COL(L_CAT)->len) == 0)
			cat_name = cat_names[i];
	if (rcount > 0)
		avg = json_real((double)((rsum * 200 + rcount) / (2 * rcount)) /
		    100.0);
	gmtime_r(&created, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);

	json_object_set_new(o, "id", json_integer(I(L_ID)));
	json_object_set_new(o, "name", str_col(COL(L_NAME)));
	json_object_set_new(o, "category", str_col(COL(L_CAT)));
	json_object_set_new(o, "category_name",
	    cat_name ? json_string(cat_name) : json_null());
	json_object_set_new(o, "provider_id", json_integer(I(L_PROV)));
	json_object_set_new(o, "provider_name", str_col(COL(L_PROV_NAME)));
	json_object_set_new(o, "market_price", json_integer(I(L_MARKET)));
	json_object_set_new(o, "voucher_price", json_integer(I(L_VOUCHER)));
	json_object_set_new(o, "unit_subsidy", json_integer(I(L_SUBSIDY)));
	json_object_set_new(o, "enterprise_pays", json_integer(I(L_PAYS)));
	json_object_set_new(o, "remaining_units", json_integer(left));
	json_object_set_new(o, "units_total", json_integer(I(L_TOTAL)));
	json_object_set_new(o, "units_sold", json_integer(I(L_SOLD) - back));
	json_object_set_new(o, "validity_days", json_integer(I(L_VALIDITY)));
	json_object_set_new(o, "created_at", json_string(ts));
	json_object_set_new(o, "rating", json_pack("{s:o,s:I}", "average", avg,
	    "count", (json_int_t)(rcount / 3)));
	json_object_set_new(o, "sold_out", json_boolean(left <= 0));
	if ((barred != 0 && now < barred) || I(L_CREDIT) != 0) {
		code = "provider_not_eligible";
		msg = "该产品的服务机构暂不具备服务券资格，暂停下单";
	} else if (left <= 0) {
		code = "sold_out";
		msg = "该产品的优惠名额已用完";
	}
	json_object_set_new(o, "orderable", json_boolean(code == NULL));
	if (code != NULL)
		json_object_set_new(o, "unorderable_reason", json_pack(
		    "{s:s,s:s}", "code", code, "message", msg));
#undef I
#undef COL
	return o;
}

/* The value of query parameter name in qs (a pointer into it, up to the
 * next '&'), or NULL. */
static const char *
query_get(const char *qs, const char *name, size_t *len)
{
	size_t n = strlen(name);

	for (const char *p = qs; p != NULL && *p != '\0';) {
		const char *amp = strchr(p, '&');
		size_t l = amp ? (size_t)(amp - p) : strlen(p);

		if (l > n && strncmp(p, name, n) == 0 && p[n] == '=') {
			*len = l - n - 1;
			return p + n + 1;
		}
		p = amp ? amp + 1 : NULL;
	}
	return NULL;
}

/* An integer parameter in [lo, hi], def when absent; -1 when bad. */
static long long
query_int(const char *qs, const char *name, long long lo, long long hi,
    long long def)
{
	size_t len;
	const char *v = query_get(qs, name, &len);
	long long x = 0;

	if (v == NULL)
		return def;
	if (len == 0 || len > 9)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	return x >= lo && x <= hi ? x : -1;
}

static void
reply(FCGX_Request *rq, int status, const char *body, size_t len)
{
	FCGX_FPrintF(rq->out, "Status: %d\r\nContent-Type: application/json; "
	    "charset=utf-8\r\nContent-Length: %lu\r\nCache-Control: %s\r\n\r\n",
	    status, (unsigned long)len,
	    status == 200 ? "public, max-age=1" : "no-store");
	FCGX_PutStr(body, (int)len, rq->out);
}

static void
handle(struct worker *w, FCGX_Request *rq)
{
	const char *qs = FCGX_GetParam("QUERY_STRING", rq->envp);
	const char *cat = NULL, *v;
	struct stmt *ls = &w->s[S_LIST], *cs = &w->s[S_COUNT];
	long long page, per_page, limit, offset, total = 0;
	unsigned long catlen = 0;
	MYSQL_BIND p[6];
	json_t *items, *o;
	time_t now = time(NULL);
	size_t len, nrows = 0;
	char *s;

	if (qs == NULL)
		qs = "";
	if ((v = query_get(qs, "category", &len)) != NULL)
		for (size_t i = 0; i < NCAT; i++)
			if (len == strlen(cat_codes[i]) &&
			    memcmp(v, cat_codes[i], len) == 0)
				cat = cat_codes[i];
	page = query_int(qs, "page", 1, 100000, 1);
	per_page = query_int(qs, "per_page", 1, 100, 20);
	if (cat == NULL || page < 0 || per_page < 0) {
		static const char bad[] = "{\"error\":{\"code\":\"invalid_query\"}}";

		reply(rq, 400, bad, sizeof(bad) - 1);
		return;
	}
	catlen = strlen(cat);
	if (shown_round(w) < 0 || due_units(w, now) < 0)
		goto fail;
	limit = per_page;
	offset = (page - 1) * per_page;
	/* the total's round and category, then the page's */
	p[0] = bind_i64(&w->year);
	p[1] = (MYSQL_BIND){ .buffer_type = MYSQL_TYPE_STRING,
	    .buffer = (void *)cat, .buffer_length = catlen, .length = &catlen };
	p[2] = p[0];
	p[3] = p[1];
	p[4] = bind_i64(&limit);
	p[5] = bind_i64(&offset);
	if (stmt_run(ls, p) < 0)
		goto fail;
	items = json_array();
	while (stmt_next(ls) == 0) {
		if (nrows == 0)
			total = ls->cols[w->lc[L_PAGE_TOTAL]].i;
		json_array_append_new(items, item_json(w, now));
		nrows++;
	}
	mysql_stmt_free_result(ls->st);
	if (page == 1 && nrows < (size_t)per_page)
		total = (long long)nrows;
	else if (nrows == 0) {
		if (stmt_run(cs, p) < 0 || stmt_next(cs) != 0) {
			json_decref(items);
			goto fail;
		}
		total = cs->cols[0].i;
		mysql_stmt_free_result(cs->st);
	}
	o = json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total",
	    (json_int_t)total, "page", (json_int_t)page, "per_page",
	    (json_int_t)per_page);
	s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
	json_decref(o);
	reply(rq, 200, s, strlen(s));
	free(s);
	return;
fail:
	fprintf(stderr, "bare: %s\n", mysql_error(w->my));
	reply(rq, 503, "{\"error\":{\"code\":\"unavailable\"}}", 32);
}

static void *
worker_main(void *arg)
{
	struct worker *w = calloc(1, sizeof(*w));
	FCGX_Request rq;

	(void)arg;
	mysql_thread_init();
	if (worker_connect(w) < 0)
		exit(1);
	FCGX_InitRequest(&rq, listen_fd, 0);
	for (;;) {
		int rc;

		/* libfcgi's threaded example: one thread in accept at a time */
		pthread_mutex_lock(&accept_lock);
		rc = FCGX_Accept_r(&rq);
		pthread_mutex_unlock(&accept_lock);
		if (rc < 0)
			break;
		handle(w, &rq);
		FCGX_Finish_r(&rq);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	const char *listen = getenv("PEER_LISTEN"), *t = getenv("PEER_THREADS");
	pthread_t *th;
	sigset_t set;
	int sig;

	if (argc != 2 || listen == NULL)
		die("usage: PEER_LISTEN=SOCKET bare CATALOG_BIN");
	load_sql(argv[1]);
	if (t != NULL && (nthreads = atoi(t)) < 1)
		die("PEER_THREADS: not a count");
	db_socket = getenv("PEER_DB_SOCKET");
	db_user = getenv("PEER_DB_USER");
	db_password = getenv("PEER_DB_PASSWORD");
	db_name = getenv("PEER_DB_NAME") ? getenv("PEER_DB_NAME") : "voucher";
	if (mysql_library_init(0, NULL, NULL) != 0 || FCGX_Init() != 0)
		die("library initialisation failed");
	signal(SIGPIPE, SIG_IGN);
	unlink(listen);
	if ((listen_fd = FCGX_OpenSocket(listen, 1024)) < 0)
		die("cannot listen");
	chmod(listen, 0666);	/* nginx's workers: a bench socket only */
	/* only the main thread takes TERM and INT (libfcgi's own handler
	 * would leave the threads in accept) */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	th = calloc((size_t)nthreads, sizeof(*th));
	for (int i = 0; i < nthreads; i++)
		if (pthread_create(&th[i], NULL, worker_main, NULL) != 0)
			die("cannot start a thread");
	fprintf(stderr, "bare: listening on %s with %d threads\n", listen,
	    nthreads);
	sigwait(&set, &sig);
	unlink(listen);
	_exit(0);
}
