/*
 * feedback.c - objections to a listed payment (R5).
 *
 * Public, no login:
 *   POST /api/publicity/items/{id}/feedback {text, contact?} → a tracking
 *        number; accepted while the item's list is in its publicity period
 *   GET  /api/publicity/feedback/{tracking_no} → its status and outcome
 * Bureau:
 *   GET  /api/bureau/feedback?status=&batch_id=&page=
 *   POST /api/bureau/feedback/{id} {decision: uphold|dismiss, note}
 *        uphold withdraws the item, rejects the claim and closes the order
 *        as rejected (its reservation released, the unit kept: R4 decision)
 *
 * The text is stored as given and only ever leaves the program inside a
 * JSON string (escaped by jansson), never in HTML; the public follow-up
 * does not show it at all (nor the contact or the sender's address).
 * An item's objection_status is "open" while any of its feedback is open.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "orders.h"
#include "publicity.h"

#define TX_NOT_FOUND       (DB_APP + 1)
#define TX_CLOSED          (DB_APP + 2)
#define TX_WITHDRAWN       (DB_APP + 3)
#define TX_DECIDED         (DB_APP + 4)
#define TX_RANDOM_FAILED   (DB_APP + 5)

#define TRACKING_PREFIX    "FB"
#define TRACKING_CHARS     12
#define TRACKING_LEN       (2 + TRACKING_CHARS)

/* Crockford's base32: no I, L, O, U to misread. */
static const char base32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* A new tracking number: "FB" + 12 base32 characters (60 random bits). */
static int
tracking_new(char out[TRACKING_LEN + 1])
{
	unsigned char rnd[8];
	uint64_t v = 0;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return -1;
	for (size_t i = 0; i < sizeof(rnd); i++)
		v = v << 8 | rnd[i];
	memcpy(out, TRACKING_PREFIX, 2);
	for (int i = 0; i < TRACKING_CHARS; i++) {
		out[2 + i] = base32[v & 31];
		v >>= 5;
	}
	out[TRACKING_LEN] = '\0';
	return 0;
}

/* Normalises a tracking number given by a user (upper case) into out;
 * -1 when it cannot be one. */
static int
tracking_parse(const char *s, char out[TRACKING_LEN + 1])
{
	if (strlen(s) != TRACKING_LEN)
		return -1;
	for (int i = 0; i < TRACKING_LEN; i++) {
		char c = (char)toupper((unsigned char)s[i]);

		if (i < 2 ? c != TRACKING_PREFIX[i] :
		    strchr(base32, c) == NULL || c == '\0')
			return -1;
		out[i] = c;
	}
	out[TRACKING_LEN] = '\0';
	return 0;
}

struct fb_tx {
	struct req               *r;
	const struct field_value *v;
	char                      tracking[TRACKING_LEN + 1]; /* out */
	int64_t                   feedback_id;                /* out */
	int64_t                   batch_id;                   /* out */
	bool                      upheld;                     /* out */
};

enum { FB_TEXT, FB_CONTACT, FB__MAX };

static const struct field feedback_fields[FB__MAX] = {
	[FB_TEXT]    = { "text", FIELD_TEXT, true, 1, 1000, NULL },
	[FB_CONTACT] = { "contact", FIELD_STRING, false, 0, 100, NULL },
};

