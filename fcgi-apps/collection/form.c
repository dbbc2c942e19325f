/*
 * form.c - the application form (A3, A4) and the checklist of attachment
 * 1 of the guide: every field declared once with its bounds, checked by
 * the one field validator (req_fields_collect, shared/web/validate.c) so
 * that every failing field is reported at once (保存 / 提交), never only
 * the first; the form's own structure and cross-field rules are here.
 *
 * The form is a JSON object {provider: {...}, products: [{...}, ...]}.
 * Money is integer fen (M1). The provider part follows the checklist's
 * provider items 1-10, each product its product items 1-7.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "collection.h"
#include "money.h"
#include "rules.h"

enum provider_field {
	PF_WEBSITE, PF_APP, PF_MINI, PF_ESTABLISHED, PF_BEIJING, PF_MAIN_BODY,
	PF_PREMISES, PF_ADDRESS, PF_CREDIT, PF_REV_BEFORE, PF_REV_LAST,
	PF_CONTRACTS, PF_BJ_CLIENTS, PF_NAT_CLIENTS, PF_STANDARDS, PF_BRAND,
	PF__MAX
};

static const struct field provider_fields[PF__MAX] = {
	/* item 1: 单位网址、应用APP名称、微信小程序名称 (at least one) */
	[PF_WEBSITE]     = { "website", FIELD_STRING, false, 1, 200, NULL },
	[PF_APP]         = { "app_name", FIELD_STRING, false, 1, 100, NULL },
	[PF_MINI]        = { "mini_program_name", FIELD_STRING, false, 1, 100, NULL },
	/* item 2: 营业执照 - establishment and registration (A1) */
	[PF_ESTABLISHED] = { "established_on", FIELD_DATE, true, 0, 0, NULL },
	[PF_BEIJING]     = { "beijing_registered", FIELD_BOOL, true, 0, 0, NULL },
	[PF_MAIN_BODY]   = { "main_body_beijing", FIELD_BOOL, true, 0, 0, NULL },
	/* item 3: 运营所在地 (A1 fixed premises) */
	[PF_PREMISES]    = { "has_premises", FIELD_BOOL, true, 0, 0, NULL },
	[PF_ADDRESS]     = { "premises_address", FIELD_STRING, false, 1, 200, NULL },
	/* item 4: no serious dishonesty, not a dishonest debtor (A1) */
	[PF_CREDIT]      = { "credit_ok", FIELD_BOOL, true, 0, 0, NULL },
	/* items 5, 6: revenue of the two years before the round, fen */
	[PF_REV_BEFORE]  = { "revenue_year_before", FIELD_MONEY, true, 0,
	    MONEY_MAX_FEN, NULL },
	[PF_REV_LAST]    = { "revenue_last_year", FIELD_MONEY, true, 0,
	    MONEY_MAX_FEN, NULL },
	/* A1: 上年度合同量 */
	[PF_CONTRACTS]   = { "last_year_contracts", FIELD_INT, true, 0,
	    FORM_COUNT_MAX, NULL },
	/* items 7, 8: enterprises contracted last year, Beijing / national */
	[PF_BJ_CLIENTS]  = { "beijing_clients_last_year", FIELD_INT, true, 0,
	    FORM_COUNT_MAX, NULL },
	[PF_NAT_CLIENTS] = { "national_clients_last_year", FIELD_INT, true, 0,
	    FORM_COUNT_MAX, NULL },
	/* items 9, 10: as the case may be */
	[PF_STANDARDS]   = { "standards_work", FIELD_TEXT, false, 1, 2000, NULL },
	[PF_BRAND]       = { "brand_standing", FIELD_TEXT, false, 1, 2000, NULL },
};

enum product_field {
	QF_NAME, QF_CATEGORY, QF_DESCRIPTION, QF_MARKET, QF_VOUCHER, QF_UNITS,
	QF_DAYS, QF_BJ_REV_BEFORE, QF_BJ_REV_LAST, QF_BJ_CLIENTS, QF_PREMIUM,
	QF_IP, QF_SERVED, QF__MAX
};

