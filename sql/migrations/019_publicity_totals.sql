-- 019_publicity_totals.sql - issue 13 on the publicity lists and the
-- bureau's overdue list at Beijing's size: each batch's withdrawn and paid
-- totals (R7) kept on its row by a trigger of its items, instead of five
-- sums over its ~750 items per row of a page; and the instant an order's
-- decision falls due, indexed, so that the overdue list pages along it.
-- Applied by sql/migrate.sh, exactly once; never edit it once applied.
SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

-- ---------------------------------------------------------------------------
-- R7: what of a published list was withdrawn and what was paid, kept in the
-- transaction that withdraws or pays an item (the trigger below): no
-- program writes these columns, none needs a new grant.
ALTER TABLE publicity_batches
    ADD COLUMN withdrawn_count  INT    NOT NULL DEFAULT 0 AFTER total_amount,
    ADD COLUMN withdrawn_amount BIGINT NOT NULL DEFAULT 0 AFTER withdrawn_count,
    ADD COLUMN paid_count       INT    NOT NULL DEFAULT 0 AFTER withdrawn_amount,
    ADD COLUMN paid_amount      BIGINT NOT NULL DEFAULT 0 AFTER paid_count,
    ADD COLUMN last_paid_on     DATE   NULL AFTER paid_amount;

UPDATE publicity_batches b SET
    b.withdrawn_count = (SELECT COUNT(*) FROM publicity_items i
        WHERE i.batch_id = b.id AND i.withdrawn = 1),
    b.withdrawn_amount = (SELECT COALESCE(SUM(i.amount), 0) FROM publicity_items i
        WHERE i.batch_id = b.id AND i.withdrawn = 1),
    b.paid_count = (SELECT COUNT(*) FROM publicity_items i
        WHERE i.batch_id = b.id AND i.paid_on IS NOT NULL),
    b.paid_amount = (SELECT COALESCE(SUM(i.amount), 0) FROM publicity_items i
        WHERE i.batch_id = b.id AND i.paid_on IS NOT NULL),
    b.last_paid_on = (SELECT MAX(i.paid_on) FROM publicity_items i
        WHERE i.batch_id = b.id);

DELIMITER //

-- An item's share of its batch's totals changes only when it is withdrawn
-- or paid (publicity's uphold, oversight's revocation and payment): the
-- batch row is updated after the item's, in the same transaction. Payment
-- holds the batch already (batch, then items); a withdrawal takes it after
-- the item (a deadlock with a payment of the same batch is retried by
-- db_tx). Items are inserted unpaid and not withdrawn, and deleted only
-- from drafts; both are kept anyway.
CREATE TRIGGER tr_publicity_items_totals_ins AFTER INSERT ON publicity_items FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL AND (NEW.withdrawn = 1 OR NEW.paid_on IS NOT NULL) THEN
        UPDATE publicity_batches SET
            withdrawn_count = withdrawn_count + (NEW.withdrawn = 1),
            withdrawn_amount = withdrawn_amount + IF(NEW.withdrawn = 1, NEW.amount, 0),
            paid_count = paid_count + (NEW.paid_on IS NOT NULL),
            paid_amount = paid_amount + IF(NEW.paid_on IS NOT NULL, NEW.amount, 0),
            last_paid_on = GREATEST(COALESCE(last_paid_on, NEW.paid_on),
                                    COALESCE(NEW.paid_on, last_paid_on))
        WHERE id = NEW.batch_id;
    END IF;
END//

CREATE TRIGGER tr_publicity_items_totals_upd AFTER UPDATE ON publicity_items FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL AND (NEW.withdrawn <> OLD.withdrawn
            OR NOT (NEW.paid_on <=> OLD.paid_on) OR NEW.amount <> OLD.amount
            OR NEW.batch_id <> OLD.batch_id) THEN
        UPDATE publicity_batches SET
            withdrawn_count = withdrawn_count - (OLD.withdrawn = 1),
            withdrawn_amount = withdrawn_amount - IF(OLD.withdrawn = 1, OLD.amount, 0),
            paid_count = paid_count - (OLD.paid_on IS NOT NULL),
            paid_amount = paid_amount - IF(OLD.paid_on IS NOT NULL, OLD.amount, 0)
        WHERE id = OLD.batch_id;
        UPDATE publicity_batches SET
            withdrawn_count = withdrawn_count + (NEW.withdrawn = 1),
            withdrawn_amount = withdrawn_amount + IF(NEW.withdrawn = 1, NEW.amount, 0),
            paid_count = paid_count + (NEW.paid_on IS NOT NULL),
            paid_amount = paid_amount + IF(NEW.paid_on IS NOT NULL, NEW.amount, 0)
        WHERE id = NEW.batch_id;
        -- the latest payment date: only ever later, but for an undone one
        IF OLD.paid_on IS NOT NULL AND (NEW.paid_on IS NULL OR NEW.paid_on < OLD.paid_on
                OR NEW.batch_id <> OLD.batch_id) THEN
            UPDATE publicity_batches SET last_paid_on = (SELECT MAX(i.paid_on)
                FROM publicity_items i WHERE i.batch_id = OLD.batch_id)
            WHERE id = OLD.batch_id;
        END IF;
        IF NEW.paid_on IS NOT NULL THEN
            UPDATE publicity_batches SET last_paid_on = GREATEST(
                COALESCE(last_paid_on, NEW.paid_on), NEW.paid_on)
            WHERE id = NEW.batch_id;
        END IF;
    END IF;
