-- grants.sql - database users of the voucher system. A TEMPLATE: sql/migrate.sh
-- substitutes @DB@, @<NAME>_USER@ and @<NAME>_PASSWORD@ for every program
-- NAME (ACCOUNT, CATALOG, COLLECTION, ORDERING, OVERSIGHT, PROVIDER,
-- PUBLICITY, REDEMPTION, REGISTRATION), CTL (voucherctl) and RO (the
-- read-only user),
-- passwords escaped for a quoted SQL string, and applies it after the
-- migrations, on every run. It is authoritative: each run first revokes
-- everything from every user, then grants exactly what is below, so a
-- privilege removed here disappears on the next run.
--
-- One user per program, with only what that program's SQL (its db.c) and
-- the shared library's SQL it runs (shared/domain/lib_sql.c: sessions, the
-- audit trail, the order state machine) need:
--   - SELECT where it reads; INSERT / UPDATE / DELETE only on the tables it
--     writes. INSERT … ON DUPLICATE KEY UPDATE needs INSERT and UPDATE; an
--     UPDATE or DELETE also needs SELECT on the columns its WHERE reads.
--   - No DDL, no database-wide privilege.
--   - audit_log, order_events and application_events: INSERT only (and
--     SELECT for the one program that shows them), so the trails are
--     append-only (V3, O10, A5).
--   - DELETE only where rows are legitimately removed: sessions (logout,
--     expiry), idempotency keys, a draft application's products and
--     replaced materials, stale items of a draft publicity batch.
--   - Column lists where a program writes a few columns of another
--     program's table (publicity, oversight, voucherctl), so the grant says
--     exactly what it may change.
--
-- The public-facing publicity program cannot write payments or violations:
-- no privilege on violations, recoveries or spot_checks, and no UPDATE of
-- any payment column (orders.paid_at, publicity_items.paid_on,
-- publicity_batches.paid_on / paid_at / paid_by; with the CHECK
-- ck_batches_paid it cannot mark a batch paid). Paying is the oversight
-- program's (README: "Who writes what").
--
-- @RO_USER@ the read-only user of the public reads (catalog, publicity).
--   SELECT on public tables only; column-level SELECT where a table mixes
--   public and private columns. Never accounts, sessions, enterprises,
--   orders' private columns or anything else with enterprise data (R5:
--   the publicity list shows no enterprise data).

-- every program's user and voucherctl's
CREATE USER IF NOT EXISTS '@ACCOUNT_USER@'@'localhost' IDENTIFIED BY '@ACCOUNT_PASSWORD@';
ALTER USER '@ACCOUNT_USER@'@'localhost' IDENTIFIED BY '@ACCOUNT_PASSWORD@';
CREATE USER IF NOT EXISTS '@CATALOG_USER@'@'localhost' IDENTIFIED BY '@CATALOG_PASSWORD@';
ALTER USER '@CATALOG_USER@'@'localhost' IDENTIFIED BY '@CATALOG_PASSWORD@';
CREATE USER IF NOT EXISTS '@COLLECTION_USER@'@'localhost' IDENTIFIED BY '@COLLECTION_PASSWORD@';
ALTER USER '@COLLECTION_USER@'@'localhost' IDENTIFIED BY '@COLLECTION_PASSWORD@';
CREATE USER IF NOT EXISTS '@ORDERING_USER@'@'localhost' IDENTIFIED BY '@ORDERING_PASSWORD@';
ALTER USER '@ORDERING_USER@'@'localhost' IDENTIFIED BY '@ORDERING_PASSWORD@';
CREATE USER IF NOT EXISTS '@OVERSIGHT_USER@'@'localhost' IDENTIFIED BY '@OVERSIGHT_PASSWORD@';
ALTER USER '@OVERSIGHT_USER@'@'localhost' IDENTIFIED BY '@OVERSIGHT_PASSWORD@';
CREATE USER IF NOT EXISTS '@PROVIDER_USER@'@'localhost' IDENTIFIED BY '@PROVIDER_PASSWORD@';
ALTER USER '@PROVIDER_USER@'@'localhost' IDENTIFIED BY '@PROVIDER_PASSWORD@';
CREATE USER IF NOT EXISTS '@PUBLICITY_USER@'@'localhost' IDENTIFIED BY '@PUBLICITY_PASSWORD@';
ALTER USER '@PUBLICITY_USER@'@'localhost' IDENTIFIED BY '@PUBLICITY_PASSWORD@';
CREATE USER IF NOT EXISTS '@REDEMPTION_USER@'@'localhost' IDENTIFIED BY '@REDEMPTION_PASSWORD@';
ALTER USER '@REDEMPTION_USER@'@'localhost' IDENTIFIED BY '@REDEMPTION_PASSWORD@';
CREATE USER IF NOT EXISTS '@REGISTRATION_USER@'@'localhost' IDENTIFIED BY '@REGISTRATION_PASSWORD@';
ALTER USER '@REGISTRATION_USER@'@'localhost' IDENTIFIED BY '@REGISTRATION_PASSWORD@';
CREATE USER IF NOT EXISTS '@CTL_USER@'@'localhost' IDENTIFIED BY '@CTL_PASSWORD@';
ALTER USER '@CTL_USER@'@'localhost' IDENTIFIED BY '@CTL_PASSWORD@';
CREATE USER IF NOT EXISTS '@RO_USER@'@'localhost' IDENTIFIED BY '@RO_PASSWORD@';
ALTER USER '@RO_USER@'@'localhost' IDENTIFIED BY '@RO_PASSWORD@';

