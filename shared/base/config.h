/*
 * config.h - every setting comes from the environment (VOUCHER_*), read
 * once at start-up into one global, read-only afterwards. README lists
 * each variable with its default.
 */
#ifndef VOUCHER_CONFIG_H
#define VOUCHER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* How to reach one MariaDB server. */
struct db_config {
	const char *host;      /* NULL: unix socket                      */
	unsigned    port;      /* 0: default                             */
	const char *socket;    /* unix socket path, or NULL              */
	const char *user;
	const char *password;
	const char *name;      /* database name                          */
};

struct config {
	const char *program;          /* "catalog", "account", …            */
	const char *listen;           /* VOUCHER_LISTEN: unix socket path    */
	const char *socket_group;     /* VOUCHER_SOCKET_GROUP: may connect   */
	int         threads;          /* VOUCHER_THREADS (4)                 */
	struct db_config db;          /* VOUCHER_DB_*: the write database    */
	struct db_config db_ro;       /* VOUCHER_DB_RO_*: read-only replica  */
	bool        has_ro;           /* a VOUCHER_DB_RO_* variable was set  */
	size_t      body_max;         /* VOUCHER_BODY_MAX (65536) JSON bytes */
	const char *clock_file;       /* VOUCHER_CLOCK_FILE (tests only)     */
	int         log_level;        /* VOUCHER_LOG_LEVEL (info)            */
	long        session_idle;     /* VOUCHER_SESSION_IDLE (1800 s)       */
	long        session_max;      /* VOUCHER_SESSION_MAX (43200 s)       */
	bool        cookie_secure;    /* VOUCHER_COOKIE_SECURE (1)           */
	int         round;            /* VOUCHER_ROUND (0: rounds table)     */
	int         pbkdf2_iter;      /* VOUCHER_PBKDF2_ITER (600000)        */
	int         hash_slots;       /* VOUCHER_HASH_SLOTS: password hashes
	                                 at once per process (half the cores,
	                                 fewer than the threads)            */
	int         hash_wait_ms;     /* VOUCHER_HASH_WAIT_MS (500): longest
	                                 wait for a slot, then 429 busy      */
	const char *files_dir;        /* VOUCHER_FILES_DIR: uploads, outside
	                                 the web root (/var/lib/voucher/files) */
	long        upload_max;       /* VOUCHER_UPLOAD_MAX (20 MiB), bytes  */
	const char *signing_key;      /* VOUCHER_SIGNING_KEY: Ed25519 private
	                                 key PEM of the publicity lists       */
	const char *accel_prefix;     /* VOUCHER_ACCEL_PREFIX (/_files/):
	                                 nginx X-Accel-Redirect location     */
	const char *funder_uscc;      /* VOUCHER_FUNDER_USCC: the bureau's
	                                 USCC in the open data (issue 16 §3;
	                                 default a demo placeholder)        */
	const char *opendata_prefix;  /* VOUCHER_OPENDATA_PREFIX (bjsmev):
	                                 grant ids 360G-<prefix>-<item id>   */
};

/* The one configuration, filled by config_load(). */
extern struct config g_config;

/* Reads the environment for program. Returns 0, or -1 after printing the
 * offending variable to stderr. */
int config_load(const char *program);

#endif
