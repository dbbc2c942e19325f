/*
 * sha256.c - SHA-256 with the algorithm fetched once (see sha256.h).
 */
#include <pthread.h>
#include <stdlib.h>

#include "buf.h"
#include "log.h"
#include "sha256.h"

static EVP_MD *md;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void
md_fetch(void)
{
	if ((md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL) {
		log_msg(LOG_ERROR, NULL, "openssl: no SHA256");
		abort();
	}
}

const EVP_MD *
sha256_md(void)
{
	pthread_once(&md_once, md_fetch);
	return md;
}

void
sha256(const void *data, size_t len, unsigned char out[SHA256_LEN])
{
	unsigned int n = SHA256_LEN;

	if (EVP_Digest(data, len, out, &n, sha256_md(), NULL) != 1 ||
	    n != SHA256_LEN) {
		log_msg(LOG_ERROR, NULL, "openssl: SHA256 failed");
		abort();
	}
}

void
sha256_hex(const void *data, size_t len, char out[2 * SHA256_LEN + 1])
{
	unsigned char h[SHA256_LEN];

	sha256(data, len, h);
	hex_encode(h, SHA256_LEN, out);
}
