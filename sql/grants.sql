-- grants.sql - database users of the voucher system. A TEMPLATE: sql/migrate.sh
-- substitutes @DB@, @APP_USER@, @APP_PASSWORD@, @RO_USER@, @RO_PASSWORD@
-- (passwords escaped for a quoted SQL string) and applies it after the
-- migrations, on every run. It is authoritative: each run first revokes
-- everything from both users, then grants exactly what is below, so a
-- privilege removed here disappears on the next run.
--
-- @APP_USER@  the FastCGI programs' writer. DML only, no DDL. DELETE only
--             where rows are legitimately removed (sessions, idempotency
--             keys, draft applications and their rows, replaced uploads,
--             stale items of a draft publicity batch).
--             audit_log, order_events and application_events: SELECT and
--             INSERT only, so the trails are append-only (V3, O10, A5).
-- @RO_USER@   the read-only user of the public programs (catalog, publicity).
--             SELECT on public tables only; column-level SELECT where a table
--             mixes public and private columns. Never accounts, sessions,
--             enterprises, orders or anything else with enterprise data
--             (R5: the publicity list shows no enterprise data).

CREATE USER IF NOT EXISTS '@APP_USER@'@'localhost' IDENTIFIED BY '@APP_PASSWORD@';
ALTER USER '@APP_USER@'@'localhost' IDENTIFIED BY '@APP_PASSWORD@';
CREATE USER IF NOT EXISTS '@RO_USER@'@'localhost' IDENTIFIED BY '@RO_PASSWORD@';
ALTER USER '@RO_USER@'@'localhost' IDENTIFIED BY '@RO_PASSWORD@';

REVOKE ALL PRIVILEGES, GRANT OPTION FROM '@APP_USER@'@'localhost';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM '@RO_USER@'@'localhost';

-- ---------------------------------------------------------------------------
-- the application user

-- reference data and the migration record: read only
GRANT SELECT ON `@DB@`.`categories`        TO '@APP_USER@'@'localhost';  -- P1 fixed
GRANT SELECT ON `@DB@`.`schema_migrations` TO '@APP_USER@'@'localhost';  -- version check at start-up

-- append-only trails (V3, O10)
GRANT SELECT, INSERT ON `@DB@`.`audit_log`    TO '@APP_USER@'@'localhost';
GRANT SELECT, INSERT ON `@DB@`.`order_events` TO '@APP_USER@'@'localhost';
GRANT SELECT, INSERT ON `@DB@`.`application_events` TO '@APP_USER@'@'localhost';  -- A5

-- kept by 004_scale.sql's triggers (which write them as their definer):
-- read only for the programs
GRANT SELECT ON `@DB@`.`search_texts` TO '@APP_USER@'@'localhost';   -- issue 13: search
GRANT SELECT ON `@DB@`.`search_grams` TO '@APP_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`enterprise_grams` TO '@APP_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`row_counts`   TO '@APP_USER@'@'localhost';   -- list totals
GRANT SELECT ON `@DB@`.`audit_counts` TO '@APP_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`stats_orders` TO '@APP_USER@'@'localhost';   -- the dashboard
GRANT SELECT ON `@DB@`.`stats_quota`  TO '@APP_USER@'@'localhost';

-- rows that are created and changed, never deleted
GRANT SELECT, INSERT, UPDATE ON `@DB@`.`rounds`            TO '@APP_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.`enterprises`       TO '@APP_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.`enterprise_quota`  TO '@APP_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.`providers`         TO '@APP_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.`accounts`          TO '@APP_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.`products`          TO '@APP_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.`orders`            TO '@APP_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.`contracts`         TO '@APP_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.`evaluations`       TO '@APP_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.`redemption_claims` TO '@APP_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.`publicity_batches` TO '@APP_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.`feedback`          TO '@APP_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.`violations`        TO '@APP_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.`refunds`           TO '@APP_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.`recoveries`        TO '@APP_USER@'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.`spot_checks`       TO '@APP_USER@'@'localhost';
GRANT SELECT, UPDATE         ON `@DB@`.`publicity_chain`   TO '@APP_USER@'@'localhost';  -- R5: one row, the chain head

-- rows that are legitimately deleted
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.`sessions`                TO '@APP_USER@'@'localhost';  -- logout, expiry
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.`idempotency_keys`        TO '@APP_USER@'@'localhost';  -- cleanup by age
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.`product_applications`    TO '@APP_USER@'@'localhost';  -- discard a draft
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.`application_products`    TO '@APP_USER@'@'localhost';  -- remove a draft product
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.`application_attachments` TO '@APP_USER@'@'localhost';  -- replace an upload (A3)
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.`redemption_files`        TO '@APP_USER@'@'localhost';  -- replace an upload (R1)
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.`publicity_items`         TO '@APP_USER@'@'localhost';  -- drop a stale item from a draft batch (R5)

-- ---------------------------------------------------------------------------
-- the read-only user: public data only

GRANT SELECT ON `@DB@`.`rounds`            TO '@RO_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`categories`        TO '@RO_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`products`          TO '@RO_USER@'@'localhost';  -- P5: remaining units are public
GRANT SELECT ON `@DB@`.`publicity_batches` TO '@RO_USER@'@'localhost';  -- R5, with the signed file (file_json)
GRANT SELECT ON `@DB@`.`publicity_items`   TO '@RO_USER@'@'localhost';  -- R5: no enterprise data in it
-- the search index holds only public names: products' and providers' (and
-- the publicity items' copies of them); enterprises' names have their own
-- grams (enterprise_grams), not granted here
GRANT SELECT ON `@DB@`.`search_texts`      TO '@RO_USER@'@'localhost';
GRANT SELECT ON `@DB@`.`search_grams`      TO '@RO_USER@'@'localhost';

-- providers: identity and bar (V2 is public) only; no credit record, no
-- revenue figures
GRANT SELECT (id, name, uscc, beijing_registered, established_on, barred_until,
               search_text_id)
    ON `@DB@`.`providers` TO '@RO_USER@'@'localhost';
-- evaluations: the stars and comment per product, not the order (C1)
-- P5/O4/O6: remaining units at now count the units of timed-out orders
GRANT SELECT (id, product_id, unit_held, status, accept_deadline, valid_until)
    ON `@DB@`.`orders` TO '@RO_USER@'@'localhost';
GRANT SELECT (product_id, quality, timeliness, attitude, comment, created_at)
    ON `@DB@`.`evaluations` TO '@RO_USER@'@'localhost';
-- feedback: follow-up by tracking number (R5), with the bureau's decision
-- note (written for the public), without its text, contact or address
GRANT SELECT (id, item_id, tracking_no, status, note, created_at, decided_at)
    ON `@DB@`.`feedback` TO '@RO_USER@'@'localhost';
