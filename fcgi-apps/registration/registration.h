/*
 * registration.h - the registration program (issue 12): enterprises and
 * providers join by themselves (rules E9-E13), the bureau's lists (E11,
 * E14) and its programme years (Y1-Y3).
 *
 * Files: main.c (routes), signup.c (signup, the mobile's code, accepting
 * an invitation), org.c (the organisation's own pages: identity, licence,
 * size classification, qualifications, profile, submission), review.c
 * (the verification queue and its decisions), members.c (E13), tier.c
 * (the tier and credit state derived from the lists, E8/E11/E14),
 * lists.c (the bureau's list imports), rounds.c (Y1-Y3), db.c (all SQL).
 *
 * Locking order, everywhere: the organisation row, then its
 * certification, then accounts, then the enterprise / provider row, then
 * its quota rows. A list import locks the list's rows first, then each
 * enterprise it changes.
 */
#ifndef REGISTRATION_H
#define REGISTRATION_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "audit.h"
#include "db.h"
#include "http.h"
#include "org.h"
#include "rules.h"

enum registration_stmt {
	STMT_ACCOUNT_BY_MOBILE,
	STMT_ACCOUNT_INSERT,
	STMT_ACCOUNT_RESIGN,
	STMT_ACCOUNT_VERIFY,
	STMT_ACCOUNT_JOIN,
	STMT_ACCOUNT_LOGGED_IN,
	STMT_SESSION_INSERT,
	STMT_CODE_UPSERT,
	STMT_CODE_TRY,
	STMT_CODE_GET,
	STMT_CODE_TAKE,
	STMT_INVITE_OPEN_BY_MOBILE,
	STMT_INVITE_LOCK,
	STMT_INVITE_INSERT,
	STMT_INVITE_CLOSE,
	STMT_INVITES_OF,
	STMT_ORG_INSERT,
	STMT_ORG_KIND,
	STMT_ORG_GET,
	STMT_ORG_LOCK,
	STMT_ORG_BY_ENTERPRISE,
	STMT_ORG_BY_PROVIDER,
	STMT_ORG_ADOPT_ENTERPRISE,
	STMT_ORG_ADOPT_PROVIDER,
	STMT_ACCOUNTS_ADOPT,
	STMT_ORG_IDENTITY,
	STMT_ORG_CLASSIFICATION,
	STMT_ORG_QUALS,
	STMT_ORG_PROFILE,
	STMT_ORG_STATE,
	STMT_ORG_DECIDED,
	STMT_ORG_RESET,
	STMT_ORG_CERTIFIED_IDS,
	STMT_USCC_ENTERPRISE,
	STMT_USCC_PROVIDER,
	STMT_FILE_LOCK,
	STMT_FILE_UPSERT,
	STMT_FILE_GET,
	STMT_FILE_REFERENCED,
	STMT_CERT_INSERT,
	STMT_CERT_LOCK,
	STMT_CERT_GET,
	STMT_CERT_DECIDE,
	STMT_CERT_PENDING_OF,
	STMT_CERT_QUEUE,
	STMT_CERT_LIST,
	STMT_CERT_COUNT,
	STMT_ENTERPRISE_INSERT,
	STMT_ENTERPRISE_UPDATE,
	STMT_ENTERPRISE_GET,
	STMT_ENTERPRISE_SET_TIER,
	STMT_ENTERPRISE_SET_CREDIT,
	STMT_ACCOUNTS_CERTIFY,
	STMT_PROVIDER_INSERT,
	STMT_PROVIDER_UPDATE,
	STMT_QUOTA_ENSURE,
	STMT_QUOTA_SET,
	STMT_MEMBERS_OF,
	STMT_MEMBER_LOCK,
	STMT_MEMBER_ROLE,
	STMT_MEMBER_REMOVE,
	STMT_MEMBER_SESSIONS_END,
	STMT_ADMINS_COUNT,
	STMT_ADMIN_MOBILES,
	STMT_QUAL_LOCK,
	STMT_QUAL_DELETE,
	STMT_QUAL_INSERT,
	STMT_QUAL_OF,
	STMT_CREDIT_LOCK,
	STMT_CREDIT_DELETE,
	STMT_CREDIT_INSERT,
	STMT_CREDIT_OF,
	STMT_IMPORT_INSERT,
	STMT_IMPORT_COUNTS,
	STMT_IMPORTS_RECENT,
	STMT_LIST_SIZES,
	STMT_DECLARED_ENTERPRISES,
	STMT_ENTERPRISES_BY_USCC,
	STMT_ROUND_LIST,
	STMT_ROUND_LOCK,
	STMT_ROUND_INSERT,
	STMT_ROUND_UPDATE,
	STMT_ROUND_UNSET_CURRENT,
	STMT_ROUND_SET_CURRENT,
	/* issue 16: the in-app inbox and the members' choices (inbox.c) */
	STMT_INBOX_LIST,
	STMT_INBOX_COUNT,
	STMT_INBOX_UNREAD,
	STMT_INBOX_GET,
	STMT_INBOX_READ,
	STMT_INBOX_READ_ALL,
	STMT_PREFS_OF,
	STMT_PREF_SET,
	STMT__MAX
};
extern const struct db_stmt registration_stmts[STMT__MAX];

