/*
 * org.c - member roles and the certification state (see org.h).
 */
#include <string.h>

#include "db.h"
#include "lib_sql.h"
#include "org.h"

static const char *const role_names[MEMBER__MAX] = {
	[MEMBER_ADMIN]    = "admin",
	[MEMBER_OPERATOR] = "operator",
	[MEMBER_VIEWER]   = "viewer",
};

static const char *const role_names_zh[MEMBER__MAX] = {
	[MEMBER_ADMIN]    = "管理员",
	[MEMBER_OPERATOR] = "经办人",
	[MEMBER_VIEWER]   = "查看者",
};

const char *
member_role_name(enum member_role role)
{
	return (unsigned)role < MEMBER__MAX ? role_names[role] : NULL;
}

const char *
member_role_name_zh(enum member_role role)
{
	return (unsigned)role < MEMBER__MAX ? role_names_zh[role] : NULL;
}

int
member_role_parse(const char *name)
{
	for (int i = 0; name != NULL && i < MEMBER__MAX; i++)
		if (strcmp(name, role_names[i]) == 0)
			return i;
	return -1;
}

static const char *const states[][2] = {
	{ "draft",     "待提交" },
	{ "submitted", "待审核" },
	{ "returned",  "退回修改" },
	{ "rejected",  "不予认证" },
	{ "approved",  "已认证" },
};

const char *
org_state_name_zh(const char *state)
{
	for (size_t i = 0; state != NULL && i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(state, states[i][0]) == 0)
			return states[i][1];
	return NULL;
}

struct org_state_row {
	int64_t     id;
	const char *kind;
	const char *state;
	const char *name;
	const char *last_decision;
	const char *last_reason;
	int64_t     enterprise_id;
	int64_t     provider_id;
	time_t      updated_at;
};

static const struct db_col org_state_cols[] = {
	DB_COL(struct org_state_row, id),
	DB_COL(struct org_state_row, kind),
	DB_COL(struct org_state_row, state),
	DB_COL(struct org_state_row, name),
	DB_COL(struct org_state_row, last_decision),
	DB_COL(struct org_state_row, last_reason),
	DB_COL(struct org_state_row, enterprise_id),
	DB_COL(struct org_state_row, provider_id),
	DB_COL(struct org_state_row, updated_at),
};
static const struct db_rowmap org_state_map =
    DB_ROWMAP(struct org_state_row, org_state_cols);

int
org_certification_json(struct db *db, int64_t org_id, bool certified,
    json_t **out)
{
	struct db_res *keep = NULL;
	struct org_state_row o;
	bool show_reason;
	int rc;

	*out = NULL;
	if (org_id <= 0) {
		/* onboarded by the bureau: certified by it */
		*out = json_pack("{s:s,s:s,s:b,s:n,s:n}", "state", certified ?
		    "approved" : "draft", "state_name", certified ? "已认证" :
		    "待提交", "certified", certified, "reason", "org_id");
		return DB_OK;
	}
	rc = db_one(db, DBS_ORG_STATE, DB_ARGS(DB_I64(org_id)), &org_state_map,
	    &o, &keep);
	if (rc == DB_OK) {
		show_reason = o.last_reason != NULL && o.last_decision != NULL &&
		    strcmp(o.last_decision, "approve") != 0 &&
		    strcmp(o.state, "submitted") != 0;
		*out = json_pack("{s:s,s:s,s:b,s:I,s:s?,s:s?,s:s?}", "state",
		    o.state, "state_name", org_state_name_zh(o.state), "certified",
		    o.enterprise_id > 0 || o.provider_id > 0, "org_id",
		    (json_int_t)o.id, "name", o.name, "last_decision",
		    o.last_decision, "reason", show_reason ? o.last_reason : NULL);
		if (json_object_get(*out, "reason") == NULL)
			json_object_set_new(*out, "reason", json_null());
	}
	db_res_free(keep);
	return rc;
}