static const struct field product_fields[QF__MAX] = {
	[QF_NAME]          = { "name", FIELD_STRING, true, 1, 200, NULL },
	[QF_CATEGORY]      = { "category", FIELD_ENUM, true, 0, 0, rule_category_codes },
	[QF_DESCRIPTION]   = { "description", FIELD_TEXT, true, 1, 2000, NULL },
	/* P2: average of the last 3 months; P3 against it (item 1) */
	[QF_MARKET]        = { "market_price", FIELD_MONEY, true, 1,
	    MONEY_MAX_FEN, NULL },
	[QF_VOUCHER]       = { "voucher_price", FIELD_MONEY, true, 1,
	    MONEY_MAX_FEN, NULL },
	[QF_UNITS]         = { "requested_units", FIELD_INT, false, 1,
	    FORM_UNITS_MAX, NULL },
	[QF_DAYS]          = { "requested_validity_days", FIELD_INT, false, 1,
	    RULE_VALIDITY_MAX, NULL },
	/* items 2, 3: Beijing revenue of the product, fen */
	[QF_BJ_REV_BEFORE] = { "beijing_revenue_year_before", FIELD_MONEY, true,
	    0, MONEY_MAX_FEN, NULL },
	[QF_BJ_REV_LAST]   = { "beijing_revenue_last_year", FIELD_MONEY, true,
	    0, MONEY_MAX_FEN, NULL },
	/* item 4 */
	[QF_BJ_CLIENTS]    = { "beijing_clients_last_year", FIELD_INT, true, 0,
	    FORM_COUNT_MAX, NULL },
	/* item 5 (A7) */
	[QF_PREMIUM]       = { "premium_clients_served", FIELD_INT, false, 0,
	    FORM_COUNT_MAX, NULL },
	/* item 6 */
	[QF_IP]            = { "has_ip", FIELD_BOOL, false, 0, 0, NULL },
	/* item 7 (A1 branch exception) */
	[QF_SERVED]        = { "beijing_clients_served", FIELD_INT, false, 0,
	    FORM_COUNT_MAX, NULL },
};