REVOKE ALL PRIVILEGES, GRANT OPTION FROM '@ACCOUNT_USER@'@'localhost';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM '@CATALOG_USER@'@'localhost';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM '@COLLECTION_USER@'@'localhost';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM '@ORDERING_USER@'@'localhost';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM '@OVERSIGHT_USER@'@'localhost';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM '@PROVIDER_USER@'@'localhost';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM '@PUBLICITY_USER@'@'localhost';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM '@REDEMPTION_USER@'@'localhost';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM '@REGISTRATION_USER@'@'localhost';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM '@CTL_USER@'@'localhost';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM '@RO_USER@'@'localhost';

-- the one writer every program shared before each had its own
DROP USER IF EXISTS 'voucher_app'@'localhost';

-- ---------------------------------------------------------------------------
-- account: login, sessions, the bureau's enterprises and providers (E1-E7)

GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`accounts`         TO '@ACCOUNT_USER@'@'localhost';  -- the only reader of password_hash
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.`sessions`         TO '@ACCOUNT_USER@'@'localhost';  -- login, logout, expiry
GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`enterprises`      TO '@ACCOUNT_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`providers`        TO '@ACCOUNT_USER@'@'localhost';
GRANT SELECT, UPDATE (cap)           ON `@DB@`.`enterprise_quota` TO '@ACCOUNT_USER@'@'localhost';  -- E7: a new tier's cap
GRANT SELECT                         ON `@DB@`.`orders`           TO '@ACCOUNT_USER@'@'localhost';  -- the quota at now (O4, O6)
GRANT SELECT                         ON `@DB@`.`products`         TO '@ACCOUNT_USER@'@'localhost';  -- a provider's listed products
GRANT INSERT                         ON `@DB@`.`audit_log`        TO '@ACCOUNT_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`rounds`           TO '@ACCOUNT_USER@'@'localhost';  -- Y3: the allowance year
-- issue 12: /api/me shows the organisation's certification (E9, E13);
-- failed logins counted per login (E9)
GRANT SELECT (id, kind, state, name, last_decision, last_reason, enterprise_id,
              provider_id, updated_at)
    ON `@DB@`.`organisations` TO '@ACCOUNT_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`throttle`         TO '@ACCOUNT_USER@'@'localhost';
