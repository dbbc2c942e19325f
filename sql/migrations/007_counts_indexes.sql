-- 007_counts_indexes.sql - the totals of the bureau's audit and feedback
-- lists kept by triggers (issue #13): a COUNT(*) of the whole audit trail
-- reads millions of rows on every page; and the indexes that issue 12's
-- statements need at Beijing's size (tests/integration/test_explain.py).
-- Applied by sql/migrate.sh, exactly once; never edit it once applied.

SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

-- ---------------------------------------------------------------------------
-- audit_counts: the number of audit records per entity, in per-connection
-- slots (every write transaction adds records: one row would queue them),
-- so that the bureau's audit list need not count millions of rows a page.
CREATE TABLE audit_counts (
    entity  VARCHAR(32)      NOT NULL,
    slot    TINYINT UNSIGNED NOT NULL,
    n       BIGINT           NOT NULL DEFAULT 0,
    PRIMARY KEY (entity, slot)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: audit records per entity';

INSERT INTO audit_counts (entity, slot, n)
    SELECT entity, 0, COUNT(*) FROM audit_log GROUP BY entity;

INSERT INTO row_counts (name, n) SELECT 'feedback', COUNT(*) FROM feedback;

DELIMITER //

-- V3: the audit list's totals
CREATE TRIGGER tr_audit_count AFTER INSERT ON audit_log FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        INSERT INTO audit_counts (entity, slot, n) VALUES (NEW.entity, CONNECTION_ID() % 64, 1)
        ON DUPLICATE KEY UPDATE n = n + 1;
    END IF;
END//

-- R5: the bureau's feedback list total
CREATE TRIGGER tr_feedback_count AFTER INSERT ON feedback FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        UPDATE row_counts SET n = n + 1 WHERE name = 'feedback';
    END IF;
END//

DELIMITER ;

-- ---------------------------------------------------------------------------
-- issue 12 (006_registration.sql) at Beijing's size: lists read in their
-- index's order, never sorted

-- the decided certifications, newest decision first (the queue itself,
-- oldest first, reads ix_certifications_queue)
ALTER TABLE certifications
    ADD KEY ix_certifications_decided (status, decided_at DESC, id);

-- the organisations whose tier follows the bureau's lists (E11), re-derived
-- at each list import: only those, not every organisation
ALTER TABLE organisations
    ADD KEY ix_organisations_declared (quals_declared, id);
