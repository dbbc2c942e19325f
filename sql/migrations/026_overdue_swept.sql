-- 026_overdue_swept.sql - the overdue backlog's counts read in constant
-- time (issue 13). 023 kept the rows waiting in each counted stage per
-- day: a read of GET /api/bureau/overdue summed the backlog's days (a
-- year of pending applications: hundreds of rows at Beijing's size) and
-- counted today's part from the rows (~240 orders' index entries by
-- mid-morning, ~2,000 by night): 0.4 ms of the route's 1.2 ms, where the
-- demo pays nothing. Now each stage keeps:
--   overdue_swept    one number: the rows whose instant's minute is before
--                    `upto` (all of them past the cut of any clock at or
--                    after upto);
--   overdue_minutes  the other rows per minute of their instant.
-- The sweeper (voucherctl sweep, every minute: shared/domain/overdue_fold.c)
-- folds the minutes its clock has passed into the number, a minute behind
-- its clock. A read (fcgi-apps/oversight/db.c STMT_OVERDUE_COUNTS) is the
-- number, the minutes not folded yet before the cut's minute (one or two)
-- and the cut's own minute from the rows (an index range of under a
-- minute): the same few rows whatever the year. A request whose clock is
-- behind a stage's upto (a test's clock moved back) counts from the rows.
-- The writers: the triggers below, as 023's, in the writing transaction,
-- as their definer; each locks its stage's row of overdue_swept first, so
-- a fold (which locks it first too) never misses a write.
-- Applied by sql/migrate.sh, exactly once; never edit it once applied.

SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

-- ---------------------------------------------------------------------------
-- the stages (023's kinds; which rows and which instant, and each one's
-- cut, are in 023_overdue_counts.sql): n = the stage's rows whose instant's
-- minute is before upto. upto starts at the epoch (nothing folded): the
-- first sweep folds the backlog.
CREATE TABLE overdue_swept (
    kind  VARCHAR(20) CHARACTER SET ascii NOT NULL,
    upto  DATETIME         NOT NULL,
    n     BIGINT           NOT NULL DEFAULT 0,
    PRIMARY KEY (kind)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: the overdue stages'' rows before a minute, folded';

INSERT INTO overdue_swept (kind, upto, n) VALUES
    ('review', '1970-01-01 00:00:00', 0),
    ('publish', '1970-01-01 00:00:00', 0),
    ('application', '1970-01-01 00:00:00', 0),
    ('application_decide', '1970-01-01 00:00:00', 0),
    ('certification', '1970-01-01 00:00:00', 0);

-- the rows at or after their stage's upto per minute of their instant (the
-- start of the minute, UTC); a minute back to 0 is deleted, a folded one
-- too: the rows are the minutes not folded yet that hold a waiting row
CREATE TABLE overdue_minutes (
    kind  VARCHAR(20) CHARACTER SET ascii NOT NULL,
    at    DATETIME         NOT NULL,
    n     BIGINT           NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: the overdue stages'' rows per minute, not folded yet';

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

-- 023's per-day counts, their procedures and triggers give way
DROP TRIGGER tr_orders_overdue_ins;
DROP TRIGGER tr_orders_overdue_upd;
DROP TRIGGER tr_orders_overdue_del;
DROP TRIGGER tr_applications_overdue_ins;
DROP TRIGGER tr_applications_overdue_upd;
DROP TRIGGER tr_applications_overdue_del;
DROP TRIGGER tr_certifications_overdue_ins;
DROP TRIGGER tr_certifications_overdue_upd;
DROP TRIGGER tr_certifications_overdue_del;
DROP PROCEDURE overdue_order;
DROP PROCEDURE overdue_application;
DROP PROCEDURE overdue_count;
DROP TABLE overdue_counts;

DELIMITER //

-- delta to stage k's count of the rows at instant (nothing when k or
-- instant is NULL: the row waits in no counted stage; not named `at`: a
-- parameter hides the column of its name). The stage's row of
-- overdue_swept is locked first whatever its upto (a locking read holds
-- its lock to the commit at any isolation level): a fold of the stage
-- waits for this transaction, and this one for a fold, so a minute is
-- either folded with this write in it or not folded yet.
CREATE PROCEDURE overdue_count(k VARCHAR(20), instant DATETIME, delta INT)
    MODIFIES SQL DATA
    SQL SECURITY DEFINER
BEGIN
    DECLARE m, u DATETIME;
    IF k IS NOT NULL AND instant IS NOT NULL THEN
        SET m = instant - INTERVAL SECOND(instant) SECOND;
        SELECT upto INTO u FROM overdue_swept WHERE kind = k FOR UPDATE;
        IF m < u THEN
            UPDATE overdue_swept SET n = n + delta WHERE kind = k;
        ELSE
            INSERT INTO overdue_minutes (kind, at, n) VALUES (k, m, delta)
            ON DUPLICATE KEY UPDATE n = n + VALUES(n);
            IF delta < 0 THEN
                DELETE FROM overdue_minutes WHERE kind = k AND at = m AND n = 0;
            END IF;
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
-- opinion or not, last submitted at instant
CREATE PROCEDURE overdue_application(s VARCHAR(16), opinion BOOL, instant DATETIME, delta INT)
    MODIFIES SQL DATA
    SQL SECURITY DEFINER
    CALL overdue_count(IF(s = 'pending', IF(opinion, 'application_decide', 'application'), NULL),
        instant, delta)//

-- (a row whose stage and instant are unchanged writes nothing; an instant
-- moved within its minute writes -1 and +1 to the same minute)
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
            AND NOT (NEW.status <=> OLD.status AND NEW.decision_due <=> OLD.decision_due) THEN
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
            AND NEW.last_submitted_at <=> OLD.last_submitted_at) THEN
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
            AND NEW.submitted_at <=> OLD.submitted_at) THEN
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
