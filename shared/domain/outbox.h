/*
 * outbox.h - outgoing messages (codes, decisions, notices) through one
 * outbox: a program writes a row of `notifications` in the transaction
 * of the event (outbox_put), so a message exists exactly when its event
 * committed, and a request never waits for a delivery; `voucherctl
 * notify` sends the due rows through the configured transport
 * (outbox_send_due), retrying with back-off.
 *
 * Adding a kind of message: one entry in enum notify_kind and in the
 * table of outbox.c (its name, Chinese text with {placeholders}, whether
 * the recipient may turn it off, whether it carries a secret, how long it
 * is worth sending). A member's choice per kind is a row of
 * notification_prefs (outbox_put skips a kind the account turned off).
 *
 * Delivery is at least once: a message whose transport succeeded but
 * whose "sent" mark failed to commit is sent again.
 */
#ifndef VOUCHER_OUTBOX_H
#define VOUCHER_OUTBOX_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

struct db;

enum notify_kind {
	NOTIFY_SIGNUP_CODE,      /* the code confirming a mobile (E9)          */
	NOTIFY_SIGNUP_EXISTING,  /* a signup with a mobile that has an account */
	NOTIFY_INVITE_CODE,      /* an invitation to an organisation (E13)     */
	NOTIFY_CERT_DECIDED,     /* a certification decided (E9, E12)          */
	NOTIFY_MEMBER_CHANGED,   /* a member's role changed or removed (E13)   */
	/* issue 16: the reminders (reminders.c computes them) */
	NOTIFY_ORDER_NEW,        /* a new order, to the provider (O4)          */
	NOTIFY_ACCEPT_DUE,       /* 24 h / 4 h before the O4 limit: provider   */
	NOTIFY_ORDER_ACCEPTED,   /* accepted, to the enterprise                */
	NOTIFY_ORDER_DECLINED,   /* declined, to the enterprise                */
	NOTIFY_VALIDITY_ENDING,  /* 7 d / 1 d before O6, claim not submitted   */
	NOTIFY_CONFIRM_REQUESTED,/* C2: at submission, 3 d before the 15 d end */
	NOTIFY_CLAIM_APPROVED,   /* R4, to the provider                        */
	NOTIFY_CLAIM_REJECTED,   /* R4, to the provider                        */
	NOTIFY_CLAIM_RETURNED,   /* R4 退回补正, to the provider               */
	NOTIFY_PUBLICITY_STARTED,/* R5, to the provider                        */
	NOTIFY_PAID,             /* R5, to the provider                        */
	NOTIFY__MAX
};

/* What is known of a kind (the table of outbox.c). */
struct notify_kind_info {
	const char *name;        /* "signup_code": notifications.kind        */
	const char *text;        /* Chinese, with {field} placeholders       */
	bool        optional;    /* the recipient may turn it off            */
	bool        sensitive;   /* carries a secret: blanked once sent      */
	int         ttl;         /* seconds it is worth sending; 0: always   */
	const char *label;       /* Chinese name in the settings; NULL: not
	                            listed there (codes, notices)           */
	unsigned    parties;     /* NOTIFY_TO_* that receive it              */
};

/* Who receives a kind (struct notify_kind_info.parties). */
#define NOTIFY_TO_ENTERPRISE 1u
#define NOTIFY_TO_PROVIDER   2u

/* The entry of kind (NULL when out of range). */
const struct notify_kind_info *notify_kind_info(enum notify_kind kind);

/* The text of kind with each {key} replaced by the string fields[key]
 * ("" when missing); a new string, free() it. */
char *outbox_render(enum notify_kind kind, json_t *fields);

/*
 * Writes a message of kind to the address to (a mobile number) for
 * account_id (0: no account yet) with fields (borrowed; may be NULL) at
 * now, on db inside the caller's transaction. An optional kind the
 * account turned off (notification_prefs) is skipped. Returns a DB_*
 * status.
 */
int outbox_put(struct db *db, enum notify_kind kind, int64_t account_id,
    const char *to, json_t *fields, time_t now);

/*
 * Writes a message of kind for one account, inside the caller's
 * transaction: to its mobile when it has one (channel sms: sent by
 * `voucherctl notify`, and shown in its inbox), else to its in-app inbox
 * only (channel inbox, delivered at once; login names it). link is the
 * page where the action is (may be NULL). An optional kind the account
 * turned off is skipped. Returns a DB_* status.
 */
int outbox_put_account(struct db *db, enum notify_kind kind,
    int64_t account_id, const char *mobile, const char *login,
    json_t *fields, const char *link, time_t now);

/* The kind named name (notifications.kind); -1 when none is. */
int notify_kind_parse(const char *name);

/* A mobile number as logs and replies may show it: "138****8000". */
void outbox_mask(const char *mobile, char out[16]);

/* How a message leaves the system. */
enum outbox_transport_kind {
	OUTBOX_FILE,             /* one JSON line appended to a file         */
	OUTBOX_COMMAND           /* a program reading the JSON on stdin      */
};

struct outbox_transport {
	enum outbox_transport_kind kind;
	const char                *target;  /* the file, or the command line
	                                       (run by /bin/sh -c)           */
	int                        timeout; /* seconds a command may take    */
};

/* The delay before attempt n + 1 after n failed ones (n >= 1): 30 s,
 * doubling, at most an hour. Pure. */
int outbox_backoff(int failed_attempts);

#define OUTBOX_MAX_ATTEMPTS 12   /* then the message is marked failed   */

/* What one run did. */
struct outbox_stats {
	long sent, retried, failed, expired;
	long backlog;            /* due messages left after the run          */
};

/*
 * Sends the messages due at now (at most limit), each in its own short
 * transaction holding its row (FOR UPDATE SKIP LOCKED: several senders
 * never send one message twice at once): delivered ones are marked sent
 * (a sensitive one blanked), failed ones retried after outbox_backoff(),
 * failed for good after OUTBOX_MAX_ATTEMPTS, expired ones (past their
 * kind's ttl) blanked unsent. Returns 0 with *st filled, or -1 on a
 * database failure.
 */
int outbox_send_due(struct db *db, const struct outbox_transport *t,
    time_t now, int limit, struct outbox_stats *st);

#endif
