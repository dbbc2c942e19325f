-- 020_party_counts.sql - the totals of each party's lists kept by
-- triggers (issue 13): a provider's inbox, an enterprise's orders, the
-- reviewer's claim queue and an account's inbox counted their rows with
-- COUNT(*) on every page (the busiest provider's orders, 10,000 claims
-- waiting). Each total is kept in the writing transaction, in
-- per-connection slots where one row would queue the writers (the
-- ordering rush on one hot product goes to one provider).
-- Applied by sql/migrate.sh, exactly once; never edit it once applied.

SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

-- ---------------------------------------------------------------------------
-- order_counts: a party's orders per stored status. The lists filter on
-- the effective status (O4, O6: ORDER_EFFECTIVE_STATUS); the few orders
-- timed out but not yet swept are counted apart from the rows
-- (shared/domain/lib_sql.c ORDER_COUNT).
CREATE TABLE order_counts (
    party     ENUM('enterprise','provider') NOT NULL,
    party_id  BIGINT UNSIGNED  NOT NULL,
    status    VARCHAR(16) CHARACTER SET ascii NOT NULL,  -- orders.status (any of its values)
    slot      TINYINT UNSIGNED NOT NULL,
    n         BIGINT           NOT NULL DEFAULT 0,
    PRIMARY KEY (party, party_id, status, slot)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: orders per party and stored status';

INSERT INTO order_counts (party, party_id, status, slot, n)
    SELECT 'enterprise', enterprise_id, status, 0, COUNT(*) FROM orders
    GROUP BY enterprise_id, status;
INSERT INTO order_counts (party, party_id, status, slot, n)
    SELECT 'provider', provider_id, status, 0, COUNT(*) FROM orders
    GROUP BY provider_id, status;

-- claim_counts: the claims per status (R4: the reviewer's queue total)
CREATE TABLE claim_counts (
    status    VARCHAR(16) CHARACTER SET ascii NOT NULL,  -- redemption_claims.status
    slot      TINYINT UNSIGNED NOT NULL,
    n         BIGINT           NOT NULL DEFAULT 0,
    PRIMARY KEY (status, slot)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: claims per status';

INSERT INTO claim_counts (status, slot, n)
    SELECT status, 0, COUNT(*) FROM redemption_claims GROUP BY status;

-- notification_counts: an account's inbox (issue 16: the messages it
-- may read, is_secret = 0) and those of them unread. One row per
-- account: its messages come one at a time.
CREATE TABLE notification_counts (
    account_id  BIGINT UNSIGNED NOT NULL,
    n           BIGINT          NOT NULL DEFAULT 0,
    unread      BIGINT          NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: an account''s inbox and unread messages';

INSERT INTO notification_counts (account_id, n, unread)
    SELECT account_id, COUNT(*), COUNT(*) - COUNT(read_at) FROM notifications
    WHERE account_id IS NOT NULL AND is_secret = 0 GROUP BY account_id;

DELIMITER //

CREATE TRIGGER tr_orders_counts_ins AFTER INSERT ON orders FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        INSERT INTO order_counts (party, party_id, status, slot, n)
        VALUES ('enterprise', NEW.enterprise_id, NEW.status, CONNECTION_ID() % 64, 1),
               ('provider', NEW.provider_id, NEW.status, CONNECTION_ID() % 64, 1)
        ON DUPLICATE KEY UPDATE n = n + VALUES(n);
    END IF;
END//

CREATE TRIGGER tr_orders_counts_upd AFTER UPDATE ON orders FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL AND (NEW.status <> OLD.status
            OR NEW.enterprise_id <> OLD.enterprise_id OR NEW.provider_id <> OLD.provider_id) THEN
        INSERT INTO order_counts (party, party_id, status, slot, n)
        VALUES ('enterprise', OLD.enterprise_id, OLD.status, CONNECTION_ID() % 64, -1),
               ('provider', OLD.provider_id, OLD.status, CONNECTION_ID() % 64, -1),
               ('enterprise', NEW.enterprise_id, NEW.status, CONNECTION_ID() % 64, 1),
               ('provider', NEW.provider_id, NEW.status, CONNECTION_ID() % 64, 1)
        ON DUPLICATE KEY UPDATE n = n + VALUES(n);
    END IF;
END//

CREATE TRIGGER tr_orders_counts_del AFTER DELETE ON orders FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        INSERT INTO order_counts (party, party_id, status, slot, n)
        VALUES ('enterprise', OLD.enterprise_id, OLD.status, CONNECTION_ID() % 64, -1),
               ('provider', OLD.provider_id, OLD.status, CONNECTION_ID() % 64, -1)
        ON DUPLICATE KEY UPDATE n = n + VALUES(n);
    END IF;
END//

CREATE TRIGGER tr_claims_counts_ins AFTER INSERT ON redemption_claims FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        INSERT INTO claim_counts (status, slot, n)
        VALUES (NEW.status, CONNECTION_ID() % 64, 1)
        ON DUPLICATE KEY UPDATE n = n + 1;
    END IF;
END//

CREATE TRIGGER tr_claims_counts_upd AFTER UPDATE ON redemption_claims FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL AND NEW.status <> OLD.status THEN
        INSERT INTO claim_counts (status, slot, n)
        VALUES (OLD.status, CONNECTION_ID() % 64, -1), (NEW.status, CONNECTION_ID() % 64, 1)
        ON DUPLICATE KEY UPDATE n = n + VALUES(n);
    END IF;
END//

CREATE TRIGGER tr_claims_counts_del AFTER DELETE ON redemption_claims FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        INSERT INTO claim_counts (status, slot, n)
        VALUES (OLD.status, CONNECTION_ID() % 64, -1)
        ON DUPLICATE KEY UPDATE n = n - 1;
    END IF;
END//

CREATE TRIGGER tr_notifications_counts_ins AFTER INSERT ON notifications FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL AND NEW.account_id IS NOT NULL AND NEW.is_secret = 0 THEN
        INSERT INTO notification_counts (account_id, n, unread)
        VALUES (NEW.account_id, 1, NEW.read_at IS NULL)
        ON DUPLICATE KEY UPDATE n = n + 1, unread = unread + VALUES(unread);
    END IF;
END//

CREATE TRIGGER tr_notifications_counts_upd AFTER UPDATE ON notifications FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL AND (NOT (NEW.account_id <=> OLD.account_id)
            OR NEW.is_secret <> OLD.is_secret
            OR (NEW.read_at IS NULL) <> (OLD.read_at IS NULL)) THEN
        IF OLD.account_id IS NOT NULL AND OLD.is_secret = 0 THEN
            UPDATE notification_counts SET n = n - 1, unread = unread - (OLD.read_at IS NULL)
            WHERE account_id = OLD.account_id;
        END IF;
        IF NEW.account_id IS NOT NULL AND NEW.is_secret = 0 THEN
            INSERT INTO notification_counts (account_id, n, unread)
            VALUES (NEW.account_id, 1, NEW.read_at IS NULL)
            ON DUPLICATE KEY UPDATE n = n + 1, unread = unread + VALUES(unread);
        END IF;
    END IF;
END//

CREATE TRIGGER tr_notifications_counts_del AFTER DELETE ON notifications FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL AND OLD.account_id IS NOT NULL AND OLD.is_secret = 0 THEN
        UPDATE notification_counts SET n = n - 1, unread = unread - (OLD.read_at IS NULL)
        WHERE account_id = OLD.account_id;
    END IF;
END//

DELIMITER ;
