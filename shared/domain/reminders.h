/*
 * reminders.h - the reminders of issue 16, computed by the sweeper
 * (`voucherctl sweep`, every minute) from the same rules the programs
 * enforce, at the injectable clock's now (rule T2):
 *
 *   - the messages of an order's events, read from order_events after a
 *     cursor (new order to the provider; accepted or declined to the
 *     enterprise; the claim submitted: the enterprise is asked to confirm,
 *     C2; approved, rejected or returned for correction (退回补正, R4) to
 *     the provider; publicity started and payment to the provider, R5);
 *   - deadline warnings: 24 h and 4 h before the 48-hour limit to the
 *     provider (O4); 7 days and 1 day before the validity ends, while the
 *     claim is not submitted, to both parties (O6); 3 days before the
 *     enterprise's 15 days to confirm end (C2).
 *
 * Each message is written once: a key per order + kind + threshold (or
 * + event) in `reminders`, inserted in the transaction that writes the
 * messages; a warning is re-checked on the locked order first, so none
 * is sent after the action was taken. Recipients: every account that may
 * act for the party (administrators and operators, E13), each through
 * outbox_put_account (its mobile, or its in-app inbox only).
 */
#ifndef VOUCHER_REMINDERS_H
#define VOUCHER_REMINDERS_H

#include <time.h>

struct db;

/* The thresholds, in seconds before the deadline. */
#define REMIND_ACCEPT_FIRST   (24 * 3600)     /* O4: 24 h before 48 h    */
#define REMIND_ACCEPT_LAST    (4 * 3600)      /* O4: 4 h before          */
#define REMIND_VALID_FIRST    (7 * 86400)     /* O6: 7 days before        */
#define REMIND_VALID_LAST     (1 * 86400)     /* O6: 1 day before         */
#define REMIND_CONFIRM_DAYS   15              /* C2: days to confirm      */
#define REMIND_CONFIRM_BEFORE (3 * 86400)     /* C2: 3 days before        */

/* The message kind (enum notify_kind) of an order event, from its
 * statuses and the role that made it (from NULL: a new order); -1 when
 * the event has no message. Pure. */
int remind_event_kind(const char *from, const char *to,
    const char *actor_role);

/* What one run did. */
struct remind_stats {
	long events;      /* order events read                      */
	long reminders;   /* keys written (one per reminder)        */
	long messages;    /* messages written (one per recipient)   */
};

/* Computes and writes every reminder due at now. 0 with *st filled, or
 * -1 on a database failure (what was committed stays: the next run goes
 * on from there). */
int reminders_run(struct db *db, time_t now, struct remind_stats *st);

#endif
