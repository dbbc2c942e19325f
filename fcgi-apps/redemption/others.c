/*
 * others.c - the guide's "other files" of a claim (attachment 2-3:
 * 除其他文件外，每种文件仅可上传一个): besides the five documents of R1,
 * one per kind (files.c), a provider may attach up to CLAIM_OTHER_MAX (10)
 * further PDFs, a delivery report for instance, each with a title:
 *   PUT    /api/redemptions/{id}/files/other?title=   a new one
 *   GET    /api/redemptions/{id}/files/other/{slot}   download
 *   DELETE /api/redemptions/{id}/files/other/{slot}   before submission
 * They are listed in the claim (claim.c, other_files) for its parties, the
 * reviewer and the bureau. The same checks and streaming as the five kinds
 * (shared/web/upload.c); the same writability (claim_lock_writable: the
 * provider's order, contracted, before valid-until, not submitted or
 * returned for correction, provider not barred).
 *
 * The limit is the database's: each file takes the smallest free slot of
 * 1..10 in one guarded INSERT … SELECT (no row inserted when none is free),
 * and the schema's CHECK and unique key (order, kind, slot) refuse an 11th
 * whatever happens. The count read before the body is stored only spares
 * receiving a body that would be refused; the order's lock serialises
 * uploads of one order.
 */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "orders.h"
#include "redemption.h"
#include "upload.h"

#define TX_TOO_MANY (TX_REASON_REQUIRED + 1)
#define TX_NO_FILE  (TX_REASON_REQUIRED + 2)

struct other_tx {
	struct claim_tx       c;
	const char           *title;
	const struct upload  *up;       /* NULL: the check before the body  */
	int64_t               slot;     /* in: delete; out: the new slot    */
	bool                  remove;   /* a delete                         */
	char                  old[UPLOAD_STORED_MAX];  /* out: deleted file */
};

static int
other_tx(struct db *db, void *arg)
{
	struct other_tx *t = arg;
	struct req *r = t->c.r;
	struct actor a = actor_of(r);
	struct db_res *keep = NULL;
	struct claim_other f;
	struct order_row o;
	const char *stored;
	int64_t n;
	json_t *obj;
	int rc;

	t->old[0] = '\0';
	if ((rc = claim_lock_writable(db, &t->c, &o)) != DB_OK || t->c.swept)
		return rc;
	if (t->remove) {
		rc = db_other_lock(db, o.id, t->slot, &f, &stored, &keep);
		if (rc == DB_OK) {
			snprintf(t->old, sizeof(t->old), "%s", stored);
			obj = json_pack("{s:s,s:I,s:s,s:I,s:s}", "kind", "other",
			    "slot", (json_int_t)f.slot, "title", f.title, "size",
			    (json_int_t)f.size_bytes, "sha256", f.sha256);
			rc = db_other_delete(db, o.id, t->slot);
			if (rc == DB_OK)
				rc = audit_record(db, &a, "claim.other_delete",
				    "redemption_claim", o.id, obj, NULL);
			json_decref(obj);
		}
		db_res_free(keep);
		return rc == DB_NOTFOUND ? TX_NO_FILE : rc;
	}
	if (t->up == NULL) {
		/* before the body: refuse at once when all ten are taken */
		rc = db_other_count(db, o.id, &n);
		return rc == DB_OK && n >= CLAIM_OTHER_MAX ? TX_TOO_MANY : rc;
	}
	if ((rc = db_claim_ensure(db, o.id, r->now)) != DB_OK)
		return rc;
	rc = db_other_insert(db, o.id, t->title, t->up, r->now,
	    r->sess.account_id, &t->slot);
	if (rc == DB_NOTFOUND)
		return TX_TOO_MANY;
	if (rc != DB_OK)
		return rc;
	obj = json_pack("{s:s,s:I,s:s,s:I,s:s}", "kind", "other", "slot",
	    (json_int_t)t->slot, "title", t->title, "size",
	    (json_int_t)t->up->size, "sha256", t->up->sha256);
	rc = audit_record(db, &a, "claim.file", "redemption_claim", o.id,
	    NULL, obj);
	json_decref(obj);
	return rc;
}

