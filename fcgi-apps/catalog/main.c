/*
 * main.c - the catalog program: its route table (handlers in product.c).
 * Public reads go to the read-only database (VOUCHER_DB_RO_*) when one is
 * configured; the bureau's writes go to the write database.
 */
#include "app.h"
#include "catalog.h"

static const struct route routes[] = {
	{ HTTP_GET,  "/api/categories",           category_list,  ROLE_PUBLIC },
	{ HTTP_GET,  "/api/products",             product_list,   ROLE_PUBLIC },
	{ HTTP_GET,  "/api/products/{id}",        product_get,    ROLE_PUBLIC },
	{ HTTP_GET,  "/api/products/{id}/evaluations", product_evaluations, ROLE_PUBLIC },
	{ HTTP_GET,  "/api/bureau/products",      product_bureau_list, ROLE_BUREAU },
	{ HTTP_POST, "/api/bureau/products",      product_create, ROLE_BUREAU },
	{ HTTP_PUT,  "/api/bureau/products/{id}", product_update, ROLE_BUREAU },
};

static struct app catalog_app = {
	.name = "catalog",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.stmts = NULL,		/* catalog_stmts, once generated */
	.nstmts = STMT__MAX,
	.uses_ro = true,
};

int
main(int argc, char **argv)
{
	catalog_sql_init();
	catalog_app.stmts = catalog_stmts;
	return server_main(&catalog_app, argc, argv);
}
