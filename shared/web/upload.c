/*
 * upload.c - uploaded files: streamed to disk while hashed, checked,
 * stored under generated names, sent back by nginx (see upload.h).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "upload.h"
#include "sha256.h"

/* one read from libfcgi, one write(2); the fuzz target builds this file
 * with a small chunk so that short inputs cross chunk boundaries */
#ifndef UPLOAD_CHUNK
#define UPLOAD_CHUNK (64 * 1024)
#endif
#define UPLOAD_RAND  16            /* random bytes of a name: 32 hex      */

static const struct {
	enum upload_type  type;
	const char       *content_type;
	const char       *ext;
} upload_types[] = {
	{ UPLOAD_PDF,  "application/pdf", "pdf" },
	{ UPLOAD_PNG,  "image/png",       "png" },
	{ UPLOAD_JPEG, "image/jpeg",      "jpg" },
};
#define NTYPES (sizeof(upload_types) / sizeof(upload_types[0]))

/* Markup that makes a file a polyglot (without the leading '<'). */
static const char *const markup_markers[] = {
	"html", "script", "!doctype", "body", "head", "svg", "iframe",
};

const char *
upload_content_type(enum upload_type type)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (upload_types[i].type == type)
			return upload_types[i].content_type;
	return NULL;
}

static const char *
upload_ext(enum upload_type type)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (upload_types[i].type == type)
			return upload_types[i].ext;
	return "bin";
}

static bool
mem_contains(const unsigned char *p, size_t n, const char *needle)
{
	return memmem(p, n, needle, strlen(needle)) != NULL;
}

/* True when head holds '<' followed by a markup marker, in any case. */
static bool
has_markup(const unsigned char *head, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (head[i] != '<')
			continue;
		for (size_t m = 0; m < sizeof(markup_markers) /
		    sizeof(markup_markers[0]); m++) {
			const char *k = markup_markers[m];
			size_t kl = strlen(k), j;

			if (n - i - 1 < kl)
				continue;
			for (j = 0; j < kl; j++)
				if (tolower(head[i + 1 + j]) != k[j])
					break;
			if (j == kl)
				return true;
		}
	}
	return false;
}

enum upload_verdict
upload_sniff(enum upload_type type, const unsigned char *head, size_t nhead,
    const unsigned char *tail, size_t ntail, int64_t size)
{
	static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', '\r',
	    '\n', 0x1a, '\n' };
	static const unsigned char png_end[8] = { 'I', 'E', 'N', 'D', 0xae,
	    0x42, 0x60, 0x82 };
	bool ok;

	if (size <= 0)
		return UPLOAD_BAD_TYPE;
	switch (type) {
	case UPLOAD_PDF:
		ok = nhead >= 8 && memcmp(head, "%PDF-", 5) == 0 &&
		    isdigit(head[5]) && mem_contains(tail, ntail, "%%EOF");
		break;
	case UPLOAD_PNG:
		ok = nhead >= 8 && ntail >= 8 && memcmp(head, png_sig, 8) == 0 &&
		    memcmp(tail + ntail - 8, png_end, 8) == 0;
		break;
	case UPLOAD_JPEG:
		ok = nhead >= 3 && head[0] == 0xff && head[1] == 0xd8 &&
		    head[2] == 0xff && ntail >= 2 &&
		    memmem(tail, ntail, "\xff\xd9", 2) != NULL;
		break;
	default:
		ok = false;
	}
	if (!ok)
		return UPLOAD_BAD_TYPE;
	return has_markup(head, nhead) ? UPLOAD_MARKUP : UPLOAD_OK;
}

/* The upload type named by the request's Content-Type among types, or 0. */
static enum upload_type
declared_type(struct req *r, unsigned types)
{
	const char *ct = req_param(r, "CONTENT_TYPE");
	size_t n;

	if (ct == NULL)
		return 0;
	n = strcspn(ct, "; \t");
	for (size_t i = 0; i < NTYPES; i++)
		if ((types & upload_types[i].type) &&
		    strlen(upload_types[i].content_type) == n &&
		    strncasecmp(ct, upload_types[i].content_type, n) == 0)
			return upload_types[i].type;
	return 0;
}

