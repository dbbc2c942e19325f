/*
 * voucherctl - the operators' command for the voucher database.
 *
 *   voucherctl sweep [--every SECONDS | --interval SECONDS]
 *       Materialises the time rules: orders not accepted within 48 hours
 *       are cancelled (O4) and vouchers past their validity expire (O6),
 *       releasing units and reservations. Reads and writes already apply
 *       both rules on the fly, so the sweep only tidies up; run it every
 *       minute: once per run from voucher-sweep.timer (--interval 60 tells
 *       the heartbeat how often it is run), or as a loop (--every 60, the
 *       dev stack's `make run`). With VOUCHER_SWEEP_TEXTFILE=PATH.prom it
 *       rewrites that file after each run, failed ones too
 *       (node_exporter's textfile collector serves it): last run and last
 *       success instants (a run that fails keeps the previous file's
 *       success), duration, interval, orders moved, the uploads file
 *       system's free space (README: Monitoring). Each run holds the
 *       database's named lock voucher.sweep, so two runs (the timer's and
 *       one by hand, or two hosts') never overlap: a run that finds it
 *       held does nothing and exits 75 (EX_TEMPFAIL; the units count it a
 *       success). Then it computes the
 *       reminders due (issue 16, shared/domain/reminders.h): the messages
 *       of new order events and the deadline warnings (O4, O6, C2), each
 *       written once into the outbox for every member who may act.
 *       Last it folds the overdue stages' passed minutes into their
 *       totals (issue 13, shared/domain/overdue_fold.h), so that the
 *       bureau's overdue list counts a few rows whatever the year, and
 *       each small kept total's per-connection slots into one row
 *       (shared/domain/slot_fold.h: the dashboard and the queues' totals
 *       stay a row a key after a year of connections).
 *   voucherctl reconcile [--fix]
 *       Recomputes every product's taken units and every enterprise's
 *       yearly occupied amount from the orders and reports any drift
 *       (exit status 1 when there is some). --fix repairs it, each row
 *       under its lock.
 *   voucherctl tidy [--interval SECONDS]
 *       Purges what grows without bound (issue: retention): idempotency
 *       records older than VOUCHER_IDEM_RETAIN_DAYS (7: far longer than
 *       any client retries) and sessions past their absolute expiry; in
 *       VOUCHER_FILES_DIR removes upload temporaries left by a killed
 *       upload (tmp/NAME.part untouched for an hour) and moves stored files
 *       that no row names (a kill between storing and recording) into
 *       quarantine/, reporting each. `sweep --every` runs it once an hour;
 *       in production voucher-tidy.timer runs it daily (lock voucher.tidy,
 *       heartbeat VOUCHER_TIDY_TEXTFILE with task="tidy").
 *   voucherctl notify [--every SECONDS | --interval SECONDS]
 *       Sends the outbox (codes, decisions, notices: the notifications
 *       table, written by the programs in the transaction of each event)
 *       through the transport of VOUCHER_OUTBOX_TRANSPORT: "file" (the
 *       default; one JSON line {id, to, kind, text, fields, created_at}
 *       appended to VOUCHER_OUTBOX_FILE) or "command" (VOUCHER_OUTBOX_
 *       COMMAND run by /bin/sh -c with the JSON on its standard input,
 *       delivered when it exits 0 within VOUCHER_OUTBOX_TIMEOUT, 30 s).
 *       A failed message is retried with back-off (30 s doubling to an
 *       hour, 12 attempts). Run it like the sweeper: voucher-notify.timer
 *       runs it every 10 seconds (--interval 10), `make run` as a loop
 *       (--every 5); lock voucher.notify; with VOUCHER_NOTIFY_TEXTFILE=
 *       PATH.prom it writes its heartbeat there (task="outbox", the
 *       sweeper's convention).
 *   voucherctl hash-password
 *       Reads a password on standard input and prints its stored hash
 *       (PBKDF2-HMAC-SHA256, for seeding staff accounts).
 *
 * It reads the same VOUCHER_DB_* environment as the programs.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>

#include "password.h"
#include "reminders.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "lib_sql.h"
#include "log.h"
#include "orders.h"
#include "outbox.h"
#include "overdue_fold.h"
#include "slot_fold.h"

enum ctl_stmt {
	STMT_DRIFT_PRODUCTS,
	STMT_DRIFT_QUOTA,
	STMT_PRODUCT_LOCK,
	STMT_PRODUCT_HELD,
	STMT_PRODUCT_FIX,
	STMT_QUOTA_LOCK,
	STMT_QUOTA_SUM,
	STMT_QUOTA_FIX,
	STMT_PURGE_IDEM,
	STMT_PURGE_SESSIONS,
	STMT_PURGE_CODES,
	STMT_PURGE_THROTTLE,
	STMT_PURGE_DEVICES,
	STMT_FILE_KNOWN,
	STMT_TASK_LOCK,
	STMT_TASK_UNLOCK,
	STMT__MAX
};

static const struct db_stmt ctl_stmts[STMT__MAX] = {
	/* products whose taken units differ from the orders holding one */
	DB_STMT(STMT_DRIFT_PRODUCTS,
	"SELECT p.id, p.units_total - p.remaining_units AS taken, p.units_sold,"
	" COALESCE(h.n, 0) AS held FROM products p LEFT JOIN"
	" (SELECT product_id, COUNT(*) AS n FROM orders WHERE unit_held = 1"
	" GROUP BY product_id) h ON h.product_id = p.id"
	" WHERE p.units_total - p.remaining_units <> COALESCE(h.n, 0)"
	" OR p.units_sold <> COALESCE(h.n, 0) ORDER BY p.id"),
	/* quota rows whose occupied differs from the orders' reservations */
	DB_STMT(STMT_DRIFT_QUOTA,
	"SELECT q.enterprise_id, q.year, q.occupied, COALESCE(s.total, 0)"
	" AS reserved FROM enterprise_quota q LEFT JOIN"
	" (SELECT enterprise_id, year, SUM(reserved) AS total FROM orders"
	" GROUP BY enterprise_id, year) s"
	" ON s.enterprise_id = q.enterprise_id AND s.year = q.year"
	" WHERE q.occupied <> COALESCE(s.total, 0)"
	" ORDER BY q.enterprise_id, q.year"),
	DB_STMT(STMT_PRODUCT_LOCK,
	"SELECT units_total FROM products WHERE id = ? FOR UPDATE"),
	DB_STMT(STMT_PRODUCT_HELD,
	"SELECT COUNT(*) AS held FROM orders WHERE product_id = ?"
	" AND unit_held = 1"),
	DB_STMT(STMT_PRODUCT_FIX,
	"UPDATE products SET remaining_units = GREATEST(units_total - ?, 0),"
	" units_sold = ? WHERE id = ?"),
	DB_STMT(STMT_QUOTA_LOCK,
	"SELECT cap FROM enterprise_quota WHERE enterprise_id = ? AND year = ?"
	" FOR UPDATE"),
	DB_STMT(STMT_QUOTA_SUM,
	"SELECT COALESCE(SUM(reserved), 0) FROM orders"
	" WHERE enterprise_id = ? AND year = ?"),
	DB_STMT(STMT_QUOTA_FIX,
	"UPDATE enterprise_quota SET occupied = ?"
	" WHERE enterprise_id = ? AND year = ?"),
	/* retention: before; a batch at a time (ix_idempotency_created) */
	DB_STMT(STMT_PURGE_IDEM,
	"DELETE FROM idempotency_keys WHERE created_at < ?"
	" ORDER BY created_at LIMIT 1000"),
	/* sessions past their absolute expiry: now (ix_sessions_expires) */
	DB_STMT(STMT_PURGE_SESSIONS,
	"DELETE FROM sessions WHERE expires_at < ?"
	" ORDER BY expires_at LIMIT 1000"),
	/* one-time codes past their 10 minutes (E9): now */
	DB_STMT(STMT_PURGE_CODES,
	"DELETE FROM verification_codes WHERE expires_at < ?"
	" ORDER BY expires_at LIMIT 1000"),
	/* per-mobile and per-login limits whose window ended a day ago */
	DB_STMT(STMT_PURGE_THROTTLE,
	"DELETE FROM throttle WHERE window_start < ?"
	" ORDER BY window_start LIMIT 1000"),
	/* known browsers unused for 180 days (issue 15): their cookie ended */
	DB_STMT(STMT_PURGE_DEVICES,
	"DELETE FROM login_devices WHERE last_used_at < ?"
	" ORDER BY last_used_at LIMIT 1000"),
	/* whether a stored file name is recorded: name x4 */
	DB_STMT(STMT_FILE_KNOWN,
	"SELECT EXISTS(SELECT 1 FROM redemption_files WHERE stored_name = ?)"
	" OR EXISTS(SELECT 1 FROM application_attachments"
	" WHERE stored_name = ?)"
	" OR EXISTS(SELECT 1 FROM org_files WHERE stored_name = ?)"
	" OR EXISTS(SELECT 1 FROM certifications WHERE licence_stored = ?)"
	" AS known"),
	/* one run of a task at a time (voucher.sweep, voucher.notify,
	 * voucher.tidy): 1 taken, 0 held by another connection, -1 error.
	 * Held by this connection, released by it or when it closes. */
	DB_STMT(STMT_TASK_LOCK,
	"SELECT COALESCE(GET_LOCK(?, 0), -1) AS taken"),
	DB_STMT(STMT_TASK_UNLOCK,
	"SELECT COALESCE(RELEASE_LOCK(?), -1) AS released"),
};