static void
fail(json_t *errors, const char *field, const char *code, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static void
fail(json_t *errors, const char *field, const char *code, const char *fmt,
    ...)
{
	struct buf msg = { 0 };
	va_list ap;

	/* never cut: a message cut inside a UTF-8 character is no JSON
	 * string, and the failure would be lost */
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	json_array_append_new(errors, json_pack("{s:s,s:s,s:s}", "field",
	    field, "code", code, "message", msg.p ? msg.p : ""));
	buf_free(&msg);
}

/* Checks obj (named prefix) against fields with the one field validator
 * (req_fields_collect); every failure to errors. */
static void
check_object(json_t *obj, const char *prefix, const struct field *fields,
    size_t n, struct field_value *out, json_t *errors)
{
	memset(out, 0, n * sizeof(*out));
	if (!json_is_object(obj)) {
		if (obj == NULL || json_is_null(obj))
			fail(errors, prefix, "missing_field", "缺少必填部分：%s",
			    prefix);
		else
			fail(errors, prefix, "invalid_type",
			    "%s 应为 JSON 对象", prefix);
		return;
	}
	req_fields_collect(obj, prefix, fields, n, out, errors);
}

/* True when obj has key name with a non-null value. */
static bool
given(json_t *obj, const char *name)
{
	json_t *v = json_object_get(obj, name);

	return v != NULL && !json_is_null(v);
}

static void
check_product(json_t *obj, size_t i, struct form_product *p, json_t *errors)
{
	struct field_value v[QF__MAX];
	char prefix[40], path[80];

	snprintf(prefix, sizeof(prefix), "products[%zu]", i);
	check_object(obj, prefix, product_fields, QF__MAX, v, errors);
	p->name = v[QF_NAME].s;
	p->category = v[QF_CATEGORY].s;
	p->description = v[QF_DESCRIPTION].s;
	p->market_price = v[QF_MARKET].i;
	p->voucher_price = v[QF_VOUCHER].i;
	p->requested_units = v[QF_UNITS].present ? v[QF_UNITS].i : -1;
	p->requested_validity_days = v[QF_DAYS].present ? v[QF_DAYS].i : -1;
	p->beijing_revenue_year_before = v[QF_BJ_REV_BEFORE].i;
	p->beijing_revenue_last_year = v[QF_BJ_REV_LAST].i;
	p->beijing_clients_last_year = v[QF_BJ_CLIENTS].i;
	p->premium_clients_served = v[QF_PREMIUM].present ? v[QF_PREMIUM].i : 0;
	p->has_ip = v[QF_IP].present ? (int)v[QF_IP].i : -1;
	p->beijing_clients_served = v[QF_SERVED].present ? v[QF_SERVED].i : -1;
	/* P3, per product: voucher price <= 80% of the market price */
	if (v[QF_MARKET].present && v[QF_VOUCHER].present &&
	    !rule_voucher_price_ok(p->voucher_price, p->market_price)) {
		snprintf(path, sizeof(path), "%s.voucher_price", prefix);
		fail(errors, path, "voucher_price_above_80_percent",
		    "配券价格须不高于市场价格的80%%（优惠8折以上，《工作指南》四（二）6）："
		    "市场价 %lld 分，配券价最高 %lld 分",
		    (long long)p->market_price,
		    (long long)rule_pct_floor(p->market_price,
		    RULE_VOUCHER_MAX_PCT));
	}
}

size_t
form_check(json_t *form, int64_t today, struct form *out, json_t *errors)
{
	struct field_value v[PF__MAX];
	size_t before = json_array_size(errors);
	json_t *products;
	const char *key;
	json_t *val;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(form)) {
		fail(errors, "form", "invalid_type", "申报表应为 JSON 对象");
		return json_array_size(errors) - before;
	}
	json_object_foreach(form, key, val)
		if (strcmp(key, "provider") != 0 && strcmp(key, "products") != 0)
			fail(errors, key, "unknown_field", "未知字段：%s", key);
	check_object(json_object_get(form, "provider"), "provider",
	    provider_fields, PF__MAX, v, errors);
	out->website = v[PF_WEBSITE].s;
	out->app_name = v[PF_APP].s;
	out->mini_program_name = v[PF_MINI].s;
	out->established_ymd = v[PF_ESTABLISHED].i;
	out->beijing_registered = v[PF_BEIJING].i != 0;
	out->main_body_beijing = v[PF_MAIN_BODY].i != 0;
	out->has_premises = v[PF_PREMISES].i != 0;
	out->premises_address = v[PF_ADDRESS].s;
	out->credit_ok = v[PF_CREDIT].i != 0;
	out->revenue_year_before = v[PF_REV_BEFORE].i;
	out->revenue_last_year = v[PF_REV_LAST].i;
	out->last_year_contracts = v[PF_CONTRACTS].i;
	out->beijing_clients_last_year = v[PF_BJ_CLIENTS].i;
	out->national_clients_last_year = v[PF_NAT_CLIENTS].i;
	out->standards_work = v[PF_STANDARDS].s;
	out->brand_standing = v[PF_BRAND].s;
	/* the cross-field checks of the provider part */
	if (json_is_object(json_object_get(form, "provider"))) {
		json_t *prov = json_object_get(form, "provider");

		if (!given(prov, "website") && !given(prov, "app_name") &&
		    !given(prov, "mini_program_name"))
			fail(errors, "provider.website", "missing_field",
			    "单位网址、应用APP名称、微信小程序名称至少填写一项"
			    "（材料清单服务商第1项）");
		if (v[PF_ESTABLISHED].present && out->established_ymd > today)
			fail(errors, "provider.established_on", "invalid_field",
			    "成立日期不能晚于今天");
		if (v[PF_PREMISES].present && out->has_premises &&
		    !given(prov, "premises_address"))
			fail(errors, "provider.premises_address",
			    "missing_field", "有固定经营场所时须填写经营地址"
			    "（材料清单服务商第3项）");
		if (v[PF_MAIN_BODY].present && v[PF_BEIJING].present &&
		    out->main_body_beijing && !out->beijing_registered)
			fail(errors, "provider.main_body_beijing",
			    "invalid_field", "主体机构在北京注册时，"
			    "申报机构必然在北京注册：请核对两项");
		if (v[PF_BJ_CLIENTS].present && v[PF_NAT_CLIENTS].present &&
		    out->beijing_clients_last_year >
		    out->national_clients_last_year)
			fail(errors, "provider.beijing_clients_last_year",
			    "invalid_field", "上年度签约北京企业数量不能多于"
			    "签约全国企业数量");
	}
	products = json_object_get(form, "products");
	if (products == NULL || json_is_null(products) ||
	    (json_is_array(products) && json_array_size(products) == 0))
		fail(errors, "products", "missing_field",
		    "至少申报一个产品");
	else if (!json_is_array(products))
		fail(errors, "products", "invalid_type", "products 应为数组");
	else if (json_array_size(products) > FORM_MAX_PRODUCTS)
		fail(errors, "products", "out_of_range",
		    "每份申报最多 %d 个产品", FORM_MAX_PRODUCTS);
	else {
		out->nproducts = json_array_size(products);
		for (size_t i = 0; i < out->nproducts; i++) {
			check_product(json_array_get(products, i), i,
			    &out->products[i], errors);
			if (rule_a7_preferred(
			    out->products[i].premium_clients_served))
				out->preferred = true;
		}
	}
	return json_array_size(errors) - before;
}

