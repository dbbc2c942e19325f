-- 024_catalog_long_grams.sql - the catalog's search of three and four
-- characters at Beijing's size (issue 13 §4): product_grams (021) also
-- holds every trigram and 4-gram of a listed product's search text, so
-- that a query of one to four characters is one range of its own gram,
-- relevance first, then the chosen sort, stopped by the LIMIT, and its
-- total the gram's kept count (product_gram_counts): no candidates
-- checked with LIKE. A longer query keeps the candidate path, from the
-- rarer of its first and last four characters (rarer than its bigrams),
-- checked against the other and by LIKE.
--
-- A trigram or 4-gram holding a space or a tab is not kept: such a query
-- goes by LIKE (search_key_is_query), and grams compare padded (a 4-gram
-- ending on a space would equal its trigram, a trigram its bigram). The
-- rows carry what 021's carry (the round, the category, the relevance of
-- the gram in the product's own name, the creation time, the price, the
-- text), kept the same way: product_index (re-created here) adds a listed
-- product's grams of every length and counts them from its rows, and
-- takes them away by its rows, in the writing transaction (021's
-- triggers call it). An order still writes none of it.
--
-- catalog_price_counts: the listed products per round, category and
-- voucher price, kept by the same procedure, so that the total of a
-- price range (with or without a category) sums the counts of the
-- distinct prices in it instead of counting the products: never more
-- rows than the products in the range, and in a year's catalog, whose
-- prices are round sums, a few dozen.
--
-- The bulk loader of the scale data skips the triggers
-- (@voucher_bulk_load); tests/scale/after_024.sql adds the longer grams
-- and their counts after after_021.sql, and the price counts;
-- check_024.sql compares them.
--
-- Applied by sql/migrate.sh, exactly once; never edit it once applied.

SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

ALTER TABLE product_grams MODIFY gram VARCHAR(4) NOT NULL,
    COMMENT='issue 13: the grams (1 to 4 characters) of each listed product, by round';
ALTER TABLE product_gram_counts MODIFY gram VARCHAR(4) NOT NULL;

CREATE TABLE catalog_price_counts (
    round_year     SMALLINT    NOT NULL,
    category       VARCHAR(16) NOT NULL,
    voucher_price  BIGINT      NOT NULL,
    n              BIGINT      NOT NULL DEFAULT 0,
    PRIMARY KEY (round_year, category, voucher_price),
    KEY ix_catalog_price_counts_price (round_year, voucher_price, category, n)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: listed products per round, category and voucher price';

DROP PROCEDURE product_index;

DELIMITER //

-- Adds (d = 1) or takes away (d = -1) listed product pid as it is (its
-- round, category, creation, price and search text tid) to or from the
-- index and the counts (021's, and the price counts): the unigrams and
-- bigrams of search_grams, the trigrams and 4-grams without a space or a
-- tab of the text itself.
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
        INSERT IGNORE INTO product_grams (gram, product_id, round_year, category, rel,
                                          created_at, voucher_price, text_id)
            SELECT x.gram, pid, yr, cat,
                   IF(LOCATE(x.gram, SUBSTRING_INDEX(x.text, CHAR(9), 1)) > 0, 0, 1),
                   created, price, tid
            FROM (SELECT SUBSTRING(t.text, s.seq, w.seq) AS gram, t.text
                  FROM search_texts t JOIN seq_3_to_4 w
                  JOIN seq_1_to_600 s ON s.seq + w.seq - 1 <= CHAR_LENGTH(t.text)
                  WHERE t.id = tid) x
            WHERE LOCATE(' ', x.gram) = 0 AND LOCATE(CHAR(9), x.gram) = 0;
    END IF;
    INSERT INTO product_gram_counts (gram, round_year, category, n)
        SELECT x.gram, yr, cat, d FROM product_grams x WHERE x.product_id = pid
        ON DUPLICATE KEY UPDATE n = n + VALUES(n);
    IF d < 0 THEN
        DELETE FROM product_grams WHERE product_id = pid;
    END IF;
    INSERT INTO catalog_counts (round_year, category, n) VALUES (yr, cat, d)
        ON DUPLICATE KEY UPDATE n = n + VALUES(n);
    INSERT INTO catalog_price_counts (round_year, category, voucher_price, n)
        VALUES (yr, cat, price, d)
        ON DUPLICATE KEY UPDATE n = n + VALUES(n);
END//

DELIMITER ;

-- the existing rows (tests/scale/after_024.sql does the same after a bulk load)
INSERT IGNORE INTO product_grams (gram, product_id, round_year, category, rel, created_at,
                                  voucher_price, text_id)
    SELECT x.gram, x.id, x.round_year, x.category,
           IF(LOCATE(x.gram, SUBSTRING_INDEX(x.text, CHAR(9), 1)) > 0, 0, 1),
           x.created_at, x.voucher_price, x.search_text_id
    FROM (SELECT SUBSTRING(t.text, s.seq, w.seq) AS gram, t.text, p.id, p.round_year,
                 p.category, p.created_at, p.voucher_price, p.search_text_id
          FROM products p JOIN search_texts t ON t.id = p.search_text_id
          JOIN seq_3_to_4 w JOIN seq_1_to_600 s ON s.seq + w.seq - 1 <= CHAR_LENGTH(t.text)
          WHERE p.listed = 1) x
    WHERE LOCATE(' ', x.gram) = 0 AND LOCATE(CHAR(9), x.gram) = 0;
DELETE FROM product_gram_counts;
INSERT INTO product_gram_counts (gram, round_year, category, n)
    SELECT gram, round_year, category, COUNT(*) FROM product_grams
    GROUP BY gram, round_year, category;
INSERT INTO catalog_price_counts (round_year, category, voucher_price, n)
    SELECT round_year, category, voucher_price, COUNT(*) FROM products WHERE listed = 1
    GROUP BY round_year, category, voucher_price;