#define TIDY_FILE_AGE 3600	/* an upload untouched this long is dead */

static volatile sig_atomic_t stopping;

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

/* Deletes in batches until none is left; the number deleted, or -1. */
static long
purge(struct db *db, int id, time_t before)
{
	long total = 0;
	uint64_t n;

	do {
		n = 0;
		if (db_exec(db, id, DB_ARGS(DB_TIME(before)), NULL, &n, NULL)
		    != DB_OK)
			return -1;
		total += (long)n;
	} while (n > 0 && !stopping);
	return total;
}

/* Removes the .part files of dir untouched since before; the count. */
static long
tidy_tmp(const char *dir, time_t before)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	long n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char path[8192];
		struct stat st;
		size_t len = strlen(e->d_name);

		if (len < 6 || strcmp(e->d_name + len - 5, ".part") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_mtime < before && unlink(path) == 0) {
			log_msg(LOG_INFO, NULL, "tidy: removed the stale upload "
			    "temporary %s (%lld bytes)", path,
			    (long long)st.st_size);
			n++;
		}
	}
	closedir(d);
	return n;
}

/* Moves stored files that no row names into quarantine/; the count, or
 * -1 on a database failure. Only files older than before: a new file is
 * stored a moment before its row is committed. */
static long
tidy_orphans(struct db *db, const char *root, time_t before)
{
	char qdir[4096];
	DIR *top = opendir(root);
	struct dirent *t;
	long moved = 0;

	if (top == NULL)
		return 0;
	snprintf(qdir, sizeof(qdir), "%s/quarantine", root);
	while ((t = readdir(top)) != NULL && moved >= 0) {
		char sub[8192];
		DIR *d;
		struct dirent *e;

		/* stored files live in <2 hex>/ */
		if (strlen(t->d_name) != 2 || strspn(t->d_name,
		    "0123456789abcdef") != 2)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", root, t->d_name);
		if ((d = opendir(sub)) == NULL)
			continue;
		while ((e = readdir(d)) != NULL) {
			char name[512], path[8192], to[12288];
			struct stat st;
			int64_t known = 1;

			if (e->d_name[0] == '.')
				continue;
			snprintf(name, sizeof(name), "%s/%s", t->d_name,
			    e->d_name);
			snprintf(path, sizeof(path), "%s/%s", root, name);
			if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
			    st.st_mtime >= before)
				continue;
			if (db_scalar(db, STMT_FILE_KNOWN, DB_ARGS(DB_STR(name),
			    DB_STR(name), DB_STR(name), DB_STR(name)),
			    &known) != DB_OK) {
				moved = -1;
				break;
			}
			if (known)
				continue;
			if (mkdir(qdir, 0750) != 0 && errno != EEXIST)
				continue;
			snprintf(to, sizeof(to), "%s/%s-%s", qdir, t->d_name,
			    e->d_name);
			if (rename(path, to) == 0) {
				log_msg(LOG_WARN, NULL, "tidy: %s is recorded "
				    "nowhere: moved to %s", name, to);
				moved++;
			}
		}
		closedir(d);
	}
	closedir(top);
	return moved;
}