/* True when s is a name this module generated: "ab/<32 hex>.<ext>" with
 * ab the first two hex digits of the name. */
static bool
stored_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 3 + 2 * UPLOAD_RAND + 2 || n >= UPLOAD_STORED_MAX ||
	    s[2] != '/' || s[0] != s[3] || s[1] != s[4] ||
	    s[3 + 2 * UPLOAD_RAND] != '.')
		return false;
	for (size_t i = 3; i < 3 + 2 * UPLOAD_RAND; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	for (size_t i = 4 + 2 * UPLOAD_RAND; i < n; i++)
		if (!islower((unsigned char)s[i]))
			return false;
	return true;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Keeps the last UPLOAD_TAIL_SCAN bytes seen in tail. */
static void
tail_push(unsigned char *tail, size_t *ntail, const char *p, size_t n)
{
	if (n >= UPLOAD_TAIL_SCAN) {
		memcpy(tail, p + n - UPLOAD_TAIL_SCAN, UPLOAD_TAIL_SCAN);
		*ntail = UPLOAD_TAIL_SCAN;
	} else if (*ntail + n <= UPLOAD_TAIL_SCAN) {
		memcpy(tail + *ntail, p, n);
		*ntail += n;
	} else {
		size_t keep = UPLOAD_TAIL_SCAN - n;

		memmove(tail, tail + *ntail - keep, keep);
		memcpy(tail + keep, p, n);
		*ntail = UPLOAD_TAIL_SCAN;
	}
}

/* The state of one upload in progress. */
struct receiving {
	char           *buf;                        /* UPLOAD_CHUNK bytes    */
	unsigned char   head[UPLOAD_HEAD_SCAN];
	unsigned char   tail[UPLOAD_TAIL_SCAN];
	size_t          nhead, ntail;
	int64_t         size;
	bool            too_large;
	bool            broken;                     /* stream error or short */
	char            tmp[PATH_MAX];
};

/* Streams the body into fd, hashing it; stops past VOUCHER_UPLOAD_MAX
 * (the rest is left unread: nginx passes an early reply on as it is).
 * Returns 0, or -1 on a write error. */
static int
receive_body(struct req *r, int fd, EVP_MD_CTX *md, struct receiving *rc)
{
	int n;

	while ((n = FCGX_GetStr(rc->buf, UPLOAD_CHUNK, r->fcgi->in)) > 0) {
		size_t len = (size_t)n;

		if (rc->size + n > g_config.upload_max) {
			rc->too_large = true;
			return 0;
		}
		if (rc->nhead < UPLOAD_HEAD_SCAN) {
			size_t k = UPLOAD_HEAD_SCAN - rc->nhead;

			k = k < len ? k : len;
			memcpy(rc->head + rc->nhead, rc->buf, k);
			rc->nhead += k;
		}
		tail_push(rc->tail, &rc->ntail, rc->buf, len);
		if (EVP_DigestUpdate(md, rc->buf, len) != 1 ||
		    write_all(fd, rc->buf, len) < 0)
			return -1;
		rc->size += n;
		if (n < UPLOAD_CHUNK)
			break;
	}
	rc->broken = FCGX_GetError(r->fcgi->in) != 0;
	return 0;
}

/* Gives the file the group of the files directory (nginx's group; the
 * temp folder may have another) and makes its bytes durable. */
static int
seal_file(int fd, const char *rid)
{
	struct stat dir, st;

	if (stat(g_config.files_dir, &dir) == 0 && fstat(fd, &st) == 0 &&
	    st.st_gid != dir.st_gid && fchown(fd, (uid_t)-1, dir.st_gid) < 0)
		log_msg(LOG_WARN, rid, "upload: cannot give a stored file the "
		    "group of %s: %s", g_config.files_dir, strerror(errno));
	return fdatasync(fd);
}

/* Moves the complete temp file to "<ab>/<name>.<ext>" and makes the new
 * directory entry durable. */
static int
move_into_place(const char *tmp, const char *name, enum upload_type type,
    struct upload *out, const char *rid)
{
	char dir[PATH_MAX], path[PATH_MAX];
	int dfd, rc;

	snprintf(out->stored, sizeof(out->stored), "%.2s/%s.%s", name, name,
	    upload_ext(type));
	if ((size_t)snprintf(dir, sizeof(dir), "%s/%.2s", g_config.files_dir,
	    name) >= sizeof(dir) ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", g_config.files_dir,
	    out->stored) >= sizeof(path))
		return -1;
	/* the subdirectory inherits the group (and setgid) of files_dir */
	if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
		log_msg(LOG_ERROR, rid, "upload: mkdir %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	if (rename(tmp, path) < 0) {
		log_msg(LOG_ERROR, rid, "upload: rename to %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		rc = -1;
	else {
		rc = fsync(dfd);
		close(dfd);
	}
	if (rc < 0) {
		log_msg(LOG_ERROR, rid, "upload: fsync %s: %s", dir,
		    strerror(errno));
		unlink(path);
	}
	return rc;
}

int
upload_receive_or_4xx(struct req *r, unsigned types, struct upload *out)
{
	const char *cl = req_param(r, "CONTENT_LENGTH");
	unsigned char raw[UPLOAD_RAND], md_val[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	char name[2 * UPLOAD_RAND + 1];
	struct receiving *rc = NULL;
	EVP_MD_CTX *md = NULL;
	enum upload_type type;
	enum upload_verdict verdict;
	long long declared = -1;
	int fd = -1;

	memset(out, 0, sizeof(*out));
	if ((type = declared_type(r, types)) == 0) {
		struct buf b = { 0 };

		for (size_t i = 0; i < NTYPES; i++)
			if (types & upload_types[i].type)
				buf_printf(&b, "%s%s", b.len ? " 或 " : "",
				    upload_types[i].content_type);
		http_error(r, 415, "unsupported_media_type", NULL,
		    "文件类型必须是 %s（请求头 Content-Type）", b.p ? b.p : "");
		buf_free(&b);
		return -1;
	}
	if (cl != NULL && *cl != '\0') {
		char *end;

		errno = 0;
		declared = strtoll(cl, &end, 10);
		if (errno != 0 || *end != '\0' || declared < 0)
			declared = -1;
		if (declared > g_config.upload_max)
			goto too_large;
	}

	rc = xcalloc(1, sizeof(*rc));
	rc->buf = xmalloc(UPLOAD_CHUNK);
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		goto storage;
	hex_encode(raw, sizeof(raw), name);
	if ((size_t)snprintf(rc->tmp, sizeof(rc->tmp), "%s/tmp/%s.part",
	    g_config.files_dir, name) >= sizeof(rc->tmp))
		goto storage;
	fd = open(rc->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0640);
	if (fd < 0) {
		log_msg(LOG_ERROR, r->rid, "upload: cannot create %s: %s",
		    rc->tmp, strerror(errno));
		rc->tmp[0] = '\0';
		goto storage;
	}
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, sha256_md(), NULL) != 1)
		goto storage;
	if (receive_body(r, fd, md, rc) < 0) {
		log_msg(LOG_ERROR, r->rid, "upload: writing %s: %s", rc->tmp,
		    strerror(errno));
		goto storage;
	}
	if (rc->too_large)
		goto too_large;
	if (rc->broken || (declared >= 0 && rc->size != declared)) {
		http_error(r, 400, "short_body", NULL,
		    "文件未完整上传，请重试");
		goto fail;
	}
	if (rc->size == 0) {
		http_error(r, 400, "empty_body", NULL,
		    "上传的文件为空");
		goto fail;
	}
	verdict = upload_sniff(type, rc->head, rc->nhead, rc->tail, rc->ntail,
	    rc->size);
	if (verdict == UPLOAD_BAD_TYPE) {
		http_error(r, 422, "invalid_file", NULL,
		    "文件内容不是有效的 %s 文件", upload_content_type(type));
		goto fail;
	}
	if (verdict == UPLOAD_MARKUP) {
		http_error(r, 422, "file_has_markup", NULL,
		    "文件含有网页或脚本内容（HTML/SVG），不予接收");
		goto fail;
	}
	if (EVP_DigestFinal_ex(md, md_val, &md_len) != 1 || md_len != 32)
		goto storage;
	if (seal_file(fd, r->rid) < 0) {
		log_msg(LOG_ERROR, r->rid, "upload: fdatasync %s: %s", rc->tmp,
		    strerror(errno));
		goto storage;
	}
	close(fd);
	fd = -1;
	if (move_into_place(rc->tmp, name, type, out, r->rid) < 0)
		goto storage;
	hex_encode(md_val, 32, out->sha256);
	out->size = rc->size;
	out->type = type;
	out->content_type = upload_content_type(type);
	EVP_MD_CTX_free(md);
	free(rc->buf);
	free(rc);
	return 0;

too_large:
	http_error(r, 413, "body_too_large", NULL,
	    "文件过大（最多 %ld 字节）", g_config.upload_max);
	goto fail;
storage:
	http_header(r, "Retry-After", "5");
	http_error(r, 503, "storage_unavailable", NULL,
	    "文件存储暂不可用，请稍后重试");
fail:
	if (fd >= 0)
		close(fd);
	if (rc != NULL && rc->tmp[0] != '\0' && unlink(rc->tmp) < 0 &&
	    errno != ENOENT)
		log_msg(LOG_ERROR, r->rid, "upload: cannot remove %s: %s",
		    rc->tmp, strerror(errno));
	EVP_MD_CTX_free(md);
	if (rc != NULL)
		free(rc->buf);
	free(rc);
	memset(out, 0, sizeof(*out));
	return -1;
}

int
upload_remove(const char *stored, const char *rid)
{
	char path[PATH_MAX];

	if (stored == NULL || !stored_name_ok(stored)) {
		log_msg(LOG_ERROR, rid, "upload: refusing to remove \"%s\"",
		    stored ? stored : "(null)");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", g_config.files_dir, stored);
	if (unlink(path) < 0 && errno != ENOENT) {
		log_msg(LOG_ERROR, rid, "upload: cannot remove %s: %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
upload_send(struct req *r, const char *stored, const char *content_type,
    const char *filename)
{
	char safe[128];
	size_t i;
	int64_t inline_view;

	if (query_i64_or_400(r, "inline", 0, 1, 0, &inline_view) < 0)
		return r->status;
	if (!stored_name_ok(stored)) {
		log_msg(LOG_ERROR, r->rid, "upload: bad stored name \"%s\"",
		    stored);
		return http_error(r, 500, "internal", NULL, "内部错误");
	}
	for (i = 0; i < sizeof(safe) - 1 && filename[i] != '\0'; i++) {
		unsigned char c = (unsigned char)filename[i];

		safe[i] = (isalnum(c) && c < 0x80) || c == '-' || c == '_' ||
		    c == '.' ? (char)c : '_';
	}
	safe[i] = '\0';
	http_header(r, "X-Accel-Redirect", "%s%s", g_config.accel_prefix,
	    stored);
	http_header(r, "Content-Disposition", "%s; filename=\"%s\"",
	    inline_view ? "inline" : "attachment", safe);
	return http_body(r, 200, req_strdup(r, content_type), NULL, 0);
}
