-- 021_catalog_scale.sql - the public catalog at Beijing's size (issue 13):
-- totals and a per-round search index kept by triggers in the writing
-- transaction, so that the categories, the unfiltered list totals, a
-- search of a common word and a product's ratings cost the same whatever
-- the number of products, matches or ratings.
--
-- catalog_counts: the listed products per round and category (the
-- categories page, the totals of the unfiltered and category lists).
--
-- product_grams: every unigram and bigram of a listed product's search
-- text (search_grams of products.search_text_id: its name, a tab, its
-- provider's name) with what the public list filters and sorts a search
-- by and which never changes with an order: the round, the category, the
-- relevance of the gram (0: in the product's own name, as
-- SEARCH_RELEVANCE computes for a query of one or two characters), the
-- creation time and the voucher price. A query of one or two characters
-- reads its first page as one index range stopped by the LIMIT (newest,
-- price, price descending) and its total from product_gram_counts; a
-- longer one reads the candidates of its first bigram in the round only.
-- Units left, units sold and ratings are not here: an order never writes
-- these tables (the products' update trigger compares and does nothing).
--
-- evaluation_sums: each product's ratings (count and the three aspects'
-- sums), per connection slot (CONNECTION_ID() % 64, as audit_counts), so
-- that its ratings page does not read all its evaluations.
--
-- The bulk loader of the scale data skips the triggers
-- (@voucher_bulk_load); tests/scale/after_021.sql recomputes the three
-- tables from the rows and check_021.sql compares them.
--
-- Applied by sql/migrate.sh, exactly once; never edit it once applied.

SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE catalog_counts (
    round_year  SMALLINT    NOT NULL,
    category    VARCHAR(16) NOT NULL,
    n           BIGINT      NOT NULL DEFAULT 0,
    PRIMARY KEY (round_year, category)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: listed products per round and category';

CREATE TABLE product_grams (
    gram           VARCHAR(2)      NOT NULL,
    product_id     BIGINT UNSIGNED NOT NULL,
    round_year     SMALLINT        NOT NULL,
    category       VARCHAR(16)     NOT NULL,
    rel            TINYINT         NOT NULL,   -- 0: in the product's name; 1: only its provider's
    created_at     DATETIME        NOT NULL,
    voucher_price  BIGINT          NOT NULL,
    text_id        BIGINT UNSIGNED NOT NULL,   -- products.search_text_id
    PRIMARY KEY (gram, product_id),
    KEY ix_product_grams_product (product_id),
    KEY ix_product_grams_newest (gram, round_year, rel, created_at DESC, product_id DESC,
                                 category, voucher_price, text_id),
    KEY ix_product_grams_price (gram, round_year, rel, voucher_price, product_id, category,
                                text_id),
    KEY ix_product_grams_price_desc (gram, round_year, rel, voucher_price DESC,
                                     product_id DESC, category, text_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: the grams of each listed product, by round';

CREATE TABLE product_gram_counts (
    gram        VARCHAR(2)  NOT NULL,
    round_year  SMALLINT    NOT NULL,
    category    VARCHAR(16) NOT NULL,
    n           BIGINT      NOT NULL DEFAULT 0,
    PRIMARY KEY (gram, round_year, category)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: listed products per gram, round and category';

CREATE TABLE evaluation_sums (
    product_id  BIGINT UNSIGNED  NOT NULL,
    slot        TINYINT UNSIGNED NOT NULL,
    n           BIGINT NOT NULL DEFAULT 0,
    quality     BIGINT NOT NULL DEFAULT 0,
    timeliness  BIGINT NOT NULL DEFAULT 0,
    attitude    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (product_id, slot)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: ratings per product (C1), per connection slot';

DELIMITER //

-- Adds (d = 1) or takes away (d = -1) listed product pid as it is (its
-- round, category, creation, price and search text tid) to or from the
-- index and the counts.
CREATE PROCEDURE product_index(pid BIGINT UNSIGNED, yr SMALLINT, cat VARCHAR(16),
                               created DATETIME, price BIGINT, tid BIGINT UNSIGNED, d INT)
    MODIFIES SQL DATA
    SQL SECURITY DEFINER
BEGIN
    IF d > 0 THEN
        INSERT IGNORE INTO product_grams (gram, product_id, round_year, category, rel,
                                          created_at, voucher_price, text_id)
            SELECT g.gram, pid, yr, cat,
                   IF(LOCATE(g.gram, SUBSTRING_INDEX(t.text, CHAR(9), 1)) > 0, 0, 1),
                   created, price, tid
            FROM search_grams g JOIN search_texts t ON t.id = g.text_id
            WHERE g.text_id = tid;
    ELSE
        DELETE FROM product_grams WHERE product_id = pid;
    END IF;
    INSERT INTO product_gram_counts (gram, round_year, category, n)
        SELECT g.gram, yr, cat, d FROM search_grams g WHERE g.text_id = tid
        ON DUPLICATE KEY UPDATE n = n + VALUES(n);
    INSERT INTO catalog_counts (round_year, category, n) VALUES (yr, cat, d)
        ON DUPLICATE KEY UPDATE n = n + VALUES(n);
END//

CREATE TRIGGER tr_products_index_ins AFTER INSERT ON products FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL AND NEW.listed = 1 THEN
        CALL product_index(NEW.id, NEW.round_year, NEW.category, NEW.created_at,
                           NEW.voucher_price, NEW.search_text_id, 1);
    END IF;
END//

-- the ordering's UPDATE of units left and sold passes through here:
-- comparisons only, nothing written
CREATE TRIGGER tr_products_index_upd AFTER UPDATE ON products FOR EACH ROW
BEGIN
    IF NEW.listed <> OLD.listed OR NEW.voucher_price <> OLD.voucher_price
       OR NOT (NEW.search_text_id <=> OLD.search_text_id) OR NEW.category <> OLD.category
       OR NEW.round_year <> OLD.round_year OR NEW.created_at <> OLD.created_at THEN
        IF OLD.listed = 1 THEN
            CALL product_index(OLD.id, OLD.round_year, OLD.category, OLD.created_at,
                               OLD.voucher_price, OLD.search_text_id, -1);
        END IF;
        IF NEW.listed = 1 THEN
            CALL product_index(NEW.id, NEW.round_year, NEW.category, NEW.created_at,
                               NEW.voucher_price, NEW.search_text_id, 1);
        END IF;
    END IF;
END//

CREATE TRIGGER tr_evaluations_sums AFTER INSERT ON evaluations FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        INSERT INTO evaluation_sums (product_id, slot, n, quality, timeliness, attitude)
        VALUES (NEW.product_id, CONNECTION_ID() % 64, 1, NEW.quality, NEW.timeliness,
                NEW.attitude)
        ON DUPLICATE KEY UPDATE n = n + 1, quality = quality + VALUES(quality),
                                timeliness = timeliness + VALUES(timeliness),
                                attitude = attitude + VALUES(attitude);
    END IF;
END//

DELIMITER ;

-- the existing rows (tests/scale/after_021.sql does the same after a bulk load)
INSERT INTO catalog_counts (round_year, category, n)
    SELECT round_year, category, COUNT(*) FROM products WHERE listed = 1
    GROUP BY round_year, category;
INSERT INTO product_grams (gram, product_id, round_year, category, rel, created_at,
                           voucher_price, text_id)
    SELECT g.gram, p.id, p.round_year, p.category,
           IF(LOCATE(g.gram, SUBSTRING_INDEX(t.text, CHAR(9), 1)) > 0, 0, 1),
           p.created_at, p.voucher_price, p.search_text_id
    FROM products p JOIN search_grams g ON g.text_id = p.search_text_id
    JOIN search_texts t ON t.id = p.search_text_id
    WHERE p.listed = 1;
INSERT INTO product_gram_counts (gram, round_year, category, n)
    SELECT gram, round_year, category, COUNT(*) FROM product_grams
    GROUP BY gram, round_year, category;
INSERT INTO evaluation_sums (product_id, slot, n, quality, timeliness, attitude)
    SELECT product_id, 0, COUNT(*), SUM(quality), SUM(timeliness), SUM(attitude)
    FROM evaluations GROUP BY product_id;