static int
cmd_tidy(struct db *db)
{
	time_t now = clock_now();
	const char *days = getenv("VOUCHER_IDEM_RETAIN_DAYS");
	long retain = days != NULL && atol(days) > 0 ? atol(days) : 7;
	long idem, sess, tmp = 0, orphans = 0;
	char tmpdir[4096];

	idem = purge(db, STMT_PURGE_IDEM, now - retain * 86400);
	sess = purge(db, STMT_PURGE_SESSIONS, now);
	if (purge(db, STMT_PURGE_CODES, now) < 0 ||
	    purge(db, STMT_PURGE_THROTTLE, now - 2 * 86400) < 0 ||
	    purge(db, STMT_PURGE_DEVICES, now - 180L * 86400) < 0)
		sess = -1;
	if (g_config.files_dir != NULL) {
		snprintf(tmpdir, sizeof(tmpdir), "%s/tmp", g_config.files_dir);
		tmp = tidy_tmp(tmpdir, time(NULL) - TIDY_FILE_AGE);
		orphans = tidy_orphans(db, g_config.files_dir,
		    time(NULL) - TIDY_FILE_AGE);
	}
	log_msg(LOG_INFO, NULL, "tidy: %ld idempotency record(s) older than "
	    "%ld days, %ld expired session(s), %ld upload temporary file(s), "
	    "%ld unrecorded stored file(s) quarantined", idem, retain, sess,
	    tmp, orphans);
	printf("tidy: idempotency %ld, sessions %ld, temporaries %ld, "
	    "quarantined %ld\n", idem, sess, tmp, orphans);
	return idem < 0 || sess < 0 || orphans < 0 ? 1 : 0;
}

