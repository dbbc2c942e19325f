/*
 * main.c - the account program: its route table. Everything else is in
 * session.c (login, logout, /api/me) and org.c (bureau management).
 */
#include "account.h"
#include "app.h"

static const struct route routes[] = {
	{ HTTP_POST,   "/api/session",                 session_create,    ROLE_PUBLIC },
	{ HTTP_DELETE, "/api/session",                 session_delete,    ROLE_ANY | ROUTE_UNCERTIFIED | ROUTE_VIEWER_OK },
	{ HTTP_GET,    "/api/me",                      me_get,            ROLE_ANY | ROUTE_UNCERTIFIED },
	{ HTTP_GET,    "/api/bureau/enterprises",      enterprise_list,   ROLE_BUREAU },
	{ HTTP_POST,   "/api/bureau/enterprises",      enterprise_create, ROLE_BUREAU },
	{ HTTP_GET,    "/api/bureau/enterprises/{id}", enterprise_get,    ROLE_BUREAU },
	{ HTTP_PUT,    "/api/bureau/enterprises/{id}", enterprise_update, ROLE_BUREAU },
	{ HTTP_GET,    "/api/bureau/providers",        provider_list,     ROLE_BUREAU },
	{ HTTP_POST,   "/api/bureau/providers",        provider_create,   ROLE_BUREAU },
	{ HTTP_GET,    "/api/bureau/providers/{id}",   provider_get,      ROLE_BUREAU },
	{ HTTP_PUT,    "/api/bureau/providers/{id}",   provider_update,   ROLE_BUREAU },
};

static const struct app account_app = {
	.name = "account",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.stmts = account_stmts,
	.nstmts = STMT__MAX,
	.uses_ro = false,
};

int
main(int argc, char **argv)
{
	return server_main(&account_app, argc, argv);
}
