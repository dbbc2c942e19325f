/*
 * files.c - the five documents of rule R1: the provider's uploads (the
 * body streamed to disk by shared/upload.c, then recorded; a new upload
 * of a kind replaces the old one until the claim is submitted) and the
 * downloads (authorised here, sent by nginx through X-Accel-Redirect).
 */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "log.h"
#include "orders.h"
#include "redemption.h"
#include "upload.h"

struct file_tx {
	struct claim_tx       c;
	const char           *kind;
	const struct upload  *up;      /* NULL: the check before the body   */
	bool                  replaced;                  /* out            */
	char                  old[UPLOAD_STORED_MAX];    /* out: replaced  */
	json_t               *prev;    /* out: the replaced file (audit)    */
};

static int
file_tx(struct db *db, void *arg)
{
	struct file_tx *t = arg;
	const struct upload *up = t->up;
	struct req *r = t->c.r;
	struct actor a = actor_of(r);
	struct db_res *keep = NULL;
	struct claim_file_lock f;
	struct order_row o;
	json_t *after;
	int rc;

	t->replaced = false;
	json_decref(t->prev);
	t->prev = NULL;
	if ((rc = claim_lock_writable(db, &t->c, &o)) != DB_OK || t->c.swept ||
	    up == NULL)
		return rc;
	/* R1: one file per kind; the order lock serialises racing uploads,
	 * so the file found here is the one this upload replaces */
	rc = db_file_lock(db, o.id, t->kind, &f, &keep);
	if (rc == DB_OK) {
		t->replaced = true;
		snprintf(t->old, sizeof(t->old), "%s", f.stored_name);
		t->prev = json_pack("{s:s,s:I,s:s}", "kind", t->kind, "size",
		    (json_int_t)f.size_bytes, "sha256", f.sha256);
	}
	db_res_free(keep);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return rc;
	rc = db_claim_ensure(db, o.id, r->now);
	if (rc == DB_OK)
		rc = db_file_upsert(db, o.id, t->kind, up, r->now,
		    r->sess.account_id);
	if (rc != DB_OK)
		return rc;
	after = json_pack("{s:s,s:I,s:s}", "kind", t->kind, "size",
	    (json_int_t)up->size, "sha256", up->sha256);
	rc = audit_record(db, &a, "claim.file", "redemption_claim", o.id,
	    t->prev, after);
	json_decref(after);
	return rc;
}

/* The refusal of a file_tx (claim_refuse_fn). */
static int
file_refuse(struct req *r, void *arg, int rc)
{
	const struct file_tx *t = arg;

	return claim_tx_error(r, &t->c, rc);
}

int
claim_upload(struct req *r, claim_tx_fn tx, claim_refuse_fn refuse,
    void *arg, const struct claim_tx *c, const struct upload **up,
    struct upload *stored)
{
	int rc;

	/* refuse before storing anything when the claim cannot change */
	*up = NULL;
	rc = db_tx(r->db, tx, arg);
	if (rc != DB_OK || c->swept)
		return refuse(r, arg, rc);
	if (upload_receive_or_4xx(r, UPLOAD_PDF, stored) < 0)
		return r->status;
	*up = stored;
	rc = db_tx(r->db, tx, arg);
	if (rc != DB_OK || c->swept) {
		upload_remove(stored->stored, r->rid);
		return refuse(r, arg, rc);
	}
	return 0;
}

int
claim_file_send(struct req *r, int rc, const struct file_download *f,
    const char *suffix, const char *missing_field, const char *missing_msg)
{
	char name[96];

	if (rc == DB_NOTFOUND || (rc == DB_OK &&
	    !claim_readable(r, f->enterprise_id, f->provider_id)))
		return http_error(r, 404, "not_found", NULL, "订单不存在");
	if (rc != DB_OK)
		return http_db_error(r, rc);
	if (f->stored_name == NULL)
		return http_error(r, 404, "file_not_found", missing_field, "%s",
		    missing_msg);
	snprintf(name, sizeof(name), "%s-%s.pdf", f->order_no, suffix);
	return upload_send(r, f->stored_name, f->content_type, name);
}

/*
 * PUT /api/redemptions/{id}/files/{kind}, the body the PDF itself
 * (Content-Type: application/pdf, at most VOUCHER_UPLOAD_MAX bytes) ->
 * 201 {order_id, kind, size, sha256, uploaded_at, replaced: false}, or 200
 * with replaced: true when it replaced the kind's earlier file (R1).
 * 400 invalid_kind / empty_body; 413 body_too_large; 415 not a PDF
 * content type; 422 invalid_file (not a PDF) / file_has_markup (a
 * PDF/HTML polyglot); 404 not the provider's order; 409 claim_frozen
 * (R3), order_expired (R1), invalid_state; 403 provider_barred (V2).
 * A refused upload leaves nothing on disk.
 */
int
file_put(struct req *r)
{
	struct file_tx t = { .c = { .r = r } };
	struct upload up;
	char at[21];
	int kind = claim_kind_parse(r->segs[0]), rc;

	if (strcmp(r->segs[0], "other") == 0)
		return other_put(r);	/* up to ten, titled (others.c) */
	if (kind < 0)
		return http_error(r, 400, "invalid_kind", "kind",
		    "材料类型只能是 contract、commitment、invoice、"
		    "invoice_check、receipt 或 other（其他文件）");
	t.kind = claim_kinds[kind];
	rc = claim_upload(r, file_tx, file_refuse, &t, &t.c, &t.up, &up);
	if (rc != 0)
		goto done;
	/* after the commit: the replaced file is no longer referenced */
	if (t.replaced)
		upload_remove(t.old, r->rid);
	clock_format_iso8601(r->now, at);
	rc = http_json(r, t.replaced ? 200 : 201, json_pack(
	    "{s:I,s:s,s:I,s:s,s:s,s:b}", "order_id", (json_int_t)r->ids[0],
	    "kind", t.kind, "size", (json_int_t)up.size, "sha256", up.sha256,
	    "uploaded_at", at, "replaced", t.replaced));
done:
	json_decref(t.prev);
	json_decref(t.c.before);
	return rc;
}

/*
 * GET /api/redemptions/{id}/files/{kind} -> 200 the PDF as an attachment
 * named <order_no>-<kind>.pdf, sent by nginx (X-Accel-Redirect); for the
 * order's enterprise and provider, reviewers and the bureau. 400
 * invalid_kind; 404 no such order, not theirs, or not uploaded.
 */
int
file_get(struct req *r)
{
	struct db_res *keep = NULL;
	struct file_download f;
	int kind = claim_kind_parse(r->segs[0]), rc;

	if (kind < 0)
		return http_error(r, 400, "invalid_kind", "kind",
		    "材料类型只能是 contract、commitment、invoice、"
		    "invoice_check 或 receipt");
	rc = db_file_for_download(r->db, r->ids[0], claim_kinds[kind], &f,
	    &keep);
	rc = claim_file_send(r, rc, &f, claim_kinds[kind], "kind",
	    "该类兑付材料尚未上传");
	db_res_free(keep);
	return rc;
}