/* A task's heartbeat for Prometheus: a node_exporter textfile (the
 * textfile collector serves it), replaced atomically after each run,
 * failed ones too. A one-shot run (the systemd timers) starts from the
 * previous file: its last success and its processed total carry over, so
 * a failed run shows as a last run newer than the last success and the
 * counter never restarts. Alerts: ops/prometheus/rules/voucher.yml. */
struct task_beat {
	const char        *task;         /* sweeper, outbox, tidy           */
	const char        *path;         /* the .prom file, NULL: none      */
	int                interval;     /* seconds between runs            */
	bool               loaded;       /* the previous file was read      */
	time_t             last_ok;
	unsigned long long processed;
};

/* The value of the line "NAME{task="TASK"} VALUE" of the previous file. */
static bool
beat_prev(const char *path, const char *name, const char *task, double *out)
{
	char line[512], key[160];
	bool found = false;
	FILE *f = fopen(path, "r");
	int klen;

	if (f == NULL)
		return false;
	klen = snprintf(key, sizeof(key), "%s{task=\"%s\"} ", name, task);
	while (fgets(line, sizeof(line), f) != NULL)
		if (klen > 0 && klen < (int)sizeof(key) &&
		    strncmp(line, key, (size_t)klen) == 0) {
			*out = strtod(line + klen, NULL);
			found = true;
		}
	fclose(f);
	return found;
}

static void
beat_init(struct task_beat *b, const char *task, const char *env,
    int interval)
{
	const char *path = getenv(env);

	memset(b, 0, sizeof(*b));
	b->task = task;
	b->path = path != NULL && *path != '\0' ? path : NULL;
	b->interval = interval;
}

/* Writes the heartbeat of one run: started, ok, its duration, the items
 * it found due (backlog) and handled (processed); extra adds lines. */
static void
beat_write(struct task_beat *b, time_t started, bool ok, double secs,
    long backlog, long processed, void (*extra)(FILE *, void *), void *arg)
{
	char tmp[4096];
	double v;
	FILE *f;

	if (b->path == NULL ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp", b->path) >= (int)sizeof(tmp))
		return;
	if (!b->loaded) {
		b->loaded = true;
		if (beat_prev(b->path, "voucher_task_last_success_timestamp_"
		    "seconds", b->task, &v) && v > 0)
			b->last_ok = (time_t)v;
		if (beat_prev(b->path, "voucher_task_processed_total", b->task,
		    &v) && v > 0)
			b->processed = (unsigned long long)v;
	}
	if (ok) {
		b->last_ok = started;
		b->processed += processed > 0 ? (unsigned long long)processed : 0;
	}
	if ((f = fopen(tmp, "w")) == NULL)
		return;
	/* node_exporter reads it, whatever the unit's UMask */
	(void)fchmod(fileno(f), 0644);
	fprintf(f, "# HELP voucher_task_last_run_timestamp_seconds When a "
	    "background task last started.\n"
	    "# TYPE voucher_task_last_run_timestamp_seconds gauge\n"
	    "voucher_task_last_run_timestamp_seconds{task=\"%s\"} %lld\n"
	    "# HELP voucher_task_last_success_timestamp_seconds When a run "
	    "that succeeded last started.\n"
	    "# TYPE voucher_task_last_success_timestamp_seconds gauge\n"
	    "voucher_task_last_success_timestamp_seconds{task=\"%s\"} %lld\n",
	    b->task, (long long)started, b->task, (long long)b->last_ok);
	if (extra != NULL)
		extra(f, arg);
	fprintf(f, "# HELP voucher_task_last_duration_seconds How long its "
	    "last run took.\n"
	    "# TYPE voucher_task_last_duration_seconds gauge\n"
	    "voucher_task_last_duration_seconds{task=\"%s\"} %.3f\n"
	    "# HELP voucher_task_interval_seconds How often it runs.\n"
	    "# TYPE voucher_task_interval_seconds gauge\n"
	    "voucher_task_interval_seconds{task=\"%s\"} %d\n"
	    "# HELP voucher_task_backlog Items its last run found due.\n"
	    "# TYPE voucher_task_backlog gauge\n"
	    "voucher_task_backlog{task=\"%s\"} %ld\n"
	    "# HELP voucher_task_processed_total Items handled by its "
	    "successful runs.\n"
	    "# TYPE voucher_task_processed_total counter\n"
	    "voucher_task_processed_total{task=\"%s\"} %llu\n",
	    b->task, secs, b->task, b->interval, b->task,
	    ok && backlog > 0 ? backlog : 0, b->task, b->processed);
	if (fclose(f) != 0 || rename(tmp, b->path) != 0)
		unlink(tmp);
}

static double
secs_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The exit status of a run that found its task's lock held (EX_TEMPFAIL
 * of sysexits.h): the units' SuccessExitStatus= counts it a success. */
