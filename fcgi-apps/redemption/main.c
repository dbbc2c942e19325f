/*
 * main.c - the redemption program (兑付): its route table. The claim
 * (figures, submission) is in claim.c, the documents in files.c (the
 * guide's "other files" in others.c), the
 * reviewer's side in review.c.
 */
#include "app.h"
#include "redemption.h"

#define PARTIES (ROLE_ENTERPRISE | ROLE_PROVIDER | ROLE_REVIEWER | ROLE_BUREAU)
#define REVIEW  (ROLE_REVIEWER | ROLE_BUREAU)

static const struct route routes[] = {
	{ HTTP_PUT,  "/api/redemptions/{id}/files/{s}", file_put,      ROLE_PROVIDER },
	{ HTTP_GET,  "/api/redemptions/{id}/files/other/{id}", other_get, PARTIES },
	{ HTTP_DELETE, "/api/redemptions/{id}/files/other/{id}", other_delete,
	    ROLE_PROVIDER },
	{ HTTP_GET,  "/api/redemptions/{id}/files/{s}", file_get,      PARTIES },
	{ HTTP_PUT,  "/api/redemptions/{id}",           figures_put,   ROLE_PROVIDER },
	{ HTTP_GET,  "/api/redemptions/{id}",           claim_get,     PARTIES },
	{ HTTP_POST, "/api/redemptions/{id}/submit",    claim_submit,  ROLE_PROVIDER },
	{ HTTP_GET,  "/api/review/claims",              review_list,   REVIEW },
	{ HTTP_GET,  "/api/review/claims/{id}",         review_get,    REVIEW },
	{ HTTP_POST, "/api/review/claims/{id}",         review_decide, REVIEW },
};

static const struct app redemption_app = {
	.name = "redemption",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.stmts = redemption_stmts,
	.nstmts = STMT__MAX,
	.uses_ro = false,
};

int
main(int argc, char **argv)
{
	return server_main(&redemption_app, argc, argv);
}
