/*
 * password.h - passwords, session tokens and CSRF tokens, all from OpenSSL:
 * PBKDF2-HMAC-SHA256 (>= 600,000 iterations, 16-byte salt) for passwords,
 * RAND_bytes for 256-bit tokens, stored only as SHA-256 hashes.
 *
 * Stored password format: "pbkdf2_sha256$<iter>$<salt hex>$<key hex>".
 */
#ifndef VOUCHER_PASSWORD_H
#define VOUCHER_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define AUTH_TOKEN_LEN    43     /* base64url of 32 random bytes        */
#define AUTH_HASH_MAX     160    /* room for a stored password hash     */

/* Hashes password with a fresh salt and iter iterations into out (at
 * least AUTH_HASH_MAX bytes). Returns 0, or -1 if the CSPRNG failed. */
int auth_password_hash(const char *password, int iter, char *out, size_t n);

/* True when password matches stored. Constant time in the key compare.
 * A NULL or malformed stored hash still costs one full derivation (so a
 * missing login cannot be told apart by timing) and returns false. */
bool auth_password_verify(const char *password, const char *stored);

/* A new random token: AUTH_TOKEN_LEN base64url characters + NUL. Returns
 * 0, or -1 if the CSPRNG failed. */
int auth_token_new(char out[AUTH_TOKEN_LEN + 1]);

/* SHA-256 of a token, as stored in sessions.token_hash. */
void auth_token_hash(const char *token, unsigned char out[32]);

#endif