#define EXIT_BUSY 75

/* Takes the named lock of a task (voucher.sweep …) on this connection,
 * without waiting: 1 taken, 0 held by another run, -1 failure. */
static int
task_lock(struct db *db, const char *name)
{
	int64_t taken;

	if (db_scalar(db, STMT_TASK_LOCK, DB_ARGS(DB_STR(name)), &taken) !=
	    DB_OK || taken < 0)
		return -1;
	if (taken == 0)
		log_msg(LOG_INFO, NULL, "%s: another run holds the lock; this "
		    "one is skipped", name);
	return taken == 1 ? 1 : 0;
}

static void
task_unlock(struct db *db, const char *name)
{
	int64_t released;

	if (db_scalar(db, STMT_TASK_UNLOCK, DB_ARGS(DB_STR(name)),
	    &released) != DB_OK || released != 1)
		log_msg(LOG_WARN, NULL, "%s: the lock was not held at the end "
		    "of the run (connection lost?)", name);
}

static void
say_busy(const char *what, const char *lock)
{
	fprintf(stderr, "voucherctl: another %s is running (the lock %s is "
	    "held); this run did nothing\n", what, lock);
}

/* The sweeper's extra lines: the loop's hourly tidy, the uploads' disk. */
struct sweep_extra {
	time_t last_tidy_ok;
};

static void
sweep_extra_lines(FILE *f, void *arg)
{
	const struct sweep_extra *x = arg;
	struct statvfs vfs;

	if (x->last_tidy_ok > 0)
		fprintf(f, "voucher_task_last_success_timestamp_seconds"
		    "{task=\"tidy\"} %lld\n", (long long)x->last_tidy_ok);
	if (g_config.files_dir != NULL &&
	    statvfs(g_config.files_dir, &vfs) == 0)
		fprintf(f, "# HELP voucher_files_fs_avail_bytes Free space for "
		    "uploads (VOUCHER_FILES_DIR).\n"
		    "# TYPE voucher_files_fs_avail_bytes gauge\n"
		    "voucher_files_fs_avail_bytes %llu\n"
		    "# HELP voucher_files_fs_size_bytes Size of its file "
		    "system.\n# TYPE voucher_files_fs_size_bytes gauge\n"
		    "voucher_files_fs_size_bytes %llu\n",
		    (unsigned long long)vfs.f_bavail * vfs.f_frsize,
		    (unsigned long long)vfs.f_blocks * vfs.f_frsize);
}

/* voucherctl sweep: once (every 0; interval for the heartbeat) or every
 * `every` seconds until TERM. A run of a timer or a loop (interval or
 * every set) logs only when it moved something: one every minute, or every
 * 10 seconds for the outbox, would fill the journal with nothing; a run by
 * hand always says what it did. */
static int
cmd_sweep(struct db *db, int every, int interval)
{
	time_t last_tidy = 0;
	struct sweep_extra x = { 0 };
	struct task_beat beat;

	beat_init(&beat, "sweeper", "VOUCHER_SWEEP_TEXTFILE",
	    every > 0 ? every : interval);
	do {
		time_t started = time(NULL);
		struct timespec t0;
		struct remind_stats rs = { 0 };
		long folded = 0, slots = 0;
		int n = -1, lock;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		lock = task_lock(db, "voucher.sweep");
		if (lock == 0 && every == 0) {
			say_busy("sweep", "voucher.sweep");
			return EXIT_BUSY;
		}
		if (lock == 1) {
			n = order_sweep_all(db, clock_now());
			if (n >= 0 && reminders_run(db, clock_now(), &rs) < 0)
				n = -1;
			/* issue 13: the overdue stages' passed minutes */
			if (n >= 0 && (folded = overdue_fold(db,
			    clock_now())) < 0)
				n = -1;
			/* issue 13: the small totals' slots */
			if (n >= 0 && (slots = slot_fold(db)) < 0)
				n = -1;
			task_unlock(db, "voucher.sweep");
		}
		if (lock != 0) {
			if (n < 0)
				fprintf(stderr, "voucherctl: sweep failed\n");
			else if (n > 0 || rs.messages > 0 ||
			    (every == 0 && interval == 0))
				log_msg(LOG_INFO, NULL, "sweep: %d order(s) moved "
				    "by O4/O6; %ld reminder(s), %ld message(s); "
				    "%ld overdue minute(s), %ld slot row(s) "
				    "folded", n, rs.reminders, rs.messages,
				    folded, slots);
			if (every > 0 && time(NULL) - last_tidy >= 3600) {
				if (cmd_tidy(db) == 0)
					x.last_tidy_ok = time(NULL);
				last_tidy = time(NULL);
			}
			beat_write(&beat, started, n >= 0, secs_since(&t0), n, n,
			    sweep_extra_lines, &x);
		}
		if (every == 0)
			return n < 0 ? 1 : 0;
		for (int i = 0; i < every && !stopping; i++)
			sleep(1);
	} while (!stopping);
	return 0;
}

