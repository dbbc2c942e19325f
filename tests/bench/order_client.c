/*
 * order_client.c - the reference of the ordering benchmark: a bare C
 * client that runs the same SQL as POST /api/orders (the ordering
 * program's own typed statements, fcgi-apps/ordering/db.c, the current
 * round and the shared sweep of the enterprise's due orders) straight on
 * the database, without nginx, FastCGI, HTTP or sessions.
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
#include "parties.h"
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
	struct quota_row q;
	struct order_new o;
	int64_t reserved, id = 0;
	int rc;
	char no[40];
	json_t *view;
	char *reply;
	int year = clock_shanghai_year(j->now);

	if ((rc = db_quota_lock(db, j->ent, year, &q)) != DB_OK)
		return rc;
	reserved = rule_reservation(j->unit_subsidy, q.cap, q.occupied);
	if (reserved <= 0)
		return DB_APP;
	rc = quota_reserve(db, j->ent, year, reserved);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? DB_APP : rc;
	snprintf(no, sizeof(no), "BC%d%012d", (int)getpid() % 100,
	    atomic_fetch_add(&g_seq, 1));
	o = (struct order_new){ .order_no = no, .enterprise_id = j->ent,
	    .product_id = j->prod, .provider_id = j->provider, .year = year,
	    .product_name = "bench", .voucher_price = 10000,
	    .validity_days = 30, .unit_subsidy = j->unit_subsidy,
	    .reserved = reserved, .ordered_at = j->now,
	    .accept_deadline = rule_accept_deadline(j->now),
	    .valid_until = rule_valid_until(j->now, 30) };
	if ((rc = db_order_insert(db, &o, &id)) != DB_OK)
		return rc;
	if ((rc = order_event(db, &a, id, NULL, "pending", "bench")) != DB_OK)
		return rc;
	if ((view = order_view(db, id, j->now, &rc)) == NULL)
		return rc;
	rc = audit_record(db, &a, "order.create", "order", id, NULL, view);
	reply = json_dumps(view, JSON_COMPACT);
	json_decref(view);
	if (rc == DB_OK)
		rc = db_idem_done(db, j->account, j->key, 201, reply, j->now);
	free(reply);
	if (rc != DB_OK)
		return rc;
	rc = db_product_take_unit(db, j->prod);
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

	mysql_thread_init();
	while (time(NULL) < end) {
		struct job j;
		struct product_for_order p;
		struct db_res *keep = NULL;
		unsigned char hash[32] = { 0 };
		int rc, rrc, round;

		memset(&j, 0, sizeof(j));
		j.ent = g_ent_first + rand_r(&seed) % g_ent_count;
		j.prod = g_prod_first + rand_r(&seed) % g_prod_count;
		j.now = time(NULL);
		/* what the program reads before its transaction */
		rc = db_product_for_order(db, j.prod, &p, &keep);
		db_res_free(keep);
		if (rc == DB_OK && (rrc = round_current(db, &round)) != DB_OK &&
		    rrc != DB_NOTFOUND)
			rc = rrc;
		if (rc != DB_OK) {
			atomic_fetch_add(&g_errors, 1);
			continue;
		}
		j.provider = p.provider_id;
		j.unit_subsidy = p.unit_subsidy;
		j.account = 100000 + j.ent;	/* bench accounts: see run.sh */
		snprintf(j.key, sizeof(j.key), "bc-%ld-%d", (long)j.now,
		    atomic_fetch_add(&g_seq, 1));
		rc = db_idem_insert(db, j.account, j.key, hash, j.now);
		if (rc != DB_OK) {
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
