/*
 * fuzz_upload.c - an uploaded file as the redemption documents (R1) and
 * the application attachments (A3) receive it (shared/web/upload.c:
 * upload_receive_or_4xx: the declared Content-Type, the streamed body,
 * its head and tail kept across reads, the PDF/PNG/JPEG checks of
 * upload_sniff, the stored file). This target's copy of upload.c reads
 * the body in 257-byte chunks, so short inputs cross many chunk
 * boundaries (production: 64 KiB).
 *
 * Input: byte 0 picks the Content-Type and the accepted types, byte 1
 * the Content-Length (exact, absent, one more, one less); the rest is
 * the body.
 * Checks: the verdict is the one upload_sniff gives on the whole body in
 * memory; an accepted file is stored whole (size, SHA-256) and nothing
 * is left in tmp/; a refusal wrote its 4xx.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "sha256.h"
#include "upload.h"

static const struct {
	const char *content_type;
	enum upload_type type;        /* what it declares, 0: none */
} declared[] = {
	{ "application/pdf", UPLOAD_PDF },
	{ "image/png", UPLOAD_PNG },
	{ "image/jpeg", UPLOAD_JPEG },
	{ "Application/PDF; charset=binary", UPLOAD_PDF },
	{ "application/pdfx", 0 },
	{ "text/html", 0 },
	{ "", 0 },
	{ "application/pdf\t;", UPLOAD_PDF },
};
#define NDECLARED (sizeof(declared) / sizeof(declared[0]))

/* True when tmp/ of the files folder is empty. */
static bool
tmp_empty(void)
{
	char path[256];
	struct dirent *e;
	DIR *d;
	bool empty = true;

	snprintf(path, sizeof(path), "%s/tmp", fuzz_files_dir());
	if ((d = opendir(path)) == NULL)
		return false;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			empty = false;
	closedir(d);
	return empty;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_req f = { 0 };
	struct upload up;
	const uint8_t *body;
	size_t nbody, nh, nt;
	unsigned types;
	enum upload_type type;
	char len[24], path[512], hex[2 * SHA256_LEN + 1];
	long long cl;
	int rc, lmode;

	fuzz_setup();
	if (size < 2)
		return 0;
	type = declared[data[0] % NDECLARED].type;
	types = (data[0] & 0x80) ? UPLOAD_PDF :
	    UPLOAD_PDF | UPLOAD_PNG | UPLOAD_JPEG;
	lmode = data[1] % 4;
	body = data + 2;
	nbody = size - 2;
	fuzz_param(&f, "REQUEST_METHOD", "PUT", 3);
	fuzz_param(&f, "CONTENT_TYPE",
	    declared[data[0] % NDECLARED].content_type,
	    strlen(declared[data[0] % NDECLARED].content_type));
	cl = lmode == 0 ? (long long)nbody : lmode == 2 ?
	    (long long)nbody + 1 : (long long)nbody - 1;
	if (lmode != 1) {
		snprintf(len, sizeof(len), "%lld", cl);
		fuzz_param(&f, "CONTENT_LENGTH", len, strlen(len));
	}
	fuzz_req_begin(&f, body, nbody);
	rc = upload_receive_or_4xx(&f.r, types, &up);
	FUZZ_CHECK(tmp_empty());
	if (rc < 0) {
		FUZZ_CHECK(f.r.status >= 400 && f.r.status < 500);
		FUZZ_CHECK(up.stored[0] == '\0');
	} else
		FUZZ_CHECK(f.r.status == 0);
	if (type == 0 || (types & type) == 0 || cl == -1 ||
	    (lmode != 1 && cl != (long long)nbody) || nbody == 0) {
		FUZZ_CHECK(rc < 0);
		goto done;
	}
	nh = nbody < UPLOAD_HEAD_SCAN ? nbody : UPLOAD_HEAD_SCAN;
	nt = nbody < UPLOAD_TAIL_SCAN ? nbody : UPLOAD_TAIL_SCAN;
	if (upload_sniff(type, body, nh, body + nbody - nt, nt,
	    (int64_t)nbody) != UPLOAD_OK) {
		FUZZ_CHECK(rc < 0 && f.r.status == 422);
		goto done;
	}
	FUZZ_CHECK(rc == 0);
	{
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", fuzz_files_dir(),
		    up.stored);
		FUZZ_CHECK(stat(path, &st) == 0 &&
		    st.st_size == (off_t)nbody && up.size == (int64_t)nbody);
		sha256_hex(body, nbody, hex);
		FUZZ_CHECK(strcmp(hex, up.sha256) == 0);
		FUZZ_CHECK(up.type == type);
		FUZZ_CHECK(upload_remove(up.stored, "") == 0);
		FUZZ_CHECK(stat(path, &st) < 0);
	}
done:
	fuzz_req_end(&f);
	return 0;
}
