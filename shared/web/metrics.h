/*
 * metrics.h - Prometheus counters of one program: requests by route and
 * status, a latency histogram per route, database errors and retries,
 * in-flight requests. Lock-free (atomics); served at GET /metrics.
 */
#ifndef VOUCHER_METRICS_H
#define VOUCHER_METRICS_H

#include "app.h"

/* Allocates the counters for app's routes. Call once before workers. */
void metrics_init(const struct app *app);

/* Records one finished request (route_index -1: matched no route). */
void metrics_observe(int route_index, int status, double seconds);

/* Adjusts the in-flight gauge by delta. */
void metrics_inflight(int delta);

/* GET /metrics. */
int metrics_handler(struct req *r);

#endif