/* ---- limits of the inputs ---------------------------------------------- */

#define MOBILE_LEN        11
#define PASSWORD_MIN      10      /* the existing policy (account program) */
#define PASSWORD_MAX      128
#define CODE_TTL          600     /* a code is valid 10 minutes (E9)       */
#define CODE_TRIES        5
#define INVITE_TTL        (7 * 86400)
#define REASON_MAX        1000

/* E9: a mainland mobile number: 11 digits, 1 then 3-9. */
bool mobile_valid(const char *s);

/* ---- typed access (db.c) ----------------------------------------------
 * Each returns DB_OK, DB_NOTFOUND (no row; for a guarded write, no row
 * changed), DB_CONFLICT (a unique key) or a DB_* failure. Strings of a row
 * borrow from *keep, which the caller frees with db_res_free() (also after
 * a failure). Calendar dates are y*10000+m*100+d, 0 for none. */

/* An account by its mobile (locked: FOR UPDATE). */
struct account_row {
	int64_t     id;
	const char *role;
	int64_t     org_id;
	int64_t     enterprise_id, provider_id;
	bool        verified;          /* mobile_verified_at set              */
	bool        disabled;
	const char *member_role;
	const char *display_name;
};
int db_account_by_mobile(struct db *db, const char *mobile,
    struct account_row *a, struct db_res **keep);

/* A new account whose login is its mobile: disabled until verified when
 * verified is false. */
struct account_new {
	const char *mobile;
	const char *hash;              /* the password's PBKDF2 hash          */
	const char *role;              /* "enterprise" | "provider"           */
	int64_t     org_id;
	int64_t     enterprise_id, provider_id;   /* 0: not certified         */
	const char *member_role;
	const char *display_name;
	bool        verified;
};
int db_account_insert(struct db *db, const struct account_new *n, time_t now,
    int64_t *id);
/* A signup again for an unverified account: its password, role, name. */
int db_account_resign(struct db *db, int64_t id, const char *hash,
    const char *role, const char *display_name);
/* The code confirmed the mobile of account id: enabled. */
int db_account_verify(struct db *db, int64_t id, time_t now);
/* An unverified account becomes a member by an invitation. */
int db_account_join(struct db *db, int64_t id, const struct account_new *n,
    time_t now);
int db_account_logged_in(struct db *db, int64_t id, time_t now);
int db_session_insert(struct db *db, const unsigned char token_hash[32],
    int64_t account_id, const char *csrf, time_t now, time_t expires);

/* One code per mobile (E9): purpose "signup" or "invite". */
int db_code_upsert(struct db *db, const char *mobile, const char *purpose,
    int64_t invite_id, const char *hash, time_t now);
/* Spends one try of mobile's live code: DB_NOTFOUND when there is none
 * (none, expired, or no try left). */
