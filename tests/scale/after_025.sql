-- after_025.sql - the gram totals 025_gram_counts.sql keeps by trigger
-- (skipped by the bulk load), recomputed from the gram tables after
-- after_019.sql and after_022.sql filled them.
DELETE FROM enterprise_gram_counts;
INSERT INTO enterprise_gram_counts (gram, slot, n)
    SELECT gram, 0, COUNT(*) FROM enterprise_grams GROUP BY gram;
DELETE FROM provider_gram_counts;
INSERT INTO provider_gram_counts (gram, slot, n)
    SELECT gram, 0, COUNT(*) FROM provider_grams GROUP BY gram;
DELETE FROM publicity_item_gram_counts;
INSERT INTO publicity_item_gram_counts (batch_id, gram, n)
    SELECT batch_id, gram, COUNT(*) FROM publicity_item_grams GROUP BY batch_id, gram;