size_t
form_product_count(json_t *form)
{
	json_t *p = json_object_get(form, "products");
	size_t n;

	if (!json_is_array(p))
		return 0;
	n = json_array_size(p);
	return n > FORM_MAX_PRODUCTS ? FORM_MAX_PRODUCTS : n;
}

/* A3: the checklist (attachment 1 of the guide), provider items 1-10. */
static const char *const provider_items[RULE_A3_PROVIDER_ITEMS + 1] = {
	NULL,
	"单位网址、应用APP名称、微信小程序名称",
	"营业执照",
	"运营所在地证明文件",
	"近三年内未受到刑事及严重行政处罚，不存在失信行为",
	"前年度营业收入（财务专审或审计报告）",
	"上年度营业收入（财务专审或审计报告）",
	"上年度签约北京企业的数量",
	"上年度签约全国企业的数量",
	"主持或参与制（修）订标准、合作或共建研究院",
	"行业影响力、品牌性、服务声誉或市场占有率",
};

/* A3: product items 1-7. */
static const char *const product_items[RULE_A3_PRODUCT_ITEMS + 1] = {
	NULL,
	"该产品折扣证明文件",
	"前年度该产品在北京地区营业收入",
	"上年度该产品在北京地区营业收入",
	"上年度该产品在北京地区签约企业家数",
	"该产品服务北京地区专精特新、小巨人等企业数量",
	"该产品知识产权证明文件",
	"主体注册不在北京、该产品在北京服务企业超过150家的证明",
};

/* Parses a positive decimal of s[0..n) without leading zeros, <= max. */
static int
small_uint(const char *s, size_t n, int max)
{
	int v = 0;

	if (n == 0 || n > 2 || s[0] == '0')
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

int
item_parse(const char *s, int *product, int *k)
{
	const char *dot;

	if (strncmp(s, "provider.", 9) == 0) {
		*product = 0;
		*k = small_uint(s + 9, strlen(s + 9), RULE_A3_PROVIDER_ITEMS);
		return *k > 0 ? 0 : -1;
	}
	if (strncmp(s, "product.", 8) != 0 ||
	    (dot = strchr(s + 8, '.')) == NULL)
		return -1;
	*product = small_uint(s + 8, (size_t)(dot - (s + 8)),
	    FORM_MAX_PRODUCTS);
	*k = small_uint(dot + 1, strlen(dot + 1), RULE_A3_PRODUCT_ITEMS);
	return *product > 0 && *k > 0 ? 0 : -1;
}

const char *
item_label(int product, int k)
{
	if (product == 0)
		return k >= 1 && k <= RULE_A3_PROVIDER_ITEMS ?
		    provider_items[k] : "";
	return k >= 1 && k <= RULE_A3_PRODUCT_ITEMS ? product_items[k] : "";
}

bool
item_required(int product, int k)
{
	return product == 0 ? rule_a3_provider_item_required(k) :
	    rule_a3_product_item_required(k);
}

const char *
state_name(const char *state)
{
	static const char *const names[][2] = {
		{ "draft", "待提交" }, { "pending", "待审核" },
		{ "approved", "已通过" }, { "returned", "退回修改" },
		{ "rejected", "审核不通过" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(state, names[i][0]) == 0)
			return names[i][1];
	return state;
}
