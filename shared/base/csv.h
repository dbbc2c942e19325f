/*
 * csv.h - the bureau's list files (rule E11, E14): the bytes of an
 * uploaded CSV decoded to UTF-8, then split into rows of fields.
 *
 * Encodings: UTF-8 with or without a byte-order mark, or GB18030 (what
 * Excel on a Chinese Windows saves as "CSV": GBK, of which GB18030 is the
 * superset), decoded by glibc's iconv. Nothing is decoded by hand. A file
 * is taken as UTF-8 when it is valid UTF-8, else as GB18030; a charset
 * named by the request (Content-Type: text/csv; charset=…) is obeyed.
 * Anything else (UTF-16, binary, a byte sequence neither encoding allows)
 * is refused with the line it was found on.
 *
 * Rows: RFC 4180 - fields separated by commas, a field may be quoted with
 * '"' (a quote inside doubled), a quoted field may hold commas and line
 * breaks; rows end with LF or CRLF; blank lines are skipped; unquoted
 * fields are trimmed of spaces and tabs. Every row carries the line it
 * starts on (1-based), for reports.
 *
 * Memory: the decoded text and the rows are malloc'd; free them with
 * free() and csv_rows_free().
 */
#ifndef VOUCHER_CSV_H
#define VOUCHER_CSV_H

#include <stddef.h>

enum csv_charset {
	CSV_UTF8,
	CSV_GB18030
};

/* Why a body is refused. */
enum csv_error {
	CSV_OK = 0,
	CSV_BAD_ENCODING,     /* neither UTF-8 nor GB18030 at *line        */
	CSV_UNSUPPORTED,      /* a charset or byte-order mark not taken    */
	CSV_NUL,              /* a NUL byte (UTF-16 or binary) at *line    */
	CSV_BAD_QUOTE,        /* an unterminated or misplaced quote        */
	CSV_TOO_MANY_ROWS,    /* more than CSV_MAX_ROWS                    */
	CSV_FIELD_TOO_LONG    /* a field of more than CSV_MAX_FIELD bytes  */
};

#define CSV_MAX_ROWS   200000
#define CSV_MAX_FIELD  2000

/*
 * Decodes in[0..n) to UTF-8 (NUL-terminated, *out, *outlen without the
 * NUL), the byte-order mark removed. declared: the charset the request
 * named ("utf-8", "gb18030", "gbk", "gb2312", any case), or NULL to
 * detect. *used: the encoding taken. Returns CSV_OK, or an error with
 * *line the 1-based line of the offending byte (*out NULL).
 */
enum csv_error csv_decode(const char *in, size_t n, const char *declared,
    char **out, size_t *outlen, enum csv_charset *used, size_t *line);

/* One row of fields (UTF-8, NUL-terminated). */
struct csv_row {
	size_t   line;        /* the line the row starts on, 1-based      */
	size_t   nfields;
	char   **fields;
};

struct csv_rows {
	size_t           n;
	struct csv_row  *v;
};

/*
 * Splits text[0..n) (UTF-8) into rows (out emptied first). Returns CSV_OK,
 * or an error with *line where it was found (out then empty).
 */
enum csv_error csv_parse(const char *text, size_t n, struct csv_rows *out,
    size_t *line);

/* Frees the rows; out may be empty. */
void csv_rows_free(struct csv_rows *rows);

struct buf;

/*
 * Writing (issue 11: the bureau's exports). Appends one cell s to b as
 * RFC 4180 wants it: quoted when it holds a comma, a quote or a line
 * break, quotes doubled. A cell a spreadsheet would run as a formula (its
 * first character = + - @, a tab or a CR) gets a leading apostrophe, so
 * Excel shows it as text (formula injection).
 */
void csv_put_cell(struct buf *b, const char *s);

/* The Chinese description of an error ("文件编码既不是 UTF-8 也不是 GB18030"). */
const char *csv_error_text(enum csv_error e);

#endif