int db_code_try(struct db *db, const char *mobile, time_t now);
struct code_row {
	const char *purpose;
	int64_t     invite_id;
	const char *code_hash;
};
int db_code_get(struct db *db, const char *mobile, struct code_row *c,
    struct db_res **keep);
/* Consumes mobile's code if it is still the one whose hash is hash:
 * DB_NOTFOUND when it was replaced or consumed meanwhile. */
int db_code_take(struct db *db, const char *mobile, const char *hash);

/* An invitation (E13). */
struct invite_row {
	int64_t     id, org_id;
	const char *mobile;
	const char *member_role;
	const char *name;
	const char *status;
	time_t      invited_at, expires_at;
};
/* The open invitation of mobile last made (DB_NOTFOUND: none). */
int db_invite_open_by_mobile(struct db *db, const char *mobile, time_t now,
    struct invite_row *i, struct db_res **keep);
int db_invite_lock(struct db *db, int64_t id, struct invite_row *i,
    struct db_res **keep);
int db_invite_insert(struct db *db, int64_t org_id, const char *mobile,
    const char *role, const char *name, int64_t by, time_t now, int64_t *id);
/* Closes an open invitation as status (accepted: as account_id). */
int db_invite_close(struct db *db, int64_t id, const char *status,
    int64_t account_id, time_t now);

/* An organisation (E9-E13). */
struct org_row {
	int64_t     id;
	const char *kind;                  /* "enterprise" | "provider"      */
	int64_t     enterprise_id, provider_id;   /* 0: not certified        */
	const char *state;
	const char *name, *uscc, *legal_representative, *registered_district;
	int         registered_in_beijing, is_enterprise, main_body_in_beijing;
	                                   /* -1: not given                   */
	const char *industry;
	int64_t     employees, revenue, total_assets;   /* -1: not given     */
	int         figures_year;
	const char *size_class, *size_basis;
	bool        claims_specialized, claims_little_giant, quals_declared;
	const char *certified_json;
	time_t      certified_at;
	const char *last_decision, *last_reason;
	const char *address, *contact_name, *contact_phone, *website;
	const char *bank_name, *bank_account_name, *bank_account;
	time_t      created_at, updated_at;
};
/* Organisation id; lock: FOR UPDATE. */
int db_org_get(struct db *db, int64_t id, bool lock, struct org_row *o,
    struct db_res **keep);
/* The organisation of a certified enterprise / provider (DB_NOTFOUND:
 * none yet). */
int db_org_id_of(struct db *db, bool provider, int64_t party_id,
    int64_t *org_id);
int db_org_insert(struct db *db, const char *kind, time_t now, int64_t *id);
int db_org_set_kind(struct db *db, int64_t id, const char *kind, time_t now);
/* Adopts an organisation the bureau onboarded (its certified row as the
 * organisation's values, approved); the accounts of that party join it.
 * *created: this call made it (not a racing one). */
int db_org_adopt(struct db *db, bool provider, int64_t party_id, time_t now,
    int64_t *org_id, bool *created);

/* What an organisation declares of its identity (E9, E12). -1: not given. */
struct identity {
	const char *name, *uscc, *legal_representative, *registered_district;
	int         registered_in_beijing, is_enterprise, main_body_in_beijing;
};
int db_org_set_identity(struct db *db, int64_t id, const struct identity *v,
    const char *state, time_t now);
/* E10: the declared figures and the computed class. */
struct classification {
	const char *industry;
	int64_t     employees, revenue, total_assets;
	int         year;
	const char *size_class, *basis;
};
int db_org_set_classification(struct db *db, int64_t id,
    const struct classification *c, const char *state, time_t now);
int db_org_set_quals(struct db *db, int64_t id, bool specialized,
    bool little_giant, time_t now);
/* The profile (企业信息). */
struct profile {
	const char *address, *contact_name, *contact_phone, *website;
	const char *bank_name, *bank_account_name, *bank_account;
};
int db_org_set_profile(struct db *db, int64_t id, const struct profile *p,
    time_t now);