/* Writes the refusal of an other-file transaction (claim_refuse_fn). */
static int
other_error(struct req *r, void *arg, int rc)
{
	const struct other_tx *t = arg;

	if (rc == TX_TOO_MANY)
		return http_error(r, 422, "too_many_files", "kind",
		    "其他文件最多上传 %d 个；请先删除不需要的文件，"
		    "或将多个文件合成一个 PDF", CLAIM_OTHER_MAX);
	if (rc == TX_NO_FILE)
		return http_error(r, 404, "file_not_found", "slot",
		    "该文件不存在");
	return claim_tx_error(r, &t->c, rc);
}

/*
 * PUT /api/redemptions/{id}/files/other?title=交付报告, the body the PDF
 * (Content-Type: application/pdf, at most VOUCHER_UPLOAD_MAX bytes) ->
 * 201 {order_id, kind: "other", slot, title, size, sha256, uploaded_at}.
 * title: 1-100 characters (400 missing_field / invalid_field). 422
 * too_many_files when the order already has 10 other files (before the
 * body is stored); otherwise the refusals of PUT …/files/{kind} (files.c).
 * A refused upload leaves nothing on disk.
 */
int
other_put(struct req *r)
{
	struct other_tx t = { .c = { .r = r } };
	struct upload up;
	char at[21];
	int rc;

	if (query_str_or_400(r, "title", 100, &t.title) < 0)
		return r->status;
	if (t.title == NULL || t.title[strspn(t.title, " \t")] == '\0')
		return http_error(r, 400, "missing_field", "title",
		    "请填写文件名称（如“交付报告”）");
	rc = claim_upload(r, other_tx, other_error, &t, &t.c, &t.up, &up);
	if (rc != 0)
		goto done;
	clock_format_iso8601(r->now, at);
	rc = http_json(r, 201, json_pack("{s:I,s:s,s:I,s:s,s:I,s:s,s:s}",
	    "order_id", (json_int_t)r->ids[0], "kind", "other", "slot",
	    (json_int_t)t.slot, "title", t.title, "size", (json_int_t)up.size,
	    "sha256", up.sha256, "uploaded_at", at));
done:
	json_decref(t.c.before);
	return rc;
}

/*
 * DELETE /api/redemptions/{id}/files/other/{slot} -> 204; only while the
 * claim may change (a draft, or returned for correction): 409
 * claim_frozen after submission; 404 not the provider's order, or no
 * such file.
 */
int
other_delete(struct req *r)
{
	struct other_tx t = { .c = { .r = r }, .remove = true,
	    .slot = r->ids[1] };
	int rc = db_tx(r->db, other_tx, &t);

	json_decref(t.c.before);
	if (rc != DB_OK || t.c.swept)
		return other_error(r, &t, rc);
	/* after the commit: no row names it any more */
	upload_remove(t.old, r->rid);
	return http_body(r, 204, NULL, NULL, 0);
}

/*
 * GET /api/redemptions/{id}/files/other/{slot} -> 200 the PDF as an
 * attachment named <order_no>-other-<slot>.pdf (inline with ?inline=1, as
 * for the five kinds), sent by nginx; for the order's enterprise and
 * provider, reviewers and the bureau. 404 otherwise or without the file.
 */
int
other_get(struct req *r)
{
	struct db_res *keep = NULL;
	struct file_download f;
	char suffix[32];
	int rc;

	rc = db_other_for_download(r->db, r->ids[0], r->ids[1], &f, &keep);
	snprintf(suffix, sizeof(suffix), "other-%lld", (long long)r->ids[1]);
	rc = claim_file_send(r, rc, &f, suffix, "slot", "该文件不存在");
	db_res_free(keep);
	return rc;
}
