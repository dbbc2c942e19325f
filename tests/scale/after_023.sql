-- after_023.sql - what 023_overdue_counts.sql keeps by trigger (skipped by
-- the bulk load), recomputed from the rows after the load: the overdue
-- list's stages per day.
DELETE FROM overdue_counts;
INSERT INTO overdue_counts (kind, day, n)
    SELECT IF(status = 'submitted', 'review', 'publish'), DATE(decision_due), COUNT(*)
    FROM orders WHERE decision_due IS NOT NULL
    GROUP BY IF(status = 'submitted', 'review', 'publish'), DATE(decision_due);
INSERT INTO overdue_counts (kind, day, n)
    SELECT IF(reviewer_opinion IS NULL, 'application', 'application_decide'),
           DATE(last_submitted_at), COUNT(*)
    FROM product_applications WHERE state = 'pending' AND last_submitted_at IS NOT NULL
    GROUP BY IF(reviewer_opinion IS NULL, 'application', 'application_decide'),
             DATE(last_submitted_at);
INSERT INTO overdue_counts (kind, day, n)
    SELECT 'certification', DATE(submitted_at), COUNT(*)
    FROM certifications WHERE status = 'pending' AND submitted_at IS NOT NULL
    GROUP BY DATE(submitted_at);
