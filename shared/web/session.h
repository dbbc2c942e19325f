/*
 * session.h - the logged-in account of a request: `Authorization: Bearer`
 * or the session cookie (tokens and their hashes: password.h), and the
 * CSRF check of cookie sessions.
 */
#ifndef VOUCHER_SESSION_H
#define VOUCHER_SESSION_H

#include <stdbool.h>

#include "http.h"
#include "password.h"

#define AUTH_COOKIE       "voucher_session"

/* Reads the session from `Authorization: Bearer` or the session cookie,
 * checks idle and absolute expiry against r->now, and fills r->sess and
 * r->authed. Returns DB_OK (authed or not) or a DB_* failure. */
int auth_session(struct req *r);

/* E9: whether the session's organisation is certified (true for staff:
 * reviewer and bureau accounts belong to none). */
bool auth_session_certified(const struct req *r);

/* True when the X-CSRF-Token header equals the session's token. */
bool auth_csrf_ok(struct req *r);

#endif