int db_org_set_state(struct db *db, int64_t id, const char *state, time_t now);
/* A decision: state, the last decision and reason, and on an approval
 * the certified values (certified_json; NULL keeps them). */
int db_org_decided(struct db *db, int64_t id, const char *state,
    const char *decision, const char *reason, const char *certified_json,
    time_t now);
/* A refused change: the declared values back to the certified ones. */
int db_org_reset(struct db *db, int64_t id, time_t now);
int db_org_set_certified(struct db *db, int64_t id, bool provider,
    int64_t party_id, time_t now);

/* E12: the certified enterprise / provider holding uscc (DB_NOTFOUND:
 * none). */
int db_uscc_holder(struct db *db, bool provider, const char *uscc,
    int64_t *party_id);

/* The licence (营业执照) of an organisation. */
struct file_row {
	const char *original_name, *stored_name, *content_type, *sha256;
	int64_t     size_bytes;
	time_t      uploaded_at;
};
int db_file_get(struct db *db, int64_t org_id, bool lock, struct file_row *f,
    struct db_res **keep);
struct upload;
int db_file_upsert(struct db *db, int64_t org_id, const char *name,
    const struct upload *up, int64_t by, time_t now);
/* Whether a certification names stored (DB_OK) or none (DB_NOTFOUND). */
int db_file_referenced(struct db *db, const char *stored);

/* A certification (the verification queue). */
struct cert_row {
	int64_t     id, org_id;
	const char *kind, *status;
	bool        is_change;
	const char *name, *uscc, *size_class;
	const char *values_json;
	const char *licence_stored, *licence_type, *licence_name,
	            *licence_sha256;
	int64_t     licence_size;
	time_t      submitted_at;
	int64_t     submitted_by;
	time_t      decided_at;
	const char *decided_role, *reason;
};
struct cert_new {
	int64_t                 org_id;
	const char             *kind;
	bool                    is_change;
	const char             *name, *uscc, *size_class;
	const char             *values_json;
	const struct file_row  *licence;
	int64_t                 by;
};
/* DB_CONFLICT: the organisation has a pending one already. */
int db_cert_insert(struct db *db, const struct cert_new *c, time_t now,
    int64_t *id);
int db_cert_get(struct db *db, int64_t id, bool lock, struct cert_row *c,
    struct db_res **keep);
/* The pending certification of an organisation (DB_NOTFOUND: none). */
int db_cert_pending_of(struct db *db, int64_t org_id, int64_t *id,
    time_t *submitted_at);
/* A decision: status (approved/returned/rejected), DB_NOTFOUND unless
 * pending. */
int db_cert_decide(struct db *db, int64_t id, const char *status,
    const char *reason, int64_t by, const char *role, time_t now);
/* The queue: a page of certifications in status (kind NULL: both), the
 * pending oldest first, the decided newest first. */
json_t *db_cert_page(struct db *db, const char *status, const char *kind,
    int64_t page, int64_t per_page, page_row_fn row_json, int *rc);

/* The certified enterprise row the rules read. */
struct enterprise_row {
	int64_t     id;
	const char *uscc;
	const char *tier;
	const char *credit_list_until;     /* "YYYY-MM-DD"; NULL: not listed */
};
int db_enterprise_get(struct db *db, int64_t id, bool lock,
    struct enterprise_row *e, struct db_res **keep);
/* The certified values of a new or changed enterprise / provider. */
struct certified {
	const char *name, *uscc;
	bool        beijing_registered, is_enterprise, main_body_beijing;
	const char *size_class;            /* enterprise                      */
	const char *tier;                  /* enterprise                      */
};
int db_enterprise_insert(struct db *db, const struct certified *c, time_t now,
    int64_t *id);
int db_enterprise_update(struct db *db, int64_t id, const struct certified *c,
    time_t now);
/* E7/E11: DB_NOTFOUND when the tier was already tier. */
int db_enterprise_set_tier(struct db *db, int64_t id, const char *tier,
    time_t now);
