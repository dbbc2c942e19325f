/*
 * password.c - password hashing and random tokens from OpenSSL (see
 * password.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "buf.h"
#include "log.h"
#include "password.h"
#include "sha256.h"

#define SALT_LEN 16
#define KEY_LEN  32

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