static int
create_tx(struct db *db, void *arg)
{
	struct fb_tx *t = arg;
	struct req *r = t->r;
	struct actor a = actor_of(r);
	struct item_lock_row item;
	struct batch_row batch;
	struct db_res *item_keep = NULL, *batch_keep = NULL;
	struct feedback_new f;
	json_t *after;
	int rc;

	t->feedback_id = 0;
	rc = db_item_lock(db, r->ids[0], &item, &item_keep);
	if (rc == DB_OK)
		rc = db_batch_get(db, item.batch_id, &batch, &batch_keep);
	if (rc != DB_OK) {
		rc = rc == DB_NOTFOUND ? TX_NOT_FOUND : rc;
		goto done;
	}
	t->batch_id = batch.id;
	if (strcmp(batch.status, "draft") == 0) {
		rc = TX_NOT_FOUND;	/* not listed yet */
		goto done;
	}
	/* R5: objections during the publicity period only */
	if (strcmp(batch.status, "published") != 0 ||
	    batch.period_ends_at <= r->now) {
		rc = TX_CLOSED;
		goto done;
	}
	if (item.withdrawn) {
		rc = TX_WITHDRAWN;
		goto done;
	}
	if (tracking_new(t->tracking) < 0) {
		rc = TX_RANDOM_FAILED;
		goto done;
	}
	f = (struct feedback_new){
		.item_id = r->ids[0],
		.tracking_no = t->tracking,
		.text = t->v[FB_TEXT].s,
		.contact = t->v[FB_CONTACT].present && *t->v[FB_CONTACT].s ?
		    t->v[FB_CONTACT].s : NULL,
		.created_at = r->now,
		.client_ip = r->remote_addr,
	};
	rc = db_feedback_insert(db, &f, &t->feedback_id);
	if (rc == DB_CONFLICT)
		rc = DB_RETRY;	/* the same tracking number twice: draw again */
	if (rc != DB_OK)
		goto done;
	if (strcmp(item.objection_status, "open") != 0)
		rc = db_item_set_objection(db, r->ids[0], "open");
	if (rc == DB_OK) {
		after = json_pack("{s:I,s:s,s:s}", "item_id",
		    (json_int_t)r->ids[0], "tracking_no", t->tracking, "status",
		    "open");
		rc = audit_record(db, &a, "feedback.create", "feedback",
		    t->feedback_id, NULL, after);
		json_decref(after);
	}
done:
	db_res_free(item_keep);
	db_res_free(batch_keep);
	return rc;
}

/*
 * POST /api/publicity/items/{id}/feedback {text (1-1000 characters),
 * contact? (≤ 100)} → 201 {tracking_no, status: "open", item_id,
 * batch_id}. 404 unknown or unlisted item; 409 publicity_closed (the
 * period is over or the list is paid), item_withdrawn. Public; nginx
 * limits POSTs per client address.
 */
int
feedback_create(struct req *r)
{
	struct field_value v[FB__MAX];
	struct fb_tx t = { .r = r, .v = v };
	json_t *body;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, feedback_fields, FB__MAX, v) < 0)
		return r->status;
	switch ((rc = db_tx(r->db, create_tx, &t))) {
	case DB_OK:
		break;
	case TX_NOT_FOUND:
		return http_error(r, 404, "not_found", NULL, "公示项目不存在");
	case TX_CLOSED:
		return http_error(r, 409, "publicity_closed", NULL,
		    "该批次的公示期已结束，不再受理异议");
	case TX_WITHDRAWN:
		return http_error(r, 409, "item_withdrawn", NULL,
		    "该公示项目已撤回");
	case TX_RANDOM_FAILED:
		return http_error(r, 500, "internal", NULL, "内部错误");
	default:
		return http_db_error(r, rc);
	}
	return http_json(r, 201, json_pack("{s:s,s:s,s:I,s:I}", "tracking_no",
	    t.tracking, "status", "open", "item_id", (json_int_t)r->ids[0],
	    "batch_id", (json_int_t)t.batch_id));
}

static const char *
outcome_text(const char *status)
{
	if (strcmp(status, "upheld") == 0)
		return "异议成立，该公示项目已撤回";
	if (strcmp(status, "dismissed") == 0)
		return "异议不成立";
	return "正在处理";
}

/*
 * GET /api/publicity/feedback/{tracking_no} → {tracking_no, status
 * (open|upheld|dismissed), outcome, note, created_at, decided_at, item:
 * {id, batch_id, provider, product, amount, objection_status, withdrawn}}.
 * 404 for an unknown number. Never the text, contact or address.
 */
