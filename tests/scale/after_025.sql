-- after_025.sql - the gram totals 025_gram_counts.sql keeps by trigger
-- (skipped by the bulk load), recomputed from the gram tables after
-- after_019.sql and after_022.sql filled them, in the slots a year of
-- connections would have written (after_020.sql).
DELETE FROM enterprise_gram_counts;
INSERT INTO enterprise_gram_counts (gram, slot, n)
    SELECT gram, enterprise_id % 64, COUNT(*) FROM enterprise_grams
    GROUP BY gram, enterprise_id % 64;
DELETE FROM provider_gram_counts;
INSERT INTO provider_gram_counts (gram, slot, n)
    SELECT gram, provider_id % 64, COUNT(*) FROM provider_grams
    GROUP BY gram, provider_id % 64;
DELETE FROM publicity_item_gram_counts;
INSERT INTO publicity_item_gram_counts (batch_id, gram, n)
    SELECT batch_id, gram, COUNT(*) FROM publicity_item_grams GROUP BY batch_id, gram;
