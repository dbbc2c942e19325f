/*
 * csv.c - decoding (UTF-8 or GB18030 through iconv) and splitting of the
 * bureau's CSV list files (see csv.h).
 */
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "csv.h"

/* The 1-based line of offset off in s. */
static size_t
line_of(const char *s, size_t off)
{
	size_t line = 1;

	for (size_t i = 0; i < off; i++)
		if (s[i] == '\n')
			line++;
	return line;
}

/* The offset of the first byte that is not valid UTF-8 (overlongs,
 * surrogates and code points past U+10FFFF included), or n. */
static size_t
utf8_bad_offset(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t need;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else
			return i;
		for (size_t k = 1; k <= need; k++) {
			if (i + k >= n || (s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += need + 1;
	}
	return n;
}

/* GB18030 to UTF-8 through iconv. CSV_OK, or CSV_BAD_ENCODING with *bad
 * the input offset iconv stopped at. A converter per file, closed after
 * it: a list arrives a few times a year, and a converter kept per worker
 * thread would never be closed (a leak at each thread's end).
 * -fanalyzer takes glibc's dealloc attribute of iconv_open for malloc's
 * and so reads its failure value, (iconv_t)-1, as a converter leaked:
 * that one warning is off in this function only. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
static enum csv_error
from_gb18030(const char *in, size_t n, char **out, size_t *outlen, size_t *bad)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	size_t cap = 2 * n + 16, inleft = n, outleft = cap - 1;
	char *buf, *ip = (char *)in, *op;
	bool ok;

	if (cd == (iconv_t)-1) {
		*bad = 0;
		return CSV_UNSUPPORTED;
	}
	buf = xmalloc(cap);
	op = buf;
	ok = iconv(cd, &ip, &inleft, &op, &outleft) != (size_t)-1 &&
	    iconv(cd, NULL, NULL, &op, &outleft) != (size_t)-1;
	iconv_close(cd);
	if (!ok) {
		*bad = (size_t)(ip - in);
		free(buf);
		return CSV_BAD_ENCODING;
	}
	*op = '\0';
	*out = buf;
	*outlen = (size_t)(op - buf);
	return CSV_OK;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

enum csv_error
csv_decode(const char *in, size_t n, const char *declared, char **out,
    size_t *outlen, enum csv_charset *used, size_t *line)
{
	const unsigned char *u = (const unsigned char *)in;
	bool want_utf8 = false, want_gb = false;
	size_t bad;
	enum csv_error e;
	char *p;

	*out = NULL;
	*outlen = 0;
	*line = 0;
	if (declared != NULL) {
		if (strcasecmp(declared, "utf-8") == 0 ||
		    strcasecmp(declared, "utf8") == 0)
			want_utf8 = true;
		else if (strcasecmp(declared, "gb18030") == 0 ||
		    strcasecmp(declared, "gbk") == 0 ||
		    strcasecmp(declared, "gb2312") == 0)
			want_gb = true;
		else
			return CSV_UNSUPPORTED;
	}
	if (n >= 2 && ((u[0] == 0xff && u[1] == 0xfe) ||
	    (u[0] == 0xfe && u[1] == 0xff))) {
		*line = 1;	/* UTF-16: "Unicode text" of Excel */
		return CSV_UNSUPPORTED;
	}
	if (n >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
		if (want_gb)
			return CSV_UNSUPPORTED;
		in += 3;
		n -= 3;
		want_utf8 = true;
	}
	if (memchr(in, '\0', n) != NULL) {
		*line = line_of(in, (size_t)((const char *)memchr(in, '\0', n) - in));
		return CSV_NUL;
	}
	if (!want_gb) {
		bad = utf8_bad_offset((const unsigned char *)in, n);
		if (bad == n) {
			p = xmalloc(n + 1);
			memcpy(p, in, n);
			p[n] = '\0';
			*out = p;
			*outlen = n;
			*used = CSV_UTF8;
			return CSV_OK;
		}
		if (want_utf8) {
			*line = line_of(in, bad);
			return CSV_BAD_ENCODING;
		}
	}
	e = from_gb18030(in, n, out, outlen, &bad);
	if (e != CSV_OK) {
		*line = line_of(in, bad);
		return e;
	}
	*used = CSV_GB18030;
	return CSV_OK;
}

static void
row_add_field(struct csv_row *row, size_t *cap, struct buf *f, bool quoted)
{
	const char *s = f->len ? f->p : "";
	size_t len = f->len;

	if (!quoted) {
		while (len > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			len--;
		}
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
	}
	if (row->nfields == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		row->fields = xrealloc(row->fields, *cap * sizeof(char *));
	}
	row->fields[row->nfields++] = xstrndup(s, len);
	buf_reset(f);
}

void
csv_rows_free(struct csv_rows *rows)
{
	for (size_t i = 0; i < rows->n; i++) {
		for (size_t k = 0; k < rows->v[i].nfields; k++)
			free(rows->v[i].fields[k]);
		free(rows->v[i].fields);
	}
	free(rows->v);
	rows->v = NULL;
	rows->n = 0;
}

