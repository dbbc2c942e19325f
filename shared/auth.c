/*
 * auth.c - password hashing, tokens and session lookup (see auth.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "auth.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "db_shared.h"
#include "log.h"
#include "sha256.h"

#define SALT_LEN 16
#define KEY_LEN  32
#define TOUCH_EVERY 60   /* seconds between last_seen_at writes */

static const char hexdig[] = "0123456789abcdef";

static int
from_hex(const char *in, size_t n, unsigned char *out)
{
	for (size_t i = 0; i < n; i++) {
		const char *hi = strchr(hexdig, in[2 * i]);
		const char *lo = strchr(hexdig, in[2 * i + 1]);

		if (in[2 * i] == '\0' || in[2 * i + 1] == '\0' || hi == NULL ||
		    lo == NULL)
			return -1;
		out[i] = (unsigned char)(((hi - hexdig) << 4) | (lo - hexdig));
	}
	return 0;
}

int
auth_password_hash(const char *password, int iter, char *out, size_t n)
{
	unsigned char salt[SALT_LEN], key[KEY_LEN];
	char salt_hex[2 * SALT_LEN + 1], key_hex[2 * KEY_LEN + 1];

	if (RAND_bytes(salt, sizeof(salt)) != 1)
		return -1;
	if (PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt,
	    sizeof(salt), iter, sha256_md(), sizeof(key), key) != 1)
		return -1;
	hex_encode(salt, sizeof(salt), salt_hex);
	hex_encode(key, sizeof(key), key_hex);
	OPENSSL_cleanse(key, sizeof(key));
	if ((size_t)snprintf(out, n, "pbkdf2_sha256$%d$%s$%s", iter, salt_hex,
	    key_hex) >= n)
		return -1;
	return 0;
}

bool
auth_password_verify(const char *password, const char *stored)
{
	/* a valid-looking dummy, so that unknown logins cost the same */
	static const char dummy[] = "pbkdf2_sha256$600000$"
	    "00000000000000000000000000000000$"
	    "0000000000000000000000000000000000000000000000000000000000000000";
	unsigned char salt[SALT_LEN], want[KEY_LEN], got[KEY_LEN];
	const char *p, *s = stored ? stored : dummy;
	char *end;
	long iter;
	bool ok = stored != NULL;

	if (strncmp(s, "pbkdf2_sha256$", 14) != 0) {
		s = dummy;
		ok = false;
	}
	iter = strtol(s + 14, &end, 10);
	if (*end != '$' || iter < 1000 || iter > 10000000) {
		s = dummy;
		ok = false;
		iter = strtol(s + 14, &end, 10);
	}
	p = end + 1;
	if (strlen(p) != 2 * SALT_LEN + 1 + 2 * KEY_LEN ||
	    p[2 * SALT_LEN] != '$' || from_hex(p, SALT_LEN, salt) < 0 ||
	    from_hex(p + 2 * SALT_LEN + 1, KEY_LEN, want) < 0) {
		memset(salt, 0, sizeof(salt));
		memset(want, 0, sizeof(want));
		ok = false;
		iter = 600000;
	}
	if (PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt,
	    sizeof(salt), (int)iter, sha256_md(), sizeof(got), got) != 1)
		return false;
	ok = ok && CRYPTO_memcmp(want, got, sizeof(got)) == 0;
	OPENSSL_cleanse(got, sizeof(got));
	return ok;
}

int
auth_token_new(char out[AUTH_TOKEN_LEN + 1])
{
	static const char b64url[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char raw[33];	/* 32 random bytes + 1 pad for the loop */
	size_t o = 0;

	if (RAND_bytes(raw, 32) != 1)
		return -1;
	raw[32] = 0;
	for (size_t i = 0; i < 33 && o < AUTH_TOKEN_LEN; i += 3) {
		unsigned v = (unsigned)raw[i] << 16 |
		    (i + 1 < 33 ? (unsigned)raw[i + 1] << 8 : 0) |
		    (i + 2 < 33 ? raw[i + 2] : 0);

		for (int k = 3; k >= 0 && o < AUTH_TOKEN_LEN; k--)
			out[o++] = b64url[(v >> (6 * k)) & 63];
	}
	out[AUTH_TOKEN_LEN] = '\0';
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

void
auth_token_hash(const char *token, unsigned char out[32])
{
	sha256(token, strlen(token), out);
}

/* The token of the request, and whether it came from the cookie. */
static const char *
request_token(struct req *r, bool *via_cookie)
{
	const char *h = req_param(r, "HTTP_AUTHORIZATION");

	*via_cookie = false;
	if (h != NULL && strncasecmp(h, "Bearer ", 7) == 0)
		return h + 7;
	*via_cookie = true;
	return req_cookie(r, AUTH_COOKIE);
}

int
auth_session(struct req *r)
{
	struct db_res *res = NULL;
	const char *token, *csrf;
	bool via_cookie;
	time_t created, last_seen, expires;
	int rc;

	r->authed = false;
	token = request_token(r, &via_cookie);
	if (token == NULL || strlen(token) != AUTH_TOKEN_LEN)
		return DB_OK;
	auth_token_hash(token, r->sess.token_hash);
	rc = db_query(r->db, DBS_SESSION_GET,
	    (struct db_param[]){ DB_BLOB(r->sess.token_hash, 32) }, 1, &res);
	if (rc == DB_NOTFOUND) {
		db_res_free(res);
		return DB_OK;
	}
	if (rc != DB_OK)
		return rc;
	created = (time_t)db_i64(res, 0, 6);
	last_seen = (time_t)db_i64(res, 0, 7);
	expires = (time_t)db_i64(res, 0, 8);
	if (r->now >= expires || r->now >= last_seen + g_config.session_idle ||
	    r->now >= created + g_config.session_max) {
		/* expired: forget it */
		db_dml(r->db, DBS_SESSION_DELETE,
		    (struct db_param[]){ DB_BLOB(r->sess.token_hash, 32) }, 1,
		    NULL);
		db_res_free(res);
		return DB_OK;
	}
	r->sess.account_id = db_i64(res, 0, 0);
	r->sess.role = role_parse(db_str(res, 0, 1));
	snprintf(r->sess.login, sizeof(r->sess.login), "%s", db_str(res, 0, 2));
	r->sess.enterprise_id = db_isnull(res, 0, 3) ? 0 : db_i64(res, 0, 3);
	r->sess.provider_id = db_isnull(res, 0, 4) ? 0 : db_i64(res, 0, 4);
	csrf = db_str(res, 0, 5);
	snprintf(r->sess.csrf, sizeof(r->sess.csrf), "%s", csrf ? csrf : "");
	r->sess.via_cookie = via_cookie;
	r->authed = r->sess.role != 0;
	if (r->now - last_seen >= TOUCH_EVERY)
		db_dml(r->db, DBS_SESSION_TOUCH, (struct db_param[]){
		    DB_TIME(r->now), DB_BLOB(r->sess.token_hash, 32) }, 2, NULL);
	db_res_free(res);
	return DB_OK;
}

bool
auth_csrf_ok(struct req *r)
{
	const char *h = req_param(r, "HTTP_X_CSRF_TOKEN");
	size_t n = strlen(r->sess.csrf);

	if (h == NULL || n == 0 || strlen(h) != n)
		return false;
	return CRYPTO_memcmp(h, r->sess.csrf, n) == 0;
}
