/*
 * main.c - the provider order management program: its route table
 * (handlers in inbox.c and refund.c).
 */
#include "app.h"
#include "provider.h"

static const struct route routes[] = {
	{ HTTP_GET,  "/api/provider/orders",                inbox_list,    ROLE_PROVIDER },
	{ HTTP_GET,  "/api/provider/orders/{id}",           inbox_get,     ROLE_PROVIDER },
	{ HTTP_POST, "/api/provider/orders/{id}/accept",    order_accept,  ROLE_PROVIDER },
	{ HTTP_POST, "/api/provider/orders/{id}/decline",   order_decline, ROLE_PROVIDER },
	{ HTTP_PUT,  "/api/provider/orders/{id}/contract",  contract_put,  ROLE_PROVIDER },
	{ HTTP_GET,  "/api/provider/orders/{id}/reference", reference_get, ROLE_PROVIDER },
	{ HTTP_POST, "/api/provider/orders/{id}/refund",    order_refund,  ROLE_PROVIDER },
	/* what enterprises said of its products (C1, issue 11) */
	{ HTTP_GET,  "/api/provider/evaluations",           evaluation_list, ROLE_PROVIDER },
};

static const struct app provider_app = {
	.name = "provider",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.stmts = provider_stmts,
	.nstmts = STMT__MAX,
	.uses_ro = false,
};

int
main(int argc, char **argv)
{
	return server_main(&provider_app, argc, argv);
}
