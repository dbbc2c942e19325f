/*
 * attachment.c - the materials of an application (A3, attachment 1 of the
 * guide): one file per checklist item, PDF or image (PNG, JPEG), streamed
 * to disk by shared/upload.c (size limit, SHA-256, type and polyglot
 * checks), replaced by a new upload until submission (A4), listed with a
 * search by file name (附件管理), downloaded through nginx
 * (X-Accel-Redirect) after the same authorisation as a read.
 */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "collection.h"
#include "log.h"
#include "upload.h"

#define ATT_TYPES (UPLOAD_PDF | UPLOAD_PNG | UPLOAD_JPEG)

/* The item of the route (r->segs[0]) or a 400 naming it. */
static int
item_or_400(struct req *r, int *product, int *k)
{
	if (item_parse(r->segs[0], product, k) == 0)
		return 0;
	http_error(r, 400, "invalid_item", "item",
	    "材料项只能是 provider.1 … provider.10 或 product.N.1 … "
	    "product.N.7（N 为产品序号 1-%d，材料清单见《工作指南》附件1）",
	    FORM_MAX_PRODUCTS);
	return -1;
}

/* The file name given in ?name= (optional): at most 255 characters, no
 * path separators or control characters. */
static int
name_or_400(struct req *r, const char **name)
{
	if (query_str_or_400(r, "name", 255, name) < 0)
		return -1;
	if (*name == NULL)
		return 0;
	for (const unsigned char *p = (const unsigned char *)*name; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\') {
			http_error(r, 400, "invalid_query", "name",
			    "文件名不能含有路径分隔符或控制字符");
			return -1;
		}
	return 0;
}

struct att_tx {
	struct req           *r;
	const char           *item;
	const char           *name;
	const struct upload  *up;      /* NULL: the check before the body    */
	bool                  remove;  /* DELETE                             */
	struct tx_report      t;
	bool                  replaced;                 /* out              */
	char                  old[UPLOAD_STORED_MAX];   /* out: replaced    */
};

static int
att_tx(struct db *db, void *arg)
{
	struct att_tx *t = arg;
	struct req *r = t->r;
	struct actor a = actor_of(r);
	struct db_res *keep = NULL;
	struct app_lock app;
	struct att_lock old;
	json_t *before = NULL, *after;
	int rc;

	t->replaced = false;
	t->old[0] = '\0';
	/* the application's lock serialises racing uploads of an item, and
	 * an upload with the submission (A4) */
	rc = app_lock_editable(db, r, &t->t, &app, &keep);
	db_res_free(keep);
	keep = NULL;
	if (rc != DB_OK)
		return rc;
	if (t->up == NULL && !t->remove)
		return DB_OK;
	rc = db_att_lock(db, r->ids[0], t->item, &old, &keep);
	if (rc == DB_OK) {
		t->replaced = true;
		snprintf(t->old, sizeof(t->old), "%s", old.stored_name);
		before = json_pack("{s:s,s:s,s:I,s:s}", "item", t->item, "name",
		    old.original_name, "size", (json_int_t)old.size_bytes,
		    "sha256", old.sha256);
	}
	db_res_free(keep);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return rc;
	if (t->remove) {
		if (!t->replaced)
			return TX_NOT_FOUND;
		rc = db_att_delete(db, r->ids[0], t->item);
		if (rc == DB_OK)
			rc = audit_record(db, &a, "application.attachment_delete",
			    "product_application", r->ids[0], before, NULL);
		json_decref(before);
		return rc;
	}
	rc = db_att_upsert(db, r->ids[0], t->item, t->name, t->up, r->now,
	    r->sess.account_id);
	if (rc != DB_OK) {
		json_decref(before);
		return rc;
	}
	after = json_pack("{s:s,s:s,s:I,s:s}", "item", t->item, "name", t->name,
	    "size", (json_int_t)t->up->size, "sha256", t->up->sha256);
	rc = audit_record(db, &a, "application.attachment",
	    "product_application", r->ids[0], before, after);
	json_decref(before);
	json_decref(after);
	return rc;
}

/*
 * PUT /api/applications/{id}/attachments/{item}[?name=原文件名.pdf], the
 * body the file itself (Content-Type application/pdf, image/png or
 * image/jpeg; at most VOUCHER_UPLOAD_MAX bytes) -> 201 {application_id,
 * item, label, name, content_type, size, sha256, uploaded_at, replaced:
 * false}, or 200 with replaced: true. 400 invalid_item / empty_body /
 * short_body; 413 body_too_large; 415 another content type; 422
 * invalid_file (not what it claims) / file_has_markup (a polyglot); 404
 * not the provider's; 409 application_frozen (A4). A refused upload
 * leaves nothing on disk.
 */