int
feedback_track(struct req *r)
{
	char no[TRACKING_LEN + 1];
	struct db_res *res = NULL;
	json_t *o, *item;
	int rc;

	if (tracking_parse(r->segs[0], no) < 0)
		return http_error(r, 404, "not_found", NULL, "查询编号不存在");
	rc = db_pub_feedback(r->db_ro, no, &res);
	if (rc != DB_OK) {
		db_res_free(res);	/* an empty result on DB_NOTFOUND */
		return rc == DB_NOTFOUND ?
		    http_error(r, 404, "not_found", NULL, "查询编号不存在") :
		    http_db_error(r, rc);
	}
	o = db_row_json(res, 0);
	db_res_free(res);
	item = json_object();
	{
		static const char *const moved[][2] = {
			{ "item_id", "id" }, { "batch_id", "batch_id" },
			{ "provider", "provider" }, { "product", "product" },
			{ "amount", "amount" },
			{ "objection_status", "objection_status" },
			{ "withdrawn", "withdrawn" },
		};

		for (size_t i = 0; i < sizeof(moved) / sizeof(moved[0]); i++) {
			json_object_set(item, moved[i][1],
			    json_object_get(o, moved[i][0]));
			json_object_del(o, moved[i][0]);
		}
	}
	json_object_set_new(o, "item", item);
	json_object_set_new(o, "outcome", json_string(outcome_text(
	    json_string_value(json_object_get(o, "status")))));
	return http_json(r, 200, o);
}

static const char *const feedback_statuses[] = { "open", "upheld",
    "dismissed", NULL };

/* GET /api/bureau/feedback?status=&batch_id=&page=&per_page= → newest
 * first: {items: [{id, tracking_no, status, text, contact, note,
 * created_at, decided_at, decided_by, client_ip, item_id, batch_id,
 * order_id, provider, product, amount, objection_status, withdrawn}],
 * total, page, per_page}. */
