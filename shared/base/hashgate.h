/*
 * hashgate.h - at most N slow password derivations at once in a process
 * (issue 15: a flood of guesses must not take every core, nor every
 * worker thread, so that /api/me and the other routes never queue behind
 * hashes).
 *
 * A counting semaphore with a bounded wait and a bounded waiting room:
 * a caller takes one of `slots` slots, waiting at most `wait_ms` for one
 * and only while fewer than `max_waiting` others wait; otherwise it is
 * told the gate is busy (the caller answers 429 busy). With slots +
 * max_waiting < the worker threads, at least one worker is always free
 * of hashing. Before hashgate_init() the gate admits everyone (tools).
 * Thread-safe.
 */
#ifndef VOUCHER_HASHGATE_H
#define VOUCHER_HASHGATE_H

#include <stdbool.h>

/* Sets the gate up once, before the worker threads start: slots >= 1,
 * max_waiting >= 0, wait_ms >= 0. */
void hashgate_init(int slots, int max_waiting, int wait_ms);

/* Takes a slot (true), or false when none came free within the wait or
 * the waiting room is full. A true must be paired with hashgate_leave(). */
bool hashgate_enter(void);

/* Gives the slot back. */
void hashgate_leave(void);

#endif
