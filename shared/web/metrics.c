/*
 * metrics.c - Prometheus text exposition of the program's counters (see
 * metrics.h). Every counter is a relaxed atomic: a scrape may see one
 * request counted in requests_total but not yet in the histogram, which
 * Prometheus tolerates.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "metrics.h"

static const int status_slots[] = {
	200, 201, 204, 304, 400, 401, 403, 404, 405, 409, 411, 413, 415,
	422, 429, 500, 502, 503, 0 /* other */
};
#define NSTATUS (sizeof(status_slots) / sizeof(status_slots[0]))

static const double buckets[] = {
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5
};
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))

struct route_metrics {
	atomic_ullong by_status[NSTATUS];
	atomic_ullong bucket[NBUCKETS + 1];	/* last: +Inf */
	atomic_ullong sum_us;
	atomic_ullong count;
};

static const struct app *m_app;
static struct route_metrics *m_routes;	/* one per route + 1 unmatched */
static size_t m_nroutes;
static atomic_int m_inflight;

void
metrics_init(const struct app *app)
{
	m_app = app;
	m_nroutes = http_route_count(app);
	m_routes = xcalloc(m_nroutes + 1, sizeof(*m_routes));
}

void
metrics_observe(int route_index, int status, double seconds)
{
	struct route_metrics *m;
	size_t s, b;

	if (m_routes == NULL)
		return;
	m = &m_routes[route_index < 0 ? m_nroutes : (size_t)route_index];
	for (s = 0; s < NSTATUS - 1 && status_slots[s] != status; s++)
		;
	atomic_fetch_add_explicit(&m->by_status[s], 1, memory_order_relaxed);
	for (b = 0; b < NBUCKETS && seconds > buckets[b]; b++)
		;
	atomic_fetch_add_explicit(&m->bucket[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->sum_us,
	    (unsigned long long)(seconds * 1e6), memory_order_relaxed);
	atomic_fetch_add_explicit(&m->count, 1, memory_order_relaxed);
}

void
metrics_inflight(int delta)
{
	atomic_fetch_add(&m_inflight, delta);
}

static void
route_label(struct buf *b, size_t i)
{
	if (i == m_nroutes) {
		buf_puts(b, "method=\"\",route=\"unmatched\"");
		return;
	}
	buf_printf(b, "method=\"%s\",route=\"%s\"",
	    http_method_name(http_route_at(m_app, i)->method),
	    http_route_at(m_app, i)->pattern);
}

int
metrics_handler(struct req *r)
{
	struct buf b = { 0 };
	const char *prog = g_config.program;

	buf_puts(&b, "# HELP voucher_requests_total Requests by route and "
	    "status.\n# TYPE voucher_requests_total counter\n");
	for (size_t i = 0; i <= m_nroutes; i++)
		for (size_t s = 0; s < NSTATUS; s++) {
			unsigned long long n = atomic_load(
			    &m_routes[i].by_status[s]);

			if (n == 0)
				continue;
			buf_printf(&b, "voucher_requests_total{program=\"%s\",",
			    prog);
			route_label(&b, i);
			if (status_slots[s] != 0)
				buf_printf(&b, ",status=\"%d\"} %llu\n",
				    status_slots[s], n);
			else
				buf_printf(&b, ",status=\"other\"} %llu\n", n);
		}
	buf_puts(&b, "# HELP voucher_request_duration_seconds Request latency."
	    "\n# TYPE voucher_request_duration_seconds histogram\n");
	for (size_t i = 0; i <= m_nroutes; i++) {
		unsigned long long cum = 0, count;

		if ((count = atomic_load(&m_routes[i].count)) == 0)
			continue;
		for (size_t k = 0; k <= NBUCKETS; k++) {
			cum += atomic_load(&m_routes[i].bucket[k]);
			buf_printf(&b, "voucher_request_duration_seconds_bucket"
			    "{program=\"%s\",", prog);
			route_label(&b, i);
			if (k < NBUCKETS)
				buf_printf(&b, ",le=\"%g\"} %llu\n", buckets[k],
				    cum);
			else
				buf_printf(&b, ",le=\"+Inf\"} %llu\n", cum);
		}
		buf_printf(&b, "voucher_request_duration_seconds_sum"
		    "{program=\"%s\",", prog);
		route_label(&b, i);
		buf_printf(&b, "} %.6f\n",
		    (double)atomic_load(&m_routes[i].sum_us) / 1e6);
		buf_printf(&b, "voucher_request_duration_seconds_count"
		    "{program=\"%s\",", prog);
		route_label(&b, i);
		buf_printf(&b, "} %llu\n", count);
	}
	buf_printf(&b, "# HELP voucher_db_errors_total Database errors.\n"
	    "# TYPE voucher_db_errors_total counter\n"
	    "voucher_db_errors_total{program=\"%s\"} %llu\n"
	    "# HELP voucher_db_retries_total Transactions retried (1213, "
	    "1020, 1205).\n# TYPE voucher_db_retries_total counter\n"
	    "voucher_db_retries_total{program=\"%s\"} %llu\n"
	    "# HELP voucher_db_ro_fallback_total Reads sent to the write "
	    "database because the read-only one was unreachable.\n"
	    "# TYPE voucher_db_ro_fallback_total counter\n"
	    "voucher_db_ro_fallback_total{program=\"%s\"} %llu\n"
	    "# HELP voucher_requests_in_flight Requests being handled.\n"
	    "# TYPE voucher_requests_in_flight gauge\n"
	    "voucher_requests_in_flight{program=\"%s\"} %d\n",
	    prog, (unsigned long long)db_error_count(),
	    prog, (unsigned long long)db_retry_count(),
	    prog, (unsigned long long)db_ro_fallback_count(),
	    prog, atomic_load(&m_inflight));
	http_body(r, 200, "text/plain; version=0.0.4; charset=utf-8", b.p,
	    b.len);
	buf_free(&b);
	return 200;
}
