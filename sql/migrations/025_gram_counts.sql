-- 025_gram_counts.sql - the totals of the searches of one gram at
-- Beijing's size (issue #13): how many enterprise names and provider names
-- hold each gram (the bureau's search of a word of one or two characters
-- counted the gram's index range: 7.2 M rows of enterprise_grams, ~100,000
-- for a common word), and how many items of each publicity batch hold
-- each gram (the public's search of a list counted its range of
-- publicity_item_grams), kept by triggers of the gram tables in the
-- transaction that writes the grams (a name written, an item inserted or
-- dropped from a draft), as their definer: no program writes them.
-- Applied by sql/migrate.sh, exactly once; never edit it once applied.

SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

-- ---------------------------------------------------------------------------
-- the names holding a gram, in per-connection slots (every new or renamed
-- name writes the common grams, 公司, 有限, 北京): the total is the sum of
-- the gram's rows. The same collation as the gram tables': one row counts
-- the grams they hold as one.
CREATE TABLE enterprise_gram_counts (
    gram  VARCHAR(2)       NOT NULL,
    slot  TINYINT UNSIGNED NOT NULL,
    n     BIGINT           NOT NULL DEFAULT 0,
    PRIMARY KEY (gram, slot)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: enterprise names per gram';

INSERT INTO enterprise_gram_counts (gram, slot, n)
    SELECT gram, 0, COUNT(*) FROM enterprise_grams GROUP BY gram;

CREATE TABLE provider_gram_counts (
    gram  VARCHAR(2)       NOT NULL,
    slot  TINYINT UNSIGNED NOT NULL,
    n     BIGINT           NOT NULL DEFAULT 0,
    PRIMARY KEY (gram, slot)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: provider names per gram';

INSERT INTO provider_gram_counts (gram, slot, n)
    SELECT gram, 0, COUNT(*) FROM provider_grams GROUP BY gram;

-- a batch's items holding a gram (withdrawn ones too: the list shows
-- them): one row each, as a batch's items are written by one transaction
-- at a time (publication, a draft's stale items dropped).
CREATE TABLE publicity_item_gram_counts (
    batch_id  BIGINT UNSIGNED NOT NULL,
    gram      VARCHAR(2)      NOT NULL,
    n         INT             NOT NULL DEFAULT 0,
    PRIMARY KEY (batch_id, gram)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: the items of a publicity batch per gram';

INSERT INTO publicity_item_gram_counts (batch_id, gram, n)
    SELECT batch_id, gram, COUNT(*) FROM publicity_item_grams GROUP BY batch_id, gram;

DELIMITER //

-- a gram row is inserted (INSERT IGNORE: a gram the name holds twice is
-- one row, and one count) or deleted, never updated
CREATE TRIGGER tr_enterprise_grams_count_ins AFTER INSERT ON enterprise_grams FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        INSERT INTO enterprise_gram_counts (gram, slot, n)
        VALUES (NEW.gram, CONNECTION_ID() % 64, 1)
        ON DUPLICATE KEY UPDATE n = n + 1;
    END IF;
END//

CREATE TRIGGER tr_enterprise_grams_count_del AFTER DELETE ON enterprise_grams FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        INSERT INTO enterprise_gram_counts (gram, slot, n)
        VALUES (OLD.gram, CONNECTION_ID() % 64, -1)
        ON DUPLICATE KEY UPDATE n = n - 1;
    END IF;
END//

CREATE TRIGGER tr_provider_grams_count_ins AFTER INSERT ON provider_grams FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        INSERT INTO provider_gram_counts (gram, slot, n)
        VALUES (NEW.gram, CONNECTION_ID() % 64, 1)
        ON DUPLICATE KEY UPDATE n = n + 1;
    END IF;
END//

CREATE TRIGGER tr_provider_grams_count_del AFTER DELETE ON provider_grams FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        INSERT INTO provider_gram_counts (gram, slot, n)
        VALUES (OLD.gram, CONNECTION_ID() % 64, -1)
        ON DUPLICATE KEY UPDATE n = n - 1;
    END IF;
END//

CREATE TRIGGER tr_publicity_item_grams_count_ins AFTER INSERT ON publicity_item_grams FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        INSERT INTO publicity_item_gram_counts (batch_id, gram, n)
        VALUES (NEW.batch_id, NEW.gram, 1)
        ON DUPLICATE KEY UPDATE n = n + 1;
    END IF;
END//

CREATE TRIGGER tr_publicity_item_grams_count_del AFTER DELETE ON publicity_item_grams FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        UPDATE publicity_item_gram_counts SET n = n - 1
        WHERE batch_id = OLD.batch_id AND gram = OLD.gram;
    END IF;
END//

DELIMITER ;
