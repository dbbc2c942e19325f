/*
 * sizeclass.h - enterprise size classification (企业划型, rule E10) by the
 * national standard 工信部联企业〔2011〕300号 《中小企业划型标准规定》:
 * sixteen industry groups, each judged on one or two of three figures
 * (employees 从业人员, revenue 营业收入, total assets 资产总额) against the
 * lower bounds of the medium, small and (the standard's upper limit of an
 * SME) large classes.
 *
 * The standard's rule of thumb: a large, medium or small enterprise meets
 * every lower bound of its class at once (且); otherwise it falls one class
 * lower; a micro enterprise need only be below one bound of the small class
 * (或). The thresholds are data (the table in sizeclass.c), one row per
 * group, never a cascade of ifs.
 *
 * Pure: no I/O, no allocation, no mutable state. Money in fen (rule M1).
 * Tested per group at each boundary in tests/unit/test_sizeclass.c.
 */
#ifndef VOUCHER_SIZECLASS_H
#define VOUCHER_SIZECLASS_H

#include <stddef.h>
#include <stdint.h>

#include "rules.h"

/* The figures a group is judged on, as bits. */
enum size_metric {
	SIZE_EMPLOYEES = 1 << 0,    /* 从业人员 X, persons               */
	SIZE_REVENUE   = 1 << 1,    /* 营业收入 Y, fen                   */
	SIZE_ASSETS    = 1 << 2     /* 资产总额 Z, fen                   */
};

/* The sixteen groups of E10, in the standard's order. */
#define SIZE_INDUSTRY_COUNT 16

/* One group of the standard: its code (SPEC E10), Chinese name, the
 * figures it is judged on, and the lower bound of each class for each of
 * its figures (index: 0 employees, 1 revenue, 2 assets; unused 0). */
struct size_industry {
	const char *code;           /* "industry"                        */
	const char *name;           /* "工业"                            */
	unsigned    metrics;        /* enum size_metric bits             */
	int64_t     large[3];       /* the SME upper limit: at or above
	                               every one of these is large       */
	int64_t     medium[3];
	int64_t     small[3];
};

/* The sixteen groups, in the standard's order. */
extern const struct size_industry size_industries[SIZE_INDUSTRY_COUNT];

/* The group of code; NULL when code is none of the sixteen (or NULL). */
const struct size_industry *size_industry_find(const char *code);

/* The result of a classification. */
struct size_result {
	enum rule_size size;        /* RULE_SIZE_MICRO … RULE_SIZE_LARGE */
	char basis[240];            /* the rule that decided it, in
	                               Chinese: "工业：从业人员 20 人及以上且
	                               营业收入 300 万元及以上 → 小型"       */
};

/*
 * E10: classifies an enterprise of industry code from its declared
 * figures (employees >= 0; revenue and assets in fen >= 0; a figure the
 * group does not use is ignored). Returns 0 with *out filled, or -1 on an
 * unknown industry or a negative figure (out untouched).
 */
int size_classify(const char *code, int64_t employees, int64_t revenue,
    int64_t assets, struct size_result *out);

/* The Chinese name of a size class ("微型", "小型", "中型", "大型"), or
 * NULL. */
const char *size_class_name_zh(enum rule_size size);

#endif
