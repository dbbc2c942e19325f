-- check_025.sql - the gram totals 025_gram_counts.sql keeps, against the
-- gram tables (each count must be 0)
SELECT 'enterprise gram totals that differ from the grams (025)', COUNT(*) FROM (
    SELECT gram FROM (SELECT gram, n FROM enterprise_gram_counts
    UNION ALL SELECT gram, -1 FROM enterprise_grams) x
    GROUP BY gram HAVING SUM(n) <> 0) d;
SELECT 'provider gram totals that differ from the grams (025)', COUNT(*) FROM (
    SELECT gram FROM (SELECT gram, n FROM provider_gram_counts
    UNION ALL SELECT gram, -1 FROM provider_grams) x
    GROUP BY gram HAVING SUM(n) <> 0) d;
SELECT 'publicity item gram totals that differ from the grams (025)', COUNT(*) FROM (
    SELECT batch_id, gram FROM (SELECT batch_id, gram, n FROM publicity_item_gram_counts
    UNION ALL SELECT batch_id, gram, -1 FROM publicity_item_grams) x
    GROUP BY batch_id, gram HAVING SUM(n) <> 0) d;