/* E14: the credit list's state (until_ymd 0: not listed). DB_NOTFOUND
 * when it was already so. */
int db_enterprise_set_credit(struct db *db, int64_t id, int64_t until_ymd,
    const char *source, time_t now);
/* The accounts of an organisation follow its certified party. */
int db_accounts_certify(struct db *db, int64_t org_id, bool provider,
    int64_t party_id);
int db_provider_insert(struct db *db, const struct certified *c, time_t now,
    int64_t *id);
int db_provider_update(struct db *db, int64_t id, const struct certified *c,
    time_t now);
/* E7/E8: the cap of the enterprise's quota of year (created, occupied 0,
 * when missing; an existing one keeps what is occupied) and of later
 * years' rows. */
int db_quota_set(struct db *db, int64_t enterprise_id, int year, int64_t cap);

/* A member (an account of an organisation, E13). */
struct member_row {
	int64_t     id;
	const char *mobile, *login, *display_name, *member_role;
	time_t      created_at, last_login_at;
	bool        disabled;
};
int db_members_of(struct db *db, int64_t org_id, struct db_rows *rows);
int db_member_lock(struct db *db, int64_t org_id, int64_t account_id,
    struct member_row *m, struct db_res **keep);
int db_member_set_role(struct db *db, int64_t account_id, const char *role);
int db_member_remove(struct db *db, int64_t account_id, time_t now);
int db_member_sessions_end(struct db *db, int64_t account_id);
int db_admins_count(struct db *db, int64_t org_id, int64_t *n);
/* The mobiles of the organisation's administrators (rows of struct
 * admin_row), for its messages. */
struct admin_row {
	int64_t     id;
	const char *mobile;
};
int db_admin_mobiles(struct db *db, int64_t org_id, struct db_rows *rows);
int db_invites_of(struct db *db, int64_t org_id, time_t now,
    struct db_rows *rows);

/* ---- the lists (E11, E14) ---------------------------------------------- */

/* The rows of a list file, checked. */
struct list_entry {
	const char *uscc;         /* upper case, valid (E6)                 */
	const char *name;         /* qualification lists                    */
	const char *source;       /* credit list                            */
	int64_t     listed_on, until;   /* credit list; until 0: none       */
	size_t      line;
};
/* E11: the lists uscc is on in year: bits 1 specialized, 2 little giant. */
int db_qual_of(struct db *db, const char *uscc, int year, unsigned *lists);
/* E14: the credit entry of uscc (DB_NOTFOUND: none). */
struct credit_row {
	const char *source;
	int64_t     listed_on, until;   /* until 0: none                   */
};
int db_credit_of(struct db *db, const char *uscc, struct credit_row *c,
    struct db_res **keep);

/* The lists' rows, locked and ordered by USCC, as struct list_entry
 * (line 0). */
int db_qual_lock(struct db *db, const char *list, int year,
    struct db_rows *rows);
int db_qual_delete(struct db *db, const char *list, int year);
int db_qual_insert(struct db *db, const char *list, int year,
    const struct list_entry *e, int64_t import_id);
int db_credit_lock(struct db *db, struct db_rows *rows);
int db_credit_delete(struct db *db);
int db_credit_insert(struct db *db, const struct list_entry *e,
    int64_t import_id);
/* An import (year 0: the credit list) and what it changed. */
int db_import_insert(struct db *db, const char *list, int year, time_t now,
    int64_t by, const char *encoding, const char *sha256, long rows,
    long added, long removed, long unchanged, int64_t *id);
int db_import_counts(struct db *db, int64_t id, long enterprises_changed);
/* The certified enterprises whose tier follows the lists (E11). */
struct declared_row {
	int64_t     org_id, enterprise_id;
	const char *uscc;
};
int db_declared_enterprises(struct db *db, struct db_rows *rows);
int db_enterprise_by_uscc(struct db *db, const char *uscc, int64_t *id);
/* {list, year, n} per list and the last 20 imports, as JSON arrays
 * (new references). */
