/*
 * upload.h - uploaded files: the request body streamed to disk while it is
 * hashed, checked to be the file type it claims, stored outside the web
 * root under a generated name, and sent back through nginx
 * (X-Accel-Redirect). Used by the redemption documents (rule R1) and meant
 * for every other upload (application attachments, A3).
 *
 * Storage, under VOUCHER_FILES_DIR:
 *   tmp/<32 hex>.part     while the body arrives (O_EXCL, mode 0640);
 *                         always removed, whatever happens
 *   <2 hex>/<32 hex>.<ext> once complete and valid (the stored name, as
 *                         recorded in the database), fsynced, with the
 *                         group of VOUCHER_FILES_DIR (nginx's, which reads
 *                         it for downloads)
 * The body is never held in memory: it goes through one 64 KiB buffer.
 *
 * A caller stores the file first, then records it in a transaction; when
 * the transaction fails it removes the new file (upload_remove), and after
 * a commit that replaced an older file it removes the older one.
 */
#ifndef VOUCHER_UPLOAD_H
#define VOUCHER_UPLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"

/* File types an upload may be, as bits of a mask. */
enum upload_type {
	UPLOAD_PDF  = 1 << 0,     /* "%PDF-" first, "%%EOF" in the last KiB */
	UPLOAD_PNG  = 1 << 1,     /* PNG signature first, IEND chunk last   */
	UPLOAD_JPEG = 1 << 2      /* SOI marker first, EOI in the last KiB  */
};

/* Longest stored name: "ab/" + 32 hex + ".jpeg" + NUL. */
#define UPLOAD_STORED_MAX 48

/* A stored upload. */
struct upload {
	char              stored[UPLOAD_STORED_MAX]; /* relative to VOUCHER_FILES_DIR */
	int64_t           size;                      /* bytes, > 0              */
	char              sha256[65];                /* lowercase hex           */
	enum upload_type  type;                      /* the one it is           */
	const char       *content_type;              /* static: "application/pdf" */
};

/* Why a file is refused by upload_sniff(). */
enum upload_verdict {
	UPLOAD_OK = 0,
	UPLOAD_BAD_TYPE,         /* not the declared type (header/trailer)  */
	UPLOAD_MARKUP            /* HTML/script markers: a polyglot         */
};

/* How much of the start of a file upload_sniff() scans for markup. */
#define UPLOAD_HEAD_SCAN 8192
/* How much of the end of a file is kept for the trailer checks. */
#define UPLOAD_TAIL_SCAN 1024

/*
 * Decides whether a file of size bytes, whose first bytes are head[0..nhead)
 * (nhead = min(size, UPLOAD_HEAD_SCAN)) and last bytes tail[0..ntail)
 * (ntail = min(size, UPLOAD_TAIL_SCAN)), is a valid file of type (one
 * enum upload_type bit): the signature at the start, the end marker in the
 * tail, and none of the markup markers "<html", "<script", "<!doctype",
 * "<body", "<head", "<svg", "<iframe" (any case) in the head. Pure.
 */
enum upload_verdict upload_sniff(enum upload_type type,
    const unsigned char *head, size_t nhead, const unsigned char *tail,
    size_t ntail, int64_t size);

/* The content type of one enum upload_type bit ("application/pdf"…), or
 * NULL. */
const char *upload_content_type(enum upload_type type);

/*
 * Receives the body of r as a file of one of the types in the mask types:
 * the request's Content-Type must name one of them; the body is streamed
 * to tmp/ while SHA-256 is computed, must be non-empty, complete and at
 * most VOUCHER_UPLOAD_MAX bytes, and must pass upload_sniff() for that
 * type. Then it is moved to its stored name.
 *
 * Returns 0 with *out filled (the caller owns the stored file: record it
 * or upload_remove() it), or -1 after writing the error reply, with
 * nothing left on disk (what is left of the body stays unread: nginx
 * passes an early reply on as it is, so refusals need not drain it):
 *   400 empty_body, short_body   empty or incomplete body
 *   413 body_too_large           more than VOUCHER_UPLOAD_MAX bytes
 *   415 unsupported_media_type   Content-Type not one of the types
 *   422 invalid_file             not the declared type
 *   422 file_has_markup          HTML/script markers (a polyglot)
 *   503 storage_unavailable      the files directory failed (logged)
 */
int upload_receive_or_4xx(struct req *r, unsigned types, struct upload *out);

/*
 * Deletes the stored file named stored (as in struct upload). A file
 * already gone is not an error. Returns 0, or -1 (logged with rid) on a
 * malformed name or a failed unlink.
 */
int upload_remove(const char *stored, const char *rid);

/*
 * Replies 200 with the stored file as an attachment: X-Accel-Redirect to
 * VOUCHER_ACCEL_PREFIX + stored (nginx sends the bytes, adds nosniff),
 * Content-Type content_type and Content-Disposition: attachment;
 * filename="<filename>" (filename: ASCII letters, digits, '-', '_', '.';
 * anything else becomes '_'). With the query ?inline=1 the disposition is
 * inline, for viewing in a frame of this site (the stored file passed the
 * type checks at upload: a real PDF or image, never markup). Returns 200,
 * 400 on a bad inline value, or 500 on a malformed name.
 */
int upload_send(struct req *r, const char *stored, const char *content_type,
    const char *filename);

#endif