-- the search index (kept by 004_scale.sql's triggers as their definer)
-- and the list totals (issue 13)
GRANT SELECT ON `@DB@`.`search_texts`     TO '@ACCOUNT_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`search_grams`     TO '@ACCOUNT_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`enterprise_grams` TO '@ACCOUNT_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`provider_grams`   TO '@ACCOUNT_USER@'@'localhost';  -- 022
GRANT SELECT ON `@DB@`.`enterprise_gram_counts` TO '@ACCOUNT_USER@'@'localhost';  -- 025: a gram's total
GRANT SELECT ON `@DB@`.`provider_gram_counts`   TO '@ACCOUNT_USER@'@'localhost';  -- 025
GRANT SELECT ON `@DB@`.`row_counts`       TO '@ACCOUNT_USER@'@'localhost';
-- issue 15: browsers that logged in before (login protection)
GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`login_devices`    TO '@ACCOUNT_USER@'@'localhost';

-- ---------------------------------------------------------------------------
-- catalog: the public catalog (reads through @RO_USER@ when configured),
-- listing by the bureau (P1-P7)

GRANT SELECT (id, role, login, enterprise_id, provider_id, org_id, member_role, disabled) ON `@DB@`.`accounts` TO '@CATALOG_USER@'@'localhost';
GRANT SELECT, UPDATE (last_seen_at), DELETE ON `@DB@`.`sessions`  TO '@CATALOG_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`categories`       TO '@CATALOG_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`rounds`           TO '@CATALOG_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`providers`        TO '@CATALOG_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`orders`           TO '@CATALOG_USER@'@'localhost';  -- units timed-out orders hold (O4, O6)
GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`products`         TO '@CATALOG_USER@'@'localhost';
GRANT SELECT (product_id, quality, timeliness, attitude, comment, created_at)
    ON `@DB@`.`evaluations` TO '@CATALOG_USER@'@'localhost';  -- C1 on the product page, without a replica (issue 11)
GRANT INSERT                         ON `@DB@`.`audit_log`        TO '@CATALOG_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`search_texts` TO '@CATALOG_USER@'@'localhost';  -- issue 13: search
GRANT SELECT ON `@DB@`.`search_grams` TO '@CATALOG_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`catalog_counts`      TO '@CATALOG_USER@'@'localhost';  -- issue 13: 021_catalog_scale.sql
GRANT SELECT ON `@DB@`.`product_grams`       TO '@CATALOG_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`product_gram_counts` TO '@CATALOG_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`evaluation_sums`     TO '@CATALOG_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`catalog_price_counts` TO '@CATALOG_USER@'@'localhost';  -- issue 13: 024

-- ---------------------------------------------------------------------------
-- ordering: an enterprise's orders (O1-O10, C1), with the order state
-- machine (quota released, units returned) and idempotency keys

GRANT SELECT (id, role, login, enterprise_id, provider_id, org_id, member_role, disabled) ON `@DB@`.`accounts` TO '@ORDERING_USER@'@'localhost';
GRANT SELECT, UPDATE (last_seen_at), DELETE ON `@DB@`.`sessions`  TO '@ORDERING_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`rounds`           TO '@ORDERING_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`enterprises`      TO '@ORDERING_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`providers`        TO '@ORDERING_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`contracts`        TO '@ORDERING_USER@'@'localhost';  -- the order view
GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`enterprise_quota` TO '@ORDERING_USER@'@'localhost';  -- O3 (created on the first order)
GRANT SELECT, UPDATE                 ON `@DB@`.`products`         TO '@ORDERING_USER@'@'localhost';  -- O3 units, C1 ratings
GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`orders`           TO '@ORDERING_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`order_counts`     TO '@ORDERING_USER@'@'localhost';  -- the orders list total (020)
GRANT SELECT, INSERT                 ON `@DB@`.`order_events`     TO '@ORDERING_USER@'@'localhost';  -- the timeline
GRANT SELECT, INSERT                 ON `@DB@`.`evaluations`      TO '@ORDERING_USER@'@'localhost';  -- C1
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.`idempotency_keys` TO '@ORDERING_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`enterprise_contacts` TO '@ORDERING_USER@'@'localhost';  -- owner: the last order contact
GRANT INSERT                         ON `@DB@`.`audit_log`        TO '@ORDERING_USER@'@'localhost';

-- ---------------------------------------------------------------------------
-- provider: a provider's order management (O4, O8, O9), refunds (R6)

GRANT SELECT (id, role, login, enterprise_id, provider_id, org_id, member_role, disabled) ON `@DB@`.`accounts` TO '@PROVIDER_USER@'@'localhost';
GRANT SELECT, UPDATE (last_seen_at), DELETE ON `@DB@`.`sessions`  TO '@PROVIDER_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`enterprises`      TO '@PROVIDER_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`providers`        TO '@PROVIDER_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`publicity_items`  TO '@PROVIDER_USER@'@'localhost';  -- R6: the amount paid
GRANT SELECT                         ON `@DB@`.`redemption_claims` TO '@PROVIDER_USER@'@'localhost';
GRANT SELECT, UPDATE                 ON `@DB@`.`enterprise_quota` TO '@PROVIDER_USER@'@'localhost';  -- a decline releases
GRANT SELECT, UPDATE                 ON `@DB@`.`products`         TO '@PROVIDER_USER@'@'localhost';  -- a decline returns the unit
GRANT SELECT, UPDATE                 ON `@DB@`.`orders`           TO '@PROVIDER_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`order_counts`     TO '@PROVIDER_USER@'@'localhost';  -- the inbox total (020)
GRANT SELECT, INSERT                 ON `@DB@`.`order_events`     TO '@PROVIDER_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`contracts`        TO '@PROVIDER_USER@'@'localhost';  -- O8
GRANT SELECT, INSERT                 ON `@DB@`.`refunds`          TO '@PROVIDER_USER@'@'localhost';  -- R6
GRANT SELECT, INSERT                 ON `@DB@`.`recoveries`       TO '@PROVIDER_USER@'@'localhost';  -- R6: what a refund recovers
GRANT SELECT                         ON `@DB@`.`evaluations`      TO '@PROVIDER_USER@'@'localhost';  -- C1: its products' ratings (issue 11)
GRANT INSERT                         ON `@DB@`.`audit_log`        TO '@PROVIDER_USER@'@'localhost';

-- ---------------------------------------------------------------------------
-- redemption: claims and their documents (R1-R4)

GRANT SELECT (id, role, login, enterprise_id, provider_id, org_id, member_role, disabled) ON `@DB@`.`accounts` TO '@REDEMPTION_USER@'@'localhost';
GRANT SELECT, UPDATE (last_seen_at), DELETE ON `@DB@`.`sessions`  TO '@REDEMPTION_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`enterprises`      TO '@REDEMPTION_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`providers`        TO '@REDEMPTION_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`contracts`        TO '@REDEMPTION_USER@'@'localhost';
GRANT SELECT, UPDATE                 ON `@DB@`.`enterprise_quota` TO '@REDEMPTION_USER@'@'localhost';  -- R4: a rejection releases
GRANT SELECT, UPDATE                 ON `@DB@`.`products`         TO '@REDEMPTION_USER@'@'localhost';  -- O6 at a write returns the unit
GRANT SELECT, UPDATE                 ON `@DB@`.`orders`           TO '@REDEMPTION_USER@'@'localhost';
GRANT SELECT, INSERT                 ON `@DB@`.`order_events`     TO '@REDEMPTION_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`redemption_claims` TO '@REDEMPTION_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`claim_counts`     TO '@REDEMPTION_USER@'@'localhost';  -- R4: the queue total (020)
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.`redemption_files` TO '@REDEMPTION_USER@'@'localhost';  -- R1: replaced in place; an other file deleted
GRANT SELECT, INSERT                 ON `@DB@`.`claim_reviews`    TO '@REDEMPTION_USER@'@'localhost';  -- R4: each round, append-only
GRANT INSERT                         ON `@DB@`.`audit_log`        TO '@REDEMPTION_USER@'@'localhost';

-- ---------------------------------------------------------------------------
-- collection: product applications, their materials and review (A1-A7);
-- approval lists the products

GRANT SELECT (id, role, login, enterprise_id, provider_id, org_id, member_role, disabled) ON `@DB@`.`accounts` TO '@COLLECTION_USER@'@'localhost';
GRANT SELECT, UPDATE (last_seen_at), DELETE ON `@DB@`.`sessions`  TO '@COLLECTION_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`rounds`           TO '@COLLECTION_USER@'@'localhost';  -- A2 window
GRANT SELECT                         ON `@DB@`.`providers`        TO '@COLLECTION_USER@'@'localhost';  -- A1 facts
GRANT SELECT, INSERT                 ON `@DB@`.`products`         TO '@COLLECTION_USER@'@'localhost';  -- A6 listing
GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`product_applications`    TO '@COLLECTION_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`application_counts`      TO '@COLLECTION_USER@'@'localhost';  -- 022: the queue's totals
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.`application_products`    TO '@COLLECTION_USER@'@'localhost';  -- a checked save rewrites them
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.`application_attachments` TO '@COLLECTION_USER@'@'localhost';  -- replace or delete an upload (A3)
GRANT SELECT, INSERT                 ON `@DB@`.`application_events`      TO '@COLLECTION_USER@'@'localhost';  -- A5 history
GRANT INSERT                         ON `@DB@`.`audit_log`        TO '@COLLECTION_USER@'@'localhost';

-- ---------------------------------------------------------------------------
-- publicity: the public lists (R5), their signing, public feedback, the
-- bureau's batches (gather, publish) and its decisions on objections.
-- No payment column, no violations, recoveries or spot checks.

GRANT SELECT (id, role, login, enterprise_id, provider_id, org_id, member_role, disabled) ON `@DB@`.`accounts` TO '@PUBLICITY_USER@'@'localhost';
GRANT SELECT, UPDATE (last_seen_at), DELETE ON `@DB@`.`sessions`  TO '@PUBLICITY_USER@'@'localhost';
GRANT SELECT (id, name, barred_until) ON `@DB@`.`enterprises`     TO '@PUBLICITY_USER@'@'localhost';  -- V2 bars, the bureau's item view
GRANT SELECT (id, name, uscc, barred_until) ON `@DB@`.`providers` TO '@PUBLICITY_USER@'@'localhost';  -- uscc: the open data's recipient (issue 16 §3)
GRANT SELECT (id, name, category, provider_id, round_year) ON `@DB@`.`products` TO '@PUBLICITY_USER@'@'localhost';  -- what an item lists; its provider and round in the open data
-- every column but the enterprise's order contact (contact_name,
-- contact_mobile): never in a list, an export or publicity
GRANT SELECT (id, order_no, enterprise_id, product_id, provider_id, year, status,
              cancel_reason, status_reason, product_name, voucher_price, validity_days,
              unit_subsidy, reserved, reserved_at_order, unit_held, subsidy, ordered_at,
              accept_deadline, accepted_at, valid_until, contracted_at, confirmed_at,
              submitted_at, approved_at, publicized_at, paid_at, closed_at, updated_at)
    ON `@DB@`.`orders` TO '@PUBLICITY_USER@'@'localhost';