struct fix_tx {
	int64_t id;
	int     year;
};

/* Locks the row (its FOR UPDATE statement), then reads one integer. */
static int
lock_then_scalar(struct db *db, int lock_id, int sum_id,
    const struct db_param *p, size_t np, int64_t *out)
{
	struct db_res *res = NULL;
	int rc = db_query(db, lock_id, p, np, &res);

	db_res_free(res);
	return rc == DB_OK ? db_scalar(db, sum_id, p, np, out) : rc;
}

static int
fix_product_tx(struct db *db, void *arg)
{
	struct fix_tx *t = arg;
	int64_t held;
	int rc = lock_then_scalar(db, STMT_PRODUCT_LOCK, STMT_PRODUCT_HELD,
	    DB_ARGS(DB_I64(t->id)), &held);

	if (rc == DB_OK)
		rc = db_dml(db, STMT_PRODUCT_FIX, DB_ARGS(DB_I64(held),
		    DB_I64(held), DB_I64(t->id)), NULL);
	return rc == DB_NOTFOUND ? DB_OK : rc;
}

static int
fix_quota_tx(struct db *db, void *arg)
{
	struct fix_tx *t = arg;
	int64_t sum;
	int rc = lock_then_scalar(db, STMT_QUOTA_LOCK, STMT_QUOTA_SUM,
	    DB_ARGS(DB_I64(t->id), DB_I64(t->year)), &sum);

	if (rc == DB_OK)
		rc = db_dml(db, STMT_QUOTA_FIX, DB_ARGS(DB_I64(sum),
		    DB_I64(t->id), DB_I64(t->year)), NULL);
	return rc == DB_NOTFOUND ? DB_OK : rc;
}

/* A product whose taken units differ from the orders holding one. */
struct product_drift {
	int64_t id, taken, units_sold, held;
};

static const struct db_col product_drift_cols[] = {
	DB_COL(struct product_drift, id),
	DB_COL(struct product_drift, taken),
	DB_COL(struct product_drift, units_sold),
	DB_COL(struct product_drift, held),
};
static const struct db_rowmap product_drift_map =
    DB_ROWMAP(struct product_drift, product_drift_cols);

/* A quota row whose occupied amount differs from its orders' reservations. */
struct quota_drift {
	int64_t enterprise_id;
	int     year;
	int64_t occupied, reserved;
};

static const struct db_col quota_drift_cols[] = {
	DB_COL(struct quota_drift, enterprise_id),
	DB_COL(struct quota_drift, year),
	DB_COL(struct quota_drift, occupied),
	DB_COL(struct quota_drift, reserved),
};
static const struct db_rowmap quota_drift_map =
    DB_ROWMAP(struct quota_drift, quota_drift_cols);

