/*
 * fuzz.h - what the fuzz targets (tests/fuzz/fuzz_<name>.c) share: the
 * libFuzzer entry point, a fake FastCGI request and a check that aborts.
 *
 * Each target is built twice: with clang's libFuzzer (`make fuzz`,
 * build/fuzz/fuzz/fuzz_<name>) and with the test build's compiler and
 * sanitizers against replay.c (build/<variant>/fuzz/replay_<name>), which
 * `make test` runs over tests/fuzz/corpus/<name>/ and the saved crashers
 * in tests/fuzz/crashers/<name>/.
 */
#ifndef VOUCHER_FUZZ_H
#define VOUCHER_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <fcgiapp.h>

#include "http.h"

/* The entry point libFuzzer (or replay.c) calls once per input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the code under test: a violation aborts, which both
 * libFuzzer and the replay driver report as a crash. */
#define FUZZ_CHECK(cond) do {                                              \
	if (!(cond)) {                                                     \
		fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed\n",          \
		    __FILE__, __LINE__, #cond);                            \
		abort();                                                   \
	}                                                                  \
} while (0)

#define FUZZ_MAX_PARAMS 8

/* A request as libfcgi hands it to server.c: params in envp (what
 * FCGX_GetParam reads) and the body as an input stream over memory. */
struct fuzz_req {
	FCGX_Request  fcgi;
	FCGX_Stream   in;
	char         *envp[FUZZ_MAX_PARAMS + 1];
	size_t        nenv;
	unsigned char *body;              /* a copy, so reads past it trap */
	struct req    r;
};

/* One-time set-up of the process (g_config as a program would have it,
 * VOUCHER_FILES_DIR a private temporary folder). Idempotent. */
void fuzz_setup(void);

/* The private files folder of fuzz_setup() (with its tmp/). */
const char *fuzz_files_dir(void);

/* Adds the param "name=value" (value: len bytes, cut at a NUL as libfcgi
 * would) to f before fuzz_req_begin(). */
void fuzz_param(struct fuzz_req *f, const char *name, const void *value,
    size_t len);

/* Starts the request: zeroes nothing set by fuzz_param, sets the body
 * stream to body[0..nbody) and runs req_init() as server.c does. */
void fuzz_req_begin(struct fuzz_req *f, const void *body, size_t nbody);

/* Ends it: req_end() and frees what fuzz_param/fuzz_req_begin made. */
void fuzz_req_end(struct fuzz_req *f);

/* A NUL-terminated heap copy of data[0..size) (free()). */
char *fuzz_strndup(const uint8_t *data, size_t size);

#endif
