/*
 * app.h - what a FastCGI program declares: its name, its route table and
 * its SQL. server_main() does the rest (config, logs, workers, database
 * connections, /healthz, /metrics, graceful stop).
 */
#ifndef VOUCHER_APP_H
#define VOUCHER_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"
#include "http.h"

struct app {
	const char          *name;       /* "catalog": logs, metrics     */
	const struct route  *routes;
	size_t               nroutes;
	const struct db_stmt *stmts;     /* the program's SQL, by id     */
	size_t               nstmts;
	bool                 uses_ro;    /* reads go to VOUCHER_DB_RO_*  */
};

/* Runs the program until SIGTERM/SIGINT; returns the exit status. */
int server_main(const struct app *app, int argc, char **argv);

#endif