int db_list_sizes_json(struct db *db, json_t **out);
int db_imports_recent_json(struct db *db, json_t **out);

/* A programme year (Y1): dates y*10000+m*100+d, 0 for none. */
struct round_row {
	int     year;
	int64_t apply_opens_on, apply_closes_on;
	int64_t order_opens_on, order_closes_on;
	bool    is_current;
};
int db_round_list(struct db *db, struct db_rows *rows);
int db_round_lock(struct db *db, int year, struct round_row *v);
int db_round_insert(struct db *db, const struct round_row *v, time_t now);
int db_round_update(struct db *db, const struct round_row *v, time_t now);
/* Y1: year becomes the one current round (the others are cleared). */
int db_round_set_current(struct db *db, int year, time_t now);

/* ---- shared by the handlers ------------------------------------------- */

/* Results of the transactions beyond DB_*. */
enum registration_tx_result {
	TX_NOT_FOUND = DB_APP + 1,  /* no such row, or not theirs              */
	TX_FROZEN,                  /* submitted: no change until decided     */
	TX_REJECTED,                /* a first certification refused          */
	TX_USCC_TAKEN,              /* E12: another organisation holds it     */
	TX_USCC_FIXED,              /* a certified USCC does not change       */
	TX_INVALID_STATE,           /* a decision on a decided one            */
	TX_NOTHING_TO_SUBMIT,       /* certified, nothing changed             */
	TX_INCOMPLETE,              /* the submission lacks something         */
	TX_LAST_ADMIN,              /* E13: the last administrator            */
	TX_SELF,                    /* an administrator changing itself       */
	TX_MOBILE_TAKEN,            /* the mobile has an account elsewhere    */
	TX_BAD_CODE,                /* wrong, expired or spent code           */
	TX_THROTTLED,               /* the per-mobile limit                   */
	TX_EXISTS,                  /* a round of that year exists            */
	TX_BUSY                     /* no password-hashing slot (issue 15)    */
};

/*
 * Issue 15: the public routes that derive a password or a code hash
 * (signup, resend, verify, accept, invite) take a slot of the process's
 * hash gate (shared/base/hashgate.h) like the login, so that a flood of
 * them never takes every core nor every worker. hash_gate_or_429 takes a
 * slot (0; hashgate_leave() gives it back) or answers 429 busy with
 * Retry-After: 1 (-1). busy_reply answers the same.
 */
int hash_gate_or_429(struct req *r);
int busy_reply(struct req *r);

/* The organisation of the session: its own, or one adopted from the
 * enterprise / provider the bureau onboarded (created then, approved).
 * Writes 403/503 and returns -1 when there is none. */
int session_org_or_4xx(struct req *r, int64_t *org_id);

/* The Asia/Shanghai date of r->now as y*10000+m*100+d. */
int64_t today_ymd(time_t now);

/* Sends {"error":{code, message, field?, <key>: extra}} (extra stolen). */
int error_with(struct req *r, int status, const char *code,
    const char *field, const char *message, const char *key, json_t *extra);

/* Logs the session in: a new session for account_id, the cookie, and the
 * reply of a login {token, csrf_token, role, login, expires_at} with
 * extra (stolen, may be NULL) merged in. */
int login_reply(struct req *r, int64_t account_id, const char *role,
    const char *login, int status, json_t *extra);

/* The Chinese name of a tier (E7). */
const char *tier_name_zh(const char *tier);

/* ---- tier.c: what the lists make of an enterprise -------------------- */

/* E11: the tier of an enterprise with uscc in year, from its claims and
 * the bureau's lists; *lists the lists it is on (bits 1, 2). */
int tier_derive(struct db *db, const char *uscc, int year, bool specialized,
    bool little_giant, enum rule_tier *tier, unsigned *lists);
/* E14: the last day the credit list counts against uscc at today (0: it
 * does not), and its source (static or borrowed from *keep). */
int credit_derive(struct db *db, const char *uscc, int64_t today,
    int64_t *until, const char **source, struct db_res **keep);
