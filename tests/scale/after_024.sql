-- after_024.sql - 024_catalog_long_grams.sql's trigrams and 4-grams of the
-- listed products, skipped by the bulk load, added to after_021.sql's
-- index, the gram counts and the price counts recomputed from the rows
-- (as the migration fills them)
DELETE FROM product_grams WHERE CHAR_LENGTH(gram) > 2;
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
DELETE FROM catalog_price_counts;
INSERT INTO catalog_price_counts (round_year, category, voucher_price, n)
    SELECT round_year, category, voucher_price, COUNT(*) FROM products WHERE listed = 1
    GROUP BY round_year, category, voucher_price;
