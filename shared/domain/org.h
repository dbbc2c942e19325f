/*
 * org.h - organisations that join by themselves (rules E9-E13), as every
 * program sees them: the role of a member (E13) carried in the session,
 * and the certification state an account's /api/me shows (E9, E12).
 */
#ifndef VOUCHER_ORG_H
#define VOUCHER_ORG_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

struct db;

/* E13: what a member of an organisation may do. */
enum member_role {
	MEMBER_ADMIN,      /* 管理员: everything, the members and the
	                      certification included                    */
	MEMBER_OPERATOR,   /* 经办人: acts for the organisation (orders,
	                      confirms, rates; accepts, contracts,
	                      uploads, submits)                          */
	MEMBER_VIEWER,     /* 查看者: reads only                          */
	MEMBER__MAX
};

/* "admin" | "operator" | "viewer"; NULL when out of range. */
const char *member_role_name(enum member_role role);
/* The Chinese name ("管理员", "经办人", "查看者"); NULL when out of range. */
const char *member_role_name_zh(enum member_role role);
/* The role named name; -1 when none is. */
int member_role_parse(const char *name);

/* The Chinese name of an organisation's certification state (draft 待提交,
 * submitted 待审核, returned 退回修改, rejected 不予认证, approved 已认证);
 * NULL for an unknown state. */
const char *org_state_name_zh(const char *state);

/*
 * The certification of an account's organisation for /api/me: {state,
 * state_name, certified, reason (the last decision's, when returned or
 * rejected), org_id}. org_id 0 with certified true: an organisation the
 * bureau onboarded that never used these pages. Sets *out (a new
 * reference) and returns DB_OK, or a DB_* failure.
 */
int org_certification_json(struct db *db, int64_t org_id, bool certified,
    json_t **out);

#endif