-- publish (approved → publicized) and an upheld objection (→ rejected):
-- never paid_at
GRANT UPDATE (status, status_reason, updated_at, publicized_at, cancel_reason,
              reserved, unit_held, closed_at)
    ON `@DB@`.`orders` TO '@PUBLICITY_USER@'@'localhost';
GRANT SELECT, UPDATE (occupied)      ON `@DB@`.`enterprise_quota` TO '@PUBLICITY_USER@'@'localhost';  -- a rejection releases
GRANT INSERT                         ON `@DB@`.`order_events`     TO '@PUBLICITY_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`redemption_claims` TO '@PUBLICITY_USER@'@'localhost';
GRANT UPDATE (status, decision, approved_amount, reason, reviewed_at, updated_at)
    ON `@DB@`.`redemption_claims` TO '@PUBLICITY_USER@'@'localhost';  -- an upheld objection rejects the claim
GRANT SELECT                         ON `@DB@`.`publicity_batches` TO '@PUBLICITY_USER@'@'localhost';
GRANT INSERT (title, status, created_at, created_by)
    ON `@DB@`.`publicity_batches` TO '@PUBLICITY_USER@'@'localhost';
GRANT UPDATE (status, seq, published_at, published_by, period_ends_at, period_days,
              item_count, total_amount, file_json, file_sha256, prev_sha256,
              signature, key_sha256)
    ON `@DB@`.`publicity_batches` TO '@PUBLICITY_USER@'@'localhost';  -- never paid_on, paid_at, paid_by