int
att_put(struct req *r)
{
	struct att_tx t = { .r = r };
	struct upload up;
	char at[21], fallback[40];
	int product, k, rc;

	if (item_or_400(r, &product, &k) < 0 || name_or_400(r, &t.name) < 0)
		return r->status;
	t.item = r->segs[0];
	/* refuse before storing anything when the application is frozen */
	if ((rc = db_tx(r->db, att_tx, &t)) != DB_OK)
		return tx_error(r, &t.t, rc);
	if (upload_receive_or_4xx(r, ATT_TYPES, &up) < 0)
		return r->status;
	if (t.name == NULL) {
		snprintf(fallback, sizeof(fallback), "%s.%s", t.item,
		    strrchr(up.stored, '.') + 1);
		t.name = fallback;
	}
	t.up = &up;
	if ((rc = db_tx(r->db, att_tx, &t)) != DB_OK) {
		upload_remove(up.stored, r->rid);
		return tx_error(r, &t.t, rc);
	}
	/* after the commit: the replaced file is no longer referenced */
	if (t.replaced)
		upload_remove(t.old, r->rid);
	clock_format_iso8601(r->now, at);
	return http_json(r, t.replaced ? 200 : 201, json_pack(
	    "{s:I,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:b}", "application_id",
	    (json_int_t)r->ids[0], "item", t.item, "label",
	    item_label(product, k), "name", t.name, "content_type",
	    up.content_type, "size", (json_int_t)up.size, "sha256", up.sha256,
	    "uploaded_at", at, "replaced", t.replaced));
}

/*
 * DELETE /api/applications/{id}/attachments/{item} -> 204; the provider's
 * own, while editable. 404 no such file; 409 application_frozen.
 */
int
att_delete(struct req *r)
{
	struct att_tx t = { .r = r, .remove = true };
	int product, k, rc;

	if (item_or_400(r, &product, &k) < 0)
		return r->status;
	t.item = r->segs[0];
	if ((rc = db_tx(r->db, att_tx, &t)) != DB_OK)
		return tx_error(r, &t.t, rc);
	upload_remove(t.old, r->rid);
	return http_body(r, 204, NULL, NULL, 0);
}

/*
 * GET /api/applications/{id}/attachments[?q=part of a file name] ->
 * {items, total, missing}: the files in checklist order (item, label,
 * required, name, content_type, size, sha256, uploaded_at), those whose
 * name contains q when given (附件管理), and the required items still
 * missing. The provider's own; reviewers and the bureau once submitted.
 */
int
att_list(struct req *r)
{
	struct db_res *keep = NULL;
	struct db_rows found = { 0 };
	const struct att_row *f;
	struct app_view v;
	json_t *items = NULL, *missing = NULL, *form, *out;
	const char *q;
	int rc;

	if (query_str_or_400(r, "q", 100, &q) < 0)
		return r->status;
	rc = db_app_view(r->db, r->ids[0], &v, &keep);
	if (rc == DB_NOTFOUND || (rc == DB_OK && !app_readable(r,
	    v.provider_id, v.submit_count))) {
		db_res_free(keep);
		return http_error(r, 404, "not_found", NULL, "申报不存在");
	}
	if (rc != DB_OK) {
		db_res_free(keep);
		return http_db_error(r, rc);
	}
	form = json_loads(v.form_json ? v.form_json : "", 0, NULL);
	rc = attachments_json(r->db, r->ids[0], form_product_count(form),
	    &items, &missing);
	json_decref(form);
	db_res_free(keep);
	if (rc == DB_OK && q != NULL) {
		/* the search: file names containing q (LIKE, escaped) */
		rc = db_att_list(r->db, r->ids[0], req_like_contains(r, q),
		    &found);
		if (rc == DB_OK) {
			json_t *all = items, *it;
			size_t i;

			f = found.v;
			items = json_array();
			json_array_foreach(all, i, it) {
				const char *item = json_string_value(
				    json_object_get(it, "item"));

				for (size_t j = 0; j < found.n; j++)
					if (strcmp(item, f[j].item_code) == 0) {
						json_array_append(items, it);
						break;
					}
			}
			json_decref(all);
		}
		db_rows_free(&found);
	}
	if (rc != DB_OK) {
		json_decref(items);
		json_decref(missing);
		return http_db_error(r, rc);
	}
	out = json_pack("{s:I,s:o,s:o}", "total",
	    (json_int_t)json_array_size(items), "items", items, "missing",
	    missing);
	return http_json(r, 200, out);
}

/*
 * GET /api/applications/{id}/attachments/{item} -> 200 the file as an
 * attachment named application-<id>-<item>.<ext>, sent by nginx; for
 * whoever may read the application. 400 invalid_item; 404 no such
 * application, not theirs, or not uploaded.
 */
int
att_get(struct req *r)
{
	struct db_res *keep = NULL;
	struct att_file f;
	char name[96];
	const char *ext;
	int product, k, rc;

	if (item_or_400(r, &product, &k) < 0)
		return r->status;
	rc = db_att_get(r->db, r->ids[0], r->segs[0], &f, &keep);
	if (rc == DB_NOTFOUND || (rc == DB_OK &&
	    !app_readable(r, f.provider_id, f.submit_count)))
		rc = http_error(r, 404, "not_found", NULL, "申报不存在");
	else if (rc != DB_OK)
		rc = http_db_error(r, rc);
	else if (f.stored_name == NULL)
		rc = http_error(r, 404, "file_not_found", "item",
		    "该项材料尚未上传");
	else {
		ext = strrchr(f.stored_name, '.');
		snprintf(name, sizeof(name), "application-%lld-%s.%s",
		    (long long)r->ids[0], r->segs[0], ext ? ext + 1 : "bin");
		rc = upload_send(r, f.stored_name, f.content_type, name);
	}
	db_res_free(keep);
	return rc;
}
