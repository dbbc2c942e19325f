/*
 * sizeclass.c - the sixteen groups of 工信部联企业〔2011〕300号 as data, and
 * the classification of rule E10 (see sizeclass.h).
 */
#include <stdio.h>
#include <string.h>

#include "sizeclass.h"

#define P(n)  ((int64_t)(n))              /* persons                    */
#define W(n)  ((int64_t)(n) * 1000000)    /* 万元 in fen (M1)            */

#define X SIZE_EMPLOYEES
#define Y SIZE_REVENUE
#define Z SIZE_ASSETS

/* Lower bounds per class: { employees, revenue, assets }; a figure the
 * group is not judged on is 0. The standard, article 4 (一)-(十六). */
const struct size_industry size_industries[SIZE_INDUSTRY_COUNT] = {
	/* (一) 营业收入 20000 万元以下为中小微型；500 万元及以上中型，50 万元及以上小型 */
	{ "agriculture", "农、林、牧、渔业", Y,
	  { 0, W(20000), 0 }, { 0, W(500), 0 }, { 0, W(50), 0 } },
	/* (二) 从业人员 1000 人以下或营业收入 40000 万元以下 */
	{ "industry", "工业", X | Y,
	  { P(1000), W(40000), 0 }, { P(300), W(2000), 0 }, { P(20), W(300), 0 } },
	/* (三) 营业收入 80000 万元以下或资产总额 80000 万元以下 */
	{ "construction", "建筑业", Y | Z,
	  { 0, W(80000), W(80000) }, { 0, W(6000), W(5000) }, { 0, W(300), W(300) } },
	/* (四) 从业人员 200 人以下或营业收入 40000 万元以下 */
	{ "wholesale", "批发业", X | Y,
	  { P(200), W(40000), 0 }, { P(20), W(5000), 0 }, { P(5), W(1000), 0 } },
	/* (五) 从业人员 300 人以下或营业收入 20000 万元以下 */
	{ "retail", "零售业", X | Y,
	  { P(300), W(20000), 0 }, { P(50), W(500), 0 }, { P(10), W(100), 0 } },
	/* (六) 从业人员 1000 人以下或营业收入 30000 万元以下 */
	{ "transport", "交通运输业", X | Y,
	  { P(1000), W(30000), 0 }, { P(300), W(3000), 0 }, { P(20), W(200), 0 } },
	/* (七) 从业人员 200 人以下或营业收入 30000 万元以下 */
	{ "warehousing", "仓储业", X | Y,
	  { P(200), W(30000), 0 }, { P(100), W(1000), 0 }, { P(20), W(100), 0 } },
	/* (八) 从业人员 1000 人以下或营业收入 30000 万元以下 */
	{ "postal", "邮政业", X | Y,
	  { P(1000), W(30000), 0 }, { P(300), W(2000), 0 }, { P(20), W(100), 0 } },
	/* (九) 从业人员 300 人以下或营业收入 10000 万元以下 */
	{ "hotel", "住宿业", X | Y,
	  { P(300), W(10000), 0 }, { P(100), W(2000), 0 }, { P(10), W(100), 0 } },
	/* (十) 从业人员 300 人以下或营业收入 10000 万元以下 */
	{ "catering", "餐饮业", X | Y,
	  { P(300), W(10000), 0 }, { P(100), W(2000), 0 }, { P(10), W(100), 0 } },
	/* (十一) 从业人员 2000 人以下或营业收入 100000 万元以下 */
	{ "telecom", "信息传输业", X | Y,
	  { P(2000), W(100000), 0 }, { P(100), W(1000), 0 }, { P(10), W(100), 0 } },
	/* (十二) 从业人员 300 人以下或营业收入 10000 万元以下 */
	{ "software", "软件和信息技术服务业", X | Y,
	  { P(300), W(10000), 0 }, { P(100), W(1000), 0 }, { P(10), W(50), 0 } },
	/* (十三) 营业收入 200000 万元以下或资产总额 10000 万元以下 */
	{ "real_estate", "房地产开发经营", Y | Z,
	  { 0, W(200000), W(10000) }, { 0, W(1000), W(5000) }, { 0, W(100), W(2000) } },
	/* (十四) 从业人员 1000 人以下或营业收入 5000 万元以下 */
	{ "property", "物业管理", X | Y,
	  { P(1000), W(5000), 0 }, { P(300), W(1000), 0 }, { P(100), W(500), 0 } },
	/* (十五) 从业人员 300 人以下或资产总额 120000 万元以下 */
	{ "leasing", "租赁和商务服务业", X | Z,
	  { P(300), 0, W(120000) }, { P(100), 0, W(8000) }, { P(10), 0, W(100) } },
	/* (十六) 从业人员 300 人以下 */
	{ "other", "其他未列明行业", X,
	  { P(300), 0, 0 }, { P(100), 0, 0 }, { P(10), 0, 0 } },
};

