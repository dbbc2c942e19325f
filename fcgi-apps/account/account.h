/*
 * account.h - the account program: sessions (login/logout), the current
 * account (/api/me), and the bureau's management of enterprises and
 * providers with their accounts (rules E1-E7, A1).
 *
 * db.c holds all of the program's SQL behind the typed functions below;
 * session.c and org.c the handlers, which see row structs only.
 */
#ifndef ACCOUNT_H
#define ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "http.h"
#include "rules.h"

/* SQL of this program, by id (db.c). */
enum account_stmt {
	STMT_ACCOUNT_BY_LOGIN,
	STMT_SESSION_INSERT,
	STMT_ACCOUNT_LOGGED_IN,
	STMT_DEVICE_ACCOUNT,
	STMT_DEVICE_INSERT,
	STMT_DEVICE_TOUCH,
	STMT_ME_PROVIDER,
	STMT_ENTERPRISE_LIST,
	STMT_ENTERPRISE_COUNT,
	STMT_ENTERPRISE_SEARCH,
	STMT_ENTERPRISE_SEARCH_SHORT,
	STMT_ENTERPRISE_SEARCH_COUNT,
	STMT_ENTERPRISE_SEARCH_COUNT_SHORT,
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
	STMT_PROVIDER_SEARCH,
	STMT_PROVIDER_SEARCH_SHORT,
	STMT_PROVIDER_SEARCH_COUNT,
	STMT_PROVIDER_SEARCH_COUNT_SHORT,
	STMT_PROVIDER_GET,
	STMT_PROVIDER_LOCK,
	STMT_PROVIDER_INSERT,
	STMT_PROVIDER_UPDATE,
	STMT_PROVIDER_USCC_EXISTS,
	STMT__MAX
};
extern const struct db_stmt account_stmts[STMT__MAX];

/* ---- typed access (db.c) ---------------------------------------------
 * Every function returns DB_OK or a DB_* status (DB_NOTFOUND and
 * DB_CONFLICT as noted). Strings of a row borrow from the struct db_res
 * *keep the caller frees with db_res_free(), or, for list callbacks, live
 * during the call. Calendar dates are y*10000+m*100+d, 0 for none. */

/* An account by its login (STMT_ACCOUNT_BY_LOGIN). */
struct account_row {
	int64_t     id;
	const char *password_hash;
	const char *role;
	bool        disabled;
	int64_t     enterprise_id;	/* 0 unless an enterprise's         */
	int64_t     provider_id;	/* 0 unless a provider's            */
	int64_t     org_id;		/* its organisation (E13); 0: none  */
	const char *member_role;	/* admin | operator | viewer        */
};

/* The account of login. DB_NOTFOUND when there is none. */
int db_account_by_login(struct db *db, const char *login,
    struct account_row *out, struct db_res **keep);

/* A new session: the SHA-256 of its token, its account and CSRF token,
 * created at now, ending at expires. */
int db_session_insert(struct db *db, const unsigned char token_hash[32],
    int64_t account_id, const char *csrf, time_t now, time_t expires);
/* Records the login of account id at now. */
int db_account_logged_in(struct db *db, int64_t id, time_t now);
/* Issue 15: the account whose browser holds the device token hashing to
 * token_hash (*account_id 0: an unknown device). */
int db_device_account(struct db *db, const unsigned char token_hash[32],
    int64_t *account_id);
/* A new known browser of account_id at now. */
int db_device_insert(struct db *db, const unsigned char token_hash[32],
    int64_t account_id, time_t now);
/* A known browser logged in again at now. */
int db_device_touch(struct db *db, const unsigned char token_hash[32],
    time_t now);
/* Ends the session whose token hashes to token_hash. DB_NOTFOUND when
 * there was none. */
int db_session_delete(struct db *db, const unsigned char token_hash[32]);

/* A new account of role for an enterprise or a provider (the other id
 * 0). DB_CONFLICT when the login is taken. */
int db_account_insert(struct db *db, const char *login, const char *hash,
    const char *role, int64_t enterprise_id, int64_t provider_id,
    time_t now);

/* Whether login / the enterprise or provider USCC is taken: DB_OK when it
 * is, DB_NOTFOUND when not. */
int db_login_taken(struct db *db, const char *login);
int db_uscc_taken(struct db *db, bool provider, const char *uscc);

/* An enterprise as the bureau sees it, with its quota row of one year at
 * now (O3: what timed-out orders hold does not count). */
struct enterprise_row {
	int64_t     id;
	const char *name;
	const char *uscc;
	const char *tier;		/* E7                                */
	const char *size_class;		/* E3; NULL: not classified          */
	bool        beijing_registered;	/* E1                                */
	bool        is_enterprise;	/* E2                                */
	bool        credit_flagged;	/* E4                                */
	const char *credit_source;	/* NULL when none                    */
	const char *credit_checked_on;	/* "YYYY-MM-DD"; NULL when none      */
	int64_t     credit_checked_ymd;
	time_t      barred_until;	/* V2/E5: 0 when never barred        */
	int64_t     credit_list_until;	/* E14: the credit list counts
					   through this day (ymd); 0: not
					   listed                            */
	time_t      created_at, updated_at;
	const char *login;		/* its first account's; NULL if none */
	int64_t     quota_cap;		/* the quota row's cap and occupied  */
	int64_t     quota_occupied;	/* at now, when it has one           */
	bool        no_quota;		/* no quota row for the year         */
};

