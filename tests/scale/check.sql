-- check.sql - the rules the generated year must keep beyond reconcile's
-- two invariants (make.sh prints each count; every one must be 0).
SELECT 'quota rows above their cap (E7, O3)', COUNT(*) FROM enterprise_quota WHERE occupied > cap
UNION ALL SELECT 'pending orders past 48 hours (O4, at generation)', COUNT(*) FROM orders
    WHERE status = 'pending' AND accept_deadline <= @now
UNION ALL SELECT 'accepted or contracted orders past validity (O6)', COUNT(*) FROM orders
    WHERE status IN ('accepted', 'contracted') AND valid_until <= @now
UNION ALL SELECT 'claims submitted after valid-until (R3)', COUNT(*) FROM orders
    WHERE submitted_at IS NOT NULL AND submitted_at >= valid_until
UNION ALL SELECT 'approvals without confirmation (R4, C1)', COUNT(*) FROM orders
    WHERE approved_at IS NOT NULL AND (confirmed_at IS NULL OR confirmed_at > approved_at)
UNION ALL SELECT 'orders of a round other than their year (Y2)', COUNT(*) FROM orders o
    JOIN products p ON p.id = o.product_id WHERE p.round_year <> o.year
UNION ALL SELECT 'items listed before their approval (R5)', COUNT(*) FROM publicity_items i
    JOIN orders o ON o.id = i.order_id JOIN publicity_batches b ON b.id = i.batch_id
    WHERE o.approved_at >= b.published_at
UNION ALL SELECT 'items paid before the period ended (R5)', COUNT(*) FROM publicity_items i
    JOIN publicity_batches b ON b.id = i.batch_id WHERE i.paid_on IS NOT NULL
    AND b.paid_at < b.period_ends_at
UNION ALL SELECT 'paid orders without a paid item (R5)', COUNT(*) FROM orders o
    LEFT JOIN publicity_items i ON i.order_id = o.id
    WHERE o.status IN ('paid', 'refunded') AND (i.paid_on IS NULL OR o.paid_at IS NULL)
UNION ALL SELECT 'contracts whose subsidy differs from the order (O9)', COUNT(*) FROM contracts c
    JOIN orders o ON o.id = c.order_id WHERE o.subsidy <> c.subsidy
UNION ALL SELECT 'events out of order (O10)', COUNT(*) FROM order_events e
    JOIN orders o ON o.id = e.order_id WHERE e.at < o.ordered_at
UNION ALL SELECT 'barred parties with orders after their bar (V2)', COUNT(*) FROM orders o
    JOIN enterprises e ON e.id = o.enterprise_id WHERE e.barred_until IS NOT NULL
    AND o.ordered_at > e.barred_until - INTERVAL 3 YEAR
UNION ALL SELECT 'dashboard sums that differ from the orders (stats_orders)', COUNT(*) FROM (
    SELECT x.year, x.category, x.month FROM (
        SELECT year, category, month, SUM(orders) AS n, SUM(subsidy) AS s FROM stats_orders
        GROUP BY year, category, month HAVING n <> 0 OR s <> 0) x
    LEFT JOIN (SELECT o.year, p.category, DATE_FORMAT(o.ordered_at + INTERVAL 8 HOUR, '%Y-%m') AS month,
        COUNT(*) AS n, SUM(COALESCE(o.subsidy, o.reserved)) AS s FROM orders o
        JOIN products p ON p.id = o.product_id
        WHERE o.status NOT IN ('cancelled', 'expired', 'rejected', 'revoked') GROUP BY 1, 2, 3) y
    ON y.year = x.year AND y.category = x.category AND y.month = x.month
    WHERE y.n IS NULL OR y.n <> x.n OR y.s <> x.s) d
UNION ALL SELECT 'allowance sums that differ from the quota rows (stats_quota)', COUNT(*) FROM (
    SELECT x.year FROM (SELECT year, tier, SUM(enterprises) AS n, SUM(cap) AS c, SUM(occupied) AS o
        FROM stats_quota GROUP BY year, tier HAVING n <> 0) x
    LEFT JOIN (SELECT q.year, e.tier, COUNT(*) AS n, SUM(q.cap) AS c, SUM(q.occupied) AS o
        FROM enterprise_quota q JOIN enterprises e ON e.id = q.enterprise_id GROUP BY 1, 2) y
    ON y.year = x.year AND y.tier = x.tier
    WHERE y.n IS NULL OR y.n <> x.n OR y.c <> x.c OR y.o <> x.o) d
