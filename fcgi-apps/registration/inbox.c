/*
 * inbox.c - the in-app inbox and each member's message choices (issue
 * 16). The inbox shows the messages the outbox wrote for the session's
 * account (the reminders of shared/domain/reminders.c, a certification's
 * decision, a member's change; never a code), newest first, with an
 * unread count for each role's console. A member turns off a kind it
 * may receive in its settings, except the deadline warnings (their
 * kind is not optional); outbox_put_account honours the choice.
 */
#include <string.h>

#include "clock.h"
#include "outbox.h"
#include "registration.h"
#include "session.h"

static json_t *
message_json(void *ctx, const struct inbox_row *m)
{
	char at[21], read[21];
	int kind = notify_kind_parse(m->kind);
	const struct notify_kind_info *k = kind >= 0 ?
	    notify_kind_info((enum notify_kind)kind) : NULL;

	(void)ctx;
	clock_format_iso8601(m->created_at, at);
	if (m->read_at > 0)
		clock_format_iso8601(m->read_at, read);
	return json_pack("{s:I,s:s,s:s?,s:s,s:s?,s:s,s:s?,s:b}", "id",
	    (json_int_t)m->id, "kind", m->kind, "kind_name",
	    k != NULL ? k->label : NULL, "text", m->text, "link", m->link,
	    "created_at", at, "read_at", m->read_at > 0 ? read : NULL,
	    "read", m->read_at > 0);
}

/*
 * GET /api/notifications?unread=1&page=&per_page= -> 200 {items: [{id,
 * kind, kind_name, text, link, created_at, read_at, read}], total, page,
 * per_page, unread}: the session's own messages, newest first.
 */
int
inbox_list(struct req *r)
{
	int64_t page, per_page, unread = 0, only = 0;
	json_t *list;
	int rc;

	if (query_page_or_400(r, &page, &per_page) < 0 ||
	    query_i64_or_400(r, "unread", 0, 1, 0, &only) < 0)
		return r->status;
	list = db_inbox_page(r->db, r->sess.account_id, only == 1, page, per_page,
	    message_json, NULL, &unread, &rc);
	if (list == NULL)
		return http_db_error(r, rc);
	json_object_set_new(list, "unread", json_integer(unread));
	return http_json(r, 200, list);
}

/* GET /api/notifications/unread -> 200 {unread, signed_in}: the badge of
 * every page's header. A public route: a page whose session has ended
 * (idle, logged out elsewhere) gets {unread: 0, signed_in: false}, not an
 * error, and goes on. */
int
inbox_unread(struct req *r)
{
	int64_t n = 0;
	int rc = auth_session(r);

	if (rc == DB_ERROR || rc == DB_RETRY)
		return http_db_error(r, rc);
	if (r->authed && (rc = db_inbox_unread(r->db, r->sess.account_id,
	    &n)) != DB_OK)
		return http_db_error(r, rc);
	return http_json(r, 200, json_pack("{s:I,s:b}", "unread", (json_int_t)n,
	    "signed_in", r->authed));
}

/*
 * POST /api/notifications/{id}/read -> 200 the message, read (reading it
 * again keeps the first instant); 404 another account's or none.
 */
int
inbox_read(struct req *r)
{
	struct db_res *keep = NULL;
	struct inbox_row m;
	json_t *o;
	int rc = db_inbox_read(r->db, r->sess.account_id, r->ids[0], r->now);

	if (rc != DB_OK && rc != DB_NOTFOUND)
		return http_db_error(r, rc);
	rc = db_inbox_get(r->db, r->sess.account_id, r->ids[0], &m, &keep);
	if (rc == DB_NOTFOUND) {
		db_res_free(keep);
		return http_error(r, 404, "not_found", NULL, "没有这条消息");
	}
	if (rc != DB_OK) {
		db_res_free(keep);
		return http_db_error(r, rc);
	}
	o = message_json(NULL, &m);
	db_res_free(keep);
	return http_json(r, 200, o);
}

/* POST /api/notifications/read-all -> 200 {read: n}. */
int
inbox_read_all(struct req *r)
{
	uint64_t n = 0;
	int rc = db_inbox_read_all(r->db, r->sess.account_id, r->now, &n);

	if (rc != DB_OK && rc != DB_NOTFOUND)
		return http_db_error(r, rc);
	return http_json(r, 200, json_pack("{s:I}", "read", (json_int_t)n));
}