static int
cmd_reconcile(struct db *db, bool fix)
{
	struct db_rows p, q;
	const struct product_drift *pd;
	const struct quota_drift *qd;
	size_t drift;
	int rc;

	rc = db_all(db, STMT_DRIFT_PRODUCTS, DB_NOARGS, &product_drift_map, &p);
	if (rc == DB_OK)
		rc = db_all(db, STMT_DRIFT_QUOTA, DB_NOARGS, &quota_drift_map,
		    &q);
	if (rc != DB_OK) {
		fprintf(stderr, "voucherctl: reconcile query failed\n");
		db_rows_free(&p);
		return 2;
	}
	pd = p.v;
	qd = q.v;
	for (size_t i = 0; i < p.n; i++) {
		struct fix_tx t = { .id = pd[i].id };

		printf("product %lld: taken %lld, units_sold %lld, orders "
		    "holding a unit %lld\n", (long long)t.id,
		    (long long)pd[i].taken, (long long)pd[i].units_sold,
		    (long long)pd[i].held);
		if (fix && db_tx(db, fix_product_tx, &t) != DB_OK)
			fprintf(stderr, "product %lld: fix failed\n",
			    (long long)t.id);
	}
	for (size_t i = 0; i < q.n; i++) {
		struct fix_tx t = { .id = qd[i].enterprise_id,
		    .year = qd[i].year };

		printf("enterprise %lld year %d: occupied %lld, orders reserve "
		    "%lld\n", (long long)t.id, t.year,
		    (long long)qd[i].occupied, (long long)qd[i].reserved);
		if (fix && db_tx(db, fix_quota_tx, &t) != DB_OK)
			fprintf(stderr, "enterprise %lld: fix failed\n",
			    (long long)t.id);
	}
	drift = p.n + q.n;
	printf("reconcile: %zu product(s) and %zu quota row(s) drifted%s\n",
	    p.n, q.n, drift && fix ? " (fixed)" : "");
	db_rows_free(&p);
	db_rows_free(&q);
	return drift == 0 || fix ? 0 : 1;
}

/* The transport of VOUCHER_OUTBOX_*; 0, or -1 after saying why. */
static int
outbox_transport_env(struct outbox_transport *t)
{
	const char *kind = getenv("VOUCHER_OUTBOX_TRANSPORT");
	const char *timeout = getenv("VOUCHER_OUTBOX_TIMEOUT");

	t->timeout = timeout != NULL && atoi(timeout) > 0 ? atoi(timeout) : 30;
	if (kind == NULL || *kind == '\0' || strcmp(kind, "file") == 0) {
		t->kind = OUTBOX_FILE;
		t->target = getenv("VOUCHER_OUTBOX_FILE");
		if (t->target == NULL || *t->target == '\0') {
			fprintf(stderr, "voucherctl: VOUCHER_OUTBOX_FILE is not "
			    "set (the file transport appends the messages to "
			    "it)\n");
			return -1;
		}
		return 0;
	}
	if (strcmp(kind, "command") == 0) {
		t->kind = OUTBOX_COMMAND;
		t->target = getenv("VOUCHER_OUTBOX_COMMAND");
		if (t->target == NULL || *t->target == '\0') {
			fprintf(stderr, "voucherctl: VOUCHER_OUTBOX_COMMAND is "
			    "not set\n");
			return -1;
		}
		return 0;
	}
	fprintf(stderr, "voucherctl: VOUCHER_OUTBOX_TRANSPORT: file|command, "
	    "not \"%s\"\n", kind);
	return -1;
}

/* voucherctl notify: once or every `every` seconds; its heartbeat
 * (VOUCHER_NOTIFY_TEXTFILE) is the sweeper's convention with
 * task="outbox": the alerts Outbox* read it. */
static int
cmd_notify(struct db *db, int every, int interval)
{
	struct outbox_transport t;
	struct task_beat beat;

	if (outbox_transport_env(&t) < 0)
		return 2;
	beat_init(&beat, "outbox", "VOUCHER_NOTIFY_TEXTFILE",
	    every > 0 ? every : interval);
	do {
		time_t started = time(NULL);
		struct timespec t0;
		struct outbox_stats st = { 0 };
		int rc = -1, lock;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		lock = task_lock(db, "voucher.notify");
		if (lock == 0 && every == 0) {
			say_busy("outbox sender", "voucher.notify");
			return EXIT_BUSY;
		}
		if (lock == 1) {
			rc = outbox_send_due(db, &t, clock_now(), 500, &st);
			task_unlock(db, "voucher.notify");
		}
		if (lock != 0)
			beat_write(&beat, started, rc == 0, secs_since(&t0),
			    st.backlog, st.sent, NULL, NULL);
		if (lock != 0 && rc < 0) {
			fprintf(stderr, "voucherctl: notify failed\n");
			if (every == 0)
				return 1;
		} else if (lock != 0 && ((every == 0 && interval == 0) ||
		    st.sent + st.retried + st.failed + st.expired > 0)) {
			log_msg(LOG_INFO, NULL, "notify: %ld sent, %ld to retry, "
			    "%ld failed, %ld expired, %ld due", st.sent,
			    st.retried, st.failed, st.expired, st.backlog);
			if (every == 0 && interval == 0)
				printf("notify: sent %ld, retry %ld, failed %ld, "
				    "expired %ld, due %ld\n", st.sent, st.retried,
				    st.failed, st.expired, st.backlog);
		}
		if (every == 0)
			return 0;
		for (int i = 0; i < every && !stopping; i++)
			sleep(1);
	} while (!stopping);
	return 0;
}

