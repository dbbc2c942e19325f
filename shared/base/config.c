/*
 * config.c - reads the VOUCHER_* environment once at start-up (config.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "rules.h"

struct config g_config;

static const char *
env_str(const char *name, const char *def)
{
	const char *v = getenv(name);

	return (v != NULL && *v != '\0') ? v : def;
}

/* Bounded integer from the environment; -1 on a bad value. */
static int
env_long(const char *name, long def, long min, long max, long *out)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (v == NULL || *v == '\0') {
		*out = def;
		return 0;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max) {
		fprintf(stderr, "%s: must be an integer in %ld..%ld, not \"%s\"\n",
		    name, min, max, v);
		return -1;
	}
	*out = n;
	return 0;
}

static int
env_db(const char *prefix, struct db_config *dc, const struct db_config *def)
{
	char name[64];
	long port;

	snprintf(name, sizeof(name), "%s_HOST", prefix);
	dc->host = env_str(name, def ? def->host : NULL);
	snprintf(name, sizeof(name), "%s_SOCKET", prefix);
	dc->socket = env_str(name, def ? def->socket : "/run/mysqld/mysqld.sock");
	snprintf(name, sizeof(name), "%s_USER", prefix);
	dc->user = env_str(name, def ? def->user : "voucher_app");
	snprintf(name, sizeof(name), "%s_PASSWORD", prefix);
	dc->password = env_str(name, def ? def->password : "");
	snprintf(name, sizeof(name), "%s_NAME", prefix);
	dc->name = env_str(name, def ? def->name : "voucher");
	snprintf(name, sizeof(name), "%s_PORT", prefix);
	if (env_long(name, def ? (long)def->port : 0, 0, 65535, &port) < 0)
		return -1;
	dc->port = (unsigned)port;
	return 0;
}

int
config_load(const char *program)
{
	struct config *c = &g_config;
	const char *ro_vars[] = { "VOUCHER_DB_RO_HOST", "VOUCHER_DB_RO_SOCKET",
	    "VOUCHER_DB_RO_USER", "VOUCHER_DB_RO_PORT" };
	long n;
	int lvl;

	memset(c, 0, sizeof(*c));
	c->program = program;
	c->listen = env_str("VOUCHER_LISTEN", NULL);
	c->socket_group = env_str("VOUCHER_SOCKET_GROUP", NULL);
	c->clock_file = env_str("VOUCHER_CLOCK_FILE", NULL);

	if (env_long("VOUCHER_THREADS", 4, 1, 256, &n) < 0)
		return -1;
	c->threads = (int)n;
	if (env_long("VOUCHER_BODY_MAX", 65536, 1024, 16L << 20, &n) < 0)
		return -1;
	c->body_max = (size_t)n;
	if (env_long("VOUCHER_SESSION_IDLE", 1800, 60, 86400 * 30, &n) < 0)
		return -1;
	c->session_idle = n;
	if (env_long("VOUCHER_SESSION_MAX", 43200, 60, 86400 * 90, &n) < 0)
		return -1;
	c->session_max = n;
	if (env_long("VOUCHER_COOKIE_SECURE", 1, 0, 1, &n) < 0)
		return -1;
	c->cookie_secure = n != 0;
	if (env_long("VOUCHER_ROUND", 0, 0, 9999, &n) < 0)
		return -1;
	c->round = (int)n;
	if (env_long("VOUCHER_PBKDF2_ITER", 600000, 600000, 10000000, &n) < 0)
		return -1;
	c->pbkdf2_iter = (int)n;
	/* issue 15: hashing never takes every core nor every worker */
	if (env_long("VOUCHER_HASH_SLOTS", 0, 0, 256, &n) < 0)
		return -1;
	if (n == 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		n = cpus > 1 ? cpus / 2 : 1;
		if (n > c->threads - 1)
			n = c->threads - 1;
		if (n < 1)
			n = 1;
	} else if (c->threads > 1 && n >= c->threads) {
		fprintf(stderr, "VOUCHER_HASH_SLOTS: must be fewer than "
		    "VOUCHER_THREADS (%d)\n", c->threads);
		return -1;
	}
	c->hash_slots = (int)n;
	if (env_long("VOUCHER_HASH_WAIT_MS", 500, 0, 10000, &n) < 0)
		return -1;
	c->hash_wait_ms = (int)n;

	c->files_dir = env_str("VOUCHER_FILES_DIR", "/var/lib/voucher/files");
	c->signing_key = env_str("VOUCHER_SIGNING_KEY", NULL);
	c->accel_prefix = env_str("VOUCHER_ACCEL_PREFIX", "/_files/");
	/* issue 16 §3: the funder of the open data; E6 applies to it too */
	c->funder_uscc = env_str("VOUCHER_FUNDER_USCC", "11110000000000000N");
	if (!rule_uscc_valid(c->funder_uscc)) {
		fprintf(stderr, "VOUCHER_FUNDER_USCC: not a valid unified "
		    "social credit code (18 characters, GB 32100)\n");
		return -1;
	}
	c->opendata_prefix = env_str("VOUCHER_OPENDATA_PREFIX", "bjsmev");
	if (strspn(c->opendata_prefix, "abcdefghijklmnopqrstuvwxyz0123456789")
	    != strlen(c->opendata_prefix) || strlen(c->opendata_prefix) == 0 ||
	    strlen(c->opendata_prefix) > 32) {
		fprintf(stderr, "VOUCHER_OPENDATA_PREFIX: 1-32 lowercase "
		    "letters or digits\n");
		return -1;
	}
	if (env_long("VOUCHER_UPLOAD_MAX", 20L << 20, 1024, 1L << 30, &n) < 0)
		return -1;
	c->upload_max = n;

	lvl = log_level_parse(env_str("VOUCHER_LOG_LEVEL", "info"));
	if (lvl < 0) {
		fprintf(stderr, "VOUCHER_LOG_LEVEL: debug|info|warn|error\n");
		return -1;
	}
	c->log_level = lvl;

	if (env_db("VOUCHER_DB", &c->db, NULL) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(ro_vars) / sizeof(ro_vars[0]); i++)
		if (getenv(ro_vars[i]) != NULL && *getenv(ro_vars[i]) != '\0')
			c->has_ro = true;
	if (env_db("VOUCHER_DB_RO", &c->db_ro, &c->db) < 0)
		return -1;
	return 0;
}
