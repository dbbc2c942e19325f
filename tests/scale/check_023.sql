-- check_023.sql - the overdue list's per-day counts 023_overdue_counts.sql
-- keeps, against their rows both ways (each count must be 0)
SELECT 'overdue counts per stage and day that differ from the rows (023)', COUNT(*) FROM (
    SELECT kind, day FROM (SELECT kind, day, n FROM overdue_counts
    UNION ALL SELECT IF(status = 'submitted', 'review', 'publish'), DATE(decision_due), -1
        FROM orders WHERE decision_due IS NOT NULL
    UNION ALL SELECT IF(reviewer_opinion IS NULL, 'application', 'application_decide'),
        DATE(last_submitted_at), -1
        FROM product_applications WHERE state = 'pending' AND last_submitted_at IS NOT NULL
    UNION ALL SELECT 'certification', DATE(submitted_at), -1
        FROM certifications WHERE status = 'pending') x
    GROUP BY kind, day HAVING SUM(n) <> 0) d;
SELECT 'overdue counts of an unknown stage (023)', COUNT(*) FROM overdue_counts
    WHERE kind NOT IN ('review', 'publish', 'application', 'application_decide', 'certification');
SELECT 'overdue counts of a day back to 0 that were kept (023)', COUNT(*) FROM overdue_counts
    WHERE n = 0;
