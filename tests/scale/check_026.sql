-- check_026.sql - the overdue stages' totals and minutes
-- 026_overdue_swept.sql keeps, against their rows both ways (each count
-- must be 0)
SELECT 'overdue stage minutes that differ from the rows (026)', COUNT(*) FROM (
    SELECT kind, at FROM (SELECT kind, at, n FROM overdue_minutes
    UNION ALL SELECT w.kind, w.at, -1 FROM (
        SELECT IF(status = 'submitted', 'review', 'publish') AS kind,
            decision_due - INTERVAL SECOND(decision_due) SECOND AS at
            FROM orders WHERE decision_due IS NOT NULL
        UNION ALL SELECT IF(reviewer_opinion IS NULL, 'application', 'application_decide'),
            last_submitted_at - INTERVAL SECOND(last_submitted_at) SECOND
            FROM product_applications WHERE state = 'pending' AND last_submitted_at IS NOT NULL
        UNION ALL SELECT 'certification', submitted_at - INTERVAL SECOND(submitted_at) SECOND
            FROM certifications WHERE status = 'pending' AND submitted_at IS NOT NULL) w
        JOIN overdue_swept s ON s.kind = w.kind WHERE w.at >= s.upto) x
    GROUP BY kind, at HAVING SUM(n) <> 0) d;
SELECT 'overdue stage totals that differ from their rows before the fold (026)', COUNT(*)
    FROM overdue_swept s WHERE s.n <> (SELECT COUNT(*) FROM (
        SELECT IF(status = 'submitted', 'review', 'publish') AS kind,
            decision_due - INTERVAL SECOND(decision_due) SECOND AS at
            FROM orders WHERE decision_due IS NOT NULL
        UNION ALL SELECT IF(reviewer_opinion IS NULL, 'application', 'application_decide'),
            last_submitted_at - INTERVAL SECOND(last_submitted_at) SECOND
            FROM product_applications WHERE state = 'pending' AND last_submitted_at IS NOT NULL
        UNION ALL SELECT 'certification', submitted_at - INTERVAL SECOND(submitted_at) SECOND
            FROM certifications WHERE status = 'pending' AND submitted_at IS NOT NULL) w
        WHERE w.kind = s.kind AND w.at < s.upto);
SELECT 'overdue stages missing or unknown (026)', ABS(COUNT(*) - 5) + SUM(kind NOT IN
    ('review', 'publish', 'application', 'application_decide', 'certification'))
    FROM overdue_swept;
SELECT 'overdue minutes folded but kept, or back to 0 (026)', COUNT(*) FROM overdue_minutes m
    JOIN overdue_swept s ON s.kind = m.kind WHERE m.at < s.upto OR m.n = 0;
SELECT 'overdue minutes of an unknown stage (026)', COUNT(*) FROM overdue_minutes
    WHERE kind NOT IN ('review', 'publish', 'application', 'application_decide', 'certification');
