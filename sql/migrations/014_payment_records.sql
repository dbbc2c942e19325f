-- 014_payment_records.sql - rule R7: a published list never changes; each
-- withdrawal of one of its items (an upheld objection, a violation) and
-- each payment is a later record chained after it (issue #11, point 2).
-- Rule ids refer to shared/SPEC.md.
--
--   * publicity_records: one row per record after the published file
--     (record 0, publicity_batches.file_json), numbered 1, 2, … per batch
--     in the order the events were committed. The row is written in the
--     event's own transaction by the program that owns the event (the
--     publicity program for an upheld objection, oversight for a violation
--     and for a payment) and never changed: no user may UPDATE or DELETE
--     it (sql/grants.sql). The publicity program builds the record's bytes
--     from it and the items it names (format 1, frozen) and signs them on
--     read; see README, "Checking a published list".
--   * publicity_items.withdrawn_seq / paid_seq: the record that withdrew or
--     paid the item (set once, with withdrawn / paid_on).
--
-- Items withdrawn or paid before this migration get their records here, in
-- the order of the events' times. Applied by sql/migrate.sh, exactly once;
-- never edit it once applied.

SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE publicity_records (
    batch_id  BIGINT UNSIGNED NOT NULL,
    seq       INT      NOT NULL,                 -- 1, 2, …; 0 is the published file
    kind      ENUM('withdrawal','payment') NOT NULL,
    format    TINYINT  NOT NULL DEFAULT 1,       -- how its bytes are built; 1 never changes
    at        DATETIME NOT NULL,                 -- the event's instant (UTC)
    paid_on   DATE     NULL,                     -- a payment's date (Asia/Shanghai)
    reason    ENUM('objection','violation') NULL, -- why an item was withdrawn
    PRIMARY KEY (batch_id, seq),
    CONSTRAINT fk_publicity_records_batch FOREIGN KEY (batch_id) REFERENCES publicity_batches (id),
    CONSTRAINT ck_publicity_records_seq CHECK (seq >= 1),
    CONSTRAINT ck_publicity_records_format CHECK (format = 1),
    CONSTRAINT ck_publicity_records_kind CHECK (
        (kind = 'payment' AND paid_on IS NOT NULL AND reason IS NULL)
        OR (kind = 'withdrawal' AND paid_on IS NULL AND reason IS NOT NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='R7 records chained after a published list: withdrawals, payments';

ALTER TABLE publicity_items
    ADD COLUMN withdrawn_seq INT NULL AFTER withdrawn_at,
    ADD COLUMN paid_seq      INT NULL AFTER paid_on;

-- ---------------------------------------------------------------------------
-- the records of what happened before: one per withdrawn item, one per
-- payment (the items paid at the same instant on the same date), numbered
-- in time order within each batch
CREATE TEMPORARY TABLE r7_events (
    batch_id  BIGINT UNSIGNED NOT NULL,
    kind      VARCHAR(10) NOT NULL,
    at        DATETIME NOT NULL,
    paid_on   DATE NULL,
    reason    VARCHAR(10) NULL,
    first_item BIGINT UNSIGNED NOT NULL,
    seq       INT NULL
);
INSERT INTO r7_events (batch_id, kind, at, paid_on, reason, first_item)
SELECT i.batch_id, 'withdrawal', i.withdrawn_at, NULL,
       IF(i.objection_status = 'upheld', 'objection', 'violation'), i.id
  FROM publicity_items i WHERE i.withdrawn = 1;
INSERT INTO r7_events (batch_id, kind, at, paid_on, reason, first_item)
SELECT i.batch_id, 'payment',
       COALESCE(o.paid_at, b.paid_at, CAST(i.paid_on AS DATETIME)), i.paid_on,
       NULL, MIN(i.id)
  FROM publicity_items i JOIN orders o ON o.id = i.order_id
  JOIN publicity_batches b ON b.id = i.batch_id
 WHERE i.paid_on IS NOT NULL
 GROUP BY i.batch_id, COALESCE(o.paid_at, b.paid_at, CAST(i.paid_on AS DATETIME)), i.paid_on;
CREATE TEMPORARY TABLE r7_numbered AS
SELECT batch_id, kind, at, paid_on, reason, first_item,
       ROW_NUMBER() OVER (PARTITION BY batch_id ORDER BY at, first_item, kind) AS seq
  FROM r7_events;
INSERT INTO publicity_records (batch_id, seq, kind, format, at, paid_on, reason)
SELECT batch_id, seq, kind, 1, at, paid_on, reason FROM r7_numbered;
UPDATE publicity_items i JOIN r7_numbered e
    ON e.kind = 'withdrawal' AND e.first_item = i.id
   SET i.withdrawn_seq = e.seq;
UPDATE publicity_items i JOIN orders o ON o.id = i.order_id
  JOIN publicity_batches b ON b.id = i.batch_id
  JOIN r7_numbered e ON e.kind = 'payment' AND e.batch_id = i.batch_id
       AND e.paid_on = i.paid_on
       AND e.at = COALESCE(o.paid_at, b.paid_at, CAST(i.paid_on AS DATETIME))
   SET i.paid_seq = e.seq;
DROP TEMPORARY TABLE r7_numbered;
DROP TEMPORARY TABLE r7_events;

-- ---------------------------------------------------------------------------
-- an item is withdrawn or paid by exactly one record of its own batch
ALTER TABLE publicity_items
    ADD CONSTRAINT fk_publicity_items_withdrawn_record FOREIGN KEY (batch_id, withdrawn_seq)
        REFERENCES publicity_records (batch_id, seq),
    ADD CONSTRAINT fk_publicity_items_paid_record FOREIGN KEY (batch_id, paid_seq)
        REFERENCES publicity_records (batch_id, seq),
    ADD CONSTRAINT ck_publicity_items_withdrawn_seq CHECK ((withdrawn = 1) = (withdrawn_seq IS NOT NULL)),
    ADD CONSTRAINT ck_publicity_items_paid_seq CHECK ((paid_on IS NOT NULL) = (paid_seq IS NOT NULL));