/* True when f holds nothing but spaces and tabs. */
static bool
blank(const struct buf *f)
{
	for (size_t k = 0; k < f->len; k++)
		if (f->p[k] != ' ' && f->p[k] != '\t')
			return false;
	return true;
}

/* True when the row is one empty unquoted field (a blank line). */
static bool
row_blank(const struct csv_row *row, bool any_quoted)
{
	return !any_quoted && row->nfields == 1 && row->fields[0][0] == '\0';
}

enum csv_error
csv_parse(const char *text, size_t n, struct csv_rows *out, size_t *line)
{
	struct buf f = { 0 };
	struct csv_row row = { 0 };
	size_t fcap = 0, rcap = 0, ln = 1, i = 0;
	bool quoted = false, any_quoted = false;
	enum csv_error e = CSV_OK;

	out->n = 0;
	out->v = NULL;
	*line = 0;
	row.line = 1;
	while (i <= n) {
		char c = i < n ? text[i] : '\n';
		bool end = i == n;

		if (c == '"' && !quoted && blank(&f)) {
			/* a quoted field: up to the closing quote */
			size_t start_line = ln;

			quoted = any_quoted = true;
			buf_reset(&f);
			for (i++;; i++) {
				if (i >= n) {
					*line = start_line;
					e = CSV_BAD_QUOTE;
					goto fail;
				}
				if (text[i] == '"') {
					if (i + 1 < n && text[i + 1] == '"') {
						buf_append(&f, "\"", 1);
						i++;
						continue;
					}
					break;
				}
				if (text[i] == '\n')
					ln++;
				buf_append(&f, &text[i], 1);
				if (f.len > CSV_MAX_FIELD) {
					*line = start_line;
					e = CSV_FIELD_TOO_LONG;
					goto fail;
				}
			}
			i++;	/* past the closing quote */
			/* only spaces, then a separator or the end of the row */
			while (i < n && (text[i] == ' ' || text[i] == '\t'))
				i++;
			if (i < n && text[i] != ',' && text[i] != '\n' &&
			    text[i] != '\r') {
				*line = ln;
				e = CSV_BAD_QUOTE;
				goto fail;
			}
			continue;
		}
		if (c == ',') {
			row_add_field(&row, &fcap, &f, quoted);
			quoted = false;
			i++;
			continue;
		}
		if (c == '\r' && i + 1 < n && text[i + 1] == '\n') {
			i++;
			continue;
		}
		if (c == '\n' || c == '\r') {
			row_add_field(&row, &fcap, &f, quoted);
			if (row_blank(&row, any_quoted)) {
				free(row.fields[0]);
				free(row.fields);
			} else {
				if (out->n == CSV_MAX_ROWS) {
					*line = row.line;
					e = CSV_TOO_MANY_ROWS;
					goto fail;
				}
				if (out->n == rcap) {
					rcap = rcap ? rcap * 2 : 64;
					out->v = xrealloc(out->v, rcap * sizeof(*out->v));
				}
				out->v[out->n++] = row;
			}
			memset(&row, 0, sizeof(row));
			fcap = 0;
			quoted = any_quoted = false;
			ln++;
			row.line = ln;
			i++;
			if (end)
				break;
			continue;
		}
		if (quoted) {
			/* text after a closing quote: refused above */
			*line = ln;
			e = CSV_BAD_QUOTE;
			goto fail;
		}
		buf_append(&f, &c, 1);
		if (f.len > CSV_MAX_FIELD) {
			*line = ln;
			e = CSV_FIELD_TOO_LONG;
			goto fail;
		}
		i++;
	}
	buf_free(&f);
	return CSV_OK;
fail:
	for (size_t k = 0; k < row.nfields; k++)
		free(row.fields[k]);
	free(row.fields);
	buf_free(&f);
	csv_rows_free(out);
	return e;
}

const char *
csv_error_text(enum csv_error e)
{
	switch (e) {
	case CSV_OK:             return "";
	case CSV_BAD_ENCODING:   return "文件编码既不是 UTF-8 也不是 GB18030（GBK）";
	case CSV_UNSUPPORTED:    return "不支持的文件编码，请另存为 UTF-8 或 GB18030（GBK）编码的 CSV 文件";
	case CSV_NUL:            return "文件含有空字节，不是文本 CSV 文件（可能是 UTF-16 或 Excel 工作簿）";
	case CSV_BAD_QUOTE:      return "引号不配对或位置错误";
	case CSV_TOO_MANY_ROWS:  return "行数过多";
	case CSV_FIELD_TOO_LONG: return "字段过长";
	}
	return "文件格式错误";
}

void
csv_put_cell(struct buf *b, const char *s)
{
	bool formula = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
	bool quote = strpbrk(s, ",\"\r\n") != NULL;

	if (quote)
		buf_puts(b, "\"");
	if (formula)
		buf_puts(b, "'");
	for (; *s; s++) {
		if (*s == '"')
			buf_puts(b, "\"\"");
		else
			buf_append(b, s, 1);
	}
	if (quote)
		buf_puts(b, "\"");
}
