/*
 * db.c - all SQL of the registration program (registration.h), as named
 * statements, and the typed functions over them: no handler reads a
 * column by number or builds a parameter list by hand.
 */
#include <string.h>

#include "page.h"
#include "registration.h"
#include "upload.h"

/* The inbox's totals kept by 020_party_counts.sql's triggers, one
 * account's rows: all or only the unread (unread only, account) and the
 * unread (account). */
#define INBOX_TOTAL "(SELECT COALESCE(SUM(IF(? = 0, n, unread)), 0)" \
	" FROM notification_counts WHERE account_id = ?)"
#define INBOX_UNREAD "(SELECT COALESCE(SUM(unread), 0)" \
	" FROM notification_counts WHERE account_id = ?)"

#define ORG_COLS \
	"id, kind, enterprise_id, provider_id, state, name, uscc," \
	" legal_representative, registered_district," \
	" COALESCE(registered_in_beijing, -1) AS registered_in_beijing," \
	" COALESCE(is_enterprise, -1) AS is_enterprise," \
	" COALESCE(main_body_in_beijing, -1) AS main_body_in_beijing," \
	" industry, COALESCE(employees, -1) AS employees," \
	" COALESCE(revenue, -1) AS revenue," \
	" COALESCE(total_assets, -1) AS total_assets," \
	" COALESCE(figures_year, 0) AS figures_year, size_class, size_basis," \
	" claims_specialized, claims_little_giant, quals_declared," \
	" certified_json, certified_at, last_decision, last_reason, address," \
	" contact_name, contact_phone, website, bank_name, bank_account_name," \
	" bank_account, created_at, updated_at FROM organisations"

/* a status's certifications (of one kind: not NULL), kept per status and
 * kind by 022_queue_counts.sql's triggers (slots): status, kind x2 */
#define CERT_TOTAL \
	"(SELECT CAST(COALESCE(SUM(n), 0) AS SIGNED)" \
	" FROM certification_counts WHERE status = ? AND (? IS NULL OR kind = ?))"

#define CERT_COLS \
	"c.id, c.org_id, c.kind, c.status, c.is_change, c.name, c.uscc," \
	" c.size_class, c.values_json, c.licence_stored, c.licence_type," \
	" c.licence_name, c.licence_sha256, c.licence_size, c.submitted_at," \
	" c.submitted_by, c.decided_at, c.decided_role, c.reason" \
	" FROM certifications c"

