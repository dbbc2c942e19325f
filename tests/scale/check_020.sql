-- check_020.sql - every total kept by 020_party_counts.sql equals its rows' count
SELECT 'order_counts: an enterprise total off its orders', COUNT(*) FROM (
    SELECT k.party_id, k.status FROM (
        SELECT party_id, status, SUM(n) AS n FROM order_counts WHERE party = 'enterprise'
        GROUP BY party_id, status) k
    LEFT JOIN (SELECT enterprise_id, status, COUNT(*) AS n FROM orders
        GROUP BY enterprise_id, status) r ON r.enterprise_id = k.party_id AND r.status = k.status
    WHERE k.n <> COALESCE(r.n, 0)
    UNION ALL
    SELECT r.enterprise_id, r.status FROM (SELECT enterprise_id, status, COUNT(*) AS n FROM orders
        GROUP BY enterprise_id, status) r
    LEFT JOIN (SELECT party_id, status, SUM(n) AS n FROM order_counts WHERE party = 'enterprise'
        GROUP BY party_id, status) k ON k.party_id = r.enterprise_id AND k.status = r.status
    WHERE k.n IS NULL) d;
SELECT 'order_counts: a provider total off its orders', COUNT(*) FROM (
    SELECT k.party_id, k.status FROM (
        SELECT party_id, status, SUM(n) AS n FROM order_counts WHERE party = 'provider'
        GROUP BY party_id, status) k
    LEFT JOIN (SELECT provider_id, status, COUNT(*) AS n FROM orders
        GROUP BY provider_id, status) r ON r.provider_id = k.party_id AND r.status = k.status
    WHERE k.n <> COALESCE(r.n, 0)
    UNION ALL
    SELECT r.provider_id, r.status FROM (SELECT provider_id, status, COUNT(*) AS n FROM orders
        GROUP BY provider_id, status) r
    LEFT JOIN (SELECT party_id, status, SUM(n) AS n FROM order_counts WHERE party = 'provider'
        GROUP BY party_id, status) k ON k.party_id = r.provider_id AND k.status = r.status
    WHERE k.n IS NULL) d;
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
SELECT 'notification_counts: an inbox total off its messages', COUNT(*) FROM (
    SELECT k.account_id FROM notification_counts k
    LEFT JOIN (SELECT account_id, COUNT(*) AS n, COUNT(*) - COUNT(read_at) AS unread
        FROM notifications WHERE account_id IS NOT NULL AND is_secret = 0 GROUP BY account_id) r
        ON r.account_id = k.account_id
    WHERE k.n <> COALESCE(r.n, 0) OR k.unread <> COALESCE(r.unread, 0)
    UNION ALL
    SELECT r.account_id FROM (SELECT DISTINCT account_id FROM notifications
        WHERE account_id IS NOT NULL AND is_secret = 0) r
    LEFT JOIN notification_counts k ON k.account_id = r.account_id
    WHERE k.account_id IS NULL) d;