GRANT SELECT, DELETE                 ON `@DB@`.`publicity_items`  TO '@PUBLICITY_USER@'@'localhost';  -- drop a stale item of a draft batch
GRANT INSERT (batch_id, order_id, provider_name, product_name, category, amount, unconfirmed, created_at)
    ON `@DB@`.`publicity_items` TO '@PUBLICITY_USER@'@'localhost';
GRANT UPDATE (objection_status, withdrawn, withdrawn_at, withdrawn_seq)
    ON `@DB@`.`publicity_items` TO '@PUBLICITY_USER@'@'localhost';  -- never paid_on, paid_seq
GRANT SELECT, INSERT                 ON `@DB@`.`publicity_records` TO '@PUBLICITY_USER@'@'localhost';  -- R7: a withdrawal's record; never changed
GRANT SELECT, UPDATE (head_batch_id, head_sha256, length, updated_at)
    ON `@DB@`.`publicity_chain` TO '@PUBLICITY_USER@'@'localhost';  -- R5: one row, the chain head
GRANT SELECT                         ON `@DB@`.`feedback`         TO '@PUBLICITY_USER@'@'localhost';
GRANT INSERT (item_id, tracking_no, text, contact, status, created_at, client_ip)
    ON `@DB@`.`feedback` TO '@PUBLICITY_USER@'@'localhost';
GRANT UPDATE (status, note, decided_at, decided_by)
    ON `@DB@`.`feedback` TO '@PUBLICITY_USER@'@'localhost';
GRANT INSERT                         ON `@DB@`.`audit_log`        TO '@PUBLICITY_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`search_texts` TO '@PUBLICITY_USER@'@'localhost';  -- issue 13: search
GRANT SELECT ON `@DB@`.`search_grams` TO '@PUBLICITY_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`publicity_item_grams` TO '@PUBLICITY_USER@'@'localhost';  -- a batch searched for a short word (019)
GRANT SELECT ON `@DB@`.`publicity_item_gram_counts` TO '@PUBLICITY_USER@'@'localhost';  -- its total (025)
GRANT SELECT ON `@DB@`.`row_counts`   TO '@PUBLICITY_USER@'@'localhost';  -- the feedback total

-- ---------------------------------------------------------------------------
-- oversight: paying batches (R5), recoveries (R6, V2), violations (V1, V2),
-- spot checks and the audit trail (V3), the dashboard. Bureau only.

GRANT SELECT (id, role, login, enterprise_id, provider_id, org_id, member_role, disabled) ON `@DB@`.`accounts` TO '@OVERSIGHT_USER@'@'localhost';  -- and the audit trail's actor
GRANT SELECT, UPDATE (last_seen_at), DELETE ON `@DB@`.`sessions`  TO '@OVERSIGHT_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`categories`       TO '@OVERSIGHT_USER@'@'localhost';  -- the dashboard
GRANT SELECT                         ON `@DB@`.`contracts`        TO '@OVERSIGHT_USER@'@'localhost';  -- a sampled order (V3)
GRANT SELECT                         ON `@DB@`.`feedback`         TO '@OVERSIGHT_USER@'@'localhost';  -- open objections hold a payment
GRANT SELECT, UPDATE (barred_until, updated_at) ON `@DB@`.`enterprises` TO '@OVERSIGHT_USER@'@'localhost';  -- V2 bar
GRANT SELECT, UPDATE (barred_until, updated_at) ON `@DB@`.`providers`   TO '@OVERSIGHT_USER@'@'localhost';
GRANT SELECT, UPDATE (listed, updated_at, remaining_units, units_sold)
    ON `@DB@`.`products` TO '@OVERSIGHT_USER@'@'localhost';  -- V2 delist; a revoked order's unit back
GRANT SELECT, UPDATE (occupied)      ON `@DB@`.`enterprise_quota` TO '@OVERSIGHT_USER@'@'localhost';  -- a revoked order releases
GRANT SELECT, UPDATE (status, status_reason, updated_at, cancel_reason, reserved,
                      unit_held, closed_at, paid_at)
    ON `@DB@`.`orders` TO '@OVERSIGHT_USER@'@'localhost';  -- publicized → paid (R5), revoked (V2)
