/*
 * clocks.h - the stage clock of issue 16: for an order (and its claim), a
 * product application or a certification, the rule whose deadline runs
 * now, that deadline, and who must act. One pure function computes it
 * from the facts every reply already has; the API carries it as
 * `deadline` and `clock {rule, deadline, seconds_left, who, name}`, the
 * pages count it down, the bureau lists what is past it.
 *
 * Deadlines of the guide and SPEC: O4 (48 hours to accept), O6 (the
 * validity: contract, documents and submission before it), C2 (15 days
 * for the enterprise to confirm a submitted claim), A2 (the round's
 * collection window). Where the guide sets none for an office (review,
 * publication) the clock carries a service target (decision, issue 16):
 * CLOCK_REVIEW_DAYS for a claim once it may be decided, CLOCK_PUBLISH_DAYS
 * from approval to publicity, CLOCK_APPLICATION_DAYS and
 * CLOCK_CERTIFICATION_DAYS from submission.
 */
#ifndef VOUCHER_CLOCKS_H
#define VOUCHER_CLOCKS_H

#include <stdbool.h>
#include <time.h>

#include <jansson.h>

#define CLOCK_CONFIRM_DAYS        15   /* C2                                */
#define CLOCK_REVIEW_DAYS         10   /* decision: a claim's review (R4)   */
#define CLOCK_PUBLISH_DAYS        30   /* decision: approved -> publicized  */
#define CLOCK_APPLICATION_DAYS    20   /* decision: an application (A6)     */
#define CLOCK_CERTIFICATION_DAYS   5   /* decision: a certification (E9)    */

/* Who must act. */
enum clock_who {
	WHO_NONE,
	WHO_ENTERPRISE,
	WHO_PROVIDER,
	WHO_REVIEWER,
	WHO_BUREAU,
	WHO__MAX
};

/* What the clock is of. */
enum clock_subject {
	CLOCK_ORDER,          /* an order and its claim (O10 states)        */
	CLOCK_APPLICATION,    /* a product application (A5 states)          */
	CLOCK_CERTIFICATION   /* an organisation's certification            */
};

/* The facts a clock is computed from (0: not known / not yet). */
struct clock_facts {
	enum clock_subject subject;
	const char *state;            /* an order's effective status, an
	                                 application's or certification's    */
	time_t accept_deadline;       /* order: O4                           */
	time_t valid_until;           /* order: O6                           */
	time_t submitted_at;          /* order (R3), application, cert.     */
	time_t confirmed_at;          /* order: C1                           */
	time_t approved_at;           /* order: R4                           */
	time_t window_end;            /* application: the end of A2's window */
	bool   opinion;               /* application: the reviewer's opinion
	                                 is in: the bureau decides          */
	enum clock_who applicant;     /* certification: its party           */
};

/* A stage clock; running false when nothing waits on anyone. */
struct stage_clock {
	bool           running;
	const char    *rule;          /* "O4" …: for machines, never shown  */
	const char    *name;          /* Chinese: what the deadline is       */
	time_t         deadline;      /* 0: none (nobody is late)            */
	enum clock_who who;
};

/* The clock of f at now (now decides only whether C2's days are over).
 * Pure. */
struct stage_clock stage_clock(const struct clock_facts *f, time_t now);

/* "enterprise", "provider", "reviewer", "bureau" (NULL for WHO_NONE). */
const char *clock_who_name(enum clock_who who);

/* {rule, name, deadline (ISO or null), seconds_left (deadline - now,
 * negative when past; null without a deadline), who}, or JSON null when
 * the clock is not running. New reference. */
json_t *stage_clock_json(const struct stage_clock *c, time_t now);

/* Sets "deadline" and "clock" of obj from f at now. */
void stage_clock_set(json_t *obj, const struct clock_facts *f, time_t now);

#endif
