/*
 * fuzz_json_fields.c - a JSON request body as a handler gets it
 * (shared/web/request.c: req_json_or_4xx) checked against a fixed field
 * table with every field type (shared/web/validate.c: req_fields_or_400,
 * field_check), and a nested object against a second table, as the
 * collection form does.
 *
 * Input: the raw body (Content-Type application/json, Content-Length its
 * size).
 * Checks: a refusal wrote a 4xx error; an accepted body gives values
 * within their declared bounds, and every required field present.
 */
#include <string.h>

#include "buf.h"
#include "fuzz.h"

static const char *const kinds[] = { "ok", "issue", NULL };

enum {
	F_NAME, F_NOTE, F_UNITS, F_PRICE, F_FLAG, F_KIND, F_DATE, F_ID,
	F_OBJ, F__MAX
};

static const struct field fields[F__MAX] = {
	{ "name",  FIELD_STRING, true,  1, 40, NULL },	/* F_NAME */
	{ "note",  FIELD_TEXT,   false, 0, 2000, NULL },	/* F_NOTE */
	{ "units", FIELD_INT,    false, 0, 100000, NULL },	/* F_UNITS */
	{ "price", FIELD_MONEY,  false, 1, 10000000000000LL, NULL }, /* F_PRICE */
	{ "flag",  FIELD_BOOL,   false, 0, 0, NULL },	/* F_FLAG */
	{ "kind",  FIELD_ENUM,   false, 0, 0, kinds },	/* F_KIND */
	{ "day",   FIELD_DATE,   false, 0, 0, NULL },	/* F_DATE */
	{ "id",    FIELD_ID,     false, 0, 0, NULL },	/* F_ID */
	{ "form",  FIELD_OBJECT, false, 0, 0, NULL },	/* F_OBJ */
};

static const struct field inner[] = {
	{ "title", FIELD_STRING, true,  1, 8, NULL },
	{ "count", FIELD_INT,    false, -5, 5, NULL },
};
#define NINNER (sizeof(inner) / sizeof(inner[0]))

/* The values of an accepted object against its table. */
static void
check_values(const struct field *t, size_t n, const struct field_value *v)
{
	for (size_t i = 0; i < n; i++) {
		if (t[i].required)
			FUZZ_CHECK(v[i].present);
		if (!v[i].present)
			continue;
		switch (t[i].type) {
		case FIELD_STRING:
		case FIELD_TEXT:
			FUZZ_CHECK(utf8_valid(v[i].s, strlen(v[i].s)));
			FUZZ_CHECK((int64_t)utf8_len(v[i].s) >= t[i].min &&
			    (int64_t)utf8_len(v[i].s) <= t[i].max);
			for (const char *p = v[i].s; *p; p++)
				FUZZ_CHECK((unsigned char)*p >= 0x20 ||
				    (t[i].type == FIELD_TEXT &&
				    strchr("\n\r\t", *p) != NULL));
			break;
		case FIELD_INT:
		case FIELD_MONEY:
			FUZZ_CHECK(v[i].i >= t[i].min && v[i].i <= t[i].max);
			break;
		case FIELD_ID:
			FUZZ_CHECK(v[i].i >= 1);
			break;
		case FIELD_BOOL:
			FUZZ_CHECK(v[i].i == 0 || v[i].i == 1);
			break;
		case FIELD_ENUM:
			FUZZ_CHECK(v[i].s == kinds[0] || v[i].s == kinds[1]);
			break;
		case FIELD_DATE:
			FUZZ_CHECK(v[i].m >= 1 && v[i].m <= 12 &&
			    v[i].d >= 1 && v[i].d <= 31);
			break;
		case FIELD_OBJECT:
			break;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_req f = { 0 };
	struct field_value out[F__MAX], in[NINNER];
	char len[24];
	json_t *body;

	fuzz_setup();
	snprintf(len, sizeof(len), "%zu", size);
	fuzz_param(&f, "REQUEST_METHOD", "POST", 4);
	fuzz_param(&f, "CONTENT_TYPE", "application/json; charset=utf-8", 31);
	fuzz_param(&f, "CONTENT_LENGTH", len, strlen(len));
	fuzz_req_begin(&f, data, size);
	body = req_json_or_4xx(&f.r);
	if (body == NULL) {
		FUZZ_CHECK(f.r.status >= 400 && f.r.status < 500);
		goto done;
	}
	FUZZ_CHECK(json_is_object(body));
	if (req_fields_or_400(&f.r, body, fields, F__MAX, out) < 0) {
		FUZZ_CHECK(f.r.status == 400 && f.r.out.len > 0);
		goto done;
	}
	check_values(fields, F__MAX, out);
	if (out[F_OBJ].present) {
		json_t *obj = json_object_get(body, "form");

		if (req_fields_or_400(&f.r, obj, inner, NINNER, in) < 0)
			FUZZ_CHECK(f.r.status == 400);
		else
			check_values(inner, NINNER, in);
	}
done:
	fuzz_req_end(&f);
	return 0;
}
