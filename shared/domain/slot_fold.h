/*
 * slot_fold.h - the sweeper folds the per-connection slots of the small
 * kept totals (issue 13). A total written by the ordering rush or by many
 * programs is kept in slots (CONNECTION_ID() mod 64: concurrent writers
 * do not queue on one row), and a read sums a key's slots: after a year
 * of connections, up to 64 rows a key, and the bureau's dashboard summed
 * 18,000 rows a request (124 req/s at Beijing's size against 2,200 at the
 * demo's). Every minute the sweeper adds each key's slots into one of
 * them and deletes the others, so a read sums about one row a key plus
 * the slots written since.
 *
 * Only rows no writer holds are folded: they are locked with FOR UPDATE
 * SKIP LOCKED, so the fold never waits for a writer (no deadlock with the
 * rush) and a writer waits at most for one table's short fold; a held
 * row is folded the next minute. No row is inserted: the fold keeps the
 * key's lowest slot it could lock.
 *
 * The tables: the dashboard's stats_orders, stats_quota and stats_stages,
 * the queues' claim_counts, certification_counts and application_counts,
 * audit_counts: a few hundred keys at most. The per-party and per-gram
 * totals (order_counts, the gram counts) are read one key at a time and
 * are not folded.
 */
#ifndef VOUCHER_SLOT_FOLD_H
#define VOUCHER_SLOT_FOLD_H

struct db;

/* Folds every table, one transaction each. Returns the slot rows folded
 * away, or -1 on a database failure (what was committed stays). */
long slot_fold(struct db *db);

#endif
