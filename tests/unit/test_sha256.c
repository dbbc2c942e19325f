/*
 * test_sha256.c - unit tests of shared/sha256.c: the FIPS 180-2 test
 * vectors, from several threads at once (the algorithm is fetched once per
 * process and shared), and the hex form the ETags and the publicity
 * hash chain (prev_sha256) are made of.
 */
#include <pthread.h>
#include <string.h>

#include "check.h"
#include "sha256.h"

static const char abc_hex[] =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
static const char empty_hex[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
static const char two_blocks_hex[] =
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
static const char two_blocks[] =
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

TEST(test_sha256_fips_vectors)
{
	char hex[2 * SHA256_LEN + 1];

	sha256_hex("abc", 3, hex);
	CHECK_STR(hex, abc_hex);
	sha256_hex("", 0, hex);
	CHECK_STR(hex, empty_hex);
	sha256_hex(two_blocks, strlen(two_blocks), hex);
	CHECK_STR(hex, two_blocks_hex);
}

TEST(test_sha256_raw_matches_hex)
{
	unsigned char raw[SHA256_LEN];

	sha256("abc", 3, raw);
	CHECK_EQ(raw[0], 0xba);
	CHECK_EQ(raw[1], 0x78);
	CHECK_EQ(raw[SHA256_LEN - 1], 0xad);
}

static void *
hash_many(void *arg)
{
	char hex[2 * SHA256_LEN + 1];
	int *bad = arg;

	for (int i = 0; i < 2000; i++) {
		sha256_hex("abc", 3, hex);
		if (strcmp(hex, abc_hex) != 0)
			(*bad)++;
	}
	return NULL;
}

TEST(test_sha256_threads_share_one_algorithm)
{
	pthread_t t[4];
	int bad[4] = { 0 };

	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, hash_many, &bad[i]), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ(bad[i], 0);
	}
	CHECK(sha256_md() == sha256_md());
}

int
main(void)
{
	RUN(test_sha256_fips_vectors);
	RUN(test_sha256_raw_matches_hex);
	RUN(test_sha256_threads_share_one_algorithm);
	return check_done();
}
