/*
 * reminders.c - the reminders computed by the sweeper (see reminders.h).
 *
 * Each transaction writes a reminder's key and its messages together:
 * the events' one also moves the cursor (locked first: one sweeper at a
 * time reads the events), a warning's one locks its order first (the
 * order -> reminders lock order) and re-checks the rule on it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "lib_sql.h"
#include "log.h"
#include "orders.h"
#include "outbox.h"
#include "reminders.h"

int
remind_event_kind(const char *from, const char *to, const char *actor_role)
{
	static const struct {
		const char *from, *to;
		enum notify_kind kind;
	} map[] = {
		{ NULL,          "pending",    NOTIFY_ORDER_NEW },
		{ "pending",     "accepted",   NOTIFY_ORDER_ACCEPTED },
		{ "contracted",  "submitted",  NOTIFY_CONFIRM_REQUESTED },  /* C2 */
		{ "submitted",   "approved",   NOTIFY_CLAIM_APPROVED },     /* R4 */
		{ "submitted",   "rejected",   NOTIFY_CLAIM_REJECTED },
		/* R4 as amended: returned for correction, back to contracted */
		{ "submitted",   "contracted", NOTIFY_CLAIM_RETURNED },
		{ "approved",    "publicized", NOTIFY_PUBLICITY_STARTED },  /* R5 */
		{ "publicized",  "paid",       NOTIFY_PAID },
	};

	if (to == NULL)
		return -1;
	/* declined by the provider (O4); the enterprise's own cancellation
	 * (O5) and the timeout tell nobody */
	if (from != NULL && strcmp(from, "pending") == 0 &&
	    strcmp(to, "cancelled") == 0)
		return actor_role != NULL && strcmp(actor_role, "provider") == 0 ?
		    (int)NOTIFY_ORDER_DECLINED : -1;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if ((from == NULL) == (map[i].from == NULL) &&
		    (from == NULL || strcmp(from, map[i].from) == 0) &&
		    strcmp(to, map[i].to) == 0)
			return (int)map[i].kind;
	return -1;
}

/* An instant as a Beijing-time text to the minute ("2026年12月31日
 * 00:27"): seconds dropped, never rounded up (the O6 decision). */