/* Enterprise id with its quota of year at now; lock: FOR UPDATE.
 * DB_NOTFOUND when there is none. */
int db_enterprise_get(struct db *db, int64_t id, int year, time_t now,
    bool lock, struct enterprise_row *out, struct db_res **keep);

/* One row of a list as JSON (new reference). */
typedef json_t *(*enterprise_json_fn)(void *ctx, const struct enterprise_row *e);

/* The bureau's list of enterprises whose name holds q (found through the
 * search index, search.h; like: q as a LIKE pattern) or whose USCC is q
 * (both NULL: all), with their quota of year at now, by id:
 * {items, total, page, per_page}, each item fn(ctx, row). NULL with *rc
 * set on a failure. */
json_t *db_enterprise_page(struct db *db, const char *q, const char *like,
    int year, time_t now, int64_t page, int64_t per_page,
    enterprise_json_fn fn, void *ctx, int *rc);

/* What the bureau records of an enterprise (E1-E4, E7). */
struct enterprise_fields {
	const char *name;
	const char *tier;
	const char *size_class;
	bool        beijing_registered;
	bool        is_enterprise;
	bool        credit_flagged;
	const char *credit_source;
	int64_t     credit_checked_ymd;
};

/* Inserts an enterprise with uscc at now into *id. DB_CONFLICT when the
 * USCC is taken. */
int db_enterprise_insert(struct db *db, const char *uscc,
    const struct enterprise_fields *f, time_t now, int64_t *id);
/* Writes f on enterprise id at now. DB_NOTFOUND when nothing changed. */
int db_enterprise_update(struct db *db, int64_t id,
    const struct enterprise_fields *f, time_t now);
/* E7, E8: sets the cap of enterprise id's quota rows from year on; a
 * lower cap applies to new orders only (existing ones keep their
 * reservations, occupied may exceed it). */
int db_quota_set_cap(struct db *db, int64_t enterprise_id, int year,
    int64_t cap);

/* A provider as the bureau sees it. */
struct provider_row {
	int64_t     id;
	const char *name;
	const char *uscc;
	bool        beijing_registered;
	bool        main_body_beijing;
	bool        has_premises;
	const char *established_on;	/* "YYYY-MM-DD"; NULL when unknown   */
	int64_t     established_ymd;
	bool        credit_flagged;
	const char *credit_source;
	const char *credit_checked_on;
	int64_t     credit_checked_ymd;
	time_t      barred_until;	/* V2: 0 when never barred           */
	int64_t     last_year_contracts;
	int64_t     last_year_revenue;	/* fen                               */
	time_t      created_at, updated_at;
	const char *login;
	int64_t     listed_products;
};

/* Provider id; lock: FOR UPDATE. DB_NOTFOUND when there is none. */
int db_provider_get(struct db *db, int64_t id, bool lock,
    struct provider_row *out, struct db_res **keep);

typedef json_t *(*provider_json_fn)(void *ctx, const struct provider_row *p);

/* The bureau's list of providers, as db_enterprise_page. */
json_t *db_provider_page(struct db *db, const char *q, const char *like,
    int64_t page, int64_t per_page, provider_json_fn fn, void *ctx,
    int *rc);

/* What the bureau records of a provider (A1, E4). */
struct provider_fields {
	const char *name;
	bool        beijing_registered;
	bool        main_body_beijing;
	bool        has_premises;
	int64_t     established_ymd;
	bool        credit_flagged;
	const char *credit_source;
	int64_t     credit_checked_ymd;
	int64_t     last_year_contracts;
	int64_t     last_year_revenue;
};

/* Inserts a provider with uscc at now into *id. DB_CONFLICT when the
 * USCC is taken. */
int db_provider_insert(struct db *db, const char *uscc,
    const struct provider_fields *f, time_t now, int64_t *id);
/* Writes f on provider id at now. DB_NOTFOUND when nothing changed. */
int db_provider_update(struct db *db, int64_t id,
    const struct provider_fields *f, time_t now);

/* The name and bar of provider id, for /api/me. */
struct provider_brief {
	int64_t     id;
	const char *name;
	time_t      barred_until;	/* V2: 0 when never barred           */
};
int db_provider_brief(struct db *db, int64_t id, struct provider_brief *out,
    struct db_res **keep);

/* session.c */
int session_create(struct req *r);
int session_delete(struct req *r);
int me_get(struct req *r);

/* org.c */
/* Y3: the year whose allowance is shown: the current round's (the
 * calendar year of now when there is none). */
int allowance_year(struct req *r);

/* O1 (E1-E5): NULL when enterprise e may order at now, else the id of the
 * first failing rule. */
const char *enterprise_ineligible(const struct enterprise_row *e, time_t now);
/* E7, O3: e's quota of year {year, cap, occupied, available} in fen: the
 * tier's cap until the quota row exists; available = max(0, cap -
 * occupied) (E8) (new reference). */
json_t *enterprise_quota_json(const struct enterprise_row *e, int year);

int enterprise_list(struct req *r);
int enterprise_create(struct req *r);
int enterprise_get(struct req *r);
int enterprise_update(struct req *r);
int provider_list(struct req *r);
int provider_create(struct req *r);
int provider_get(struct req *r);
int provider_update(struct req *r);

#endif
