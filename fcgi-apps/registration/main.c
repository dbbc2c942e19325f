/*
 * main.c - the registration program (issue 12): its route table.
 *
 * Enterprise and provider accounts reach the organisation's pages before
 * their organisation is certified (ROUTE_UNCERTIFIED); what changes the
 * organisation is for its administrators (ROUTE_ORG_ADMIN, E13); a
 * viewer reads only (the shared layer refuses its writes).
 */
#include "app.h"
#include "registration.h"

#define ORG        (ROLE_ENTERPRISE | ROLE_PROVIDER | ROUTE_UNCERTIFIED)
#define ORG_ADMIN  (ORG | ROUTE_ORG_ADMIN)
#define ENT_ADMIN  (ROLE_ENTERPRISE | ROUTE_UNCERTIFIED | ROUTE_ORG_ADMIN)
#define REVIEW     (ROLE_REVIEWER | ROLE_BUREAU)
/* issue 16: every account's own inbox and choices, also a viewer's */
#define SELF       (ROLE_ANY | ROUTE_UNCERTIFIED | ROUTE_VIEWER_OK)

static const struct route routes[] = {
	/* E9: signup and the mobile's code (public, rate-limited by nginx
	 * per address and by the database per mobile) */
	{ HTTP_POST,   "/api/signup",                          signup_create,              ROLE_PUBLIC },
	{ HTTP_POST,   "/api/signup/verify",                   signup_verify,              ROLE_PUBLIC },
	{ HTTP_POST,   "/api/signup/resend",                   signup_resend,              ROLE_PUBLIC },
	{ HTTP_POST,   "/api/signup/accept",                   signup_accept,              ROLE_PUBLIC },
	/* E9-E12: the organisation's own pages */
	{ HTTP_GET,    "/api/org",                             org_get,                    ORG },
	{ HTTP_PUT,    "/api/org/identity",                    org_identity_put,           ORG_ADMIN },
	{ HTTP_PUT,    "/api/org/classification",              org_classification_put,     ENT_ADMIN },
	{ HTTP_GET,    "/api/org/classification/preview",      org_classification_preview, ROLE_ENTERPRISE | ROUTE_UNCERTIFIED },
	{ HTTP_PUT,    "/api/org/qualifications",              org_qualifications_put,     ENT_ADMIN },
	{ HTTP_GET,    "/api/org/profile",                     org_profile_get,            ORG },
	{ HTTP_PUT,    "/api/org/profile",                     org_profile_put,            ORG_ADMIN },
	{ HTTP_PUT,    "/api/org/files/licence",               org_licence_put,            ORG_ADMIN },
	{ HTTP_GET,    "/api/org/files/licence",               org_licence_get,            ORG },
	{ HTTP_POST,   "/api/org/certification/submit",        org_submit,                 ORG_ADMIN },
	/* issue 16: the in-app inbox and the message choices */
	{ HTTP_GET,    "/api/notifications",                   inbox_list,                 SELF },
	{ HTTP_GET,    "/api/notifications/unread",            inbox_unread,               ROLE_PUBLIC },
	{ HTTP_POST,   "/api/notifications/read-all",          inbox_read_all,             SELF },
	{ HTTP_POST,   "/api/notifications/{id}/read",         inbox_read,                 SELF },
	{ HTTP_GET,    "/api/notifications/prefs",             prefs_get,                  SELF },
	{ HTTP_PUT,    "/api/notifications/prefs",             prefs_put,                  SELF },
	/* E13: members */
	{ HTTP_GET,    "/api/org/members",                     members_list,               ORG },
	{ HTTP_POST,   "/api/org/members",                     members_invite,             ORG_ADMIN },
	{ HTTP_PUT,    "/api/org/members/{id}",                members_update,             ORG_ADMIN },
	{ HTTP_DELETE, "/api/org/members/{id}",                members_remove,             ORG_ADMIN },
	{ HTTP_DELETE, "/api/org/invites/{id}",                invites_cancel,             ORG_ADMIN },
	/* E9, E12: the verification queue */
	{ HTTP_GET,    "/api/review/certifications",           review_list,                REVIEW },
	{ HTTP_GET,    "/api/review/certifications/{id}",      review_get,                 REVIEW },
	{ HTTP_GET,    "/api/review/certifications/{id}/licence", review_licence,          REVIEW },
	{ HTTP_POST,   "/api/review/certifications/{id}",      review_decide,              REVIEW },
	/* E11, E14: the bureau's lists */
	{ HTTP_GET,    "/api/bureau/lists",                    lists_get,                  ROLE_BUREAU },
	{ HTTP_PUT,    "/api/bureau/lists/credit",             lists_put_credit,           ROLE_BUREAU },
	{ HTTP_PUT,    "/api/bureau/lists/{s}/{id}",           lists_put_qualification,    ROLE_BUREAU },
	/* Y1-Y3: programme years */
	{ HTTP_GET,    "/api/bureau/rounds",                   rounds_list,                ROLE_BUREAU },
	{ HTTP_POST,   "/api/bureau/rounds",                   rounds_create,              ROLE_BUREAU },
	{ HTTP_PUT,    "/api/bureau/rounds/{id}",              rounds_update,              ROLE_BUREAU },
};

static const struct app registration_app = {
	.name = "registration",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.stmts = registration_stmts,
	.nstmts = STMT__MAX,
	.uses_ro = false,
};

int
main(int argc, char **argv)
{
	return server_main(&registration_app, argc, argv);
}
