/*
 * fuzz_csv.c - the bureau's list files (shared/base/csv.c, rules E11 and
 * E14): bytes decoded as UTF-8 or GB18030 (iconv), then split into rows.
 *
 * Input: the raw file.
 * Checks: a refused file names a line within it; a decoded text is valid
 * UTF-8 without NUL bytes; the rows' lines start at 1 and never go down;
 * every row has at least one field, each NUL-terminated and at most
 * CSV_MAX_FIELD bytes; the same bytes declared GB18030 decode or fail
 * without trouble either.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "fuzz.h"

static size_t
lines_of(const uint8_t *s, size_t n)
{
	size_t l = 1;

	for (size_t i = 0; i < n; i++)
		l += s[i] == '\n';
	return l;
}

static void
check(const uint8_t *data, size_t size, const char *declared)
{
	struct csv_rows rows;
	enum csv_charset used;
	char *text = NULL;
	size_t len = 0, line = 0, last = 1;
	enum csv_error e = csv_decode((const char *)data, size, declared, &text,
	    &len, &used, &line);

	if (e != CSV_OK) {
		FUZZ_CHECK(text == NULL);
		FUZZ_CHECK(line <= lines_of(data, size));
		FUZZ_CHECK(csv_error_text(e)[0] != '\0');
		return;
	}
	FUZZ_CHECK(text != NULL && text[len] == '\0');
	FUZZ_CHECK(utf8_valid(text, len));
	e = csv_parse(text, len, &rows, &line);
	if (e == CSV_OK) {
		for (size_t i = 0; i < rows.n; i++) {
			FUZZ_CHECK(rows.v[i].line >= last);
			last = rows.v[i].line;
			FUZZ_CHECK(rows.v[i].nfields >= 1);
			for (size_t k = 0; k < rows.v[i].nfields; k++)
				FUZZ_CHECK(strlen(rows.v[i].fields[k]) <=
				    CSV_MAX_FIELD);
		}
		csv_rows_free(&rows);
	} else {
		FUZZ_CHECK(rows.n == 0 && line >= 1);
	}
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(data, size, NULL);
	check(data, size, "gb18030");
	return 0;
}
