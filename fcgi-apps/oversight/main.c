/*
 * main.c - the oversight program: its route table. Bureau only, on the
 * write database: paying published batches (R5), recoveries (R6, V2),
 * violations (V1, V2), spot checks and the audit trail (V3), the
 * dashboard. nginx sends /api/bureau/batches/{id}/pay here and the rest
 * of /api/bureau/batches to the publicity program.
 */
#include "app.h"
#include "oversight.h"

static const struct route routes[] = {
	/* paying a published batch after its period (R5) */
	{ HTTP_POST, "/api/bureau/batches/{id}/pay",           batch_pay,         ROLE_BUREAU },
	/* money back (R6, V2) */
	{ HTTP_GET,  "/api/bureau/recoveries",                 recovery_list,     ROLE_BUREAU },
	{ HTTP_POST, "/api/bureau/recoveries/{id}",            recovery_record,   ROLE_BUREAU },
	/* violations (V1, V2) */
	{ HTTP_GET,  "/api/bureau/violations",                 violation_list,    ROLE_BUREAU },
	{ HTTP_POST, "/api/bureau/violations",                 violation_create,  ROLE_BUREAU },
	{ HTTP_GET,  "/api/bureau/violations/{id}",            violation_get,     ROLE_BUREAU },
	/* spot checks and the audit trail (V3) */
	{ HTTP_GET,  "/api/bureau/spot-check",                 spot_check_list,   ROLE_BUREAU },
	{ HTTP_POST, "/api/bureau/spot-check",                 spot_check_sample, ROLE_BUREAU },
	{ HTTP_POST, "/api/bureau/spot-check/{id}",            spot_check_result, ROLE_BUREAU },
	{ HTTP_GET,  "/api/bureau/audit",                      audit_list,        ROLE_BUREAU },
	/* every order, filtered, and its exports (issue 11) */
	{ HTTP_GET,  "/api/bureau/orders",                     bureau_orders_list, ROLE_BUREAU },
	{ HTTP_GET,  "/api/bureau/orders.csv",                 bureau_orders_csv,  ROLE_BUREAU },
	{ HTTP_GET,  "/api/bureau/orders.xlsx",                bureau_orders_xlsx, ROLE_BUREAU },
	/* what enterprises said, per provider (C1, issue 11) */
	{ HTTP_GET,  "/api/bureau/evaluations",                evaluation_list,   ROLE_BUREAU },
	/* the bureau's dashboard */
	{ HTTP_GET,  "/api/bureau/stats",                      stats_get,         ROLE_BUREAU },
	/* issue 16: what is past its stage clock */
	{ HTTP_GET,  "/api/bureau/overdue",                    overdue_get,       ROLE_BUREAU },
	/* issue 16 §4: provider scorecards; a provider sees only its own */
	{ HTTP_GET,  "/api/bureau/providers/{id}/scorecard",   scorecard_bureau,  ROLE_BUREAU | ROLE_REVIEWER },
	{ HTTP_GET,  "/api/provider/scorecard",                scorecard_own,     ROLE_PROVIDER },
};

static const struct app oversight_app = {
	.name = "oversight",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.stmts = oversight_stmts,
	.nstmts = STMT__MAX,
	.uses_ro = false,
};

int
main(int argc, char **argv)
{
	return server_main(&oversight_app, argc, argv);
}
