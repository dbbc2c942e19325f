/*
 * validate.c - declared inputs: a JSON body checked against a field table
 * (see http.h).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "clock.h"
#include "http.h"

/* ---- declared inputs ------------------------------------------------ */

static const char *const field_type_names[] = {
	"字符串",	/* FIELD_STRING */
	"字符串",	/* FIELD_TEXT */
	"整数",		/* FIELD_INT */
	"整数（分）",	/* FIELD_MONEY */
	"布尔值",	/* FIELD_BOOL */
	"字符串",	/* FIELD_ENUM */
	"日期 YYYY-MM-DD", /* FIELD_DATE */
	"正整数编号",	/* FIELD_ID */
	"JSON 对象",	/* FIELD_OBJECT */
};

static bool
has_control(const char *s, bool allow_newlines)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (allow_newlines && (c == '\n' || c == '\r' || c == '\t'))
			continue;
		if (c < 0x20 || c == 0x7f)
			return true;
	}
	return false;
}

/* Where the failures of a field table go: the one 400 of a request
 * (req_fields_or_400, which stops at the first failure), or an array that
 * collects every failure (req_fields_collect). */
struct field_sink {
	struct req *r;           /* the 400 is written here, or NULL         */
	json_t     *errors;      /* {field, code, message} appended, or NULL */
};

/* Reports one failing field: the 400 of s->r, or one more entry of
 * s->errors. */
static void
field_fail(struct field_sink *s, const char *field, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
field_fail(struct field_sink *s, const char *field, const char *code,
    const char *fmt, ...)
{
	struct buf b = { 0 };
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (s->r != NULL)
		http_error(s->r, 400, code, field, "%s", b.p ? b.p : "");
	else
		json_array_append_new(s->errors, json_pack("{s:s,s:s,s:s}",
		    "field", field, "code", code, "message", b.p ? b.p : ""));
	buf_free(&b);
}

/* Checks value v of field f, named path in the failure; fills out.
 * Returns 0, or -1 after reporting the failure to sink. */
static int
field_check(struct field_sink *sink, const struct field *f, const char *path,
    json_t *v, struct field_value *out)
{
	switch (f->type) {
	case FIELD_STRING:
	case FIELD_TEXT: {
		const char *s;
		size_t n;

		if (!json_is_string(v))
			break;
		s = json_string_value(v);
		if (strlen(s) != json_string_length(v) ||
		    has_control(s, f->type == FIELD_TEXT)) {
			field_fail(sink, path, "invalid_field",
			    "字段 %s 含有不允许的控制字符", path);
			return -1;
		}
		n = utf8_len(s);
		if ((int64_t)n < f->min || (int64_t)n > f->max) {
			field_fail(sink, path, "invalid_field",
			    "字段 %s 长度须在 %lld 到 %lld 个字符之间",
			    path, (long long)f->min, (long long)f->max);
			return -1;
		}
		out->s = s;
		return 0;
	}
	case FIELD_INT:
	case FIELD_MONEY:
	case FIELD_ID: {
		int64_t lo = f->type == FIELD_ID ? 1 : f->min;
		int64_t hi = f->type == FIELD_ID ? INT64_MAX : f->max;

		if (!json_is_integer(v))
			break;
		out->i = json_integer_value(v);
		if (out->i < lo || out->i > hi) {
			field_fail(sink, path, "out_of_range",
			    "字段 %s 须在 %lld 到 %lld 之间", path,
			    (long long)lo, (long long)hi);
			return -1;
		}
		return 0;
	}
	case FIELD_BOOL:
		if (!json_is_boolean(v))
			break;
		out->i = json_is_true(v);
		return 0;
	case FIELD_ENUM: {
		struct buf b = { 0 };

		if (!json_is_string(v))
			break;
		for (size_t i = 0; f->choices[i] != NULL; i++)
			if (strcmp(json_string_value(v), f->choices[i]) == 0) {
				out->s = f->choices[i];
				return 0;
			}
		for (size_t i = 0; f->choices[i] != NULL; i++)
			buf_printf(&b, "%s%s", i ? "|" : "", f->choices[i]);
		field_fail(sink, path, "invalid_field", "字段 %s 只能是 %s", path,
		    b.p);
		buf_free(&b);
		return -1;
	}
	case FIELD_OBJECT:
		if (!json_is_object(v))
			break;
		return 0;
	case FIELD_DATE:
		if (!json_is_string(v))
			break;
		if (clock_parse_date(json_string_value(v), &out->y, &out->m,
		    &out->d) < 0) {
			field_fail(sink, path, "invalid_field",
			    "字段 %s 不是有效日期（YYYY-MM-DD）", path);
			return -1;
		}
		out->s = json_string_value(v);
		out->i = (int64_t)out->y * 10000 + out->m * 100 + out->d;
		return 0;
	}
	field_fail(sink, path, "invalid_type", "字段 %s 类型错误，应为%s", path,
	    field_type_names[f->type]);
	return -1;
}

/* path = "prefix.name", or name alone when prefix is NULL. */
static const char *
field_path(struct buf *path, const char *prefix, const char *name)
{
	if (prefix == NULL)
		return name;
	buf_reset(path);
	buf_printf(path, "%s.%s", prefix, name);
	return path->p;
}

/* The one walk of a field table over obj: unknown keys first, then each
 * field in table order (missing, then field_check). Every failure goes to
 * s; with s->r the walk stops at the first. Returns the failures. */
static size_t
fields_walk(struct field_sink *s, json_t *obj, const char *prefix,
    const struct field *fields, size_t nfields, struct field_value *out)
{
	struct buf path = { 0 };
	const char *key, *name;
	size_t failed = 0;
	json_t *v;

	memset(out, 0, nfields * sizeof(*out));
	json_object_foreach(obj, key, v) {
		size_t i;

		for (i = 0; i < nfields; i++)
			if (strcmp(key, fields[i].name) == 0)
				break;
		if (i < nfields)
			continue;
		name = field_path(&path, prefix, key);
		field_fail(s, name, "unknown_field", "未知字段：%s", name);
		failed++;
		if (s->r != NULL)
			goto done;
	}
	for (size_t i = 0; i < nfields; i++) {
		name = field_path(&path, prefix, fields[i].name);
		v = json_object_get(obj, fields[i].name);
		if (v == NULL || json_is_null(v)) {
			if (!fields[i].required)
				continue;
			field_fail(s, name, "missing_field", "缺少必填字段：%s",
			    name);
		} else if (field_check(s, &fields[i], name, v, &out[i]) == 0) {
			out[i].present = true;
			continue;
		}
		failed++;
		if (s->r != NULL)
			goto done;
	}
done:
	buf_free(&path);
	return failed;
}

int
req_fields_or_400(struct req *r, json_t *obj, const struct field *fields,
    size_t nfields, struct field_value *out)
{
	struct field_sink s = { .r = r };

	return fields_walk(&s, obj, NULL, fields, nfields, out) > 0 ? -1 : 0;
}

size_t
req_fields_collect(json_t *obj, const char *prefix,
    const struct field *fields, size_t nfields, struct field_value *out,
    json_t *errors)
{
	struct field_sink s = { .errors = errors };

	return fields_walk(&s, obj, prefix, fields, nfields, out);
}