#undef X
#undef Y
#undef Z

const struct size_industry *
size_industry_find(const char *code)
{
	if (code == NULL)
		return NULL;
	for (size_t i = 0; i < SIZE_INDUSTRY_COUNT; i++)
		if (strcmp(size_industries[i].code, code) == 0)
			return &size_industries[i];
	return NULL;
}

const char *
size_class_name_zh(enum rule_size size)
{
	switch (size) {
	case RULE_SIZE_MICRO:  return "微型";
	case RULE_SIZE_SMALL:  return "小型";
	case RULE_SIZE_MEDIUM: return "中型";
	case RULE_SIZE_LARGE:  return "大型";
	default:               return NULL;
	}
}

static const char *const metric_names[3] = { "从业人员", "营业收入", "资产总额" };

/* True when every figure the group uses is at or above its bound. */
static int
meets(const struct size_industry *g, const int64_t v[3], const int64_t lo[3])
{
	for (int i = 0; i < 3; i++)
		if ((g->metrics & (1u << i)) && v[i] < lo[i])
			return 0;
	return 1;
}

/* "从业人员 20 人及以上且营业收入 300 万元及以上" (at_least) or "从业人员
 * 20 人以下或营业收入 300 万元以下" into b. */
static void
bounds_text(const struct size_industry *g, const int64_t lo[3], int at_least,
    char *b, size_t n)
{
	size_t len = 0;
	int first = 1;

	b[0] = '\0';
	for (int i = 0; i < 3 && len < n; i++) {
		if (!(g->metrics & (1u << i)))
			continue;
		len += (size_t)snprintf(b + len, n - len, "%s%s %lld %s%s",
		    first ? "" : (at_least ? "且" : "或"), metric_names[i],
		    (long long)(i == 0 ? lo[i] : lo[i] / 1000000),
		    i == 0 ? "人" : "万元", at_least ? "及以上" : "以下");
		first = 0;
	}
}

int
size_classify(const char *code, int64_t employees, int64_t revenue,
    int64_t assets, struct size_result *out)
{
	const struct size_industry *g = size_industry_find(code);
	const int64_t v[3] = { employees, revenue, assets };
	char cond[160];

	if (g == NULL || employees < 0 || revenue < 0 || assets < 0)
		return -1;
	if (meets(g, v, g->large)) {
		out->size = RULE_SIZE_LARGE;
		bounds_text(g, g->large, 1, cond, sizeof(cond));
	} else if (meets(g, v, g->medium)) {
		out->size = RULE_SIZE_MEDIUM;
		bounds_text(g, g->medium, 1, cond, sizeof(cond));
	} else if (meets(g, v, g->small)) {
		out->size = RULE_SIZE_SMALL;
		bounds_text(g, g->small, 1, cond, sizeof(cond));
	} else {
		out->size = RULE_SIZE_MICRO;
		bounds_text(g, g->small, 0, cond, sizeof(cond));
	}
	snprintf(out->basis, sizeof(out->basis), "%s：%s → %s%s", g->name, cond,
	    size_class_name_zh(out->size),
	    out->size == RULE_SIZE_LARGE ? "（不属于中小微企业）" : "");
	return 0;
}
