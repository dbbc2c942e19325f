/*
 * main.c - the collection program (征集, rules A1-A7): its route table.
 * The provider's side is in application.c, the materials in
 * attachment.c, the reviewers' and the bureau's side in review.c.
 */
#include "app.h"
#include "collection.h"

#define REVIEW  (ROLE_REVIEWER | ROLE_BUREAU)
#define READERS (ROLE_PROVIDER | ROLE_REVIEWER | ROLE_BUREAU)

static const struct route routes[] = {
	{ HTTP_POST,   "/api/applications",                      app_create,    ROLE_PROVIDER },
	{ HTTP_GET,    "/api/applications",                      app_list,      ROLE_PROVIDER },
	{ HTTP_GET,    "/api/applications/{id}",                 app_get,       ROLE_PROVIDER },
	{ HTTP_PUT,    "/api/applications/{id}",                 app_put,       ROLE_PROVIDER },
	{ HTTP_POST,   "/api/applications/{id}/submit",          app_submit,    ROLE_PROVIDER },
	{ HTTP_GET,    "/api/applications/{id}/attachments",     att_list,      READERS },
	{ HTTP_PUT,    "/api/applications/{id}/attachments/{s}", att_put,       ROLE_PROVIDER },
	{ HTTP_GET,    "/api/applications/{id}/attachments/{s}", att_get,       READERS },
	{ HTTP_DELETE, "/api/applications/{id}/attachments/{s}", att_delete,    ROLE_PROVIDER },
	{ HTTP_GET,    "/api/review/applications",               review_list,   REVIEW },
	{ HTTP_GET,    "/api/review/applications/{id}",          review_get,    REVIEW },
	{ HTTP_POST,   "/api/review/applications/{id}",          review_decide, REVIEW },
};

static const struct app collection_app = {
	.name = "collection",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.stmts = collection_stmts,
	.nstmts = STMT__MAX,
	.uses_ro = false,
};

int
main(int argc, char **argv)
{
	return server_main(&collection_app, argc, argv);
}
