/*
 * order_client.c - the reference of the ordering benchmark: a bare C
 * client that runs the same SQL as POST /api/orders (the ordering
 * program's own statements, fcgi-apps/ordering/db.c, and the shared sweep
 * of the enterprise's due orders) straight on the database, without
 * nginx, FastCGI, HTTP or sessions.
 *
 *   order_client THREADS SECONDS ENT_FIRST ENT_COUNT PROD_FIRST PROD_COUNT
 *
 * Each thread loops: pick an enterprise and a product at random, claim an
 * idempotency key, then one transaction: lock the quota row, reserve
 * (O3), take the unit (P5), insert the order, its event and audit
 * record, read the order back, complete the idempotency record. Prints
 * "orders/s N committed N refused N retried N".
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>

#include "audit.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "lib_sql.h"
#include "ordering.h"
#include "orders.h"
#include "rules.h"

static int g_seconds;
static int64_t g_ent_first, g_ent_count, g_prod_first, g_prod_count;
static atomic_long g_ok, g_refused, g_errors;
static atomic_int g_seq;

struct job {
	int64_t ent, prod, account, unit_subsidy, provider;
	char    key[64];
	time_t  now;
};

static int
job_tx(struct db *db, void *arg)
{
	struct job *j = arg;
	struct actor a = { .account_id = j->account, .role = "enterprise",
	    .rid = "bench", .now = j->now };
	struct db_res *res = NULL;
	int64_t reserved;
	uint64_t id = 0;
	int rc;
	char no[40];
	json_t *view;
	char *reply;
	int year = clock_shanghai_year(j->now);

	rc = db_query(db, STMT_QUOTA_LOCK, DB_ARGS(DB_I64(j->ent),
	    DB_I64(year)), &res);
	if (rc != DB_OK) {
		db_res_free(res);
		return rc;
	}
	reserved = rule_reservation(j->unit_subsidy, db_i64(res, 0, 0),
	    db_i64(res, 0, 1));
	db_res_free(res);
	if (reserved <= 0)
		return DB_APP;
	rc = db_dml(db, STMT_QUOTA_RESERVE, DB_ARGS(
	    DB_I64(reserved), DB_I64(j->ent), DB_I64(year), DB_I64(reserved)), NULL);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? DB_APP : rc;
	snprintf(no, sizeof(no), "BC%d%012d", (int)getpid() % 100,
	    atomic_fetch_add(&g_seq, 1));
	rc = db_dml(db, STMT_ORDER_INSERT, DB_ARGS(DB_STR(no),
	    DB_I64(j->ent), DB_I64(j->prod), DB_I64(j->provider), DB_I64(year),
	    DB_STR("bench"), DB_I64(10000), DB_I64(30), DB_I64(j->unit_subsidy),
	    DB_I64(reserved), DB_TIME(j->now),
	    DB_TIME(rule_accept_deadline(j->now)),
	    DB_TIME(rule_valid_until(j->now, 30)), DB_TIME(j->now)), &id);
	if (rc != DB_OK)
		return rc;
	if ((rc = order_event(db, &a, (int64_t)id, NULL, "pending",
	    "bench")) != DB_OK)
		return rc;
	if ((view = order_view(db, (int64_t)id, j->now, &rc)) == NULL)
		return rc;
	rc = audit_record(db, &a, "order.create", "order", (int64_t)id, NULL,
	    view);
	reply = json_dumps(view, JSON_COMPACT);
	json_decref(view);
	if (rc == DB_OK)
		rc = db_dml(db, STMT_IDEM_DONE, DB_ARGS(DB_I64(201),
		    DB_STR(reply), DB_TIME(j->now), DB_I64(j->account),
		    DB_STR(j->key)), NULL);
	free(reply);
	if (rc != DB_OK)
		return rc;
	rc = db_dml(db, STMT_PRODUCT_TAKE_UNIT,
	    DB_ARGS(DB_I64(j->prod)), NULL);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? DB_APP : rc;
	return DB_OK;
}

static void *
worker(void *arg)
{
	struct db *db = db_open(&g_config.db,
	    &(const struct db_stmts){ ordering_stmts, STMT__MAX }, &lib_stmts);
	unsigned seed = (unsigned)(uintptr_t)arg * 7919u + (unsigned)time(NULL);
	time_t end = time(NULL) + g_seconds;
	struct db_res *res = NULL;

	mysql_thread_init();
	while (time(NULL) < end) {
		struct job j;
		unsigned char hash[32] = { 0 };
		int rc;

		memset(&j, 0, sizeof(j));
		j.ent = g_ent_first + rand_r(&seed) % g_ent_count;
		j.prod = g_prod_first + rand_r(&seed) % g_prod_count;
		j.now = time(NULL);
		/* what the program reads before its transaction */
		if (db_query(db, STMT_PRODUCT_FOR_ORDER, DB_ARGS(
		    DB_NULLP, DB_I64(j.prod)), &res) != DB_OK) {
			atomic_fetch_add(&g_errors, 1);
			db_res_free(res);
			res = NULL;
			continue;
		}
		j.provider = db_i64(res, 0, 1);
		j.unit_subsidy = db_i64(res, 0, 4);
		db_res_free(res);
		res = NULL;
		j.account = 100000 + j.ent;	/* bench accounts: see run.sh */
		snprintf(j.key, sizeof(j.key), "bc-%ld-%d", (long)j.now,
		    atomic_fetch_add(&g_seq, 1));
		if (db_dml(db, STMT_IDEM_INSERT, DB_ARGS(
		    DB_I64(j.account), DB_STR(j.key), DB_BLOB(hash, 32),
		    DB_TIME(j.now)), NULL) != DB_OK) {
			atomic_fetch_add(&g_errors, 1);
			continue;
		}
		/* the enterprise's due orders first (O4/O6), as place() does */
		if (order_sweep_enterprise(db, j.ent,
		    clock_shanghai_year(j.now), j.now, NULL) < 0) {
			atomic_fetch_add(&g_errors, 1);
			continue;
		}
		rc = db_tx(db, job_tx, &j);
		if (rc == DB_OK)
			atomic_fetch_add(&g_ok, 1);
		else if (rc == DB_APP)
			atomic_fetch_add(&g_refused, 1);
		else
			atomic_fetch_add(&g_errors, 1);
	}
	db_close(db);
	mysql_thread_end();
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t t[256];
	int n;

	if (argc != 7) {
		fprintf(stderr, "usage: order_client THREADS SECONDS ENT_FIRST "
		    "ENT_COUNT PROD_FIRST PROD_COUNT\n");
		return 2;
	}
	n = atoi(argv[1]);
	g_seconds = atoi(argv[2]);
	g_ent_first = atoll(argv[3]);
	g_ent_count = atoll(argv[4]);
	g_prod_first = atoll(argv[5]);
	g_prod_count = atoll(argv[6]);
	if (n < 1 || n > 256 || g_seconds < 1 || g_ent_count < 1 ||
	    g_prod_count < 1 || config_load("order_client") < 0)
		return 2;
	mysql_library_init(0, NULL, NULL);
	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("orders/s %.1f committed %ld refused %ld errors %ld\n",
	    (double)atomic_load(&g_ok) / g_seconds, atomic_load(&g_ok),
	    atomic_load(&g_refused), atomic_load(&g_errors));
	mysql_library_end();
	return 0;
}
