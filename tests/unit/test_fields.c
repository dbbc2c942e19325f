/*
 * test_fields.c - unit tests of the one field validator (shared/web/
 * validate.c): req_fields_collect() reports every failing field of a
 * table (the A4 form answers them all at once), req_fields_or_400() the
 * first of the same failures as a 400; both run the same checks.
 */
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "http.h"

static const char *const colours[] = { "red", "green", NULL };

enum { F_NAME, F_COUNT, F_COLOUR, F_ON, F_FLAG, F__MAX };

static const struct field fields[F__MAX] = {
	[F_NAME]   = { "name", FIELD_STRING, true, 1, 5, NULL },
	[F_COUNT]  = { "count", FIELD_INT, true, 0, 10, NULL },
	[F_COLOUR] = { "colour", FIELD_ENUM, false, 0, 0, colours },
	[F_ON]     = { "on", FIELD_DATE, false, 0, 0, NULL },
	[F_FLAG]   = { "flag", FIELD_BOOL, true, 0, 0, NULL },
};

/* An object with one failure per field, and an unknown key. */
static json_t *
bad_object(void)
{
	return json_pack("{s:s,s:i,s:s,s:s,s:i}", "name", "toolong",
	    "count", 11, "colour", "blue", "on", "2023-02-30", "extra", 1);
}

static const char *
err_str(json_t *errors, size_t i, const char *key)
{
	return json_string_value(json_object_get(json_array_get(errors, i),
	    key));
}

TEST(test_A4_collect_reports_every_failing_field_in_order)
{
	struct field_value v[F__MAX];
	json_t *obj = bad_object(), *errors = json_array();
	static const char *const want[][2] = {
		{ "provider.extra", "unknown_field" },
		{ "provider.name", "invalid_field" },
		{ "provider.count", "out_of_range" },
		{ "provider.colour", "invalid_field" },
		{ "provider.on", "invalid_field" },
		{ "provider.flag", "missing_field" },
	};

	CHECK_EQ(req_fields_collect(obj, "provider", fields, F__MAX, v,
	    errors), 6);
	CHECK_EQ(json_array_size(errors), 6);
	for (size_t i = 0; i < 6; i++) {
		CHECK_STR(err_str(errors, i, "field"), want[i][0]);
		CHECK_STR(err_str(errors, i, "code"), want[i][1]);
		CHECK(strstr(err_str(errors, i, "message"), want[i][0]) != NULL);
	}
	for (size_t i = 0; i < F__MAX; i++)
		CHECK(!v[i].present);
	json_decref(obj);
	json_decref(errors);
}

TEST(test_A4_collect_fills_the_fields_that_pass)
{
	struct field_value v[F__MAX];
	json_t *obj = json_pack("{s:s,s:i,s:s,s:s,s:b,s:n}", "name", "五个字",
	    "count", 10, "colour", "green", "on", "2024-02-29", "flag", 1,
	    "colour_unused", NULL);
	json_t *errors = json_array();

	/* a null value of an unknown key is still an unknown key */
	CHECK_EQ(req_fields_collect(obj, NULL, fields, F__MAX, v, errors), 1);
	CHECK_STR(err_str(errors, 0, "field"), "colour_unused");
	CHECK(v[F_NAME].present);
	CHECK_STR(v[F_NAME].s, "五个字");
	CHECK_EQ(v[F_COUNT].i, 10);
	CHECK_STR(v[F_COLOUR].s, "green");
	CHECK_EQ(v[F_ON].i, 20240229);
	CHECK_EQ(v[F_ON].m, 2);
	CHECK(v[F_FLAG].present && v[F_FLAG].i == 1);
	json_decref(obj);
	json_decref(errors);
}

TEST(test_A4_or_400_answers_the_first_failure_collect_reports)
{
	struct field_value v[F__MAX];
	struct req r;
	json_t *obj = bad_object(), *errors = json_array(), *reply, *err;

	/* one check at a time: the first failure of each object */
	for (int round = 0; round < 3; round++) {
		memset(&r, 0, sizeof(r));
		json_array_clear(errors);
		req_fields_collect(obj, NULL, fields, F__MAX, v, errors);
		CHECK_EQ(req_fields_or_400(&r, obj, fields, F__MAX, v), -1);
		CHECK_EQ(r.status, 400);
		reply = json_loadb(r.out.p, r.out.len, 0, NULL);
		err = json_object_get(reply, "error");
		CHECK_STR(json_string_value(json_object_get(err, "field")),
		    err_str(errors, 0, "field"));
		CHECK_STR(json_string_value(json_object_get(err, "code")),
		    err_str(errors, 0, "code"));
		CHECK_STR(json_string_value(json_object_get(err, "message")),
		    err_str(errors, 0, "message"));
		json_decref(reply);
		buf_free(&r.out);
		/* drop the field that failed first; the next one leads */
		json_object_del(obj, round == 0 ? "extra" : round == 1 ?
		    "name" : "count");
	}
	json_object_set_new(obj, "name", json_string("ok"));
	json_object_set_new(obj, "count", json_integer(0));
	json_object_set_new(obj, "colour", json_string("red"));
	json_object_set_new(obj, "on", json_string("2024-01-31"));
	json_object_set_new(obj, "flag", json_false());
	memset(&r, 0, sizeof(r));
	CHECK_EQ(req_fields_or_400(&r, obj, fields, F__MAX, v), 0);
	CHECK_EQ(r.status, 0);
	CHECK(v[F_FLAG].present && v[F_FLAG].i == 0);
	buf_free(&r.out);
	json_decref(obj);
	json_decref(errors);
}

TEST(test_A4_collect_names_a_long_unknown_key_whole)
{
	struct field_value v[F__MAX];
	char key[601] = "";
	json_t *obj, *errors = json_array();

	for (int i = 0; i < 100; i++)
		strcat(key, "备注");		/* 600 bytes of UTF-8 */
	obj = json_pack("{s:s,s:i,s:b,s:i}", "name", "a", "count", 1, "flag",
	    0, key, 1);
	CHECK_EQ(req_fields_collect(obj, "p", fields, F__MAX, v, errors), 1);
	CHECK_EQ(json_array_size(errors), 1);
	CHECK(strncmp(err_str(errors, 0, "field"), "p.", 2) == 0);
	CHECK_STR(err_str(errors, 0, "field") + 2, key);
	CHECK(strstr(err_str(errors, 0, "message"), key) != NULL);
	json_decref(obj);
	json_decref(errors);
}

int
main(void)
{
	RUN(test_A4_collect_reports_every_failing_field_in_order);
	RUN(test_A4_collect_fills_the_fields_that_pass);
	RUN(test_A4_or_400_answers_the_first_failure_collect_reports);
	RUN(test_A4_collect_names_a_long_unknown_key_whole);
	return check_done();
}
