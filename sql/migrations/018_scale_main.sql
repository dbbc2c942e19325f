-- 018_scale_main.sql - issue 13 on main's statements of issues 11, 16 and
-- R7 (test_explain.py at Beijing's size): indexes for the sweeper's C2
-- warnings and the bureau's overdue list, the ratings lists by provider
-- and newest first, and the dashboard's stage clocks kept as sums.
SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

-- C2 warnings (DBS_REMIND_CONFIRM) and the overdue claims waiting for the
-- enterprise (STMT_OVERDUE_ORDERS): the submitted orders oldest first
ALTER TABLE orders
    ADD KEY ix_orders_submitted (status, submitted_at, id);

-- the bureau's overdue list: the applications waiting for review (A7) and
-- the certifications waiting (E12), oldest first, along
-- ix_applications_state (state, last_submitted_at) and
-- ix_certifications_queue (status, submitted_at, id): no new index.

-- C1 ratings (issue 11): a provider's ratings newest first without
-- joining its products (provider_id copied from the order by a trigger,
-- as the order's provider never changes), and every rating newest first
-- for the bureau
ALTER TABLE evaluations
    ADD COLUMN provider_id BIGINT UNSIGNED NULL AFTER product_id,
    ADD KEY ix_evaluations_created (created_at, order_id);
UPDATE evaluations e JOIN orders o ON o.id = e.order_id SET e.provider_id = o.provider_id;
ALTER TABLE evaluations
    MODIFY COLUMN provider_id BIGINT UNSIGNED NOT NULL,
    ADD KEY ix_evaluations_provider (provider_id, created_at, order_id);
-- (no foreign key to providers: its check would take a shared lock on the
-- provider's row in every confirming transaction; the order's own key
-- already names the provider, and tests/scale/check.sql compares them)

-- the number of ratings: the bureau's unfiltered list total (row_counts,
-- as the enterprises, providers and feedback totals)
INSERT INTO row_counts (name, n) SELECT 'evaluations', COUNT(*) FROM evaluations;

-- the stage clocks of the dashboard (GET /api/bureau/stats stage_days):
-- per year, each stage's number of orders that finished it and the sum
-- of the seconds it took, kept by triggers in the writing transaction
-- (per-connection slots, as stats_orders) instead of reading a year's
-- orders on every request. A stage counts an order while both its
-- instants are set (the start and the end); a change of either moves the
-- order's contribution. orders counts every order of the year: the total
-- of the bureau's unfiltered order list (GET /api/bureau/orders).
CREATE TABLE stats_stages (
    year      SMALLINT NOT NULL,
    slot      TINYINT UNSIGNED NOT NULL,
    orders    BIGINT NOT NULL DEFAULT 0,        -- every order (the bureau's unfiltered total)
    accept_n  BIGINT NOT NULL DEFAULT 0,
    accept_s  BIGINT NOT NULL DEFAULT 0,
    contract_n  BIGINT NOT NULL DEFAULT 0,
    contract_s  BIGINT NOT NULL DEFAULT 0,
    submit_n  BIGINT NOT NULL DEFAULT 0,
    submit_s  BIGINT NOT NULL DEFAULT 0,
    review_n  BIGINT NOT NULL DEFAULT 0,
    review_s  BIGINT NOT NULL DEFAULT 0,
    publish_n  BIGINT NOT NULL DEFAULT 0,
    publish_s  BIGINT NOT NULL DEFAULT 0,
    pay_n  BIGINT NOT NULL DEFAULT 0,
    pay_s  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (year, slot)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='issue 13: the orders and seconds of each stage per year (stage_days)';

INSERT INTO stats_stages (year, slot, orders, accept_n, accept_s, contract_n, contract_s, submit_n, submit_s, review_n, review_s, publish_n, publish_s, pay_n, pay_s)
SELECT year, 0, COUNT(*),
       COUNT(TIMESTAMPDIFF(SECOND, ordered_at, accepted_at)), COALESCE(SUM(TIMESTAMPDIFF(SECOND, ordered_at, accepted_at)), 0),
       COUNT(TIMESTAMPDIFF(SECOND, accepted_at, contracted_at)), COALESCE(SUM(TIMESTAMPDIFF(SECOND, accepted_at, contracted_at)), 0),
       COUNT(TIMESTAMPDIFF(SECOND, contracted_at, submitted_at)), COALESCE(SUM(TIMESTAMPDIFF(SECOND, contracted_at, submitted_at)), 0),
       COUNT(TIMESTAMPDIFF(SECOND, submitted_at, approved_at)), COALESCE(SUM(TIMESTAMPDIFF(SECOND, submitted_at, approved_at)), 0),
       COUNT(TIMESTAMPDIFF(SECOND, approved_at, publicized_at)), COALESCE(SUM(TIMESTAMPDIFF(SECOND, approved_at, publicized_at)), 0),
       COUNT(TIMESTAMPDIFF(SECOND, publicized_at, paid_at)), COALESCE(SUM(TIMESTAMPDIFF(SECOND, publicized_at, paid_at)), 0)
  FROM orders GROUP BY year;

DELIMITER //

CREATE TRIGGER tr_evaluations_provider BEFORE INSERT ON evaluations FOR EACH ROW
BEGIN
    -- the order is locked by the confirming transaction (C1)
    IF NEW.provider_id IS NULL THEN
        SET NEW.provider_id = (SELECT provider_id FROM orders WHERE id = NEW.order_id);
    END IF;
END//

CREATE TRIGGER tr_evaluations_count AFTER INSERT ON evaluations FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        UPDATE row_counts SET n = n + 1 WHERE name = 'evaluations';
    END IF;
END//

CREATE TRIGGER tr_orders_stages_ins AFTER INSERT ON orders FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL THEN
        INSERT INTO stats_stages (year, slot, orders, accept_n, accept_s, contract_n, contract_s, submit_n, submit_s, review_n, review_s, publish_n, publish_s, pay_n, pay_s)
        VALUES (NEW.year, CONNECTION_ID() % 64, 1,
                TIMESTAMPDIFF(SECOND, NEW.ordered_at, NEW.accepted_at) IS NOT NULL, COALESCE(TIMESTAMPDIFF(SECOND, NEW.ordered_at, NEW.accepted_at), 0),
                TIMESTAMPDIFF(SECOND, NEW.accepted_at, NEW.contracted_at) IS NOT NULL, COALESCE(TIMESTAMPDIFF(SECOND, NEW.accepted_at, NEW.contracted_at), 0),
                TIMESTAMPDIFF(SECOND, NEW.contracted_at, NEW.submitted_at) IS NOT NULL, COALESCE(TIMESTAMPDIFF(SECOND, NEW.contracted_at, NEW.submitted_at), 0),
                TIMESTAMPDIFF(SECOND, NEW.submitted_at, NEW.approved_at) IS NOT NULL, COALESCE(TIMESTAMPDIFF(SECOND, NEW.submitted_at, NEW.approved_at), 0),
                TIMESTAMPDIFF(SECOND, NEW.approved_at, NEW.publicized_at) IS NOT NULL, COALESCE(TIMESTAMPDIFF(SECOND, NEW.approved_at, NEW.publicized_at), 0),
                TIMESTAMPDIFF(SECOND, NEW.publicized_at, NEW.paid_at) IS NOT NULL, COALESCE(TIMESTAMPDIFF(SECOND, NEW.publicized_at, NEW.paid_at), 0))
        ON DUPLICATE KEY UPDATE orders = orders + 1,
            accept_n = accept_n + VALUES(accept_n), accept_s = accept_s + VALUES(accept_s),
            contract_n = contract_n + VALUES(contract_n), contract_s = contract_s + VALUES(contract_s),
            submit_n = submit_n + VALUES(submit_n), submit_s = submit_s + VALUES(submit_s),
            review_n = review_n + VALUES(review_n), review_s = review_s + VALUES(review_s),
            publish_n = publish_n + VALUES(publish_n), publish_s = publish_s + VALUES(publish_s),
            pay_n = pay_n + VALUES(pay_n), pay_s = pay_s + VALUES(pay_s);
    END IF;
END//

CREATE TRIGGER tr_orders_stages_upd AFTER UPDATE ON orders FOR EACH ROW
BEGIN
    IF @voucher_bulk_load IS NULL AND (NOT (NEW.ordered_at <=> OLD.ordered_at) OR NOT (NEW.accepted_at <=> OLD.accepted_at) OR NOT (NEW.contracted_at <=> OLD.contracted_at) OR NOT (NEW.submitted_at <=> OLD.submitted_at) OR NOT (NEW.approved_at <=> OLD.approved_at) OR NOT (NEW.publicized_at <=> OLD.publicized_at) OR NOT (NEW.paid_at <=> OLD.paid_at)) THEN
        INSERT INTO stats_stages (year, slot, orders, accept_n, accept_s, contract_n, contract_s, submit_n, submit_s, review_n, review_s, publish_n, publish_s, pay_n, pay_s)
        VALUES (NEW.year, CONNECTION_ID() % 64, 0,
                (TIMESTAMPDIFF(SECOND, NEW.ordered_at, NEW.accepted_at) IS NOT NULL) - (TIMESTAMPDIFF(SECOND, OLD.ordered_at, OLD.accepted_at) IS NOT NULL),
                COALESCE(TIMESTAMPDIFF(SECOND, NEW.ordered_at, NEW.accepted_at), 0) - COALESCE(TIMESTAMPDIFF(SECOND, OLD.ordered_at, OLD.accepted_at), 0),
                (TIMESTAMPDIFF(SECOND, NEW.accepted_at, NEW.contracted_at) IS NOT NULL) - (TIMESTAMPDIFF(SECOND, OLD.accepted_at, OLD.contracted_at) IS NOT NULL),
                COALESCE(TIMESTAMPDIFF(SECOND, NEW.accepted_at, NEW.contracted_at), 0) - COALESCE(TIMESTAMPDIFF(SECOND, OLD.accepted_at, OLD.contracted_at), 0),
                (TIMESTAMPDIFF(SECOND, NEW.contracted_at, NEW.submitted_at) IS NOT NULL) - (TIMESTAMPDIFF(SECOND, OLD.contracted_at, OLD.submitted_at) IS NOT NULL),
                COALESCE(TIMESTAMPDIFF(SECOND, NEW.contracted_at, NEW.submitted_at), 0) - COALESCE(TIMESTAMPDIFF(SECOND, OLD.contracted_at, OLD.submitted_at), 0),
                (TIMESTAMPDIFF(SECOND, NEW.submitted_at, NEW.approved_at) IS NOT NULL) - (TIMESTAMPDIFF(SECOND, OLD.submitted_at, OLD.approved_at) IS NOT NULL),
                COALESCE(TIMESTAMPDIFF(SECOND, NEW.submitted_at, NEW.approved_at), 0) - COALESCE(TIMESTAMPDIFF(SECOND, OLD.submitted_at, OLD.approved_at), 0),
                (TIMESTAMPDIFF(SECOND, NEW.approved_at, NEW.publicized_at) IS NOT NULL) - (TIMESTAMPDIFF(SECOND, OLD.approved_at, OLD.publicized_at) IS NOT NULL),
                COALESCE(TIMESTAMPDIFF(SECOND, NEW.approved_at, NEW.publicized_at), 0) - COALESCE(TIMESTAMPDIFF(SECOND, OLD.approved_at, OLD.publicized_at), 0),
                (TIMESTAMPDIFF(SECOND, NEW.publicized_at, NEW.paid_at) IS NOT NULL) - (TIMESTAMPDIFF(SECOND, OLD.publicized_at, OLD.paid_at) IS NOT NULL),
                COALESCE(TIMESTAMPDIFF(SECOND, NEW.publicized_at, NEW.paid_at), 0) - COALESCE(TIMESTAMPDIFF(SECOND, OLD.publicized_at, OLD.paid_at), 0))
        ON DUPLICATE KEY UPDATE
            accept_n = accept_n + VALUES(accept_n), accept_s = accept_s + VALUES(accept_s),
            contract_n = contract_n + VALUES(contract_n), contract_s = contract_s + VALUES(contract_s),
            submit_n = submit_n + VALUES(submit_n), submit_s = submit_s + VALUES(submit_s),
            review_n = review_n + VALUES(review_n), review_s = review_s + VALUES(review_s),
            publish_n = publish_n + VALUES(publish_n), publish_s = publish_s + VALUES(publish_s),
            pay_n = pay_n + VALUES(pay_n), pay_s = pay_s + VALUES(pay_s);
    END IF;
END//

DELIMITER ;
