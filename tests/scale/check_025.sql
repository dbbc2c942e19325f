-- check_025.sql - the gram totals 025_gram_counts.sql keeps, against the
-- gram tables (each count must be 0): each kept total against its gram's
-- index range, and the grams without a total, along the keys (no
-- temporary table of the millions of grams)
SELECT 'enterprise gram totals that differ from the grams (025)',
    (SELECT COUNT(*) FROM (SELECT gram, SUM(n) AS n FROM enterprise_gram_counts
        GROUP BY gram) c WHERE c.n <> (SELECT COUNT(*) FROM enterprise_grams g
        WHERE g.gram = c.gram))
    + (SELECT COUNT(*) FROM (SELECT DISTINCT gram FROM enterprise_grams) g
        WHERE NOT EXISTS (SELECT 1 FROM enterprise_gram_counts c WHERE c.gram = g.gram));
SELECT 'provider gram totals that differ from the grams (025)',
    (SELECT COUNT(*) FROM (SELECT gram, SUM(n) AS n FROM provider_gram_counts
        GROUP BY gram) c WHERE c.n <> (SELECT COUNT(*) FROM provider_grams g
        WHERE g.gram = c.gram))
    + (SELECT COUNT(*) FROM (SELECT DISTINCT gram FROM provider_grams) g
        WHERE NOT EXISTS (SELECT 1 FROM provider_gram_counts c WHERE c.gram = g.gram));
SELECT 'publicity item gram totals that differ from the grams (025)',
    (SELECT COUNT(*) FROM publicity_item_gram_counts c
        WHERE c.n <> (SELECT COUNT(*) FROM publicity_item_grams g
        WHERE g.batch_id = c.batch_id AND g.gram = c.gram))
    + (SELECT COUNT(*) FROM (SELECT DISTINCT batch_id, gram FROM publicity_item_grams) g
        WHERE NOT EXISTS (SELECT 1 FROM publicity_item_gram_counts c
        WHERE c.batch_id = g.batch_id AND c.gram = g.gram));