END//

CREATE TRIGGER tr_publicity_items_totals_del AFTER DELETE ON publicity_items FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL AND (OLD.withdrawn = 1 OR OLD.paid_on IS NOT NULL) THEN
        UPDATE publicity_batches SET
            withdrawn_count = withdrawn_count - (OLD.withdrawn = 1),
            withdrawn_amount = withdrawn_amount - IF(OLD.withdrawn = 1, OLD.amount, 0),
            paid_count = paid_count - (OLD.paid_on IS NOT NULL),
            paid_amount = paid_amount - IF(OLD.paid_on IS NOT NULL, OLD.amount, 0),
            last_paid_on = (SELECT MAX(i.paid_on) FROM publicity_items i
                WHERE i.batch_id = OLD.batch_id)
        WHERE id = OLD.batch_id;
    END IF;
END//

DELIMITER ;

-- ---------------------------------------------------------------------------
-- the bureau's overdue list (issue 16's stage clocks, shared/domain/clocks.c)
-- pages along the instant an order's decision falls due: a submitted claim's
-- review (R4: CLOCK_REVIEW_DAYS after the confirmation or the submission,
-- whichever is later; CLOCK_CONFIRM_DAYS + CLOCK_REVIEW_DAYS after the
-- submission while unconfirmed) and an approved claim's publicity (R5:
-- CLOCK_PUBLISH_DAYS after the approval). NULL for every other order, so the
-- index holds the backlog's range in deadline order (no sort, no count of
-- the table). Stored, not virtual: the counts read the index alone (an index
-- of a virtual column reads each row). The days are clocks.h's: change both
-- together.
ALTER TABLE orders
    ADD COLUMN decision_due DATETIME AS (CASE status
        WHEN 'submitted' THEN IF(confirmed_at IS NULL, submitted_at + INTERVAL 25 DAY,
                                 GREATEST(confirmed_at, submitted_at) + INTERVAL 10 DAY)
        WHEN 'approved' THEN approved_at + INTERVAL 30 DAY END) STORED,
    ADD KEY ix_orders_decision_due (decision_due, status, id);

-- ---------------------------------------------------------------------------
-- a published list searched for a word of one or two characters (the
-- public's usual search, e.g. 服务): each item's grams (its search text's,
-- 004_scale.sql) under its batch, with whether the gram is in the product's
-- own name (the relevance the list sorts by first), so that a page is an
-- index range in its order and the total an index range count, whatever the
-- word's frequency. Longer words are tested on the batch's own items.
CREATE TABLE publicity_item_grams (
    batch_id  BIGINT UNSIGNED NOT NULL,
    gram      VARCHAR(2)      NOT NULL,
    rel       TINYINT         NOT NULL,     -- 0: in the product's name, 1: its provider's only
    item_id   BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (batch_id, gram, rel, item_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: the grams of each publicity item, by batch';

INSERT IGNORE INTO publicity_item_grams (batch_id, gram, rel, item_id)
    SELECT i.batch_id, g.gram, IF(LOCATE(g.gram, i.product_name) > 0, 0, 1), i.id
    FROM publicity_items i JOIN search_grams g ON g.text_id = i.search_text_id;

DELIMITER //

-- in the inserting transaction, after 004's trigger gave the item its text
CREATE TRIGGER tr_publicity_items_grams_ins AFTER INSERT ON publicity_items FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        INSERT IGNORE INTO publicity_item_grams (batch_id, gram, rel, item_id)
            SELECT NEW.batch_id, g.gram, IF(LOCATE(g.gram, NEW.product_name) > 0, 0, 1), NEW.id
            FROM search_grams g WHERE g.text_id = NEW.search_text_id;
    END IF;
END//

-- a stale item of a draft dropped: its grams, along the text's
CREATE TRIGGER tr_publicity_items_grams_del AFTER DELETE ON publicity_items FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        DELETE x FROM search_grams g JOIN publicity_item_grams x
            ON x.batch_id = OLD.batch_id AND x.gram = g.gram AND x.item_id = OLD.id
            WHERE g.text_id = OLD.search_text_id;
    END IF;
END//

DELIMITER ;
