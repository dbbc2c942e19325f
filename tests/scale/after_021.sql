-- after_021.sql - 021_catalog_scale.sql's totals and index, skipped by the
-- bulk load, recomputed from the rows (as the migration fills them)
DELETE FROM catalog_counts;
INSERT INTO catalog_counts (round_year, category, n)
    SELECT round_year, category, COUNT(*) FROM products WHERE listed = 1
    GROUP BY round_year, category;
DELETE FROM product_grams;
INSERT INTO product_grams (gram, product_id, round_year, category, rel, created_at,
                           voucher_price, text_id)
    SELECT g.gram, p.id, p.round_year, p.category,
           IF(LOCATE(g.gram, SUBSTRING_INDEX(t.text, CHAR(9), 1)) > 0, 0, 1),
           p.created_at, p.voucher_price, p.search_text_id
    FROM products p JOIN search_grams g ON g.text_id = p.search_text_id
    JOIN search_texts t ON t.id = p.search_text_id
    WHERE p.listed = 1;
DELETE FROM product_gram_counts;
INSERT INTO product_gram_counts (gram, round_year, category, n)
    SELECT gram, round_year, category, COUNT(*) FROM product_grams
    GROUP BY gram, round_year, category;
DELETE FROM evaluation_sums;
INSERT INTO evaluation_sums (product_id, slot, n, quality, timeliness, attitude)
    SELECT product_id, order_id % 64, COUNT(*), SUM(quality), SUM(timeliness),
    SUM(attitude) FROM evaluations GROUP BY product_id, order_id % 64;