GRANT SELECT, INSERT                 ON `@DB@`.`order_events`     TO '@OVERSIGHT_USER@'@'localhost';  -- SELECT: a scorecard's returns and rejections (issue 16 §4)
GRANT SELECT                         ON `@DB@`.`order_counts`     TO '@OVERSIGHT_USER@'@'localhost';  -- one party's orders total (020)
GRANT SELECT                         ON `@DB@`.`refunds`          TO '@OVERSIGHT_USER@'@'localhost';  -- a scorecard's refunds (issue 16 §4)
-- issue 16: what waits past its stage clock (GET /api/bureau/overdue)
GRANT SELECT (id, provider_id, state, last_submitted_at, reviewer_opinion)
    ON `@DB@`.`product_applications` TO '@OVERSIGHT_USER@'@'localhost';
GRANT SELECT (id, kind, name, status, submitted_at)
    ON `@DB@`.`certifications` TO '@OVERSIGHT_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`overdue_swept`    TO '@OVERSIGHT_USER@'@'localhost';  -- its stages' folded totals (026)
GRANT SELECT                         ON `@DB@`.`overdue_minutes`  TO '@OVERSIGHT_USER@'@'localhost';  -- and their minutes not folded yet
GRANT SELECT, UPDATE (status, decision, approved_amount, reason, reviewed_at, updated_at)
    ON `@DB@`.`redemption_claims` TO '@OVERSIGHT_USER@'@'localhost';  -- a revoked order's claim rejected
GRANT SELECT, UPDATE (status, paid_on, paid_at, paid_by)
    ON `@DB@`.`publicity_batches` TO '@OVERSIGHT_USER@'@'localhost';  -- R5 payment
GRANT SELECT, UPDATE (paid_on, paid_seq, withdrawn, withdrawn_at, withdrawn_seq)
    ON `@DB@`.`publicity_items` TO '@OVERSIGHT_USER@'@'localhost';  -- R5 payment, V2 withdrawal
GRANT SELECT, INSERT                 ON `@DB@`.`publicity_records` TO '@OVERSIGHT_USER@'@'localhost';  -- R7: payment and V2 withdrawal records; never changed
GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`recoveries`       TO '@OVERSIGHT_USER@'@'localhost';  -- R6, V2
GRANT SELECT, INSERT                 ON `@DB@`.`violations`       TO '@OVERSIGHT_USER@'@'localhost';  -- V1: kept, never changed
GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`spot_checks`      TO '@OVERSIGHT_USER@'@'localhost';  -- V3
GRANT SELECT                         ON `@DB@`.`evaluations`      TO '@OVERSIGHT_USER@'@'localhost';  -- C1: ratings per provider (issue 11)
GRANT SELECT, INSERT                 ON `@DB@`.`audit_log`        TO '@OVERSIGHT_USER@'@'localhost';  -- V3: the one reader
-- the totals and sums kept by 004/007's triggers (issue 13)
GRANT SELECT ON `@DB@`.`audit_counts` TO '@OVERSIGHT_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`stats_orders` TO '@OVERSIGHT_USER@'@'localhost';  -- the dashboard
GRANT SELECT ON `@DB@`.`stats_quota`  TO '@OVERSIGHT_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`stats_stages` TO '@OVERSIGHT_USER@'@'localhost';  -- stage_days, the orders total (018)
GRANT SELECT ON `@DB@`.`row_counts`   TO '@OVERSIGHT_USER@'@'localhost';

-- ---------------------------------------------------------------------------
-- registration (issue 12): joining by oneself (E9-E13), the verification
-- queue, members, the bureau's lists (E11, E14) and programme years
-- (Y1-Y3). Owner of organisations, certifications, org_files,
-- org_invites, verification_codes, the lists and their imports, the
-- outbox's writes; writes the certified enterprises and providers, their
-- quotas and the rounds as the decisions and imports say.

GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`accounts`         TO '@REGISTRATION_USER@'@'localhost';  -- signup, members
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.`sessions`         TO '@REGISTRATION_USER@'@'localhost';  -- a code logs in; a removed member's end
GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`organisations`    TO '@REGISTRATION_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`certifications`   TO '@REGISTRATION_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`org_files`        TO '@REGISTRATION_USER@'@'localhost';  -- the licence, replaced in place
GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`org_invites`      TO '@REGISTRATION_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.`verification_codes` TO '@REGISTRATION_USER@'@'localhost';  -- consumed
GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`throttle`         TO '@REGISTRATION_USER@'@'localhost';  -- codes per mobile
GRANT INSERT                         ON `@DB@`.`notifications`    TO '@REGISTRATION_USER@'@'localhost';  -- the outbox
GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`notification_prefs` TO '@REGISTRATION_USER@'@'localhost';  -- issue 16: settings (upsert)
GRANT SELECT (id, kind, channel, account_id, text, link, is_secret, created_at, read_at), UPDATE (read_at)
    ON `@DB@`.`notifications` TO '@REGISTRATION_USER@'@'localhost';  -- issue 16: the inbox