/* E7, E8, E11: sets enterprise id's tier, and its cap for the current
 * round (and later ones): existing orders keep their reservations.
 * *changed when the tier moved. */
int tier_apply(struct db *db, const struct actor *a, int64_t enterprise_id,
    enum rule_tier tier, bool *changed);
/* E11 for an organisation that declared its qualifications: derives its
 * tier for the current round and applies it (nothing when it is not
 * certified or declared nothing). */
int tier_refresh_org(struct db *db, const struct actor *a,
    const struct org_row *o, bool *changed, enum rule_tier *tier);
/* E14 for one enterprise: derives and stores its credit state. */
int credit_refresh(struct db *db, const struct actor *a,
    int64_t enterprise_id, const char *uscc, int64_t today, bool *changed);

/* ---- the inbox and the members' choices (issue 16) ------------------- */

/* One message of an account's inbox. */
struct inbox_row {
	int64_t     id;
	const char *kind;
	const char *text;
	const char *link;        /* NULL: none                              */
	time_t      created_at;
	time_t      read_at;     /* 0: unread                               */
};

typedef json_t *(*inbox_json_fn)(void *ctx, const struct inbox_row *m);

/* A page of account's messages (codes never: is_secret), newest first,
 * and in *unread how many of them are unread; unread_only keeps the
 * unread ones. NULL with *rc set on a failure. */
json_t *db_inbox_page(struct db *db, int64_t account_id, bool unread_only,
    int64_t page, int64_t per_page, inbox_json_fn fn, void *ctx,
    int64_t *unread, int *rc);
/* How many of account's messages are unread. */
int db_inbox_unread(struct db *db, int64_t account_id, int64_t *n);
/* Message id of account (DB_NOTFOUND: none, or another's), read or not. */
int db_inbox_get(struct db *db, int64_t account_id, int64_t id,
    struct inbox_row *m, struct db_res **keep);
/* Marks message id of account read at now (once: a read one keeps its
 * instant); DB_OK or DB_NOTFOUND when it was read already. */
int db_inbox_read(struct db *db, int64_t account_id, int64_t id, time_t now);
/* Marks every unread message of account read; *n how many. */
int db_inbox_read_all(struct db *db, int64_t account_id, time_t now,
    uint64_t *n);

/* An account's choice for one kind (notification_prefs). */
struct pref_row {
	const char *kind;
	bool        enabled;
};
int db_prefs_of(struct db *db, int64_t account_id, struct db_rows *rows);
int db_pref_set(struct db *db, int64_t account_id, const char *kind,
    bool enabled, time_t now);

/* ---- handlers --------------------------------------------------------- */
/* signup.c */
int signup_create(struct req *r);
int signup_verify(struct req *r);
int signup_resend(struct req *r);
int signup_accept(struct req *r);
/* org.c */
int org_get(struct req *r);
int org_identity_put(struct req *r);
int org_classification_put(struct req *r);
int org_classification_preview(struct req *r);
int org_qualifications_put(struct req *r);
int org_profile_get(struct req *r);
int org_profile_put(struct req *r);
int org_licence_put(struct req *r);
int org_licence_get(struct req *r);
int org_submit(struct req *r);
/* review.c */
int review_list(struct req *r);
int review_get(struct req *r);
int review_licence(struct req *r);
int review_decide(struct req *r);
/* inbox.c (issue 16) */
int inbox_list(struct req *r);
int inbox_unread(struct req *r);
int inbox_read(struct req *r);
int inbox_read_all(struct req *r);
int prefs_get(struct req *r);
int prefs_put(struct req *r);
/* members.c */
int members_list(struct req *r);
int members_invite(struct req *r);
int members_update(struct req *r);
int members_remove(struct req *r);
int invites_cancel(struct req *r);
/* lists.c */
int lists_get(struct req *r);
int lists_put_qualification(struct req *r);
int lists_put_credit(struct req *r);
/* rounds.c */
int rounds_list(struct req *r);
int rounds_create(struct req *r);
int rounds_update(struct req *r);

#endif
