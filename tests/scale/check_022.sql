-- check_022.sql - the grams and totals 022_queue_counts.sql keeps, against
-- their rows (each count must be 0)
SELECT 'provider names without their grams (022)', COUNT(*) FROM providers p
    WHERE p.search_text_id IS NOT NULL
    AND (SELECT COUNT(*) FROM search_grams g WHERE g.text_id = p.search_text_id)
    <> (SELECT COUNT(*) FROM provider_grams g WHERE g.provider_id = p.id);
SELECT 'certification totals that differ from the rows (022)', COUNT(*) FROM (
    SELECT status, kind FROM (SELECT status, kind, n FROM certification_counts
    UNION ALL SELECT status, kind, -1 FROM certifications) x
    GROUP BY status, kind HAVING SUM(n) <> 0) d;
SELECT 'application totals that differ from the rows (022)', COUNT(*) FROM (
    SELECT state FROM (SELECT state, n FROM application_counts
    UNION ALL SELECT state, -1 FROM product_applications WHERE submit_count > 0) x
    GROUP BY state HAVING SUM(n) <> 0) d;
SELECT 'list totals that differ from the rows (022)', COUNT(*) FROM (
    SELECT list, year FROM (SELECT list, year, n FROM list_counts
    UNION ALL SELECT list, year, -1 FROM qualification_lists
    UNION ALL SELECT 'credit', 0, -1 FROM credit_list) x
    GROUP BY list, year HAVING SUM(n) <> 0) d;