/* voucherctl tidy, one run (voucher-tidy.timer: daily): the lock
 * voucher.tidy, the heartbeat VOUCHER_TIDY_TEXTFILE (task="tidy"). */
static int
cmd_tidy_once(struct db *db, int interval)
{
	struct task_beat beat;
	struct timespec t0;
	time_t started = time(NULL);
	int lock, rc = 1;

	beat_init(&beat, "tidy", "VOUCHER_TIDY_TEXTFILE", interval);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	lock = task_lock(db, "voucher.tidy");
	if (lock == 0) {
		say_busy("tidy", "voucher.tidy");
		return EXIT_BUSY;
	}
	if (lock == 1) {
		rc = cmd_tidy(db);
		task_unlock(db, "voucher.tidy");
	} else
		fprintf(stderr, "voucherctl: tidy failed\n");
	beat_write(&beat, started, rc == 0, secs_since(&t0), 0, 0, NULL, NULL);
	return rc;
}

static int
cmd_hash_password(void)
{
	char pw[256], hash[AUTH_HASH_MAX];
	size_t n;

	if (fgets(pw, sizeof(pw), stdin) == NULL)
		return 1;
	n = strcspn(pw, "\r\n");
	pw[n] = '\0';
	if (n < 10) {
		fprintf(stderr, "voucherctl: a password has at least 10 "
		    "characters\n");
		return 1;
	}
	if (auth_password_hash(pw, g_config.pbkdf2_iter, hash,
	    sizeof(hash)) < 0)
		return 1;
	printf("%s\n", hash);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: voucherctl sweep [--every SECONDS | "
	    "--interval SECONDS]\n"
	    "       voucherctl reconcile [--fix]\n"
	    "       voucherctl tidy [--interval SECONDS]\n"
	    "       voucherctl notify [--every SECONDS | --interval SECONDS]\n"
	    "       voucherctl hash-password\n"
	    "       voucherctl dump-sql\n");
}

/* [--every N | --interval N] of sweep, notify (tidy: --interval only):
 * --every loops, --interval runs once and tells the heartbeat how often a
 * timer runs it. 0, or -1 after the usage. */
static int
task_args(int argc, char **argv, bool loop_ok, int *every, int *interval)
{
	*every = *interval = 0;
	if (argc == 2)
		return 0;
	if (argc == 4 && atoi(argv[3]) > 0) {
		if (loop_ok && strcmp(argv[2], "--every") == 0) {
			*every = atoi(argv[3]);
			return 0;
		}
		if (strcmp(argv[2], "--interval") == 0) {
			*interval = atoi(argv[3]);
			return 0;
		}
	}
	usage();
	return -1;
}

int
main(int argc, char **argv)
{
	int every, interval;
	struct db *db;
	int rc;

	if (argc < 2) {
		usage();
		return 2;
	}
	/* its statements and the domain layer's, as JSON lines
	 * (tests/integration/test_explain.py) */
	if (strcmp(argv[1], "dump-sql") == 0)
		return db_stmts_dump(stdout, "voucherctl", &(const struct db_stmts){
		    ctl_stmts, STMT__MAX }) < 0 || db_stmts_dump(stdout,
		    "voucherctl", &lib_stmts) < 0 ? 1 : 0;
	if (config_load("voucherctl") < 0)
		return 2;
	log_init("voucherctl", (enum log_level)g_config.log_level);
	clock_set_file(g_config.clock_file);
	if (strcmp(argv[1], "hash-password") == 0)
		return cmd_hash_password();
	if (mysql_library_init(0, NULL, NULL) != 0)
		return 1;
	db = db_open(&g_config.db, &(const struct db_stmts){ ctl_stmts, STMT__MAX },
	    &lib_stmts);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (strcmp(argv[1], "sweep") == 0) {
		rc = task_args(argc, argv, true, &every, &interval) < 0 ? 2 :
		    cmd_sweep(db, every, interval);
	} else if (strcmp(argv[1], "reconcile") == 0) {
		bool fix = argc == 3 && strcmp(argv[2], "--fix") == 0;

		if (argc > 3 || (argc == 3 && !fix)) {
			usage();
			rc = 2;
		} else
			rc = cmd_reconcile(db, fix);
	} else if (strcmp(argv[1], "notify") == 0) {
		rc = task_args(argc, argv, true, &every, &interval) < 0 ? 2 :
		    cmd_notify(db, every, interval);
	} else if (strcmp(argv[1], "tidy") == 0) {
		rc = task_args(argc, argv, false, &every, &interval) < 0 ? 2 :
		    cmd_tidy_once(db, interval);
	} else {
		usage();
		rc = 2;
	}
	db_close(db);
	mysql_library_end();
	return rc;
}
