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
    AND o.ordered_at > e.barred_until - INTERVAL 3 YEAR;
