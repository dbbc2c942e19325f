-- after_026.sql - what 026_overdue_swept.sql keeps by trigger (skipped by
-- the bulk load), recomputed from the rows after the load: each overdue
-- stage's rows per minute, those before the stage's upto folded into its
-- total (at the epoch after the migration: the first sweep folds them).
DELETE FROM overdue_minutes;
INSERT INTO overdue_minutes (kind, at, n)
    SELECT IF(status = 'submitted', 'review', 'publish'),
           decision_due - INTERVAL SECOND(decision_due) SECOND, COUNT(*)
    FROM orders WHERE decision_due IS NOT NULL
    GROUP BY 1, 2;
INSERT INTO overdue_minutes (kind, at, n)
    SELECT IF(reviewer_opinion IS NULL, 'application', 'application_decide'),
           last_submitted_at - INTERVAL SECOND(last_submitted_at) SECOND, COUNT(*)
    FROM product_applications WHERE state = 'pending' AND last_submitted_at IS NOT NULL
    GROUP BY 1, 2;
INSERT INTO overdue_minutes (kind, at, n)
    SELECT 'certification', submitted_at - INTERVAL SECOND(submitted_at) SECOND, COUNT(*)
    FROM certifications WHERE status = 'pending' AND submitted_at IS NOT NULL
    GROUP BY 2;
UPDATE overdue_swept s SET n = (SELECT COALESCE(SUM(m.n), 0) FROM overdue_minutes m
    WHERE m.kind = s.kind AND m.at < s.upto);
DELETE m FROM overdue_minutes m JOIN overdue_swept s ON s.kind = m.kind WHERE m.at < s.upto;