UNION ALL SELECT 'products whose search text is not their names', COUNT(*) FROM products p
    JOIN providers v ON v.id = p.provider_id LEFT JOIN search_texts t ON t.id = p.search_text_id
    WHERE t.text IS NULL OR t.text <> CONCAT(p.name, CHAR(9), v.name)
UNION ALL SELECT 'products without their category for the stats', COUNT(*) FROM products p
    LEFT JOIN product_category c ON c.product_id = p.id
    WHERE c.category IS NULL OR c.category <> p.category
UNION ALL SELECT 'search texts without their grams', COUNT(*) FROM search_texts t
    WHERE NOT EXISTS (SELECT 1 FROM search_grams g WHERE g.text_id = t.id)
UNION ALL SELECT 'enterprises without their name grams', COUNT(*) FROM enterprises e
    WHERE NOT EXISTS (SELECT 1 FROM enterprise_grams g WHERE g.enterprise_id = e.id)
UNION ALL SELECT 'row counts that differ from the tables', COUNT(*) FROM row_counts r
    WHERE r.n <> CASE r.name WHEN 'enterprises' THEN (SELECT COUNT(*) FROM enterprises)
                  WHEN 'providers' THEN (SELECT COUNT(*) FROM providers)
                  WHEN 'evaluations' THEN (SELECT COUNT(*) FROM evaluations)
                  ELSE (SELECT COUNT(*) FROM feedback) END
UNION ALL SELECT 'audit counts that differ from the trail', COUNT(*) FROM (
    SELECT c.entity FROM (SELECT entity, SUM(n) AS n FROM audit_counts GROUP BY entity) c
    LEFT JOIN (SELECT entity, COUNT(*) AS n FROM audit_log GROUP BY entity) a
    ON a.entity = c.entity WHERE a.n IS NULL OR a.n <> c.n) d
UNION ALL SELECT 'orders outside their round''s ordering period (Y2)', COUNT(*) FROM orders o
    JOIN rounds r ON r.year = o.year
    WHERE DATE(o.ordered_at + INTERVAL 8 HOUR) < COALESCE(r.order_opens_on, '1000-01-01')
       OR DATE(o.ordered_at + INTERVAL 8 HOUR) > COALESCE(r.order_closes_on, '9999-12-31')
UNION ALL SELECT 'last order contacts that are not the last order''s (issue 11)', COUNT(*)
    FROM enterprise_contacts c JOIN orders o ON o.id = (SELECT x.id FROM orders x
        WHERE x.enterprise_id = c.enterprise_id AND x.contact_mobile IS NOT NULL
        ORDER BY x.ordered_at DESC, x.id DESC LIMIT 1)
    WHERE o.contact_mobile <> c.contact_mobile OR o.contact_name <> c.contact_name
UNION ALL SELECT 'certified organisations that differ from their party (E12)', COUNT(*)
    FROM organisations o LEFT JOIN enterprises e ON e.id = o.enterprise_id
    LEFT JOIN providers v ON v.id = o.provider_id
    WHERE o.state = 'approved' AND (COALESCE(e.name, v.name) IS NULL
        OR o.name <> COALESCE(e.name, v.name) OR o.uscc <> COALESCE(e.uscc, v.uscc))
UNION ALL SELECT 'accounts outside their party''s organisation (E13)', COUNT(*) FROM accounts a
    JOIN organisations o ON o.id = a.org_id
    WHERE NOT (a.enterprise_id <=> o.enterprise_id) OR NOT (a.provider_id <=> o.provider_id)
UNION ALL SELECT 'declared tiers that differ from the bureau''s lists (E11)', COUNT(*)
    FROM organisations o JOIN enterprises e ON e.id = o.enterprise_id
    WHERE o.quals_declared = 1 AND e.tier <> CASE
        WHEN o.claims_little_giant = 1 AND EXISTS (SELECT 1 FROM qualification_lists q
            WHERE q.list = 'little_giant' AND q.uscc = e.uscc
            AND q.year = (SELECT MAX(year) FROM rounds WHERE is_current = 1)) THEN 'little_giant'
        WHEN o.claims_specialized = 1 AND EXISTS (SELECT 1 FROM qualification_lists q
            WHERE q.list = 'specialized' AND q.uscc = e.uscc
            AND q.year = (SELECT MAX(year) FROM rounds WHERE is_current = 1)) THEN 'specialized'
        ELSE 'ordinary' END
