-- 022_queue_counts.sql - the bureau's and reviewers' searches and queues at
-- Beijing's size (issue #13): the grams of each provider's name (the
-- bureau's provider search read every product and publicity text holding
-- the query before it found the providers among them), and the totals of
-- the verification queue per status and kind, of the product
-- applications' review queue per state and of the qualification and
-- credit lists per list and year, kept by triggers in the writing
-- transaction (a COUNT(*) of 30,000 decided certifications or of the
-- lists' 60,000 rows on every page).
-- Applied by sql/migrate.sh, exactly once; never edit it once applied.

SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

-- ---------------------------------------------------------------------------
-- provider_grams: the unigrams and bigrams of each provider's name, as
-- enterprise_grams holds the enterprises' (004_scale.sql): the search reads
-- the providers holding the query in id order and stops at the page.
CREATE TABLE provider_grams (
    gram         VARCHAR(2)      NOT NULL,
    provider_id  BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (gram, provider_id),
    KEY ix_provider_grams_provider (provider_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: the unigrams and bigrams of each provider name';

-- a provider's name is its search text (004's tr_providers_search_*):
-- the same grams
INSERT IGNORE INTO provider_grams (gram, provider_id)
    SELECT g.gram, p.id FROM providers p JOIN search_grams g ON g.text_id = p.search_text_id;

-- ---------------------------------------------------------------------------
-- certification_counts: certifications per status and kind (E9, E12), in
-- per-connection slots (many organisations submit at once).
CREATE TABLE certification_counts (
    status  VARCHAR(16)      NOT NULL,
    kind    VARCHAR(16)      NOT NULL,
    slot    TINYINT UNSIGNED NOT NULL,
    n       BIGINT           NOT NULL DEFAULT 0,
    PRIMARY KEY (status, kind, slot)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: certifications per status and kind';

INSERT INTO certification_counts (status, kind, slot, n)
    SELECT status, kind, 0, COUNT(*) FROM certifications GROUP BY status, kind;

-- application_counts: the product applications the review queue lists
-- (submitted at least once) per state (A7), in per-connection slots.
CREATE TABLE application_counts (
    state  VARCHAR(16)      NOT NULL,
    slot   TINYINT UNSIGNED NOT NULL,
    n      BIGINT           NOT NULL DEFAULT 0,
    PRIMARY KEY (state, slot)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: submitted product applications per state';

INSERT INTO application_counts (state, slot, n)
    SELECT state, 0, COUNT(*) FROM product_applications WHERE submit_count > 0 GROUP BY state;

-- list_counts: the rows of each qualification list per year (E11) and of
-- the credit list (E14: list 'credit', year 0); one import replaces one
-- list at a time.
CREATE TABLE list_counts (
    list  VARCHAR(16) NOT NULL,
    year  SMALLINT    NOT NULL,
    n     BIGINT      NOT NULL DEFAULT 0,
    PRIMARY KEY (list, year)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: rows per qualification list and year, and of the credit list';

INSERT INTO list_counts (list, year, n)
    SELECT list, year, COUNT(*) FROM qualification_lists GROUP BY list, year;
INSERT INTO list_counts (list, year, n) SELECT 'credit', 0, COUNT(*) FROM credit_list;

DELIMITER //

-- The grams of provider pid's name n, replacing its old ones.
CREATE PROCEDURE provider_index(pid BIGINT UNSIGNED, n VARCHAR(200))
    MODIFIES SQL DATA
    SQL SECURITY DEFINER
BEGIN
    DECLARE i, len INT;
    DELETE FROM provider_grams WHERE provider_id = pid;
    SET i = 1, len = CHAR_LENGTH(n);
    WHILE i <= len DO
        INSERT IGNORE INTO provider_grams (gram, provider_id) VALUES (SUBSTRING(n, i, 1), pid);
        IF i < len THEN
            INSERT IGNORE INTO provider_grams (gram, provider_id) VALUES (SUBSTRING(n, i, 2), pid);
        END IF;
        SET i = i + 1;
    END WHILE;
END//

CREATE TRIGGER tr_providers_grams_ins AFTER INSERT ON providers FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        CALL provider_index(NEW.id, NEW.name);
    END IF;
END//

CREATE TRIGGER tr_providers_grams_upd AFTER UPDATE ON providers FOR EACH ROW
BEGIN
    IF NEW.name <> OLD.name THEN
        CALL provider_index(NEW.id, NEW.name);
    END IF;
END//

-- E9/E12: submitted, decided
CREATE TRIGGER tr_certifications_count_ins AFTER INSERT ON certifications FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        INSERT INTO certification_counts (status, kind, slot, n)
        VALUES (NEW.status, NEW.kind, CONNECTION_ID() % 64, 1)
        ON DUPLICATE KEY UPDATE n = n + 1;
    END IF;
END//

CREATE TRIGGER tr_certifications_count_upd AFTER UPDATE ON certifications FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL AND (NEW.status <> OLD.status OR NEW.kind <> OLD.kind) THEN
        INSERT INTO certification_counts (status, kind, slot, n)
        VALUES (OLD.status, OLD.kind, CONNECTION_ID() % 64, -1)
        ON DUPLICATE KEY UPDATE n = n - 1;
        INSERT INTO certification_counts (status, kind, slot, n)
        VALUES (NEW.status, NEW.kind, CONNECTION_ID() % 64, 1)
        ON DUPLICATE KEY UPDATE n = n + 1;
    END IF;
END//

CREATE TRIGGER tr_certifications_count_del AFTER DELETE ON certifications FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        INSERT INTO certification_counts (status, kind, slot, n)
        VALUES (OLD.status, OLD.kind, CONNECTION_ID() % 64, -1)
        ON DUPLICATE KEY UPDATE n = n - 1;
    END IF;
END//

-- A2-A7: saved, submitted, decided (counted once submitted)
CREATE TRIGGER tr_applications_count_ins AFTER INSERT ON product_applications FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL AND NEW.submit_count > 0 THEN
        INSERT INTO application_counts (state, slot, n)
        VALUES (NEW.state, CONNECTION_ID() % 64, 1)
        ON DUPLICATE KEY UPDATE n = n + 1;
    END IF;
END//

CREATE TRIGGER tr_applications_count_upd AFTER UPDATE ON product_applications FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL AND (NEW.state <> OLD.state
           OR (NEW.submit_count > 0) <> (OLD.submit_count > 0)) THEN
        IF OLD.submit_count > 0 THEN
            INSERT INTO application_counts (state, slot, n)
            VALUES (OLD.state, CONNECTION_ID() % 64, -1)
            ON DUPLICATE KEY UPDATE n = n - 1;
        END IF;
        IF NEW.submit_count > 0 THEN
            INSERT INTO application_counts (state, slot, n)
            VALUES (NEW.state, CONNECTION_ID() % 64, 1)
            ON DUPLICATE KEY UPDATE n = n + 1;
        END IF;
    END IF;
END//

CREATE TRIGGER tr_applications_count_del AFTER DELETE ON product_applications FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL AND OLD.submit_count > 0 THEN
        INSERT INTO application_counts (state, slot, n)
        VALUES (OLD.state, CONNECTION_ID() % 64, -1)
        ON DUPLICATE KEY UPDATE n = n - 1;
    END IF;
END//

-- E11/E14: an import deletes a list and inserts its rows again
CREATE TRIGGER tr_qualification_lists_count_ins AFTER INSERT ON qualification_lists FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        INSERT INTO list_counts (list, year, n) VALUES (NEW.list, NEW.year, 1)
        ON DUPLICATE KEY UPDATE n = n + 1;
    END IF;
END//

CREATE TRIGGER tr_qualification_lists_count_upd AFTER UPDATE ON qualification_lists FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL AND (NEW.list <> OLD.list OR NEW.year <> OLD.year) THEN
        UPDATE list_counts SET n = n - 1 WHERE list = OLD.list AND year = OLD.year;
        INSERT INTO list_counts (list, year, n) VALUES (NEW.list, NEW.year, 1)
        ON DUPLICATE KEY UPDATE n = n + 1;
    END IF;
END//

CREATE TRIGGER tr_qualification_lists_count_del AFTER DELETE ON qualification_lists FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        UPDATE list_counts SET n = n - 1 WHERE list = OLD.list AND year = OLD.year;
    END IF;
END//

CREATE TRIGGER tr_credit_list_count_ins AFTER INSERT ON credit_list FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        INSERT INTO list_counts (list, year, n) VALUES ('credit', 0, 1)
        ON DUPLICATE KEY UPDATE n = n + 1;
    END IF;
END//

CREATE TRIGGER tr_credit_list_count_del AFTER DELETE ON credit_list FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        UPDATE list_counts SET n = n - 1 WHERE list = 'credit' AND year = 0;
    END IF;
END//

DELIMITER ;