static void
beijing_text(time_t t, char out[40])
{
	time_t bj = t + 8 * 3600;
	struct tm tm;

	gmtime_r(&bj, &tm);
	snprintf(out, 40, "%04d年%02d月%02d日 %02d:%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

/* "24 小时" or "7 天" */
static void
left_text(int seconds, bool in_days, char out[24])
{
	if (in_days)
		snprintf(out, 24, "%d 天", seconds / 86400);
	else
		snprintf(out, 24, "%d 小时", seconds / 3600);
}

/* What a message of one order says (the fields of outbox_render). */
struct remind_msg {
	enum notify_kind kind;
	int64_t      order_id;
	int64_t      enterprise_id, provider_id;
	const char  *order_no;
	const char  *product;
	time_t       deadline;   /* 0: none  */
	int          threshold;  /* 0: an event */
	bool         in_days;    /* the threshold said in days, not hours */
	const char  *reason;     /* may be NULL */
};

struct recipient_row {
	int64_t     id;
	const char *mobile;
	const char *login;
};

static const struct db_col recipient_cols[] = {
	DB_COL(struct recipient_row, id),
	DB_COL(struct recipient_row, mobile),
	DB_COL(struct recipient_row, login),
};
static const struct db_rowmap recipient_map = DB_ROWMAP(struct recipient_row,
    recipient_cols);

/* Writes m to every account that may act for each party of its kind;
 * adds the messages to *n. A DB_* status. */
static int
fan_out(struct db *db, const struct remind_msg *m, time_t now, long *n)
{
	const struct notify_kind_info *k = notify_kind_info(m->kind);
	static const unsigned parties[] = { NOTIFY_TO_PROVIDER,
	    NOTIFY_TO_ENTERPRISE };
	char deadline[40] = "", left[24] = "", link[64], why[600] = "";
	int rc = DB_OK;

	if (m->deadline > 0)
		beijing_text(m->deadline, deadline);
	if (m->threshold > 0)
		left_text(m->threshold, m->in_days, left);
	if (m->reason != NULL && m->reason[0] != '\0')
		snprintf(why, sizeof(why), "说明：%s。", m->reason);
	for (size_t p = 0; p < 2 && rc == DB_OK; p++) {
		bool prov = parties[p] == NOTIFY_TO_PROVIDER;
		struct db_rows to;
		const struct recipient_row *a;
		json_t *fields;

		if (!(k->parties & parties[p]))
			continue;
		snprintf(link, sizeof(link), "/%s.html?order=%lld",
		    prov ? "prov" : "ent", (long long)m->order_id);
		rc = db_all(db, DBS_REMIND_RECIPIENTS, DB_ARGS(
		    prov ? DB_NULLP : DB_I64(m->enterprise_id),
		    prov ? DB_I64(m->provider_id) : DB_NULLP), &recipient_map,
		    &to);
		if (rc != DB_OK)
			break;
		fields = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "order_no",
		    m->order_no ? m->order_no : "", "product",
		    m->product ? m->product : "", "deadline", deadline, "left",
		    left, "link", link, "reason", why, "order_id",
		    (json_int_t)m->order_id);
		a = to.v;
		for (size_t i = 0; i < to.n && rc == DB_OK; i++) {
			rc = outbox_put_account(db, m->kind, a[i].id,
			    a[i].mobile, a[i].login, fields, link, now);
			if (rc == DB_OK)
				(*n)++;
		}
		json_decref(fields);
		db_rows_free(&to);
	}
	return rc;
}

/* The key of m: DB_OK when it is new (send it), DB_NOTFOUND when it was
 * written before, or a failure. */
static int
remind_key(struct db *db, const struct remind_msg *m, int64_t event_id,
    time_t now)
{
	return db_dml(db, DBS_REMIND_KEY, DB_ARGS(DB_I64(m->order_id),
	    DB_STR(notify_kind_info(m->kind)->name), DB_I64(m->threshold),
	    DB_I64(event_id), DB_TIME(now)), NULL);
}

/* ---- the messages of order events ------------------------------------ */

struct event_row {
	int64_t     event_id;
	int64_t     order_id;
	const char *from_status;
	const char *to_status;
	const char *actor_role;
	const char *reason;
	const char *order_no;
	const char *product_name;
	int64_t     enterprise_id;
	int64_t     provider_id;
	time_t      accept_deadline;
	time_t      submitted_at;
	time_t      confirmed_at;
};

static const struct db_col event_cols[] = {
	DB_COL(struct event_row, event_id),
	DB_COL(struct event_row, order_id),
	DB_COL(struct event_row, from_status),
	DB_COL(struct event_row, to_status),
	DB_COL(struct event_row, actor_role),
	DB_COL(struct event_row, reason),
	DB_COL(struct event_row, order_no),
	DB_COL(struct event_row, product_name),
	DB_COL(struct event_row, enterprise_id),
	DB_COL(struct event_row, provider_id),
	DB_COL(struct event_row, accept_deadline),
	DB_COL(struct event_row, submitted_at),
	DB_COL(struct event_row, confirmed_at),
};
static const struct db_rowmap event_map = DB_ROWMAP(struct event_row,
    event_cols);

struct cursor_row {
	int64_t last_id;
};

static const struct db_col cursor_cols[] = {
	DB_COL(struct cursor_row, last_id),
};
static const struct db_rowmap cursor_map = DB_ROWMAP(struct cursor_row,
    cursor_cols);

#define REMIND_BATCH 200

struct events_tx {
	time_t              now;
	long                read;       /* out */
	struct remind_stats st;         /* out */
};

static int
events_tx(struct db *db, void *arg)
{
	struct events_tx *t = arg;
	struct cursor_row c;
	struct db_rows ev;
	const struct event_row *e;
	int64_t last;
	int rc;

	t->read = 0;
	memset(&t->st, 0, sizeof(t->st));
	rc = db_one(db, DBS_REMIND_CURSOR_LOCK, NULL, 0, &cursor_map, &c, NULL);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? DB_OK : rc;  /* no cursor: nothing */
	rc = db_all(db, DBS_REMIND_EVENTS, DB_ARGS(DB_I64(c.last_id),
	    DB_I64(REMIND_BATCH)), &event_map, &ev);
	if (rc != DB_OK)
		return rc;
	e = ev.v;
	last = c.last_id;
	for (size_t i = 0; i < ev.n && rc == DB_OK; i++) {
		int kind = remind_event_kind(e[i].from_status, e[i].to_status,
		    e[i].actor_role);
		struct remind_msg m = {
			.order_id = e[i].order_id,
			.enterprise_id = e[i].enterprise_id,
			.provider_id = e[i].provider_id,
			.order_no = e[i].order_no,
			.product = e[i].product_name,
		};

		last = e[i].event_id;
		t->read++;
		if (kind < 0)
			continue;
		m.kind = (enum notify_kind)kind;
		switch (m.kind) {
		case NOTIFY_ORDER_NEW:
			m.deadline = e[i].accept_deadline;          /* O4 */
			break;
		case NOTIFY_CONFIRM_REQUESTED:
			if (e[i].confirmed_at > 0)
				continue;   /* confirmed already (C1) */
			m.deadline = e[i].submitted_at +            /* C2 */
			    (time_t)REMIND_CONFIRM_DAYS * 86400;
			break;
		case NOTIFY_ORDER_DECLINED:
		case NOTIFY_CLAIM_REJECTED:
		case NOTIFY_CLAIM_RETURNED:
			m.reason = e[i].reason;
			break;
		default:
			break;
		}
		rc = remind_key(db, &m, e[i].event_id, t->now);
		if (rc == DB_NOTFOUND) {
			rc = DB_OK;
			continue;
		}
		if (rc == DB_OK) {
			t->st.reminders++;
			rc = fan_out(db, &m, t->now, &t->st.messages);
		}
	}
	db_rows_free(&ev);
	if (rc == DB_OK && last != c.last_id)
		rc = db_dml(db, DBS_REMIND_CURSOR_SET, DB_ARGS(DB_I64(last),
		    DB_TIME(t->now)), NULL);
	return rc;
}

/* ---- deadline warnings ------------------------------------------------ */

/* One rule of warnings: its statement, kind, thresholds (first > last,
 * equal when one) and where its deadline is from the row's column. */
struct warn_rule {
	int              stmt;
	enum notify_kind kind;
	int              first, last;
	time_t           offset;     /* deadline = column + offset        */
	bool             in_days;    /* the texts say days                */
};

static const struct warn_rule warn_rules[] = {
	{ DBS_REMIND_ACCEPT_DUE, NOTIFY_ACCEPT_DUE, REMIND_ACCEPT_FIRST,
	    REMIND_ACCEPT_LAST, 0, false },                              /* O4 */
	{ DBS_REMIND_VALIDITY, NOTIFY_VALIDITY_ENDING, REMIND_VALID_FIRST,
	    REMIND_VALID_LAST, 0, true },                                /* O6 */
	{ DBS_REMIND_CONFIRM, NOTIFY_CONFIRM_REQUESTED, REMIND_CONFIRM_BEFORE,
	    REMIND_CONFIRM_BEFORE, (time_t)REMIND_CONFIRM_DAYS * 86400,
	    true },                                                      /* C2 */
};

struct due_row {
	int64_t     id;
	const char *order_no;
	const char *product_name;
	int64_t     enterprise_id;
	int64_t     provider_id;
	time_t      deadline;
	int         threshold;
};

static const struct db_col due_cols[] = {
	DB_COL(struct due_row, id),
	DB_COL(struct due_row, order_no),
	DB_COL(struct due_row, product_name),
	DB_COL(struct due_row, enterprise_id),
	DB_COL(struct due_row, provider_id),
	DB_COL(struct due_row, deadline),
	DB_COL(struct due_row, threshold),
};
static const struct db_rowmap due_map = DB_ROWMAP(struct due_row, due_cols);

struct warn_tx {
	const struct warn_rule *rule;
	struct remind_msg       m;
	time_t                  now;
	long                    messages;   /* out */
	bool                    sent;       /* out */
};

/* Whether the rule still holds for the locked order at now: the action
 * was not taken meanwhile. */
static bool
warn_still_due(const struct warn_rule *w, const struct order_row *o,
    time_t now)
{
	enum order_status st = order_effective_status(o, now);

	switch (w->kind) {
	case NOTIFY_ACCEPT_DUE:
		return order_is_pending(st);
	case NOTIFY_VALIDITY_ENDING:
		return order_is_running(st);
	case NOTIFY_CONFIRM_REQUESTED:
		return st == ORDER_SUBMITTED && o->confirmed_at == 0;
	default:
		return false;
	}
}

static int
warn_tx(struct db *db, void *arg)
{
	struct warn_tx *t = arg;
	struct order_row o;
	int rc;

	t->messages = 0;
	t->sent = false;
	if ((rc = order_lock(db, t->m.order_id, &o)) != DB_OK)
		return rc == DB_NOTFOUND ? DB_OK : rc;
	if (!warn_still_due(t->rule, &o, t->now) || t->m.deadline <= t->now)
		return DB_OK;
	rc = remind_key(db, &t->m, 0, t->now);
	if (rc == DB_NOTFOUND)
		return DB_OK;
	if (rc != DB_OK)
		return rc;
	t->sent = true;
	return fan_out(db, &t->m, t->now, &t->messages);
}

static int
warn_run(struct db *db, const struct warn_rule *w, time_t now,
    struct remind_stats *st)
{
	time_t base = now - w->offset;   /* the column's value at deadline now */
	struct db_rows due;
	const struct due_row *d;
	int rc;

	rc = db_all(db, w->stmt, DB_ARGS(DB_TIME(base + w->last),
	    DB_I64(w->last), DB_I64(w->first), DB_TIME(base),
	    DB_TIME(base + w->first), DB_STR(notify_kind_info(w->kind)->name),
	    DB_I64(500)), &due_map, &due);
	if (rc != DB_OK)
		return -1;
	d = due.v;
	for (size_t i = 0; i < due.n; i++) {
		struct warn_tx t = {
			.rule = w, .now = now,
			.m = {
				.kind = w->kind,
				.order_id = d[i].id,
				.enterprise_id = d[i].enterprise_id,
				.provider_id = d[i].provider_id,
				.order_no = d[i].order_no,
				.product = d[i].product_name,
				.deadline = d[i].deadline + w->offset,
				.threshold = d[i].threshold,
				.in_days = w->in_days,
			},
		};

		if (db_tx(db, warn_tx, &t) != DB_OK) {
			db_rows_free(&due);
			return -1;
		}
		st->reminders += t.sent;
		st->messages += t.messages;
	}
	db_rows_free(&due);
	return 0;
}

int
reminders_run(struct db *db, time_t now, struct remind_stats *st)
{
	struct events_tx et = { .now = now };

	memset(st, 0, sizeof(*st));
	do {
		if (db_tx(db, events_tx, &et) != DB_OK) {
			log_msg(LOG_ERROR, NULL, "reminders: order events failed");
			return -1;
		}
		st->events += et.read;
		st->reminders += et.st.reminders;
		st->messages += et.st.messages;
	} while (et.read == REMIND_BATCH);
	for (size_t i = 0; i < sizeof(warn_rules) / sizeof(warn_rules[0]); i++)
		if (warn_run(db, &warn_rules[i], now, st) < 0) {
			log_msg(LOG_ERROR, NULL, "reminders: %s failed",
			    notify_kind_info(warn_rules[i].kind)->name);
			return -1;
		}
	return 0;
}
