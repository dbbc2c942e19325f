-- check_024.sql - 024_catalog_long_grams.sql's trigrams and 4-grams against
-- the rows (their relevance and counts: check_021.sql's checks, which
-- read every gram), and the price counts against the listed products
SELECT 'listed products whose trigrams and 4-grams differ from their search text (024)',
    COUNT(*) FROM products p WHERE p.listed = 1 AND (
        (SELECT COUNT(DISTINCT SUBSTRING(t.text, s.seq, w.seq))
         FROM search_texts t JOIN seq_3_to_4 w
         JOIN seq_1_to_600 s ON s.seq + w.seq - 1 <= CHAR_LENGTH(t.text)
         WHERE t.id = p.search_text_id AND LOCATE(' ', SUBSTRING(t.text, s.seq, w.seq)) = 0
             AND LOCATE(CHAR(9), SUBSTRING(t.text, s.seq, w.seq)) = 0) <>
        (SELECT COUNT(*) FROM product_grams x WHERE x.product_id = p.id
            AND CHAR_LENGTH(x.gram) > 2 AND x.text_id = p.search_text_id
            AND x.round_year = p.round_year AND x.category = p.category
            AND x.created_at = p.created_at AND x.voucher_price = p.voucher_price))
UNION ALL SELECT 'trigrams and 4-grams not in their search text or holding a space (024)',
    COUNT(*) FROM product_grams x JOIN search_texts t ON t.id = x.text_id
    WHERE CHAR_LENGTH(x.gram) > 2 AND (LOCATE(x.gram, t.text) = 0
        OR LOCATE(' ', x.gram) > 0 OR LOCATE(CHAR(9), x.gram) > 0)
UNION ALL SELECT 'price counts that differ from the listed products (024)', COUNT(*) FROM (
    SELECT x.round_year FROM (SELECT round_year, category, voucher_price, n
        FROM catalog_price_counts WHERE n <> 0) x
    LEFT JOIN (SELECT round_year, category, voucher_price, COUNT(*) AS n FROM products
        WHERE listed = 1 GROUP BY 1, 2, 3) y ON y.round_year = x.round_year
        AND y.category = x.category AND y.voucher_price = x.voucher_price
    WHERE y.n IS NULL OR y.n <> x.n
    UNION ALL
    SELECT y.round_year FROM (SELECT round_year, category, voucher_price FROM products
        WHERE listed = 1 GROUP BY 1, 2, 3) y
    LEFT JOIN catalog_price_counts x ON x.round_year = y.round_year
        AND x.category = y.category AND x.voucher_price = y.voucher_price
    WHERE x.n IS NULL) d;