/* ---- the choices --------------------------------------------------------- */

/* The kinds the session's role receives (NOTIFY_TO_*; 0: none). */
static unsigned
party_of(const struct req *r)
{
	return r->sess.role == ROLE_ENTERPRISE ? NOTIFY_TO_ENTERPRISE :
	    r->sess.role == ROLE_PROVIDER ? NOTIFY_TO_PROVIDER : 0;
}

static bool
listed(const struct notify_kind_info *k, unsigned party)
{
	return k->label != NULL && (k->parties & party) != 0;
}

static int
prefs_reply(struct req *r, int status)
{
	struct db_rows rows;
	const struct pref_row *p;
	unsigned party = party_of(r);
	json_t *items = json_array();
	int rc = db_prefs_of(r->db, r->sess.account_id, &rows);

	if (rc != DB_OK) {
		json_decref(items);
		return http_db_error(r, rc);
	}
	p = rows.v;
	for (int i = 0; i < NOTIFY__MAX; i++) {
		const struct notify_kind_info *k =
		    notify_kind_info((enum notify_kind)i);
		bool on = true;

		if (!listed(k, party))
			continue;
		for (size_t j = 0; j < rows.n && k->optional; j++)
			if (strcmp(p[j].kind, k->name) == 0)
				on = p[j].enabled;
		json_array_append_new(items, json_pack("{s:s,s:s,s:b,s:b}",
		    "kind", k->name, "name", k->label, "enabled", on,
		    "optional", k->optional));
	}
	db_rows_free(&rows);
	return http_json(r, status, json_pack("{s:o}", "items", items));
}

/*
 * GET /api/notifications/prefs -> 200 {items: [{kind, name, enabled,
 * optional}]}: the kinds the session's role receives; a deadline warning
 * is never optional.
 */
int
prefs_get(struct req *r)
{
	return prefs_reply(r, 200);
}

struct prefs_tx {
	struct req              *r;
	const struct field      *fields;
	const struct field_value *v;
	size_t                   n;
};

static int
prefs_tx(struct db *db, void *arg)
{
	struct prefs_tx *t = arg;
	json_t *after = json_object();
	int rc = DB_OK;

	for (size_t i = 0; i < t->n && rc == DB_OK; i++) {
		if (!t->v[i].present)
			continue;
		rc = db_pref_set(db, t->r->sess.account_id, t->fields[i].name,
		    t->v[i].i != 0, t->r->now);
		json_object_set_new(after, t->fields[i].name,
		    json_boolean(t->v[i].i != 0));
	}
	if (rc == DB_OK)
		rc = audit_write(t->r, "notification.prefs", "account",
		    t->r->sess.account_id, NULL, after);
	json_decref(after);
	return rc;
}

/*
 * PUT /api/notifications/prefs {<kind>: true|false, …} -> 200 as GET:
 * 400 naming a kind the role does not receive; 422 cannot_turn_off for a
 * deadline warning turned off.
 */
int
prefs_put(struct req *r)
{
	struct field fields[NOTIFY__MAX];
	struct field_value v[NOTIFY__MAX];
	const struct notify_kind_info *info[NOTIFY__MAX];
	unsigned party = party_of(r);
	json_t *body = req_json_or_4xx(r);
	size_t n = 0;
	struct prefs_tx t;
	int rc;

	if (body == NULL)
		return r->status;
	for (int i = 0; i < NOTIFY__MAX; i++) {
		const struct notify_kind_info *k =
		    notify_kind_info((enum notify_kind)i);

		if (!listed(k, party))
			continue;
		info[n] = k;
		fields[n++] = (struct field){ k->name, FIELD_BOOL, false, 0, 0,
		    NULL };
	}
	memset(v, 0, sizeof(v));
	if (req_fields_or_400(r, body, fields, n, v) < 0)
		return r->status;
	for (size_t i = 0; i < n; i++)
		if (v[i].present && v[i].i == 0 && !info[i]->optional)
			return http_error(r, 422, "cannot_turn_off",
			    fields[i].name, "截止时限提醒不能关闭");
	t = (struct prefs_tx){ r, fields, v, n };
	if ((rc = db_tx(r->db, prefs_tx, &t)) != DB_OK)
		return http_db_error(r, rc);
	return prefs_reply(r, 200);
}