GRANT SELECT                         ON `@DB@`.`notification_counts` TO '@REGISTRATION_USER@'@'localhost';  -- the inbox totals (020)
GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`enterprises`      TO '@REGISTRATION_USER@'@'localhost';  -- certified (E9), tier (E11), credit (E14)
GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`providers`        TO '@REGISTRATION_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE (cap)   ON `@DB@`.`enterprise_quota` TO '@REGISTRATION_USER@'@'localhost';  -- E7 at approval, E8
GRANT SELECT, INSERT                 ON `@DB@`.`list_imports`     TO '@REGISTRATION_USER@'@'localhost';
GRANT UPDATE (enterprises_changed)   ON `@DB@`.`list_imports`     TO '@REGISTRATION_USER@'@'localhost';  -- counted last
GRANT SELECT, INSERT, DELETE         ON `@DB@`.`qualification_lists` TO '@REGISTRATION_USER@'@'localhost';  -- replaced whole
GRANT SELECT, INSERT, DELETE         ON `@DB@`.`credit_list`      TO '@REGISTRATION_USER@'@'localhost';      -- replaced whole
GRANT SELECT ON `@DB@`.`certification_counts` TO '@REGISTRATION_USER@'@'localhost';  -- 022: the queue's totals
GRANT SELECT ON `@DB@`.`list_counts`      TO '@REGISTRATION_USER@'@'localhost';  -- 022: the lists' sizes
GRANT SELECT, INSERT, UPDATE         ON `@DB@`.`rounds`           TO '@REGISTRATION_USER@'@'localhost';  -- Y1
GRANT INSERT                         ON `@DB@`.`audit_log`        TO '@REGISTRATION_USER@'@'localhost';

-- ---------------------------------------------------------------------------
-- voucherctl: the O4/O6 sweeper (orders closed as the system), reconcile
-- (remaining units and occupied amounts recomputed from the orders) and
-- tidy (old idempotency records and expired sessions purged; stored files
-- no claim or application records set aside)

GRANT SELECT, UPDATE (status, status_reason, updated_at, cancel_reason, reserved,
                      unit_held, closed_at)
    ON `@DB@`.`orders` TO '@CTL_USER@'@'localhost';
GRANT SELECT, UPDATE (remaining_units, units_sold) ON `@DB@`.`products` TO '@CTL_USER@'@'localhost';
GRANT SELECT, UPDATE (occupied)      ON `@DB@`.`enterprise_quota` TO '@CTL_USER@'@'localhost';
GRANT SELECT, INSERT                 ON `@DB@`.`order_events`     TO '@CTL_USER@'@'localhost';  -- SELECT: the reminders' cursor
GRANT INSERT                         ON `@DB@`.`audit_log`        TO '@CTL_USER@'@'localhost';
GRANT SELECT (created_at), DELETE    ON `@DB@`.`idempotency_keys` TO '@CTL_USER@'@'localhost';  -- retention
GRANT SELECT (expires_at), DELETE    ON `@DB@`.`sessions`         TO '@CTL_USER@'@'localhost';  -- past their absolute expiry
GRANT SELECT (stored_name)           ON `@DB@`.`redemption_files` TO '@CTL_USER@'@'localhost';  -- is a stored file recorded
GRANT SELECT (stored_name)           ON `@DB@`.`application_attachments` TO '@CTL_USER@'@'localhost';
GRANT SELECT (stored_name)           ON `@DB@`.`org_files`        TO '@CTL_USER@'@'localhost';  -- a licence (issue 12)
GRANT SELECT (licence_stored)        ON `@DB@`.`certifications`   TO '@CTL_USER@'@'localhost';  -- a licence a decision kept
-- issue 12: the outbox sender (voucherctl notify) and the purge of spent
-- codes and old limits (tidy)
GRANT SELECT, UPDATE (status, attempts, next_attempt_at, sent_at, last_error, text, payload)
    ON `@DB@`.`notifications` TO '@CTL_USER@'@'localhost';
-- issue 16: the reminders the sweeper computes (shared/domain/reminders.c):
-- the order events after its cursor, the members who may act, their
-- choices, the once-only keys, and the messages themselves
GRANT SELECT (id, login, mobile, role, enterprise_id, provider_id, disabled, member_role)
    ON `@DB@`.`accounts` TO '@CTL_USER@'@'localhost';
