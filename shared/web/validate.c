/*
 * validate.c - declared inputs: a JSON body checked against a field table
 * (see http.h).
 */
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

static int
field_check(struct req *r, const struct field *f, json_t *v,
    struct field_value *out)
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
			http_error(r, 400, "invalid_field", f->name,
			    "字段 %s 含有不允许的控制字符", f->name);
			return -1;
		}
		n = utf8_len(s);
		if ((int64_t)n < f->min || (int64_t)n > f->max) {
			http_error(r, 400, "invalid_field", f->name,
			    "字段 %s 长度须在 %lld 到 %lld 个字符之间",
			    f->name, (long long)f->min, (long long)f->max);
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
			http_error(r, 400, "out_of_range", f->name,
			    "字段 %s 须在 %lld 到 %lld 之间", f->name,
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
		http_error(r, 400, "invalid_field", f->name,
		    "字段 %s 只能是 %s", f->name, b.p);
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
			http_error(r, 400, "invalid_field", f->name,
			    "字段 %s 不是有效日期（YYYY-MM-DD）", f->name);
			return -1;
		}
		out->s = json_string_value(v);
		out->i = (int64_t)out->y * 10000 + out->m * 100 + out->d;
		return 0;
	}
	http_error(r, 400, "invalid_type", f->name, "字段 %s 类型错误，应为%s",
	    f->name, field_type_names[f->type]);
	return -1;
}

int
req_fields_or_400(struct req *r, json_t *obj, const struct field *fields,
    size_t nfields, struct field_value *out)
{
	const char *key;
	json_t *v;

	memset(out, 0, nfields * sizeof(*out));
	json_object_foreach(obj, key, v) {
		size_t i;

		for (i = 0; i < nfields; i++)
			if (strcmp(key, fields[i].name) == 0)
				break;
		if (i == nfields) {
			http_error(r, 400, "unknown_field", key,
			    "未知字段：%s", key);
			return -1;
		}
	}
	for (size_t i = 0; i < nfields; i++) {
		v = json_object_get(obj, fields[i].name);
		if (v == NULL || json_is_null(v)) {
			if (fields[i].required) {
				http_error(r, 400, "missing_field",
				    fields[i].name, "缺少必填字段：%s",
				    fields[i].name);
				return -1;
			}
			continue;
		}
		if (field_check(r, &fields[i], v, &out[i]) < 0)
			return -1;
		out[i].present = true;
	}
	return 0;
}

