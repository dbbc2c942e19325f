-- check_020.sql - every total kept by 020_party_counts.sql equals its rows'
-- count (each kept total against an index range count, then every row
-- against its total's existence: no sort of the year's orders)
SELECT 'order_counts: an enterprise total off its orders', COUNT(*) FROM (
    SELECT k.party_id FROM order_counts k WHERE k.party = 'enterprise'
    GROUP BY k.party_id, k.status
    HAVING SUM(k.n) <> (SELECT COUNT(*) FROM orders o
        WHERE o.enterprise_id = k.party_id AND o.status = k.status)) d;
SELECT 'order_counts: a provider total off its orders', COUNT(*) FROM (
    SELECT k.party_id FROM order_counts k WHERE k.party = 'provider'
    GROUP BY k.party_id, k.status
    HAVING SUM(k.n) <> (SELECT COUNT(*) FROM orders o
        WHERE o.provider_id = k.party_id AND o.status = k.status)) d;
SELECT 'order_counts: orders without their totals', COUNT(*) FROM orders o
    WHERE NOT EXISTS (SELECT 1 FROM order_counts k WHERE k.party = 'enterprise'
        AND k.party_id = o.enterprise_id AND k.status = o.status)
    OR NOT EXISTS (SELECT 1 FROM order_counts k WHERE k.party = 'provider'
        AND k.party_id = o.provider_id AND k.status = o.status);
SELECT 'claim_counts: a status total off its claims', COUNT(*) FROM (
    SELECT r.status FROM (SELECT status, COUNT(*) AS n FROM redemption_claims GROUP BY status) r
    LEFT JOIN (SELECT status, SUM(n) AS n FROM claim_counts GROUP BY status) k
        ON k.status = r.status
    WHERE COALESCE(k.n, 0) <> r.n
    UNION ALL
    SELECT k.status FROM (SELECT status, SUM(n) AS n FROM claim_counts GROUP BY status) k
    LEFT JOIN (SELECT status, COUNT(*) AS n FROM redemption_claims GROUP BY status) r
        ON r.status = k.status
    WHERE k.n <> COALESCE(r.n, 0)) d;
SELECT 'notification_counts: an inbox total off its messages', COUNT(*)
    FROM notification_counts k
    WHERE k.n <> (SELECT COUNT(*) FROM notifications x
            WHERE x.account_id = k.account_id AND x.is_secret = 0)
       OR k.unread <> (SELECT COUNT(*) FROM notifications x
            WHERE x.account_id = k.account_id AND x.is_secret = 0 AND x.read_at IS NULL);
SELECT 'notification_counts: messages without their inbox total', COUNT(*)
    FROM notifications x WHERE x.account_id IS NOT NULL AND x.is_secret = 0
    AND NOT EXISTS (SELECT 1 FROM notification_counts k WHERE k.account_id = x.account_id);
