/*
 * publicity.h - the publicity program (公示与兑付): the public lists of
 * approved claims (R5) with their signed, hash-chained files and public
 * feedback; the bureau's batches, objections, payment, recoveries (R6),
 * violations (V1, V2), spot checks and the audit trail (V3).
 */
#ifndef PUBLICITY_H
#define PUBLICITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "http.h"

struct db_res;

enum publicity_stmt {
	/* public reads (the read-only connection) */
	STMT_PUB_BATCHES,
	STMT_PUB_BATCHES_COUNT,
	STMT_PUB_BATCH,
	STMT_PUB_ITEMS,
	STMT_PUB_ITEMS_COUNT,
	STMT_PUB_ITEMS_ALL,
	STMT_PUB_FILE,
	STMT_PUB_FEEDBACK,
	/* feedback */
	STMT_ITEM_LOCK,
	STMT_BATCH_GET,
	STMT_FEEDBACK_INSERT,
	STMT_ITEM_SET_OBJECTION,
	STMT_FEEDBACK_ITEM,
	STMT_FEEDBACK_LOCK,
	STMT_FEEDBACK_DECIDE,
	STMT_FEEDBACK_DECIDE_OTHERS,
	STMT_FEEDBACK_OPEN_COUNT,
	STMT_FEEDBACK_LIST,
	STMT_FEEDBACK_COUNT,
	STMT_FEEDBACK_VIEW,
	STMT_ITEM_WITHDRAW,
	STMT_CLAIM_REJECT,
	/* batches */
	STMT_CLAIM_CANDIDATES,
	STMT_BATCH_YEAR_COUNT,
	STMT_BATCH_INSERT,
	STMT_ITEM_SOURCE,
	STMT_ITEM_INSERT,
	STMT_BATCH_TOTALS,
	STMT_BATCHES,
	STMT_BATCHES_COUNT,
	STMT_BATCH_VIEW,
	STMT_BATCH_ITEMS,
	STMT_BATCH_LOCK,
	STMT_ITEMS_LOCK,
	STMT_ITEM_DELETE,
	STMT_ORDER_BARS,
	STMT_CHAIN_LOCK,
	STMT_CHAIN_ADVANCE,
	STMT_BATCH_PUBLISH,
	STMT_ORDER_PUBLICIZED_AT,
	STMT_ORDER_PAID_AT,
	STMT_ITEM_PAID,
	STMT_BATCH_PAID,
	/* recoveries */
	STMT_RECOVERIES,
	STMT_RECOVERIES_TOTALS,
	STMT_RECOVERY_LOCK,
	STMT_RECOVERY_RETURN,
	STMT_RECOVERY_VIEW,
	STMT_RECOVERY_INSERT,
	STMT_ORDER_PAID_DUE,
	/* violations */
	STMT_ENTERPRISE_LOCK,
	STMT_PROVIDER_LOCK,
	STMT_ENTERPRISE_BAR,
	STMT_PROVIDER_BAR,
	STMT_VIOLATION_INSERT,
	STMT_ORDER_PARTIES,
	STMT_ENTERPRISE_ORDERS,
	STMT_PROVIDER_ORDERS,
	STMT_PRODUCTS_DELIST,
	STMT_VIOLATIONS,
	STMT_VIOLATIONS_COUNT,
	STMT_VIOLATION_VIEW,
	STMT_VIOLATION_RECOVERIES,
	/* spot checks and the audit trail */
	STMT_SPOT_CANDIDATES,
	STMT_SPOT_INSERT,
	STMT_SPOT_SAMPLE,
	STMT_SPOT_LOCK,
	STMT_SPOT_RESULT,
	STMT_AUDIT_ALL,
	STMT_AUDIT_ALL_COUNT,
	STMT_AUDIT_ENTITY,
	STMT_AUDIT_ENTITY_COUNT,
	STMT_AUDIT_ENTITY_ID,
	STMT_AUDIT_ENTITY_ID_COUNT,
	/* the bureau's dashboard (read only) */
	STMT_STATS_CATEGORIES,
	STMT_STATS_MONTHS,
	STMT_STATS_QUOTA,
	STMT_STATS_SELLING_OUT,
	STMT__MAX
};
extern const struct db_stmt publicity_stmts[STMT__MAX];

/* Statuses a publicity batch shows the public (R5). */
#define PUB_VISIBLE "('published', 'paid')"

/* ---- sign.c: the Ed25519 key of VOUCHER_SIGNING_KEY ------------------ */

#define SIGN_B64_LEN 88		/* base64 of a 64-byte Ed25519 signature */

/* Loads the private key (once; again after a failure) and signs len bytes
 * of data into b64 (SIGN_B64_LEN + 1 bytes, NUL-terminated); key_sha256
 * (65 bytes) receives the SHA-256 hex of the DER public key. Thread-safe.
 * Returns 0, or -1 (logged) when the key is missing or unusable. */
int sign_ed25519(const void *data, size_t len, char *b64, char *key_sha256);

/* Loads the key if needed and copies the SHA-256 hex of its DER public
 * key into out. Returns 0, or -1 when the key is unusable. */
int sign_key_id(char out[65]);

/* The public key as PEM text (static, valid until exit), its length in
 * *len; NULL when the key cannot be loaded. Thread-safe. */
const char *sign_public_pem(size_t *len);

/* ---- public.c: the public lists (no login) ---------------------------- */
int pub_batch_list(struct req *r);
int pub_batch_get(struct req *r);
int pub_item_list(struct req *r);

/* ---- export.c: the files of a published list ----------------------- */
int pub_batch_csv(struct req *r);
int pub_batch_json(struct req *r);
int pub_batch_sig(struct req *r);
int pub_key(struct req *r);

/* ---- feedback.c: objections (R5) ------------------------------------- */
int feedback_create(struct req *r);
int feedback_track(struct req *r);
int feedback_list(struct req *r);
int feedback_decide(struct req *r);

/* ---- batch.c: the bureau's batches (R5) ------------------------------ */
int batch_create(struct req *r);
int batch_list(struct req *r);
int batch_get(struct req *r);
int batch_publish(struct req *r);
int batch_pay(struct req *r);

/* ---- recovery.c: subsidies to recover (R6, V2) ----------------------- */
int recovery_list(struct req *r);
int recovery_record(struct req *r);

/* ---- violation.c: V1 records with their V2 effects -------------------- */
int violation_create(struct req *r);
int violation_list(struct req *r);
int violation_get(struct req *r);

/* ---- oversight.c: spot checks and the audit trail (V3) --------------- */
int spot_check_sample(struct req *r);
int spot_check_result(struct req *r);
int audit_list(struct req *r);

/* ---- stats.c: the bureau's dashboard figures ------------------------- */

/* GET /api/bureau/stats?year=: orders and subsidies by category and by
 * month, allowances used by tier, the products closest to selling out.
 * 200; 400 on a bad year. */
int stats_get(struct req *r);

/* ---- shared between the files of this program -------------------------- */

/* True when a party's barred_until column (db value, NULL = never) bars
 * it at now (V2). */
bool pub_barred(const struct db_res *res, size_t row, size_t col, time_t now);

/* The Asia/Shanghai date of instant t as y*10000 + m*100 + d (T1). */
int64_t pub_date_of(time_t t);

/* The Chinese name of a P1 category code ("finance" → "财税审计"); the
 * code itself when unknown. Static string. */
const char *pub_category_name(const char *code);

/* A batch row (PUB_BATCH_COLS or more) as JSON, in_period a boolean.
 * New reference. */
json_t *batch_row_json(const struct db_res *res, size_t row);

#endif