GRANT SELECT                         ON `@DB@`.`notification_prefs` TO '@CTL_USER@'@'localhost';
GRANT INSERT                         ON `@DB@`.`notifications`    TO '@CTL_USER@'@'localhost';
GRANT SELECT, INSERT                 ON `@DB@`.`reminders`        TO '@CTL_USER@'@'localhost';
GRANT SELECT, UPDATE (last_id, updated_at) ON `@DB@`.`reminder_cursor` TO '@CTL_USER@'@'localhost';
GRANT SELECT (expires_at), DELETE    ON `@DB@`.`verification_codes` TO '@CTL_USER@'@'localhost';
GRANT SELECT (window_start), DELETE  ON `@DB@`.`throttle`         TO '@CTL_USER@'@'localhost';
GRANT SELECT (last_used_at), DELETE ON `@DB@`.`login_devices`    TO '@CTL_USER@'@'localhost';  -- unused for 180 days (issue 15)
-- issue 13: the sweeper folds the overdue stages' passed minutes into
-- their totals (026_overdue_swept.sql, shared/domain/overdue_fold.c)
GRANT SELECT, UPDATE (upto, n)       ON `@DB@`.`overdue_swept`    TO '@CTL_USER@'@'localhost';
GRANT SELECT, DELETE                 ON `@DB@`.`overdue_minutes`  TO '@CTL_USER@'@'localhost';
-- and each small kept total's per-connection slots into one row
-- (shared/domain/slot_fold.c): its values added to a slot, the others
-- deleted
GRANT SELECT, UPDATE (orders, subsidy), DELETE ON `@DB@`.`stats_orders` TO '@CTL_USER@'@'localhost';
GRANT SELECT, UPDATE (enterprises, cap, occupied), DELETE ON `@DB@`.`stats_quota` TO '@CTL_USER@'@'localhost';
GRANT SELECT, UPDATE (orders, accept_n, accept_s, contract_n, contract_s, submit_n, submit_s,
                      review_n, review_s, publish_n, publish_s, pay_n, pay_s), DELETE
    ON `@DB@`.`stats_stages` TO '@CTL_USER@'@'localhost';
GRANT SELECT, UPDATE (n), DELETE     ON `@DB@`.`claim_counts`     TO '@CTL_USER@'@'localhost';
GRANT SELECT, UPDATE (n), DELETE     ON `@DB@`.`certification_counts` TO '@CTL_USER@'@'localhost';
GRANT SELECT, UPDATE (n), DELETE     ON `@DB@`.`application_counts` TO '@CTL_USER@'@'localhost';
GRANT SELECT, UPDATE (n), DELETE     ON `@DB@`.`audit_counts`     TO '@CTL_USER@'@'localhost';

-- ---------------------------------------------------------------------------
-- the read-only user: public data only

GRANT SELECT ON `@DB@`.`rounds`            TO '@RO_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`categories`        TO '@RO_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`products`          TO '@RO_USER@'@'localhost';  -- P5: remaining units are public
GRANT SELECT ON `@DB@`.`publicity_batches` TO '@RO_USER@'@'localhost';  -- R5, with the signed file (file_json)
GRANT SELECT ON `@DB@`.`publicity_items`   TO '@RO_USER@'@'localhost';  -- R5: no enterprise data in it
GRANT SELECT ON `@DB@`.`publicity_item_grams` TO '@RO_USER@'@'localhost';  -- a batch searched for a short word (019)
GRANT SELECT ON `@DB@`.`publicity_item_gram_counts` TO '@RO_USER@'@'localhost';  -- its total (025)
GRANT SELECT ON `@DB@`.`publicity_records` TO '@RO_USER@'@'localhost';  -- R7: the records after a list
-- the search index holds only public names: products' and providers' (and
-- the publicity items' copies of them); enterprises' names have their own
-- grams (enterprise_grams), not granted here
GRANT SELECT ON `@DB@`.`search_texts`      TO '@RO_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`search_grams`      TO '@RO_USER@'@'localhost';
-- the catalog's totals and per-round index of listed products, and the
-- ratings' sums per product (issue 13: 021_catalog_scale.sql): public
GRANT SELECT ON `@DB@`.`catalog_counts`      TO '@RO_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`product_grams`       TO '@RO_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`product_gram_counts` TO '@RO_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`evaluation_sums`     TO '@RO_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`catalog_price_counts` TO '@RO_USER@'@'localhost';  -- 024: per price

-- providers: identity, bar (V2 is public) and whether a credit flag stops
-- its products being ordered (P7: the catalog says so); not the credit
-- record's source or date, no revenue figures; its search text (issue 13)
GRANT SELECT (id, name, uscc, beijing_registered, established_on, barred_until,
              credit_flagged, search_text_id)
    ON `@DB@`.`providers` TO '@RO_USER@'@'localhost';
-- evaluations: the stars and comment per product, not the order (C1)
-- P5/O4/O6: remaining units at now count the units of timed-out orders
-- (never the enterprise's order contact: contact_name, contact_mobile)
GRANT SELECT (id, product_id, unit_held, status, accept_deadline, valid_until)
    ON `@DB@`.`orders` TO '@RO_USER@'@'localhost';
GRANT SELECT (product_id, quality, timeliness, attitude, comment, created_at)
    ON `@DB@`.`evaluations` TO '@RO_USER@'@'localhost';
-- feedback: follow-up by tracking number (R5), with the bureau's decision
-- note (written for the public), without its text, contact or address
GRANT SELECT (id, item_id, tracking_no, status, note, created_at, decided_at)
    ON `@DB@`.`feedback` TO '@RO_USER@'@'localhost';
