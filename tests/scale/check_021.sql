-- check_021.sql - 021_catalog_scale.sql's totals and index against the rows
SELECT 'catalog counts that differ from the listed products (021)', COUNT(*) FROM (
    SELECT x.round_year FROM (SELECT round_year, category, n FROM catalog_counts WHERE n <> 0) x
    LEFT JOIN (SELECT round_year, category, COUNT(*) AS n FROM products WHERE listed = 1
        GROUP BY 1, 2) y ON y.round_year = x.round_year AND y.category = x.category
    WHERE y.n IS NULL OR y.n <> x.n
    UNION ALL
    SELECT y.round_year FROM (SELECT round_year, category FROM products WHERE listed = 1
        GROUP BY 1, 2) y
    LEFT JOIN catalog_counts x ON x.round_year = y.round_year AND x.category = y.category
    WHERE x.n IS NULL) d
UNION ALL SELECT 'listed products whose grams differ from their search text (021)', COUNT(*)
    FROM products p WHERE p.listed = 1 AND (
        (SELECT COUNT(*) FROM search_grams g WHERE g.text_id = p.search_text_id) <>
        (SELECT COUNT(*) FROM product_grams x WHERE x.product_id = p.id AND x.text_id = p.search_text_id
            AND CHAR_LENGTH(x.gram) <= 2
            AND x.round_year = p.round_year AND x.category = p.category
            AND x.created_at = p.created_at AND x.voucher_price = p.voucher_price))
UNION ALL SELECT 'product grams of an unlisted product or another text (021)', COUNT(*)
    FROM product_grams x JOIN products p ON p.id = x.product_id
    WHERE p.listed = 0 OR NOT (x.text_id <=> p.search_text_id)
UNION ALL SELECT 'product grams whose relevance is not their name''s (021)', COUNT(*)
    FROM product_grams x JOIN search_texts t ON t.id = x.text_id
    WHERE x.rel <> IF(LOCATE(x.gram, SUBSTRING_INDEX(t.text, CHAR(9), 1)) > 0, 0, 1)
UNION ALL SELECT 'gram counts that differ from the product grams (021)', COUNT(*) FROM (
    SELECT c.gram FROM product_gram_counts c LEFT JOIN (SELECT gram, round_year, category,
        COUNT(*) AS n FROM product_grams GROUP BY 1, 2, 3) y
        ON y.gram = c.gram AND y.round_year = c.round_year AND y.category = c.category
    WHERE COALESCE(y.n, 0) <> c.n
    UNION ALL
    SELECT x.gram FROM (SELECT gram, round_year, category FROM product_grams GROUP BY 1, 2, 3) x
    LEFT JOIN product_gram_counts c
        ON c.gram = x.gram AND c.round_year = x.round_year AND c.category = x.category
    WHERE c.n IS NULL) d
UNION ALL SELECT 'rating sums that differ from the evaluations (021)', COUNT(*) FROM (
    SELECT p.id FROM products p
    LEFT JOIN (SELECT product_id, SUM(n) AS n, SUM(quality) AS q, SUM(timeliness) AS t,
        SUM(attitude) AS a FROM evaluation_sums GROUP BY product_id) s ON s.product_id = p.id
    LEFT JOIN (SELECT product_id, COUNT(*) AS n, SUM(quality) AS q, SUM(timeliness) AS t,
        SUM(attitude) AS a FROM evaluations GROUP BY product_id) e ON e.product_id = p.id
    WHERE COALESCE(s.n, 0) <> COALESCE(e.n, 0) OR COALESCE(s.q, 0) <> COALESCE(e.q, 0)
        OR COALESCE(s.t, 0) <> COALESCE(e.t, 0) OR COALESCE(s.a, 0) <> COALESCE(e.a, 0)) d;
