/*
 * sign.c - the Ed25519 key that signs the published lists (R5).
 *
 * VOUCHER_SIGNING_KEY names a PEM file holding an Ed25519 private key
 * (ops/stack.sh makes one with `openssl genpkey -algorithm ed25519`). It is
 * read at the first use, under a mutex, and kept for the life of the
 * process; a failed load is retried at the next use, so an operator who
 * fixes the file does not have to restart the program. The EVP_PKEY is
 * only read after loading, so workers sign concurrently, each with its own
 * EVP_MD_CTX.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "publicity.h"
#include "sha256.h"

static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;
static EVP_PKEY *key;			/* NULL until loaded         */
static char *key_pub_pem;		/* the public key, PEM        */
static size_t key_pub_len;
static char key_fingerprint[65];	/* SHA-256 of the DER pubkey  */

/* The last OpenSSL error as text (static buffer of the caller). */
static const char *
ssl_error(char *buf, size_t n)
{
	unsigned long e = ERR_get_error();

	if (e == 0)
		snprintf(buf, n, "no OpenSSL error");
	else
		ERR_error_string_n(e, buf, n);
	ERR_clear_error();
	return buf;
}

/* Loads the key with key_lock held; 0 or -1 (logged). */
static int
key_load_locked(void)
{
	const char *path = g_config.signing_key;
	char err[256];
	EVP_PKEY *k = NULL;
	BIO *bio = NULL;
	unsigned char *der = NULL;
	char *mem;
	long memlen;
	int derlen;
	FILE *f;

	if (key != NULL)
		return 0;
	if (path == NULL) {
		log_msg(LOG_ERROR, NULL, "VOUCHER_SIGNING_KEY is not set: the "
		    "publicity lists cannot be signed");
		return -1;
	}
	if ((f = fopen(path, "r")) == NULL) {
		log_msg(LOG_ERROR, NULL, "signing key %s: %s", path,
		    strerror(errno));
		return -1;
	}
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (k == NULL) {
		log_msg(LOG_ERROR, NULL, "signing key %s: not a PEM private "
		    "key (%s)", path, ssl_error(err, sizeof(err)));
		return -1;
	}
	if (EVP_PKEY_id(k) != EVP_PKEY_ED25519) {
		log_msg(LOG_ERROR, NULL, "signing key %s: not an Ed25519 key",
		    path);
		goto fail;
	}
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PUBKEY(bio, k) != 1 ||
	    (memlen = BIO_get_mem_data(bio, &mem)) <= 0) {
		log_msg(LOG_ERROR, NULL, "signing key %s: cannot derive the "
		    "public key (%s)", path, ssl_error(err, sizeof(err)));
		goto fail;
	}
	if ((derlen = i2d_PUBKEY(k, &der)) <= 0) {
		log_msg(LOG_ERROR, NULL, "signing key %s: cannot encode the "
		    "public key (%s)", path, ssl_error(err, sizeof(err)));
		goto fail;
	}
	sha256_hex(der, (size_t)derlen, key_fingerprint);
	OPENSSL_free(der);
	key_pub_pem = xstrndup(mem, (size_t)memlen);
	key_pub_len = (size_t)memlen;
	BIO_free(bio);
	key = k;
	log_msg(LOG_INFO, NULL, "signing key loaded from %s (public key "
	    "sha256 %s)", path, key_fingerprint);
	return 0;
fail:
	BIO_free(bio);
	EVP_PKEY_free(k);
	return -1;
}

/* Loads the key if needed; 0 when it is available. */
static int
key_ready(void)
{
	int rc;

	pthread_mutex_lock(&key_lock);
	rc = key_load_locked();
	pthread_mutex_unlock(&key_lock);
	return rc;
}

int
sign_ed25519(const void *data, size_t len, char *b64, char *key_sha256)
{
	unsigned char sig[64];
	size_t siglen = sizeof(sig);
	EVP_MD_CTX *ctx;
	char err[256];
	int ok;

	if (key_ready() < 0)
		return -1;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	/* Ed25519 is "pure": no digest, the whole message at once */
	ok = EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) == 1 &&
	    EVP_DigestSign(ctx, sig, &siglen, data, len) == 1 &&
	    siglen == sizeof(sig);
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		log_msg(LOG_ERROR, NULL, "Ed25519 signing failed: %s",
		    ssl_error(err, sizeof(err)));
		return -1;
	}
	EVP_EncodeBlock((unsigned char *)b64, sig, (int)siglen);
	b64[SIGN_B64_LEN] = '\0';
	memcpy(key_sha256, key_fingerprint, sizeof(key_fingerprint));
	return 0;
}

int
sign_key_id(char out[65])
{
	if (key_ready() < 0)
		return -1;
	memcpy(out, key_fingerprint, sizeof(key_fingerprint));
	return 0;
}

const char *
sign_public_pem(size_t *len)
{
	if (key_ready() < 0)
		return NULL;
	*len = key_pub_len;
	return key_pub_pem;
}
