-- 023_overdue_counts.sql - the bureau's overdue backlog by day (issue 13):
-- GET /api/bureau/overdue counted on every request the orders whose
-- decision fell due (019's decision_due, ~2,000 index entries at Beijing's
-- size), the pending applications past A6's days and the pending
-- certifications past E9's days. Whether a row is overdue changes with the
-- clock, not with a write, so its count is kept per day by trigger in the
-- writing transaction: the backlog before today's day is a sum of days,
-- today's part an index range of one day whatever the year.
-- Applied by sql/migrate.sh, exactly once; never edit it once applied.

SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

-- ---------------------------------------------------------------------------
-- overdue_counts: the rows waiting in each counted stage per day of the
-- instant the list compares with its cut (fcgi-apps/oversight/overdue.c):
--   review                  orders 'submitted' (R4)   by DATE(decision_due)  cut: now
--   publish                 orders 'approved' (R5)    by DATE(decision_due)  cut: now
--   application             applications 'pending', no reviewer opinion yet,
--                           by DATE(last_submitted_at)                       cut: now - A6's days
--   application_decide      the same with the opinion (the bureau decides)
--   certification           certifications 'pending' by DATE(submitted_at)  cut: now - E9's days
-- (an application's or certification's deadline is its submission plus a
-- whole number of days, so the days of its submission and of its deadline
-- fall on the same side of a cut's day: the days stay in clocks.h alone).
-- UTC days, as every DATETIME the programs write. One row per stage and
-- day, deleted when its count returns to 0: the rows are the days that
-- still hold a waiting row (the backlog's days), not every day of every
-- year, so the sum stays as short as the backlog. Not in per-connection
-- slots (a read would sum days x slots): the writers of one day's row are
-- claim submissions and decisions of that day (about 2,000 a day at
-- Beijing's size), never the ordering rush, and hold it for their short
-- transaction only.
CREATE TABLE overdue_counts (
    kind  VARCHAR(20) CHARACTER SET ascii NOT NULL,
    day   DATE             NOT NULL,
    n     BIGINT           NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: the overdue list''s stages per day';

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

DELIMITER //

-- delta to the count of stage k on the day of at (nothing when k or at is
-- NULL: the row waits in no counted stage); a day back to 0 is deleted
CREATE PROCEDURE overdue_count(k VARCHAR(20), at DATETIME, delta INT)
    MODIFIES SQL DATA
    SQL SECURITY DEFINER
BEGIN
    IF k IS NOT NULL AND at IS NOT NULL THEN
        INSERT INTO overdue_counts (kind, day, n) VALUES (k, DATE(at), delta)
        ON DUPLICATE KEY UPDATE n = n + VALUES(n);
        IF delta < 0 THEN
            DELETE FROM overdue_counts WHERE kind = k AND day = DATE(at) AND n = 0;
        END IF;
    END IF;
END//

-- delta to the count of an order with status s due at due (decision_due:
-- NULL in every status but these two)
CREATE PROCEDURE overdue_order(s VARCHAR(16), due DATETIME, delta INT)
    MODIFIES SQL DATA
    SQL SECURITY DEFINER
    CALL overdue_count(CASE s WHEN 'submitted' THEN 'review' WHEN 'approved' THEN 'publish' END,
        due, delta)//

-- delta to the count of an application in state s, with the reviewer's
-- opinion or not, last submitted at at
CREATE PROCEDURE overdue_application(s VARCHAR(16), opinion BOOL, at DATETIME, delta INT)
    MODIFIES SQL DATA
    SQL SECURITY DEFINER
    CALL overdue_count(IF(s = 'pending', IF(opinion, 'application_decide', 'application'), NULL),
        at, delta)//

-- (a procedure, not a function: with a binary log a function cannot be
-- created without log_bin_trust_function_creators, 004_scale.sql)

CREATE TRIGGER tr_orders_overdue_ins AFTER INSERT ON orders FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        CALL overdue_order(NEW.status, NEW.decision_due, 1);
    END IF;
END//

CREATE TRIGGER tr_orders_overdue_upd AFTER UPDATE ON orders FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL
            AND (NEW.decision_due IS NOT NULL OR OLD.decision_due IS NOT NULL)
            AND NOT (NEW.status <=> OLD.status
                     AND DATE(NEW.decision_due) <=> DATE(OLD.decision_due)) THEN
        CALL overdue_order(OLD.status, OLD.decision_due, -1);
        CALL overdue_order(NEW.status, NEW.decision_due, 1);
    END IF;
END//

CREATE TRIGGER tr_orders_overdue_del AFTER DELETE ON orders FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        CALL overdue_order(OLD.status, OLD.decision_due, -1);
    END IF;
END//

CREATE TRIGGER tr_applications_overdue_ins AFTER INSERT ON product_applications FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        CALL overdue_application(NEW.state, NEW.reviewer_opinion IS NOT NULL,
            NEW.last_submitted_at, 1);
    END IF;
END//

CREATE TRIGGER tr_applications_overdue_upd AFTER UPDATE ON product_applications FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL AND NOT (NEW.state <=> OLD.state
            AND (NEW.reviewer_opinion IS NULL) <=> (OLD.reviewer_opinion IS NULL)
            AND DATE(NEW.last_submitted_at) <=> DATE(OLD.last_submitted_at)) THEN
        CALL overdue_application(OLD.state, OLD.reviewer_opinion IS NOT NULL,
            OLD.last_submitted_at, -1);
        CALL overdue_application(NEW.state, NEW.reviewer_opinion IS NOT NULL,
            NEW.last_submitted_at, 1);
    END IF;
END//

CREATE TRIGGER tr_applications_overdue_del AFTER DELETE ON product_applications FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        CALL overdue_application(OLD.state, OLD.reviewer_opinion IS NOT NULL,
            OLD.last_submitted_at, -1);
    END IF;
END//

CREATE TRIGGER tr_certifications_overdue_ins AFTER INSERT ON certifications FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL AND NEW.status = 'pending' THEN
        CALL overdue_count('certification', NEW.submitted_at, 1);
    END IF;
END//

CREATE TRIGGER tr_certifications_overdue_upd AFTER UPDATE ON certifications FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL AND NOT ((NEW.status = 'pending') <=> (OLD.status = 'pending')
            AND DATE(NEW.submitted_at) <=> DATE(OLD.submitted_at)) THEN
        CALL overdue_count(IF(OLD.status = 'pending', 'certification', NULL), OLD.submitted_at, -1);
        CALL overdue_count(IF(NEW.status = 'pending', 'certification', NULL), NEW.submitted_at, 1);
    END IF;
END//

CREATE TRIGGER tr_certifications_overdue_del AFTER DELETE ON certifications FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL AND OLD.status = 'pending' THEN
        CALL overdue_count('certification', OLD.submitted_at, -1);
    END IF;
END//

DELIMITER ;
