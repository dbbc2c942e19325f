-- after_020.sql - the totals of 020_party_counts.sql's triggers (skipped by
-- the bulk load), recomputed from the rows once the scale data is loaded,
-- in the slots a year of connections would have written (the writing
-- row's id mod 64, as CONNECTION_ID() mod 64 spreads them: a busy key in
-- every slot, a quiet one in a few)
DELETE FROM order_counts;
INSERT INTO order_counts (party, party_id, status, slot, n)
    SELECT 'enterprise', enterprise_id, status, id % 64, COUNT(*) FROM orders
    GROUP BY enterprise_id, status, id % 64;
INSERT INTO order_counts (party, party_id, status, slot, n)
    SELECT 'provider', provider_id, status, id % 64, COUNT(*) FROM orders
    GROUP BY provider_id, status, id % 64;
DELETE FROM claim_counts;
INSERT INTO claim_counts (status, slot, n)
    SELECT status, order_id % 64, COUNT(*) FROM redemption_claims
    GROUP BY status, order_id % 64;
DELETE FROM notification_counts;
INSERT INTO notification_counts (account_id, n, unread)
    SELECT account_id, COUNT(*), COUNT(*) - COUNT(read_at) FROM notifications
    WHERE account_id IS NOT NULL AND is_secret = 0 GROUP BY account_id;