int
feedback_list(struct req *r)
{
	const char *status;
	int64_t batch, page, per_page, total;
	struct db_res *res = NULL;
	int rc;

	if (query_enum_or_400(r, "status", feedback_statuses, NULL,
	    &status) < 0 ||
	    query_i64_or_400(r, "batch_id", 1, INT64_MAX, 0, &batch) < 0 ||
	    query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	rc = db_feedback_list(r->db, status, batch, per_page,
	    (page - 1) * per_page, &res, &total);
	if (rc != DB_OK) {
		db_res_free(res);
		return http_db_error(r, rc);
	}
	rc = http_json(r, 200, page_json(db_rows_json(res), total, page,
	    per_page));
	db_res_free(res);
	return rc;
}

enum { FD_DECISION, FD_NOTE, FD__MAX };

static const char *const decisions[] = { "uphold", "dismiss", NULL };

static const struct field decide_fields[FD__MAX] = {
	[FD_DECISION] = { "decision", FIELD_ENUM, true, 0, 0, decisions },
	/* room left in the 500-character order reason for the prefix */
	[FD_NOTE]     = { "note", FIELD_TEXT, true, 1, 400, NULL },
};

/* Uphold: the item withdrawn, every other open objection of it upheld,
 * the order rejected (reservation released, unit kept) and its claim
 * rejected. The item is locked. */
static int
uphold(struct db *db, struct fb_tx *t, const struct item_lock_row *item)
{
	struct req *r = t->r;
	struct actor a = actor_of(r);
	const char *note = t->v[FD_NOTE].s;
	struct order_row o;
	char reason[2048];
	json_t *before, *after;
	int64_t seq = 0;
	int rc;

	rc = db_feedback_uphold_others(db, item->id, note, r->now,
	    r->sess.account_id);
	if (rc == DB_OK)
		rc = db_item_set_objection(db, item->id, "upheld");
	if (rc == DB_OK && !item->withdrawn) {
		/* R7: a record chained after the published list */
		rc = db_item_withdraw(db, item->id, r->now, &seq);
		if (rc == DB_OK) {
			before = json_pack("{s:b}", "withdrawn", 0);
			after = json_pack("{s:b,s:s,s:I}", "withdrawn", 1,
			    "reason", "objection_upheld", "record_seq",
			    (json_int_t)seq);
			rc = audit_record(db, &a, "publicity_item.withdraw",
			    "publicity_item", item->id, before, after);
			json_decref(before);
			json_decref(after);
		}
	}
	if (rc != DB_OK)
		return rc;
	if ((rc = order_lock(db, item->order_id, &o)) != DB_OK)
		return rc == DB_NOTFOUND ? DB_ERROR : rc;
	if (o.status != ORDER_PUBLICIZED)
		return DB_OK;	/* already closed (e.g. revoked under V2) */
	snprintf(reason, sizeof(reason), "公示异议成立，撤回公示项目：%s",
	    note);
	rc = order_close(db, &a, &o, ORDER_REJECTED, NULL, reason, false);
	if (rc == DB_OK)
		rc = db_claim_reject(db, o.id, reason, r->now);
	return rc;
}

static int
decide_tx(struct db *db, void *arg)
{
	struct fb_tx *t = arg;
	struct req *r = t->r;
	struct actor a = actor_of(r);
	struct item_lock_row item;
	struct feedback_lock_row fb;
	struct db_res *item_keep = NULL, *fb_keep = NULL;
	bool up = strcmp(t->v[FD_DECISION].s, "uphold") == 0;
	int64_t item_id = 0, open = 0;
	json_t *after;
	int rc;

	/* the item's batch (an upheld objection withdraws the item, whose
	 * trigger updates the batch), the item, then the feedback (lock
	 * order: batch → item → order) */
	rc = db_feedback_item(db, r->ids[0], &item_id);
	if (rc == DB_OK)
		rc = db_item_batch_lock(db, item_id);
	if (rc == DB_OK)
		rc = db_item_lock(db, item_id, &item, &item_keep);
	if (rc == DB_OK)
		rc = db_feedback_lock(db, r->ids[0], &fb, &fb_keep);
	if (rc != DB_OK) {
		rc = rc == DB_NOTFOUND ? TX_NOT_FOUND : rc;
		goto done;
	}
	if (strcmp(fb.status, "open") != 0) {
		rc = TX_DECIDED;
		goto done;
	}
	rc = db_feedback_decide(db, r->ids[0], up ? "upheld" : "dismissed",
	    t->v[FD_NOTE].s, r->now, r->sess.account_id);
	if (rc == DB_NOTFOUND)
		rc = TX_DECIDED;
	if (rc != DB_OK)
		goto done;
	if (up)
		rc = uphold(db, t, &item);
	else {
		/* still open while another objection is */
		rc = db_feedback_open_count(db, item.id, &open);
		if (rc == DB_OK && strcmp(item.objection_status, "upheld") != 0)
			rc = db_item_set_objection(db, item.id, open > 0 ?
			    "open" : "dismissed");
	}
	if (rc == DB_OK) {
		after = json_pack("{s:s,s:s,s:I}", "status", up ? "upheld" :
		    "dismissed", "note", t->v[FD_NOTE].s, "item_id",
		    (json_int_t)item.id);
		rc = audit_record(db, &a, up ? "feedback.uphold" :
		    "feedback.dismiss", "feedback", r->ids[0], NULL, after);
		json_decref(after);
	}
done:
	db_res_free(item_keep);
	db_res_free(fb_keep);
	return rc;
}

/*
 * POST /api/bureau/feedback/{id} {decision: uphold|dismiss, note (1-400)}
 * → 200 the feedback as in the list. uphold withdraws the item (R5), its
 * order becomes rejected and its claim rejected; dismiss leaves the item
 * payable once no objection to it is open. 404 unknown; 409
 * already_decided. The note is shown to whoever has the tracking number.
 */
int
feedback_decide(struct req *r)
{
	struct field_value v[FD__MAX];
	struct fb_tx t = { .r = r, .v = v };
	struct db_res *res = NULL;
	json_t *body;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, decide_fields, FD__MAX, v) < 0)
		return r->status;
	switch ((rc = db_tx(r->db, decide_tx, &t))) {
	case DB_OK:
		break;
	case TX_NOT_FOUND:
		return http_error(r, 404, "not_found", NULL, "异议不存在");
	case TX_DECIDED:
		return http_error(r, 409, "already_decided", NULL,
		    "该异议已处理");
	default:
		return http_db_error(r, rc);
	}
	rc = db_feedback_view(r->db, r->ids[0], &res);
	if (rc != DB_OK) {
		db_res_free(res);
		return http_db_error(r, rc);
	}
	rc = http_json(r, 200, db_row_json(res, 0));
	db_res_free(res);
	return rc;
}
