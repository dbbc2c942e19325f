-- 004_scale.sql - Beijing's size (issue #13): indexes so that no statement
-- scans or sorts a table that grows with the year
-- (tests/integration/test_explain.py checks every statement), and a search
-- index for Chinese text that replaces LIKE '%…%' scans.
--
-- Search (q on products, providers, publicity items): every public
-- searchable text (a product's name and its provider's name, a provider's
-- name, a publicity item's product and provider names) is stored once in
-- search_texts, and every one- and two-character substring of it (its
-- unigrams and bigrams) in search_grams. Enterprises' names, which are not
-- public, have grams of their own (enterprise_grams), out of the read-only
-- user's reach. A query of
-- one or two characters is one key lookup; a longer one is the texts
-- holding both its first and its last bigram, checked with LIKE on those
-- texts only (never on a table). Relevance: a match in the first part of
-- the text (the product's name before its provider's) ranks first, then
-- the sort the reader chose. Triggers keep the index in the same
-- transaction as the write that changes a name (BEFORE INSERT/UPDATE set
-- the row's search_text_id), so the programs' SQL only reads it. Texts are
-- never deleted: a renamed row points to its new text; an old one costs a
-- few rows. The bulk loader of the scale data (tests/scale) fills the index
-- itself and sets @voucher_bulk_load to skip the triggers.
--
-- Applied by sql/migrate.sh, exactly once; never edit it once applied.

SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

-- ---------------------------------------------------------------------------
-- the search index
CREATE TABLE search_texts (
    id    BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    text  VARCHAR(600) NOT NULL,                -- parts separated by a tab
    PRIMARY KEY (id),
    UNIQUE KEY uq_search_texts_text (text)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: every searchable text once';

-- gram: one or two characters, compared as the texts are (utf8mb4_unicode_ci:
-- case and width insensitive, as LIKE was).
CREATE TABLE search_grams (
    gram     VARCHAR(2)      NOT NULL,
    text_id  BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (gram, text_id),
    KEY ix_search_grams_text (text_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: the unigrams and bigrams of each search text';

DELIMITER //

-- tid: the id of text t in search_texts, adding it and its grams when new
-- (NULL for NULL). Two writers adding the same new text: the second waits
-- on the unique key and then reads the first's row (a locking read sees
-- it); grams written twice are ignored. A procedure, not a function: with
-- a binary log (replication, backups) a function that writes cannot be
-- created without log_bin_trust_function_creators.
CREATE PROCEDURE search_text(IN t VARCHAR(600), OUT tid BIGINT UNSIGNED)
    MODIFIES SQL DATA
    SQL SECURITY DEFINER
BEGIN
    DECLARE i, n INT;
    SET tid = NULL;
    IF t IS NOT NULL THEN
        -- (a scalar subquery: SELECT … INTO would raise NOT FOUND in the
        -- caller's handlers, e.g. a trigger's cursor loop)
        SET tid = (SELECT id FROM search_texts WHERE text = t LOCK IN SHARE MODE);
        IF tid IS NULL THEN
            -- (ROW_COUNT() and LAST_INSERT_ID() are not to be trusted in a
            -- routine that a trigger calls: read the row back)
            INSERT IGNORE INTO search_texts (text) VALUES (t);
            SET tid = (SELECT id FROM search_texts WHERE text = t LOCK IN SHARE MODE);
            IF NOT EXISTS (SELECT 1 FROM search_grams WHERE text_id = tid) THEN
                SET i = 1, n = CHAR_LENGTH(t);
                WHILE i <= n DO
                    INSERT IGNORE INTO search_grams (gram, text_id)
                        VALUES (SUBSTRING(t, i, 1), tid);
                    IF i < n THEN
                        INSERT IGNORE INTO search_grams (gram, text_id)
                            VALUES (SUBSTRING(t, i, 2), tid);
                    END IF;
                    SET i = i + 1;
                END WHILE;
            END IF;
        END IF;
    END IF;
END//

-- The grams of enterprise eid's name n, replacing its old ones.
CREATE PROCEDURE enterprise_index(eid BIGINT UNSIGNED, n VARCHAR(200))
    MODIFIES SQL DATA
    SQL SECURITY DEFINER
BEGIN
    DECLARE i, len INT;
    DELETE FROM enterprise_grams WHERE enterprise_id = eid;
    SET i = 1, len = CHAR_LENGTH(n);
    WHILE i <= len DO
        INSERT IGNORE INTO enterprise_grams (gram, enterprise_id) VALUES (SUBSTRING(n, i, 1), eid);
        IF i < len THEN
            INSERT IGNORE INTO enterprise_grams (gram, enterprise_id) VALUES (SUBSTRING(n, i, 2), eid);
        END IF;
        SET i = i + 1;
    END WHILE;
END//

DELIMITER ;

-- ---------------------------------------------------------------------------
-- products: the catalog list has one index per sort, with and without the
-- category (the list is (listed, round) [+ category], ordered by the sort,
-- ending on the id): no filesort for any sort, and a LIMIT stops the read.
-- rating_key is the average the rating sort orders by (NULL without
-- ratings: last); left_share the share of units left (selling out).
ALTER TABLE products
    ADD COLUMN search_text_id BIGINT UNSIGNED NULL AFTER application_id,
    ADD COLUMN rating_key DECIMAL(10,4) AS (rating_sum / NULLIF(rating_count, 0)) PERSISTENT,
    ADD COLUMN left_share DECIMAL(10,4) AS (remaining_units / NULLIF(units_total, 0)) PERSISTENT,
    DROP KEY ix_products_listed_price,
    ADD KEY ix_products_price (listed, round_year, voucher_price, id),
    ADD KEY ix_products_cat_price (listed, round_year, category, voucher_price, id),
    ADD KEY ix_products_rating (listed, round_year, rating_key, rating_count, id),
    ADD KEY ix_products_cat_rating (listed, round_year, category, rating_key, rating_count, id),
    ADD KEY ix_products_sales (listed, round_year, units_sold, id),
    ADD KEY ix_products_cat_sales (listed, round_year, category, units_sold, id),
    ADD KEY ix_products_left (listed, round_year, left_share, remaining_units, id),
    ADD KEY ix_products_search (search_text_id);

ALTER TABLE providers
    ADD COLUMN search_text_id BIGINT UNSIGNED NULL,
    ADD KEY ix_providers_search (search_text_id);

-- the bureau's search of enterprises by name (not public: no text table)
CREATE TABLE enterprise_grams (
    gram           VARCHAR(2)      NOT NULL,
    enterprise_id  BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (gram, enterprise_id),
    KEY ix_enterprise_grams_enterprise (enterprise_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: the unigrams and bigrams of each enterprise name';

ALTER TABLE publicity_items
    ADD COLUMN search_text_id BIGINT UNSIGNED NULL,
    ADD KEY ix_publicity_items_search (search_text_id, batch_id, id);

-- ---------------------------------------------------------------------------
-- lists read newest first by their owner, and the queues
ALTER TABLE orders
    ADD KEY ix_orders_enterprise_id (enterprise_id, id),      -- an enterprise's orders
    ADD KEY ix_orders_provider_id (provider_id, id),          -- a provider's inbox
    ADD KEY ix_orders_approved (status, approved_at, id),     -- R5: claims to batch
    ADD KEY ix_orders_product_held (product_id, unit_held, id);  -- P5: units held (reconcile)

ALTER TABLE product_applications
    ADD KEY ix_applications_provider_id (provider_id, id),    -- A5 我的申报
    ADD KEY ix_applications_queue_a7 (state, preferred DESC, last_submitted_at, id);  -- A7

ALTER TABLE application_attachments
    ADD KEY ix_application_attachments_order (application_id, id);

ALTER TABLE spot_checks
    ADD KEY ix_spot_checks_sample (sample_id, id);

ALTER TABLE publicity_batches
    ADD KEY ix_batches_created (created_at);

ALTER TABLE audit_log
    ADD KEY ix_audit_entity_all (entity, id);                 -- V3: one kind, newest first

ALTER TABLE recoveries
    ADD KEY ix_recoveries_order_refund (order_id, refund_id, amount_due);

-- ---------------------------------------------------------------------------
-- product_category: each product's category, for the orders' triggers
-- below. They must not read the products row: an order is inserted before
-- the hot guarded UPDATE takes its unit, and a trigger's read inside an
-- INSERT is a shared lock, which that UPDATE would then have to upgrade
-- (two orders of one product would deadlock). Written when a product is
-- listed (its category never changes).
CREATE TABLE product_category (
    product_id  BIGINT UNSIGNED NOT NULL,
    category    VARCHAR(16)     NOT NULL,
    PRIMARY KEY (product_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: the category of each product, for the stats triggers';

INSERT INTO product_category (product_id, category) SELECT id, category FROM products;

-- ---------------------------------------------------------------------------
-- row_counts: the totals of the bureau's unfiltered lists of enterprises
-- and providers, kept by triggers (a COUNT(*) would read the whole table on
-- every page). Rows are never deleted from either table.
CREATE TABLE row_counts (
    name  VARCHAR(64) NOT NULL,
    n     BIGINT      NOT NULL,
    PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: totals kept by triggers';

-- ---------------------------------------------------------------------------
-- the bureau's dashboard (GET /api/bureau/stats) reads sums kept by
-- triggers in the writing transaction instead of aggregating the year's
-- orders and allowances on every request. Each writer adds to the row of
-- its own connection's slot (CONNECTION_ID() mod 64), so concurrent orders
-- in one category and month do not queue on one row; a read sums the
-- slots. An order counts while it holds or used subsidy (every status but
-- cancelled, expired, rejected, revoked) with COALESCE(subsidy, reserved).
CREATE TABLE stats_orders (
    year      SMALLINT    NOT NULL,
    category  VARCHAR(16) NOT NULL,
    month     CHAR(7)     NOT NULL,       -- 'YYYY-MM' of ordered_at, Asia/Shanghai (T1)
    slot      TINYINT UNSIGNED NOT NULL,
    orders    BIGINT      NOT NULL DEFAULT 0,
    subsidy   BIGINT      NOT NULL DEFAULT 0,
    PRIMARY KEY (year, category, month, slot)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: orders and subsidy per year, category and month';

CREATE TABLE stats_quota (
    year         SMALLINT NOT NULL,
    tier         ENUM('ordinary','specialized','little_giant') NOT NULL,
    slot         TINYINT UNSIGNED NOT NULL,
    enterprises  BIGINT   NOT NULL DEFAULT 0,
    cap          BIGINT   NOT NULL DEFAULT 0,
    occupied     BIGINT   NOT NULL DEFAULT 0,
    PRIMARY KEY (year, tier, slot)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: allowances per year and tier';

INSERT INTO stats_orders (year, category, month, slot, orders, subsidy)
    SELECT o.year, p.category, DATE_FORMAT(o.ordered_at + INTERVAL 8 HOUR, '%Y-%m'), 0,
           COUNT(*), SUM(COALESCE(o.subsidy, o.reserved))
    FROM orders o JOIN products p ON p.id = o.product_id
    WHERE o.status NOT IN ('cancelled', 'expired', 'rejected', 'revoked')
    GROUP BY o.year, p.category, DATE_FORMAT(o.ordered_at + INTERVAL 8 HOUR, '%Y-%m');
INSERT INTO stats_quota (year, tier, slot, enterprises, cap, occupied)
    SELECT q.year, e.tier, 0, COUNT(*), SUM(q.cap), SUM(q.occupied)
    FROM enterprise_quota q JOIN enterprises e ON e.id = q.enterprise_id
    GROUP BY q.year, e.tier;

-- ---------------------------------------------------------------------------
-- the existing rows: their search texts and counts
INSERT IGNORE INTO search_texts (text) SELECT name FROM providers;
INSERT IGNORE INTO search_texts (text)
    SELECT CONCAT(p.name, CHAR(9), v.name) FROM products p JOIN providers v ON v.id = p.provider_id;
INSERT IGNORE INTO search_texts (text)
    SELECT CONCAT(product_name, CHAR(9), provider_name) FROM publicity_items;
INSERT IGNORE INTO search_grams (gram, text_id)
    SELECT SUBSTRING(t.text, n.seq, 1), t.id FROM search_texts t
    JOIN seq_1_to_600 n ON n.seq <= CHAR_LENGTH(t.text);
INSERT IGNORE INTO search_grams (gram, text_id)
    SELECT SUBSTRING(t.text, n.seq, 2), t.id FROM search_texts t
    JOIN seq_1_to_600 n ON n.seq < CHAR_LENGTH(t.text);
UPDATE providers v JOIN search_texts t ON t.text = v.name SET v.search_text_id = t.id;
UPDATE products p JOIN providers v ON v.id = p.provider_id
    JOIN search_texts t ON t.text = CONCAT(p.name, CHAR(9), v.name)
    SET p.search_text_id = t.id;
UPDATE publicity_items i JOIN search_texts t
    ON t.text = CONCAT(i.product_name, CHAR(9), i.provider_name)
    SET i.search_text_id = t.id;
INSERT IGNORE INTO enterprise_grams (gram, enterprise_id)
    SELECT SUBSTRING(e.name, n.seq, 1), e.id FROM enterprises e
    JOIN seq_1_to_200 n ON n.seq <= CHAR_LENGTH(e.name);
INSERT IGNORE INTO enterprise_grams (gram, enterprise_id)
    SELECT SUBSTRING(e.name, n.seq, 2), e.id FROM enterprises e
    JOIN seq_1_to_200 n ON n.seq < CHAR_LENGTH(e.name);
INSERT INTO row_counts (name, n)
    SELECT 'enterprises', COUNT(*) FROM enterprises
    UNION ALL SELECT 'providers', COUNT(*) FROM providers;

-- ---------------------------------------------------------------------------
-- the triggers (skipped by the bulk loader, which fills all of it itself)
DELIMITER //

CREATE TRIGGER tr_products_search_ins BEFORE INSERT ON products FOR EACH ROW
BEGIN
    DECLARE tid BIGINT UNSIGNED;
    IF @voucher_bulk_load IS NULL THEN
        CALL search_text(CONCAT(NEW.name, CHAR(9),
            (SELECT name FROM providers WHERE id = NEW.provider_id)), tid);
        SET NEW.search_text_id = tid;
    END IF;
END//

CREATE TRIGGER tr_products_category AFTER INSERT ON products FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        INSERT INTO product_category (product_id, category) VALUES (NEW.id, NEW.category);
    END IF;
END//

-- the hot UPDATE of remaining units passes through here: one comparison
CREATE TRIGGER tr_products_search_upd BEFORE UPDATE ON products FOR EACH ROW
BEGIN
    DECLARE tid BIGINT UNSIGNED;
    IF NEW.name <> OLD.name OR NEW.provider_id <> OLD.provider_id THEN
        CALL search_text(CONCAT(NEW.name, CHAR(9),
            (SELECT name FROM providers WHERE id = NEW.provider_id)), tid);
        SET NEW.search_text_id = tid;
    END IF;
END//

CREATE TRIGGER tr_providers_search_ins BEFORE INSERT ON providers FOR EACH ROW
BEGIN
    DECLARE tid BIGINT UNSIGNED;
    IF @voucher_bulk_load IS NULL THEN
        CALL search_text(NEW.name, tid);
        SET NEW.search_text_id = tid;
    END IF;
END//

CREATE TRIGGER tr_providers_count AFTER INSERT ON providers FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        UPDATE row_counts SET n = n + 1 WHERE name = 'providers';
    END IF;
END//

CREATE TRIGGER tr_providers_search_upd BEFORE UPDATE ON providers FOR EACH ROW
BEGIN
    DECLARE tid BIGINT UNSIGNED;
    IF NEW.name <> OLD.name THEN
        CALL search_text(NEW.name, tid);
        SET NEW.search_text_id = tid;
    END IF;
END//

-- a renamed provider: its products are found under the new name
CREATE TRIGGER tr_providers_rename AFTER UPDATE ON providers FOR EACH ROW
BEGIN
    DECLARE pid, tid BIGINT UNSIGNED;
    DECLARE pname VARCHAR(200);
    DECLARE done INT DEFAULT 0;
    DECLARE c CURSOR FOR SELECT id, name FROM products WHERE provider_id = NEW.id;
    DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = 1;
    IF NEW.name <> OLD.name THEN
        OPEN c;
        each_product: LOOP
            FETCH c INTO pid, pname;
            IF done THEN
                LEAVE each_product;
            END IF;
            CALL search_text(CONCAT(pname, CHAR(9), NEW.name), tid);
            UPDATE products SET search_text_id = tid WHERE id = pid;
        END LOOP;
        CLOSE c;
    END IF;
END//

CREATE TRIGGER tr_enterprises_search_ins AFTER INSERT ON enterprises FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        CALL enterprise_index(NEW.id, NEW.name);
    END IF;
END//

CREATE TRIGGER tr_enterprises_count AFTER INSERT ON enterprises FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        UPDATE row_counts SET n = n + 1 WHERE name = 'enterprises';
    END IF;
END//

CREATE TRIGGER tr_enterprises_search_upd AFTER UPDATE ON enterprises FOR EACH ROW
BEGIN
    IF NEW.name <> OLD.name THEN
        CALL enterprise_index(NEW.id, NEW.name);
    END IF;
END//

-- R5: what the public list shows, searchable; items never change names
CREATE TRIGGER tr_publicity_items_search BEFORE INSERT ON publicity_items FOR EACH ROW
BEGIN
    DECLARE tid BIGINT UNSIGNED;
    IF @voucher_bulk_load IS NULL THEN
        CALL search_text(CONCAT(NEW.product_name, CHAR(9), NEW.provider_name), tid);
        SET NEW.search_text_id = tid;
    END IF;
END//

-- the dashboard's sums (stats_orders, stats_quota)
CREATE TRIGGER tr_orders_stats_ins AFTER INSERT ON orders FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL
       AND NEW.status NOT IN ('cancelled', 'expired', 'rejected', 'revoked') THEN
        INSERT INTO stats_orders (year, category, month, slot, orders, subsidy)
        VALUES (NEW.year, (SELECT category FROM product_category WHERE product_id = NEW.product_id),
                DATE_FORMAT(NEW.ordered_at + INTERVAL 8 HOUR, '%Y-%m'), CONNECTION_ID() % 64,
                1, COALESCE(NEW.subsidy, NEW.reserved))
        ON DUPLICATE KEY UPDATE orders = orders + 1, subsidy = subsidy + VALUES(subsidy);
    END IF;
END//

CREATE TRIGGER tr_orders_stats_upd AFTER UPDATE ON orders FOR EACH ROW
BEGIN
    DECLARE was, is_ INT;
    DECLARE dv BIGINT;
    SET was = OLD.status NOT IN ('cancelled', 'expired', 'rejected', 'revoked');
    SET is_ = NEW.status NOT IN ('cancelled', 'expired', 'rejected', 'revoked');
    SET dv = IF(is_, COALESCE(NEW.subsidy, NEW.reserved), 0)
           - IF(was, COALESCE(OLD.subsidy, OLD.reserved), 0);
    IF is_ <> was OR dv <> 0 THEN
        INSERT INTO stats_orders (year, category, month, slot, orders, subsidy)
        VALUES (NEW.year, (SELECT category FROM product_category WHERE product_id = NEW.product_id),
                DATE_FORMAT(NEW.ordered_at + INTERVAL 8 HOUR, '%Y-%m'), CONNECTION_ID() % 64,
                is_ - was, dv)
        ON DUPLICATE KEY UPDATE orders = orders + VALUES(orders),
                                subsidy = subsidy + VALUES(subsidy);
    END IF;
END//

CREATE TRIGGER tr_quota_stats_ins AFTER INSERT ON enterprise_quota FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        INSERT INTO stats_quota (year, tier, slot, enterprises, cap, occupied)
        VALUES (NEW.year, (SELECT tier FROM enterprises WHERE id = NEW.enterprise_id),
                CONNECTION_ID() % 64, 1, NEW.cap, NEW.occupied)
        ON DUPLICATE KEY UPDATE enterprises = enterprises + 1, cap = cap + VALUES(cap),
                                occupied = occupied + VALUES(occupied);
    END IF;
END//

CREATE TRIGGER tr_quota_stats_upd AFTER UPDATE ON enterprise_quota FOR EACH ROW
BEGIN
    IF NEW.cap <> OLD.cap OR NEW.occupied <> OLD.occupied THEN
        INSERT INTO stats_quota (year, tier, slot, enterprises, cap, occupied)
        VALUES (NEW.year, (SELECT tier FROM enterprises WHERE id = NEW.enterprise_id),
                CONNECTION_ID() % 64, 0, NEW.cap - OLD.cap, NEW.occupied - OLD.occupied)
        ON DUPLICATE KEY UPDATE cap = cap + VALUES(cap), occupied = occupied + VALUES(occupied);
    END IF;
END//

-- E7: a new tier moves the enterprise's allowances to it
CREATE TRIGGER tr_enterprises_tier AFTER UPDATE ON enterprises FOR EACH ROW
BEGIN
    IF NEW.tier <> OLD.tier THEN
        INSERT INTO stats_quota (year, tier, slot, enterprises, cap, occupied)
            SELECT q.year, OLD.tier, CONNECTION_ID() % 64, -1, -q.cap, -q.occupied
            FROM enterprise_quota q WHERE q.enterprise_id = NEW.id
        ON DUPLICATE KEY UPDATE enterprises = stats_quota.enterprises + VALUES(enterprises),
            cap = stats_quota.cap + VALUES(cap),
            occupied = stats_quota.occupied + VALUES(occupied);
        INSERT INTO stats_quota (year, tier, slot, enterprises, cap, occupied)
            SELECT q.year, NEW.tier, CONNECTION_ID() % 64, 1, q.cap, q.occupied
            FROM enterprise_quota q WHERE q.enterprise_id = NEW.id
        ON DUPLICATE KEY UPDATE enterprises = stats_quota.enterprises + VALUES(enterprises),
            cap = stats_quota.cap + VALUES(cap),
            occupied = stats_quota.occupied + VALUES(occupied);
    END IF;
END//

DELIMITER ;