const struct db_stmt registration_stmts[STMT__MAX] = {
	/* ---- accounts and codes (signup.c) ---- */
	/* mobile: the account whose login is it, locked */
	DB_STMT(STMT_ACCOUNT_BY_MOBILE,
	"SELECT id, role, org_id, enterprise_id, provider_id,"
	" mobile_verified_at IS NOT NULL AS verified, disabled, member_role,"
	" display_name FROM accounts WHERE mobile = ? FOR UPDATE"),
	/* login, mobile, hash, role, enterprise, provider, org, member role,
	 * disabled, verified at, created, name */
	DB_STMT(STMT_ACCOUNT_INSERT,
	"INSERT INTO accounts (login, mobile, password_hash, role, enterprise_id,"
	" provider_id, org_id, member_role, disabled, mobile_verified_at,"
	" created_at, display_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
	/* hash, role, name, id: a signup again before the code came */
	DB_STMT(STMT_ACCOUNT_RESIGN,
	"UPDATE accounts SET password_hash = ?, role = ?, display_name = ?"
	" WHERE id = ? AND mobile_verified_at IS NULL"),
	/* now, id */
	DB_STMT(STMT_ACCOUNT_VERIFY,
	"UPDATE accounts SET disabled = 0, mobile_verified_at = ?"
	" WHERE id = ? AND mobile_verified_at IS NULL"),
	/* hash, role, enterprise, provider, org, member role, name, now, id:
	 * an unverified account accepts an invitation */
	DB_STMT(STMT_ACCOUNT_JOIN,
	"UPDATE accounts SET password_hash = ?, role = ?, enterprise_id = ?,"
	" provider_id = ?, org_id = ?, member_role = ?, display_name = ?,"
	" disabled = 0, mobile_verified_at = ? WHERE id = ?"
	" AND mobile_verified_at IS NULL"),
	DB_STMT(STMT_ACCOUNT_LOGGED_IN,
	"UPDATE accounts SET last_login_at = ? WHERE id = ?"),
	DB_STMT(STMT_SESSION_INSERT,
	"INSERT INTO sessions (token_hash, account_id, csrf_token, created_at,"
	" last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)"),
	/* mobile, purpose, invite, hash, now, expires: the one code */
	DB_STMT(STMT_CODE_UPSERT,
	"INSERT INTO verification_codes (mobile, purpose, invite_id, code_hash,"
	" created_at, expires_at, tries_left) VALUES (?, ?, ?, ?, ?, ?, 5)"
	" ON DUPLICATE KEY UPDATE purpose = VALUES(purpose),"
	" invite_id = VALUES(invite_id), code_hash = VALUES(code_hash),"
	" created_at = VALUES(created_at), expires_at = VALUES(expires_at),"
	" tries_left = 5"),
	/* mobile, now: one try spent, before the code is compared */
	DB_STMT(STMT_CODE_TRY,
	"UPDATE verification_codes SET tries_left = tries_left - 1"
	" WHERE mobile = ? AND tries_left > 0 AND expires_at > ?"),
	DB_STMT(STMT_CODE_GET,
	"SELECT purpose, invite_id, code_hash FROM verification_codes"
	" WHERE mobile = ?"),
	/* mobile, hash: consumed if still that code */
	DB_STMT(STMT_CODE_TAKE,
	"DELETE FROM verification_codes WHERE mobile = ? AND code_hash = ?"),

	/* ---- invitations (E13) ---- */
	/* mobile, now */
	DB_STMT(STMT_INVITE_OPEN_BY_MOBILE,
	"SELECT id, org_id, mobile, member_role, name, status, invited_at,"
	" expires_at FROM org_invites WHERE mobile = ? AND status = 'open'"
	" AND expires_at > ? ORDER BY id DESC LIMIT 1"),
	DB_STMT(STMT_INVITE_LOCK,
	"SELECT id, org_id, mobile, member_role, name, status, invited_at,"
	" expires_at FROM org_invites WHERE id = ? FOR UPDATE"),
	/* org, mobile, role, name, now, by, expires */
	DB_STMT(STMT_INVITE_INSERT,
	"INSERT INTO org_invites (org_id, mobile, member_role, name, status,"
	" invited_at, invited_by, expires_at) VALUES (?, ?, ?, ?, 'open', ?, ?, ?)"),
	/* status, account, now, id */
	DB_STMT(STMT_INVITE_CLOSE,
	"UPDATE org_invites SET status = ?, account_id = ?, closed_at = ?"
	" WHERE id = ? AND status = 'open'"),
	/* org, now: the open ones */
	DB_STMT(STMT_INVITES_OF,
	"SELECT id, org_id, mobile, member_role, name, status, invited_at,"
	" expires_at FROM org_invites WHERE org_id = ? AND status = 'open'"
	" AND expires_at > ? ORDER BY id"),

	/* ---- organisations ---- */
	/* kind, now, now */
	DB_STMT(STMT_ORG_INSERT,
	"INSERT INTO organisations (kind, state, created_at, updated_at)"
	" VALUES (?, 'draft', ?, ?)"),
	/* kind, now, id: still nothing certified */
	DB_STMT(STMT_ORG_KIND,
	"UPDATE organisations SET kind = ?, updated_at = ? WHERE id = ?"
	" AND enterprise_id IS NULL AND provider_id IS NULL"),
	DB_STMT(STMT_ORG_GET,
	"SELECT " ORG_COLS " WHERE id = ?"),
	DB_STMT(STMT_ORG_LOCK,
	"SELECT " ORG_COLS " WHERE id = ? FOR UPDATE"),
	DB_STMT(STMT_ORG_BY_ENTERPRISE,
	"SELECT id FROM organisations WHERE enterprise_id = ?"),
	DB_STMT(STMT_ORG_BY_PROVIDER,
	"SELECT id FROM organisations WHERE provider_id = ?"),
	/* now, now, enterprise id: the bureau's record as the organisation's
	 * values (IGNORE: another request adopted it first) */
	DB_STMT(STMT_ORG_ADOPT_ENTERPRISE,
	"INSERT IGNORE INTO organisations (kind, enterprise_id, state, name, uscc,"
	" registered_in_beijing, is_enterprise, size_class, certified_json,"
	" certified_at, created_at, updated_at)"
	" SELECT 'enterprise', e.id, 'approved', e.name, e.uscc,"
	" e.beijing_registered, e.is_enterprise, e.size_class,"
	" JSON_OBJECT('name', e.name, 'uscc', e.uscc, 'registered_in_beijing',"
	" e.beijing_registered = 1, 'is_enterprise', e.is_enterprise = 1,"
	" 'size_class', e.size_class), e.created_at, ?, ?"
	" FROM enterprises e WHERE e.id = ?"),
	DB_STMT(STMT_ORG_ADOPT_PROVIDER,
	"INSERT IGNORE INTO organisations (kind, provider_id, state, name, uscc,"
	" registered_in_beijing, main_body_in_beijing, certified_json,"
	" certified_at, created_at, updated_at)"
	" SELECT 'provider', p.id, 'approved', p.name, p.uscc,"
	" p.beijing_registered, p.main_body_beijing,"
	" JSON_OBJECT('name', p.name, 'uscc', p.uscc, 'registered_in_beijing',"
	" p.beijing_registered = 1, 'main_body_in_beijing',"
	" p.main_body_beijing = 1), p.created_at, ?, ?"
	" FROM providers p WHERE p.id = ?"),
	/* org, enterprise, provider: the party's accounts join it */
	DB_STMT(STMT_ACCOUNTS_ADOPT,
	"UPDATE accounts SET org_id = ? WHERE org_id IS NULL"
	" AND (enterprise_id = ? OR provider_id = ?)"),
	/* name, uscc, legal rep, district, beijing, is ent, main body, state,
	 * now, id */
	DB_STMT(STMT_ORG_IDENTITY,
	"UPDATE organisations SET name = ?, uscc = ?, legal_representative = ?,"
	" registered_district = ?, registered_in_beijing = ?, is_enterprise = ?,"
	" main_body_in_beijing = ?, state = ?, updated_at = ? WHERE id = ?"),
	/* industry, employees, revenue, assets, year, class, basis, state,
	 * now, id */
	DB_STMT(STMT_ORG_CLASSIFICATION,
	"UPDATE organisations SET industry = ?, employees = ?, revenue = ?,"
	" total_assets = ?, figures_year = ?, size_class = ?, size_basis = ?,"
	" state = ?, updated_at = ? WHERE id = ?"),
	/* specialized, little giant, now, id */
	DB_STMT(STMT_ORG_QUALS,
	"UPDATE organisations SET claims_specialized = ?, claims_little_giant = ?,"
	" quals_declared = 1, updated_at = ? WHERE id = ?"),
	DB_STMT(STMT_ORG_PROFILE,
	"UPDATE organisations SET address = ?, contact_name = ?,"
	" contact_phone = ?, website = ?, bank_name = ?, bank_account_name = ?,"
	" bank_account = ?, updated_at = ? WHERE id = ?"),
	/* state, now, id */
	DB_STMT(STMT_ORG_STATE,
	"UPDATE organisations SET state = ?, updated_at = ? WHERE id = ?"),
	/* state, decision, reason, certified json (NULL: kept), certified
	 * json again, now, now, id */
	DB_STMT(STMT_ORG_DECIDED,
	"UPDATE organisations SET state = ?, last_decision = ?, last_reason = ?,"
	" certified_json = COALESCE(?, certified_json),"
	" certified_at = IF(? IS NULL, certified_at, ?), updated_at = ?"
	" WHERE id = ?"),
	/* now, id: the declared values back to the certified ones */
	DB_STMT(STMT_ORG_RESET,
	"UPDATE organisations SET"
	" name = JSON_VALUE(certified_json, '$.name'),"
	" uscc = JSON_VALUE(certified_json, '$.uscc'),"
	" legal_representative = JSON_VALUE(certified_json, '$.legal_representative'),"
	" registered_district = JSON_VALUE(certified_json, '$.registered_district'),"
	" registered_in_beijing = JSON_VALUE(certified_json, '$.registered_in_beijing') = 'true',"
	" is_enterprise = IF(kind = 'enterprise',"
	"  JSON_VALUE(certified_json, '$.is_enterprise') = 'true', is_enterprise),"
	" main_body_in_beijing = IF(kind = 'provider',"
	"  JSON_VALUE(certified_json, '$.main_body_in_beijing') = 'true',"
	"  main_body_in_beijing),"
	" industry = JSON_VALUE(certified_json, '$.industry'),"
	" employees = JSON_VALUE(certified_json, '$.employees'),"
	" revenue = JSON_VALUE(certified_json, '$.revenue'),"
	" total_assets = JSON_VALUE(certified_json, '$.total_assets'),"
	" figures_year = JSON_VALUE(certified_json, '$.year'),"
	" size_class = JSON_VALUE(certified_json, '$.size_class'),"
	" size_basis = JSON_VALUE(certified_json, '$.size_basis'),"
	" updated_at = ? WHERE id = ? AND certified_json IS NOT NULL"),
	/* enterprise, provider, now, id */
	DB_STMT(STMT_ORG_CERTIFIED_IDS,
	"UPDATE organisations SET enterprise_id = ?, provider_id = ?,"
	" updated_at = ? WHERE id = ?"),
	DB_STMT(STMT_USCC_ENTERPRISE,
	"SELECT id FROM enterprises WHERE uscc = ?"),
	DB_STMT(STMT_USCC_PROVIDER,
	"SELECT id FROM providers WHERE uscc = ?"),

	/* ---- the licence ---- */
	DB_STMT(STMT_FILE_LOCK,
	"SELECT original_name, stored_name, content_type, sha256, size_bytes,"
	" uploaded_at FROM org_files WHERE org_id = ? AND kind = 'licence'"
	" FOR UPDATE"),
	/* org, name, stored, type, size, sha, now, by */
	DB_STMT(STMT_FILE_UPSERT,
	"INSERT INTO org_files (org_id, kind, original_name, stored_name,"
	" content_type, size_bytes, sha256, uploaded_at, uploaded_by)"
	" VALUES (?, 'licence', ?, ?, ?, ?, ?, ?, ?)"
	" ON DUPLICATE KEY UPDATE original_name = VALUES(original_name),"
	" stored_name = VALUES(stored_name), content_type = VALUES(content_type),"
	" size_bytes = VALUES(size_bytes), sha256 = VALUES(sha256),"
	" uploaded_at = VALUES(uploaded_at), uploaded_by = VALUES(uploaded_by)"),
	DB_STMT(STMT_FILE_GET,
	"SELECT original_name, stored_name, content_type, sha256, size_bytes,"
	" uploaded_at FROM org_files WHERE org_id = ? AND kind = 'licence'"),
	DB_STMT(STMT_FILE_REFERENCED,
	"SELECT 1 AS x FROM certifications WHERE licence_stored = ? LIMIT 1"),

	/* ---- certifications (the verification queue) ---- */
	/* org, kind, change, name, uscc, class, values, licence stored,
	 * type, name, size, sha, now, by */
	DB_STMT(STMT_CERT_INSERT,
	"INSERT INTO certifications (org_id, kind, status, is_change, name, uscc,"
	" size_class, values_json, licence_stored, licence_type, licence_name,"
	" licence_size, licence_sha256, submitted_at, submitted_by)"
	" VALUES (?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
	DB_STMT(STMT_CERT_LOCK,
	"SELECT " CERT_COLS " WHERE c.id = ? FOR UPDATE"),
	DB_STMT(STMT_CERT_GET,
	"SELECT " CERT_COLS " WHERE c.id = ?"),
	/* status, reason, by, role, now, id */
	DB_STMT(STMT_CERT_DECIDE,
	"UPDATE certifications SET status = ?, reason = ?, decided_by = ?,"
	" decided_role = ?, decided_at = ? WHERE id = ? AND status = 'pending'"),
	DB_STMT(STMT_CERT_PENDING_OF,
	"SELECT id, submitted_at FROM certifications WHERE org_id = ?"
	" AND status = 'pending'"),
	/* the queue, oldest first along ix_certifications_queue (status,
	 * submitted_at, id), carrying its total: status, kind x2, kind x2,
	 * limit, offset */
	DB_STMT(STMT_CERT_QUEUE,
	"SELECT c.id, c.kind, c.status, c.is_change, c.name, c.uscc,"
	" c.size_class, c.submitted_at, c.decided_at, c.decided_role, c.reason,"
	" " CERT_TOTAL " AS " PAGE_TOTAL_COL
	" FROM certifications c WHERE c.status = 'pending'"
	" AND (? IS NULL OR c.kind = ?) ORDER BY c.submitted_at, c.id"
	" LIMIT ? OFFSET ?"),
	/* the decided ones, newest decision first along
	 * ix_certifications_decided (status, decided_at DESC, id; 007),
	 * carrying their total: status, kind x2, status, kind x2, limit,
	 * offset */
	DB_STMT(STMT_CERT_LIST,
	"SELECT c.id, c.kind, c.status, c.is_change, c.name, c.uscc,"
	" c.size_class, c.submitted_at, c.decided_at, c.decided_role, c.reason,"
	" " CERT_TOTAL " AS " PAGE_TOTAL_COL " FROM certifications c WHERE c.status = ? AND (? IS NULL OR c.kind = ?)"
	" ORDER BY c.decided_at DESC, c.id LIMIT ? OFFSET ?"),
	/* the total alone (an empty page past the first): status, kind x2 */
	DB_STMT(STMT_CERT_COUNT,
	"SELECT " CERT_TOTAL " AS n"),

	/* ---- the certified rows ---- */
	DB_STMT(STMT_ENTERPRISE_INSERT,
	"INSERT INTO enterprises (name, uscc, tier, size_class,"
	" beijing_registered, is_enterprise, credit_flagged, created_at,"
	" updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)"),
	/* name, class, beijing, is ent, now, id */
	DB_STMT(STMT_ENTERPRISE_UPDATE,
	"UPDATE enterprises SET name = ?, size_class = ?, beijing_registered = ?,"
	" is_enterprise = ?, updated_at = ? WHERE id = ?"),
	/* id (the FOR UPDATE form is chosen by the caller's transaction) */
	DB_STMT(STMT_ENTERPRISE_GET,
	"SELECT id, uscc, tier, credit_list_until FROM enterprises WHERE id = ?"
	" FOR UPDATE"),
	/* tier, now, id, tier */
	DB_STMT(STMT_ENTERPRISE_SET_TIER,
	"UPDATE enterprises SET tier = ?, updated_at = ? WHERE id = ? AND tier <> ?"),
	/* until, source, now, id, until, source */
	DB_STMT(STMT_ENTERPRISE_SET_CREDIT,
	"UPDATE enterprises SET credit_list_until = ?, credit_list_source = ?,"
	" updated_at = ? WHERE id = ? AND NOT (credit_list_until <=> ?"
	" AND credit_list_source <=> ?)"),
	/* enterprise, provider, org */
	DB_STMT(STMT_ACCOUNTS_CERTIFY,
	"UPDATE accounts SET enterprise_id = ?, provider_id = ? WHERE org_id = ?"
	" AND removed_at IS NULL"),
	DB_STMT(STMT_PROVIDER_INSERT,
	"INSERT INTO providers (name, uscc, beijing_registered, main_body_beijing,"
	" has_premises, credit_flagged, created_at, updated_at)"
	" VALUES (?, ?, ?, ?, 1, 0, ?, ?)"),
	/* name, beijing, main body, now, id */
	DB_STMT(STMT_PROVIDER_UPDATE,
	"UPDATE providers SET name = ?, beijing_registered = ?,"
	" main_body_beijing = ?, updated_at = ? WHERE id = ?"),
	/* enterprise, year, cap, cap (E8: what is occupied stays) */
	/* enterprise, year, cap: the year's row if there is none. Not ON
	 * DUPLICATE KEY UPDATE: that needs UPDATE on every inserted column,
	 * and this program may update only the cap */
	DB_STMT(STMT_QUOTA_ENSURE,
	"INSERT IGNORE INTO enterprise_quota (enterprise_id, year, cap, occupied)"
	" VALUES (?, ?, ?, 0)"),
	/* cap, enterprise, year: that year's row and later years' */
	DB_STMT(STMT_QUOTA_SET,
	"UPDATE enterprise_quota SET cap = ? WHERE enterprise_id = ? AND year >= ?"),

	/* ---- members (E13) ---- */
	DB_STMT(STMT_MEMBERS_OF,
	"SELECT id, mobile, login, display_name, member_role, created_at,"
	" last_login_at, disabled FROM accounts WHERE org_id = ?"
	" AND removed_at IS NULL ORDER BY id"),
	/* org, account */
	DB_STMT(STMT_MEMBER_LOCK,
	"SELECT id, mobile, login, display_name, member_role, created_at,"
	" last_login_at, disabled FROM accounts WHERE org_id = ? AND id = ?"
	" AND removed_at IS NULL FOR UPDATE"),
	DB_STMT(STMT_MEMBER_ROLE,
	"UPDATE accounts SET member_role = ? WHERE id = ? AND removed_at IS NULL"),
	/* now, id: no login, no mobile, no session any more; the row stays
	 * for the trails that name it */
	DB_STMT(STMT_MEMBER_REMOVE,
	"UPDATE accounts SET disabled = 1, removed_at = ?,"
	" login = CONCAT('removed-', id), mobile = NULL"
	" WHERE id = ? AND removed_at IS NULL"),
	DB_STMT(STMT_MEMBER_SESSIONS_END,
	"DELETE FROM sessions WHERE account_id = ?"),
	DB_STMT(STMT_ADMINS_COUNT,
	"SELECT COUNT(*) FROM accounts WHERE org_id = ? AND member_role = 'admin'"
	" AND removed_at IS NULL AND disabled = 0"),
	DB_STMT(STMT_ADMIN_MOBILES,
	"SELECT id, mobile FROM accounts WHERE org_id = ? AND member_role = 'admin'"
	" AND removed_at IS NULL AND disabled = 0 AND mobile IS NOT NULL"
	" ORDER BY id"),

	/* ---- the lists (E11, E14) ---- */
	/* list, year: the rows, locked (and the gaps: a racing import waits) */
	DB_STMT(STMT_QUAL_LOCK,
	"SELECT uscc, name FROM qualification_lists WHERE list = ? AND year = ?"
	" ORDER BY uscc FOR UPDATE"),
	DB_STMT(STMT_QUAL_DELETE,
	"DELETE FROM qualification_lists WHERE list = ? AND year = ?"),
	/* list, year, uscc, name, import */
	DB_STMT(STMT_QUAL_INSERT,
	"INSERT INTO qualification_lists (list, year, uscc, name, import_id)"
	" VALUES (?, ?, ?, ?, ?)"),
	/* uscc, year */
	DB_STMT(STMT_QUAL_OF,
	"SELECT list FROM qualification_lists WHERE uscc = ? AND year = ?"),
	DB_STMT(STMT_CREDIT_LOCK,
	"SELECT uscc, source, listed_on, until FROM credit_list"
	" ORDER BY uscc FOR UPDATE"),
	DB_STMT(STMT_CREDIT_DELETE,
	"DELETE FROM credit_list"),
	/* uscc, source, listed, until, import */
	DB_STMT(STMT_CREDIT_INSERT,
	"INSERT INTO credit_list (uscc, source, listed_on, until, import_id)"
	" VALUES (?, ?, ?, ?, ?)"),
	DB_STMT(STMT_CREDIT_OF,
	"SELECT source, listed_on, until FROM credit_list WHERE uscc = ?"),
	/* list, year, now, by, encoding, sha, rows, added, removed,
	 * unchanged, enterprises changed */
	DB_STMT(STMT_IMPORT_INSERT,
	"INSERT INTO list_imports (list, year, imported_at, imported_by,"
	" encoding, sha256, row_count, added, removed, unchanged,"
	" enterprises_changed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
	/* enterprises changed, id */
	DB_STMT(STMT_IMPORT_COUNTS,
	"UPDATE list_imports SET enterprises_changed = ? WHERE id = ?"),
	DB_STMT(STMT_IMPORTS_RECENT,
	"SELECT i.id, i.list, i.year, i.imported_at, i.encoding, i.row_count,"
	" i.added, i.removed, i.unchanged, i.enterprises_changed,"
	" COALESCE(a.display_name, a.login) AS imported_by"
	" FROM list_imports i JOIN accounts a ON a.id = i.imported_by"
	" ORDER BY i.id DESC LIMIT 20"),
	/* the lists' sizes kept by 022_queue_counts.sql's triggers: each
	 * list and year holding rows, and the credit list (year 0 there) */
	DB_STMT(STMT_LIST_SIZES,
	"SELECT list, IF(list = 'credit', NULL, year) AS year, n"
	" FROM list_counts WHERE n > 0 OR list = 'credit' ORDER BY 1, 2 DESC"),
	/* the certified enterprises whose tier follows the lists (E11) */
	DB_STMT(STMT_DECLARED_ENTERPRISES,
	"SELECT o.id AS org_id, o.enterprise_id, e.uscc FROM organisations o"
	" JOIN enterprises e ON e.id = o.enterprise_id"
	" WHERE o.quals_declared = 1 ORDER BY o.id"),
	DB_STMT(STMT_ENTERPRISES_BY_USCC,
	"SELECT id, uscc FROM enterprises WHERE uscc = ?"),

	/* ---- rounds (Y1-Y3) ---- */
	DB_STMT(STMT_ROUND_LIST,
	"SELECT year, apply_opens_on, apply_closes_on, order_opens_on,"
	" order_closes_on, is_current FROM rounds ORDER BY year DESC"),
	DB_STMT(STMT_ROUND_LOCK,
	"SELECT year, apply_opens_on, apply_closes_on, order_opens_on,"
	" order_closes_on, is_current FROM rounds WHERE year = ? FOR UPDATE"),
	/* year, apply opens, closes, order opens, closes, now */
	DB_STMT(STMT_ROUND_INSERT,
	"INSERT INTO rounds (year, apply_opens_on, apply_closes_on,"
	" order_opens_on, order_closes_on, is_current, updated_at)"
	" VALUES (?, ?, ?, ?, ?, 0, ?)"),
	/* apply opens, closes, order opens, closes, now, year */
	DB_STMT(STMT_ROUND_UPDATE,
	"UPDATE rounds SET apply_opens_on = ?, apply_closes_on = ?,"
	" order_opens_on = ?, order_closes_on = ?, updated_at = ? WHERE year = ?"),
	DB_STMT(STMT_ROUND_UNSET_CURRENT,
	"UPDATE rounds SET is_current = 0, updated_at = ? WHERE is_current = 1"
	" AND year <> ?"),
	DB_STMT(STMT_ROUND_SET_CURRENT,
	"UPDATE rounds SET is_current = 1, updated_at = ? WHERE year = ?"),

	/* ---- issue 16: the inbox (inbox.c): ix_notifications_account and
	 * ix_notifications_unread, one account's rows only ---- */
	/* carrying its total (page_list_rows_total) and the unread count:
	 * unread only, account x3, unread only, limit, offset */
	DB_STMT(STMT_INBOX_LIST,
	"SELECT id, kind, text, link, created_at, read_at,"
	" " INBOX_TOTAL " AS page_total, " INBOX_UNREAD " AS unread"
	" FROM notifications"
	" WHERE account_id = ? AND is_secret = 0 AND (? = 0 OR read_at IS NULL)"
	" ORDER BY id DESC LIMIT ? OFFSET ?"),
	/* unread only, account: the total alone, for an empty page past the
	 * first */
	DB_STMT(STMT_INBOX_COUNT,
	"SELECT " INBOX_TOTAL " AS n"),
	/* account */
	DB_STMT(STMT_INBOX_UNREAD,
	"SELECT " INBOX_UNREAD " AS n"),
	/* id, account */
	DB_STMT(STMT_INBOX_GET,
	"SELECT id, kind, text, link, created_at, read_at FROM notifications"
	" WHERE id = ? AND account_id = ? AND is_secret = 0"),
	/* now, id, account */
	DB_STMT(STMT_INBOX_READ,
	"UPDATE notifications SET read_at = ? WHERE id = ? AND account_id = ?"
	" AND is_secret = 0 AND read_at IS NULL"),
	/* now, account */
	DB_STMT(STMT_INBOX_READ_ALL,
	"UPDATE notifications SET read_at = ? WHERE account_id = ?"
	" AND read_at IS NULL AND is_secret = 0"),
	/* account */
	DB_STMT(STMT_PREFS_OF,
	"SELECT kind, enabled FROM notification_prefs WHERE account_id = ?"),
	/* account, kind, enabled, now */
	DB_STMT(STMT_PREF_SET,
	"INSERT INTO notification_prefs (account_id, kind, enabled, updated_at)"
	" VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE enabled = VALUES(enabled),"
	" updated_at = VALUES(updated_at)"),
};

/* ---- row maps ---------------------------------------------------------- */

static const struct db_col account_cols[] = {
	DB_COL(struct account_row, id),
	DB_COL(struct account_row, role),
	DB_COL(struct account_row, org_id),
	DB_COL(struct account_row, enterprise_id),
	DB_COL(struct account_row, provider_id),
	DB_COL(struct account_row, verified),
	DB_COL(struct account_row, disabled),
	DB_COL(struct account_row, member_role),
	DB_COL(struct account_row, display_name),
};
static const struct db_rowmap account_map =
    DB_ROWMAP(struct account_row, account_cols);

static const struct db_col code_cols[] = {
	DB_COL(struct code_row, purpose),
	DB_COL(struct code_row, invite_id),
	DB_COL(struct code_row, code_hash),
};
static const struct db_rowmap code_map = DB_ROWMAP(struct code_row, code_cols);

static const struct db_col invite_cols[] = {
	DB_COL(struct invite_row, id),
	DB_COL(struct invite_row, org_id),
	DB_COL(struct invite_row, mobile),
	DB_COL(struct invite_row, member_role),
	DB_COL(struct invite_row, name),
	DB_COL(struct invite_row, status),
	DB_COL(struct invite_row, invited_at),
	DB_COL(struct invite_row, expires_at),
};
static const struct db_rowmap invite_map =
    DB_ROWMAP(struct invite_row, invite_cols);

static const struct db_col org_cols[] = {
	DB_COL(struct org_row, id),
	DB_COL(struct org_row, kind),
	DB_COL(struct org_row, enterprise_id),
	DB_COL(struct org_row, provider_id),
	DB_COL(struct org_row, state),
	DB_COL(struct org_row, name),
	DB_COL(struct org_row, uscc),
	DB_COL(struct org_row, legal_representative),
	DB_COL(struct org_row, registered_district),
	DB_COL(struct org_row, registered_in_beijing),
	DB_COL(struct org_row, is_enterprise),
	DB_COL(struct org_row, main_body_in_beijing),
	DB_COL(struct org_row, industry),
	DB_COL(struct org_row, employees),
	DB_COL(struct org_row, revenue),
	DB_COL(struct org_row, total_assets),
	DB_COL(struct org_row, figures_year),
	DB_COL(struct org_row, size_class),
	DB_COL(struct org_row, size_basis),
	DB_COL(struct org_row, claims_specialized),
	DB_COL(struct org_row, claims_little_giant),
	DB_COL(struct org_row, quals_declared),
	DB_COL(struct org_row, certified_json),
	DB_COL(struct org_row, certified_at),
	DB_COL(struct org_row, last_decision),
	DB_COL(struct org_row, last_reason),
	DB_COL(struct org_row, address),
	DB_COL(struct org_row, contact_name),
	DB_COL(struct org_row, contact_phone),
	DB_COL(struct org_row, website),
	DB_COL(struct org_row, bank_name),
	DB_COL(struct org_row, bank_account_name),
	DB_COL(struct org_row, bank_account),
	DB_COL(struct org_row, created_at),
	DB_COL(struct org_row, updated_at),
};
static const struct db_rowmap org_map = DB_ROWMAP(struct org_row, org_cols);

struct id_row {
	int64_t id;
};
static const struct db_col id_cols[] = {
	DB_COL(struct id_row, id),
};
static const struct db_rowmap id_map = DB_ROWMAP(struct id_row, id_cols);

static const struct db_col file_cols[] = {
	DB_COL(struct file_row, original_name),
	DB_COL(struct file_row, stored_name),
	DB_COL(struct file_row, content_type),
	DB_COL(struct file_row, sha256),
	DB_COL(struct file_row, size_bytes),
	DB_COL(struct file_row, uploaded_at),
};
static const struct db_rowmap file_map = DB_ROWMAP(struct file_row, file_cols);

static const struct db_col cert_cols[] = {
	DB_COL(struct cert_row, id),
	DB_COL(struct cert_row, org_id),
	DB_COL(struct cert_row, kind),
	DB_COL(struct cert_row, status),
	DB_COL(struct cert_row, is_change),
	DB_COL(struct cert_row, name),
	DB_COL(struct cert_row, uscc),
	DB_COL(struct cert_row, size_class),
	DB_COL(struct cert_row, values_json),
	DB_COL(struct cert_row, licence_stored),
	DB_COL(struct cert_row, licence_type),
	DB_COL(struct cert_row, licence_name),
	DB_COL(struct cert_row, licence_sha256),
	DB_COL(struct cert_row, licence_size),
	DB_COL(struct cert_row, submitted_at),
	DB_COL(struct cert_row, submitted_by),
	DB_COL(struct cert_row, decided_at),
	DB_COL(struct cert_row, decided_role),
	DB_COL(struct cert_row, reason),
};
static const struct db_rowmap cert_map = DB_ROWMAP(struct cert_row, cert_cols);

struct pending_row {
	int64_t id;
	time_t  submitted_at;
};
static const struct db_col pending_cols[] = {
	DB_COL(struct pending_row, id),
	DB_COL(struct pending_row, submitted_at),
};
static const struct db_rowmap pending_map =
    DB_ROWMAP(struct pending_row, pending_cols);

static const struct db_col enterprise_cols[] = {
	DB_COL(struct enterprise_row, id),
	DB_COL(struct enterprise_row, uscc),
	DB_COL(struct enterprise_row, tier),
	DB_COL(struct enterprise_row, credit_list_until),
};
static const struct db_rowmap enterprise_map =
    DB_ROWMAP(struct enterprise_row, enterprise_cols);

static const struct db_col member_cols[] = {
	DB_COL(struct member_row, id),
	DB_COL(struct member_row, mobile),
	DB_COL(struct member_row, login),
	DB_COL(struct member_row, display_name),
	DB_COL(struct member_row, member_role),
	DB_COL(struct member_row, created_at),
	DB_COL(struct member_row, last_login_at),
	DB_COL(struct member_row, disabled),
};
static const struct db_rowmap member_map =
    DB_ROWMAP(struct member_row, member_cols);

static const struct db_col admin_cols[] = {
	DB_COL(struct admin_row, id),
	DB_COL(struct admin_row, mobile),
};
static const struct db_rowmap admin_map = DB_ROWMAP(struct admin_row, admin_cols);

struct list_row {
	const char *list;
};
static const struct db_col list_cols[] = {
	DB_COL(struct list_row, list),
};
static const struct db_rowmap list_map = DB_ROWMAP(struct list_row, list_cols);

static const struct db_col credit_cols[] = {
	DB_COL(struct credit_row, source),
	DB_COL(struct credit_row, listed_on),
	DB_COL(struct credit_row, until),
};
static const struct db_rowmap credit_map =
    DB_ROWMAP(struct credit_row, credit_cols);

/* ---- helpers ----------------------------------------------------------- */

static struct db_param
opt_id(int64_t id)
{
	return id > 0 ? DB_I64(id) : DB_NULLP;
}

/* -1: NULL, else the flag. */
static struct db_param
opt_flag(int v)
{
	return v < 0 ? DB_NULLP : DB_BOOL(v);
}

static struct db_param
opt_i64(int64_t v)
{
	return v < 0 ? DB_NULLP : DB_I64(v);
}

static struct db_param
opt_date(int64_t ymd)
{
	return ymd > 0 ? DB_DATE(ymd / 10000, ymd / 100 % 100, ymd % 100) :
	    DB_NULLP;
}

/* ---- accounts and codes ------------------------------------------------ */

int
db_account_by_mobile(struct db *db, const char *mobile, struct account_row *a,
    struct db_res **keep)
{
	return db_one(db, STMT_ACCOUNT_BY_MOBILE, DB_ARGS(DB_STR(mobile)),
	    &account_map, a, keep);
}

int
db_account_insert(struct db *db, const struct account_new *n, time_t now,
    int64_t *id)
{
	uint64_t got = 0;
	int rc = db_dml(db, STMT_ACCOUNT_INSERT, DB_ARGS(DB_STR(n->mobile),
	    DB_STR(n->mobile), DB_STR(n->hash), DB_STR(n->role),
	    opt_id(n->enterprise_id), opt_id(n->provider_id), DB_I64(n->org_id),
	    DB_STR(n->member_role), DB_BOOL(!n->verified),
	    n->verified ? DB_TIME(now) : DB_NULLP, DB_TIME(now),
	    DB_STR(n->display_name)), &got);

	*id = (int64_t)got;
	return rc;
}

int
db_account_resign(struct db *db, int64_t id, const char *hash,
    const char *role, const char *display_name)
{
	return db_dml(db, STMT_ACCOUNT_RESIGN, DB_ARGS(DB_STR(hash),
	    DB_STR(role), DB_STR(display_name), DB_I64(id)), NULL);
}

int
db_account_verify(struct db *db, int64_t id, time_t now)
{
	return db_dml(db, STMT_ACCOUNT_VERIFY, DB_ARGS(DB_TIME(now),
	    DB_I64(id)), NULL);
}

int
db_account_join(struct db *db, int64_t id, const struct account_new *n,
    time_t now)
{
	return db_dml(db, STMT_ACCOUNT_JOIN, DB_ARGS(DB_STR(n->hash),
	    DB_STR(n->role), opt_id(n->enterprise_id), opt_id(n->provider_id),
	    DB_I64(n->org_id), DB_STR(n->member_role), DB_STR(n->display_name),
	    DB_TIME(now), DB_I64(id)), NULL);
}

int
db_account_logged_in(struct db *db, int64_t id, time_t now)
{
	return db_dml(db, STMT_ACCOUNT_LOGGED_IN, DB_ARGS(DB_TIME(now),
	    DB_I64(id)), NULL);
}

int
db_session_insert(struct db *db, const unsigned char token_hash[32],
    int64_t account_id, const char *csrf, time_t now, time_t expires)
{
	return db_dml(db, STMT_SESSION_INSERT, DB_ARGS(DB_BLOB(token_hash, 32),
	    DB_I64(account_id), DB_STR(csrf), DB_TIME(now), DB_TIME(now),
	    DB_TIME(expires)), NULL);
}

int
db_code_upsert(struct db *db, const char *mobile, const char *purpose,
    int64_t invite_id, const char *hash, time_t now)
{
	int rc = db_dml(db, STMT_CODE_UPSERT, DB_ARGS(DB_STR(mobile),
	    DB_STR(purpose), opt_id(invite_id), DB_STR(hash), DB_TIME(now),
	    DB_TIME(now + CODE_TTL)), NULL);

	return rc == DB_NOTFOUND ? DB_OK : rc;	/* the same row again */
}

int
db_code_try(struct db *db, const char *mobile, time_t now)
{
	return db_dml(db, STMT_CODE_TRY, DB_ARGS(DB_STR(mobile), DB_TIME(now)),
	    NULL);
}

int
db_code_get(struct db *db, const char *mobile, struct code_row *c,
    struct db_res **keep)
{
	return db_one(db, STMT_CODE_GET, DB_ARGS(DB_STR(mobile)), &code_map, c,
	    keep);
}

int
db_code_take(struct db *db, const char *mobile, const char *hash)
{
	return db_dml(db, STMT_CODE_TAKE, DB_ARGS(DB_STR(mobile), DB_STR(hash)),
	    NULL);
}

/* ---- invitations ------------------------------------------------------- */

int
db_invite_open_by_mobile(struct db *db, const char *mobile, time_t now,
    struct invite_row *i, struct db_res **keep)
{
	return db_one(db, STMT_INVITE_OPEN_BY_MOBILE, DB_ARGS(DB_STR(mobile),
	    DB_TIME(now)), &invite_map, i, keep);
}

int
db_invite_lock(struct db *db, int64_t id, struct invite_row *i,
    struct db_res **keep)
{
	return db_one(db, STMT_INVITE_LOCK, DB_ARGS(DB_I64(id)), &invite_map, i,
	    keep);
}

int
db_invite_insert(struct db *db, int64_t org_id, const char *mobile,
    const char *role, const char *name, int64_t by, time_t now, int64_t *id)
{
	uint64_t got = 0;
	int rc = db_dml(db, STMT_INVITE_INSERT, DB_ARGS(DB_I64(org_id),
	    DB_STR(mobile), DB_STR(role), DB_STR(name), DB_TIME(now),
	    DB_I64(by), DB_TIME(now + INVITE_TTL)), &got);

	*id = (int64_t)got;
	return rc;
}

int
db_invite_close(struct db *db, int64_t id, const char *status,
    int64_t account_id, time_t now)
{
	return db_dml(db, STMT_INVITE_CLOSE, DB_ARGS(DB_STR(status),
	    opt_id(account_id), DB_TIME(now), DB_I64(id)), NULL);
}

int
db_invites_of(struct db *db, int64_t org_id, time_t now, struct db_rows *rows)
{
	return db_all(db, STMT_INVITES_OF, DB_ARGS(DB_I64(org_id),
	    DB_TIME(now)), &invite_map, rows);
}

/* ---- organisations ----------------------------------------------------- */

int
db_org_get(struct db *db, int64_t id, bool lock, struct org_row *o,
    struct db_res **keep)
{
	return db_one(db, lock ? STMT_ORG_LOCK : STMT_ORG_GET,
	    DB_ARGS(DB_I64(id)), &org_map, o, keep);
}

int
db_org_id_of(struct db *db, bool provider, int64_t party_id, int64_t *org_id)
{
	struct id_row x;
	int rc = db_one(db, provider ? STMT_ORG_BY_PROVIDER :
	    STMT_ORG_BY_ENTERPRISE, DB_ARGS(DB_I64(party_id)), &id_map, &x, NULL);

	*org_id = rc == DB_OK ? x.id : 0;
	return rc;
}

int
db_org_insert(struct db *db, const char *kind, time_t now, int64_t *id)
{
	uint64_t got = 0;
	int rc = db_dml(db, STMT_ORG_INSERT, DB_ARGS(DB_STR(kind), DB_TIME(now),
	    DB_TIME(now)), &got);

	*id = (int64_t)got;
	return rc;
}

int
db_org_set_kind(struct db *db, int64_t id, const char *kind, time_t now)
{
	int rc = db_dml(db, STMT_ORG_KIND, DB_ARGS(DB_STR(kind), DB_TIME(now),
	    DB_I64(id)), NULL);

	return rc == DB_NOTFOUND ? DB_OK : rc;
}

int
db_org_adopt(struct db *db, bool provider, int64_t party_id, time_t now,
    int64_t *org_id, bool *created)
{
	int rc = db_dml(db, provider ? STMT_ORG_ADOPT_PROVIDER :
	    STMT_ORG_ADOPT_ENTERPRISE, DB_ARGS(DB_TIME(now), DB_TIME(now),
	    DB_I64(party_id)), NULL);

	*created = rc == DB_OK;
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return rc;
	if ((rc = db_org_id_of(db, provider, party_id, org_id)) != DB_OK)
		return rc;
	rc = db_dml(db, STMT_ACCOUNTS_ADOPT, DB_ARGS(DB_I64(*org_id),
	    provider ? DB_NULLP : DB_I64(party_id),
	    provider ? DB_I64(party_id) : DB_NULLP), NULL);
	return rc == DB_NOTFOUND ? DB_OK : rc;
}

int
db_org_set_identity(struct db *db, int64_t id, const struct identity *v,
    const char *state, time_t now)
{
	return db_dml(db, STMT_ORG_IDENTITY, DB_ARGS(DB_STR(v->name),
	    DB_STR(v->uscc), DB_STR(v->legal_representative),
	    DB_STR(v->registered_district), opt_flag(v->registered_in_beijing),
	    opt_flag(v->is_enterprise), opt_flag(v->main_body_in_beijing),
	    DB_STR(state), DB_TIME(now), DB_I64(id)), NULL);
}

int
db_org_set_classification(struct db *db, int64_t id,
    const struct classification *c, const char *state, time_t now)
{
	return db_dml(db, STMT_ORG_CLASSIFICATION, DB_ARGS(DB_STR(c->industry),
	    opt_i64(c->employees), opt_i64(c->revenue), opt_i64(c->total_assets),
	    DB_I64(c->year), DB_STR(c->size_class), DB_STR(c->basis),
	    DB_STR(state), DB_TIME(now), DB_I64(id)), NULL);
}

int
db_org_set_quals(struct db *db, int64_t id, bool specialized,
    bool little_giant, time_t now)
{
	return db_dml(db, STMT_ORG_QUALS, DB_ARGS(DB_BOOL(specialized),
	    DB_BOOL(little_giant), DB_TIME(now), DB_I64(id)), NULL);
}

int
db_org_set_profile(struct db *db, int64_t id, const struct profile *p,
    time_t now)
{
	return db_dml(db, STMT_ORG_PROFILE, DB_ARGS(DB_STR(p->address),
	    DB_STR(p->contact_name), DB_STR(p->contact_phone),
	    DB_STR(p->website), DB_STR(p->bank_name),
	    DB_STR(p->bank_account_name), DB_STR(p->bank_account),
	    DB_TIME(now), DB_I64(id)), NULL);
}

int
db_org_set_state(struct db *db, int64_t id, const char *state, time_t now)
{
	return db_dml(db, STMT_ORG_STATE, DB_ARGS(DB_STR(state), DB_TIME(now),
	    DB_I64(id)), NULL);
}

int
db_org_decided(struct db *db, int64_t id, const char *state,
    const char *decision, const char *reason, const char *certified_json,
    time_t now)
{
	return db_dml(db, STMT_ORG_DECIDED, DB_ARGS(DB_STR(state),
	    DB_STR(decision), DB_STR(reason), DB_STR(certified_json),
	    DB_STR(certified_json), DB_TIME(now), DB_TIME(now), DB_I64(id)),
	    NULL);
}

int
db_org_reset(struct db *db, int64_t id, time_t now)
{
	int rc = db_dml(db, STMT_ORG_RESET, DB_ARGS(DB_TIME(now), DB_I64(id)),
	    NULL);

	return rc == DB_NOTFOUND ? DB_OK : rc;
}

int
db_org_set_certified(struct db *db, int64_t id, bool provider,
    int64_t party_id, time_t now)
{
	return db_dml(db, STMT_ORG_CERTIFIED_IDS, DB_ARGS(
	    provider ? DB_NULLP : DB_I64(party_id),
	    provider ? DB_I64(party_id) : DB_NULLP, DB_TIME(now), DB_I64(id)),
	    NULL);
}

int
db_uscc_holder(struct db *db, bool provider, const char *uscc,
    int64_t *party_id)
{
	struct id_row x;
	int rc = db_one(db, provider ? STMT_USCC_PROVIDER : STMT_USCC_ENTERPRISE,
	    DB_ARGS(DB_STR(uscc)), &id_map, &x, NULL);

	*party_id = rc == DB_OK ? x.id : 0;
	return rc;
}

/* ---- the licence -------------------------------------------------------- */

int
db_file_get(struct db *db, int64_t org_id, bool lock, struct file_row *f,
    struct db_res **keep)
{
	return db_one(db, lock ? STMT_FILE_LOCK : STMT_FILE_GET,
	    DB_ARGS(DB_I64(org_id)), &file_map, f, keep);
}

int
db_file_upsert(struct db *db, int64_t org_id, const char *name,
    const struct upload *up, int64_t by, time_t now)
{
	int rc = db_dml(db, STMT_FILE_UPSERT, DB_ARGS(DB_I64(org_id),
	    DB_STR(name), DB_STR(up->stored), DB_STR(up->content_type),
	    DB_I64(up->size), DB_STR(up->sha256), DB_TIME(now), DB_I64(by)),
	    NULL);

	return rc == DB_NOTFOUND ? DB_OK : rc;
}

int
db_file_referenced(struct db *db, const char *stored)
{
	int64_t x = 0;

	return db_scalar(db, STMT_FILE_REFERENCED, DB_ARGS(DB_STR(stored)), &x);
}

/* ---- certifications ---------------------------------------------------- */

int
db_cert_insert(struct db *db, const struct cert_new *c, time_t now,
    int64_t *id)
{
	uint64_t got = 0;
	const struct file_row *f = c->licence;
	int rc = db_dml(db, STMT_CERT_INSERT, DB_ARGS(DB_I64(c->org_id),
	    DB_STR(c->kind), DB_BOOL(c->is_change), DB_STR(c->name),
	    DB_STR(c->uscc), DB_STR(c->size_class), DB_STR(c->values_json),
	    DB_STR(f ? f->stored_name : NULL), DB_STR(f ? f->content_type : NULL),
	    DB_STR(f ? f->original_name : NULL),
	    f ? DB_I64(f->size_bytes) : DB_NULLP, DB_STR(f ? f->sha256 : NULL),
	    DB_TIME(now), DB_I64(c->by)), &got);

	*id = (int64_t)got;
	return rc;
}

int
db_cert_get(struct db *db, int64_t id, bool lock, struct cert_row *c,
    struct db_res **keep)
{
	return db_one(db, lock ? STMT_CERT_LOCK : STMT_CERT_GET,
	    DB_ARGS(DB_I64(id)), &cert_map, c, keep);
}

int
db_cert_pending_of(struct db *db, int64_t org_id, int64_t *id,
    time_t *submitted_at)
{
	struct pending_row p;
	int rc = db_one(db, STMT_CERT_PENDING_OF, DB_ARGS(DB_I64(org_id)),
	    &pending_map, &p, NULL);

	*id = rc == DB_OK ? p.id : 0;
	*submitted_at = rc == DB_OK ? p.submitted_at : 0;
	return rc;
}

int
db_cert_decide(struct db *db, int64_t id, const char *status,
    const char *reason, int64_t by, const char *role, time_t now)
{
	return db_dml(db, STMT_CERT_DECIDE, DB_ARGS(DB_STR(status),
	    DB_STR(reason), DB_I64(by), DB_STR(role), DB_TIME(now), DB_I64(id)),
	    NULL);
}

json_t *
db_cert_page(struct db *db, const char *status, const char *kind,
    int64_t page, int64_t per_page, page_row_fn row_json, int *rc)
{
	/* two statements, each read in its index's order (no sort of the
	 * year's certifications): the queue, the decided ones */
	if (strcmp(status, "pending") == 0)
		return page_list_total(db, STMT_CERT_QUEUE, DB_ARGS(
		    DB_STR(status), DB_STR(kind), DB_STR(kind), DB_STR(kind),
		    DB_STR(kind)), STMT_CERT_COUNT, DB_ARGS(DB_STR(status),
		    DB_STR(kind), DB_STR(kind)), page, per_page, row_json, rc);
	return page_list_total(db, STMT_CERT_LIST, DB_ARGS(DB_STR(status),
	    DB_STR(kind), DB_STR(kind), DB_STR(status), DB_STR(kind),
	    DB_STR(kind)), STMT_CERT_COUNT, DB_ARGS(DB_STR(status),
	    DB_STR(kind), DB_STR(kind)), page, per_page, row_json, rc);
}

/* ---- the certified rows ------------------------------------------------ */

int
db_enterprise_get(struct db *db, int64_t id, bool lock,
    struct enterprise_row *e, struct db_res **keep)
{
	(void)lock;	/* always in a writing transaction: FOR UPDATE */
	return db_one(db, STMT_ENTERPRISE_GET, DB_ARGS(DB_I64(id)),
	    &enterprise_map, e, keep);
}

int
db_enterprise_insert(struct db *db, const struct certified *c, time_t now,
    int64_t *id)
{
	uint64_t got = 0;
	int rc = db_dml(db, STMT_ENTERPRISE_INSERT, DB_ARGS(DB_STR(c->name),
	    DB_STR(c->uscc), DB_STR(c->tier), DB_STR(c->size_class),
	    DB_BOOL(c->beijing_registered), DB_BOOL(c->is_enterprise),
	    DB_TIME(now), DB_TIME(now)), &got);

	*id = (int64_t)got;
	return rc;
}

int
db_enterprise_update(struct db *db, int64_t id, const struct certified *c,
    time_t now)
{
	int rc = db_dml(db, STMT_ENTERPRISE_UPDATE, DB_ARGS(DB_STR(c->name),
	    DB_STR(c->size_class), DB_BOOL(c->beijing_registered),
	    DB_BOOL(c->is_enterprise), DB_TIME(now), DB_I64(id)), NULL);

	return rc == DB_NOTFOUND ? DB_OK : rc;
}

int
db_enterprise_set_tier(struct db *db, int64_t id, const char *tier,
    time_t now)
{
	return db_dml(db, STMT_ENTERPRISE_SET_TIER, DB_ARGS(DB_STR(tier),
	    DB_TIME(now), DB_I64(id), DB_STR(tier)), NULL);
}

int
db_enterprise_set_credit(struct db *db, int64_t id, int64_t until_ymd,
    const char *source, time_t now)
{
	const char *src = until_ymd > 0 ? source : NULL;

	return db_dml(db, STMT_ENTERPRISE_SET_CREDIT, DB_ARGS(
	    opt_date(until_ymd), DB_STR(src), DB_TIME(now), DB_I64(id),
	    opt_date(until_ymd), DB_STR(src)), NULL);
}

int
db_accounts_certify(struct db *db, int64_t org_id, bool provider,
    int64_t party_id)
{
	int rc = db_dml(db, STMT_ACCOUNTS_CERTIFY, DB_ARGS(
	    provider ? DB_NULLP : DB_I64(party_id),
	    provider ? DB_I64(party_id) : DB_NULLP, DB_I64(org_id)), NULL);

	return rc == DB_NOTFOUND ? DB_OK : rc;
}

int
db_provider_insert(struct db *db, const struct certified *c, time_t now,
    int64_t *id)
{
	uint64_t got = 0;
	int rc = db_dml(db, STMT_PROVIDER_INSERT, DB_ARGS(DB_STR(c->name),
	    DB_STR(c->uscc), DB_BOOL(c->beijing_registered),
	    DB_BOOL(c->main_body_beijing), DB_TIME(now), DB_TIME(now)), &got);

	*id = (int64_t)got;
	return rc;
}

int
db_provider_update(struct db *db, int64_t id, const struct certified *c,
    time_t now)
{
	int rc = db_dml(db, STMT_PROVIDER_UPDATE, DB_ARGS(DB_STR(c->name),
	    DB_BOOL(c->beijing_registered), DB_BOOL(c->main_body_beijing),
	    DB_TIME(now), DB_I64(id)), NULL);

	return rc == DB_NOTFOUND ? DB_OK : rc;
}

int
db_quota_set(struct db *db, int64_t enterprise_id, int year, int64_t cap)
{
	int rc = db_dml(db, STMT_QUOTA_ENSURE, DB_ARGS(DB_I64(enterprise_id),
	    DB_I64(year), DB_I64(cap)), NULL);

	if (rc == DB_NOTFOUND)
		rc = DB_OK;	/* the row was there */
	if (rc == DB_OK)
		rc = db_dml(db, STMT_QUOTA_SET, DB_ARGS(DB_I64(cap),
		    DB_I64(enterprise_id), DB_I64(year)), NULL);
	return rc == DB_NOTFOUND ? DB_OK : rc;
}

/* ---- members ------------------------------------------------------------ */

int
db_members_of(struct db *db, int64_t org_id, struct db_rows *rows)
{
	return db_all(db, STMT_MEMBERS_OF, DB_ARGS(DB_I64(org_id)), &member_map,
	    rows);
}

int
db_member_lock(struct db *db, int64_t org_id, int64_t account_id,
    struct member_row *m, struct db_res **keep)
{
	return db_one(db, STMT_MEMBER_LOCK, DB_ARGS(DB_I64(org_id),
	    DB_I64(account_id)), &member_map, m, keep);
}

int
db_member_set_role(struct db *db, int64_t account_id, const char *role)
{
	int rc = db_dml(db, STMT_MEMBER_ROLE, DB_ARGS(DB_STR(role),
	    DB_I64(account_id)), NULL);

	return rc == DB_NOTFOUND ? DB_OK : rc;
}

int
db_member_remove(struct db *db, int64_t account_id, time_t now)
{
	return db_dml(db, STMT_MEMBER_REMOVE, DB_ARGS(DB_TIME(now),
	    DB_I64(account_id)), NULL);
}

int
db_member_sessions_end(struct db *db, int64_t account_id)
{
	int rc = db_dml(db, STMT_MEMBER_SESSIONS_END, DB_ARGS(
	    DB_I64(account_id)), NULL);

	return rc == DB_NOTFOUND ? DB_OK : rc;
}

int
db_admins_count(struct db *db, int64_t org_id, int64_t *n)
{
	return db_scalar(db, STMT_ADMINS_COUNT, DB_ARGS(DB_I64(org_id)), n);
}

int
db_admin_mobiles(struct db *db, int64_t org_id, struct db_rows *rows)
{
	return db_all(db, STMT_ADMIN_MOBILES, DB_ARGS(DB_I64(org_id)),
	    &admin_map, rows);
}

/* ---- the lists ---------------------------------------------------------- */

int
db_qual_of(struct db *db, const char *uscc, int year, unsigned *lists)
{
	struct db_rows rows;
	const struct list_row *l;
	int rc = db_all(db, STMT_QUAL_OF, DB_ARGS(DB_STR(uscc), DB_I64(year)),
	    &list_map, &rows);

	*lists = 0;
	if (rc != DB_OK)
		return rc;
	l = rows.v;
	for (size_t i = 0; i < rows.n; i++)
		*lists |= strcmp(l[i].list, "little_giant") == 0 ? 2u : 1u;
	db_rows_free(&rows);
	return DB_OK;
}

int
db_credit_of(struct db *db, const char *uscc, struct credit_row *c,
    struct db_res **keep)
{
	return db_one(db, STMT_CREDIT_OF, DB_ARGS(DB_STR(uscc)), &credit_map, c,
	    keep);
}

/* ---- list imports -------------------------------------------------------- */

static const struct db_col qual_entry_cols[] = {
	DB_COL(struct list_entry, uscc),
	DB_COL(struct list_entry, name),
};
static const struct db_rowmap qual_entry_map =
    DB_ROWMAP(struct list_entry, qual_entry_cols);

static const struct db_col credit_entry_cols[] = {
	DB_COL(struct list_entry, uscc),
	DB_COL(struct list_entry, source),
	DB_COL(struct list_entry, listed_on),
	DB_COL(struct list_entry, until),
};
static const struct db_rowmap credit_entry_map =
    DB_ROWMAP(struct list_entry, credit_entry_cols);

static const struct db_col declared_cols[] = {
	DB_COL(struct declared_row, org_id),
	DB_COL(struct declared_row, enterprise_id),
	DB_COL(struct declared_row, uscc),
};
static const struct db_rowmap declared_map =
    DB_ROWMAP(struct declared_row, declared_cols);

int
db_qual_lock(struct db *db, const char *list, int year, struct db_rows *rows)
{
	return db_all(db, STMT_QUAL_LOCK, DB_ARGS(DB_STR(list), DB_I64(year)),
	    &qual_entry_map, rows);
}

int
db_qual_delete(struct db *db, const char *list, int year)
{
	int rc = db_dml(db, STMT_QUAL_DELETE, DB_ARGS(DB_STR(list),
	    DB_I64(year)), NULL);

	return rc == DB_NOTFOUND ? DB_OK : rc;
}

int
db_qual_insert(struct db *db, const char *list, int year,
    const struct list_entry *e, int64_t import_id)
{
	return db_dml(db, STMT_QUAL_INSERT, DB_ARGS(DB_STR(list), DB_I64(year),
	    DB_STR(e->uscc), DB_STR(e->name), DB_I64(import_id)), NULL);
}

int
db_credit_lock(struct db *db, struct db_rows *rows)
{
	return db_all(db, STMT_CREDIT_LOCK, DB_NOARGS, &credit_entry_map, rows);
}

int
db_credit_delete(struct db *db)
{
	int rc = db_dml(db, STMT_CREDIT_DELETE, DB_NOARGS, NULL);

	return rc == DB_NOTFOUND ? DB_OK : rc;
}

int
db_credit_insert(struct db *db, const struct list_entry *e, int64_t import_id)
{
	return db_dml(db, STMT_CREDIT_INSERT, DB_ARGS(DB_STR(e->uscc),
	    DB_STR(e->source), opt_date(e->listed_on), opt_date(e->until),
	    DB_I64(import_id)), NULL);
}

int
db_import_insert(struct db *db, const char *list, int year, time_t now,
    int64_t by, const char *encoding, const char *sha256, long rows,
    long added, long removed, long unchanged, int64_t *id)
{
	uint64_t got = 0;
	int rc = db_dml(db, STMT_IMPORT_INSERT, DB_ARGS(DB_STR(list),
	    year > 0 ? DB_I64(year) : DB_NULLP, DB_TIME(now), DB_I64(by),
	    DB_STR(encoding), DB_STR(sha256), DB_I64(rows), DB_I64(added),
	    DB_I64(removed), DB_I64(unchanged), DB_I64(0)), &got);

	*id = (int64_t)got;
	return rc;
}

int
db_import_counts(struct db *db, int64_t id, long enterprises_changed)
{
	int rc = db_dml(db, STMT_IMPORT_COUNTS, DB_ARGS(
	    DB_I64(enterprises_changed), DB_I64(id)), NULL);

	return rc == DB_NOTFOUND ? DB_OK : rc;
}

int
db_declared_enterprises(struct db *db, struct db_rows *rows)
{
	return db_all(db, STMT_DECLARED_ENTERPRISES, DB_NOARGS, &declared_map,
	    rows);
}

int
db_enterprise_by_uscc(struct db *db, const char *uscc, int64_t *id)
{
	struct id_row x;
	int rc = db_one(db, STMT_ENTERPRISES_BY_USCC, DB_ARGS(DB_STR(uscc)),
	    &id_map, &x, NULL);

	*id = rc == DB_OK ? x.id : 0;
	return rc;
}

/* The rows of a listing statement as a JSON array (by column alias). */
static int
rows_json(struct db *db, int id, json_t **out)
{
	struct db_res *res = NULL;
	int rc = db_exec(db, id, DB_NOARGS, &res, NULL, NULL);

	*out = rc == DB_OK ? db_rows_json(res) : NULL;
	db_res_free(res);
	return rc;
}

int
db_list_sizes_json(struct db *db, json_t **out)
{
	return rows_json(db, STMT_LIST_SIZES, out);
}

int
db_imports_recent_json(struct db *db, json_t **out)
{
	return rows_json(db, STMT_IMPORTS_RECENT, out);
}

/* ---- rounds --------------------------------------------------------------- */

static const struct db_col round_cols[] = {
	DB_COL(struct round_row, year),
	DB_COL(struct round_row, apply_opens_on),
	DB_COL(struct round_row, apply_closes_on),
	DB_COL(struct round_row, order_opens_on),
	DB_COL(struct round_row, order_closes_on),
	DB_COL(struct round_row, is_current),
};
static const struct db_rowmap round_map = DB_ROWMAP(struct round_row,
    round_cols);

int
db_round_list(struct db *db, struct db_rows *rows)
{
	return db_all(db, STMT_ROUND_LIST, DB_NOARGS, &round_map, rows);
}

int
db_round_lock(struct db *db, int year, struct round_row *v)
{
	return db_one(db, STMT_ROUND_LOCK, DB_ARGS(DB_I64(year)), &round_map, v,
	    NULL);
}

int
db_round_insert(struct db *db, const struct round_row *v, time_t now)
{
	return db_dml(db, STMT_ROUND_INSERT, DB_ARGS(DB_I64(v->year),
	    opt_date(v->apply_opens_on), opt_date(v->apply_closes_on),
	    opt_date(v->order_opens_on), opt_date(v->order_closes_on),
	    DB_TIME(now)), NULL);
}

int
db_round_update(struct db *db, const struct round_row *v, time_t now)
{
	return db_dml(db, STMT_ROUND_UPDATE, DB_ARGS(
	    opt_date(v->apply_opens_on), opt_date(v->apply_closes_on),
	    opt_date(v->order_opens_on), opt_date(v->order_closes_on),
	    DB_TIME(now), DB_I64(v->year)), NULL);
}

int
db_round_set_current(struct db *db, int year, time_t now)
{
	int rc = db_dml(db, STMT_ROUND_UNSET_CURRENT, DB_ARGS(DB_TIME(now),
	    DB_I64(year)), NULL);

	if (rc == DB_NOTFOUND)
		rc = DB_OK;
	if (rc == DB_OK)
		rc = db_dml(db, STMT_ROUND_SET_CURRENT, DB_ARGS(DB_TIME(now),
		    DB_I64(year)), NULL);
	return rc;
}

/* ---- issue 16: the inbox ------------------------------------------------ */

static const struct db_col inbox_cols[] = {
	DB_COL(struct inbox_row, id),
	DB_COL(struct inbox_row, kind),
	DB_COL(struct inbox_row, text),
	DB_COL(struct inbox_row, link),
	DB_COL(struct inbox_row, created_at),
	DB_COL(struct inbox_row, read_at),
};
static const struct db_rowmap inbox_map = DB_ROWMAP(struct inbox_row,
    inbox_cols);

/* A row of the page: the message and the account's unread count */
struct inbox_list_row {
	struct inbox_row m;
	int64_t          unread;
};
static const struct db_col inbox_list_cols[] = {
	DB_COL_AS(struct inbox_list_row, m.id, "id"),
	DB_COL_AS(struct inbox_list_row, m.kind, "kind"),
	DB_COL_AS(struct inbox_list_row, m.text, "text"),
	DB_COL_AS(struct inbox_list_row, m.link, "link"),
	DB_COL_AS(struct inbox_list_row, m.created_at, "created_at"),
	DB_COL_AS(struct inbox_list_row, m.read_at, "read_at"),
	DB_COL(struct inbox_list_row, unread),
};
static const struct db_rowmap inbox_list_map =
    DB_ROWMAP(struct inbox_list_row, inbox_list_cols);

struct inbox_page_ctx {
	inbox_json_fn fn;
	void         *ctx;
	int64_t       unread;	/* -1: no row read */
};

static json_t *
inbox_page_row(void *arg, const void *row)
{
	struct inbox_page_ctx *c = arg;
	const struct inbox_list_row *l = row;

	c->unread = l->unread;
	return c->fn(c->ctx, &l->m);
}

json_t *
db_inbox_page(struct db *db, int64_t account_id, bool unread_only,
    int64_t page, int64_t per_page, inbox_json_fn fn, void *ctx,
    int64_t *unread, int *rc)
{
	struct inbox_page_ctx c = { fn, ctx, -1 };
	json_t *o = page_list_rows_total(db, STMT_INBOX_LIST, DB_ARGS(
	    DB_BOOL(unread_only), DB_I64(account_id), DB_I64(account_id),
	    DB_I64(account_id), DB_BOOL(unread_only)), STMT_INBOX_COUNT,
	    DB_ARGS(DB_BOOL(unread_only), DB_I64(account_id)), page, per_page,
	    &inbox_list_map, inbox_page_row, &c, rc);

	/* no row read: an empty first page has no message (unread or any),
	 * so none unread; past the first, the kept count */
	*unread = c.unread < 0 && page == 1 ? 0 : c.unread;
	if (o != NULL && *unread < 0 &&
	    (*rc = db_inbox_unread(db, account_id, unread)) != DB_OK) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

int
db_inbox_unread(struct db *db, int64_t account_id, int64_t *n)
{
	return db_scalar(db, STMT_INBOX_UNREAD, DB_ARGS(DB_I64(account_id)), n);
}

int
db_inbox_get(struct db *db, int64_t account_id, int64_t id,
    struct inbox_row *m, struct db_res **keep)
{
	return db_one(db, STMT_INBOX_GET, DB_ARGS(DB_I64(id),
	    DB_I64(account_id)), &inbox_map, m, keep);
}

int
db_inbox_read(struct db *db, int64_t account_id, int64_t id, time_t now)
{
	return db_dml(db, STMT_INBOX_READ, DB_ARGS(DB_TIME(now), DB_I64(id),
	    DB_I64(account_id)), NULL);
}

int
db_inbox_read_all(struct db *db, int64_t account_id, time_t now, uint64_t *n)
{
	*n = 0;
	return db_exec(db, STMT_INBOX_READ_ALL, DB_ARGS(DB_TIME(now),
	    DB_I64(account_id)), NULL, n, NULL);
}

static const struct db_col pref_cols[] = {
	DB_COL(struct pref_row, kind),
	DB_COL(struct pref_row, enabled),
};
static const struct db_rowmap pref_map = DB_ROWMAP(struct pref_row, pref_cols);

int
db_prefs_of(struct db *db, int64_t account_id, struct db_rows *rows)
{
	return db_all(db, STMT_PREFS_OF, DB_ARGS(DB_I64(account_id)), &pref_map,
	    rows);
}

int
db_pref_set(struct db *db, int64_t account_id, const char *kind,
    bool enabled, time_t now)
{
	int rc = db_dml(db, STMT_PREF_SET, DB_ARGS(DB_I64(account_id),
	    DB_STR(kind), DB_BOOL(enabled), DB_TIME(now)), NULL);

	return rc == DB_NOTFOUND ? DB_OK : rc;  /* the same choice again */
}