UNION ALL SELECT 'credit states that differ from the credit list (E14)', COUNT(*)
    FROM enterprises e LEFT JOIN credit_list c ON c.uscc = e.uscc
    WHERE NOT (e.credit_list_until <=> IF(c.uscc IS NULL, NULL,
        LEAST(c.listed_on + INTERVAL 3 YEAR - INTERVAL 1 DAY, COALESCE(c.until, '9999-12-31'))))
UNION ALL SELECT 'decided claims without their last round (R4, claim_reviews)', COUNT(*)
    FROM redemption_claims c WHERE c.decision IS NOT NULL AND c.order_id >= 1000001
    AND NOT EXISTS (SELECT 1 FROM claim_reviews r WHERE r.order_id = c.order_id
        AND r.decision = c.decision AND r.reviewed_at = c.reviewed_at)
UNION ALL SELECT 'stage sums that differ from the orders (stats_stages)', COUNT(*) FROM (
    SELECT x.year FROM (SELECT year, SUM(orders) AS n, SUM(accept_n) AS an, SUM(accept_s) AS a_s,
        SUM(contract_n) AS cn, SUM(contract_s) AS cs, SUM(submit_n) AS sn, SUM(submit_s) AS ss,
        SUM(review_n) AS rn, SUM(review_s) AS rs, SUM(publish_n) AS pn, SUM(publish_s) AS ps,
        SUM(pay_n) AS yn, SUM(pay_s) AS ys FROM stats_stages GROUP BY year) x
    LEFT JOIN (SELECT year, COUNT(*) AS n,
        COUNT(TIMESTAMPDIFF(SECOND, ordered_at, accepted_at)) AS an,
        COALESCE(SUM(TIMESTAMPDIFF(SECOND, ordered_at, accepted_at)), 0) AS a_s,
        COUNT(TIMESTAMPDIFF(SECOND, accepted_at, contracted_at)) AS cn,
        COALESCE(SUM(TIMESTAMPDIFF(SECOND, accepted_at, contracted_at)), 0) AS cs,
        COUNT(TIMESTAMPDIFF(SECOND, contracted_at, submitted_at)) AS sn,
        COALESCE(SUM(TIMESTAMPDIFF(SECOND, contracted_at, submitted_at)), 0) AS ss,
        COUNT(TIMESTAMPDIFF(SECOND, submitted_at, approved_at)) AS rn,
        COALESCE(SUM(TIMESTAMPDIFF(SECOND, submitted_at, approved_at)), 0) AS rs,
        COUNT(TIMESTAMPDIFF(SECOND, approved_at, publicized_at)) AS pn,
        COALESCE(SUM(TIMESTAMPDIFF(SECOND, approved_at, publicized_at)), 0) AS ps,
        COUNT(TIMESTAMPDIFF(SECOND, publicized_at, paid_at)) AS yn,
        COALESCE(SUM(TIMESTAMPDIFF(SECOND, publicized_at, paid_at)), 0) AS ys
        FROM orders GROUP BY year) y ON y.year = x.year
    WHERE y.year IS NULL OR (x.n, x.an, x.a_s, x.cn, x.cs, x.sn, x.ss, x.rn, x.rs, x.pn, x.ps, x.yn, x.ys)
        <> (y.n, y.an, y.a_s, y.cn, y.cs, y.sn, y.ss, y.rn, y.rs, y.pn, y.ps, y.yn, y.ys)) d
UNION ALL SELECT 'ratings whose provider is not their order''s (evaluations)', COUNT(*)
    FROM evaluations e JOIN orders o ON o.id = e.order_id WHERE e.provider_id <> o.provider_id
UNION ALL SELECT 'items withdrawn or paid without their record (R7)', COUNT(*)
    FROM publicity_items i LEFT JOIN publicity_records w
        ON w.batch_id = i.batch_id AND w.seq = i.withdrawn_seq AND w.kind = 'withdrawal'
    LEFT JOIN publicity_records p
        ON p.batch_id = i.batch_id AND p.seq = i.paid_seq AND p.kind = 'payment'
    WHERE (i.withdrawn = 1 AND w.seq IS NULL) OR (i.paid_on IS NOT NULL AND p.seq IS NULL)
UNION ALL SELECT 'reminder cursor short of the last order event (issue 16)', COUNT(*)
    FROM reminder_cursor c WHERE c.name = 'order_events'
    AND c.last_id < (SELECT COALESCE(MAX(id), 0) FROM order_events);
