/*
 * sha256.h - SHA-256 through OpenSSL with the algorithm fetched once per
 * process. OpenSSL 3 looks EVP_sha256() up again on every call, under a
 * lock all threads share; the ETag of every public read, the session
 * token of every signed-in request and the idempotency key of every order
 * are hashed on hot paths.
 */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>

#include <openssl/evp.h>

#define SHA256_LEN 32

/* The SHA-256 implementation (never NULL: aborts if OpenSSL has none). */
const EVP_MD *sha256_md(void);

/* out = SHA-256(data[0..len)). */
void sha256(const void *data, size_t len, unsigned char out[SHA256_LEN]);

/* out = the lower-case hex of SHA-256(data[0..len)), NUL-terminated. */
void sha256_hex(const void *data, size_t len, char out[2 * SHA256_LEN + 1]);

#endif
