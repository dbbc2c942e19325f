/*
 * main.c - the ordering program: its route table. Placing orders and the
 * quote are in place.c; an enterprise's own orders in order.c.
 */
#include "app.h"
#include "ordering.h"

static const struct route routes[] = {
	{ HTTP_POST, "/api/orders",                     order_create,     ROLE_ENTERPRISE },
	{ HTTP_GET,  "/api/orders",                     order_list_mine,  ROLE_ENTERPRISE },
	{ HTTP_GET,  "/api/quote",                      quote_get,        ROLE_ENTERPRISE },
	{ HTTP_GET,  "/api/orders/{id}",                order_get_mine,   ROLE_ENTERPRISE },
	{ HTTP_POST, "/api/orders/{id}/cancel",         order_cancel,     ROLE_ENTERPRISE },
	{ HTTP_POST, "/api/orders/{id}/confirm",        order_confirm,    ROLE_ENTERPRISE },
	{ HTTP_GET,  "/api/orders/{id}/commitment",     order_commitment, ROLE_ENTERPRISE },
};

static const struct app ordering_app = {
	.name = "ordering",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.stmts = ordering_stmts,
	.nstmts = STMT__MAX,
	.uses_ro = false,
};

int
main(int argc, char **argv)
{
	return server_main(&ordering_app, argc, argv);
}
