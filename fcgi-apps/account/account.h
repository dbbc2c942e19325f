/*
 * account.h - the account program: sessions (login/logout), the current
 * account (/api/me), and the bureau's management of enterprises and
 * providers with their accounts (rules E1-E7, A1).
 */
#ifndef ACCOUNT_H
#define ACCOUNT_H

#include "http.h"

/* SQL of this program, by id (db.c). */
enum account_stmt {
	STMT_ACCOUNT_BY_LOGIN,
	STMT_SESSION_INSERT,
	STMT_ACCOUNT_LOGGED_IN,
	STMT_ME_ENTERPRISE,
	STMT_ME_PROVIDER,
	STMT_ENTERPRISE_LIST,
	STMT_ENTERPRISE_COUNT,
	STMT_ENTERPRISE_GET,
	STMT_ENTERPRISE_LOCK,
	STMT_ENTERPRISE_INSERT,
	STMT_ENTERPRISE_UPDATE,
	STMT_QUOTA_SET_CAP,
	STMT_ACCOUNT_INSERT,
	STMT_LOGIN_EXISTS,
	STMT_ENTERPRISE_USCC_EXISTS,
	STMT_PROVIDER_LIST,
	STMT_PROVIDER_COUNT,
	STMT_PROVIDER_GET,
	STMT_PROVIDER_LOCK,
	STMT_PROVIDER_INSERT,
	STMT_PROVIDER_UPDATE,
	STMT_PROVIDER_USCC_EXISTS,
	STMT__MAX
};
extern const struct db_stmt account_stmts[STMT__MAX];

/* session.c */
int session_create(struct req *r);
int session_delete(struct req *r);
int me_get(struct req *r);

/* org.c */
int enterprise_list(struct req *r);
int enterprise_create(struct req *r);
int enterprise_get(struct req *r);
int enterprise_update(struct req *r);
int provider_list(struct req *r);
int provider_create(struct req *r);
int provider_get(struct req *r);
int provider_update(struct req *r);

#endif
