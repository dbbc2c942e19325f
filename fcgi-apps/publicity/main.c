/*
 * main.c - the publicity program: its route table. Public reads go to
 * the read-only database (VOUCHER_DB_RO_*) when one is configured; every
 * write and every bureau read goes to the write database. Payments,
 * recoveries, violations, spot checks, the audit trail and the dashboard
 * are the oversight program's (fcgi-apps/oversight).
 */
#include "app.h"
#include "publicity.h"

static const struct route routes[] = {
	/* public, no login (R5) */
	{ HTTP_GET,  "/api/publicity/batches",                 pub_batch_list,    ROLE_PUBLIC },
	{ HTTP_GET,  "/api/publicity/batches/{id}",            pub_batch_get,     ROLE_PUBLIC },
	{ HTTP_GET,  "/api/publicity/batches/{id}/items",      pub_item_list,     ROLE_PUBLIC },
	{ HTTP_GET,  "/api/publicity/batches/{id}.csv",        pub_batch_csv,     ROLE_PUBLIC },
	/* issue 16 §3: the open data (360Giving), before {id}.json */
	{ HTTP_GET,  "/api/publicity/batches/{id}.360g.json",  od_package,        ROLE_PUBLIC },
	{ HTTP_GET,  "/api/publicity/open-data.json",          od_feed,           ROLE_PUBLIC },
	{ HTTP_GET,  "/api/publicity/batches/{id}.json",       pub_batch_json,    ROLE_PUBLIC },
	{ HTTP_GET,  "/api/publicity/batches/{id}.json.sig",   pub_batch_sig,     ROLE_PUBLIC },
	/* R7: the records chained after a list (record 0: the list) */
	{ HTTP_GET,  "/api/publicity/batches/{id}/records",    pub_record_list,   ROLE_PUBLIC },
	{ HTTP_GET,  "/api/publicity/batches/{id}/records/{s}.json", pub_record_json, ROLE_PUBLIC },
	{ HTTP_GET,  "/api/publicity/batches/{id}/records/{s}.json.sig", pub_record_sig, ROLE_PUBLIC },
	{ HTTP_GET,  "/api/publicity/key",                     pub_key,           ROLE_PUBLIC },
	{ HTTP_POST, "/api/publicity/items/{id}/feedback",     feedback_create,   ROLE_PUBLIC },
	{ HTTP_GET,  "/api/publicity/feedback/{s}",            feedback_track,    ROLE_PUBLIC },
	/* the bureau: batches and objections (R5); paying a batch is the
	 * oversight program's */
	{ HTTP_GET,  "/api/bureau/batches",                    batch_list,        ROLE_BUREAU },
	{ HTTP_POST, "/api/bureau/batches",                    batch_create,      ROLE_BUREAU },
	{ HTTP_GET,  "/api/bureau/batches/{id}",               batch_get,         ROLE_BUREAU },
	{ HTTP_POST, "/api/bureau/batches/{id}/publish",       batch_publish,     ROLE_BUREAU },
	{ HTTP_GET,  "/api/bureau/feedback",                   feedback_list,     ROLE_BUREAU },
	{ HTTP_POST, "/api/bureau/feedback/{id}",              feedback_decide,   ROLE_BUREAU },
};

static const struct app publicity_app = {
	.name = "publicity",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.stmts = publicity_stmts,
	.nstmts = STMT__MAX,
	.uses_ro = true,
};

int
main(int argc, char **argv)
{
	return server_main(&publicity_app, argc, argv);
}
