-- after_022.sql - what 022_queue_counts.sql keeps by trigger (skipped by
-- the bulk load), recomputed from the rows after the load: the providers'
-- name grams and the queues' and lists' totals (the queues' in the slots
-- a year of connections would have written: after_020.sql).
DELETE FROM provider_grams;
INSERT IGNORE INTO provider_grams (gram, provider_id)
    SELECT g.gram, p.id FROM providers p JOIN search_grams g ON g.text_id = p.search_text_id;
DELETE FROM certification_counts;
INSERT INTO certification_counts (status, kind, slot, n)
    SELECT status, kind, id % 64, COUNT(*) FROM certifications
    GROUP BY status, kind, id % 64;
DELETE FROM application_counts;
INSERT INTO application_counts (state, slot, n)
    SELECT state, id % 64, COUNT(*) FROM product_applications WHERE submit_count > 0
    GROUP BY state, id % 64;
DELETE FROM list_counts;
INSERT INTO list_counts (list, year, n)
    SELECT list, year, COUNT(*) FROM qualification_lists GROUP BY list, year;
INSERT INTO list_counts (list, year, n) SELECT 'credit', 0, COUNT(*) FROM credit_list;
